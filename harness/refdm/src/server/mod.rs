//! The reference DM server: it accepts package 1 (Alert 1201 or 1200, Replace of
//! ./DevInfo, credentials), challenges missing or wrong credentials with 407 or 401 and
//! a Chal, answers every client message with the Status for its SyncHdr first (CmdRef 0,
//! MsgRef = the client's MsgID) and one Status per command in order, runs its management
//! script one message at a time, asks for the rest of a client package with Alert 1222,
//! records the values of the client's Results (one without MsgRef answers its message 1),
//! acknowledges Generic Alerts (1226) with 200 when it supports their Type and Format
//! (415 otherwise), and ends the session with a message of
//! Statuses and Final only. Its MsgIDs start at 1 and grow by one; it keeps the client's
//! SessionID, and names a RespURI when its configuration gives one. Like the client it
//! works on typed [`syncml::Message`]s ([`wire`] turns HTTP bodies into them and back);
//! [`ServerFault`] switches make it break one rule each.
//!
//! It keeps one session per device (the SyncHdr Source of the client's messages), so
//! that many devices can be in session at once; a new session of a device replaces its
//! last one, and past [`MAX_SESSIONS`] the oldest opened is forgotten.
//!
//! Credentials of another type than the one it challenged for end the session (401 with
//! the same Chal, Statuses and Final only); unprompted, either Basic or MD5 is accepted
//! unless the account takes only its own scheme. Without an account it asks for no
//! SyncML credentials (a server that authenticates devices by their TLS client
//! certificate). Its configuration can also make it answer right credentials 200 and
//! check them in every message, hand out a new MD5 nonce in every Chal, and read
//! SessionIDs as decimal numbers only.
//!
//! Choices where the sources name no code: an Alert other than 1200, 1201, 1222, 1224 or
//! 1226 gets 406; a Replace outside ./DevInfo gets 405; any other client command gets 406.

mod faults;
mod script;
pub mod wire;

pub use faults::{ServerFault, ServerFaults};
pub use script::{Account, PROVISIONING_XML, ScriptCommand, ServerConfig};

use crate::auth;
use crate::config::AuthScheme;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use std::collections::{BTreeMap, HashMap, VecDeque};
use syncml::protocol::{AUTH_BASIC, AUTH_MD5, alert};
use syncml::{Chal, Command, CommandKind, Data, Item, Message, Meta, MetaValue, SyncBody, SyncHdr};

/// The state of one management session.
#[derive(Debug, Default)]
struct Session {
    /// When it was opened, in sessions opened by the server.
    opened: u64,
    id: String,
    device: String,
    /// The MsgID of the server's last message.
    last_msg_id: u32,
    authenticated: bool,
    /// The authentication type (Meta Type) of the last Chal sent.
    challenged: Option<&'static str>,
    /// The next entry of the script to send.
    script_pos: usize,
    /// Commands sent whose Status has not come back, by CmdID.
    outstanding: BTreeMap<String, CommandKind>,
    /// ./DevInfo values the client reported.
    dev_info: BTreeMap<String, String>,
    /// Results the client returned, by source URI.
    results: BTreeMap<String, String>,
}

/// The reference DM server.
#[derive(Debug)]
pub struct Server {
    config: ServerConfig,
    faults: ServerFaults,
    /// The open session of each device, by device.
    sessions: HashMap<String, Session>,
    /// The devices in the order their sessions were opened, with the session's
    /// `opened`: the oldest is forgotten first.
    opening_order: VecDeque<(u64, String)>,
    /// How many sessions the server has opened.
    sessions_opened: u64,
    /// The device of the last message handled: the one [`Server::dev_info`] and
    /// [`Server::results`] speak of.
    last_device: Option<String>,
    /// The nonce each device's next MD5 digest must use, by device, when nonces rotate.
    nonces: BTreeMap<String, Vec<u8>>,
    /// How many nonces the server has made.
    nonces_made: u64,
}

impl Server {
    pub fn new(config: ServerConfig, faults: ServerFaults) -> Server {
        Server {
            config,
            faults,
            sessions: HashMap::new(),
            opening_order: VecDeque::new(),
            sessions_opened: 0,
            last_device: None,
            nonces: BTreeMap::new(),
            nonces_made: 0,
        }
    }

