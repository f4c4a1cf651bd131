//! Testing a DM client: the target is a DM client and the harness plays its DM server.
//!
//! - [`target`]: the adapter a DM client plugs in through ([`Target`]);
//! - [`reference`](mod@reference): the reference DM client (`harness/refdm`) in process;
//! - [`exec`]: a client behind a wrapper program (`exec:COMMAND`);
//! - [`listen`]: a client that posts over HTTP(S) (`listen:ADDR`, `dmconform serve`),
//!   on the bounded HTTP server of [`http`]; [`served`] runs the suite the way `serve` does;
//! - [`session`]: the harness's side of one management session, as DM server;
//! - [`server_auth`]: the harness's own credentials as DM server (server MD5 authentication);
//! - [`runner`]: one client case from package 1 to the end of its session.

pub mod exec;
pub mod http;
pub mod listen;
pub mod reference;
pub mod runner;
pub mod served;
pub mod server_auth;
pub mod session;
pub mod target;

pub use target::Target;
