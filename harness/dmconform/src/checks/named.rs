//! The named checks a case may ask for, for what a status code cannot express:
//! the content of package 1, the client's credentials, and where it posts.

use crate::client::session::Turn;
use crate::profile::TargetProfile;
use crate::transcript::Received;
use crate::verdict::{Finding, Severity};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use md5::{Digest, Md5};
use syncml::{CommandKind, Message};

/// The client's messages that answered the steps a named check looks at.
#[derive(Clone, Copy, Debug, Default)]
pub struct Answers<'a> {
    /// The message that followed the first step carrying a RespURI.
    pub after_respuri: Option<&'a Received>,
}

/// Runs one named check. `turns` are the client's messages, package 1 first.
pub fn run(
    name: &str,
    turns: &[Turn],
    answers: Answers<'_>,
    profile: &TargetProfile,
    requirement: Option<&String>,
) -> Option<Finding> {
    let first = &turns.first()?.received;
    let m = &first.decoded.message;
    let on_first = |p: Problem| p.map(|p| (p, Some(first.exchange)));
    let problem = match name {
        "pkg1.alert-initiated" => on_first(alert_initiated(m)),
        "pkg1.devinfo" => on_first(devinfo(m)),
        "pkg1.login-status" => on_first(login_status(m)),
        "pkg1.sessionid-format" => on_first(sessionid_format(m)),
        "hmac.client" => hmac_every_message(turns, profile),
        "pkg1.source-devid" => on_first(source_devid(m)),
        "cred.basic" => creds_every_message(turns, profile, Scheme::Basic),
        "cred.md5" => creds_every_message(turns, profile, Scheme::Md5),
        "cred.after-challenge" => after_challenges(turns, profile),
        "transport.respuri" => {
            let p = match answers.after_respuri {
                None => Some(("a client message after the RespURI".into(), "none".into())),
                Some(r) => followed_respuri(r, profile),
            };
            p.map(|p| (p, answers.after_respuri.map(|r| r.exchange)))
        }
        other => Some((
            (
                format!("a known check, not {other:?}"),
                "unknown check".into(),
            ),
            None,
        )),
    };
    problem.map(|((expected, actual), exchange)| Finding {
        severity: Severity::Fail,
        requirement: requirement.cloned(),
        check: format!("check {name}"),
        expected,
        actual,
        exchange,
    })
}

/// A problem and the exchange of the client message it was found in.
type Located = Option<((String, String), Option<usize>)>;

/// Server MsgIDs whose MD5 or HMAC nonce a case's first message may use: the client
/// keeps the last nonce of an earlier case, which the harness gave in one of them.
const EARLIER_NONCES: u32 = 256;

/// The nonces a first MD5 digest or MAC may use: the profile's, or one the harness
/// handed out (with `nonce_of` a server MsgID) in an earlier case.
fn first_nonces(profile: &TargetProfile, nonce_of: fn(u32) -> String) -> Vec<String> {
    let profile_nonce = profile
        .credentials
        .as_ref()
        .and_then(|c| c.client_nonce.clone())
        .unwrap_or_default();
    std::iter::once(profile_nonce)
        .chain((1..=EARLIER_NONCES).map(nonce_of))
        .collect()
}

