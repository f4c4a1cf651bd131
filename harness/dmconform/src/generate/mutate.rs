//! The malformed families: each [`Mutation`] turns a well-formed package into
//! one malformed shape, names the requirements of `specs/requirements/` it
//! violates, and pins the answer the sources allow for the commands it
//! touched, with the same sets the cases of `specs/cases/client/` use.
//!
//! A pin is only placed where the sources fix the answer whatever else the
//! message holds: on top-level commands (inside an Atomic or a Sequence a
//! command after a failing one may be "not executed", 215), and on containers
//! the mutation builds itself with the offending command first.

use super::package::{
    Entry, Op, Package, cmd_id, container, leaf, target_uri_mut, unknown_element,
};
use crate::spec::{Expectation, ResultsSpec, StatusSpec};
use syncml::tree::{Element, Node};

/// One malformed family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mutation {
    /// A LocURI starting with "/".
    LeadingSlash,
    /// An empty segment ("a//b").
    EmptySegment,
    /// A segment that is only "*".
    AsteriskSegment,
    /// A ".." segment.
    DotDotSegment,
    /// A "." segment after the first.
    DotSegment,
    /// A command without CmdID.
    MissingCmdId,
    /// A second command with the CmdID of another.
    DuplicateCmdId,
    /// A command with CmdID "0".
    CmdIdZero,
    /// An element that is no OMA DM command under SyncBody.
    UnknownInSyncBody,
    /// An element that is no OMA DM command inside an Atomic.
    UnknownInAtomic,
    /// An element that is no OMA DM command inside a Sequence.
    UnknownInSequence,
    /// A Get moved into an Atomic.
    GetInAtomic,
    /// An Atomic inside an Atomic.
    NestedAtomic,
    /// Add followed by Replace of the same node inside one Atomic.
    AddThenReplace,
    /// Meta in the SyncHdr.
    MetaInSyncHdr,
    /// VerDTD other than 1.2.
    WrongVerDtd,
    /// VerProto other than DM/1.2.
    WrongVerProto,
    /// A command whose CmdID comes after its Item, against the DTD order.
    OutOfDtdOrder,
}

impl Mutation {
    /// Every family, in declaration order.
    pub const ALL: [Mutation; 18] = [
        Mutation::LeadingSlash,
        Mutation::EmptySegment,
        Mutation::AsteriskSegment,
        Mutation::DotDotSegment,
        Mutation::DotSegment,
        Mutation::MissingCmdId,
        Mutation::DuplicateCmdId,
        Mutation::CmdIdZero,
        Mutation::UnknownInSyncBody,
        Mutation::UnknownInAtomic,
        Mutation::UnknownInSequence,
        Mutation::GetInAtomic,
        Mutation::NestedAtomic,
        Mutation::AddThenReplace,
        Mutation::MetaInSyncHdr,
        Mutation::WrongVerDtd,
        Mutation::WrongVerProto,
        Mutation::OutOfDtdOrder,
    ];

