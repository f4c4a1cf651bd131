//! The comparison as text: the folded lines, then a table of the rows that differ.

use super::{Line, Matrix};
use std::fmt::Write;

/// The comparison as text.
pub fn render(m: &Matrix) -> String {
    let mut out = String::new();
    for (i, c) in m.columns.iter().enumerate() {
        let _ = writeln!(out, "[{}] {c}", i + 1);
    }
    out.push('\n');
    let lines = m.lines();
    for l in &lines {
        if let Line::Folded { verdict, count } = l {
            let _ = writeln!(out, "{count} case runs: {verdict} everywhere");
        }
    }
    let rows = super::differing(&lines);
    if rows.is_empty() {
        return out;
    }
    let _ = writeln!(out, "\n{} case runs differ:", rows.len());
    let key_width = rows
        .iter()
        .map(|r| r.key.chars().count())
        .max()
        .unwrap_or(0);
    let cell_width = rows
        .iter()
        .flat_map(|r| r.cells.iter())
        .map(|c| c.as_deref().unwrap_or("-").chars().count())
        .max()
        .unwrap_or(1)
        .max(3);
    let _ = write!(out, "{:key_width$}", "");
    for i in 0..m.columns.len() {
        let _ = write!(out, "  {:cell_width$}", format!("[{}]", i + 1));
    }
    out.truncate(out.trim_end_matches(' ').len());
    out.push('\n');
    for r in rows {
        let _ = write!(out, "{:key_width$}", r.key);
        for c in &r.cells {
            let _ = write!(out, "  {:cell_width$}", c.as_deref().unwrap_or("-"));
        }
        out.truncate(out.trim_end_matches(' ').len());
        out.push('\n');
    }
    out
}
