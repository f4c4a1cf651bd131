//! Fleet load (`dmconform load`): a thousand devices against the reference pass with
//! no finding; each of three fault switches shows under the requirement it breaks;
//! the shards of a load merge into the whole (devices, sessions, histograms) and a
//! merge of reports that are not shards of one load is refused; misbehaving servers
//! (silent, garbage, truncated WBXML, 200 MB, reset, HTTP 500, a redirect, a sign-in
//! page) are counted as errors of their kind with an example, and the run ends; a
//! target that refuses every connection stops the run early with `nothing judged`;
//! the reference server binary passes over HTTP and HTTPS; examples keep no secret.

use crate::server_http::{
    Misbehaviour, ServerProcess, certificate_only_profile, certificate_only_server,
    misbehaving_peer,
};
use dmconform::Encoding;
use dmconform::TargetProfile;
use dmconform::checks::named::basic_credential;
use dmconform::load::drive::{Pace, Plan};
use dmconform::load::fleet::LoadTemplate;
use dmconform::load::report::{LoadReport, LoadVerdict};
use dmconform::load::schedule::Shard;
use dmconform::profile::AuthScheme;
use dmconform::server::http::HttpOptions;
use dmconform::target_spec::TargetSpec;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

fn plan(devices: u64, pace: Pace, seconds: u64) -> Plan {
    Plan {
        devices,
        shard: Shard::WHOLE,
        pace,
        duration: Duration::from_secs(seconds),
        encoding: Encoding::Xml,
        // Wide: the reply head must come within half of it, on a machine that may be busy.
        timeout: Duration::from_secs(10),
        max_examples: 2,
        profiles: vec!["windows".into()],
        interval: Duration::from_secs(1),
    }
}

fn load(target: &str, plan: &Plan) -> LoadReport {
    load_with(target, plan, &TargetProfile::reference_server())
}

fn load_with(target: &str, plan: &Plan, profile: &TargetProfile) -> LoadReport {
    load_over(target, plan, profile, &HttpOptions::default())
}

fn load_over(target: &str, plan: &Plan, profile: &TargetProfile, http: &HttpOptions) -> LoadReport {
    let target: TargetSpec = target.parse().unwrap();
    dmconform::load::run(
        &target,
        profile,
        "reference-server",
        http,
        plan,
        &mut |_| {},
    )
    .unwrap_or_else(|e| panic!("{}: {e}", target.text))
}

/// Every reply came, was judged, and broke nothing.
fn assert_clean(r: &LoadReport) {
    let t = &r.tally;
    assert!(t.judged > 0, "{}", r.text());
    assert_eq!(t.judged, t.messages, "{}", r.text());
    assert!(t.findings.is_empty(), "{}", r.text());
    assert!(t.errors.is_empty(), "{}", r.text());
    assert_eq!(t.ended + t.failed + t.cut, t.sessions);
    assert!(
        t.refused.is_empty(),
        "every device was let in: {}",
        r.text()
    );
    assert_eq!(r.verdict(), LoadVerdict::Pass, "{}", r.text());
}

#[test]
fn a_thousand_devices_for_ten_seconds_against_the_reference_pass_with_no_finding() {
    let out = std::env::temp_dir().join(format!("dmconform-load-{}.json", std::process::id()));
    let run = Command::new(env!("CARGO_BIN_EXE_dmconform"))
        .args([
            "load",
            "--devices",
            "1000",
            "--duration",
            "10",
            "--format",
            "json",
            "-o",
        ])
        .arg(&out)
        .output()
        .unwrap();
    let report: LoadReport = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let _ = std::fs::remove_file(&out);
    assert!(run.status.success(), "{}", report.text());
    let said = String::from_utf8_lossy(&run.stderr);
    assert!(said.contains("verdict pass; report in"), "{said}");
    assert_clean(&report);
    assert_eq!(report.devices, 1000);
    assert!(report.shards[0].active <= 1000);
    // Four server messages a session in the reference's script: each answered.
    assert_eq!(
        report.tally.messages,
        4 * report.tally.ended,
        "{}",
        report.text()
    );
    let histogram_total: u64 = report.tally.latency.iter().map(|h| h.count()).sum();
    assert_eq!(histogram_total, report.tally.messages);
    // Memory is sampled four times a second even while replies flood the collector.
    let timeline = &report.tally.timeline;
    let sampled = timeline.iter().filter(|i| i.rss_kib > 0).count();
    assert!(
        2 * sampled >= timeline.len(),
        "{sampled} of {} intervals",
        timeline.len()
    );
}

