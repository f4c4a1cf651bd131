//! Reading a tree into the typed view: lenient, it keeps what does not fit in
//! `extra` or as [`BodyNode::Unknown`] and reports each bend as a [`Defect`].

use super::order::{HDR_ORDER, ITEM_ORDER, LOCATION_ORDER, SYNCML_ORDER, command_order};
use super::{
    BodyNode, Chal, Command, CommandKind, Cred, Data, Defect, DefectKind, Item, Location, Message,
    Meta, MetaValue, SyncBody, SyncHdr,
};
use crate::tree::{Element, Node};

impl Message {
    /// Reads the typed view from a tree, reporting what had to be bent.
    pub fn from_element(root: &Element) -> (Message, Vec<Defect>) {
        let mut r = Reader::new();
        let m = r.message(root);
        (m, r.defects)
    }

    /// Reads a list of body nodes (a fragment: bare commands, or the children of a SyncBody).
    pub fn body_nodes_from_elements<'a>(
        elements: impl IntoIterator<Item = &'a Element>,
    ) -> (Vec<BodyNode>, Vec<Defect>) {
        let mut r = Reader::new();
        let nodes = elements.into_iter().map(|e| r.body_node(e)).collect();
        (nodes, r.defects)
    }
}

/// Collects defects and the current path while reading.
struct Reader {
    path: Vec<String>,
    defects: Vec<Defect>,
}

impl Reader {
    fn new() -> Self {
        Reader {
            path: Vec::new(),
            defects: Vec::new(),
        }
    }

    fn defect(&mut self, kind: DefectKind) {
        self.defects.push(Defect {
            path: self.path.join("/"),
            kind,
        });
    }

    fn enter(&mut self, name: &str) {
        self.path.push(name.to_string());
    }

    fn leave(&mut self) {
        self.path.pop();
    }

    /// Checks the children of `e` against `order` (the DTD order of the known
    /// children), reporting out-of-order, repeated (for names not in `repeatable`)
    /// and stray text.
    fn check_order(&mut self, e: &Element, order: &[&str], repeatable: &[&str]) {
        let mut last: Option<(usize, &str)> = None;
        // Which of the known names (by position in `order`) have been seen.
        let mut seen = vec![false; order.len()];
        for n in &e.children {
            match n {
                Node::Element(c) => {
                    let name = c.local_name();
                    let Some(pos) = order.iter().position(|o| *o == name) else {
                        continue;
                    };
                    if let Some((lpos, lname)) = last
                        && pos < lpos
                    {
                        self.defect(DefectKind::OutOfOrder {
                            element: name.to_string(),
                            after: lname.to_string(),
                        });
                    }
                    if seen[pos] && !repeatable.contains(&name) {
                        self.defect(DefectKind::Repeated(name.to_string()));
                    }
                    seen[pos] = true;
                    if last.is_none_or(|(lpos, _)| pos >= lpos) {
                        last = Some((pos, name));
                    }
                }
                n if is_stray(n) => self.defect(DefectKind::StrayText),
                _ => {}
            }
        }
    }

    fn unexpected(&mut self, c: &Element, extra: &mut Vec<Element>) {
        self.defect(DefectKind::UnexpectedElement(c.name.to_string()));
        extra.push(c.clone());
    }

    /// Reports `c` as unexpected at its own path, keeping nothing of it.
    fn unexpected_child(&mut self, c: &Element) {
        self.enter(c.local_name());
        self.defect(DefectKind::UnexpectedElement(c.name.to_string()));
        self.leave();
    }

    fn message(&mut self, root: &Element) -> Message {
        self.enter(root.local_name());
        if root.local_name() != "SyncML" {
            self.defect(DefectKind::NotSyncMl(root.name.to_string()));
        }
        self.check_order(root, SYNCML_ORDER, &[]);
        let mut m = Message {
            attrs: root.attrs.clone(),
            ..Message::default()
        };
        for c in root.elements() {
            match c.local_name() {
                "SyncHdr" if m.hdr.is_none() => m.hdr = Some(self.hdr(c)),
                "SyncBody" if m.body.is_none() => m.body = Some(self.body(c)),
                "SyncHdr" | "SyncBody" => m.extra.push(c.clone()),
                _ => self.unexpected(c, &mut m.extra),
            }
        }
        self.leave();
        m
    }

