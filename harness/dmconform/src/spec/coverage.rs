//! How the cases and the invariants cover the requirement registry: each
//! requirement covered (an invariant checks it, or a case judges it),
//! informational only (the cases naming it only record what comes), or uncovered.

use super::{Allowed, Case, Requirement, Role, Step, Suite};
use std::collections::BTreeSet;

/// How a requirement is covered by the suite.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Covered {
    /// An invariant checks it, or a case names it and judges something beyond its set-up.
    Judged,
    /// Cases name it, but each only records what comes: its expectations beyond
    /// the set-up are all `info` (or it is the rule of a set-up command only).
    InformationalOnly,
    /// No case names it and no invariant checks it.
    Uncovered,
}

impl Covered {
    pub const ALL: [Covered; 3] = [
        Covered::Judged,
        Covered::InformationalOnly,
        Covered::Uncovered,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Covered::Judged => "covered",
            Covered::InformationalOnly => "informational-only",
            Covered::Uncovered => "uncovered",
        }
    }
}

/// Whether a run of the case can pass or fail on its own requirements: it has a
/// named check, or a step beyond its set-up with an expectation that is judged.
/// (Every reply of a server case's step is judged by the server invariants.)
pub fn case_judges(case: &Case) -> bool {
    !case.checks.is_empty()
        || case
            .step
            .iter()
            .filter(|s| !s.setup)
            .any(|s| case.role == Role::Server || step_judges(s))
}

fn step_judges(s: &Step) -> bool {
    s.ends
        || !s.alerts.is_empty()
        || s.generic_alert.is_some()
        || s.expect.iter().any(|e| {
            e.results.is_some()
                || e.status
                    .as_ref()
                    .is_some_and(|st| Allowed::parse(st).is_ok_and(|a| !a.is_info()))
        })
}

impl Suite {
    /// Each requirement of the registry with how the suite covers it, in id order.
    /// `invariant_requirements` are the ids the built-in invariants check.
    pub fn coverage(&self, invariant_requirements: &[&str]) -> Vec<(&Requirement, Covered)> {
        let mut judged: BTreeSet<&str> = invariant_requirements.iter().copied().collect();
        let mut named: BTreeSet<&str> = BTreeSet::new();
        for c in &self.cases {
            let judges = case_judges(c);
            for r in &c.requirements {
                named.insert(r);
                if judges {
                    judged.insert(r);
                }
            }
            for s in &c.step {
                for r in s.expect.iter().filter_map(|e| e.requirement.as_deref()) {
                    named.insert(r);
                    if !s.setup && step_judges(s) {
                        judged.insert(r);
                    }
                }
            }
        }
        self.requirements
            .values()
            .map(|(r, _)| {
                let how = if judged.contains(r.id.as_str()) {
                    Covered::Judged
                } else if named.contains(r.id.as_str()) {
                    Covered::InformationalOnly
                } else {
                    Covered::Uncovered
                };
                (r, how)
            })
            .collect()
    }

    /// Requirements no case exercises and no invariant checks, in id order.
    pub fn uncovered(&self, invariant_requirements: &[&str]) -> Vec<&Requirement> {
        self.coverage(invariant_requirements)
            .into_iter()
            .filter(|(_, how)| *how == Covered::Uncovered)
            .map(|(r, _)| r)
            .collect()
    }
}
