//! The XML codec: SyncML documents in and out of the element tree.
//!
//! [`read`] turns bytes into an [`XmlDocument`] (the root [`Element`], the
//! prolog, and what had to be read leniently); [`read_fragment`] reads a run of
//! top-level nodes (bare commands, a bare `SyncHdr` or `SyncBody`); [`write()`]
//! turns a tree back into bytes. [`read_message`] and [`write_message`] go
//! straight to and from the typed [`Message`].
//!
//! Reading rules:
//! - Names, namespace declarations and prefixed attributes (`xmlns`,
//!   `xmlns:msft`, `msft:originalerror`) are kept exactly as written; a prefix
//!   that no enclosing element declares is kept too and recorded as an
//!   [`XmlDefectKind::UndeclaredPrefix`].
//! - Text is kept as sent: character references and the five predefined entity
//!   references are decoded, nothing else is touched (no line-end or attribute
//!   white-space normalisation), so escaped markup inside `<Data>` stays text.
//!   CDATA sections become [`Node::CData`] (adjacent sections merge into one:
//!   the boundary between them carries no meaning), comments [`Node::Comment`].
//! - Characters XML 1.0 forbids (C0 controls other than tab, LF and CR;
//!   U+FFFE, U+FFFF), written literally or as references, are refused.
//! - Entities are never expanded: a DOCTYPE declaring `<!ENTITY` is refused, and
//!   a reference to any entity other than the five predefined ones is an error.
//! - Input size, nesting depth, element count and the length of every text,
//!   comment and attribute value are bounded by [`Limits`]; every error carries
//!   the byte offset and the path of open elements.
//! - Encoding: the bytes must be UTF-8 (a UTF-8 byte-order mark is skipped).
//!   UTF-16 input (by byte-order mark or by its zero bytes) is refused with
//!   [`DecodeErrorKind::Encoding`](crate::DecodeErrorKind::Encoding). A declaration naming another encoding over
//!   bytes that are UTF-8 — Microsoft publishes `encoding="utf-16"` on UTF-8
//!   text — is read as UTF-8 and recorded as
//!   [`XmlDefectKind::DeclaredEncodingIgnored`]; bytes that are not UTF-8 are an
//!   [`DecodeErrorKind::Encoding`](crate::DecodeErrorKind::Encoding) error whatever the declaration says.
//!
//! Writing rules are in [`write()`].

mod read;
mod write;

pub use read::{XmlFragment, read, read_fragment, read_fragment_with_defects};
pub use write::{write, write_nodes};

use crate::error::{DecodeError, Limits};
use crate::model::{Defect, Message};
use crate::tree::{Element, Node};
use std::fmt;

/// A document as read: its root element, its prolog, and what was read leniently.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct XmlDocument {
    pub root: Element,
    pub prolog: Prolog,
    pub defects: Vec<XmlDefect>,
}

/// What stands around the root element.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Prolog {
    /// The `<?xml ...?>` declaration, when there is one.
    pub declaration: Option<XmlDeclaration>,
    /// The text of the DOCTYPE declaration between `<!DOCTYPE` and `>`, when there is one.
    pub doctype: Option<String>,
    /// Comments before and after the root element, in order.
    pub comments: Vec<String>,
}

/// The pseudo-attributes of the XML declaration, as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct XmlDeclaration {
    pub version: String,
    pub encoding: Option<String>,
    pub standalone: Option<String>,
}

/// Something the reader accepted although it bends the rules of XML.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct XmlDefect {
    /// Byte offset in the input.
    pub offset: usize,
    /// Open elements at that point, e.g. `SyncML/SyncBody/Add`.
    pub path: String,
    pub kind: XmlDefectKind,
}

