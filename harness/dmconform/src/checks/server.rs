//! Invariants checked on every reply of a DM server, beyond those shared with the
//! client side (`invariants::check_message`, `invariants::check_answers`): Final in every
//! message when possible, the Next Message response to a client message without Final,
//! no new commands while Statuses for earlier ones are outstanding, a Chal with every
//! 401 or 407 for the SyncHdr and nothing but Statuses in that reply, no Status 200 for
//! a Results, provisioning XML that is well formed, and Atomics holding only Add,
//! Alert, Delete, Copy or Replace, every Add naming the node type (Meta Format), and a
//! Results without MsgRef taken as answering message 1 (no error Status for it).

use super::invariants::{describe_command, finding};
use crate::transcript::{Received, Sent, flatten};
use crate::verdict::Finding;
use syncml::{Command, CommandKind, Item, Limits};

/// The requirement each server invariant enforces, by id in the registry.
pub mod req {
    pub const SERVER_FINAL: &str = "oma.multi.server-final";
    pub const NEXT_MESSAGE: &str = "oma.multi.next-message-response";
    pub const NO_COMMANDS_BEFORE_STATUS: &str = "oma.multi.no-commands-before-status";
    pub const CHALLENGE_CHAL: &str = "oma.auth.challenge-chal";
    pub const FAILURE_RESPONSE: &str = "oma.auth.failure-response";
    pub const PROVISIONING: &str = "win.provisioning.well-formed";
    pub const ANSWERS_ALL: &str = "oma.session.server-answers-all";
    pub const RESULTS_NO_200: &str = "oma.status.results-no-200";
    pub const ATOMIC_CONTENT: &str = "oma.atomic.content";
    pub const ADD_NODE_TYPE: &str = "oma.add.node-type";
    pub const RESULTS_MSGREF_DEFAULT: &str = "msmdm.msgref.results-default";
}

/// Every requirement the server invariants check, for lint and coverage.
pub const REQUIREMENTS: &[&str] = &[
    req::SERVER_FINAL,
    req::NEXT_MESSAGE,
    req::NO_COMMANDS_BEFORE_STATUS,
    req::CHALLENGE_CHAL,
    req::FAILURE_RESPONSE,
    req::PROVISIONING,
    req::ANSWERS_ALL,
    req::RESULTS_NO_200,
    req::ATOMIC_CONTENT,
    req::ADD_NODE_TYPE,
    req::RESULTS_MSGREF_DEFAULT,
];

/// Checks the server's reply to one client message. `statuses_outstanding`: the client
/// message left Statuses for earlier server commands to come.
pub fn check_reply(sent: &Sent, reply: &Received, statuses_outstanding: bool) -> Vec<Finding> {
    let mut out = Vec::new();
    let x = reply.exchange;
    let m = &reply.decoded.message;
    let new_commands: Vec<&Command> = m
        .commands()
        .filter(|c| !matches!(c.kind, CommandKind::Status | CommandKind::Results))
        .filter(|c| !(c.kind == CommandKind::Alert && matches!(c.code(), Some(1222 | 1223))))
        .collect();
    let asks_more = sent
        .message
        .commands()
        .any(|c| c.kind == CommandKind::Alert && c.code() == Some(1222));
    let hdr_status = m.commands().find(|c| {
        c.kind == CommandKind::Status && c.cmd_ref.as_deref().map(str::trim) == Some("0")
    });
    let refuses = hdr_status.is_some_and(|st| matches!(st.code(), Some(401 | 407)));
    if asks_more {
        // The client asked for the rest of the server's package: it may take more messages.
    } else if !sent.message.is_final() && !refuses {
        // A reply refusing the credentials is an authentication failure response
        // (Statuses only), judged as such below, not as a Next Message response.
        let alert = m
            .commands()
            .any(|c| c.kind == CommandKind::Alert && matches!(c.code(), Some(1222 | 1223)));
        if !alert || m.is_final() || !new_commands.is_empty() {
            out.push(finding(
                req::NEXT_MESSAGE,
                "Next Message response to a client message without Final",
                "Alert 1222, the Status for the SyncHdr, no other command, no Final",
                describe_message(m),
                x,
            ));
        }
    } else if !m.is_final() {
        out.push(finding(
            req::SERVER_FINAL,
            "Final in every server message when possible",
            "<Final/>",
            "no Final",
            x,
        ));
    }
    if statuses_outstanding && let Some(c) = new_commands.first() {
        out.push(finding(
            req::NO_COMMANDS_BEFORE_STATUS,
            "no new commands before the Statuses for earlier ones came back",
            "no new command",
            describe_command(c),
            x,
        ));
    }
    if let Some(st) = hdr_status
        && refuses
    {
        if st.chal.is_none() {
            out.push(finding(
                req::CHALLENGE_CHAL,
                "a 401 or 407 for the SyncHdr carries Chal",
                "Status with Chal",
                describe_command(st),
                x,
            ));
        }
        if let Some(c) = m.commands().find(|c| c.kind != CommandKind::Status) {
            out.push(finding(
                req::FAILURE_RESPONSE,
                "the reply refusing credentials holds only Statuses",
                "Status commands only",
                describe_command(c),
                x,
            ));
        }
    }
    if let Some(st) = m.commands().find(|c| {
        c.kind == CommandKind::Status
            && c.cmd.as_deref().map(str::trim) == Some("Results")
            && c.code() == Some(200)
    }) {
        out.push(finding(
            req::RESULTS_NO_200,
            "no Status 200 for a Results",
            "no Status for a Results that succeeded",
            describe_command(st),
            x,
        ));
    }
    out.extend(results_without_msgref_refused(sent, reply));
    for c in flatten(m.body.as_ref().map_or(&[][..], |b| &b.nodes)) {
        if c.kind == CommandKind::Atomic && !holds_only_atomic_content(c) {
            out.push(finding(
                req::ATOMIC_CONTENT,
                "an Atomic holds one or more Add, Alert, Delete, Copy or Replace",
                "Add, Alert, Delete, Copy or Replace inside the Atomic, at least one",
                format!("Atomic {} holding {}", shown_id(c), describe_children(c)),
                x,
            ));
        }
        if c.kind == CommandKind::Add
            && let Some(item) = c.items.iter().find(|i| format_of(c, i).is_none())
        {
            out.push(finding(
                req::ADD_NODE_TYPE,
                "an Add names the node type in its Meta",
                "Meta Format on the Add or on each of its Items",
                format!(
                    "Add {} with no Format for {}",
                    shown_id(c),
                    item.target_uri().unwrap_or("an Item without Target")
                ),
                x,
            ));
        }
        for item in c.items.iter().filter(|i| is_xml(c, i)) {
            let data = item
                .data
                .as_ref()
                .map(syncml::Data::as_text)
                .unwrap_or_default();
            if let Err(e) = syncml::xml::read(data.as_bytes(), &Limits::default()) {
                out.push(finding(
                    req::PROVISIONING,
                    "provisioning XML is well formed",
                    "well-formed XML in Data with Meta Format xml",
                    format!("{}: {e}", describe_command(c)),
                    x,
                ));
            }
        }
    }
    out
}

