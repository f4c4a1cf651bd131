//! The JUnit XML report: one testcase per case and encoding, `failure` for
//! fail, `error` for error, `skipped` for unsupported, written with the
//! project's own XML writer.

use crate::run::RunReport;
use crate::spec::Suite;
use crate::verdict::{CaseRun, Severity, Verdict};
use syncml::tree::Element;

/// The report as JUnit XML text.
pub fn render(report: &RunReport, _suite: &Suite) -> String {
    let count = |v: Verdict| report.runs.iter().filter(|r| r.verdict == v).count();
    let mut suite = Element::new("testsuite")
        .with_attr("name", "dmconform")
        .with_attr("tests", report.runs.len().to_string())
        .with_attr("failures", count(Verdict::Fail).to_string())
        .with_attr("errors", count(Verdict::Error).to_string())
        .with_attr("skipped", count(Verdict::Unsupported).to_string())
        .with_attr("time", secs(report.micros));
    for r in &report.runs {
        suite.push(testcase(r));
    }
    let root = Element::new("testsuites").with_child(suite);
    let opts = syncml::xml::WriteOptions {
        declaration: true,
        indent: Some(2),
    };
    String::from_utf8_lossy(&syncml::xml::write(&root, &opts)).into_owned()
}

fn testcase(r: &CaseRun) -> Element {
    let class = r.id.split('.').next().unwrap_or("dmconform");
    let mut tc = Element::new("testcase")
        .with_attr("classname", format!("dmconform.{class}"))
        .with_attr("name", format!("{} [{}]", r.id, r.encoding))
        .with_attr("time", secs(r.micros));
    let message = r
        .findings
        .iter()
        .filter(|f| f.severity != Severity::Info)
        .map(|f| {
            format!(
                "{}{}: expected {}; actual {}",
                f.requirement
                    .as_deref()
                    .map(|q| format!("[{q}] "))
                    .unwrap_or_default(),
                f.check,
                f.expected,
                f.actual
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    let transcript = r
        .transcript
        .iter()
        .map(|x| format!("--- {} ({})\n{}", x.label, x.content_type, x.text))
        .collect::<Vec<_>>()
        .join("\n");
    let problem = |name: &str| {
        Element::text(name, format!("{message}\n\n{transcript}"))
            .with_attr("message", message.lines().next().unwrap_or("").to_string())
            .with_attr("type", r.verdict.name())
    };
    match r.verdict {
        Verdict::Fail if r.expected_deviation.is_none() => tc.push(problem("failure")),
        Verdict::Error if r.expected_deviation.is_none() => tc.push(problem("error")),
        Verdict::Unsupported => tc.push(
            Element::new("skipped").with_attr(
                "message",
                r.findings
                    .first()
                    .map(|f| format!("needs {}", f.expected))
                    .unwrap_or_default(),
            ),
        ),
        _ if r.expected_deviation.is_some() && !r.verdict.is_problem() => tc.push(
            Element::text(
                "failure",
                "the case passed but the target profile lists it as a deviation",
            )
            .with_attr("message", "unexpected pass")
            .with_attr("type", "unexpected-pass"),
        ),
        _ => tc.push(Element::text(
            "system-out",
            format!("verdict: {}", r.verdict),
        )),
    }
    tc
}

fn secs(micros: u64) -> String {
    format!("{:.6}", micros as f64 / 1e6)
}
