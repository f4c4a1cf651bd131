//! How an [`Explanation`] prints as the CLI text of `dmconform explain`.

use super::{Explanation, Match, NoMapping, Origin, Outcome, StatusMapping, Subject};
use crate::catalog::hresult::format_hex;
use crate::catalog::query::Reading;
use std::fmt;

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.query.trim())?;
        let (findings, known) = match &self.outcome {
            Outcome::Invalid(error) => return writeln!(f, "  error: {error}"),
            Outcome::Found(findings) => (findings, true),
            Outcome::NotKnown(findings) => (findings, false),
        };
        let readings: Vec<String> = findings.readings.iter().map(Reading::to_string).collect();
        writeln!(f, "  read as: {}", readings.join("; or "))?;
        for mapping in &findings.mappings {
            writeln!(f, "  {mapping}")?;
        }
        for no_mapping in &findings.no_mappings {
            writeln!(f, "  {no_mapping}")?;
        }
        if known {
            for (subject, matches) in findings.by_subject() {
                writeln!(f, "  {subject}")?;
                for found in matches {
                    write!(f, "{found}")?;
                }
            }
        } else {
            writeln!(f, "  not known: no table has this code. Searched:")?;
            for search in &findings.searched {
                writeln!(f, "    {}: {}", search.table, search.key)?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for StatusMapping {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "mapping: SyncML status {} = HRESULT {} = {} (HRESULT = 0x87D10000 + status)",
            self.status,
            format_hex(self.hresult),
            self.signed()
        )
    }
}

impl fmt::Display for NoMapping {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            NoMapping::NotAStatus(number) => write!(
                f,
                "no HRESULT: {number} is not a SyncML status code (those are the assigned \
                 codes 101 to 517), and only a SyncML status has one (HRESULT = 0x87D10000 + status)"
            ),
            NoMapping::OffsetNotAStatus { hresult, offset } => write!(
                f,
                "no SyncML status: {} is 0x87D10000 + {offset}, but {offset} is not a SyncML \
                 status code (those are the assigned codes 101 to 517)",
                format_hex(hresult)
            ),
        }
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::SyncmlStatus {
                code,
                name: Some(name),
            } => write!(f, "SyncML status {code} ({name})"),
            Subject::SyncmlStatus { code, name: None } => write!(f, "SyncML status {code}"),
            Subject::Alert {
                code,
                name: Some(name),
                ..
            } => write!(f, "Alert code {code} ({})", name.to_lowercase()),
            Subject::Alert {
                code,
                name: None,
                range: (first, last),
            } => write!(f, "Alert code {code} (reserved, {first}–{last})"),
            Subject::OmaResponseCode { name, code } if name.is_empty() => write!(
                f,
                "Intune OMA response code {code} (printed without a name)"
            ),
            Subject::OmaResponseCode { name, code } => {
                write!(f, "{name} code {code} (an Intune OMA response code)")
            }
            Subject::Hresult(hresult) => write!(f, "Intune error {}", format_hex(*hresult)),
            Subject::IosServiceError(code) => write!(f, "iOS/iPadOS service error {code}"),
            Subject::AppInstallState(Some(code)) => {
                write!(f, "Windows app-install state {code}")
            }
            Subject::AppInstallState(None) => {
                f.write_str("Windows app-install state \"No status\"")
            }
            Subject::PortalError(Some(status)) => {
                write!(
                    f,
                    "iOS/iPadOS Company Portal error with HTTP status {status}"
                )
            }
            Subject::PortalError(None) => {
                f.write_str("iOS/iPadOS Company Portal error without an HTTP status")
            }
            Subject::EnrollmentError(codes) => {
                let codes: Vec<String> = codes.iter().map(|&code| format_hex(code)).collect();
                write!(f, "Intune enrollment error {}", codes.join(", "))
            }
            Subject::WindowsEnrollmentError(code) => {
                write!(f, "Windows enrollment error {}", format_hex(*code))
            }
        }
    }
}

impl fmt::Display for Match {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "    [{}, {}:{}] {}",
            self.table.title(),
            self.table,
            self.line,
            self.key
        )?;
        if !self.title.is_empty() {
            write!(f, "  {}", self.title)?;
        }
        writeln!(f)?;
        match self.origin {
            Origin::Table => {}
            Origin::Rule => writeln!(
                f,
                "        (derived by rule: HRESULT = 0x87D10000 + SyncML status)"
            )?,
            Origin::Offset => writeln!(
                f,
                "        (found as HRESULT 0x87D10000 + the number, which is no SyncML status)"
            )?,
        }
        writeln!(f, "        {}", self.text)?;
        if let Some(resolution) = &self.resolution {
            writeln!(f, "        What to do: {resolution}")?;
        }
        if let Some(translation) = &self.translation {
            writeln!(
                f,
                "        In English (translated for this catalog, not the publisher's words): {translation}"
            )?;
        }
        if let Some(source) = &self.source {
            writeln!(f, "        Source: {source}")?;
        }
        for note in &self.notes {
            writeln!(f, "        Note: {note}")?;
        }
        Ok(())
    }
}
