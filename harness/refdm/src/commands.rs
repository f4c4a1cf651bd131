//! Runs the commands of a server message against the tree and records the answers.
//!
//! Rules (Microsoft "OMA DM protocol support", OMA DM RepPro 1.2 §6.6, DM TND):
//! Add creates missing interior parents (implicit Add), 418 on an existing node, 405 under a
//! leaf or a read-only node; Replace 404 on a missing node, 405 on a read-only one or an
//! interior node; Delete removes a whole subtree, 405 on permanent nodes, 404 when missing;
//! Get returns a leaf's value, or an interior node's child names URI-encoded and
//! `/`-separated with Meta Format `node`; Exec runs the executable nodes, 405 elsewhere;
//! Copy is not supported (406: Windows lists no Copy). Atomic rolls back on the first
//! failure: the failing command keeps its code, every other command inside gets 216, the
//! Atomic 507. A nested Atomic and a Get inside an Atomic fail with 500. An Add followed by a
//! Replace of the same node inside one Atomic, which Windows calls unsupported without a
//! code, fails the Replace with 406. Sequence runs in order and answers 200. An element that
//! is not a DM command gets 400; a command without CmdID gets 400 with an empty CmdRef.
//! A command whose items end with different codes is answered with one Status per item,
//! each with its TargetRef.

use crate::atomic::AtomicScope;
use crate::faults::{Fault, Faults};
use crate::lob::PendingObject;
use crate::paths;
use crate::tree::{Access, Node, Tree};
use crate::uri::{self, NodePath};
use syncml::protocol::alert;
use syncml::{BodyNode, Command, CommandKind, Data, Element, Item, Meta, Node as XmlNode};

/// Deepest nesting of Atomic and Sequence run; deeper containers fail with 500.
pub(crate) const MAX_NESTING: usize = 16;

/// Meta Formats the client stores (MetInf 1.2 and the DM additions).
const FORMATS: [&str; 11] = [
    "b64", "bin", "bool", "chr", "int", "node", "null", "xml", "date", "time", "float",
];

/// Something the client sends back for a command, before CmdIDs and MsgRef are assigned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Answer {
    Status(StatusAnswer),
    /// Results of a Get: the Get's CmdID and the items read.
    Results {
        cmd_ref: String,
        items: Vec<Item>,
    },
    /// A client Alert (1225 for an interrupted large object).
    Alert(Box<Command>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct StatusAnswer {
    /// `None` writes an empty CmdRef (a command without CmdID).
    pub cmd_ref: Option<String>,
    pub cmd: String,
    pub code: u16,
    pub target_ref: Option<String>,
}

/// Where a command stands.
pub(crate) enum Place<'s> {
    Body,
    Sequence,
    Atomic(&'s mut AtomicScope),
}

/// A write asked for by Add or Replace.
pub(crate) struct Write {
    pub format: Option<String>,
    pub type_: Option<String>,
    pub data: Vec<u8>,
}

impl Write {
    /// The write an item asks for; the item's Meta overrides the command's, field by field.
    pub(crate) fn of(item: &Item, cmd: &Command) -> Write {
        let pick = |f: fn(&Meta) -> Option<&String>| {
            item.meta
                .as_ref()
                .and_then(f)
                .or_else(|| cmd.meta.as_ref().and_then(f))
                .map(|s| s.trim().to_string())
        };
        Write {
            format: pick(|m| m.format.as_ref()),
            type_: pick(|m| m.type_.as_ref()),
            data: item.data.as_ref().map(data_bytes).unwrap_or_default(),
        }
    }
}

/// Whether a write carries a DMTNDS object, which the reference does not
/// support: OMA DM RepPro's Add says such a device answers 415.
fn is_tnds(w: &Write) -> bool {
    w.type_
        .as_deref()
        .is_some_and(|t| t.starts_with("application/vnd.syncml.dmtnds"))
}

/// The bytes of a Data element: text and CDATA as UTF-8, opaque data as is.
pub(crate) fn data_bytes(d: &Data) -> Vec<u8> {
    let mut out = Vec::new();
    for n in &d.content {
        match n {
            XmlNode::Text(t) | XmlNode::CData(t) => out.extend_from_slice(t.as_bytes()),
            XmlNode::Opaque(b) => out.extend_from_slice(b),
            XmlNode::Element(e) => out.extend_from_slice(e.text_content().as_bytes()),
            XmlNode::Comment(_) => {}
        }
    }
    out
}

/// Runs commands and collects answers in request order.
pub(crate) struct Executor<'a> {
    pub tree: &'a mut Tree,
    pub faults: &'a Faults,
    pub max_nodes: usize,
    pub max_obj_size: usize,
    /// A large object whose chunks are still arriving.
    pub lob: Option<PendingObject>,
    /// How many containers enclose the command being run.
    pub depth: usize,
    pub answers: Vec<Answer>,
    /// The Data of each Exec accepted on [`paths::EXEC_ASYNC`], whose result is still to be reported.
    pub accepted_async: Vec<Vec<u8>>,
}

