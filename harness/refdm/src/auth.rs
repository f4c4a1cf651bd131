//! Application-level authentication (OMA DM Security 1.2, Windows "OMA DM protocol support").
//!
//! Client credentials in SyncHdr Cred: Basic, `B64(user:password)`; MD5,
//! `B64(H(B64(H(user:password)):nonce))` with H = MD5 and the nonce as raw bytes (it travels
//! Base64-encoded in NextNonce). HMAC, for the `x-syncml-hmac` transport header:
//! `B64(H(B64(H(user:password)):nonce:B64(H(body))))`. The client checks the server's MD5
//! credentials with the nonce it issued and answers 212, 401 or 407 with a Chal carrying a
//! new nonce.

use crate::config::AuthScheme;
use crate::faults::{Fault, Faults};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use md5::{Digest, Md5};
use syncml::protocol::{AUTH_BASIC, AUTH_MAC, AUTH_MD5};
use syncml::{Chal, Cred, Data, Meta, MetaValue};

/// The Meta Type of Basic credentials, [`syncml::protocol::AUTH_BASIC`].
pub use syncml::protocol::AUTH_BASIC as TYPE_BASIC;
/// The Meta Type of HMAC authentication, [`syncml::protocol::AUTH_MAC`].
pub use syncml::protocol::AUTH_MAC as TYPE_MAC;
/// The Meta Type of MD5 digest credentials, [`syncml::protocol::AUTH_MD5`].
pub use syncml::protocol::AUTH_MD5 as TYPE_MD5;

