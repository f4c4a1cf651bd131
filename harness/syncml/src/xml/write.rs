//! Writing the element tree as XML text.
//!
//! The output is UTF-8. Nothing is added to or dropped from the tree except
//! what XML cannot hold; each such case has one fixed rule, listed on [`write()`].

use super::{WriteOptions, first_forbidden_char, is_xml_char};
use crate::tree::{Element, Node};
use base64::Engine;
use std::fmt::Write as _;

const DECLARATION: &str = r#"<?xml version="1.0" encoding="UTF-8"?>"#;

/// Writes a document with `root` as its root element.
///
/// Names and attributes are written as they are held, namespace declarations
/// included. The rules for content:
/// - text: `&`, `<` and `>` are escaped, and CR is written as `&#13;` so that a
///   conforming reader does not fold it into a line end; in attribute values
///   `"`, tab, LF and CR are escaped too, so that no reader normalises them;
/// - [`Node::CData`]: one CDATA section; a `]]>` inside is split across two
///   sections (`]]]]><![CDATA[>`), which this crate's reader merges back;
/// - [`Node::Opaque`]: a CDATA section when the bytes are UTF-8 made of
///   characters XML allows; otherwise their base64 text, the form XML
///   SyncML gives binary data (Meta Format `b64`). XML has no opaque type, so
///   the reader gives back [`Node::CData`] or [`Node::Text`];
/// - [`Node::Comment`]: a `-` followed by another `-` or ending the comment gets a
///   space after it, since XML forbids `--` inside and `-` at the end of a comment;
/// - characters XML 1.0 forbids (C0 controls other than tab, LF, CR; U+FFFE,
///   U+FFFF) are written as character references, in CDATA content by turning
///   that content into escaped text. No conforming reader, this one included,
///   accepts them: the tree holds something XML cannot carry.
///
/// With [`WriteOptions::indent`], elements whose children are only elements
/// and comments get one child per line; mixed content is never re-flowed.
pub fn write(root: &Element, opts: &WriteOptions) -> Vec<u8> {
    let mut w = Writer::new(opts);
    if opts.declaration {
        w.out.push_str(DECLARATION);
        if opts.indent.is_some() {
            w.out.push('\n');
        }
    }
    w.element(root, 0);
    w.out.into_bytes()
}

/// Writes a run of top-level nodes (a fragment) with the rules of [`write()`];
/// the declaration option is ignored, a fragment has none.
pub fn write_nodes(nodes: &[Node], opts: &WriteOptions) -> Vec<u8> {
    let mut w = Writer::new(opts);
    let layout = opts.indent.is_some() && element_only(nodes);
    for (i, n) in nodes.iter().enumerate() {
        if layout && i > 0 {
            w.out.push('\n');
        }
        w.node(n, 0);
    }
    w.out.into_bytes()
}

struct Writer {
    out: String,
    indent: Option<usize>,
}

impl Writer {
    fn new(opts: &WriteOptions) -> Self {
        Writer {
            out: String::with_capacity(1024),
            indent: opts.indent,
        }
    }

    fn element(&mut self, e: &Element, depth: usize) {
        self.out.push('<');
        self.out.push_str(&e.name);
        for a in &e.attrs {
            self.out.push(' ');
            self.out.push_str(&a.name);
            self.out.push_str("=\"");
            escape_into(&mut self.out, &a.value, Context::Attribute);
            self.out.push('"');
        }
        if e.children.is_empty() {
            self.out.push_str("/>");
            return;
        }
        self.out.push('>');
        let layout = self.indent.filter(|_| element_only(&e.children));
        for n in &e.children {
            if let Some(step) = layout {
                self.newline(step * (depth + 1));
            }
            self.node(n, depth + 1);
        }
        if let Some(step) = layout {
            self.newline(step * depth);
        }
        self.out.push_str("</");
        self.out.push_str(&e.name);
        self.out.push('>');
    }

    fn node(&mut self, n: &Node, depth: usize) {
        match n {
            Node::Element(e) => self.element(e, depth),
            Node::Text(t) => escape_into(&mut self.out, t, Context::Text),
            Node::CData(c) => self.cdata(c),
            Node::Comment(c) => self.comment(c),
            Node::Opaque(bytes) => match std::str::from_utf8(bytes) {
                Ok(s) if first_forbidden_char(s).is_none() => self.cdata(s),
                _ => self
                    .out
                    .push_str(&base64::engine::general_purpose::STANDARD.encode(bytes)),
            },
        }
    }

    fn cdata(&mut self, content: &str) {
        if first_forbidden_char(content).is_some() {
            escape_into(&mut self.out, content, Context::Text);
            return;
        }
        self.out.push_str("<![CDATA[");
        self.out
            .push_str(&content.replace("]]>", "]]]]><![CDATA[>"));
        self.out.push_str("]]>");
    }

    fn comment(&mut self, content: &str) {
        self.out.push_str("<!--");
        let mut chars = content.chars().peekable();
        while let Some(c) = chars.next() {
            push_char(&mut self.out, c);
            if c == '-' && chars.peek().is_none_or(|n| *n == '-') {
                self.out.push(' ');
            }
        }
        self.out.push_str("-->");
    }

    fn newline(&mut self, spaces: usize) {
        self.out.push('\n');
        self.out.extend(std::iter::repeat_n(' ', spaces));
    }
}

