//! The built-in reference DM client (`harness/refdm`) behind the adapter, as a
//! vendor's Rust implementation would plug in: bytes in, bytes out. Each reply
//! carries `:path`, the path of the URL the client would post it to (its
//! server's URI, or the RespURI the server gave), as an HTTP target reports it.

use crate::client::Target;
use crate::codec;
use crate::profile::AuthScheme;
use crate::wire::{Encoding, TargetError, Wire};
use refdm::{Client, ClientConfig, Fault, Faults};

/// The reference client as a target.
pub struct Reference {
    client: Client,
    faults: Vec<Fault>,
    encoding: Encoding,
}

impl Reference {
    /// The reference client with these faults switched on.
    pub fn new(config: ClientConfig, faults: Vec<Fault>) -> Reference {
        let set = faults.iter().copied().collect::<Faults>();
        Reference {
            client: Client::new(config, set),
            faults,
            encoding: Encoding::Xml,
        }
    }

    fn encode(&self, message: &syncml::Message) -> Result<Wire, TargetError> {
        codec::encode(&message.to_element(), self.encoding)
            .map(|body| {
                let mut wire = Wire::new(self.encoding, body);
                if let Some(mac) = self.client.hmac_header(&wire.body) {
                    wire.headers.push(("x-syncml-hmac".into(), mac));
                }
                wire
            })
            .map_err(|e| {
                TargetError::Other(format!("the reference cannot encode its message: {e}"))
            })
    }
}

impl Target for Reference {
    fn describe(&self) -> String {
        if self.faults.is_empty() {
            "builtin:reference".into()
        } else {
            let names: Vec<&str> = self.faults.iter().map(|f| f.name()).collect();
            format!("builtin:reference?fault={}", names.join(","))
        }
    }

    fn open_session(&mut self, encoding: Encoding) -> Result<Wire, TargetError> {
        self.encoding = encoding;
        let first = self.client.open_session();
        self.encode(&first)
    }

    fn deliver(&mut self, message: Wire) -> Result<Option<Wire>, TargetError> {
        let decoded = codec::decode(&message.body, &codec::reply_limits()).map_err(|e| {
            TargetError::Other(format!("the reference cannot read the server message: {e}"))
        })?;
        match self.client.handle(&decoded.message) {
            Some(reply) => {
                let mut wire = self.encode(&reply)?;
                wire.headers.push((":path".into(), self.client.post_path()));
                Ok(Some(wire))
            }
            None => Ok(None),
        }
    }
}

/// The reference client set up as the target profile describes it: its
/// credentials, the server credentials it checks (from `[server_credentials]`, or
/// the reference's own when the profile claims `server-auth-md5` without them),
/// and the URI limits it publishes (clamped to what the client holds, `u16`). The
/// client nonce is Base64 in any profile that
/// [`TargetProfile::parse`](crate::TargetProfile::parse) read; one built in code
/// with a nonce that is not Base64 panics here.
pub fn client_config(profile: &crate::TargetProfile) -> ClientConfig {
    let mut c = ClientConfig {
        server_uri: profile.server_uri.clone(),
        uri_max_depth: clamp(profile.limits.max_depth),
        uri_max_tot_len: clamp(profile.limits.max_tot_len),
        uri_max_seg_len: clamp(profile.limits.max_seg_len),
        ..ClientConfig::default()
    };
    if let Some(sc) = &profile.server_credentials {
        c.server_auth = Some(refdm::ServerAuth {
            server_id: sc.user.clone(),
            password: sc.password.clone(),
            nonce: sc.nonce_bytes().unwrap_or_default(),
        });
    }
    if let Some(creds) = &profile.credentials {
        c.auth_scheme = match creds.scheme {
            AuthScheme::Basic => refdm::AuthScheme::Basic,
            AuthScheme::Md5 => refdm::AuthScheme::Md5,
            AuthScheme::Hmac => refdm::AuthScheme::Hmac,
            AuthScheme::None => refdm::AuthScheme::None,
        };
        c.user = creds.user.clone();
        c.password = creds.password.clone();
        // A profile without a client nonce sets the client up with the empty one, as the
        // exec environment does (`DMCONFORM_CLIENT_NONCE` empty) and the MD5 checks expect.
        c.client_nonce = creds
            .client_nonce_bytes()
            .transpose()
            .expect("TargetProfile::parse refuses a client nonce that is not Base64")
            .unwrap_or_default();
    }
    if c.server_auth.is_none() && profile.has(crate::spec::Capability::ServerAuthMd5) {
        // The harness never sends a right server digest, so the secret is the reference's own.
        c.server_auth = Some(refdm::ServerAuth {
            server_id: "dmconform-server".into(),
            password: "dmconform-server-secret".into(),
            nonce: b"dmconform-server-nonce".to_vec(),
        });
    }
    c
}

fn clamp(v: u32) -> u16 {
    u16::try_from(v).unwrap_or(u16::MAX)
}
