//! Text messages: Markdown (exercise prompts, hints, explanations) rendered to HTML with raw
//! HTML dropped, in the engine module where the Markdown parser lives.

use serde::{Deserialize, Serialize};

/// Text requests.
#[derive(Debug, Serialize, Deserialize)]
pub enum TextRequest {
    Markdown(RenderMarkdown),
}

/// Renders each text as Markdown (see `content::markdown::to_html`), in order.
#[derive(Debug, Serialize, Deserialize)]
pub struct RenderMarkdown {
    pub texts: Vec<String>,
}

call!(RenderMarkdown => Vec<String>, Text(TextRequest::Markdown));
