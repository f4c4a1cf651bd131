//! Deliberately wrong WBXML, for the malformed-message cases: what can be
//! broken on request and where the encoder breaks it.

/// One defect the encoder writes on purpose (see [`super::EncodeOptions::fault`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fault {
    /// The header carries this numeric public identifier instead of the
    /// document's own (0x1202 names MetInf, 0x1203 DevInf, 0x7FFF nothing).
    /// Zero announces a string-table identifier, so the charset byte that
    /// follows is read as its index: a header broken in another way.
    WrongPublicId(u32),
    /// The first text of the document (or the first content of the root when
    /// there is no text) is a `STR_T` whose offset is the string-table length:
    /// the first byte past its end.
    DanglingStringReference,
    /// An empty element with the unassigned code-page-0 token
    /// [`UNKNOWN_TAG_TOKEN`] is the first child of `<SyncBody>` (of the root
    /// when there is no SyncBody).
    UnknownTagToken,
    /// The document loses its last `drop_last` bytes (at least one).
    Truncate { drop_last: usize },
}

/// A token no SyncML table assigns on code page 0 (the tables end at 0x3C).
pub const UNKNOWN_TAG_TOKEN: u8 = 0x3F;

/// Cuts the end off an encoded document as [`Fault::Truncate`] asks.
pub(super) fn truncate(document: &mut Vec<u8>, drop_last: usize) {
    let keep = document.len().saturating_sub(drop_last.max(1));
    document.truncate(keep);
}