#[test]
fn each_fault_switch_shows_under_the_requirement_it_breaks_with_an_example_session() {
    for (fault, requirement) in [
        ("wrong-cmdref", "win.common.cmdref"),
        ("msgid-stuck", "win.session.msgid-server"),
        ("synchdr-status-missing", "msmdm.status.synchdr-first"),
    ] {
        let r = load(
            &format!("builtin:reference-server?fault={fault}"),
            &plan(20, Pace::Concurrency(4), 1),
        );
        assert_eq!(r.verdict(), LoadVerdict::Fail, "{fault}: {}", r.text());
        let f = r
            .tally
            .findings
            .get(requirement)
            .unwrap_or_else(|| panic!("{fault}: no finding under {requirement}: {}", r.text()));
        assert_eq!(f.severity, dmconform::verdict::Severity::Fail);
        assert!(f.sessions > 0 && f.count >= f.sessions);
        assert_eq!(
            r.tally.non_conforming, r.tally.sessions,
            "{fault}: every session"
        );
        let x = &f.examples[0];
        assert!(x.finding.is_some() && !x.transcript.is_empty(), "{fault}");
        assert!(x.dev_id.starts_with("dmconform-device-"), "{}", x.dev_id);
    }
}

#[test]
fn the_shards_of_a_load_merge_into_the_whole() {
    // At a rate, turn k is at k/R seconds in every shard: the shards together take
    // exactly the turns of one process.
    let mut whole_plan = plan(90, Pace::Rate(60.0), 2);
    let whole = load("builtin:reference-server", &whole_plan);
    assert_clean(&whole);
    let turns = |r: &LoadReport| r.tally.sessions + r.tally.missed.values().sum::<u64>();
    assert_eq!(turns(&whole), 120, "{}", whole.text());
    let shards: Vec<LoadReport> = (0..3)
        .map(|index| {
            whole_plan.shard = Shard { index, count: 3 };
            load("builtin:reference-server", &whole_plan)
        })
        .collect();
    let devices: Vec<u64> = shards.iter().map(|s| s.shards[0].devices).collect();
    assert_eq!(devices, [30, 30, 30]);
    let sum = |f: &dyn Fn(&LoadReport) -> u64| shards.iter().map(f).sum::<u64>();
    let sessions = sum(&|r| r.tally.sessions);
    let messages = sum(&|r| r.tally.messages);
    let first_replies = sum(&|r| r.tally.latency[0].count());
    let merged = LoadReport::merge(shards.clone()).unwrap();
    assert_clean(&merged);
    assert_eq!(merged.devices, 90);
    assert_eq!(merged.shards.len(), 3);
    assert!(merged.missing_shards().is_empty());
    assert_eq!(merged.tally.sessions, sessions);
    assert_eq!(merged.tally.messages, messages);
    assert_eq!(merged.tally.latency[0].count(), first_replies);
    assert_eq!(merged.tally.session_latency.count(), sessions);
    assert_eq!(turns(&merged), turns(&whole));
    let timeline: u64 = merged.tally.timeline.iter().map(|i| i.messages).sum();
    assert_eq!(timeline, messages);
    // Through JSON, as the shards' processes write them.
    let json: Vec<LoadReport> = shards
        .iter()
        .map(|s| serde_json::from_str(&serde_json::to_string(s).unwrap()).unwrap())
        .collect();
    let tally = |r: &LoadReport| serde_json::to_string(&r.tally).unwrap();
    let from_json = LoadReport::merge(json).unwrap();
    assert_eq!(tally(&from_json), tally(&merged));
    assert_eq!(from_json.shards.len(), merged.shards.len());

    let two = LoadReport::merge(shards[..2].to_vec()).unwrap();
    assert_eq!(two.missing_shards(), [Shard { index: 2, count: 3 }]);
    assert!(
        two.text().contains("shard 2/3 is missing"),
        "{}",
        two.text()
    );
    assert_eq!(
        two.verdict(),
        LoadVerdict::Incomplete,
        "a part is never green"
    );
    let err = LoadReport::merge(vec![shards[0].clone(), shards[0].clone()]).unwrap_err();
    assert!(err.contains("shard 0/3 is in two of the reports"), "{err}");
    let mut other = shards[1].clone();
    other.devices = 91;
    let err = LoadReport::merge(vec![shards[0].clone(), other]).unwrap_err();
    assert!(err.contains("different loads: devices 90 and 91"), "{err}");
    let err = LoadReport::merge(vec![shards[0].clone(), whole.clone()]).unwrap_err();
    assert!(err.contains("not of the same split"), "{err}");
}

