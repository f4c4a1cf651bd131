//! The WBXML codec of SyncML DM: binary XML as OMA DM RepPro 1.2 §5.2 carries it.
//!
//! [`decode`] reads a WBXML 1.1, 1.2 or 1.3 document into the element tree;
//! [`encode`] writes a tree as WBXML; [`decode_message`] and [`encode_message`]
//! go to and from the typed view. The bytes agree with libwbxml
//! (`xml2wbxml`/`wbxml2xml`) and with the SyncML Reference Toolkit.
//!
//! Namespaces. SyncML WBXML carries no `xmlns` attribute: the public identifier
//! names the SyncML namespace (code page 0) and `SWITCH_PAGE 1` selects MetInf
//! (`syncml:metinf`). Decoding puts the namespace back as `wbxml2xml` does:
//! `xmlns="SYNCML:SYNCML1.x"` on the root (per public identifier) and
//! `xmlns="syncml:metinf"` on every code-page-1 element; a code-page-0 element
//! directly inside a code-page-1 element also gets the SyncML namespace, so the
//! tree means what the tokens say. Encoding takes the code page from the default
//! namespace in scope (no namespace counts as SyncML); a name with no token on
//! that page is looked up on the other SyncML page, as libwbxml does, so a
//! `<Format>` that a sender left in the SyncML namespace still gets its MetInf
//! token.
//!
//! Elements with no token and attributes. The SyncML code pages define no
//! attribute tokens, so an attribute or an element outside the two pages can
//! only be written with the `LITERAL` tokens, its name in the string table. The
//! encoder refuses them ([`EncodeErrorKind::NoToken`],
//! [`EncodeErrorKind::Attribute`]) unless [`EncodeOptions::literals`] is set; it
//! never writes the default `xmlns` attribute, and writes prefix declarations
//! (`xmlns:msft`) only as literal attributes. The decoder reads literal tags and
//! literal attribute names with string values; attribute tokens of a code page,
//! `EXT_*`, `PI`, and `OPAQUE` attribute values are errors.
//!
//! Headers. The decoder reads WBXML 1.1, 1.2 and 1.3 (version bytes 0x01–0x03)
//! and refuses 1.0, whose header has no charset field; the charset must be
//! UTF-8 (MIBenum 106). The public identifier must name SyncML 1.0, 1.1 or 1.2,
//! numerically or as an FPI in the string table (with or without its NUL, in
//! any spelling of [`tokens::PUBLIC_IDS`]); the WBXML "unknown" identifier 0x01
//! is read as SyncML 1.2. The Nokia habit of sending the namespace as an
//! unnamed literal attribute (string-table index 0 of an empty table) is
//! refused like any other reference outside the string table.
//!
//! Text is written as `STR_I`, or `STR_T` when the string table is on; CDATA and
//! opaque data as `OPAQUE`. Comments do not exist in WBXML and are dropped.
//! Decoding merges adjacent strings into one text node and keeps `OPAQUE` as
//! [`Node::Opaque`](crate::tree::Node::Opaque) bytes (a binary NextNonce, a
//! binary Data). An embedded DevInf or DDF document, which libwbxml writes as a
//! nested WBXML document inside `OPAQUE`, stays opaque bytes.

mod decode;
mod encode;
mod fault;
mod mbint;
pub mod tokens;

#[cfg(test)]
mod hostile_tests;
#[cfg(test)]
mod vector_tests;

pub use decode::decode;
pub use encode::encode;
pub use fault::{Fault, UNKNOWN_TAG_TOKEN};

use crate::error::{DecodeError, Limits};
use crate::model::{Defect, Message};
use crate::tree::Element;
use std::fmt;
use tokens::DocumentKind;

/// A decoded WBXML document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WbxmlDocument {
    /// The version byte: 0x01 = WBXML 1.1, 0x02 = 1.2, 0x03 = 1.3.
    pub version: u8,
    pub public_id: PublicId,
    /// IANA MIBenum of the character set (always 106, UTF-8, once decoded).
    pub charset: u32,
    pub root: Element,
}

