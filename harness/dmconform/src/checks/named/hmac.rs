//! The named check on HMAC authentication: every client message carries a
//! right `x-syncml-hmac` header, over the latest nonce, and no Cred.

use super::credentials::hmac_mac;
use super::nonces::first_nonces;
use super::{Located, Problem};
use crate::client::session::Turn;
use crate::profile::TargetProfile;
use crate::transcript::Received;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;

/// Every client message carries a right `x-syncml-hmac` header and no Cred
/// (DM Security 5.1.4); the MAC uses the latest NextNonce the harness gave, a
/// new one in every answer.
pub(super) fn hmac_every_message(turns: &[Turn], profile: &TargetProfile) -> Located {
    let mut nonces = first_nonces(profile, crate::client::session::mac_nonce);
    for t in turns {
        if let Some(p) = hmac_client(&t.received, profile, &nonces) {
            return Some((p, Some(t.received.exchange)));
        }
        if let Some(n) = t.answer.as_ref().and_then(|a| a.next_nonce.clone()) {
            nonces = vec![n];
        }
    }
    None
}

/// The fields of an `x-syncml-hmac` header: `algorithm=MD5, username="…", mac=…`.
fn hmac_fields(value: &str) -> Vec<(String, String)> {
    value
        .split(',')
        .filter_map(|part| part.split_once('='))
        .map(|(k, v)| {
            (
                k.trim().to_ascii_lowercase(),
                v.trim().trim_matches('"').to_string(),
            )
        })
        .collect()
}

/// Under HMAC the client puts its MAC in the `x-syncml-hmac` header, never in
/// Cred; the MAC is over the exact body sent, with one of `nonces` (Base64).
fn hmac_client(message: &Received, profile: &TargetProfile, nonces: &[String]) -> Problem {
    let Some(creds) = &profile.credentials else {
        return Some((
            "credentials in the target profile".into(),
            "none configured".into(),
        ));
    };
    if message
        .decoded
        .message
        .hdr
        .as_ref()
        .is_some_and(|h| h.cred.is_some())
    {
        return Some(("no Cred in the SyncHdr under HMAC".into(), "a Cred".into()));
    }
    let Some(value) = crate::wire::find_header(&message.headers, "x-syncml-hmac") else {
        return Some(("an x-syncml-hmac header".into(), "none".into()));
    };
    let fields = hmac_fields(value);
    let field = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    if field("algorithm").is_some_and(|a| !a.eq_ignore_ascii_case("MD5")) {
        return Some((
            "algorithm MD5 (or none: MD5 is the default)".into(),
            // The header also holds the MAC: name only the algorithm.
            format!("algorithm {:?}", field("algorithm").unwrap_or_default()),
        ));
    }
    if field("username") != Some(creds.user.as_str()) {
        return Some((
            format!("username \"{}\"", creds.user),
            format!("{:?}", field("username")),
        ));
    }
    let mac = field("mac").unwrap_or("");
    let raw = &message.body;
    let matches = nonces.iter().any(|n| {
        let nonce = B64.decode(n).unwrap_or_default();
        hmac_mac(&creds.user, &creds.password, &nonce, raw) == mac
    });
    (!matches).then(|| {
        (
            "the MAC computed from the profile over the body sent".into(),
            "a different value".into(),
        )
    })
}
