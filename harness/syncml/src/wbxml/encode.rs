//! The WBXML writer: element tree into header, string table and token stream.
//!
//! Each element's code page comes from the namespace in scope (see the module
//! documentation of [`super`]); `SWITCH_PAGE` is written only when the page
//! changes and stays in force, as libwbxml does. The body is written first and
//! the header last, because the string table fills up while the body is written.

use super::fault::{self, Fault, UNKNOWN_TAG_TOKEN};
use super::mbint;
use super::tokens::{
    CHARSET_UTF8, CodePage, DocumentKind, METINF_PAGE, SYNCML_PAGE, TAG_HAS_ATTRS, TAG_HAS_CONTENT,
    global,
};
use super::{EncodeError, EncodeErrorKind, EncodeOptions, PublicIdForm};
use crate::tree::{Element, NS_METINF, Node};
use std::collections::HashMap;

/// Encodes a tree as a SyncML WBXML document.
pub fn encode(root: &Element, opts: &EncodeOptions) -> Result<Vec<u8>, EncodeError> {
    let kind = root
        .attr("xmlns")
        .and_then(DocumentKind::from_syncml_namespace)
        .unwrap_or(DocumentKind::SyncMl12);
    let mut strings = StringTable::default();
    let fpi_index = match opts.public_id {
        PublicIdForm::StringWithNul => Some(strings.intern(kind.fpi())),
        PublicIdForm::Numeric | PublicIdForm::StringWithoutNul => None,
    };
    let mut writer = Writer {
        opts,
        strings,
        body: Vec::with_capacity(1024),
        page: 0,
        bindings: Vec::new(),
        path: Vec::new(),
        unknown_tag_parent: None,
        dangling: DanglingReference::Off,
    };
    match opts.fault {
        Some(Fault::UnknownTagToken) => {
            writer.unknown_tag_parent = Some(root.child("SyncBody").unwrap_or(root));
        }
        Some(Fault::DanglingStringReference) => {
            writer.dangling = if has_text(root) {
                DanglingReference::FirstText
            } else {
                DanglingReference::RootStart
            };
        }
        _ => {}
    }
    writer.element(root, None)?;

    // The RTK's unterminated FPI must be the last entry, or the next one would run into it.
    let fpi_index = match opts.public_id {
        PublicIdForm::StringWithoutNul => Some(writer.strings.append_unterminated(kind.fpi())),
        _ => fpi_index,
    };
    let too_long = || EncodeError {
        path: String::new(),
        kind: EncodeErrorKind::TooLong,
    };
    let table = writer.strings.bytes;
    let table_len = u32::try_from(table.len()).map_err(|_| too_long())?;
    let mut body = writer.body;
    if let DanglingReference::Written { at } = writer.dangling {
        let mut offset = Vec::with_capacity(5);
        mbint::write(&mut offset, table_len);
        body.splice(at..at, offset);
    }

    let mut out = Vec::with_capacity(8 + table.len() + body.len());
    out.push(opts.version.byte());
    match (opts.fault, fpi_index) {
        (Some(Fault::WrongPublicId(id)), _) => mbint::write(&mut out, id),
        (_, Some(index)) => {
            out.push(0x00);
            mbint::write(&mut out, index);
        }
        (_, None) => {
            let id = kind
                .numeric_id()
                .expect("SyncML documents have numeric ids");
            mbint::write(&mut out, id);
        }
    }
    mbint::write(&mut out, CHARSET_UTF8);
    mbint::write(&mut out, table_len);
    out.extend_from_slice(&table);
    out.extend_from_slice(&body);
    if let Some(Fault::Truncate { drop_last }) = opts.fault {
        fault::truncate(&mut out, drop_last);
    }
    Ok(out)
}

/// The string table being built: each distinct string once, NUL-terminated.
#[derive(Default)]
struct StringTable {
    bytes: Vec<u8>,
    offsets: HashMap<String, u32>,
}

impl StringTable {
    fn intern(&mut self, s: &str) -> u32 {
        if let Some(&offset) = self.offsets.get(s) {
            return offset;
        }
        let offset = self.append_unterminated(s);
        self.bytes.push(0);
        self.offsets.insert(s.to_string(), offset);
        offset
    }