/// The public identifier of a document, in the form it was sent.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PublicId {
    /// A registered numeric identifier (0x1201 for SyncML 1.2).
    Numeric(u32),
    /// A formal public identifier held in the string table, with or without
    /// its terminating NUL (libwbxml writes one, the SyncML RTK does not).
    String { fpi: String, nul_terminated: bool },
}

impl PublicId {
    /// The document this identifier names, in any known spelling.
    pub fn kind(&self) -> Option<DocumentKind> {
        match self {
            PublicId::Numeric(id) => tokens::kind_of_numeric(*id),
            PublicId::String { fpi, .. } => tokens::kind_of_fpi(fpi),
        }
    }
}

/// The WBXML version an encoder writes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum WbxmlVersion {
    V1_1,
    #[default]
    V1_2,
    V1_3,
}

impl WbxmlVersion {
    /// The version byte of the header.
    pub fn byte(self) -> u8 {
        match self {
            WbxmlVersion::V1_1 => 0x01,
            WbxmlVersion::V1_2 => 0x02,
            WbxmlVersion::V1_3 => 0x03,
        }
    }
}

/// How the encoder writes the public identifier.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum PublicIdForm {
    /// The registered number (0x1201 for SyncML 1.2), as libwbxml and the RTK do.
    #[default]
    Numeric,
    /// The FPI in the string table, NUL-terminated (libwbxml's string form).
    StringWithNul,
    /// The FPI in the string table without its NUL (the RTK's form for SyncML 1.0).
    StringWithoutNul,
}

/// What the encoder writes and how.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EncodeOptions {
    pub version: WbxmlVersion,
    pub public_id: PublicIdForm,
    /// Write text as `STR_T` references into a string table (each distinct
    /// text once) instead of inline `STR_I` strings.
    pub string_table: bool,
    /// Write elements without a token and attributes with the `LITERAL` tokens
    /// (their names go into the string table) instead of refusing them.
    pub literals: bool,
    /// Make the document wrong on purpose, for malformed-message cases.
    pub fault: Option<Fault>,
}

/// Why a tree could not be written as WBXML.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncodeError {
    /// The element where it happened, e.g. `SyncML/SyncBody/Bogus`.
    pub path: String,
    pub kind: EncodeErrorKind,
}

/// What could not be written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EncodeErrorKind {
    /// The element has no token in its namespace's code page (and literals are off).
    NoToken { name: String, namespace: String },
    /// An attribute other than a namespace declaration (and literals are off).
    Attribute { name: String },
    /// A text or attribute value holds a NUL character, which WBXML strings cannot carry.
    NulInText,
    /// A value is longer than WBXML lengths allow (4 GiB).
    TooLong,
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot encode {} as WBXML: ", self.path)?;
        match &self.kind {
            EncodeErrorKind::NoToken { name, namespace } => write!(
                f,
                "element <{name}> has no token in namespace '{namespace}' (literal encoding is off)"
            ),
            EncodeErrorKind::Attribute { name } => {
                write!(f, "attribute {name} has no token (literal encoding is off)")
            }
            EncodeErrorKind::NulInText => f.write_str("a text holds a NUL character"),
            EncodeErrorKind::TooLong => f.write_str("a value exceeds 4 GiB"),
        }
    }
}

impl std::error::Error for EncodeError {}

/// Decodes a WBXML SyncML message into the typed view, with what the lenient
/// reader had to bend and the document it came from.
pub fn decode_message(
    input: &[u8],
    limits: &Limits,
) -> Result<(Message, Vec<Defect>, WbxmlDocument), DecodeError> {
    let doc = decode(input, limits)?;
    let (message, defects) = Message::from_element(&doc.root);
    Ok((message, defects, doc))
}

/// Encodes a typed message as WBXML.
pub fn encode_message(message: &Message, opts: &EncodeOptions) -> Result<Vec<u8>, EncodeError> {
    encode(&message.to_element(), opts)
}
