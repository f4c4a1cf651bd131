//! The harness as DM client inside one server-role case: it builds each client
//! message (SyncHdr with the device identity and credentials, the Statuses and
//! Results owed for the server's last message, the case's commands, Alert 1222 and
//! no Final while the server's package is open, else Final), posts it in the
//! session's encoding and reads the server's reply, keeping the transcript.

use crate::checks::server::Outstanding;
use crate::codec;
use crate::profile::Device;
use crate::server::target::ServerTarget;
use crate::spec::Answer;
use crate::transcript::{Received, Sent, SessionError, all_cmd_ids, flatten, receive, record_sent};
use crate::verdict::Exchange;
use crate::wire::{Encoding, Wire};
use syncml::protocol;
use syncml::tree::Element;
use syncml::{Command, CommandKind, Cred, Data, Item, Meta};

/// How to build one client message.
#[derive(Clone, Debug, Default)]
pub struct ClientOutgoing {
    pub label: String,
    /// Commands after the Statuses.
    pub commands: Vec<Element>,
    pub not_final: bool,
    pub cred: Option<Cred>,
    /// The user id sent in the SyncHdr Source LocName with the credentials.
    pub user: Option<String>,
    pub answer: Answer,
}

/// One management session with the server under test.
pub struct ClientSession<'t> {
    target: &'t mut dyn ServerTarget,
    pub encoding: Encoding,
    device: Device,
    server_uri: String,
    session_id: String,
    next_msg_id: u32,
    pub transcript: Vec<Exchange>,
    /// The server's last message.
    pub last_server: Option<Received>,
    /// Server commands not answered yet.
    pub outstanding: Outstanding,
    /// Statuses of the server's last message held back for the next client message.
    held_back: Vec<Command>,
    /// The server ended the session (a message of Statuses and Final only that does not
    /// refuse the credentials).
    pub ended: bool,
    /// The server's last message refused the credentials (401 or 407 for the SyncHdr):
    /// the session goes on only if the client sends credentials again.
    pub refused: bool,
    /// How many Results the harness sent without MsgRef.
    pub results_without_msgref: usize,
}