    fn hdr(&mut self, e: &Element) -> SyncHdr {
        self.enter("SyncHdr");
        self.check_order(e, HDR_ORDER, &[]);
        let mut h = SyncHdr::default();
        for c in e.elements() {
            match c.local_name() {
                "VerDTD" => set_once(&mut h.ver_dtd, c),
                "VerProto" => set_once(&mut h.ver_proto, c),
                "SessionID" => set_once(&mut h.session_id, c),
                "MsgID" => set_once(&mut h.msg_id, c),
                "Target" => h.target = h.target.take().or_else(|| Some(self.location(c))),
                "Source" => h.source = h.source.take().or_else(|| Some(self.location(c))),
                "RespURI" => set_once(&mut h.resp_uri, c),
                "NoResp" => h.no_resp = true,
                "Cred" => h.cred = h.cred.take().or_else(|| Some(self.cred(c))),
                "Meta" => h.meta = h.meta.take().or_else(|| Some(self.meta(c))),
                _ => self.unexpected(c, &mut h.extra),
            }
        }
        self.leave();
        h
    }

    /// Reads `<SyncBody>`: every element is a body node but `<Final/>`, which
    /// must come once and last.
    fn body(&mut self, e: &Element) -> SyncBody {
        self.enter("SyncBody");
        let mut b = SyncBody {
            attrs: e.attrs.clone(),
            ..SyncBody::default()
        };
        for n in &e.children {
            match n {
                Node::Element(c) if c.local_name() == "Final" => {
                    if b.final_ {
                        self.defect(DefectKind::Repeated("Final".into()));
                    }
                    b.final_ = true;
                }
                Node::Element(c) => {
                    if b.final_ {
                        self.defect(DefectKind::OutOfOrder {
                            element: c.name.to_string(),
                            after: "Final".into(),
                        });
                    }
                    b.nodes.push(self.body_node(c));
                }
                n if is_stray(n) => self.defect(DefectKind::StrayText),
                _ => {}
            }
        }
        self.leave();
        b
    }

    fn body_node(&mut self, e: &Element) -> BodyNode {
        match CommandKind::from_name(e.local_name()) {
            Some(kind) => BodyNode::Command(self.command(kind, e)),
            None => {
                self.unexpected_child(e);
                BodyNode::Unknown(e.clone())
            }
        }
    }

    fn command(&mut self, kind: CommandKind, e: &Element) -> Command {
        self.enter(kind.name());
        let mut c = Command::new(kind, "");
        c.cmd_id = None;
        // Children of containers may interleave freely; only the header part is ordered.
        self.check_order(e, command_order(kind), &["TargetRef", "SourceRef", "Item"]);
        for child in e.elements() {
            self.command_child(&mut c, child);
        }
        self.leave();
        c
    }

    /// Reads one child element of a command into it: a field, a command inside
    /// a container, or an unexpected element kept in `extra`.
    fn command_child(&mut self, c: &mut Command, child: &Element) {
        match child.local_name() {
            "CmdID" => set_once(&mut c.cmd_id, child),
            "NoResp" => c.no_resp = true,
            "MsgRef" => set_once(&mut c.msg_ref, child),
            "CmdRef" => set_once(&mut c.cmd_ref, child),
            "Cmd" => set_once(&mut c.cmd, child),
            "TargetRef" => c.target_refs.push(child.text_content()),
            "SourceRef" => c.source_refs.push(child.text_content()),
            "Cred" => c.cred = c.cred.take().or_else(|| Some(self.cred(child))),
            "Chal" => c.chal = c.chal.take().or_else(|| Some(self.chal(child))),
            "Meta" => c.meta = c.meta.take().or_else(|| Some(self.meta(child))),
            "Data" => c.data = c.data.take().or_else(|| Some(data_of(child))),
            "Correlator" => set_once(&mut c.correlator, child),
            "Item" => c.items.push(self.item(child)),
            _ if c.kind.is_container() => c.children.push(self.body_node(child)),
            _ => self.unexpected(child, &mut c.extra),
        }
    }

    fn item(&mut self, e: &Element) -> Item {
        self.enter("Item");
        self.check_order(e, ITEM_ORDER, &[]);
        let mut it = Item::default();
        for c in e.elements() {
            match c.local_name() {
                "Target" => it.target = it.target.take().or_else(|| Some(self.location(c))),
                "Source" => it.source = it.source.take().or_else(|| Some(self.location(c))),
                "Meta" => it.meta = it.meta.take().or_else(|| Some(self.meta(c))),
                "Data" => it.data = it.data.take().or_else(|| Some(data_of(c))),
                "MoreData" => it.more_data = true,
                _ => self.unexpected(c, &mut it.extra),
            }
        }
        self.leave();
        it
    }

