//! How an invariant reports what it found: a failing [`Finding`] that cites its
//! requirement, with commands and values shown the same way in every one.

use crate::verdict::{Finding, FindingKind, Severity};
use syncml::{Command, CommandKind};

/// A broken invariant: `invariant: {check}`, against requirement `req`, in reply `exchange`.
pub(crate) fn finding(
    req: &str,
    check: &str,
    expected: impl Into<String>,
    actual: impl Into<String>,
    exchange: usize,
) -> Finding {
    Finding {
        severity: Severity::Fail,
        kind: FindingKind::Invariant,
        requirement: Some(req.to_string()),
        check: format!("invariant: {check}"),
        expected: expected.into(),
        actual: actual.into(),
        exchange: Some(exchange),
    }
}

/// The same finding, made non-strict: the rule it checks is a SHOULD, or the sources
/// leave the choice it flags.
pub(crate) fn non_strict(f: Finding) -> Finding {
    Finding {
        severity: Severity::NonStrict,
        ..f
    }
}

/// `Status (CmdRef 3, Cmd Add, 200)`, `Get 4`.
pub fn describe_command(c: &Command) -> String {
    match c.kind {
        CommandKind::Status => format!(
            "Status (CmdRef {}, Cmd {}, {})",
            shown(&c.cmd_ref),
            shown(&c.cmd),
            c.data
                .as_ref()
                .map_or("no Data".into(), |d| d.as_text().trim().to_string())
        ),
        k => format!("{k} {}", shown(&c.cmd_id)),
    }
}

/// A field as found, quoted and trimmed, or `(missing)`.
pub(super) fn shown(v: &Option<String>) -> String {
    match v {
        Some(s) => format!("{:?}", s.trim()),
        None => "(missing)".into(),
    }
}
