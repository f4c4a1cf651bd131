//! Testing a DM server: the target is a DM server and the harness plays a DM client.
//!
//! - [`target`]: the adapter a DM server plugs in through ([`ServerTarget`]);
//! - [`reference`](mod@reference): the reference DM server (`harness/refdm`) in process;
//! - [`http`]: a DM server reached over HTTP(S) (`http://…`, `https://…`), with TLS
//!   from [`tls`] (trusted certificates, a client certificate, failures explained);
//! - [`session`]: the harness's side of one management session, as DM client;
//! - [`runner`]: one server case from the first client message to the end of its session.

pub mod http;
pub mod reference;
pub mod runner;
pub mod session;
pub mod target;
pub mod tls;

pub use target::ServerTarget;