#[test]
fn misbehaving_servers_are_counted_as_errors_of_their_kind_and_the_run_ends() {
    for (how, kind) in [
        (Misbehaviour::Silent, "timeout"),
        (Misbehaviour::Garbage, "undecodable"),
        (Misbehaviour::TruncatedWbxml, "undecodable"),
        (Misbehaviour::Huge, "too large"),
        (Misbehaviour::Reset, "reset"),
        (Misbehaviour::Status500, "http 500"),
        (Misbehaviour::Redirect, "http 302"),
        (Misbehaviour::SignInPage, "not SyncML"),
    ] {
        let stop = Arc::new(AtomicBool::new(false));
        let (url, peer) = misbehaving_peer(how, Duration::from_secs(60), stop.clone());
        let mut p = plan(4, Pace::Concurrency(2), 1);
        // The silent peer answers after 1.5 s: a 1 s bound (0.5 s for the head) is passed
        // for certain; the others answer at once, and get a bound a busy machine keeps.
        p.timeout = Duration::from_secs(if kind == "timeout" { 1 } else { 5 });
        let started = Instant::now();
        let r = load(&url, &p);
        stop.store(true, Ordering::Relaxed);
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{kind}: the run ends"
        );
        assert_ne!(r.verdict(), LoadVerdict::Pass, "{kind}: {}", r.text());
        let e = r
            .tally
            .errors
            .get(kind)
            .unwrap_or_else(|| panic!("no {kind:?} error: {}", r.text()));
        assert!(e.count > 0);
        let x = &e.examples[0];
        assert!(
            x.error.is_some() && !x.transcript.is_empty(),
            "{kind}: {x:?}"
        );
        assert_eq!(r.tally.judged, 0, "{kind}: nothing of it was judged");
        peer.join().unwrap();
    }
}

#[test]
fn a_target_that_refuses_every_connection_stops_early_with_nothing_judged() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // Ten minutes asked for: only stopping early ends it within the test's time.
    let r = load(
        &format!("http://127.0.0.1:{port}/omadm"),
        &plan(100, Pace::Concurrency(4), 600),
    );
    assert_eq!(r.verdict(), LoadVerdict::NothingJudged, "{}", r.text());
    let why = r.shards[0].stopped_early.as_deref().unwrap();
    assert!(why.contains("refused the first 50 sessions"), "{why}");
    assert!(r.tally.errors.contains_key("connect"), "{}", r.text());
    assert!(r.text().contains("verdict: nothing judged"));
}

#[test]
fn the_reference_server_binary_passes_under_load_over_http_in_both_encodings() {
    let server = ServerProcess::start("");
    for encoding in Encoding::BOTH {
        let mut p = plan(50, Pace::Concurrency(8), 2);
        p.encoding = encoding;
        let r = load(&server.url, &p);
        assert_clean(&r);
        assert_eq!(r.encoding, encoding.name());
    }
    let faulty = ServerProcess::start("wrong-cmdref");
    let r = load(&faulty.url, &plan(20, Pace::Concurrency(4), 1));
    assert!(
        r.tally.findings.contains_key("win.common.cmdref"),
        "{}",
        r.text()
    );
}

