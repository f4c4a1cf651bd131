//! Secrets blotted out of everything the harness records, in one place and
//! with one marker, [`MARKER`]: the credentials of SyncML messages as trees,
//! as bytes and in the `x-syncml-hmac` header ([`message`]; a WBXML message
//! that does not decode: [`wbxml`]), the password
//! an `exec:` wrapper was given wherever its text shows it ([`text`]), and the
//! passwords of a target profile's TOML text ([`profile`]).
//!
//! Where a length must be kept (the bytes of a hex dump), secrets are
//! overwritten byte for byte with [`FILL`] instead of the marker.

pub mod message;
pub mod profile;
pub mod text;
pub mod wbxml;

pub use message::{cred_data, hmac_header, message_bytes, undecodable_bytes};
pub use profile::profile_text;
pub use text::Secrets;

/// What a redacted value reads, in every kind of output.
pub const MARKER: &str = "[redacted]";

/// The byte that overwrites a secret where its length is kept.
pub const FILL: u8 = b'*';
