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

use crate::tree::{Attribute, CompactString, Element, NS_METINF, NS_SYNCML12, Node};
use std::fmt;

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

/// `<SyncBody>`: commands, unknown elements, and `<Final/>`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncBody {
    /// Attributes of `<SyncBody>` (Windows declares `xmlns:msft` here).
    pub attrs: Vec<Attribute>,
    pub nodes: Vec<BodyNode>,
    pub final_: bool,
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

/// The DM commands of OMA DM 1.2.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CommandKind {
    Add,
    Alert,
    Atomic,
    Copy,
    Delete,
    Exec,
    Get,
    Replace,
    Results,
    Sequence,
    Status,
}

impl CommandKind {
    pub const ALL: [CommandKind; 11] = [
        CommandKind::Add,
        CommandKind::Alert,
        CommandKind::Atomic,
        CommandKind::Copy,
        CommandKind::Delete,
        CommandKind::Exec,
        CommandKind::Get,
        CommandKind::Replace,
        CommandKind::Results,
        CommandKind::Sequence,
        CommandKind::Status,
    ];

    /// The element name.
    pub fn name(self) -> &'static str {
        match self {
            CommandKind::Add => "Add",
            CommandKind::Alert => "Alert",
            CommandKind::Atomic => "Atomic",
            CommandKind::Copy => "Copy",
            CommandKind::Delete => "Delete",
            CommandKind::Exec => "Exec",
            CommandKind::Get => "Get",
            CommandKind::Replace => "Replace",
            CommandKind::Results => "Results",
            CommandKind::Sequence => "Sequence",
            CommandKind::Status => "Status",
        }
    }

    /// The kind for an element name, if it is a DM command.
    pub fn from_name(name: &str) -> Option<CommandKind> {
        CommandKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Atomic and Sequence hold commands.
    pub fn is_container(self) -> bool {
        matches!(self, CommandKind::Atomic | CommandKind::Sequence)
    }
}

impl fmt::Display for CommandKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One command. The fields are the union of what the DM commands hold, so that a
/// command carrying an element its DTD does not allow can still be held and written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    pub kind: CommandKind,
    pub cmd_id: Option<String>,
    pub no_resp: bool,
    /// Status and Results.
    pub msg_ref: Option<String>,
    pub cmd_ref: Option<String>,
    pub cmd: Option<String>,
    pub target_refs: Vec<String>,
    pub source_refs: Vec<String>,
    /// Not allowed on commands in OMA DM; kept when sent.
    pub cred: Option<Cred>,
    /// Status.
    pub chal: Option<Chal>,
    pub meta: Option<Meta>,
    /// Status code of a Status, alert code of an Alert.
    pub data: Option<Data>,
    /// Alert and Exec.
    pub correlator: Option<String>,
    pub items: Vec<Item>,
    /// The commands inside Atomic and Sequence.
    pub children: Vec<BodyNode>,
    /// Child elements the DTD does not define for any command, kept as they came.
    pub extra: Vec<Element>,
}

impl Command {
    /// A command of this kind with the given CmdID and nothing else.
    pub fn new(kind: CommandKind, cmd_id: impl Into<String>) -> Self {
        Command {
            kind,
            cmd_id: Some(cmd_id.into()),
            no_resp: false,
            msg_ref: None,
            cmd_ref: None,
            cmd: None,
            target_refs: Vec::new(),
            source_refs: Vec::new(),
            cred: None,
            chal: None,
            meta: None,
            data: None,
            correlator: None,
            items: Vec::new(),
            children: Vec::new(),
            extra: Vec::new(),
        }
    }

    /// A Status answering command `cmd_ref` (`"0"` for the SyncHdr) of message `msg_ref`.
    pub fn status(
        cmd_id: impl Into<String>,
        msg_ref: impl Into<String>,
        cmd_ref: impl Into<String>,
        cmd: impl Into<String>,
        code: u16,
    ) -> Self {
        let mut s = Command::new(CommandKind::Status, cmd_id);
        s.msg_ref = Some(msg_ref.into());
        s.cmd_ref = Some(cmd_ref.into());
        s.cmd = Some(cmd.into());
        s.data = Some(Data::text(code.to_string()));
        s
    }

