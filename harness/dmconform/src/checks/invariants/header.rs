//! Invariants of how a message presents itself: the content type that names
//! its encoding, and the VerDTD and VerProto of its SyncHdr.

use super::facts::{DM_12, SessionFacts};
use super::finding::{finding, shown};
use super::req;
use crate::transcript::Received;
use crate::verdict::Finding;
use crate::wire::Encoding;
use syncml::SyncHdr;

/// The content type names the encoding of the body, which is the run's encoding.
pub(super) fn content_type_names_encoding(r: &Received, encoding: Encoding) -> Option<Finding> {
    match Encoding::from_content_type(&r.content_type) {
        Some(e) if e == r.decoded.encoding && e == encoding => None,
        _ => Some(finding(
            req::CONTENT_TYPE,
            "content type names the encoding used",
            encoding.content_type(),
            format!("{:?} with a {} body", r.content_type, r.decoded.encoding),
            r.exchange,
        )),
    }
}

/// The (VerDTD, VerProto) pair a header is judged against: the pair of the VerDTD
/// found among those allowed, or DM 1.2's.
fn version_pair(hdr: &SyncHdr, facts: &SessionFacts) -> (&'static str, &'static str) {
    let dtd = hdr.ver_dtd.as_deref().map(str::trim);
    facts
        .versions()
        .into_iter()
        .find(|(d, _)| Some(*d) == dtd)
        .unwrap_or(DM_12)
}

/// VerDTD is one the session allows.
pub(super) fn verdtd(hdr: &SyncHdr, facts: &SessionFacts, x: usize) -> Option<Finding> {
    let dtd = hdr.ver_dtd.as_deref().map(str::trim);
    if dtd == Some(version_pair(hdr, facts).0) {
        return None;
    }
    let allowed: Vec<&str> = facts.versions().iter().map(|(d, _)| *d).collect();
    Some(finding(
        req::VERDTD,
        "VerDTD",
        allowed.join(" or "),
        shown(&hdr.ver_dtd),
        x,
    ))
}

/// VerProto is the one that goes with the VerDTD (with DM 1.2's when the VerDTD is wrong).
pub(super) fn verproto(hdr: &SyncHdr, facts: &SessionFacts, x: usize) -> Option<Finding> {
    let want = version_pair(hdr, facts).1;
    (hdr.ver_proto.as_deref().map(str::trim) != Some(want))
        .then(|| finding(req::VERPROTO, "VerProto", want, shown(&hdr.ver_proto), x))
}
