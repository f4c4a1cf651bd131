//! The harness's credentials as DM server, for a client that authenticates
//! its server with MD5 (`win.auth.server-md5`): the Cred the harness puts in
//! its SyncHdr, computed over the nonce the client issued last. The nonce is
//! shared by every clone, so it carries from one session (and case) to the next.

use crate::profile::TargetProfile;
use std::sync::{Arc, Mutex};
use syncml::protocol::AUTH_MD5;
use syncml::{Cred, Data, Message, Meta, MetaValue};

/// The server credentials of a run, with the client's latest nonce.
#[derive(Clone, Debug)]
pub struct ServerAuth {
    user: String,
    password: String,
    nonce: Arc<Mutex<Vec<u8>>>,
}

impl ServerAuth {
    /// The profile's server credentials, when it gives them.
    pub fn from_profile(profile: &TargetProfile) -> Option<ServerAuth> {
        let sc = profile.server_credentials.as_ref()?;
        Some(ServerAuth {
            user: sc.user.clone(),
            password: sc.password.clone(),
            nonce: Arc::new(Mutex::new(sc.nonce_bytes().unwrap_or_default())),
        })
    }

    /// The server's id: the LocName of the harness's SyncHdr Source.
    pub fn user(&self) -> &str {
        &self.user
    }

    fn nonce(&self) -> std::sync::MutexGuard<'_, Vec<u8>> {
        self.nonce.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// An MD5 Cred over the client's latest nonce.
    pub fn cred(&self) -> Cred {
        let digest =
            crate::checks::named::md5_credential(&self.user, &self.password, &self.nonce());
        Cred {
            meta: Some(Meta::format("b64").with_type(AUTH_MD5)),
            data: Some(Data::text(digest)),
        }
    }

    /// Reads a client message's Status for the harness's SyncHdr: keeps the
    /// NextNonce of its MD5 challenge, and returns its code.
    pub fn note_reply(&self, message: &Message) -> Option<u16> {
        let status = message.synchdr_status()?;
        let meta = status.chal.as_ref().and_then(|c| c.meta.as_ref());
        let md5 = meta
            .and_then(|m| m.type_.as_deref())
            .is_none_or(|t| t.trim() == AUTH_MD5);
        if let Some(next) = meta.and_then(|m| m.next_nonce.as_ref())
            && md5
        {
            let bytes = match next {
                MetaValue::Text(t) => {
                    use base64::Engine;
                    base64::engine::general_purpose::STANDARD
                        .decode(t.trim())
                        .ok()
                }
                MetaValue::Bytes(b) => Some(b.clone()),
            };
            if let Some(b) = bytes {
                *self.nonce() = b;
            }
        }
        status.code()
    }
}
