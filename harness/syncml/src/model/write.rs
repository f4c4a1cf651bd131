//! Writing the typed view back to a tree, in the DTD order of OMA DM RepPro 1.2.
//! Whatever the view holds is written, even where the DTD does not allow it.

use super::order::command_order;
use super::{
    BodyNode, Chal, Command, Cred, Data, Item, Location, Message, Meta, MetaValue, SyncBody,
    SyncHdr,
};
use crate::tree::{Element, NS_METINF, Node};

impl Message {
    /// Writes the typed view as a tree, in DTD order.
    pub fn to_element(&self) -> Element {
        let mut root = Element::new("SyncML");
        root.attrs = self.attrs.clone();
        if let Some(h) = &self.hdr {
            root.push(h.to_element());
        }
        if let Some(b) = &self.body {
            root.push(b.to_element());
        }
        for e in &self.extra {
            root.push(e.clone());
        }
        root
    }
}

impl SyncHdr {
    pub fn to_element(&self) -> Element {
        let mut e = Element::new("SyncHdr");
        push_text(&mut e, "VerDTD", &self.ver_dtd);
        push_text(&mut e, "VerProto", &self.ver_proto);
        push_text(&mut e, "SessionID", &self.session_id);
        push_text(&mut e, "MsgID", &self.msg_id);
        if let Some(t) = &self.target {
            e.push(t.to_element("Target"));
        }
        if let Some(s) = &self.source {
            e.push(s.to_element("Source"));
        }
        push_text(&mut e, "RespURI", &self.resp_uri);
        push_flag(&mut e, "NoResp", self.no_resp);
        if let Some(c) = &self.cred {
            e.push(c.to_element());
        }
        if let Some(m) = &self.meta {
            e.push(m.to_element());
        }
        e.children
            .extend(self.extra.iter().cloned().map(Node::Element));
        e
    }
}

impl SyncBody {
    pub fn to_element(&self) -> Element {
        let mut e = Element::new("SyncBody");
        e.attrs = self.attrs.clone();
        for n in &self.nodes {
            e.push(n.to_element());
        }
        push_flag(&mut e, "Final", self.final_);
        e
    }
}

impl BodyNode {
    pub fn to_element(&self) -> Element {
        match self {
            BodyNode::Command(c) => c.to_element(),
            BodyNode::Unknown(e) => e.clone(),
        }
    }
}

/// The fields written after the DTD-ordered ones, in this order, when the order
/// of a command's kind leaves them out: nothing set on purpose is lost (a Status
/// with Correlator, an Add with MsgRef).
const OUT_OF_ORDER_FIELDS: [&str; 10] = [
    "Cred",
    "Data",
    "MsgRef",
    "CmdRef",
    "Cmd",
    "Chal",
    "Correlator",
    "TargetRef",
    "SourceRef",
    "NoResp",
];

impl Command {
    /// Writes the command in the DTD order of its kind, then the fields that
    /// order leaves out, the child commands, and the extra elements.
    pub fn to_element(&self) -> Element {
        let mut e = Element::new(self.kind.name());
        let order = command_order(self.kind);
        for name in order {
            self.push_field(&mut e, name);
        }
        for name in OUT_OF_ORDER_FIELDS.iter().filter(|n| !order.contains(n)) {
            self.push_field(&mut e, name);
        }
        for c in &self.children {
            e.push(c.to_element());
        }
        e.children
            .extend(self.extra.iter().cloned().map(Node::Element));
        e
    }

