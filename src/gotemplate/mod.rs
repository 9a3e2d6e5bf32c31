//! Go's `text/template`, as Prometheus and Alertmanager run it: parse a template once, then
//! execute it on data as often as needed, with the output and the error messages Go gives
//! (`template: NAME:LINE:COL: executing "NAME" at <.Foo>: can't evaluate field Foo in type
//! float64`).
//!
//! - [`lex`] and [`parse`] read the template language (actions, pipelines, variables,
//!   `if`/`range`/`with`/`define`/`template`/`block`, comments, trim markers) into [`node`]s;
//! - [`exec`] runs a tree over a dynamic [`Value`] (maps, slices, records, time values);
//! - [`registry`] holds the functions and methods a template may call: Go's [`builtins`],
//!   plus whatever a product adds (Prometheus's in `rules::templating`, Alertmanager's in
//!   [`alertmanager`]);
//! - [`fmt`], [`ftoa`], [`strconv`], [`strings`], [`quote`], [`regexp`] and [`time`] reproduce the parts of Go's
//!   standard library whose output templates show.
//!
//! Semantics follow Go 1.19, the Go that built the Prometheus 2.42 and Alertmanager 0.25
//! binaries the project is checked against. Nothing here panics on any input: nesting is
//! bounded at parse time, and execution has a step budget, an output limit and a depth limit.

pub mod alertmanager;
pub mod builtins;
mod exec;
pub mod fmt;
pub mod ftoa;
mod lex;
pub mod node;
mod parse;
pub mod quote;
pub mod regexp;
pub mod registry;
pub mod strconv;
pub mod strings;
pub mod textfuncs;
pub mod time;
pub mod value;

use std::sync::Arc;

pub use registry::{Host, NoHost, Param, Registry};
pub use value::{Kind, Value};

/// What a missing map key yields (Go's `missingkey` option).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MissingKey {
    /// "no value" (Go's default, printed as `<no value>`).
    #[default]
    Invalid,
    /// The zero value of the map's element type (Prometheus and Alertmanager use this).
    Zero,
    /// An execution error.
    Error,
}

/// Execution settings and limits.
#[derive(Clone, Debug)]
pub struct Options {
    pub missing_key: MissingKey,
    /// Most nodes, commands and loop iterations one execution may run.
    pub max_steps: u64,
    /// Longest output, in bytes.
    pub max_output: usize,
    /// Deepest nesting of `{{template}}` calls and `if`/`with`/`range` bodies while executing
    /// (Go counts template calls only, up to 100,000; the bound keeps recursion within
    /// WebAssembly's 1 MiB stack).
    pub max_depth: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            missing_key: MissingKey::Invalid,
            max_steps: 1_000_000,
            max_output: 1 << 20,
            max_depth: 150,
        }
    }
}

/// A parsed template with the definitions it contains.
#[derive(Clone)]
pub struct Template {
    name: String,
    text: String,
    trees: parse::TreeSet,
    registry: Arc<Registry>,
    pub options: Options,
}

impl std::fmt::Debug for Template {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Template").field("name", &self.name).field("text", &self.text).finish()
    }
}

impl Template {
    /// Parses `text` as the template `name`, with the functions of `registry`. The error is
    /// Go's (`template: NAME:LINE: MESSAGE`).
    pub fn parse(name: &str, text: &str, registry: Arc<Registry>) -> Result<Template, String> {
        let trees = parse::parse(name, text, &|f| registry.lookup(f))?;
        Ok(Template { name: name.into(), text: text.into(), trees, registry, options: Options::default() })
    }

    /// Sets the execution options.
    pub fn with_options(mut self, options: Options) -> Template {
        self.options = options;
        self
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Parses `text` as a new template `name` that also sees this template's definitions (Go's
    /// `Clone()` then `New(name).Parse(text)`): its own `define`s replace same-named ones.
    pub fn parse_in(&self, name: &str, text: &str) -> Result<Template, String> {
        let own = parse::parse(name, text, &|f| self.registry.lookup(f))?;
        let mut trees = self.trees.clone();
        trees.extend(own);
        Ok(Template {
            name: name.into(),
            text: text.into(),
            trees,
            registry: self.registry.clone(),
            options: self.options.clone(),
        })
    }

    /// Runs the template on `data`; `host` answers the registry's host functions. The error
    /// is Go's execution error.
    pub fn execute(&self, data: &Value, host: &dyn Host) -> Result<String, String> {
        exec::Exec::new(self, host).run(data)
    }
}

/// Parses and runs `text` with Go's builtins only (for tests and previews).
pub fn render(text: &str, data: &Value) -> Result<String, String> {
    let registry = Arc::new(builtins::registry());
    Template::parse("t", text, registry)?.execute(data, &NoHost)
}