    /// Why the server does not answer a client message at all, if it does not: with
    /// `decimal_session_ids`, a SessionID that is not a decimal number (a server written
    /// for Windows clients fails on it; over HTTP it answers 500).
    pub fn refusal(&self, client: &Message) -> Option<String> {
        if !self.config.decimal_session_ids {
            return None;
        }
        let id = client
            .hdr
            .as_ref()
            .and_then(|h| h.session_id.as_deref())
            .unwrap_or("")
            .trim();
        id.parse::<u64>()
            .is_err()
            .then(|| format!("SessionID {id:?} is not a decimal number"))
    }

    /// The nonce the device's next MD5 digest must use.
    pub fn nonce_for(&self, device: &str) -> &[u8] {
        self.nonces.get(device).unwrap_or(&self.config.nonce)
    }

    /// The switches the server runs with (the transport honours `wrong-content-type`).
    pub fn faults(&self) -> &ServerFaults {
        &self.faults
    }

    /// The session of the device of the last message handled, while it is open.
    fn last_session(&self) -> Option<&Session> {
        self.sessions.get(self.last_device.as_deref()?)
    }

    /// The ./DevInfo values the client reported in this session (the one of the
    /// device of the last message handled).
    pub fn dev_info(&self) -> Option<&BTreeMap<String, String>> {
        self.last_session().map(|s| &s.dev_info)
    }

    /// Results the client returned in this session, by source URI.
    pub fn results(&self) -> Option<&BTreeMap<String, String>> {
        self.last_session().map(|s| &s.results)
    }

    /// Whether the device of the last message handled is in session.
    pub fn in_session(&self) -> bool {
        self.last_session().is_some()
    }

    /// How many devices are in session.
    pub fn open_sessions(&self) -> usize {
        self.sessions.len()
    }

    /// Keeps a device's session, forgetting the oldest opened past [`MAX_SESSIONS`].
    fn keep(&mut self, device: String, session: Session) {
        if self.sessions.len() >= MAX_SESSIONS && !self.sessions.contains_key(&device) {
            while let Some((opened, oldest)) = self.opening_order.pop_front() {
                if self
                    .sessions
                    .get(&oldest)
                    .is_some_and(|s| s.opened == opened)
                {
                    self.sessions.remove(&oldest);
                    break;
                }
            }
        }
        self.sessions.insert(device, session);
        // Entries of sessions replaced since are dropped once they are half the queue.
        if self.opening_order.len() > 2 * MAX_SESSIONS.max(self.sessions.len()) {
            let sessions = &self.sessions;
            self.opening_order
                .retain(|(opened, d)| sessions.get(d).is_some_and(|s| s.opened == *opened));
        }
    }

