//! Atomic: its commands run as a set or not at all (OMA DM RepPro 1.2, Atomic; Windows
//! "OMA DM protocol support").
//!
//! The tree is saved before the first command and restored on the first failure. The failing
//! command keeps its code; every other command inside, run or not, is answered 216 (rolled
//! back); the Atomic itself answers 507. Results of Gets that were rolled back are dropped.
//! Nested Atomic and Get inside an Atomic fail with 500 (see the `commands` module).

use crate::commands::{Answer, Executor, Place};
use crate::faults::Fault;
use crate::uri::NodePath;
use std::collections::BTreeSet;
use syncml::{BodyNode, Command, Element};

/// What an Atomic remembers while it runs: the nodes its Adds created.
#[derive(Default)]
pub(crate) struct AtomicScope {
    pub added: BTreeSet<NodePath>,
}

impl Executor<'_> {
    /// Answers every command inside a container that was not run with 216 (its Atomic failed).
    pub(crate) fn skip_children(&mut self, c: &Command) {
        if self.depth >= crate::commands::MAX_NESTING {
            return;
        }
        self.depth += 1;
        for child in &c.children {
            self.skip(child);
        }
        self.depth -= 1;
    }

    fn skip(&mut self, node: &BodyNode) {
        match node {
            BodyNode::Unknown(e) => {
                if !self.faults.has(Fault::UnknownElementIgnored) {
                    let cmd_ref = e.child("CmdID").map(Element::text_content);
                    self.status(Some(cmd_ref.as_deref().unwrap_or("")), e.local_name(), 400);
                }
            }
            BodyNode::Command(c) => {
                let id = c.cmd_id.as_deref().map(str::trim).filter(|s| !s.is_empty());
                let code = if id.is_some() { 216 } else { 400 };
                self.status(id, c.kind.name(), code);
                self.skip_children(c);
            }
        }
    }

    pub(crate) fn run_atomic(&mut self, id: &str, c: &Command) -> bool {
        let snapshot = self.tree.clone();
        let async_before = self.accepted_async.len();
        let own = self.answers.len();
        self.status(Some(id), "Atomic", 200);
        let first = self.answers.len();
        let mut scope = AtomicScope::default();
        let mut failing: Option<usize> = None;
        for child in &c.children {
            if failing.is_some() {
                self.skip(child);
                continue;
            }
            let before = self.answers.len();
            if !self.run_node(child, &mut Place::Atomic(&mut scope)) {
                failing = (before..self.answers.len())
                    .find(|&i| matches!(&self.answers[i], Answer::Status(s) if s.code >= 300))
                    .or(Some(before));
            }
        }
        let Some(failing) = failing else {
            return true;
        };
        if let Answer::Status(s) = &mut self.answers[own] {
            s.code = 507;
        }
        if self.faults.has(Fault::NoRollback) {
            return false;
        }
        *self.tree = snapshot;
        // An asynchronous Exec rolled back reports nothing in a later session.
        self.accepted_async.truncate(async_before);
        let mut kept = Vec::with_capacity(self.answers.len() - first);
        for (i, a) in (first..).zip(self.answers.drain(first..)) {
            match a {
                Answer::Status(mut s) => {
                    if i != failing && s.code < 300 {
                        s.code = 216;
                    }
                    kept.push(Answer::Status(s));
                }
                Answer::Results { .. } => {}
                other => kept.push(other),
            }
        }
        self.answers.extend(kept);
        false
    }
}
