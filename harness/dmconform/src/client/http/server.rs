//! The listener: a tokio runtime on threads of its own accepts connections
//! (at most [`ServerConfig::max_connections`] at once; the next is answered
//! 503 and closed), serves each with hyper's HTTP/1.1 server, behind TLS when
//! configured, and hands each request to the synchronous harness over a
//! bounded channel, with a oneshot channel for its answer.

use super::request::{Limits, MAX_HEADERS, Request, Response};
use super::tls::{self, TlsOptions};
use super::watch::{Clock, Expiry, Watched};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::{Semaphore, mpsc, oneshot};

/// How the server listens.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// `host:port`; port 0 picks a free one.
    pub addr: String,
    pub limits: Limits,
    pub max_connections: usize,
    pub tls: Option<TlsOptions>,
    /// How long a connection waits for the harness to answer its request.
    pub answer_timeout: Duration,
}

impl ServerConfig {
    /// Plain HTTP on `addr` with the default bounds.
    pub fn new(addr: &str) -> ServerConfig {
        ServerConfig {
            addr: addr.to_string(),
            limits: Limits::default(),
            max_connections: 16,
            tls: None,
            answer_timeout: Duration::from_secs(120),
        }
    }
}

/// Events queued for the harness beside one request per connection: refusals
/// past this many wait for none and are counted instead ([`Event::Unreported`]).
pub const EVENT_QUEUE: usize = 64;
/// Connections turned away (answered 503) at once; past that they are closed unanswered.
const REFUSALS_AT_ONCE: usize = 16;
/// How long writing a refusal or a timeout answer may take.
const REFUSAL_WRITE: Duration = Duration::from_secs(2);

/// A request waiting for the harness's answer.
#[derive(Debug)]
pub struct Incoming {
    pub request: Request,
    pub peer: SocketAddr,
    /// The subject of the TLS client certificate, when one was presented.
    pub client_subject: Option<String>,
    answer: oneshot::Sender<Response>,
}

impl Incoming {
    /// Answers the request; false when the connection is gone.
    pub fn answer(self, response: Response) -> bool {
        self.answer.send(response).is_ok()
    }
}

/// What the server hands over.
#[derive(Debug)]
pub enum Event {
    Request(Incoming),
    /// A request the server refused itself (and answered with `status`, if it could).
    Refused {
        peer: SocketAddr,
        status: Option<u16>,
        reason: String,
        /// When the first byte of the refused request arrived; `None` for a
        /// connection that stayed silent or was turned away on arrival.
        began: Option<std::time::Instant>,
    },
    /// Refusals that found the event queue full and were only counted.
    Unreported {
        refusals: u64,
    },
}

/// A running server; dropping it stops everything it started.
pub struct Server {
    local_addr: SocketAddr,
    tls: bool,
    self_signed_pem: Option<String>,
    events: Mutex<mpsc::Receiver<Event>>,
    shared: Arc<Shared>,
    runtime: Option<tokio::runtime::Runtime>,
}

/// What every connection task shares.
struct Shared {
    config: ServerConfig,
    acceptor: Option<tokio_rustls::TlsAcceptor>,
    events: mpsc::Sender<Event>,
    /// Refusals not queued (the queue was full) since the harness last looked.
    unreported: AtomicU64,
    connections: Arc<Semaphore>,
    refusals: Arc<Semaphore>,
}

impl Shared {
    /// Queues a refusal, or counts it when the queue is full.
    fn refused(
        &self,
        peer: SocketAddr,
        status: Option<u16>,
        reason: String,
        began: Option<std::time::Instant>,
    ) {
        let event = Event::Refused {
            peer,
            status,
            reason,
            began,
        };
        if self.events.try_send(event).is_err() {
            self.unreported.fetch_add(1, Ordering::Relaxed);
        }
    }
}

