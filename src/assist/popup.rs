//! How the completion list behaves at the keyboard, as pure logic (the browser editor feeds it
//! typed characters and key names; tests drive it natively). Modelled on CodeMirror and the
//! Prometheus 3 editor: a list that opened by itself while typing has nothing selected, so
//! Enter still inserts a newline and multi-line queries type naturally; the learner moves
//! into the list with the arrow keys (then Enter accepts) or accepts the first entry with Tab.
//! Ctrl+Space opens the list on purpose, with its first entry selected. Escape closes it.

/// The list's state in one editor.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Popup {
    open: bool,
    /// The highlighted entry, if the learner moved into the list (or opened it on purpose).
    selected: Option<usize>,
    /// Opened with Ctrl+Space: typing keeps the first entry selected until the list closes.
    explicit: bool,
}

/// The keys the list reacts to; everything else is [`Key::Other`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    Down,
    Up,
    Enter,
    Tab,
    Escape,
    /// Keys that move the cursor sideways (Left, Right, Home, End): the list closes.
    Sideways,
    Other,
}

impl Key {
    /// The key of a DOM `KeyboardEvent.key` value.
    pub fn from_dom(key: &str) -> Key {
        match key {
            "ArrowDown" => Key::Down,
            "ArrowUp" => Key::Up,
            "Enter" => Key::Enter,
            "Tab" => Key::Tab,
            "Escape" => Key::Escape,
            "ArrowLeft" | "ArrowRight" | "Home" | "End" | "PageUp" | "PageDown" => Key::Sideways,
            _ => Key::Other,
        }
    }
}

/// What the editor does with a key press.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyOutcome {
    /// Not the list's business: the editor handles the key as usual (Enter inserts a newline).
    PassOn,
    /// The list used the key (moved, or closed): the editor ignores it.
    Used,
    /// Insert entry `i` and close the list.
    Accept(usize),
}

/// What was just typed into the editor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Typed {
    /// A character was inserted (the last one, for a paste).
    Char(char),
    /// Text was deleted.
    Deleted,
}

impl Popup {
    /// True while the list is shown (when it has entries).
    pub fn is_open(&self) -> bool {
        self.open
    }

    /// The highlighted entry, if any.
    pub fn selected(&self) -> Option<usize> {
        self.selected
    }

    /// Updates the list after an edit. It opens by itself on what starts or continues a
    /// completable word (a name, `{`, `[`, a matcher's `=`/`~` or opening quote), never on
    /// `(`, `,`, spaces, operators or newlines; nothing is selected unless it was opened on
    /// purpose. Deleting keeps it as it was.
    pub fn typed(&mut self, what: Typed) {
        match what {
            Typed::Deleted => {}
            Typed::Char(c) if opens_on(c) => self.open = true,
            Typed::Char(_) => {
                self.close();
                return;
            }
        }
        self.selected = (self.open && self.explicit).then_some(0);
    }

    /// Ctrl+Space: opens the list with its first entry selected.
    pub fn invoke(&mut self) {
        *self = Popup { open: true, selected: Some(0), explicit: true };
    }

    /// Closes the list (Escape, a click elsewhere, the editor losing focus).
    pub fn close(&mut self) {
        *self = Popup::default();
    }

    /// Handles a key press while the list has `items` entries. Keys with Ctrl, Alt or Meta
    /// are never the list's (Ctrl+Enter runs the query).
    pub fn key(&mut self, key: Key, items: usize, modified: bool) -> KeyOutcome {
        if !self.open || items == 0 || modified {
            if modified && key == Key::Enter {
                self.close();
            }
            return KeyOutcome::PassOn;
        }
        match key {
            Key::Down => {
                self.selected = Some(self.selected.map_or(0, |i| (i + 1) % items));
                KeyOutcome::Used
            }
            Key::Up => {
                self.selected = Some(self.selected.map_or(items - 1, |i| (i + items - 1) % items));
                KeyOutcome::Used
            }
            Key::Enter => match self.selected {
                Some(i) => self.accept(i.min(items - 1)),
                // Not moved into: Enter is a newline, and the list makes way for it.
                None => {
                    self.close();
                    KeyOutcome::PassOn
                }
            },
            Key::Tab => self.accept(self.selected.unwrap_or(0).min(items - 1)),
            Key::Escape => {
                self.close();
                KeyOutcome::Used
            }
            Key::Sideways => {
                self.close();
                KeyOutcome::PassOn
            }
            Key::Other => KeyOutcome::PassOn,
        }
    }

    fn accept(&mut self, i: usize) -> KeyOutcome {
        self.close();
        KeyOutcome::Accept(i)
    }
}

