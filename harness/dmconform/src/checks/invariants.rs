//! Invariants checked on every client reply, whatever the case: the Status for
//! the SyncHdr first, one Status per command in request order with matching
//! MsgRef, CmdRef and Cmd, Results only after a 200 Status for a Get, the
//! version fields, the SessionID kept, MsgIDs going up by one, Final rules,
//! CmdID rules, Atomic and Sequence each within one message, the commands a
//! client may send, and the content type. Chunks of a large object a client
//! sends are followed from message to message by [`super::lob`].

use crate::transcript::{Received, Sent, flatten};
use crate::verdict::{Finding, Severity};
use crate::wire::Encoding;
use std::collections::BTreeMap;
use syncml::{Command, CommandKind, Message};

/// The requirement each invariant enforces, by id in the registry.
pub mod req {
    pub const SYNCHDR_STATUS_FIRST: &str = "msmdm.status.synchdr-first";
    pub const STATUS_PER_COMMAND: &str = "msmdm.status.container-only";
    pub const STATUS_ORDER: &str = "msmdm.status.order";
    pub const MSGREF: &str = "msmdm.msgref.request";
    pub const RESULTS_AFTER_STATUS: &str = "oma.results.after-status";
    pub const RESULTS_FOR_GET: &str = "oma.status.results-after-get";
    pub const VERDTD: &str = "oma.session.verdtd";
    pub const VERPROTO: &str = "oma.session.verproto";
    pub const SESSIONID: &str = "oma.session.sessionid";
    pub const MSGID: &str = "msmdm.msgid.increasing";
    pub const FINAL: &str = "oma.multi.client-final-after-server";
    pub const FINAL_LAST: &str = "oma.multi.final-last-message";
    pub const CMDID: &str = "msmdm.cmdid.rules";
    pub const CLIENT_COMMANDS: &str = "oma.session.client-commands";
    pub const NO_EMPTY_MESSAGE: &str = "msmdm.status.no-synchdr-only-message";
    pub const CONTENT_TYPE: &str = "oma.syncml.mime";
    pub const SESSIONID_LENGTH: &str = "msmdm.session.sessionid-length";
    pub const RESULTS_SOURCE: &str = "oma.status.results-source";
    pub const STATUS_CMD_VALUES: &str = "msmdm.status.cmd-values";
    pub const COMMAND_IN_ONE_MESSAGE: &str = "oma.multi.command-in-one-message";
    /// The Windows wording of rules the invariants above already check.
    pub const WIN_MSGREF: &str = "win.common.msgref";
    pub const WIN_FINAL: &str = "win.common.final";
    pub const WIN_STATUS: &str = "win.status.completion";
}

/// Every requirement the invariants check, for lint and coverage.
pub const REQUIREMENTS: &[&str] = &[
    req::SYNCHDR_STATUS_FIRST,
    req::STATUS_PER_COMMAND,
    req::STATUS_ORDER,
    req::MSGREF,
    req::RESULTS_AFTER_STATUS,
    req::RESULTS_FOR_GET,
    req::VERDTD,
    req::VERPROTO,
    req::SESSIONID,
    req::MSGID,
    req::FINAL,
    req::FINAL_LAST,
    req::CMDID,
    req::CLIENT_COMMANDS,
    req::NO_EMPTY_MESSAGE,
    req::CONTENT_TYPE,
    req::SESSIONID_LENGTH,
    req::RESULTS_SOURCE,
    req::STATUS_CMD_VALUES,
    req::COMMAND_IN_ONE_MESSAGE,
    req::WIN_MSGREF,
    req::WIN_FINAL,
    req::WIN_STATUS,
];

pub(crate) fn finding(
    req: &str,
    check: &str,
    expected: impl Into<String>,
    actual: impl Into<String>,
    exchange: usize,
) -> Finding {
    Finding {
        severity: Severity::Fail,
        requirement: Some(req.to_string()),
        check: format!("invariant: {check}"),
        expected: expected.into(),
        actual: actual.into(),
        exchange: Some(exchange),
    }
}

/// What the session has established so far, for the checks of the next message.
#[derive(Clone, Debug, Default)]
pub struct SessionFacts {
    pub session_id: Option<String>,
    pub last_client_msg_id: Option<u64>,
    /// The server message being answered is a DM 1.1.2 message (namespace
    /// `SYNCML:SYNCML1.1`, VerDTD 1.1).
    pub answering_dm_112: bool,
    /// Large objects whose chunks are still coming.
    pub lob: super::lob::OpenObjects,
}

/// The (VerDTD, VerProto) pairs of OMA DM 1.2 and of DM 1.1.2.
const DM_12: (&str, &str) = ("1.2", "DM/1.2");
const DM_112: (&str, &str) = ("1.1", "DM/1.1");