    /// A stable name, e.g. `leading-slash`.
    pub fn name(self) -> &'static str {
        match self {
            Mutation::LeadingSlash => "leading-slash",
            Mutation::EmptySegment => "empty-segment",
            Mutation::AsteriskSegment => "asterisk-segment",
            Mutation::DotDotSegment => "dotdot-segment",
            Mutation::DotSegment => "dot-segment",
            Mutation::MissingCmdId => "missing-cmdid",
            Mutation::DuplicateCmdId => "duplicate-cmdid",
            Mutation::CmdIdZero => "cmdid-zero",
            Mutation::UnknownInSyncBody => "unknown-in-syncbody",
            Mutation::UnknownInAtomic => "unknown-in-atomic",
            Mutation::UnknownInSequence => "unknown-in-sequence",
            Mutation::GetInAtomic => "get-in-atomic",
            Mutation::NestedAtomic => "nested-atomic",
            Mutation::AddThenReplace => "add-then-replace",
            Mutation::MetaInSyncHdr => "meta-in-synchdr",
            Mutation::WrongVerDtd => "wrong-verdtd",
            Mutation::WrongVerProto => "wrong-verproto",
            Mutation::OutOfDtdOrder => "out-of-dtd-order",
        }
    }

    /// The requirement ids the malformed message violates.
    pub fn requirements(self) -> &'static [&'static str] {
        match self {
            Mutation::LeadingSlash => &["win.uri.no-leading-slash", "oma.uri.relative"],
            Mutation::EmptySegment => &["win.node.not-empty"],
            Mutation::AsteriskSegment => &["win.node.not-asterisk"],
            Mutation::DotDotSegment => &["oma.uri.syntax"],
            Mutation::DotSegment => &["win.uri.dot-first-segment-only", "oma.uri.syntax"],
            Mutation::MissingCmdId => &[
                "win.cmdid.missing-400",
                "msmdm.cmdid.rules",
                "oma.cmdid.mandatory",
            ],
            Mutation::DuplicateCmdId => &["msmdm.cmdid.rules", "win.struct.cmdid-different"],
            Mutation::CmdIdZero => &["msmdm.cmdid.rules"],
            Mutation::UnknownInSyncBody => &["win.elements.invalid-400", "oma.syncbody.content"],
            Mutation::UnknownInAtomic | Mutation::UnknownInSequence => {
                &["win.elements.invalid-400"]
            }
            Mutation::GetInAtomic => &["win.atomic.nested-get", "oma.atomic.nested-illegal"],
            Mutation::NestedAtomic => &["win.atomic.nested", "oma.atomic.nested-illegal"],
            Mutation::AddThenReplace => &["win.atomic.add-then-replace"],
            Mutation::MetaInSyncHdr => &["win.synchdr.meta-ignored"],
            Mutation::WrongVerDtd => &["oma.session.verdtd"],
            Mutation::WrongVerProto => &["oma.session.verproto"],
            Mutation::OutOfDtdOrder => &["msmdm.syncml.element-order"],
        }
    }

    /// The profile whose rules the pinned answer comes from, when only one
    /// profile pins it (as the cases do with `profiles = ["windows"]`).
    pub fn profile(self) -> Option<&'static str> {
        match self {
            Mutation::EmptySegment
            | Mutation::AsteriskSegment
            | Mutation::MissingCmdId
            | Mutation::UnknownInSyncBody
            | Mutation::UnknownInAtomic
            | Mutation::UnknownInSequence
            | Mutation::NestedAtomic
            | Mutation::AddThenReplace
            | Mutation::MetaInSyncHdr
            | Mutation::OutOfDtdOrder => Some("windows"),
            _ => None,
        }
    }

    /// Whether the result can only be sent as XML: WBXML has no token for an
    /// unknown element, and the cases send misordered elements as XML only.
    pub fn xml_only(self) -> bool {
        matches!(
            self,
            Mutation::UnknownInSyncBody
                | Mutation::UnknownInAtomic
                | Mutation::UnknownInSequence
                | Mutation::OutOfDtdOrder
        )
    }

    /// Changes the package and returns the answers the sources allow for what
    /// changed; `None` when the package has no room left for this mutation.
    /// Prefer [`Package::mutate`], which records both.
    pub fn apply(self, p: &mut Package, selector: usize) -> Option<Vec<Expectation>> {
        if p.message_pinned {
            return None;
        }
        match self {
            Mutation::LeadingSlash
            | Mutation::EmptySegment
            | Mutation::AsteriskSegment
            | Mutation::DotDotSegment
            | Mutation::DotSegment => Some(self.break_uri(p, selector)),
            Mutation::MissingCmdId => {
                let i = pick_leaf(p, selector);
                p.entries[i].element.remove_children("CmdID");
                p.entries[i].pinned = true;
                Some(vec![expect("", exact(400))])
            }
            Mutation::DuplicateCmdId => {
                let i = pick_leaf(p, selector);
                let id = cmd_id(&p.entries[i].element)?;
                let twin = leaf(Op::Get, 0, "{interior}", None);
                p.entries.insert(i + 1, pinned(with_cmd_id(twin, &id)));
                p.entries[i].pinned = true;
                Some(vec![expect(&id, info())])
            }
            Mutation::CmdIdZero => {
                let i = pick_leaf(p, selector);
                let e = &mut p.entries[i].element;
                *e = with_cmd_id(std::mem::take(e), "0");
                p.entries[i].pinned = true;
                let name = p.entries[i].element.local_name().to_string();
                Some(vec![Expectation {
                    cmd: Some(name),
                    ..expect("0", info())
                }])
            }
            Mutation::UnknownInSyncBody => {
                let id = p.next_cmd_id();
                let element = unknown_element(id).with_child(Element::new("Item").with_child(
                    Element::new("Target").with_child(Element::text("LocURI", "{leaf}")),
                ));
                let at = p.insert(selector, element);
                p.entries[at].pinned = true;
                Some(vec![expect(&id.to_string(), exact(400))])
            }
            Mutation::UnknownInAtomic => Some(unknown_in(p, "Atomic", selector)),
            Mutation::UnknownInSequence => Some(unknown_in(p, "Sequence", selector)),
            Mutation::GetInAtomic => {
                let atomic_id = p.next_cmd_id();
                let i = p.pick_or_insert(selector, is(Op::Get), |id| {
                    leaf(Op::Get, id + 1, "{leaf}", None)
                });
                let get = std::mem::take(&mut p.entries[i].element);
                let get_id = cmd_id(&get)?;
                p.entries[i] = pinned(container("Atomic", atomic_id, vec![get]));
                Some(vec![
                    expect(&atomic_id.to_string(), StatusSpec::AnyOf(vec![500, 507])),
                    Expectation {
                        results: Some(ResultsSpec::Word("none".into())),
                        ..expect(&get_id, exact(500))
                    },
                ])
            }
            Mutation::NestedAtomic => {
                let outer = p.next_cmd_id();
                let i = match p.pick(selector, |e| e.local_name() == "Atomic") {
                    Some(i) => i,
                    None => {
                        let i = p.pick_or_insert(
                            selector,
                            |e| Op::of(e).is_some_and(|op| op != Op::Get),
                            |id| leaf(Op::Add, id + 2, "{node}/a", Some("1")),
                        );
                        let child = std::mem::take(&mut p.entries[i].element);
                        p.entries[i].element = container("Atomic", outer + 1, vec![child]);
                        i
                    }
                };
                let inner = std::mem::take(&mut p.entries[i].element);
                let inner_id = cmd_id(&inner)?;
                p.entries[i] = pinned(container("Atomic", outer, vec![inner]));
                Some(vec![
                    expect(&outer.to_string(), exact(507)),
                    expect(&inner_id, exact(500)),
                ])
            }
            Mutation::AddThenReplace => {
                let atomic_id = p.next_cmd_id();
                let i = p.pick_or_insert(
                    selector,
                    |e| {
                        is(Op::Add)(e) && e.child("Item").is_some_and(|i| i.child("Data").is_some())
                    },
                    |id| leaf(Op::Add, id + 1, "{node}/a", Some("1")),
                );
                let add = std::mem::take(&mut p.entries[i].element);
                let add_id = cmd_id(&add)?;
                let uri = add
                    .child("Item")
                    .and_then(|i| i.child("Target"))
                    .and_then(|t| t.child("LocURI"))
                    .map(Element::text_content)?;
                let replace_id = atomic_id + 2;
                let replace = leaf(Op::Replace, replace_id, &uri, Some("2"));
                p.entries[i] = pinned(container("Atomic", atomic_id, vec![add, replace]));
                Some(
                    [atomic_id.to_string(), add_id, replace_id.to_string()]
                        .iter()
                        .map(|id| expect(id, info()))
                        .collect(),
                )
            }
            Mutation::MetaInSyncHdr => {
                if p.header_pinned {
                    return None;
                }
                p.header_pinned = true;
                p.header.insert(
                    "Meta".into(),
                    "<EMI xmlns='syncml:metinf'>dmconform</EMI>".into(),
                );
                Some(vec![synchdr(StatusSpec::AnyOf(vec![200, 212]))])
            }
            Mutation::WrongVerDtd | Mutation::WrongVerProto => {
                if p.header_pinned || p.entries.iter().any(|e| e.pinned) {
                    return None;
                }
                let (field, value) = match self {
                    Mutation::WrongVerDtd => ("VerDTD", "1.1"),
                    _ => ("VerProto", "DM/1.1"),
                };
                p.header.insert(field.into(), value.into());
                p.header_pinned = true;
                p.message_pinned = true;
                Some(vec![synchdr(info())])
            }
            Mutation::OutOfDtdOrder => {
                let i = pick_leaf(p, selector);
                let e = &mut p.entries[i].element;
                let id = cmd_id(e)?;
                e.remove_children("CmdID");
                e.push(Element::text("CmdID", id.as_str()));
                p.entries[i].pinned = true;
                Some(vec![expect(&id, info())])
            }
        }
    }

    /// The URI families: a top-level command's LocURI made invalid; it must
    /// fail. An even selector prefers an Add, which a client that let the URI
    /// through would answer 200 (a Get or Delete of a node that is not there
    /// fails anyway, which hides the fault).
    fn break_uri(self, p: &mut Package, selector: usize) -> Vec<Expectation> {
        let under_node = |e: &Element| {
            Op::of(e).is_some()
                && e.child("Item")
                    .and_then(|i| i.child("Target"))
                    .and_then(|t| t.child("LocURI"))
                    .is_some_and(|u| u.text_content().starts_with("{node}"))
        };
        let add_under_node = |e: &Element| is(Op::Add)(e) && under_node(e);
        let preferred = if selector.is_multiple_of(2) {
            p.pick(selector / 2, add_under_node)
        } else {
            None
        };
        let i = match preferred {
            Some(i) => i,
            None => p.pick_or_insert(selector / 2, under_node, |id| {
                leaf(Op::Add, id, "{node}/x", Some("1"))
            }),
        };
        let entry = &mut p.entries[i];
        entry.pinned = true;
        let is_get = Op::of(&entry.element) == Some(Op::Get);
        let id = cmd_id(&entry.element).unwrap_or_default();
        if let Some(uri) = target_uri_mut(&mut entry.element) {
            let broken = self.broken_uri(&uri.text_content());
            uri.children = vec![Node::Text(broken.into())];
        }
        let mut e = expect(&id, StatusSpec::Word("not-2xx".into()));
        if is_get {
            e.results = Some(ResultsSpec::Word("none".into()));
        }
        vec![e]
    }

    /// `uri` (`{node}` or `{node}/…`) with this family's defect.
    fn broken_uri(self, uri: &str) -> String {
        let rest = uri.strip_prefix("{node}").unwrap_or(uri);
        let tail = if rest.is_empty() { "/x" } else { rest };
        match self {
            Mutation::LeadingSlash => format!("/{{node-rel}}{rest}"),
            Mutation::EmptySegment => format!("{{node}}/{tail}"),
            Mutation::AsteriskSegment => format!("{{node}}/*{tail}"),
            Mutation::DotDotSegment => format!("{{node}}{tail}/..{tail}"),
            _ => format!("{{node}}/.{tail}"),
        }
    }
}

