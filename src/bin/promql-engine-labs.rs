//! The labs' engine module: the exercises' engine module (src/bin/promql-engine.rs) built
//! with the `labs` feature, so it also answers the rules, alerting, Alertmanager and
//! relabeling labs, grading and deliverables. The app starts it on the pages that need it.

#[path = "promql-engine.rs"]
mod entry;

fn main() {
    entry::main();
}
