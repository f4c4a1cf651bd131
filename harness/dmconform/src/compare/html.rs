//! The comparison as a self-contained HTML page: the folded lines, then a
//! table of the rows that differ with a coloured verdict in each cell.

use super::{Line, Matrix};
use crate::report::page::{class, esc, page};
use std::fmt::Write;

/// The comparison as one HTML page.
pub fn render(m: &Matrix) -> String {
    let mut b = String::from("<h1>Comparison of implementations</h1>\n<ol>\n");
    for c in &m.columns {
        let _ = writeln!(b, "<li>{}</li>", esc(c));
    }
    b.push_str("</ol>\n<h2>Agreeing everywhere</h2>\n<ul>\n");
    let lines = m.lines();
    for l in &lines {
        if let Line::Folded { verdict, count } = l {
            let _ = writeln!(
                b,
                "<li>{count} case runs: <span class=\"v {}\">{}</span> everywhere</li>",
                class(verdict.split(' ').next().unwrap_or("")),
                esc(verdict)
            );
        }
    }
    b.push_str("</ul>\n");
    let rows = super::differing(&lines);
    let _ = writeln!(
        b,
        "<h2>Differing ({})</h2>\n<table class=\"matrix\">\n<tr><th>Case run</th>",
        rows.len()
    );
    for (i, c) in m.columns.iter().enumerate() {
        let _ = write!(b, "<th title=\"{}\">{}</th>", esc(c), i + 1);
    }
    b.push_str("</tr>\n");
    for r in rows {
        let _ = write!(b, "<tr><td class=\"id\"><code>{}</code></td>", esc(&r.key));
        for c in &r.cells {
            match c {
                Some(v) => {
                    let _ = write!(
                        b,
                        "<td><span class=\"v {}\">{}</span></td>",
                        class(v.split(' ').next().unwrap_or("")),
                        esc(v)
                    );
                }
                None => b.push_str("<td><span class=\"v missing\">not run</span></td>"),
            }
        }
        b.push_str("</tr>\n");
    }
    b.push_str("</table>\n");
    page("dmconform: comparison", &b)
}
