//! The listener: an accept thread, one thread per connection (at most
//! [`ServerConfig::max_connections`] at once, the next answered 503), and the
//! requests they hand to the harness, each with a channel for its answer.

use super::request::{self, Limits, ReadError, Request, Response, TimedRead};
use super::tls::{self, TlsOptions};
use std::io;
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

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

/// A request waiting for the harness's answer.
#[derive(Debug)]
pub struct Incoming {
    pub request: Request,
    pub peer: SocketAddr,
    /// The subject of the TLS client certificate, when one was presented.
    pub client_subject: Option<String>,
    answer: mpsc::Sender<Response>,
}

impl Incoming {
    /// Answers the request; false when the connection is gone.
    pub fn answer(self, response: Response) -> bool {
        self.answer.send(response).is_ok()
    }
}

/// What the connection threads hand over.
#[derive(Debug)]
pub enum Event {
    Request(Incoming),
    /// A request the server refused itself (and answered with `status`, if it could).
    Refused {
        peer: SocketAddr,
        status: Option<u16>,
        reason: String,
        /// Whether bytes of a request arrived (not so for a connection that
        /// stayed silent or was turned away on arrival).
        carried_request: bool,
    },
}

/// A running server; dropping it stops everything it started.
pub struct Server {
    local_addr: SocketAddr,
    tls: bool,
    self_signed_pem: Option<String>,
    events: mpsc::Receiver<Event>,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

struct Shared {
    stop: AtomicBool,
    active: AtomicUsize,
    /// Each open connection's socket, to shut it down when the server stops.
    sockets: Mutex<Vec<(u64, TcpStream)>>,
    threads: Mutex<Vec<JoinHandle<()>>>,
}

const POLL: Duration = Duration::from_millis(10);

impl Server {
    /// Binds and starts accepting.
    pub fn start(config: ServerConfig) -> Result<Server, String> {
        let prepared = config.tls.as_ref().map(tls::prepare).transpose()?;
        let listener = TcpListener::bind(&config.addr)
            .map_err(|e| format!("cannot listen on {}: {e}", config.addr))?;
        listener.set_nonblocking(true).map_err(|e| e.to_string())?;
        let local_addr = listener.local_addr().map_err(|e| e.to_string())?;
        let (tx, events) = mpsc::channel();
        let shared = Arc::new(Shared {
            stop: AtomicBool::new(false),
            active: AtomicUsize::new(0),
            sockets: Mutex::new(Vec::new()),
            threads: Mutex::new(Vec::new()),
        });
        let self_signed_pem = prepared.as_ref().and_then(|p| p.self_signed_pem.clone());
        let tls_config = prepared.map(|p| p.config);
        let tls = tls_config.is_some();
        let accept = {
            let shared = shared.clone();
            std::thread::Builder::new()
                .name("dmconform-accept".into())
                .spawn(move || accept_loop(listener, config, tls_config, tx, shared))
                .map_err(|e| e.to_string())?
        };
        Ok(Server {
            local_addr,
            tls,
            self_signed_pem,
            events,
            shared,
            accept: Some(accept),
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

    /// The next event, waiting at most `timeout`.
    pub fn next_event(&self, timeout: Duration) -> Option<Event> {
        self.events.recv_timeout(timeout).ok()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        if let Some(a) = self.accept.take() {
            let _ = a.join();
        }
        for (_, s) in lock(&self.shared.sockets).drain(..) {
            let _ = s.shutdown(Shutdown::Both);
        }
        let threads: Vec<_> = lock(&self.shared.threads).drain(..).collect();
        for t in threads {
            let _ = t.join();
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn accept_loop(
    listener: TcpListener,
    config: ServerConfig,
    tls: Option<Arc<rustls::ServerConfig>>,
    events: mpsc::Sender<Event>,
    shared: Arc<Shared>,
) {
    let mut next_id = 0u64;
    while !shared.stop.load(Ordering::SeqCst) {
        let (stream, peer) = match listener.accept() {
            Ok(x) => x,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                std::thread::sleep(POLL);
                continue;
            }
            Err(_) => {
                std::thread::sleep(POLL);
                continue;
            }
        };
        let _ = stream.set_nonblocking(false);
        let _ = stream.set_nodelay(true);
        if shared.active.load(Ordering::SeqCst) >= config.max_connections {
            let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
            let _ = Response::text(503, "too many connections\n").write_to(&mut &stream, true);
            let _ = events.send(Event::Refused {
                peer,
                status: Some(503),
                reason: format!("more than {} connections at once", config.max_connections),
                carried_request: false,
            });
            continue;
        }
        let Ok(registered) = stream.try_clone() else {
            continue;
        };
        next_id += 1;
        let id = next_id;
        lock(&shared.sockets).push((id, registered));
        shared.active.fetch_add(1, Ordering::SeqCst);
        let conn = Connection {
            peer,
            limits: config.limits,
            answer_timeout: config.answer_timeout,
            events: events.clone(),
            shared: shared.clone(),
        };
        let tls = tls.clone();
        let spawned = std::thread::Builder::new()
            .name("dmconform-conn".into())
            .spawn(move || {
                let shared = conn.shared.clone();
                conn.serve(stream, tls);
                lock(&shared.sockets).retain(|(i, _)| *i != id);
                shared.active.fetch_sub(1, Ordering::SeqCst);
            });
        match spawned {
            Ok(handle) => {
                let mut threads = lock(&shared.threads);
                threads.retain(|t| !t.is_finished());
                threads.push(handle);
            }
            Err(_) => {
                lock(&shared.sockets).retain(|(i, _)| *i != id);
                shared.active.fetch_sub(1, Ordering::SeqCst);
            }
        }
    }
}

struct Connection {
    peer: SocketAddr,
    limits: Limits,
    answer_timeout: Duration,
    events: mpsc::Sender<Event>,
    shared: Arc<Shared>,
}

impl TimedRead for TcpStream {
    fn set_timeout(&mut self, timeout: Duration) -> io::Result<()> {
        self.set_read_timeout(Some(timeout.max(Duration::from_millis(1))))
    }
}

impl TimedRead for rustls::StreamOwned<rustls::ServerConnection, TcpStream> {
    fn set_timeout(&mut self, timeout: Duration) -> io::Result<()> {
        self.sock.set_timeout(timeout)
    }
}

impl Connection {
    fn serve(&self, stream: TcpStream, tls: Option<Arc<rustls::ServerConfig>>) {
        let _ = stream.set_write_timeout(Some(self.limits.whole_request));
        match tls {
            None => self.exchange_loop(stream, |_| None),
            Some(config) => {
                let Ok(conn) = rustls::ServerConnection::new(config) else {
                    return;
                };
                let stream = rustls::StreamOwned::new(conn, stream);
                self.exchange_loop(stream, |s| {
                    s.conn
                        .peer_certificates()
                        .and_then(|c| c.first())
                        .and_then(|c| super::subject::subject(c))
                });
            }
        }
    }

    /// Reads requests and writes the harness's answers until the connection ends.
    fn exchange_loop<S: TimedRead + io::Write>(
        &self,
        mut stream: S,
        subject_of: impl Fn(&S) -> Option<String>,
    ) {
        let mut buffered = Vec::new();
        let mut used = false;
        while !self.shared.stop.load(Ordering::SeqCst) {
            let request = match request::read_request(&mut stream, &mut buffered, &self.limits) {
                Ok(r) => r,
                Err(ReadError::Closed) => return,
                // A kept-alive connection the client does not use again.
                Err(ReadError::Idle(_)) if used => return,
                Err(e) => {
                    let status = e.status();
                    if let Some(code) = status {
                        let _ = Response::text(code, &format!("{e}\n")).write_to(&mut stream, true);
                    }
                    let carried_request = !matches!(e, ReadError::Idle(_));
                    self.refused(status, e.to_string(), carried_request);
                    return;
                }
            };
            used = true;
            if request.method != "POST" {
                let _ = Response::text(405, "DM clients POST their messages here\n")
                    .write_to(&mut stream, true);
                self.refused(
                    Some(405),
                    format!("{} {}", request.method, request.path),
                    true,
                );
                return;
            }
            let close = request
                .header("connection")
                .is_some_and(|v| v.eq_ignore_ascii_case("close"));
            let (tx, rx) = mpsc::channel();
            let incoming = Incoming {
                request,
                peer: self.peer,
                client_subject: subject_of(&stream),
                answer: tx,
            };
            if self.events.send(Event::Request(incoming)).is_err() {
                return;
            }
            let Some(response) = self.wait_answer(&rx) else {
                let _ =
                    Response::text(503, "the harness did not answer\n").write_to(&mut stream, true);
                return;
            };
            if response.write_to(&mut stream, close).is_err() || close {
                return;
            }
        }
    }

    fn wait_answer(&self, rx: &mpsc::Receiver<Response>) -> Option<Response> {
        let deadline = crate::timeouts::deadline(self.answer_timeout);
        while Instant::now() < deadline && !self.shared.stop.load(Ordering::SeqCst) {
            match rx.recv_timeout(POLL * 5) {
                Ok(r) => return Some(r),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => return None,
            }
        }
        None
    }

    fn refused(&self, status: Option<u16>, reason: String, carried_request: bool) {
        let _ = self.events.send(Event::Refused {
            peer: self.peer,
            status,
            reason,
            carried_request,
        });
    }
}