/// Whether content holds only elements and comments (and so may be laid out).
fn element_only(nodes: &[Node]) -> bool {
    nodes
        .iter()
        .all(|n| matches!(n, Node::Element(_) | Node::Comment(_)))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    Text,
    Attribute,
}

fn escape_into(out: &mut String, text: &str, ctx: Context) {
    let needs_escape = |b: u8| {
        matches!(b, b'&' | b'<' | b'>' | b'\r' | 0xEF)
            || (b < 0x20 && b != b'\n' && b != b'\t')
            || (ctx == Context::Attribute && matches!(b, b'"' | b'\n' | b'\t'))
    };
    let mut rest = text;
    while let Some(i) = rest.bytes().position(needs_escape) {
        out.push_str(&rest[..i]);
        let c = rest[i..]
            .chars()
            .next()
            .expect("position is a char boundary");
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\r' | '\n' | '\t' => push_char_ref(out, c),
            // Written as itself at the start of a document or fragment it
            // would be read as a byte-order mark and dropped.
            '\u{FEFF}' => push_char_ref(out, c),
            c => push_char(out, c),
        }
        rest = &rest[i + c.len_utf8()..];
    }
    out.push_str(rest);
}

/// Pushes a character, as a character reference when XML forbids it.
fn push_char(out: &mut String, c: char) {
    if is_xml_char(c) {
        out.push(c);
    } else {
        push_char_ref(out, c);
    }
}

fn push_char_ref(out: &mut String, c: char) {
    let _ = write!(out, "&#{};", c as u32);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Limits;
    use crate::xml::read;

    fn compact(e: &Element) -> String {
        let opts = WriteOptions {
            declaration: false,
            indent: None,
        };
        String::from_utf8(write(e, &opts)).unwrap()
    }

    fn with(children: Vec<Node>) -> Element {
        Element {
            name: "Data".into(),
            attrs: Vec::new(),
            children,
        }
    }

    #[test]
    fn declaration_comes_first_by_default() {
        let out = write(&Element::new("SyncML"), &WriteOptions::default());
        assert_eq!(
            out,
            b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><SyncML/>".as_slice()
        );
    }

    #[test]
    fn text_and_attributes_are_escaped() {
        let e =
            Element::text("Data", "a<b>&c\r\n\"'").with_attr("msft:originalerror", "\"x\"\t<&>\n");
        assert_eq!(
            compact(&e),
            "<Data msft:originalerror=\"&quot;x&quot;&#9;&lt;&amp;&gt;&#10;\">a&lt;b&gt;&amp;c&#13;\n\"'</Data>"
        );
    }

    #[test]
    fn cdata_end_marker_is_split_and_read_back_whole() {
        let e = with(vec![Node::CData("x]]>y]]>".into())]);
        let out = compact(&e);
        assert_eq!(
            out,
            "<Data><![CDATA[x]]]]><![CDATA[>y]]]]><![CDATA[>]]></Data>"
        );
        let back = read(out.as_bytes(), &Limits::default()).unwrap().root;
        assert_eq!(back, e);
    }

    #[test]
    fn opaque_is_cdata_when_utf8_and_base64_otherwise() {
        let e = with(vec![Node::Opaque(b"<ok/>".to_vec())]);
        assert_eq!(compact(&e), "<Data><![CDATA[<ok/>]]></Data>");
        let e = with(vec![Node::Opaque(vec![0xFF, 0x00, 0x10])]);
        assert_eq!(compact(&e), "<Data>/wAQ</Data>");
        let e = with(vec![Node::Opaque(vec![0x01])]);
        assert_eq!(compact(&e), "<Data>AQ==</Data>");
    }

    #[test]
    fn comments_never_hold_a_double_hyphen() {
        let e = with(vec![Node::Comment("a--b-".into())]);
        let out = compact(&e);
        assert_eq!(out, "<Data><!--a- -b- --></Data>");
        assert!(read(out.as_bytes(), &Limits::default()).is_ok());
    }

    #[test]
    fn forbidden_characters_become_references() {
        let e = with(vec![Node::Text("a\u{1}b\u{FFFF}".into())]);
        assert_eq!(compact(&e), "<Data>a&#1;b&#65535;</Data>");
        let e = with(vec![Node::CData("\u{1}]]>".into())]);
        assert_eq!(compact(&e), "<Data>&#1;]]&gt;</Data>");
        // Characters that are allowed pass through, whatever their first byte.
        let e = with(vec![Node::Text("\u{F000}\u{FFFD}".into())]);
        assert_eq!(compact(&e), "<Data>\u{F000}\u{FFFD}</Data>");
    }

    #[test]
    fn indentation_leaves_mixed_content_alone() {
        let root = Element::new("SyncML").with_child(
            Element::new("SyncBody")
                .with_child(Element::text("Data", " x "))
                .with_child(Element::new("Final")),
        );
        let opts = WriteOptions {
            declaration: true,
            indent: Some(2),
        };
        let out = String::from_utf8(write(&root, &opts)).unwrap();
        assert_eq!(
            out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<SyncML>\n  <SyncBody>\n    <Data> x </Data>\n    <Final/>\n  </SyncBody>\n</SyncML>"
        );
    }

    #[test]
    fn fragments_are_written_node_by_node() {
        let nodes = vec![
            Node::Comment(" c ".into()),
            Node::Text("\n".into()),
            Node::Element(Element::new("Get")),
        ];
        let out = write_nodes(&nodes, &WriteOptions::default());
        assert_eq!(out, b"<!-- c -->\n<Get/>".as_slice());
    }
}
