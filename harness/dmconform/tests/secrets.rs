//! Credentials never reach a transcript, a report or a snapshot: the auth
//! cases run under Basic, MD5 and HMAC in both encodings, with the right and
//! with a wrong password (so failures print their transcripts), and through a
//! wrapper that logs its password on standard error; every report format and
//! every snapshot is then searched for the passwords, their Basic form and
//! their MD5 digests, as text and as the hex of a WBXML dump.

use base64::Engine;
use dmconform::checks::named::{basic_credential, md5_credential};
use dmconform::client::exec::{ExecOptions, ExecTarget};
use dmconform::client::reference::{Reference, client_config};
use dmconform::client::session::md5_nonce;
use dmconform::report::{self, Format};
use dmconform::run::{RunOptions, RunReport};
use dmconform::run_suite;
use dmconform::{Encoding, Suite, Target, TargetProfile, Verdict, snapshot};

const USER: &str = "secret-test-user";
const PASSWORD: &str = "Zq7-unguessable-Pw";
const WRONG_PASSWORD: &str = "Wrong-Pw-Xy9-kept-out";
const CLIENT_NONCE_B64: &str = "Tm9uY2VGb3JTZWNyZXRz";

fn profile(scheme: &str) -> TargetProfile {
    let mut p = TargetProfile::reference();
    let creds = p
        .credentials
        .as_mut()
        .expect("the reference profile has credentials");
    creds.scheme = scheme.into();
    creds.user = USER.into();
    creds.password = PASSWORD.into();
    creds.client_nonce = Some(CLIENT_NONCE_B64.into());
    p
}

/// Every form of a password that must not appear, as text and as hex.
fn forbidden(password: &str) -> Vec<String> {
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut forms = vec![password.to_string(), basic_credential(USER, password)];
    // The harness's MD5 challenges carry a new nonce per server message.
    let nonces = std::iter::once(CLIENT_NONCE_B64.to_string()).chain((1..=32).map(md5_nonce));
    for nonce in nonces {
        forms.push(md5_credential(
            USER,
            password,
            &b64.decode(&nonce).expect("a Base64 nonce"),
        ));
    }
    let hex: Vec<String> = forms
        .iter()
        .map(|f| f.bytes().map(|b| format!("{b:02x}")).collect())
        .collect();
    forms.extend(hex);
    forms
}

fn run(target: &mut dyn Target, profile: &TargetProfile) -> RunReport {
    let (suite, _) = Suite::embedded();
    let opts = RunOptions {
        encodings: Encoding::BOTH.to_vec(),
        filter: Some(glob::Pattern::new("auth.*").expect("a glob")),
        ..RunOptions::default()
    };
    run_suite(&suite, target, profile, &opts)
}

/// Every report format and every snapshot of the run, searched for `forbidden`
/// as written and with white space taken out (hex dumps break lines).
fn assert_clean(report: &RunReport, forbidden: &[String]) {
    let (suite, _) = Suite::embedded();
    let mut outputs: Vec<(String, String)> = [Format::Text, Format::Json, Format::Junit]
        .into_iter()
        .map(|f| (format!("{f:?}"), report::render(f, report, &suite)))
        .collect();
    for r in &report.runs {
        outputs.push((format!("snapshot {}", r.id), snapshot::render(r)));
    }
    for (name, text) in &outputs {
        let joined: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        for secret in forbidden {
            assert!(
                !text.contains(secret.as_str()) && !joined.contains(secret.as_str()),
                "{name} of {} holds {secret:?}",
                report.target
            );
        }
    }
}

#[test]
fn right_credentials_stay_out_of_every_report() {
    for scheme in ["basic", "md5", "hmac"] {
        let profile = profile(scheme);
        let mut target = Reference::new(client_config(&profile), Vec::new());
        let report = run(&mut target, &profile);
        assert!(
            report.runs.iter().any(|r| r.verdict == Verdict::Pass
                && r.encoding == Encoding::Wbxml
                && r.transcript.iter().any(|e| e.hex.is_some())),
            "{scheme}: auth cases ran in WBXML with hex dumps"
        );
        let json = report::render(Format::Json, &report, &Suite::embedded().0);
        if scheme != "hmac" {
            assert!(json.contains("[redacted]"), "{scheme}: a Cred was sent");
        }
        assert_clean(&report, &forbidden(PASSWORD));
    }
}

#[test]
fn a_wrong_password_fails_without_showing_itself() {
    for scheme in ["basic", "md5"] {
        let profile = profile(scheme);
        let mut config = client_config(&profile);
        config.password = WRONG_PASSWORD.into();
        let mut target = Reference::new(config, Vec::new());
        let report = run(&mut target, &profile);
        assert!(
            report.runs.iter().any(|r| r.verdict == Verdict::Fail),
            "{scheme}: the wrong password fails a case"
        );
        let mut secrets = forbidden(PASSWORD);
        secrets.extend(forbidden(WRONG_PASSWORD));
        assert_clean(&report, &secrets);
    }
}

#[test]
fn a_wrapper_that_logs_its_password_has_it_blotted_out() {
    let profile = profile("basic");
    let env = dmconform::client::exec::environment(&profile);
    let script = format!("{}/tests/wrappers/leaky.sh", env!("CARGO_MANIFEST_DIR"));
    let mut target = ExecTarget::new(vec!["sh".into(), script], env, ExecOptions::default());
    let report = run(&mut target, &profile);
    assert!(
        report.runs.iter().any(|r| r
            .transcript
            .iter()
            .any(|e| e.label == "standard error" && e.text.contains("[redacted]"))),
        "the wrapper's log reached the transcript, redacted"
    );
    assert_clean(&report, &forbidden(PASSWORD));
}
