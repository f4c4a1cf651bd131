//! A tiny scripted DM server for the tests: it builds server messages and reads replies.
#![allow(dead_code)]

use refdm::{Client, ClientConfig, Fault, Faults};
use syncml::{BodyNode, Command, CommandKind, Element, Item, Message, Meta, SyncBody, SyncHdr};

/// A client in an open session, and the server side's message counter.
pub struct Run {
    pub client: Client,
    pub pkg1: Message,
    pub server_msg_id: u32,
    /// The client's last message.
    pub last: Message,
}

impl Run {
    pub fn new() -> Run {
        Run::with(ClientConfig::default(), Faults::none())
    }

    pub fn fault(f: Fault) -> Run {
        Run::with(ClientConfig::default(), Faults::from(f))
    }

    pub fn with(config: ClientConfig, faults: Faults) -> Run {
        let mut client = Client::new(config, faults);
        let pkg1 = client.open_session();
        Run {
            client,
            last: pkg1.clone(),
            pkg1,
            server_msg_id: 0,
        }
    }

    /// A server message answering the client's last message: Status 200 for its SyncHdr,
    /// then the nodes, then Final when asked.
    pub fn message(&mut self, nodes: Vec<BodyNode>, final_: bool) -> Message {
        self.server_msg_id += 1;
        let session = self.last.hdr.as_ref().unwrap().session_id.clone().unwrap();
        let client_msg = self.last.msg_id().unwrap().to_string();
        let mut hdr = SyncHdr::new(
            &session,
            self.server_msg_id,
            "dev",
            "https://mdm.example/omadm",
        );
        hdr.target = Some(syncml::Location::uri(
            self.client.config().device_id.clone(),
        ));
        let mut all = vec![BodyNode::Command(Command::status(
            "1", client_msg, "0", "SyncHdr", 200,
        ))];
        all.extend(nodes);
        Message::new(
            hdr,
            SyncBody {
                attrs: Vec::new(),
                nodes: all,
                final_,
            },
        )
    }

    /// Sends commands in one final message and returns the reply.
    pub fn send(&mut self, cmds: Vec<Command>) -> Message {
        self.send_nodes(cmds.into_iter().map(BodyNode::Command).collect())
    }

    pub fn send_nodes(&mut self, nodes: Vec<BodyNode>) -> Message {
        let m = self.message(nodes, true);
        self.deliver(&m).expect("the client answers")
    }

    /// Delivers a message; remembers the reply.
    pub fn deliver(&mut self, m: &Message) -> Option<Message> {
        let reply = self.client.handle(m)?;
        self.last = reply.clone();
        Some(reply)
    }

    pub fn value(&self, uri: &str) -> Option<String> {
        self.client.tree().lookup(uri)?.text()
    }

    pub fn exists(&self, uri: &str) -> bool {
        self.client.tree().lookup(uri).is_some()
    }
}

/// (CmdRef, Cmd, code) of each Status, in order.
pub fn statuses(m: &Message) -> Vec<(String, String, u16)> {
    m.commands()
        .filter(|c| c.kind == CommandKind::Status)
        .map(|c| {
            (
                c.cmd_ref.clone().unwrap_or_default(),
                c.cmd.clone().unwrap_or_default(),
                c.code().unwrap_or(0),
            )
        })
        .collect()
}

/// The codes of the command Statuses (the SyncHdr Status left out), in order.
pub fn codes(m: &Message) -> Vec<u16> {
    statuses(m)
        .into_iter()
        .filter(|(_, cmd, _)| cmd != "SyncHdr")
        .map(|(_, _, c)| c)
        .collect()
}

pub fn results(m: &Message) -> Vec<&Command> {
    m.commands()
        .filter(|c| c.kind == CommandKind::Results)
        .collect()
}

pub fn alerts(m: &Message) -> Vec<u16> {
    m.commands()
        .filter(|c| c.kind == CommandKind::Alert)
        .filter_map(Command::code)
        .collect()
}

pub fn add(id: &str, uri: &str, value: &str) -> Command {
    Command::new(CommandKind::Add, id).with_item(Item::target(uri).with_data(value))
}

pub fn add_interior(id: &str, uri: &str) -> Command {
    Command::new(CommandKind::Add, id).with_item(Item::target(uri).with_meta(Meta::format("node")))
}

pub fn replace(id: &str, uri: &str, value: &str) -> Command {
    Command::new(CommandKind::Replace, id).with_item(Item::target(uri).with_data(value))
}

pub fn delete(id: &str, uri: &str) -> Command {
    Command::new(CommandKind::Delete, id).with_item(Item::target(uri))
}

pub fn get(id: &str, uri: &str) -> Command {
    Command::new(CommandKind::Get, id).with_item(Item::target(uri))
}

pub fn exec(id: &str, uri: &str, data: &str) -> Command {
    Command::new(CommandKind::Exec, id).with_item(Item::target(uri).with_data(data))
}

pub fn atomic(id: &str, children: Vec<Command>) -> Command {
    children
        .into_iter()
        .fold(Command::new(CommandKind::Atomic, id), Command::with_child)
}

pub fn sequence(id: &str, children: Vec<Command>) -> Command {
    children
        .into_iter()
        .fold(Command::new(CommandKind::Sequence, id), Command::with_child)
}

pub fn unknown(name: &str, cmd_id: &str) -> BodyNode {
    BodyNode::Unknown(Element::new(name).with_child(Element::text("CmdID", cmd_id)))
}

/// The single Data text of the first Results item.
pub fn result_text(m: &Message) -> String {
    results(m)[0].items[0].data.as_ref().unwrap().as_text()
}
