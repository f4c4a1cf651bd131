//! The structure-aware input of the `refdm_client` target and its oracle.
//!
//! [`Input`] is built by `arbitrary` from the fuzzer's bytes: DM commands over
//! URIs made of awkward segments, values of several formats, containers, then
//! edits to the rendered tree (text replaced, elements removed or doubled).
//! The message is written in XML or WBXML, read back as a target would read
//! it, and handed to a fresh reference client in an open session.
//!
//! The oracle: the client must not panic, and must answer with the Status for
//! the SyncHdr first and then one Status per command, in the order the
//! commands were sent (containers before their children), each naming the
//! command's CmdID. A command whose items end with different codes may get one
//! Status per item instead (MS-MDM 2.2.6.1), so a command of n items may have
//! up to n Statuses in a row. The exceptions: after a body-level Alert 1223 (session
//! abort) the client may end the session at once, and a final message with
//! no command leaves the client nothing to say, so it ends the session.

use super::bodies::limits;
use arbitrary::{Arbitrary, Unstructured};
use refdm::{Client, ClientConfig, Faults};
use syncml::wbxml::EncodeOptions;
use syncml::xml::WriteOptions;
use syncml::{
    BodyNode, Command, CommandKind, Element, Item, Message, Meta, Node, SyncBody, SyncHdr,
};

/// Deepest container nesting rendered; deeper containers are dropped.
const MAX_NESTING: usize = 4;
/// Most commands rendered in one message.
const MAX_COMMANDS: usize = 48;

/// What the fuzzer's bytes become.
#[derive(Arbitrary, Debug)]
pub struct Input {
    pub commands: Vec<FuzzCommand>,
    pub edits: Vec<Edit>,
    pub wbxml: bool,
}

/// A DM command as the server could send it.
#[derive(Arbitrary, Debug)]
pub enum FuzzCommand {
    Add {
        uri: Uri,
        value: Option<Value>,
    },
    Replace {
        uri: Uri,
        value: Value,
    },
    Get {
        uri: Uri,
    },
    Delete {
        uri: Uri,
    },
    Exec {
        uri: Uri,
        value: Option<Value>,
    },
    Copy {
        uri: Uri,
        source: Uri,
    },
    Alert {
        code: AlertCode,
        value: Option<Value>,
    },
    Atomic(Vec<FuzzCommand>),
    Sequence(Vec<FuzzCommand>),
}

/// A LocURI: a root and segments.
#[derive(Arbitrary, Debug)]
pub struct Uri {
    pub root: Root,
    pub segments: Vec<Segment>,
}

#[derive(Arbitrary, Debug)]
pub enum Root {
    Dot,
    Vendor,
    DevDetail,
    DevInfo,
    Slash,
    Bare,
}

#[derive(Arbitrary, Debug)]
pub enum Segment {
    /// One of a few names, so that commands meet on the same nodes.
    Name(u8),
    Empty,
    Star,
    Dot,
    DotDot,
    Query,
    BadEscape,
    Long(u16),
    Raw(String),
}

/// An item's data and how its Meta describes it.
#[derive(Arbitrary, Debug)]
pub enum Value {
    Chr(String),
    Int(i64),
    Bool(bool),
    B64(String),
    Node,
    Typed {
        format: String,
        mime: String,
        data: String,
    },
    /// An item announcing more data to come (a large object chunk).
    Chunk {
        data: String,
        size: Option<u32>,
    },
}

#[derive(Arbitrary, Debug)]
pub enum AlertCode {
    Display,
    Confirm,
    TextInput,
    SingleChoice,
    ServerInitiated,
    ClientInitiated,
    NextMessage,
    SessionAbort,
    Generic,
    Other(u16),
}

/// A change to the rendered tree. `at` counts, round, over the elements
/// inside commands that are neither commands nor CmdIDs.
#[derive(Arbitrary, Debug)]
pub enum Edit {
    SetText { at: u16, text: String },
    Remove { at: u16 },
    Duplicate { at: u16 },
}

