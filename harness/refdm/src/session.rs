//! The management session: package 1, answering server messages, message numbering,
//! multi-message packages, MaxMsgSize, session abort and authentication state.
//!
//! Rules (MS-MDM 2.2.6.1, OMA DM Protocol 1.2 §8, Windows "OMA DM protocol support"):
//! every reply opens with the Status for the server's SyncHdr (CmdRef 0, Cmd `SyncHdr`,
//! MsgRef = the server's MsgID), then one Status per command in request order, Results after
//! their Status; client MsgIDs start at 1 and grow by one; the SessionID stays; Final closes
//! a package, and only once the server's package is complete; when the server's package is
//! not final the client asks for the next message with Alert 1222; a server Alert 1223 ends
//! the session without an answer; a message holding only a successful SyncHdr Status is not
//! sent, which ends the session. Meta in the server's SyncHdr is ignored except MaxMsgSize,
//! which, like [`ClientConfig::max_msg_size`], bounds every reply: what does not fit waits
//! for the next message, and a Results value too large for any message goes out in chunks
//! (MoreData, Meta Size on the first chunk). A challenge (401 or 407 with Chal) for the
//! client's SyncHdr sends package 1 again with new credentials, at most twice a session.

use crate::auth;
use crate::commands::{Answer, Executor};
use crate::config::{AuthScheme, ClientConfig, SessionIdFormat};
use crate::faults::{Fault, Faults};
use crate::lob::PendingObject;
use crate::outbox::Outbox;
use crate::paths;
use crate::tree::{Node, Tree};
use crate::wire_size::{element_len, message_len};
use syncml::protocol::alert;
use syncml::tree::NS_MSFT;
use syncml::{
    Attribute, BodyNode, Chal, Command, CommandKind, Data, Item, Message, Meta, SyncBody, SyncHdr,
};

/// How often one session answers a challenge before giving up.
const MAX_CHALLENGES: u32 = 2;

/// A Generic Alert (1226) to send in the next session's package 1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenericAlert {
    /// Meta Type, a URN such as `com.microsoft:mdm.unenrollment.userrequest`.
    pub type_: String,
    /// Meta Format, e.g. `int` or `chr`.
    pub format: String,
    /// Meta Mark (`fatal`, `critical`, … `informational`), if any.
    pub mark: Option<String>,
    /// Source LocURI of the node the alert is about, if any.
    pub source: Option<String>,
    pub data: String,
}

#[derive(Debug)]
struct Session {
    id: String,
    last_msg_id: u32,
    package1: Vec<Command>,
    outbox: Outbox,
    lob: Option<PendingObject>,
    send_cred: bool,
    server_authenticated: bool,
    challenges: u32,
    server_max_msg_size: Option<usize>,
    /// The server's package is not complete: the client must not send Final.
    server_package_open: bool,
    /// The next message carries package 1 (at the start, or again after a challenge).
    package1_next: bool,
    /// The last message packed carried package 1.
    package1_sent: bool,
    /// The last RespURI the server gave in this session: where the next message goes.
    resp_uri: Option<String>,
}

/// What a client keeps from one session to the next besides its tree: the number of
/// its next session, the nonce for its next digest, and the nonce it last gave the server.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Carried {
    pub next_session: u16,
    pub client_nonce: Vec<u8>,
    pub server_nonce: Vec<u8>,
}

/// The reference DM client.
#[derive(Debug)]
pub struct Client {
    config: ClientConfig,
    faults: Faults,
    tree: Tree,
    session: Option<Session>,
    next_session: u16,
    queued_alerts: Vec<GenericAlert>,
    scheme: AuthScheme,
    client_nonce: Vec<u8>,
    server_nonce: Vec<u8>,
    nonce_counter: u64,
}

