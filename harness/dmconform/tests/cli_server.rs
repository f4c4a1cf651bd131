//! `dmconform run` against DM servers: the server cases run for a server target, a
//! fault of the reference server fails with its rule named, and a selection without
//! server cases says so.

use std::process::Command;

fn run(args: &[&str]) -> (Option<i32>, String, String) {
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
