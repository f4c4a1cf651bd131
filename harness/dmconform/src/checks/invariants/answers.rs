//! Invariants of how a message is answered, whichever side sent it: the Status
//! for the SyncHdr first, Cmd values that name commands, MsgRef, one Status per
//! command in the order of the commands, and Results only after a 200 Status
//! for a Get and for every such Get. Each works on an [`Answered`] message.

use super::finding::{describe_command, finding, shown};
use super::req;
use crate::transcript::{Received, Sent, flatten};
use crate::verdict::Finding;
use std::collections::BTreeMap;
use syncml::{BodyNode, Command, CommandKind};

/// A message and the replies that answer it (the first reply, then any further
/// messages of the answering package), as the answer rules look at them.
pub(super) struct Answered<'a> {
    /// The SyncBody of the message answered.
    pub(super) body: &'a [BodyNode],
    /// The SyncHdr of the message answered.
    pub(super) header: Option<&'a syncml::SyncHdr>,
    pub(super) replies: &'a [&'a Received],
    /// The exchange of the first reply, the one that answers the message itself.
    pub(super) first: usize,
    /// The MsgID of the message answered.
    pub(super) msg_id: String,
    /// Every Status and Results of the replies, in order, with its exchange.
    pub(super) answers: Vec<(usize, &'a Command)>,
    /// CmdIDs the message used more than once: no Status can be told to answer one.
    duplicated: Vec<String>,
}

