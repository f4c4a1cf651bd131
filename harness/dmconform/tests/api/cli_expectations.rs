//! Expectation files end to end: `expectations update` writes the deviation
//! entries a run needs (new ones with a placeholder reason that `expectations
//! check` reports), stale and expired entries are reported by `run`, and an
//! expected failure that now passes makes the run unsuccessful.

use std::path::PathBuf;
use std::process::Command;

fn dmconform(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_dmconform"))
        .args(args)
        .output()
        .unwrap();
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.code(), text)
}

/// The reference profile with `extra` TOML appended, in a file of its own.
fn profile_file(name: &str, extra: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!(
        "dmconform-expectations-{}-{name}.toml",
        std::process::id()
    ));
    std::fs::write(&path, format!("{}{extra}", dmconform::profile::REFERENCE)).unwrap();
    path
}

const FAULT: &str = "builtin:reference?fault=nested-atomic-ok";

#[test]
fn update_writes_the_entries_the_run_needs() {
    let path = profile_file("update", "");
    let file = path.to_str().unwrap();
    let (code, text) = dmconform(&[
        "expectations",
        "update",
        "--target",
        FAULT,
        "--target-profile",
        file,
        "--profile",
        "windows",
    ]);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("+case = \"atomic.nested\""),
        "the diff is shown: {text}"
    );
    assert!(text.contains("not written"), "{text}");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        dmconform::profile::REFERENCE,
        "nothing is written without --write"
    );

    let (code, text) = dmconform(&[
        "expectations",
        "update",
        "--target",
        FAULT,
        "--target-profile",
        file,
        "--profile",
        "windows",
        "--write",
    ]);
    assert_eq!(code, Some(0), "{text}");
    let profile = dmconform::TargetProfile::load(&path).unwrap();
    let nested = profile
        .deviation
        .iter()
        .find(|d| d.case == "atomic.nested")
        .unwrap();
    assert_eq!(nested.reason, dmconform::profile::PLACEHOLDER_REASON);
    assert!(
        !profile
            .deviation
            .iter()
            .any(|d| d.case == "atomic.add-then-replace-oma"),
        "an entry that excuses nothing in the run is dropped"
    );

    let (code, text) = dmconform(&[
        "run",
        "--target",
        FAULT,
        "--target-profile",
        file,
        "--profile",
        "windows",
    ]);
    assert_eq!(
        code,
        Some(0),
        "the written entries excuse the failures: {text}"
    );
    let (code, text) = dmconform(&["expectations", "check", "--target-profile", file]);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("deviation \"atomic.nested\": the reason is missing"),
        "{text}"
    );

    let (code, text) = dmconform(&[
        "expectations",
        "update",
        "--target",
        FAULT,
        "--target-profile",
        file,
        "--profile",
        "windows",
    ]);
    assert_eq!(code, Some(0), "a second update changes nothing: {text}");
    let _ = std::fs::remove_file(&path);
}

#[test]
fn stale_and_expired_entries_are_reported() {
    let path = profile_file(
        "stale",
        "\n[[deviation]]\ncase = \"no-such-case.*\"\nreason = \"renamed\"\n\
         \n[[deviation]]\ncase = \"atomic.nested\"\nreason = \"old\"\nexpires = \"2000-01-01\"\n",
    );
    let (code, text) = dmconform(&[
        "run",
        "--filter",
        "atomic.*",
        "--target",
        FAULT,
        "--target-profile",
        path.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(1), "the expired entry no longer excuses: {text}");
    assert!(
        text.contains("\"no-such-case.*\" in the target profile matches no case run"),
        "{text}"
    );
    assert!(
        text.contains(
            "atomic.nested (expired on 2000-01-01) in the target profile no longer excuses"
        ),
        "{text}"
    );
    assert!(text.contains("FAIL atomic.nested [xml]"), "{text}");
    let _ = std::fs::remove_file(&path);
}

#[test]
fn an_expected_failure_that_passes_is_reported() {
    let path = profile_file(
        "passes",
        "\n[[deviation]]\ncase = \"atomic.nested\"\nencoding = \"xml\"\nreason = \"was broken\"\n",
    );
    let file = path.to_str().unwrap();
    let (code, text) = dmconform(&["run", "--filter", "atomic.nested", "--target-profile", file]);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("UNEXPECTED PASS atomic.nested [xml]"),
        "{text}"
    );
    let (_, json) = dmconform(&[
        "run",
        "--filter",
        "atomic.nested",
        "--target-profile",
        file,
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        v["unexpected_passes"],
        serde_json::json!(["atomic.nested [xml]"])
    );
    let _ = std::fs::remove_file(&path);
}
