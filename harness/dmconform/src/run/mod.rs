//! The run loop both roles share: which cases and encodings run ([`RunOptions`]),
//! each case run judged into its verdict (`judge_case`: `unsupported` when the
//! target profile does not claim what the case needs, else what its findings add
//! up to), the target profile's deviation entries applied (`run_selected`), and
//! the results of a run ([`RunReport`]). How one case is played is the business
//! of each role's runner (`crate::client::runner`, `crate::server::runner`).

use crate::placeholders::Bindings;
use crate::profile::{AuthScheme, TargetProfile};
use crate::spec::{Capability, Case, Role, Suite};
use crate::transcript::SessionError;
use crate::verdict::{CaseRun, Finding, FindingKind, Severity, Verdict};
use crate::wire::{Encoding, TargetError};
use std::time::Instant;

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
            kind: FindingKind::Capability,
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
    run.verdict = if run
        .findings
        .iter()
        .any(|f| f.kind == FindingKind::RefusedByTarget)
    {
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
        .filter(|n| {
            !profile.has(**n) || (case.role == Role::Client && !scheme_matches(**n, profile))
        })
        .map(|n| n.name())
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
fn scheme_matches(need: Capability, profile: &TargetProfile) -> bool {
    let scheme = profile.auth_scheme();
    match need {
        Capability::AuthBasic => scheme == AuthScheme::Basic,
        Capability::AuthMd5 => scheme == AuthScheme::Md5,
        Capability::Hmac => scheme == AuthScheme::Hmac,
        _ => true,
    }
}

/// The check of a finding that records a target's own `unsupported` answer.
const REFUSED_BY_TARGET: &str = "target: unsupported";

pub(crate) fn error(run: &mut CaseRun, e: &SessionError) {
    if let SessionError::Target(TargetError::Unsupported(reason)) = e {
        run.findings.push(Finding {
            severity: Severity::Info,
            kind: FindingKind::RefusedByTarget,
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
        kind: FindingKind::Exchange,
        requirement: None,
        check: "exchange".into(),
        expected: "a decodable reply".into(),
        actual: e.to_string(),
        exchange,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case() -> Case {
        let text =
            "[[case]]\nid = \"c\"\ntitle = \"t\"\nrequirements = [\"r\"]\nrole = \"client\"\n";
        let (suite, problems) = Suite::from_files([("cases/client/c.toml".into(), text.into())]);
        assert!(problems.is_empty(), "{problems:?}");
        suite.cases[0].clone()
    }

    #[test]
    fn a_windows_client_uploading_large_objects_faces_no_receive_side_case() {
        // WIN-OMA documents only the client's upload of large objects, so a Windows
        // profile claims lob-send: the chunked Add/Replace cases (213, 424, 1225) do not run.
        let (suite, _) = Suite::embedded();
        let mut profile = TargetProfile::reference();
        profile.capabilities = vec![Capability::LobSend, Capability::MultiMessage];
        let case = |id: &str| suite.case(id).expect("the case exists");
        for id in ["lob.chunked-add", "lob.size-mismatch", "lob.interrupted"] {
            let why = unsupported(case(id), Encoding::Xml, &profile);
            assert!(why.is_some_and(|w| w.contains("lob-receive")), "{id}");
        }
        for id in ["lob.client-upload", "lob.maxobjsize"] {
            assert_eq!(unsupported(case(id), Encoding::Xml, &profile), None, "{id}");
        }
    }

    #[test]
    fn the_targets_own_refusal_makes_the_case_unsupported() {
        let profile = TargetProfile::reference();
        let refused = judge_case(&case(), Encoding::Xml, &profile, |run| {
            error(
                run,
                &SessionError::Target(TargetError::Unsupported("no WBXML".into())),
            );
            true
        });
        assert_eq!(refused.verdict, Verdict::Unsupported);
        assert_eq!(refused.findings[0].kind, FindingKind::RefusedByTarget);
        let failed = judge_case(&case(), Encoding::Xml, &profile, |run| {
            error(
                run,
                &SessionError::Target(TargetError::Other("gone".into())),
            );
            true
        });
        assert_eq!(failed.verdict, Verdict::Error);
        assert_eq!(failed.findings[0].kind, FindingKind::Exchange);
    }
}