impl Client {
    pub fn new(config: ClientConfig, faults: Faults) -> Client {
        let server_nonce = config
            .server_auth
            .as_ref()
            .map(|s| s.nonce.clone())
            .unwrap_or_default();
        Client {
            tree: Tree::preloaded(&config),
            next_session: config.first_session_id.max(1),
            scheme: config.auth_scheme,
            client_nonce: config.client_nonce.clone(),
            server_nonce,
            config,
            faults,
            session: None,
            queued_alerts: Vec::new(),
            nonce_counter: 0,
        }
    }

    /// A client that goes on from where another of the same device stopped: its
    /// session counter and nonces are `carried`, the rest is made from `config` afresh
    /// (a device of a fleet keeps only these between sessions).
    pub fn resume(config: ClientConfig, faults: Faults, carried: &Carried) -> Client {
        let mut client = Client::new(config, faults);
        client.next_session = carried.next_session.max(1);
        client.client_nonce = carried.client_nonce.clone();
        client.server_nonce = carried.server_nonce.clone();
        client
    }

    /// What the next session of this device starts from: see [`Client::resume`].
    pub fn carried(&self) -> Carried {
        Carried {
            next_session: self.next_session,
            client_nonce: self.client_nonce.clone(),
            server_nonce: self.server_nonce.clone(),
        }
    }

    /// The management tree, read-only.
    pub fn tree(&self) -> &Tree {
        &self.tree
    }

    /// The configuration the client was made with.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// Whether a session is open.
    pub fn in_session(&self) -> bool {
        self.session.is_some()
    }

    /// Where the client sends its next message: the server's last RespURI in
    /// this session, or `None` for the URL the session was opened on.
    pub fn resp_uri(&self) -> Option<&str> {
        self.session.as_ref().and_then(|s| s.resp_uri.as_deref())
    }

    /// The path and query of the URL the next message goes to (`/dm?s=1` of
    /// `https://host/dm?s=1`): the RespURI, else the configured server URI.
    pub fn post_path(&self) -> String {
        let url = self.resp_uri().unwrap_or(&self.config.server_uri);
        let rest = url.split_once("://").map_or(url, |(_, r)| r);
        match rest.find(['/', '?']).map(|i| &rest[i..]) {
            Some(p) if p.starts_with('/') => p.to_string(),
            Some(query) => format!("/{query}"),
            None => "/".into(),
        }
    }

    /// Queues a Generic Alert (1226) for package 1 of the next session.
    pub fn queue_generic_alert(&mut self, alert: GenericAlert) {
        self.queued_alerts.push(alert);
    }

    /// The `x-syncml-hmac` header value for a message body the transport is about to send,
    /// when the client authenticates with HMAC.
    pub fn hmac_header(&self, body: &[u8]) -> Option<String> {
        let package1 = self.session.as_ref().is_none_or(|s| s.package1_sent);
        let dropped = self.faults.has(Fault::HmacOnlyFirstMessage) && !package1;
        (self.scheme == AuthScheme::Hmac && !dropped).then(|| {
            let mac = auth::hmac_mac(
                &self.config.user,
                &self.config.password,
                &self.client_nonce,
                body,
            );
            auth::hmac_header(&self.config.user, &mac)
        })
    }

    /// Starts a management session and returns package 1: Alert 1201, Alert 1224 LoginStatus,
    /// the queued Generic Alerts, and a Replace of ./DevInfo; credentials per the configuration.
    pub fn open_session(&mut self) -> Message {
        let number = self.next_session;
        self.next_session = self.next_session.checked_add(1).unwrap_or(1);
        let package1 = self.package1();
        self.session = Some(Session {
            id: self.session_id_text(number),
            last_msg_id: 0,
            outbox: Outbox::default(),
            package1,
            lob: None,
            send_cred: true,
            server_authenticated: false,
            challenges: 0,
            server_max_msg_size: None,
            server_package_open: false,
            package1_next: true,
            package1_sent: false,
            resp_uri: None,
        });
        let session = self.session.as_mut().expect("just opened");
        session.outbox.replace_all(session.package1.iter().cloned());
        self.pack(None, false)
    }

