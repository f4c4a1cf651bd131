//! Runs cases against a target: one session per case and encoding, each step's
//! message sent and its reply checked (invariants first, then the case's
//! expectations), the scratch node cleaned up, and a verdict with its transcript.

use crate::checks::{expect, invariants, named};
use crate::placeholders::Bindings;
use crate::profile::TargetProfile;
use crate::session::{Outgoing, Received, Session, SessionError};
use crate::spec::{Case, Role, Suite};
use crate::target::{Encoding, Target, TargetError};
use crate::verdict::{CaseRun, Direction, Exchange, Finding, Severity, Verdict};
use std::time::Instant;
use syncml::tree::Element;

/// Which cases to run, and how.
#[derive(Clone, Debug)]
pub struct RunOptions {
    pub encodings: Vec<Encoding>,
    /// Only cases of this profile (`windows`, `oma-dm-1.2`); all when `None`.
    pub profile: Option<String>,
    /// Only cases whose id matches this glob.
    pub filter: Option<glob::Pattern>,
    /// Most client messages accepted for one step (further messages of its package).
    pub max_messages_per_step: usize,
    /// The role of the target: client cases for a DM client, server cases for a DM server.
    pub role: Role,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            encodings: Encoding::BOTH.to_vec(),
            profile: None,
            filter: None,
            max_messages_per_step: 16,
            role: Role::Client,
        }
    }
}

impl RunOptions {
    /// The cases of the target's role selected, in id order, with the encodings each runs in.
    pub fn select<'s>(&self, suite: &'s Suite) -> Vec<(&'s Case, Encoding)> {
        let mut cases: Vec<&Case> = suite
            .cases
            .iter()
            .filter(|c| c.role == self.role)
            .filter(|c| self.filter.as_ref().is_none_or(|f| f.matches(&c.id)))
            .filter(|c| {
                self.profile
                    .as_ref()
                    .is_none_or(|p| c.profiles.is_empty() || c.profiles.contains(p))
            })
            .collect();
        cases.sort_by(|a, b| a.id.cmp(&b.id));
        let mut out = Vec::new();
        for c in cases {
            for e in &self.encodings {
                if c.encodings.is_empty() || c.encodings.iter().any(|x| x == e.name()) {
                    out.push((c, *e));
                }
            }
        }
        out
    }
}

/// The results of a run.
#[derive(Clone, Debug)]
pub struct RunReport {
    pub target: String,
    pub profile: Option<String>,
    pub runs: Vec<CaseRun>,
    /// Deviation entries of the target profile that matched no case run.
    pub unused_deviations: Vec<String>,
    /// Deviation entries past their expiry date, which excused nothing.
    pub expired_deviations: Vec<String>,
    pub micros: u64,
}

impl RunReport {
    /// Counts per verdict, in the order of [`Verdict::ALL`].
    pub fn counts(&self) -> Vec<(Verdict, usize)> {
        Verdict::ALL
            .iter()
            .map(|v| (*v, self.runs.iter().filter(|r| r.verdict == *v).count()))
            .collect()
    }

    /// Whether every verdict is as the target profile leads one to expect.
    pub fn success(&self) -> bool {
        self.runs.iter().all(CaseRun::as_expected)
    }

    /// Case runs the target profile lists as deviations that passed nonetheless.
    pub fn unexpected_passes(&self) -> impl Iterator<Item = &CaseRun> {
        self.runs
            .iter()
            .filter(|r| r.expected_deviation.is_some() && !r.verdict.is_problem())
    }
}

/// Runs the selected cases against one target.
pub fn run_suite(
    suite: &Suite,
    target: &mut dyn Target,
    profile: &TargetProfile,
    opts: &RunOptions,
) -> RunReport {
    run_suite_with_progress(suite, target, profile, opts, &mut |_, _, _| {})
}

/// [`run_suite`], calling `progress(done, total, last run)` after each case run.
pub fn run_suite_with_progress(
    suite: &Suite,
    target: &mut dyn Target,
    profile: &TargetProfile,
    opts: &RunOptions,
    progress: &mut dyn FnMut(usize, usize, &CaseRun),
) -> RunReport {
    let selected = opts.select(suite);
    run_client_cases(&selected, target, profile, opts, progress)
}

/// Runs the given client case runs (cases with their encodings) in order.
pub fn run_client_cases(
    selected: &[(&Case, Encoding)],
    target: &mut dyn Target,
    profile: &TargetProfile,
    opts: &RunOptions,
    progress: &mut dyn FnMut(usize, usize, &CaseRun),
) -> RunReport {
    let name = target.describe();
    run_selected(
        selected,
        profile,
        opts,
        name,
        progress,
        &mut |case, encoding, _| run_case(case, encoding, target, profile, opts),
    )
}