fn md5(parts: &[&[u8]]) -> [u8; 16] {
    let mut h = Md5::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

/// Basic credential data: `B64(user:password)`.
pub fn basic(user: &str, password: &str) -> String {
    B64.encode(format!("{user}:{password}"))
}

/// MD5 digest credential data: `B64(H(B64(H(user:password)):nonce))`.
pub fn md5_digest(user: &str, password: &str, nonce: &[u8]) -> String {
    let inner = B64.encode(md5(&[user.as_bytes(), b":", password.as_bytes()]));
    B64.encode(md5(&[inner.as_bytes(), b":", nonce]))
}

/// The `n`th nonce a server makes from a secret seed: 128 bits, `H(seed:n)`.
pub fn new_nonce(seed: &[u8], n: u64) -> [u8; 16] {
    md5(&[seed, b":", n.to_string().as_bytes()])
}

/// The HMAC `mac` value over a message body (the exact bytes sent).
pub fn hmac_mac(user: &str, password: &str, nonce: &[u8], body: &[u8]) -> String {
    let inner = B64.encode(md5(&[user.as_bytes(), b":", password.as_bytes()]));
    let body_hash = B64.encode(md5(&[body]));
    B64.encode(md5(&[
        inner.as_bytes(),
        b":",
        nonce,
        b":",
        body_hash.as_bytes(),
    ]))
}

/// The value of the `x-syncml-hmac` header.
pub fn hmac_header(user: &str, mac: &str) -> String {
    format!("algorithm=MD5, username=\"{user}\", mac={mac}")
}

/// The SyncHdr Cred the client sends, if its scheme uses one.
pub(crate) fn client_cred(
    scheme: AuthScheme,
    user: &str,
    password: &str,
    nonce: &[u8],
    faults: &Faults,
) -> Option<Cred> {
    let (type_, data) = match scheme {
        AuthScheme::None | AuthScheme::Hmac => return None,
        AuthScheme::Basic if faults.has(Fault::BasicWrong) => {
            (AUTH_BASIC, format!("{user}:{password}"))
        }
        AuthScheme::Basic => (AUTH_BASIC, basic(user, password)),
        AuthScheme::Md5 if faults.has(Fault::Md5Wrong) => {
            let mut text = format!("{user}:{password}:").into_bytes();
            text.extend_from_slice(nonce);
            (AUTH_MD5, B64.encode(md5(&[&text])))
        }
        AuthScheme::Md5 => (AUTH_MD5, md5_digest(user, password, nonce)),
    };
    Some(Cred {
        meta: Some(Meta::format("b64").with_type(type_)),
        data: Some(Data::text(data)),
    })
}

/// The scheme a Chal asks for, by its Meta Type.
pub(crate) fn challenged_scheme(chal: &Chal) -> Option<AuthScheme> {
    match chal.meta.as_ref()?.type_.as_deref()?.trim() {
        AUTH_BASIC => Some(AuthScheme::Basic),
        AUTH_MD5 => Some(AuthScheme::Md5),
        AUTH_MAC => Some(AuthScheme::Hmac),
        _ => None,
    }
}

/// The nonce a Chal carries, as the bytes to hash: Base64-decoded when its Format is `b64`.
pub(crate) fn challenged_nonce(chal: &Chal, faults: &Faults) -> Option<Vec<u8>> {
    let meta = chal.meta.as_ref()?;
    match meta.next_nonce.as_ref()? {
        MetaValue::Bytes(b) => Some(b.clone()),
        MetaValue::Text(t) => {
            let t = t.trim();
            let b64 = meta.format.as_deref().is_none_or(|f| f.trim() == "b64");
            if !b64 || faults.has(Fault::NonceNotDecoded) {
                Some(t.as_bytes().to_vec())
            } else {
                B64.decode(t).ok()
            }
        }
    }
}

/// A challenge for the server: MD5 with a new nonce, Base64 on the wire.
pub(crate) fn challenge(nonce: &[u8]) -> Chal {
    let mut meta = Meta::format("b64").with_type(AUTH_MD5);
    meta.next_nonce = Some(MetaValue::Text(B64.encode(nonce)));
    Chal { meta: Some(meta) }
}

/// A fresh nonce: 128 bits derived from the device id and a counter, so runs are repeatable.
pub(crate) fn fresh_nonce(device_id: &str, counter: u64) -> Vec<u8> {
    md5(&[device_id.as_bytes(), b":", counter.to_string().as_bytes()]).to_vec()
}

/// Checks the server's credentials: 212 when right, 407 when missing, 401 when wrong.
pub(crate) fn check_server(
    cred: Option<&Cred>,
    server_id: &str,
    password: &str,
    nonce: &[u8],
    faults: &Faults,
) -> u16 {
    let Some(cred) = cred else {
        return 407;
    };
    if faults.has(Fault::ServerCredUnchecked) {
        return 212;
    }
    let type_ok = cred
        .meta
        .as_ref()
        .and_then(|m| m.type_.as_deref())
        .is_some_and(|t| t.trim() == AUTH_MD5);
    let data = cred.data.as_ref().map(Data::as_text).unwrap_or_default();
    if type_ok && data.trim() == md5_digest(server_id, password, nonce) {
        212
    } else {
        401
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v1_basic() {
        assert_eq!(basic("Bruce2", "OhBehave"), "QnJ1Y2UyOk9oQmVoYXZl");
    }

    #[test]
    fn v2_md5_with_decoded_nonce() {
        let inner = B64.encode(md5(&[b"Bruce2:OhBehave"]));
        assert_eq!(inner, "PtEdr8lBQ45IbT1bZIkrOQ==");
        assert_eq!(
            md5_digest("Bruce2", "OhBehave", b"Nonce"),
            "Zz6EivR3yeaaENcRN6lpAQ=="
        );
    }

    #[test]
    fn v3_undecoded_nonce_gives_another_digest() {
        let chal = challenge(b"Nonce");
        assert_eq!(
            challenged_nonce(&chal, &Faults::none()).unwrap(),
            b"Nonce".to_vec()
        );
        let wrong = challenged_nonce(&chal, &Faults::from(Fault::NonceNotDecoded)).unwrap();
        assert_eq!(wrong, b"Tm9uY2U=".to_vec());
        assert_eq!(
            md5_digest("Bruce2", "OhBehave", &wrong),
            "CmO/kTaDnxgwUdBvdtRh4A=="
        );
    }

    #[test]
    fn v4_hmac() {
        assert_eq!(B64.encode(md5(&[b"<SyncML/>"])), "p7fHQr43AfxW0tZLC6QiAA==");
        let mac = hmac_mac("Bruce2", "OhBehave", b"Nonce", b"<SyncML/>");
        assert_eq!(mac, "urdCeS3JUmjFgi8SX3webw==");
        assert_eq!(
            hmac_header("Bruce2", &mac),
            "algorithm=MD5, username=\"Bruce2\", mac=urdCeS3JUmjFgi8SX3webw=="
        );
    }

    #[test]
    fn server_credentials_are_checked() {
        let good = Cred {
            meta: Some(Meta::format("b64").with_type(TYPE_MD5)),
            data: Some(Data::text(md5_digest("srv", "pw", b"n1"))),
        };
        let none = Faults::none();
        assert_eq!(check_server(Some(&good), "srv", "pw", b"n1", &none), 212);
        assert_eq!(check_server(Some(&good), "srv", "pw", b"n2", &none), 401);
        assert_eq!(check_server(None, "srv", "pw", b"n1", &none), 407);
        let lax = Faults::from(Fault::ServerCredUnchecked);
        assert_eq!(check_server(Some(&good), "srv", "pw", b"n2", &lax), 212);
    }

    #[test]
    fn wrong_credential_faults_change_the_data() {
        let none = Faults::none();
        let data = |scheme, f: &Faults| {
            client_cred(scheme, "Bruce2", "OhBehave", b"Nonce", f)
                .unwrap()
                .data
                .unwrap()
                .as_text()
        };
        assert_eq!(data(AuthScheme::Md5, &none), "Zz6EivR3yeaaENcRN6lpAQ==");
        assert_ne!(
            data(AuthScheme::Md5, &Faults::from(Fault::Md5Wrong)),
            "Zz6EivR3yeaaENcRN6lpAQ=="
        );
        assert_eq!(data(AuthScheme::Basic, &none), "QnJ1Y2UyOk9oQmVoYXZl");
        assert_eq!(
            data(AuthScheme::Basic, &Faults::from(Fault::BasicWrong)),
            "Bruce2:OhBehave"
        );
        assert!(client_cred(AuthScheme::Hmac, "u", "p", b"n", &none).is_none());
    }
}
