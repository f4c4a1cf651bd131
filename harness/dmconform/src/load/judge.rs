//! Every reply of a fleet's sessions judged by the invariants the server suite applies
//! to every reply ([`invariants::check_message`], [`invariants::check_answers`] and the
//! server's own in [`crate::checks::server`]), with what the session has established
//! so far: its SessionID, the server's last MsgID, the server commands still waiting
//! for a Status.

use crate::checks::{invariants, server};
use crate::transcript::{Received, Sent, flatten};
use crate::verdict::Finding;
use crate::wire::Encoding;
use std::collections::BTreeSet;
use syncml::CommandKind;

/// What one session of a device has established, for judging its next reply.
pub struct Judge {
    encoding: Encoding,
    facts: invariants::SessionFacts,
    /// Server commands not answered yet: the MsgID of their message and their CmdID.
    outstanding: BTreeSet<(String, String)>,
    profiles: Vec<String>,
}

impl Judge {
    pub fn new(session_id: &str, encoding: Encoding, profiles: &[String]) -> Judge {
        Judge {
            encoding,
            facts: invariants::SessionFacts {
                session_id: Some(session_id.to_string()),
                target_is_server: true,
                ..invariants::SessionFacts::default()
            },
            outstanding: BTreeSet::new(),
            profiles: profiles.to_vec(),
        }
    }

    /// The findings on the server's `reply` to the device's message `sent`.
    pub fn judge(&mut self, sent: &Sent, reply: &Received) -> Vec<Finding> {
        for c in sent.message.commands() {
            if c.kind == CommandKind::Status
                && let (Some(m), Some(r)) = (&c.msg_ref, &c.cmd_ref)
            {
                self.outstanding
                    .remove(&(m.trim().to_string(), r.trim().to_string()));
            }
        }
        let statuses_outstanding = !self.outstanding.is_empty();
        let mut out = invariants::check_message(reply, self.encoding, &mut self.facts);
        out.extend(invariants::check_answers(sent, &[reply]));
        out.extend(server::check_reply(sent, reply, statuses_outstanding));
        invariants::cite_for_profiles(&mut out, &self.profiles);
        let m = &reply.decoded.message;
        let msg_id = m.msg_id().unwrap_or("").trim().to_string();
        for c in flatten(m.body.as_ref().map_or(&[][..], |b| &b.nodes)) {
            if !matches!(c.kind, CommandKind::Status | CommandKind::Results) && !c.no_resp {
                let id = c.cmd_id.as_deref().unwrap_or("").trim().to_string();
                self.outstanding.insert((msg_id.clone(), id));
            }
        }
        out
    }
}
