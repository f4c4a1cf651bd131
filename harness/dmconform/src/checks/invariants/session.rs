//! Invariants that tie the messages of a session together: the SessionID kept
//! (and short), MsgIDs from 1 up by one, and when a package carries Final.

use super::facts::SessionFacts;
use super::finding::{finding, shown};
use super::req;
use crate::transcript::{Received, Sent};
use crate::verdict::Finding;
use syncml::SyncHdr;

/// The SessionID is present and the one of the session's first message, which
/// `facts` learns from that message.
pub(super) fn sessionid_kept(hdr: &SyncHdr, facts: &mut SessionFacts, x: usize) -> Option<Finding> {
    match (&facts.session_id, &hdr.session_id) {
        (Some(known), Some(now)) if known != now => Some(finding(
            req::SESSIONID,
            "SessionID kept for the whole session",
            known.clone(),
            now.clone(),
            x,
        )),
        (_, None) => Some(finding(
            req::SESSIONID,
            "SessionID present",
            "a SessionID",
            "none",
            x,
        )),
        (None, Some(now)) => {
            facts.session_id = Some(now.clone());
            None
        }
        _ => None,
    }
}

/// A client's SessionID is at most 4 bytes.
pub(super) fn sessionid_at_most_4_bytes(hdr: &SyncHdr, x: usize) -> Option<Finding> {
    let id = hdr.session_id.as_deref()?.trim();
    (id.len() > 4).then(|| {
        finding(
            req::SESSIONID_LENGTH,
            "SessionID at most 4 bytes",
            "4 bytes or fewer",
            format!("{id:?} ({} bytes)", id.len()),
            x,
        )
    })
}

/// The MsgID is 1 in the first message and one more than the last in every next
/// one; `facts` notes it (or the one expected, when it is not a number).
pub(super) fn msgid_up_by_one(
    hdr: &SyncHdr,
    facts: &mut SessionFacts,
    x: usize,
) -> Option<Finding> {
    let msg_id = hdr
        .msg_id
        .as_deref()
        .and_then(|s| s.trim().parse::<u64>().ok());
    // After the largest MsgID there is no next one: any MsgID is then a finding.
    let expected_id = facts
        .last_client_msg_id
        .map_or(Some(1), |p| p.checked_add(1));
    facts.last_client_msg_id = msg_id.or(expected_id);
    (msg_id.is_none() || msg_id != expected_id).then(|| {
        finding(
            req::MSGID,
            "MsgID starts at 1 and goes up by one",
            expected_id.map_or("none after the largest MsgID".into(), |id| id.to_string()),
            shown(&hdr.msg_id),
            x,
        )
    })
}

/// No Final from the client in its first reply while the server's package is open
/// (the server message had no Final).
pub(super) fn no_final_while_server_package_open(
    sent: &Sent,
    replies: &[&Received],
) -> Option<Finding> {
    let first = replies.first()?;
    (!sent.message.is_final() && first.decoded.message.is_final()).then(|| {
        finding(
            req::FINAL,
            "no Final while the server's package is not complete",
            "no <Final/> in the reply to a message without Final",
            "<Final/>",
            first.exchange,
        )
    })
}

/// The client's package did not end: asked for its next message, it sent
/// nothing new and no Final, or it went on past the harness's limit.
pub fn unfinished_package(exchange: usize, messages: usize) -> Finding {
    finding(
        req::FINAL_LAST,
        "the last message of a package carries Final",
        "<Final/> once the client has said all it has to say",
        format!("no Final after {messages} messages"),
        exchange,
    )
}
