//! Decoding errors shared by the XML and WBXML readers, and the limits they enforce.
//!
//! Every error says what is wrong and where: the byte offset in the input and
//! the path of open elements at that point.

use std::fmt;

/// Bounds a reader enforces on untrusted input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest input accepted, in bytes.
    pub max_input: usize,
    /// Deepest element nesting accepted.
    pub max_depth: usize,
    /// Most elements accepted in one document (in WBXML, literal attributes count too).
    pub max_elements: usize,
    /// Longest single text, CDATA, opaque or string-table entry, in bytes.
    pub max_text: usize,
}

impl Default for Limits {
    /// 16 MiB of input, 64 levels, a million elements, 8 MiB per text.
    fn default() -> Self {
        Limits {
            max_input: 16 << 20,
            max_depth: 64,
            max_elements: 1_000_000,
            max_text: 8 << 20,
        }
    }
}

impl Limits {
    /// Refuses an input larger than [`Limits::max_input`] before any parsing.
    pub fn check_input_size(&self, size: usize) -> Result<(), DecodeError> {
        if size > self.max_input {
            return Err(DecodeError::new(
                0,
                "",
                DecodeErrorKind::TooLarge {
                    size,
                    limit: self.max_input,
                },
            ));
        }
        Ok(())
    }
}

/// Why a document could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    /// Byte offset in the input where the problem was found.
    pub offset: usize,
    /// Open elements at that point, e.g. `SyncML/SyncBody/Add`; empty before the root.
    pub path: String,
    pub kind: DecodeErrorKind,
}

/// What went wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeErrorKind {
    /// The input is empty.
    Empty,
    /// The input ended inside the document.
    Truncated(String),
    /// The input is larger than [`Limits::max_input`].
    TooLarge { size: usize, limit: usize },
    /// Elements nest deeper than [`Limits::max_depth`].
    TooDeep { limit: usize },
    /// More elements than [`Limits::max_elements`].
    TooManyElements { limit: usize },
    /// A text, string or opaque value longer than [`Limits::max_text`].
    TextTooLong { length: usize, limit: usize },
    /// A DOCTYPE declares entities; they are never expanded.
    EntityDeclaration,
    /// The bytes are not well-formed (XML) or not a valid token stream (WBXML).
    Malformed(String),
    /// Text is not valid in the document's character encoding.
    Encoding(String),
}

impl DecodeError {
    pub fn new(offset: usize, path: impl Into<String>, kind: DecodeErrorKind) -> Self {
        DecodeError {
            offset,
            path: path.into(),
            kind,
        }
    }
}

impl fmt::Display for DecodeErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeErrorKind::Empty => f.write_str("empty input"),
            DecodeErrorKind::Truncated(what) => write!(f, "input ends too early: {what}"),
            DecodeErrorKind::TooLarge { size, limit } => {
                write!(
                    f,
                    "input of {size} bytes exceeds the limit of {limit} bytes"
                )
            }
            DecodeErrorKind::TooDeep { limit } => {
                write!(f, "elements nest deeper than the limit of {limit}")
            }
            DecodeErrorKind::TooManyElements { limit } => {
                write!(f, "more than {limit} elements")
            }
            DecodeErrorKind::TextTooLong { length, limit } => {
                write!(
                    f,
                    "a value of {length} bytes exceeds the limit of {limit} bytes"
                )
            }
            DecodeErrorKind::EntityDeclaration => {
                f.write_str("DOCTYPE declares entities; entities are never expanded")
            }
            DecodeErrorKind::Malformed(m) => f.write_str(m),
            DecodeErrorKind::Encoding(m) => write!(f, "bad character encoding: {m}"),
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at byte {}", self.offset)?;
        if !self.path.is_empty() {
            write!(f, " in {}", self.path)?;
        }
        write!(f, ": {}", self.kind)
    }
}

impl std::error::Error for DecodeError {}
