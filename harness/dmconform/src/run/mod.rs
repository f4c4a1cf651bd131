//! The run loop both roles share: which cases and encodings run ([`RunOptions`]),
//! each case run judged into its verdict (in `verdict`, the one place a verdict
//! is decided), the target profile's deviation entries applied (`run_selected`),
//! and the results of a run ([`RunReport`]). How one case is played is the business
//! of each role's runner (`crate::client::runner`, `crate::server::runner`).

mod verdict;

pub(crate) use verdict::judge_case;

use crate::profile::TargetProfile;
use crate::spec::{Case, Role, Suite};
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
    /// The target profile the run used: its name, and where it came from when the
    /// command line knows (the file, or built in).
    pub target_profile: String,
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

    /// Whether every verdict is as the target profile leads one to expect, and some
    /// case run was judged: a run that judged nothing checked nothing.
    pub fn success(&self) -> bool {
        self.judged() > 0 && self.runs.iter().all(CaseRun::as_expected)
    }

    /// How many case runs were judged: their verdict is pass, fail or non-strict (an
    /// informational run is recorded, never judged; an unsupported one did not run; an
    /// error is the target's failure to take part).
    pub fn judged(&self) -> usize {
        self.runs.iter().filter(|r| r.verdict.is_judged()).count()
    }

    /// When no case run was judged, why: each reason the runs give (the capability not
    /// claimed, what left a case not exercised, the error), with how many runs give it,
    /// most first.
    pub fn nothing_judged(&self) -> Option<Vec<(usize, String)>> {
        if self.judged() > 0 {
            return None;
        }
        let mut counts: Vec<(usize, String)> = Vec::new();
        for r in &self.runs {
            let why = format!("{}: {}", r.verdict, r.reason());
            match counts.iter_mut().find(|(_, w)| *w == why) {
                Some((n, _)) => *n += 1,
                None => counts.push((1, why)),
            }
        }
        counts.sort_by_key(|c| std::cmp::Reverse(c.0));
        Some(counts)
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
    let mut runs = Vec::with_capacity(selected.len());
    for (i, (case, encoding)) in selected.iter().enumerate() {
        let mut run = run_one(case, *encoding, i);
        run.expected_deviation = profile
            .deviation_on(&run.id, run.encoding, &crate::date::today())
            .map(|d| profile.deviation[d].reason.clone());
        progress(i + 1, selected.len(), &run);
        runs.push(run);
    }
    report_of(runs, profile, opts, target_name, start)
}

/// The report of case runs made since `start`: each run the target profile lists
/// as a deviation marked so, and the deviation entries no run matched or that
/// have expired.
pub(crate) fn report_of(
    mut runs: Vec<CaseRun>,
    profile: &TargetProfile,
    opts: &RunOptions,
    target_name: String,
    start: Instant,
) -> RunReport {
    let today = crate::date::today();
    let mut used = vec![false; profile.deviation.len()];
    for run in &mut runs {
        if let Some(d) = profile.deviation_on(&run.id, run.encoding, &today) {
            used[d] = true;
            run.expected_deviation = Some(profile.deviation[d].reason.clone());
        }
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
        target_profile: format!("{:?}", profile.name),
        runs,
        unused_deviations,
        expired_deviations,
        micros: start.elapsed().as_micros() as u64,
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
    // A message that reads as neither representation breaks the rule that the DM
    // content types identify those representations; other failures break no rule
    // the harness can name.
    let (exchange, requirement) = match e {
        SessionError::Undecodable { exchange, .. } => (
            Some(*exchange),
            Some(crate::checks::invariants::req::REPRESENTATION.to_string()),
        ),
        _ => (None, None),
    };
    run.findings.push(Finding {
        severity: Severity::Error,
        kind: FindingKind::Exchange,
        requirement,
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
    fn an_undecodable_message_names_the_representation_rule_and_other_failures_none() {
        let profile = TargetProfile::reference();
        let undecodable = judge_case(&case(), Encoding::Xml, &profile, |run| {
            error(
                run,
                &SessionError::Undecodable {
                    exchange: 0,
                    cause: crate::codec::Undecodable::NeitherEncoding { first_byte: b'<' },
                },
            );
            true
        });
        assert_eq!(undecodable.verdict, Verdict::Error);
        assert_eq!(
            undecodable.findings[0].requirement.as_deref(),
            Some("oma.message.representation")
        );
        let timeout = judge_case(&case(), Encoding::Xml, &profile, |run| {
            error(
                run,
                &SessionError::Target(TargetError::Timeout("no answer".into())),
            );
            true
        });
        assert_eq!(timeout.verdict, Verdict::Error);
        assert_eq!(timeout.findings[0].requirement, None);
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
