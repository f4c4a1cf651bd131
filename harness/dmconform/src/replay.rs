//! Replaying a recorded run: the case runs of a JSON record run again, and what
//! changed per case run (verdict, status codes) between the record and now.

use crate::run::RunReport;
use crate::verdict::CaseRun;
use serde_json::Value;
use std::collections::BTreeMap;

/// A case run of a record, as much as a replay compares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    pub id: String,
    pub encoding: String,
    pub verdict: String,
    /// `step N, CmdRef R (Cmd)` → status code.
    pub statuses: BTreeMap<String, String>,
}

/// The case runs of a JSON record (the `cases` array of `report.json`).
pub fn recorded(record: &Value) -> Vec<Recorded> {
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    record
        .get("cases")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|c| Recorded {
            id: text(c, "id"),
            encoding: text(c, "encoding"),
            verdict: text(c, "verdict"),
            statuses: c
                .get("statuses")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|s| {
                    let step = s.get("step").and_then(Value::as_u64).unwrap_or(0);
                    let key = format!(
                        "step {step}, CmdRef {} ({})",
                        text(s, "cmd_ref"),
                        text(s, "cmd")
                    );
                    (key, text(s, "code"))
                })
                .collect(),
        })
        .collect()
}

impl Recorded {
    /// A case run as a replay compares it.
    pub fn of(run: &CaseRun) -> Recorded {
        Recorded {
            id: run.id.clone(),
            encoding: run.encoding.name().to_string(),
            verdict: run.verdict.name().to_string(),
            statuses: run
                .statuses
                .iter()
                .map(|s| {
                    (
                        format!("step {}, CmdRef {} ({})", s.step, s.cmd_ref, s.cmd),
                        s.code.clone(),
                    )
                })
                .collect(),
        }
    }
}

/// What changed between the recorded case runs and a new run: one line per
/// changed case run (`id [encoding]: verdict pass → fail; step 1, CmdRef 2 (Get): 200 → 404`).
pub fn changes(before: &[Recorded], now: &RunReport) -> Vec<String> {
    let now: BTreeMap<(String, String), Recorded> = now
        .runs
        .iter()
        .map(|r| {
            let rec = Recorded::of(r);
            ((rec.id.clone(), rec.encoding.clone()), rec)
        })
        .collect();
    let mut out = Vec::new();
    for b in before {
        let name = format!("{} [{}]", b.id, b.encoding);
        let Some(n) = now.get(&(b.id.clone(), b.encoding.clone())) else {
            out.push(format!("{name}: not run (no such case in this build)"));
            continue;
        };
        let mut what = Vec::new();
        if n.verdict != b.verdict {
            what.push(format!("verdict {} → {}", b.verdict, n.verdict));
        }
        let keys: std::collections::BTreeSet<&String> =
            b.statuses.keys().chain(n.statuses.keys()).collect();
        for k in keys {
            let was = b.statuses.get(k).map_or("none", String::as_str);
            let is = n.statuses.get(k).map_or("none", String::as_str);
            if was != is {
                what.push(format!("{k}: {was} → {is}"));
            }
        }
        if !what.is_empty() {
            out.push(format!("{name}: {}", what.join("; ")));
        }
    }
    out
}