impl SessionFacts {
    /// The version pairs a reply may carry. Always DM 1.2; DM 1.1.2 too in answer to
    /// a 1.1 message: Windows lists both as supported (WIN-STRUCT) and no source says
    /// in which version a client answers a 1.1 message.
    fn versions(&self) -> Vec<(&'static str, &'static str)> {
        if self.answering_dm_112 {
            vec![DM_12, DM_112]
        } else {
            vec![DM_12]
        }
    }
}

/// Whether a server message is a DM 1.1.2 one: namespace `SYNCML:SYNCML1.1` and VerDTD 1.1.
pub fn is_dm_112(sent: &Sent) -> bool {
    sent.root.attr("xmlns").map(str::trim) == Some(syncml::tree::NS_SYNCML11)
        && sent
            .message
            .hdr
            .as_ref()
            .and_then(|h| h.ver_dtd.as_deref())
            .map(str::trim)
            == Some(DM_112.0)
}

/// Checks one client message on its own: content type, version fields,
/// SessionID, MsgID, CmdIDs, the commands a client may send, and that it is not
/// a message holding only a successful Status for the SyncHdr.
pub fn check_client_message(
    r: &Received,
    encoding: Encoding,
    facts: &mut SessionFacts,
) -> Vec<Finding> {
    let mut out = check_message(r, encoding, facts);
    let x = r.exchange;
    let m = &r.decoded.message;
    let hdr = m.hdr.clone().unwrap_or_default();
    if let Some(id) = &hdr.session_id
        && id.trim().len() > 4
    {
        out.push(finding(
            req::SESSIONID_LENGTH,
            "SessionID at most 4 bytes",
            "4 bytes or fewer",
            format!("{:?} ({} bytes)", id.trim(), id.trim().len()),
            x,
        ));
    }
    for c in flatten(m.body.as_ref().map_or(&[][..], |b| &b.nodes)) {
        if !client_may_send(c) {
            out.push(finding(
                req::CLIENT_COMMANDS,
                "a client sends only Status, Results, Alert and Replace of ./DevInfo",
                "Status, Results, Alert, Replace of ./DevInfo",
                describe_command(c),
                x,
            ));
        }
    }
    for r in m.commands().filter(|c| c.kind == CommandKind::Results) {
        if r.items.is_empty()
            || r.items
                .iter()
                .any(|i| i.source_uri().is_none_or(|u| u.trim().is_empty()))
        {
            out.push(finding(
                req::RESULTS_SOURCE,
                "every Item of a Results names its Source",
                "Item/Source/LocURI in every Item",
                format!(
                    "Results for CmdRef {} with an Item without Source",
                    shown(&r.cmd_ref)
                ),
                x,
            ));
        }
    }
    out.extend(facts.lob.check(m, x));
    if is_synchdr_success_only(m) {
        out.push(finding(
            req::NO_EMPTY_MESSAGE,
            "no client message holding only a successful Status for the SyncHdr",
            "no message, or one with more to say",
            "a message with only the SyncHdr Status",
            x,
        ));
    }
    out
}

