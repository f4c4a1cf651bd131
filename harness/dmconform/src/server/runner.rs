//! Runs server-role cases against a DM server: the harness plays the DM client, one
//! session per case and encoding. Each step is one client message; its reply is checked
//! (shared invariants, server invariants, then the case's expectations). After the last
//! step the harness answers whatever the server sends until the server ends the session,
//! or refuses the credentials (the harness has no others to send).
//!
//! When the server gives nothing back (no connection, or no answer within the first-byte
//! bound) in [`SILENT_CASE_RUNS`] case runs in a row, the remaining ones are `error` at
//! once, with one finding naming the bound; a refused connection is quick and not counted.
//!
//! The harness keeps what a device keeps between sessions ([`DeviceMemory`]: the last
//! NextNonce it was given), sends the credentials of the target profile's scheme (none
//! when the profile authenticates outside SyncML), and sends them again in the message
//! after one whose credentials the server answered 200 (OMA DM Protocol 9.1).

use crate::checks::{invariants, server, step_expectations as expect};
use crate::placeholders::Bindings;
use crate::profile::AuthScheme;
use crate::profile::TargetProfile;
use crate::run::{RunOptions, RunReport, error, judge_case, run_selected};
use crate::server::session::{ClientOutgoing, ClientSession, CredScheme, credentials};
use crate::server::target::ServerTarget;
use crate::spec::{Answer, Capability, CredWord};
use crate::spec::{Case, Step, Suite};
use crate::transcript::{Received, Sent, SessionError};
use crate::verdict::{CaseRun, Direction, Finding, FindingKind, Severity, Verdict};
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
    let mut memory = DeviceMemory::new(profile);
    let mut silent = Silence::default();
    run_selected(
        selected,
        profile,
        opts,
        name,
        progress,
        &mut |case, encoding, seq| {
            if let Some(why) = silent.stopped() {
                return judge_case(case, encoding, profile, |run| {
                    run.findings.push(not_sent(why));
                    false
                });
            }
            let run = run_server_case(case, encoding, seq, target, profile, opts, &mut memory);
            silent.note(&run, target.unanswered());
            run
        },
    )
}

/// How many case runs in a row may get nothing back from the server before the rest of
/// the run stops asking it.
pub const SILENT_CASE_RUNS: usize = 3;

/// The case runs in a row whose session got nothing back, and the bound that expired.
#[derive(Default)]
struct Silence {
    in_a_row: usize,
    bound: Option<String>,
}

impl Silence {
    /// Counts a case run that went to the server: silent when not a single reply came
    /// and the target names a bound that expired with nothing back.
    fn note(&mut self, run: &CaseRun, unanswered: Option<String>) {
        if run.verdict == Verdict::Unsupported {
            return;
        }
        let answered = run
            .transcript
            .iter()
            .any(|x| x.direction == Direction::FromTarget);
        match unanswered {
            Some(bound) if !answered => {
                self.in_a_row += 1;
                self.bound = Some(bound);
            }
            _ => {
                self.in_a_row = 0;
                self.bound = None;
            }
        }
    }

    /// Why the remaining case runs are not sent, once the server has been silent long enough.
    fn stopped(&self) -> Option<String> {
        let bound = self.bound.as_deref()?;
        (self.in_a_row >= SILENT_CASE_RUNS).then(|| {
            format!(
                "not sent: the server gave nothing back in the {SILENT_CASE_RUNS} case runs before this one: {bound}"
            )
        })
    }
}

/// The one finding of a case run not sent to a silent server.
fn not_sent(why: String) -> Finding {
    Finding {
        severity: Severity::Error,
        kind: FindingKind::Exchange,
        requirement: None,
        check: "exchange".into(),
        expected: "a server that answers".into(),
        actual: why,
        exchange: None,
    }
}

/// What the harness, as a device, keeps from one session to the next.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeviceMemory {
    /// The nonce of its next MD5 digest: the last NextNonce a server gave it, at first
    /// the target profile's `client_nonce` (empty when there is none).
    pub nonce: Vec<u8>,
}

impl DeviceMemory {
    /// A device set up as the target profile says, before its first session.
    pub fn new(profile: &TargetProfile) -> DeviceMemory {
        let nonce = profile
            .credentials
            .as_ref()
            .and_then(|c| c.client_nonce.as_deref())
            .and_then(|n| base64::engine::general_purpose::STANDARD.decode(n).ok())
            .unwrap_or_default();
        DeviceMemory { nonce }
    }
}

/// What is wrong with a target profile for the server role, if anything: it claims
/// SyncML authentication (`auth-basic`, `auth-md5`) but gives no credentials to send.
pub fn profile_problem(profile: &TargetProfile) -> Option<String> {
    let claimed: Vec<&str> = [Capability::AuthBasic, Capability::AuthMd5]
        .into_iter()
        .filter(|c| profile.has(*c))
        .map(|c| c.name())
        .collect();
    let empty = profile
        .credentials
        .as_ref()
        .is_none_or(|c| c.user.is_empty() && c.password.is_empty());
    (!claimed.is_empty() && empty).then(|| {
        format!(
            "target profile {:?} claims {} but gives no [credentials] (user, password) for the harness to send",
            profile.name,
            claimed.join(" and ")
        )
    })
}

