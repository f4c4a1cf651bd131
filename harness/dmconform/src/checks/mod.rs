//! The checks applied to a target's replies: invariants on every reply, a
//! case's own expectations, and the named checks a case may ask for.

pub mod generic_alert;
pub mod invariants;
pub mod lob;
pub mod named;
pub mod server;
pub mod step_expectations;

/// Every requirement the always-on invariants check, client and server side.
pub fn invariant_requirements() -> Vec<&'static str> {
    invariants::REQUIREMENTS
        .iter()
        .chain(server::REQUIREMENTS)
        .chain(lob::REQUIREMENTS)
        .copied()
        .collect()
}
