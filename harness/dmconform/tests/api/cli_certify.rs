//! Certification end to end: `certify` writes a bundle that `verify` accepts
//! and that names each kind of edit; `replay` sees no change against the same
//! target and a change under a fault switch; `compare` folds agreeing rows;
//! the HTML page refers to nothing outside itself; the bundle's profile copy
//! holds no password; without `--profile` the target profile's claim decides.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn dmconform(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_dmconform"))
        .args(args)
        .output()
        .unwrap();
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.code(), text)
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dmconform-certify-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// One bundle of the reference, written once and copied by each test that edits it.
fn reference_bundle() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = scratch("reference");
        let out = dir.to_str().unwrap();
        let (code, text) = dmconform(&[
            "certify",
            "--target",
            "builtin:reference",
            "--profile",
            "windows",
            "--out",
            out,
        ]);
        assert_eq!(code, Some(0), "{text}");
        dir
    })
}

fn copy_of_bundle(name: &str) -> PathBuf {
    let dir = scratch(name);
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(reference_bundle()).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
    dir
}

fn edit_record(dir: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let path = dir.join("report.json");
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    edit(&mut v);
    std::fs::write(&path, serde_json::to_string_pretty(&v).unwrap()).unwrap();
}

#[test]
fn a_clean_bundle_verifies() {
    let dir = reference_bundle();
    for f in [
        "report.json",
        "junit.xml",
        "summary.md",
        "report.html",
        "manifest.json",
    ] {
        assert!(dir.join(f).is_file(), "{f} missing");
    }
    let (code, text) = dmconform(&["verify", dir.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{text}");
}

#[test]
fn a_tampered_transcript_is_named_with_its_case() {
    let dir = copy_of_bundle("transcript");
    let mut key = String::new();
    edit_record(&dir, |v| {
        let case = &mut v["cases"][3];
        key = format!(
            "{} [{}]",
            case["id"].as_str().unwrap(),
            case["encoding"].as_str().unwrap()
        );
        case["transcript"][1]["text"] = "<SyncML>edited</SyncML>".into();
    });
    let (code, text) = dmconform(&["verify", dir.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains(&format!("report.json: case {key}: transcript edited")),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_tampered_verdict_is_named_with_its_case() {
    let dir = copy_of_bundle("verdict");
    let mut key = String::new();
    edit_record(&dir, |v| {
        let cases = v["cases"].as_array_mut().unwrap();
        let case = cases
            .iter_mut()
            .find(|c| c["verdict"] == "fail" || c["verdict"] == "pass")
            .unwrap();
        key = format!(
            "{} [{}]",
            case["id"].as_str().unwrap(),
            case["encoding"].as_str().unwrap()
        );
        case["verdict"] = if case["verdict"] == "pass" {
            "fail".into()
        } else {
            "pass".into()
        };
    });
    let (code, text) = dmconform(&["verify", dir.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains(&format!("case {key}: verdict")), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_removed_or_added_file_is_named() {
    let dir = copy_of_bundle("removed");
    std::fs::remove_file(dir.join("junit.xml")).unwrap();
    std::fs::write(dir.join("extra.txt"), "x").unwrap();
    let (code, text) = dmconform(&["verify", dir.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("junit.xml: missing"), "{text}");
    assert!(text.contains("extra.txt: not in the manifest"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_html_report_is_self_contained_and_the_profile_copy_has_no_password() {
    let dir = reference_bundle();
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    for bad in [
        "http://", "https://", "src=\"", "src='", "<link", "url(", "@import",
    ] {
        assert!(!html.contains(bad), "report.html holds {bad:?}");
    }
    assert!(html.contains("<details") && html.contains("Requirement coverage"));
    let record = std::fs::read_to_string(dir.join("report.json")).unwrap();
    let password = dmconform::TargetProfile::reference()
        .credentials
        .unwrap()
        .password;
    assert!(
        !record.contains(&format!("password = \\\"{password}\\\"")),
        "the password is in the record"
    );
    assert!(record.contains("password = \\\"[redacted]\\\""));
    let v: serde_json::Value = serde_json::from_str(&record).unwrap();
    assert_eq!(
        v["specs_sha256"].as_str().unwrap(),
        dmconform::digest::specs_digest()
    );
    assert!(v["cases"][0]["expectation"]["steps"].is_array());
    let summary = std::fs::read_to_string(dir.join("summary.md")).unwrap();
    assert!(
        summary.contains("| pass |") && summary.contains("## Requirement coverage"),
        "{summary}"
    );
}

#[test]
fn replay_sees_no_change_against_the_same_target_and_a_change_under_a_fault() {
    let dir = reference_bundle().to_str().unwrap();
    let (code, text) = dmconform(&["replay", dir, "--target", "builtin:reference"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains(": 0 changed"), "{text}");
    let (code, text) = dmconform(&[
        "replay",
        dir,
        "--target",
        "builtin:reference?fault=wrong-cmdref",
    ]);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.lines().any(|l| l.contains("verdict pass → fail")),
        "{text}"
    );
}

#[test]
fn compare_folds_rows_that_agree() {
    let dir = scratch("compare");
    let faulty = dir.to_str().unwrap();
    let (code, text) = dmconform(&[
        "certify",
        "--target",
        "builtin:reference?fault=nested-atomic-ok",
        "--profile",
        "windows",
        "--out",
        faulty,
    ]);
    assert_eq!(code, Some(1), "{text}");
    let (code, text) = dmconform(&["compare", reference_bundle().to_str().unwrap(), faulty]);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.lines()
            .any(|l| l.ends_with("case runs: pass everywhere")),
        "{text}"
    );
    let differing: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("pass") && l.contains("fail"))
        .collect();
    assert!(
        !differing.is_empty() && differing.iter().all(|l| l.starts_with("atomic.")),
        "{text}"
    );
    let (code, html) = dmconform(&[
        "compare",
        reference_bundle().to_str().unwrap(),
        faulty,
        "--format",
        "html",
    ]);
    assert_eq!(code, Some(0));
    assert!(
        html.starts_with("<!DOCTYPE html>") && !html.contains("https://"),
        "{html}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn without_profile_certify_runs_what_the_target_profile_claims() {
    let dir = scratch("no-profile");
    let (code, text) = dmconform(&[
        "certify",
        "--target",
        "builtin:reference-server",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0), "{text}");
    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("report.json")).unwrap()).unwrap();
    // The reference server's profile claims both profiles: every server case ran.
    assert_eq!(record["profile"], serde_json::Value::Null);
    assert!(
        record["summary"]["pass"].as_u64().unwrap() >= 20,
        "{}",
        record["summary"]
    );
    let _ = std::fs::remove_dir_all(&dir);

    let profile = scratch("oma-only.toml");
    std::fs::write(
        &profile,
        dmconform::profile::REFERENCE_SERVER.replace(
            "profiles = [\"windows\", \"oma-dm-1.2\"]",
            "profiles = [\"oma-dm-1.2\"]",
        ),
    )
    .unwrap();
    let dir = scratch("oma-only");
    let (code, text) = dmconform(&[
        "certify",
        "--target",
        "builtin:reference-server",
        "--target-profile",
        profile.to_str().unwrap(),
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0), "{text}");
    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("report.json")).unwrap()).unwrap();
    assert_eq!(record["profile"], "oma-dm-1.2");
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_file(&profile);
}