/// A Results the client sent without MsgRef answers the server's message 1 (MS-MDM
/// 2.2.7.8): the server may leave it without Status, as any Results that succeeded, but
/// refusing it with an error code shows it did not take the missing MsgRef as "1".
fn results_without_msgref_refused(sent: &Sent, reply: &Received) -> Vec<Finding> {
    let msg_id = sent.message.msg_id().map(str::trim);
    let refused = |r: &Command| {
        let id = r.cmd_id.as_deref().map(str::trim);
        reply.decoded.message.commands().find(|s| {
            s.kind == CommandKind::Status
                && s.msg_ref.as_deref().map(str::trim) == msg_id
                && s.cmd_ref.as_deref().map(str::trim) == id
                && s.cmd.as_deref().map(str::trim) == Some("Results")
                && s.code().is_none_or(|code| code / 100 != 2)
        })
    };
    sent.message
        .commands()
        .filter(|c| c.kind == CommandKind::Results && c.msg_ref.is_none())
        .filter_map(|r| refused(r).map(|st| (r, st)))
        .map(|(r, st)| {
            finding(
                req::RESULTS_MSGREF_DEFAULT,
                "a Results without MsgRef answers the server's message 1",
                format!(
                    "no Status, or a success code, for Results {} (no MsgRef)",
                    shown_id(r)
                ),
                describe_command(st),
                reply.exchange,
            )
        })
        .collect()
}

/// The server did not end the session within the messages the harness allows.
pub fn session_not_ended(exchange: usize, messages: usize) -> Finding {
    finding(
        req::ANSWERS_ALL,
        "the server ends the session",
        "a message of Statuses and Final only",
        format!("the session goes on after {messages} further client messages"),
        exchange,
    )
}

/// Whether an Atomic holds at least one command and only Add, Alert, Delete, Copy
/// or Replace (OMA RepPro 6.6.3).
fn holds_only_atomic_content(atomic: &Command) -> bool {
    !atomic.children.is_empty()
        && atomic.children.iter().all(|n| {
            n.command().is_some_and(|c| {
                matches!(
                    c.kind,
                    CommandKind::Add
                        | CommandKind::Alert
                        | CommandKind::Delete
                        | CommandKind::Copy
                        | CommandKind::Replace
                )
            })
        })
}

fn shown_id(c: &Command) -> &str {
    c.cmd_id.as_deref().map_or("", str::trim)
}

fn describe_children(c: &Command) -> String {
    if c.children.is_empty() {
        return "nothing".into();
    }
    let names: Vec<&str> = c.children.iter().map(syncml::BodyNode::name).collect();
    names.join(", ")
}

/// The Meta Format of an Item, or else of its command.
fn format_of<'a>(c: &'a Command, i: &'a Item) -> Option<&'a str> {
    i.meta
        .as_ref()
        .and_then(|m| m.format.as_deref())
        .or_else(|| c.meta.as_ref().and_then(|m| m.format.as_deref()))
        .map(str::trim)
        .filter(|f| !f.is_empty())
}

/// Whether an Item carries XML: Meta Format `xml` on the Item or its command.
fn is_xml(c: &Command, i: &Item) -> bool {
    format_of(c, i) == Some("xml")
}

fn describe_message(m: &syncml::Message) -> String {
    let mut parts: Vec<String> = m.commands().map(describe_command).collect();
    if m.is_final() {
        parts.push("Final".into());
    }
    if parts.is_empty() {
        "an empty message".into()
    } else {
        parts.join(", ")
    }
}
