//! The typed view of a SyncML DM 1.2 message, built on the element tree.
//!
//! Every value is kept as the text that was sent (`Option<String>`), because the
//! harness must hold malformed messages as faithfully as good ones: a MsgID of
//! `abc`, a missing CmdID, a Status without a Cmd. Parsing into numbers happens
//! in accessors and in the checks, never on the way in.
//!
//! Reading ([`Message::from_element`]) is lenient and reports what it had to
//! bend as [`Defect`]s: elements out of the DTD order, unknown elements (kept in
//! `extra` or as [`BodyNode::Unknown`]), repeated singletons. Writing
//! ([`Message::to_element`]) follows the DTD order of OMA DM RepPro 1.2. What the
//! typed view cannot express (comments, element order) the tree still holds;
//! the generators mutate the tree for those.
//!
//! This module holds the types and their constructors and accessors; reading,
//! writing, the DTD child order and the defects each have a file of their own.

mod command;
mod defect;
mod order;
mod read;
#[cfg(test)]
mod tests;
mod write;

pub use command::{Command, CommandKind};
pub use defect::{Defect, DefectKind};

use crate::tree::{Attribute, CompactString, Element, NS_SYNCML12, Node};

/// A SyncML message: `<SyncML>` with its header and body.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Message {
    /// Attributes of `<SyncML>`, namespace declarations included.
    pub attrs: Vec<Attribute>,
    /// `None` when the message has no `<SyncHdr>`.
    pub hdr: Option<SyncHdr>,
    /// `None` when the message has no `<SyncBody>`.
    pub body: Option<SyncBody>,
    /// Elements under `<SyncML>` other than SyncHdr and SyncBody.
    pub extra: Vec<Element>,
}

impl Message {
    /// A message with the SyncML 1.2 namespace, the given header and body.
    pub fn new(hdr: SyncHdr, body: SyncBody) -> Message {
        Message {
            attrs: vec![Attribute {
                name: "xmlns".into(),
                value: NS_SYNCML12.into(),
            }],
            hdr: Some(hdr),
            body: Some(body),
            extra: Vec::new(),
        }
    }

    /// The body's commands, skipping unknown elements.
    pub fn commands(&self) -> impl Iterator<Item = &Command> {
        self.body
            .iter()
            .flat_map(|b| b.nodes.iter())
            .filter_map(BodyNode::command)
    }

    /// The header's MsgID, if present.
    pub fn msg_id(&self) -> Option<&str> {
        self.hdr.as_ref()?.msg_id.as_deref()
    }

    /// Whether the body carries `<Final/>`.
    pub fn is_final(&self) -> bool {
        self.body.as_ref().is_some_and(|b| b.final_)
    }

    /// The first top-level Status answering the other side's SyncHdr (CmdRef 0).
    pub fn synchdr_status(&self) -> Option<&Command> {
        self.commands().find(|c| {
            c.kind == CommandKind::Status && c.cmd_ref.as_deref().map(str::trim) == Some("0")
        })
    }
}

/// `<SyncHdr>`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncHdr {
    pub ver_dtd: Option<String>,
    pub ver_proto: Option<String>,
    pub session_id: Option<String>,
    pub msg_id: Option<String>,
    pub target: Option<Location>,
    pub source: Option<Location>,
    pub resp_uri: Option<String>,
    pub no_resp: bool,
    pub cred: Option<Cred>,
    pub meta: Option<Meta>,
    pub extra: Vec<Element>,
}

impl SyncHdr {
    /// A header with the version fields of DM 1.2 and the given session, message and parties.
    pub fn new(session_id: &str, msg_id: u32, target: &str, source: &str) -> SyncHdr {
        SyncHdr {
            ver_dtd: Some("1.2".into()),
            ver_proto: Some("DM/1.2".into()),
            session_id: Some(session_id.into()),
            msg_id: Some(msg_id.to_string()),
            target: Some(Location::uri(target)),
            source: Some(Location::uri(source)),
            ..SyncHdr::default()
        }
    }
}

/// `<SyncBody>`: commands, unknown elements, and `<Final/>`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncBody {
    /// Attributes of `<SyncBody>` (Windows declares `xmlns:msft` here).
    pub attrs: Vec<Attribute>,
    pub nodes: Vec<BodyNode>,
    pub final_: bool,
}

impl SyncBody {
    /// A body with these commands and `<Final/>`.
    pub fn with_commands(commands: impl IntoIterator<Item = Command>) -> SyncBody {
        SyncBody {
            attrs: Vec::new(),
            nodes: commands.into_iter().map(BodyNode::Command).collect(),
            final_: true,
        }
    }
}

