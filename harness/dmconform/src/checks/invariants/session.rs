//! Invariants that tie the messages of a session together: the SessionID kept
//! (and short), MsgIDs from 1 up, and when a package carries Final.

use super::facts::SessionFacts;
use super::finding::{finding, non_strict, shown};
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

/// A client's SessionID is at most 4 bytes (MS-MDM 2.2.3.8). A longer one that is a
/// decimal integer is non-strict only: WIN-OMA has the client return "the SessionID in
/// integer in decimal format" and sets that format no length, so a session number past
/// 9999 follows one Windows text and breaks the other.
pub(super) fn sessionid_at_most_4_bytes(hdr: &SyncHdr, x: usize) -> Option<Finding> {
    let id = hdr.session_id.as_deref()?.trim();
    if id.len() <= 4 {
        return None;
    }
    let decimal = id.bytes().all(|b| b.is_ascii_digit());
    let f = finding(
        req::SESSIONID_LENGTH,
        "SessionID at most 4 bytes",
        "4 bytes or fewer",
        format!("{id:?} ({} bytes)", id.len()),
        x,
    );
    Some(if decimal { non_strict(f) } else { f })
}

/// The MsgID is 1 in the first message and greater than the last in every next one
/// (MS-MDM 2.2.3.6: "a monotonically increasing numeric value that starts at one");
/// a server's goes up by exactly one (WIN-OMA: "increasing by an increment of 1").
/// `facts` notes the MsgID (or the least one allowed, when it is not a number).
pub(super) fn msgid_increasing(
    hdr: &SyncHdr,
    facts: &mut SessionFacts,
    x: usize,
) -> Option<Finding> {
    let msg_id = hdr
        .msg_id
        .as_deref()
        .and_then(|s| s.trim().parse::<u64>().ok());
    // After the largest MsgID there is no next one: any MsgID is then a finding.
    let least = facts
        .last_client_msg_id
        .map_or(Some(1), |p| p.checked_add(1));
    let by_one = facts.target_is_server || facts.last_client_msg_id.is_none();
    let ok = match (msg_id, least) {
        (Some(id), Some(l)) => id == l || (!by_one && id > l),
        _ => false,
    };
    facts.last_client_msg_id = msg_id.or(least);
    if ok {
        return None;
    }
    let (rule, check, expected) = match (by_one, least) {
        (_, None) => (
            req::MSGID,
            "MsgID starts at 1 and increases",
            "none after the largest MsgID".to_string(),
        ),
        (true, Some(l)) if facts.target_is_server => (
            req::MSGID_SERVER,
            "a server's MsgID starts at 1 and goes up by one",
            l.to_string(),
        ),
        (true, Some(l)) => (req::MSGID, "MsgID starts at 1", l.to_string()),
        (false, Some(l)) => (
            req::MSGID,
            "MsgID increases from message to message",
            format!("{l} or more"),
        ),
    };
    Some(finding(rule, check, expected, shown(&hdr.msg_id), x))
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

/// Every reply to a message whose SyncHdr Meta gives a MaxMsgSize is at most that
/// many bytes (MS-MDM 2.2.4.2: "the maximum byte size of a SyncML response").
/// Non-strict: WIN-OMA says "Meta XML tag in SyncHdr is ignored by the device", so
/// the Windows sources leave a client the choice.
pub(super) fn reply_within_max_msg_size(sent: &Sent, replies: &[&Received]) -> Vec<Finding> {
    let Some(max) = sent
        .message
        .hdr
        .as_ref()
        .and_then(|h| h.meta.as_ref())
        .and_then(|m| m.max_msg_size.as_deref())
        .and_then(|v| v.trim().parse::<usize>().ok())
    else {
        return Vec::new();
    };
    replies
        .iter()
        .filter(|r| r.body.len() > max)
        .map(|r| {
            non_strict(finding(
                req::MAX_MSG_SIZE,
                "a reply no larger than the MaxMsgSize of the message it answers",
                format!("at most {max} bytes"),
                format!("{} bytes", r.body.len()),
                r.exchange,
            ))
        })
        .collect()
}
