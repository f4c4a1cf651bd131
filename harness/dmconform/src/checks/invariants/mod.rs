//! Invariants checked on every reply, whatever the case: the Status for the
//! SyncHdr first, one Status per command in request order with matching MsgRef,
//! CmdRef and Cmd, status codes that are SyncML codes, Results only after a 200
//! Status for a Get, the version fields, the SessionID kept, MsgIDs increasing,
//! Final rules, CmdID rules, Atomic and Sequence each within one message, the
//! commands a client may send, the content type, the message's structure, and
//! the MaxMsgSize of the message answered. Chunks of a large object a client
//! sends are followed from message to message by [`super::lob`].
//!
//! Each invariant is a small function named after the rule it checks, in the
//! file of its concern: `header` (content type, versions), `structure`
//! (namespace, DTD order, Data last, Cred), `session` (SessionID, MsgID, Final,
//! MaxMsgSize), `commands` (CmdIDs, containers), `client` (what a client may
//! send), `answers` (Statuses and Results for a message), `refs` (status codes,
//! the MsgRef of Results), with what a session has established in `facts`, how
//! a finding is written in `finding`, and which requirement it cites for the
//! target's profiles in `profiles`. The entry points here run them in a fixed
//! order, which is the order of the findings in a report.

mod answers;
mod client;
mod commands;
mod facts;
mod finding;
mod header;
mod profiles;
mod refs;
mod session;
mod structure;

pub use facts::{SessionFacts, is_dm_112};
pub use finding::describe_command;
pub(crate) use finding::finding;
pub use profiles::cite_for_profiles;
pub use session::unfinished_package;

use crate::transcript::{Received, Sent};
use crate::verdict::Finding;
use crate::wire::Encoding;

/// The requirement each invariant enforces, by id in the registry.
pub mod req {
    pub const SYNCHDR_STATUS_FIRST: &str = "msmdm.status.synchdr-first";
    /// "one Status per command" (MS-MDM 2.2.6.1).
    pub const STATUS_PER_COMMAND: &str = "msmdm.status.order";
    /// A command inside an Atomic or Sequence has a Status of its own.
    pub const STATUS_PER_CONTAINED_COMMAND: &str = "msmdm.status.container-only";
    pub const CMDREF: &str = "win.common.cmdref";
    pub const STATUS_CODE: &str = "win.status.syncml-codes";
    pub const STATUS_ORDER: &str = "msmdm.status.order";
    pub const MSGREF: &str = "msmdm.msgref.request";
    pub const RESULTS_AFTER_STATUS: &str = "oma.results.after-status";
    pub const RESULTS_FOR_GET: &str = "oma.status.results-after-get";
    pub const VERDTD: &str = "oma.session.verdtd";
    pub const VERPROTO: &str = "oma.session.verproto";
    pub const SESSIONID: &str = "oma.session.sessionid";
    pub const MSGID: &str = "msmdm.msgid.increasing";
    pub const MSGID_SERVER: &str = "win.session.msgid-server";
    pub const FINAL: &str = "oma.multi.client-final-after-server";
    pub const FINAL_LAST: &str = "oma.multi.final-last-message";
    pub const CMDID: &str = "msmdm.cmdid.rules";
    pub const CLIENT_COMMANDS: &str = "oma.session.client-commands";
    pub const NO_EMPTY_MESSAGE: &str = "msmdm.status.no-synchdr-only-message";
    pub const CONTENT_TYPE: &str = "oma.syncml.mime";
    /// A message of the target decodes as the XML or WBXML representation
    /// (named by the exchange error of a message that does not).
    pub const REPRESENTATION: &str = "oma.message.representation";
    pub const SESSIONID_LENGTH: &str = "msmdm.session.sessionid-length";
    pub const RESULTS_SOURCE: &str = "oma.status.results-source";
    pub const STATUS_CMD_VALUES: &str = "msmdm.status.cmd-values";
    /// TargetRef and SourceRef of a Status name addresses of its command.
    pub const STATUS_REFS: &str = "msmdm.status.refs";
    pub const COMMAND_IN_ONE_MESSAGE: &str = "oma.multi.command-in-one-message";
    pub const NAMESPACE: &str = "msmdm.syncml.namespace";
    pub const ELEMENT_ORDER: &str = "msmdm.syncml.element-order";
    pub const DATA_LAST: &str = "msmdm.item.data-last";
    pub const CRED_SYNCHDR_ONLY: &str = "oma.cred.synchdr-only";
    pub const MAX_MSG_SIZE: &str = "msmdm.synchdr.maxmsgsize";
    /// The Windows wording of rules the invariants above already check.
    pub const WIN_MSGREF: &str = "win.common.msgref";
    pub const WIN_FINAL: &str = "win.common.final";
    pub const WIN_STATUS: &str = "win.status.completion";
}

