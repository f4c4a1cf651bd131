//! The harness's HTTP(S) server in the DM server role: DM clients POST their
//! packages here and wait for the harness's answer.
//!
//! It runs on tokio with hyper's HTTP/1.1 server and tokio-rustls, on a
//! runtime of its own inside [`Server`], so that many clients (a fleet of
//! devices, a flood of connections, slow or hostile peers) are served at
//! once while the suite that answers them stays synchronous: each request
//! crosses a bounded channel to the harness with a oneshot channel for its
//! answer. Every bound is explicit: the head and body sizes, the time to a
//! request's first byte and to its whole body (enforced by a watchdog per
//! connection, so a client trickling bytes is cut at the deadline), the
//! connections open at once, the events queued. Dropping [`Server`] stops the
//! runtime and every connection with it.
//!
//! Modules: `request` (a request and a response as plain data, and their
//! bounds), `watch` (the deadlines of one connection), `tls` (server
//! certificates, self-signed or from PEM, client-certificate checking),
//! `subject` (the subject of a client certificate, for transcripts), `server`
//! (the listener, its connections and what they hand over).

mod request;
mod server;
mod subject;
mod tls;
mod watch;

pub use request::{Limits, Request, Response};
pub use server::{EVENT_QUEUE, Event, Incoming, Server, ServerConfig};
pub use tls::{TlsOptions, TlsSetup};
