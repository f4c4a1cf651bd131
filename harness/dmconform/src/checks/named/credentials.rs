//! The credential formulas of DM Security, written from the specification and
//! checked against its published vectors: Basic, the MD5 digest, and the HMAC
//! of a message. They deliberately do not reuse the reference implementation's
//! (`refdm::auth`): the harness is an independent oracle.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use md5::{Digest, Md5};

/// `B64(user:password)`.
pub fn basic_credential(user: &str, password: &str) -> String {
    B64.encode(format!("{user}:{password}"))
}

/// `B64(MD5(B64(MD5(user:password)) ":" nonce))`, the nonce given as its bytes.
pub fn md5_credential(user: &str, password: &str, nonce: &[u8]) -> String {
    let inner = B64.encode(Md5::digest(format!("{user}:{password}").as_bytes()));
    let mut h = Md5::new();
    h.update(inner.as_bytes());
    h.update(b":");
    h.update(nonce);
    B64.encode(h.finalize())
}

/// `B64(MD5(B64(MD5(user:password)) ":" nonce ":" B64(MD5(body))))`.
pub fn hmac_mac(user: &str, password: &str, nonce: &[u8], body: &[u8]) -> String {
    let inner = B64.encode(Md5::digest(format!("{user}:{password}").as_bytes()));
    let body_hash = B64.encode(Md5::digest(body));
    let mut h = Md5::new();
    h.update(inner.as_bytes());
    h.update(b":");
    h.update(nonce);
    h.update(b":");
    h.update(body_hash.as_bytes());
    B64.encode(h.finalize())
}
