//! The checks applied to a target's replies: invariants on every reply, a
//! case's own expectations, and the named checks a case may ask for.

pub mod generic_alert;
pub mod invariants;
pub mod lob;
pub mod named;
pub mod server;
pub mod step_expectations;

/// Every requirement the always-on invariants check, client and server side, and
/// the rules of the enrollment cases (which are checks in code, not spec cases).
pub fn invariant_requirements() -> Vec<&'static str> {
    invariants::REQUIREMENTS
        .iter()
        .chain(server::REQUIREMENTS)
        .chain(lob::REQUIREMENTS)
        .chain(crate::enroll::checks::REQUIREMENTS)
        .copied()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Suite;

    #[test]
    fn the_invariants_cover_the_requirements_no_case_judges_and_name_only_known_ones() {
        let (suite, _) = Suite::embedded();
        let invariants = invariant_requirements();
        let uncovered: Vec<&str> = suite
            .uncovered(&invariants)
            .iter()
            .map(|r| r.id.as_str())
            .collect();
        assert!(uncovered.is_empty(), "{uncovered:?}");
        // Without the invariants, the requirements only they check are uncovered.
        assert!(!suite.uncovered(&[]).is_empty());
        for id in &invariants {
            assert!(
                suite.requirement(id).is_some(),
                "{id} is not in the registry"
            );
        }
    }
}
