//! The named checks on the Basic and MD5 credentials a client puts in its
//! SyncHdr: right in package 1, carried again after a 200, and of the right
//! type and nonce in answer to a challenge.

use super::credentials::{basic_credential, md5_credential};
use super::nonces::first_nonces;
use super::{Located, Problem};
use crate::client::session::Turn;
use crate::profile::TargetProfile;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use syncml::{CommandKind, Message};

/// The authentication scheme a credential check computes.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Scheme {
    Basic,
    Md5,
}

/// Package 1 carries the right credentials of `scheme`; and every client message
/// that follows, in the same session, one whose credentials were answered 200
/// carries them again (DM Protocol 9.1, Windows "Device management session"): the
/// MD5 digest over the NextNonce of that answer when it gave one, else the same.
pub(super) fn creds_every_message(
    turns: &[Turn],
    profile: &TargetProfile,
    scheme: Scheme,
) -> Located {
    let first = &turns.first()?.received;
    if let Some(p) = package1_cred(&first.decoded.message, profile, scheme) {
        return Some((p, Some(first.exchange)));
    }
    turns.windows(2).find_map(|pair| {
        let (expected, actual) = cred_again_after_200(&pair[0], &pair[1], profile, scheme)?;
        Some((
            (
                format!("after a 200 for credentials, in the next message: {expected}"),
                actual,
            ),
            Some(pair[1].received.exchange),
        ))
    })
}

/// Package 1 carries the credentials of `scheme`: MD5 over the profile's nonce or
/// one an earlier case handed out.
fn package1_cred(pkg1: &Message, profile: &TargetProfile, scheme: Scheme) -> Problem {
    match scheme {
        Scheme::Basic => check_cred(pkg1, profile, scheme, None),
        Scheme::Md5 => first_nonces(profile, crate::client::session::md5_nonce)
            .iter()
            .map(|n| check_cred(pkg1, profile, scheme, Some(n)))
            .reduce(Option::and)
            .flatten(),
    }
}

/// When `before` carried credentials answered 200, `after` (of the same session)
/// carries them again: the MD5 digest over the answer's NextNonce, or the same.
fn cred_again_after_200(
    before: &Turn,
    after: &Turn,
    profile: &TargetProfile,
    scheme: Scheme,
) -> Problem {
    let cred = hdr_cred(&before.received.decoded.message)?;
    if before.session != after.session || before.answer.as_ref().map(|a| a.code) != Some(200) {
        return None;
    }
    let next = &after.received.decoded.message;
    let new_nonce = before.answer.as_ref().and_then(|a| a.next_nonce.as_deref());
    match (scheme, new_nonce) {
        (Scheme::Md5, Some(nonce)) => check_cred(next, profile, scheme, Some(nonce)),
        (Scheme::Md5, None) => same_cred(cred, next),
        (Scheme::Basic, _) => check_cred(next, profile, scheme, None),
    }
}

fn hdr_cred(m: &Message) -> Option<&syncml::Cred> {
    m.hdr.as_ref().and_then(|h| h.cred.as_ref())
}

/// The next message repeats the credentials of the one before.
fn same_cred(before: &syncml::Cred, next: &Message) -> Problem {
    let text = |c: &syncml::Cred| c.data.as_ref().map(|d| d.as_text().trim().to_string());
    match hdr_cred(next) {
        None => Some(("Cred in the SyncHdr".into(), "no Cred".into())),
        Some(c) if text(c) == text(before) => None,
        Some(_) => Some((
            "the same credentials (no new nonce was given)".into(),
            "different ones".into(),
        )),
    }
}