impl<'a> Answered<'a> {
    /// `None` when nothing answered the message.
    pub(super) fn new(sent: &'a Sent, replies: &'a [&'a Received]) -> Option<Answered<'a>> {
        let first = replies.first()?.exchange;
        let body = sent.message.body.as_ref().map_or(&[][..], |b| &b.nodes);
        let answers = replies
            .iter()
            .flat_map(|r| r.decoded.message.commands().map(move |c| (r.exchange, c)))
            .filter(|(_, c)| matches!(c.kind, CommandKind::Status | CommandKind::Results))
            .collect();
        Some(Answered {
            body,
            header: sent.message.hdr.as_ref(),
            replies,
            first,
            msg_id: sent.message.msg_id().unwrap_or("").trim().to_string(),
            answers,
            duplicated: duplicated_ids(body),
        })
    }

    /// Whether a command of the message is owed a Status: it asks for one (no
    /// NoResp), is no Status or Results itself, and has a CmdID of its own.
    fn owed(&self, c: &Command) -> bool {
        !c.no_resp
            && !matches!(c.kind, CommandKind::Status | CommandKind::Results)
            && c.cmd_id
                .as_deref()
                .is_some_and(|id| !self.duplicated.contains(&id.trim().to_string()))
    }

    /// The commands owed a Status, level by level: the top-level commands, then the
    /// children of each top-level Atomic or Sequence.
    fn levels(&self) -> Vec<Vec<&'a Command>> {
        let top = || self.body.iter().filter_map(BodyNode::command);
        std::iter::once(top().filter(|c| self.owed(c)).collect())
            .chain(
                top()
                    .filter(|c| c.kind.is_container())
                    .map(|c| c.child_commands().filter(|c| self.owed(c)).collect()),
            )
            .collect()
    }

    /// The positions in `answers` of the Statuses for the message answered (its
    /// MsgRef, a CmdRef other than 0) whose CmdRef and Cmd fit no command of it.
    /// A blank CmdRef fits a command sent without CmdID; a CmdID the message used
    /// twice fits whatever names it.
    pub(super) fn stray_statuses(&self) -> Vec<usize> {
        let all = flatten(self.body);
        let mut unknown = Vec::new();
        unknown_elements(self.body, &mut unknown);
        let unnumbered = all.iter().any(|c| c.cmd_id.is_none());
        // A Status for an element that is no DM command carries its name and CmdID.
        let answers_unknown = |s: &Command| {
            unknown.iter().any(|e| {
                s.cmd.as_deref().map(str::trim) == Some(e.local_name())
                    && e.child("CmdID")
                        .map(|i| i.text_content().trim().to_string())
                        == s.cmd_ref.as_deref().map(|r| r.trim().to_string())
            })
        };
        self.answers
            .iter()
            .enumerate()
            .filter(|(_, (_, s))| {
                let cmd_ref = s.cmd_ref.as_deref().map_or("", str::trim);
                s.kind == CommandKind::Status
                    && s.msg_ref.as_deref().map(str::trim) == Some(self.msg_id.as_str())
                    && cmd_ref != "0"
                    && !(cmd_ref.is_empty() && unnumbered)
                    && !self.duplicated.iter().any(|d| d == cmd_ref)
                    && !all.iter().any(|c| answers_command(s, c))
                    && !answers_unknown(s)
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// The positions in `answers` of the Statuses that answer `c`.
    fn status_positions(&self, c: &Command) -> Vec<usize> {
        self.answers
            .iter()
            .enumerate()
            .filter(|(_, (_, s))| s.kind == CommandKind::Status && answers_command(s, c))
            .map(|(i, _)| i)
            .collect()
    }
}

/// The first command of every reply is the Status for the SyncHdr (CmdRef 0, Cmd SyncHdr).
pub(super) fn synchdr_status_first(a: &Answered) -> Vec<Finding> {
    a.replies
        .iter()
        .filter_map(|r| match r.decoded.message.commands().next() {
            Some(c)
                if c.kind == CommandKind::Status
                    && c.cmd_ref.as_deref().map(str::trim) == Some("0")
                    && c.cmd.as_deref().map(str::trim) == Some("SyncHdr") =>
            {
                None
            }
            other => Some(finding(
                req::SYNCHDR_STATUS_FIRST,
                "Status for the SyncHdr comes first",
                "Status with CmdRef 0 and Cmd SyncHdr as the first command",
                other.map_or("no command".into(), describe_command),
                r.exchange,
            )),
        })
        .collect()
}

/// The Cmd of every Status names a DM command, or is `SyncHdr` exactly when CmdRef is 0
/// (unless the server itself numbered a command 0, which is then answered as CmdRef 0).
/// MS-MDM lists Add, Atomic, Delete, Exec, Get, Replace, Results, Status and SyncHdr;
/// RepPro adds Alert, Copy and Sequence, so any DM command name is accepted. A Status
/// answering an element that is no DM command may carry that element's name.
pub(super) fn status_cmd_names_a_command(a: &Answered) -> Vec<Finding> {
    let mut unknown = Vec::new();
    unknown_element_names(a.body, &mut unknown);
    // A command the server numbered 0 is answered with CmdRef 0 and its own name.
    let commands_numbered_0 = flatten(a.body)
        .iter()
        .any(|c| c.cmd_id.as_deref().map(str::trim) == Some("0"));
    let fits = |s: &Command| {
        let cmd = s.cmd.as_deref().map_or("", str::trim);
        let header_ref = s.cmd_ref.as_deref().map(str::trim) == Some("0");
        if cmd == "SyncHdr" {
            header_ref
        } else {
            let names_command = CommandKind::from_name(cmd).is_some() || unknown.contains(&cmd);
            names_command && (!header_ref || commands_numbered_0)
        }
    };
    a.replies
        .iter()
        .flat_map(|r| r.decoded.message.commands().map(move |c| (r.exchange, c)))
        .filter(|(_, c)| c.kind == CommandKind::Status && !fits(c))
        .map(|(x, s)| {
            finding(
                req::STATUS_CMD_VALUES,
                "Cmd of a Status names a DM command, or SyncHdr with CmdRef 0",
                "Add, Alert, Atomic, Copy, Delete, Exec, Get, Replace, Results, Sequence, Status; SyncHdr exactly when CmdRef is 0",
                describe_command(s),
                x,
            )
        })
        .collect()
}

/// Every Status of the first reply carries the MsgID of the message answered as
/// MsgRef. (The SyncHdr Status of a later message answers that message.)
pub(super) fn msgref_names_message_answered(a: &Answered) -> Vec<Finding> {
    a.answers
        .iter()
        .filter(|(x, s)| {
            s.kind == CommandKind::Status
                && *x == a.first
                && s.msg_ref.as_deref().map(str::trim) != Some(a.msg_id.as_str())
        })
        .map(|(x, s)| {
            finding(
                req::MSGREF,
                "MsgRef names the message answered",
                format!("MsgRef {}", a.msg_id),
                format!("{} with MsgRef {}", describe_command(s), shown(&s.msg_ref)),
                *x,
            )
        })
        .collect()
}

/// One Status per command owed one, and the Statuses of a level in the order of its
/// commands; the findings of each command in turn. A command without a Status is
/// matched with a Status of its Cmd that answers no command of the message (its
/// CmdRef is wrong), which the finding names.
pub(super) fn statuses_per_command_in_order(a: &Answered) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut strays = a.stray_statuses();
    for (depth, level) in a.levels().into_iter().enumerate() {
        let mut last: Option<(usize, &Command)> = None;
        // The first level is the top; every other holds the commands of a container.
        let rule = if depth == 0 {
            req::STATUS_PER_COMMAND
        } else {
            req::STATUS_PER_CONTAINED_COMMAND
        };
        for c in level {
            let pos = a.status_positions(c);
            out.extend(one_status_per_command(a, c, &pos, rule, &mut strays));
            if let Some(&p) = pos.first() {
                out.extend(last.and_then(|earlier| status_order(a, earlier, (p, c))));
                last = Some((p, c));
            }
        }
    }
    out.extend(strays.into_iter().map(|i| stray_status(a, i)));
    out
}

/// A Status that answers no command of the message and was matched with none
/// missing its Status: its CmdRef names a command of another Cmd, or none.
fn stray_status(a: &Answered, i: usize) -> Finding {
    let (x, s) = a.answers[i];
    let cmd_ref = s.cmd_ref.as_deref().map_or("", str::trim);
    let named = flatten(a.body)
        .into_iter()
        .find(|c| c.cmd_id.as_deref().map(str::trim) == Some(cmd_ref));
    let actual = match named {
        Some(c) => format!(
            "{} for {} {}: its Cmd names another command",
            describe_command(s),
            c.kind,
            id_of(c)
        ),
        None => format!(
            "{} for no command of message {}",
            describe_command(s),
            a.msg_id
        ),
    };
    finding(
        req::CMDREF,
        "a Status answers a command of the message, with its CmdRef and Cmd",
        "CmdRef the CmdID of a command sent, Cmd that command's name",
        actual,
        x,
    )
}

/// Command `c`, answered by the Statuses at `pos`, has one Status, or one per Item
/// (each naming its TargetRef or SourceRef). When it has none, the first of the
/// `strays` (Statuses answering no command) with its Cmd came with a wrong CmdRef.
/// `rule`: one Status per command, or its own Status for a command in a container.
fn one_status_per_command(
    a: &Answered,
    c: &Command,
    pos: &[usize],
    rule: &'static str,
    strays: &mut Vec<usize>,
) -> Option<Finding> {
    let per_item = pos.len() > 1
        && pos.iter().all(|i| {
            let s = a.answers[*i].1;
            !s.target_refs.is_empty() || !s.source_refs.is_empty()
        });
    match pos.len() {
        0 => {
            let cmd =
                |i: &usize| a.answers[*i].1.cmd.as_deref().map(str::trim) == Some(c.kind.name());
            if let Some(k) = strays.iter().position(cmd) {
                let (x, s) = a.answers[strays.remove(k)];
                return Some(finding(
                    req::CMDREF,
                    "CmdRef names the command answered",
                    format!(
                        "a Status with CmdRef {} for {} {}",
                        id_of(c),
                        c.kind,
                        id_of(c)
                    ),
                    format!(
                        "a Status with CmdRef {} came for {} {}",
                        shown(&s.cmd_ref),
                        c.kind,
                        id_of(c)
                    ),
                    x,
                ));
            }
            Some(finding(
                rule,
                "one Status per command",
                format!("a Status with CmdRef {} and Cmd {}", id_of(c), c.kind),
                "none",
                a.first,
            ))
        }
        1 => None,
        _ if per_item => None,
        n => Some(finding(
            rule,
            "one Status per command",
            format!("one Status for {} {}", c.kind, id_of(c)),
            format!("{n} Statuses"),
            a.first,
        )),
    }
}

/// The first Status for command `c` (at position `p`) comes after the first Status
/// for the command before it on its level (at `lp`).
fn status_order(
    a: &Answered,
    (lp, lc): (usize, &Command),
    (p, c): (usize, &Command),
) -> Option<Finding> {
    (p < lp).then(|| {
        finding(
            req::STATUS_ORDER,
            "Statuses in the order of the commands",
            format!(
                "the Status for {} {} before the one for {} {}",
                lc.kind,
                id_of(lc),
                c.kind,
                id_of(c)
            ),
            "the other way round",
            a.first,
        )
    })
}

/// A Results comes only after a 200 Status for the Get it answers.
pub(super) fn results_after_200_for_get(a: &Answered) -> Vec<Finding> {
    let ok_before = |i: usize, cmd_ref: &str| {
        a.answers[..i].iter().any(|(_, s)| {
            s.kind == CommandKind::Status
                && s.cmd_ref.as_deref().map(str::trim) == Some(cmd_ref)
                && s.cmd.as_deref().map(str::trim) == Some("Get")
                && s.code() == Some(200)
        })
    };
    a.answers
        .iter()
        .enumerate()
        .filter(|(_, (_, c))| c.kind == CommandKind::Results)
        .filter_map(|(i, (x, r))| {
            let cmd_ref = r.cmd_ref.as_deref().unwrap_or("").trim();
            (!ok_before(i, cmd_ref)).then(|| {
                finding(
                    req::RESULTS_AFTER_STATUS,
                    "Results only after a 200 Status for a Get",
                    format!("a 200 Status for Get {cmd_ref} before its Results"),
                    format!("Results for CmdRef {cmd_ref} without one"),
                    *x,
                )
            })
        })
        .collect()
}

/// Every Get answered with a 200 Status gets its Results.
pub(super) fn results_for_every_successful_get(a: &Answered) -> Vec<Finding> {
    flatten(a.body)
        .into_iter()
        .filter(|c| c.kind == CommandKind::Get && a.owed(c))
        .filter_map(|c| {
            let id = id_of(c);
            let ok = a.answers.iter().any(|(_, s)| {
                s.kind == CommandKind::Status && answers_command(s, c) && s.code() == Some(200)
            });
            let has_results = a.answers.iter().any(|(_, r)| {
                r.kind == CommandKind::Results
                    && r.cmd_ref.as_deref().map(str::trim) == Some(id.as_str())
            });
            (ok && !has_results).then(|| {
                finding(
                    req::RESULTS_FOR_GET,
                    "Results for every successful Get",
                    format!("Results for Get {id}"),
                    "none",
                    a.first,
                )
            })
        })
        .collect()
}

/// The names of the elements under SyncBody and inside containers that are no DM command.
fn unknown_element_names<'a>(nodes: &'a [BodyNode], names: &mut Vec<&'a str>) {
    let mut elements = Vec::new();
    unknown_elements(nodes, &mut elements);
    names.extend(elements.into_iter().map(|e| e.local_name()));
}

/// The elements under SyncBody and inside containers that are no DM command.
fn unknown_elements<'a>(nodes: &'a [BodyNode], out: &mut Vec<&'a syncml::tree::Element>) {
    for n in nodes {
        match n {
            BodyNode::Unknown(e) => out.push(e),
            BodyNode::Command(c) => unknown_elements(&c.children, out),
        }
    }
}

pub(super) fn answers_command(status: &Command, c: &Command) -> bool {
    status.cmd_ref.as_deref().map(str::trim) == c.cmd_id.as_deref().map(str::trim)
        && status.cmd.as_deref().map(str::trim) == Some(c.kind.name())
}

pub(super) fn id_of(c: &Command) -> String {
    c.cmd_id.as_deref().unwrap_or("").trim().to_string()
}

fn duplicated_ids(body: &[BodyNode]) -> Vec<String> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for c in flatten(body) {
        if let Some(id) = &c.cmd_id {
            *counts.entry(id.trim().to_string()).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(id, _)| id)
        .collect()
}