/// Characters after which a completion list is useful.
fn opens_on(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | ':' | '{' | '[' | '"' | '\'' | '=' | '~')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Types `text` one character at a time, then presses `keys`; returns the outcomes.
    fn session(text: &str, keys: &[Key]) -> (Popup, Vec<KeyOutcome>) {
        let mut p = Popup::default();
        for c in text.chars() {
            p.typed(Typed::Char(c));
        }
        let outcomes = keys.iter().map(|k| p.key(*k, 5, false)).collect();
        (p, outcomes)
    }

    #[test]
    fn enter_after_typing_is_a_newline() {
        for text in ["up", "sum by (model) (", "rate(model_predictions_total[5m", "x{model=\""] {
            let (p, out) = session(text, &[Key::Enter]);
            assert_eq!(out, vec![KeyOutcome::PassOn], "{text}");
            assert!(!p.is_open(), "{text}: the list makes way for the newline");
        }
    }

    #[test]
    fn never_opens_on_parentheses_commas_or_spaces() {
        for text in ["sum(", "sum by (model) (", "topk(3,", "x ", "a +", "(\n"] {
            assert!(!session(text, &[]).0.is_open(), "{text}");
        }
        for text in ["r", "x{", "x[", "x{a=", "x{a=~", "x{a=\""] {
            let (p, _) = session(text, &[]);
            assert!(p.is_open() && p.selected().is_none(), "{text}");
        }
    }

    #[test]
    fn arrows_move_into_the_list_then_enter_accepts() {
        let table: &[(&[Key], &[KeyOutcome])] = &[
            (&[Key::Down, Key::Enter], &[KeyOutcome::Used, KeyOutcome::Accept(0)]),
            (
                &[Key::Down, Key::Down, Key::Enter],
                &[KeyOutcome::Used, KeyOutcome::Used, KeyOutcome::Accept(1)],
            ),
            (&[Key::Up, Key::Enter], &[KeyOutcome::Used, KeyOutcome::Accept(4)]),
            (&[Key::Tab], &[KeyOutcome::Accept(0)]),
            (&[Key::Down, Key::Down, Key::Tab], &[KeyOutcome::Used, KeyOutcome::Used, KeyOutcome::Accept(1)]),
            (&[Key::Escape, Key::Enter], &[KeyOutcome::Used, KeyOutcome::PassOn]),
            (&[Key::Escape, Key::Tab], &[KeyOutcome::Used, KeyOutcome::PassOn]),
            (&[Key::Sideways, Key::Down], &[KeyOutcome::PassOn, KeyOutcome::PassOn]),
            (&[Key::Other, Key::Tab], &[KeyOutcome::PassOn, KeyOutcome::Accept(0)]),
        ];
        for (keys, want) in table {
            assert_eq!(session("model_", keys).1, *want, "{keys:?}");
        }
    }

    #[test]
    fn typing_after_moving_in_drops_the_selection() {
        let mut p = Popup::default();
        p.typed(Typed::Char('m'));
        assert_eq!(p.key(Key::Down, 5, false), KeyOutcome::Used);
        p.typed(Typed::Char('o'));
        assert_eq!(p.selected(), None);
        assert_eq!(p.key(Key::Enter, 5, false), KeyOutcome::PassOn);
    }

    #[test]
    fn ctrl_space_preselects_and_keeps_doing_so_while_typing() {
        let mut p = Popup::default();
        p.invoke();
        assert_eq!(p.selected(), Some(0));
        p.typed(Typed::Char('r'));
        assert_eq!(p.key(Key::Enter, 3, false), KeyOutcome::Accept(0));
        p.invoke();
        p.typed(Typed::Char('('));
        assert!(!p.is_open(), "an opening parenthesis ends the word being completed");
    }

    #[test]
    fn deleting_keeps_the_list_as_it_was() {
        let (mut p, _) = session("rat", &[]);
        p.typed(Typed::Deleted);
        assert!(p.is_open() && p.selected().is_none());
        let mut closed = Popup::default();
        closed.typed(Typed::Deleted);
        assert!(!closed.is_open());
    }

    #[test]
    fn modified_keys_and_empty_lists_pass_on() {
        let (mut p, _) = session("ra", &[]);
        assert_eq!(p.key(Key::Down, 0, false), KeyOutcome::PassOn);
        assert_eq!(p.key(Key::Enter, 5, true), KeyOutcome::PassOn, "Ctrl+Enter runs the query");
        assert!(!p.is_open());
        let mut p = Popup::default();
        p.invoke();
        assert_eq!(p.key(Key::Enter, 0, false), KeyOutcome::PassOn);
    }

    #[test]
    fn dom_key_names() {
        for (dom, key) in [
            ("ArrowDown", Key::Down),
            ("ArrowUp", Key::Up),
            ("Enter", Key::Enter),
            ("Tab", Key::Tab),
            ("Escape", Key::Escape),
            ("Home", Key::Sideways),
            ("a", Key::Other),
        ] {
            assert_eq!(Key::from_dom(dom), key);
        }
    }
}