impl<'t> ClientSession<'t> {
    pub fn new(
        target: &'t mut dyn ServerTarget,
        encoding: Encoding,
        device: &Device,
        server_uri: &str,
        session_id: &str,
    ) -> ClientSession<'t> {
        ClientSession {
            target,
            encoding,
            device: device.clone(),
            server_uri: server_uri.to_string(),
            session_id: session_id.to_string(),
            next_msg_id: 1,
            transcript: Vec::new(),
            last_server: None,
            outstanding: Outstanding::default(),
            held_back: Vec::new(),
            ended: false,
            refused: false,
            results_without_msgref: 0,
        }
    }

    pub fn session_id(&self) -> &str {
        &self.session_id
    }

    /// Builds, sends and records a client message; returns it with the server's reply.
    pub fn send(&mut self, out: ClientOutgoing) -> Result<(Sent, Received), SessionError> {
        let root = self.build(&out);
        self.next_msg_id += 1;
        let body = codec::encode(&root, self.encoding).map_err(SessionError::BadCase)?;
        let sent = record_sent(&mut self.transcript, &out.label, self.encoding, root, &body);
        let reply = self
            .target
            .send(Wire::new(self.encoding, body))
            .map_err(SessionError::Target)?;
        let r = receive(
            &mut self.transcript,
            &format!("{} (reply)", out.label),
            reply,
        )?;
        let m = &r.decoded.message;
        self.outstanding.expect(m);
        self.refused = m
            .synchdr_status()
            .is_some_and(|c| matches!(c.code(), Some(401 | 407)));
        self.ended = !self.refused
            && m.is_final()
            && m.commands()
                .all(|c| matches!(c.kind, CommandKind::Status | CommandKind::Results));
        self.last_server = Some(r.clone());
        Ok((sent, r))
    }

    /// The client message for `out`, answering the server's last message.
    fn build(&mut self, out: &ClientOutgoing) -> Element {
        let mut hdr = syncml::SyncHdr::new(
            &self.session_id,
            self.next_msg_id,
            &self.server_uri,
            &self.device.dev_id,
        );
        hdr.cred = out.cred.clone();
        if let (Some(source), Some(user)) = (hdr.source.as_mut(), &out.user) {
            source.loc_name = Some(user.clone());
        }
        let mut next_id = out.commands.iter().flat_map(all_cmd_ids).max().unwrap_or(0) + 1;
        let mut take_id = || {
            let id = next_id;
            next_id += 1;
            id.to_string()
        };
        let mut answers: Vec<Command> = std::mem::take(&mut self.held_back);
        if let Some(server) = &self.last_server {
            let m = &server.decoded.message;
            let msg_ref = m.msg_id().unwrap_or("1").trim().to_string();
            answers.push(Command::status("", msg_ref.clone(), "0", "SyncHdr", 200));
            for c in flatten(m.body.as_ref().map_or(&[][..], |b| &b.nodes)) {
                if matches!(c.kind, CommandKind::Status | CommandKind::Results) || c.no_resp {
                    continue;
                }
                let cmd_ref = c.cmd_id.as_deref().unwrap_or("").trim().to_string();
                answers.extend(self.answer(c, &msg_ref, &cmd_ref, out.answer));
            }
        }
        if out.answer == Answer::FirstHalf {
            let keep = (answers.len() / 2).max(1);
            self.held_back = answers.split_off(keep.min(answers.len()));
        }
        let mut body = Element::new("SyncBody");
        for mut a in answers {
            if a.kind == CommandKind::Results && a.msg_ref.is_none() {
                self.results_without_msgref += 1;
            }
            self.outstanding.answered(&a);
            a.cmd_id = Some(take_id());
            body.push(a.to_element());
        }
        for c in &out.commands {
            body.push(c.clone());
        }
        // A server message without Final that does not itself ask for the client's next
        // message leaves the server's package open: ask for the rest, and no Final.
        let server_package_open = self.last_server.as_ref().is_some_and(|r| {
            let m = &r.decoded.message;
            !m.is_final()
                && !m
                    .commands()
                    .any(|c| c.kind == CommandKind::Alert && c.code() == Some(1222))
        });
        if server_package_open {
            body.push(Command::alert(take_id(), 1222).to_element());
        }
        if !out.not_final && out.answer != Answer::FirstHalf && !server_package_open {
            body.push(Element::new("Final"));
        }
        Element::new("SyncML")
            .with_attr("xmlns", syncml::tree::NS_SYNCML12)
            .with_child(hdr.to_element())
            .with_child(body)
    }

    /// The Status (and Results) for one server command.
    fn answer(&self, c: &Command, msg_ref: &str, cmd_ref: &str, how: Answer) -> Vec<Command> {
        let value = (c.kind == CommandKind::Get)
            .then(|| {
                let uri = c
                    .items
                    .first()
                    .and_then(Item::target_uri)?
                    .trim()
                    .to_string();
                let v = self.device.dev_info().iter().find(|(u, _)| *u == uri)?.1;
                Some((uri, v.to_string()))
            })
            .flatten();
        let code = match how {
            Answer::Error => 500,
            _ if c.kind == CommandKind::Get && value.is_none() => 404,
            _ => 200,
        };
        let mut out = vec![Command::status("", msg_ref, cmd_ref, c.kind.name(), code)];
        if let (200, Some((uri, v))) = (code, value) {
            let mut results = Command::new(CommandKind::Results, "");
            let omit = how == Answer::ResultsWithoutMsgRef && msg_ref == "1";
            results.msg_ref = (!omit).then(|| msg_ref.to_string());
            results.cmd_ref = Some(cmd_ref.to_string());
            results.items.push(
                Item::source(uri)
                    .with_meta(Meta::format("chr"))
                    .with_data(v),
            );
            out.push(results);
        }
        out
    }
}

/// SyncHdr credentials for the device, from a user and password (and the nonce, for MD5).
pub fn credentials(scheme: CredScheme, user: &str, password: &str, nonce: &[u8]) -> Cred {
    let (type_, data) = match scheme {
        CredScheme::Basic => (
            protocol::AUTH_BASIC,
            crate::checks::named::basic_credential(user, password),
        ),
        CredScheme::Md5 => (
            protocol::AUTH_MD5,
            crate::checks::named::md5_credential(user, password, nonce),
        ),
    };
    Cred {
        meta: Some(Meta::format("b64").with_type(type_)),
        data: Some(Data::text(data)),
    }
}

/// The two credential schemes the harness, as DM client, can put in a SyncHdr.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CredScheme {
    Basic,
    Md5,
}
