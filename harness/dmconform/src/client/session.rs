//! The harness as DM server inside one case: it opens a session with the
//! client under test, builds each server message (SyncHdr, the Statuses owed
//! for the client's last message, the case's commands, Final; the server's
//! Cred when the profile gives server credentials), sends it in the session's
//! encoding and reads the reply, keeping the transcript.

use crate::client::Target;
use crate::client::server_auth::ServerAuth;
use crate::codec;
use crate::spec::Challenge;
use crate::transcript::{Received, Sent, SessionError, all_cmd_ids, receive, record_sent};
use crate::verdict::Exchange;
use crate::wire::{Encoding, Wire};
use syncml::protocol;
use syncml::tree::{Element, Node};
use syncml::{Chal, Command, CommandKind, Meta, MetaValue};

/// One client message of the case, with the Status the harness gave its SyncHdr.
#[derive(Clone, Debug)]
pub struct Turn {
    pub received: Received,
    /// Which session of the case it belongs to, from 1.
    pub session: usize,
    /// The harness's answer to its SyncHdr, once sent.
    pub answer: Option<HdrAnswer>,
}

/// The Status the harness gave a client's SyncHdr.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HdrAnswer {
    pub code: u16,
    /// The authentication type (Meta Type) its Chal asked for.
    pub chal_type: Option<String>,
    /// The NextNonce of its Chal, as sent (Base64).
    pub next_nonce: Option<String>,
}

/// How to build one server message.
#[derive(Clone, Debug, Default)]
pub struct Outgoing {
    pub label: String,
    /// Commands to send after the Statuses.
    pub commands: Vec<Element>,
    /// Leave `<Final/>` out.
    pub not_final: bool,
    /// SyncHdr fields to replace (`""` removes the field).
    pub header: Vec<(String, String)>,
    /// The Status for the client's SyncHdr (default 212 after credentials, else 200).
    pub hdr_status: Option<u16>,
    /// A challenge to put in that Status.
    pub chal: Option<Challenge>,
    /// A whole message as XML instead of the built one, with the session's
    /// placeholders ([`crate::placeholders::SESSION_NAMES`]) still to fill.
    pub raw: Option<String>,
}

/// One management session with the target.
pub struct Session<'t> {
    target: &'t mut dyn Target,
    pub encoding: Encoding,
    server_uri: String,
    next_msg_id: u32,
    pub transcript: Vec<Exchange>,
    /// The client's last message, which the next server message answers.
    last_client: Option<Received>,
    /// Package 1 of the first session.
    pub first: Option<Received>,
    /// The client ended the session.
    pub ended: bool,
    /// Every client message of the case, sessions one after the other.
    pub turns: Vec<Turn>,
    /// Sessions opened so far.
    sessions: usize,
    /// The client authenticates with HMAC: unless a step says otherwise, each of its
    /// SyncHdrs is answered 200 with a Chal carrying a new NextNonce (DM Security 5.1.4).
    pub hmac_nonces: bool,
    /// The harness's server credentials: each server message carries them in its
    /// SyncHdr Cred until the client accepts them (212) in the session.
    pub server_auth: Option<ServerAuth>,
    /// The client accepted the server credentials in this session.
    server_authenticated: bool,
}

