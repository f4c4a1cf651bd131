//! The text report: a summary line, the target profile used (and, when no case
//! run was judged, that and why), then the failures first, each with the
//! requirement's text, what was expected, what came, and the exchange. A finding
//! that repeats within a case run (the same rule and check, message after
//! message) is shown once, with a count and the exchanges it recurs in; the
//! bytes of a message that did not decode are shown in hex (redacted, capped).

use crate::run::RunReport;
use crate::spec::Suite;
use crate::verdict::{CaseRun, Exchange, Finding, Severity, Verdict};
use std::fmt::Write;

/// Lines of an exchange shown under a failure before it is cut.
const EXCHANGE_LINES: usize = 60;
/// Lines of hex shown for a message that did not decode (32 bytes a line).
const HEX_LINES: usize = 16;
/// Exchanges named for a finding that recurs.
const RECURRENCES_NAMED: usize = 5;

/// The summary line: counts per verdict and the time taken.
pub fn summary(report: &RunReport) -> String {
    let counts: Vec<String> = report
        .counts()
        .iter()
        .map(|(v, n)| format!("{n} {v}"))
        .collect();
    let unexpected = report.runs.iter().filter(|r| !r.as_expected()).count();
    format!(
        "{} case runs against {}: {} ({} not as expected) in {:.2} s",
        report.runs.len(),
        report.target,
        counts.join(", "),
        unexpected,
        report.micros as f64 / 1e6
    )
}

/// When no case run was judged, the lines that say so and why (the reasons counted).
pub fn nothing_judged(report: &RunReport) -> Option<String> {
    let reasons = report.nothing_judged()?;
    let mut out = String::from(
        "Nothing was judged: no case run passed, failed or was non-strict, so the run is not a success.\n",
    );
    if reasons.is_empty() {
        out.push_str("  no case run was selected\n");
    }
    for (n, why) in reasons {
        let _ = writeln!(out, "  {n} × {why}");
    }
    Some(out)
}

/// The whole text report.
pub fn render(report: &RunReport, suite: &Suite) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", summary(report));
    if !report.target_profile.is_empty() {
        let _ = writeln!(out, "Target profile: {}", report.target_profile);
    }
    if let Some(lines) = nothing_judged(report) {
        out.push('\n');
        out.push_str(&lines);
    }
    let mut problems: Vec<&CaseRun> = report.runs.iter().filter(|r| !r.as_expected()).collect();
    problems.sort_by_key(|r| (r.verdict != Verdict::Fail, r.id.clone(), r.encoding));
    for (r, alike) in alike_runs(&problems) {
        out.push('\n');
        describe(&mut out, r, suite);
        if !alike.is_empty() {
            let names: Vec<String> = alike
                .iter()
                .take(RUNS_NAMED)
                .map(|r| format!("{} [{}]", r.id, r.encoding))
                .collect();
            let more = if alike.len() > RUNS_NAMED {
                ", …"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "  … and {} more case runs with the same finding and no exchange: {}{more}",
                alike.len(),
                names.join(", ")
            );
        }
    }
    let expected: Vec<&CaseRun> = report
        .runs
        .iter()
        .filter(|r| r.as_expected() && r.expected_deviation.is_some())
        .collect();
    if !expected.is_empty() {
        let _ = writeln!(out, "\nExpected deviations (listed in the target profile):");
        for r in expected {
            let _ = writeln!(
                out,
                "  {} {} [{}]: {}",
                r.verdict.name().to_uppercase(),
                r.id,
                r.encoding,
                r.expected_deviation.as_deref().unwrap_or("")
            );
        }
    }
    for d in &report.unused_deviations {
        let _ = writeln!(
            out,
            "\nDeviation entry {d:?} in the target profile matches no case run."
        );
    }
    for d in &report.expired_deviations {
        let _ = writeln!(
            out,
            "\nDeviation entry {d} in the target profile no longer excuses a failure."
        );
    }
    if !problems.is_empty() {
        let _ = writeln!(out, "\n{}", summary(report));
    }
    out
}

