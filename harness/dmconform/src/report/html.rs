//! The HTML certification report, one self-contained page: the summary, the
//! requirement coverage and requirement × verdict view, the runs not as
//! expected first (requirement text, expected and actual, statuses with their
//! names and HRESULTs, the whole transcript), then every other run folded.
//! Everything the target sent is escaped.

use super::coverage::{RequirementCoverage, coverage, outcome_counts};
use super::page::{class, esc, page};
use crate::run::RunReport;
use crate::spec::Suite;
use crate::verdict::{CaseRun, Direction, Exchange, Severity, StatusRecord, Verdict};
use std::fmt::Write;

/// How many runs not as expected are shown unfolded; the rest start folded.
const OPEN_FAILURES: usize = 5;

/// The report as one HTML page.
pub fn render(report: &RunReport, suite: &Suite) -> String {
    let mut b = String::new();
    let _ = writeln!(
        b,
        "<h1>Conformance of {}</h1>\n<p class=\"meta\">dmconform {} · profile {} · \
         {} case runs in {:.1} s · specs SHA-256 <code>{}</code></p>",
        esc(&report.target),
        env!("CARGO_PKG_VERSION"),
        esc(report.profile.as_deref().unwrap_or("all")),
        report.runs.len(),
        report.micros as f64 / 1e6,
        crate::digest::specs_digest()
    );
    if !report.target_profile.is_empty() {
        let _ = writeln!(
            b,
            "<p class=\"meta\">target profile {}</p>",
            esc(&report.target_profile)
        );
    }
    if let Some(lines) = super::text::nothing_judged(report) {
        let mut lines = lines.lines();
        let head = lines.next().unwrap_or_default();
        let _ = writeln!(
            b,
            "<p class=\"nothing\"><strong>{}</strong></p>\n<ul>",
            esc(head)
        );
        for why in lines {
            let _ = writeln!(b, "<li>{}</li>", esc(why.trim()));
        }
        b.push_str("</ul>\n");
    }
    summary(&mut b, report);
    let cov = coverage(report, suite);
    coverage_section(&mut b, &cov);
    let (unexpected, rest): (Vec<&CaseRun>, Vec<&CaseRun>) =
        report.runs.iter().partition(|r| !r.as_expected());
    let _ = writeln!(b, "<h2>Not as expected ({})</h2>", unexpected.len());
    if unexpected.is_empty() {
        b.push_str("<p>Every case run is as the target profile leads one to expect.</p>\n");
    }
    for (i, r) in unexpected.iter().enumerate() {
        case_run(&mut b, r, suite, i < OPEN_FAILURES);
    }
    let _ = writeln!(b, "<h2>All other case runs ({})</h2>", rest.len());
    for r in &rest {
        case_run(&mut b, r, suite, false);
    }
    page(&format!("dmconform: {}", report.target), &b)
}

fn summary(b: &mut String, report: &RunReport) {
    b.push_str("<h2>Summary</h2>\n<div class=\"cards\">\n");
    let unexpected = report.runs.iter().filter(|r| !r.as_expected()).count();
    let _ = writeln!(
        b,
        "<div class=\"card {}\"><b>{unexpected}</b>not as expected</div>",
        if unexpected == 0 { "pass" } else { "fail" }
    );
    for (v, n) in report.counts() {
        let _ = writeln!(b, "{}", card(v.name(), n));
    }
    b.push_str("</div>\n");
    let notes = report
        .unused_deviations
        .iter()
        .map(|d| format!("Deviation entry {} matches no case run.", esc(d)))
        .chain(report.expired_deviations.iter().map(|d| {
            format!(
                "Deviation entry {} has expired and no longer excuses a failure.",
                esc(d)
            )
        }))
        .chain(report.unexpected_passes().map(|r| {
            format!(
                "{} [{}] is listed as a deviation but passed: remove the entry.",
                esc(&r.id),
                r.encoding
            )
        }));
    for n in notes {
        let _ = writeln!(b, "<p>{n}</p>");
    }
}

