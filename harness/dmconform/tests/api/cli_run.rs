//! `dmconform run` end to end: exit codes, the text summary, the JSON record
//! and the JUnit report, against the reference client and under a fault switch;
//! and against DM servers: the server cases run for a server target, a fault of
//! the reference server fails with its rule named, and a selection without
//! server cases says so; a run that judged nothing exits 1 and says why, and a
//! server's profile claiming SyncML authentication without credentials is refused.

use std::process::Command;

/// `dmconform run` with these arguments: its exit code, standard output and error.
pub(crate) fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_dmconform"))
        .arg("run")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_reference_passes_and_a_fault_fails_with_the_rule_named() {
    let (code, out, _) = run(&["--filter", "atomic.*"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("(0 not as expected)"), "{out}");

    let (code, out, _) = run(&[
        "--filter",
        "atomic.*",
        "--target",
        "builtin:reference?fault=nested-atomic-ok",
    ]);
    assert_eq!(code, Some(1), "{out}");
    let first_failure = out
        .lines()
        .find(|l| l.starts_with("FAIL "))
        .expect("a failure is listed");
    assert!(first_failure.contains("atomic."), "{first_failure}");
    assert!(out.contains("requirement win.atomic.nested"), "{out}");
    assert!(
        out.contains("expected:") && out.contains("actual:"),
        "{out}"
    );
}

#[test]
fn json_has_the_documented_shape() {
    let (code, out, _) = run(&["--filter", "commands.get-*", "--format", "json"]);
    assert_eq!(code, Some(0));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let cases = v["cases"].as_array().unwrap();
    assert!(!cases.is_empty());
    for c in cases {
        for key in ["id", "requirements", "encoding", "verdict"] {
            assert!(!c[key].is_null(), "{key} missing in {c}");
        }
    }
    let total: u64 = v["summary"]
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert_eq!(total as usize, cases.len());
    // Every status comes with the HRESULT it maps to.
    let s = &cases[0]["statuses"][0];
    assert!(s["hresult"].as_str().unwrap().starts_with("0x87D1"), "{s}");
}

#[test]
fn junit_counts_failures() {
    let (code, out, _) = run(&[
        "--filter",
        "uri.leading-slash",
        "--format",
        "junit",
        "--target",
        "builtin:reference?fault=leading-slash-ok",
    ]);
    assert_eq!(code, Some(1));
    let doc = syncml::xml::read(out.as_bytes(), &syncml::Limits::default()).unwrap();
    let suite = doc.root.child("testsuite").unwrap();
    assert_eq!(suite.attr("tests"), Some("2"));
    assert_eq!(suite.attr("failures"), Some("2"));
    assert_eq!(
        suite
            .children_named("testcase")
            .filter(|t| t.child("failure").is_some())
            .count(),
        2
    );
}

#[test]
fn usage_errors_exit_2_and_say_what_is_wrong() {
    let (code, _, err) = run(&["--target", "builtin:nothing"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("unknown target"), "{err}");
    let (code, _, err) = run(&["--target", "builtin:reference?fault=telepathy"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("unknown fault \"telepathy\""), "{err}");
    let (code, _, err) = run(&["--filter", "no-such-case*"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("no case matches"), "{err}");
}

#[test]
fn the_reference_server_passes_and_a_fault_fails_with_the_rule_named() {
    let (code, out, _) = run(&["--target", "builtin:reference-server"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("against builtin:reference-server"), "{out}");
    assert!(out.contains(" 0 fail,"), "{out}");

    let (code, out, _) = run(&[
        "--target",
        "builtin:reference-server?fault=ignore-1222",
        "--filter",
        "session.client-package-split",
    ]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("oma.multi.next-message-response"), "{out}");
}

#[test]
fn server_targets_select_server_cases_and_say_when_none_matches() {
    let (code, _, err) = run(&[
        "--target",
        "builtin:reference-server",
        "--filter",
        "atomic.*",
    ]);
    assert_eq!(code, Some(2));
    assert!(err.contains("among the server cases"), "{err}");
    let (code, _, err) = run(&["--target", "builtin:reference-server?fault=telepathy"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("unknown fault \"telepathy\""), "{err}");
    let (code, _, err) = run(&[
        "--target",
        "https://mdm.example.com/omadm",
        "--insecure-loopback",
    ]);
    assert_eq!(code, Some(2));
    assert!(err.contains("loopback"), "{err}");
}

#[test]
fn list_faults_names_the_server_switches() {
    let (code, out, _) = run(&["--list-faults"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("builtin:reference-server"), "{out}");
    assert!(out.contains("commands-before-statuses"), "{out}");
}

#[test]
fn one_run_writes_several_formats() {
    let dir = std::env::temp_dir().join(format!("dmconform-reports-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let json = dir.join("run.json");
    let junit = dir.join("run.xml");
    let html = dir.join("run.html");
    let (code, out, err) = run(&[
        "--filter",
        "atomic.*",
        "--report",
        &format!("json={}", json.display()),
        "--report",
        &format!("junit={}", junit.display()),
        "--report",
        &format!("html={}", html.display()),
    ]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("case runs against builtin:reference"), "{out}");
    let record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let cases = record["cases"].as_array().unwrap().len();
    let junit = std::fs::read_to_string(&junit).unwrap();
    assert_eq!(junit.matches("<testcase ").count(), cases, "{junit}");
    assert!(
        std::fs::read_to_string(&html)
            .unwrap()
            .starts_with("<!DOCTYPE html>")
    );

    let (code, _, err) = run(&["--report", "pdf=out.pdf"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("not a report format"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_finding_on_every_message_is_shown_once_with_a_count() {
    let (code, out, _) = run(&[
        "--target",
        "builtin:reference?fault=sessionid-changed",
        "--filter",
        "atomic.add-then-replace",
        "--encoding",
        "xml",
    ]);
    assert_eq!(code, Some(1), "{out}");
    assert_eq!(
        out.matches("invariant: SessionID kept for the whole session")
            .count(),
        1,
        "{out}"
    );
    assert!(
        out.contains("… and 2 more times in this case run: step 2 (reply), cleanup (reply)"),
        "{out}"
    );
}

#[test]
fn bytes_that_do_not_decode_are_shown_in_the_text_report() {
    let wrapper = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/wrappers/sign-in-page.sh"
    );
    let (code, out, _) = run(&[
        "--target",
        &format!("exec:sh {wrapper}"),
        "--filter",
        "commands.get-leaf",
        "--encoding",
        "xml",
    ]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.starts_with("1 case runs") && out.contains("ERROR commands.get-leaf"),
        "{out}"
    );
    assert!(out.contains("neither XML nor WBXML"), "{out}");
    assert!(
        out.contains("bytes that came (hex, credentials blotted):"),
        "{out}"
    );
    assert!(
        out.contains("5369676e20696e"),
        "the first bytes, 'Sign in': {out}"
    );
}

/// A server target profile in a temporary file: the reference server's, edited.
fn server_profile_file(name: &str, edit: impl FnOnce(String) -> String) -> std::path::PathBuf {
    let text = edit(dmconform::profile::REFERENCE_SERVER.to_string());
    let path = std::env::temp_dir().join(format!(
        "dmconform-cli-run-{}-{name}.toml",
        std::process::id()
    ));
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_run_that_judged_nothing_exits_1_and_says_why() {
    let profile = server_profile_file("no-md5", |t| {
        t.replace(
            "capabilities = [\"auth-basic\", \"auth-md5\", \"multi-message\"]",
            "capabilities = [\"auth-basic\", \"multi-message\"]",
        )
    });
    let (code, out, _) = run(&[
        "--target",
        "builtin:reference-server",
        "--target-profile",
        profile.to_str().unwrap(),
        "--filter",
        "package1.md5",
    ]);
    let _ = std::fs::remove_file(&profile);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("(0 not as expected)"), "{out}");
    assert!(out.contains("Nothing was judged"), "{out}");
    assert!(
        out.contains("2 × unsupported: needs capabilities auth-md5"),
        "{out}"
    );
    // The whole suites against the built-in references judge cases and exit 0.
    for target in ["builtin:reference", "builtin:reference-server"] {
        let (code, out, _) = run(&["--target", target]);
        assert_eq!(code, Some(0), "{out}");
        assert!(!out.contains("Nothing was judged"), "{out}");
    }
}

#[test]
fn a_server_profile_claiming_syncml_auth_without_credentials_is_a_usage_error() {
    let profile = server_profile_file("no-credentials", |t| {
        t[..t.find("\n[credentials]").unwrap()].to_string()
    });
    let (code, out, err) = run(&[
        "--target",
        "builtin:reference-server",
        "--target-profile",
        profile.to_str().unwrap(),
    ]);
    let _ = std::fs::remove_file(&profile);
    assert_eq!(code, Some(2), "{out}");
    assert!(
        err.contains("claims auth-basic and auth-md5 but gives no [credentials]"),
        "{err}"
    );
}
