//! The server-role suite over real HTTP on loopback: the reference server binary
//! (`refdm-server`) as a separate process passes in both encodings and fails under a
//! fault switch; small misbehaving peers (silent, garbage, truncated WBXML, a 200 MB
//! body, a reset connection, HTTP 500, a redirect, an HTML sign-in page) each give `error` verdicts with transcripts,
//! while the run goes on and nothing hangs; a server that never answers is asked three times,
//! then the rest of the run is `error` at once, while a refused connection stays quick.

mod common;

use dmconform::run::RunOptions;
use dmconform::server::http::{HttpOptions, HttpServer};
use dmconform::server::runner::run_server_suite;
use dmconform::spec::{Role, Suite};
use dmconform::{Encoding, RunReport, TargetProfile, Verdict};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

fn run_against(url: &str, http: &HttpOptions, filter: Option<&str>) -> RunReport {
    let (suite, problems) = Suite::embedded();
    assert!(problems.is_empty(), "{problems:?}");
    let profile = TargetProfile::reference_server();
    let mut target = HttpServer::new(url, http).expect("a valid URL");
    let opts = RunOptions {
        role: Role::Server,
        filter: filter.map(|f| glob::Pattern::new(f).unwrap()),
        ..RunOptions::default()
    };
    run_server_suite(&suite, &mut target, &profile, &opts, &mut |_, _, _| {})
}

/// The `refdm-server` binary, built when the workspace's tests did not build it.
fn server_binary() -> PathBuf {
    let deps = std::env::current_exe().unwrap();
    let dir = deps.parent().unwrap().parent().unwrap().to_path_buf();
    let bin = dir.join(format!("refdm-server{}", std::env::consts::EXE_SUFFIX));
    if !bin.exists() {
        let status = Command::new(env!("CARGO"))
            .args(["build", "-q", "-p", "refdm", "--bin", "refdm-server"])
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building refdm-server failed");
    }
    bin
}

/// The reference server in its own process; killed when dropped.
struct ServerProcess {
    child: Child,
    url: String,
}