/// Checks one message of the target on its own, whichever its role: content type,
/// version fields, SessionID kept, MsgID from 1 up by one, CmdID rules, no large-object
/// chunk inside an Atomic or Sequence.
/// `facts.last_client_msg_id` holds the target's last MsgID.
pub fn check_message(r: &Received, encoding: Encoding, facts: &mut SessionFacts) -> Vec<Finding> {
    let mut out = Vec::new();
    let x = r.exchange;
    let m = &r.decoded.message;
    match crate::wire::Encoding::from_content_type(&r.content_type) {
        Some(e) if e == r.decoded.encoding && e == encoding => {}
        _ => out.push(finding(
            req::CONTENT_TYPE,
            "content type names the encoding used",
            encoding.content_type(),
            format!("{:?} with a {} body", r.content_type, r.decoded.encoding),
            x,
        )),
    }
    let hdr = m.hdr.clone().unwrap_or_default();
    let versions = facts.versions();
    let dtd = hdr.ver_dtd.as_deref().map(str::trim);
    // VerProto is judged against the pair of the VerDTD found, or of DM 1.2.
    let pair = versions
        .iter()
        .find(|(d, _)| Some(*d) == dtd)
        .copied()
        .unwrap_or(DM_12);
    if dtd != Some(pair.0) {
        let allowed: Vec<&str> = versions.iter().map(|(d, _)| *d).collect();
        out.push(finding(
            req::VERDTD,
            "VerDTD",
            allowed.join(" or "),
            shown(&hdr.ver_dtd),
            x,
        ));
    }
    if hdr.ver_proto.as_deref().map(str::trim) != Some(pair.1) {
        out.push(finding(
            req::VERPROTO,
            "VerProto",
            pair.1,
            shown(&hdr.ver_proto),
            x,
        ));
    }
    match (&facts.session_id, &hdr.session_id) {
        (Some(known), Some(now)) if known != now => out.push(finding(
            req::SESSIONID,
            "SessionID kept for the whole session",
            known.clone(),
            now.clone(),
            x,
        )),
        (_, None) => out.push(finding(
            req::SESSIONID,
            "SessionID present",
            "a SessionID",
            "none",
            x,
        )),
        (None, Some(now)) => facts.session_id = Some(now.clone()),
        _ => {}
    }
    let msg_id = hdr
        .msg_id
        .as_deref()
        .and_then(|s| s.trim().parse::<u64>().ok());
    // After the largest MsgID there is no next one: any MsgID is then a finding.
    let expected_id = facts
        .last_client_msg_id
        .map_or(Some(1), |p| p.checked_add(1));
    if msg_id.is_none() || msg_id != expected_id {
        out.push(finding(
            req::MSGID,
            "MsgID starts at 1 and goes up by one",
            expected_id.map_or("none after the largest MsgID".into(), |id| id.to_string()),
            shown(&hdr.msg_id),
            x,
        ));
    }
    facts.last_client_msg_id = msg_id.or(expected_id);

    let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
    for c in flatten(m.body.as_ref().map_or(&[][..], |b| &b.nodes)) {
        match c.cmd_id.as_deref().map(str::trim) {
            Some("0") => out.push(finding(
                req::CMDID,
                "CmdID is not 0",
                "a CmdID other than 0",
                format!("{} with CmdID 0", c.kind),
                x,
            )),
            Some(id) => *ids.entry(id).or_default() += 1,
            None => out.push(finding(
                req::CMDID,
                "every command has a CmdID",
                "a CmdID",
                format!("{} without CmdID", c.kind),
                x,
            )),
        }
    }
    for (id, n) in ids.into_iter().filter(|(_, n)| *n > 1) {
        out.push(finding(
            req::CMDID,
            "CmdIDs unique in the message",
            "each CmdID once",
            format!("CmdID {id} used {n} times"),
            x,
        ));
    }
    for c in m.commands().filter(|c| is_container(c)) {
        if let Some(inner) = flatten(&c.children)
            .into_iter()
            .find(|i| i.items.iter().any(|item| item.more_data))
        {
            out.push(finding(
                req::COMMAND_IN_ONE_MESSAGE,
                "an Atomic or Sequence fits entirely into one message",
                "no chunk of a large object (MoreData) inside an Atomic or Sequence",
                format!(
                    "{} {} holds {} with MoreData",
                    c.kind,
                    shown(&c.cmd_id),
                    describe_command(inner)
                ),
                x,
            ));
        }
    }
    out
}

