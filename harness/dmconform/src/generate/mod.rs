//! Generated packages for the suite: well-formed server packages built from
//! parts ([`package`]), the malformed families made from them ([`mutate`]),
//! WBXML broken on purpose ([`wbxml`]), proptest strategies over the packages
//! (`strategy`, behind the `proptest` feature, which the crate's own tests
//! turn on), and the case file a failing package becomes ([`regression`]).
//!
//! A package is the SyncBody content of one server message plus the SyncHdr
//! fields it overrides, exactly what one `[[case.step]]` can say, so every
//! generated package runs through the runner as a case and every finding can
//! be kept as one.

pub mod mutate;
pub mod package;
pub mod regression;
#[cfg(feature = "proptest")]
pub mod strategy;
pub mod wbxml;

pub use mutate::Mutation;
pub use package::{Op, Package};
