//! The server-role suite over real HTTP on loopback: the reference server binary
//! (`refdm-server`) as a separate process passes in both encodings and fails under a
//! fault switch; small misbehaving peers (silent, garbage, truncated WBXML, a 200 MB
//! body, a reset connection, HTTP 500, a redirect, an HTML sign-in page) each give `error` verdicts with transcripts,
//! while the run goes on and nothing hangs; a server that never answers is asked three times,
//! then the rest of the run is `error` at once, while a refused connection stays quick.

use crate::common;

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
    run_as(&TargetProfile::reference_server(), url, http, filter)
}

fn run_as(
    profile: &TargetProfile,
    url: &str,
    http: &HttpOptions,
    filter: Option<&str>,
) -> RunReport {
    let (suite, problems) = Suite::embedded();
    assert!(problems.is_empty(), "{problems:?}");
    let mut target = HttpServer::new(url, http).expect("a valid URL");
    let opts = RunOptions {
        role: Role::Server,
        filter: filter.map(|f| glob::Pattern::new(f).unwrap()),
        ..RunOptions::default()
    };
    run_server_suite(&suite, &mut target, profile, &opts, &mut |_, _, _| {})
}

/// The `refdm-server` binary, built when the workspace's tests did not build it.
pub(crate) fn server_binary() -> PathBuf {
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
pub(crate) struct ServerProcess {
    child: Child,
    pub(crate) url: String,
}

impl ServerProcess {
    pub(crate) fn start(faults: &str) -> ServerProcess {
        if faults.is_empty() {
            ServerProcess::start_with(&[])
        } else {
            ServerProcess::start_with(&["--fault", faults])
        }
    }

    pub(crate) fn start_with(args: &[&str]) -> ServerProcess {
        let mut cmd = Command::new(server_binary());
        cmd.args(["--listen", "127.0.0.1:0"]).args(args);
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

#[test]
fn the_reference_server_binary_serves_devices_at_once_over_https() {
    let dir = TempDir::new();
    let (cert, key) = ca_true_server_certificate(&dir);
    let server = ServerProcess::start_with(&[
        "--tls-cert",
        cert.to_str().unwrap(),
        "--tls-key",
        key.to_str().unwrap(),
    ]);
    assert!(
        server.url.starts_with("https://127.0.0.1:"),
        "{}",
        server.url
    );
    let http = HttpOptions {
        ca_cert: Some(cert),
        ..HttpOptions::default()
    };
    // Four devices in session at once, each its own DevId: every session keeps its own
    // MsgIDs, authentication and script.
    let runs: Vec<_> = (0..4)
        .map(|n| {
            let (url, http) = (server.url.clone(), http.clone());
            std::thread::spawn(move || {
                let mut profile = TargetProfile::reference_server();
                profile.device.dev_id = format!("device-{n}");
                run_as(&profile, &url, &http, Some("session.*"))
            })
        })
        .collect();
    for run in runs {
        let report = run.join().unwrap();
        assert!(!report.runs.is_empty());
        common::assert_every_run_passes(&report);
    }
}

/// How a misbehaving peer answers each request.
#[derive(Clone, Copy)]
pub(crate) enum Misbehaviour {
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
pub(crate) fn misbehaving_peer(
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

/// A folder of its own for one test's files, removed when dropped.
pub(crate) struct TempDir(pub(crate) PathBuf);

impl TempDir {
    pub(crate) fn new() -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::SeqCst);
        let dir =
            std::env::temp_dir().join(format!("dmconform-server-http-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A self-signed server certificate for localhost and 127.0.0.1 that says CA:TRUE, as
/// `openssl req -x509` makes it by default: its PEM certificate and key files.
pub(crate) fn ca_true_server_certificate(dir: &TempDir) -> (PathBuf, PathBuf) {
    let mut params =
        rcgen::CertificateParams::new(vec!["localhost".into(), "127.0.0.1".into()]).unwrap();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "home-made DM server");
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    (
        dir.write("server.pem", &cert.pem()),
        dir.write("server.key", &key.serialize_pem()),
    )
}

/// A CA and a client certificate it issued to `device-1`: the CA's PEM file, then the
/// client's certificate and key files.
fn client_certificate(dir: &TempDir) -> (PathBuf, PathBuf, PathBuf) {
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "MDM device CA");
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = rcgen::Issuer::new(ca_params, ca_key);
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "device-1");
    params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ClientAuth];
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = params.signed_by(&key, &issuer).unwrap();
    (
        dir.write("client-ca.pem", &ca_cert.pem()),
        dir.write("client.pem", &cert.pem()),
        dir.write("client.key", &key.serialize_pem()),
    )
}

/// The reference server behind the harness's own HTTPS listener, naming
/// `/omadm/next?s=SESSIONID` as RespURI in every reply; the paths the client posted to,
/// in order, and the subject of the client certificate of each request.
pub(crate) struct HttpsReference {
    pub(crate) url: String,
    /// The server's certificate, for the client to trust.
    pub(crate) cert: PathBuf,
    paths: Arc<std::sync::Mutex<Vec<String>>>,
    subjects: Arc<std::sync::Mutex<Vec<Option<String>>>>,
    /// The SyncHdr Target of each client message.
    targets: Arc<std::sync::Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
    _dir: TempDir,
}

/// How the listener of an [`HttpsReference`] is set up.
struct Listening {
    /// The server's certificate and key files; a self-signed one made at start when none.
    cert: Option<(PathBuf, PathBuf)>,
    /// The CA whose client certificates the listener requires.
    client_ca: Option<PathBuf>,
}

impl HttpsReference {
    /// Some connection came, and each presented a client certificate naming `subject`.
    pub(crate) fn assert_every_connection_presented(&self, subject: &str) {
        let subjects = self.subjects.lock().unwrap().clone();
        assert!(!subjects.is_empty());
        assert!(
            subjects
                .iter()
                .all(|s| s.as_deref().is_some_and(|s| s.contains(subject))),
            "{subjects:?}"
        );
    }

    /// A self-signed certificate, no client certificate, the reference server's account.
    fn start() -> HttpsReference {
        let config = dmconform::server::reference::reference_server_config(
            &TargetProfile::reference_server(),
        );
        HttpsReference::with(
            TempDir::new(),
            Listening {
                cert: None,
                client_ca: None,
            },
            config,
        )
    }

    fn with(
        dir: TempDir,
        listening: Listening,
        config: refdm::server::ServerConfig,
    ) -> HttpsReference {
        use dmconform::client::http::{Event, Server, ServerConfig};
        use dmconform::client::http::{TlsOptions, TlsSetup};
        let (setup, cert) = match listening.cert {
            Some((cert, key)) => (
                TlsSetup::Files {
                    cert: cert.clone(),
                    key,
                },
                cert,
            ),
            None => {
                let cert = dir.0.join("self-signed.pem");
                (
                    TlsSetup::SelfSigned {
                        write_cert_to: Some(cert.clone()),
                    },
                    cert,
                )
            }
        };
        let listener = Server::start(ServerConfig {
            tls: Some(TlsOptions {
                setup,
                client_ca: listening.client_ca,
            }),
            ..ServerConfig::new("127.0.0.1:0")
        })
        .expect("the listener starts");
        let config = refdm::server::ServerConfig {
            resp_uri: Some(listener.url("/omadm/next")),
            ..config
        };
        let url = listener.url("/omadm");
        let paths = Arc::new(std::sync::Mutex::new(Vec::new()));
        let subjects = Arc::new(std::sync::Mutex::new(Vec::new()));
        let targets = Arc::new(std::sync::Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (paths, subjects, targets, stop) = (
                paths.clone(),
                subjects.clone(),
                targets.clone(),
                stop.clone(),
            );
            std::thread::spawn(move || {
                let mut server = refdm::server::Server::new(config, Default::default());
                while !stop.load(Ordering::SeqCst) {
                    let Some(Event::Request(incoming)) =
                        listener.next_event(Duration::from_millis(20))
                    else {
                        continue;
                    };
                    paths.lock().unwrap().push(incoming.request.path.clone());
                    subjects
                        .lock()
                        .unwrap()
                        .push(incoming.client_subject.clone());
                    if let Ok(d) = dmconform::codec::decode(
                        &incoming.request.body,
                        &dmconform::codec::reply_limits(),
                    ) && let Some(uri) = d.message.hdr.and_then(|h| h.target?.loc_uri)
                    {
                        targets.lock().unwrap().push(uri);
                    }
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
            subjects,
            targets,
            stop,
            thread: Some(thread),
            _dir: dir,
        }
    }
}

impl Drop for HttpsReference {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
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
fn over_https_an_unknown_certificate_is_an_error_that_names_the_options() {
    let server = HttpsReference::start();
    let report = run_against(&server.url, &HttpOptions::default(), Some("package1.md5"));
    assert!(!report.runs.is_empty());
    for r in &report.runs {
        assert_eq!(r.verdict, Verdict::Error, "{:#?}", r.findings);
        let f = &r.findings[0];
        assert!(
            f.actual.contains("not issued by a CA the harness trusts")
                && f.actual.contains("UnknownIssuer")
                && f.actual.contains("--ca-cert FILE")
                && f.actual.contains("--insecure-loopback"),
            "{}",
            f.actual
        );
    }
    assert!(server.paths.lock().unwrap().is_empty());
}

#[test]
fn a_self_signed_certificate_saying_ca_true_given_with_ca_cert_is_trusted() {
    let dir = TempDir::new();
    let (cert, key) = ca_true_server_certificate(&dir);
    let config =
        dmconform::server::reference::reference_server_config(&TargetProfile::reference_server());
    let server = HttpsReference::with(
        dir,
        Listening {
            cert: Some((cert.clone(), key)),
            client_ca: None,
        },
        config,
    );
    let http = HttpOptions {
        ca_cert: Some(cert),
        ..HttpOptions::default()
    };
    let report = run_against(&server.url, &http, Some("session.ends"));
    assert_eq!(report.runs.len(), 2);
    common::assert_every_run_passes(&report);
    // Another host name than the certificate's is still refused.
    let other_host = server.url.replace("127.0.0.1", "[::1]");
    let report = run_against(&other_host, &http, Some("session.ends"));
    for r in &report.runs {
        assert_eq!(r.verdict, Verdict::Error, "{:#?}", r.findings);
    }
}

/// The target profile of a server that authenticates devices by their TLS client
/// certificate only: no SyncML credentials, no SyncML authentication claimed.
pub(crate) fn certificate_only_profile() -> TargetProfile {
    let mut p = TargetProfile::reference_server();
    p.name = "certificate-only".into();
    p.capabilities = vec![dmconform::spec::Capability::MultiMessage];
    p.credentials = None;
    p
}

/// The reference server asking for no SyncML credentials behind a listener that
/// requires a client certificate from the CA made in `dir`; the client's files.
pub(crate) fn certificate_only_server() -> (HttpsReference, PathBuf, PathBuf) {
    let dir = TempDir::new();
    let (ca, cert, key) = client_certificate(&dir);
    let config = refdm::server::ServerConfig {
        account: None,
        ..dmconform::server::reference::reference_server_config(&certificate_only_profile())
    };
    let server = HttpsReference::with(
        dir,
        Listening {
            cert: None,
            client_ca: Some(ca),
        },
        config,
    );
    (server, cert, key)
}

#[test]
fn a_server_authenticating_by_client_certificate_only_is_judged_without_syncml_credentials() {
    let (server, cert, key) = certificate_only_server();
    let (suite, _) = Suite::embedded();
    let profile = certificate_only_profile();
    let http = HttpOptions {
        ca_cert: Some(server.cert.clone()),
        client_cert: Some((cert, key)),
        ..HttpOptions::default()
    };
    let mut target = HttpServer::new(&server.url, &http).unwrap();
    let opts = RunOptions {
        role: Role::Server,
        ..RunOptions::default()
    };
    let report = run_server_suite(&suite, &mut target, &profile, &opts, &mut |_, _, _| {});
    assert!(report.success(), "{:#?}", report.runs);
    for r in &report.runs {
        let expected = if r.id.starts_with("package1.")
            && !matches!(
                r.id.as_str(),
                "package1.client-initiated" | "package1.server-initiated"
            ) {
            Verdict::Unsupported
        } else {
            Verdict::Pass
        };
        assert_eq!(
            r.verdict, expected,
            "{} [{}]: {:#?}",
            r.id, r.encoding, r.findings
        );
    }
    server.assert_every_connection_presented("device-1");
}

#[test]
fn without_the_client_certificate_a_server_that_requires_one_says_which_options_give_it() {
    let (server, _, _) = certificate_only_server();
    let http = HttpOptions {
        ca_cert: Some(server.cert.clone()),
        ..HttpOptions::default()
    };
    let (suite, _) = Suite::embedded();
    let mut target = HttpServer::new(&server.url, &http).unwrap();
    let opts = RunOptions {
        role: Role::Server,
        filter: Some(glob::Pattern::new("session.ends").unwrap()),
        ..RunOptions::default()
    };
    let report = run_server_suite(
        &suite,
        &mut target,
        &certificate_only_profile(),
        &opts,
        &mut |_, _, _| {},
    );
    for r in &report.runs {
        assert_eq!(r.verdict, Verdict::Error, "{:#?}", r.findings);
        let f = &r.findings[0];
        assert!(
            f.actual.contains("client certificate") && f.actual.contains("--client-cert"),
            "{}",
            f.actual
        );
    }
}

#[test]
fn the_cli_presents_a_client_certificate_from_the_options_or_the_target_profile() {
    let (server, cert, key) = certificate_only_server();
    let dir = TempDir::new();
    let profile_text = |tls: &str| {
        format!(
            "name = \"certificate-only\"\nprofiles = [\"windows\", \"oma-dm-1.2\"]\nencodings = [\"xml\", \"wbxml\"]\ncapabilities = [\"multi-message\"]\n{tls}"
        )
    };
    let bare = dir.write("bare.toml", &profile_text(""));
    let ca = server.cert.to_str().unwrap().to_string();
    let (code, out, err) = crate::cli_run::run(&[
        "--target",
        &server.url,
        "--target-profile",
        bare.to_str().unwrap(),
        "--ca-cert",
        &ca,
        "--client-cert",
        cert.to_str().unwrap(),
        "--client-key",
        key.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(
        out.contains(" 0 fail,") && out.contains(" 0 error"),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "Target profile: \"certificate-only\" from {}",
            bare.display()
        )),
        "{out}"
    );
    // A profile that does not set server_uri gets the URL given as SyncHdr Target.
    let targets = std::mem::take(&mut *server.targets.lock().unwrap());
    assert!(!targets.is_empty());
    assert!(targets.iter().all(|t| *t == server.url), "{targets:?}");
    // The profile's [tls], its paths relative to the profile file.
    std::fs::copy(&cert, dir.0.join("device.pem")).unwrap();
    std::fs::copy(&key, dir.0.join("device.key")).unwrap();
    let with_tls = dir.write(
        "with-tls.toml",
        &profile_text("[tls]\nclient_cert = \"device.pem\"\nclient_key = \"device.key\"\n"),
    );
    let (code, out, err) = crate::cli_run::run(&[
        "--target",
        &server.url,
        "--target-profile",
        with_tls.to_str().unwrap(),
        "--ca-cert",
        &ca,
        "--filter",
        "session.*",
    ]);
    assert_eq!(code, Some(0), "{out}{err}");
    let (code, out, _) = crate::cli_run::run(&[
        "--target",
        &server.url,
        "--target-profile",
        bare.to_str().unwrap(),
        "--ca-cert",
        &ca,
        "--filter",
        "session.ends",
    ]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("--client-cert"), "{out}");
}

#[test]
fn an_https_target_without_a_profile_runs_with_the_built_in_http_server_profile() {
    let (server, cert, key) = certificate_only_server();
    let ca = server.cert.to_str().unwrap().to_string();
    let (code, out, err) = crate::cli_run::run(&[
        "--target",
        &server.url,
        "--ca-cert",
        &ca,
        "--client-cert",
        cert.to_str().unwrap(),
        "--client-key",
        key.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(
        out.contains("Target profile: \"http-server\", built in (no --target-profile): The default for an http(s):// target: no SyncML credentials, the URL given as SyncHdr Target."),
        "{out}"
    );
    assert!(
        out.contains(" 0 fail,") && out.contains(" 8 unsupported,"),
        "{out}"
    );
    let targets = server.targets.lock().unwrap().clone();
    assert!(!targets.is_empty());
    assert!(targets.iter().all(|t| *t == server.url), "{targets:?}");
}
