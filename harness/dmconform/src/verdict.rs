//! Verdicts, findings and transcripts: what a case run produces.

use crate::wire::Encoding;
use serde::{Deserialize, Serialize};
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
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

impl Severity {
    /// How grave: a target that could not take part, then a MUST broken, a SHOULD,
    /// a record. The verdict of several findings is that of the gravest.
    pub fn gravity(self) -> u8 {
        match self {
            Severity::Error => 3,
            Severity::Fail => 2,
            Severity::NonStrict => 1,
            Severity::Info => 0,
        }
    }

    /// The word reports use (as in JSON).
    pub fn word(self) -> &'static str {
        match self {
            Severity::Fail => "fail",
            Severity::NonStrict => "non-strict",
            Severity::Info => "info",
            Severity::Error => "error",
        }
    }
}

/// What made a finding. The harness decides on the kind, never on a finding's
/// text: a target's refusal makes a case `unsupported` ([`crate::run`]), and a
/// campaign names a failure by its invariant or by the rest of the check.
/// The kind is set where the finding is made, beside the words of `check`
/// that say the same to a reader; it is not serialised, so reports carry only
/// those words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FindingKind {
    /// An invariant that holds on every exchange (`invariant: …`), either role.
    Invariant,
    /// An expectation of a case's step (`step 1, CmdRef "3"`, `step 2: Alert 1222`).
    Expectation,
    /// A named check the case asked for (`check cred.md5`).
    NamedCheck,
    /// The target profile does not claim what the case needs (`capabilities`).
    Capability,
    /// The target itself answered that it does not support the case (`target: unsupported`).
    RefusedByTarget,
    /// The exchange failed: a timeout, a crash, an undecodable reply (`exchange`).
    Exchange,
    /// A server case could not make its point with this server (`not exercised`).
    NotExercised,
}

/// One thing a check found, with what was expected and what came.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    /// What made the finding, for decisions; not in reports.
    #[serde(skip)]
    pub kind: FindingKind,
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
            kind: FindingKind::Expectation,
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
