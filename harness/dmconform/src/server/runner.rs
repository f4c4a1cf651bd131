//! Runs server-role cases against a DM server: the harness plays the DM client, one
//! session per case and encoding. Each step is one client message; its reply is checked
//! (shared invariants, server invariants, then the case's expectations). After the last
//! step the harness answers whatever the server sends until the server ends the session,
//! or refuses the credentials (the harness has no others to send).

use crate::checks::{invariants, server, step_expectations as expect};
use crate::placeholders::Bindings;
use crate::profile::AuthScheme;
use crate::profile::TargetProfile;
use crate::run::{RunOptions, RunReport, error, judge_case, run_selected};
use crate::server::session::{ClientOutgoing, ClientSession, CredScheme, credentials};
use crate::server::target::ServerTarget;
use crate::spec::{Answer, CredWord};
use crate::spec::{Case, Step, Suite};
use crate::transcript::{Received, Sent, SessionError};
use crate::verdict::{CaseRun, Finding, FindingKind, Severity};
use crate::wire::Encoding;
use base64::Engine;
use syncml::protocol;

/// Runs the selected server cases against one server.
pub fn run_server_suite(
    suite: &Suite,
    target: &mut dyn ServerTarget,
    profile: &TargetProfile,
    opts: &RunOptions,
    progress: &mut dyn FnMut(usize, usize, &CaseRun),
) -> RunReport {
    let selected = opts.select(suite);
    run_server_cases(&selected, target, profile, opts, progress)
}

/// Runs the given server case runs (cases with their encodings) in order.
pub fn run_server_cases(
    selected: &[(&Case, Encoding)],
    target: &mut dyn ServerTarget,
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
        &mut |case, encoding, seq| run_server_case(case, encoding, seq, target, profile, opts),
    )
}

/// Runs one server case in one encoding; `seq` makes its SessionID unique in the run.
pub fn run_server_case(
    case: &Case,
    encoding: Encoding,
    seq: usize,
    target: &mut dyn ServerTarget,
    profile: &TargetProfile,
    opts: &RunOptions,
) -> CaseRun {
    judge_case(case, encoding, profile, |run| {
        drive(case, encoding, seq, target, profile, opts, run)
    })
}