/// An unpinned top-level leaf command, or a new Get of `{leaf}`.
fn pick_leaf(p: &mut Package, selector: usize) -> usize {
    p.pick_or_insert(
        selector,
        |e| Op::of(e).is_some(),
        |id| leaf(Op::Get, id, "{leaf}", None),
    )
}

/// An unknown element as the first command of an unpinned top-level container
/// of this kind, or of a new one.
fn unknown_in(p: &mut Package, kind: &str, selector: usize) -> Vec<Expectation> {
    let unknown_id = p.next_cmd_id();
    let i = match p.pick(selector, |e| e.local_name() == kind) {
        Some(i) => i,
        None => p.insert(selector, container(kind, unknown_id + 1, Vec::new())),
    };
    let entry = &mut p.entries[i];
    entry.pinned = true;
    let after_cmd_id = entry
        .element
        .children
        .iter()
        .position(|n| matches!(n, Node::Element(e) if e.local_name() == "CmdID"))
        .map_or(0, |at| at + 1);
    entry
        .element
        .children
        .insert(after_cmd_id, Node::Element(unknown_element(unknown_id)));
    let container_id = cmd_id(&entry.element).unwrap_or_default();
    vec![
        expect(&container_id, info()),
        expect(&unknown_id.to_string(), exact(400)),
    ]
}

