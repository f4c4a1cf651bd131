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
