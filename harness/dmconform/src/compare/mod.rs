//! Comparing implementations: the case runs of several JSON records as a
//! matrix (case run × implementation, a verdict in each cell), with the rows
//! that agree everywhere folded into one line per verdict, in the manner of
//! the Autobahn Testsuite's report.

pub mod html;
pub mod text;

use serde_json::Value;
use std::collections::BTreeMap;

/// One row: a case run (`id [encoding]`) and its verdict per implementation
/// (`None` where that record has no such run).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub key: String,
    pub cells: Vec<Option<String>>,
}

/// The matrix of case runs × implementations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Matrix {
    pub columns: Vec<String>,
    pub rows: Vec<Row>,
}

/// What the comparison shows: rows that agree everywhere folded by verdict,
/// then each row that differs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Line<'a> {
    Folded { verdict: String, count: usize },
    Differs(&'a Row),
}

/// The rows that differ, in order.
pub fn differing<'a>(lines: &[Line<'a>]) -> Vec<&'a Row> {
    lines
        .iter()
        .filter_map(|l| match l {
            Line::Differs(r) => Some(*r),
            Line::Folded { .. } => None,
        })
        .collect()
}

/// A cell: the verdict, marked when a deviation entry excuses it.
fn cell(case: &Value) -> String {
    let verdict = case.get("verdict").and_then(Value::as_str).unwrap_or("?");
    match case.get("expected_deviation") {
        Some(Value::String(_)) => format!("{verdict} (deviation)"),
        _ => verdict.to_string(),
    }
}

impl Matrix {
    /// The matrix of named records (name, JSON record), columns in the order given.
    pub fn of(records: &[(String, Value)]) -> Matrix {
        let mut rows: BTreeMap<String, Vec<Option<String>>> = BTreeMap::new();
        for (i, (_, record)) in records.iter().enumerate() {
            for case in record
                .get("cases")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let key = crate::bundle::manifest::case_key(case);
                rows.entry(key).or_insert_with(|| vec![None; records.len()])[i] = Some(cell(case));
            }
        }
        Matrix {
            columns: records.iter().map(|(n, _)| n.clone()).collect(),
            rows: rows
                .into_iter()
                .map(|(key, cells)| Row { key, cells })
                .collect(),
        }
    }

    /// The folded lines, then the differing rows in id order.
    pub fn lines(&self) -> Vec<Line<'_>> {
        let mut folded: BTreeMap<&str, usize> = BTreeMap::new();
        let mut differs = Vec::new();
        for row in &self.rows {
            match agreed(row) {
                Some(v) => *folded.entry(v).or_insert(0) += 1,
                None => differs.push(Line::Differs(row)),
            }
        }
        let mut out: Vec<Line<'_>> = folded
            .into_iter()
            .map(|(verdict, count)| Line::Folded {
                verdict: verdict.to_string(),
                count,
            })
            .collect();
        out.extend(differs);
        out
    }
}

/// The verdict every implementation gave the row, if they all gave the same.
fn agreed(row: &Row) -> Option<&str> {
    let first = row.cells.first()?.as_deref()?;
    row.cells
        .iter()
        .all(|c| c.as_deref() == Some(first))
        .then_some(first)
}

/// Names for records, from each one's target; a name used twice gets the
/// record's position appended.
pub fn names(records: &[Value]) -> Vec<String> {
    let base: Vec<String> = records
        .iter()
        .map(|r| {
            r.get("target")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_string()
        })
        .collect();
    base.iter()
        .enumerate()
        .map(|(i, n)| {
            if base.iter().filter(|m| *m == n).count() > 1 {
                format!("{n} #{}", i + 1)
            } else {
                n.clone()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(target: &str, cases: &[(&str, &str)]) -> Value {
        let cases: Vec<Value> = cases
            .iter()
            .map(|(id, v)| json!({"id": id, "encoding": "xml", "verdict": v}))
            .collect();
        json!({"target": target, "cases": cases})
    }

    #[test]
    fn agreeing_rows_fold_and_differing_rows_show() {
        let a = record(
            "a",
            &[("x", "pass"), ("y", "pass"), ("z", "fail"), ("w", "pass")],
        );
        let b = record("b", &[("x", "pass"), ("y", "pass"), ("z", "pass")]);
        let m = Matrix::of(&[("a".into(), a), ("b".into(), b)]);
        let lines = m.lines();
        assert_eq!(
            lines[0],
            Line::Folded {
                verdict: "pass".into(),
                count: 2
            }
        );
        let keys: Vec<&str> = differing(&lines).iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys, ["w [xml]", "z [xml]"]);
        assert_eq!(m.rows[0].cells, [Some("pass".into()), None]);
    }

    #[test]
    fn same_targets_get_distinct_names() {
        let r = record("t", &[]);
        assert_eq!(names(&[r.clone(), r]), ["t #1", "t #2"]);
    }
}