/// The SyncHdr's Cred is of `scheme`, Format b64, with the value computed from the
/// profile (over `nonce_b64` for MD5).
fn check_cred(
    m: &Message,
    profile: &TargetProfile,
    scheme: Scheme,
    nonce_b64: Option<&str>,
) -> Problem {
    let Some(creds) = &profile.credentials else {
        return Some((
            "credentials in the target profile".into(),
            "none configured".into(),
        ));
    };
    let Some(cred) = m.hdr.as_ref().and_then(|h| h.cred.as_ref()) else {
        return Some(("Cred in the SyncHdr".into(), "no Cred".into()));
    };
    let meta = cred.meta.clone().unwrap_or_default();
    let (want_type, want) = expected_cred(scheme, creds, nonce_b64);
    let got_type = meta.type_.as_deref().unwrap_or("").trim();
    if got_type != want_type {
        return Some((
            format!("Cred Meta Type {want_type}"),
            format!("{got_type:?}"),
        ));
    }
    if meta.format.as_deref().map(str::trim) != Some("b64") {
        return Some(("Cred Meta Format b64".into(), format!("{:?}", meta.format)));
    }
    let got = cred
        .data
        .as_ref()
        .map(|d| d.as_text().trim().to_string())
        .unwrap_or_default();
    // The expected and actual values are credentials: say only whether they match.
    (got != want).then(|| {
        (
            "the credential computed from the profile".into(),
            "a different value".into(),
        )
    })
}

/// The Meta Type and the value of the Cred of `scheme` for the profile's
/// credentials (over `nonce_b64` for MD5).
fn expected_cred(
    scheme: Scheme,
    creds: &crate::profile::Credentials,
    nonce_b64: Option<&str>,
) -> (&'static str, String) {
    match scheme {
        Scheme::Basic => (
            "syncml:auth-basic",
            basic_credential(&creds.user, &creds.password),
        ),
        Scheme::Md5 => {
            let nonce = B64.decode(nonce_b64.unwrap_or("")).unwrap_or_default();
            (
                "syncml:auth-md5",
                md5_credential(&creds.user, &creds.password, &nonce),
            )
        }
    }
}

/// Every client message that follows a challenge (401 or 407 with Chal for its
/// SyncHdr) begins with the Status for the harness's SyncHdr and carries Cred of the
/// challenged type: Basic from the profile, or MD5 over the NextNonce of that very
/// challenge (DM Protocol 9.1, DM Security 5.1.3). A case that challenges no message
/// that was answered fails.
pub(super) fn after_challenges(turns: &[Turn], profile: &TargetProfile) -> Located {
    let mut seen_one = false;
    for pair in turns.windows(2) {
        let (before, after) = (&pair[0], &pair[1]);
        let Some(answer) = before.answer.as_ref() else {
            continue;
        };
        let Some(chal_type) = answer.chal_type.as_deref() else {
            continue;
        };
        if before.session != after.session || !matches!(answer.code, 401 | 407) {
            continue;
        }
        seen_one = true;
        let m = &after.received.decoded.message;
        if let Some(p) = answer_to_challenge(m, profile, chal_type, answer.next_nonce.as_deref()) {
            return Some((p, Some(after.received.exchange)));
        }
    }
    (!seen_one).then(|| {
        (
            ("a client message after the challenge".into(), "none".into()),
            None,
        )
    })
}

/// A message answering a challenge of `chal_type` (with `nonce`) begins with the
/// Status for the SyncHdr and carries Cred of that type, computed from the profile.
fn answer_to_challenge(
    m: &Message,
    profile: &TargetProfile,
    chal_type: &str,
    nonce: Option<&str>,
) -> Problem {
    let has_hdr_status = m.commands().next().is_some_and(|c| {
        c.kind == CommandKind::Status && c.cmd_ref.as_deref().map(str::trim) == Some("0")
    });
    if !has_hdr_status {
        return Some(("a Status for the SyncHdr".into(), "none first".into()));
    }
    let Some(cred) = hdr_cred(m) else {
        return Some(("Cred after the challenge".into(), "no Cred".into()));
    };
    let t = cred
        .meta
        .as_ref()
        .and_then(|m| m.type_.as_deref())
        .unwrap_or("");
    if t.trim() != chal_type {
        return Some((
            format!("Cred of the challenged type {chal_type:?}"),
            format!("Type {:?}", t.trim()),
        ));
    }
    match chal_type {
        "syncml:auth-md5" => check_cred(m, profile, Scheme::Md5, Some(nonce.unwrap_or(""))),
        "syncml:auth-basic" => check_cred(m, profile, Scheme::Basic, None),
        other => Some((
            "a challenge type the harness checks (Basic or MD5)".into(),
            format!("{other:?}"),
        )),
    }
}
