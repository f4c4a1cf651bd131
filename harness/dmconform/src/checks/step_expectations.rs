//! A case's own expectations: the allowed Status codes per command, the
//! Results that must (or must not) follow, the Alerts the reply must carry
//! (a Generic Alert with its content, see [`super::generic_alert`]),
//! and whether the target must end the session.

use crate::placeholders::Bindings;
use crate::spec::{Allowed, Expectation, Level, ResultsSpec, Step};
use crate::transcript::Received;
use crate::verdict::{Finding, FindingKind, Severity, StatusRecord};
use syncml::{Command, CommandKind};

/// What the expectations of one step found, and whether any was judged.
#[derive(Debug, Default)]
pub struct StepOutcome {
    pub findings: Vec<Finding>,
    /// At least one expectation was not informational.
    pub judged: bool,
}

/// Checks a step's expectations against the client's replies to it.
/// `requirements` are the case's; the first is named in findings.
pub fn check(
    step_no: usize,
    step: &Step,
    replies: &[&Received],
    requirements: &[String],
    ended: bool,
    bindings: &Bindings,
) -> StepOutcome {
    check_with_alerts_from(
        step_no,
        step,
        replies,
        replies,
        requirements,
        ended,
        bindings,
    )
}

/// Checks a `new_session` step: its Status expectations against package 1 of the new
/// session (`first`), its Alerts and Generic Alert against every client message since
/// the step before it (`earlier`: the rest of the old session) and `first`. DM Protocol
/// 8.3.7: "Anytime after the Client or Server Initiated Management Alert, the client MAY
/// send a Generic Alert message to the server"; no source names the session.
pub fn check_new_session(
    step_no: usize,
    step: &Step,
    first: &Received,
    earlier: &[&Received],
    requirements: &[String],
    bindings: &Bindings,
) -> StepOutcome {
    let pool: Vec<&Received> = earlier.iter().copied().chain([first]).collect();
    check_with_alerts_from(
        step_no,
        step,
        &[first],
        &pool,
        requirements,
        false,
        bindings,
    )
}