    fn append_unterminated(&mut self, s: &str) -> u32 {
        // Offsets past 4 GiB are refused when the table length is written.
        let offset = u32::try_from(self.bytes.len()).unwrap_or(u32::MAX);
        self.bytes.extend_from_slice(s.as_bytes());
        offset
    }
}

/// Where [`Fault::DanglingStringReference`] goes, and once written, where its
/// offset is to be inserted in the body.
#[derive(Clone, Copy, PartialEq, Eq)]
enum DanglingReference {
    Off,
    FirstText,
    RootStart,
    Written { at: usize },
}

struct Writer<'e, 'o> {
    opts: &'o EncodeOptions,
    strings: StringTable,
    body: Vec<u8>,
    page: u8,
    /// Namespace prefixes in scope: (prefix, namespace), innermost last.
    bindings: Vec<(&'e str, &'e str)>,
    path: Vec<&'e str>,
    unknown_tag_parent: Option<&'e Element>,
    dangling: DanglingReference,
}

impl<'e> Writer<'e, '_> {
    fn error(&self, kind: EncodeErrorKind) -> EncodeError {
        EncodeError {
            path: self.path.join("/"),
            kind,
        }
    }

    fn element(
        &mut self,
        e: &'e Element,
        inherited_ns: Option<&'e str>,
    ) -> Result<(), EncodeError> {
        self.path.push(e.name.as_str());
        let bindings_before = self.bindings.len();
        for a in &e.attrs {
            if let Some(prefix) = a.name.strip_prefix("xmlns:") {
                self.bindings.push((prefix, a.value.as_str()));
            }
        }
        let default_ns = e.attr("xmlns").or(inherited_ns);
        let is_unknown_tag_parent = self.unknown_tag_parent.is_some_and(|p| std::ptr::eq(p, e));
        let is_root = self.path.len() == 1;
        let forced_content =
            is_unknown_tag_parent || (is_root && self.dangling == DanglingReference::RootStart);
        let has_content = forced_content || e.children.iter().any(writes_something);
        let attrs: Vec<_> = e
            .attrs
            .iter()
            .filter(|a| self.writes_attribute(&a.name))
            .collect();
        if !self.opts.literals
            && let Some(a) = attrs.first()
        {
            return Err(self.error(EncodeErrorKind::Attribute {
                name: a.name.to_string(),
            }));
        }

        let mut flags = 0;
        if has_content {
            flags |= TAG_HAS_CONTENT;
        }
        if !attrs.is_empty() {
            flags |= TAG_HAS_ATTRS;
        }
        self.tag(e, default_ns, flags)?;
        if !attrs.is_empty() {
            for a in attrs {
                self.literal(global::LITERAL, &a.name)?;
                self.string(&a.value)?;
            }
            self.body.push(global::END);
        }
        if is_unknown_tag_parent {
            self.switch_page(&SYNCML_PAGE);
            self.body.push(UNKNOWN_TAG_TOKEN);
        }
        if is_root && self.dangling == DanglingReference::RootStart {
            self.dangling_reference();
        }
        for child in &e.children {
            match child {
                Node::Element(c) => self.element(c, default_ns)?,
                Node::Text(t) => self.text(t)?,
                Node::CData(t) => self.opaque(t.as_bytes())?,
                Node::Opaque(b) => self.opaque(b)?,
                Node::Comment(_) => {}
            }
        }
        if has_content {
            self.body.push(global::END);
        }
        self.bindings.truncate(bindings_before);
        self.path.pop();
        Ok(())
    }

    /// Whether an attribute goes into the document: never the default
    /// namespace (the code page carries it), prefix declarations only with literals.
    fn writes_attribute(&self, name: &str) -> bool {
        if name == "xmlns" {
            return false;
        }
        !name.starts_with("xmlns:") || self.opts.literals
    }

    fn tag(&mut self, e: &Element, default_ns: Option<&str>, flags: u8) -> Result<(), EncodeError> {
        let (namespace, local) = match e.name.split_once(':') {
            Some((prefix, local)) => (self.resolve(prefix), local),
            None => (default_ns, e.name.as_str()),
        };
        if let Some((page, token)) = token_for(namespace, local) {
            self.switch_page(page);
            self.body.push(token | flags);
            return Ok(());
        }
        if !self.opts.literals {
            return Err(self.error(EncodeErrorKind::NoToken {
                name: e.name.to_string(),
                namespace: namespace.unwrap_or("").to_string(),
            }));
        }
        self.literal(global::LITERAL | flags, &e.name)
    }

    /// A `LITERAL` tag or attribute start, its name in the string table.
    fn literal(&mut self, token: u8, name: &str) -> Result<(), EncodeError> {
        if name.contains('\0') {
            return Err(self.error(EncodeErrorKind::NulInText));
        }
        self.body.push(token);
        let index = self.strings.intern(name);
        mbint::write(&mut self.body, index);
        Ok(())
    }

    /// The namespace bound to a prefix in scope; an undeclared prefix names none
    /// of the SyncML namespaces.
    fn resolve(&self, prefix: &str) -> Option<&'e str> {
        let bound = self.bindings.iter().rev().find(|(p, _)| *p == prefix);
        Some(bound.map_or("(undeclared prefix)", |(_, ns)| *ns))
    }

    fn switch_page(&mut self, page: &CodePage) {
        if self.page != page.number {
            self.body.push(global::SWITCH_PAGE);
            self.body.push(page.number);
            self.page = page.number;
        }
    }

    fn text(&mut self, t: &str) -> Result<(), EncodeError> {
        if t.is_empty() {
            return Ok(());
        }
        if self.dangling == DanglingReference::FirstText {
            self.dangling_reference();
            return Ok(());
        }
        self.string(t)
    }

    /// A string, inline or from the string table.
    fn string(&mut self, s: &str) -> Result<(), EncodeError> {
        if s.contains('\0') {
            return Err(self.error(EncodeErrorKind::NulInText));
        }
        if self.opts.string_table {
            self.body.push(global::STR_T);
            let index = self.strings.intern(s);
            mbint::write(&mut self.body, index);
        } else {
            self.body.push(global::STR_I);
            self.body.extend_from_slice(s.as_bytes());
            self.body.push(0);
        }
        Ok(())
    }

    fn opaque(&mut self, bytes: &[u8]) -> Result<(), EncodeError> {
        let len = u32::try_from(bytes.len()).map_err(|_| self.error(EncodeErrorKind::TooLong))?;
        self.body.push(global::OPAQUE);
        mbint::write(&mut self.body, len);
        self.body.extend_from_slice(bytes);
        Ok(())
    }

    /// Writes the `STR_T` of [`Fault::DanglingStringReference`]; its offset is
    /// inserted once the string table is complete.
    fn dangling_reference(&mut self) {
        self.body.push(global::STR_T);
        self.dangling = DanglingReference::Written {
            at: self.body.len(),
        };
    }
}

