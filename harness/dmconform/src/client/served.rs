//! Running the suite against a client that posts to the harness (`listen:`),
//! as `dmconform serve` does: the client's first session decides the encoding,
//! the harness's URI is the URL the client posted to, the cases whose session
//! has no command for the client (which then goes quiet until it next polls)
//! run last, and once every case has run the client's next session is
//! answered with no commands.

use crate::client::listen::Listen;
use crate::client::target::Target;

/// The work of `serve` once the target listens: [`run_served_selected`] with
/// the case runs `opts` selects from `suite`.
pub fn run_served(
    listen: &mut Listen,
    suite: &crate::spec::Suite,
    profile: &mut crate::TargetProfile,
    opts: crate::run::RunOptions,
    say: &mut dyn FnMut(&str),
) -> Result<crate::run::RunReport, String> {
    let selected = opts.select(suite);
    run_served_selected(listen, &selected, profile, &opts, say)
}

/// Runs case runs against a listening target as `serve` does: waits for the
/// client's first session, runs the given case runs in its encoding (those in
/// the other encoding are `unsupported`), dismisses the client, and returns the
/// report. The profile's server URI becomes the URL the client posted to.
/// `say` gets the progress lines.
pub fn run_served_selected(
    listen: &mut Listen,
    selected: &[(&crate::spec::Case, crate::wire::Encoding)],
    profile: &mut crate::TargetProfile,
    opts: &crate::run::RunOptions,
    say: &mut dyn FnMut(&str),
) -> Result<crate::run::RunReport, String> {
    let encoding = listen.client_encoding().map_err(|e| e.to_string())?;
    say(&format!("the client speaks {encoding}"));
    if let Some(url) = listen.client_url() {
        profile.server_uri = url;
    }
    let (spoken, others): (Vec<_>, Vec<_>) =
        selected.iter().copied().partition(|(_, e)| *e == encoding);
    // A session without commands sends a polling client away until its next poll.
    let (mut spoken, quieting): (Vec<_>, Vec<_>) = spoken
        .into_iter()
        .partition(|(case, _)| !leaves_client_idle(case));
    spoken.extend(quieting);
    let opts = crate::run::RunOptions {
        encodings: opts
            .encodings
            .iter()
            .copied()
            .filter(|e| *e == encoding)
            .collect(),
        ..opts.clone()
    };
    let mut progress = |done: usize, total: usize, last: &crate::CaseRun| {
        say(&format!(
            "[{done}/{total}] {} [{}] {}",
            last.id, last.encoding, last.verdict
        ));
    };
    let server_auth = crate::client::server_auth::ServerAuth::from_profile(profile);
    listen.set_server_auth(server_auth.clone());
    let mut report = crate::client::runner::run_client_cases_with(
        &spoken,
        listen,
        profile,
        &opts,
        &mut progress,
        server_auth.as_ref(),
    );
    for (case, other) in others {
        report
            .runs
            .push(crate::client::listen::unsupported_encoding(
                case, other, encoding,
            ));
    }
    // The report keeps the order of the selection.
    let place = |id: &str, e: crate::wire::Encoding| {
        selected
            .iter()
            .position(|(c, ce)| c.id == id && *ce == e)
            .unwrap_or(usize::MAX)
    };
    report.runs.sort_by_key(|r| place(&r.id, r.encoding));
    match listen.dismiss_client(&profile.server_uri) {
        Ok(()) => say(&format!(
            "every case has run; the client's session {} was answered with no commands",
            listen.sessions()
        )),
        Err(e) => say(&format!(
            "every case has run; the client was not dismissed: {e}"
        )),
    }
    report.target = listen.describe();
    Ok(report)
}

/// Whether a case has a session in which the harness sends the client no
/// command and the client is to end it: a client that polls then stays quiet
/// until its next poll.
pub fn leaves_client_idle(case: &crate::spec::Case) -> bool {
    case.step.split(|s| s.new_session).any(|session| {
        !session.is_empty()
            && session.iter().any(|s| s.ends)
            && session
                .iter()
                .all(|s| s.raw.is_none() && s.send.as_deref().is_none_or(|t| t.trim().is_empty()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_case_with_an_empty_session_leaves_the_client_idle() {
        let (suite, _) = crate::spec::Suite::embedded();
        let idle: Vec<&str> = suite
            .cases
            .iter()
            .filter(|c| c.role == crate::spec::Role::Client && leaves_client_idle(c))
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(idle, ["session.ends-after-empty-package"]);
    }
}
