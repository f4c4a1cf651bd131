//! The `listen:ADDR` target: a real DM client or device under test, which
//! POSTs its packages to the harness over HTTP(S) as it would to its DM server.
//!
//! Sessions are keyed by the device (the SyncHdr Source of its messages) and
//! its SessionID, not by connection: a client may post each message on a new
//! connection. The first device to open a session is the device under test;
//! the messages of any other device are answered with no commands (Status for
//! its SyncHdr and Final), so that its sessions end, and noted.
//!
//! [`Target::open_session`] waits for a message with MsgID 1 and returns it as
//! package 1; [`Target::deliver`] answers the waiting request with the
//! harness's message and waits for the device's next POST. Inside a session a
//! message opens a new one only when it is a new package 1: MsgID 1 with Alert
//! 1200 or 1201 (and not package 1 sent again, in the same session, to answer
//! the harness's challenge). Anything else from the device belongs to the open
//! session, where the invariants judge its MsgID and SessionID. The client
//! ends a session by not posting again: the harness knows it when the next
//! POST is a new package 1, or when a message it owes no answer (only Statuses
//! and Final, or a session abort) gets none within the end grace. A new
//! package 1 instead of the answer to a message that asked for one is the
//! case's `error`: the client opened a new session instead of answering. The
//! client picks the encoding; a case asked for in the other one is
//! `unsupported` (the session the client opened is kept for the next case).
//!
//! A request the server refuses (over `max-body`, malformed, timed out) from
//! the device's address while its next message is awaited is that case's
//! `error`, whichever connection it came on.
//!
//! Each client message carries its transport facts in [`Wire::headers`], under
//! names no HTTP header has: `:path` (the request target), `:peer`,
//! `:client-cert-subject`; and `user-agent`. The Authorization header is never
//! kept.
//!
//! Options: `listen:HOST:PORT?tls=self-signed&cert-out=FILE`,
//! `?cert=PEM&key=PEM`, `&client-ca=PEM` (client certificates required),
//! `&timeout=SECS` (per exchange, 30), `&idle=SECS` (for a new session, 300),
//! `&end-grace-ms=MS` (1000), `&max-body=BYTES` (16 MiB), `&max-connections=N` (16).

mod message;
mod options;

pub use options::ListenOptions;

use crate::client::Target;
use crate::client::http::{Event, Incoming, Response, Server};
use crate::client::server_auth::ServerAuth;
use crate::client::session::{Outgoing, Session};
use crate::codec;
use crate::wire::{Encoding, TargetError, Wire};
use message::{Delivered, Header, encoding_of, header_of, wire_of};
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// How many sessions in a row [`Listen::dismiss_client`] answers with no commands.
pub const DISMISSALS: usize = 3;

/// A DM client reached over HTTP(S).
pub struct Listen {
    server: Server,
    opts: ListenOptions,
    /// The client's request the harness answers next.
    pending: Option<Incoming>,
    /// A new session's package 1 that arrived while the last session was ending.
    stashed: Option<Incoming>,
    /// The device under test: the SyncHdr Source of its first package 1.
    device: Option<String>,
    /// The SessionID of the device's open session.
    session_id: Option<String>,
    /// The address the device's last message came from.
    client_ip: Option<IpAddr>,
    /// Sessions of other devices, with the messages answered in each (noted at the first).
    others: BTreeMap<(String, String), usize>,
    /// The harness's server credentials, for the messages that dismiss the device.
    server_auth: Option<ServerAuth>,
    /// The client did not open a session within the idle timeout: it is not coming back.
    gone: bool,
    sessions: usize,
    notes: Box<dyn FnMut(&str) + Send>,
}

impl Listen {
    /// Starts listening.
    pub fn start(opts: ListenOptions) -> Result<Listen, String> {
        let server = Server::start(opts.server.clone())?;
        Ok(Listen {
            server,
            opts,
            pending: None,
            stashed: None,
            device: None,
            session_id: None,
            client_ip: None,
            others: BTreeMap::new(),
            server_auth: None,
            gone: false,
            sessions: 0,
            notes: Box::new(|_| {}),
        })
    }

    /// Where harness messages go (requests refused, stray POSTs, other devices).
    pub fn on_note(&mut self, notes: impl FnMut(&str) + Send + 'static) {
        self.notes = Box::new(notes);
    }

    /// The URL to point the client at.
    pub fn url(&self) -> String {
        self.server.url("/")
    }