/// The code page and token of an element name in a namespace. SyncML, MetInf
/// and no namespace look in both SyncML pages, their own first (libwbxml does
/// the same); any other namespace has no tokens.
fn token_for(namespace: Option<&str>, local: &str) -> Option<(&'static CodePage, u8)> {
    let pages: [&'static CodePage; 2] = match namespace {
        Some(NS_METINF) => [&METINF_PAGE, &SYNCML_PAGE],
        None | Some("") => [&SYNCML_PAGE, &METINF_PAGE],
        Some(ns) if DocumentKind::from_syncml_namespace(ns).is_some() => {
            [&SYNCML_PAGE, &METINF_PAGE]
        }
        Some(_) => return None,
    };
    pages
        .into_iter()
        .find_map(|p| p.token_of(local).map(|t| (p, t)))
}

/// Whether a child node produces any token.
fn writes_something(n: &Node) -> bool {
    match n {
        Node::Element(_) | Node::CData(_) | Node::Opaque(_) => true,
        Node::Text(t) => !t.is_empty(),
        Node::Comment(_) => false,
    }
}

fn has_text(e: &Element) -> bool {
    e.children.iter().any(|n| match n {
        Node::Text(t) => !t.is_empty(),
        Node::Element(c) => has_text(c),
        _ => false,
    })
}
