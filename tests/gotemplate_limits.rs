//! No template may crash or freeze the page: deep nesting, runaway recursion, exponential
//! expansion, huge output and mangled input all end in an error (Go's words where Go has
//! one), never a panic or a stack overflow. Everything runs on a thread with a 1 MiB stack,
//! WebAssembly's, in an unoptimised build (frames larger than the site's).

#[path = "templates/cases.rs"]
mod cases;

use std::sync::Arc;

use promql_playground::engine::Labels;
use promql_playground::gotemplate::{builtins, render, NoHost, Template, Value};
use promql_playground::rules::templating::{AlertTemplate, AlertTemplateData, NoQueries};
use promql_playground::rules::Dialect;

fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(f)
        .expect("thread")
        .join()
        .expect("no panic, no overflow");
}

fn err(text: &str) -> String {
    render(text, &Value::Nil).expect_err(text)
}

#[test]
fn deep_nesting_is_refused_at_parse_time() {
    on_small_stack(|| {
        let parens = format!("{{{{ {}1{} }}}}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(err(&parens).ends_with("max expression depth exceeded"), "{}", err(&parens));
        let ifs = format!("{}x{}", "{{ if 1 }}".repeat(10_000), "{{ end }}".repeat(10_000));
        assert!(err(&ifs).ends_with("max expression depth exceeded"));
        // Nesting well past anything written by hand still works.
        let ok = format!("{}x{}", "{{ with 1 }}".repeat(99), "{{ end }}".repeat(99));
        assert_eq!(render(&ok, &Value::Nil).as_deref(), Ok("x"));
        let ok = format!("{{{{ {}1{} }}}}", "(".repeat(99), ")".repeat(99));
        assert_eq!(render(&ok, &Value::Nil).as_deref(), Ok("1"));
    });
}

#[test]
fn runaway_execution_stops_with_an_error() {
    on_small_stack(|| {
        let recursion = "{{ define \"a\" }}{{ template \"a\" }}{{ end }}{{ template \"a\" }}";
        assert!(err(recursion).contains("exceeded maximum template depth (150)"), "{}", err(recursion));
        let nested = format!(
            "{{{{ define \"a\" }}}}{}{{{{ template \"a\" }}}}{}{{{{ end }}}}{{{{ template \"a\" }}}}",
            "{{ if 1 }}".repeat(90),
            "{{ end }}".repeat(90)
        );
        assert!(err(&nested).contains("exceeded maximum template depth (150)"), "{}", err(&nested));
        let mut doubling = String::new();
        for i in 0..40 {
            doubling.push_str(&format!(
                "{{{{ define \"t{i}\" }}}}{{{{ template \"t{}\" }}}}{{{{ template \"t{}\" }}}}{{{{ end }}}}",
                i + 1,
                i + 1
            ));
        }
        doubling.push_str("{{ define \"t40\" }}x{{ end }}{{ template \"t0\" }}");
        assert!(err(&doubling).contains("execution stopped after 1000000 steps"), "{}", err(&doubling));
        let wide = "{{ printf \"%999999d\" 1 }}{{ printf \"%999999d\" 2 }}";
        assert!(err(wide).contains("output longer than 1048576 bytes"), "{}", err(wide));
    });
}

/// Every template of the differential test, every prefix of it and a few mangled forms:
/// parsed and run with Prometheus's functions, they may fail but never panic.
#[test]
fn mangled_templates_never_panic() {
    on_small_stack(|| {
        let labels = Labels::from_pairs([("__name__", "up"), ("job", "api")]);
        let data =
            AlertTemplateData { labels: &labels, value: 1.5, external_labels: &labels, external_url: "" };
        let mut runs = 0;
        for text in cases::ONCE.iter().chain(cases::PER_SAMPLE).chain(cases::PARSE_ERRORS) {
            let mangled = [
                text.replace(' ', ""),
                text.replace("}}", "}"),
                text.replace('"', ""),
                text.replace("{{", "{{-"),
                text.replace('(', ""),
                text.chars().rev().collect(),
            ];
            let prefixes = text.char_indices().map(|(i, _)| text[..i].to_string());
            for input in prefixes.chain(mangled) {
                for dialect in [Dialect::Prometheus2, Dialect::Prometheus3] {
                    if let Ok(t) = AlertTemplate::parse_dialect("A", &input, dialect) {
                        let _ = t.execute(&data, &NoQueries);
                    }
                    runs += 1;
                }
            }
        }
        assert!(runs > 20_000, "{runs}");
    });
}

/// Values and functions from outside (a product's registry) are held to the same limits.
#[test]
fn options_bound_execution() {
    let registry = Arc::new(builtins::registry());
    let t = Template::parse("t", "{{ range . }}{{ end }}", registry).expect("parses");
    let big = Value::List(std::rc::Rc::new(promql_playground::gotemplate::value::List {
        type_name: "[]int",
        items: (0..2_000_000).map(Value::Int).collect(),
    }));
    let e = t.execute(&big, &NoHost).expect_err("too many steps");
    assert!(e.contains("execution stopped after"), "{e}");
}