    /// Handles one server message; returns the reply, or `None` when the session ends.
    pub fn handle(&mut self, server: &Message) -> Option<Message> {
        let session = self.session.as_mut()?;
        let server_msg_id = server.msg_id().unwrap_or_default().trim().to_string();
        if let Some(max) = server
            .hdr
            .as_ref()
            .and_then(|h| h.meta.as_ref())
            .and_then(|m| m.max_msg_size.as_ref())
            .and_then(|s| s.trim().parse::<usize>().ok())
        {
            session.server_max_msg_size = Some(max);
        }
        let nodes: &[BodyNode] = server.body.as_ref().map_or(&[], |b| &b.nodes);
        let aborted = nodes
            .iter()
            .filter_map(BodyNode::command)
            .find(|c| c.kind == CommandKind::Alert && c.code() == Some(alert::SESSION_ABORT));
        if let Some(abort) = aborted {
            let answered = self.faults.has(Fault::AbortAnswered).then(|| {
                let status = status_cmd(&server_msg_id, "0", "SyncHdr", 200);
                let id = abort.cmd_id.clone().unwrap_or_default();
                let session = self.session.as_mut().expect("open");
                session
                    .outbox
                    .push(status_cmd(&server_msg_id, &id, "Alert", 200));
                self.pack(Some(status), false)
            });
            self.session = None;
            return answered;
        }
        if self.read_statuses(nodes) {
            return self.restart_after_challenge(&server_msg_id);
        }
        if let Some(uri) = server.hdr.as_ref().and_then(|h| h.resp_uri.as_deref())
            && !self.faults.has(Fault::IgnoreRespUri)
        {
            self.session.as_mut().expect("open").resp_uri = Some(uri.trim().to_string());
        }
        let nonce_in_force = self.server_nonce.clone();
        let (hdr_code, chal) = self.check_server(server);
        let answers = if hdr_code >= 400 {
            refuse(nodes, hdr_code)
        } else {
            self.execute(nodes, server.is_final())
        };
        let session = self.session.as_mut().expect("open");
        for a in answers {
            session.outbox.push(answer_cmd(a, &server_msg_id));
        }
        let next_message_request = nodes
            .iter()
            .filter_map(BodyNode::command)
            .any(|c| c.kind == CommandKind::Alert && c.code() == Some(alert::NEXT_MESSAGE));
        let ask_next = !server.is_final() && !next_message_request;
        session.server_package_open = ask_next;
        let nothing_to_say =
            matches!(hdr_code, 200 | 212) && session.outbox.is_empty() && !ask_next;
        if nothing_to_say {
            // The server never hears of a nonce the client does not send.
            self.server_nonce = nonce_in_force;
            self.session = None;
            return None;
        }
        let mut status = status_cmd(&server_msg_id, "0", "SyncHdr", hdr_code);
        status.chal = chal;
        Some(self.pack(Some(status), ask_next))
    }

    /// Reads the server's Statuses for the client's messages; true when the client's
    /// credentials were challenged.
    fn read_statuses(&mut self, nodes: &[BodyNode]) -> bool {
        let mut challenged = false;
        for s in nodes
            .iter()
            .filter_map(BodyNode::command)
            .filter(|c| c.kind == CommandKind::Status)
        {
            if s.cmd_ref.as_deref().map(str::trim) != Some("0") {
                continue;
            }
            if let Some(chal) = &s.chal {
                if let Some(scheme) = auth::challenged_scheme(chal) {
                    self.scheme = scheme;
                }
                if let Some(nonce) = auth::challenged_nonce(chal, &self.faults) {
                    self.client_nonce = nonce;
                }
            }
            let session = self.session.as_mut().expect("open");
            match s.code() {
                Some(212) => session.send_cred = false,
                Some(401 | 407) => challenged = true,
                _ => {}
            }
        }
        challenged
    }

