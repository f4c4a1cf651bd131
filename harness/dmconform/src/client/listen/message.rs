//! What the listening harness reads of a message before it judges it: the
//! SyncHdr facts that place a client message in a session, what a server
//! message asks of the client, and a request as a [`Wire`].

use crate::client::http::Incoming;
use crate::codec;
use crate::wire::{Encoding, Wire};
use syncml::CommandKind;
use syncml::protocol::alert;

/// The SyncHdr facts that place a client message in a session.
#[derive(Clone, Debug)]
pub(super) struct Header {
    /// The SyncHdr Source LocURI: the device.
    pub(super) device: String,
    pub(super) session_id: String,
    pub(super) msg_id: String,
    /// Whether the body carries Alert 1200 or 1201 (a session's start).
    pub(super) session_alert: bool,
}

impl Header {
    /// A new package 1: MsgID 1 with Alert 1200 or 1201.
    pub(super) fn opens_session(&self) -> bool {
        self.msg_id == "1" && self.session_alert
    }
}

/// What a server message asks of the client, read once when it is delivered.
pub(super) struct Delivered {
    /// Its MsgID.
    pub(super) msg_id: String,
    /// The client owes it no answer: only Statuses and Final, or a session abort (Alert 1223).
    pub(super) ends: bool,
    /// It refuses the client's SyncHdr with 401 or 407: the client is to send package 1
    /// again in the same session.
    pub(super) challenges: bool,
}

impl Delivered {
    pub(super) fn of(message: &Wire) -> Delivered {
        let Ok(d) = codec::decode(&message.body, &codec::reply_limits()) else {
            return Delivered {
                msg_id: "?".into(),
                ends: false,
                challenges: false,
            };
        };
        let m = &d.message;
        let only_statuses = m.commands().all(|c| c.kind == CommandKind::Status);
        let aborts = m
            .commands()
            .any(|c| c.kind == CommandKind::Alert && c.code() == Some(alert::SESSION_ABORT));
        let challenges = m
            .synchdr_status()
            .is_some_and(|c| matches!(c.code(), Some(401 | 407)));
        Delivered {
            msg_id: m.msg_id().unwrap_or("?").trim().to_string(),
            ends: (m.is_final() && only_statuses) || aborts,
            challenges,
        }
    }
}

pub(super) fn encoding_of(content_type: &str, body: &[u8]) -> Option<Encoding> {
    Encoding::from_content_type(content_type).or_else(|| codec::sniff(body))
}

pub(super) fn header_of(body: &[u8]) -> Option<Header> {
    let d = codec::decode(body, &codec::reply_limits()).ok()?;
    let m = &d.message;
    let hdr = m.hdr.as_ref()?;
    let session_alert = m.commands().any(|c| {
        c.kind == CommandKind::Alert
            && matches!(
                c.code(),
                Some(alert::SERVER_INITIATED_MGMT | alert::CLIENT_INITIATED_MGMT)
            )
    });
    Some(Header {
        device: hdr
            .source
            .as_ref()
            .and_then(|s| s.loc_uri.as_deref())
            .unwrap_or("")
            .trim()
            .to_string(),
        session_id: hdr.session_id.clone()?.trim().to_string(),
        msg_id: hdr.msg_id.clone()?.trim().to_string(),
        session_alert,
    })
}

/// The client's message with the transport facts the transcript keeps.
pub(super) fn wire_of(r: &Incoming) -> Wire {
    let req = &r.request;
    let mut headers = Vec::new();
    for name in ["x-syncml-hmac", "user-agent"] {
        if let Some(v) = req.header(name) {
            headers.push((name.to_string(), v.to_string()));
        }
    }
    headers.push((":path".into(), req.path.clone()));
    headers.push((":peer".into(), r.peer.to_string()));
    if let Some(s) = &r.client_subject {
        headers.push((":client-cert-subject".into(), s.clone()));
    }
    Wire {
        content_type: req.header("content-type").unwrap_or("").to_string(),
        headers,
        body: req.body.clone(),
    }
}
