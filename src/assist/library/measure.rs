//! Measuring the library's queries one at a time: every distinct query text (the seed repeats
//! some, and recorded alternatives are queries too) as an instant query at the library's time
//! and as a range query over its window, on the dataset with the recorded series.

use std::collections::HashMap;

use super::{Library, QueryCost};
use crate::engine::Storage;
use crate::rules::cost::{measure_query, CostOptions};

/// The queries left to measure and those measured.
pub struct Measuring {
    queue: Vec<String>,
    done: HashMap<String, QueryCost>,
}

impl Measuring {
    /// Every distinct query of `library` (raw queries and their recorded alternatives), in
    /// the library's order.
    pub fn new(library: &Library) -> Measuring {
        let mut queue: Vec<String> = Vec::new();
        for e in library.entries() {
            for q in std::iter::once(&e.query).chain(e.recorded.as_ref()) {
                if !queue.contains(q) {
                    queue.push(q.clone());
                }
            }
        }
        Measuring { queue, done: HashMap::new() }
    }

    /// Queries in all, and measured.
    pub fn total(&self) -> usize {
        self.queue.len()
    }
    pub fn done(&self) -> usize {
        self.done.len()
    }

    /// The query the next step measures.
    pub fn next_query(&self) -> Option<&str> {
        self.queue.get(self.done.len()).map(String::as_str)
    }

    /// Measures the next query on `storage` at `library`'s times; None once all are measured.
    pub fn step(
        &mut self,
        storage: &Storage,
        library: &Library,
        opts: &CostOptions,
        clock: &mut dyn FnMut() -> f64,
    ) -> Option<(String, QueryCost)> {
        let query = self.queue.get(self.done.len())?.clone();
        let range = (library.range_start, library.range_end, library.step);
        let cost = QueryCost {
            instant: measure_query(storage, &query, None, library.at, opts, clock),
            range: measure_query(storage, &query, Some(range), library.at, opts, clock),
        };
        self.done.insert(query.clone(), cost.clone());
        Some((query, cost))
    }

    /// The costs measured, by query text.
    pub fn into_costs(self) -> HashMap<String, QueryCost> {
        self.done
    }
}
