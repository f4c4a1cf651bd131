//! The DM commands: the kinds of OMA DM 1.2 and the one [`Command`] struct that
//! holds any of them, with its constructors and accessors.

use super::{BodyNode, Chal, Cred, Data, Item, Meta};
use crate::tree::Element;
use std::fmt;

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
