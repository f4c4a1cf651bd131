//! The adapter for DM servers under test: the harness plays the DM client.
//!
//! A DM server under test is anything that implements [`ServerTarget`]: the harness
//! starts a session, posts each client message (bytes and a content type, as over HTTP)
//! and reads the server's reply. The in-process reference server ([`ReferenceServer`])
//! and the HTTP transport (`crate::http_server_target`) implement it.

use crate::codec;
use crate::target::{Encoding, TargetError, Wire};
use refdm::{Server, ServerConfig, ServerFault, ServerFaults};

/// A DM server under test.
pub trait ServerTarget {
    /// A one-line description for reports.
    fn describe(&self) -> String;

    /// Forgets any session state of the transport (cookies, RespURI) before a new session.
    fn start_session(&mut self) -> Result<(), TargetError>;

    /// Posts a client message; the server's reply.
    fn send(&mut self, message: Wire) -> Result<Wire, TargetError>;
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
}

/// The reference DM server (`harness/refdm`) in process.
pub struct ReferenceServer {
    server: Server,
    faults: Vec<ServerFault>,
}

impl ReferenceServer {
    pub fn new(config: ServerConfig, faults: Vec<ServerFault>) -> ReferenceServer {
        let set = faults.iter().copied().collect::<ServerFaults>();
        ReferenceServer {
            server: Server::new(config, set),
            faults,
        }
    }
}

/// The reference server's answer to a message body, as it goes on the wire: in the
/// encoding of the request, labelled `text/xml` under `wrong-content-type`.
pub fn reference_reply(server: &mut Server, body: &[u8]) -> Result<Wire, String> {
    let decoded = codec::decode(body, &codec::reply_limits())?;
    let reply = server.handle(&decoded.message);
    let bytes = codec::encode(&reply.to_element(), decoded.encoding)?;
    let mut wire = Wire::new(decoded.encoding, bytes);
    if server.faults().has(ServerFault::WrongContentType) {
        wire.content_type = "text/xml".into();
    }
    Ok(wire)
}

impl ServerTarget for ReferenceServer {
    fn describe(&self) -> String {
        if self.faults.is_empty() {
            "builtin:reference-server".into()
        } else {
            let names: Vec<&str> = self.faults.iter().map(|f| f.name()).collect();
            format!("builtin:reference-server?fault={}", names.join(","))
        }
    }

    fn start_session(&mut self) -> Result<(), TargetError> {
        Ok(())
    }

    fn send(&mut self, message: Wire) -> Result<Wire, TargetError> {
        if Encoding::from_content_type(&message.content_type).is_none() {
            return Err(TargetError::Unsupported(format!(
                "content type {:?}",
                message.content_type
            )));
        }
        reference_reply(&mut self.server, &message.body).map_err(TargetError::Other)
    }
}
