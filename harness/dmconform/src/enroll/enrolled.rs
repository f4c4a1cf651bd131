//! The DM session after enrollment, as the device runs it: the DM server the
//! provisioning document names, reached with the device's client certificate,
//! the account of its w7 APPLICATION and the encoding it selects. [`dm_profile`]
//! makes the target profile of that session; [`EnrolledReference`] is the
//! reference DM server behind the reference enrollment service, in process,
//! checking the certificate every message comes with as its TLS layer would.

use super::runner::Enrolled;
use crate::TargetProfile;
use crate::profile::{AuthScheme, Credentials};
use crate::server::reference::reference_reply;
use crate::server::target::ServerTarget;
use crate::wire::{Encoding, TargetError, Wire};
use refdm::{Server, ServerConfig, ServerFaults};

/// The target profile of the DM session after enrollment: `base` with the
/// document's DM server address, its APPSRV credentials (BASIC as Basic, DIGEST
/// as MD5), and its DEFAULTENCODING (XML when it names none, WIN-W7).
pub fn dm_profile(base: &TargetProfile, enrolled: &Enrolled) -> TargetProfile {
    let mut profile = base.clone();
    profile.server_uri = enrolled.account.addr.clone();
    profile.encodings = vec![encoding(enrolled).name().to_string()];
    profile.credentials = enrolled.account.client_auth.as_ref().map(|auth| {
        let mut c = base.credentials.clone().unwrap_or(Credentials {
            scheme: AuthScheme::Basic,
            user: String::new(),
            password: String::new(),
            client_nonce: None,
        });
        c.scheme = if auth.kind == "DIGEST" {
            AuthScheme::Md5
        } else {
            AuthScheme::Basic
        };
        c.user = auth.name.clone().unwrap_or_default();
        c.password = auth.secret.clone().unwrap_or_default();
        c
    });
    profile
}

/// The encoding the document selects.
pub fn encoding(enrolled: &Enrolled) -> Encoding {
    enrolled
        .account
        .encoding
        .as_deref()
        .and_then(Encoding::from_content_type)
        .unwrap_or(Encoding::Xml)
}

/// The reference DM server of the reference enrollment service, in process: it
/// answers only messages that come with a client certificate its enrollment
/// root issued.
pub struct EnrolledReference {
    server: Server,
    root: Vec<u8>,
    certificate: Vec<u8>,
}

impl EnrolledReference {
    /// The server trusting `root` (DER), reached with the device's certificate,
    /// checking the account of `profile`.
    pub fn new(root: Vec<u8>, enrolled: &Enrolled, profile: &TargetProfile) -> EnrolledReference {
        let mut config = ServerConfig {
            server_uri: enrolled.account.addr.clone(),
            ..ServerConfig::default()
        };
        if let (Some(account), Some(c)) = (config.account.as_mut(), &profile.credentials) {
            account.user = c.user.clone();
            account.password = c.password.clone();
        }
        EnrolledReference {
            server: Server::new(config, ServerFaults::none()),
            root,
            certificate: enrolled.certificate.clone(),
        }
    }
}

impl ServerTarget for EnrolledReference {
    fn describe(&self) -> String {
        "builtin:reference-enrollment's DM server, over the issued certificate".into()
    }

    fn start_session(&mut self) -> Result<(), TargetError> {
        Ok(())
    }

    fn send(&mut self, message: Wire) -> Result<Wire, TargetError> {
        refdm::enroll::ca::verify_issued(&self.root, &self.certificate).map_err(|why| {
            TargetError::Other(format!(
                "the DM server refused the TLS client certificate: {why}"
            ))
        })?;
        reference_reply(&mut self.server, &message.body).map_err(TargetError::Other)
    }
}
