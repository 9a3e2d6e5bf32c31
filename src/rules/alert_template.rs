//! Alert label and annotation templates (Go `text/template` with Prometheus's functions).
//!
//! Interim version: text without template actions expands to itself, anything with `{{`
//! reports that templates cannot be expanded yet. The full engine replaces this file.

use crate::engine::Labels;

/// What a template sees: the alert's result sample and the server's external settings.
pub struct AlertTemplateData<'a> {
    /// The result sample's labels (including `__name__` if the expression kept it).
    pub labels: &'a Labels,
    pub value: f64,
    pub external_labels: &'a Labels,
    pub external_url: &'a str,
}

/// Runs the instant queries of the `query` template function.
pub trait TemplateQuerier {
    fn query(&self, expr: &str) -> Result<Vec<(Labels, f64)>, String>;
}

/// A parsed alert template.
pub struct AlertTemplate {
    text: String,
}

impl AlertTemplate {
    /// Parses `text` as the template of alert `alert_name`.
    pub fn parse(alert_name: &str, text: &str) -> Result<AlertTemplate, String> {
        if text.contains("{{") {
            return Err(format!("template: __alert_{alert_name}:1: templates cannot be expanded yet"));
        }
        Ok(AlertTemplate { text: text.to_string() })
    }

    /// Runs the template. Err(message) is Go's error text; render it as
    /// `<error expanding template: {message}>`.
    pub fn execute(
        &self,
        _data: &AlertTemplateData,
        _querier: &dyn TemplateQuerier,
    ) -> Result<String, String> {
        Ok(self.text.clone())
    }
}

/// Parses and runs `text` in one go.
pub fn expand(
    alert_name: &str,
    text: &str,
    data: &AlertTemplateData,
    querier: &dyn TemplateQuerier,
) -> Result<String, String> {
    AlertTemplate::parse(alert_name, text)?.execute(data, querier)
}