    /// Handles one client message and returns the server's reply. A message of Statuses
    /// and Final only ends the session.
    pub fn handle(&mut self, client: &Message) -> Message {
        let hdr = client.hdr.clone().unwrap_or_default();
        let session_id = hdr.session_id.clone().unwrap_or_default();
        let opens = client.commands().any(|c| {
            c.kind == CommandKind::Alert
                && matches!(
                    c.code(),
                    Some(alert::SERVER_INITIATED_MGMT | alert::CLIENT_INITIATED_MGMT)
                )
        });
        let device = hdr
            .source
            .as_ref()
            .and_then(|s| s.loc_uri.clone())
            .unwrap_or_default();
        let mut session = match self.sessions.remove(&device) {
            Some(s) if s.id == session_id && !(opens && s.script_pos > 0) => s,
            _ => {
                self.sessions_opened += 1;
                self.opening_order
                    .push_back((self.sessions_opened, device.clone()));
                Session {
                    opened: self.sessions_opened,
                    id: session_id.clone(),
                    device: device.clone(),
                    ..Session::default()
                }
            }
        };
        self.last_device = Some(device.clone());
        let Auth {
            code: hdr_code,
            chal,
            terminate,
        } = self.authenticate(&hdr, &session);
        let faults = self.faults.clone();
        let account_ok = hdr_code == 200 || hdr_code == 212;
        let session = &mut session;
        if account_ok {
            session.authenticated = true;
        }
        if let Some(c) = &chal {
            session.challenged = challenge_type(c);
        }
        session.last_msg_id = if faults.has(ServerFault::MsgIdStuck) {
            1
        } else {
            session.last_msg_id + 1
        };
        let msg_id = session.last_msg_id;
        let client_msg_id = client.msg_id().unwrap_or("1").trim().to_string();
        let msg_ref = if faults.has(ServerFault::WrongMsgRef) {
            "1".to_string()
        } else {
            client_msg_id
        };

        let mut next_id = 0u32;
        let mut take_id = || {
            next_id += 1;
            next_id.to_string()
        };
        let mut body = Vec::new();
        if !faults.has(ServerFault::SyncHdrStatusMissing) {
            let mut st = Command::status(take_id(), msg_ref.clone(), "0", "SyncHdr", hdr_code);
            st.chal = chal;
            body.push(st);
        }
        let mut statuses = Vec::new();
        for c in client.commands() {
            match c.kind {
                CommandKind::Status => {
                    if let Some(r) = c.cmd_ref.as_deref() {
                        session.outstanding.remove(r.trim());
                    }
                    continue;
                }
                CommandKind::Results => {
                    let cmd_id = c.cmd_id.as_deref().unwrap_or("").trim().to_string();
                    if c.msg_ref.is_none() && faults.has(ServerFault::ResultsMsgRefRequired) {
                        statuses.push((cmd_id, c.kind.name(), 400));
                        continue;
                    }
                    for i in &c.items {
                        if let Some(uri) = i.source_uri() {
                            let v = i.data.as_ref().map(Data::as_text).unwrap_or_default();
                            session.results.insert(uri.to_string(), v);
                        }
                    }
                    if faults.has(ServerFault::StatusForResults) {
                        statuses.push((cmd_id, c.kind.name(), 200));
                    }
                    continue;
                }
                _ => {}
            }
            if c.no_resp {
                continue;
            }
            let code = if account_ok {
                command_code(c, session, &faults)
            } else {
                hdr_code
            };
            if c.kind == CommandKind::Alert
                && c.code() == Some(alert::GENERIC)
                && faults.has(ServerFault::GenericAlertUnacknowledged)
            {
                continue;
            }
            let cmd_id = c.cmd_id.as_deref().unwrap_or("").trim().to_string();
            let cmd_ref = match cmd_id.parse::<u64>() {
                Ok(n) if faults.has(ServerFault::WrongCmdRef) => n.wrapping_add(1).to_string(),
                _ => cmd_id,
            };
            statuses.push((cmd_ref, c.kind.name(), code));
        }
        if faults.has(ServerFault::StatusOrderSwapped) {
            statuses.reverse();
        }
        for (cmd_ref, cmd, code) in statuses {
            body.push(Command::status(
                take_id(),
                msg_ref.clone(),
                cmd_ref,
                cmd,
                code,
            ));
        }

        // A client message without Final either leaves the client's package open, or asks
        // with Alert 1222 for the rest of the server's package.
        let asks_more = client
            .commands()
            .any(|c| c.kind == CommandKind::Alert && c.code() == Some(alert::NEXT_MESSAGE));
        let client_final = client.is_final() || asks_more;
        let mut final_ = true;
        if !account_ok {
            // A refused message gets Statuses only; the client sends package 1 again.
        } else if !client_final && !faults.has(ServerFault::Ignore1222) {
            body.push(Command::alert(take_id(), alert::NEXT_MESSAGE));
            final_ = false;
            if faults.has(ServerFault::CommandsBeforeStatuses) && !session.outstanding.is_empty() {
                push_script(&self.config, &faults, session, &mut body, &mut take_id);
            }
        } else if session.outstanding.is_empty() || faults.has(ServerFault::CommandsBeforeStatuses)
        {
            push_script(&self.config, &faults, session, &mut body, &mut take_id);
        }
        if faults.has(ServerFault::NoFinal) {
            final_ = false;
        }
        let mut header = SyncHdr::new(
            &session.id,
            msg_id,
            &session.device,
            &self.config.server_uri,
        );
        header.resp_uri = self.config.resp_uri.as_ref().map(|base| {
            let id: String = session
                .id
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .collect();
            format!("{base}?s={id}")
        });
        let mut sync_body = SyncBody::with_commands(body);
        sync_body.final_ = final_;
        let reply = Message::new(header, sync_body);
        // When the session is over, a next message under its SessionID opens a new one.
        if !terminate {
            self.keep(device, std::mem::take(session));
        }
        reply
    }

