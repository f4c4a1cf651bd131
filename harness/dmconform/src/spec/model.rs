//! The data model of `specs/`: requirements, sources and cases, as read from TOML.
//! The format is described in `specs/README.md`.

use super::words::{Answer, Capability, Challenge, CredWord};
use crate::checks::named::NamedCheck;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How binding a requirement is.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Must,
    Should,
    May,
}

/// Whom a requirement or a case is about.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Client,
    Server,
    Both,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Client => "client",
            Role::Server => "server",
            Role::Both => "both",
        }
    }
}

/// One normative statement.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    pub id: String,
    pub level: Level,
    pub profiles: Vec<String>,
    pub role: Role,
    pub source: String,
    pub section: String,
    pub text: String,
    #[serde(default)]
    pub note: Option<String>,
}

impl Requirement {
    /// Whether the registry says the always-on invariants check this requirement.
    pub fn checked_by_invariants(&self) -> bool {
        self.note
            .as_deref()
            .is_some_and(|n| n.contains("checked by the invariants"))
    }
}

/// A file of requirements.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequirementFile {
    #[serde(default)]
    pub requirement: Vec<Requirement>,
}

/// A source document named by the registry.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub title: String,
    #[serde(rename = "where")]
    pub location: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// `requirements/sources.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceFile {
    pub sources: BTreeMap<String, Source>,
}

/// A file of cases.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CaseFile {
    #[serde(default)]
    pub case: Vec<Case>,
}

/// One case: what is sent, and what the sources allow as an answer.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub id: String,
    pub title: String,
    pub requirements: Vec<String>,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub profiles: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub encodings: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub needs: Vec<Capability>,
    /// The named checks the case asks for; an unknown name fails the file's loading.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<NamedCheck>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub step: Vec<Step>,
    /// The file the case came from, relative to `specs/` (set by the loader).
    #[serde(skip)]
    pub file: String,
    /// The level of each of its requirements in the registry (set by the loader).
    #[serde(skip)]
    pub levels: BTreeMap<String, Level>,
}

/// One server message of a case and what must hold of the reply.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// A set-up step: it prepares what the case's own steps need (the node an Atomic
    /// works in). Its expectations are judged under their own `requirement`; one that
    /// does not hold leaves the case's requirements not exercised, and the case stops.
    #[serde(default, skip_serializing_if = "is_false")]
    pub setup: bool,
    /// End the session before this step and check package 1 of the next one, which the
    /// client opens; the step sends nothing, its expectations apply to that package 1.
    #[serde(default, skip_serializing_if = "is_false")]
    pub new_session: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw: Option<String>,
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub r#final: bool,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub header: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expect: Vec<Expectation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alerts: Vec<u16>,
    /// A Generic Alert (1226) the client's message must carry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generic_alert: Option<GenericAlertSpec>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub ends: bool,
    /// `should`: a client that does not end the session is non-strict, not failing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends_level: Option<Level>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hdr_status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chal: Option<Challenge>,
    /// Server cases: the credentials of this client message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cred: Option<CredWord>,
    /// Server cases: how the harness answers the server's last commands (default `ok`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<Answer>,
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// What a Generic Alert (1226) from the client must carry. Whatever is named must match
/// exactly (after placeholders); in any case its Item has Meta Type and Format, and the
/// Type is a URN of a reversed domain name or a MIME type, in any form the sources write
/// (`Reversed-Domain-Name:com.microsoft.mdm.…`, `com.microsoft:mdm.…`, `org.openmobilealliance.…`).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(deny_unknown_fields)]
pub struct GenericAlertSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
}

/// What must hold of the Status (and Results) for one command.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    pub cmdref: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cmd: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<StatusSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub results: Option<ResultsSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    /// A Status with a success code must carry an Item with Data (the text typed in answer
    /// to a TEXT INPUT Alert, 1102).
    #[serde(default, skip_serializing_if = "is_false")]
    pub item_data: bool,
    /// The requirement the expectation checks, when it is not the case's first: the rule
    /// of a set-up step's own command (`oma.add.creates`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requirement: Option<String>,
}

/// The allowed status codes, as written in a case.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum StatusSpec {
    Code(u16),
    AnyOf(Vec<u16>),
    Word(String),
}

/// What a Results must carry, or that none may come.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum ResultsSpec {
    Word(String),
    Expected {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        data: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        format: Option<String>,
    },
}
