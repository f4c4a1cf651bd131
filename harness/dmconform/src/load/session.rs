//! One management session of one device of a fleet: package 1 from the device's
//! client, each server reply timed, decoded and judged ([`super::judge`]), the
//! client's answer to it, until the client ends the session as the rules say or
//! the server fails it (no reply, an HTTP error, a reply that does not decode, a
//! session that does not end). The messages are kept as bytes; a transcript is
//! rendered only for the few sessions a report keeps as examples.

use super::backend::{Backend, PostError};
use super::fleet::InSession;
use super::judge::Judge;
use crate::codec;
use crate::server::http::{blot, not_syncml, what_came};
use crate::transcript::{self, Received, Sent};
use crate::verdict::{Direction, Exchange, Finding};
use crate::wire::{Encoding, Wire};
use std::time::{Duration, Instant};

/// The most client messages one session may take before it is counted as not ending.
pub const MAX_MESSAGES: usize = 64;

/// Why a session stopped before the client ended it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// How errors are counted: `timeout`, `connect`, `reset`, `too large`, `http 503`,
    /// `not SyncML`, `undecodable`, `endless`, `harness`.
    pub kind: String,
    pub message: String,
}

impl Failure {
    fn new(kind: impl Into<String>, message: impl Into<String>) -> Failure {
        Failure {
            kind: kind.into(),
            message: message.into(),
        }
    }
}

/// One message of a session as it went over the wire.
#[derive(Clone, Debug)]
struct RawMessage {
    direction: Direction,
    label: String,
    content_type: String,
    body: Vec<u8>,
}

/// What one session did.
#[derive(Debug)]
pub struct SessionRun {
    pub device: u64,
    pub dev_id: String,
    pub session_id: String,
    /// When it opened, from the start of the run.
    pub started: Duration,
    /// The time to each reply that came, in message order (package 1 first).
    pub latencies: Vec<Duration>,
    /// Replies decoded as SyncML and judged (an HTTP error or a body that is not
    /// SyncML came but was not).
    pub judged: u64,
    pub findings: Vec<Finding>,
    /// Set when the session did not end as the client ends it.
    pub failure: Option<Failure>,
    /// The session ended with the server refusing the device's credentials (the last
    /// reply's SyncHdr Status 401 or 407): it was judged, but the device was not managed.
    pub refused_auth: bool,
    messages: Vec<RawMessage>,
}

impl SessionRun {
    /// The session's messages rendered as the suite's transcripts are (credentials
    /// blotted); finding `exchange` indices point into it.
    pub fn transcript(&self) -> Vec<Exchange> {
        let mut out = Vec::new();
        let mut last_sent: &[u8] = &[];
        for m in &self.messages {
            match m.direction {
                Direction::ToTarget => {
                    // The device's own messages were encoded by the harness: they decode.
                    if let Ok(d) = codec::decode(&m.body, &codec::reply_limits()) {
                        transcript::record_sent(&mut out, &m.label, d.encoding, d.root, &m.body);
                    }
                    last_sent = &m.body;
                }
                Direction::FromTarget => {
                    let wire = Wire {
                        content_type: m.content_type.clone(),
                        headers: Vec::new(),
                        // A server that echoes the request must not show its credentials.
                        body: blot(&m.body, last_sent),
                    };
                    let _ = transcript::receive(&mut out, &m.label, wire);
                }
            }
        }
        out
    }
}

fn label(k: usize) -> String {
    if k == 1 {
        "package 1".into()
    } else {
        format!("message {k}")
    }
}

