//! The reference passes the suite under each authentication scheme it
//! supports, and the scheme's own cases really run (they are not left
//! unsupported). The Basic profile is the suite test's.

use dmconform::client::reference::{Reference, client_config};
use dmconform::run::RunOptions;
use dmconform::run_suite;
use dmconform::{Encoding, Suite, TargetProfile, Verdict};

fn profile(scheme: &str) -> TargetProfile {
    let mut p = TargetProfile::reference();
    let creds = p
        .credentials
        .as_mut()
        .expect("the reference profile has credentials");
    creds.scheme = scheme.parse().expect("a scheme");
    creds.client_nonce = Some("Tm9uY2U=".into());
    p
}

fn passes_with(scheme: &str, need: &str) {
    let (suite, _) = Suite::embedded();
    let profile = profile(scheme);
    let opts = RunOptions {
        encodings: Encoding::BOTH.to_vec(),
        ..RunOptions::default()
    };
    let mut target = Reference::new(client_config(&profile), Vec::new());
    let report = run_suite(&suite, &mut target, &profile, &opts);
    let failing: Vec<_> = report
        .runs
        .iter()
        .filter(|r| !r.as_expected())
        .map(|r| (&r.id, r.encoding))
        .collect();
    assert!(failing.is_empty(), "{scheme}: {failing:?}");
    let ran = report
        .runs
        .iter()
        .filter(|r| {
            suite
                .case(&r.id)
                .is_some_and(|c| c.needs.iter().any(|n| n.name() == need))
        })
        .filter(|r| r.verdict != Verdict::Unsupported)
        .count();
    assert!(ran > 0, "no case needing {need} ran under {scheme}");
}

#[test]
fn md5() {
    passes_with("md5", "auth-md5");
}

#[test]
fn hmac() {
    passes_with("hmac", "hmac");
}

/// The reference profile with server credentials, which the reference then checks.
fn with_server_credentials(mut p: TargetProfile) -> TargetProfile {
    p.server_credentials = Some(dmconform::profile::ServerCredentials {
        user: "dmconform-server".into(),
        password: "server-secret".into(),
        nonce: Some("c2VydmVyLW5vbmNl".into()),
    });
    p
}

#[test]
fn a_client_that_authenticates_its_server_gets_the_verdicts_of_one_that_does_not() {
    let (suite, _) = Suite::embedded();
    let opts = RunOptions {
        encodings: Encoding::BOTH.to_vec(),
        ..RunOptions::default()
    };
    let verdicts = |profile: &TargetProfile| {
        let mut target = Reference::new(client_config(profile), Vec::new());
        run_suite(&suite, &mut target, profile, &opts)
            .runs
            .iter()
            .map(|r| (r.id.clone(), r.encoding, r.verdict))
            .collect::<Vec<_>>()
    };
    let plain = TargetProfile::reference();
    let checked = with_server_credentials(plain.clone());
    assert_eq!(verdicts(&checked), verdicts(&plain));
    // Without them in the profile, such a client refuses every command.
    let mut unknown = Reference::new(client_config(&checked), Vec::new());
    let report = run_suite(&suite, &mut unknown, &plain, &opts);
    let passes = report
        .runs
        .iter()
        .filter(|r| r.verdict == Verdict::Pass)
        .count();
    assert!(passes < report.runs.len() / 4, "{passes} passes");
}
