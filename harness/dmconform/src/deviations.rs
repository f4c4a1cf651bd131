//! Keeping a target profile's deviation entries in step with a run: the
//! entries the run needs (existing ones that still excuse a failure keep their
//! reason; failures nothing excuses get a new entry with a placeholder reason),
//! and the profile text with its entries replaced.

use crate::profile::{Deviation, PLACEHOLDER_REASON, TargetProfile};
use crate::run::RunReport;
use std::collections::BTreeMap;

/// The deviation entries a run needs, in this order: the existing entries
/// that excuse a failure of the run or have expired (kept as written, so the
/// expiry stays reported), then one new entry per failing case nothing excuses
/// (with its encoding when only one of the encodings that ran fails).
pub fn needed(profile: &TargetProfile, report: &RunReport, today: &str) -> Vec<Deviation> {
    let problems: Vec<_> = report
        .runs
        .iter()
        .filter(|r| r.verdict.is_problem())
        .collect();
    let mut out: Vec<Deviation> = profile
        .deviation
        .iter()
        .filter(|d| d.expired_on(today) || problems.iter().any(|r| d.matches(&r.id, r.encoding)))
        .cloned()
        .collect();
    let mut uncovered: BTreeMap<&str, Vec<crate::Encoding>> = BTreeMap::new();
    for r in &problems {
        let live = out
            .iter()
            .any(|d| !d.expired_on(today) && d.matches(&r.id, r.encoding));
        if !live {
            uncovered.entry(r.id.as_str()).or_default().push(r.encoding);
        }
    }
    for (id, failing) in uncovered {
        let ran = report.runs.iter().filter(|r| r.id == id).count();
        out.push(Deviation {
            case: id.to_string(),
            encoding: (failing.len() == 1 && ran > 1).then(|| failing[0].name().to_string()),
            reason: PLACEHOLDER_REASON.to_string(),
            expires: None,
        });
    }
    out
}

/// The profile text with its `[[deviation]]` tables replaced by `entries`,
/// written where the first of them was (at the end when there was none);
/// everything else, comments included, stays as it was.
pub fn rewrite(text: &str, entries: &[Deviation]) -> String {
    let mut kept: Vec<&str> = Vec::new();
    let mut insert_at = None;
    let mut in_deviation = false;
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            in_deviation = t == "[[deviation]]";
            if in_deviation && insert_at.is_none() {
                insert_at = Some(kept.len());
            }
        }
        if !in_deviation {
            kept.push(line);
        }
    }
    while kept.last().is_some_and(|l| l.trim().is_empty()) {
        kept.pop();
    }
    let blocks: Vec<String> = entries.iter().map(render).collect();
    let at = insert_at.unwrap_or(kept.len()).min(kept.len());
    let mut out: Vec<String> = kept[..at].iter().map(|l| l.to_string()).collect();
    if !blocks.is_empty() {
        if insert_at.is_none() && !out.is_empty() {
            out.push(String::new());
        }
        out.push(blocks.join("\n"));
        if at < kept.len() {
            out.push(String::new());
        }
    }
    out.extend(kept[at..].iter().map(|l| l.to_string()));
    let mut text = out.join("\n");
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// One `[[deviation]]` table, ending with a newline.
fn render(d: &Deviation) -> String {
    let mut out = format!("[[deviation]]\ncase = {}\n", quoted(&d.case));
    if let Some(e) = &d.encoding {
        out.push_str(&format!("encoding = {}\n", quoted(e)));
    }
    out.push_str(&format!("reason = {}\n", quoted(&d.reason)));
    if let Some(e) = &d.expires {
        out.push_str(&format!("expires = {}\n", quoted(e)));
    }
    out
}

/// A unified diff of two texts, empty when they are equal.
pub fn diff(old: &str, new: &str, name: &str) -> String {
    if old == new {
        return String::new();
    }
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(2)
        .header(name, &format!("{name} (updated)"))
        .to_string()
}

fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::{CaseRun, Verdict};
    use crate::wire::Encoding;

    fn run(id: &str, encoding: Encoding, verdict: Verdict) -> CaseRun {
        CaseRun {
            id: id.into(),
            title: String::new(),
            requirements: Vec::new(),
            encoding,
            verdict,
            findings: Vec::new(),
            statuses: Vec::new(),
            transcript: Vec::new(),
            expected_deviation: None,
            micros: 0,
        }
    }

    fn entry(case: &str, reason: &str, expires: Option<&str>) -> Deviation {
        Deviation {
            case: case.into(),
            encoding: None,
            reason: reason.into(),
            expires: expires.map(String::from),
        }
    }

    #[test]
    fn needed_keeps_reasons_drops_stale_and_adds_placeholders() {
        use Encoding::{Wbxml, Xml};
        let mut profile = TargetProfile::reference();
        profile.deviation = vec![
            entry("a.*", "known", None),
            entry("gone", "stale", None),
            entry("c", "old", Some("2000-01-01")),
        ];
        let report = RunReport {
            target: "t".into(),
            profile: None,
            target_profile: String::new(),
            runs: vec![
                run("a.one", Xml, Verdict::Fail),
                run("b", Xml, Verdict::Pass),
                run("b", Wbxml, Verdict::Error),
                run("c", Xml, Verdict::Fail),
                run("d", Xml, Verdict::Pass),
            ],
            unused_deviations: Vec::new(),
            expired_deviations: Vec::new(),
            micros: 0,
        };
        let got = needed(&profile, &report, "2026-01-01");
        let placeholder = |case: &str, encoding: Option<&str>| Deviation {
            case: case.into(),
            encoding: encoding.map(String::from),
            reason: PLACEHOLDER_REASON.into(),
            expires: None,
        };
        assert_eq!(
            got,
            vec![
                entry("a.*", "known", None),
                entry("c", "old", Some("2000-01-01")),
                placeholder("b", Some("wbxml")),
                placeholder("c", None),
            ]
        );
    }

    #[test]
    fn rewriting_keeps_the_rest_and_reads_back() {
        let text = crate::profile::REFERENCE;
        let entries = vec![Deviation {
            case: "a.\"b\"".into(),
            encoding: Some("wbxml".into()),
            reason: "why".into(),
            expires: Some("2030-01-01".into()),
        }];
        let new = rewrite(text, &entries);
        let p = TargetProfile::parse(&new).unwrap();
        assert_eq!(p.deviation, entries);
        assert!(new.starts_with("# Target profile of the built-in reference"));
        assert_eq!(rewrite(&new, &entries), new);
        let same = TargetProfile::reference().deviation;
        assert_eq!(
            rewrite(text, &same),
            text,
            "an unchanged set rewrites nothing"
        );
        let none = rewrite(text, &[]);
        assert!(TargetProfile::parse(&none).unwrap().deviation.is_empty());
        assert!(diff(text, &new, "p.toml").contains("+reason = \"why\""));
    }
}