    /// An Alert with the given code.
    pub fn alert(cmd_id: impl Into<String>, code: u16) -> Self {
        let mut a = Command::new(CommandKind::Alert, cmd_id);
        a.data = Some(Data::text(code.to_string()));
        a
    }

    /// Builder: adds an item.
    pub fn with_item(mut self, item: Item) -> Self {
        self.items.push(item);
        self
    }

    /// Builder: adds a child command (Atomic, Sequence).
    pub fn with_child(mut self, child: Command) -> Self {
        self.children.push(BodyNode::Command(child));
        self
    }

    /// The numeric code in Data (the status code of a Status, the alert code of an Alert).
    pub fn code(&self) -> Option<u16> {
        self.data.as_ref()?.as_text().trim().parse().ok()
    }

    /// The child commands of a container, skipping unknown elements.
    pub fn child_commands(&self) -> impl Iterator<Item = &Command> {
        self.children.iter().filter_map(BodyNode::command)
    }
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

/// Something the lenient reader bent to fit the typed view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Defect {
    /// Element path where it was found, e.g. `SyncML/SyncBody/Add`.
    pub path: String,
    pub kind: DefectKind,
}

/// What kind of bending it took.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DefectKind {
    /// An element the DTD does not allow here; kept in `extra` or as an unknown body node.
    UnexpectedElement(String),
    /// An element the DTD allows once came more than once; the first is kept in the typed view.
    Repeated(String),
    /// Elements came in an order the DTD does not allow.
    OutOfOrder { element: String, after: String },
    /// Text where only elements are allowed.
    StrayText,
    /// The root is not `<SyncML>`.
    NotSyncMl(String),
}

impl fmt::Display for Defect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            DefectKind::UnexpectedElement(e) => {
                write!(f, "{}: unexpected element <{e}>", self.path)
            }
            DefectKind::Repeated(e) => write!(f, "{}: <{e}> repeated", self.path),
            DefectKind::OutOfOrder { element, after } => {
                write!(f, "{}: <{element}> after <{after}>", self.path)
            }
            DefectKind::StrayText => write!(f, "{}: text where only elements belong", self.path),
            DefectKind::NotSyncMl(n) => write!(f, "root element is <{n}>, not <SyncML>"),
        }
    }
}

// ---------------------------------------------------------------------------
// Reading: tree -> typed view
// ---------------------------------------------------------------------------

/// Collects defects and the current path while reading.
struct Reader {
    path: Vec<String>,
    defects: Vec<Defect>,
}

