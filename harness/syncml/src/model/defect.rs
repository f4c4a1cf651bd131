//! What the lenient reader reports when it bends a tree to fit the typed view.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Defect {
    /// Element path where it was found, e.g. `SyncML/SyncBody/Add`.
    pub path: String,
    pub kind: DefectKind,
}

/// What kind of bending it took.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DefectKind {
    /// An element the DTD does not allow here; kept in `extra` or as an unknown body node.
    UnexpectedElement(String),
    /// An element the DTD allows once came more than once; the first is kept in the typed view.
    Repeated(String),
    /// Elements came in an order the DTD does not allow.
    OutOfOrder { element: String, after: String },
    /// Text where only elements are allowed.
    StrayText,
    /// The root is not `<SyncML>`.
    NotSyncMl(String),
}

impl fmt::Display for Defect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            DefectKind::UnexpectedElement(e) => {
                write!(f, "{}: unexpected element <{e}>", self.path)
            }
            DefectKind::Repeated(e) => write!(f, "{}: <{e}> repeated", self.path),
            DefectKind::OutOfOrder { element, after } => {
                write!(f, "{}: <{element}> after <{after}>", self.path)
            }
            DefectKind::StrayText => write!(f, "{}: text where only elements belong", self.path),
            DefectKind::NotSyncMl(n) => write!(f, "root element is <{n}>, not <SyncML>"),
        }
    }
}