/// A count with its label; a zero is shown muted, whatever it counts.
fn card(name: &str, n: usize) -> String {
    let zero = if n == 0 { " zero" } else { "" };
    format!(
        "<div class=\"card {}{zero}\"><b>{n}</b>{}</div>",
        class(name),
        esc(name)
    )
}

fn coverage_section(b: &mut String, cov: &[RequirementCoverage<'_>]) {
    let covered = cov.iter().filter(|c| c.covered).count();
    let _ = writeln!(
        b,
        "<h2>Requirement coverage</h2>\n<p>{} requirements of the profile, {covered} covered by a case or the invariants.</p>\n<div class=\"cards\">",
        cov.len()
    );
    for (o, n) in outcome_counts(cov) {
        let _ = writeln!(b, "{}", card(o.name(), n));
    }
    b.push_str("</div>\n<details><summary>Requirement × verdict</summary>\n<table>\n<tr><th>Requirement</th><th>Level</th><th>Outcome</th>");
    for v in Verdict::ALL {
        let _ = write!(b, "<th>{v}</th>");
    }
    b.push_str("<th>Text</th></tr>\n");
    for c in cov {
        let _ = write!(
            b,
            "<tr><td><code>{}</code></td><td>{}</td><td><span class=\"v {}\">{}</span></td>",
            esc(c.id),
            format!("{:?}", c.requirement.level).to_lowercase(),
            c.outcome.name(),
            c.outcome.name()
        );
        for v in Verdict::ALL {
            match c.verdicts.get(&v) {
                Some(n) => {
                    let _ = write!(b, "<td class=\"n\">{n}</td>");
                }
                None => b.push_str("<td></td>"),
            }
        }
        let _ = writeln!(b, "<td>{}</td></tr>", esc(&one_line(&c.requirement.text)));
    }
    b.push_str("</table>\n</details>\n");
}

fn case_run(b: &mut String, r: &CaseRun, suite: &Suite, open: bool) {
    let (label, cls) = match (&r.expected_deviation, r.verdict.is_problem()) {
        (Some(_), false) => ("unexpected pass".to_string(), "unexpected-pass".to_string()),
        (Some(_), true) => (format!("{} (expected)", r.verdict), "waived".to_string()),
        _ => (r.verdict.name().to_string(), class(r.verdict.name())),
    };
    let _ = writeln!(
        b,
        "<details{}><summary><span class=\"v {cls}\">{}</span> <code>{}</code> [{}] {}</summary>",
        if open { " open" } else { "" },
        esc(&label),
        esc(&r.id),
        r.encoding,
        esc(&r.title)
    );
    for id in &r.requirements {
        match suite.requirement(id) {
            Some(q) => {
                let _ = writeln!(
                    b,
                    "<p class=\"req\"><code>{}</code> ({}, {} {}): {}</p>",
                    esc(id),
                    format!("{:?}", q.level).to_lowercase(),
                    esc(&q.source),
                    esc(&q.section),
                    esc(&one_line(&q.text))
                );
            }
            None => {
                let _ = writeln!(b, "<p class=\"req\"><code>{}</code></p>", esc(id));
            }
        }
    }
    if let Some(reason) = &r.expected_deviation {
        let _ = writeln!(b, "<p>Deviation entry: {}</p>", esc(reason));
    }
    for f in &r.findings {
        let sev = match f.severity {
            Severity::Fail | Severity::Error => "",
            Severity::NonStrict => " non-strict",
            Severity::Info => " info",
        };
        let _ = writeln!(
            b,
            "<div class=\"finding{sev}\"><b>{}</b>{}<br>expected: {}<br>actual: {}</div>",
            esc(&f.check),
            f.requirement
                .as_deref()
                .map(|q| format!(" <code>{}</code>", esc(q)))
                .unwrap_or_default(),
            esc(&f.expected),
            esc(&f.actual)
        );
    }
    statuses(b, &r.statuses);
    for (i, x) in r.transcript.iter().enumerate() {
        exchange(b, i, x);
    }
    b.push_str("</details>\n");
}

fn statuses(b: &mut String, statuses: &[StatusRecord]) {
    if statuses.is_empty() {
        return;
    }
    b.push_str("<table>\n<tr><th>Step</th><th>CmdRef</th><th>Command</th><th>Status</th><th>Name</th><th>HRESULT</th></tr>\n");
    for s in statuses {
        let code = syncml::catalog::read_status_code(&s.code);
        let name = code
            .and_then(syncml::catalog::syncml_status)
            .map_or("", |i| i.name.as_str());
        let hresult = code
            .and_then(syncml::catalog::hresult_for_status)
            .map(syncml::catalog::format_hex)
            .unwrap_or_default();
        let _ = writeln!(
            b,
            "<tr><td class=\"n\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
            s.step,
            esc(&s.cmd_ref),
            esc(&s.cmd),
            esc(&s.code),
            esc(name),
            esc(&hresult)
        );
    }
    b.push_str("</table>\n");
}

fn exchange(b: &mut String, index: usize, x: &Exchange) {
    let dir = match x.direction {
        Direction::ToTarget => "harness → target",
        Direction::FromTarget => "target → harness",
    };
    let _ = writeln!(
        b,
        "<details><summary>#{index} {} <span class=\"dir\">{dir} · {}</span></summary>",
        esc(&x.label),
        esc(&x.content_type)
    );
    if !x.transport.is_empty() {
        let facts: Vec<String> = x
            .transport
            .iter()
            .map(|(n, v)| format!("{}={}", esc(n), esc(v)))
            .collect();
        let _ = writeln!(b, "<p class=\"dir\">transport: {}</p>", facts.join(" "));
    }
    match &x.hex {
        Some(hex) => {
            let _ = writeln!(
                b,
                "<div class=\"wire\"><div><h3>Decoded</h3><pre>{}</pre></div><div><h3>Bytes (hex)</h3><pre>{}</pre></div></div>",
                esc(&x.text),
                esc(hex)
            );
        }
        None => {
            let _ = writeln!(
                b,
                "<div class=\"wire single\"><pre>{}</pre></div>",
                esc(&x.text)
            );
        }
    }
    b.push_str("</details>\n");
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::RunReport;
    use crate::verdict::Finding;
    use crate::wire::Encoding;

    #[test]
    fn what_the_target_sent_is_escaped() {
        let hostile = "<script>alert(1)</script><img src=x onerror=y>";
        let run = CaseRun {
            id: "x.case".into(),
            title: hostile.into(),
            requirements: vec!["no.such".into()],
            encoding: Encoding::Wbxml,
            verdict: Verdict::Fail,
            findings: vec![Finding {
                severity: Severity::Fail,
                kind: crate::verdict::FindingKind::Expectation,
                requirement: None,
                check: "c".into(),
                expected: "e".into(),
                actual: hostile.into(),
                exchange: Some(0),
            }],
            statuses: vec![StatusRecord {
                step: 1,
                cmd_ref: hostile.into(),
                cmd: "Get".into(),
                code: "404".into(),
            }],
            transcript: vec![Exchange {
                direction: Direction::FromTarget,
                label: "step 1 (reply)".into(),
                content_type: hostile.into(),
                text: format!("<SyncML>{hostile} http://evil.example/</SyncML>"),
                hex: Some("03 01".into()),
                transport: vec![("user-agent".into(), hostile.into())],
            }],
            expected_deviation: None,
            micros: 1,
        };
        let report = RunReport {
            target: hostile.into(),
            profile: None,
            target_profile: String::new(),
            runs: vec![run],
            unused_deviations: Vec::new(),
            expired_deviations: Vec::new(),
            micros: 1,
        };
        let html = render(&report, &Suite::default());
        for bad in ["<script", "<img", "src=\"", "http://", "https://", "<link"] {
            assert!(!html.contains(bad), "{bad} in the page");
        }
        assert!(html.contains("&lt;script&gt;"));
        let name = &syncml::catalog::syncml_status(404).unwrap().name;
        let hresult =
            syncml::catalog::format_hex(syncml::catalog::hresult_for_status(404).unwrap());
        assert!(html.contains(&format!(
            "<td>404</td><td>{}</td><td><code>{hresult}</code>",
            esc(name)
        )));
    }
}
