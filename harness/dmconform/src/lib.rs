//! `dmconform`: a conformance test harness for OMA DM 1.2 (SyncML DM)
//! implementations, Windows MDM first.
//!
//! The two roles are two rooms:
//! - [`client`]: the target is a DM client and the harness plays its DM server
//!   (the [`Target`] adapter, the reference client in process, `exec:` and `listen:`
//!   transports, the harness's server-side session, the client runner);
//! - [`server`]: the target is a DM server and the harness plays a DM client
//!   (the [`ServerTarget`] adapter, the reference server in process, the HTTP(S)
//!   transport, the harness's client-side session, the server runner).
//!
//! Both use the shared rooms. Data flows from a spec case to a verdict: the
//! case ([`spec`]) gets the target profile's paths ([`placeholders`],
//! [`profile`]), becomes messages in a role's session, is encoded ([`codec`])
//! and sent in the wire types of [`wire`]; every message is recorded
//! ([`transcript`]) with its secrets blotted out ([`redact`]); the replies are judged ([`checks`]); [`run`] runs the
//! selected cases and decides each verdict ([`verdict`]), which the reports
//! render ([`report`]). [`target_spec`] parses a target string once into the
//! kind of target it names, which knows its role and opens itself.
//!
//! Around the run: [`libtest`] makes every case a `cargo test` trial; the
//! fuzzing campaign ([`campaign`], messages from [`generate`]); certification
//! bundles ([`bundle`], digests of [`digest`]) replayed ([`replay`]) and set
//! beside other runs ([`compare`]); a target profile's deviation entries kept
//! in step with a run ([`deviations`]); the command line ([`cli`], [`cmd`]).

pub mod bundle;
pub mod campaign;
pub mod checks;
pub mod cli;
pub mod client;
pub mod cmd;
pub mod codec;
pub mod compare;
pub mod date;
pub mod deviations;
pub mod digest;
pub mod enroll;
pub mod generate;
pub mod libtest;
pub mod load;
pub mod placeholders;
pub mod profile;
pub mod progress;
pub mod redact;
pub mod replay;
pub mod report;
pub mod run;
pub mod server;
pub mod snapshot;
pub mod spec;
pub mod target_spec;
pub mod timeouts;
pub mod transcript;
pub mod verdict;
pub mod wire;

pub use client::Target;
pub use client::runner::run_suite;
pub use libtest::Harness;
pub use profile::TargetProfile;
pub use run::{RunOptions, RunReport};
pub use server::ServerTarget;
pub use server::runner::run_server_suite;
pub use spec::Suite;
pub use verdict::{CaseRun, Verdict};
pub use wire::{Encoding, TargetError, Wire};
