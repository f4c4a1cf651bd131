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
    /// The body, or for a reply past the session's [`KEPT_REPLY_BYTES`] its first
    /// [`EXCERPT_BYTES`].
    body: Vec<u8>,
    /// The length of the whole body.
    len: usize,
}

/// Reply bytes a session keeps for its transcript; past them a reply keeps only its
/// start, so that a server answering every message with megabytes does not make each
/// session in flight hold them all.
const KEPT_REPLY_BYTES: usize = 256 << 10;

/// What a reply past [`KEPT_REPLY_BYTES`] keeps.
const EXCERPT_BYTES: usize = 4 << 10;

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
    /// Why the session ended with the device not managed, when the server refused it:
    /// `SyncHdr 401` (the last reply's SyncHdr Status, 300 or more) or `server abort
    /// (Alert 1223)`. Its replies were judged; refusing is not in itself non-conforming.
    pub refused: Option<String>,
    /// The run's grace period ended before the session did: what it judged is kept.
    pub cut: bool,
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
                    let label = if m.body.len() < m.len {
                        format!(
                            "{} (its first {} of {} bytes kept)",
                            m.label,
                            m.body.len(),
                            m.len
                        )
                    } else {
                        m.label.clone()
                    };
                    let wire = Wire {
                        content_type: m.content_type.clone(),
                        headers: Vec::new(),
                        // A server that echoes the request must not show its credentials.
                        body: blot(&m.body, last_sent),
                    };
                    let _ = transcript::receive(&mut out, &label, wire);
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
/// opened, from the start of the run; at `cut_at` (the end of the run's grace period)
/// it stops where it is, marked cut, with what it judged.
pub async fn run(
    mut device: InSession<'_>,
    backend: &Backend,
    encoding: Encoding,
    profiles: &[String],
    started: Duration,
    cut_at: tokio::time::Instant,
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
        refused: None,
        cut: false,
        messages: Vec::new(),
    };
    let mut judge = Judge::new(&session_id, encoding, profiles);
    for k in 1..=MAX_MESSAGES {
        if tokio::time::Instant::now() >= cut_at {
            run.cut = true;
            return run;
        }
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
            len: body.len(),
        });
        let sent = Sent {
            root,
            message,
            exchange,
        };
        let path = device.client.post_path();
        let at = Instant::now();
        let hmac = device.client.hmac_header(&body);
        let resp_uri = device.client.resp_uri();
        let posted = backend.post(
            resp_uri,
            &path,
            encoding.content_type(),
            body,
            hmac.as_deref(),
        );
        let Ok(posted) = tokio::time::timeout_at(cut_at, posted).await else {
            run.cut = true;
            return run;
        };
        let reply = match posted {
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
        let kept: usize = run
            .messages
            .iter()
            .filter(|m| m.direction == Direction::FromTarget)
            .map(|m| m.body.len())
            .sum();
        let room = if kept + reply.body.len() <= KEPT_REPLY_BYTES {
            reply.body.len()
        } else {
            EXCERPT_BYTES.min(reply.body.len())
        };
        run.messages.push(RawMessage {
            direction: Direction::FromTarget,
            label: format!("{} (reply)", label(k)),
            content_type: reply.content_type.clone(),
            body: reply.body[..room].to_vec(),
            len: reply.body.len(),
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
                run.refused = refusal(&received.decoded.message);
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

/// How the server's last message refused the session, if it did: its SyncHdr Status is
/// an error (300 or more: 401 and 407 refuse credentials, 5xx a server error), or it
/// aborts the session (Alert 1223).
fn refusal(m: &syncml::Message) -> Option<String> {
    use syncml::CommandKind;
    let synchdr = m.synchdr_status().and_then(|c| c.code());
    if let Some(code @ 300..) = synchdr {
        return Some(format!("SyncHdr {code}"));
    }
    m.commands()
        .any(|c| c.kind == CommandKind::Alert && c.code() == Some(1223))
        .then(|| "server abort (Alert 1223)".to_string())
}

fn post_failure(e: &PostError) -> Failure {
    Failure::new(e.kind(), e.to_string())
}

#[cfg(test)]
mod tests {
    use super::super::tally::Tally;
    use super::*;

    /// A server message with a SyncHdr Status `code` and, with `abort`, Alert 1223.
    fn server_message(code: u16, abort: bool) -> syncml::Message {
        let alert = if abort {
            "<Alert><CmdID>2</CmdID><Data>1223</Data></Alert>"
        } else {
            ""
        };
        let xml = format!(
            "<SyncML><SyncHdr><VerDTD>1.2</VerDTD><VerProto>DM/1.2</VerProto><SessionID>1</SessionID>\
             <MsgID>1</MsgID><Target><LocURI>dev</LocURI></Target><Source><LocURI>srv</LocURI></Source></SyncHdr>\
             <SyncBody><Status><CmdID>1</CmdID><MsgRef>1</MsgRef><CmdRef>0</CmdRef><Cmd>SyncHdr</Cmd>\
             <Data>{code}</Data></Status>{alert}<Final/></SyncBody></SyncML>"
        );
        codec::decode(xml.as_bytes(), &codec::reply_limits())
            .unwrap()
            .message
    }

    /// One session of device 1 against the in-process reference with `faults`, cut at `cut_at`.
    fn one(faults: &[refdm::ServerFault], cut_at: tokio::time::Instant) -> (SessionRun, Tally) {
        use crate::server::reference::{SharedReference, reference_server_config};
        let profile = crate::TargetProfile::reference_server();
        let backend = Backend::InProcess(SharedReference::new(
            reference_server_config(&profile),
            faults,
        ));
        let fleet = super::super::fleet::Fleet::new(&profile, &profile.server_uri, 1..2);
        let device = fleet.take(1).unwrap();
        let run = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap()
            .block_on(run(
                device,
                &backend,
                Encoding::Xml,
                &[],
                Duration::ZERO,
                cut_at,
            ));
        let mut tally = Tally::new(Duration::from_secs(1), 1);
        tally.add(&run);
        (run, tally)
    }

    #[test]
    fn a_session_past_the_grace_period_is_cut_and_what_it_judged_is_kept() {
        let faults = [refdm::ServerFault::WrongCmdRef];
        let later = tokio::time::Instant::now() + Duration::from_secs(3600);
        let (ended, tally) = one(&faults, later);
        assert!(!ended.cut && ended.failure.is_none() && !ended.findings.is_empty());
        assert_eq!((tally.ended, tally.cut), (1, 0));
        let (cut, tally) = one(&faults, tokio::time::Instant::now());
        assert!(cut.cut && cut.failure.is_none() && cut.latencies.is_empty());
        assert_eq!(
            (tally.ended, tally.cut, tally.failed, tally.sessions),
            (0, 1, 0, 1)
        );
        assert_eq!(
            tally.session_latency.count(),
            0,
            "a cut session has no session latency"
        );
    }

    #[test]
    fn a_session_ended_by_a_synchdr_error_or_an_abort_is_refused() {
        assert_eq!(refusal(&server_message(200, false)), None);
        assert_eq!(refusal(&server_message(212, false)), None);
        assert_eq!(
            refusal(&server_message(407, false)).as_deref(),
            Some("SyncHdr 407")
        );
        assert_eq!(
            refusal(&server_message(503, false)).as_deref(),
            Some("SyncHdr 503")
        );
        assert_eq!(
            refusal(&server_message(200, true)).as_deref(),
            Some("server abort (Alert 1223)")
        );
    }
}
