//! A management session from the client's side: package 1, then one reply per
//! server message (the Status for the SyncHdr first, then a Status, and for a
//! Get its Results, per command in order), until the server has nothing more
//! to ask or aborts.

use crate::commands::{self, Answer};
use crate::device::Device;
use crate::status;
use crate::tree::Tree;
use syncml::{BodyNode, Command, CommandKind, Data, Item, Message, Meta, SyncBody, SyncHdr};

/// The DM client: a device, its tree, and the session in progress.
pub struct TinyClient {
    pub(crate) device: Device,
    tree: Tree,
    sessions_opened: u32,
    session_id: String,
    next_msg_id: u32,
    /// Whom the replies go to: the server's Source LocURI once it has spoken.
    server: String,
}

impl TinyClient {
    /// A client on this device, its tree as at start-up.
    pub fn new(device: Device) -> TinyClient {
        TinyClient {
            tree: device.initial_tree(),
            server: device.server_uri.clone(),
            device,
            sessions_opened: 0,
            session_id: String::new(),
            next_msg_id: 1,
        }
    }

    /// Opens a session: package 1 with Alert 1201 (client-initiated), the
    /// Windows LoginStatus alert, and a Replace of ./DevInfo.
    pub fn start_session(&mut self) -> Message {
        self.sessions_opened += 1;
        self.session_id = self.sessions_opened.to_string();
        self.next_msg_id = 1;
        self.server = self.device.server_uri.clone();

        let login_status = Item {
            meta: Some(Meta::default().with_type("com.microsoft/MDM/LoginStatus")),
            data: Some(Data::text("user")),
            ..Item::default()
        };
        let mut dev_info = Command::new(CommandKind::Replace, "3");
        for (name, value) in self.device.dev_info() {
            dev_info.items.push(
                Item::source(format!("./DevInfo/{name}"))
                    .with_meta(Meta::format("chr"))
                    .with_data(value),
            );
        }
        let commands = vec![
            Command::alert("1", 1201),
            Command::alert("2", 1224).with_item(login_status),
            dev_info,
        ];
        self.message(commands, true)
    }

    /// The reply to a server message, or `None` when the session ends: the
    /// server sent only Statuses in a final message, aborted (Alert 1223), or
    /// challenged the client for credentials, which this client does not have.
    pub fn answer(&mut self, server: &Message) -> Option<Message> {
        let hdr = server.hdr.clone().unwrap_or_default();
        if let Some(source) = hdr.source.and_then(|s| s.loc_uri) {
            self.server = source.trim().to_string();
        }
        if server.commands().any(is_challenge) {
            return None;
        }
        let mut reply = Reply::new(server.msg_id().unwrap_or("").trim());
        reply.status("0", "SyncHdr", status::OK);
        let mut asked = false;
        for node in server.body.iter().flat_map(|b| b.nodes.iter()) {
            match node {
                BodyNode::Unknown(element) => {
                    let cmd_ref = element.child("CmdID").map(|c| c.text_content());
                    let cmd_ref = cmd_ref.as_deref().unwrap_or("").trim();
                    reply.status(cmd_ref, element.local_name(), status::BAD_REQUEST);
                    asked = true;
                }
                BodyNode::Command(c) => match c.kind {
                    CommandKind::Status | CommandKind::Results => {}
                    CommandKind::Alert if c.code() == Some(1223) => return None,
                    _ => {
                        self.run(c, &mut reply);
                        asked = true;
                    }
                },
            }
        }
        let complete = server.is_final();
        if complete && !asked {
            return None;
        }
        if !complete {
            // The server's package goes on: ask for its next message.
            reply.alert(1222);
        }
        Some(self.message(reply.commands, complete))
    }

    /// Answers one command into the reply.
    fn run(&mut self, command: &Command, reply: &mut Reply) {
        let name = command.kind.name();
        let Some(cmd_id) = command.cmd_id.as_deref().map(str::trim) else {
            reply.status("", name, status::BAD_REQUEST);
            return;
        };
        if command.kind.is_container() {
            // Atomic and Sequence are not implemented: nothing inside runs.
            reply.status(cmd_id, name, status::OPTIONAL_FEATURE_NOT_SUPPORTED);
            for child in &command.children {
                let (child_id, child_name, code) = match child {
                    BodyNode::Command(c) => (
                        c.cmd_id.clone().unwrap_or_default(),
                        c.kind.name(),
                        status::NOT_EXECUTED,
                    ),
                    BodyNode::Unknown(e) => (
                        e.child("CmdID")
                            .map(|c| c.text_content())
                            .unwrap_or_default(),
                        e.local_name(),
                        status::BAD_REQUEST,
                    ),
                };
                reply.status(child_id.trim(), child_name, code);
            }
            return;
        }
        let Answer { code, results } =
            commands::execute(command, &mut self.tree, &self.device.uri_limits);
        reply.status(cmd_id, name, code);
        if !results.is_empty() {
            reply.results(cmd_id, results);
        }
    }

    /// A client message of this session with the next MsgID.
    fn message(&mut self, commands: Vec<Command>, complete: bool) -> Message {
        let hdr = SyncHdr::new(
            &self.session_id,
            self.next_msg_id,
            &self.server,
            &self.device.dev_id,
        );
        self.next_msg_id += 1;
        let mut body = SyncBody::with_commands(commands);
        body.final_ = complete;
        Message::new(hdr, body)
    }
}

/// A Status for the SyncHdr asking for credentials (401 or 407).
fn is_challenge(c: &Command) -> bool {
    c.kind == CommandKind::Status
        && c.cmd_ref.as_deref().map(str::trim) == Some("0")
        && matches!(c.code(), Some(401 | 407))
}

/// The commands of a reply being built, numbered from 1.
struct Reply {
    msg_ref: String,
    commands: Vec<Command>,
}

