//! The adapter for DM clients under test: the harness plays the DM server.
//!
//! A DM client under test is anything that implements [`Target`]: it opens a
//! management session by sending package 1, then answers each server message
//! the harness delivers, until it ends the session. The exchange is in bytes
//! with a content type, exactly as it would travel over HTTP, so the codecs of
//! the implementation are under test too. A vendor's Rust implementation plugs
//! in with an `impl Target`; the other transports (a subprocess:
//! [`crate::client::exec`], HTTP: [`crate::client::listen`]) implement it too.

use crate::wire::{Encoding, TargetError, Wire};

/// A DM client under test.
///
/// The harness plays the DM server. For each case it calls [`Target::open_session`]
/// once, then [`Target::deliver`] with each server message, until the client
/// answers `Ok(None)` (it ended the session) or the case is over.
pub trait Target {
    /// A one-line description for reports (`reference DM client (faults: none)`).
    fn describe(&self) -> String;

    /// The client opens a management session and sends package 1 in the given
    /// encoding. A target that cannot use that encoding answers
    /// [`TargetError::Unsupported`].
    fn open_session(&mut self, encoding: Encoding) -> Result<Wire, TargetError>;

    /// Delivers a server message; the client's next message, or `None` when the
    /// client ends the session.
    fn deliver(&mut self, message: Wire) -> Result<Option<Wire>, TargetError>;

    /// What the target wrote beside the exchange since the last call (a
    /// subprocess's standard error), for the transcript; `None` when nothing.
    fn take_log(&mut self) -> Option<String> {
        None
    }
}

impl<T: Target + ?Sized> Target for Box<T> {
    fn describe(&self) -> String {
        (**self).describe()
    }
    fn open_session(&mut self, encoding: Encoding) -> Result<Wire, TargetError> {
        (**self).open_session(encoding)
    }
    fn deliver(&mut self, message: Wire) -> Result<Option<Wire>, TargetError> {
        (**self).deliver(message)
    }
    fn take_log(&mut self) -> Option<String> {
        (**self).take_log()
    }
}
