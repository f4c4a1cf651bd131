//! Every reply of a fleet's sessions judged by the invariants the server suite applies
//! to every reply ([`server::judge_reply`]), with what the session has established so
//! far: its SessionID, the server's last MsgID, the server commands still waiting for a
//! Status; findings worded for the profiles the target claims.

use crate::checks::invariants;
use crate::checks::server::{self, Outstanding};
use crate::transcript::{Received, Sent};
use crate::verdict::Finding;
use crate::wire::Encoding;

/// What one session of a device has established, for judging its next reply.
pub struct Judge<'p> {
    encoding: Encoding,
    facts: invariants::SessionFacts,
    outstanding: Outstanding,
    profiles: &'p [String],
}

impl<'p> Judge<'p> {
    pub fn new(session_id: &str, encoding: Encoding, profiles: &'p [String]) -> Judge<'p> {
        Judge {
            encoding,
            facts: invariants::SessionFacts {
                session_id: Some(session_id.to_string()),
                target_is_server: true,
                ..invariants::SessionFacts::default()
            },
            outstanding: Outstanding::default(),
            profiles,
        }
    }

    /// The findings on the server's `reply` to the device's message `sent`.
    pub fn judge(&mut self, sent: &Sent, reply: &Received) -> Vec<Finding> {
        for c in sent.message.commands() {
            self.outstanding.answered(c);
        }
        self.outstanding.expect(&reply.decoded.message);
        let mut out = server::judge_reply(
            sent,
            reply,
            self.encoding,
            &mut self.facts,
            &self.outstanding,
        );
        invariants::cite_for_profiles(&mut out, self.profiles);
        out
    }
}