impl<'t> Session<'t> {
    /// Asks the client to open a session; package 1 is in `first`.
    pub fn open(
        target: &'t mut dyn Target,
        encoding: Encoding,
        server_uri: &str,
        label: &str,
    ) -> Result<Session<'t>, (Vec<Exchange>, SessionError)> {
        let mut s = Session {
            target,
            encoding,
            server_uri: server_uri.to_string(),
            next_msg_id: 1,
            transcript: Vec::new(),
            last_client: None,
            first: None,
            ended: false,
            turns: Vec::new(),
            sessions: 0,
            hmac_nonces: false,
            server_auth: None,
            server_authenticated: false,
        };
        match s.start(label) {
            Ok(r) => {
                s.first = Some(r);
                Ok(s)
            }
            Err(e) => Err((s.transcript, e)),
        }
    }

    /// Asks the client to open its next session, once this one has ended, and returns
    /// that session's package 1. The transcript goes on; `first` stays the first
    /// session's package 1.
    pub fn reopen(&mut self, label: &str) -> Result<Received, SessionError> {
        self.start(label)
    }

    /// Has the client open a session and reads its package 1.
    fn start(&mut self, label: &str) -> Result<Received, SessionError> {
        self.sessions += 1;
        let wire = self
            .target
            .open_session(self.encoding)
            .map_err(SessionError::Target)?;
        self.server_authenticated = false;
        let r = self.receive(label, wire)?;
        self.next_msg_id = 1;
        self.ended = false;
        self.last_client = Some(r.clone());
        Ok(r)
    }

    /// Builds, sends and records a server message; returns it with the client's
    /// reply (`None` when the client ended the session).
    pub fn send(&mut self, out: Outgoing) -> Result<(Sent, Option<Received>), SessionError> {
        let root = match &out.raw {
            Some(raw) => self.build_raw(raw)?,
            None => self.build_next(&out),
        };
        let body = codec::encode(&root, self.encoding).map_err(SessionError::BadCase)?;
        if let Some(max) = self.client_max_msg_size()
            && body.len() > max
        {
            return Err(SessionError::BadCase(format!(
                "{} is {} bytes, over the MaxMsgSize {max} the client gave in its SyncHdr",
                out.label,
                body.len()
            )));
        }
        self.send_encoded(&out.label, root, body)
    }

    /// The MaxMsgSize in the SyncHdr Meta of the client's last message: the harness,
    /// like the client, sends no larger message in answer (MS-MDM 2.2.4.2).
    fn client_max_msg_size(&self) -> Option<usize> {
        self.last_client
            .as_ref()?
            .decoded
            .message
            .hdr
            .as_ref()?
            .meta
            .as_ref()?
            .max_msg_size
            .as_deref()?
            .trim()
            .parse()
            .ok()
    }

    /// The next server message for `out`, answering the client's last message;
    /// it takes the next MsgID. For messages sent with [`Session::send_encoded`].
    pub fn build_next(&mut self, out: &Outgoing) -> Element {
        let root = self.build(out);
        self.next_msg_id += 1;
        root
    }

    /// A raw message with the session's placeholders filled; it takes the next MsgID.
    fn build_raw(&mut self, text: &str) -> Result<Element, SessionError> {
        let client = self.last_client.as_ref().map(|r| &r.decoded.message);
        let hdr = client.and_then(|m| m.hdr.as_ref());
        let values = [
            (
                "session-id",
                hdr.and_then(|h| h.session_id.clone()).unwrap_or_default(),
            ),
            ("msg-id", self.next_msg_id.to_string()),
            (
                "msg-ref",
                client.and_then(|m| m.msg_id()).unwrap_or("").to_string(),
            ),
            (
                "target-uri",
                hdr.and_then(|h| h.source.as_ref())
                    .and_then(|s| s.loc_uri.clone())
                    .unwrap_or_default(),
            ),
            ("source-uri", self.server_uri.clone()),
        ];
        let filled = crate::placeholders::substitute(text, &values);
        let mut doc = syncml::xml::read(filled.as_bytes(), &syncml::Limits::default())
            .map_err(|e| SessionError::BadCase(e.to_string()))?;
        codec::strip_layout(&mut doc.root.children);
        self.next_msg_id += 1;
        Ok(doc.root)
    }

    /// Sends `body` as the encoding of `root` (which it may deliberately not
    /// be: a message broken on purpose), records it, and reads the reply.
    pub fn send_encoded(
        &mut self,
        label: &str,
        root: Element,
        body: Vec<u8>,
    ) -> Result<(Sent, Option<Received>), SessionError> {
        let sent = record_sent(&mut self.transcript, label, self.encoding, root, &body);
        self.note_answer(&sent.message);
        let wire = Wire::new(self.encoding, body);
        match self.target.deliver(wire) {
            Ok(Some(reply)) => {
                let r = self.receive(&format!("{label} (reply)"), reply)?;
                self.last_client = Some(r.clone());
                Ok((sent, Some(r)))
            }
            Ok(None) => {
                self.ended = true;
                Ok((sent, None))
            }
            Err(e) => Err(SessionError::Target(e)),
        }
    }

    /// Keeps the Status a server message gives the client's last SyncHdr.
    fn note_answer(&mut self, message: &syncml::Message) {
        let Some(turn) = self.turns.last_mut() else {
            return;
        };
        let msg_id = turn.received.decoded.message.msg_id().map(str::trim);
        let status = message.commands().find(|c| {
            c.kind == CommandKind::Status
                && c.cmd_ref.as_deref().map(str::trim) == Some("0")
                && c.msg_ref.as_deref().map(str::trim) == msg_id
        });
        if let Some(st) = status
            && turn.answer.is_none()
        {
            let next_nonce = st
                .chal
                .as_ref()
                .and_then(|c| c.meta.as_ref())
                .and_then(|m| m.next_nonce.as_ref())
                .map(|n| match n {
                    MetaValue::Text(t) => t.trim().to_string(),
                    MetaValue::Bytes(b) => {
                        use base64::Engine;
                        base64::engine::general_purpose::STANDARD.encode(b)
                    }
                });
            let chal_type = st
                .chal
                .as_ref()
                .and_then(|c| c.meta.as_ref())
                .and_then(|m| m.type_.as_deref())
                .map(|t| t.trim().to_string());
            turn.answer = Some(HdrAnswer {
                code: st.code().unwrap_or(0),
                chal_type,
                next_nonce,
            });
        }
    }

    /// Decodes a client message once and records it (see [`receive`]), keeping
    /// it as a turn of the case.
    fn receive(&mut self, label: &str, wire: Wire) -> Result<Received, SessionError> {
        let received = receive(&mut self.transcript, label, wire)?;
        if let Some(sa) = &self.server_auth
            && sa.note_reply(&received.decoded.message) == Some(212)
        {
            self.server_authenticated = true;
        }
        self.turns.push(Turn {
            received: received.clone(),
            session: self.sessions,
            answer: None,
        });
        Ok(received)
    }

    /// The server message for `out`, answering the client's last message.
    fn build(&self, out: &Outgoing) -> Element {
        let client = self.last_client.as_ref().map(|r| &r.decoded.message);
        let hdr = client.and_then(|m| m.hdr.as_ref());
        let session_id = hdr
            .and_then(|h| h.session_id.clone())
            .unwrap_or_else(|| "1".into());
        let device = hdr
            .and_then(|h| h.source.as_ref())
            .and_then(|s| s.loc_uri.clone())
            .unwrap_or_default();
        let mut own =
            syncml::SyncHdr::new(&session_id, self.next_msg_id, &device, &self.server_uri);
        if let Some(sa) = self
            .server_auth
            .as_ref()
            .filter(|_| !self.server_authenticated)
        {
            if let Some(source) = own.source.as_mut() {
                source.loc_name = Some(sa.user().to_string());
            }
            own.cred = Some(sa.cred());
        }
        let mut header = own.to_element();
        apply_header_overrides(&mut header, &out.header);

        // CmdIDs of the harness's Statuses start above the case's own.
        let mut next_id = out
            .commands
            .iter()
            .flat_map(all_cmd_ids)
            .max()
            .unwrap_or(0)
            .max(1)
            + 1;
        let mut take_id = || {
            let id = next_id;
            next_id += 1;
            id.to_string()
        };
        let mut body = Element::new("SyncBody");
        if let Some(client) = client {
            let msg_ref = client.msg_id().unwrap_or("1").to_string();
            let had_cred = hdr.is_some_and(|h| h.cred.is_some());
            let hmac = self.hmac_nonces && out.hdr_status.is_none() && out.chal.is_none();
            let code = out
                .hdr_status
                .unwrap_or(if had_cred && !hmac { 212 } else { 200 });
            let mut st = Command::status(take_id(), msg_ref.clone(), "0", "SyncHdr", code);
            st.chal = if hmac {
                Some(mac_challenge(self.next_msg_id))
            } else {
                out.chal.map(|scheme| challenge(scheme, self.next_msg_id))
            };
            body.push(st.to_element());
            for c in client.commands() {
                if matches!(c.kind, CommandKind::Status | CommandKind::Results) || c.no_resp {
                    continue;
                }
                let cmd_ref = c.cmd_id.clone().unwrap_or_default();
                body.push(
                    Command::status(take_id(), msg_ref.clone(), cmd_ref, c.kind.name(), 200)
                        .to_element(),
                );
            }
        }
        for c in &out.commands {
            body.push(c.clone());
        }
        if !out.not_final {
            body.push(Element::new("Final"));
        }
        Element::new("SyncML")
            .with_attr("xmlns", syncml::tree::NS_SYNCML12)
            .with_child(header)
            .with_child(body)
    }
}

