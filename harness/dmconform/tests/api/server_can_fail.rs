//! The server-role suite passes against the reference DM server in both encodings,
//! and every fault switch of the reference server makes some server case fail.

use crate::common;

use dmconform::run::RunOptions;
use dmconform::server::reference::ReferenceServer;
use dmconform::server::reference::reference_server_config;
use dmconform::server::runner::run_server_suite;
use dmconform::spec::{Role, Suite};
use dmconform::verdict::FindingKind;
use dmconform::{TargetProfile, Verdict};
use refdm::ServerFault;

fn server_options() -> RunOptions {
    RunOptions {
        role: Role::Server,
        ..RunOptions::default()
    }
}

fn run(faults: Vec<ServerFault>) -> dmconform::RunReport {
    let (suite, problems) = Suite::embedded();
    assert!(problems.is_empty(), "{problems:?}");
    let profile = TargetProfile::reference_server();
    let mut target = ReferenceServer::new(reference_server_config(&profile), faults);
    run_server_suite(
        &suite,
        &mut target,
        &profile,
        &server_options(),
        &mut |_, _, _| {},
    )
}

#[test]
fn the_reference_server_passes_the_server_suite_in_both_encodings() {
    let report = run(Vec::new());
    assert!(report.runs.len() >= 20, "{} runs", report.runs.len());
    common::assert_every_run_passes(&report);
    for e in dmconform::Encoding::BOTH {
        assert!(report.runs.iter().any(|r| r.encoding == e));
    }
}

#[test]
fn every_server_fault_makes_a_server_case_fail() {
    for fault in ServerFault::ALL {
        let report = run(vec![*fault]);
        let failing: Vec<&str> = report
            .runs
            .iter()
            .filter(|r| r.verdict == Verdict::Fail)
            .map(|r| r.id.as_str())
            .collect();
        assert!(
            !failing.is_empty(),
            "fault {} makes no server case fail",
            fault.name()
        );
    }
}

#[test]
fn each_server_fault_is_caught_by_its_own_rule() {
    let expected: &[(ServerFault, &str)] = &[
        (ServerFault::WrongCmdRef, "win.common.cmdref"),
        (
            ServerFault::SyncHdrStatusMissing,
            "msmdm.status.synchdr-first",
        ),
        (ServerFault::MsgIdStuck, "win.session.msgid-server"),
        (ServerFault::NoFinal, "oma.multi.server-final"),
        (ServerFault::WrongMsgRef, "msmdm.msgref.request"),
        (ServerFault::StatusOrderSwapped, "msmdm.status.order"),
        (ServerFault::NoChallenge, "oma.auth.challenge-chal"),
        (ServerFault::Ignore1222, "oma.multi.next-message-response"),
        (
            ServerFault::CommandsBeforeStatuses,
            "oma.multi.no-commands-before-status",
        ),
        (
            ServerFault::MalformedProvisioning,
            "win.provisioning.well-formed",
        ),
        (
            ServerFault::GenericAlertUnacknowledged,
            "oma.alert.generic-server-status",
        ),
        (
            ServerFault::GenericAlertAnyType,
            "oma.alert.generic-unsupported-415",
        ),
        (ServerFault::GetInAtomic, "oma.atomic.content"),
        (ServerFault::AddWithoutFormat, "oma.add.node-type"),
        (ServerFault::StatusForResults, "oma.status.results-no-200"),
        (
            ServerFault::ResultsMsgRefRequired,
            "msmdm.msgref.results-default",
        ),
        (ServerFault::AnyAuthType, "oma.auth.other-type-terminates"),
        (ServerFault::WrongContentType, "oma.syncml.mime"),
    ];
    assert_eq!(expected.len(), ServerFault::ALL.len());
    for (fault, requirement) in expected {
        let report = run(vec![*fault]);
        let found = report.runs.iter().any(|r| {
            r.findings
                .iter()
                .any(|f| f.requirement.as_deref() == Some(*requirement))
        });
        assert!(
            found,
            "fault {} is not reported under {requirement}",
            fault.name()
        );
    }
}

#[test]
fn results_without_msgref_is_informational_when_message_1_holds_no_get() {
    let (suite, _) = Suite::embedded();
    let profile = TargetProfile::reference_server();
    let mut config = reference_server_config(&profile);
    // The script's first entry is the Get of ./DevInfo/Mod; without it message 1 holds none.
    config.script.remove(0);
    let mut target = ReferenceServer::new(config, Vec::new());
    let opts = RunOptions {
        filter: Some(glob::Pattern::new("session.results-without-msgref").unwrap()),
        ..server_options()
    };
    let report = run_server_suite(&suite, &mut target, &profile, &opts, &mut |_, _, _| {});
    assert_eq!(report.runs.len(), 2);
    for r in &report.runs {
        assert_eq!(r.verdict, Verdict::Informational, "{:#?}", r.findings);
        assert!(
            r.findings
                .iter()
                .any(|f| f.kind == FindingKind::NotExercised)
        );
    }
}

#[test]
fn other_auth_type_is_informational_when_md5_has_no_nonce() {
    let (suite, _) = Suite::embedded();
    let mut profile = TargetProfile::reference_server();
    if let Some(c) = profile.credentials.as_mut() {
        c.client_nonce = None;
    }
    let mut target = ReferenceServer::new(reference_server_config(&profile), Vec::new());
    let opts = RunOptions {
        filter: Some(glob::Pattern::new("package1.other-auth-type").unwrap()),
        ..server_options()
    };
    let report = run_server_suite(&suite, &mut target, &profile, &opts, &mut |_, _, _| {});
    assert_eq!(report.runs.len(), 2);
    for r in &report.runs {
        assert_eq!(r.verdict, Verdict::Informational, "{:#?}", r.findings);
        assert!(
            r.findings
                .iter()
                .any(|f| f.kind == FindingKind::NotExercised && f.actual.contains("nonce")),
            "{:#?}",
            r.findings
        );
    }
}
