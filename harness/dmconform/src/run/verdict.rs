//! The one place a case run's verdict is decided: `unsupported` when the target
//! profile does not claim what the case needs, or a target refused it; else what
//! its findings add up to (error, fail, non-strict, pass, or informational when
//! nothing was judged); and whether that verdict is what the target profile
//! leads one to expect (a deviation entry turns an expected failure into one).

use crate::placeholders::Bindings;
use crate::profile::{AuthScheme, TargetProfile};
use crate::spec::{Capability, Case, CredWord, Role};
use crate::verdict::{CaseRun, Finding, FindingKind, Severity, Verdict};
use crate::wire::Encoding;
use std::time::Instant;

/// A case run: `unsupported` when the target profile does not claim what the case
/// needs, else what the findings of `drive` (which says whether it judged anything) add up to.
pub(crate) fn judge_case(
    case: &Case,
    encoding: Encoding,
    profile: &TargetProfile,
    drive: impl FnOnce(&mut CaseRun) -> bool,
) -> CaseRun {
    let start = Instant::now();
    let mut run = CaseRun {
        id: case.id.clone(),
        title: case.title.clone(),
        requirements: case.requirements.clone(),
        encoding,
        verdict: Verdict::Unsupported,
        findings: Vec::new(),
        statuses: Vec::new(),
        transcript: Vec::new(),
        expected_deviation: None,
        micros: 0,
    };
    if let Some(missing) = unsupported(case, encoding, profile) {
        run.findings.push(Finding {
            severity: Severity::Info,
            kind: FindingKind::Capability,
            requirement: None,
            check: "capabilities".into(),
            expected: missing,
            actual: format!("not claimed by target profile {:?}", profile.name),
            exchange: None,
        });
        run.micros = start.elapsed().as_micros() as u64;
        return run;
    }
    let judged = drive(&mut run);
    crate::checks::invariants::cite_for_profiles(&mut run.findings, &profile.profiles);
    run.verdict = if run
        .findings
        .iter()
        .any(|f| f.kind == FindingKind::RefusedByTarget)
    {
        Verdict::Unsupported
    } else {
        CaseRun::verdict_from(&run.findings, judged)
    };
    run.micros = start.elapsed().as_micros() as u64;
    run
}

/// Why the case cannot run on this target, if it cannot.
fn unsupported(case: &Case, encoding: Encoding, profile: &TargetProfile) -> Option<String> {
    if !profile.speaks(encoding) {
        return Some(format!("encoding {encoding}"));
    }
    if case.role == Role::Server
        && profile.auth_scheme() == AuthScheme::Hmac
        && case.step.iter().any(|s| s.cred == Some(CredWord::Profile))
    {
        return Some(
            "SyncML credentials the harness can send as DM client (Basic or MD5; the target profile's scheme is hmac)"
                .into(),
        );
    }
    let missing: Vec<&str> = case
        .needs
        .iter()
        .filter(|n| {
            !profile.has(**n) || (case.role == Role::Client && !scheme_matches(**n, profile))
        })
        .map(|n| n.name())
        .collect();
    for (name, limit) in crate::placeholders::NEED_LIMITS {
        let used = case
            .step
            .iter()
            .flat_map(|s| s.send.iter().chain(s.raw.iter()))
            .any(|t| crate::placeholders::uses(t, name));
        if used && !Bindings::usable(profile, name) {
            return Some(format!("a URI limit ({limit} is 0: unlimited)"));
        }
    }
    if !case.profiles.is_empty() && !case.profiles.iter().any(|p| profile.profiles.contains(p)) {
        return Some(format!("profile {}", case.profiles.join(" or ")));
    }
    (!missing.is_empty()).then(|| format!("capabilities {}", missing.join(", ")))
}

/// A client case that needs an authentication scheme runs only when the target is
/// configured for it. (In server cases the harness, as client, picks the scheme per step.)
fn scheme_matches(need: Capability, profile: &TargetProfile) -> bool {
    let scheme = profile.auth_scheme();
    match need {
        Capability::AuthBasic => scheme == AuthScheme::Basic,
        Capability::AuthMd5 => scheme == AuthScheme::Md5,
        Capability::Hmac => scheme == AuthScheme::Hmac,
        _ => true,
    }
}

impl CaseRun {
    /// Whether the outcome is what the target profile leads one to expect:
    /// no problem verdict, or a problem the profile lists as a deviation.
    pub fn as_expected(&self) -> bool {
        match (&self.expected_deviation, self.verdict.is_problem()) {
            (None, problem) => !problem,
            (Some(_), problem) => problem,
        }
    }

    /// The verdict the findings add up to.
    pub fn verdict_from(findings: &[Finding], judged_anything: bool) -> Verdict {
        let worst = findings
            .iter()
            .map(|f| f.severity)
            .max_by_key(|s| s.gravity());
        match worst {
            Some(Severity::Error) => Verdict::Error,
            Some(Severity::Fail) => Verdict::Fail,
            Some(Severity::NonStrict) => Verdict::NonStrict,
            _ if judged_anything => Verdict::Pass,
            _ => Verdict::Informational,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Suite;

    #[test]
    fn a_windows_client_uploading_large_objects_faces_no_receive_side_case() {
        // WIN-OMA documents only the client's upload of large objects, so a Windows
        // profile claims lob-send: the chunked Add/Replace cases (213, 424, 1225) do not run.
        let (suite, _) = Suite::embedded();
        let mut profile = TargetProfile::reference();
        profile.capabilities = vec![Capability::LobSend, Capability::MultiMessage];
        let case = |id: &str| suite.case(id).expect("the case exists");
        for id in ["lob.chunked-add", "lob.size-mismatch", "lob.interrupted"] {
            let why = unsupported(case(id), Encoding::Xml, &profile);
            assert!(why.is_some_and(|w| w.contains("lob-receive")), "{id}");
        }
        for id in ["lob.client-upload", "lob.maxobjsize"] {
            assert_eq!(unsupported(case(id), Encoding::Xml, &profile), None, "{id}");
        }
    }
}
