//! `refdm`: the reference OMA DM 1.2 client, behaving as the Windows MDM client is
//! documented to behave. It is an implementation under test like any vendor's: the
//! harness meets it only through an adapter, at the level of typed [`syncml::Message`]s.
//! Named [`Fault`] switches make it break one rule each, to show that checks can fail.
//!
//! Modules:
//! - [`config`]: what the client is set up with;
//! - [`paths`]: the well-known node paths (scratch area, Exec node, read-only nodes);
//! - [`uri`]: LocURI rules, limits and scopes;
//! - [`tree`]: the management tree;
//! - [`commands`]: the DM commands run against the tree;
//! - [`lob`]: large objects arriving in chunks;
//! - [`session`]: the session and the [`Client`] itself;
//! - [`auth`]: credentials, challenges, HMAC;
//! - [`wire_size`]: message sizes, for MaxMsgSize;
//! - [`faults`]: the fault switches.

pub mod auth;
mod commands;
pub mod config;
pub mod faults;
mod lob;
pub mod paths;
pub mod session;
pub mod tree;
pub mod uri;
pub mod wire_size;

pub use config::{AuthScheme, ClientConfig, ServerAuth, SessionIdFormat};
pub use faults::{Fault, Faults, UnknownFault};
pub use session::{Client, GenericAlert};
pub use tree::{Access, Node, Tree};
