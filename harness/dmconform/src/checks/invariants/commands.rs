//! Invariants of the commands within one message, whoever sent it: every command
//! numbered by a CmdID other than 0, CmdIDs unique, and each Atomic or Sequence
//! whole within the message.

use super::finding::{describe_command, finding, shown};
use super::req;
use crate::transcript::flatten;
use crate::verdict::Finding;
use std::collections::BTreeMap;
use syncml::{Command, Message};

/// Every command of the message, at any depth, in document order.
fn all_commands(m: &Message) -> Vec<&Command> {
    flatten(m.body.as_ref().map_or(&[][..], |b| &b.nodes))
}

/// Every command has a CmdID, and no CmdID is 0.
pub(super) fn cmdid_present_and_not_0(m: &Message, x: usize) -> Vec<Finding> {
    all_commands(m)
        .into_iter()
        .filter_map(|c| match c.cmd_id.as_deref().map(str::trim) {
            Some("0") => Some(finding(
                req::CMDID,
                "CmdID is not 0",
                "a CmdID other than 0",
                format!("{} with CmdID 0", c.kind),
                x,
            )),
            Some(_) => None,
            None => Some(finding(
                req::CMDID,
                "every command has a CmdID",
                "a CmdID",
                format!("{} without CmdID", c.kind),
                x,
            )),
        })
        .collect()
}

/// No CmdID (other than 0) is used twice in the message.
pub(super) fn cmdids_unique(m: &Message, x: usize) -> Vec<Finding> {
    let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
    for id in all_commands(m)
        .into_iter()
        .filter_map(|c| c.cmd_id.as_deref().map(str::trim))
        .filter(|id| *id != "0")
    {
        *ids.entry(id).or_default() += 1;
    }
    ids.into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(id, n)| {
            finding(
                req::CMDID,
                "CmdIDs unique in the message",
                "each CmdID once",
                format!("CmdID {id} used {n} times"),
                x,
            )
        })
        .collect()
}

/// An Atomic or Sequence fits entirely into one message (DM Protocol 8.1.1): no
/// command inside one carries a chunk of a large object, which would carry the
/// container on into the next message.
pub(super) fn container_in_one_message(m: &Message, x: usize) -> Vec<Finding> {
    m.commands()
        .filter(|c| c.kind.is_container())
        .filter_map(|c| {
            let inner = flatten(&c.children)
                .into_iter()
                .find(|i| i.items.iter().any(|item| item.more_data))?;
            Some(finding(
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
            ))
        })
        .collect()
}
