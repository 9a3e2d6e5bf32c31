//! Text in the engine module: Markdown rendering.

use crate::content::markdown::to_html;
use crate::link::answer;
use crate::link::text::{RenderMarkdown, TextRequest};

pub(super) fn handle(request: TextRequest) -> Vec<u8> {
    match request {
        TextRequest::Markdown(c) => answer::<RenderMarkdown>(c.texts.iter().map(|t| to_html(t)).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{roundtrip, Host};
    use super::*;

    #[test]
    fn markdown_is_rendered_in_order_without_raw_html() {
        let texts = vec!["**a**".to_string(), "x <script>y</script> `b`".to_string()];
        let html = roundtrip(&mut Host::new(), RenderMarkdown { texts }).unwrap();
        assert_eq!(html.len(), 2);
        assert!(html[0].contains("<strong>a</strong>"));
        assert!(!html[1].contains("<script>") && html[1].contains("<code>b</code>"));
    }
}
