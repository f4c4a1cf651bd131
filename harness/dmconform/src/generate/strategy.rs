//! proptest strategies over server packages: random well-formed packages
//! (Add, Replace, Get, Delete, Atomic and Sequence on nodes under `{node}`,
//! with data) and random malformed ones (a well-formed package with one to
//! three mutations applied).
//!
//! Everything is built from proptest combinators over a small shape model, so
//! a failing package shrinks: fewer commands, simpler commands, fewer
//! mutations, earlier selectors. CmdIDs are given when the shape is rendered,
//! so every shrunk package is numbered from 10 again.

use super::mutate::Mutation;
use super::package::{Op, Package, container, leaf};
use proptest::prelude::*;
use syncml::tree::Element;

/// One leaf command: the operation, the node under `{node}`, and the value an
/// Add or Replace writes (an Add without one creates an interior node).
#[derive(Clone, Debug)]
pub struct LeafShape {
    pub op: Op,
    pub path: Vec<&'static str>,
    pub data: Option<String>,
}

/// One top-level command.
#[derive(Clone, Debug)]
pub enum Shape {
    Leaf(LeafShape),
    Atomic(Vec<LeafShape>),
    Sequence(Vec<Shape>),
}

const NAMES: [&str; 4] = ["a", "b", "c", "d"];

fn node_path() -> impl Strategy<Value = Vec<&'static str>> {
    prop::collection::vec(prop::sample::select(&NAMES[..]), 0..=2)
}

fn value() -> impl Strategy<Value = String> {
    "[a-z0-9]{0,6}"
}

/// A leaf command with one of `ops`.
fn leaf_shape(ops: &'static [Op]) -> impl Strategy<Value = LeafShape> {
    (
        prop::sample::select(ops),
        node_path(),
        prop::option::of(value()),
    )
        .prop_map(|(op, path, data)| {
            let data = match op {
                Op::Add => data,
                Op::Replace => Some(data.unwrap_or_default()),
                Op::Get | Op::Delete => None,
            };
            LeafShape { op, path, data }
        })
}

/// A Get may not go into an Atomic.
const IN_ATOMIC: &[Op] = &[Op::Add, Op::Replace, Op::Delete];

fn atomic_shape() -> impl Strategy<Value = Shape> {
    prop::collection::vec(leaf_shape(IN_ATOMIC), 1..=3).prop_map(Shape::Atomic)
}

/// A top-level command: mostly leaves, sometimes an Atomic or a Sequence
/// (which holds leaves and Atomics).
pub fn shape() -> impl Strategy<Value = Shape> {
    let leaf_cmd = leaf_shape(&Op::ALL).prop_map(Shape::Leaf);
    let in_sequence =
        prop_oneof![3 => leaf_shape(&Op::ALL).prop_map(Shape::Leaf), 1 => atomic_shape()];
    prop_oneof![
        4 => leaf_cmd,
        1 => atomic_shape(),
        1 => prop::collection::vec(in_sequence, 1..=3).prop_map(Shape::Sequence),
    ]
}

/// Random well-formed packages of one to five top-level commands.
pub fn valid_package() -> impl Strategy<Value = Package> {
    prop::collection::vec(shape(), 1..=5).prop_map(|shapes| Package::new(render(&shapes)))
}

/// Random malformed packages: a well-formed package with one to three
/// mutations, each with a selector for the command it works on. The first
/// mutation always applies; a later one that would contradict it is left out.
pub fn malformed_package() -> impl Strategy<Value = Package> {
    let mutation = (prop::sample::select(&Mutation::ALL[..]), 0..8usize);
    (
        prop::collection::vec(shape(), 1..=4),
        prop::collection::vec(mutation, 1..=3),
    )
        .prop_map(|(shapes, mutations)| {
            let mut p = Package::new(render(&shapes));
            for (m, selector) in mutations {
                p.mutate(m, selector);
            }
            p
        })
}

/// The commands of these shapes, CmdIDs from 10 in document order.
pub fn render(shapes: &[Shape]) -> Vec<Element> {
    let mut next = 10;
    shapes.iter().map(|s| render_one(s, &mut next)).collect()
}

fn render_one(shape: &Shape, next: &mut u64) -> Element {
    let id = *next;
    *next += 1;
    match shape {
        Shape::Leaf(l) => {
            let mut uri = String::from("{node}");
            for seg in &l.path {
                uri.push('/');
                uri.push_str(seg);
            }
            leaf(l.op, id, &uri, l.data.as_deref())
        }
        Shape::Atomic(children) => {
            let children = children
                .iter()
                .map(|c| render_one(&Shape::Leaf(c.clone()), next))
                .collect();
            container("Atomic", id, children)
        }
        Shape::Sequence(children) => {
            let children = children.iter().map(|c| render_one(c, next)).collect();
            container("Sequence", id, children)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    #[test]
    fn rendered_cmdids_are_unique_and_start_at_ten() {
        let mut runner = TestRunner::deterministic();
        for _ in 0..32 {
            let p = valid_package().new_tree(&mut runner).unwrap().current();
            let mut ids = Vec::new();
            for e in p.commands() {
                e.walk(&mut |_, el| {
                    if el.local_name() == "CmdID" {
                        ids.push(el.text_content().parse::<u64>().unwrap());
                    }
                });
            }
            let mut sorted = ids.clone();
            sorted.sort();
            sorted.dedup();
            assert_eq!(sorted.len(), ids.len());
            assert_eq!(sorted[0], 10);
        }
    }

    #[test]
    fn malformed_packages_carry_at_least_one_mutation() {
        let mut runner = TestRunner::deterministic();
        for _ in 0..64 {
            let p = malformed_package().new_tree(&mut runner).unwrap().current();
            assert!(!p.applied.is_empty());
            assert!(!p.expect.is_empty());
        }
    }

    #[test]
    fn a_failing_package_shrinks_to_few_commands() {
        // A stand-in property that fails whenever a Delete is sent: the
        // minimal package is one top-level Delete.
        let mut runner = TestRunner::deterministic();
        let result = runner.run(&valid_package(), |p| {
            prop_assert!(!p.send_text().contains("<Delete>"));
            Ok(())
        });
        let Err(proptest::test_runner::TestError::Fail(_, minimal)) = result else {
            panic!("no package with a Delete was generated: {result:?}");
        };
        assert_eq!(minimal.entries.len(), 1, "{}", minimal.send_text());
        assert_eq!(
            minimal.send_text(),
            "<Delete><CmdID>10</CmdID><Item><Target><LocURI>{node}</LocURI></Target></Item></Delete>\n"
        );
    }
}
