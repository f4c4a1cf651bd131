//! How many bytes a message takes in XML, to keep replies under MaxMsgSize.
//!
//! The count is that of a compact XML writing (no indentation, `&lt;` `&gt;` `&amp;`
//! `&quot;` escapes, empty elements as `<X/>`) plus an allowance for the XML
//! declaration. WBXML is never larger, so a reply that fits here fits in both encodings.

use syncml::{Element, Message, Node};

/// Room kept for `<?xml version="1.0" encoding="UTF-8"?>` and a line break.
pub const DECLARATION_ALLOWANCE: usize = 48;

/// The size of a whole message.
pub fn message_len(m: &Message) -> usize {
    DECLARATION_ALLOWANCE + element_len(&m.to_element())
}

/// The size of one element and its content.
pub fn element_len(e: &Element) -> usize {
    let mut n = 1 + e.name.len();
    for a in &e.attrs {
        n += 1 + a.name.len() + 2 + escaped_len(&a.value) + 1;
    }
    if e.children.is_empty() {
        return n + 2;
    }
    n += 1;
    for c in &e.children {
        n += match c {
            Node::Element(child) => element_len(child),
            Node::Text(t) => escaped_len(t),
            Node::CData(t) => 12 + t.len(),
            Node::Comment(t) => 7 + t.len(),
            // Non-UTF-8 bytes may need an escaped or encoded form: count them twice.
            Node::Opaque(b) => {
                12 + if std::str::from_utf8(b).is_ok() {
                    b.len()
                } else {
                    2 * b.len()
                }
            }
        };
    }
    n + 3 + e.name.len()
}

/// The size of a text once escaped.
pub fn escaped_len(t: &str) -> usize {
    t.bytes()
        .map(|b| match b {
            b'<' | b'>' => 4,
            b'&' => 5,
            b'"' => 6,
            _ => 1,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_a_compact_writing() {
        let e = Element::new("A")
            .with_attr("x", "1")
            .with_child(Element::text("B", "a<b"))
            .with_child(Element::new("C"));
        // <A x="1"><B>a&lt;b</B><C/></A>
        assert_eq!(element_len(&e), r#"<A x="1"><B>a&lt;b</B><C/></A>"#.len());
    }
}