impl Server {
    /// Binds and starts accepting.
    pub fn start(config: ServerConfig) -> Result<Server, String> {
        let prepared = config.tls.as_ref().map(tls::prepare).transpose()?;
        let listener = std::net::TcpListener::bind(&config.addr)
            .map_err(|e| format!("cannot listen on {}: {e}", config.addr))?;
        listener.set_nonblocking(true).map_err(|e| e.to_string())?;
        let local_addr = listener.local_addr().map_err(|e| e.to_string())?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("dmconform-http")
            .enable_io()
            .enable_time()
            .build()
            .map_err(|e| format!("cannot start the HTTP server's runtime: {e}"))?;
        let listener = {
            let _in_runtime = runtime.enter();
            tokio::net::TcpListener::from_std(listener).map_err(|e| e.to_string())?
        };
        let self_signed_pem = prepared.as_ref().and_then(|p| p.self_signed_pem.clone());
        let acceptor = prepared.map(|p| tokio_rustls::TlsAcceptor::from(p.config));
        let tls = acceptor.is_some();
        let (tx, events) = mpsc::channel(EVENT_QUEUE + config.max_connections.max(1));
        let shared = Arc::new(Shared {
            connections: Arc::new(Semaphore::new(config.max_connections.max(1))),
            refusals: Arc::new(Semaphore::new(REFUSALS_AT_ONCE)),
            config,
            acceptor,
            events: tx,
            unreported: AtomicU64::new(0),
        });
        runtime.spawn(accept_loop(listener, shared.clone()));
        Ok(Server {
            local_addr,
            tls,
            self_signed_pem,
            events: Mutex::new(events),
            shared,
            runtime: Some(runtime),
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The URL of `path` on this server.
    pub fn url(&self, path: &str) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}{path}", self.local_addr)
    }

    /// The PEM of the generated certificate, when the server made one.
    pub fn self_signed_pem(&self) -> Option<&str> {
        self.self_signed_pem.as_deref()
    }

    /// Connections being served now.
    pub fn open_connections(&self) -> usize {
        let max = self.shared.config.max_connections.max(1);
        max - self.shared.connections.available_permits().min(max)
    }

    /// The next event, waiting at most `timeout`.
    pub fn next_event(&self, timeout: Duration) -> Option<Event> {
        let refusals = self.shared.unreported.swap(0, Ordering::Relaxed);
        if refusals > 0 {
            return Some(Event::Unreported { refusals });
        }
        let runtime = self.runtime.as_ref()?;
        let mut events = self.events.lock().unwrap_or_else(|p| p.into_inner());
        runtime.block_on(async {
            tokio::time::timeout(timeout, events.recv())
                .await
                .ok()
                .flatten()
        })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_timeout(Duration::from_secs(5));
        }
    }
}

async fn accept_loop(listener: tokio::net::TcpListener, shared: Arc<Shared>) {
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(x) => x,
            // Out of file descriptors, or the like: wait for connections to close.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        match shared.connections.clone().try_acquire_owned() {
            Ok(permit) => {
                let shared = shared.clone();
                tokio::spawn(async move {
                    serve_connection(stream, peer, shared).await;
                    drop(permit);
                });
            }
            Err(_) => {
                shared.refused(
                    peer,
                    Some(503),
                    format!(
                        "more than {} connections at once",
                        shared.config.max_connections
                    ),
                    None,
                );
                // Past the refusals being written, a connection is closed unanswered.
                if let Ok(permit) = shared.refusals.clone().try_acquire_owned() {
                    tokio::spawn(async move {
                        let answer = Response::text(503, "too many connections\n");
                        write_last(stream, &answer).await;
                        drop(permit);
                    });
                }
            }
        }
    }
}

/// Writes a last answer on a connection and closes it, within [`REFUSAL_WRITE`].
async fn write_last<S: AsyncWrite + Unpin>(mut stream: S, answer: &Response) {
    let _ = tokio::time::timeout(REFUSAL_WRITE, async {
        stream.write_all(&answer.to_bytes()).await?;
        stream.shutdown().await
    })
    .await;
}

/// Closes a connection whose TLS handshake failed so that the peer can read the
/// alert rustls sent (a missing client certificate, say): this side is shut down
/// and what the peer still sends is read and dropped, for at most
/// [`REFUSAL_WRITE`], so the kernel does not answer it with a reset that would
/// discard the alert before the peer reads it.
async fn close_gently(mut stream: tokio::net::TcpStream) {
    let _ = tokio::time::timeout(REFUSAL_WRITE, async {
        let _ = stream.shutdown().await;
        let mut sink = [0u8; 4096];
        while matches!(stream.read(&mut sink).await, Ok(n) if n > 0) {}
    })
    .await;
}

async fn serve_connection(stream: tokio::net::TcpStream, peer: SocketAddr, shared: Arc<Shared>) {
    let limits = shared.config.limits;
    let clock = Clock::new(limits.first_byte, limits.whole_request);
    let Some(acceptor) = shared.acceptor.clone() else {
        let io = Watched::new(stream, clock.clone());
        return drive(io, None, clock, peer, shared).await;
    };
    match tokio::time::timeout(limits.first_byte, acceptor.accept(stream).into_fallible()).await {
        Ok(Ok(tls)) => {
            let subject = tls
                .get_ref()
                .1
                .peer_certificates()
                .and_then(|c| c.first())
                .and_then(|c| super::subject::subject(c));
            let io = Watched::new(tls, clock.clone());
            drive(io, subject, clock, peer, shared).await
        }
        Ok(Err((e, stream))) => {
            shared.refused(peer, None, format!("TLS handshake: {e}"), None);
            close_gently(stream).await;
        }
        Err(_) => shared.refused(
            peer,
            None,
            format!(
                "TLS handshake: not done within {} s",
                limits.first_byte.as_secs()
            ),
            None,
        ),
    }
}