    /// Writes the child element(s) for field `name`; nothing when it is not set.
    fn push_field(&self, e: &mut Element, name: &str) {
        match name {
            "CmdID" => push_text(e, name, &self.cmd_id),
            "NoResp" => push_flag(e, name, self.no_resp),
            "MsgRef" => push_text(e, name, &self.msg_ref),
            "CmdRef" => push_text(e, name, &self.cmd_ref),
            "Cmd" => push_text(e, name, &self.cmd),
            "TargetRef" => push_texts(e, name, &self.target_refs),
            "SourceRef" => push_texts(e, name, &self.source_refs),
            "Cred" => push_some(e, self.cred.as_ref().map(Cred::to_element)),
            "Chal" => push_some(e, self.chal.as_ref().map(Chal::to_element)),
            "Meta" => push_some(e, self.meta.as_ref().map(Meta::to_element)),
            "Data" => push_some(e, self.data.as_ref().map(Data::to_element)),
            "Correlator" => push_text(e, name, &self.correlator),
            "Item" => {
                for it in &self.items {
                    e.push(it.to_element());
                }
            }
            _ => unreachable!("command_order and OUT_OF_ORDER_FIELDS name only known children"),
        }
    }
}
impl Location {
    pub fn to_element(&self, name: &str) -> Element {
        let mut e = Element::new(name);
        push_text(&mut e, "LocURI", &self.loc_uri);
        push_text(&mut e, "LocName", &self.loc_name);
        e
    }
}

impl Cred {
    pub fn to_element(&self) -> Element {
        let mut e = Element::new("Cred");
        if let Some(m) = &self.meta {
            e.push(m.to_element());
        }
        if let Some(d) = &self.data {
            e.push(d.to_element());
        }
        e
    }
}

impl Chal {
    pub fn to_element(&self) -> Element {
        let mut e = Element::new("Chal");
        if let Some(m) = &self.meta {
            e.push(m.to_element());
        }
        e
    }
}

impl Meta {
    /// Writes `<Meta>` with each MetInf child carrying `xmlns="syncml:metinf"`,
    /// in the MetInf DTD order.
    pub fn to_element(&self) -> Element {
        let mut e = Element::new("Meta");
        let metinf = |name: &str, v: &Option<String>, e: &mut Element| {
            if let Some(v) = v {
                e.push(Element::text(name, v.as_str()).with_attr("xmlns", NS_METINF));
            }
        };
        metinf("Format", &self.format, &mut e);
        metinf("Type", &self.type_, &mut e);
        metinf("Mark", &self.mark, &mut e);
        metinf("Size", &self.size, &mut e);
        metinf("Version", &self.version, &mut e);
        match &self.next_nonce {
            Some(MetaValue::Text(t)) => {
                e.push(Element::text("NextNonce", t.as_str()).with_attr("xmlns", NS_METINF))
            }
            Some(MetaValue::Bytes(b)) => {
                let mut n = Element::new("NextNonce").with_attr("xmlns", NS_METINF);
                n.children.push(Node::Opaque(b.clone()));
                e.push(n);
            }
            None => {}
        }
        metinf("MaxMsgSize", &self.max_msg_size, &mut e);
        metinf("MaxObjSize", &self.max_obj_size, &mut e);
        e.children
            .extend(self.extra.iter().cloned().map(Node::Element));
        e
    }
}

impl Item {
    pub fn to_element(&self) -> Element {
        let mut e = Element::new("Item");
        if let Some(t) = &self.target {
            e.push(t.to_element("Target"));
        }
        if let Some(s) = &self.source {
            e.push(s.to_element("Source"));
        }
        if let Some(m) = self.meta.as_ref().filter(|m| !m.is_empty()) {
            e.push(m.to_element());
        } else if self.meta.is_some() {
            e.push(Element::new("Meta"));
        }
        if let Some(d) = &self.data {
            e.push(d.to_element());
        }
        push_flag(&mut e, "MoreData", self.more_data);
        e.children
            .extend(self.extra.iter().cloned().map(Node::Element));
        e
    }
}

impl Data {
    pub fn to_element(&self) -> Element {
        self.as_element()
    }
}

fn push_text(parent: &mut Element, name: &str, value: &Option<String>) {
    if let Some(v) = value {
        parent.push(Element::text(name, v.as_str()));
    }
}

fn push_flag(parent: &mut Element, name: &str, set: bool) {
    if set {
        parent.push(Element::new(name));
    }
}

fn push_texts(parent: &mut Element, name: &str, values: &[String]) {
    for v in values {
        parent.push(Element::text(name, v.as_str()));
    }
}

fn push_some(parent: &mut Element, child: Option<Element>) {
    if let Some(c) = child {
        parent.push(c);
    }
}
