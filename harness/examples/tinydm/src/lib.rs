//! `tinydm`: a deliberately small OMA DM 1.2 client, written the way a device
//! vendor would write one on top of the `syncml` codecs, and tested with the
//! `dmconform` suite under `cargo test` (see `tests/conformance.rs`).
//!
//! It keeps its management tree in a sorted map of paths, handles Add (with
//! implicit parents), Replace, Delete and Get, opens each session with Alert
//! 1201, the Windows LoginStatus alert and a Replace of ./DevInfo, and answers
//! what it does not implement (Atomic, Sequence, Exec, Copy, large objects,
//! authentication) with a plain refusal.

mod adapter;
mod commands;
mod device;
mod session;
mod status;
mod tree;
mod uri;

pub use device::Device;
pub use session::TinyClient;
pub use uri::UriLimits;