    /// The code for the client's SyncHdr, the challenge to go with it, and whether the
    /// session ends: credentials of another type than the one challenged for end it
    /// (OMA DM Security 5.1.4.1), with 401 and the same challenge again.
    fn authenticate(&mut self, hdr: &SyncHdr, session: &Session) -> Auth {
        let accepted = |code| Auth {
            code,
            chal: None,
            terminate: false,
        };
        let Some(account) = self.config.account.clone() else {
            return accepted(200);
        };
        let device = session.device.clone();
        if !account.every_message && session.authenticated {
            return accepted(200);
        }
        let challenged = session.challenged;
        let verdict = match &hdr.cred {
            None => Err(407),
            Some(cred)
                if challenged.is_some_and(|t| Some(t) != cred_type(cred))
                    && !self.faults.has(ServerFault::AnyAuthType) =>
            {
                return Auth {
                    code: 401,
                    chal: Some(self.challenge(account.scheme, &device)),
                    terminate: true,
                };
            }
            Some(cred) => {
                let data = cred.data.as_ref().map(Data::as_text).unwrap_or_default();
                let type_ = cred
                    .meta
                    .as_ref()
                    .and_then(|m| m.type_.as_deref())
                    .unwrap_or("")
                    .trim();
                let user = hdr
                    .source
                    .as_ref()
                    .and_then(|s| s.loc_name.as_deref())
                    .unwrap_or(&account.user);
                let own = match account.scheme {
                    AuthScheme::Md5 => AUTH_MD5,
                    _ => AUTH_BASIC,
                };
                // Either scheme is accepted for the account unless it takes only its own;
                // MD5 against the nonce the device was last given.
                let expected = match type_ {
                    _ if account.own_scheme_only && type_ != own => None,
                    AUTH_MD5 if user == account.user => Some(auth::md5_digest(
                        &account.user,
                        &account.password,
                        self.nonce_for(&device),
                    )),
                    AUTH_BASIC => Some(auth::basic(&account.user, &account.password)),
                    _ => None,
                };
                if expected.is_some_and(|e| data.trim() == e) {
                    Ok(type_ == AUTH_MD5)
                } else {
                    Err(401)
                }
            }
        };
        let code = if account.every_message { 200 } else { 212 };
        match verdict {
            // A rotating server hands out the nonce of the next digest at once: for the
            // next message when it answers 200, for the next session when 212.
            Ok(true) if self.config.rotate_nonce => Auth {
                code,
                chal: Some(self.challenge(AuthScheme::Md5, &device)),
                terminate: false,
            },
            Ok(_) => accepted(code),
            Err(_) if self.faults.has(ServerFault::NoChallenge) => accepted(212),
            Err(code) => Auth {
                code,
                chal: Some(self.challenge(account.scheme, &device)),
                terminate: false,
            },
        }
    }

    /// A challenge for `scheme`; for MD5 with rotating nonces, a new nonce that the
    /// device's next digest must use.
    fn challenge(&mut self, scheme: AuthScheme, device: &str) -> Chal {
        let mut meta = Meta::format("b64");
        match scheme {
            AuthScheme::Md5 => {
                if self.config.rotate_nonce {
                    self.nonces_made += 1;
                    let nonce = auth::new_nonce(&self.config.nonce, self.nonces_made).to_vec();
                    self.nonces.insert(device.to_string(), nonce);
                }
                meta = meta.with_type(AUTH_MD5);
                meta.next_nonce = Some(MetaValue::Text(B64.encode(self.nonce_for(device))));
            }
            _ => meta = meta.with_type(AUTH_BASIC),
        }
        Chal { meta: Some(meta) }
    }
}

/// How many device sessions the server keeps open at most.
pub const MAX_SESSIONS: usize = 1 << 18;

/// How the server answers a client's credentials.
struct Auth {
    /// The Status code for the client's SyncHdr.
    code: u16,
    chal: Option<Chal>,
    /// The session ends with this reply.
    terminate: bool,
}

/// The authentication types the server challenges for.
const CHALLENGE_TYPES: &[&str] = &[AUTH_BASIC, AUTH_MD5];

/// The type a Chal asks for, when it is one the server challenges for.
fn challenge_type(chal: &Chal) -> Option<&'static str> {
    let t = chal.meta.as_ref()?.type_.as_deref()?.trim();
    CHALLENGE_TYPES.iter().copied().find(|c| *c == t)
}

/// The type of the client's credentials, when it is one the server challenges for.
fn cred_type(cred: &syncml::Cred) -> Option<&'static str> {
    let t = cred.meta.as_ref()?.type_.as_deref()?.trim();
    CHALLENGE_TYPES.iter().copied().find(|c| *c == t)
}

/// The Generic Alert Types, with their Formats, the server supports: the Windows
/// unenrollment request and the reference client's report of a finished Exec.
const GENERIC_ALERT_TYPES: &[(&str, &str)] = &[
    ("com.microsoft:mdm.unenrollment.userrequest", "int"),
    (crate::paths::ASYNC_RESULT_TYPE, "chr"),
];

