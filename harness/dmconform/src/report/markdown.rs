//! The Markdown summary of a certification bundle: counts per verdict, the
//! runs not as expected with their requirements' text, expected deviations,
//! deviation entries that match nothing or have expired, and the requirement
//! coverage figures; the target profile used, and when nothing was judged, why.

use super::coverage::{coverage, outcome_counts};
use crate::run::RunReport;
use crate::spec::Suite;
use std::fmt::Write;

/// The summary as Markdown text.
pub fn render(report: &RunReport, suite: &Suite) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Conformance of {}\n", cell(&report.target));
    let _ = writeln!(
        out,
        "dmconform {}, profile {}, specs SHA-256 `{}`.\n",
        env!("CARGO_PKG_VERSION"),
        report.profile.as_deref().unwrap_or("all"),
        crate::digest::specs_digest()
    );
    if !report.target_profile.is_empty() {
        let _ = writeln!(out, "Target profile: {}.\n", cell(&report.target_profile));
    }
    if let Some(lines) = super::text::nothing_judged(report) {
        let mut lines = lines.lines();
        let head = lines.next().unwrap_or_default();
        let _ = writeln!(out, "**{}**\n", cell(head));
        for why in lines {
            let _ = writeln!(out, "- {}", cell(why.trim()));
        }
        out.push('\n');
    }
    let _ = writeln!(out, "| Verdict | Case runs |\n|---|---:|");
    for (v, n) in report.counts() {
        let _ = writeln!(out, "| {v} | {n} |");
    }
    let unexpected: Vec<_> = report.runs.iter().filter(|r| !r.as_expected()).collect();
    let _ = writeln!(
        out,
        "\n{} case runs, {} not as expected.\n",
        report.runs.len(),
        unexpected.len()
    );
    if !unexpected.is_empty() {
        let _ = writeln!(out, "## Not as expected\n");
        for r in unexpected {
            let label = if r.verdict.is_problem() {
                r.verdict.name().to_uppercase()
            } else {
                "UNEXPECTED PASS".into()
            };
            let _ = writeln!(
                out,
                "- **{label}** `{}` [{}]: {}",
                r.id,
                r.encoding,
                cell(&r.title)
            );
            for id in &r.requirements {
                let text = suite.requirement(id).map_or("", |q| q.text.as_str());
                let _ = writeln!(out, "  - `{id}`: {}", cell(text));
            }
            for f in r
                .findings
                .iter()
                .filter(|f| f.severity != crate::verdict::Severity::Info)
            {
                let _ = writeln!(
                    out,
                    "  - {}: expected {}; actual {}",
                    cell(&f.check),
                    cell(&f.expected),
                    cell(&f.actual)
                );
            }
        }
        out.push('\n');
    }
    let waived: Vec<_> = report
        .runs
        .iter()
        .filter(|r| r.as_expected() && r.expected_deviation.is_some())
        .collect();
    if !waived.is_empty() {
        let _ = writeln!(out, "## Expected deviations\n");
        for r in waived {
            let _ = writeln!(
                out,
                "- `{}` [{}] {}: {}",
                r.id,
                r.encoding,
                r.verdict,
                cell(r.expected_deviation.as_deref().unwrap_or(""))
            );
        }
        out.push('\n');
    }
    let notes: Vec<String> = report
        .unused_deviations
        .iter()
        .map(|d| format!("- Deviation entry `{}` matches no case run.", cell(d)))
        .chain(report.expired_deviations.iter().map(|d| {
            format!(
                "- Deviation entry `{}` has expired and no longer excuses a failure.",
                cell(d)
            )
        }))
        .collect();
    if !notes.is_empty() {
        let _ = writeln!(out, "## Target profile\n\n{}\n", notes.join("\n"));
    }
    let cov = coverage(report, suite);
    let covered = cov.iter().filter(|c| c.covered).count();
    let _ = writeln!(
        out,
        "## Requirement coverage\n\n{} requirements, {covered} covered by a case or the invariants.\n",
        cov.len()
    );
    let _ = writeln!(out, "| Outcome | Requirements |\n|---|---:|");
    for (o, n) in outcome_counts(&cov) {
        let _ = writeln!(out, "| {} | {n} |", o.name());
    }
    out
}

/// Text from the target or the specs made safe for one Markdown line: no line
/// breaks, no table bars, no HTML.
fn cell(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