fn is(op: Op) -> impl Fn(&Element) -> bool {
    move |e| Op::of(e) == Some(op)
}

fn pinned(element: Element) -> Entry {
    Entry {
        element,
        pinned: true,
    }
}

/// The command with its CmdID replaced by `id`.
fn with_cmd_id(mut e: Element, id: &str) -> Element {
    if let Some(c) = e.child_mut("CmdID") {
        c.children = vec![Node::Text(id.into())];
    }
    e
}

fn expect(cmdref: &str, status: StatusSpec) -> Expectation {
    Expectation {
        cmdref: cmdref.to_string(),
        cmd: None,
        status: Some(status),
        results: None,
        level: None,
        item_data: false,
        requirement: None,
    }
}

fn synchdr(status: StatusSpec) -> Expectation {
    Expectation {
        cmd: Some("SyncHdr".into()),
        ..expect("0", status)
    }
}

fn exact(code: u16) -> StatusSpec {
    StatusSpec::Code(code)
}

fn info() -> StatusSpec {
    StatusSpec::Word("info".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Allowed;

    fn simple() -> Package {
        Package::new(vec![
            leaf(Op::Add, 10, "{node}/a", Some("1")),
            leaf(Op::Get, 11, "{node}/a", None),
        ])
    }

    #[test]
    fn every_family_names_requirements_of_the_registry() {
        let (suite, problems) = crate::Suite::embedded();
        assert!(problems.is_empty());
        for m in Mutation::ALL {
            assert!(!m.requirements().is_empty(), "{}", m.name());
            for id in m.requirements() {
                assert!(suite.requirement(id).is_some(), "{}: {id}", m.name());
            }
        }
    }

    #[test]
    fn every_family_applies_to_a_wellformed_package_and_pins_a_valid_answer() {
        for m in Mutation::ALL {
            for selector in 0..3 {
                let mut p = simple();
                assert!(p.mutate(m, selector), "{}", m.name());
                let changed = (p.send_text(), p.header.clone());
                assert_ne!(
                    changed,
                    (simple().send_text(), simple().header),
                    "{}",
                    m.name()
                );
                assert!(!p.expect.is_empty(), "{}", m.name());
                for e in &p.expect {
                    Allowed::parse(e.status.as_ref().unwrap()).unwrap();
                }
            }
        }
    }

    #[test]
    fn uri_families_break_the_uri_as_named() {
        let cases = [
            (Mutation::LeadingSlash, "/{node-rel}/a"),
            (Mutation::EmptySegment, "{node}//a"),
            (Mutation::AsteriskSegment, "{node}/*/a"),
            (Mutation::DotDotSegment, "{node}/a/../a"),
            (Mutation::DotSegment, "{node}/./a"),
        ];
        for (m, want) in cases {
            assert_eq!(m.broken_uri("{node}/a"), want);
        }
        assert_eq!(Mutation::EmptySegment.broken_uri("{node}"), "{node}//x");
        // An odd selector takes any leaf (here the Get, the second one) ...
        let mut p = simple();
        p.mutate(Mutation::LeadingSlash, 3);
        assert!(p.send_text().contains("<LocURI>/{node-rel}/a</LocURI>"));
        assert_eq!(p.expect[0].cmdref, "11");
        assert_eq!(p.expect[0].results, Some(ResultsSpec::Word("none".into())));
        // ... an even one prefers the Add.
        let mut p = simple();
        p.mutate(Mutation::DotSegment, 2);
        assert_eq!(p.expect[0].cmdref, "10");
        assert_eq!(p.expect[0].results, None);
        // Without a command under {node}, a new Add is broken.
        let mut p = Package::new(vec![leaf(Op::Get, 10, "{leaf}", None)]);
        p.mutate(Mutation::EmptySegment, 1);
        assert!(p.send_text().contains("<LocURI>{node}//x</LocURI>"));
        assert_eq!(p.expect[0].cmdref, "11");
    }

    #[test]
    fn a_pinned_command_is_not_mutated_twice() {
        let mut p = Package::new(vec![leaf(Op::Get, 10, "{node}/a", None)]);
        assert!(p.mutate(Mutation::LeadingSlash, 0));
        assert!(p.mutate(Mutation::MissingCmdId, 0));
        // The second mutation needed a command of its own.
        assert_eq!(p.entries.len(), 2);
        assert!(p.send_text().contains("<CmdID>10</CmdID>"));
        assert_eq!(p.expect[1].cmdref, "");
    }

    #[test]
    fn version_families_exclude_every_other_pin() {
        let mut p = simple();
        assert!(p.mutate(Mutation::WrongVerDtd, 0));
        assert!(!p.mutate(Mutation::LeadingSlash, 0));
        assert!(!p.mutate(Mutation::MetaInSyncHdr, 0));
        let mut q = simple();
        assert!(q.mutate(Mutation::LeadingSlash, 0));
        assert!(!q.mutate(Mutation::WrongVerProto, 0));
    }

    #[test]
    fn nested_atomic_wraps_a_command_twice_when_there_is_no_atomic() {
        let mut p = simple();
        p.mutate(Mutation::NestedAtomic, 0);
        let outer = &p.entries[0].element;
        assert_eq!(outer.local_name(), "Atomic");
        let inner = outer.child("Atomic").unwrap();
        assert_eq!(inner.child("Add").map(cmd_id), Some(Some("10".into())));
        assert_eq!(p.expect[0].status, Some(StatusSpec::Code(507)));
        assert_eq!(p.expect[1].cmdref, cmd_id(inner).unwrap());
    }
}
