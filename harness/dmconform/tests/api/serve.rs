//! Loopback end to end: the reference client as its own process
//! (`refdm-client`, built here with cargo when missing) against the harness
//! listening over HTTP and HTTPS, in both encodings, with Basic and MD5; and
//! misbehaving clients written by hand on raw sockets, each of which must end
//! in an `error` verdict or a note while the run goes on and nothing hangs.

use dmconform::TargetProfile;
use dmconform::client::listen::{Listen, ListenOptions};
use dmconform::client::reference as builtin;
use dmconform::client::served::run_served;
use dmconform::run::{RunOptions, RunReport};
use dmconform::run_suite;
use dmconform::spec::Suite;
use dmconform::verdict::Verdict;
use dmconform::{Encoding, Target, TargetError, Wire};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The `refdm-client` binary of this build, built first if need be.
fn refdm_client() -> &'static PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let exe = std::env::current_exe().expect("the test binary's path");
        let profile_dir = exe
            .parent()
            .and_then(|d| d.parent())
            .expect("target/<profile>");
        let target_dir = profile_dir.parent().expect("the target dir");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut build = Command::new(cargo);
        build.args(["build", "-q", "-p", "refdm", "--bin", "refdm-client"]);
        build.arg("--target-dir").arg(target_dir);
        if profile_dir.ends_with("release") {
            build.arg("--release");
        }
        let status = build.status().expect("cargo runs");
        assert!(status.success(), "building refdm-client failed");
        let bin = profile_dir.join(format!("refdm-client{}", std::env::consts::EXE_SUFFIX));
        assert!(bin.exists(), "{} is missing", bin.display());
        bin
    })
}

fn temp_file(name: &str) -> PathBuf {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    std::env::temp_dir().join(format!("dmconform-serve-{}-{n}-{name}", std::process::id()))
}

struct Setup<'a> {
    listen: &'a str,
    encoding: Encoding,
    auth: &'a str,
    fault: &'a str,
    filter: Option<&'a str>,
}

fn md5_profile() -> TargetProfile {
    let mut p = TargetProfile::reference();
    p.credentials.as_mut().expect("credentials").scheme = dmconform::profile::AuthScheme::Md5;
    p
}

fn profile_for(auth: &str) -> TargetProfile {
    if auth == "md5" {
        md5_profile()
    } else {
        TargetProfile::reference()
    }
}

fn options(filter: Option<&str>) -> RunOptions {
    RunOptions {
        filter: filter.map(|f| glob::Pattern::new(f).expect("a glob")),
        ..RunOptions::default()
    }
}

