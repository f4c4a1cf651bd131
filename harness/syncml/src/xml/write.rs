//! Writing the element tree as XML text.
//!
//! The output is UTF-8. Nothing is added to or dropped from the tree except
//! what XML cannot hold; each such case has one fixed rule, listed on [`write`].

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

/// Writes a run of top-level nodes (a fragment) with the rules of [`write`];
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