    /// The PEM of the generated certificate, with `tls=self-signed`.
    pub fn self_signed_pem(&self) -> Option<&str> {
        self.server.self_signed_pem()
    }

    /// Sends these server credentials in the messages that dismiss the device
    /// (the runner's clone, so that the client's nonce is shared).
    pub fn set_server_auth(&mut self, server_auth: Option<ServerAuth>) {
        self.server_auth = server_auth;
    }

    /// Connections the server holds open now.
    pub fn open_connections(&self) -> usize {
        self.server.open_connections()
    }

    /// The URL the client posted its waiting session to, as it named the host
    /// (`Host`); the harness's URI in its SyncHdr, and the base of its RespURI.
    pub fn client_url(&self) -> Option<String> {
        self.url_of(self.stashed.as_ref().or(self.pending.as_ref())?)
    }

    fn url_of(&self, r: &Incoming) -> Option<String> {
        let host = r.request.header("host")?;
        let scheme = if self.opts.server.tls.is_some() {
            "https"
        } else {
            "http"
        };
        let path = r.request.path.split('?').next().unwrap_or("/");
        Some(format!("{scheme}://{host}{path}"))
    }

    /// Sessions the client opened so far.
    pub fn sessions(&self) -> usize {
        self.sessions
    }

    /// The device under test (the SyncHdr Source of its first package 1), once known.
    pub fn device(&self) -> Option<&str> {
        self.device.as_deref()
    }

    /// Waits (idle timeout) for the client to open a session and says which
    /// encoding it uses; that session is kept for the next [`Target::open_session`].
    pub fn client_encoding(&mut self) -> Result<Encoding, TargetError> {
        let first = self.next_package1()?;
        let encoding = encoding_of(
            first.request.header("content-type").unwrap_or(""),
            &first.request.body,
        );
        self.adopt_device(&first);
        self.stashed = Some(first);
        encoding.ok_or_else(|| {
            TargetError::Other("the client's first message is neither SyncML XML nor WBXML".into())
        })
    }

    /// Answers the client's next session with a message holding no commands
    /// (Status for the SyncHdr and Final), so that it ends; and so each further
    /// session that follows within the end grace (at most [`DISMISSALS`]), so a
    /// client polling at once learns that the run is over.
    pub fn dismiss_client(&mut self, server_uri: &str) -> Result<(), TargetError> {
        self.drop_pending();
        let first = self.next_package1()?;
        self.answer_with_no_commands(first, server_uri)?;
        for _ in 1..DISMISSALS {
            match self.next_request(self.opts.end_grace, None)? {
                Some((r, Some(h))) if h.msg_id == "1" => {
                    self.answer_with_no_commands(r, server_uri)?;
                }
                Some((r, _)) => {
                    r.answer(Response::text(409, "no session is open; start a new one\n"));
                }
                None => break,
            }
        }
        Ok(())
    }

    fn answer_with_no_commands(
        &mut self,
        r: Incoming,
        server_uri: &str,
    ) -> Result<(), TargetError> {
        self.session_id = None;
        let wire = no_commands_answer(&r, server_uri, self.server_auth.clone())?;
        answer(r, &wire)
    }

    fn note(&mut self, text: String) {
        (self.notes)(&text);
    }

    /// Makes the sender of a package 1 the device under test, when none is yet.
    fn adopt_device(&mut self, r: &Incoming) {
        if self.device.is_none() {
            self.device = header_of(&r.request.body).map(|h| h.device);
        }
    }

