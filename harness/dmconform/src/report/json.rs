//! The JSON report: one object with the suite version and the digest of its
//! specs, the target, the summary counts per verdict, and per case and encoding
//! its id, requirements, verdict, expectation (the spec's expectations and any
//! deviation entry), findings, statuses (with the HRESULT each maps to under
//! `syncml::catalog::hresult_for_status`, null for a code that is no SyncML
//! status) and transcript.

use crate::run::RunReport;
use crate::spec::Suite;
use serde_json::{Map, Value, json};

/// The report as a JSON value.
pub fn value(report: &RunReport, suite: &Suite) -> Value {
    let mut summary = Map::new();
    for (v, n) in report.counts() {
        summary.insert(v.name().to_string(), json!(n));
    }
    let cases: Vec<Value> = report
        .runs
        .iter()
        .map(|r| {
            let mut v = serde_json::to_value(r).unwrap_or(Value::Null);
            if let Some(statuses) = v.get_mut("statuses").and_then(Value::as_array_mut) {
                for s in statuses {
                    let hresult = s
                        .get("code")
                        .and_then(Value::as_str)
                        .and_then(syncml::catalog::hresult_for_status_data)
                        .map(syncml::catalog::format_hex);
                    s["hresult"] = json!(hresult);
                }
            }
            v["as_expected"] = json!(r.as_expected());
            v["expectation"] = expectation(r, suite);
            v
        })
        .collect();
    json!({
        "tool": "dmconform",
        "version": env!("CARGO_PKG_VERSION"),
        "specs_sha256": crate::digest::specs_digest(),
        "target": report.target,
        "profile": report.profile,
        "target_profile_used": report.target_profile,
        "requirements_known": suite.requirements.len(),
        "summary": summary,
        "success": report.success(),
        "judged": report.judged(),
        "nothing_judged": report.nothing_judged().map(|reasons| {
            reasons
                .into_iter()
                .map(|(n, why)| json!({ "runs": n, "reason": why }))
                .collect::<Vec<_>>()
        }),
        "unused_deviations": report.unused_deviations,
        "expired_deviations": report.expired_deviations,
        "unexpected_passes": report
            .unexpected_passes()
            .map(|r| format!("{} [{}]", r.id, r.encoding))
            .collect::<Vec<_>>(),
        "micros": report.micros,
        "cases": cases,
    })
}

/// What the case run was expected to do: the case's expectations per step and
/// named checks, and the deviation entry that excuses it, if any.
fn expectation(r: &crate::CaseRun, suite: &Suite) -> Value {
    let case = suite.case(&r.id);
    let steps: Vec<Value> = case
        .map(|c| c.step.iter().map(|s| json!(s.expect)).collect())
        .unwrap_or_default();
    json!({
        "steps": steps,
        "checks": case.map(|c| c.checks.clone()).unwrap_or_default(),
        "deviation": r.expected_deviation,
    })
}

/// The report as pretty-printed JSON text.
pub fn render(report: &RunReport, suite: &Suite) -> String {
    let mut s = serde_json::to_string_pretty(&value(report, suite)).unwrap_or_default();
    s.push('\n');
    s
}