impl ServerProcess {
    fn start(faults: &str) -> ServerProcess {
        let mut cmd = Command::new(server_binary());
        cmd.args(["--listen", "127.0.0.1:0"]);
        if !faults.is_empty() {
            cmd.args(["--fault", faults]);
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .spawn()
            .expect("refdm-server starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let base = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap()
            .to_string();
        ServerProcess {
            child,
            url: format!("{base}omadm"),
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn the_reference_server_binary_passes_over_http_in_both_encodings() {
    let server = ServerProcess::start("");
    let report = run_against(&server.url, &HttpOptions::default(), None);
    for e in Encoding::BOTH {
        assert!(report.runs.iter().any(|r| r.encoding == e));
    }
    common::assert_every_run_passes(&report);
}

#[test]
fn a_fault_switch_makes_the_binary_fail_over_http() {
    let server = ServerProcess::start("status-order-swapped");
    let report = run_against(&server.url, &HttpOptions::default(), None);
    assert!(report.runs.iter().any(|r| r.verdict == Verdict::Fail));
}

/// How a misbehaving peer answers each request.
#[derive(Clone, Copy)]
enum Misbehaviour {
    Silent,
    Garbage,
    TruncatedWbxml,
    Huge,
    Reset,
    Status500,
    Redirect,
    SignInPage,
}

/// Reads one request's headers and body (by Content-Length).
fn read_request(stream: &mut TcpStream) {
    let mut reader = BufReader::new(stream);
    let mut length = 0usize;
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
        if line == "\r\n" {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
        line.clear();
    }
    let mut body = vec![0; length.min(1 << 20)];
    let _ = reader.read_exact(&mut body);
}

fn respond(stream: &mut TcpStream, how: Misbehaviour) {
    let head = |status: &str, ct: &str, len: usize| {
        format!(
            "HTTP/1.1 {status}\r\nContent-Type: {ct}\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n"
        )
    };
    match how {
        Misbehaviour::Silent => std::thread::sleep(Duration::from_millis(1500)),
        Misbehaviour::Garbage => {
            let body = b"\x7fthis is not SyncML";
            let _ = stream
                .write_all(head("200 OK", "application/vnd.syncml.dm+xml", body.len()).as_bytes());
            let _ = stream.write_all(body);
        }
        Misbehaviour::TruncatedWbxml => {
            let body = [0x02, 0x9F, 0x53, 0x00, 0x00, 0x6D, 0x6C, 0x71, 0x03, 0x31];
            let _ = stream.write_all(
                head("200 OK", "application/vnd.syncml.dm+wbxml", body.len()).as_bytes(),
            );
            let _ = stream.write_all(&body);
        }
        Misbehaviour::Huge => {
            let total = 200usize << 20;
            let _ =
                stream.write_all(head("200 OK", "application/vnd.syncml.dm+xml", total).as_bytes());
            let chunk = vec![b' '; 64 << 10];
            let mut sent = 0;
            while sent < total && stream.write_all(&chunk).is_ok() {
                sent += chunk.len();
            }
        }
        Misbehaviour::Reset => {}
        Misbehaviour::Redirect => {
            let _ = stream.write_all(
                b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:9/elsewhere\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
        Misbehaviour::SignInPage => {
            let body = b"<html><head><title>Sign in</title></head><body><form action=\"/login\"/></body></html>";
            let _ =
                stream.write_all(head("200 OK", "text/html; charset=utf-8", body.len()).as_bytes());
            let _ = stream.write_all(body);
        }
        Misbehaviour::Status500 => {
            let body = b"internal error";
            let _ = stream
                .write_all(head("500 Internal Server Error", "text/plain", body.len()).as_bytes());
            let _ = stream.write_all(body);
        }
    }
}

/// A peer on loopback that misbehaves for every connection, until `stop` is set or
/// `lifetime` is over.
fn misbehaving_peer(
    how: Misbehaviour,
    lifetime: Duration,
    stop: Arc<AtomicBool>,
) -> (String, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}/omadm", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let end = Instant::now() + lifetime;
        while Instant::now() < end && !stop.load(Ordering::Relaxed) {
            match listener.accept() {
                Ok((mut stream, _)) => {
                    stream.set_nonblocking(false).unwrap();
                    if let Misbehaviour::Reset = how {
                        // Unread request bytes make the close a reset.
                        std::thread::sleep(Duration::from_millis(50));
                        drop(stream);
                        continue;
                    }
                    read_request(&mut stream);
                    respond(&mut stream, how);
                }
                Err(_) => std::thread::sleep(Duration::from_millis(10)),
            }
        }
    });
    (url, handle)
}

#[test]
fn misbehaving_servers_give_error_verdicts_and_the_run_goes_on() {
    let http = HttpOptions {
        connect_timeout: Duration::from_secs(2),
        first_byte_timeout: Duration::from_secs(1),
        exchange_timeout: Duration::from_secs(3),
        ..HttpOptions::default()
    };
    for how in [
        Misbehaviour::Silent,
        Misbehaviour::Garbage,
        Misbehaviour::TruncatedWbxml,
        Misbehaviour::Huge,
        Misbehaviour::Reset,
        Misbehaviour::Status500,
        Misbehaviour::Redirect,
        Misbehaviour::SignInPage,
    ] {
        let stop = Arc::new(AtomicBool::new(false));
        let (url, peer) = misbehaving_peer(how, Duration::from_secs(20), stop.clone());
        let start = Instant::now();
        let report = run_against(&url, &http, Some("package1.client-*"));
        stop.store(true, Ordering::Relaxed);
        assert_eq!(report.runs.len(), 2, "both encodings run");
        for r in &report.runs {
            assert_eq!(
                r.verdict,
                Verdict::Error,
                "{} [{}]: {:#?}",
                r.id,
                r.encoding,
                r.findings
            );
            assert!(
                !r.transcript.is_empty(),
                "{}: the message sent is kept",
                r.id
            );
        }
        if let Misbehaviour::SignInPage = how {
            for r in &report.runs {
                assert!(
                    r.findings.iter().any(|f| f.actual.contains("is not SyncML: a <html> document; Content-Type \"text/html; charset=utf-8\", the body starting \"<html><head><title>Sign in")),
                    "{:#?}",
                    r.findings
                );
                assert_eq!(
                    r.findings.len(),
                    1,
                    "judged by no invariant: {:#?}",
                    r.findings
                );
            }
        }
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "the run does not hang"
        );
        peer.join().unwrap();
    }
}

/// A peer on loopback that accepts every connection and never answers, holding it open
/// until `stop` is set or `lifetime` is over; the number of connections it accepted.
fn silent_peer(
    lifetime: Duration,
    stop: Arc<AtomicBool>,
) -> (String, Arc<AtomicUsize>, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}/omadm", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    let handle = std::thread::spawn(move || {
        let end = Instant::now() + lifetime;
        let mut held = Vec::new();
        while Instant::now() < end && !stop.load(Ordering::Relaxed) {
            match listener.accept() {
                Ok((stream, _)) => {
                    count.fetch_add(1, Ordering::SeqCst);
                    held.push(stream);
                }
                Err(_) => std::thread::sleep(Duration::from_millis(10)),
            }
        }
    });
    (url, accepted, handle)
}