/// Every requirement the invariants check, for lint and coverage.
pub const REQUIREMENTS: &[&str] = &[
    req::SYNCHDR_STATUS_FIRST,
    req::STATUS_PER_COMMAND,
    req::STATUS_PER_CONTAINED_COMMAND,
    req::CMDREF,
    req::STATUS_CODE,
    req::STATUS_ORDER,
    req::MSGREF,
    req::RESULTS_AFTER_STATUS,
    req::RESULTS_FOR_GET,
    req::VERDTD,
    req::VERPROTO,
    req::SESSIONID,
    req::MSGID,
    req::MSGID_SERVER,
    req::FINAL,
    req::FINAL_LAST,
    req::CMDID,
    req::CLIENT_COMMANDS,
    req::NO_EMPTY_MESSAGE,
    req::CONTENT_TYPE,
    req::REPRESENTATION,
    req::SESSIONID_LENGTH,
    req::RESULTS_SOURCE,
    req::STATUS_CMD_VALUES,
    req::STATUS_REFS,
    req::COMMAND_IN_ONE_MESSAGE,
    req::NAMESPACE,
    req::ELEMENT_ORDER,
    req::DATA_LAST,
    req::CRED_SYNCHDR_ONLY,
    req::MAX_MSG_SIZE,
    req::WIN_MSGREF,
    req::WIN_FINAL,
    req::WIN_STATUS,
];

/// Checks one client message on its own: content type, version fields,
/// SessionID, MsgID, CmdIDs, the commands a client may send, and that it is not
/// a message holding only a successful Status for the SyncHdr.
pub fn check_client_message(
    r: &Received,
    encoding: Encoding,
    facts: &mut SessionFacts,
) -> Vec<Finding> {
    let (m, x) = (&r.decoded.message, r.exchange);
    let hdr = m.hdr.clone().unwrap_or_default();
    let mut out = check_message(r, encoding, facts);
    out.extend(session::sessionid_at_most_4_bytes(&hdr, x));
    out.extend(client::client_sends_only_client_commands(m, x));
    out.extend(client::results_name_their_source(m, x));
    out.extend(facts.lob.check(m, x));
    out.extend(client::no_synchdr_status_only_message(m, x));
    out
}

/// Checks one message of the target on its own, whichever its role: content type,
/// version fields, SessionID kept, MsgID from 1 up, CmdID rules, no large-object
/// chunk inside an Atomic or Sequence.
/// `facts.last_client_msg_id` holds the target's last MsgID.
pub fn check_message(r: &Received, encoding: Encoding, facts: &mut SessionFacts) -> Vec<Finding> {
    let (m, x) = (&r.decoded.message, r.exchange);
    let hdr = m.hdr.clone().unwrap_or_default();
    let mut out = Vec::new();
    out.extend(header::content_type_names_encoding(r, encoding));
    out.extend(structure::syncml_namespace(r, facts));
    out.extend(structure::dtd_order(r));
    out.extend(structure::cred_only_in_synchdr(r));
    out.extend(header::verdtd(&hdr, facts, x));
    out.extend(header::verproto(&hdr, facts, x));
    out.extend(session::sessionid_kept(&hdr, facts, x));
    out.extend(session::msgid_increasing(&hdr, facts, x));
    out.extend(commands::cmdid_present_and_not_0(m, x));
    out.extend(commands::cmdids_unique(m, x));
    out.extend(commands::container_in_one_message(m, x));
    out
}

/// Checks a server message against the client's replies to it (the first reply,
/// then any further messages of the client's package): [`check_answers`], and no
/// Final from the client while the server's package is open.
pub fn check_step(sent: &Sent, replies: &[&Received]) -> Vec<Finding> {
    let mut out = check_answers(sent, replies);
    out.extend(session::no_final_while_server_package_open(sent, replies));
    out.extend(session::reply_within_max_msg_size(sent, replies));
    out
}

/// Checks the answers to a message, whichever side sent it: the Status for the
/// SyncHdr first in every reply, MsgRef, one Status per command in order, Results
/// only after a 200 Status for a Get and for every such Get.
pub fn check_answers(sent: &Sent, replies: &[&Received]) -> Vec<Finding> {
    let Some(a) = answers::Answered::new(sent, replies) else {
        return Vec::new();
    };
    let mut out = answers::synchdr_status_first(&a);
    out.extend(answers::status_cmd_names_a_command(&a));
    out.extend(answers::msgref_names_message_answered(&a));
    out.extend(refs::results_msgref_names_message_answered(&a));
    out.extend(refs::status_codes_are_syncml_codes(&a));
    out.extend(refs::status_refs_name_addresses_of_the_command(&a));
    out.extend(answers::statuses_per_command_in_order(&a));
    out.extend(answers::results_after_200_for_get(&a));
    out.extend(answers::results_for_every_successful_get(&a));
    out
}

#[cfg(test)]
mod tests;
