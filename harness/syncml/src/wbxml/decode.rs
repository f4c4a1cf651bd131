//! The WBXML reader: header, string table and token stream into the element tree.
//!
//! The reader is iterative (an explicit stack of open elements, whose
//! children wait on one shared stack until their parent ends and then move
//! into a list of the exact size), checks every
//! length against the remaining input and the [`Limits`] before it copies
//! anything, and reports each problem as a [`DecodeError`] with the byte
//! offset of the offending token.

use super::mbint::{self, MbIntError};
use super::tokens::{
    self, CHARSET_UTF8, DocumentKind, PUBLIC_ID_UNKNOWN, TAG_HAS_ATTRS, TAG_HAS_CONTENT,
    TAG_TOKEN_MASK, global,
};
use super::{PublicId, WbxmlDocument};
use crate::error::{DecodeError, DecodeErrorKind, Limits};
use crate::tree::{Attribute, CompactString, Element, NS_METINF, NS_SYNCML12, Node};

/// Decodes a SyncML WBXML document (WBXML 1.1, 1.2 or 1.3, UTF-8).
pub fn decode(input: &[u8], limits: &Limits) -> Result<WbxmlDocument, DecodeError> {
    if input.is_empty() {
        return Err(DecodeError::new(0, "", DecodeErrorKind::Empty));
    }
    limits.check_input_size(input.len())?;
    let mut reader = Reader {
        input,
        pos: 0,
        limits,
        string_table: &[],
        page: 0,
        // Room for a typical message, so the stacks rarely grow.
        open: Vec::with_capacity(16),
        children: Vec::with_capacity(64),
        elements: 0,
        expanded: 0,
    };
    let header = reader.header()?;
    let root = reader.body(header.root_namespace)?;
    Ok(WbxmlDocument {
        version: header.version,
        public_id: header.public_id,
        charset: header.charset,
        root,
    })
}

struct Header {
    version: u8,
    public_id: PublicId,
    charset: u32,
    root_namespace: &'static str,
}

/// An element being read: the element without its children, the code page of
/// its tag (`None` for a literal tag), and where its children start on the
/// shared stack.
struct Open {
    element: Element,
    page: Option<u8>,
    first_child: usize,
}

struct Reader<'a> {
    input: &'a [u8],
    pos: usize,
    limits: &'a Limits,
    string_table: &'a [u8],
    page: u8,
    open: Vec<Open>,
    /// The children read so far of every open element, innermost last.
    children: Vec<Node>,
    elements: usize,
    /// Bytes taken from the string table so far.
    expanded: usize,
}

fn malformed(message: impl Into<String>) -> DecodeErrorKind {
    DecodeErrorKind::Malformed(message.into())
}

impl<'a> Reader<'a> {
    #[cold]
    fn error(&self, offset: usize, kind: DecodeErrorKind) -> DecodeError {
        let path: Vec<&str> = self.open.iter().map(|o| o.element.name.as_str()).collect();
        DecodeError::new(offset, path.join("/"), kind)
    }

    #[cold]
    fn truncated(&self, what: &str) -> DecodeError {
        self.error(
            self.input.len(),
            DecodeErrorKind::Truncated(what.to_string()),
        )
    }

    fn byte(&mut self, what: &str) -> Result<u8, DecodeError> {
        let b = *self
            .input
            .get(self.pos)
            .ok_or_else(|| self.truncated(what))?;
        self.pos += 1;
        Ok(b)
    }

    fn mb_u_int32(&mut self, what: &str) -> Result<u32, DecodeError> {
        match mbint::read(self.input, self.pos) {
            Ok((value, next)) => {
                self.pos = next;
                Ok(value)
            }
            Err(MbIntError::Truncated) => Err(self.truncated(what)),
            Err(MbIntError::Overflow) => Err(self.error(
                self.pos,
                malformed(format!("{what}: mb_u_int32 does not fit in 32 bits")),
            )),
        }
    }