/// Runs each given case run with `run_one(case, encoding, index)`, calling
/// `progress(done, total, last run)` after each, marks the runs the target
/// profile lists as deviations, and reports the deviations no run matched.
pub(crate) fn run_selected(
    selected: &[(&Case, Encoding)],
    profile: &TargetProfile,
    opts: &RunOptions,
    target_name: String,
    progress: &mut dyn FnMut(usize, usize, &CaseRun),
    run_one: &mut dyn FnMut(&Case, Encoding, usize) -> CaseRun,
) -> RunReport {
    let start = Instant::now();
    let today = crate::date::today();
    let mut runs = Vec::with_capacity(selected.len());
    let mut used = vec![false; profile.deviation.len()];
    for (i, (case, encoding)) in selected.iter().enumerate() {
        let mut run = run_one(case, *encoding, i);
        if let Some(d) = profile.deviation_on(&run.id, run.encoding, &today) {
            used[d] = true;
            run.expected_deviation = Some(profile.deviation[d].reason.clone());
        }
        progress(i + 1, selected.len(), &run);
        runs.push(run);
    }
    let unused_deviations = profile
        .deviation
        .iter()
        .zip(used)
        .filter(|(d, u)| !u && !d.expired_on(&today))
        .map(|(d, _)| d.case.clone())
        .collect();
    let expired_deviations = profile
        .deviation
        .iter()
        .filter(|d| d.expired_on(&today))
        .map(|d| {
            format!(
                "{} (expired on {})",
                d.case,
                d.expires.as_deref().unwrap_or("")
            )
        })
        .collect();
    RunReport {
        target: target_name,
        profile: opts.profile.clone(),
        runs,
        unused_deviations,
        expired_deviations,
        micros: start.elapsed().as_micros() as u64,
    }
}

/// Runs one case in one encoding.
pub fn run_case(
    case: &Case,
    encoding: Encoding,
    target: &mut dyn Target,
    profile: &TargetProfile,
    opts: &RunOptions,
) -> CaseRun {
    judge_case(case, encoding, profile, |run| {
        let judged = drive(case, encoding, target, profile, opts, run);
        if let Some(log) = target.take_log() {
            run.transcript.push(Exchange {
                direction: Direction::FromTarget,
                label: "standard error".into(),
                content_type: "text/plain".into(),
                text: log,
                hex: None,
                transport: Vec::new(),
            });
        }
        judged
    })
}

/// A case run: `unsupported` when the target profile does not claim what the case
/// needs, else what the findings of `drive` (which says whether it judged anything) add up to.
pub(crate) fn judge_case(
    case: &Case,
    encoding: Encoding,
    profile: &TargetProfile,
    drive: impl FnOnce(&mut CaseRun) -> bool,
) -> CaseRun {
    let start = Instant::now();
    let mut run = CaseRun {
        id: case.id.clone(),
        title: case.title.clone(),
        requirements: case.requirements.clone(),
        encoding,
        verdict: Verdict::Unsupported,
        findings: Vec::new(),
        statuses: Vec::new(),
        transcript: Vec::new(),
        expected_deviation: None,
        micros: 0,
    };
    if let Some(missing) = unsupported(case, encoding, profile) {
        run.findings.push(Finding {
            severity: Severity::Info,
            requirement: None,
            check: "capabilities".into(),
            expected: missing,
            actual: format!("not claimed by target profile {:?}", profile.name),
            exchange: None,
        });
        run.micros = start.elapsed().as_micros() as u64;
        return run;
    }
    let judged = drive(&mut run);
    run.verdict = if run.findings.iter().any(|f| f.check == REFUSED_BY_TARGET) {
        Verdict::Unsupported
    } else {
        CaseRun::verdict_from(&run.findings, judged)
    };
    run.micros = start.elapsed().as_micros() as u64;
    run
}

/// Why the case cannot run on this target, if it cannot.
pub(crate) fn unsupported(
    case: &Case,
    encoding: Encoding,
    profile: &TargetProfile,
) -> Option<String> {
    if !profile.speaks(encoding) {
        return Some(format!("encoding {encoding}"));
    }
    let missing: Vec<&str> = case
        .needs
        .iter()
        .map(String::as_str)
        .filter(|n| !profile.has(n) || (case.role == Role::Client && !scheme_matches(n, profile)))
        .collect();
    for (name, limit) in crate::placeholders::NEED_LIMITS {
        let used = case
            .step
            .iter()
            .flat_map(|s| s.send.iter().chain(s.raw.iter()))
            .any(|t| crate::placeholders::uses(t, name));
        if used && !Bindings::usable(profile, name) {
            return Some(format!("a URI limit ({limit} is 0: unlimited)"));
        }
    }
    if !case.profiles.is_empty() && !case.profiles.iter().any(|p| profile.profiles.contains(p)) {
        return Some(format!("profile {}", case.profiles.join(" or ")));
    }
    (!missing.is_empty()).then(|| format!("capabilities {}", missing.join(", ")))
}

