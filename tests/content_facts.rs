//! What the texts say about the data is true of the data: the numbers and names the dataset
//! description, the start page and exercise prompts and explanations state are checked here
//! against queries over the default dataset, and the texts are written so that they render
//! (paired code spans, no stray escapes).

use std::sync::OnceLock;

use promql_playground::content::exercise::Exercise;
use promql_playground::content::exercise_pack::builtin_exercises;
use promql_playground::content::time::parse_duration;
use promql_playground::content::{builtin_dataset, builtin_datasets, Dataset};
use promql_playground::engine::{instant_query, EngineOptions, Millis, Storage, Value};
use promql_playground::ui::format::code_spans;

fn data() -> &'static (Dataset, Storage) {
    static D: OnceLock<(Dataset, Storage)> = OnceLock::new();
    D.get_or_init(|| {
        let d = builtin_dataset("ml-platform").expect("default dataset");
        let st = d.storage().expect("storage");
        (d, st)
    })
}

fn at(offset: &str) -> Millis {
    data().0.meta.start + parse_duration(offset).expect("offset")
}

/// (labels, value) of every element of an instant query.
fn query(q: &str, t: Millis) -> Vec<(String, f64)> {
    let out =
        instant_query(&data().1, q, t, &EngineOptions::default()).unwrap_or_else(|e| panic!("{q}: {e}"));
    match out.value {
        Value::Vector(v) => v.into_iter().map(|s| (s.labels.to_string(), s.v)).collect(),
        other => panic!("{q}: {other:?}"),
    }
}

fn exercise(id: &str) -> Exercise {
    builtin_exercises().expect("exercises").into_iter().find(|e| e.id == id).unwrap_or_else(|| panic!("{id}"))
}

/// `text` with every run of white space (line breaks of the YAML files) as one space.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

const NUMBERS: [&str; 10] = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];

#[test]
fn the_dataset_description_counts_the_models() {
    let d = &data().0;
    let models = query("count(count by (model) (model_predictions_total))", at("1h"))[0].1 as usize;
    let said =
        NUMBERS.iter().position(|n| d.meta.description.contains(&format!(" {n} models"))).map(|i| i + 1);
    assert_eq!(said, Some(models), "{}", d.meta.description);
}

#[test]
fn the_start_page_cache_card_names_the_models_below_80_percent() {
    let home = include_str!("../src/ui/home.rs");
    let card =
        home.lines().find(|l| l.contains("Hits over lookups per model")).expect("the cache hit ratio card");
    let ratio = "sum by (model) (rate(model_cache_hits_total[5m])) \
        / sum by (model) (rate(model_cache_hits_total[5m]) + rate(model_cache_misses_total[5m])) < 0.8";
    let low = query(ratio, at("15h"));
    assert_eq!(low.len(), 2, "{low:?}");
    for (labels, v) in low {
        let model = labels.split('"').nth(1).expect("model");
        assert!(card.contains(model), "{model} is below 80 % but not in: {card}");
        let percent = format!("about {:.0} %", v * 100.0);
        assert!(card.contains(&percent), "{model} is at {percent}: {card}");
    }
    assert!(!card.contains("one model"), "{card}");
    // The exercise on the same question says the same.
    let ex = exercise("todo-2-2-low-hit-models");
    assert!(flat(&ex.explanation).contains("recommender (about 62 %) and image-classifier (about 78 %)"));
}

#[test]
fn dataset_texts_render_their_code_spans() {
    for d in builtin_datasets().expect("datasets") {
        let texts = std::iter::once(&d.meta.description).chain(d.meta.events.iter().map(|e| &e.description));
        for text in texts {
            assert!(!text.contains("\\`"), "{}: an escaped backtick shows as is: {text}", d.meta.id);
            assert_eq!(text.matches('`').count() % 2, 0, "{}: unpaired backtick: {text}", d.meta.id);
            let plain: String =
                code_spans(text).into_iter().filter(|(code, _)| !code).map(|(_, s)| s).collect();
            assert!(!plain.contains('`'), "{}: {text}", d.meta.id);
        }
    }
}

#[test]
fn the_memory_leak_prompt_counts_the_growing_containers() {
    let ex = exercise("todo-2-4-memory-leak");
    assert!(flat(&ex.prompt).contains("(all 21 at 10:00)"), "{}", ex.prompt);
    let all = query("count(container_memory_usage_bytes)", at("10h"))[0].1;
    let growing = query("count(deriv(container_memory_usage_bytes[1h]) > 0)", at("10h"))[0].1;
    assert_eq!((all, growing), (21.0, 21.0));
    assert!(!flat(&ex.prompt).contains("about half of the containers grow at any time"));
}

#[test]
fn the_hour_over_hour_explanation_gives_the_ratios_of_the_drop() {
    let ex = exercise("todo-1-2-hour-over-hour");
    let q = "increase(model_predictions_total{model=\"search-ranker\", environment=\"prod\"}[1h]) \
        / increase(model_predictions_total{model=\"search-ranker\", environment=\"prod\"}[1h] offset 1h)";
    for (time, offset, want) in [("16:45", "40h45m", 0.45), ("17:00", "41h", 0.3)] {
        assert!(flat(&ex.explanation).contains(&format!("about {want} at {time}")), "{}", ex.explanation);
        for (pod, v) in query(q, at(offset)) {
            assert!((v - want).abs() < 0.03, "{pod} at {time}: {v}");
        }
    }
}

#[test]
fn the_moving_average_explanation_says_rate_reads_every_sample() {
    let e = flat(&exercise("todo-2-3-moving-average").explanation);
    assert!(!e.contains("first and last sample"), "{e}");
    assert!(e.contains("reads every sample of the hour") && e.contains("counter"), "{e}");
}

#[test]
fn predict_linear_forecasts_a_gauge() {
    let ex = exercise("todo-2-3-predict-linear");
    // The graded answer extrapolates the rate (a gauge), and the seed's form on the raw
    // counter is a listed wrong answer, as the explanation says.
    assert!(ex.answers[0].starts_with("predict_linear(rate(model_predictions_total"), "{}", ex.answers[0]);
    assert!(ex.rejects.iter().any(|r| r.starts_with("predict_linear(model_predictions_total")));
    assert!(flat(&ex.explanation).contains("The rate is a gauge"), "{}", ex.explanation);
    // "half an hour into the drop it forecasts a negative rate (about −25/s per prod pod)"
    let q = "predict_linear(rate(model_predictions_total{model=\"search-ranker\", environment=\"prod\"}[5m])[1h:1m], 3600)";
    let forecasts = query(q, at("40h30m"));
    assert_eq!(forecasts.len(), 3);
    for (pod, v) in forecasts {
        assert!((-30.0..-20.0).contains(&v), "{pod}: {v}");
    }
}
