//! Reading XML into the element tree, over quick-xml's event reader.
//!
//! One pass over the events builds the tree on an explicit stack of open
//! elements, so that nesting depth costs heap, never call stack. Every bound of
//! [`Limits`] is checked as the events arrive, before the memory they would cost
//! is spent.

use super::{
    Prolog, XmlDeclaration, XmlDefect, XmlDefectKind, XmlDocument, first_forbidden_byte,
    first_forbidden_char, is_xml_char,
};
use crate::error::{DecodeError, DecodeErrorKind, Limits};
use crate::tree::{Attribute, CompactString, Element, Node};
use quick_xml::Reader;
use quick_xml::errors::{Error as XmlError, IllFormedError, SyntaxError};
use quick_xml::events::attributes::AttrError;
use quick_xml::events::{BytesDecl, BytesRef, BytesStart, Event};
use std::borrow::Cow;

/// Reads a whole document: an optional prolog, exactly one root element, and
/// nothing but white space, comments and processing instructions after it.
pub fn read(input: &[u8], limits: &Limits) -> Result<XmlDocument, DecodeError> {
    let parsed = Parser::run(input, limits, Mode::Document)?;
    let Some(Node::Element(root)) = parsed.nodes.into_iter().next() else {
        return Err(no_root(input, parsed.base));
    };
    Ok(XmlDocument {
        root,
        prolog: parsed.prolog,
        defects: parsed.defects,
    })
}

/// A run of top-level nodes and what was read leniently in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct XmlFragment {
    pub nodes: Vec<Node>,
    pub defects: Vec<XmlDefect>,
}

/// Reads a fragment: zero or more top-level elements, with the text and
/// comments between them kept as nodes. An XML declaration at the start is
/// accepted and dropped.
pub fn read_fragment(input: &[u8], limits: &Limits) -> Result<Vec<Node>, DecodeError> {
    read_fragment_with_defects(input, limits).map(|f| f.nodes)
}

/// [`read_fragment`], keeping the defects.
pub fn read_fragment_with_defects(
    input: &[u8],
    limits: &Limits,
) -> Result<XmlFragment, DecodeError> {
    let parsed = Parser::run(input, limits, Mode::Fragment)?;
    Ok(XmlFragment {
        nodes: parsed.nodes,
        defects: parsed.defects,
    })
}