/// A `<Chal>` of the given scheme, in server message `msg_id`.
fn challenge(scheme: Challenge, msg_id: u32) -> Chal {
    let meta = match scheme {
        Challenge::Basic => Meta::format("b64").with_type(protocol::AUTH_BASIC),
        Challenge::Md5 => {
            let mut meta = Meta::format("b64").with_type(protocol::AUTH_MD5);
            meta.next_nonce = Some(MetaValue::Text(md5_nonce(msg_id)));
            meta
        }
    };
    Chal { meta: Some(meta) }
}

/// The NextNonce (Base64) of an MD5 challenge in server message `msg_id`: a new one in
/// every challenge, so that a client hashing an older nonce is seen.
pub fn md5_nonce(msg_id: u32) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(format!("dmconform-md5-{msg_id}"))
}

/// The NextNonce (Base64) the harness gives with server message `msg_id` under HMAC.
pub fn mac_nonce(msg_id: u32) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(format!("dmconform-mac-{msg_id}"))
}

/// A `syncml:auth-MAC` Chal with the NextNonce of server message `msg_id`.
fn mac_challenge(msg_id: u32) -> Chal {
    let mut meta = Meta::format("b64").with_type(protocol::AUTH_MAC);
    meta.next_nonce = Some(MetaValue::Text(mac_nonce(msg_id)));
    Chal { meta: Some(meta) }
}

