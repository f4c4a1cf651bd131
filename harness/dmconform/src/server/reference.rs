//! The reference DM server (`harness/refdm`) in process, behind the server
//! adapter: bytes in, bytes out, as a vendor's server would plug in.

use crate::codec;
use crate::server::target::ServerTarget;
use crate::wire::{Encoding, TargetError, Wire};
use refdm::{Server, ServerConfig, ServerFault, ServerFaults};

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
/// encoding of the request, labelled `text/xml` under `wrong-content-type`; an error
/// for a message it does not answer ([`Server::refusal`]).
pub fn reference_reply(server: &mut Server, body: &[u8]) -> Result<Wire, String> {
    let decoded = codec::decode(body, &codec::reply_limits())?;
    if let Some(why) = server.refusal(&decoded.message) {
        return Err(format!(
            "the reference server failed (HTTP 500 over HTTP): {why}"
        ));
    }
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

/// The reference server set up with the account of the target profile.
pub fn reference_server_config(profile: &crate::TargetProfile) -> ServerConfig {
    let mut config = ServerConfig::default();
    if let Some(c) = &profile.credentials {
        if let Some(a) = config.account.as_mut() {
            a.user = c.user.clone();
            a.password = c.password.clone();
        }
        if let Some(n) = c.client_nonce.as_deref().and_then(|n| {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD.decode(n).ok()
        }) {
            config.nonce = n;
        }
    }
    config
}

/// The reference DM server shared by many client sessions at once (a fleet load in
/// process): the same request-to-response mapping `refdm-server` serves over HTTP
/// ([`refdm::server::wire::respond`]), without the network.
pub struct SharedReference {
    server: std::sync::Mutex<Server>,
}

impl SharedReference {
    pub fn new(config: ServerConfig, faults: &[ServerFault]) -> SharedReference {
        let set = faults.iter().copied().collect::<ServerFaults>();
        SharedReference {
            server: std::sync::Mutex::new(Server::new(config, set)),
        }
    }

    /// The HTTP status, content type and body the reference server answers a POST of
    /// `body` with.
    pub fn post(&self, body: &[u8], headers: &[(&str, &str)]) -> (u16, &'static str, Vec<u8>) {
        let reply = refdm::server::wire::respond(&self.server, "POST", "/", headers, body);
        (reply.status, reply.content_type, reply.body)
    }
}
