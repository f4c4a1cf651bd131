//! Invariants of what an answer says of itself: the code of every Status is a
//! SyncML status code, every Results names the message it answers as MsgRef,
//! and the TargetRef and SourceRef of a Status name addresses of its command.

use super::answers::Answered;
use super::finding::{describe_command, finding, shown};
use super::req;
use crate::transcript::flatten;
use crate::verdict::Finding;
use syncml::{Command, CommandKind, Location};

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

/// A TargetRef or SourceRef of a Status names an address of the command it
/// answers: for CmdRef 0 the SyncHdr's Target or Source, otherwise the Target or
/// Source of one of the command's Items (MS-MDM 2.2.3.10, 2.2.3.12: it "identifies
/// the target address specified in the command associated with the response
/// status"). A node path may be given with or without its leading "./" (a relative
/// URI, MS-MDM 2.2.5.2). Whether a Status may carry the refs at all is left open:
/// MS-MDM 2.2.6.1 says both "MUST NOT be specified" for a single Status and "MAY be
/// omitted" for a single Item. A Status for no command of the message is the
/// CmdRef rule's.
pub(super) fn status_refs_name_addresses_of_the_command(a: &Answered) -> Vec<Finding> {
    let commands = flatten(a.body);
    let mut out = Vec::new();
    for (x, s) in &a.answers {
        if s.kind != CommandKind::Status
            || s.msg_ref.as_deref().map(str::trim) != Some(a.msg_id.as_str())
            || (s.target_refs.is_empty() && s.source_refs.is_empty())
        {
            continue;
        }
        let cmd_ref = s.cmd_ref.as_deref().map_or("", str::trim);
        let (targets, sources): (Vec<&Location>, Vec<&Location>) = if cmd_ref == "0" {
            let h = a.header;
            (
                h.and_then(|h| h.target.as_ref()).into_iter().collect(),
                h.and_then(|h| h.source.as_ref()).into_iter().collect(),
            )
        } else {
            let Some(c) = commands
                .iter()
                .find(|c| c.cmd_id.as_deref().map(str::trim) == Some(cmd_ref))
            else {
                continue;
            };
            addresses_of(c)
        };
        for (refs, allowed, name, of) in [
            (&s.target_refs, &targets, "TargetRef", "Target"),
            (&s.source_refs, &sources, "SourceRef", "Source"),
        ] {
            for r in refs
                .iter()
                .filter(|r| !allowed.iter().any(|l| same_address(l, r)))
            {
                let allowed: Vec<&str> = allowed
                    .iter()
                    .filter_map(|l| l.loc_uri.as_deref())
                    .collect();
                out.push(finding(
                    req::STATUS_REFS,
                    &format!("{name} of a Status names a {of} of the command it answers"),
                    if allowed.is_empty() {
                        format!("no {name}: the command has no {of}")
                    } else {
                        format!("{name} one of {allowed:?}")
                    },
                    format!("{} with {name} {r:?}", describe_command(s)),
                    *x,
                ));
            }
        }
    }
    out
}

/// The Item Targets and Sources of a command.
fn addresses_of(c: &Command) -> (Vec<&Location>, Vec<&Location>) {
    (
        c.items.iter().filter_map(|i| i.target.as_ref()).collect(),
        c.items.iter().filter_map(|i| i.source.as_ref()).collect(),
    )
}

/// Whether a ref names the address: the same LocURI, a leading "./" aside.
fn same_address(l: &Location, r: &str) -> bool {
    let bare = |u: &str| {
        let u = u.trim();
        u.strip_prefix("./").unwrap_or(u).to_string()
    };
    l.loc_uri.as_deref().is_some_and(|u| bare(u) == bare(r))
}
