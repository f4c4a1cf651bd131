//! `syncml`: the SyncML DM 1.2 message model and its codecs.
//!
//! Layers, from the wire up:
//! - [`tree`]: a lossless element tree that holds any message, well-formed or not;
//! - [`model`]: the typed view of a SyncML DM message built on the tree;
//! - [`xml`]: the XML codec between bytes and the tree;
//! - [`wbxml`]: the WBXML codec between bytes and the tree.
//!
//! Beside them, [`catalog`] holds the status and error-code catalog and
//! `explain`, which tells what a status or error code means, and [`protocol`]
//! the protocol constants: content types, authentication types, alert codes.
//!
//! The crate does no I/O and has no CLI or network dependencies, so that it
//! stays quick to build, to fuzz and to reuse.

pub mod catalog;
pub mod error;
pub mod model;
pub mod protocol;
pub mod tree;
pub mod wbxml;
pub mod xml;

pub use error::{DecodeError, DecodeErrorKind, Limits};
pub use model::*;
pub use tree::{Attribute, Element, ElementPath, Node};