#[test]
fn over_https_a_fleet_presenting_its_client_certificate_passes_a_server_that_requires_one() {
    let (server, cert, key) = certificate_only_server();
    let profile = certificate_only_profile();
    let trust = HttpOptions {
        ca_cert: Some(server.cert.clone()),
        ..HttpOptions::default()
    };
    let with_cert = HttpOptions {
        client_cert: Some((cert, key)),
        ..trust.clone()
    };
    let r = load_over(
        &server.url,
        &plan(20, Pace::Concurrency(4), 2),
        &profile,
        &with_cert,
    );
    assert_clean(&r);
    server.assert_every_connection_presented("device-1");
    let refused = load_over(
        &server.url,
        &plan(20, Pace::Concurrency(4), 1),
        &profile,
        &trust,
    );
    assert_ne!(refused.verdict(), LoadVerdict::Pass, "{}", refused.text());
    assert_eq!(refused.tally.judged, 0, "{}", refused.text());
    let tls = &refused.tally.errors["tls"];
    let said = tls.examples[0].error.as_deref().unwrap();
    assert!(
        said.contains("CertificateRequired") && said.contains("--client-cert"),
        "{said}"
    );
    assert!(
        refused.shards[0].stopped_early.is_some(),
        "{}",
        refused.text()
    );
}

#[test]
fn a_fleet_whose_credentials_the_server_refuses_manages_no_device_and_is_not_green() {
    // The server's account is the profile's [credentials]; each device's password differs.
    let mut profile = TargetProfile::reference_server();
    profile.load = Some(LoadTemplate {
        password: Some("not-the-password-{n}".into()),
        ..LoadTemplate::default()
    });
    let r = load_with(
        "builtin:reference-server",
        &plan(10, Pace::Concurrency(2), 1),
        &profile,
    );
    assert!(r.tally.judged > 0, "the refusals were judged: {}", r.text());
    assert!(
        r.tally.findings.is_empty(),
        "refusing is conforming: {}",
        r.text()
    );
    assert_eq!(r.tally.refused_count(), r.tally.sessions, "{}", r.text());
    assert!(
        r.tally
            .refused
            .keys()
            .all(|k| k == "SyncHdr 401" || k == "SyncHdr 407"),
        "{}",
        r.text()
    );
    assert_eq!(r.verdict(), LoadVerdict::NoDeviceManaged);
    let text = r.text();
    assert!(text.contains("verdict: no device managed"), "{text}");
    assert!(text.contains("[credentials] or [load]"), "{text}");
    // Over HTTP with the profile of an unknown server (no SyncML credentials) against a
    // server that asks for them: the same.
    let server = ServerProcess::start("");
    let target: TargetSpec = server.url.parse().unwrap();
    let (unknown, _) = target.default_profile();
    let r = load_with(&server.url, &plan(10, Pace::Concurrency(2), 1), &unknown);
    assert_eq!(r.verdict(), LoadVerdict::NoDeviceManaged, "{}", r.text());
}

#[test]
fn devices_authenticating_by_hmac_send_the_x_syncml_hmac_header() {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/omadm", listener.local_addr().unwrap());
    let peer = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream);
        let mut head = Vec::new();
        let mut line = String::new();
        while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
            head.push(line.trim().to_ascii_lowercase());
            line.clear();
        }
        let mut stream = reader.into_inner();
        let _ =
            stream.write_all(b"HTTP/1.1 500 No\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        head
    });
    let mut profile = TargetProfile::reference_server();
    profile.credentials.as_mut().unwrap().scheme = AuthScheme::Hmac;
    let r = load_with(&url, &plan(1, Pace::Concurrency(1), 1), &profile);
    let head = peer.join().unwrap();
    let mac = head.iter().find(|l| l.starts_with("x-syncml-hmac:"));
    let mac = mac.unwrap_or_else(|| panic!("no x-syncml-hmac header: {head:?}"));
    assert!(
        mac.contains("algorithm=md5") && mac.contains("mac="),
        "{mac}"
    );
    assert!(r.tally.errors.contains_key("http 500") || r.tally.errors.contains_key("connect"));
}

