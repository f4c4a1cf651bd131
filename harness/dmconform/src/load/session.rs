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
    /// `undecodable`, `endless`, `harness`.
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
    pub findings: Vec<Finding>,
    /// Set when the session did not end as the client ends it.
    pub failure: Option<Failure>,
    messages: Vec<RawMessage>,
}

impl SessionRun {
    /// The session's messages rendered as the suite's transcripts are (credentials
    /// blotted); finding `exchange` indices point into it.
    pub fn transcript(&self) -> Vec<Exchange> {
        let mut out = Vec::new();
        for m in &self.messages {
            let wire = Wire {
                content_type: m.content_type.clone(),
                headers: Vec::new(),
                body: m.body.clone(),
            };
            match m.direction {
                Direction::ToTarget => match codec::decode(&m.body, &codec::reply_limits()) {
                    Ok(d) => {
                        transcript::record_sent(&mut out, &m.label, d.encoding, d.root, &m.body);
                    }
                    Err(_) => {
                        let _ = transcript::receive(&mut out, &m.label, wire);
                    }
                },
                Direction::FromTarget => {
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
        findings: Vec::new(),
        failure: None,
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
        if reply.status != 200 {
            run.failure = Some(Failure::new(
                format!("http {}", reply.status),
                format!(
                    "HTTP {} ({:?}, {} bytes: {:?})",
                    reply.status,
                    reply.content_type,
                    reply.body.len(),
                    first_bytes(&reply.body)
                ),
            ));
            return run;
        }
        let decoded = match codec::decode(&reply.body, &codec::reply_limits()) {
            Ok(d) => d,
            Err(e) => {
                run.failure = Some(Failure::new(
                    "undecodable",
                    format!(
                        "the reply to {} does not decode ({:?}, {} bytes: {:?}): {e}",
                        label(k),
                        reply.content_type,
                        reply.body.len(),
                        first_bytes(&reply.body)
                    ),
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
        match device.client.handle(&received.decoded.message) {
            Some(next) => message = next,
            None => return run,
        }
    }
    run.failure = Some(Failure::new(
        "endless",
        format!("the session did not end within {MAX_MESSAGES} client messages"),
    ));
    run
}

fn post_failure(e: &PostError) -> Failure {
    Failure::new(e.kind(), e.to_string())
}

/// The first bytes of a body as text, for an error message.
fn first_bytes(body: &[u8]) -> String {
    String::from_utf8_lossy(&body[..body.len().min(60)]).into_owned()
}
