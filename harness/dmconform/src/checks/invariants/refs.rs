//! Invariants of what an answer says of itself: the code of every Status is a
//! SyncML status code, and every Results names the message it answers as MsgRef.

use super::answers::Answered;
use super::finding::{describe_command, finding, shown};
use super::req;
use crate::verdict::Finding;
use syncml::CommandKind;

/// The Data of every Status is a SyncML response status code (a row of the
/// catalog's SyncML status table).
pub(super) fn status_codes_are_syncml_codes(a: &Answered) -> Vec<Finding> {
    a.replies
        .iter()
        .flat_map(|r| r.decoded.message.commands().map(move |c| (r.exchange, c)))
        .filter(|(_, c)| c.kind == CommandKind::Status)
        .filter(|(_, s)| s.code().and_then(syncml::catalog::syncml_status).is_none())
        .map(|(x, s)| {
            finding(
                req::STATUS_CODE,
                "the code of a Status is a SyncML status code",
                "a SyncML response status code (101–517)",
                describe_command(s),
                x,
            )
        })
        .collect()
}

/// Every Results carries the MsgID of the message answered as MsgRef; a Results
/// without MsgRef counts as MsgRef 1 (MS-MDM 2.2.7.8).
pub(super) fn results_msgref_names_message_answered(a: &Answered) -> Vec<Finding> {
    a.answers
        .iter()
        .filter(|(_, c)| c.kind == CommandKind::Results)
        .filter(|(_, r)| r.msg_ref.as_deref().map_or("1", str::trim) != a.msg_id)
        .map(|(x, r)| {
            finding(
                req::MSGREF,
                "MsgRef of a Results names the message answered",
                format!("MsgRef {}", a.msg_id),
                format!(
                    "Results for CmdRef {} with MsgRef {}",
                    shown(&r.cmd_ref),
                    shown(&r.msg_ref)
                ),
                *x,
            )
        })
        .collect()
}