    /// Sends package 1 again, with credentials, after the Status for the server's SyncHdr.
    fn restart_after_challenge(&mut self, server_msg_id: &str) -> Option<Message> {
        let session = self.session.as_mut().expect("open");
        session.challenges += 1;
        if session.challenges > MAX_CHALLENGES {
            self.session = None;
            return None;
        }
        session.send_cred = true;
        session.package1_next = true;
        session.outbox.replace_all(session.package1.iter().cloned());
        let status = status_cmd(server_msg_id, "0", "SyncHdr", 200);
        Some(self.pack(Some(status), false))
    }

    /// The code for the server's SyncHdr and the Chal to send with it.
    fn check_server(&mut self, server: &Message) -> (u16, Option<Chal>) {
        let Some(sa) = self.config.server_auth.clone() else {
            return (200, None);
        };
        if self.session.as_ref().expect("open").server_authenticated {
            return (200, None);
        }
        let cred = server.hdr.as_ref().and_then(|h| h.cred.as_ref());
        let code = auth::check_server(
            cred,
            &sa.server_id,
            &sa.password,
            &self.server_nonce,
            &self.faults,
        );
        self.nonce_counter += 1;
        self.server_nonce = auth::fresh_nonce(&self.config.device_id, self.nonce_counter);
        if code == 212 {
            self.session.as_mut().expect("open").server_authenticated = true;
        }
        (code, Some(auth::challenge(&self.server_nonce)))
    }

    fn execute(&mut self, nodes: &[BodyNode], server_final: bool) -> Vec<Answer> {
        let session = self.session.as_mut().expect("open");
        let mut ex = Executor {
            tree: &mut self.tree,
            faults: &self.faults,
            max_nodes: self.config.max_nodes,
            max_obj_size: self.config.max_obj_size,
            lob: session.lob.take(),
            depth: 0,
            answers: Vec::new(),
            accepted_async: Vec::new(),
        };
        ex.run_body(nodes);
        if server_final {
            ex.interrupt_lob();
        }
        session.lob = ex.lob.take();
        let accepted = std::mem::take(&mut ex.accepted_async);
        let answers = ex.answers;
        if !self.faults.has(Fault::NoGenericAlert) {
            self.queued_alerts
                .extend(accepted.into_iter().map(async_result_alert));
        }
        answers
    }

    fn package1(&mut self) -> Vec<Command> {
        let mut cmds = vec![Command::alert("", alert::CLIENT_INITIATED_MGMT)];
        let login = Item {
            meta: Some(Meta::format("chr").with_type("com.microsoft/MDM/LoginStatus")),
            data: Some(Data::text(self.config.login_status.clone())),
            ..Item::default()
        };
        cmds.push(Command::alert("", alert::CLIENT_EVENT).with_item(login));
        for a in self.queued_alerts.drain(..) {
            let mut meta = Meta::format(a.format).with_type(a.type_);
            meta.mark = a.mark;
            let item = Item {
                source: a.source.map(syncml::Location::uri),
                meta: Some(meta),
                data: Some(Data::text(a.data)),
                ..Item::default()
            };
            cmds.push(Command::alert("", alert::GENERIC).with_item(item));
        }
        let mut replace = Command::new(CommandKind::Replace, "");
        for uri in paths::DEVINFO_LEAVES {
            let value = self
                .tree
                .lookup(uri)
                .and_then(Node::text)
                .unwrap_or_default();
            replace.items.push(Item::source(uri).with_data(value));
        }
        cmds.push(replace);
        cmds
    }

    fn sync_application_major(&self) -> u32 {
        self.tree
            .lookup(&paths::sync_application_version(&self.config.provider_id))
            .and_then(Node::text)
            .and_then(|v| v.trim().split('.').next()?.parse().ok())
            .unwrap_or(1)
    }

    fn session_id_text(&self, number: u16) -> String {
        let hex = match self.config.session_id_format {
            SessionIdFormat::Decimal => false,
            SessionIdFormat::Hex => true,
            SessionIdFormat::FollowSyncApplicationVersion => self.sync_application_major() >= 2,
        };
        if hex {
            format!("{number:X}")
        } else {
            // At most 4 bytes (MS-MDM 2.2.3.8) in decimal too: 1 to 9999, then 1 again.
            ((u32::from(number) - 1) % 9999 + 1).to_string()
        }
    }

