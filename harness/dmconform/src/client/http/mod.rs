//! A small, bounded HTTP/1.1 server for the harness in the DM server role: DM
//! clients POST their packages here and wait for the harness's answer.
//!
//! It is synchronous, on `std::net` with `httparse` for the request head and
//! `rustls::StreamOwned` for TLS, one thread per connection. A DM exchange is
//! one request waiting on one answer computed by the (single-threaded) suite,
//! so an async runtime would buy nothing here, while threads with socket
//! timeouts make every bound plain to see: the head and body sizes, the time
//! to the first byte and to the whole request, the number of connections open
//! at once. Everything ends with [`Server`]: dropping it stops the accept loop
//! and every connection thread within one poll interval.
//!
//! Modules: `request` (reading one request and writing one response, bounded),
//! `tls` (server certificates, self-signed or from PEM, client-certificate
//! checking), `subject` (the subject of a client certificate, for transcripts),
//! `server` (the listener, its connection threads and what they hand over).

mod request;
mod server;
mod subject;
mod tls;

pub use request::{Limits, ReadError, Request, Response};
pub use server::{Event, Incoming, Server, ServerConfig};
pub use tls::{TlsOptions, TlsSetup};
