//! The server cases against reference servers set up as real DM servers are: one that
//! asks for no SyncML credentials (it authenticates devices by their TLS client
//! certificate), one that demands MD5 and hands out a new nonce in every Chal, one that
//! answers credentials 200 and checks them in every message, one that reads SessionIDs
//! as decimal numbers only. Credentials follow the target profile's scheme, the last
//! NextNonce carries over from session to session, and credentials answered 200 are
//! sent again in the next message.

use crate::common;

use dmconform::profile::{AuthScheme, Credentials};
use dmconform::run::RunOptions;
use dmconform::server::reference::{ReferenceServer, reference_server_config};
use dmconform::server::runner::{profile_problem, run_server_suite};
use dmconform::spec::{Capability, Role, Suite};
use dmconform::{RunReport, TargetProfile, Verdict};
use refdm::ServerConfig;

/// The server suite (or the cases matching `filter`) against the reference server with
/// `config`.
fn run_filtered(config: ServerConfig, profile: &TargetProfile, filter: Option<&str>) -> RunReport {
    let (suite, problems) = Suite::embedded();
    assert!(problems.is_empty(), "{problems:?}");
    let mut target = ReferenceServer::new(config, Vec::new());
    let opts = RunOptions {
        role: Role::Server,
        filter: filter.map(|f| glob::Pattern::new(f).unwrap()),
        ..RunOptions::default()
    };
    run_server_suite(&suite, &mut target, profile, &opts, &mut |_, _, _| {})
}

fn run(config: ServerConfig, profile: &TargetProfile) -> RunReport {
    run_filtered(config, profile, None)
}

/// The reference server's profile with the credentials' scheme and the claims given.
fn profile(scheme: AuthScheme, capabilities: &[Capability]) -> TargetProfile {
    let mut p = TargetProfile::reference_server();
    p.capabilities = capabilities.to_vec();
    match scheme {
        AuthScheme::None => p.credentials = None,
        s => p.credentials.as_mut().unwrap().scheme = s,
    }
    p
}

/// Fails unless every run passed or is unsupported, and the ones in `unsupported` are.
fn assert_pass_except(report: &RunReport, unsupported: &[&str]) {
    for r in &report.runs {
        let expected = if unsupported.contains(&r.id.as_str()) {
            Verdict::Unsupported
        } else {
            Verdict::Pass
        };
        assert_eq!(
            r.verdict, expected,
            "{} [{}]: {:#?}",
            r.id, r.encoding, r.findings
        );
    }
}

const AUTH_CASES: &[&str] = &[
    "package1.md5",
    "package1.no-credentials",
    "package1.other-auth-type",
    "package1.wrong-credentials",
];

#[test]
fn a_server_reading_session_ids_as_decimal_numbers_passes_every_case() {
    let profile = TargetProfile::reference_server();
    let config = ServerConfig {
        decimal_session_ids: true,
        ..reference_server_config(&profile)
    };
    let report = run(config, &profile);
    assert!(
        report.runs.len() > 10,
        "past the tenth case: {}",
        report.runs.len()
    );
    common::assert_every_run_passes(&report);
}

#[test]
fn a_server_without_syncml_authentication_runs_every_case_but_the_auth_ones() {
    let profile = profile(AuthScheme::None, &[Capability::MultiMessage]);
    let config = ServerConfig {
        account: None,
        ..reference_server_config(&profile)
    };
    let report = run(config, &profile);
    assert_pass_except(&report, AUTH_CASES);
    assert!(report.runs.iter().any(|r| r.verdict == Verdict::Pass));
    for r in &report.runs {
        for x in r
            .transcript
            .iter()
            .filter(|x| x.direction == dmconform::verdict::Direction::ToTarget)
        {
            assert!(!x.text.contains("<Cred>"), "{}: {}", r.id, x.text);
        }
    }
}

/// The reference server demanding MD5, with a new nonce in every Chal.
fn md5_server(profile: &TargetProfile, own_scheme_only: bool, every_message: bool) -> ServerConfig {
    let mut config = ServerConfig {
        rotate_nonce: true,
        ..reference_server_config(profile)
    };
    let account = config.account.as_mut().unwrap();
    account.scheme = refdm::AuthScheme::Md5;
    account.own_scheme_only = own_scheme_only;
    account.every_message = every_message;
    config
}