fn describe(out: &mut String, r: &CaseRun, suite: &Suite) {
    let label = match (r.verdict, &r.expected_deviation) {
        (v, Some(_)) if !v.is_problem() => "UNEXPECTED PASS".to_string(),
        (v, _) => v.name().to_uppercase(),
    };
    let _ = writeln!(out, "{label} {} [{}]: {}", r.id, r.encoding, r.title);
    if let Some(reason) = &r.expected_deviation {
        let _ = writeln!(
            out,
            "  listed as a deviation ({reason}) but the case passed: remove the entry"
        );
    }
    let mut shown_exchange = std::collections::BTreeSet::new();
    let mut last_requirement = None;
    for group in repeated(&r.findings) {
        let f = group[0];
        if let Some(id) = &f.requirement
            && last_requirement.replace(id) != Some(id)
        {
            requirement_line(out, id, suite);
        }
        let _ = writeln!(out, "  {}", f.check);
        let _ = writeln!(out, "    expected: {}", f.expected);
        let _ = writeln!(out, "    actual:   {}", f.actual);
        if let Some(x) = f.exchange
            && shown_exchange.insert(x)
            && let Some(ex) = r.transcript.get(x)
        {
            exchange_lines(out, ex);
        }
        if group.len() > 1 {
            let labels: Vec<&str> = group[1..]
                .iter()
                .filter_map(|f| r.transcript.get(f.exchange?))
                .map(|ex| ex.label.as_str())
                .take(RECURRENCES_NAMED)
                .collect();
            let more = match labels.len() {
                0 => String::new(),
                n if n < group.len() - 1 => format!(": {}, …", labels.join(", ")),
                _ => format!(": {}", labels.join(", ")),
            };
            let _ = writeln!(
                out,
                "    … and {} more times in this case run{more}",
                group.len() - 1
            );
        }
    }
}

/// How many of the case runs alike another one are named under it.
const RUNS_NAMED: usize = 10;

/// The runs, each with the later runs that say exactly what it says and
/// exchanged nothing (e.g. the runs not sent to a server gone silent), in order.
fn alike_runs<'a>(runs: &[&'a CaseRun]) -> Vec<(&'a CaseRun, Vec<&'a CaseRun>)> {
    fn says(r: &CaseRun) -> (Verdict, Vec<(Severity, &str, &str, &str)>) {
        let findings = r
            .findings
            .iter()
            .map(|f| (f.severity, &*f.check, &*f.expected, &*f.actual))
            .collect();
        (r.verdict, findings)
    }
    let mut out: Vec<(&CaseRun, Vec<&CaseRun>)> = Vec::new();
    for &r in runs {
        let first = out.iter_mut().find(|(first, _)| {
            first.transcript.is_empty()
                && r.transcript.is_empty()
                && first.expected_deviation.is_none()
                && r.expected_deviation.is_none()
                && says(first) == says(r)
        });
        match first {
            Some((_, alike)) => alike.push(r),
            None => out.push((r, Vec::new())),
        }
    }
    out
}

/// The findings that are not informational, grouped by rule, check and
/// expectation, in the order each first occurs.
fn repeated(findings: &[Finding]) -> Vec<Vec<&Finding>> {
    let mut groups: Vec<Vec<&Finding>> = Vec::new();
    for f in findings.iter().filter(|f| f.severity != Severity::Info) {
        match groups.iter_mut().find(|g| {
            let first = g[0];
            first.requirement == f.requirement
                && first.check == f.check
                && first.expected == f.expected
        }) {
            Some(g) => g.push(f),
            None => groups.push(vec![f]),
        }
    }
    groups
}

fn requirement_line(out: &mut String, id: &str, suite: &Suite) {
    match suite.requirement(id) {
        Some(req) => {
            let level = format!("{:?}", req.level).to_lowercase();
            let _ = writeln!(
                out,
                "  requirement {id} ({level}, {} {}): {}",
                req.source,
                req.section,
                one_line(&req.text)
            );
        }
        None => {
            let _ = writeln!(out, "  requirement {id}");
        }
    }
}

/// An exchange under a finding: its label, transport facts, its text (cut), and
/// for a message that did not decode, the first bytes that came.
fn exchange_lines(out: &mut String, ex: &Exchange) {
    let _ = writeln!(out, "    exchange: {} ({})", ex.label, ex.content_type);
    if !ex.transport.is_empty() {
        let facts: Vec<String> = ex
            .transport
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect();
        let _ = writeln!(out, "    transport: {}", facts.join(" "));
    }
    let lines: Vec<&str> = ex.text.lines().collect();
    for l in lines.iter().take(EXCHANGE_LINES) {
        let _ = writeln!(out, "      | {l}");
    }
    if lines.len() > EXCHANGE_LINES {
        let _ = writeln!(
            out,
            "      | … {} more lines (--format json has the whole transcript)",
            lines.len() - EXCHANGE_LINES
        );
    }
    let undecoded = ex.text.starts_with('(');
    if let Some(hex) = ex.hex.as_deref().filter(|_| undecoded) {
        let hex_lines: Vec<&str> = hex.lines().collect();
        let _ = writeln!(out, "    bytes that came (hex, credentials blotted):");
        for l in hex_lines.iter().take(HEX_LINES) {
            let _ = writeln!(out, "      | {l}");
        }
        if hex_lines.len() > HEX_LINES {
            let _ = writeln!(
                out,
                "      | … {} more lines (--format json has them all)",
                hex_lines.len() - HEX_LINES
            );
        }
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