/// Package 1 carries the right credentials of `scheme`; and every client message
/// that follows, in the same session, one whose credentials were answered 200
/// carries them again (DM Protocol 9.1, Windows "Device management session"): the
/// MD5 digest over the NextNonce of that answer when it gave one, else the same.
fn creds_every_message(turns: &[Turn], profile: &TargetProfile, scheme: Scheme) -> Located {
    let first = &turns.first()?.received;
    let pkg1 = &first.decoded.message;
    let pkg1_problem = match scheme {
        Scheme::Basic => check_cred(pkg1, profile, scheme, None),
        Scheme::Md5 => first_nonces(profile, crate::client::session::md5_nonce)
            .iter()
            .map(|n| check_cred(pkg1, profile, scheme, Some(n)))
            .reduce(Option::and)
            .flatten(),
    };
    if let Some(p) = pkg1_problem {
        return Some((p, Some(first.exchange)));
    }
    for pair in turns.windows(2) {
        let (before, after) = (&pair[0], &pair[1]);
        let Some(cred) = hdr_cred(&before.received.decoded.message) else {
            continue;
        };
        if before.session != after.session || before.answer.as_ref().map(|a| a.code) != Some(200) {
            continue;
        }
        let next = &after.received.decoded.message;
        let new_nonce = before.answer.as_ref().and_then(|a| a.next_nonce.as_deref());
        let problem = match (scheme, new_nonce) {
            (Scheme::Md5, Some(nonce)) => check_cred(next, profile, scheme, Some(nonce)),
            (Scheme::Md5, None) => same_cred(cred, next),
            (Scheme::Basic, _) => check_cred(next, profile, scheme, None),
        };
        if let Some((expected, actual)) = problem {
            return Some((
                (
                    format!("after a 200 for credentials, in the next message: {expected}"),
                    actual,
                ),
                Some(after.received.exchange),
            ));
        }
    }
    None
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

/// Every client message carries a right `x-syncml-hmac` header and no Cred
/// (DM Security 5.1.4); the MAC uses the latest NextNonce the harness gave, a
/// new one in every answer.
fn hmac_every_message(turns: &[Turn], profile: &TargetProfile) -> Located {
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

type Problem = Option<(String, String)>;

/// The message was posted to the path and query of the RespURI the harness gave
/// ([`crate::placeholders::resp_uri`]); the target reports the path as `:path`.
fn followed_respuri(r: &Received, profile: &TargetProfile) -> Problem {
    use crate::placeholders::{path_and_query, resp_uri};
    let uri = resp_uri(&profile.server_uri);
    let want = path_and_query(&uri);
    let expected = format!("the next message posted to {want} (the RespURI {uri})");
    match crate::wire::find_header(&r.headers, ":path") {
        None => Some((
            expected,
            "the target reports no request path (Wire header :path)".into(),
        )),
        Some(path) if path == want => None,
        Some(path) => Some((expected, format!("posted to {path}"))),
    }
}

fn alert_initiated(m: &Message) -> Problem {
    let codes: Vec<u16> = m
        .commands()
        .filter(|c| c.kind == CommandKind::Alert)
        .filter_map(|c| c.code())
        .collect();
    if codes.iter().any(|c| *c == 1200 || *c == 1201) {
        None
    } else {
        Some(("Alert 1201 (or 1200)".into(), format!("Alerts {codes:?}")))
    }
}

fn devinfo(m: &Message) -> Problem {
    let uris: Vec<String> = m
        .commands()
        .filter(|c| c.kind == CommandKind::Replace)
        .flat_map(|c| c.items.iter())
        .filter_map(|i| {
            i.source_uri()
                .or(i.target_uri())
                .map(|u| u.trim().trim_start_matches("./").to_string())
        })
        .collect();
    let missing: Vec<&str> = ["DevId", "Man", "Mod", "DmV", "Lang"]
        .into_iter()
        .filter(|n| !uris.iter().any(|u| u == &format!("DevInfo/{n}")))
        .collect();
    if missing.is_empty() {
        None
    } else {
        Some((
            "a Replace of ./DevInfo/{DevId, Man, Mod, DmV, Lang}".into(),
            format!("missing {}", missing.join(", ")),
        ))
    }
}

fn login_status(m: &Message) -> Problem {
    let found = m
        .commands()
        .filter(|c| c.kind == CommandKind::Alert && c.code() == Some(1224))
        .any(|c| {
            c.items.iter().any(|i| {
                let t = i
                    .meta
                    .as_ref()
                    .and_then(|m| m.type_.as_deref())
                    .unwrap_or("")
                    .trim();
                let d = i
                    .data
                    .as_ref()
                    .map(|d| d.as_text().trim().to_ascii_lowercase())
                    .unwrap_or_default();
                t == "com.microsoft/MDM/LoginStatus"
                    && ["user", "others", "none"].contains(&d.as_str())
            })
        });
    if found {
        None
    } else {
        Some((
            "Alert 1224 of Type com.microsoft/MDM/LoginStatus with Data user, others or none"
                .into(),
            "none such".into(),
        ))
    }
}

/// Windows writes the SessionID as a decimal integer, or as the two-byte form
/// (one to four uppercase hex digits) once the server set SyncApplicationVersion 2.0.
fn sessionid_format(m: &Message) -> Problem {
    let id = m
        .hdr
        .as_ref()
        .and_then(|h| h.session_id.clone())
        .unwrap_or_default();
    let id = id.trim();
    let decimal = !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit());
    let two_bytes = (1..=4).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b));
    if decimal || two_bytes {
        None
    } else {
        Some((
            "a decimal integer, or one to four uppercase hex digits".into(),
            format!("{id:?}"),
        ))
    }
}

