//! The snapshot of a case run: the verdict and every status code the target
//! returned, each with its name and the HRESULT administrators see for it under
//! `syncml::catalog::hresult_for_status` (SyncML 418 → 0x87D101A2, 200 →
//! 0x87D100C8; none for a code that is no SyncML status). A change in
//! behaviour, even inside an allowed set, shows as a snapshot diff.

use crate::verdict::CaseRun;
use std::fmt::Write;

/// The snapshot text of one case run.
pub fn render(run: &CaseRun) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "case: {} [{}]", run.id, run.encoding);
    let _ = writeln!(out, "verdict: {}", run.verdict);
    for s in &run.statuses {
        let code = syncml::catalog::read_status_code(&s.code);
        let name = code
            .and_then(syncml::catalog::syncml_status)
            .map_or("(unknown code)".to_string(), |i| i.name.to_string());
        let hresult = code
            .and_then(syncml::catalog::hresult_for_status)
            .map(|h| format!("  HRESULT {}", syncml::catalog::format_hex(h)))
            .unwrap_or_default();
        let cmd_ref = if s.cmd_ref.is_empty() {
            "(blank)"
        } else {
            s.cmd_ref.as_str()
        };
        let _ = writeln!(
            out,
            "step {} CmdRef {:<7} {:<9} {} {}{}",
            s.step, cmd_ref, s.cmd, s.code, name, hresult
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::RunReport;
    use crate::spec::Suite;
    use crate::verdict::{StatusRecord, Verdict};
    use crate::wire::Encoding;

    /// A run whose target answered with each of `codes`, one Status apiece.
    fn run_with(codes: &[&str]) -> CaseRun {
        CaseRun {
            id: "x.case".into(),
            title: "t".into(),
            requirements: Vec::new(),
            encoding: Encoding::Xml,
            verdict: Verdict::Pass,
            findings: Vec::new(),
            statuses: codes
                .iter()
                .enumerate()
                .map(|(i, code)| StatusRecord {
                    step: 1,
                    cmd_ref: (i + 1).to_string(),
                    cmd: "Get".into(),
                    code: (*code).into(),
                })
                .collect(),
            transcript: Vec::new(),
            expected_deviation: None,
            micros: 1,
        }
    }

    #[test]
    fn snapshot_json_report_html_page_and_explain_agree_on_every_hresult() {
        let codes = [
            "200", "212", "101", "418", "500", "0", "99", "515", "1000", "1222", "abc", "",
        ];
        let run = run_with(&codes);
        let snapshot = render(&run);
        let report = RunReport {
            target: "t".into(),
            profile: None,
            runs: vec![run],
            unused_deviations: Vec::new(),
            expired_deviations: Vec::new(),
            target_profile: String::new(),
            micros: 1,
        };
        let json = crate::report::json::value(&report, &Suite::default());
        let html = crate::report::html::render(&report, &Suite::default());
        let lines: Vec<&str> = snapshot.lines().skip(2).collect();
        for (i, code) in codes.iter().enumerate() {
            let expected =
                syncml::catalog::hresult_for_status_data(code).map(syncml::catalog::format_hex);
            let in_json = json["cases"][0]["statuses"][i]["hresult"]
                .as_str()
                .map(str::to_owned);
            assert_eq!(in_json, expected, "JSON, code {code:?}");
            let in_snapshot = lines[i]
                .split_once("  HRESULT ")
                .map(|(_, hresult)| hresult.to_owned());
            assert_eq!(in_snapshot, expected, "snapshot, code {code:?}");
            let name = syncml::catalog::read_status_code(code)
                .and_then(syncml::catalog::syncml_status)
                .map_or("", |status| status.name.as_str());
            let row = format!(
                "<td>{code}</td><td>{name}</td><td><code>{}</code></td></tr>",
                expected.clone().unwrap_or_default()
            );
            assert!(html.contains(&row), "HTML, code {code:?}: {row}");
            let explained = syncml::catalog::explain(code);
            let mapped = match &explained.outcome {
                syncml::catalog::Outcome::Found(f) | syncml::catalog::Outcome::NotKnown(f) => f
                    .mappings
                    .first()
                    .map(|m| syncml::catalog::format_hex(m.hresult)),
                syncml::catalog::Outcome::Invalid(_) => None,
            };
            assert_eq!(mapped, expected, "explain, code {code:?}");
        }
        assert_eq!(
            syncml::catalog::hresult_for_status_data("200").map(syncml::catalog::format_hex),
            Some("0x87D100C8".to_owned())
        );
        assert_eq!(syncml::catalog::hresult_for_status_data("0"), None);
    }
}