impl Reply {
    fn new(msg_ref: &str) -> Reply {
        Reply {
            msg_ref: msg_ref.to_string(),
            commands: Vec::new(),
        }
    }

    fn next_id(&self) -> String {
        (self.commands.len() + 1).to_string()
    }

    fn status(&mut self, cmd_ref: &str, cmd: &str, code: u16) {
        let s = Command::status(self.next_id(), self.msg_ref.as_str(), cmd_ref, cmd, code);
        self.commands.push(s);
    }

    fn results(&mut self, cmd_ref: &str, items: Vec<Item>) {
        let mut r = Command::new(CommandKind::Results, self.next_id());
        r.msg_ref = Some(self.msg_ref.clone());
        r.cmd_ref = Some(cmd_ref.to_string());
        r.items = items;
        self.commands.push(r);
    }

    fn alert(&mut self, code: u16) {
        self.commands.push(Command::alert(self.next_id(), code));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use syncml::tree::Element;

    fn server_message(msg_id: u32, nodes: Vec<BodyNode>, complete: bool) -> Message {
        let hdr = SyncHdr::new("1", msg_id, "TINYDM-0001", "https://dm.example/omadm");
        let mut body = SyncBody::with_commands(Vec::new());
        body.nodes = nodes;
        body.final_ = complete;
        Message::new(hdr, body)
    }

    fn statuses(m: &Message) -> Vec<(String, String, u16)> {
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

    fn get(cmd_id: &str, uri: &str) -> BodyNode {
        BodyNode::Command(Command::new(CommandKind::Get, cmd_id).with_item(Item::target(uri)))
    }

    #[test]
    fn package_1_opens_with_1201_login_status_and_devinfo() {
        let mut client = TinyClient::new(Device::default());
        let first = client.start_session();
        assert_eq!(first.msg_id(), Some("1"));
        assert!(first.is_final());
        let source = first.hdr.as_ref().and_then(|h| h.source.clone());
        assert_eq!(
            source.and_then(|s| s.loc_uri).as_deref(),
            Some("TINYDM-0001")
        );
        let kinds: Vec<(CommandKind, Option<u16>)> =
            first.commands().map(|c| (c.kind, c.code())).collect();
        assert_eq!(
            kinds,
            [
                (CommandKind::Alert, Some(1201)),
                (CommandKind::Alert, Some(1224)),
                (CommandKind::Replace, None),
            ]
        );
        let replaced: Vec<&str> = first
            .commands()
            .nth(2)
            .unwrap()
            .items
            .iter()
            .filter_map(Item::source_uri)
            .collect();
        assert_eq!(
            replaced,
            [
                "./DevInfo/DevId",
                "./DevInfo/Man",
                "./DevInfo/Mod",
                "./DevInfo/DmV",
                "./DevInfo/Lang"
            ]
        );
    }

    #[test]
    fn every_command_is_answered_in_order_after_the_synchdr() {
        let mut client = TinyClient::new(Device::default());
        client.start_session();
        let mut no_id =
            Command::new(CommandKind::Get, "x").with_item(Item::target("./DevDetail/SwV"));
        no_id.cmd_id = None;
        let atomic = Command::new(CommandKind::Atomic, "4")
            .with_child(Command::new(CommandKind::Delete, "5").with_item(Item::target("./a")));
        let unknown = Element::new("Frobnicate").with_child(Element::text("CmdID", "6"));
        let message = server_message(
            7,
            vec![
                get("2", "./DevDetail/SwV"),
                BodyNode::Command(no_id),
                BodyNode::Command(atomic),
                BodyNode::Unknown(unknown),
            ],
            true,
        );
        let reply = client.answer(&message).expect("a reply");
        assert_eq!(reply.msg_id(), Some("2"));
        let want = [
            ("0", "SyncHdr", 200),
            ("2", "Get", 200),
            ("", "Get", 400),
            ("4", "Atomic", 406),
            ("5", "Delete", 215),
            ("6", "Frobnicate", 400),
        ];
        let want: Vec<(String, String, u16)> = want
            .iter()
            .map(|(r, c, s)| (r.to_string(), c.to_string(), *s))
            .collect();
        assert_eq!(statuses(&reply), want);
        assert!(reply.commands().all(|c| c.msg_ref.as_deref() == Some("7")));
        let results = reply
            .commands()
            .find(|c| c.kind == CommandKind::Results)
            .unwrap();
        assert_eq!(results.items[0].data.as_ref().unwrap().as_text(), "0.1.0");
        assert!(reply.is_final());
    }

    #[test]
    fn an_unfinished_server_package_is_asked_to_go_on() {
        let mut client = TinyClient::new(Device::default());
        client.start_session();
        let reply = client
            .answer(&server_message(2, vec![get("2", "./DevInfo/Man")], false))
            .unwrap();
        assert!(!reply.is_final());
        assert_eq!(reply.commands().last().and_then(Command::code), Some(1222));
    }

    #[test]
    fn the_session_ends_when_the_server_has_nothing_to_ask() {
        let mut client = TinyClient::new(Device::default());
        client.start_session();
        let synchdr_ok = BodyNode::Command(Command::status("1", "1", "0", "SyncHdr", 200));
        assert_eq!(
            client.answer(&server_message(2, vec![synchdr_ok], true)),
            None
        );

        let abort = BodyNode::Command(Command::alert("2", 1223));
        assert_eq!(
            client.answer(&server_message(3, vec![abort, get("3", ".")], true)),
            None
        );

        let challenge = BodyNode::Command(Command::status("1", "1", "0", "SyncHdr", 401));
        assert_eq!(
            client.answer(&server_message(4, vec![challenge, get("2", ".")], true)),
            None
        );
    }
}