#[test]
fn the_merge_command_says_incomplete_for_missing_shards_and_refuses_what_is_not_a_report() {
    let dir = std::env::temp_dir().join(format!("dmconform-merge-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut p = plan(30, Pace::Concurrency(2), 1);
    let mut files = Vec::new();
    for index in 0..2 {
        p.shard = Shard { index, count: 3 };
        let file = dir.join(format!("shard-{index}.json"));
        let report = load("builtin:reference-server", &p);
        std::fs::write(&file, serde_json::to_string(&report).unwrap()).unwrap();
        files.push(file);
    }
    let bin = env!("CARGO_BIN_EXE_dmconform");
    let merged = Command::new(bin)
        .args(["load", "merge"])
        .args(&files)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&merged.stdout);
    assert_eq!(merged.status.code(), Some(1), "{text}");
    assert!(
        text.contains("verdict: incomplete") && text.contains("2/3"),
        "{text}"
    );
    let mut edited: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&files[0]).unwrap()).unwrap();
    edited["tally"]["interval_ms"] = 0.into();
    let bad = dir.join("edited.json");
    std::fs::write(&bad, edited.to_string()).unwrap();
    let garbage = dir.join("garbage.json");
    std::fs::write(&garbage, "<html>not a report</html>").unwrap();
    for (file, says) in [
        (&bad, "intervals of 0 ms"),
        (&garbage, "is not a load report in JSON"),
    ] {
        let out = Command::new(bin)
            .args(["load", "merge"])
            .arg(file)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(says) && err.contains(&*file.to_string_lossy()),
            "{err}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_cli_exits_1_on_findings_and_2_on_a_usage_error_naming_it() {
    let bin = env!("CARGO_BIN_EXE_dmconform");
    let out = Command::new(bin)
        .args([
            "load",
            "--target",
            "builtin:reference-server?fault=wrong-cmdref",
        ])
        .args(["--devices", "10", "--duration", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("win.common.cmdref [fail]"), "{text}");
    assert!(text.contains("verdict: fail"), "{text}");
    for (args, says) in [
        (&["--devices", "0"][..], "--devices must be at least 1"),
        (&["--rate", "0"][..], "--rate 0: expected"),
        (&["--shard", "2/2"][..], "expected K/S with 0 <= K < S"),
        (&["--shard", "0/70000"][..], "S <= 65536"),
        (
            &["--devices", "3", "--shard", "5/10"][..],
            "shard 5/10 of 3 devices holds no device",
        ),
        (
            &["--rate", "0.01", "--duration", "10"][..],
            "no session would start",
        ),
        (&["--rate", "1e9"][..], "at most 1000000"),
        (&["--duration", "0"][..], "--duration"),
        (&["--examples", "1000"][..], "--examples"),
        (&["--target", "builtin:reference"][..], "is not a DM server"),
    ] {
        let out = Command::new(bin).arg("load").args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }
}

#[test]
fn examples_keep_whole_sessions_with_the_credentials_blotted() {
    for scheme in [AuthScheme::Basic, AuthScheme::Md5] {
        let mut profile = TargetProfile::reference_server();
        let c = profile.credentials.as_mut().unwrap();
        c.scheme = scheme;
        c.user = "fleet-user".into();
        c.password = "Fleet-Pw-unguessable-7".into();
        let r = load_with(
            "builtin:reference-server?fault=wrong-cmdref",
            &plan(5, Pace::Concurrency(1), 1),
            &profile,
        );
        let f = &r.tally.findings["win.common.cmdref"];
        assert!(!f.examples[0].transcript.is_empty(), "an example is kept");
        let json = serde_json::to_string(&r).unwrap();
        let html = dmconform::load::html::render(&r);
        let basic = basic_credential("fleet-user", "Fleet-Pw-unguessable-7");
        for (name, text) in [("JSON", &json), ("HTML", &html)] {
            assert!(
                !text.contains("Fleet-Pw-unguessable-7"),
                "{scheme:?}: the password in {name}"
            );
            assert!(
                !text.contains(&basic),
                "{scheme:?}: the Basic credential in {name}"
            );
        }
    }
}