/// Whether a command holds others: Atomic or Sequence, which must each fit entirely into
/// one message (DM Protocol 8.1.1). A large object chunked inside one would carry it on
/// into the next message.
fn is_container(c: &Command) -> bool {
    matches!(c.kind, CommandKind::Atomic | CommandKind::Sequence)
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

/// Checks a server message against the client's replies to it (the first reply,
/// then any further messages of the client's package): [`check_answers`], and no
/// Final from the client while the server's package is open.
pub fn check_step(sent: &Sent, replies: &[&Received]) -> Vec<Finding> {
    let mut out = check_answers(sent, replies);
    if let Some(first) = replies.first()
        && !sent.message.is_final()
        && first.decoded.message.is_final()
    {
        out.push(finding(
            req::FINAL,
            "no Final while the server's package is not complete",
            "no <Final/> in the reply to a message without Final",
            "<Final/>",
            first.exchange,
        ));
    }
    out
}

/// Checks the answers to a message, whichever side sent it: the Status for the
/// SyncHdr first in every reply, MsgRef, one Status per command in order, Results
/// only after a 200 Status for a Get and for every such Get.
pub fn check_answers(sent: &Sent, replies: &[&Received]) -> Vec<Finding> {
    let mut out = Vec::new();
    let Some(first) = replies.first() else {
        return out;
    };
    let server_msg_id = sent.message.msg_id().unwrap_or("").trim().to_string();

    // Status for SyncHdr first, in every reply.
    for r in replies {
        let x = r.exchange;
        match r.decoded.message.commands().next() {
            Some(c)
                if c.kind == CommandKind::Status
                    && c.cmd_ref.as_deref().map(str::trim) == Some("0")
                    && c.cmd.as_deref().map(str::trim) == Some("SyncHdr") => {}
            other => out.push(finding(
                req::SYNCHDR_STATUS_FIRST,
                "Status for the SyncHdr comes first",
                "Status with CmdRef 0 and Cmd SyncHdr as the first command",
                other.map_or("no command".into(), describe_command),
                x,
            )),
        }
    }

    out.extend(check_status_cmd_values(sent, replies));

    // All Statuses and Results of the replies, in order.
    let answers: Vec<(usize, &Command)> = replies
        .iter()
        .flat_map(|r| r.decoded.message.commands().map(move |c| (r.exchange, c)))
        .filter(|(_, c)| matches!(c.kind, CommandKind::Status | CommandKind::Results))
        .collect();
    for (x, s) in answers
        .iter()
        .filter(|(_, c)| c.kind == CommandKind::Status)
    {
        if s.cmd_ref.as_deref().map(str::trim) == Some("0") && first.exchange != *x {
            continue; // the SyncHdr Status of a later message answers that message
        }
        if s.msg_ref.as_deref().map(str::trim) != Some(server_msg_id.as_str())
            && *x == first.exchange
        {
            out.push(finding(
                req::MSGREF,
                "MsgRef names the message answered",
                format!("MsgRef {server_msg_id}"),
                format!("{} with MsgRef {}", describe_command(s), shown(&s.msg_ref)),
                *x,
            ));
        }
    }

    let body = sent.message.body.as_ref().map_or(&[][..], |b| &b.nodes);
    let duplicated = duplicated_ids(body);
    let owed = |c: &Command| {
        !c.no_resp
            && !matches!(c.kind, CommandKind::Status | CommandKind::Results)
            && c.cmd_id
                .as_deref()
                .is_some_and(|id| !duplicated.contains(&id.trim().to_string()))
    };
    // One Status per command: top-level commands and the children of top-level containers.
    let mut levels: Vec<Vec<&Command>> = vec![
        body.iter()
            .filter_map(|n| n.command())
            .filter(|c| owed(c))
            .collect(),
    ];
    for c in body
        .iter()
        .filter_map(|n| n.command())
        .filter(|c| c.kind.is_container())
    {
        levels.push(c.child_commands().filter(|c| owed(c)).collect());
    }
    let status_pos = |c: &Command| -> Vec<usize> {
        answers
            .iter()
            .enumerate()
            .filter(|(_, (_, s))| s.kind == CommandKind::Status && answers_command(s, c))
            .map(|(i, _)| i)
            .collect()
    };
    for level in &levels {
        let mut last: Option<(usize, &Command)> = None;
        for c in level {
            let pos = status_pos(c);
            let per_item = pos.len() > 1
                && pos.iter().all(|i| {
                    let s = answers[*i].1;
                    !s.target_refs.is_empty() || !s.source_refs.is_empty()
                });
            if pos.is_empty() {
                out.push(finding(
                    req::STATUS_PER_COMMAND,
                    "one Status per command",
                    format!("a Status with CmdRef {} and Cmd {}", id_of(c), c.kind),
                    "none",
                    first.exchange,
                ));
            } else if pos.len() > 1 && !per_item {
                out.push(finding(
                    req::STATUS_PER_COMMAND,
                    "one Status per command",
                    format!("one Status for {} {}", c.kind, id_of(c)),
                    format!("{} Statuses", pos.len()),
                    first.exchange,
                ));
            }
            if let Some(&p) = pos.first() {
                if let Some((lp, lc)) = last
                    && p < lp
                {
                    out.push(finding(
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
                        first.exchange,
                    ));
                }
                last = Some((p, c));
            }
        }
    }

    // Results: only after a 200 Status for a Get, and for every such Get.
    for (i, (x, r)) in answers
        .iter()
        .enumerate()
        .filter(|(_, (_, c))| c.kind == CommandKind::Results)
    {
        let cmd_ref = r.cmd_ref.as_deref().unwrap_or("").trim();
        let ok_before = answers[..i].iter().any(|(_, s)| {
            s.kind == CommandKind::Status
                && s.cmd_ref.as_deref().map(str::trim) == Some(cmd_ref)
                && s.cmd.as_deref().map(str::trim) == Some("Get")
                && s.code() == Some(200)
        });
        if !ok_before {
            out.push(finding(
                req::RESULTS_AFTER_STATUS,
                "Results only after a 200 Status for a Get",
                format!("a 200 Status for Get {cmd_ref} before its Results"),
                format!("Results for CmdRef {cmd_ref} without one"),
                *x,
            ));
        }
    }
    for c in flatten(body)
        .into_iter()
        .filter(|c| c.kind == CommandKind::Get && owed(c))
    {
        let id = id_of(c);
        let ok = answers.iter().any(|(_, s)| {
            s.kind == CommandKind::Status && answers_command(s, c) && s.code() == Some(200)
        });
        let has_results = answers.iter().any(|(_, r)| {
            r.kind == CommandKind::Results
                && r.cmd_ref.as_deref().map(str::trim) == Some(id.as_str())
        });
        if ok && !has_results {
            out.push(finding(
                req::RESULTS_FOR_GET,
                "Results for every successful Get",
                format!("Results for Get {id}"),
                "none",
                first.exchange,
            ));
        }
    }
    out
}

/// The Cmd of every Status names a DM command, or is `SyncHdr` exactly when CmdRef is 0
/// (unless the server itself numbered a command 0, which is then answered as CmdRef 0). MS-MDM lists Add, Atomic, Delete, Exec, Get, Replace, Results, Status and SyncHdr;
/// RepPro adds Alert, Copy and Sequence, so any DM command name is accepted. A Status
/// answering an element that is no DM command may carry that element's name.
fn check_status_cmd_values(sent: &Sent, replies: &[&Received]) -> Vec<Finding> {
    let body = sent.message.body.as_ref().map_or(&[][..], |b| &b.nodes);
    let mut unknown = Vec::new();
    unknown_element_names(body, &mut unknown);
    // A command the server numbered 0 is answered with CmdRef 0 and its own name.
    let commands_numbered_0 = flatten(body)
        .iter()
        .any(|c| c.cmd_id.as_deref().map(str::trim) == Some("0"));
    let mut out = Vec::new();
    for r in replies {
        for s in r
            .decoded
            .message
            .commands()
            .filter(|c| c.kind == CommandKind::Status)
        {
            let cmd = s.cmd.as_deref().map_or("", str::trim);
            let header_ref = s.cmd_ref.as_deref().map(str::trim) == Some("0");
            let names_command = CommandKind::from_name(cmd).is_some() || unknown.contains(&cmd);
            let fits = if cmd == "SyncHdr" {
                header_ref
            } else {
                names_command && (!header_ref || commands_numbered_0)
            };
            if !fits {
                out.push(finding(
                    req::STATUS_CMD_VALUES,
                    "Cmd of a Status names a DM command, or SyncHdr with CmdRef 0",
                    "Add, Alert, Atomic, Copy, Delete, Exec, Get, Replace, Results, Sequence, Status; SyncHdr exactly when CmdRef is 0",
                    describe_command(s),
                    r.exchange,
                ));
            }
        }
    }
    out
}

/// The names of the elements under SyncBody and inside containers that are no DM command.
fn unknown_element_names<'a>(nodes: &'a [syncml::BodyNode], names: &mut Vec<&'a str>) {
    for n in nodes {
        match n {
            syncml::BodyNode::Unknown(e) => names.push(e.local_name()),
            syncml::BodyNode::Command(c) => unknown_element_names(&c.children, names),
        }
    }
}