/// Runs one input; the oracle's complaint, if any. Bytes that `arbitrary`
/// cannot make into an [`Input`] pass.
pub fn check(data: &[u8]) -> Result<(), String> {
    let Ok(input) = Input::arbitrary_take_rest(Unstructured::new(data)) else {
        return Ok(());
    };
    let mut client = Client::new(ClientConfig::default(), Faults::none());
    let package1 = client.open_session();
    let session_id = package1
        .hdr
        .as_ref()
        .and_then(|h| h.session_id.clone())
        .unwrap_or_default();
    let config = client.config().clone();

    let mut next_id = 1;
    let mut budget = MAX_COMMANDS;
    let commands = render_all(&input.commands, 0, &mut next_id, &mut budget);
    let message = Message::new(
        SyncHdr::new(&session_id, 1, &config.device_id, &config.server_uri),
        SyncBody::with_commands(commands),
    );
    let mut root = message.to_element();
    for edit in &input.edits {
        apply(&mut root, edit);
    }
    let Some(sent) = travel(&root, input.wbxml) else {
        return Ok(());
    };
    let reply = client.handle(&sent);
    statuses_match(&sent, reply.as_ref())
}

/// The message written and read back in one encoding, as a target gets it;
/// `None` when the codec refuses it (a matter for the codec targets).
fn travel(root: &Element, wbxml: bool) -> Option<Message> {
    let decoded = if wbxml {
        let bytes = syncml::wbxml::encode(root, &EncodeOptions::default()).ok()?;
        syncml::wbxml::decode(&bytes, &limits()).ok()?.root
    } else {
        let bytes = syncml::xml::write(root, &WriteOptions::default());
        syncml::xml::read(&bytes, &limits()).ok()?.root
    };
    Some(Message::from_element(&decoded).0)
}

/// The oracle of the module doc.
fn statuses_match(sent: &Message, reply: Option<&Message>) -> Result<(), String> {
    let nodes: &[BodyNode] = sent.body.as_ref().map_or(&[], |b| &b.nodes);
    let aborts = nodes
        .iter()
        .filter_map(BodyNode::command)
        .any(|c| c.kind == CommandKind::Alert && c.code() == Some(1223));
    let has_commands = nodes.iter().any(|n| n.command().is_some());
    let Some(reply) = reply else {
        return if aborts || (!has_commands && sent.is_final()) {
            Ok(())
        } else {
            Err("the client ended the session while commands were unanswered".into())
        };
    };
    let mut want = vec![("0".to_string(), 1)];
    collect_cmd_ids(nodes, &mut want);
    let got: Vec<String> = reply
        .commands()
        .filter(|c| c.kind == CommandKind::Status)
        .map(|c| c.cmd_ref.clone().unwrap_or_default())
        .collect();
    let runs = runs_of(&got);
    if aborts && runs.len() <= want.len() {
        return Ok(());
    }
    let fits = runs.len() == want.len()
        && runs
            .iter()
            .zip(&want)
            .all(|((id, n), (want_id, most))| id == want_id && n <= most);
    if !fits {
        return Err(format!(
            "Statuses answer CmdRefs {got:?}, the commands were (CmdID, items) {want:?}"
        ));
    }
    Ok(())
}

/// Consecutive equal CmdRefs, counted: `[a, a, b]` is `[(a, 2), (b, 1)]`.
fn runs_of(cmd_refs: &[String]) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = Vec::new();
    for r in cmd_refs {
        match out.last_mut() {
            Some((last, n)) if last == r => *n += 1,
            _ => out.push((r.clone(), 1)),
        }
    }
    out
}

/// The CmdID of every command, containers before their children, with the
/// most Statuses it may get (one per item).
fn collect_cmd_ids(nodes: &[BodyNode], out: &mut Vec<(String, usize)>) {
    for c in nodes.iter().filter_map(BodyNode::command) {
        out.push((c.cmd_id.clone().unwrap_or_default(), c.items.len().max(1)));
        collect_cmd_ids(&c.children, out);
    }
}

fn render_all(
    commands: &[FuzzCommand],
    depth: usize,
    next_id: &mut u32,
    budget: &mut usize,
) -> Vec<Command> {
    let mut out = Vec::new();
    for c in commands {
        if *budget == 0 {
            break;
        }
        if let Some(rendered) = render(c, depth, next_id, budget) {
            out.push(rendered);
        }
    }
    out
}

