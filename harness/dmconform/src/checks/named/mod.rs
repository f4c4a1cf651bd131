//! The named checks a case may ask for (`checks = [...]`), for what a status
//! code cannot express: [`run`] runs one [`NamedCheck`]. The checks are on the
//! content of package 1 (`package1`), the client's Basic and MD5 credentials
//! (`cred`) or HMAC (`hmac`), and where it posts (`transport`); the credential
//! formulas they compute are in `credentials`.

mod check;
mod cred;
mod credentials;
mod hmac;
mod nonces;
mod package1;
mod transport;

pub use check::NamedCheck;
pub use credentials::{basic_credential, hmac_mac, md5_credential};

use crate::client::session::Turn;
use crate::profile::TargetProfile;
use crate::spec::Level;
use crate::transcript::Received;
use crate::verdict::{Finding, FindingKind, Severity};
use cred::Scheme;

/// The client's messages that answered the steps a named check looks at.
#[derive(Clone, Copy, Debug, Default)]
pub struct Answers<'a> {
    /// The message that followed the first step carrying a RespURI.
    pub after_respuri: Option<&'a Received>,
}

/// The requirement a named check judges for its case: its id and its level in the
/// registry, which sets the severity of a finding (a SHOULD or MAY gives `non-strict`).
#[derive(Clone, Copy, Debug)]
pub struct Rule<'a> {
    pub id: &'a str,
    pub level: Level,
}

impl Rule<'_> {
    fn severity(self) -> Severity {
        match self.level {
            Level::Must => Severity::Fail,
            Level::Should | Level::May => Severity::NonStrict,
        }
    }
}

/// What a check expected and what it found instead, if it found a problem.
type Problem = Option<(String, String)>;

/// A problem and the exchange of the client message it was found in.
type Located = Option<((String, String), Option<usize>)>;

/// Runs one named check. `turns` are the client's messages, package 1 first; a
/// finding names `requirement` and takes its severity from that requirement's level
/// (a MUST when none is given).
pub fn run(
    check: NamedCheck,
    turns: &[Turn],
    answers: Answers<'_>,
    profile: &TargetProfile,
    requirement: Option<Rule<'_>>,
) -> Option<Finding> {
    let first = &turns.first()?.received;
    let m = &first.decoded.message;
    let on_first = |p: Problem| p.map(|p| (p, Some(first.exchange)));
    let problem = match check {
        NamedCheck::AlertInitiated => on_first(package1::alert_initiated(m)),
        NamedCheck::DevInfo => on_first(package1::devinfo(m)),
        NamedCheck::LoginStatus => on_first(package1::login_status(m)),
        NamedCheck::SessionIdFormat => on_first(package1::sessionid_format(m)),
        NamedCheck::SourceDevId => on_first(package1::source_devid(m)),
        NamedCheck::HmacClient => hmac::hmac_every_message(turns, profile),
        NamedCheck::CredBasic => cred::creds_every_message(turns, profile, Scheme::Basic),
        NamedCheck::CredMd5 => cred::creds_every_message(turns, profile, Scheme::Md5),
        NamedCheck::CredAfterChallenge => cred::after_challenges(turns, profile),
        NamedCheck::RespUri => transport::respuri_followed(answers.after_respuri, profile),
    };
    problem.map(|((expected, actual), exchange)| Finding {
        severity: requirement.map_or(Severity::Fail, Rule::severity),
        kind: FindingKind::NamedCheck,
        requirement: requirement.map(|r| r.id.to_string()),
        check: format!("check {check}"),
        expected,
        actual,
        exchange,
    })
}

#[cfg(test)]
mod tests;