fn answers_command(status: &Command, c: &Command) -> bool {
    status.cmd_ref.as_deref().map(str::trim) == c.cmd_id.as_deref().map(str::trim)
        && status.cmd.as_deref().map(str::trim) == Some(c.kind.name())
}

fn id_of(c: &Command) -> String {
    c.cmd_id.as_deref().unwrap_or("").trim().to_string()
}

fn duplicated_ids(body: &[syncml::BodyNode]) -> Vec<String> {
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

/// `Status (CmdRef 3, Cmd Add, 200)`, `Get 4`.
pub fn describe_command(c: &Command) -> String {
    match c.kind {
        CommandKind::Status => format!(
            "Status (CmdRef {}, Cmd {}, {})",
            shown(&c.cmd_ref),
            shown(&c.cmd),
            c.data
                .as_ref()
                .map_or("no Data".into(), |d| d.as_text().trim().to_string())
        ),
        k => format!("{k} {}", shown(&c.cmd_id)),
    }
}

fn shown(v: &Option<String>) -> String {
    match v {
        Some(s) => format!("{:?}", s.trim()),
        None => "(missing)".into(),
    }
}

#[cfg(test)]
mod tests {
    //! Each invariant shown failing on a hand-made bad reply.
    use super::*;
    use crate::codec;
    use crate::transcript::{Received, Sent};

    const SENT: &str = "<SyncML xmlns='SYNCML:SYNCML1.2'><SyncHdr><VerDTD>1.2</VerDTD><VerProto>DM/1.2</VerProto>\
<SessionID>1</SessionID><MsgID>1</MsgID><Target><LocURI>dev</LocURI></Target><Source><LocURI>srv</LocURI></Source></SyncHdr>\
<SyncBody><Add><CmdID>2</CmdID><Item><Target><LocURI>./a</LocURI></Target><Data>1</Data></Item></Add>\
<Get><CmdID>3</CmdID><Item><Target><LocURI>./a</LocURI></Target></Item></Get>\
<Atomic><CmdID>4</CmdID><Replace><CmdID>5</CmdID><Item><Target><LocURI>./a</LocURI></Target><Data>2</Data></Item></Replace></Atomic>\
<Final/></SyncBody></SyncML>";

    const HDR: &str = "<SyncHdr><VerDTD>1.2</VerDTD><VerProto>DM/1.2</VerProto><SessionID>1</SessionID><MsgID>2</MsgID>\
<Target><LocURI>srv</LocURI></Target><Source><LocURI>dev</LocURI></Source></SyncHdr>";

    fn status(id: u32, cmd_ref: &str, cmd: &str, code: u16) -> String {
        format!(
            "<Status><CmdID>{id}</CmdID><MsgRef>1</MsgRef><CmdRef>{cmd_ref}</CmdRef><Cmd>{cmd}</Cmd><Data>{code}</Data></Status>"
        )
    }

    fn results(id: u32) -> String {
        format!(
            "<Results><CmdID>{id}</CmdID><MsgRef>1</MsgRef><CmdRef>3</CmdRef><Item><Source><LocURI>./a</LocURI></Source><Data>1</Data></Item></Results>"
        )
    }

    fn good_body() -> Vec<String> {
        vec![
            status(1, "0", "SyncHdr", 200),
            status(2, "2", "Add", 200),
            status(3, "3", "Get", 200),
            results(4),
            status(5, "4", "Atomic", 200),
            status(6, "5", "Replace", 200),
        ]
    }

    fn reply(body: &[String], final_: bool) -> String {
        format!(
            "<SyncML xmlns='SYNCML:SYNCML1.2'>{HDR}<SyncBody>{}{}</SyncBody></SyncML>",
            body.concat(),
            if final_ { "<Final/>" } else { "" }
        )
    }

    fn received(xml: &str, content_type: &str) -> Received {
        Received {
            decoded: codec::decode(xml.as_bytes(), &codec::reply_limits())
                .expect("test message decodes"),
            content_type: content_type.into(),
            headers: Vec::new(),
            body: xml.as_bytes().to_vec(),
            exchange: 1,
        }
    }

    fn sent() -> Sent {
        sent_from(SENT)
    }

    fn sent_from(xml: &str) -> Sent {
        let root = syncml::xml::read(xml.as_bytes(), &syncml::Limits::default())
            .unwrap()
            .root;
        let (message, _) = Message::from_element(&root);
        Sent {
            root,
            message,
            exchange: 0,
        }
    }

    /// Requirement ids of the findings for a reply (message checks and step checks).
    fn broken(xml: &str, content_type: &str) -> Vec<String> {
        let r = received(xml, content_type);
        let mut facts = SessionFacts {
            session_id: Some("1".into()),
            last_client_msg_id: Some(1),
            answering_dm_112: false,
            ..SessionFacts::default()
        };
        let mut f = check_client_message(&r, Encoding::Xml, &mut facts);
        f.extend(check_step(&sent(), &[&r]));
        let mut ids: Vec<String> = f.into_iter().filter_map(|f| f.requirement).collect();
        ids.sort();
        ids.dedup();
        ids
    }

    fn broken_by(body: Vec<String>) -> Vec<String> {
        broken(&reply(&body, true), crate::wire::CONTENT_TYPE_XML)
    }

    #[test]
    fn a_good_reply_breaks_nothing() {
        assert_eq!(broken_by(good_body()), Vec::<String>::new());
    }

    #[test]
    fn synchdr_status_not_first() {
        let mut b = good_body();
        b.rotate_left(1);
        assert!(broken_by(b).contains(&req::SYNCHDR_STATUS_FIRST.to_string()));
    }

    #[test]
    fn wrong_msgref() {
        let b: Vec<String> = good_body()
            .into_iter()
            .map(|s| s.replacen("<MsgRef>1</MsgRef>", "<MsgRef>7</MsgRef>", 1))
            .collect();
        assert!(broken_by(b).contains(&req::MSGREF.to_string()));
    }

    #[test]
    fn status_cmd_outside_the_command_names() {
        let mut b = good_body();
        b[1] = status(2, "2", "add", 200);
        assert!(broken_by(b).contains(&req::STATUS_CMD_VALUES.to_string()));
        let mut b = good_body();
        b[0] = status(1, "0", "Add", 200);
        assert!(broken_by(b).contains(&req::STATUS_CMD_VALUES.to_string()));
        let mut b = good_body();
        b.push(status(7, "2", "SyncHdr", 200));
        assert!(broken_by(b).contains(&req::STATUS_CMD_VALUES.to_string()));
    }

    #[test]
    fn status_cmd_may_name_an_unknown_element_or_a_command_numbered_0() {
        let mut b = good_body();
        b.push(status(7, "6", "Foo", 400));
        b.push(status(8, "0", "Get", 400));
        let r = received(&reply(&b, true), crate::wire::CONTENT_TYPE_XML);
        assert_eq!(check_status_cmd_values(&sent(), &[&r]).len(), 2);
        let with_both = SENT.replace(
            "<Final/>",
            "<Foo><CmdID>6</CmdID></Foo><Get><CmdID>0</CmdID></Get><Final/>",
        );
        assert_eq!(
            check_status_cmd_values(&sent_from(&with_both), &[&r]),
            Vec::new()
        );
    }

    #[test]
    fn missing_and_doubled_status() {
        let mut b = good_body();
        b.remove(1);
        assert_eq!(broken_by(b), vec![req::STATUS_PER_COMMAND.to_string()]);
        let mut b = good_body();
        b.insert(2, status(9, "2", "Add", 200));
        assert!(broken_by(b).contains(&req::STATUS_PER_COMMAND.to_string()));
    }

    #[test]
    fn statuses_out_of_order() {
        let mut b = good_body();
        b.swap(1, 2);
        assert!(broken_by(b).contains(&req::STATUS_ORDER.to_string()));
    }

    #[test]
    fn results_before_status_and_missing_results() {
        let mut b = good_body();
        b.swap(2, 3);
        assert!(broken_by(b).contains(&req::RESULTS_AFTER_STATUS.to_string()));
        let mut b = good_body();
        b.remove(3);
        assert_eq!(broken_by(b), vec![req::RESULTS_FOR_GET.to_string()]);
    }

    #[test]
    fn a_dm_112_message_may_be_answered_in_either_version_but_not_mixed() {
        let good = reply(&good_body(), true);
        let in_112 = good
            .replace("<VerDTD>1.2", "<VerDTD>1.1")
            .replace("DM/1.2", "DM/1.1");
        let mixed = good.replace("DM/1.2", "DM/1.1");
        let versions = |xml: &str, answering_dm_112: bool| {
            let mut facts = SessionFacts {
                answering_dm_112,
                ..SessionFacts::default()
            };
            let r = received(xml, crate::wire::CONTENT_TYPE_XML);
            let mut ids: Vec<String> = check_client_message(&r, Encoding::Xml, &mut facts)
                .into_iter()
                .filter_map(|f| f.requirement)
                .filter(|id| id == req::VERDTD || id == req::VERPROTO)
                .collect();
            ids.sort();
            ids
        };
        assert!(versions(&good, true).is_empty());
        assert!(versions(&in_112, true).is_empty());
        assert_eq!(versions(&mixed, true), [req::VERPROTO]);
        assert_eq!(versions(&in_112, false), [req::VERDTD, req::VERPROTO]);
        let sent_112 = SENT
            .replace("SYNCML1.2", "SYNCML1.1")
            .replace("<VerDTD>1.2", "<VerDTD>1.1");
        let root = syncml::xml::read(sent_112.as_bytes(), &syncml::Limits::default())
            .unwrap()
            .root;
        let (message, _) = Message::from_element(&root);
        assert!(is_dm_112(&Sent {
            root,
            message,
            exchange: 0
        }));
        assert!(!is_dm_112(&sent()));
    }

    #[test]
    fn header_fields() {
        let good = reply(&good_body(), true);
        let ct = crate::wire::CONTENT_TYPE_XML;
        assert_eq!(
            broken(&good.replace("<VerDTD>1.2", "<VerDTD>1.1"), ct),
            vec![req::VERDTD.to_string()]
        );
        assert_eq!(
            broken(&good.replace("DM/1.2", "DM/1.1"), ct),
            vec![req::VERPROTO.to_string()]
        );
        assert_eq!(
            broken(&good.replace("<SessionID>1", "<SessionID>2"), ct),
            vec![req::SESSIONID.to_string()]
        );
        assert_eq!(
            broken(&good.replace("<MsgID>2", "<MsgID>3"), ct),
            vec![req::MSGID.to_string()]
        );
        assert_eq!(
            broken(&good, "text/xml"),
            vec![req::CONTENT_TYPE.to_string()]
        );
    }

    #[test]
    fn no_msgid_follows_the_largest() {
        let r = received(
            &reply(&good_body(), true).replace("<MsgID>2", "<MsgID>18446744073709551615"),
            crate::wire::CONTENT_TYPE_XML,
        );
        let mut facts = SessionFacts {
            session_id: Some("1".into()),
            last_client_msg_id: Some(u64::MAX),
            ..SessionFacts::default()
        };
        let f = check_message(&r, Encoding::Xml, &mut facts);
        assert!(
            f.iter()
                .any(|f| f.requirement.as_deref() == Some(req::MSGID)),
            "{f:#?}"
        );
    }

    #[test]
    fn long_sessionid_and_results_without_source() {
        let good = reply(&good_body(), true);
        let ct = crate::wire::CONTENT_TYPE_XML;
        let long = good.replace("<SessionID>1", "<SessionID>123456");
        let ids = broken(&long, ct);
        assert!(ids.contains(&req::SESSIONID_LENGTH.to_string()), "{ids:?}");
        let no_source = good.replace("<Source><LocURI>./a</LocURI></Source>", "");
        assert_eq!(
            broken(&no_source, ct),
            vec![req::RESULTS_SOURCE.to_string()]
        );
    }

    #[test]
    fn cmdid_rules() {
        let mut b = good_body();
        b[1] = b[1].replacen("<CmdID>2</CmdID>", "<CmdID>1</CmdID>", 1);
        assert_eq!(broken_by(b), vec![req::CMDID.to_string()]);
        let mut b = good_body();
        b[1] = b[1].replacen("<CmdID>2</CmdID>", "<CmdID>0</CmdID>", 1);
        assert_eq!(broken_by(b), vec![req::CMDID.to_string()]);
    }

    #[test]
    fn client_sends_a_server_command() {
        let mut b = good_body();
        b.push(
            "<Add><CmdID>9</CmdID><Item><Target><LocURI>./x</LocURI></Target></Item></Add>".into(),
        );
        assert_eq!(broken_by(b), vec![req::CLIENT_COMMANDS.to_string()]);
    }

    #[test]
    fn client_replace_only_of_devinfo() {
        let replace = |uri: &str| {
            format!(
                "<Replace><CmdID>9</CmdID><Item><Source><LocURI>{uri}</LocURI></Source><Data>x</Data></Item></Replace>"
            )
        };
        let mut b = good_body();
        b.push(replace("./DevInfo/Lang"));
        assert_eq!(broken_by(b), Vec::<String>::new());
        let mut b = good_body();
        b.push(replace("./DevInfoX/Lang"));
        assert_eq!(broken_by(b), vec![req::CLIENT_COMMANDS.to_string()]);
    }

    #[test]
    fn final_before_the_server_is_done() {
        let mut s = sent();
        s.message.body.as_mut().unwrap().final_ = false;
        let r = received(&reply(&good_body(), true), crate::wire::CONTENT_TYPE_XML);
        let ids: Vec<_> = check_step(&s, &[&r])
            .into_iter()
            .filter_map(|f| f.requirement)
            .collect();
        assert_eq!(ids, vec![req::FINAL.to_string()]);
    }

    #[test]
    fn large_object_chunk_inside_atomic_or_sequence() {
        let chunk = "<Replace><CmdID>8</CmdID><Item><Target><LocURI>./a</LocURI></Target>\
<Data>01</Data><MoreData/></Item></Replace>";
        let broken_message = |commands: &str| {
            let xml = reply(
                &[status(1, "0", "SyncHdr", 200), commands.to_string()],
                true,
            );
            let r = received(&xml, crate::wire::CONTENT_TYPE_XML);
            let mut facts = SessionFacts {
                session_id: Some("1".into()),
                last_client_msg_id: Some(1),
                ..SessionFacts::default()
            };
            let ids: Vec<String> = check_message(&r, Encoding::Xml, &mut facts)
                .into_iter()
                .filter_map(|f| f.requirement)
                .collect();
            ids
        };
        let one_message = vec![req::COMMAND_IN_ONE_MESSAGE.to_string()];
        for held in [
            format!("<Atomic><CmdID>7</CmdID>{chunk}</Atomic>"),
            format!("<Sequence><CmdID>7</CmdID>{chunk}</Sequence>"),
            format!(
                "<Sequence><CmdID>7</CmdID><Atomic><CmdID>9</CmdID>{chunk}</Atomic></Sequence>"
            ),
        ] {
            assert_eq!(broken_message(&held), one_message, "{held}");
        }
        // Chunked on its own, the value is a large object as DM Protocol allows.
        assert_eq!(broken_message(chunk), Vec::<String>::new());
        let whole = chunk.replace("<MoreData/>", "");
        assert_eq!(
            broken_message(&format!("<Atomic><CmdID>7</CmdID>{whole}</Atomic>")),
            Vec::<String>::new()
        );
    }

    #[test]
    fn synchdr_status_only_message() {
        let r = received(
            &reply(&[status(1, "0", "SyncHdr", 200)], true),
            crate::wire::CONTENT_TYPE_XML,
        );
        let mut facts = SessionFacts {
            last_client_msg_id: Some(1),
            ..SessionFacts::default()
        };
        let ids: Vec<_> = check_client_message(&r, Encoding::Xml, &mut facts)
            .into_iter()
            .filter_map(|f| f.requirement)
            .collect();
        assert_eq!(ids, vec![req::NO_EMPTY_MESSAGE.to_string()]);
    }
}
