//! `exec:` targets: the reference behind `refdm-exec` gets the verdicts of
//! `builtin:reference`, faults included; misbehaving wrappers (tests/wrappers)
//! each give `error` verdicts that say what happened, the run goes on, and no
//! process is left behind.

use dmconform::client::exec::{ExecOptions, ExecTarget};
use dmconform::run::{RunOptions, RunReport};
use dmconform::run_suite;
use dmconform::target_spec::TargetSpec;
use dmconform::verdict::FindingKind;
use dmconform::{Encoding, Suite, Target, TargetProfile, Verdict};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The `refdm-exec` binary of this build, brought up to date first (a no-op
/// under `cargo test --workspace`, which builds it; `-p dmconform` alone does not).
fn refdm_exec() -> PathBuf {
    let exe = std::env::current_exe().expect("the test knows its path");
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("tests run from target/<profile>/deps");
    let path = dir.join(format!("refdm-exec{}", std::env::consts::EXE_SUFFIX));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut build = std::process::Command::new(cargo);
    build.args(["build", "--quiet", "-p", "refdm", "--bin", "refdm-exec"]);
    if dir.ends_with("release") {
        build.arg("--release");
    }
    let status = build.status().expect("cargo runs");
    assert!(status.success(), "building refdm-exec failed");
    assert!(path.exists(), "{} was built", path.display());
    path
}

fn wrapper(name: &str) -> String {
    format!("{}/tests/wrappers/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn run(spec: &str, filter: Option<&str>, encodings: &[Encoding]) -> RunReport {
    run_with(&TargetProfile::reference(), spec, filter, encodings)
}

fn run_with(
    profile: &TargetProfile,
    spec: &str,
    filter: Option<&str>,
    encodings: &[Encoding],
) -> RunReport {
    let (suite, _) = Suite::embedded();
    let opts = RunOptions {
        encodings: encodings.to_vec(),
        filter: filter.map(|f| glob::Pattern::new(f).expect("a valid glob")),
        ..RunOptions::default()
    };
    let mut target = spec
        .parse::<TargetSpec>()
        .and_then(|t| t.open_client(profile))
        .expect("the target opens");
    run_suite(&suite, target.as_mut(), profile, &opts)
}

fn verdicts(report: &RunReport) -> Vec<(String, Encoding, Verdict)> {
    report
        .runs
        .iter()
        .map(|r| (r.id.clone(), r.encoding, r.verdict))
        .collect()
}

#[test]
fn refdm_exec_gets_the_verdicts_of_the_builtin_reference_in_both_encodings() {
    let exec = run(
        &format!("exec:{}", refdm_exec().display()),
        None,
        &Encoding::BOTH,
    );
    let builtin = run("builtin:reference", None, &Encoding::BOTH);
    assert_eq!(verdicts(&exec), verdicts(&builtin));
    assert!(exec.success());
    assert!(
        exec.runs
            .iter()
            .any(|r| r.encoding == Encoding::Wbxml && r.verdict == Verdict::Pass)
    );
}

#[test]
fn a_fault_argument_fails_the_cases_it_fails_on_the_builtin_reference() {
    let fault = "status-order-reversed";
    let exec = run(
        &format!("exec:{} --fault {fault}", refdm_exec().display()),
        Some("commands.*"),
        &[Encoding::Xml],
    );
    let builtin = run(
        &format!("builtin:reference?fault={fault}"),
        Some("commands.*"),
        &[Encoding::Xml],
    );
    assert_eq!(verdicts(&exec), verdicts(&builtin));
    assert!(
        exec.runs.iter().any(|r| r.verdict == Verdict::Fail),
        "the fault shows"
    );
}

#[test]
fn the_hmac_header_and_md5_credentials_cross_the_wrapper() {
    for scheme in ["hmac", "md5"] {
        let mut profile = TargetProfile::reference();
        let creds = profile.credentials.as_mut().expect("credentials");
        creds.scheme = scheme.parse().expect("a scheme");
        creds.client_nonce = Some("Tm9uY2U=".into());
        let exec = run_with(
            &profile,
            &format!("exec:{}", refdm_exec().display()),
            Some("auth.*"),
            &Encoding::BOTH,
        );
        let builtin = run_with(
            &profile,
            "builtin:reference",
            Some("auth.*"),
            &Encoding::BOTH,
        );
        assert_eq!(verdicts(&exec), verdicts(&builtin), "{scheme}");
        let own_case = if scheme == "hmac" {
            "auth.hmac-header"
        } else {
            "auth.md5-stale-nonce"
        };
        assert!(
            exec.runs
                .iter()
                .any(|r| r.id == own_case && r.verdict == Verdict::Pass),
            "{scheme}: {own_case} passes through the wrapper"
        );
    }
}

/// Runs three cases against a misbehaving wrapper with short deadlines; each
/// must be an `error` whose finding contains `says`.
fn misbehaves(script: &str, says: &str) -> RunReport {
    misbehaves_within(script, says, "first-byte=10s&timeout=20s")
}

/// [`misbehaves`] with the bounds of a wrapper that is expected to time out:
/// wide enough for a process to start on a busy machine, short enough for a test.
fn times_out(script: &str, says: &str) -> RunReport {
    misbehaves_within(script, says, "first-byte=2s&timeout=3s")
}

fn misbehaves_within(script: &str, says: &str, bounds: &str) -> RunReport {
    let start = Instant::now();
    let report = run(
        &format!(
            "exec?{bounds}&max-message=1M&stderr=4K:sh {}",
            wrapper(script)
        ),
        Some("commands.get-*"),
        &[Encoding::Xml],
    );
    assert!(report.runs.len() >= 3, "{script}: several cases ran");
    for r in &report.runs {
        assert_eq!(
            r.verdict,
            Verdict::Error,
            "{script}: {} {:?}",
            r.id,
            r.findings
        );
        let finding = r
            .findings
            .iter()
            .find(|f| f.kind == FindingKind::Exchange)
            .expect("an exchange error");
        assert!(
            finding.actual.contains(says),
            "{script}: {:?} does not say {says:?}",
            finding.actual
        );
    }
    assert!(
        start.elapsed() < Duration::from_secs(25 * report.runs.len() as u64),
        "{script} took {:?}",
        start.elapsed()
    );
    report
}

#[test]
fn a_wrapper_that_crashes_at_once_is_gone_with_its_status_and_stderr() {
    misbehaves("crash-at-once.sh", "exit status: 3");
    misbehaves("crash-at-once.sh", "cannot load libvendordm.so");
}

#[test]
fn a_wrapper_that_crashes_mid_session_is_gone_and_restarted_for_each_case() {
    let report = misbehaves("crash-mid-session.sh", "signal: 11");
    for r in &report.runs {
        assert!(
            r.transcript.iter().any(|e| e.label == "package 1"),
            "each case got package 1 from a fresh process"
        );
        assert!(
            r.transcript
                .iter()
                .any(|e| e.label == "standard error" && e.text.contains("segmentation fault")),
            "the transcript keeps standard error"
        );
    }
}

#[test]
fn a_hung_wrapper_times_out() {
    times_out("hang.sh", "timeout: no answer began within 2s");
}

#[test]
fn garbage_framing_names_the_byte_offset() {
    misbehaves("garbage.sh", "garbage framing at byte 23");
}

#[test]
fn a_200_mb_announcement_is_refused_without_reading_it() {
    misbehaves(
        "huge.sh",
        "announces 209715200 bytes, over the limit of 1048576",
    );
}

#[test]
fn a_wrapper_that_closes_its_output_and_keeps_running_is_killed() {
    misbehaves(
        "closes-stdout.sh",
        "closed its standard output but kept running",
    );
}

#[test]
fn endless_stderr_is_kept_bounded() {
    let report = times_out("stderr-flood.sh", "timeout");
    for r in &report.runs {
        let log = r
            .transcript
            .iter()
            .find(|e| e.label == "standard error")
            .expect("standard error is in the transcript");
        assert!(log.text.len() < 8 << 10, "{} bytes kept", log.text.len());
        assert!(log.text.contains("earlier bytes not kept"));
    }
}

/// Whether a process runs (a zombie waiting for init does not).
fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| s.rsplit_once(") ").map(|(_, rest)| !rest.starts_with('Z')))
        .unwrap_or(false)
}

