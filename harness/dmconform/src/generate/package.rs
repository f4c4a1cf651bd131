//! A server package under construction: the top-level commands of one server
//! message and the SyncHdr fields it overrides, the mutations applied so far
//! and the expectations they pin, and the builders for the commands themselves.
//!
//! Node paths are placeholders (`{node}/a`, `{leaf}`), so a package runs on any
//! target profile, as a case does.

use super::mutate::Mutation;
use crate::spec::{Expectation, Step};
use std::collections::BTreeMap;
use syncml::tree::{Element, Node};

/// The leaf commands a generated package uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    Add,
    Replace,
    Get,
    Delete,
}

impl Op {
    pub const ALL: [Op; 4] = [Op::Add, Op::Replace, Op::Get, Op::Delete];

    /// The element name of the command.
    pub fn name(self) -> &'static str {
        match self {
            Op::Add => "Add",
            Op::Replace => "Replace",
            Op::Get => "Get",
            Op::Delete => "Delete",
        }
    }

    /// The operation an element is, if it is one of these commands.
    pub fn of(e: &Element) -> Option<Op> {
        Op::ALL.into_iter().find(|op| op.name() == e.local_name())
    }
}

/// A leaf command on one node. `data` is the value of a chr leaf; an `Add`
/// without data creates an interior node; `Get` and `Delete` ignore it.
pub fn leaf(op: Op, cmd_id: u64, uri: &str, data: Option<&str>) -> Element {
    let mut item = Element::new("Item")
        .with_child(Element::new("Target").with_child(Element::text("LocURI", uri)));
    match (op, data) {
        (Op::Add | Op::Replace, Some(value)) => {
            item.push(
                Element::new("Meta")
                    .with_child(metinf("Format", "chr"))
                    .with_child(metinf("Type", "text/plain")),
            );
            item.push(Element::text("Data", value));
        }
        (Op::Add, None) => item.push(Element::new("Meta").with_child(metinf("Format", "node"))),
        _ => {}
    }
    Element::new(op.name())
        .with_child(Element::text("CmdID", cmd_id.to_string()))
        .with_child(item)
}

/// An `Atomic` or `Sequence` holding these commands.
pub fn container(name: &str, cmd_id: u64, children: Vec<Element>) -> Element {
    let mut e = Element::new(name).with_child(Element::text("CmdID", cmd_id.to_string()));
    for c in children {
        e.push(c);
    }
    e
}

/// An element that is no OMA DM command, shaped like one.
pub fn unknown_element(cmd_id: u64) -> Element {
    Element::new("Frobnicate").with_child(Element::text("CmdID", cmd_id.to_string()))
}

fn metinf(name: &str, value: &str) -> Element {
    Element::text(name, value).with_attr("xmlns", "syncml:metinf")
}

/// The CmdID of a command, as written.
pub fn cmd_id(e: &Element) -> Option<String> {
    e.child("CmdID").map(Element::text_content)
}

/// The LocURI of a command's first Item Target, mutable.
pub fn target_uri_mut(e: &mut Element) -> Option<&mut Element> {
    e.child_mut("Item")?
        .child_mut("Target")?
        .child_mut("LocURI")
}

/// One top-level command of a package.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub element: Element,
    /// A mutation has pinned what the reply to this command may be (or changed
    /// its CmdID); no other mutation may touch it.
    pub pinned: bool,
}

/// One server package: what a case step sends, and what the mutations applied
/// to it allow as an answer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Package {
    pub entries: Vec<Entry>,
    /// SyncHdr fields to replace, as a step's `header`.
    pub header: BTreeMap<String, String>,
    /// The mutations applied, in order.
    pub applied: Vec<Mutation>,
    /// What the sources allow as an answer to the mutated commands.
    pub expect: Vec<Expectation>,
    /// A mutation has pinned the Status for the SyncHdr.
    pub header_pinned: bool,
    /// A mutation has made the whole message something no source gives an
    /// answer for: nothing else may be pinned.
    pub message_pinned: bool,
}

impl Package {
    /// A well-formed package of these commands.
    pub fn new(commands: Vec<Element>) -> Package {
        Package {
            entries: commands
                .into_iter()
                .map(|element| Entry {
                    element,
                    pinned: false,
                })
                .collect(),
            ..Package::default()
        }
    }

    /// Applies a mutation; `selector` picks which command it works on. Returns
    /// whether it applied (a mutation that would contradict one applied before
    /// is left out).
    pub fn mutate(&mut self, mutation: Mutation, selector: usize) -> bool {
        match mutation.apply(self, selector) {
            Some(expectations) => {
                self.applied.push(mutation);
                self.expect.extend(expectations);
                true
            }
            None => false,
        }
    }

    /// The top-level commands.
    pub fn commands(&self) -> Vec<Element> {
        self.entries.iter().map(|e| e.element.clone()).collect()
    }