/// What was bent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum XmlDefectKind {
    /// The declaration names an encoding other than UTF-8; the bytes were read as UTF-8.
    DeclaredEncodingIgnored { declared: String },
    /// An element or attribute name uses a prefix that no enclosing element
    /// declares. `name` is the element's name, followed by a space and the
    /// attribute's name when the prefix is on an attribute.
    UndeclaredPrefix { prefix: String, name: String },
    /// A processing instruction, which the tree cannot hold, was dropped.
    ProcessingInstructionDropped { target: String },
}

impl fmt::Display for XmlDefect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at byte {}", self.offset)?;
        if !self.path.is_empty() {
            write!(f, " in {}", self.path)?;
        }
        match &self.kind {
            XmlDefectKind::DeclaredEncodingIgnored { declared } => {
                write!(f, ": declared encoding {declared:?} ignored, read as UTF-8")
            }
            XmlDefectKind::UndeclaredPrefix { prefix, name } => {
                write!(f, ": prefix {prefix:?} of <{name}> is not declared")
            }
            XmlDefectKind::ProcessingInstructionDropped { target } => {
                write!(f, ": processing instruction <?{target}?> dropped")
            }
        }
    }
}

/// How [`write()`] lays out its output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WriteOptions {
    /// Start with `<?xml version="1.0" encoding="UTF-8"?>`.
    pub declaration: bool,
    /// Indent element-only content by this many spaces per level; `None` writes
    /// the compact canonical form, with no white space added.
    pub indent: Option<usize>,
}

impl Default for WriteOptions {
    /// The declaration, and the compact canonical form.
    fn default() -> Self {
        WriteOptions {
            declaration: true,
            indent: None,
        }
    }
}

/// Reads a document and its typed view.
pub fn read_message(
    input: &[u8],
    limits: &Limits,
) -> Result<(Message, Vec<Defect>, XmlDocument), DecodeError> {
    let doc = read(input, limits)?;
    let (message, defects) = Message::from_element(&doc.root);
    Ok((message, defects, doc))
}

/// Writes a typed message.
pub fn write_message(message: &Message, opts: &WriteOptions) -> Vec<u8> {
    write(&message.to_element(), opts)
}

/// Whether a character may appear in an XML 1.0 document (the `Char` production).
pub(crate) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// The byte index and value of the first character XML 1.0 does not allow.
#[inline]
pub(crate) fn first_forbidden_char(text: &str) -> Option<(usize, char)> {
    let at = first_forbidden_byte(text.as_bytes())?;
    // The byte found starts a character: it is ASCII or a UTF-8 lead byte.
    text.get(at..)?.chars().next().map(|c| (at, c))
}

/// The offset of the first byte that starts a character XML 1.0 forbids
/// anywhere in a document: a C0 control other than tab, LF and CR, or
/// U+FFFE / U+FFFF (`EF BF BE`, `EF BF BF`). Blocks are first tested without
/// early exit, which the compiler vectorises; only a block holding a suspect
/// byte is looked at closely.
pub(crate) fn first_forbidden_byte(bytes: &[u8]) -> Option<usize> {
    const BLOCK: usize = 64;
    let suspect = |b: u8| ((b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r')) | (b == 0xEF);
    let forbidden_at = |i: usize| match bytes[i] {
        0xEF => matches!(bytes.get(i + 1..i + 3), Some([0xBF, 0xBE | 0xBF])),
        _ => true,
    };
    let mut base = 0;
    for block in bytes.chunks(BLOCK) {
        if block.iter().fold(false, |acc, &b| acc | suspect(b)) {
            let found = (0..block.len())
                .filter(|&i| suspect(block[i]))
                .map(|i| base + i)
                .find(|&i| forbidden_at(i));
            if found.is_some() {
                return found;
            }
        }
        base += block.len();
    }
    None
}

/// Convenience for tests and callers that hold nodes: the elements among them.
pub fn elements_of(nodes: &[Node]) -> impl Iterator<Item = &Element> {
    nodes.iter().filter_map(|n| match n {
        Node::Element(e) => Some(e),
        _ => None,
    })
}
