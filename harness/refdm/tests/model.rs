//! Property: random valid server packages over the scratch area get exactly one Status per
//! command, in order, after the Status for SyncHdr, and leave the tree as a plain model of
//! the commands says.

mod common;

use common::*;
use proptest::prelude::*;
use refdm::{Node, paths};
use std::collections::BTreeMap;
use syncml::{Command, CommandKind};

/// A scratch-relative path: one to three names from a small alphabet, so commands collide.
fn path() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(vec!["a", "b"]), 1..=3).prop_map(|v| v.join("/"))
}

#[derive(Clone, Debug)]
enum Op {
    AddLeaf(String, String),
    AddInterior(String),
    Replace(String, String),
    Delete(String),
    Get(String),
    Atomic(Vec<Op>),
    Sequence(Vec<Op>),
}

fn simple() -> impl Strategy<Value = Op> {
    prop_oneof![
        (path(), "[a-z0-9]{0,6}").prop_map(|(p, v)| Op::AddLeaf(p, v)),
        path().prop_map(Op::AddInterior),
        (path(), "[a-z0-9]{0,6}").prop_map(|(p, v)| Op::Replace(p, v)),
        path().prop_map(Op::Delete),
        path().prop_map(Op::Get),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let no_get = simple().prop_filter("no Get in Atomic", |o| !matches!(o, Op::Get(_)));
    prop_oneof![
        6 => simple(),
        1 => prop::collection::vec(no_get, 1..5).prop_map(Op::Atomic),
        1 => prop::collection::vec(simple(), 1..5).prop_map(Op::Sequence),
    ]
}

#[derive(Clone, Debug, PartialEq)]
enum Entry {
    Interior,
    Leaf(String),
}

/// The plain model: scratch-relative path → entry.
type Model = BTreeMap<String, Entry>;

fn parent(p: &str) -> Option<&str> {
    p.rsplit_once('/').map(|(a, _)| a)
}

fn children(m: &Model, p: &str) -> Vec<String> {
    let prefix = if p.is_empty() {
        String::new()
    } else {
        format!("{p}/")
    };
    m.keys()
        .filter_map(|k| k.strip_prefix(&prefix))
        .filter(|rest| !rest.is_empty() && !rest.contains('/'))
        .map(str::to_string)
        .collect()
}

fn model_add(m: &mut Model, p: &str, e: Entry) -> u16 {
    if m.contains_key(p) {
        return 418;
    }
    let mut missing = Vec::new();
    let mut at = parent(p);
    while let Some(a) = at {
        match m.get(a) {
            Some(Entry::Leaf(_)) => return 405,
            Some(Entry::Interior) => break,
            None => missing.push(a.to_string()),
        }
        at = parent(a);
    }
    for a in missing {
        m.insert(a, Entry::Interior);
    }
    m.insert(p.to_string(), e);
    200
}

/// Expected answers: (CmdRef, code) per Status, and the Get values in order.
struct Expect {
    statuses: Vec<(String, u16)>,
    gets: Vec<String>,
}

struct Builder {
    next_id: u32,
}

impl Builder {
    fn id(&mut self) -> String {
        self.next_id += 1;
        self.next_id.to_string()
    }

    /// Builds the command for an op, runs it on the model, records the expected answers.
    fn run(
        &mut self,
        op: &Op,
        m: &mut Model,
        x: &mut Expect,
        added: Option<&mut Vec<String>>,
    ) -> Command {
        let uri = |p: &str| format!("{}/{p}", paths::SCRATCH);
        let id = self.id();
        let (cmd, code) = match op {
            Op::AddLeaf(p, v) => {
                let code = model_add(m, p, Entry::Leaf(v.clone()));
                if code == 200
                    && let Some(a) = added
                {
                    a.push(p.clone());
                }
                (add(&id, &uri(p), v), code)
            }
            Op::AddInterior(p) => {
                let code = model_add(m, p, Entry::Interior);
                if code == 200
                    && let Some(a) = added
                {
                    a.push(p.clone());
                }
                (add_interior(&id, &uri(p)), code)
            }
            Op::Replace(p, v) => {
                let code = if added.is_some_and(|a| a.contains(p)) {
                    406
                } else {
                    match m.get_mut(p) {
                        None => 404,
                        Some(Entry::Interior) => 405,
                        Some(Entry::Leaf(old)) => {
                            *old = v.clone();
                            200
                        }
                    }
                };
                (replace(&id, &uri(p), v), code)
            }
            Op::Delete(p) => {
                let code = if m.contains_key(p) {
                    let sub = format!("{p}/");
                    m.retain(|k, _| k != p && !k.starts_with(&sub));
                    200
                } else {
                    404
                };
                (delete(&id, &uri(p)), code)
            }
            Op::Get(p) => {
                let code = match m.get(p) {
                    None => 404,
                    Some(Entry::Leaf(v)) => {
                        x.gets.push(v.clone());
                        200
                    }
                    Some(Entry::Interior) => {
                        x.gets.push(children(m, p).join("/"));
                        200
                    }
                };
                (get(&id, &uri(p)), code)
            }
            Op::Sequence(ops) => {
                x.statuses.push((id.clone(), 200));
                let kids: Vec<Command> = ops.iter().map(|o| self.run(o, m, x, None)).collect();
                return sequence(&id, kids);
            }
            Op::Atomic(ops) => return self.run_atomic(&id, ops, m, x),
        };
        x.statuses.push((id, code));
        cmd
    }

    fn run_atomic(&mut self, id: &str, ops: &[Op], m: &mut Model, x: &mut Expect) -> Command {
        let saved = m.clone();
        let own = x.statuses.len();
        x.statuses.push((id.to_string(), 200));
        let first = x.statuses.len();
        let mut added = Vec::new();
        let mut failing = None;
        let mut kids = Vec::new();
        for o in ops {
            if failing.is_some() {
                let cmd = self.run(
                    o,
                    &mut m.clone(),
                    &mut Expect {
                        statuses: vec![],
                        gets: vec![],
                    },
                    None,
                );
                x.statuses.push((cmd.cmd_id.clone().unwrap(), 216));
                kids.push(cmd);
                continue;
            }
            let cmd = self.run(o, m, x, Some(&mut added));
            if x.statuses.last().unwrap().1 >= 300 {
                failing = Some(x.statuses.len() - 1);
            }
            kids.push(cmd);
        }
        if let Some(f) = failing {
            *m = saved;
            x.statuses[own].1 = 507;
            for (i, s) in x.statuses.iter_mut().enumerate().skip(first) {
                if i != f {
                    s.1 = 216;
                }
            }
        }
        atomic(id, kids)
    }
}

/// The scratch area of the client's tree as a model.
fn observe(node: &Node, prefix: &str, out: &mut Model) {
    for (name, child) in node.children() {
        let p = if prefix.is_empty() {
            name.to_string()
        } else {
            format!("{prefix}/{name}")
        };
        let e = if child.is_interior() {
            Entry::Interior
        } else {
            Entry::Leaf(child.text().unwrap())
        };
        out.insert(p.clone(), e);
        observe(child, &p, out);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn packages_agree_with_the_model(packages in prop::collection::vec(prop::collection::vec(op(), 1..8), 1..4)) {
        let mut r = Run::new();
        let mut model = Model::new();
        for ops in &packages {
            let mut b = Builder { next_id: 1 };
            let mut x = Expect { statuses: vec![], gets: vec![] };
            let cmds: Vec<Command> = ops.iter().map(|o| b.run(o, &mut model, &mut x, None)).collect();
            let reply = r.send(cmds);
            let st = statuses(&reply);
            prop_assert_eq!(&st[0], &("0".to_string(), "SyncHdr".to_string(), 200));
            prop_assert_eq!(reply.commands().next().unwrap().kind, CommandKind::Status);
            let got: Vec<(String, u16)> = st[1..].iter().map(|(r, _, c)| (r.clone(), *c)).collect();
            prop_assert_eq!(got, x.statuses);
            let values: Vec<String> = results(&reply)
                .iter()
                .map(|c| c.items[0].data.as_ref().unwrap().as_text())
                .collect();
            prop_assert_eq!(values, x.gets);
            let mut seen = Model::new();
            observe(r.client.tree().lookup(paths::SCRATCH).unwrap(), "", &mut seen);
            prop_assert_eq!(&seen, &model);
            let tree = r.client.tree();
            let walked = tree.lookup(".").unwrap().count() + tree.lookup("./User").unwrap().count();
            prop_assert_eq!(tree.count(), walked);
        }
    }
}