/// [`check`], with the Alerts and Generic Alert looked for in `alert_pool`.
fn check_with_alerts_from(
    step_no: usize,
    step: &Step,
    replies: &[&Received],
    alert_pool: &[&Received],
    requirements: &[String],
    ended: bool,
    bindings: &Bindings,
) -> StepOutcome {
    let mut out = StepOutcome::default();
    let commands_of = |rs: &[&Received]| -> Vec<(usize, Command)> {
        rs.iter()
            .flat_map(|r| {
                r.decoded
                    .message
                    .commands()
                    .map(move |c| (r.exchange, c.clone()))
            })
            .collect()
    };
    let owned = commands_of(replies);
    let answers: Vec<(usize, &Command)> = owned.iter().map(|(x, c)| (*x, c)).collect();
    let pooled = commands_of(alert_pool);
    let alerts_seen: Vec<&Command> = pooled.iter().map(|(_, c)| c).collect();
    let exchange = replies.first().map(|r| r.exchange);
    let req = requirements.first().cloned();
    let mut fail = |severity: Severity,
                    check: String,
                    expected: String,
                    actual: String,
                    exchange: Option<usize>| {
        out.findings.push(Finding {
            severity,
            kind: FindingKind::Expectation,
            requirement: req.clone(),
            check,
            expected,
            actual,
            exchange,
        })
    };

    for e in &step.expect {
        let severity = match e.level {
            Some(Level::Should) | Some(Level::May) => Severity::NonStrict,
            _ => Severity::Fail,
        };
        let what = format!(
            "step {step_no}, CmdRef {:?}{}",
            e.cmdref,
            e.cmd
                .as_deref()
                .map(|c| format!(" ({c})"))
                .unwrap_or_default()
        );
        let statuses: Vec<&(usize, &Command)> = answers
            .iter()
            .filter(|(_, c)| c.kind == CommandKind::Status && is_for(c, e))
            .collect();
        if let Some(spec) = &e.status {
            // A malformed expectation is a defect of the case (lint finds it too):
            // it must not pass as informational.
            let allowed = match Allowed::parse(spec) {
                Ok(a) => a,
                Err(m) => {
                    fail(
                        Severity::Error,
                        what.clone(),
                        "a well-formed expectation".into(),
                        m,
                        None,
                    );
                    continue;
                }
            };
            if allowed.is_info() {
                if statuses.is_empty() {
                    fail(
                        Severity::Info,
                        what.clone(),
                        "a Status (informational)".into(),
                        "none".into(),
                        exchange,
                    );
                }
            } else {
                out.judged = true;
                if statuses.is_empty() && !allowed.admits_none() {
                    fail(
                        severity,
                        what.clone(),
                        format!("a Status with {allowed}"),
                        "no Status".into(),
                        exchange,
                    );
                }
                for (x, s) in &statuses {
                    match s.code() {
                        Some(code) if allowed.admits(code) => {}
                        _ => fail(
                            severity,
                            what.clone(),
                            format!("status {allowed}"),
                            status_text(s),
                            Some(*x),
                        ),
                    }
                }
            }
        }
        if let Some(spec) = &e.results {
            out.judged = true;
            let results: Vec<&(usize, &Command)> = answers
                .iter()
                .filter(|(_, c)| {
                    c.kind == CommandKind::Results
                        && c.cmd_ref.as_deref().unwrap_or("").trim() == e.cmdref
                })
                .collect();
            match spec {
                ResultsSpec::Word(_) => {
                    if let Some((x, _)) = results.first() {
                        fail(
                            severity,
                            format!("{what}: Results"),
                            "no Results".into(),
                            "Results".into(),
                            Some(*x),
                        );
                    }
                }
                ResultsSpec::Expected { data, format } => match results.first() {
                    None => fail(
                        severity,
                        format!("{what}: Results"),
                        "Results".into(),
                        "none".into(),
                        exchange,
                    ),
                    Some((x, r)) => {
                        let item = r.items.first();
                        if let Some(want) = data {
                            let want = bindings.apply(want);
                            let got = item
                                .and_then(|i| i.data.as_ref())
                                .map(|d| d.as_text().trim().to_string())
                                .unwrap_or_default();
                            if got != want.trim() {
                                fail(
                                    severity,
                                    format!("{what}: Results Data"),
                                    format!("{want:?}"),
                                    format!("{got:?}"),
                                    Some(*x),
                                );
                            }
                        }
                        if let Some(want) = format {
                            let given = item
                                .and_then(|i| i.meta.as_ref())
                                .and_then(|m| m.format.clone())
                                .or_else(|| r.meta.as_ref().and_then(|m| m.format.clone()));
                            // Without a Format the value is chr (the MetInf default).
                            let got = given.as_deref().map_or("chr", str::trim);
                            if got != want.trim() {
                                fail(
                                    severity,
                                    format!("{what}: Results Meta Format"),
                                    want.clone(),
                                    given.unwrap_or_else(|| "no Format (chr)".into()),
                                    Some(*x),
                                );
                            }
                        }
                    }
                },
            }
        }
    }
    for code in &step.alerts {
        out.judged = true;
        let found = alerts_seen
            .iter()
            .any(|c| c.kind == CommandKind::Alert && c.code() == Some(*code));
        if !found {
            fail(
                Severity::Fail,
                format!("step {step_no}: Alert {code}"),
                format!("an Alert {code} in the reply"),
                "none".into(),
                exchange,
            );
        }
    }
    if let Some(spec) = &step.generic_alert {
        out.judged = true;
        if let Some((expected, actual)) = super::generic_alert::unmet(spec, &alerts_seen, bindings)
        {
            fail(
                Severity::Fail,
                format!("step {step_no}: Generic Alert"),
                expected,
                actual,
                exchange,
            );
        }
    }
    if step.ends {
        out.judged = true;
        let severity = match step.ends_level {
            Some(Level::Should) | Some(Level::May) => Severity::NonStrict,
            _ => Severity::Fail,
        };
        if !ended {
            fail(
                severity,
                format!("step {step_no}: session ends"),
                "the target ends the session".into(),
                "the session went on".into(),
                exchange,
            );
        }
    }
    out
}

fn is_for(status: &Command, e: &Expectation) -> bool {
    status.cmd_ref.as_deref().unwrap_or("").trim() == e.cmdref.trim()
        && e.cmd
            .as_deref()
            .is_none_or(|want| status.cmd.as_deref().map(str::trim) == Some(want))
}

fn status_text(s: &Command) -> String {
    let data = s
        .data
        .as_ref()
        .map(|d| d.as_text().trim().to_string())
        .unwrap_or_else(|| "(no Data)".into());
    match syncml::catalog::read_status_code(&data).and_then(syncml::catalog::syncml_status) {
        Some(info) => format!("{data} ({})", info.name),
        None => data,
    }
}

/// The Statuses of the replies, for snapshots (the SyncHdr Status included).
pub fn status_records(step_no: usize, replies: &[&Received]) -> Vec<StatusRecord> {
    replies
        .iter()
        .flat_map(|r| r.decoded.message.commands())
        .filter(|c| c.kind == CommandKind::Status)
        .map(|s| StatusRecord {
            step: step_no,
            cmd_ref: s.cmd_ref.clone().unwrap_or_default().trim().to_string(),
            cmd: s.cmd.clone().unwrap_or_default().trim().to_string(),
            code: s
                .data
                .as_ref()
                .map(|d| d.as_text().trim().to_string())
                .unwrap_or_default(),
        })
        .collect()
}
