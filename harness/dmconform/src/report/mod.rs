//! Reports of a run: text for people at a terminal, JSON as the canonical
//! record, JUnit XML for CI systems, and for certification bundles a Markdown
//! summary and a self-contained HTML page.

pub mod coverage;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod page;
pub mod text;

use crate::run::RunReport;
use crate::spec::Suite;

/// The output formats of `dmconform run`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Junit,
    /// The Markdown summary of a certification bundle.
    Markdown,
    /// The self-contained HTML page of a certification bundle.
    Html,
}

/// Renders a report in a format.
pub fn render(format: Format, report: &RunReport, suite: &Suite) -> String {
    match format {
        Format::Text => text::render(report, suite),
        Format::Json => json::render(report, suite),
        Format::Junit => junit::render(report, suite),
        Format::Markdown => markdown::render(report, suite),
        Format::Html => html::render(report, suite),
    }
}

/// One more report of the same run, written to a file: `FORMAT=FILE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportFile {
    pub format: Format,
    pub path: std::path::PathBuf,
}

impl std::str::FromStr for ReportFile {
    type Err = String;

    fn from_str(s: &str) -> Result<ReportFile, String> {
        use clap::ValueEnum;
        let (format, path) = s
            .split_once('=')
            .ok_or_else(|| format!("{s:?}: expected FORMAT=FILE, e.g. junit=report.xml"))?;
        let format = Format::from_str(format, true).map_err(|_| {
            format!("{format:?} is not a report format (text, json, junit, markdown, html)")
        })?;
        if path.is_empty() {
            return Err(format!("{s:?}: the file name is missing"));
        }
        Ok(ReportFile {
            format,
            path: path.into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::{CaseRun, Finding, FindingKind, Severity, Verdict};
    use crate::wire::Encoding;

    /// A run in which every case was unsupported: nothing was judged.
    fn unsupported_only() -> RunReport {
        let run = CaseRun {
            id: "package1.client-basic".into(),
            title: "t".into(),
            requirements: Vec::new(),
            encoding: Encoding::Xml,
            verdict: Verdict::Unsupported,
            findings: vec![Finding {
                severity: Severity::Info,
                kind: FindingKind::Capability,
                requirement: None,
                check: "capabilities".into(),
                expected: "auth-basic".into(),
                actual: "the target profile does not claim it".into(),
                exchange: None,
            }],
            statuses: Vec::new(),
            transcript: Vec::new(),
            expected_deviation: None,
            micros: 1,
        };
        RunReport {
            target: "https://dm.example/".into(),
            profile: None,
            target_profile: "\"corp-mdm\" (corp.toml)".into(),
            runs: vec![run.clone(), run],
            unused_deviations: Vec::new(),
            expired_deviations: Vec::new(),
            micros: 1,
        }
    }

    #[test]
    fn every_report_for_people_names_the_target_profile_and_says_nothing_was_judged() {
        let report = unsupported_only();
        for format in [Format::Text, Format::Markdown, Format::Html] {
            let out = render(format, &report, &Suite::default());
            assert!(out.contains("Nothing was judged"), "{format:?}: {out}");
            assert!(out.contains("corp-mdm"), "{format:?}: {out}");
            assert!(
                out.contains("2 × unsupported: needs auth-basic"),
                "{format:?}: {out}"
            );
        }
        let mut judged = report;
        judged.runs[0].verdict = Verdict::Pass;
        for format in [Format::Text, Format::Markdown, Format::Html] {
            let out = render(format, &judged, &Suite::default());
            assert!(!out.contains("Nothing was judged"), "{format:?}: {out}");
        }
    }

    #[test]
    fn runs_that_say_the_same_and_exchanged_nothing_are_listed_once() {
        let mut report = unsupported_only();
        for (i, r) in report.runs.iter_mut().enumerate() {
            r.id = format!("case.{i}");
            r.verdict = Verdict::Error;
            r.findings[0].severity = Severity::Error;
            r.findings[0].check = "not sent".into();
            r.findings[0].actual = "the server gave nothing back".into();
        }
        let text = render(Format::Text, &report, &Suite::default());
        assert_eq!(
            text.matches("actual:   the server gave nothing back")
                .count(),
            1,
            "{text}"
        );
        assert!(
            text.contains(
                "… and 1 more case runs with the same finding and no exchange: case.1 [xml]"
            ),
            "{text}"
        );
        // A run that differs in what it says is described on its own.
        report.runs[1].findings[0].actual = "refused".into();
        let text = render(Format::Text, &report, &Suite::default());
        assert!(
            !text.contains("more case runs with the same finding"),
            "{text}"
        );
    }
}
