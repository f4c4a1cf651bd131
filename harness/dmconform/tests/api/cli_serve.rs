//! CLI tests of `dmconform serve`: the URL it prints, a run with the reference
//! client posting to it (exit 0, the report of `run`), and exit 2 when no client comes.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};

fn dmconform() -> Command {
    Command::new(env!("CARGO_BIN_EXE_dmconform"))
}

/// `refdm-client` sits beside `dmconform` once `cargo test --workspace` has built it;
/// otherwise it is built here.
fn refdm_client() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_BIN_EXE_dmconform"))
        .parent()
        .expect("the binaries' folder")
        .to_path_buf();
    let bin = dir.join(format!("refdm-client{}", std::env::consts::EXE_SUFFIX));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let target_dir = dir.parent().expect("the target dir");
    let mut build = Command::new(cargo);
    build.args(["build", "-q", "-p", "refdm", "--bin", "refdm-client"]);
    build.arg("--target-dir").arg(target_dir);
    if dir.ends_with("release") {
        build.arg("--release");
    }
    assert!(build.status().expect("cargo runs").success());
    bin
}

#[test]
fn serve_prints_its_url_runs_the_client_and_reports() {
    let client = refdm_client();
    let mut serve = dmconform()
        .args(["serve", "--listen", "127.0.0.1:0", "--idle-timeout", "20"])
        .args(["--filter", "session.*", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dmconform starts");
    let mut stderr = BufReader::new(serve.stderr.take().expect("stderr"));
    let mut line = String::new();
    let url = loop {
        line.clear();
        assert!(
            stderr.read_line(&mut line).expect("reads") > 0,
            "no URL printed"
        );
        if let Some(url) = line
            .trim()
            .strip_prefix("dmconform serve: point the DM client at ")
        {
            break url.to_string();
        }
    };
    let status = Command::new(client)
        .args(["--url", &url, "--encoding", "wbxml"])
        .status()
        .expect("refdm-client runs");
    assert!(status.success());
    let rest = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut text);
        text
    });
    let out = serve.wait_with_output().expect("dmconform ends");
    let progress = rest.join().expect("stderr read");
    assert_eq!(out.status.code(), Some(0), "{progress}");
    assert!(progress.contains("the client speaks wbxml"), "{progress}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    assert_eq!(report["success"], serde_json::Value::Bool(true));
}

#[test]
fn serve_without_a_client_is_exit_2() {
    let out = dmconform()
        .args(["serve", "--listen", "127.0.0.1:0", "--idle-timeout", "1"])
        .output()
        .expect("dmconform runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no client opened a session"));
}

#[test]
fn serve_refuses_a_client_ca_without_tls() {
    let out = dmconform()
        .args(["serve", "--listen", "127.0.0.1:0", "--client-ca", "ca.pem"])
        .output()
        .expect("dmconform runs");
    assert_eq!(out.status.code(), Some(2));
}
