//! Shrinking a failing trial: commands are dropped, top-level first and then
//! inside containers, as long as the trial still fails. What the mutations
//! pinned about a dropped command goes with it.

use super::trial::Trial;
use crate::Target;
use crate::TargetProfile;
use crate::generate::Package;
use crate::generate::package::cmd_id;
use syncml::tree::{Element, Node};

/// Most trials one minimisation may run, so that a flaky target cannot keep it going.
const MAX_ATTEMPTS: usize = 200;

/// The smallest trial found that still fails the same way (same `signature`), and its
/// failure. A smaller trial failing another way is not kept: dropping a command can
/// itself cause a failure unrelated to the one found.
pub fn minimize(
    trial: &Trial,
    failure: String,
    signature: &str,
    target: &mut dyn Target,
    profile: &TargetProfile,
) -> (Trial, String) {
    let mut best = (trial.clone(), failure);
    let mut attempts = 0;
    let mut shrunk = true;
    while shrunk && attempts < MAX_ATTEMPTS {
        shrunk = false;
        for candidate in smaller(best.0.package()) {
            attempts += 1;
            let next = best.0.with_package(candidate);
            let outcome = next.run(target, profile);
            if let Some(why) = outcome.failure.filter(|_| outcome.signature == signature) {
                best = (next, why);
                shrunk = true;
                break;
            }
            if attempts >= MAX_ATTEMPTS {
                break;
            }
        }
    }
    best
}

/// Every package one command smaller than `p`: a top-level command left
/// out, or a command inside a top-level container left out.
fn smaller(p: &Package) -> Vec<Package> {
    let mut out = Vec::new();
    if p.entries.len() > 1 {
        for i in 0..p.entries.len() {
            let mut q = p.clone();
            let gone = q.entries.remove(i).element;
            forget(&mut q, &gone);
            out.push(q);
        }
    }
    for i in 0..p.entries.len() {
        let children = command_children(&p.entries[i].element);
        if children.len() < 2 {
            continue;
        }
        for &at in &children {
            let mut q = p.clone();
            if let Node::Element(gone) = q.entries[i].element.children.remove(at) {
                forget(&mut q, &gone);
            }
            out.push(q);
        }
    }
    out
}

/// Positions of the children of a container that are commands (they have a CmdID).
fn command_children(e: &Element) -> Vec<usize> {
    e.children
        .iter()
        .enumerate()
        .filter_map(|(i, n)| match n {
            Node::Element(c) if c.local_name() != "CmdID" && cmd_id(c).is_some() => Some(i),
            _ => None,
        })
        .collect()
}

/// Drops what was expected of the commands inside `gone`.
fn forget(p: &mut Package, gone: &Element) {
    let mut ids = Vec::new();
    gone.walk(&mut |_, el| {
        if let Some(id) = cmd_id(el) {
            ids.push(id);
        }
    });
    p.expect
        .retain(|e| !ids.iter().any(|id| id.trim() == e.cmdref.trim()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::package::{Op, container, leaf};

    #[test]
    fn smaller_packages_leave_out_one_command_each() {
        let p = Package::new(vec![
            leaf(Op::Get, 10, "{node}", None),
            container(
                "Atomic",
                11,
                vec![
                    leaf(Op::Delete, 12, "{node}/a", None),
                    leaf(Op::Delete, 13, "{node}/b", None),
                ],
            ),
        ]);
        let sizes: Vec<usize> = smaller(&p)
            .iter()
            .map(|q| q.send_text().matches("<CmdID>").count())
            .collect();
        // Four commands: the Get or the Atomic (three) left out, or one Delete.
        assert_eq!(sizes, vec![3, 1, 3, 3]);
    }
}