    /// Writes the next client message: the SyncHdr Status (when answering), as much of the
    /// outbox as fits, Alert 1222 when asking for the server's next message, Final when due.
    fn pack(&mut self, synchdr_status: Option<Command>, ask_next: bool) -> Message {
        let msft = self.sync_application_major() >= 3;
        let cred = auth::client_cred(
            self.scheme,
            &self.config.user,
            &self.config.password,
            &self.client_nonce,
            &self.faults,
        );
        let faults = &self.faults;
        let session = self.session.as_mut().expect("open");
        session.last_msg_id = session.last_msg_id.saturating_add(1);
        let msg_id = if faults.has(Fault::MsgIdStuck) {
            1
        } else {
            session.last_msg_id
        };
        let session_id = if faults.has(Fault::SessionIdChanged) {
            format!("{}{}", session.id, session.last_msg_id)
        } else {
            session.id.clone()
        };
        let mut hdr = SyncHdr::new(
            &session_id,
            msg_id,
            &self.config.server_uri,
            &self.config.device_id,
        );
        let package1 = std::mem::take(&mut session.package1_next);
        session.package1_sent = package1;
        let cred_dropped = faults.has(Fault::CredOnlyFirstMessage) && !package1;
        if session.send_cred && cred.is_some() && !cred_dropped {
            hdr.cred = cred;
            if self.scheme == AuthScheme::Md5
                && let Some(src) = hdr.source.as_mut()
            {
                src.loc_name = Some(self.config.user.clone());
            }
        }
        let mut body = SyncBody {
            attrs: Vec::new(),
            nodes: Vec::new(),
            final_: false,
        };
        if msft {
            body.attrs.push(Attribute {
                name: "xmlns:msft".into(),
                value: NS_MSFT.into(),
            });
        }
        let mut msg = Message::new(hdr, body);
        let limit = [self.config.max_msg_size, session.server_max_msg_size]
            .into_iter()
            .flatten()
            .min()
            .filter(|_| !faults.has(Fault::MaxMsgSizeIgnored));
        let mut body_nodes: Vec<Command> = synchdr_status.into_iter().collect();
        for (i, c) in body_nodes.iter_mut().enumerate() {
            c.cmd_id = Some((i + 1).to_string());
        }
        let reserve = if ask_next {
            element_len(&Command::alert("9999", alert::NEXT_MESSAGE).to_element())
        } else {
            0
        };
        // Measured with Final in place: the body is then written open and closed, as it will be.
        msg.body.as_mut().expect("built above").final_ = true;
        let used = message_len(&msg)
            + body_nodes
                .iter()
                .map(|c| element_len(&c.to_element()))
                .sum::<usize>();
        let repeat_meta = !faults.has(Fault::LobBareChunks);
        session
            .outbox
            .fill(&mut body_nodes, used, limit, reserve, repeat_meta);
        if ask_next {
            body_nodes.push(Command::alert("", alert::NEXT_MESSAGE));
        }
        for (i, c) in body_nodes.iter_mut().enumerate() {
            c.cmd_id = Some((i + 1).to_string());
        }
        let final_ = session.outbox.is_empty()
            && !session.server_package_open
            && !faults.has(Fault::NoFinal);
        apply_status_faults(faults, &mut body_nodes, msg_id);
        let body = msg.body.as_mut().expect("built above");
        body.nodes = body_nodes.into_iter().map(BodyNode::Command).collect();
        body.final_ = final_;
        msg
    }
}

/// The Generic Alert reporting a finished asynchronous Exec: the node as Source, the
/// Exec's Data as the result.
fn async_result_alert(data: Vec<u8>) -> GenericAlert {
    GenericAlert {
        type_: paths::ASYNC_RESULT_TYPE.into(),
        format: "chr".into(),
        mark: None,
        source: Some(paths::EXEC_ASYNC.into()),
        data: String::from_utf8_lossy(&data).into_owned(),
    }
}