#[test]
fn a_silent_server_is_asked_three_times_then_the_rest_of_the_run_is_error_at_once() {
    use dmconform::server::runner::SILENT_CASE_RUNS;
    let http = HttpOptions {
        connect_timeout: Duration::from_secs(5),
        first_byte_timeout: Duration::from_secs(1),
        exchange_timeout: Duration::from_secs(3),
        ..HttpOptions::default()
    };
    let stop = Arc::new(AtomicBool::new(false));
    let (url, accepted, peer) = silent_peer(Duration::from_secs(300), stop.clone());
    let report = run_against(&url, &http, None);
    stop.store(true, Ordering::Relaxed);
    peer.join().unwrap();
    assert!(report.runs.len() > SILENT_CASE_RUNS + 1);
    let (asked, not_sent) = report.runs.split_at(SILENT_CASE_RUNS);
    for r in asked {
        assert_eq!(r.verdict, Verdict::Error, "{:#?}", r.findings);
        assert!(
            r.findings.iter().any(|f| f
                .actual
                .contains("no answer within the 1 s first-byte bound; --http-timeout sets it")),
            "{:#?}",
            r.findings
        );
    }
    for r in not_sent {
        assert_eq!(r.verdict, Verdict::Error, "{:#?}", r.findings);
        assert_eq!(r.findings.len(), 1, "{:#?}", r.findings);
        let f = &r.findings[0];
        assert!(
            f.actual.starts_with("not sent: the server gave nothing back in the 3 case runs before this one: no answer within the 1 s first-byte bound"),
            "{}",
            f.actual
        );
        assert!(r.transcript.is_empty());
    }
    // Each case run asked opens one connection; the rest of the run opened none.
    assert!(
        accepted.load(Ordering::SeqCst) <= SILENT_CASE_RUNS,
        "{} connections",
        accepted.load(Ordering::SeqCst)
    );
}

#[test]
fn a_refused_connection_is_an_error_for_every_case_run_without_stopping_the_run() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let report = run_against(
        &format!("http://127.0.0.1:{port}/omadm"),
        &HttpOptions::default(),
        None,
    );
    for r in &report.runs {
        assert_eq!(r.verdict, Verdict::Error, "{:#?}", r.findings);
        assert!(
            r.findings.iter().all(|f| !f.actual.starts_with("not sent")),
            "{:#?}",
            r.findings
        );
        assert!(!r.transcript.is_empty(), "every case run was sent");
    }
}

/// The reference server behind the harness's own HTTPS listener (a self-signed
/// certificate), naming `/omadm/next?s=SESSIONID` as RespURI in every reply; the paths
/// the client posted to, in order.
struct HttpsReference {
    url: String,
    cert: PathBuf,
    paths: Arc<std::sync::Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl HttpsReference {
    fn start() -> HttpsReference {
        use dmconform::client::http::{Event, Server, ServerConfig};
        use dmconform::client::http::{TlsOptions, TlsSetup};
        let cert =
            std::env::temp_dir().join(format!("dmconform-server-https-{}.pem", std::process::id()));
        let listener = Server::start(ServerConfig {
            tls: Some(TlsOptions {
                setup: TlsSetup::SelfSigned {
                    write_cert_to: Some(cert.clone()),
                },
                client_ca: None,
            }),
            ..ServerConfig::new("127.0.0.1:0")
        })
        .expect("the listener starts");
        let config = refdm::server::ServerConfig {
            resp_uri: Some(listener.url("/omadm/next")),
            ..dmconform::server::reference::reference_server_config(
                &TargetProfile::reference_server(),
            )
        };
        let url = listener.url("/omadm");
        let paths = Arc::new(std::sync::Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (paths, stop) = (paths.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut server = refdm::server::Server::new(config, Default::default());
                while !stop.load(Ordering::SeqCst) {
                    let Some(Event::Request(incoming)) =
                        listener.next_event(Duration::from_millis(20))
                    else {
                        continue;
                    };
                    paths.lock().unwrap().push(incoming.request.path.clone());
                    let response =
                        match refdm::server::wire::answer(&mut server, &incoming.request.body) {
                            Ok((body, content_type)) => dmconform::client::http::Response {
                                status: 200,
                                content_type: content_type.into(),
                                headers: Vec::new(),
                                body,
                            },
                            Err((code, reason)) => {
                                dmconform::client::http::Response::text(code, &reason)
                            }
                        };
                    incoming.answer(response);
                }
            })
        };
        HttpsReference {
            url,
            cert,
            paths,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for HttpsReference {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        let _ = std::fs::remove_file(&self.cert);
    }
}

#[test]
fn over_https_the_suite_passes_and_follows_the_servers_resp_uri() {
    let server = HttpsReference::start();
    let http = HttpOptions {
        ca_cert: Some(server.cert.clone()),
        ..HttpOptions::default()
    };
    let report = run_against(&server.url, &http, Some("session.*"));
    assert!(report.runs.len() >= 10, "{} runs", report.runs.len());
    common::assert_every_run_passes(&report);
    // Package 1 of every session goes to the URL given; every later message to the
    // RespURI of the reply before it.
    let paths = server.paths.lock().unwrap().clone();
    let opened = paths.iter().filter(|p| *p == "/omadm").count();
    assert_eq!(opened, report.runs.len(), "{paths:#?}");
    let followed = paths
        .iter()
        .filter(|p| p.starts_with("/omadm/next?s="))
        .count();
    assert_eq!(opened + followed, paths.len(), "{paths:#?}");
    assert!(followed >= opened, "{paths:#?}");
}

#[test]
fn over_https_an_unknown_certificate_is_an_error_not_a_pass() {
    let server = HttpsReference::start();
    let report = run_against(&server.url, &HttpOptions::default(), Some("package1.md5"));
    assert!(!report.runs.is_empty());
    for r in &report.runs {
        assert_eq!(r.verdict, Verdict::Error, "{:#?}", r.findings);
    }
    assert!(server.paths.lock().unwrap().is_empty());
}
