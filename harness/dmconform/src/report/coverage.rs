//! Requirement coverage of a run: for each requirement of the run's profile,
//! the case runs that judged it and what they add up to (passed, failed,
//! waived by a deviation entry, informational, or untested), and the verdicts per
//! requirement. A run whose set-up did not go as needed (`not exercised`) bears
//! only on the rules its findings name, not on the case's own requirements.

use crate::run::RunReport;
use crate::spec::{Covered, Requirement, Suite};
use crate::verdict::{CaseRun, FindingKind, Severity, Verdict};
use std::collections::BTreeMap;

/// What the run says about one requirement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    /// A case run judging it failed and no deviation entry excuses that.
    Failed,
    /// It failed only where a deviation entry excuses the failure.
    Waived,
    /// Judged, and held.
    Passed,
    /// The runs bearing on it judged nothing: informational, or not exercised.
    Informational,
    /// No case of the run judged it (none names it, or each was unsupported).
    Untested,
}

impl Outcome {
    pub const ALL: [Outcome; 5] = [
        Outcome::Failed,
        Outcome::Waived,
        Outcome::Passed,
        Outcome::Informational,
        Outcome::Untested,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Outcome::Failed => "failed",
            Outcome::Waived => "waived",
            Outcome::Passed => "passed",
            Outcome::Informational => "informational",
            Outcome::Untested => "untested",
        }
    }
}

/// One requirement with the runs that bear on it.
#[derive(Clone, Debug)]
pub struct RequirementCoverage<'a> {
    pub id: &'a str,
    pub requirement: &'a Requirement,
    /// Whether an invariant checks it or a case of the suite judges it (whether or not
    /// it ran), as `specs coverage` counts it.
    pub covered: bool,
    pub outcome: Outcome,
    /// Case runs naming it or finding against it, per verdict.
    pub verdicts: BTreeMap<Verdict, usize>,
}

/// The coverage of every requirement of the run's profile (all when the run
/// has none), in id order.
pub fn coverage<'a>(report: &RunReport, suite: &'a Suite) -> Vec<RequirementCoverage<'a>> {
    let invariants = crate::checks::invariant_requirements();
    let statics: BTreeMap<&str, Covered> = suite
        .coverage(&invariants)
        .into_iter()
        .map(|(r, how)| (r.id.as_str(), how))
        .collect();
    suite
        .requirements
        .iter()
        .filter(|(_, (r, _))| {
            report
                .profile
                .as_ref()
                .is_none_or(|p| r.profiles.contains(p))
        })
        .map(|(id, (requirement, _))| {
            let covered = statics.get(id.as_str()) == Some(&Covered::Judged);
            let runs: Vec<&CaseRun> = report.runs.iter().filter(|r| bears_on(r, id)).collect();
            let mut verdicts = BTreeMap::new();
            for r in &runs {
                *verdicts.entry(r.verdict).or_insert(0) += 1;
            }
            RequirementCoverage {
                id,
                requirement,
                covered,
                outcome: outcome(&runs, id),
                verdicts,
            }
        })
        .collect()
}

/// How many requirements have each outcome, in the order of [`Outcome::ALL`].
pub fn outcome_counts(coverage: &[RequirementCoverage<'_>]) -> Vec<(Outcome, usize)> {
    Outcome::ALL
        .iter()
        .map(|o| (*o, coverage.iter().filter(|c| c.outcome == *o).count()))
        .collect()
}

/// Whether a run names the requirement or has a finding against it.
fn bears_on(run: &CaseRun, id: &str) -> bool {
    names(run, id)
        || run
            .findings
            .iter()
            .any(|f| f.requirement.as_deref() == Some(id))
}

/// Whether the run exercised the requirement as one of the case's own: a run whose
/// set-up did not go as needed exercised none of them.
fn names(run: &CaseRun, id: &str) -> bool {
    run.requirements.iter().any(|r| r == id)
        && !run
            .findings
            .iter()
            .any(|f| f.kind == FindingKind::NotExercised)
}

fn outcome(runs: &[&CaseRun], id: &str) -> Outcome {
    let broke = |r: &CaseRun| {
        r.verdict.is_problem()
            && (names(r, id)
                || r.findings.iter().any(|f| {
                    f.requirement.as_deref() == Some(id)
                        && matches!(f.severity, Severity::Fail | Severity::Error)
                }))
    };
    let judged =
        |r: &CaseRun| names(r, id) && matches!(r.verdict, Verdict::Pass | Verdict::NonStrict);
    if runs
        .iter()
        .any(|r| broke(r) && r.expected_deviation.is_none())
    {
        Outcome::Failed
    } else if runs.iter().any(|r| broke(r)) {
        Outcome::Waived
    } else if runs.iter().any(|r| judged(r)) {
        Outcome::Passed
    } else if runs.iter().any(|r| r.verdict != Verdict::Unsupported) {
        Outcome::Informational
    } else {
        Outcome::Untested
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Encoding;

    fn run(requirement: &str, verdict: Verdict, deviation: bool) -> CaseRun {
        CaseRun {
            id: "c".into(),
            title: String::new(),
            requirements: vec![requirement.into()],
            encoding: Encoding::Xml,
            verdict,
            findings: Vec::new(),
            statuses: Vec::new(),
            transcript: Vec::new(),
            expected_deviation: deviation.then(|| "known".to_string()),
            micros: 0,
        }
    }

    #[test]
    fn outcomes_follow_the_worst_run() {
        let pass = run("r", Verdict::Pass, false);
        let fail = run("r", Verdict::Fail, false);
        let waived = run("r", Verdict::Fail, true);
        let unsupported = run("r", Verdict::Unsupported, false);
        assert_eq!(outcome(&[&pass, &fail, &waived], "r"), Outcome::Failed);
        assert_eq!(outcome(&[&pass, &waived], "r"), Outcome::Waived);
        assert_eq!(outcome(&[&pass, &unsupported], "r"), Outcome::Passed);
        assert_eq!(outcome(&[&unsupported], "r"), Outcome::Untested);
        let info = run("r", Verdict::Informational, false);
        assert_eq!(outcome(&[&info, &unsupported], "r"), Outcome::Informational);
        assert_eq!(outcome(&[], "r"), Outcome::Untested);
    }

    #[test]
    fn a_run_whose_set_up_failed_is_charged_to_the_set_up_rule_only() {
        let mut crashed = run("r", Verdict::Error, false);
        crashed.findings.push(crate::verdict::Finding {
            severity: Severity::Error,
            kind: FindingKind::Exchange,
            requirement: Some("setup.rule".into()),
            check: "exchange".into(),
            expected: String::new(),
            actual: String::new(),
            exchange: None,
        });
        crashed.findings.push(crate::verdict::Finding {
            severity: Severity::Info,
            kind: FindingKind::NotExercised,
            requirement: Some("setup.rule".into()),
            check: "step 1 (set-up)".into(),
            expected: String::new(),
            actual: String::new(),
            exchange: None,
        });
        assert_eq!(outcome(&[&crashed], "r"), Outcome::Informational);
        assert!(!bears_on(&crashed, "r"));
        assert_eq!(outcome(&[&crashed], "setup.rule"), Outcome::Failed);
    }
}
