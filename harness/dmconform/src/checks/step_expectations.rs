//! A case's own expectations: the allowed Status codes per command, the
//! Results that must (or must not) follow, the Alerts the reply must carry
//! (a Generic Alert with its content, see [`super::generic_alert`]),
//! and whether the target must end the session. A set-up step's misses are not
//! the case's: each names the rule of the set-up command and leaves the case not
//! exercised.

use crate::placeholders::Bindings;
use crate::spec::{Allowed, Expectation, Level, ResultsSpec, Step};
use crate::transcript::Received;
use crate::verdict::{Finding, FindingKind, Severity, StatusRecord};
use syncml::{Command, CommandKind};

/// What the expectations of one step found, and whether any was judged.
#[derive(Debug, Default)]
pub struct StepOutcome {
    pub findings: Vec<Finding>,
    /// At least one expectation of a step that is not set-up was not informational.
    pub judged: bool,
    /// A set-up step did not go as the case needs: the case's own steps cannot run.
    pub setup_failed: bool,
}

/// Checks a step's expectations against the client's replies to it.
/// `requirements` are the case's; a finding names the expectation's own
/// `requirement`, else the case's first. The misses of a set-up step are
/// informational (`not exercised`) and make `setup_failed`.
pub fn check(
    step_no: usize,
    step: &Step,
    replies: &[&Received],
    requirements: &[String],
    ended: bool,
    bindings: &Bindings,
) -> StepOutcome {
    as_set_up(
        step,
        check_with_alerts_from(
            step_no,
            step,
            replies,
            replies,
            requirements,
            ended,
            bindings,
        ),
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
    as_set_up(
        step,
        check_with_alerts_from(
            step_no,
            step,
            &[first],
            &pool,
            requirements,
            false,
            bindings,
        ),
    )
}

/// A set-up step judges nothing: its misses leave the case not exercised.
fn as_set_up(step: &Step, mut out: StepOutcome) -> StepOutcome {
    if step.setup {
        out.judged = false;
        for f in &mut out.findings {
            if matches!(f.severity, Severity::Fail | Severity::NonStrict) {
                out.setup_failed = true;
                f.severity = Severity::Info;
                f.kind = FindingKind::NotExercised;
                f.check = format!("{} (set-up: the case is not exercised)", f.check);
            }
        }
    }
    out
}

/// The rule a set-up step's command is judged under, for findings about the step
/// as a whole (its exchange failed): the first its expectations name.
pub fn setup_requirement(step: &Step) -> Option<String> {
    step.setup
        .then(|| step.expect.iter().find_map(|e| e.requirement.clone()))
        .flatten()
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
    let case_req = requirements.first().cloned();
    let mut req: Option<String>;
    let mut fail = |req: &Option<String>,
                    severity: Severity,
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
        req = e.requirement.clone().or_else(|| case_req.clone());
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
                        &req,
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
                        &req,
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
                        &req,
                        severity,
                        what.clone(),
                        format!("a Status with {allowed}"),
                        "no Status".into(),
                        exchange,
                    );
                }
                for (x, s) in &statuses {
                    if e.item_data
                        && s.code().is_some_and(|c| c / 100 == 2)
                        && !s.items.iter().any(|i| i.data.is_some())
                    {
                        fail(
                            &req,
                            severity,
                            format!("{what}: Item Data"),
                            "a success Status carrying an Item with Data (the reply)".into(),
                            "no Item with Data".into(),
                            Some(*x),
                        );
                    }
                    match s.code() {
                        Some(code) if allowed.admits(code) => {}
                        _ => fail(
                            &req,
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
                            &req,
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
                        &req,
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
                            // A child list names nodes by URI segment: percent escapes
                            // compare with their hex digits in either case (RFC 3986 6.2.2.1).
                            let same = if format.as_deref().map(str::trim) == Some("node") {
                                escapes_upper(&got) == escapes_upper(want.trim())
                            } else {
                                got == want.trim()
                            };
                            if !same {
                                fail(
                                    &req,
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
                            // A child list names nodes by URI segment: percent escapes
                            // compare with their hex digits in either case (RFC 3986 6.2.2.1).
                            let same = if format.as_deref().map(str::trim) == Some("node") {
                                escapes_upper(got) == escapes_upper(want.trim())
                            } else {
                                got == want.trim()
                            };
                            if !same {
                                fail(
                                    &req,
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
    req = case_req.clone();
    for code in &step.alerts {
        out.judged = true;
        let found = alerts_seen
            .iter()
            .any(|c| c.kind == CommandKind::Alert && c.code() == Some(*code));
        if !found {
            fail(
                &req,
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
                &req,
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
                &req,
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

/// The text with the two hex digits of each percent escape in upper case.
fn escapes_upper(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '%' {
            for _ in 0..2 {
                match chars.peek() {
                    Some(h) if h.is_ascii_hexdigit() => {
                        out.push(h.to_ascii_uppercase());
                        chars.next();
                    }
                    _ => break,
                }
            }
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