/// Serves the suite to a `refdm-client` process; the report and the client's exit status.
fn served(s: &Setup<'_>) -> (RunReport, std::process::ExitStatus) {
    let (suite, _) = Suite::embedded();
    let mut profile = profile_for(s.auth);
    let mut listen =
        Listen::start(ListenOptions::parse(s.listen).expect("options")).expect("listens");
    let mut client = Command::new(refdm_client());
    client
        .arg("--url")
        .arg(format!("{}omadm", listen.url()))
        .args([
            "--encoding",
            s.encoding.name(),
            "--auth",
            s.auth,
            "--fault",
            s.fault,
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let cert = listen.self_signed_pem().map(|pem| {
        let path = temp_file("server.pem");
        std::fs::write(&path, pem).expect("writes the certificate");
        path
    });
    if let Some(path) = &cert {
        client.arg("--ca-cert").arg(path);
    }
    let mut child = client.spawn().expect("refdm-client starts");
    let report = run_served(
        &mut listen,
        &suite,
        &mut profile,
        options(s.filter),
        &mut |_| {},
    )
    .expect("the run");
    let status = wait_bounded(&mut child, Duration::from_secs(30));
    if let Some(path) = cert {
        let _ = std::fs::remove_file(path);
    }
    (report, status)
}

fn wait_bounded(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("refdm-client did not stop");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The verdicts of the same selection run in-process against the built-in reference.
fn in_process(s: &Setup<'_>) -> Vec<(String, Verdict)> {
    let (suite, _) = Suite::embedded();
    let profile = profile_for(s.auth);
    let faults = if s.fault.is_empty() {
        Vec::new()
    } else {
        vec![s.fault.parse().expect("a fault")]
    };
    let mut target = builtin::Reference::new(builtin::client_config(&profile), faults);
    let opts = RunOptions {
        encodings: vec![s.encoding],
        ..options(s.filter)
    };
    verdicts(&run_suite(&suite, &mut target, &profile, &opts), s.encoding)
}

fn verdicts(report: &RunReport, encoding: Encoding) -> Vec<(String, Verdict)> {
    report
        .runs
        .iter()
        .filter(|r| r.encoding == encoding)
        .map(|r| (r.id.clone(), r.verdict))
        .collect()
}

fn assert_same_as_in_process(s: Setup<'_>) -> RunReport {
    let (report, status) = served(&s);
    assert!(status.success(), "refdm-client: {status}");
    assert_eq!(
        verdicts(&report, s.encoding),
        in_process(&s),
        "{}",
        s.listen
    );
    let other = match s.encoding {
        Encoding::Xml => Encoding::Wbxml,
        Encoding::Wbxml => Encoding::Xml,
    };
    assert!(
        report
            .runs
            .iter()
            .filter(|r| r.encoding == other)
            .all(|r| r.verdict == Verdict::Unsupported),
        "the other encoding's runs are unsupported"
    );
    report
}

const PLAIN: &str = "listen:127.0.0.1:0?timeout=10&idle=20&end-grace-ms=500";
const TLS: &str = "listen:127.0.0.1:0?tls=self-signed&timeout=10&idle=20&end-grace-ms=500";

#[test]
fn http_xml_basic_matches_in_process() {
    let report = assert_same_as_in_process(Setup {
        listen: PLAIN,
        encoding: Encoding::Xml,
        auth: "basic",
        fault: "",
        filter: None,
    });
    assert!(report.success());
    let first = &report
        .runs
        .iter()
        .find(|r| !r.transcript.is_empty())
        .unwrap()
        .transcript[0];
    let facts: Vec<&str> = first.transport.iter().map(|(n, _)| n.as_str()).collect();
    assert!(
        facts.contains(&"user-agent") && facts.contains(&":path"),
        "{facts:?}"
    );
}

#[test]
fn https_wbxml_md5_matches_in_process() {
    assert_same_as_in_process(Setup {
        listen: TLS,
        encoding: Encoding::Wbxml,
        auth: "md5",
        fault: "",
        filter: None,
    });
}

#[test]
fn https_xml_and_http_wbxml_with_the_other_scheme() {
    for (listen, encoding, auth) in [
        (TLS, Encoding::Xml, "basic"),
        (PLAIN, Encoding::Wbxml, "md5"),
    ] {
        assert_same_as_in_process(Setup {
            listen,
            encoding,
            auth,
            fault: "",
            filter: Some("[acs]*"),
        });
    }
}

#[test]
fn fault_switches_fail_over_http_where_they_fail_in_process() {
    for fault in [
        "nested-atomic-ok",
        "ignore-respuri",
        "msgid-stuck",
        "sessionid-changed",
    ] {
        let report = assert_same_as_in_process(Setup {
            listen: PLAIN,
            encoding: Encoding::Xml,
            auth: "basic",
            fault,
            filter: Some("[as]*"),
        });
        assert!(!report.success(), "{fault} fails some case");
    }
}

#[test]
fn a_msgid_stuck_at_1_keeps_its_session_and_is_reported() {
    let (report, status) = served(&Setup {
        listen: PLAIN,
        encoding: Encoding::Xml,
        auth: "basic",
        fault: "msgid-stuck",
        filter: Some("session.ends-after-management"),
    });
    assert!(status.success(), "refdm-client: {status}");
    let run = &report.runs[0];
    assert_eq!(run.verdict, Verdict::Fail, "{:#?}", run.findings);
    assert!(
        run.findings
            .iter()
            .any(|f| f.requirement.as_deref() == Some("msmdm.msgid.increasing")),
        "{:#?}",
        run.findings
    );
    assert_eq!(
        report
            .runs
            .iter()
            .filter(|r| !r.transcript.is_empty())
            .count(),
        1
    );
}

#[test]
fn two_devices_at_once_the_first_is_tested_and_the_other_sent_away() {
    let (suite, _) = Suite::embedded();
    let mut listen = Listen::start(ListenOptions::parse(PLAIN).unwrap()).unwrap();
    let notes = Arc::new(Mutex::new(Vec::new()));
    let sink = notes.clone();
    listen.on_note(move |n| sink.lock().unwrap().push(n.to_string()));
    let devices = ["DEVICE-A", "DEVICE-B"];
    let mut clients: Vec<Child> = devices
        .iter()
        .map(|id| {
            Command::new(refdm_client())
                .arg("--url")
                .arg(format!("{}omadm", listen.url()))
                .args(["--device-id", id])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("refdm-client starts")
        })
        .collect();
    let filter = Some("[as]*");
    let report = run_served(
        &mut listen,
        &suite,
        &mut TargetProfile::reference(),
        options(filter),
        &mut |_| {},
    )
    .expect("the run");
    for c in &mut clients {
        let status = wait_bounded(c, Duration::from_secs(30));
        assert!(status.success(), "refdm-client: {status}");
    }
    let tested = listen.device().expect("a device was tested").to_string();
    let other = devices.iter().find(|d| **d != tested).expect("two devices");
    assert!(devices.contains(&tested.as_str()), "{tested}");
    let notes = notes.lock().unwrap().clone();
    assert!(
        notes
            .iter()
            .any(|n| n.contains(&format!("device {other:?}"))
                && n.contains("answered with no commands")),
        "{notes:#?}"
    );
    assert!(report.target.contains(&tested), "{}", report.target);
    let expected = in_process(&Setup {
        listen: PLAIN,
        encoding: Encoding::Xml,
        auth: "basic",
        fault: "",
        filter,
    });
    assert_eq!(verdicts(&report, Encoding::Xml), expected);
}

#[test]
fn a_client_that_authenticates_its_server_gets_the_server_credentials_of_the_profile() {
    let (suite, _) = Suite::embedded();
    let mut profile = TargetProfile::reference();
    profile.server_credentials = Some(dmconform::profile::ServerCredentials {
        user: "dmconform-server".into(),
        password: "server-secret".into(),
        nonce: Some("c2VydmVyLW5vbmNl".into()),
    });
    let mut listen = Listen::start(ListenOptions::parse(PLAIN).unwrap()).unwrap();
    let mut child = Command::new(refdm_client())
        .arg("--url")
        .arg(format!("{}omadm", listen.url()))
        .args(["--server-id", "dmconform-server"])
        .args(["--server-password", "server-secret"])
        .args(["--server-nonce", "c2VydmVyLW5vbmNl"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("refdm-client starts");
    let filter = Some("[ahs]*");
    let opts = RunOptions {
        encodings: vec![Encoding::Xml],
        ..options(filter)
    };
    let report = run_served(
        &mut listen,
        &suite,
        &mut profile.clone(),
        opts.clone(),
        &mut |_| {},
    )
    .expect("the run");
    let status = wait_bounded(&mut child, Duration::from_secs(30));
    assert!(status.success(), "refdm-client: {status}");
    let mut target = builtin::Reference::new(builtin::client_config(&profile), Vec::new());
    let expected = verdicts(
        &run_suite(&suite, &mut target, &profile, &opts),
        Encoding::Xml,
    );
    assert_eq!(verdicts(&report, Encoding::Xml), expected);
    let passes = expected.iter().filter(|(_, v)| *v == Verdict::Pass).count();
    assert!(passes > expected.len() / 2, "{expected:?}");
    // The harness's first message carries its MD5 credentials; the password does not show.
    let sent = &report
        .runs
        .iter()
        .find(|r| r.transcript.len() > 1)
        .expect("a run with an exchange")
        .transcript[1];
    assert!(
        sent.text.contains("syncml:auth-md5")
            && sent.text.contains("<LocName>dmconform-server</LocName>"),
        "{}",
        sent.text
    );
    assert!(!sent.text.contains("server-secret"));
}

/// A client that stays for one session per process: `refdm-client --sessions 1`
/// started again each time it ends, until `stop` (at most 400 starts); the starts.
fn restart_loop(url: String, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<usize> {
    let bin = refdm_client().clone();
    std::thread::spawn(move || {
        let mut starts = 0;
        while !stop.load(Ordering::SeqCst) && starts < 400 {
            starts += 1;
            let mut child = Command::new(&bin)
                .arg("--url")
                .arg(&url)
                .args(["--sessions", "1"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("refdm-client starts");
            wait_bounded(&mut child, Duration::from_secs(60));
        }
        starts
    })
}

#[test]
fn a_client_that_stays_one_session_per_process_runs_every_case() {
    let (suite, _) = Suite::embedded();
    refdm_client();
    let mut listen = Listen::start(ListenOptions::parse(PLAIN).unwrap()).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let client = restart_loop(format!("{}omadm", listen.url()), stop.clone());
    let filter = Some("[as]*");
    let report = run_served(
        &mut listen,
        &suite,
        &mut TargetProfile::reference(),
        options(filter),
        &mut |_| {},
    )
    .expect("the run");
    let took = start.elapsed();
    stop.store(true, Ordering::SeqCst);
    drop(listen);
    let starts = client.join().expect("the restart loop");
    // The Generic Alert of an asynchronous Exec is reported in the next session,
    // which a new process knows nothing of.
    let stateful = "alerts.generic-async-exec";
    let expected: Vec<_> = in_process(&Setup {
        listen: PLAIN,
        encoding: Encoding::Xml,
        auth: "basic",
        fault: "",
        filter,
    })
    .into_iter()
    .filter(|(id, _)| id != stateful)
    .collect();
    let got: Vec<_> = verdicts(&report, Encoding::Xml)
        .into_iter()
        .filter(|(id, _)| id != stateful)
        .collect();
    assert_eq!(got, expected);
    let sessions = report
        .runs
        .iter()
        .filter(|r| !r.transcript.is_empty())
        .count();
    assert!(
        starts > sessions,
        "{starts} starts for {sessions} case sessions"
    );
    eprintln!("{sessions} case runs with a session, one process each: {took:?}, {starts} starts");
}

// Misbehaving clients, on raw sockets.

fn raw_post(stream: &mut TcpStream, body: &[u8], declared: usize) {
    post_with(stream, body, declared, "");
}

/// Posts with extra header lines (each ending in CRLF).
fn post_with(stream: &mut TcpStream, body: &[u8], declared: usize, extra: &str) {
    let head = format!(
        "POST /omadm HTTP/1.1\r\nHost: x\r\nContent-Type: application/vnd.syncml.dm+xml\r\nContent-Length: {declared}\r\n{extra}\r\n"
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
}

/// Posts one message on a connection of its own with `Connection: close`; the status.
fn post_once(addr: &str, body: &[u8]) -> u16 {
    let mut s = TcpStream::connect(addr).unwrap();
    post_with(&mut s, body, body.len(), "Connection: close\r\n");
    raw_answer(&mut s)
}

/// Reads one response head and its body; the status.
fn raw_answer(stream: &mut TcpStream) -> u16 {
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => buf.push(byte[0]),
            _ => return 0,
        }
    }
    let head = String::from_utf8_lossy(&buf).to_string();
    let length: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse().unwrap())
        })
        .unwrap_or(0);
    let mut body = vec![0; length];
    let _ = stream.read_exact(&mut body);
    head[9..12].parse().unwrap_or(0)
}

fn package1() -> Vec<u8> {
    let mut client = refdm::Client::new(
        builtin::client_config(&TargetProfile::reference()),
        refdm::Faults::none(),
    );
    let root = client.open_session().to_element();
    syncml::xml::write(&root, &syncml::xml::WriteOptions::default())
}

/// Runs two cases against a client played by `play` on a raw socket; the
/// report, the harness's notes and how long it took.
fn misbehaving(
    extra: &str,
    play: impl FnOnce(String) + Send + 'static,
) -> (RunReport, Vec<String>, Duration) {
    let start = Instant::now();
    let (suite, _) = Suite::embedded();
    // Bounds wide enough for a busy machine: a client thread answering late is
    // not what these tests are about.
    let spec = format!("listen:127.0.0.1:0?timeout=4&idle=6&end-grace-ms=200{extra}");
    let mut listen = Listen::start(ListenOptions::parse(&spec).unwrap()).unwrap();
    let notes = Arc::new(Mutex::new(Vec::new()));
    let sink = notes.clone();
    listen.on_note(move |n| sink.lock().unwrap().push(n.to_string()));
    let addr = listen
        .url()
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let player = std::thread::spawn(move || play(addr));
    let mut profile = TargetProfile::reference();
    let opts = RunOptions {
        encodings: vec![Encoding::Xml],
        ..options(Some("alerts.display-1100"))
    };
    let report = run_served(&mut listen, &suite, &mut profile, opts, &mut |_| {}).unwrap();
    drop(listen);
    player.join().unwrap();
    let notes = notes.lock().unwrap().clone();
    (report, notes, start.elapsed())
}

fn xml_error(report: &RunReport) -> String {
    let run = report
        .runs
        .iter()
        .find(|r| r.encoding == Encoding::Xml)
        .unwrap();
    assert_eq!(run.verdict, Verdict::Error, "{:?}", run.findings);
    run.findings
        .iter()
        .map(|f| f.actual.clone())
        .collect::<Vec<_>>()
        .join("; ")
}

#[test]
fn a_truncated_body_in_a_session_is_an_error_verdict() {
    let (report, _, took) = misbehaving("", |addr| {
        let mut s = TcpStream::connect(addr).unwrap();
        raw_post(&mut s, &package1(), package1().len());
        assert_eq!(raw_answer(&mut s), 200);
        raw_post(&mut s, b"<SyncML>", 500);
        s.shutdown(std::net::Shutdown::Write).unwrap();
        assert_eq!(raw_answer(&mut s), 400);
    });
    assert!(xml_error(&report).contains("body ended"), "{report:?}");
    assert!(took < Duration::from_secs(40), "{took:?}");
}

#[test]
fn a_body_over_the_limit_is_413_and_an_error_verdict() {
    let (report, _, _) = misbehaving("&max-body=4096", |addr| {
        let mut s = TcpStream::connect(addr).unwrap();
        let p1 = package1();
        raw_post(&mut s, &p1, p1.len());
        assert_eq!(raw_answer(&mut s), 200);
        let big = vec![b' '; 5000];
        raw_post(&mut s, &big, big.len());
        assert_eq!(raw_answer(&mut s), 413);
    });
    assert!(xml_error(&report).contains("413"), "{report:?}");
}

#[test]
fn a_body_over_the_limit_on_a_new_connection_is_the_cases_error() {
    let (report, notes, _) = misbehaving("&max-body=4096", |addr| {
        assert_eq!(post_once(&addr, &package1()), 200);
        let big = vec![b' '; 5000];
        assert_eq!(post_once(&addr, &big), 413);
    });
    assert!(xml_error(&report).contains("413"), "{report:?}");
    assert!(notes.iter().any(|n| n.contains("(413)")), "{notes:?}");
}

#[test]
fn a_client_that_opens_a_new_session_instead_of_answering_is_told_so() {
    let start = Instant::now();
    let (suite, _) = Suite::embedded();
    let spec = "listen:127.0.0.1:0?timeout=3&idle=5&end-grace-ms=200";
    let mut listen = Listen::start(ListenOptions::parse(spec).unwrap()).unwrap();
    let addr = listen
        .url()
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    // A crash: package 1 is answered with commands, and the client comes back
    // with a new package 1 (the same SessionID, as a restarted client has).
    let player = std::thread::spawn(move || {
        assert_eq!(post_once(&addr, &package1()), 200);
        assert_eq!(post_once(&addr, &package1()), 200);
    });
    let opts = RunOptions {
        encodings: vec![Encoding::Xml],
        ..options(Some("alerts.[cd]*"))
    };
    let report = run_served(
        &mut listen,
        &suite,
        &mut TargetProfile::reference(),
        opts,
        &mut |_| {},
    )
    .unwrap();
    drop(listen);
    player.join().unwrap();
    let xml: Vec<_> = report
        .runs
        .iter()
        .filter(|r| r.encoding == Encoding::Xml)
        .collect();
    let text = |r: &dmconform::CaseRun| {
        r.findings
            .iter()
            .map(|f| f.actual.clone())
            .collect::<Vec<_>>()
            .join("; ")
    };
    let told = xml
        .iter()
        .position(|r| {
            text(r).contains("the client opened a new session instead of answering message 1")
        })
        .unwrap_or_else(|| panic!("{:#?}", xml.iter().map(|r| text(r)).collect::<Vec<_>>()));
    assert_eq!(xml[told].verdict, Verdict::Error);
    // The new package 1 opened the next case's session.
    let next = &xml[told + 1];
    assert!(
        next.transcript
            .first()
            .is_some_and(|e| e.label == "package 1"),
        "{next:?}"
    );
    assert!(start.elapsed() < Duration::from_secs(60));
}

#[test]
fn a_client_that_never_comes_back_times_out() {
    let (report, _, took) = misbehaving("", |addr| {
        let mut s = TcpStream::connect(addr).unwrap();
        let p1 = package1();
        raw_post(&mut s, &p1, p1.len());
        assert_eq!(raw_answer(&mut s), 200);
        // Goes away without its next message.
    });
    assert!(xml_error(&report).contains("timeout"), "{report:?}");
    assert!(took < Duration::from_secs(40), "{took:?}");
}

#[test]
fn garbage_and_silent_connections_are_noted_and_the_run_goes_on() {
    let (report, notes, took) = misbehaving("", |addr| {
        let mut garbage = TcpStream::connect(&addr).unwrap();
        garbage.write_all(b"\x16\x03\x01 not http\r\n\r\n").unwrap();
        assert_eq!(raw_answer(&mut garbage), 400);
        let _silent = TcpStream::connect(&addr).unwrap();
        let mut s = TcpStream::connect(&addr).unwrap();
        let p1 = package1();
        raw_post(&mut s, &p1, p1.len());
        assert_eq!(raw_answer(&mut s), 200);
    });
    assert!(notes.iter().any(|n| n.contains("(400)")), "{notes:?}");
    // The client's session did open (and then timed out, as it sent nothing more).
    assert!(xml_error(&report).contains("timeout"), "{report:?}");
    assert!(took < Duration::from_secs(40), "{took:?}");
}

#[test]
fn no_client_at_all_is_a_harness_error_not_a_hang() {
    let (suite, _) = Suite::embedded();
    let mut listen =
        Listen::start(ListenOptions::parse("listen:127.0.0.1:0?idle=1").unwrap()).unwrap();
    let start = Instant::now();
    let result = run_served(
        &mut listen,
        &suite,
        &mut TargetProfile::reference(),
        RunOptions::default(),
        &mut |_| {},
    );
    assert!(result.is_err());
    assert!(start.elapsed() < Duration::from_secs(5));
}

/// A CA and a client certificate it issued, as PEM files: (ca, cert, key).
fn client_certificate() -> (PathBuf, PathBuf, PathBuf) {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
        KeyPair, KeyUsagePurpose,
    };
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    ca.distinguished_name
        .push(DnType::CommonName, "dmconform test CA");
    let ca_key = KeyPair::generate().unwrap();
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let mut device = CertificateParams::new(Vec::<String>::new()).unwrap();
    device
        .distinguished_name
        .push(DnType::CommonName, "device-42");
    device.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let device_key = KeyPair::generate().unwrap();
    let device_cert = device
        .signed_by(&device_key, &Issuer::from_params(&ca, &ca_key))
        .unwrap();
    let paths = (
        temp_file("ca.pem"),
        temp_file("device.pem"),
        temp_file("device.key"),
    );
    std::fs::write(&paths.0, ca_cert.pem()).unwrap();
    std::fs::write(&paths.1, device_cert.pem()).unwrap();
    std::fs::write(&paths.2, device_key.serialize_pem()).unwrap();
    (paths.0, paths.1, paths.2)
}

#[test]
fn client_certificates_are_required_and_their_subject_recorded() {
    let (ca, cert, key) = client_certificate();
    let (suite, _) = Suite::embedded();
    for with_cert in [true, false] {
        let spec = format!(
            "listen:127.0.0.1:0?tls=self-signed&client-ca={}&idle=3&timeout=10&end-grace-ms=500",
            ca.display()
        );
        let mut listen = Listen::start(ListenOptions::parse(&spec).unwrap()).unwrap();
        let server_pem = temp_file("server.pem");
        std::fs::write(&server_pem, listen.self_signed_pem().unwrap()).unwrap();
        let mut client = Command::new(refdm_client());
        client
            .arg("--url")
            .arg(listen.url())
            .arg("--ca-cert")
            .arg(&server_pem)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if with_cert {
            client
                .arg("--client-cert")
                .arg(&cert)
                .arg("--client-key")
                .arg(&key);
        }
        let mut child = client.spawn().unwrap();
        let result = run_served(
            &mut listen,
            &suite,
            &mut TargetProfile::reference(),
            options(Some("session.pkg1-*")),
            &mut |_| {},
        );
        let status = wait_bounded(&mut child, Duration::from_secs(30));
        let _ = std::fs::remove_file(server_pem);
        if with_cert {
            let report = result.expect("the run");
            assert!(status.success() && report.success());
            let subject = report.runs[0].transcript[0]
                .transport
                .iter()
                .find(|(n, _)| n == ":client-cert-subject")
                .map(|(_, v)| v.clone());
            assert_eq!(subject.as_deref(), Some("CN=device-42"));
        } else {
            assert!(
                result.is_err(),
                "no session opens without a client certificate"
            );
            assert!(!status.success());
        }
    }
    for p in [ca, cert, key] {
        let _ = std::fs::remove_file(p);
    }
}

#[test]
fn connections_over_the_limit_get_503_and_nothing_outlives_the_server() {
    let listen =
        Listen::start(ListenOptions::parse("listen:127.0.0.1:0?max-connections=1").unwrap())
            .unwrap();
    let addr = listen
        .url()
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let _first = TcpStream::connect(&addr).unwrap();
    let held = Instant::now();
    while listen.open_connections() < 1 {
        assert!(
            held.elapsed() < Duration::from_secs(30),
            "the first connection is held"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let mut second = TcpStream::connect(&addr).unwrap();
    assert_eq!(raw_answer(&mut second), 503);
    drop(listen);
    assert!(TcpStream::connect(&addr).is_err(), "the listener is closed");
}

#[test]
fn run_with_a_listen_target_reports_the_other_encoding_unsupported() {
    let (suite, _) = Suite::embedded();
    let profile = TargetProfile::reference();
    let mut listen = Listen::start(ListenOptions::parse(PLAIN).unwrap()).unwrap();
    let mut child = Command::new(refdm_client())
        .arg("--url")
        .arg(listen.url())
        .args(["--sessions", "3"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let report = run_suite(
        &suite,
        &mut listen,
        &profile,
        &options(Some("session.pkg1-devinfo")),
    );
    drop(listen);
    wait_bounded(&mut child, Duration::from_secs(30));
    let by_encoding: Vec<(Encoding, Verdict)> = report
        .runs
        .iter()
        .map(|r| (r.encoding, r.verdict))
        .collect();
    assert_eq!(
        by_encoding,
        [
            (Encoding::Xml, Verdict::Pass),
            (Encoding::Wbxml, Verdict::Unsupported)
        ]
    );
    assert!(
        report.runs[1].findings[0]
            .actual
            .contains("the client sends xml")
    );
}

// Connections other than the session's next request, met inside a session.

/// A listening target with an exchange timeout of 5 s and `first_byte` as
/// the wait for a request on a connection; its `host:port`.
fn listening(first_byte: Duration) -> (Listen, String) {
    let mut opts = ListenOptions::parse("listen:127.0.0.1:0?timeout=5").unwrap();
    opts.server.limits.first_byte = first_byte;
    let listen = Listen::start(opts).unwrap();
    let addr = listen
        .url()
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    (listen, addr)
}

/// Waits (at most 30 s) until something listens on `port` of loopback.
fn wait_for_listener(port: u16) {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "nothing listens on {port}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The client's package 1 with MsgID 2: its next message in the same session.
fn message2() -> Vec<u8> {
    let text = String::from_utf8(package1()).unwrap();
    let next = text.replacen("<MsgID>1</MsgID>", "<MsgID>2</MsgID>", 1);
    assert_ne!(text, next, "package 1 carries <MsgID>1</MsgID>");
    next.into_bytes()
}

/// Opens the session the client started and answers it; the client's next message.
fn next_after_package1(listen: &mut Listen) -> Result<Option<Wire>, TargetError> {
    listen.open_session(Encoding::Xml).unwrap();
    listen.deliver(Wire::new(Encoding::Xml, b"<SyncML/>".to_vec()))
}

#[test]
fn a_stray_request_from_another_connection_does_not_end_the_session() {
    let (mut listen, addr) = listening(Duration::from_secs(30));
    let client = std::thread::spawn(move || {
        let mut s = TcpStream::connect(&addr).unwrap();
        let p1 = package1();
        raw_post(&mut s, &p1, p1.len());
        assert_eq!(raw_answer(&mut s), 200);
        let mut stray = TcpStream::connect(&addr).unwrap();
        stray
            .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        assert_eq!(raw_answer(&mut stray), 405);
        std::thread::sleep(Duration::from_millis(200));
        let m2 = message2();
        raw_post(&mut s, &m2, m2.len());
    });
    let next = next_after_package1(&mut listen);
    client.join().unwrap();
    let next = next.expect("the session goes on").expect("message 2");
    assert!(String::from_utf8_lossy(&next.body).contains("<MsgID>2</MsgID>"));
}

#[test]
fn an_idle_kept_alive_connection_closes_silently() {
    let (mut listen, addr) = listening(Duration::from_secs(1));
    let client = std::thread::spawn(move || {
        let mut kept = TcpStream::connect(&addr).unwrap();
        let p1 = package1();
        raw_post(&mut kept, &p1, p1.len());
        assert_eq!(raw_answer(&mut kept), 200);
        // The kept-alive connection outlives the server's 1 s wait for a request;
        // message 2 still comes well within the 5 s exchange bound.
        std::thread::sleep(Duration::from_secs(3));
        let mut fresh = TcpStream::connect(&addr).unwrap();
        let m2 = message2();
        raw_post(&mut fresh, &m2, m2.len());
        drop(kept);
    });
    let next = next_after_package1(&mut listen);
    client.join().unwrap();
    let next = next.expect("the session goes on").expect("message 2");
    assert!(String::from_utf8_lossy(&next.body).contains("<MsgID>2</MsgID>"));
}

#[test]
fn run_with_a_listen_target_hands_out_the_url_the_client_posted_to() {
    let (suite, _) = Suite::embedded();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let target: dmconform::target_spec::TargetSpec =
        format!("listen:127.0.0.1:{port}?timeout=10&idle=20&end-grace-ms=500")
            .parse()
            .unwrap();
    let opts = RunOptions {
        encodings: vec![Encoding::Xml],
        ..options(Some("session.respuri-followed"))
    };
    let selected = opts.select(&suite);
    let profile = TargetProfile::reference();
    let report = std::thread::scope(|scope| {
        let run = scope.spawn(|| {
            dmconform::cmd::setup::run(&target, &profile, &opts, &selected, &Default::default())
        });
        wait_for_listener(port);
        let mut child = Command::new(refdm_client())
            .arg("--url")
            .arg(format!("http://127.0.0.1:{port}/omadm"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let report = run.join().unwrap().expect("the run");
        wait_bounded(&mut child, Duration::from_secs(30));
        report
    });
    let run = &report.runs[0];
    assert_eq!(run.verdict, Verdict::Pass, "{:?}", run.findings);
    let sent = run
        .transcript
        .iter()
        .find(|e| e.text.contains("<SyncHdr>") && e.text.contains("<RespURI>"))
        .expect("a harness message with a RespURI");
    assert!(
        sent.text
            .contains(&format!("http://127.0.0.1:{port}/omadm")),
        "{}",
        sent.text
    );
}