fn render(c: &FuzzCommand, depth: usize, next_id: &mut u32, budget: &mut usize) -> Option<Command> {
    *budget -= 1;
    let id = next_id.to_string();
    *next_id += 1;
    let with_value = |kind: CommandKind, uri: &Uri, value: Option<&Value>| {
        let item = value.map_or_else(|| Item::target(uri.text()), |v| v.item(uri.text()));
        Command::new(kind, &id).with_item(item)
    };
    Some(match c {
        FuzzCommand::Add { uri, value } => with_value(CommandKind::Add, uri, value.as_ref()),
        FuzzCommand::Replace { uri, value } => with_value(CommandKind::Replace, uri, Some(value)),
        FuzzCommand::Get { uri } => with_value(CommandKind::Get, uri, None),
        FuzzCommand::Delete { uri } => with_value(CommandKind::Delete, uri, None),
        FuzzCommand::Exec { uri, value } => with_value(CommandKind::Exec, uri, value.as_ref()),
        FuzzCommand::Copy { uri, source } => {
            let mut item = Item::target(uri.text());
            item.source = Item::source(source.text()).source;
            Command::new(CommandKind::Copy, &id).with_item(item)
        }
        FuzzCommand::Alert { code, value } => {
            let mut alert = Command::alert(&id, code.number());
            if let Some(v) = value {
                alert.items.push(v.item(String::new()));
            }
            alert
        }
        FuzzCommand::Atomic(children) | FuzzCommand::Sequence(children) => {
            if depth >= MAX_NESTING {
                return None;
            }
            let kind = if matches!(c, FuzzCommand::Atomic(_)) {
                CommandKind::Atomic
            } else {
                CommandKind::Sequence
            };
            let mut container = Command::new(kind, &id);
            container.children = render_all(children, depth + 1, next_id, budget)
                .into_iter()
                .map(BodyNode::Command)
                .collect();
            container
        }
    })
}

impl Uri {
    fn text(&self) -> String {
        let root = match self.root {
            Root::Dot => ".",
            Root::Vendor => "./Vendor/MSFT",
            Root::DevDetail => "./DevDetail",
            Root::DevInfo => "./DevInfo",
            Root::Slash => "/",
            Root::Bare => "",
        };
        let mut out = root.to_string();
        for s in &self.segments {
            if !out.is_empty() && !out.ends_with('/') {
                out.push('/');
            }
            match s {
                Segment::Name(n) => out.push_str(["a", "b", "Node", "DevId"][usize::from(n % 4)]),
                Segment::Empty => {}
                Segment::Star => out.push('*'),
                Segment::Dot => out.push('.'),
                Segment::DotDot => out.push_str(".."),
                Segment::Query => out.push_str("a?list=Struct"),
                Segment::BadEscape => out.push_str("%G1"),
                Segment::Long(n) => out.push_str(&"x".repeat(usize::from(n % 1100))),
                Segment::Raw(raw) => out.push_str(raw),
            }
        }
        out
    }
}

impl Value {
    fn item(&self, uri: String) -> Item {
        let item = Item::target(uri);
        match self {
            Value::Chr(s) => item.with_meta(Meta::format("chr")).with_data(s.clone()),
            Value::Int(n) => item.with_meta(Meta::format("int")).with_data(n.to_string()),
            Value::Bool(b) => item
                .with_meta(Meta::format("bool"))
                .with_data(b.to_string()),
            Value::B64(s) => item.with_meta(Meta::format("b64")).with_data(s.clone()),
            Value::Node => item.with_meta(Meta::format("node")),
            Value::Typed { format, mime, data } => item
                .with_meta(Meta::format(format.clone()).with_type(mime.clone()))
                .with_data(data.clone()),
            Value::Chunk { data, size } => {
                let mut meta = Meta::format("chr");
                meta.size = size.map(|s| s.to_string());
                let mut item = item.with_meta(meta).with_data(data.clone());
                item.more_data = true;
                item
            }
        }
    }
}

impl AlertCode {
    fn number(&self) -> u16 {
        match self {
            AlertCode::Display => 1100,
            AlertCode::Confirm => 1101,
            AlertCode::TextInput => 1102,
            AlertCode::SingleChoice => 1103,
            AlertCode::ServerInitiated => 1200,
            AlertCode::ClientInitiated => 1201,
            AlertCode::NextMessage => 1222,
            AlertCode::SessionAbort => 1223,
            AlertCode::Generic => 1226,
            AlertCode::Other(n) => *n,
        }
    }
}

