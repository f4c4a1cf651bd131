//! The named check on how the client's messages travel: after a RespURI, the
//! next message is posted to it.

use super::{Located, Problem};
use crate::profile::TargetProfile;
use crate::transcript::Received;

/// There is a client message after the first step that gave a RespURI
/// (`after_respuri`), and it was posted to that RespURI.
pub(super) fn respuri_followed(
    after_respuri: Option<&Received>,
    profile: &TargetProfile,
) -> Located {
    let problem = match after_respuri {
        None => Some(("a client message after the RespURI".into(), "none".into())),
        Some(r) => posted_to_respuri(r, profile),
    };
    problem.map(|p| (p, after_respuri.map(|r| r.exchange)))
}

/// The message was posted to the path and query of the RespURI the harness gave
/// ([`crate::placeholders::resp_uri`]); the target reports the path as `:path`.
fn posted_to_respuri(r: &Received, profile: &TargetProfile) -> Problem {
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