    /// The next request of the device under test (with its SyncHdr facts when it
    /// decodes), or `None` after `timeout`. Other devices' messages are answered
    /// with no commands, so that their sessions end. Refusals are noted; while
    /// awaiting the device's answer to the message sent at `answered_at`, a refused
    /// request (not a non-POST) from the device's address that began after it is
    /// the session's error. One that began before (a stray connection whose
    /// refusal is reported late) is not.
    fn next_request(
        &mut self,
        timeout: Duration,
        answered_at: Option<Instant>,
    ) -> Result<Option<(Incoming, Option<Header>)>, TargetError> {
        let deadline = crate::timeouts::deadline(timeout);
        loop {
            let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                return Ok(None);
            };
            match self.server.next_event(left) {
                None => return Ok(None),
                Some(Event::Request(r)) => {
                    let h = header_of(&r.request.body);
                    match (&h, &self.device) {
                        (Some(h), Some(device)) if h.device != *device => {
                            self.answer_other_device(r, h.clone());
                        }
                        (None, Some(_)) if self.client_ip.is_some_and(|ip| ip != r.peer.ip()) => {
                            let text = format!(
                                "a request from {} that is not a SyncML message was answered 400",
                                r.peer
                            );
                            r.answer(Response::text(400, "not a SyncML DM message\n"));
                            self.note(text);
                        }
                        _ => return Ok(Some((r, h))),
                    }
                }
                Some(Event::Unreported { refusals }) => self.note(format!(
                    "{refusals} more refusals were not reported one by one (too many at once)"
                )),
                Some(Event::Refused {
                    peer,
                    status,
                    reason,
                    began,
                }) => {
                    let code = status.map_or("closed".to_string(), |s| s.to_string());
                    let text = format!("refused a request from {peer} ({code}): {reason}");
                    self.note(text.clone());
                    let after_answer = began
                        .zip(answered_at)
                        .is_some_and(|(began, answered)| began >= answered);
                    if after_answer && status != Some(405) && self.client_ip == Some(peer.ip()) {
                        return Err(TargetError::Other(text));
                    }
                }
            }
        }
    }

    /// Answers a message of a device other than the one under test with no
    /// commands; past [`DISMISSALS`] messages of one of its sessions, with 409.
    fn answer_other_device(&mut self, r: Incoming, h: Header) {
        let answered = self
            .others
            .entry((h.device.clone(), h.session_id.clone()))
            .or_insert(0);
        *answered += 1;
        if *answered > DISMISSALS {
            r.answer(Response::text(
                409,
                "this server is busy with another device\n",
            ));
            return;
        }
        let first = *answered == 1;
        let uri = self.url_of(&r).unwrap_or_else(|| self.url());
        let ok = no_commands_answer(&r, &uri, None).is_ok_and(|wire| answer(r, &wire).is_ok());
        if first {
            let dut = self.device.clone().unwrap_or_default();
            let what = if ok {
                "answered with no commands, so that it ends"
            } else {
                "its answer could not be sent"
            };
            self.note(format!(
                "device {:?} posted in session {} while the suite runs against device {dut:?}: {what}",
                h.device, h.session_id
            ));
        }
    }

    /// The next request that starts a session (MsgID 1); requests continuing no
    /// open session are answered 409 and noted.
    fn next_package1(&mut self) -> Result<Incoming, TargetError> {
        if let Some(s) = self.stashed.take() {
            return Ok(s);
        }
        if self.gone {
            return Err(TargetError::Gone(
                "the client opened no session within the idle timeout".into(),
            ));
        }
        let deadline = crate::timeouts::deadline(self.opts.idle_timeout);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let Some((r, h)) = self.next_request(left, None)? else {
                self.gone = true;
                return Err(TargetError::Timeout(format!(
                    "no client opened a session within {} s",
                    self.opts.idle_timeout.as_secs()
                )));
            };
            match h {
                Some(h) if h.msg_id != "1" => {
                    let text = format!(
                        "a message of session {:?} (MsgID {}) arrived while no session was open; answered 409",
                        h.session_id, h.msg_id
                    );
                    r.answer(Response::text(409, "no session is open; start a new one\n"));
                    self.note(text);
                }
                _ => return Ok(r),
            }
        }
    }

    /// A request the harness will not answer with a DM message: the harness gave up its session.
    fn drop_pending(&mut self) {
        if let Some(p) = self.pending.take() {
            p.answer(Response::text(500, "the harness ended this session\n"));
        }
    }
}

impl Target for Listen {
    fn describe(&self) -> String {
        let device = self
            .device
            .as_deref()
            .map(|d| format!(", device {d}"))
            .unwrap_or_default();
        format!(
            "listen:{} ({}{device})",
            self.server.local_addr(),
            self.url()
        )
    }

    fn open_session(&mut self, encoding: Encoding) -> Result<Wire, TargetError> {
        self.drop_pending();
        self.session_id = None;
        let r = self.next_package1()?;
        let content_type = r.request.header("content-type").unwrap_or("").to_string();
        match encoding_of(&content_type, &r.request.body) {
            Some(e) if e != encoding => {
                self.stashed = Some(r);
                return Err(TargetError::Unsupported(format!(
                    "the client sends {e}; this case run is in {encoding}"
                )));
            }
            _ => {}
        }
        self.adopt_device(&r);
        self.sessions += 1;
        self.session_id = header_of(&r.request.body).map(|h| h.session_id);
        self.client_ip = Some(r.peer.ip());
        let wire = wire_of(&r);
        self.pending = Some(r);
        Ok(wire)
    }

