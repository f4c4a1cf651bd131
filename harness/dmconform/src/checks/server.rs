//! Invariants checked on every reply of a DM server, beyond those shared with the
//! client side (`invariants::check_message`, `invariants::check_answers`): Final in every
//! message when possible, the Next Message response to a client message without Final,
//! no new commands while Statuses for earlier ones are outstanding, a Chal with every
//! 401 or 407 for the SyncHdr and nothing but Statuses in that reply, no Status 200 for
//! a Results, provisioning XML that is well formed, and Atomics holding only Add,
//! Alert, Delete, Copy, Replace or Exec, every Add with Data naming the node type (Meta
//! Format, its own or its Atomic's or Sequence's), and a Results without MsgRef taken as
//! answering message 1 (no error Status for it).

use super::invariants::{self, describe_command, finding};
use crate::transcript::{Received, Sent, flatten};
use crate::verdict::Finding;
use crate::wire::Encoding;
use std::collections::BTreeSet;
use syncml::{Command, CommandKind, Item, Limits, Message};

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

/// The server commands of a session a client has not answered yet: the MsgID of the
/// server message each came in and its CmdID.
#[derive(Clone, Debug, Default)]
pub struct Outstanding(BTreeSet<(String, String)>);

impl Outstanding {
    /// Notes the client's Status `status` (by its MsgRef and CmdRef) as an answer.
    pub fn answered(&mut self, status: &Command) {
        if status.kind == CommandKind::Status
            && let (Some(m), Some(r)) = (&status.msg_ref, &status.cmd_ref)
        {
            self.0.remove(&(m.trim().to_string(), r.trim().to_string()));
        }
    }

    /// Notes the commands of a server message that want a Status.
    pub fn expect(&mut self, server: &Message) {
        let msg_id = server.msg_id().unwrap_or("").trim().to_string();
        for c in flatten(server.body.as_ref().map_or(&[][..], |b| &b.nodes)) {
            if !matches!(c.kind, CommandKind::Status | CommandKind::Results) && !c.no_resp {
                let id = c.cmd_id.as_deref().unwrap_or("").trim().to_string();
                self.0.insert((msg_id.clone(), id));
            }
        }
    }

    /// Whether every command waiting came in the server message `msg_id`: nothing
    /// earlier was left unanswered when the client's message went out.
    pub fn only_from(&self, msg_id: &str) -> bool {
        self.0.iter().all(|(m, _)| m == msg_id.trim())
    }
}

