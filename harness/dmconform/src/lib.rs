//! `dmconform`: a conformance test harness for OMA DM 1.2 (SyncML DM)
//! implementations, Windows MDM first.
//!
//! Data flows from a spec case to a verdict: the case ([`spec`]) is rendered
//! into server messages ([`session`]) with the target profile's paths
//! ([`placeholders`], [`profile`]), encoded ([`codec`]), sent through the
//! adapter ([`target`]), and the replies are checked ([`checks`]) into a
//! verdict with its transcript ([`verdict`]), which the reports render
//! ([`report`]). [`runner`] ties it together; [`targets`] opens targets by name.
//! A client that is not a Rust value posts over HTTP(S) to [`listen`], the
//! harness's DM server on the small bounded server of [`http`].

pub mod builtin;
pub mod checks;
pub mod cli;
pub mod cmd;
pub mod codec;
pub mod generate;
pub mod harness;
pub mod http;
pub mod listen;
pub mod placeholders;
pub mod profile;
pub mod report;
pub mod runner;
pub mod session;
pub mod snapshot;
pub mod spec;
pub mod target;
pub mod targets;
pub mod verdict;

pub use profile::TargetProfile;
pub use runner::{RunOptions, RunReport, run_suite};
pub use spec::Suite;
pub use target::{Encoding, Target, TargetError, Wire};
pub use verdict::{CaseRun, Verdict};