    fn deliver(&mut self, message: Wire) -> Result<Option<Wire>, TargetError> {
        let pending = self.pending.take().ok_or_else(|| {
            TargetError::Other("no client request is waiting for this message".into())
        })?;
        let delivered = Delivered::of(&message);
        let wait = if delivered.ends {
            self.opts.end_grace.min(self.opts.exchange_timeout)
        } else {
            self.opts.exchange_timeout
        };
        let answered_at = Instant::now();
        answer(pending, &message)?;
        match self.next_request(wait, Some(answered_at))? {
            None if delivered.ends => {
                self.session_id = None;
                Ok(None)
            }
            None => Err(TargetError::Timeout(format!(
                "the client sent no next message within {} s",
                wait.as_secs()
            ))),
            Some((r, h)) => {
                // Package 1 again in the same session answers a challenge.
                let new_session = h.as_ref().is_some_and(|h| {
                    h.opens_session()
                        && !(delivered.challenges
                            && self.session_id.as_deref() == Some(h.session_id.as_str()))
                });
                self.client_ip = Some(r.peer.ip());
                if !new_session {
                    let wire = wire_of(&r);
                    self.pending = Some(r);
                    return Ok(Some(wire));
                }
                self.session_id = None;
                self.stashed = Some(r);
                if delivered.ends {
                    Ok(None)
                } else {
                    Err(TargetError::Other(format!(
                        "the client opened a new session instead of answering message {}",
                        delivered.msg_id
                    )))
                }
            }
        }
    }
}

/// A target that plays back one client message, for building the answer to it.
struct OneMessage(Option<Wire>);

impl Target for OneMessage {
    fn describe(&self) -> String {
        "one client message".into()
    }
    fn open_session(&mut self, _: Encoding) -> Result<Wire, TargetError> {
        self.0
            .take()
            .ok_or_else(|| TargetError::Other("no message".into()))
    }
    fn deliver(&mut self, _: Wire) -> Result<Option<Wire>, TargetError> {
        Ok(None)
    }
}

/// The answer to a client message holding no commands: Status for its SyncHdr
/// (and its commands) and Final, in the message's encoding.
fn no_commands_answer(
    r: &Incoming,
    server_uri: &str,
    server_auth: Option<ServerAuth>,
) -> Result<Wire, TargetError> {
    let encoding = encoding_of(
        r.request.header("content-type").unwrap_or(""),
        &r.request.body,
    )
    .ok_or_else(|| TargetError::Other("neither SyncML XML nor WBXML".into()))?;
    let mut one = OneMessage(Some(wire_of(r)));
    let mut session = Session::open(&mut one, encoding, server_uri, "no commands")
        .map_err(|(_, e)| TargetError::Other(e.to_string()))?;
    session.server_auth = server_auth;
    let root = session.build_next(&Outgoing::default());
    drop(session);
    let body = codec::encode(&root, encoding).map_err(TargetError::Other)?;
    Ok(Wire::new(encoding, body))
}

/// The run of a case in the encoding the client does not use: `unsupported`, saying why.
pub fn unsupported_encoding(
    case: &crate::spec::Case,
    asked: Encoding,
    client: Encoding,
) -> crate::CaseRun {
    crate::CaseRun {
        id: case.id.clone(),
        title: case.title.clone(),
        requirements: case.requirements.clone(),
        encoding: asked,
        verdict: crate::verdict::Verdict::Unsupported,
        findings: vec![crate::verdict::Finding {
            severity: crate::verdict::Severity::Info,
            kind: crate::verdict::FindingKind::Capability,
            requirement: None,
            check: "capabilities".into(),
            expected: format!("encoding {asked}"),
            actual: format!(
                "the client under test sends {client}; serve runs cases in the client's encoding"
            ),
            exchange: None,
        }],
        statuses: Vec::new(),
        transcript: Vec::new(),
        expected_deviation: None,
        micros: 0,
    }
}

fn answer(pending: Incoming, message: &Wire) -> Result<(), TargetError> {
    let response = Response {
        status: 200,
        content_type: message.content_type.clone(),
        headers: message
            .headers
            .iter()
            .filter(|(n, _)| !n.starts_with(':'))
            .cloned()
            .collect(),
        body: message.body.clone(),
    };
    if pending.answer(response) {
        Ok(())
    } else {
        Err(TargetError::Gone(
            "the client's connection closed before the answer".into(),
        ))
    }
}
