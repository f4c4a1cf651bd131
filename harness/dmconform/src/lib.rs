//! `dmconform`: a conformance test harness for OMA DM 1.2 (SyncML DM)
//! implementations, Windows MDM first.
//!
//! Data flows from a spec case to a verdict: the case ([`spec`]) is rendered
//! into server messages ([`session`]) with the target profile's paths
//! ([`placeholders`], [`profile`]), encoded ([`codec`]), sent through the
//! adapter ([`target`]), and the replies are checked ([`checks`]) into a
//! verdict with its transcript ([`verdict`]), which the reports render
//! ([`report`]). [`runner`] ties it together; [`targets`] opens targets by name;
//! [`exec`] runs a client behind a wrapper program (`exec:COMMAND`).
//!
//! Against DM servers the roles turn: the harness plays the DM client
//! ([`client_session`]) through [`server_target`] (in process) or
//! [`http_server_target`] (HTTP/HTTPS), [`server_runner`] runs the server cases, and
//! `checks::server` adds the invariants only a server's replies must keep.
//!
//! For certification, a run is kept as a bundle ([`bundle`]) whose digests
//! ([`digest`]) show any later edit, replayed ([`replay`]), set beside other
//! implementations' runs ([`compare`]), and its target profile's deviation
//! entries kept in step with it ([`expectations`]).
//! A client that is not a Rust value posts over HTTP(S) to [`listen`], the
//! harness's DM server on the small bounded server of [`http`].

pub mod builtin;
pub mod bundle;
pub mod campaign;
pub mod checks;
pub mod cli;
pub mod client_session;
pub mod cmd;
pub mod codec;
pub mod compare;
pub mod date;
pub mod digest;
pub mod exec;
pub mod expectations;
pub mod generate;
pub mod harness;
pub mod http;
pub mod http_server_target;
pub mod listen;
pub mod placeholders;
pub mod profile;
pub mod progress;
pub mod replay;
pub mod report;
pub mod runner;
pub mod server_runner;
pub mod server_target;
pub mod session;
pub mod snapshot;
pub mod spec;
pub mod target;
pub mod targets;
pub mod timeouts;
pub mod verdict;

pub use profile::TargetProfile;
pub use runner::{RunOptions, RunReport, run_suite};
pub use server_runner::run_server_suite;
pub use server_target::ServerTarget;
pub use spec::Suite;
pub use target::{Encoding, Target, TargetError, Wire};
pub use verdict::{CaseRun, Verdict};
