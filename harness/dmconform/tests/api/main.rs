//! The harness's integration tests as one binary of modules (one link instead
//! of one per file), each module one concern. `cargo test -p dmconform --test api
//! exec::` runs one module. The libtest-mimic harnesses `suite` and
//! `server_suite` stay binaries of their own.

mod browser;
mod campaign;
mod can_fail;
mod cli_certify;
mod cli_convert;
mod cli_expectations;
mod cli_explain;
mod cli_run;
mod cli_serve;
mod common;
mod deploy;
mod enrollment;
mod exec;
mod fuzz_regressions;
mod generated;
mod http_bounds;
mod load;
mod other_choices;
mod profiles;
mod readme;
mod secrets;
mod secrets_server;
mod sent_messages;
mod serve;
mod server_auth;
mod server_can_fail;
mod server_http;
mod setup_steps;