/// Runs one server case in one encoding; `seq` makes its SessionID unique in the run,
/// `memory` is what the device kept from the sessions before.
pub fn run_server_case(
    case: &Case,
    encoding: Encoding,
    seq: usize,
    target: &mut dyn ServerTarget,
    profile: &TargetProfile,
    opts: &RunOptions,
    memory: &mut DeviceMemory,
) -> CaseRun {
    judge_case(case, encoding, profile, |run| {
        drive(case, encoding, seq, target, profile, opts, memory, run)
    })
}

/// The credentials of one client message, as the harness computed them.
#[derive(Clone, Debug)]
struct SentCred {
    scheme: CredScheme,
    password: String,
}

/// The case's session: every client message, its reply checked.
struct Drive<'a, 't> {
    session: ClientSession<'t>,
    encoding: Encoding,
    facts: invariants::SessionFacts,
    profile: &'a TargetProfile,
    memory: &'a mut DeviceMemory,
    /// Credentials the next message must carry again: the last one's, answered 200.
    due: Option<SentCred>,
}

impl Drive<'_, '_> {
    /// Sends one client message (with the credentials due again, when it has none of its
    /// own) and checks the reply against the invariants; keeps the reply's NextNonce.
    fn exchange(
        &mut self,
        mut out: ClientOutgoing,
        sent_cred: Option<SentCred>,
        run: &mut CaseRun,
    ) -> Result<(Sent, Received), SessionError> {
        let sent_cred = match (sent_cred, self.due.take()) {
            (Some(c), _) => Some(c),
            (None, Some(due)) if out.cred.is_none() => {
                let user = self.user().to_string();
                out.cred = Some(credentials(
                    due.scheme,
                    &user,
                    &due.password,
                    &self.memory.nonce,
                ));
                out.user = Some(user);
                Some(due)
            }
            (None, _) => None,
        };
        let result = exchange(&mut self.session, out, self.encoding, &mut self.facts, run);
        if let Ok((_, reply)) = &result {
            if let Some(next) = issued_nonce(reply) {
                self.memory.nonce = next;
            }
            self.due = sent_cred.filter(|_| hdr_code(reply) == Some(200));
        }
        result
    }

    fn user(&self) -> &str {
        self.profile
            .credentials
            .as_ref()
            .map_or("", |c| c.user.as_str())
    }
}

