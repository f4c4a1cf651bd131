//! The server cases against reference servers set up as real DM servers are: one that
//! reads SessionIDs as decimal numbers only (the form Windows clients send).

mod common;

use dmconform::run::RunOptions;
use dmconform::server::reference::{ReferenceServer, reference_server_config};
use dmconform::server::runner::run_server_suite;
use dmconform::spec::{Role, Suite};
use dmconform::{RunReport, TargetProfile};
use refdm::ServerConfig;

/// The whole server suite against the reference server with `config`.
fn run(config: ServerConfig, profile: &TargetProfile) -> RunReport {
    let (suite, problems) = Suite::embedded();
    assert!(problems.is_empty(), "{problems:?}");
    let mut target = ReferenceServer::new(config, Vec::new());
    let opts = RunOptions {
        role: Role::Server,
        ..RunOptions::default()
    };
    run_server_suite(&suite, &mut target, profile, &opts, &mut |_, _, _| {})
}

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
