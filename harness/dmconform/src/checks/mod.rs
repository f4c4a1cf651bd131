//! The checks applied to a target's replies: invariants on every reply, a
//! case's own expectations, and the named checks a case may ask for.

pub mod expect;
pub mod generic_alert;
pub mod invariants;
pub mod named;