/// A client case that needs an authentication scheme runs only when the target is
/// configured for it. (In server cases the harness, as client, picks the scheme per step.)
fn scheme_matches(need: &str, profile: &TargetProfile) -> bool {
    let scheme = profile
        .credentials
        .as_ref()
        .map_or("none", |c| c.scheme.as_str());
    match need {
        "auth-basic" => scheme == "basic",
        "auth-md5" => scheme == "md5",
        "hmac" => scheme == "hmac",
        _ => true,
    }
}

/// Plays the case's session; returns whether anything was judged.
fn drive(
    case: &Case,
    encoding: Encoding,
    target: &mut dyn Target,
    profile: &TargetProfile,
    opts: &RunOptions,
    run: &mut CaseRun,
) -> bool {
    let bindings = Bindings::new(profile, &case.id, encoding.name());
    let mut judged = false;
    let mut facts = invariants::SessionFacts::default();
    let mut session = match Session::open(target, encoding, &profile.server_uri, "package 1") {
        Ok(s) => s,
        Err((transcript, e)) => {
            run.transcript = transcript;
            error(run, &e);
            return false;
        }
    };
    session.hmac_nonces = profile
        .credentials
        .as_ref()
        .is_some_and(|c| c.scheme == "hmac");
    let first = session
        .first
        .clone()
        .expect("an opened session has package 1");
    run.findings.extend(invariants::check_client_message(
        &first, encoding, &mut facts,
    ));
    let mut after_respuri: Option<Received> = None;

    for (i, step) in case.step.iter().enumerate() {
        let n = i + 1;
        if step.new_session {
            end_session(&mut session, &mut facts, run);
            facts = invariants::SessionFacts::default();
            match session.reopen(&format!("step {n}: package 1 of the next session")) {
                Ok(first) => {
                    run.findings.extend(invariants::check_client_message(
                        &first, encoding, &mut facts,
                    ));
                    let refs = [&first];
                    let o = expect::check(n, step, &refs, &case.requirements, false, &bindings);
                    judged |= o.judged;
                    run.findings.extend(o.findings);
                    run.statuses.extend(expect::status_records(n, &refs));
                }
                Err(e) => {
                    error(run, &e);
                    run.transcript = std::mem::take(&mut session.transcript);
                    return judged;
                }
            }
            continue;
        }
        let out = match outgoing(step, &bindings, n) {
            Ok(o) => o,
            Err(m) => {
                error(run, &SessionError::BadCase(m));
                run.transcript = std::mem::take(&mut session.transcript);
                return judged;
            }
        };
        let gave_respuri = out
            .header
            .iter()
            .any(|(k, v)| k == "RespURI" && !v.is_empty());
        let result = exchange_step(&mut session, out, opts, &mut facts, run);
        match result {
            Ok((sent, replies)) => {
                let refs: Vec<&Received> = replies.iter().collect();
                run.findings.extend(invariants::check_step(&sent, &refs));
                let o = expect::check(n, step, &refs, &case.requirements, session.ended, &bindings);
                judged |= o.judged;
                run.findings.extend(o.findings);
                run.statuses.extend(expect::status_records(n, &refs));
                if gave_respuri && after_respuri.is_none() {
                    after_respuri = replies.first().cloned();
                }
            }
            Err(e) => {
                error(run, &e);
                run.transcript = std::mem::take(&mut session.transcript);
                return judged;
            }
        }
        if session.ended {
            break;
        }
    }
    // The named checks see every client message, those answering the cleanup too.
    close(&mut session, &bindings, opts, &mut facts, run);
    for check in &case.checks {
        judged = true;
        if let Some(f) = named::run(
            check,
            &session.turns,
            named::Answers {
                after_respuri: after_respuri.as_ref(),
            },
            profile,
            case.requirements.first(),
        ) {
            run.findings.push(f);
        }
    }
    run.transcript.splice(0..0, session.transcript);
    judged
}