/// Replaces (or removes, for `""`) SyncHdr fields. A value starting with `<` is
/// XML: the element itself (`<Cred>…</Cred>`) or its children (MetInf elements
/// for `Meta`); `Target` and `Source` take a LocURI; anything else is text.
pub(crate) fn apply_header_overrides(header: &mut Element, overrides: &[(String, String)]) {
    for (name, value) in overrides {
        let new = if value.is_empty() {
            None
        } else if value.trim_start().starts_with('<') {
            let parsed = codec::parse_fragment(value).unwrap_or_default();
            match parsed.as_slice() {
                [one] if one.local_name() == name => Some(one.clone()),
                _ => {
                    let mut e = Element::new(name.as_str());
                    for c in parsed {
                        e.push(c);
                    }
                    Some(e)
                }
            }
        } else if name == "Target" || name == "Source" {
            Some(Element::new(name.as_str()).with_child(Element::text("LocURI", value.as_str())))
        } else {
            Some(Element::text(name.as_str(), value.as_str()))
        };
        let pos = header
            .children
            .iter()
            .position(|n| matches!(n, Node::Element(e) if e.local_name() == name));
        match (pos, new) {
            (Some(i), Some(e)) => header.children[i] = Node::Element(e),
            (Some(i), None) => {
                header.children.remove(i);
            }
            (None, Some(e)) => header.push(e),
            (None, None) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::TargetError;

    /// A client whose package 1 gives MaxMsgSize 1500 and that answers nothing.
    struct Small;

    const PACKAGE1: &str = "<SyncML xmlns='SYNCML:SYNCML1.2'><SyncHdr><VerDTD>1.2</VerDTD>\
<VerProto>DM/1.2</VerProto><SessionID>1</SessionID><MsgID>1</MsgID><Target><LocURI>srv</LocURI>\
</Target><Source><LocURI>dev</LocURI></Source><Meta><MaxMsgSize xmlns='syncml:metinf'>1500\
</MaxMsgSize></Meta></SyncHdr><SyncBody><Alert><CmdID>1</CmdID><Data>1201</Data></Alert><Final/>\
</SyncBody></SyncML>";

    impl Target for Small {
        fn describe(&self) -> String {
            "a client with MaxMsgSize 1500".into()
        }
        fn open_session(&mut self, encoding: Encoding) -> Result<Wire, TargetError> {
            Ok(Wire::new(encoding, PACKAGE1.as_bytes().to_vec()))
        }
        fn deliver(&mut self, _: Wire) -> Result<Option<Wire>, TargetError> {
            Ok(None)
        }
    }

    fn replace_of(len: usize) -> Element {
        syncml::Command::new(CommandKind::Replace, "2")
            .with_item(syncml::Item::target("./a").with_data("x".repeat(len)))
            .to_element()
    }

    #[test]
    fn the_harness_sends_nothing_over_the_clients_max_msg_size() {
        let mut client = Small;
        let mut s = Session::open(&mut client, Encoding::Xml, "srv", "package 1").unwrap();
        let big = Outgoing {
            label: "step 1".into(),
            commands: vec![replace_of(3000)],
            ..Outgoing::default()
        };
        match s.send(big) {
            Err(SessionError::BadCase(m)) => assert!(m.contains("MaxMsgSize 1500"), "{m}"),
            other => panic!("sent over MaxMsgSize: {:?}", other.map(|(s, _)| s.exchange)),
        }
        let small = Outgoing {
            label: "step 1".into(),
            commands: vec![replace_of(10)],
            ..Outgoing::default()
        };
        assert!(s.send(small).is_ok());
    }
}