/// Every invariant of a server's reply to one client message: those shared with the
/// client side and the server's own ([`check_reply`]). `outstanding` is the session's,
/// the reply's own commands already noted in it; `facts` what the session established.
pub fn judge_reply(
    sent: &Sent,
    reply: &Received,
    encoding: Encoding,
    facts: &mut invariants::SessionFacts,
    outstanding: &Outstanding,
) -> Vec<Finding> {
    let msg_id = reply.decoded.message.msg_id().unwrap_or("");
    let statuses_outstanding = !outstanding.only_from(msg_id);
    let mut out = invariants::check_message(reply, encoding, facts);
    out.extend(invariants::check_answers(sent, &[reply]));
    out.extend(check_reply(sent, reply, statuses_outstanding));
    out
}

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
    let hdr_status = m.synchdr_status();
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
    let mut commands = Vec::new();
    with_inherited_format(
        m.body.as_ref().map_or(&[][..], |b| &b.nodes),
        None,
        &mut commands,
    );
    for (c, inherited) in commands {
        if c.kind == CommandKind::Atomic && !holds_only_atomic_content(c) {
            out.push(finding(
                req::ATOMIC_CONTENT,
                "an Atomic holds one or more Add, Alert, Delete, Copy, Replace or Exec",
                "Add, Alert, Delete, Copy, Replace or Exec inside the Atomic, at least one",
                format!("Atomic {} holding {}", shown_id(c), describe_children(c)),
                x,
            ));
        }
        // An Add without Meta and without Data is how Microsoft's published samples create
        // an interior node (EnterpriseDesktopAppManagement, EnterpriseModernAppManagement);
        // the registry note of oma.add.node-type says why it is not judged here.
        if c.kind == CommandKind::Add
            && let Some(item) = c
                .items
                .iter()
                .find(|i| i.data.is_some() && format_of(c, i, inherited).is_none())
        {
            out.push(finding(
                req::ADD_NODE_TYPE,
                "an Add names the node type in its Meta",
                "Meta Format on the Add, on each of its Items, or on its Atomic or Sequence",
                format!(
                    "Add {} with no Format for {}",
                    shown_id(c),
                    item.target_uri().unwrap_or("an Item without Target")
                ),
                x,
            ));
        }
        for item in c
            .items
            .iter()
            .filter(|i| format_of(c, i, inherited) == Some("xml"))
        {
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
/// or Replace (OMA RepPro 6.6.3), or Exec, which MS-MDM 2.2.7.3 lists among the
/// children of Atomic (the registry note of oma.atomic.content says why).
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
                        | CommandKind::Exec
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

/// Every command of `nodes`, depth first, with the Meta Format it inherits from the
/// Atomic or Sequence around it: MS-MDM 2.2.5.3, Meta on an Atomic or Sequence applies
/// to the commands inside unless they give their own.
fn with_inherited_format<'a>(
    nodes: &'a [syncml::BodyNode],
    inherited: Option<&'a str>,
    out: &mut Vec<(&'a Command, Option<&'a str>)>,
) {
    for c in nodes.iter().filter_map(syncml::BodyNode::command) {
        out.push((c, inherited));
        with_inherited_format(&c.children, command_format(c).or(inherited), out);
    }
}

/// The Meta Format a command itself gives.
fn command_format(c: &Command) -> Option<&str> {
    c.meta
        .as_ref()
        .and_then(|m| m.format.as_deref())
        .map(str::trim)
        .filter(|f| !f.is_empty())
}

/// The Meta Format of an Item, or else of its command, or else the one it inherits.
fn format_of<'a>(c: &'a Command, i: &'a Item, inherited: Option<&'a str>) -> Option<&'a str> {
    i.meta
        .as_ref()
        .and_then(|m| m.format.as_deref())
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .or_else(|| command_format(c))
        .or(inherited)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The harness's client message 1, with Final.
    fn sent() -> Sent {
        let xml = "<SyncML xmlns='SYNCML:SYNCML1.2'><SyncHdr><VerDTD>1.2</VerDTD><VerProto>DM/1.2</VerProto><SessionID>1</SessionID><MsgID>1</MsgID><Target><LocURI>https://s</LocURI></Target><Source><LocURI>dev</LocURI></Source></SyncHdr><SyncBody><Alert><CmdID>1</CmdID><Data>1201</Data></Alert><Final/></SyncBody></SyncML>";
        let decoded = crate::codec::decode(xml.as_bytes(), &crate::codec::reply_limits()).unwrap();
        Sent {
            root: decoded.root,
            message: decoded.message,
            exchange: 0,
        }
    }

    /// A server reply: the Status for the SyncHdr and Alert, then `commands`, then Final.
    fn reply(commands: &str) -> Received {
        let xml = format!(
            "<SyncML xmlns='SYNCML:SYNCML1.2'><SyncHdr><VerDTD>1.2</VerDTD><VerProto>DM/1.2</VerProto><SessionID>1</SessionID><MsgID>1</MsgID><Target><LocURI>dev</LocURI></Target><Source><LocURI>https://s</LocURI></Source></SyncHdr><SyncBody><Status><CmdID>1</CmdID><MsgRef>1</MsgRef><CmdRef>0</CmdRef><Cmd>SyncHdr</Cmd><Data>200</Data></Status><Status><CmdID>2</CmdID><MsgRef>1</MsgRef><CmdRef>1</CmdRef><Cmd>Alert</Cmd><Data>200</Data></Status>{commands}<Final/></SyncBody></SyncML>"
        );
        Received {
            decoded: crate::codec::decode(xml.as_bytes(), &crate::codec::reply_limits()).unwrap(),
            content_type: crate::wire::CONTENT_TYPE_XML.into(),
            headers: Vec::new(),
            body: xml.into_bytes(),
            exchange: 1,
        }
    }

    fn requirements_found(commands: &str) -> Vec<String> {
        check_reply(&sent(), &reply(commands), false)
            .into_iter()
            .filter_map(|f| f.requirement)
            .collect()
    }

    const FORMAT_CHR: &str = "<Meta><Format xmlns='syncml:metinf'>chr</Format></Meta>";

    #[test]
    fn an_atomic_may_hold_exec_but_not_get() {
        // MS-MDM 2.2.7.3 lists Exec among the children of Atomic; Fleet's server sends one.
        let exec = format!(
            "<Atomic><CmdID>3</CmdID><Add><CmdID>4</CmdID><Item><Target><LocURI>./a</LocURI></Target>{FORMAT_CHR}<Data>1</Data></Item></Add><Exec><CmdID>5</CmdID><Item><Target><LocURI>./a/Run</LocURI></Target></Item></Exec></Atomic>"
        );
        assert_eq!(requirements_found(&exec), Vec::<String>::new());
        let get = "<Atomic><CmdID>3</CmdID><Get><CmdID>4</CmdID><Item><Target><LocURI>./a</LocURI></Target></Item></Get></Atomic>";
        assert_eq!(requirements_found(get), vec![req::ATOMIC_CONTENT]);
        let nested = "<Atomic><CmdID>3</CmdID><Atomic><CmdID>4</CmdID></Atomic></Atomic>";
        assert!(requirements_found(nested).contains(&req::ATOMIC_CONTENT.to_string()));
    }

    #[test]
    fn an_add_may_take_its_format_from_its_atomic_or_sequence() {
        for parent in ["Atomic", "Sequence"] {
            let inherited = format!(
                "<{parent}><CmdID>3</CmdID>{FORMAT_CHR}<Add><CmdID>4</CmdID><Item><Target><LocURI>./a</LocURI></Target><Data>1</Data></Item></Add></{parent}>"
            );
            assert_eq!(
                requirements_found(&inherited),
                Vec::<String>::new(),
                "{parent}"
            );
            let none = format!(
                "<{parent}><CmdID>3</CmdID><Add><CmdID>4</CmdID><Item><Target><LocURI>./a</LocURI></Target><Data>1</Data></Item></Add></{parent}>"
            );
            assert_eq!(
                requirements_found(&none),
                vec![req::ADD_NODE_TYPE],
                "{parent}"
            );
        }
    }

    #[test]
    fn an_add_without_meta_or_data_as_microsoft_publishes_it_is_not_failed() {
        // EnterpriseDesktopAppManagement CSP sample (corpus/real/ms-windows-itpro-docs/messages/017).
        let sample = "<Add><CmdID>3</CmdID><Item><Target><LocURI>./User/Vendor/MSFT/EnterpriseDesktopAppManagement/MSI/%7B1803A630-3C384D2B-9B9A-0CB37243539C%7D/DownloadInstall</LocURI></Target></Item></Add>";
        assert_eq!(requirements_found(sample), Vec::<String>::new());
        let with_data = "<Add><CmdID>3</CmdID><Item><Target><LocURI>./a</LocURI></Target><Data>x</Data></Item></Add>";
        assert_eq!(requirements_found(with_data), vec![req::ADD_NODE_TYPE]);
    }

    #[test]
    fn provisioning_xml_inherits_its_format_too() {
        let broken = "<Sequence><CmdID>3</CmdID><Meta><Format xmlns='syncml:metinf'>xml</Format></Meta><Add><CmdID>4</CmdID><Item><Target><LocURI>./a</LocURI></Target><Data>&lt;a&gt;</Data></Item></Add></Sequence>";
        assert_eq!(requirements_found(broken), vec![req::PROVISIONING]);
    }
}