    /// The commands as a step's `send` text, one command per line.
    pub fn send_text(&self) -> String {
        let opts = syncml::xml::WriteOptions {
            declaration: false,
            indent: None,
        };
        let lines: Vec<String> = self
            .entries
            .iter()
            .map(|e| {
                let bytes = syncml::xml::write_nodes(&[Node::Element(e.element.clone())], &opts);
                String::from_utf8_lossy(&bytes).into_owned()
            })
            .collect();
        lines.join("\n") + "\n"
    }

    /// The package as one case step.
    pub fn step(&self) -> Step {
        Step {
            send: Some(self.send_text()),
            header: self.header.clone(),
            expect: self.expect.clone(),
            r#final: true,
            ..Step::default()
        }
    }

    /// The requirement ids the applied mutations violate, each once, in order.
    pub fn requirements(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for id in self.applied.iter().flat_map(|m| m.requirements()) {
            if !out.iter().any(|r| r == id) {
                out.push((*id).to_string());
            }
        }
        out
    }

    /// The profiles whose rules the pinned answers come from (empty: any).
    pub fn profiles(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .applied
            .iter()
            .filter_map(|m| m.profile())
            .map(str::to_string)
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// The encodings the package can be sent in (empty: both).
    pub fn encodings(&self) -> Vec<String> {
        if self.applied.iter().any(|m| m.xml_only()) {
            vec!["xml".into()]
        } else {
            Vec::new()
        }
    }

    /// A CmdID above every CmdID in the package.
    pub fn next_cmd_id(&self) -> u64 {
        let mut max = 9;
        for entry in &self.entries {
            entry.element.walk(&mut |_, el| {
                if el.local_name() == "CmdID"
                    && let Ok(n) = el.text_content().trim().parse::<u64>()
                {
                    max = max.max(n);
                }
            });
        }
        max + 1
    }

    /// The index of the `selector`-th unpinned top-level command that `fits`
    /// (counting round), if any does.
    pub fn pick(&self, selector: usize, fits: impl Fn(&Element) -> bool) -> Option<usize> {
        let candidates: Vec<usize> = (0..self.entries.len())
            .filter(|&i| !self.entries[i].pinned && fits(&self.entries[i].element))
            .collect();
        (!candidates.is_empty()).then(|| candidates[selector % candidates.len()])
    }

    /// [`Package::pick`], or, when no command fits, a new one made by `make`
    /// (given a fresh CmdID) inserted at a place `selector` chooses.
    pub fn pick_or_insert(
        &mut self,
        selector: usize,
        fits: impl Fn(&Element) -> bool,
        make: impl FnOnce(u64) -> Element,
    ) -> usize {
        if let Some(i) = self.pick(selector, fits) {
            return i;
        }
        let element = make(self.next_cmd_id());
        self.insert(selector, element)
    }

    /// Inserts a command at a place `selector` chooses; returns its index.
    pub fn insert(&mut self, selector: usize, element: Element) -> usize {
        let at = selector % (self.entries.len() + 1);
        self.entries.insert(
            at,
            Entry {
                element,
                pinned: false,
            },
        );
        at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaf_commands_carry_what_their_operation_needs() {
        let add = leaf(Op::Add, 10, "{node}/a", Some("1"));
        assert_eq!(cmd_id(&add).as_deref(), Some("10"));
        let item = add.child("Item").unwrap();
        assert_eq!(item.child("Data").unwrap().text_content(), "1");
        let interior = leaf(Op::Add, 11, "{node}", None);
        let format = interior.child("Item").unwrap().child("Meta").unwrap();
        assert_eq!(format.child("Format").unwrap().text_content(), "node");
        let get = leaf(Op::Get, 12, "{leaf}", Some("ignored"));
        assert!(get.child("Item").unwrap().child("Data").is_none());
    }

    #[test]
    fn picking_skips_pinned_commands_and_inserting_gets_a_fresh_cmdid() {
        let mut p = Package::new(vec![
            leaf(Op::Get, 10, "{leaf}", None),
            leaf(Op::Get, 11, "{leaf}", None),
        ]);
        p.entries[0].pinned = true;
        assert_eq!(p.pick(0, |_| true), Some(1));
        assert_eq!(p.pick(5, |_| true), Some(1));
        assert_eq!(p.pick(0, |e| Op::of(e) == Some(Op::Add)), None);
        let i = p.pick_or_insert(
            7,
            |e| Op::of(e) == Some(Op::Add),
            |id| leaf(Op::Add, id, "{node}", None),
        );
        assert_eq!(cmd_id(&p.entries[i].element).as_deref(), Some("12"));
        assert_eq!(p.entries.len(), 3);
    }

    #[test]
    fn the_send_text_reads_back_as_the_same_commands() {
        let p = Package::new(vec![
            leaf(Op::Add, 10, "{node}/a", Some("x<y")),
            container("Atomic", 11, vec![leaf(Op::Delete, 12, "{node}/a", None)]),
        ]);
        let back = crate::codec::parse_fragment(&p.send_text()).unwrap();
        assert_eq!(back, p.commands());
    }
}