/// Applies one edit to the elements inside the commands of the message.
fn apply(root: &mut Element, edit: &Edit) {
    let Some(body) = root.child_mut("SyncBody") else {
        return;
    };
    let count = count_editable(body, false);
    if count == 0 {
        return;
    }
    let at = match edit {
        Edit::SetText { at, .. } | Edit::Remove { at } | Edit::Duplicate { at } => *at,
    };
    let mut index = usize::from(at) % count;
    edit_at(body, false, &mut index, edit);
}

/// An element the edits may touch: inside a command, and neither a command
/// nor a CmdID (so the oracle still knows what was sent).
fn editable(e: &Element, inside_command: bool) -> bool {
    inside_command && !is_command(e) && e.local_name() != "CmdID"
}

fn is_command(e: &Element) -> bool {
    CommandKind::from_name(e.local_name()).is_some()
}

fn count_editable(e: &Element, inside_command: bool) -> usize {
    e.elements()
        .map(|child| {
            let inside = inside_command || is_command(child);
            usize::from(editable(child, inside_command)) + count_editable(child, inside)
        })
        .sum()
}

/// Finds the `index`-th editable element below `e` and edits it; whether it did.
fn edit_at(e: &mut Element, inside_command: bool, index: &mut usize, edit: &Edit) -> bool {
    let mut i = 0;
    while i < e.children.len() {
        let Node::Element(child) = &mut e.children[i] else {
            i += 1;
            continue;
        };
        if editable(child, inside_command) {
            if *index == 0 {
                match edit {
                    Edit::SetText { text, .. } => {
                        child.children = vec![Node::Text(text.as_str().into())]
                    }
                    Edit::Remove { .. } => {
                        e.children.remove(i);
                    }
                    Edit::Duplicate { .. } => {
                        let copy = e.children[i].clone();
                        e.children.insert(i, copy);
                    }
                }
                return true;
            }
            *index -= 1;
        }
        let inside = inside_command || is_command(child);
        if edit_at(child, inside, index, edit) {
            return true;
        }
        i += 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(commands: Vec<Command>) -> Message {
        Message::new(
            SyncHdr::new("1", 1, "dev", "server"),
            SyncBody::with_commands(commands),
        )
    }

    fn reply(cmd_refs: &[&str]) -> Message {
        let statuses = cmd_refs
            .iter()
            .enumerate()
            .map(|(i, r)| Command::status((i + 1).to_string(), "1", *r, "Get", 200));
        sent(statuses.collect())
    }

    #[test]
    fn the_oracle_wants_one_status_per_command_in_order() {
        let get = |id: &str| Command::new(CommandKind::Get, id).with_item(Item::target("./a"));
        let message = sent(vec![get("1"), get("2")]);
        assert!(statuses_match(&message, Some(&reply(&["0", "1", "2"]))).is_ok());
        assert!(statuses_match(&message, Some(&reply(&["0", "2", "1"]))).is_err());
        assert!(statuses_match(&message, Some(&reply(&["0", "1"]))).is_err());
        assert!(statuses_match(&message, Some(&reply(&["0", "1", "1", "2"]))).is_err());
        assert!(statuses_match(&message, None).is_err());
        // Two items may get a Status each.
        let two = sent(vec![get("1").with_item(Item::target("./b"))]);
        assert!(statuses_match(&two, Some(&reply(&["0", "1", "1"]))).is_ok());
    }

    #[test]
    fn an_abort_or_an_empty_final_message_may_end_the_session() {
        assert!(statuses_match(&sent(vec![Command::alert("1", 1223)]), None).is_ok());
        assert!(statuses_match(&sent(vec![]), None).is_ok());
    }

    #[test]
    fn the_reference_client_answers_generated_inputs() {
        for seed in 0..64u8 {
            let bytes: Vec<u8> = (0..600u32)
                .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
                .collect();
            assert_eq!(check(&bytes), Ok(()), "seed {seed}");
        }
    }
}