fn no_root(input: &[u8], base: usize) -> DecodeError {
    let rest = &input[base..];
    if rest.iter().all(u8::is_ascii_whitespace) {
        DecodeError::new(base, "", DecodeErrorKind::Empty)
    } else {
        DecodeError::new(
            input.len(),
            "",
            DecodeErrorKind::Malformed("no root element".into()),
        )
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// One root element; the prolog is kept.
    Document,
    /// Any run of nodes.
    Fragment,
}

/// Character data being gathered for the current parent: text events and
/// references merge into one text node, adjacent CDATA sections into one.
/// Text stays a slice of the input until a reference joins it.
enum Pending<'a> {
    None,
    Text(Cow<'a, str>),
    CData(CompactString),
}

struct Open {
    /// The element, its children not yet attached.
    element: Element,
    /// Where its children start in [`Parser::nodes`].
    first_child: usize,
    /// How many declared prefixes were in scope before this element.
    prefix_mark: usize,
}

struct Parsed {
    nodes: Vec<Node>,
    prolog: Prolog,
    defects: Vec<XmlDefect>,
    /// Length of the byte-order mark skipped.
    base: usize,
}

struct Parser<'a> {
    limits: &'a Limits,
    mode: Mode,
    base: usize,
    stack: Vec<Open>,
    /// The children of every open element, outermost first, after the
    /// top-level nodes: an element's children are moved out in one piece,
    /// into a vector of the exact size, when it closes.
    nodes: Vec<Node>,
    pending: Pending<'a>,
    /// Prefixes declared by the open elements, innermost last.
    prefixes: Vec<CompactString>,
    elements: usize,
    prolog: Prolog,
    defects: Vec<XmlDefect>,
    /// Whether anything but the declaration was seen (the declaration must come first).
    started: bool,
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

impl<'a> Parser<'a> {
    fn run(input: &'a [u8], limits: &'a Limits, mode: Mode) -> Result<Parsed, DecodeError> {
        limits.check_input_size(input.len())?;
        if input.is_empty() {
            return match mode {
                Mode::Document => Err(DecodeError::new(0, "", DecodeErrorKind::Empty)),
                Mode::Fragment => Ok(Parsed {
                    nodes: Vec::new(),
                    prolog: Prolog::default(),
                    defects: Vec::new(),
                    base: 0,
                }),
            };
        }
        refuse_utf16(input)?;
        let base = if input.starts_with(UTF8_BOM) {
            UTF8_BOM.len()
        } else {
            0
        };
        let mut parser = Parser {
            limits,
            mode,
            base,
            // Room for a typical SyncML depth and a few siblings, each under 1 KiB: a
            // large first request costs the allocator more than regrowing a larger message.
            stack: Vec::with_capacity(8),
            nodes: Vec::with_capacity(12),
            pending: Pending::None,
            prefixes: Vec::new(),
            elements: 0,
            prolog: Prolog::default(),
            defects: Vec::new(),
            started: false,
        };
        // XML forbids some characters everywhere; one pass over the whole input
        // finds the first, which is reported once the reader gets there, with
        // the path of the elements open at that point.
        let forbidden = first_forbidden_byte(&input[base..]).map(|i| base + i);
        let mut reader = Reader::from_reader(&input[base..]);
        let config = reader.config_mut();
        // End tags are matched here, against the tree's own stack.
        config.check_end_names = false;
        config.check_comments = true;
        loop {
            let offset = base + reader.buffer_position() as usize;
            let event = match reader.read_event() {
                Ok(e) => e,
                Err(e) => {
                    let at = base + reader.error_position() as usize;
                    let kind = quick_xml_error_kind(&e, &input[at.min(input.len())..]);
                    return Err(parser.error(at, kind));
                }
            };
            if let Some(at) = forbidden
                && base + reader.buffer_position() as usize > at
            {
                return Err(parser.malformed(at, &forbidden_message(&input[at..])));
            }
            if parser.event(event, offset)? {
                break;
            }
        }
        if !parser.stack.is_empty() {
            let open = parser.stack.len();
            return Err(parser.error(
                input.len(),
                DecodeErrorKind::Truncated(format!(
                    "{open} element{} left open",
                    if open == 1 { "" } else { "s" }
                )),
            ));
        }
        Ok(Parsed {
            nodes: parser.nodes,
            prolog: parser.prolog,
            defects: parser.defects,
            base,
        })
    }

    /// Handles one event; returns whether the document ended.
    fn event(&mut self, event: Event<'a>, offset: usize) -> Result<bool, DecodeError> {
        match event {
            Event::Start(e) => {
                self.flush();
                self.start(&e, offset)?;
            }
            Event::Empty(e) => {
                self.flush();
                self.start(&e, offset)?;
                self.close();
            }
            Event::End(e) => {
                self.flush();
                let name = e.name().0;
                match self.stack.last() {
                    Some(open) if open.element.name == name => self.close(),
                    Some(open) => {
                        let msg = format!(
                            "end tag </{name}> does not match start tag <{}>",
                            open.element.name
                        );
                        return Err(self.error(offset, DecodeErrorKind::Malformed(msg)));
                    }
                    None => {
                        let msg = format!("end tag </{name}> without a start tag");
                        return Err(self.error(offset, DecodeErrorKind::Malformed(msg)));
                    }
                }
            }
            Event::Text(t) => {
                if !t.is_empty() {
                    self.text(t.into_inner(), offset)?;
                }
            }
            Event::GeneralRef(r) => {
                let c = self.reference(&r, offset)?;
                self.referenced_char(c, offset)?;
            }
            Event::CData(c) => {
                self.started = true;
                if self.stack.is_empty() && self.mode == Mode::Document {
                    return Err(self.malformed(offset, "CDATA section outside the root element"));
                }
                match &mut self.pending {
                    Pending::CData(s) => s.push_str(&c),
                    _ => {
                        self.flush();
                        self.pending = Pending::CData(c.into_inner().into());
                    }
                }
                self.check_pending(offset)?;
            }
            Event::Comment(c) => {
                self.flush();
                self.started = true;
                self.check_len(c.len(), offset)?;
                let text = c.into_inner().into_owned();
                if self.stack.is_empty() && self.mode == Mode::Document {
                    self.prolog.comments.push(text);
                } else {
                    self.nodes.push(Node::Comment(text));
                }
            }
            Event::Decl(d) => {
                if self.started || offset != self.base {
                    return Err(self.malformed(offset, "XML declaration not at the start"));
                }
                self.started = true;
                let decl = self.declaration(&d, offset)?;
                self.prolog.declaration = Some(decl);
            }
            Event::PI(p) => {
                // Dropping it joins the character data on either side, as if it never was.
                self.started = true;
                let target = p.target().to_string();
                self.defect(
                    offset,
                    XmlDefectKind::ProcessingInstructionDropped { target },
                );
            }
            Event::DocType(d) => {
                self.flush();
                if d.contains("<!ENTITY") {
                    return Err(self.error(offset, DecodeErrorKind::EntityDeclaration));
                }
                if self.mode == Mode::Fragment {
                    return Err(self.malformed(offset, "DOCTYPE in a fragment"));
                }
                if self.elements > 0 || self.prolog.doctype.is_some() {
                    return Err(self.malformed(offset, "DOCTYPE after the start of the content"));
                }
                self.started = true;
                self.check_len(d.len(), offset)?;
                self.prolog.doctype = Some(d.into_inner().into_owned());
            }
            Event::Eof => {
                self.flush();
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Opens an element from a start tag, checking its attributes and prefixes.
    fn start(&mut self, e: &BytesStart<'_>, offset: usize) -> Result<(), DecodeError> {
        self.started = true;
        if self.mode == Mode::Document && self.stack.is_empty() && self.elements > 0 {
            return Err(self.malformed(offset, "a second root element"));
        }
        let name = e.name().0;
        if name.is_empty() {
            return Err(self.malformed(offset, "element without a name"));
        }
        let prefix_mark = self.prefixes.len();
        let attrs = self.attributes(e, offset)?;
        self.check_prefix(name, name, offset);
        for attr in &attrs {
            let key = attr.name.as_str();
            if key != "xmlns" && !key.starts_with("xmlns:") {
                self.check_prefix(key, name, offset);
            }
        }
        self.open(
            Element {
                name: name.into(),
                attrs,
                children: Vec::new(),
            },
            prefix_mark,
            offset,
        )
    }

    /// Reads the attributes of a start tag, recording the prefixes it declares.
    fn attributes(
        &mut self,
        e: &BytesStart<'_>,
        offset: usize,
    ) -> Result<Vec<Attribute>, DecodeError> {
        let mut attrs = Vec::new();
        if e.attributes_raw().trim_ascii().is_empty() {
            return Ok(attrs);
        }
        for attr in e.attributes().with_checks(true) {
            let attr = attr.map_err(|err| {
                self.malformed(offset + 1 + attr_error_at(&err), &err.to_string())
            })?;
            let key = attr.key.0;
            if attr.value.contains('<') {
                let msg = format!("'<' in the value of attribute {key}");
                return Err(self.malformed(offset, &msg));
            }
            self.check_len(attr.value.len(), offset)?;
            let value = quick_xml::escape::unescape(&attr.value)
                .map_err(|err| self.malformed(offset, &err.to_string()))?;
            if let Cow::Owned(resolved) = &value {
                // Character references may name what the input could not hold.
                self.check_chars(resolved, offset)?;
            }
            if let Some(prefix) = key.strip_prefix("xmlns:") {
                self.prefixes.push(prefix.into());
            }
            attrs.push(Attribute {
                name: key.into(),
                value: value.into(),
            });
        }
        Ok(attrs)
    }

    /// Records a defect when `qname` has a prefix no open element declares.
    #[inline]
    fn check_prefix(&mut self, qname: &str, element: &str, offset: usize) {
        if let Some(colon) = qname.bytes().position(|b| b == b':') {
            self.check_declared(&qname[..colon], qname, element, offset);
        }
    }

    fn check_declared(&mut self, prefix: &str, qname: &str, element: &str, offset: usize) {
        if prefix == "xml" || self.prefixes.iter().rev().any(|p| p == prefix) {
            return;
        }
        let kind = XmlDefectKind::UndeclaredPrefix {
            prefix: prefix.to_string(),
            name: if qname == element {
                element.to_string()
            } else {
                format!("{element} {qname}")
            },
        };
        self.defect(offset, kind);
    }

    /// Pushes a new open element, checking depth and count.
    #[inline]
    fn open(
        &mut self,
        element: Element,
        prefix_mark: usize,
        offset: usize,
    ) -> Result<(), DecodeError> {
        self.elements += 1;
        if self.elements > self.limits.max_elements {
            let limit = self.limits.max_elements;
            return Err(self.error(offset, DecodeErrorKind::TooManyElements { limit }));
        }
        if self.stack.len() >= self.limits.max_depth {
            let limit = self.limits.max_depth;
            return Err(self.error(offset, DecodeErrorKind::TooDeep { limit }));
        }
        self.stack.push(Open {
            element,
            first_child: self.nodes.len(),
            prefix_mark,
        });
        Ok(())
    }

    /// Closes the innermost open element, attaching it to its parent.
    #[inline]
    fn close(&mut self) {
        let Some(mut open) = self.stack.pop() else {
            return;
        };
        self.prefixes.truncate(open.prefix_mark);
        open.element.children = self.nodes.split_off(open.first_child);
        self.nodes.push(Node::Element(open.element));
    }

    /// Adds character data to the pending text.
    #[inline]
    fn text(&mut self, text: Cow<'a, str>, offset: usize) -> Result<(), DecodeError> {
        self.check_text_place(&text, offset)?;
        match &mut self.pending {
            Pending::Text(s) => s.to_mut().push_str(&text),
            _ => {
                self.flush();
                self.pending = Pending::Text(text);
            }
        }
        self.check_pending(offset)
    }

    /// Adds the character a reference names to the pending text.
    fn referenced_char(&mut self, c: char, offset: usize) -> Result<(), DecodeError> {
        let mut buf = [0u8; 4];
        self.check_text_place(c.encode_utf8(&mut buf), offset)?;
        match &mut self.pending {
            Pending::Text(s) => s.to_mut().push(c),
            _ => {
                self.flush();
                self.pending = Pending::Text(Cow::Owned(c.to_string()));
            }
        }
        self.check_pending(offset)
    }

    /// Fails on text outside the root element of a document, unless it is white space.
    #[inline]
    fn check_text_place(&mut self, text: &str, offset: usize) -> Result<(), DecodeError> {
        self.started = true;
        if self.stack.is_empty()
            && self.mode == Mode::Document
            && !text
                .bytes()
                .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        {
            return Err(self.malformed(offset, "text outside the root element"));
        }
        Ok(())
    }

    /// Fails on a character XML does not allow, `offset` being where `text` starts.
    #[inline]
    fn check_chars(&self, text: &str, offset: usize) -> Result<(), DecodeError> {
        match first_forbidden_char(text) {
            None => Ok(()),
            Some((i, c)) => {
                let msg = format!("character U+{:04X} is not allowed in XML", c as u32);
                Err(self.malformed(offset + i, &msg))
            }
        }
    }

    #[inline]
    fn check_pending(&self, offset: usize) -> Result<(), DecodeError> {
        match &self.pending {
            Pending::Text(s) => self.check_len(s.len(), offset),
            Pending::CData(s) => self.check_len(s.len(), offset),
            Pending::None => Ok(()),
        }
    }

    #[inline]
    fn check_len(&self, length: usize, offset: usize) -> Result<(), DecodeError> {
        if length > self.limits.max_text {
            let limit = self.limits.max_text;
            return Err(self.error(offset, DecodeErrorKind::TextTooLong { length, limit }));
        }
        Ok(())
    }

    /// Attaches the pending character data to the current parent.
    #[inline]
    fn flush(&mut self) {
        let node = match std::mem::replace(&mut self.pending, Pending::None) {
            Pending::None => return,
            Pending::Text(t) => Node::Text(t.into()),
            Pending::CData(c) => Node::CData(c),
        };
        // Outside the root of a document only white space can be pending
        // (`text` refuses the rest): it is layout, not content.
        if !(self.stack.is_empty() && self.mode == Mode::Document) {
            self.nodes.push(node);
        }
    }

    /// Resolves a character reference or one of the five predefined entities.
    fn reference(&self, r: &BytesRef<'_>, offset: usize) -> Result<char, DecodeError> {
        let resolved = r
            .resolve_char_ref()
            .map_err(|e| self.malformed(offset, &e.to_string()))?;
        if let Some(c) = resolved {
            if !is_xml_char(c) {
                let msg = format!(
                    "character reference &{}; names a character XML does not allow",
                    &**r
                );
                return Err(self.malformed(offset, &msg));
            }
            return Ok(c);
        }
        match &**r {
            "lt" => Ok('<'),
            "gt" => Ok('>'),
            "amp" => Ok('&'),
            "apos" => Ok('\''),
            "quot" => Ok('"'),
            other => {
                let msg = format!("reference to the unknown entity &{other};");
                Err(self.malformed(offset, &msg))
            }
        }
    }

    /// Reads the XML declaration and checks the encoding it names.
    fn declaration(
        &mut self,
        d: &BytesDecl<'_>,
        offset: usize,
    ) -> Result<XmlDeclaration, DecodeError> {
        let version = d
            .version()
            .map_err(|e| self.malformed(offset, &e.to_string()))?
            .into_owned();
        let encoding = match d.encoding() {
            None => None,
            Some(r) => Some(
                r.map_err(|e| self.malformed(offset, &e.to_string()))?
                    .into_owned(),
            ),
        };
        let standalone = match d.standalone() {
            None => None,
            Some(r) => Some(
                r.map_err(|e| self.malformed(offset, &e.to_string()))?
                    .into_owned(),
            ),
        };
        if let Some(declared) = &encoding
            && !is_utf8_label(declared)
        {
            let declared = declared.clone();
            self.defect(offset, XmlDefectKind::DeclaredEncodingIgnored { declared });
        }
        Ok(XmlDeclaration {
            version,
            encoding,
            standalone,
        })
    }

    #[cold]
    fn defect(&mut self, offset: usize, kind: XmlDefectKind) {
        let path = self.path();
        self.defects.push(XmlDefect { offset, path, kind });
    }

    /// The names of the open elements, joined with `/`.
    fn path(&self) -> String {
        let mut path = String::new();
        for (i, open) in self.stack.iter().enumerate() {
            if i > 0 {
                path.push('/');
            }
            path.push_str(&open.element.name);
        }
        path
    }

    #[cold]
    fn error(&self, offset: usize, kind: DecodeErrorKind) -> DecodeError {
        DecodeError::new(offset, self.path(), kind)
    }

    #[cold]
    fn malformed(&self, offset: usize, msg: &str) -> DecodeError {
        self.error(offset, DecodeErrorKind::Malformed(msg.to_string()))
    }
}

/// Describes the forbidden character that `rest` starts with.
fn forbidden_message(rest: &[u8]) -> String {
    let code = match rest {
        [0xEF, 0xBF, last, ..] => 0xFFC0 | u32::from(*last & 0x3F),
        [b, ..] => u32::from(*b),
        [] => 0,
    };
    format!("character U+{code:04X} is not allowed in XML")
}

/// Whether an encoding label names UTF-8.
fn is_utf8_label(label: &str) -> bool {
    label.eq_ignore_ascii_case("utf-8") || label.eq_ignore_ascii_case("utf8")
}

/// Refuses input that is UTF-16 by its byte-order mark or by a zero byte
/// in one of its first two bytes (`<` encoded as UTF-16).
fn refuse_utf16(input: &[u8]) -> Result<(), DecodeError> {
    let utf16 = input.starts_with(b"\xFF\xFE")
        || input.starts_with(b"\xFE\xFF")
        || input.starts_with(b"\0<")
        || input.starts_with(b"<\0");
    if utf16 {
        return Err(DecodeError::new(
            0,
            "",
            DecodeErrorKind::Encoding("UTF-16 input is not supported; send UTF-8".into()),
        ));
    }
    Ok(())
}

/// Where an attribute error is, relative to the first byte after the tag's `<`.
fn attr_error_at(e: &AttrError) -> usize {
    match e {
        AttrError::ExpectedEq(at)
        | AttrError::ExpectedValue(at)
        | AttrError::UnquotedValue(at)
        | AttrError::ExpectedQuote(at, _)
        | AttrError::Duplicated(at, _) => *at,
    }
}

/// Maps a quick-xml error onto the kinds the harness distinguishes; `rest` is
/// the input from the error position on.
fn quick_xml_error_kind(e: &XmlError, rest: &[u8]) -> DecodeErrorKind {
    // quick-xml reports markup it cannot find the end of as "unclosed"; that is
    // truncation only when the markup was opened correctly (`<!- x -->` is a bad
    // opener, not an unfinished comment).
    let opened_as = |opener: &[u8]| rest.starts_with(opener);
    let bad_bang =
        || DecodeErrorKind::Malformed("`<!` opens no comment, CDATA section or DOCTYPE".into());
    let truncated = match e {
        XmlError::Syntax(SyntaxError::UnclosedComment) if !opened_as(b"<!--") => {
            return bad_bang();
        }
        XmlError::Syntax(SyntaxError::UnclosedCData) if !opened_as(b"<![CDATA[") => {
            return bad_bang();
        }
        XmlError::Syntax(SyntaxError::UnclosedDoctype) if !opened_as(b"<!DOCTYPE") => {
            return bad_bang();
        }
        XmlError::Syntax(SyntaxError::InvalidBangMarkup) => false,
        XmlError::Syntax(_) => true,
        XmlError::IllFormed(IllFormedError::MissingEndTag(_)) => true,
        _ => false,
    };
    match e {
        _ if truncated => DecodeErrorKind::Truncated(e.to_string()),
        XmlError::Encoding(_) => DecodeErrorKind::Encoding(e.to_string()),
        _ => DecodeErrorKind::Malformed(e.to_string()),
    }
}
