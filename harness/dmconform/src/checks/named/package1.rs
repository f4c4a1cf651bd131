//! The named checks on the content of package 1: the Alert that opens the
//! session, the DevInfo, the login status, the SessionID's form, and the
//! SyncHdr Source being the DevId.

use super::Problem;
use syncml::{CommandKind, Message};

/// Package 1 carries Alert 1201 (client-initiated), or 1200 in answer to a notification.
pub(super) fn alert_initiated(m: &Message) -> Problem {
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

/// Package 1 carries a Replace of ./DevInfo with DevId, Man, Mod, DmV and Lang.
pub(super) fn devinfo(m: &Message) -> Problem {
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

/// Package 1 carries Alert 1224 of Type `com.microsoft/MDM/LoginStatus` with Data
/// user, others or none.
pub(super) fn login_status(m: &Message) -> Problem {
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
pub(super) fn sessionid_format(m: &Message) -> Problem {
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
pub(super) fn source_devid(m: &Message) -> Problem {
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