impl Reader {
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
    /// children), reporting out-of-order, repeated (for `once` names) and stray text.
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
                Node::Text(t) if !t.trim().is_empty() => self.defect(DefectKind::StrayText),
                Node::CData(_) | Node::Opaque(_) => self.defect(DefectKind::StrayText),
                _ => {}
            }
        }
    }

    fn unexpected(&mut self, c: &Element, extra: &mut Vec<Element>) {
        self.defect(DefectKind::UnexpectedElement(c.name.to_string()));
        extra.push(c.clone());
    }

    fn message(&mut self, root: &Element) -> Message {
        self.enter(root.local_name());
        if root.local_name() != "SyncML" {
            self.defect(DefectKind::NotSyncMl(root.name.to_string()));
        }
        self.check_order(root, &["SyncHdr", "SyncBody"], &[]);
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

    fn body(&mut self, e: &Element) -> SyncBody {
        self.enter("SyncBody");
        let mut b = SyncBody {
            attrs: e.attrs.clone(),
            ..SyncBody::default()
        };
        let mut final_seen = false;
        for n in &e.children {
            match n {
                Node::Element(c) if c.local_name() == "Final" => {
                    if final_seen {
                        self.defect(DefectKind::Repeated("Final".into()));
                    }
                    final_seen = true;
                    b.final_ = true;
                }
                Node::Element(c) => {
                    if final_seen {
                        self.defect(DefectKind::OutOfOrder {
                            element: c.name.to_string(),
                            after: "Final".into(),
                        });
                    }
                    b.nodes.push(self.body_node(c));
                }
                Node::Text(t) if !t.trim().is_empty() => self.defect(DefectKind::StrayText),
                Node::CData(_) | Node::Opaque(_) => self.defect(DefectKind::StrayText),
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
                self.enter(e.local_name());
                self.defect(DefectKind::UnexpectedElement(e.name.to_string()));
                self.leave();
                BodyNode::Unknown(e.clone())
            }
        }
    }

    fn command(&mut self, kind: CommandKind, e: &Element) -> Command {
        self.enter(kind.name());
        let order = command_order(kind);
        let mut c = Command::new(kind, "");
        c.cmd_id = None;
        // Children of containers may interleave freely; only the header part is ordered.
        self.check_order(e, order, &["TargetRef", "SourceRef", "Item"]);
        for child in e.elements() {
            let name = child.local_name();
            match name {
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
                _ if kind.is_container() => c.children.push(self.body_node(child)),
                _ => self.unexpected(child, &mut c.extra),
            }
        }
        self.leave();
        c
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
        self.check_order(e, &["LocURI", "LocName"], &[]);
        let mut l = Location::default();
        for c in e.elements() {
            match c.local_name() {
                "LocURI" => set_once(&mut l.loc_uri, c),
                "LocName" => set_once(&mut l.loc_name, c),
                _ => {
                    self.enter(c.local_name());
                    self.defect(DefectKind::UnexpectedElement(c.name.to_string()));
                    self.leave();
                }
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

const HDR_ORDER: &[&str] = &[
    "VerDTD",
    "VerProto",
    "SessionID",
    "MsgID",
    "Target",
    "Source",
    "RespURI",
    "NoResp",
    "Cred",
    "Meta",
];

const ITEM_ORDER: &[&str] = &["Target", "Source", "Meta", "Data", "MoreData"];

/// The DTD order of the non-command children of each command (OMA DM RepPro 1.2).
fn command_order(kind: CommandKind) -> &'static [&'static str] {
    match kind {
        CommandKind::Status => &[
            "CmdID",
            "MsgRef",
            "CmdRef",
            "Cmd",
            "TargetRef",
            "SourceRef",
            "Cred",
            "Chal",
            "Meta",
            "Data",
            "Item",
        ],
        CommandKind::Results => &[
            "CmdID",
            "MsgRef",
            "CmdRef",
            "Cmd",
            "Meta",
            "TargetRef",
            "SourceRef",
            "Item",
        ],
        CommandKind::Alert => &[
            "CmdID",
            "NoResp",
            "Cred",
            "Meta",
            "Data",
            "Correlator",
            "Item",
        ],
        _ => &[
            "CmdID",
            "NoResp",
            "Cred",
            "Meta",
            "Correlator",
            "Data",
            "Item",
        ],
    }
}

impl Message {
    /// Reads the typed view from a tree, reporting what had to be bent.
    pub fn from_element(root: &Element) -> (Message, Vec<Defect>) {
        let mut r = Reader {
            path: Vec::new(),
            defects: Vec::new(),
        };
        let m = r.message(root);
        (m, r.defects)
    }

    /// Reads a list of body nodes (a fragment: bare commands, or the children of a SyncBody).
    pub fn body_nodes_from_elements<'a>(
        elements: impl IntoIterator<Item = &'a Element>,
    ) -> (Vec<BodyNode>, Vec<Defect>) {
        let mut r = Reader {
            path: Vec::new(),
            defects: Vec::new(),
        };
        let nodes = elements.into_iter().map(|e| r.body_node(e)).collect();
        (nodes, r.defects)
    }

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

    // -----------------------------------------------------------------------
    // Writing: typed view -> tree
    // -----------------------------------------------------------------------

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
    /// A body with these commands and `<Final/>`.
    pub fn with_commands(commands: impl IntoIterator<Item = Command>) -> SyncBody {
        SyncBody {
            attrs: Vec::new(),
            nodes: commands.into_iter().map(BodyNode::Command).collect(),
            final_: true,
        }
    }

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

impl Command {
    /// Writes the command in the DTD order of its kind.
    pub fn to_element(&self) -> Element {
        let mut e = Element::new(self.kind.name());
        for name in command_order(self.kind) {
            match *name {
                "CmdID" => push_text(&mut e, "CmdID", &self.cmd_id),
                "NoResp" => push_flag(&mut e, "NoResp", self.no_resp),
                "MsgRef" => push_text(&mut e, "MsgRef", &self.msg_ref),
                "CmdRef" => push_text(&mut e, "CmdRef", &self.cmd_ref),
                "Cmd" => push_text(&mut e, "Cmd", &self.cmd),
                "TargetRef" => {
                    for t in &self.target_refs {
                        e.push(Element::text("TargetRef", t.as_str()));
                    }
                }
                "SourceRef" => {
                    for s in &self.source_refs {
                        e.push(Element::text("SourceRef", s.as_str()));
                    }
                }
                "Cred" => {
                    if let Some(c) = &self.cred {
                        e.push(c.to_element());
                    }
                }
                "Chal" => {
                    if let Some(c) = &self.chal {
                        e.push(c.to_element());
                    }
                }
                "Meta" => {
                    if let Some(m) = &self.meta {
                        e.push(m.to_element());
                    }
                }
                "Data" => {
                    if let Some(d) = &self.data {
                        e.push(d.to_element());
                    }
                }
                "Correlator" => push_text(&mut e, "Correlator", &self.correlator),
                "Item" => {
                    for it in &self.items {
                        e.push(it.to_element());
                    }
                }
                _ => unreachable!("command_order names only known children"),
            }
        }
        // Fields the order of this kind leaves out are still written, so that
        // nothing set on purpose is lost (a Status with Correlator, an Add with MsgRef).
        let order = command_order(self.kind);
        let leftovers: [(&str, bool); 9] = [
            ("Cred", self.cred.is_some()),
            ("Data", self.data.is_some()),
            ("MsgRef", self.msg_ref.is_some()),
            ("CmdRef", self.cmd_ref.is_some()),
            ("Cmd", self.cmd.is_some()),
            ("Chal", self.chal.is_some()),
            ("Correlator", self.correlator.is_some()),
            ("TargetRef", !self.target_refs.is_empty()),
            ("SourceRef", !self.source_refs.is_empty()),
        ];
        for (name, present) in leftovers {
            if present && !order.contains(&name) {
                match name {
                    "MsgRef" => push_text(&mut e, name, &self.msg_ref),
                    "CmdRef" => push_text(&mut e, name, &self.cmd_ref),
                    "Cmd" => push_text(&mut e, name, &self.cmd),
                    "Correlator" => push_text(&mut e, name, &self.correlator),
                    "Chal" => e.push(self.chal.as_ref().expect("present").to_element()),
                    "Cred" => e.push(self.cred.as_ref().expect("present").to_element()),
                    "Data" => e.push(self.data.as_ref().expect("present").to_element()),
                    "TargetRef" => self
                        .target_refs
                        .iter()
                        .for_each(|t| e.push(Element::text(name, t.as_str()))),
                    _ => self
                        .source_refs
                        .iter()
                        .for_each(|s| e.push(Element::text(name, s.as_str()))),
                }
            }
        }
        if !order.contains(&"NoResp") && self.no_resp {
            e.push(Element::new("NoResp"));
        }
        for c in &self.children {
            e.push(c.to_element());
        }
        e.children
            .extend(self.extra.iter().cloned().map(Node::Element));
        e
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

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Message {
        let hdr = SyncHdr::new("1", 1, "dev1", "https://mdm.example/omadm");
        let add = Command::new(CommandKind::Add, "2").with_item(
            Item::target("./Vendor/MSFT/Scratch/a")
                .with_meta(Meta::format("int"))
                .with_data("5"),
        );
        let atomic = Command::new(CommandKind::Atomic, "3").with_child(
            Command::new(CommandKind::Get, "4").with_item(Item::target("./DevDetail/SwV")),
        );
        Message::new(hdr, SyncBody::with_commands([add, atomic]))
    }

    #[test]
    fn write_then_read_is_identity() {
        let m = sample();
        let (back, defects) = Message::from_element(&m.to_element());
        assert!(defects.is_empty(), "{defects:?}");
        assert_eq!(back, m);
    }

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

    #[test]
    fn nested_atomic_is_held() {
        let inner = Command::new(CommandKind::Atomic, "3")
            .with_child(Command::new(CommandKind::Add, "4").with_item(Item::target("a")));
        let outer = Command::new(CommandKind::Atomic, "2").with_child(inner.clone());
        let m = Message::new(
            SyncHdr::new("1", 1, "d", "s"),
            SyncBody::with_commands([outer]),
        );
        let (back, defects) = Message::from_element(&m.to_element());
        assert!(defects.is_empty());
        let outer = back.commands().next().unwrap();
        assert_eq!(outer.child_commands().next().unwrap(), &inner);
    }
}
