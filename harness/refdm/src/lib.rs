//! `refdm`: the reference OMA DM 1.2 client, behaving as the Windows MDM client is
//! documented to behave (Microsoft "OMA DM protocol support", [MS-MDM], OMA DM 1.2.1).
//! It is an implementation under test like any vendor's: the harness meets it only through
//! an adapter, at the level of typed [`syncml::Message`]s ([`Client::open_session`],
//! [`Client::handle`]). Named [`Fault`] switches make it break one rule each, to show that
//! the harness's checks can fail.
//!
//! Modules: [`config`] (what the client is set up with), [`paths`] (the well-known node
//! paths a target profile names), [`uri`] (LocURI rules, limits, scopes), [`tree`] (the
//! management tree), `commands` (the DM commands run against the tree), `atomic` (all-or-nothing
//! Atomic), `lob` (large
//! objects arriving in chunks), `outbox` (packing replies under MaxMsgSize), [`session`] (the session and the [`Client`]), [`auth`]
//! (credentials, challenges, HMAC), [`wire_size`] (message sizes, for MaxMsgSize),
//! [`faults`] (the switches), [`server`] (the reference DM server, for the
//! server-role suite). The `refdm-exec` binary puts the client behind the
//! harness's exec protocol (the `dmconform-exec-wire` crate).
//!
//! # Choices where the sources name no code
//!
//! - A LocURI breaking a node-name rule (leading `/`, empty name, `*`, `.` or `..` as a
//!   segment after the first, a bad `%` escape): 400. Over a DevDetail URI limit: 414.
//!   A `?prop=` or `?list=` query: 406.
//! - Copy: 406 (Windows lists no Copy).
//! - Add of a DMTNDS object (Type `application/vnd.syncml.dmtnds+xml` or `+wbxml`): 415,
//!   as OMA DM RepPro's Add prescribes for a device without DMTNDS support.
//! - Add then Replace of one node inside one Atomic (Windows: "not supported"): the Replace
//!   fails with 406, so the Atomic fails (507) and rolls back.
//! - In a failed Atomic, the commands after the failing one are not run and, like those
//!   before it, are answered 216. An element that is not a DM command, or a Status or
//!   Results, inside an Atomic gets 400 and fails the Atomic.
//! - Replace of an interior node: 405. Exec of a node that is not executable: 405.
//! - Exec of [`paths::EXEC_ASYNC`] answers 202; its result (the Exec's Data) follows as a
//!   Generic Alert (1226) in package 1 of the next session, with the node as Source and no
//!   Correlator (MS-MDM does not support Correlator).
//! - `<MoreData/>` anywhere but on the single item of an Add or Replace at body level: 412.
//!   An object larger than [`ClientConfig::max_obj_size`]: 413. An Add beyond
//!   [`ClientConfig::max_nodes`]: 420.
//! - The server's MaxMsgSize (SyncHdr Meta) bounds replies; the rest of the SyncHdr Meta is
//!   ignored, as Windows documents.
//! - When the server's credentials are missing or wrong, every command of that message is
//!   answered with the SyncHdr's code (407 or 401) and none is run.
//! - A challenged client sends package 1 again at most twice per session, then ends it.
//! - NoResp is not honoured: every command is answered (MS-MDM defines no NoResp).

mod atomic;
pub mod auth;
mod commands;
pub mod config;
pub mod enroll;
pub mod faults;
mod lob;
mod outbox;
pub mod paths;
pub mod server;
pub mod session;
pub mod tree;
pub mod uri;
pub mod wire_size;

pub use config::{AuthScheme, ClientConfig, ServerAuth, SessionIdFormat};
pub use faults::{Fault, Faults, UnknownFault};
pub use server::{Server, ServerConfig, ServerFault, ServerFaults};
pub use session::{Carried, Client, GenericAlert};
pub use tree::{Access, Node, Tree};
