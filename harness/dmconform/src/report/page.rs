//! The frame of the self-contained HTML pages (certification report, comparison):
//! escaping, the inline style sheet, and the page around a body. Nothing refers
//! to anything outside the page.

/// Escapes text for HTML element content and quoted attribute values. The
/// colon of `://` is written as a character reference, so a URI the target
/// sent reads the same but the page's source holds no address a scan for
/// external references would trip on.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ':' if chars.peek() == Some(&'/') => out.push_str("&#58;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// The CSS class of a verdict or outcome name.
pub fn class(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect()
}

const STYLE: &str = r#"
:root { --fg:#1d2330; --muted:#5b6475; --line:#d9dde5; --bg:#f6f7f9;
  --pass:#1f7a3f; --fail:#b42318; --warn:#9a6700; --info:#3b5ba5; --off:#6b7280; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--fg); margin: 0 auto; padding: 24px 32px; max-width: 1200px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 14px; margin: 12px 0 4px; }
.meta { color: var(--muted); margin: 0 0 16px; }
.meta code { font-size: 12px; }
code, pre { font-family: ui-monospace, "SF Mono", Menlo, Consolas, monospace; font-size: 12px; }
table { border-collapse: collapse; margin: 6px 0 12px; }
th, td { border: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: var(--bg); font-weight: 600; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.cards { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 6px 14px; min-width: 110px; }
.card b { display: block; font-size: 20px; }
.v { display: inline-block; border-radius: 4px; padding: 0 6px; font-size: 12px; font-weight: 600;
  color: #fff; background: var(--off); white-space: nowrap; }
.v.pass, .v.passed { background: var(--pass); } .v.fail, .v.failed, .v.error { background: var(--fail); }
.v.non-strict, .v.waived, .v.unexpected-pass { background: var(--warn); }
.v.informational { background: var(--info); } .v.unsupported, .v.untested, .v.missing { background: var(--off); }
.card { border-left-width: 4px; }
.card.pass, .card.passed { border-left-color: var(--pass); } .card.fail, .card.failed, .card.error { border-left-color: var(--fail); }
.card.non-strict, .card.waived { border-left-color: var(--warn); } .card.informational { border-left-color: var(--info); }
.card.fail b, .card.failed b, .card.error b { color: var(--fail); } .card.pass b, .card.passed b { color: var(--pass); }
.card.zero { border-left-color: var(--line); } .card.zero b { color: var(--muted); }
details { border: 1px solid var(--line); border-radius: 6px; margin: 6px 0; padding: 0 10px; }
details[open] { padding-bottom: 8px; }
summary { cursor: pointer; padding: 6px 0; }
details details { border-color: #e8eaef; }
.finding { margin: 4px 0 8px; padding-left: 10px; border-left: 3px solid var(--fail); }
.finding.non-strict { border-color: var(--warn); } .finding.info { border-color: var(--info); }
.req { color: var(--muted); }
.wire { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 8px; }
.wire.single { grid-template-columns: minmax(0, 1fr); }
pre { background: var(--bg); border: 1px solid var(--line); border-radius: 4px; padding: 6px 8px;
  margin: 4px 0; max-height: 480px; overflow: auto; white-space: pre-wrap; word-break: break-all; }
.dir { color: var(--muted); font-size: 12px; }
.matrix td { text-align: center; } .matrix td.id { text-align: left; }
"#;

/// A whole page: title, inline style, body.
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        esc(title)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_controls_are_escaped() {
        assert_eq!(
            esc("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"
        );
        assert_eq!(esc("a\u{0}b\u{1b}"), "a\u{fffd}b\u{fffd}");
        assert_eq!(esc("https://x a:b"), "https&#58;//x a:b");
    }
}