impl Executor<'_> {
    /// Runs the nodes of a SyncBody (Status, Alert 1223 and Results are the session's business
    /// and must have been filtered out by the caller when it wants them ignored).
    pub(crate) fn run_body(&mut self, nodes: &[BodyNode]) {
        for n in nodes {
            self.run_node(n, &mut Place::Body);
        }
    }

    pub(crate) fn status(&mut self, cmd_ref: Option<&str>, cmd: &str, code: u16) {
        self.answers.push(Answer::Status(StatusAnswer {
            cmd_ref: cmd_ref.map(str::to_string),
            cmd: cmd.to_string(),
            code,
            target_ref: None,
        }));
    }

    /// Runs one node; true when it and everything inside it succeeded.
    pub(crate) fn run_node(&mut self, node: &BodyNode, place: &mut Place) -> bool {
        match node {
            BodyNode::Unknown(e) => {
                if self.faults.has(Fault::UnknownElementIgnored) {
                    return true;
                }
                let cmd_ref = e.child("CmdID").map(Element::text_content);
                self.status(Some(cmd_ref.as_deref().unwrap_or("")), e.local_name(), 400);
                false
            }
            BodyNode::Command(c) => self.run_command(c, place),
        }
    }

    fn run_command(&mut self, c: &Command, place: &mut Place) -> bool {
        let name = c.kind.name();
        let Some(id) = c.cmd_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) else {
            let cmd_ref = self.faults.has(Fault::MissingCmdIdZero).then_some("0");
            self.status(cmd_ref, name, 400);
            return false;
        };
        let in_container = !matches!(place, Place::Body);
        let is_reply = matches!(c.kind, CommandKind::Status | CommandKind::Results);
        if matches!(place, Place::Body) && !is_reply {
            if self.lob.is_some() && self.continues_lob(c) {
                return self.run_chunk(id, c);
            }
            self.interrupt_lob();
            if c.items.iter().any(|i| i.more_data)
                && matches!(c.kind, CommandKind::Add | CommandKind::Replace)
            {
                return self.start_lob(id, c);
            }
        }
        if c.items.iter().any(|i| i.more_data) {
            // Chunks belong to single-item Add or Replace at body level only.
            self.status(Some(id), name, 412);
            return false;
        }
        match c.kind {
            CommandKind::Status => true,
            CommandKind::Results if in_container => {
                self.status(Some(id), name, 400);
                false
            }
            CommandKind::Results => {
                if self.faults.has(Fault::StatusForResults) {
                    self.status(Some(id), name, 200);
                }
                true
            }
            CommandKind::Atomic | CommandKind::Sequence => {
                if self.depth >= MAX_NESTING {
                    self.status(Some(id), name, 500);
                    return false;
                }
                self.depth += 1;
                let ok = self.run_container(id, c, place);
                self.depth -= 1;
                ok
            }
            CommandKind::Get if matches!(place, Place::Atomic(_)) => {
                if self.faults.has(Fault::GetInAtomicOk) {
                    self.run_items(id, c, place)
                } else {
                    self.status(Some(id), name, 500);
                    false
                }
            }
            CommandKind::Copy => {
                self.status(Some(id), name, 406);
                false
            }
            CommandKind::Alert => {
                let code = if c.code() == Some(alert::NEXT_MESSAGE) {
                    200
                } else {
                    406
                };
                self.status(Some(id), name, code);
                code == 200
            }
            CommandKind::Add
            | CommandKind::Replace
            | CommandKind::Delete
            | CommandKind::Get
            | CommandKind::Exec => self.run_items(id, c, place),
        }
    }

    fn run_container(&mut self, id: &str, c: &Command, place: &mut Place) -> bool {
        let name = c.kind.name();
        match c.kind {
            CommandKind::Atomic => match place {
                Place::Atomic(scope) if self.faults.has(Fault::NestedAtomicOk) => {
                    self.status(Some(id), name, 200);
                    let mut inner = Place::Atomic(scope);
                    self.run_children(c, &mut inner)
                }
                Place::Atomic(_) => {
                    self.status(Some(id), name, 500);
                    self.skip_children(c);
                    false
                }
                _ => self.run_atomic(id, c),
            },
            CommandKind::Sequence => {
                self.status(Some(id), name, 200);
                match place {
                    Place::Atomic(scope) => self.run_children(c, &mut Place::Atomic(scope)),
                    _ => self.run_children(c, &mut Place::Sequence),
                }
            }
            _ => unreachable!("only containers come here"),
        }
    }

    pub(crate) fn run_children(&mut self, c: &Command, place: &mut Place) -> bool {
        let mut ok = true;
        for child in &c.children {
            ok &= self.run_node(child, place);
        }
        ok
    }

    /// Runs an item command: one code per item, one Status (or one per item when they differ).
    fn run_items(&mut self, id: &str, c: &Command, place: &mut Place) -> bool {
        let name = c.kind.name();
        if c.items.is_empty() {
            self.status(Some(id), name, 400);
            return false;
        }
        let mut codes: Vec<(u16, Option<String>)> = Vec::with_capacity(c.items.len());
        let mut results = Vec::new();
        for item in &c.items {
            let uri = item.target_uri().map(|u| u.trim().to_string());
            let code = match self.resolve(item) {
                Err(code) => code,
                Ok(path) => match c.kind {
                    CommandKind::Add => self.add(&path, &Write::of(item, c), place),
                    CommandKind::Replace => self.replace(&path, &Write::of(item, c), place),
                    CommandKind::Delete => self.delete(&path),
                    CommandKind::Exec => self.exec(&path, item),
                    _ => match self.get(&path, uri.as_deref().unwrap_or_default()) {
                        Ok(found) => {
                            results.push(found);
                            200
                        }
                        Err(code) => code,
                    },
                },
            };
            codes.push((code, uri));
        }
        let ok = codes.iter().all(|(code, _)| *code < 300);
        if codes.iter().all(|(code, _)| *code == codes[0].0) {
            self.status(Some(id), name, codes[0].0);
        } else {
            for (code, uri) in codes {
                self.answers.push(Answer::Status(StatusAnswer {
                    cmd_ref: Some(id.to_string()),
                    cmd: name.to_string(),
                    code,
                    target_ref: uri,
                }));
            }
        }
        if !results.is_empty() && !self.faults.has(Fault::ResultsMissing) {
            self.answers.push(Answer::Results {
                cmd_ref: id.to_string(),
                items: results,
            });
        }
        ok
    }

    /// Writes a whole object (the last chunk of a large object) and answers for it.
    pub(crate) fn commit(&mut self, id: &str, c: &Command, w: Write) -> bool {
        let code = match self.resolve(&c.items[0]) {
            Err(code) => code,
            Ok(path) if c.kind == CommandKind::Add => self.add(&path, &w, &mut Place::Body),
            Ok(path) => self.replace(&path, &w, &mut Place::Body),
        };
        self.status(Some(id), c.kind.name(), code);
        code < 300
    }

    pub(crate) fn resolve(&self, item: &Item) -> Result<NodePath, u16> {
        let raw = item.target_uri().ok_or(400u16)?;
        uri::parse(raw, &self.tree.uri_limits(), self.faults).map_err(|e| e.status())
    }

    fn writable(&self, node: &Node) -> bool {
        !node.access().read_only || self.faults.has(Fault::ReadonlyWritable)
    }

    fn add(&mut self, path: &NodePath, w: &Write, place: &mut Place) -> u16 {
        let format = w.format.clone().unwrap_or_else(|| "chr".into());
        if !FORMATS.contains(&format.as_str()) || is_tnds(w) {
            return 415;
        }
        if let Some(existing) = self.tree.node(path) {
            if !self.faults.has(Fault::AddExistingOk) || existing.is_interior() {
                return 418;
            }
            if !self.writable(existing) {
                return 405;
            }
        }
        // The nearest existing ancestor decides.
        let mut depth = path.names.len();
        let mut ancestor = path.clone();
        loop {
            let Some(parent) = ancestor.parent() else {
                return 405;
            };
            depth -= 1;
            ancestor = parent;
            if self.tree.node(&ancestor).is_some() {
                break;
            }
        }
        let anc = self.tree.node(&ancestor).expect("found above");
        if !anc.is_interior() || !self.writable(anc) {
            return 405;
        }
        let missing = path.names.len() - depth - 1;
        if missing > 0 && self.faults.has(Fault::NoImplicitAdd) {
            return 404;
        }
        if self.tree.node(path).is_none() && self.tree.count() + missing + 1 > self.max_nodes {
            return 420;
        }
        let mut at = ancestor;
        for name in &path.names[depth..path.names.len() - 1] {
            at = at.child(name);
            self.tree.insert(&at, Node::interior(Access::default()));
        }
        let node = if format == "node" {
            Node::interior(Access::default())
        } else {
            let mut leaf = Node::leaf(w.data.clone(), &format, Access::default());
            leaf.type_ = w.type_.clone();
            leaf
        };
        self.tree.insert(path, node);
        if let Place::Atomic(scope) = place {
            scope.added.insert(path.clone());
        }
        200
    }

    fn replace(&mut self, path: &NodePath, w: &Write, place: &mut Place) -> u16 {
        if let Place::Atomic(scope) = place
            && scope.added.contains(path)
            && !self.faults.has(Fault::AddThenReplaceOk)
        {
            return 406;
        }
        let Some(node) = self.tree.node(path) else {
            if self.faults.has(Fault::ReplaceMissingCreates) {
                return self.add(path, w, place);
            }
            return 404;
        };
        if node.is_interior() || !self.writable(node) {
            return 405;
        }
        if let Some(f) = &w.format {
            if !FORMATS.contains(&f.as_str()) {
                return 415;
            }
            if f == "node" {
                return 405;
            }
        }
        let node = self.tree.node_mut(path).expect("checked above");
        node.content = crate::tree::Content::Leaf(w.data.clone());
        if let Some(f) = &w.format {
            node.format = f.clone();
        }
        if w.type_.is_some() {
            node.type_ = w.type_.clone();
        }
        200
    }

    fn delete(&mut self, path: &NodePath) -> u16 {
        let Some(node) = self.tree.node(path) else {
            return 404;
        };
        if path.names.is_empty() {
            return 405;
        }
        // The fault drops both protections a Delete must respect.
        let unchecked = self.faults.has(Fault::PermanentDeletable);
        if node.holds_permanent() && !unchecked {
            return 405;
        }
        if !self.writable(node) && !unchecked {
            return 405;
        }
        if self.faults.has(Fault::DeleteLeavesChildren) && node.children().next().is_some() {
            return 200;
        }
        self.tree.remove(path);
        200
    }

    fn get(&self, path: &NodePath, uri: &str) -> Result<Item, u16> {
        let node = self.tree.node(path).ok_or(404u16)?;
        let mut meta = Meta::format(node.format());
        meta.type_ = node.type_().map(str::to_string);
        let data = if node.is_interior() {
            if self.faults.has(Fault::GetInteriorRaw) {
                meta.format = Some("chr".into());
            }
            let names: Vec<String> = node
                .children()
                .map(|(n, _)| {
                    if self.faults.has(Fault::InteriorNotEncoded) {
                        n.to_string()
                    } else {
                        uri::encode(n)
                    }
                })
                .collect();
            if names.is_empty() {
                Data::default()
            } else {
                Data::text(names.join("/"))
            }
        } else {
            let value = node.value().unwrap_or_default();
            match node.format() {
                "bin" => Data::bytes(value.to_vec()),
                _ => Data::text(String::from_utf8_lossy(value)),
            }
        };
        let mut item = Item::source(uri).with_meta(meta);
        item.data = Some(data);
        Ok(item)
    }

    fn exec(&mut self, path: &NodePath, item: &Item) -> u16 {
        let Some(node) = self.tree.node(path) else {
            return 404;
        };
        if !node.access().executable {
            return 405;
        }
        let data = item.data.as_ref().map(data_bytes).unwrap_or_default();
        if *path == known_path(paths::EXEC_ASYNC) {
            self.accepted_async.push(data);
            return 202;
        }
        if *path != known_path(paths::EXEC_ECHO) {
            return 405;
        }
        let count = self
            .tree
            .lookup(paths::ECHO_COUNT)
            .and_then(Node::text)
            .and_then(|t| t.parse::<u64>().ok())
            .unwrap_or(0);
        self.set_leaf(paths::LAST_ECHO, data);
        self.set_leaf(paths::ECHO_COUNT, (count + 1).to_string().into_bytes());
        200
    }

    fn set_leaf(&mut self, uri: &str, value: Vec<u8>) {
        if let Some(n) = self.tree.node_mut(&known_path(uri)) {
            n.content = crate::tree::Content::Leaf(value);
        }
    }
}

/// The path of one of the client's own well-known URIs.
fn known_path(uri: &str) -> NodePath {
    uri::parse(uri, &Default::default(), &Faults::none()).expect("well-known paths are valid")
}