    fn location(&mut self, e: &Element) -> Location {
        self.enter(e.local_name());
        self.check_order(e, LOCATION_ORDER, &[]);
        let mut l = Location::default();
        for c in e.elements() {
            match c.local_name() {
                "LocURI" => set_once(&mut l.loc_uri, c),
                "LocName" => set_once(&mut l.loc_name, c),
                _ => self.unexpected_child(c),
            }
        }
        self.leave();
        l
    }

    fn cred(&mut self, e: &Element) -> Cred {
        self.enter("Cred");
        let mut cr = Cred::default();
        for c in e.elements() {
            match c.local_name() {
                "Meta" => cr.meta = Some(self.meta(c)),
                "Data" => cr.data = Some(data_of(c)),
                _ => self.defect(DefectKind::UnexpectedElement(c.name.to_string())),
            }
        }
        self.leave();
        cr
    }

    fn chal(&mut self, e: &Element) -> Chal {
        self.enter("Chal");
        let mut ch = Chal::default();
        for c in e.elements() {
            match c.local_name() {
                "Meta" => ch.meta = Some(self.meta(c)),
                _ => self.defect(DefectKind::UnexpectedElement(c.name.to_string())),
            }
        }
        self.leave();
        ch
    }

    fn meta(&mut self, e: &Element) -> Meta {
        self.enter("Meta");
        let mut m = Meta::default();
        for c in e.elements() {
            match c.local_name() {
                "Format" => set_once(&mut m.format, c),
                "Type" => set_once(&mut m.type_, c),
                "Mark" => set_once(&mut m.mark, c),
                "Size" => set_once(&mut m.size, c),
                "Version" => set_once(&mut m.version, c),
                "MaxMsgSize" => set_once(&mut m.max_msg_size, c),
                "MaxObjSize" => set_once(&mut m.max_obj_size, c),
                "NextNonce" if m.next_nonce.is_none() => m.next_nonce = Some(meta_value(c)),
                _ => m.extra.push(c.clone()),
            }
        }
        self.leave();
        m
    }
}

/// Text, CDATA or opaque bytes where only elements belong (whitespace is fine).
fn is_stray(n: &Node) -> bool {
    match n {
        Node::Text(t) => !t.trim().is_empty(),
        Node::CData(_) | Node::Opaque(_) => true,
        Node::Element(_) | Node::Comment(_) => false,
    }
}

fn set_once(slot: &mut Option<String>, e: &Element) {
    if slot.is_none() {
        *slot = Some(e.text_content());
    }
}

fn data_of(e: &Element) -> Data {
    Data {
        attrs: e.attrs.clone(),
        content: e.children.clone(),
    }
}

fn meta_value(e: &Element) -> MetaValue {
    match e.children.as_slice() {
        [Node::Opaque(b)] => MetaValue::Bytes(b.clone()),
        _ => MetaValue::Text(e.text_content()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_elements_and_missing_cmdid_are_held() {
        let body = Element::new("SyncBody")
            .with_child(Element::new("Bogus").with_child(Element::text("CmdID", "2")))
            .with_child(
                Element::new("Replace")
                    .with_child(Element::new("Item").with_child(
                        Element::new("Target").with_child(Element::text("LocURI", "/a")),
                    ))
                    .with_child(Element::text("Frobnicate", "x")),
            );
        let root = Element::new("SyncML").with_child(body);
        let (m, defects) = Message::from_element(&root);
        let b = m.body.as_ref().unwrap();
        assert!(matches!(&b.nodes[0], BodyNode::Unknown(e) if e.name == "Bogus"));
        let BodyNode::Command(r) = &b.nodes[1] else {
            panic!("Replace expected")
        };
        assert_eq!(r.cmd_id, None);
        assert_eq!(r.items[0].target_uri(), Some("/a"));
        assert_eq!(r.extra[0].name, "Frobnicate");
        assert_eq!(defects.len(), 2, "{defects:?}");
        // Writing keeps what was read.
        let (again, _) = Message::from_element(&m.to_element());
        assert_eq!(again, m);
    }

    #[test]
    fn out_of_order_and_repeats_are_reported() {
        let status = Element::new("Status")
            .with_child(Element::text("Data", "200"))
            .with_child(Element::text("CmdID", "1"))
            .with_child(Element::text("CmdID", "2"));
        let (nodes, defects) = Message::body_nodes_from_elements([&status]);
        let c = nodes[0].command().unwrap();
        assert_eq!(c.cmd_id.as_deref(), Some("1"));
        assert_eq!(c.code(), Some(200));
        assert!(
            defects
                .iter()
                .any(|d| matches!(d.kind, DefectKind::OutOfOrder { .. }))
        );
        assert!(
            defects
                .iter()
                .any(|d| d.kind == DefectKind::Repeated("CmdID".into()))
        );
    }
}
