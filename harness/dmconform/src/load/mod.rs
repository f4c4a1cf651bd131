//! Fleet load with conformance checks (`dmconform load`): N simulated Windows devices
//! hold real DM sessions with a DM server at a rate or a concurrency, every reply
//! judged by the server suite's invariants, with the figures an operator reads before
//! a rollout.
//!
//! - [`fleet`]: the devices (the reference client, one identity each, carried state);
//! - [`schedule`]: shards and the order and times devices take their turns;
//! - [`backend`]: the server in process or over HTTP(S) (hyper, rustls);
//! - [`session`]: one session of one device; [`judge`]: its replies judged;
//! - [`latency`]: mergeable HDR histograms; [`tally`]: what is counted;
//! - [`drive`]: the run on tokio; [`report`]: the report and shard merging;
//!   [`html`]: the self-contained HTML report with its plots.

pub mod backend;
pub mod drive;
pub mod fleet;
pub mod html;
pub mod judge;
pub mod latency;
pub mod report;
pub mod schedule;
pub mod session;
pub mod tally;

use crate::TargetProfile;
use crate::server::http::HttpOptions;
use crate::server::reference::{SharedReference, reference_server_config};
use crate::server::tls::ClientTlsOptions;
use crate::target_spec::{TargetKind, TargetSpec};
use backend::Backend;
use drive::{Pace, Plan};
use fleet::Fleet;
use report::{LoadReport, ShardRecord};
use std::sync::Arc;

/// Runs a fleet load of `plan` against `target`, the devices set up from `profile`
/// (`profile_used` names it in the report).
pub fn run(
    target: &TargetSpec,
    profile: &TargetProfile,
    profile_used: &str,
    http: &HttpOptions,
    plan: &Plan,
    progress: &mut dyn FnMut(&drive::Progress),
) -> Result<LoadReport, String> {
    let (backend, server_uri) = match &target.kind {
        TargetKind::ReferenceServer { faults } => (
            Backend::InProcess(SharedReference::new(
                reference_server_config(profile),
                faults,
            )),
            profile.server_uri.clone(),
        ),
        TargetKind::HttpServer { url } => {
            let tls = ClientTlsOptions {
                ca_cert: http.ca_cert.clone(),
                insecure: http.insecure_loopback,
                client_cert: http
                    .client_cert
                    .clone()
                    .or_else(|| profile.tls.client_cert()),
                device: None,
            };
            if http.insecure_loopback && !crate::server::http::is_loopback(url) {
                return Err(format!(
                    "--insecure-loopback is accepted only for a loopback host (127.0.0.0/8, ::1, localhost), not {url:?}"
                ));
            }
            (Backend::http(url, &tls, plan.timeout)?, url.clone())
        }
        _ => {
            return Err(format!(
                "target {:?} is not a DM server: `dmconform load` loads builtin:reference-server[?fault=…], http://… or https://…",
                target.text
            ));
        }
    };
    if plan.devices == 0 {
        return Err("--devices must be at least 1".into());
    }
    let numbers = plan.shard.devices(plan.devices);
    if numbers.is_empty() {
        return Err(format!(
            "shard {} of {} devices holds no device: a split into {} shards needs at least {} devices",
            plan.shard, plan.devices, plan.shard.count, plan.shard.count
        ));
    }
    let fleet = Arc::new(Fleet::new(profile, &server_uri, numbers.clone()));
    let outcome = drive::run(plan, fleet.clone(), Arc::new(backend), progress)?;
    let (rate, concurrency) = match plan.pace {
        Pace::Rate(r) => (Some(r), None),
        Pace::Concurrency(c) => (None, Some(c as u64)),
    };
    Ok(LoadReport {
        format: report::FORMAT.into(),
        tool: format!("dmconform {}", env!("CARGO_PKG_VERSION")),
        target: target.text.clone(),
        profile: profile_used.to_string(),
        encoding: plan.encoding.name().into(),
        devices: plan.devices,
        rate,
        concurrency,
        duration_s: plan.duration.as_secs(),
        shards: vec![ShardRecord {
            shard: plan.shard,
            devices: numbers.end - numbers.start,
            active: fleet.active(),
            elapsed_s: outcome.elapsed.as_secs_f64(),
            peak_rss_kib: outcome.peak_rss_kib,
            stopped_early: outcome.stopped_early,
        }],
        tally: outcome.tally,
    })
}
