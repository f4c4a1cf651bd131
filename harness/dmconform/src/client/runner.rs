//! Runs client cases against a DM client: the harness plays the DM server, one
//! session per case and encoding. Each step's message is sent and the client's
//! package in answer collected and checked (invariants first, then the case's
//! expectations); the scratch node is cleaned up and the session ended.

use crate::checks::{invariants, named, step_expectations as expect};
use crate::client::server_auth::ServerAuth;
use crate::client::session::{Outgoing, Session};
use crate::client::target::Target;
use crate::placeholders::Bindings;
use crate::profile::TargetProfile;
use crate::run::{RunOptions, RunReport, error, judge_case, run_selected};
use crate::spec::{Case, Suite};
use crate::transcript::{Received, Sent, SessionError};
use crate::verdict::{CaseRun, Direction, Exchange};
use crate::wire::Encoding;
use syncml::tree::Element;

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
    let server_auth = ServerAuth::from_profile(profile);
    run_client_cases_with(
        selected,
        target,
        profile,
        opts,
        progress,
        server_auth.as_ref(),
    )
}

/// [`run_client_cases`] with the run's server credentials given, so that the
/// nonce the client issues carries from case to case (and to whoever else
/// holds a clone).
pub fn run_client_cases_with(
    selected: &[(&Case, Encoding)],
    target: &mut dyn Target,
    profile: &TargetProfile,
    opts: &RunOptions,
    progress: &mut dyn FnMut(usize, usize, &CaseRun),
    server_auth: Option<&ServerAuth>,
) -> RunReport {
    let name = target.describe();
    run_selected(
        selected,
        profile,
        opts,
        name,
        progress,
        &mut |case, encoding, _| run_case_with(case, encoding, target, profile, opts, server_auth),
    )
}

/// Runs one case in one encoding, against a target that has just started
/// (the server credentials' nonce is the profile's).
pub fn run_case(
    case: &Case,
    encoding: Encoding,
    target: &mut dyn Target,
    profile: &TargetProfile,
    opts: &RunOptions,
) -> CaseRun {
    let server_auth = ServerAuth::from_profile(profile);
    run_case_with(case, encoding, target, profile, opts, server_auth.as_ref())
}

/// [`run_case`] with the run's server credentials.
pub fn run_case_with(
    case: &Case,
    encoding: Encoding,
    target: &mut dyn Target,
    profile: &TargetProfile,
    opts: &RunOptions,
    server_auth: Option<&ServerAuth>,
) -> CaseRun {
    judge_case(case, encoding, profile, |run| {
        let judged = drive(case, encoding, target, profile, opts, server_auth, run);
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

/// Plays the case's session; returns whether anything was judged.
fn drive(
    case: &Case,
    encoding: Encoding,
    target: &mut dyn Target,
    profile: &TargetProfile,
    opts: &RunOptions,
    server_auth: Option<&ServerAuth>,
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
        .is_some_and(|c| c.scheme == crate::profile::AuthScheme::Hmac);
    session.server_auth = server_auth.cloned();
    let first = session
        .first
        .clone()
        .expect("an opened session has package 1");
    run.findings.extend(invariants::check_client_message(
        &first, encoding, &mut facts,
    ));
    let mut after_respuri: Option<Received> = None;
    let mut setup_failed = false;

    // The client messages from here on answer the current step (or close its session).
    let mut step_start = 0;
    for (i, step) in case.step.iter().enumerate() {
        let n = i + 1;
        if step.new_session {
            end_session(&mut session, &mut facts, run);
            facts = invariants::SessionFacts::default();
            let earlier: Vec<Received> = session.turns[step_start..]
                .iter()
                .map(|t| t.received.clone())
                .collect();
            match session.reopen(&format!("step {n}: package 1 of the next session")) {
                Ok(first) => {
                    run.findings.extend(invariants::check_client_message(
                        &first, encoding, &mut facts,
                    ));
                    let refs = [&first];
                    let earlier: Vec<&Received> = earlier.iter().collect();
                    let o = expect::check_new_session(
                        n,
                        step,
                        &first,
                        &earlier,
                        &case.requirements,
                        &bindings,
                    );
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
        step_start = session.turns.len();
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
                if o.setup_failed {
                    // The case's own steps would judge a tree it did not get.
                    setup_failed = true;
                    break;
                }
            }
            Err(e) => {
                error(run, &e);
                charge_setup(run, step);
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
    for check in case.checks.iter().filter(|_| !setup_failed) {
        judged = true;
        if let Some(f) = named::run(
            *check,
            &session.turns,
            named::Answers {
                after_respuri: after_respuri.as_ref(),
            },
            profile,
            case.requirements.first().and_then(|id| {
                Some(named::Rule {
                    id,
                    level: *case.levels.get(id)?,
                })
            }),
        ) {
            run.findings.push(f);
        }
    }
    run.transcript.splice(0..0, session.transcript);
    judged
}

/// A failed exchange in a set-up step is charged to the rule of the set-up
/// command, not to the case's requirements, which it left not exercised.
fn charge_setup(run: &mut CaseRun, step: &crate::spec::Step) {
    let Some(rule) = expect::setup_requirement(step) else {
        return;
    };
    if let Some(f) = run.findings.last_mut()
        && f.requirement.is_none()
    {
        f.requirement = Some(rule.clone());
    }
    run.findings.push(crate::verdict::Finding {
        severity: crate::verdict::Severity::Info,
        kind: crate::verdict::FindingKind::NotExercised,
        requirement: Some(rule),
        check: "set-up: the case is not exercised".into(),
        expected: "a set-up step that goes as the case needs".into(),
        actual: "its exchange failed".into(),
        exchange: None,
    });
}

/// Sends one message and collects the client's package in answer: the first
/// reply, then further messages asked for with Alert 1222 until Final.
fn exchange_step(
    session: &mut Session<'_>,
    out: Outgoing,
    opts: &RunOptions,
    facts: &mut invariants::SessionFacts,
    run: &mut CaseRun,
) -> Result<(Sent, Vec<Received>), SessionError> {
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
        chal: step.chal,
        ..Outgoing::default()
    };
    if let Some(send) = &step.send {
        out.commands = crate::codec::parse_fragment(&b.apply(send))?;
    }
    out.raw = step.raw.as_deref().map(|raw| b.apply(raw));
    Ok(out)
}
