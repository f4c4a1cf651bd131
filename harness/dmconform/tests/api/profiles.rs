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