/// Whether a process is gone within ten seconds: a killed grandchild exits when
/// the kernel next schedules it, which on a loaded machine takes a moment.
fn dies_soon(pid: u32) -> bool {
    let until = Instant::now() + Duration::from_secs(10);
    while alive(pid) {
        if Instant::now() > until {
            return false;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    true
}

fn pids_in(file: &Path) -> Vec<u32> {
    std::fs::read_to_string(file)
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|p| p.parse().ok())
        .collect()
}

fn target_with_pidfile(script: &str, pidfile: &Path) -> ExecTarget {
    let options = ExecOptions {
        first_byte: Duration::from_secs(2),
        answer: Duration::from_secs(3),
        ..ExecOptions::default()
    };
    ExecTarget::new(
        vec!["sh".into(), wrapper(script)],
        vec![(
            "DMCONFORM_TEST_PIDFILE".into(),
            pidfile.display().to_string(),
        )],
        options,
    )
}

fn scratch_file(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dmconform-exec-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join(name);
    let _ = std::fs::remove_file(&file);
    file
}

#[test]
fn no_process_outlives_the_target_nor_a_timeout() {
    let pidfile = scratch_file("hang.pids");
    let mut target = target_with_pidfile("hang.sh", &pidfile);
    let err = target.open_session(Encoding::Xml).unwrap_err();
    assert!(err.to_string().starts_with("timeout"), "{err}");
    assert_eq!(target.process_id(), None, "the hung process is gone");
    let pids = pids_in(&pidfile);
    assert_eq!(pids.len(), 2, "the shell and its sleep: {pids:?}");
    for pid in pids {
        assert!(dies_soon(pid), "process {pid} outlived the timeout");
    }

    let pidfile = scratch_file("well.pids");
    let mut target = target_with_pidfile("well-behaved.sh", &pidfile);
    target.open_session(Encoding::Xml).expect("package 1");
    let pid = target.process_id().expect("a running wrapper");
    assert!(alive(pid));
    drop(target);
    assert!(!alive(pid), "the wrapper outlived its target");
    assert!(
        !Path::new(&format!("/proc/{pid}")).exists(),
        "the wrapper was reaped"
    );
}

#[test]
fn bad_exec_strings_are_refused_up_front() {
    for spec in ["exec:", "exec?timeout=soon:x", "exec?colour=red:x"] {
        assert!(spec.parse::<TargetSpec>().is_err(), "{spec}");
    }
    let mut missing = "exec:/nonexistent/wrapper"
        .parse::<TargetSpec>()
        .and_then(|t| t.open_client(&TargetProfile::reference()))
        .expect("opens lazily");
    let err = missing.open_session(Encoding::Xml).unwrap_err();
    assert!(err.to_string().contains("cannot start"), "{err}");
}

/// Whether `python3` runs here.
fn python3() -> bool {
    std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn the_python_example_passes_its_xml_cases_and_reports_wbxml_unsupported() {
    if !python3() {
        eprintln!("python3 is not installed: the Python example is not run");
        return;
    }
    let script = format!(
        "{}/../examples/exec/tinyclient.py",
        env!("CARGO_MANIFEST_DIR")
    );
    let report = run(
        &format!("exec:python3 {script}"),
        Some("commands.*-leaf"),
        &Encoding::BOTH,
    );
    let verdict = |id: &str, encoding: Encoding| {
        report
            .runs
            .iter()
            .find(|r| r.id == id && r.encoding == encoding)
            .map(|r| r.verdict)
    };
    for id in [
        "commands.add-leaf",
        "commands.add-existing-leaf",
        "commands.delete-leaf",
    ] {
        assert_eq!(verdict(id, Encoding::Xml), Some(Verdict::Pass), "{id}");
        let wbxml = report
            .runs
            .iter()
            .find(|r| r.id == id && r.encoding == Encoding::Wbxml)
            .expect("the case runs in WBXML");
        assert_eq!(wbxml.verdict, Verdict::Unsupported, "{id}");
        assert!(
            wbxml
                .findings
                .iter()
                .any(|f| f.actual.contains("speaks XML only")),
            "{id}: {:?}",
            wbxml.findings
        );
    }
    assert!(report.runs.iter().all(|r| r.verdict != Verdict::Error));
}

#[test]
fn a_wrapper_that_never_reads_its_input_breaks_the_transport_instead_of_hanging() {
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let spec = format!("exec?first-byte=2s&timeout=5s:sh {}", wrapper("deaf.sh"));
        let _ = done.send(run(&spec, None, &[Encoding::Xml, Encoding::Wbxml]));
    });
    let report = finished
        .recv_timeout(Duration::from_secs(120))
        .expect("the run ends instead of hanging");
    let broken = report
        .runs
        .iter()
        .flat_map(|r| &r.findings)
        .filter(|f| f.actual.contains("stopped reading its standard input"))
        .count();
    assert!(broken > 0, "{report:?}");
}