/// A Generic Alert (1226) whose every Item has a Type and Format the server supports
/// gets 200; any other 415, as DM Protocol requires.
fn generic_alert_code(c: &Command, faults: &ServerFaults) -> u16 {
    let supported = |i: &Item| {
        let meta = i.meta.as_ref();
        let type_ = meta.and_then(|m| m.type_.as_deref()).map(str::trim);
        let format = meta.and_then(|m| m.format.as_deref()).map(str::trim);
        GENERIC_ALERT_TYPES
            .iter()
            .any(|(t, f)| type_ == Some(*t) && format == Some(*f))
    };
    if faults.has(ServerFault::GenericAlertAnyType) || c.items.iter().all(supported) {
        200
    } else {
        415
    }
}

/// The code for one client command.
fn command_code(c: &Command, session: &mut Session, faults: &ServerFaults) -> u16 {
    match c.kind {
        CommandKind::Alert => match c.code() {
            Some(alert::GENERIC) => generic_alert_code(c, faults),
            Some(
                alert::SERVER_INITIATED_MGMT
                | alert::CLIENT_INITIATED_MGMT
                | alert::NEXT_MESSAGE
                | alert::CLIENT_EVENT,
            ) => 200,
            _ => 406,
        },
        CommandKind::Replace => {
            let dev_info: Vec<(String, String)> = c
                .items
                .iter()
                .filter_map(|i| {
                    let uri = i.source_uri().or(i.target_uri())?.trim();
                    let path = uri.trim_start_matches("./");
                    (path == "DevInfo" || path.starts_with("DevInfo/")).then(|| {
                        let v = i.data.as_ref().map(Data::as_text).unwrap_or_default();
                        (uri.to_string(), v)
                    })
                })
                .collect();
            if dev_info.len() == c.items.len() && !dev_info.is_empty() {
                session.dev_info.extend(dev_info);
                200
            } else {
                405
            }
        }
        _ => 406,
    }
}

/// Appends the next entry of the script, if any, and notes its commands as outstanding.
fn push_script(
    config: &ServerConfig,
    faults: &ServerFaults,
    session: &mut Session,
    body: &mut Vec<Command>,
    take_id: &mut dyn FnMut() -> String,
) {
    let Some(entry) = config.script.get(session.script_pos) else {
        return;
    };
    session.script_pos += 1;
    for sc in entry {
        let c = script_command(sc, faults, take_id);
        session
            .outstanding
            .insert(c.cmd_id.clone().unwrap_or_default(), c.kind);
        for child in c.child_commands() {
            session
                .outstanding
                .insert(child.cmd_id.clone().unwrap_or_default(), child.kind);
        }
        body.push(c);
    }
}

fn script_command(
    sc: &ScriptCommand,
    faults: &ServerFaults,
    take_id: &mut dyn FnMut() -> String,
) -> Command {
    match sc {
        ScriptCommand::Get(uri) => {
            Command::new(CommandKind::Get, take_id()).with_item(Item::target(uri.clone()))
        }
        ScriptCommand::Replace { uri, data } => replace(take_id(), uri, data),
        ScriptCommand::Exec(uri) => {
            Command::new(CommandKind::Exec, take_id()).with_item(Item::target(uri.clone()))
        }
        ScriptCommand::Atomic(entries) => {
            let mut atomic = Command::new(CommandKind::Atomic, take_id());
            for (uri, data) in entries {
                atomic = atomic.with_child(replace(take_id(), uri, data));
            }
            if faults.has(ServerFault::GetInAtomic)
                && let Some((uri, _)) = entries.first()
            {
                atomic = atomic.with_child(
                    Command::new(CommandKind::Get, take_id()).with_item(Item::target(uri.clone())),
                );
            }
            atomic
        }
        ScriptCommand::Provision { uri, xml } => {
            let xml = if faults.has(ServerFault::MalformedProvisioning) {
                // The closing tag of the document is lost.
                xml.strip_suffix("</wap-provisioningdoc>")
                    .unwrap_or(xml)
                    .to_string()
            } else {
                xml.clone()
            };
            let item = Item::target(uri.clone()).with_data(xml);
            let item = if faults.has(ServerFault::AddWithoutFormat) {
                item
            } else {
                item.with_meta(Meta::format("xml").with_type("text/plain"))
            };
            Command::new(CommandKind::Add, take_id()).with_item(item)
        }
    }
}

fn replace(cmd_id: String, uri: &str, data: &str) -> Command {
    Command::new(CommandKind::Replace, cmd_id).with_item(Item::target(uri).with_data(data))
}
