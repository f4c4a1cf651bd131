//! The nonces a case's first MD5 digest or MAC may be computed over: the target
//! profile's, or one the harness handed out in an earlier case.

use crate::profile::TargetProfile;

/// Server MsgIDs whose MD5 or HMAC nonce a case's first message may use: the client
/// keeps the last nonce of an earlier case, which the harness gave in one of them.
const EARLIER_NONCES: u32 = 256;

/// The nonces a first MD5 digest or MAC may use: the profile's, or one the harness
/// handed out (with `nonce_of` a server MsgID) in an earlier case.
pub(super) fn first_nonces(profile: &TargetProfile, nonce_of: fn(u32) -> String) -> Vec<String> {
    let profile_nonce = profile
        .credentials
        .as_ref()
        .and_then(|c| c.client_nonce.clone())
        .unwrap_or_default();
    std::iter::once(profile_nonce)
        .chain((1..=EARLIER_NONCES).map(nonce_of))
        .collect()
}