fn status_cmd(msg_ref: &str, cmd_ref: &str, cmd: &str, code: u16) -> Command {
    Command::status("", msg_ref, cmd_ref, cmd, code)
}

/// Answers every command of an unauthenticated message with the SyncHdr's code, running none.
fn refuse(nodes: &[BodyNode], code: u16) -> Vec<Answer> {
    nodes
        .iter()
        .filter(|n| !matches!(n, BodyNode::Command(c) if matches!(c.kind, CommandKind::Status | CommandKind::Results)))
        .map(|n| {
            let cmd_ref = match n {
                BodyNode::Command(c) => c.cmd_id.clone(),
                BodyNode::Unknown(e) => e.child("CmdID").map(syncml::Element::text_content),
            };
            Answer::Status(crate::commands::StatusAnswer {
                cmd_ref,
                cmd: n.name().to_string(),
                code,
                target_ref: None,
            })
        })
        .collect()
}

fn answer_cmd(a: Answer, msg_ref: &str) -> Command {
    match a {
        Answer::Status(s) => {
            let mut c = Command::status(
                "",
                msg_ref,
                s.cmd_ref.unwrap_or_default().trim(),
                s.cmd,
                s.code,
            );
            c.target_refs.extend(s.target_ref);
            c
        }
        Answer::Results { cmd_ref, items } => {
            let mut r = Command::new(CommandKind::Results, "");
            r.msg_ref = Some(msg_ref.to_string());
            r.cmd_ref = Some(cmd_ref);
            r.cmd = Some("Get".into());
            r.items = items;
            r
        }
        Answer::Alert(a) => *a,
    }
}

/// The deviations that reorder or mislabel Statuses.
fn apply_status_faults(faults: &Faults, nodes: &mut [Command], msg_id: u32) {
    let is_status = |c: &Command| c.kind == CommandKind::Status;
    if faults.has(Fault::WrongMsgRef) {
        for c in nodes
            .iter_mut()
            .filter(|c| is_status(c) || c.kind == CommandKind::Results)
        {
            c.msg_ref = Some(msg_id.to_string());
        }
    }
    if faults.has(Fault::WrongCmdRef) {
        for c in nodes
            .iter_mut()
            .filter(|c| is_status(c) && c.cmd.as_deref() != Some("SyncHdr"))
        {
            let r = c.cmd_ref.clone().unwrap_or_default();
            c.cmd_ref = Some(match r.parse::<u64>().ok().and_then(|n| n.checked_add(1)) {
                Some(n) => n.to_string(),
                None => format!("{r}1"),
            });
        }
    }
    if faults.has(Fault::StatusCmdLowercase) {
        for c in nodes
            .iter_mut()
            .filter(|c| is_status(c) && c.cmd.as_deref() != Some("SyncHdr"))
        {
            c.cmd = c.cmd.as_deref().map(str::to_lowercase);
        }
    }
    let statuses: Vec<usize> = (0..nodes.len()).filter(|&i| is_status(&nodes[i])).collect();
    if faults.has(Fault::StatusOrderReversed) {
        let cmd_statuses: Vec<usize> = statuses
            .iter()
            .copied()
            .filter(|&i| nodes[i].cmd.as_deref() != Some("SyncHdr"))
            .collect();
        let mut reversed: Vec<Command> = cmd_statuses
            .iter()
            .rev()
            .map(|&i| nodes[i].clone())
            .collect();
        for (&i, c) in cmd_statuses.iter().zip(reversed.drain(..)) {
            nodes[i] = c;
        }
    }
    if faults.has(Fault::SyncHdrStatusLast)
        && let (Some(&first), Some(&last)) = (statuses.first(), statuses.last())
        && nodes[first].cmd.as_deref() == Some("SyncHdr")
    {
        nodes[first..=last].rotate_left(1);
    }
}