#[allow(clippy::too_many_arguments)]
fn drive(
    case: &Case,
    encoding: Encoding,
    seq: usize,
    target: &mut dyn ServerTarget,
    profile: &TargetProfile,
    opts: &RunOptions,
    memory: &mut DeviceMemory,
    run: &mut CaseRun,
) -> bool {
    if let Err(e) = target.start_session() {
        error(run, &SessionError::Target(e));
        return false;
    }
    let bindings = Bindings::new(profile, &case.id, encoding.name());
    let session_id = session_id(seq);
    let session = ClientSession::new(
        target,
        encoding,
        &profile.device,
        &profile.server_uri,
        &session_id,
    );
    let facts = invariants::SessionFacts {
        session_id: Some(session_id.clone()),
        last_client_msg_id: None,
        answering_dm_112: false,
        target_is_server: true,
        ..invariants::SessionFacts::default()
    };
    let mut d = Drive {
        session,
        encoding,
        facts,
        profile,
        memory,
        due: None,
    };
    // Every server reply is judged by the invariants, so a case with steps is judged
    // even when no step has expectations of its own.
    let mut judged = !case.step.is_empty();
    let mut not_exercised_because = None;
    for (i, step) in case.step.iter().enumerate() {
        let n = i + 1;
        let challenged = d.session.last_server.as_ref().and_then(challenged_type);
        let made = outgoing(
            step,
            &bindings,
            profile,
            &d.memory.nonce,
            challenged.as_deref(),
            n,
        );
        let (out, sent_cred) = match made {
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
        match d.exchange(out, sent_cred, run) {
            Ok((_, reply)) => {
                let o = expect::check(
                    n,
                    step,
                    &[&reply],
                    &case.requirements,
                    d.session.ended,
                    &bindings,
                );
                run.findings.extend(o.findings);
                run.statuses.extend(expect::status_records(n, &[&reply]));
                if o.setup_failed {
                    not_exercised_because = Some(format!(
                        "step {n}, a set-up step, did not go as the case needs"
                    ));
                    break;
                }
            }
            Err(e) => {
                error(run, &e);
                run.transcript = std::mem::take(&mut d.session.transcript);
                return judged;
            }
        }
        if d.session.ended {
            break;
        }
    }
    finish(&mut d, opts, run);
    if let Some(why) = not_exercised_because.or_else(|| results_not_sent(case, &d.session)) {
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
    run.transcript.splice(0..0, d.session.transcript);
    judged
}

/// The SessionID of the case run `seq` of a run: a decimal integer, the form a Windows
/// client uses ("the client returns the SessionID in integer in decimal format", OMA DM
/// protocol support), of at most four characters (MS-MDM 2.2.3.8: at most 4 bytes).
pub fn session_id(seq: usize) -> String {
    ((seq % 9999) + 1).to_string()
}

/// The code of the reply's Status for the client's SyncHdr.
fn hdr_code(reply: &Received) -> Option<u16> {
    reply
        .decoded
        .message
        .synchdr_status()
        .and_then(|c| c.code())
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
    run.findings.extend(server::judge_reply(
        &sent,
        &reply,
        encoding,
        facts,
        &session.outstanding,
    ));
    Ok((sent, reply))
}

/// Answers the server until it ends the session, at most `max_messages_per_step` messages.
fn finish(d: &mut Drive<'_, '_>, opts: &RunOptions, run: &mut CaseRun) {
    let mut last_exchange = 0;
    for k in 0..opts.max_messages_per_step {
        // A client whose credentials were refused has nothing more to send.
        if d.session.ended || d.session.refused {
            return;
        }
        let out = ClientOutgoing {
            label: format!("answer {}", k + 1),
            ..ClientOutgoing::default()
        };
        match d.exchange(out, None, run) {
            Ok((_, reply)) => last_exchange = reply.exchange,
            Err(e) => {
                error(run, &e);
                return;
            }
        }
    }
    if !d.session.ended {
        run.findings.push(server::session_not_ended(
            last_exchange,
            opts.max_messages_per_step,
        ));
    }
}

/// The nonce of a Chal in the reply (NextNonce), if it carries one.
fn issued_nonce(reply: &Received) -> Option<Vec<u8>> {
    let meta = reply
        .decoded
        .message
        .commands()
        .find_map(|c| c.chal.as_ref())?
        .meta
        .as_ref()?;
    match meta.next_nonce.as_ref()? {
        syncml::MetaValue::Text(t) => base64::engine::general_purpose::STANDARD
            .decode(t.trim())
            .ok(),
        // A WBXML NextNonce may come as opaque bytes: the nonce itself.
        syncml::MetaValue::Bytes(b) => Some(b.clone()),
    }
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
        return Err(no_nonce());
    }
    Ok(scheme)
}

/// The client message of a step, and how its credentials were made.
fn outgoing(
    step: &Step,
    b: &Bindings,
    profile: &TargetProfile,
    nonce: &[u8],
    challenged: Option<&str>,
    n: usize,
) -> Result<(ClientOutgoing, Option<SentCred>), StepError> {
    let bad = StepError::BadCase;
    let answer = step.answer.unwrap_or_default();
    let (user, password) = profile
        .credentials
        .as_ref()
        .map_or(("", ""), |c| (c.user.as_str(), c.password.as_str()));
    let md5_or_basic = |scheme: CredScheme| -> Result<CredScheme, StepError> {
        if scheme == CredScheme::Md5 && nonce.is_empty() {
            return Err(no_nonce());
        }
        Ok(scheme)
    };
    let how = match step.cred {
        None => None,
        Some(CredWord::Profile) => match profile.auth_scheme() {
            AuthScheme::None => None,
            AuthScheme::Md5 => Some((md5_or_basic(CredScheme::Md5)?, password)),
            // HMAC never gets here: such a case is unsupported (run::unsupported).
            AuthScheme::Basic | AuthScheme::Hmac => Some((CredScheme::Basic, password)),
        },
        Some(CredWord::Wrong) => {
            let scheme = match profile.auth_scheme() {
                AuthScheme::Md5 if !nonce.is_empty() => CredScheme::Md5,
                _ => CredScheme::Basic,
            };
            Some((scheme, WRONG_PASSWORD))
        }
        Some(CredWord::Basic) => Some((CredScheme::Basic, password)),
        Some(CredWord::Md5) => Some((md5_or_basic(CredScheme::Md5)?, password)),
        Some(word @ (CredWord::Challenged | CredWord::OtherType)) => Some((
            scheme_for(word, challenged, profile.auth_scheme(), nonce)?,
            password,
        )),
    };
    let sent = how.map(|(scheme, password)| SentCred {
        scheme,
        password: password.to_string(),
    });
    let cred = sent
        .as_ref()
        .map(|s| credentials(s.scheme, user, &s.password, nonce));
    let commands = match &step.send {
        Some(send) => crate::codec::parse_fragment(&b.apply(send)).map_err(bad)?,
        None => Vec::new(),
    };
    let out = ClientOutgoing {
        label: format!("step {n}"),
        commands,
        not_final: !step.r#final,
        user: cred.as_ref().map(|_| user.to_string()),
        cred,
        answer,
    };
    Ok((out, sent))
}

/// The password of `cred = "wrong"`.
const WRONG_PASSWORD: &str = "not-the-password";

fn no_nonce() -> StepError {
    StepError::NotExercised(
        "MD5 credentials need a nonce: neither a server's Chal nor the target profile's client_nonce gave one".into(),
    )
}