/// Sends one message and collects the client's package in answer: the first
/// reply, then further messages asked for with Alert 1222 until Final.
fn exchange_step(
    session: &mut Session<'_>,
    out: Outgoing,
    opts: &RunOptions,
    facts: &mut invariants::SessionFacts,
    run: &mut CaseRun,
) -> Result<(crate::session::Sent, Vec<Received>), SessionError> {
    let label = out.label.clone();
    let server_final = !out.not_final;
    let (sent, reply) = session.send(out)?;
    let mut replies = Vec::new();
    let Some(mut reply) = reply else {
        return Ok((sent, replies));
    };
    let mut answered = sent.message.msg_id().unwrap_or("").trim().to_string();
    // The whole package answers the step's message, even the replies to Alert 1222.
    facts.answering_dm_112 = invariants::is_dm_112(&sent);
    loop {
        run.findings.extend(invariants::check_client_message(
            &reply,
            session.encoding,
            facts,
        ));
        let done = reply.decoded.message.is_final() || !server_final;
        let stalled = !replies.is_empty() && !carries_more(&reply.decoded.message, &answered);
        let exchange = reply.exchange;
        replies.push(reply);
        if done {
            break;
        }
        if stalled || replies.len() >= opts.max_messages_per_step {
            run.findings
                .push(invariants::unfinished_package(exchange, replies.len()));
            break;
        }
        let next = Outgoing {
            label: format!("{label} (next message)"),
            commands: vec![next_message_alert()],
            not_final: true,
            ..Outgoing::default()
        };
        match session.send(next)? {
            (next_sent, Some(r)) => {
                answered = next_sent.message.msg_id().unwrap_or("").trim().to_string();
                reply = r;
            }
            (_, None) => break,
        }
    }
    Ok((sent, replies))
}

/// Whether a message carries anything but the Statuses for the message it
/// answers (`answered`, a MsgID): Results, Alerts, or Statuses left over from
/// the step's own message.
fn carries_more(m: &syncml::Message, answered: &str) -> bool {
    m.commands().any(|c| {
        c.kind != syncml::CommandKind::Status
            || c.msg_ref.as_deref().map(str::trim) != Some(answered)
    }) || m
        .body
        .as_ref()
        .is_some_and(|b| b.nodes.iter().any(|n| n.command().is_none()))
}

fn next_message_alert() -> Element {
    syncml::Command::alert("1", 1222).to_element()
}

/// Deletes the case's node and ends the session: a message with only Statuses
/// and Final, to which the client should not answer. Statuses here are not
/// judged, but invariants still hold on every reply.
fn close(
    session: &mut Session<'_>,
    bindings: &Bindings,
    opts: &RunOptions,
    facts: &mut invariants::SessionFacts,
    run: &mut CaseRun,
) {
    if session.ended {
        return;
    }
    let node = bindings.get("node").unwrap_or_default();
    let delete = syncml::Command::new(syncml::CommandKind::Delete, "1")
        .with_item(syncml::Item::target(node))
        .to_element();
    let cleanup = Outgoing {
        label: "cleanup".into(),
        commands: vec![delete],
        ..Outgoing::default()
    };
    if let Err(e) = exchange_step(session, cleanup, opts, facts, run) {
        error(run, &e);
        return;
    }
    end_session(session, facts, run);
}

/// Ends the session: messages with only the Statuses owed and Final, until the
/// client answers no more (at most three). Invariants still hold on every reply.
fn end_session(session: &mut Session<'_>, facts: &mut invariants::SessionFacts, run: &mut CaseRun) {
    facts.answering_dm_112 = false;
    for _ in 0..3 {
        if session.ended {
            return;
        }
        let end = Outgoing {
            label: "end of session".into(),
            ..Outgoing::default()
        };
        match session.send(end) {
            Ok((_, Some(r))) => run.findings.extend(invariants::check_client_message(
                &r,
                session.encoding,
                facts,
            )),
            Ok((_, None)) => return,
            Err(e) => {
                error(run, &e);
                return;
            }
        }
    }
}

/// The check of a finding that records a target's own `unsupported` answer.
const REFUSED_BY_TARGET: &str = "target: unsupported";

pub(crate) fn error(run: &mut CaseRun, e: &SessionError) {
    if let SessionError::Target(TargetError::Unsupported(reason)) = e {
        run.findings.push(Finding {
            severity: Severity::Info,
            requirement: None,
            check: REFUSED_BY_TARGET.into(),
            expected: "the case's session".into(),
            actual: format!("the target answered unsupported: {reason}"),
            exchange: None,
        });
        return;
    }
    let exchange = match e {
        SessionError::Undecodable { exchange, .. } => Some(*exchange),
        _ => None,
    };
    run.findings.push(Finding {
        severity: Severity::Error,
        requirement: None,
        check: "exchange".into(),
        expected: "a decodable reply".into(),
        actual: e.to_string(),
        exchange,
    });
}

/// The server message of a step.
fn outgoing(step: &crate::spec::Step, b: &Bindings, n: usize) -> Result<Outgoing, String> {
    let mut out = Outgoing {
        label: format!("step {n}"),
        not_final: !step.r#final,
        header: step
            .header
            .iter()
            .map(|(k, v)| (k.clone(), b.apply(v)))
            .collect(),
        hdr_status: step.hdr_status,
        chal: step.chal.clone(),
        ..Outgoing::default()
    };
    if let Some(send) = &step.send {
        out.commands = crate::codec::parse_fragment(&b.apply(send))?;
    }
    out.raw = step.raw.as_deref().map(|raw| b.apply(raw));
    Ok(out)
}