#[test]
fn an_md5_server_rotating_nonces_passes_with_an_md5_profile_in_a_full_run_and_alone() {
    let md5_only = profile(
        AuthScheme::Md5,
        &[Capability::AuthMd5, Capability::MultiMessage],
    );
    let report = run(md5_server(&md5_only, true, false), &md5_only);
    assert_pass_except(
        &report,
        &[
            "package1.no-credentials",
            "package1.other-auth-type",
            "package1.wrong-credentials",
        ],
    );
    let alone = run_filtered(
        md5_server(&md5_only, true, false),
        &md5_only,
        Some("package1.md5"),
    );
    assert_pass_except(&alone, &[]);
    // Claiming both schemes (the server accepts either unprompted), every case runs.
    let both = profile(
        AuthScheme::Md5,
        &[
            Capability::AuthBasic,
            Capability::AuthMd5,
            Capability::MultiMessage,
        ],
    );
    let report = run(md5_server(&both, false, false), &both);
    common::assert_every_run_passes(&report);
}

#[test]
fn credentials_answered_200_are_sent_again_in_the_next_message() {
    let basic = TargetProfile::reference_server();
    let mut config = reference_server_config(&basic);
    config.account.as_mut().unwrap().every_message = true;
    let report = run(config, &basic);
    common::assert_every_run_passes(&report);
    // With MD5 and a new nonce in every Chal, each message's digest is over the last one.
    let md5 = profile(
        AuthScheme::Md5,
        &[
            Capability::AuthBasic,
            Capability::AuthMd5,
            Capability::MultiMessage,
        ],
    );
    let report = run(md5_server(&md5, false, true), &md5);
    common::assert_every_run_passes(&report);
}

#[test]
fn a_refusal_of_a_message_without_final_is_not_judged_as_a_next_message_response() {
    // A Basic device against a server that demands MD5: its credentials are refused.
    let basic = profile(
        AuthScheme::Basic,
        &[Capability::AuthBasic, Capability::MultiMessage],
    );
    let report = run_filtered(
        md5_server(&basic, true, false),
        &basic,
        Some("session.client-package-split"),
    );
    assert_eq!(report.runs.len(), 2);
    for r in &report.runs {
        assert_eq!(r.verdict, Verdict::Fail, "{:#?}", r.findings);
        // The case's own expectation (200 or 212 and Alert 1222) fails; the invariant
        // for Next Message responses does not judge the refusal.
        assert!(
            r.findings.iter().any(|f| f.actual.contains("401")),
            "{:#?}",
            r.findings
        );
        assert!(
            r.findings
                .iter()
                .all(|f| !f.check.starts_with("Next Message response")),
            "{:#?}",
            r.findings
        );
    }
}

#[test]
fn a_profile_claiming_syncml_authentication_without_credentials_is_refused() {
    let mut p = TargetProfile::reference_server();
    p.credentials = None;
    let problem = profile_problem(&p).expect("a problem");
    assert!(
        problem.contains("auth-basic") && problem.contains("[credentials]"),
        "{problem}"
    );
    assert_eq!(profile_problem(&TargetProfile::reference_server()), None);
    let none = profile(AuthScheme::None, &[Capability::MultiMessage]);
    assert_eq!(profile_problem(&none), None);
}

#[test]
fn an_hmac_profile_makes_the_cases_sending_its_credentials_unsupported() {
    let mut p = TargetProfile::reference_server();
    p.credentials = Some(Credentials {
        scheme: AuthScheme::Hmac,
        ..p.credentials.clone().unwrap()
    });
    let report = run_filtered(
        reference_server_config(&p),
        &p,
        Some("package1.client-initiated"),
    );
    for r in &report.runs {
        assert_eq!(r.verdict, Verdict::Unsupported, "{:#?}", r.findings);
        assert!(r.findings[0].expected.contains("hmac"), "{:#?}", r.findings);
    }
}