/// An element found where a command may stand: under SyncBody, Atomic or Sequence.
// Commands are the common case; boxing them would cost an allocation each.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BodyNode {
    Command(Command),
    /// An element that is not a DM command, kept as it came.
    Unknown(Element),
}

impl BodyNode {
    /// The command, if this is one.
    pub fn command(&self) -> Option<&Command> {
        match self {
            BodyNode::Command(c) => Some(c),
            BodyNode::Unknown(_) => None,
        }
    }

    /// The element name as sent.
    pub fn name(&self) -> &str {
        match self {
            BodyNode::Command(c) => c.kind.name(),
            BodyNode::Unknown(e) => &e.name,
        }
    }
}

/// `<Target>` or `<Source>`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Location {
    pub loc_uri: Option<String>,
    pub loc_name: Option<String>,
}

impl Location {
    pub fn uri(uri: impl Into<String>) -> Self {
        Location {
            loc_uri: Some(uri.into()),
            loc_name: None,
        }
    }
}

/// `<Cred>`: Meta (Type, Format) and Data.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cred {
    pub meta: Option<Meta>,
    pub data: Option<Data>,
}

/// `<Chal>`: a Meta with Type, Format and NextNonce.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Chal {
    pub meta: Option<Meta>,
}

/// `<Meta>` and its MetInf children.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Meta {
    pub format: Option<String>,
    pub type_: Option<String>,
    pub mark: Option<String>,
    pub size: Option<String>,
    pub next_nonce: Option<MetaValue>,
    pub version: Option<String>,
    pub max_msg_size: Option<String>,
    pub max_obj_size: Option<String>,
    /// Other children (EMI, Mem, Anchor, unknown elements), kept as they came.
    pub extra: Vec<Element>,
}

/// A MetInf value that may be binary in WBXML (NextNonce).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MetaValue {
    Text(String),
    Bytes(Vec<u8>),
}

impl Meta {
    /// A Meta with only a Format.
    pub fn format(format: impl Into<String>) -> Self {
        Meta {
            format: Some(format.into()),
            ..Meta::default()
        }
    }

    /// Builder: sets the Type.
    pub fn with_type(mut self, t: impl Into<String>) -> Self {
        self.type_ = Some(t.into());
        self
    }

    fn is_empty(&self) -> bool {
        *self == Meta::default()
    }
}

/// `<Item>`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Item {
    pub target: Option<Location>,
    pub source: Option<Location>,
    pub meta: Option<Meta>,
    pub data: Option<Data>,
    pub more_data: bool,
    pub extra: Vec<Element>,
}

impl Item {
    /// An item aimed at a node.
    pub fn target(uri: impl Into<String>) -> Self {
        Item {
            target: Some(Location::uri(uri)),
            ..Item::default()
        }
    }

    /// An item naming its source node (Results, client Replace of DevInfo).
    pub fn source(uri: impl Into<String>) -> Self {
        Item {
            source: Some(Location::uri(uri)),
            ..Item::default()
        }
    }

    /// Builder: sets the data to a text.
    pub fn with_data(mut self, text: impl Into<CompactString>) -> Self {
        self.data = Some(Data::text(text));
        self
    }

    /// Builder: sets the Meta.
    pub fn with_meta(mut self, meta: Meta) -> Self {
        self.meta = Some(meta);
        self
    }

    /// The target LocURI, if any.
    pub fn target_uri(&self) -> Option<&str> {
        self.target.as_ref()?.loc_uri.as_deref()
    }

    /// The source LocURI, if any.
    pub fn source_uri(&self) -> Option<&str> {
        self.source.as_ref()?.loc_uri.as_deref()
    }
}

/// `<Data>`: its attributes (`msft:originalerror`) and content exactly as sent:
/// text, CDATA, markup, or WBXML opaque bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Data {
    pub attrs: Vec<Attribute>,
    pub content: Vec<Node>,
}

impl Data {
    /// Data holding one text node.
    pub fn text(text: impl Into<CompactString>) -> Self {
        Data {
            attrs: Vec::new(),
            content: vec![Node::Text(text.into())],
        }
    }

    /// Data holding raw bytes (WBXML opaque; CDATA in XML when they are UTF-8).
    pub fn bytes(bytes: Vec<u8>) -> Self {
        Data {
            attrs: Vec::new(),
            content: vec![Node::Opaque(bytes)],
        }
    }

    /// The character content (markup children are not included).
    pub fn as_text(&self) -> String {
        self.as_element().text_content()
    }

    fn as_element(&self) -> Element {
        Element {
            name: "Data".into(),
            attrs: self.attrs.clone(),
            children: self.content.clone(),
        }
    }
}