/// What the request handler of one connection knows.
struct Context {
    shared: Arc<Shared>,
    clock: Arc<Clock>,
    peer: SocketAddr,
    subject: Option<String>,
}

/// Serves HTTP/1.1 on one connection until it ends or a deadline passes.
async fn drive<S>(
    io: Watched<S>,
    subject: Option<String>,
    clock: Arc<Clock>,
    peer: SocketAddr,
    shared: Arc<Shared>,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let limits = shared.config.limits;
    let context = Arc::new(Context {
        shared: shared.clone(),
        clock: clock.clone(),
        peer,
        subject,
    });
    let service = hyper::service::service_fn(move |req| {
        let context = context.clone();
        async move { Ok::<_, Infallible>(handle(req, &context).await) }
    });
    let mut conn = hyper::server::conn::http1::Builder::new()
        .keep_alive(true)
        .half_close(true)
        .max_headers(MAX_HEADERS)
        .max_header_size(limits.max_head)
        .header_read_timeout(None)
        .serve_connection(TokioIo::new(io), service);
    let ended = tokio::select! {
        served = &mut conn => Ok(served),
        expiry = clock.expired() => Err(expiry),
    };
    let (first_byte, whole_request) = clock.limits();
    match ended {
        Ok(Ok(())) => {}
        Ok(Err(e)) if e.is_parse_too_large() => shared.refused(
            peer,
            Some(431),
            format!("too large: head over {} bytes", limits.max_head),
            clock.began(),
        ),
        Ok(Err(e)) if e.is_parse() => shared.refused(
            peer,
            Some(400),
            format!("malformed request: {e}"),
            clock.began(),
        ),
        Ok(Err(e)) if clock.mid_request() => shared.refused(
            peer,
            None,
            format!("the connection ended inside a request: {e}"),
            clock.began(),
        ),
        // The peer went away between requests.
        Ok(Err(_)) => {}
        Err(expiry) => {
            let stream = conn.into_parts().io.into_inner().into_inner();
            let (text, carried) = match expiry {
                Expiry::KeptAliveUnused => {
                    let mut stream = stream;
                    let _ = tokio::time::timeout(REFUSAL_WRITE, stream.shutdown()).await;
                    return;
                }
                Expiry::NoRequest => (
                    format!("idle: no request within {} s", first_byte.as_secs()),
                    false,
                ),
                Expiry::Request => (
                    format!(
                        "timeout: the request did not arrive whole within {} s of its first byte",
                        whole_request.as_secs()
                    ),
                    true,
                ),
            };
            write_last(stream, &Response::text(408, &format!("{text}\n"))).await;
            shared.refused(
                peer,
                Some(408),
                text,
                carried.then(|| clock.began()).flatten(),
            );
        }
    }
}

/// Reads one request whole, within its bounds, and waits for the harness's answer.
async fn handle(
    req: hyper::Request<hyper::body::Incoming>,
    cx: &Context,
) -> hyper::Response<Full<Bytes>> {
    let config = &cx.shared.config;
    cx.clock.bytes_arrived();
    let mut request = Request::head_of(&req);
    let refuse = |status: u16, reason: String| {
        cx.shared
            .refused(cx.peer, Some(status), reason.clone(), cx.clock.began());
        cx.clock.answered();
        Response::text(status, &format!("{reason}\n")).into_hyper(true)
    };
    if request.method != "POST" {
        let reason = format!("{} {}", request.method, request.path);
        cx.shared
            .refused(cx.peer, Some(405), reason, cx.clock.began());
        cx.clock.answered();
        return Response::text(405, "DM clients POST their messages here\n").into_hyper(true);
    }
    let max = config.limits.max_body;
    let declared = req
        .headers()
        .get(hyper::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if let Some(n) = declared.filter(|n| *n > max as u64) {
        return refuse(
            413,
            format!("too large: body of {n} bytes over the limit of {max}"),
        );
    }
    match Limited::new(req.into_body(), max).collect().await {
        Ok(body) => request.body = body.to_bytes().to_vec(),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => {
            return refuse(413, format!("too large: body over the limit of {max}"));
        }
        Err(e) => {
            return refuse(
                400,
                format!("malformed request: the body ended early ({e})"),
            );
        }
    }
    cx.clock.request_read();
    let close = request
        .header("connection")
        .is_some_and(|v| v.eq_ignore_ascii_case("close"));
    let (tx, rx) = oneshot::channel();
    let incoming = Incoming {
        request,
        peer: cx.peer,
        client_subject: cx.subject.clone(),
        answer: tx,
    };
    let answered = tokio::time::timeout(config.answer_timeout, async {
        cx.shared.events.send(Event::Request(incoming)).await.ok()?;
        rx.await.ok()
    })
    .await;
    cx.clock.answered();
    match answered {
        Ok(Some(response)) => response.into_hyper(close),
        _ => Response::text(503, "the harness did not answer\n").into_hyper(true),
    }
}
