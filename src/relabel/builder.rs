//! Prometheus's `labels.Builder`, reproduced because relabeling depends on its details: a
//! base set plus an ordered list of additions and a list of deletions. `labelmap`,
//! `labeldrop` and `labelkeep` visit labels in the builder's order (unchanged base labels by
//! name, then added labels in the order they were set), which decides who wins a collision.

/// A label set under construction.
#[derive(Clone, Debug, Default)]
pub struct Builder {
    /// The starting labels, sorted by name (a label with an empty value is kept, as Go does).
    base: Vec<(String, String)>,
    del: Vec<String>,
    add: Vec<(String, String)>,
    /// When recording: every change made, in order (what the dataset report attributes to
    /// the rule that made it).
    log: Option<Vec<Change>>,
}

/// One change to a label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// The label was there and is gone.
    Removed(String),
    /// The label was added.
    Added(String),
    /// The label's value changed.
    Rewritten(String),
}

impl Builder {
    /// A builder over `labels` (any order; on a repeated name the last one wins).
    pub fn new(labels: impl IntoIterator<Item = (String, String)>) -> Builder {
        let mut base: Vec<(String, String)> = labels.into_iter().collect();
        // Stable: of repeated names the last one is kept below.
        base.sort_by(|a, b| a.0.cmp(&b.0));
        let mut i = 0;
        while i + 1 < base.len() {
            if base[i].0 == base[i + 1].0 {
                base.remove(i);
            } else {
                i += 1;
            }
        }
        Builder { base, del: Vec::new(), add: Vec::new(), log: None }
    }

    /// Starts recording changes.
    pub fn record(&mut self) {
        self.log = Some(Vec::new());
    }

    /// The changes recorded since the last call.
    pub fn take_changes(&mut self) -> Vec<Change> {
        self.log.as_mut().map(std::mem::take).unwrap_or_default()
    }

    /// The value of `name` ("" when absent).
    pub fn get(&self, name: &str) -> &str {
        if let Some((_, v)) = self.add.iter().find(|(n, _)| n == name) {
            return v;
        }
        if self.del.iter().any(|d| d == name) {
            return "";
        }
        self.base.iter().find(|(n, _)| n == name).map_or("", |(_, v)| v.as_str())
    }

    /// Sets `name`; an empty value deletes it.
    pub fn set(&mut self, name: &str, value: String) {
        if value.is_empty() {
            self.del(name);
            return;
        }
        if self.log.is_some() {
            let change = match self.get(name) {
                "" => Some(Change::Added(name.to_string())),
                old if old != value => Some(Change::Rewritten(name.to_string())),
                _ => None,
            };
            self.log.iter_mut().for_each(|l| l.extend(change.clone()));
        }
        match self.add.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value,
            None => self.add.push((name.to_string(), value)),
        }
    }

    /// Deletes `name`.
    pub fn del(&mut self, name: &str) {
        if self.log.is_some() && !self.get(name).is_empty() {
            self.log.iter_mut().for_each(|l| l.push(Change::Removed(name.to_string())));
        }
        self.add.retain(|(n, _)| n != name);
        self.del.push(name.to_string());
    }

    /// The labels in visiting order, as a snapshot (changes made while walking it do not
    /// change what is visited, as in Go's `Range`).
    pub fn snapshot(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self
            .base
            .iter()
            .filter(|(n, _)| !self.del.contains(n) && !self.add.iter().any(|(a, _)| a == n))
            .cloned()
            .collect();
        out.extend(self.add.iter().cloned());
        out
    }

    /// The finished label set, sorted by name.
    pub fn labels(&self) -> Vec<(String, String)> {
        let mut out = self.snapshot();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(pairs: &[(&str, &str)]) -> Builder {
        Builder::new(pairs.iter().map(|(n, v)| (n.to_string(), v.to_string())))
    }

    #[test]
    fn set_after_delete_wins_and_visiting_order_is_base_then_added() {
        let mut lb = b(&[("b", "2"), ("a", "1")]);
        lb.del("a");
        assert_eq!(lb.get("a"), "");
        lb.set("a", "x".into());
        lb.set("0", "z".into());
        assert_eq!(lb.get("a"), "x");
        let names: Vec<String> = lb.snapshot().into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["b", "a", "0"]);
        assert_eq!(lb.labels()[0].0, "0");
        lb.set("b", String::new());
        assert_eq!(lb.labels().len(), 2);
    }
}
