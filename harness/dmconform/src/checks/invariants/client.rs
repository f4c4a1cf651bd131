//! Invariants of what a DM client may put in a message: only Status, Results,
//! Alert and Replace of ./DevInfo; a Source in every Item of a Results; never a
//! message that holds nothing but a successful Status for the SyncHdr.

use super::finding::{describe_command, finding, shown};
use super::req;
use crate::transcript::flatten;
use crate::verdict::Finding;
use syncml::{Command, CommandKind, Message};

/// A client sends only Status, Results, Alert and Replace of ./DevInfo, at any depth.
pub(super) fn client_sends_only_client_commands(m: &Message, x: usize) -> Vec<Finding> {
    flatten(m.body.as_ref().map_or(&[][..], |b| &b.nodes))
        .into_iter()
        .filter(|c| !client_may_send(c))
        .map(|c| {
            finding(
                req::CLIENT_COMMANDS,
                "a client sends only Status, Results, Alert and Replace of ./DevInfo",
                "Status, Results, Alert, Replace of ./DevInfo",
                describe_command(c),
                x,
            )
        })
        .collect()
}

fn client_may_send(c: &Command) -> bool {
    match c.kind {
        CommandKind::Status | CommandKind::Results | CommandKind::Alert => true,
        CommandKind::Replace => c.items.iter().all(|i| {
            let uri = i.source_uri().or(i.target_uri()).unwrap_or("").trim();
            let path = uri.trim_start_matches("./");
            path == "DevInfo" || path.starts_with("DevInfo/")
        }),
        _ => false,
    }
}

/// Every Results has Items, and every Item of it names its Source.
pub(super) fn results_name_their_source(m: &Message, x: usize) -> Vec<Finding> {
    m.commands()
        .filter(|c| c.kind == CommandKind::Results)
        .filter(|r| {
            r.items.is_empty()
                || r.items
                    .iter()
                    .any(|i| i.source_uri().is_none_or(|u| u.trim().is_empty()))
        })
        .map(|r| {
            finding(
                req::RESULTS_SOURCE,
                "every Item of a Results names its Source",
                "Item/Source/LocURI in every Item",
                format!(
                    "Results for CmdRef {} with an Item without Source",
                    shown(&r.cmd_ref)
                ),
                x,
            )
        })
        .collect()
}

/// A client message never holds only a successful Status for the SyncHdr: the
/// client then sends nothing.
pub(super) fn no_synchdr_status_only_message(m: &Message, x: usize) -> Option<Finding> {
    is_synchdr_success_only(m).then(|| {
        finding(
            req::NO_EMPTY_MESSAGE,
            "no client message holding only a successful Status for the SyncHdr",
            "no message, or one with more to say",
            "a message with only the SyncHdr Status",
            x,
        )
    })
}

fn is_synchdr_success_only(m: &Message) -> bool {
    let cmds: Vec<&Command> = m.commands().collect();
    let unknown = m
        .body
        .as_ref()
        .is_some_and(|b| b.nodes.iter().any(|n| n.command().is_none()));
    matches!(cmds.as_slice(), [s] if s.kind == CommandKind::Status
        && s.cmd_ref.as_deref().map(str::trim) == Some("0")
        && s.code().is_some_and(|c| c / 100 == 2))
        && !unknown
}
