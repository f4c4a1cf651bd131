//! The adapter for DM servers under test: the harness plays the DM client.
//!
//! A DM server under test is anything that implements [`ServerTarget`]: the harness
//! starts a session, posts each client message (bytes and a content type, as over HTTP)
//! and reads the server's reply. The in-process reference server
//! ([`crate::server::reference`]) and the HTTP(S) transport ([`crate::server::http`])
//! implement it.

use crate::wire::{TargetError, Wire};

/// A DM server under test.
pub trait ServerTarget {
    /// A one-line description for reports.
    fn describe(&self) -> String;

    /// Forgets any session state of the transport (cookies, RespURI) before a new session.
    fn start_session(&mut self) -> Result<(), TargetError>;

    /// Posts a client message; the server's reply.
    fn send(&mut self, message: Wire) -> Result<Wire, TargetError>;

    /// When the last message sent got nothing back at all before a bound expired (no
    /// connection, or no response within the first-byte bound): that bound, in words.
    /// The runner stops asking a server that stays silent case after case.
    fn unanswered(&self) -> Option<String> {
        None
    }
}

impl<T: ServerTarget + ?Sized> ServerTarget for Box<T> {
    fn describe(&self) -> String {
        (**self).describe()
    }
    fn start_session(&mut self) -> Result<(), TargetError> {
        (**self).start_session()
    }
    fn send(&mut self, message: Wire) -> Result<Wire, TargetError> {
        (**self).send(message)
    }
    fn unanswered(&self) -> Option<String> {
        (**self).unanswered()
    }
}