/// Runs one session of `device` against `backend` in `encoding`; `started` is when it
/// opened, from the start of the run.
pub async fn run(
    mut device: InSession<'_>,
    backend: &Backend,
    encoding: Encoding,
    profiles: &[String],
    started: Duration,
) -> SessionRun {
    let mut message = device.client.open_session();
    let session_id = message
        .hdr
        .as_ref()
        .and_then(|h| h.session_id.clone())
        .unwrap_or_default();
    let mut run = SessionRun {
        device: device.number,
        dev_id: device.client.config().device_id.clone(),
        session_id: session_id.clone(),
        started,
        latencies: Vec::new(),
        judged: 0,
        findings: Vec::new(),
        failure: None,
        refused_auth: false,
        messages: Vec::new(),
    };
    let mut judge = Judge::new(&session_id, encoding, profiles);
    for k in 1..=MAX_MESSAGES {
        let root = message.to_element();
        let body = match codec::encode(&root, encoding) {
            Ok(b) => b,
            Err(e) => {
                run.failure = Some(Failure::new(
                    "harness",
                    format!("the device's message cannot be encoded: {e}"),
                ));
                return run;
            }
        };
        let exchange = run.messages.len();
        run.messages.push(RawMessage {
            direction: Direction::ToTarget,
            label: label(k),
            content_type: encoding.content_type().to_string(),
            body: body.clone(),
        });
        let sent = Sent {
            root,
            message,
            exchange,
        };
        let path = device.client.post_path();
        let at = Instant::now();
        let reply = match backend.post(&path, encoding.content_type(), body).await {
            Ok(r) => {
                run.latencies.push(at.elapsed());
                r
            }
            Err(e) => {
                run.failure = Some(post_failure(&e));
                return run;
            }
        };
        let exchange = run.messages.len();
        run.messages.push(RawMessage {
            direction: Direction::FromTarget,
            label: format!("{} (reply)", label(k)),
            content_type: reply.content_type.clone(),
            body: reply.body.clone(),
        });
        // What came, for an error message: the credentials of the message answered
        // blotted out, as a server that echoes the request would show them.
        let sent_body = &run.messages[exchange - 1].body;
        let what = || what_came(&reply.content_type, &blot(&reply.body, sent_body));
        if reply.status != 200 {
            run.failure = Some(Failure::new(
                format!("http {}", reply.status),
                format!("HTTP {}: {}", reply.status, what()),
            ));
            return run;
        }
        let decoded = codec::decode(&reply.body, &codec::reply_limits());
        if not_syncml(&reply.content_type, &reply.body, &decoded).is_some() {
            let blotted = blot(&reply.body, sent_body);
            let words = not_syncml(&reply.content_type, &blotted, &decoded).unwrap_or_default();
            run.failure = Some(Failure::new(
                "not SyncML",
                format!("the reply to {} is not SyncML: {words}", label(k)),
            ));
            return run;
        }
        let decoded = match decoded {
            Ok(d) => d,
            Err(e) => {
                run.failure = Some(Failure::new(
                    "undecodable",
                    format!("the reply to {} does not decode: {e}; {}", label(k), what()),
                ));
                return run;
            }
        };
        let received = Received {
            decoded,
            content_type: reply.content_type,
            headers: Vec::new(),
            body: reply.body,
            exchange,
        };
        run.findings.extend(judge.judge(&sent, &received));
        run.judged += 1;
        match device.client.handle(&received.decoded.message) {
            Some(next) => message = next,
            None => {
                run.refused_auth =
                    matches!(synchdr_status(&received.decoded.message), Some(401 | 407));
                return run;
            }
        }
    }
    run.failure = Some(Failure::new(
        "endless",
        format!("the session did not end within {MAX_MESSAGES} client messages"),
    ));
    run
}

/// The code of a message's Status for the SyncHdr, if it has one.
fn synchdr_status(m: &syncml::Message) -> Option<u16> {
    m.commands()
        .find(|c| {
            c.kind == syncml::CommandKind::Status
                && c.cmd_ref.as_deref().map(str::trim) == Some("0")
        })
        .and_then(|c| c.code())
}

fn post_failure(e: &PostError) -> Failure {
    Failure::new(e.kind(), e.to_string())
}
