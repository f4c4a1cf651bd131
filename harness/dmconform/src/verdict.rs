//! Verdicts, findings and transcripts: what a case run produces.

use crate::wire::Encoding;
use serde::Serialize;
use std::fmt;

/// The outcome of one case in one encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Every judged expectation and invariant held.
    Pass,
    /// A MUST was broken.
    Fail,
    /// Only SHOULDs were broken.
    NonStrict,
    /// Nothing was judged: only informational expectations.
    Informational,
    /// The target profile does not claim what the case needs.
    Unsupported,
    /// The target timed out, crashed, or sent something undecodable.
    Error,
}

impl Verdict {
    pub const ALL: [Verdict; 6] = [
        Verdict::Pass,
        Verdict::Fail,
        Verdict::NonStrict,
        Verdict::Informational,
        Verdict::Unsupported,
        Verdict::Error,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::NonStrict => "non-strict",
            Verdict::Informational => "informational",
            Verdict::Unsupported => "unsupported",
            Verdict::Error => "error",
        }
    }

    /// Whether the verdict alone makes a run unsuccessful.
    pub fn is_problem(self) -> bool {
        matches!(self, Verdict::Fail | Verdict::Error)
    }

    /// Whether the verdict judges the target: pass, fail or non-strict.
    pub fn is_judged(self) -> bool {
        matches!(self, Verdict::Pass | Verdict::Fail | Verdict::NonStrict)
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How much a finding weighs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Breaks a MUST.
    Fail,
    /// Breaks a SHOULD.
    NonStrict,
    /// Recorded only.
    Info,
    /// The target could not take part (timeout, crash, undecodable reply).
    Error,
}

/// One thing a check found, with what was expected and what came.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    /// The requirement broken, when the check belongs to one.
    pub requirement: Option<String>,
    /// Which check or expectation (`invariant: Status for SyncHdr first`, `step 1, CmdRef 3`).
    pub check: String,
    pub expected: String,
    pub actual: String,
    /// The exchange the finding is about (index into the transcript).
    pub exchange: Option<usize>,
}

/// Who sent a message of the transcript.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// The harness (as DM server) to the target.
    ToTarget,
    /// The target to the harness.
    FromTarget,
}

/// One message of a case's session, as sent, with a readable rendering.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Exchange {
    pub direction: Direction,
    /// `package 1`, `step 2`, `step 2 (next message)`, `cleanup`.
    pub label: String,
    pub content_type: String,
    /// The body as XML text (decoded first when it was WBXML), credentials redacted.
    pub text: String,
    /// The raw body in hex, when it was WBXML or did not decode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hex: Option<String>,
    /// Transport facts of a client message (`user-agent`, `:path`, `:client-cert-subject`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub transport: Vec<(String, String)>,
}

/// A status code the target returned, for snapshots and reports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StatusRecord {
    pub step: usize,
    pub cmd_ref: String,
    pub cmd: String,
    /// The Data of the Status as sent.
    pub code: String,
}

/// The result of one case in one encoding.
#[derive(Clone, Debug, Serialize)]
pub struct CaseRun {
    pub id: String,
    pub title: String,
    pub requirements: Vec<String>,
    pub encoding: Encoding,
    pub verdict: Verdict,
    pub findings: Vec<Finding>,
    pub statuses: Vec<StatusRecord>,
    pub transcript: Vec<Exchange>,
    /// The target profile's deviation entry that covers this case, with its reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_deviation: Option<String>,
    pub micros: u64,
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

    /// In a few words, why the run has its verdict when it judged nothing: the first
    /// finding of the weight that decided it (for an unsupported run, what the target
    /// profile does not claim).
    pub fn reason(&self) -> String {
        let decisive = match self.verdict {
            Verdict::Error => Severity::Error,
            Verdict::Fail => Severity::Fail,
            Verdict::NonStrict => Severity::NonStrict,
            _ => Severity::Info,
        };
        match self.findings.iter().find(|f| f.severity == decisive) {
            Some(f) if self.verdict == Verdict::Unsupported && f.check == "capabilities" => {
                format!("needs {} ({})", f.expected, f.actual)
            }
            Some(f) => f.actual.clone(),
            None if self.verdict == Verdict::Informational => {
                "the sources pin no code for what the case checks".into()
            }
            None => "no finding".into(),
        }
    }

    /// The verdict the findings add up to.
    pub fn verdict_from(findings: &[Finding], judged_anything: bool) -> Verdict {
        let worst = findings.iter().map(|f| f.severity).min_by_key(|s| match s {
            Severity::Error => 0,
            Severity::Fail => 1,
            Severity::NonStrict => 2,
            Severity::Info => 3,
        });
        match worst {
            Some(Severity::Error) => Verdict::Error,
            Some(Severity::Fail) => Verdict::Fail,
            Some(Severity::NonStrict) => Verdict::NonStrict,
            _ if judged_anything => Verdict::Pass,
            _ => Verdict::Informational,
        }
    }
}

impl serde::Serialize for Encoding {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(severity: Severity) -> Finding {
        Finding {
            severity,
            requirement: None,
            check: String::new(),
            expected: String::new(),
            actual: String::new(),
            exchange: None,
        }
    }

    #[test]
    fn the_worst_finding_decides() {
        use Severity::*;
        assert_eq!(CaseRun::verdict_from(&[], true), Verdict::Pass);
        assert_eq!(CaseRun::verdict_from(&[], false), Verdict::Informational);
        assert_eq!(
            CaseRun::verdict_from(&[finding(Info), finding(NonStrict)], true),
            Verdict::NonStrict
        );
        assert_eq!(
            CaseRun::verdict_from(&[finding(NonStrict), finding(Fail)], true),
            Verdict::Fail
        );
        assert_eq!(
            CaseRun::verdict_from(&[finding(Fail), finding(Error)], true),
            Verdict::Error
        );
    }
}