/// The SyncHdr Source of a client message is the device's ./DevInfo/DevId.
fn source_devid(m: &Message) -> Problem {
    let source = m
        .hdr
        .as_ref()
        .and_then(|h| h.source.as_ref())
        .and_then(|s| s.loc_uri.clone())
        .unwrap_or_default();
    let devid = m
        .commands()
        .filter(|c| c.kind == CommandKind::Replace)
        .flat_map(|c| c.items.iter())
        .find(|i| {
            i.source_uri()
                .or(i.target_uri())
                .map(|u| u.trim().trim_start_matches("./"))
                == Some("DevInfo/DevId")
        })
        .and_then(|i| i.data.as_ref())
        .map(|d| d.as_text().trim().to_string());
    match devid {
        Some(d) if d == source.trim() => None,
        Some(d) => Some((
            format!("SyncHdr Source {d:?}, the DevId"),
            format!("{:?}", source.trim()),
        )),
        None => Some((
            "a Replace of ./DevInfo/DevId to compare with".into(),
            "none".into(),
        )),
    }
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

#[derive(Clone, Copy, PartialEq)]
enum Scheme {
    Basic,
    Md5,
}

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
    let (want_type, want) = match scheme {
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
    };
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

/// Every client message that follows a challenge (401 or 407 with Chal for its
/// SyncHdr) begins with the Status for the harness's SyncHdr and carries Cred of the
/// challenged type: Basic from the profile, or MD5 over the NextNonce of that very
/// challenge (DM Protocol 9.1, DM Security 5.1.3). A case that challenges no message
/// that was answered fails.
fn after_challenges(turns: &[Turn], profile: &TargetProfile) -> Located {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_formulas_match_the_published_vectors() {
        assert_eq!(
            basic_credential("Bruce2", "OhBehave"),
            "QnJ1Y2UyOk9oQmVoYXZl"
        );
        assert_eq!(
            md5_credential("Bruce2", "OhBehave", b"Nonce"),
            "Zz6EivR3yeaaENcRN6lpAQ=="
        );
        // The nonce must be decoded before hashing: hashing its Base64 text gives another value.
        assert_eq!(
            md5_credential("Bruce2", "OhBehave", b"Tm9uY2U="),
            "CmO/kTaDnxgwUdBvdtRh4A=="
        );
        // Vector V4 of the HMAC formula (DM Security 5.1.4).
        assert_eq!(
            hmac_mac("Bruce2", "OhBehave", b"Nonce", b"<SyncML/>"),
            "urdCeS3JUmjFgi8SX3webw=="
        );
    }

    fn hmac_profile() -> TargetProfile {
        let mut p = TargetProfile::reference();
        let c = p.credentials.as_mut().unwrap();
        c.scheme = crate::profile::AuthScheme::Hmac;
        c.user = "Bruce2".into();
        c.password = "OhBehave".into();
        c.client_nonce = Some("Tm9uY2U=".into());
        p
    }

    fn with_header(body: &[u8], header: Option<String>) -> Vec<Turn> {
        let received = Received {
            decoded: crate::codec::decode(body, &crate::codec::reply_limits()).unwrap(),
            content_type: crate::wire::CONTENT_TYPE_XML.into(),
            headers: header
                .map(|h| ("x-syncml-hmac".to_string(), h))
                .into_iter()
                .collect(),
            body: body.to_vec(),
            exchange: 0,
        };
        vec![Turn {
            received,
            session: 1,
            answer: None,
        }]
    }

    #[test]
    fn hmac_check_accepts_the_right_mac_only() {
        let body = b"<SyncML xmlns='SYNCML:SYNCML1.2'><SyncHdr><VerDTD>1.2</VerDTD></SyncHdr><SyncBody/></SyncML>";
        let p = hmac_profile();
        let good = hmac_mac("Bruce2", "OhBehave", b"Nonce", body);
        let header = |mac: &str| Some(format!("algorithm=MD5, username=\"Bruce2\", mac={mac}"));
        assert_eq!(
            run(
                "hmac.client",
                &with_header(body, header(&good)),
                Answers::default(),
                &p,
                None
            ),
            None
        );
        let wrong_body = hmac_mac("Bruce2", "OhBehave", b"Nonce", b"<SyncML/>");
        assert!(
            run(
                "hmac.client",
                &with_header(body, header(&wrong_body)),
                Answers::default(),
                &p,
                None
            )
            .is_some()
        );
        assert!(
            run(
                "hmac.client",
                &with_header(body, None),
                Answers::default(),
                &p,
                None
            )
            .is_some()
        );
    }

    #[test]
    fn respuri_check_compares_the_posted_path() {
        let body = b"<SyncML xmlns='SYNCML:SYNCML1.2'><SyncHdr><VerDTD>1.2</VerDTD></SyncHdr><SyncBody/></SyncML>";
        let p = TargetProfile::reference();
        let posted = |path: Option<&str>| {
            let mut turns = with_header(body, None);
            turns[0]
                .received
                .headers
                .extend(path.map(|v| (":path".to_string(), v.to_string())));
            turns
        };
        let check = |turns: &[Turn]| {
            let answers = Answers {
                after_respuri: Some(&turns[0].received),
            };
            run("transport.respuri", turns, answers, &p, None)
        };
        assert_eq!(check(&posted(Some("/omadm?dmconform-respuri=1"))), None);
        assert!(check(&posted(Some("/omadm"))).is_some());
        assert!(check(&posted(None)).is_some());
        assert!(
            run(
                "transport.respuri",
                &posted(None),
                Answers::default(),
                &p,
                None
            )
            .is_some()
        );
    }

    #[test]
    fn hmac_check_wants_the_latest_nonce_in_every_message() {
        let body = b"<SyncML xmlns='SYNCML:SYNCML1.2'><SyncHdr><VerDTD>1.2</VerDTD></SyncHdr><SyncBody/></SyncML>";
        let p = hmac_profile();
        let header = |nonce: &[u8]| {
            let mac = hmac_mac("Bruce2", "OhBehave", nonce, body);
            Some(format!("username=\"Bruce2\", mac={mac}"))
        };
        let two = |second_nonce: &[u8]| {
            let mut turns = with_header(body, header(b"Nonce"));
            turns[0].answer = Some(crate::client::session::HdrAnswer {
                code: 200,
                chal_type: None,
                next_nonce: Some(B64.encode("fresh")),
            });
            let mut next = with_header(body, header(second_nonce)).remove(0);
            next.received.exchange = 2;
            turns.push(next);
            turns
        };
        assert_eq!(
            run("hmac.client", &two(b"fresh"), Answers::default(), &p, None),
            None
        );
        let stale = run("hmac.client", &two(b"Nonce"), Answers::default(), &p, None).unwrap();
        assert_eq!(stale.exchange, Some(2));
    }

    #[test]
    fn an_answer_to_a_challenge_uses_its_type_and_its_nonce() {
        let p = TargetProfile::reference();
        let creds = p.credentials.as_ref().unwrap();
        let message = |type_: &str, data: &str| {
            format!(
                "<SyncML xmlns='SYNCML:SYNCML1.2'><SyncHdr><VerDTD>1.2</VerDTD><Cred><Meta>\
<Format xmlns='syncml:metinf'>b64</Format><Type xmlns='syncml:metinf'>{type_}</Type></Meta>\
<Data>{data}</Data></Cred></SyncHdr><SyncBody><Status><CmdID>1</CmdID><MsgRef>1</MsgRef>\
<CmdRef>0</CmdRef><Cmd>SyncHdr</Cmd><Data>401</Data></Status></SyncBody></SyncML>"
            )
        };
        let md5_over = |nonce: &str| {
            let nonce = B64.decode(nonce).unwrap();
            message(
                "syncml:auth-md5",
                &md5_credential(&creds.user, &creds.password, &nonce),
            )
        };
        let challenged_then = |second: String| {
            let mut t = with_header(
                md5_over(&crate::client::session::md5_nonce(1)).as_bytes(),
                None,
            );
            t[0].answer = Some(crate::client::session::HdrAnswer {
                code: 401,
                chal_type: Some("syncml:auth-md5".into()),
                next_nonce: Some(crate::client::session::md5_nonce(2)),
            });
            let mut next = with_header(second.as_bytes(), None).remove(0);
            next.received.exchange = 2;
            t.push(next);
            run("cred.after-challenge", &t, Answers::default(), &p, None)
        };
        let basic = message(
            "syncml:auth-basic",
            &basic_credential(&creds.user, &creds.password),
        );
        assert_eq!(
            challenged_then(md5_over(&crate::client::session::md5_nonce(2))),
            None
        );
        let stale = challenged_then(md5_over(&crate::client::session::md5_nonce(1))).unwrap();
        assert_eq!(stale.exchange, Some(2));
        let other_type = challenged_then(basic.clone()).unwrap();
        assert!(other_type.actual.contains("auth-basic"), "{other_type:?}");
        // Without any challenge answered, the check has nothing to see.
        let unchallenged = with_header(basic.as_bytes(), None);
        assert!(
            run(
                "cred.after-challenge",
                &unchallenged,
                Answers::default(),
                &p,
                None
            )
            .is_some()
        );
    }

    #[test]
    fn credentials_answered_200_come_again() {
        let p = TargetProfile::reference();
        let creds = p.credentials.as_ref().unwrap();
        let cred = format!(
            "<Cred><Meta><Format xmlns='syncml:metinf'>b64</Format><Type xmlns='syncml:metinf'>syncml:auth-basic</Type></Meta><Data>{}</Data></Cred>",
            basic_credential(&creds.user, &creds.password)
        );
        let message = |cred: &str| {
            format!(
                "<SyncML xmlns='SYNCML:SYNCML1.2'><SyncHdr><VerDTD>1.2</VerDTD>{cred}</SyncHdr><SyncBody/></SyncML>"
            )
        };
        let turns = |code: u16, second: &str| {
            let mut t = with_header(message(&cred).as_bytes(), None);
            t[0].answer = Some(crate::client::session::HdrAnswer {
                code,
                chal_type: None,
                next_nonce: None,
            });
            t.extend(with_header(message(second).as_bytes(), None));
            t
        };
        assert_eq!(
            run(
                "cred.basic",
                &turns(200, &cred),
                Answers::default(),
                &p,
                None
            ),
            None
        );
        assert!(run("cred.basic", &turns(200, ""), Answers::default(), &p, None).is_some());
        assert_eq!(
            run("cred.basic", &turns(212, ""), Answers::default(), &p, None),
            None
        );
    }
}
