//! Markdown of exercise prompts, hints and explanations, rendered to HTML safely: packs are
//! untrusted (an instructor's pack is loaded from any URL), so raw HTML in the source is shown
//! as text, and links and images keep only http(s), relative and fragment targets.

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag};

/// Renders `src` to HTML with raw HTML escaped and unsafe URLs removed.
pub fn to_html(src: &str) -> String {
    let parser = Parser::new_ext(src, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH);
    let events = parser.map(|ev| match ev {
        // Raw HTML becomes literal text (escaped by the HTML writer).
        Event::Html(s) | Event::InlineHtml(s) => Event::Text(s),
        Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
            Event::Start(Tag::Link { link_type, dest_url: safe_url(dest_url), title, id })
        }
        Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
            Event::Start(Tag::Image { link_type, dest_url: safe_url(dest_url), title, id })
        }
        other => other,
    });
    let mut out = String::with_capacity(src.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

/// Keeps `url` when it is http(s), relative or a fragment; anything else (`javascript:`,
/// `data:`, ...) becomes an inert `#`.
fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    let lower = url.trim().to_ascii_lowercase();
    let scheme = lower.split_once(':').map(|(s, _)| s).filter(|s| !s.contains(['/', '?', '#']));
    match scheme {
        None | Some("http") | Some("https") | Some("mailto") => url,
        Some(_) => CowStr::Borrowed("#"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_and_sanitises() {
        let cases: &[(&str, &str)] = &[
            ("**bold** and `code`", "<p><strong>bold</strong> and <code>code</code></p>\n"),
            ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
            ("x <img src=x onerror=alert(1)> y", "x &lt;img src=x onerror=alert(1)&gt; y"),
            ("[a](javascript:alert(1))", "<a href=\"#\">a</a>"),
            ("[a](JavaScript:alert(1))", "<a href=\"#\">a</a>"),
            ("[a](https://prometheus.io/x)", "<a href=\"https://prometheus.io/x\">a</a>"),
            ("[a](/play?q=up)", "<a href=\"/play?q=up\">a</a>"),
            ("![i](data:image/png;base64,xx)", "<img src=\"#\""),
            (
                "```promql\nrate(x[5m])\n```",
                "<pre><code class=\"language-promql\">rate(x[5m])\n</code></pre>",
            ),
        ];
        for (src, want) in cases {
            let html = to_html(src);
            assert!(html.contains(want), "{src}: {html}");
            assert!(!html.contains("<script") && !html.contains("<img src=x"), "{src}: {html}");
        }
    }
}