    /// A length read from the input, checked against what is left of it.
    fn length(&mut self, what: &str) -> Result<usize, DecodeError> {
        let at = self.pos;
        let len = self.mb_u_int32(what)? as usize;
        let remaining = self.input.len() - self.pos;
        if len > remaining {
            return Err(self.error(
                at,
                DecodeErrorKind::Truncated(format!(
                    "{what} of {len} bytes, but only {remaining} bytes are left"
                )),
            ));
        }
        Ok(len)
    }

    fn check_text_length(&self, at: usize, length: usize) -> Result<(), DecodeError> {
        if length > self.limits.max_text {
            return Err(self.error(
                at,
                DecodeErrorKind::TextTooLong {
                    length,
                    limit: self.limits.max_text,
                },
            ));
        }
        Ok(())
    }

    fn utf8<'s>(&self, at: usize, bytes: &'s [u8]) -> Result<&'s str, DecodeError> {
        std::str::from_utf8(bytes).map_err(|e| {
            self.error(
                at,
                DecodeErrorKind::Encoding(format!("string is not UTF-8: {e}")),
            )
        })
    }

    // -----------------------------------------------------------------------
    // Header
    // -----------------------------------------------------------------------

    fn header(&mut self) -> Result<Header, DecodeError> {
        let version = self.byte("version")?;
        if !(0x01..=0x03).contains(&version) {
            return Err(self.error(
                0,
                malformed(format!(
                    "WBXML version byte 0x{version:02X} is not 1.1, 1.2 or 1.3 (0x01-0x03)"
                )),
            ));
        }
        let public_id_at = self.pos;
        let numeric = self.mb_u_int32("public identifier")?;
        let fpi_index = if numeric == 0 {
            Some(self.mb_u_int32("public identifier index")?)
        } else {
            None
        };
        let charset_at = self.pos;
        let charset = self.mb_u_int32("charset")?;
        if charset != CHARSET_UTF8 {
            return Err(self.error(
                charset_at,
                DecodeErrorKind::Encoding(format!(
                    "charset MIBenum {charset} is not supported; SyncML DM uses UTF-8 (106)"
                )),
            ));
        }
        let table_len = self.length("string table")?;
        self.string_table = &self.input[self.pos..self.pos + table_len];
        self.pos += table_len;

        let public_id = match fpi_index {
            None => PublicId::Numeric(numeric),
            Some(index) => self.fpi_at(public_id_at, index)?,
        };
        let root_namespace = root_namespace(&public_id).ok_or_else(|| {
            self.error(
                public_id_at,
                malformed(format!(
                    "public identifier {} does not name a SyncML message",
                    describe(&public_id)
                )),
            )
        })?;
        Ok(Header {
            version,
            public_id,
            charset,
            root_namespace,
        })
    }

    /// The FPI at `index` of the string table: up to its NUL, or to the end of
    /// the table when the sender left the NUL out.
    fn fpi_at(&self, at: usize, index: u32) -> Result<PublicId, DecodeError> {
        let start = index as usize;
        let rest = self.string_table.get(start..).filter(|r| !r.is_empty());
        let Some(rest) = rest else {
            return Err(self.error(
                at,
                malformed(format!(
                    "public identifier index {index} is outside the string table of {} bytes",
                    self.string_table.len()
                )),
            ));
        };
        let (bytes, nul_terminated) = match nul_position(rest) {
            Some(end) => (&rest[..end], true),
            None => (rest, false),
        };
        let fpi = self.utf8(at, bytes)?.to_string();
        Ok(PublicId::String {
            fpi,
            nul_terminated,
        })
    }

    // -----------------------------------------------------------------------
    // Body
    // -----------------------------------------------------------------------

    fn body(&mut self, root_namespace: &'static str) -> Result<Element, DecodeError> {
        let mut root: Option<Element> = None;
        while self.pos < self.input.len() {
            let at = self.pos;
            let token = self.input[at];
            self.pos += 1;
            if root.is_some() {
                return Err(self.error(
                    at,
                    malformed(format!(
                        "token 0x{token:02X} after the end of the root element"
                    )),
                ));
            }
            match token {
                global::SWITCH_PAGE => self.switch_page()?,
                global::END => {
                    let Some(done) = self.open.pop() else {
                        return Err(self.error(at, malformed("END with no open element")));
                    };
                    let mut element = done.element;
                    element.children = self.children.drain(done.first_child..).collect();
                    root = self.close(element);
                }
                global::ENTITY => {
                    let c = self.entity(at)?;
                    self.push_text(at, c.encode_utf8(&mut [0; 4]))?;
                }
                global::STR_I => {
                    let text = self.inline_string(at)?;
                    self.push_text(at, text)?;
                }
                global::STR_T => {
                    let text = self.table_string(at)?;
                    self.push_text(at, text)?;
                }
                global::OPAQUE => {
                    self.inside_root(at, "opaque data")?;
                    let len = self.length("opaque data")?;
                    self.check_text_length(at, len)?;
                    let bytes = self.input[self.pos..self.pos + len].to_vec();
                    self.pos += len;
                    self.children.push(Node::Opaque(bytes));
                }
                global::PI => {
                    return Err(self.error(
                        at,
                        malformed("processing instructions (PI) are not used in SyncML"),
                    ));
                }
                global::EXT_I_0..=global::EXT_I_2
                | global::EXT_T_0..=global::EXT_T_2
                | global::EXT_0..=global::EXT_2 => {
                    return Err(self.error(
                        at,
                        malformed(format!(
                            "extension token 0x{token:02X} has no meaning in SyncML"
                        )),
                    ));
                }
                _ => {
                    if let Some(element) = self.tag(at, token, root_namespace)? {
                        root = self.close(element);
                    }
                }
            }
        }
        match root {
            Some(root) => Ok(root),
            None if self.open.is_empty() => Err(self.truncated("no root element")),
            None => Err(self.truncated("elements left open")),
        }
    }

    fn switch_page(&mut self) -> Result<(), DecodeError> {
        let at = self.pos;
        let page = self.byte("code page number")?;
        if tokens::code_page(page).is_none() {
            return Err(self.error(
                at,
                malformed(format!(
                    "SWITCH_PAGE to code page {page}; SyncML has pages 0 (SyncML) and 1 (MetInf)"
                )),
            ));
        }
        self.page = page;
        Ok(())
    }

    /// Attaches a finished element to its parent; returns it when it is the root.
    fn close(&mut self, element: Element) -> Option<Element> {
        if self.open.is_empty() {
            return Some(element);
        }
        self.children.push(Node::Element(element));
        None
    }

    /// Refuses content outside the root element.
    fn inside_root(&self, at: usize, what: &str) -> Result<(), DecodeError> {
        if self.open.is_empty() {
            return Err(self.error(at, malformed(format!("{what} outside the root element"))));
        }
        Ok(())
    }

    /// Appends text to the open element, merging it into a text just before it.
    fn push_text(&mut self, at: usize, text: &str) -> Result<(), DecodeError> {
        let max_text = self.limits.max_text;
        self.inside_root(at, "text")?;
        if text.is_empty() {
            return Ok(());
        }
        let first_child = self.open.last().map_or(0, |o| o.first_child);
        let previous = if self.children.len() > first_child {
            self.children.last_mut()
        } else {
            None
        };
        match previous {
            Some(Node::Text(t)) if t.len() + text.len() > max_text => {
                let length = t.len() + text.len();
                Err(self.error(
                    at,
                    DecodeErrorKind::TextTooLong {
                        length,
                        limit: max_text,
                    },
                ))
            }
            Some(Node::Text(t)) => {
                t.push_str(text);
                Ok(())
            }
            _ => {
                self.children.push(Node::Text(text.into()));
                Ok(())
            }
        }
    }

    /// An `ENTITY`: a character given by its code point.
    fn entity(&mut self, at: usize) -> Result<char, DecodeError> {
        let code = self.mb_u_int32("character entity")?;
        char::from_u32(code).ok_or_else(|| {
            self.error(
                at,
                DecodeErrorKind::Encoding(format!(
                    "character entity {code:#X} is not a Unicode scalar value"
                )),
            )
        })
    }

    /// A `STR_I` string: the bytes up to the next NUL.
    fn inline_string(&mut self, at: usize) -> Result<&'a str, DecodeError> {
        let rest = &self.input[self.pos..];
        let len = nul_position(rest)
            .ok_or_else(|| self.truncated("inline string (STR_I) without its NUL"))?;
        self.check_text_length(at, len)?;
        let text = self.utf8(at, &rest[..len])?;
        self.pos += len + 1;
        Ok(text)
    }

    /// A `STR_T` string: from the offset in the string table up to the next NUL.
    fn table_string(&mut self, at: usize) -> Result<&'a str, DecodeError> {
        let offset = self.mb_u_int32("string table reference")?;
        self.table_entry(at, offset)
    }

    /// A string-table entry. Every reference counts towards the expansion
    /// budget: the strings taken from the table may add up to no more than
    /// [`Limits::max_input`], so that a small document cannot reference one
    /// large entry a million times.
    fn table_entry(&mut self, at: usize, offset: u32) -> Result<&'a str, DecodeError> {
        let table = self.string_table;
        let rest = table.get(offset as usize..).filter(|r| !r.is_empty());
        let Some(rest) = rest else {
            return Err(self.error(
                at,
                malformed(format!(
                    "string table reference {offset} is past the end of the {}-byte string table",
                    table.len()
                )),
            ));
        };
        let len = nul_position(rest).ok_or_else(|| {
            self.error(
                at,
                malformed(format!(
                    "string table entry at {offset} runs to the end of the table without a NUL"
                )),
            )
        })?;
        self.check_text_length(at, len)?;
        self.expanded += len;
        if self.expanded > self.limits.max_input {
            return Err(self.error(
                at,
                DecodeErrorKind::TooLarge {
                    size: self.expanded,
                    limit: self.limits.max_input,
                },
            ));
        }
        self.utf8(at, &rest[..len])
    }

    // -----------------------------------------------------------------------
    // Tags and attributes
    // -----------------------------------------------------------------------

    /// Reads a tag. An element with content is pushed as open; an empty one is
    /// returned for the caller to attach.
    fn tag(
        &mut self,
        at: usize,
        tag: u8,
        root_namespace: &'static str,
    ) -> Result<Option<Element>, DecodeError> {
        let token = tag & TAG_TOKEN_MASK;
        let (name, page) = if token == global::LITERAL {
            let index = self.mb_u_int32("literal tag name")?;
            (self.table_entry(at, index)?, None)
        } else {
            let page = tokens::code_page(self.page).expect("switch_page admits known pages");
            let name = page.tag_name(token).ok_or_else(|| {
                self.error(
                    at,
                    malformed(format!(
                        "unknown tag token 0x{token:02X} on code page {} ({})",
                        page.number, page.namespace
                    )),
                )
            })?;
            (name, Some(page.number))
        };
        if self.open.len() >= self.limits.max_depth {
            return Err(self.error(
                at,
                DecodeErrorKind::TooDeep {
                    limit: self.limits.max_depth,
                },
            ));
        }
        if self.elements >= self.limits.max_elements {
            return Err(self.error(
                at,
                DecodeErrorKind::TooManyElements {
                    limit: self.limits.max_elements,
                },
            ));
        }
        self.elements += 1;
        let mut element = Element::new(name);
        if let Some(ns) = self.implied_namespace(page, root_namespace) {
            element.attrs = vec![Attribute {
                name: "xmlns".into(),
                value: ns.into(),
            }];
        }
        if tag & TAG_HAS_ATTRS != 0 {
            self.attributes(&mut element)?;
        }
        if tag & TAG_HAS_CONTENT == 0 {
            return Ok(Some(element));
        }
        if let Some(text) = self.leaf_text()? {
            // Most SyncML elements hold one string: give them a one-node child list.
            element.children = vec![Node::Text(text.into())];
            return Ok(Some(element));
        }
        self.open.push(Open {
            element,
            page,
            first_child: self.children.len(),
        });
        Ok(None)
    }

    /// When the content ahead is one non-empty inline string and END, reads
    /// them and returns the string; otherwise reads nothing.
    fn leaf_text(&mut self) -> Result<Option<&'a str>, DecodeError> {
        let at = self.pos;
        let rest = &self.input[at..];
        if rest.first() != Some(&global::STR_I) {
            return Ok(None);
        }
        let Some(len) = nul_position(&rest[1..]) else {
            return Ok(None);
        };
        if len == 0 || rest.get(len + 2) != Some(&global::END) {
            return Ok(None);
        }
        self.check_text_length(at, len)?;
        let text = self.utf8(at, &rest[1..1 + len])?;
        self.pos = at + len + 3;
        Ok(Some(text))
    }

    /// The `xmlns` a decoded element carries: the SyncML namespace on the root,
    /// MetInf on every page-1 element, SyncML again on a page-0 element inside a
    /// page-1 element. Literal elements inherit.
    fn implied_namespace(
        &self,
        page: Option<u8>,
        root_namespace: &'static str,
    ) -> Option<&'static str> {
        let parent_page = match self.open.last() {
            None => return page.map(|p| namespace_of_page(p, root_namespace)),
            Some(parent) => parent.page,
        };
        match page? {
            0 if parent_page == Some(1) => Some(root_namespace),
            0 => None,
            p => Some(namespace_of_page(p, root_namespace)),
        }
    }

    /// Reads an attribute list: literal names with string values, up to END.
    fn attributes(&mut self, element: &mut Element) -> Result<(), DecodeError> {
        let mut current: Option<Attribute> = None;
        loop {
            let at = self.pos;
            let token = self.byte("attribute list")?;
            match token {
                global::END => break,
                global::LITERAL => {
                    // An attribute can cost two bytes of input: it counts toward the
                    // element limit so that memory stays bounded.
                    if self.elements >= self.limits.max_elements {
                        return Err(self.error(
                            at,
                            DecodeErrorKind::TooManyElements {
                                limit: self.limits.max_elements,
                            },
                        ));
                    }
                    self.elements += 1;
                    let index = self.mb_u_int32("literal attribute name")?;
                    let name = self.table_entry(at, index)?.into();
                    if let Some(done) = current.replace(Attribute {
                        name,
                        value: CompactString::default(),
                    }) {
                        element.attrs.push(done);
                    }
                }
                global::STR_I | global::STR_T | global::ENTITY => {
                    let Some(attr) = current.as_mut() else {
                        return Err(
                            self.error(at, malformed("attribute value before any attribute name"))
                        );
                    };
                    let mut buf = [0u8; 4];
                    let value: &str = match token {
                        global::STR_I => self.inline_string(at)?,
                        global::STR_T => self.table_string(at)?,
                        _ => self.entity(at)?.encode_utf8(&mut buf),
                    };
                    if attr.value.len() + value.len() > self.limits.max_text {
                        return Err(self.error(
                            at,
                            DecodeErrorKind::TextTooLong {
                                length: attr.value.len() + value.len(),
                                limit: self.limits.max_text,
                            },
                        ));
                    }
                    attr.value.push_str(value);
                }
                _ => {
                    return Err(self.error(
                        at,
                        malformed(format!(
                            "attribute token 0x{token:02X}: the SyncML code pages define no attribute tokens"
                        )),
                    ));
                }
            }
        }
        element.attrs.extend(current);
        Ok(())
    }
}

/// Where the first NUL is: every string of a document ends at one, so the
/// search is worth the vectorised `memchr`.
fn nul_position(bytes: &[u8]) -> Option<usize> {
    memchr::memchr(0, bytes)
}

fn namespace_of_page(page: u8, root_namespace: &'static str) -> &'static str {
    if page == tokens::METINF_PAGE.number {
        NS_METINF
    } else {
        root_namespace
    }
}

/// The namespace of `<SyncML>` for a public identifier; the "unknown" identifier
/// (0x01) is read as SyncML 1.2.
fn root_namespace(id: &PublicId) -> Option<&'static str> {
    if *id == PublicId::Numeric(PUBLIC_ID_UNKNOWN) {
        return Some(NS_SYNCML12);
    }
    id.kind().and_then(DocumentKind::syncml_namespace)
}

fn describe(id: &PublicId) -> String {
    let kind = id
        .kind()
        .map_or_else(|| "unregistered".to_string(), |k| format!("{k:?}"));
    match id {
        PublicId::Numeric(n) => format!("0x{n:04X} ({kind})"),
        PublicId::String { fpi, .. } => format!("\"{fpi}\" ({kind})"),
    }
}