fn drive(
    case: &Case,
    encoding: Encoding,
    seq: usize,
    target: &mut dyn ServerTarget,
    profile: &TargetProfile,
    opts: &RunOptions,
    run: &mut CaseRun,
) -> bool {
    if let Err(e) = target.start_session() {
        error(run, &SessionError::Target(e));
        return false;
    }
    let bindings = Bindings::new(profile, &case.id, encoding.name());
    let session_id = format!("{:X}", (seq % 0xFFFF) + 1);
    let mut session = ClientSession::new(
        target,
        encoding,
        &profile.device,
        &profile.server_uri,
        &session_id,
    );
    let mut facts = invariants::SessionFacts {
        session_id: Some(session_id.clone()),
        last_client_msg_id: None,
        answering_dm_112: false,
        ..invariants::SessionFacts::default()
    };
    let mut nonce = profile
        .credentials
        .as_ref()
        .and_then(|c| c.client_nonce.as_deref())
        .and_then(|n| base64::engine::general_purpose::STANDARD.decode(n).ok())
        .unwrap_or_default();
    // Every server reply is judged by the invariants, so a case with steps is judged
    // even when no step has expectations of its own.
    let mut judged = !case.step.is_empty();
    let mut not_exercised_because = None;
    for (i, step) in case.step.iter().enumerate() {
        let n = i + 1;
        let challenged = session.last_server.as_ref().and_then(challenged_type);
        let out = match outgoing(step, &bindings, profile, &nonce, challenged.as_deref(), n) {
            Ok(o) => o,
            Err(StepError::BadCase(m)) => {
                error(run, &SessionError::BadCase(m));
                break;
            }
            Err(StepError::NotExercised(why)) => {
                not_exercised_because = Some(why);
                break;
            }
        };
        match exchange(&mut session, out, encoding, &mut facts, run) {
            Ok((_, reply)) => {
                let o = expect::check(
                    n,
                    step,
                    &[&reply],
                    &case.requirements,
                    session.ended,
                    &bindings,
                );
                run.findings.extend(o.findings);
                run.statuses.extend(expect::status_records(n, &[&reply]));
                if let Some(next) = issued_nonce(&reply) {
                    nonce = next;
                }
                if o.setup_failed {
                    not_exercised_because = Some(format!(
                        "step {n}, a set-up step, did not go as the case needs"
                    ));
                    break;
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
    finish(&mut session, encoding, opts, &mut facts, run);
    if let Some(why) = not_exercised_because.or_else(|| results_not_sent(case, &session)) {
        run.findings.push(Finding {
            severity: Severity::Info,
            kind: FindingKind::NotExercised,
            requirement: None,
            check: "not exercised".into(),
            expected: "a server that lets the case make its point".into(),
            actual: why,
            exchange: None,
        });
        judged = false;
    }
    run.transcript.splice(0..0, session.transcript);
    judged
}

/// Why the case's point was never put to the server, if it was not: a step asks for
/// Results without MsgRef, but the server's message 1 held no Get the harness could
/// answer with Results.
fn results_not_sent(case: &Case, session: &ClientSession<'_>) -> Option<String> {
    let wanted = case
        .step
        .iter()
        .any(|s| s.answer == Some(Answer::ResultsWithoutMsgRef));
    (wanted && session.results_without_msgref == 0).then(|| {
        "the server's message 1 held no Get of a ./DevInfo node to answer with Results without MsgRef".into()
    })
}

/// Why a step's message cannot be built.
enum StepError {
    /// The case itself is wrong.
    BadCase(String),
    /// The server made an allowed choice under which the step cannot make its point.
    NotExercised(String),
}

/// Sends one client message and checks the server's reply against the invariants.
fn exchange(
    session: &mut ClientSession<'_>,
    out: ClientOutgoing,
    encoding: Encoding,
    facts: &mut invariants::SessionFacts,
    run: &mut CaseRun,
) -> Result<(Sent, Received), SessionError> {
    let (sent, reply) = session.send(out)?;
    let statuses_outstanding = !only_new_commands_outstanding(session, &reply);
    run.findings
        .extend(invariants::check_message(&reply, encoding, facts));
    run.findings
        .extend(invariants::check_answers(&sent, &[&reply]));
    run.findings
        .extend(server::check_reply(&sent, &reply, statuses_outstanding));
    Ok((sent, reply))
}

/// Whether every server command was answered when the client message went out: the
/// commands still outstanding are all ones the reply itself brought.
fn only_new_commands_outstanding(session: &ClientSession<'_>, reply: &Received) -> bool {
    let msg_id = reply.decoded.message.msg_id().unwrap_or("").trim();
    session.outstanding.iter().all(|(m, _)| m == msg_id)
}

/// Answers the server until it ends the session, at most `max_messages_per_step` messages.
fn finish(
    session: &mut ClientSession<'_>,
    encoding: Encoding,
    opts: &RunOptions,
    facts: &mut invariants::SessionFacts,
    run: &mut CaseRun,
) {
    let mut last_exchange = 0;
    for k in 0..opts.max_messages_per_step {
        // A client whose credentials were refused has nothing more to send.
        if session.ended || session.refused {
            return;
        }
        let out = ClientOutgoing {
            label: format!("answer {}", k + 1),
            ..ClientOutgoing::default()
        };
        match exchange(session, out, encoding, facts, run) {
            Ok((_, reply)) => last_exchange = reply.exchange,
            Err(e) => {
                error(run, &e);
                return;
            }
        }
    }
    if !session.ended {
        run.findings.push(server::session_not_ended(
            last_exchange,
            opts.max_messages_per_step,
        ));
    }
}

/// The nonce of an MD5 challenge in the reply, if it carries one.
fn issued_nonce(reply: &Received) -> Option<Vec<u8>> {
    let meta = reply
        .decoded
        .message
        .commands()
        .find_map(|c| c.chal.as_ref())?
        .meta
        .as_ref()?;
    let text = match meta.next_nonce.as_ref()? {
        syncml::MetaValue::Text(t) => t.clone(),
        _ => return None,
    };
    base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .ok()
}

/// The authentication type (Meta Type) of the Chal in the reply, if it carries one.
fn challenged_type(reply: &Received) -> Option<String> {
    let chal = reply
        .decoded
        .message
        .commands()
        .find_map(|c| c.chal.as_ref())?;
    Some(chal.meta.as_ref()?.type_.as_deref()?.trim().to_string())
}

/// The scheme for a step's `cred = "challenged"` or `"other-type"`: the one the server
/// challenged for (the profile's when its last reply had no Chal), or another one. MD5
/// needs a nonce, from the server's Chal or the profile's `client_nonce`.
fn scheme_for(
    word: CredWord,
    challenged: Option<&str>,
    profile_scheme: AuthScheme,
    nonce: &[u8],
) -> Result<CredScheme, StepError> {
    let challenged = match challenged {
        Some(protocol::AUTH_BASIC) => Some(CredScheme::Basic),
        Some(protocol::AUTH_MD5) => Some(CredScheme::Md5),
        Some(other) if word == CredWord::Challenged => {
            return Err(StepError::NotExercised(format!(
                "the server challenged for {other:?}; the harness answers only Basic or MD5"
            )));
        }
        Some(_) => None,
        None if profile_scheme == AuthScheme::Md5 => Some(CredScheme::Md5),
        None => Some(CredScheme::Basic),
    };
    let scheme = match (word, challenged) {
        (CredWord::Challenged, Some(c)) => c,
        (_, Some(CredScheme::Basic)) => CredScheme::Md5,
        _ => CredScheme::Basic,
    };
    if scheme == CredScheme::Md5 && nonce.is_empty() {
        return Err(StepError::NotExercised(
            "MD5 credentials need a nonce: neither the server's Chal nor the target profile's client_nonce gave one".into(),
        ));
    }
    Ok(scheme)
}

/// The client message of a step.
fn outgoing(
    step: &Step,
    b: &Bindings,
    profile: &TargetProfile,
    nonce: &[u8],
    challenged: Option<&str>,
    n: usize,
) -> Result<ClientOutgoing, StepError> {
    let bad = StepError::BadCase;
    let answer = step.answer.unwrap_or_default();
    let (user, password) = profile
        .credentials
        .as_ref()
        .map_or(("", ""), |c| (c.user.as_str(), c.password.as_str()));
    let cred = match step.cred {
        None => None,
        Some(CredWord::Wrong) => Some(credentials(
            CredScheme::Basic,
            user,
            "not-the-password",
            nonce,
        )),
        Some(CredWord::Basic) => Some(credentials(CredScheme::Basic, user, password, nonce)),
        Some(CredWord::Md5) => Some(credentials(CredScheme::Md5, user, password, nonce)),
        Some(word @ (CredWord::Challenged | CredWord::OtherType)) => {
            let scheme = scheme_for(word, challenged, profile.auth_scheme(), nonce)?;
            Some(credentials(scheme, user, password, nonce))
        }
    };
    let commands = match &step.send {
        Some(send) => crate::codec::parse_fragment(&b.apply(send)).map_err(bad)?,
        None => Vec::new(),
    };
    Ok(ClientOutgoing {
        label: format!("step {n}"),
        commands,
        not_final: !step.r#final,
        user: cred.as_ref().map(|_| user.to_string()),
        cred,
        answer,
    })
}
