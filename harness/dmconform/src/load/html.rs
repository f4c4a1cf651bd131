//! The HTML report of a fleet load: one self-contained page (inline style, inline SVG,
//! no script, nothing fetched) with the figures at a glance, latency over time, the
//! percentile curves of each message of the session, throughput and memory over
//! time, errors by kind and findings by requirement with their examples' transcripts.

use super::latency::Latency;
use super::report::{LoadReport, LoadVerdict};
use super::tally::{Example, position_label};
use crate::report::page::{class, esc, page};
use std::fmt::Write;

const COLOURS: [&str; 7] = [
    "#3b5ba5", "#b42318", "#1f7a3f", "#9a6700", "#7c3aed", "#0e7490", "#5b6475",
];

/// One line of a chart: a name and its points.
struct Series {
    name: String,
    points: Vec<(f64, f64)>,
}

/// How a chart's x axis maps values.
#[derive(Clone, Copy)]
enum XAxis {
    Linear,
    /// Percentiles, spread as -log10(1 - p/100): 0, 90, 99, 99.9 … equally apart.
    Percentile,
}

impl XAxis {
    fn map(self, x: f64) -> f64 {
        match self {
            XAxis::Linear => x,
            XAxis::Percentile => -(1.0 - (x / 100.0).min(0.999_999)).log10(),
        }
    }
}

/// An inline SVG line chart.
fn chart(title: &str, x_label: &str, y_label: &str, axis: XAxis, series: &[Series]) -> String {
    let (w, h, left, right, top, bottom) = (760.0, 260.0, 64.0, 16.0, 28.0, 40.0);
    let pts: Vec<(f64, f64)> = series
        .iter()
        .flat_map(|s| s.points.iter().map(|&(x, y)| (axis.map(x), y)))
        .collect();
    let mut out = format!(
        "<figure><svg role=\"img\" aria-label=\"{}\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" class=\"chart\">\
<text x=\"{left}\" y=\"16\" font-size=\"13\" font-weight=\"600\">{}</text>",
        esc(title),
        esc(title)
    );
    if pts.is_empty() {
        let _ = write!(
            out,
            "<text x=\"{left}\" y=\"60\" font-size=\"12\">no data</text></svg></figure>"
        );
        return out;
    }
    let x_max = pts.iter().map(|p| p.0).fold(f64::MIN, f64::max);
    let x_min = pts.iter().map(|p| p.0).fold(f64::MAX, f64::min);
    let y_max = nice(pts.iter().map(|p| p.1).fold(0.0, f64::max));
    let x_span = (x_max - x_min).max(1e-9);
    let sx = |x: f64| left + (x - x_min) / x_span * (w - left - right);
    let sy = |y: f64| top + (1.0 - y / y_max) * (h - top - bottom);
    let _ = write!(
        out,
        "<line x1=\"{left}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#5b6475\"/>\
<line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{}\" stroke=\"#5b6475\"/>",
        h - bottom,
        w - right,
        h - bottom,
        h - bottom
    );
    for i in 0..=4 {
        let y = y_max * f64::from(i) / 4.0;
        let _ = write!(
            out,
            "<line x1=\"{left}\" y1=\"{0:.1}\" x2=\"{1}\" y2=\"{0:.1}\" stroke=\"#e8eaef\"/>\
<text x=\"{2}\" y=\"{3:.1}\" font-size=\"11\" text-anchor=\"end\">{4}</text>",
            sy(y),
            w - right,
            left - 6.0,
            sy(y) + 4.0,
            short(y)
        );
    }
    let ticks: Vec<(f64, String)> = match axis {
        XAxis::Linear => (0..=5)
            .map(|i| {
                let x = x_min + x_span * f64::from(i) / 5.0;
                (x, short(x))
            })
            .collect(),
        XAxis::Percentile => [0.0, 90.0, 99.0, 99.9, 99.99, 99.999]
            .iter()
            .map(|&p| (axis.map(p), format!("{p}")))
            .filter(|(x, _)| *x <= x_max + 1e-9)
            .collect(),
    };
    for (x, text) in ticks {
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{}</text>",
            sx(x),
            h - bottom + 14.0,
            esc(&text)
        );
    }
    let _ = write!(
        out,
        "<text x=\"{:.1}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{}</text>\
<text x=\"14\" y=\"{:.1}\" font-size=\"11\" transform=\"rotate(-90 14 {:.1})\" text-anchor=\"middle\">{}</text>",
        left + (w - left - right) / 2.0,
        h - 6.0,
        esc(x_label),
        top + (h - top - bottom) / 2.0,
        top + (h - top - bottom) / 2.0,
        esc(y_label)
    );
    for (i, s) in series.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        let path: Vec<String> = s
            .points
            .iter()
            .map(|&(x, y)| format!("{:.1},{:.1}", sx(axis.map(x)), sy(y)))
            .collect();
        let _ = write!(
            out,
            "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.8\" points=\"{}\"><title>{}</title></polyline>\
<rect x=\"{:.1}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{colour}\"/>\
<text x=\"{:.1}\" y=\"{}\" font-size=\"11\">{}</text>",
            path.join(" "),
            esc(&s.name),
            w - right - 170.0,
            top + 2.0 + 14.0 * i as f64,
            w - right - 155.0,
            top + 11.0 + 14.0 * i as f64,
            esc(&s.name)
        );
    }
    out.push_str("</svg></figure>\n");
    out
}

/// A round number at or above `v` for the top of an axis.
fn nice(v: f64) -> f64 {
    if v <= 0.0 {
        return 1.0;
    }
    let p = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * p)
        .find(|&c| c >= v)
        .unwrap_or(10.0 * p)
}

fn short(v: f64) -> String {
    if v >= 100.0 || v == v.trunc() {
        format!("{v:.0}")
    } else if v >= 1.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

fn card(label: &str, value: &str, class_name: &str) -> String {
    format!(
        "<div class=\"card {}\"><b>{}</b>{}</div>",
        class(class_name),
        esc(value),
        esc(label)
    )
}

fn examples(list: &[Example]) -> String {
    let mut out = String::new();
    for x in list {
        let _ = write!(
            out,
            "<details><summary>device {} (<code>{}</code>), session {}, at {:.1} s</summary>",
            x.device,
            esc(&x.dev_id),
            esc(&x.session_id),
            x.at_ms as f64 / 1000.0
        );
        if let Some(f) = &x.finding {
            let _ = write!(
                out,
                "<div class=\"finding\">{}<br>expected: {}<br>got: {}</div>",
                esc(&f.check),
                esc(&f.expected),
                esc(&f.actual)
            );
        }
        if let Some(e) = &x.error {
            let _ = write!(out, "<div class=\"finding\">{}</div>", esc(e));
        }
        for m in &x.transcript {
            let _ = write!(
                out,
                "<div class=\"dir\">{} · {} · <code>{}</code></div><pre>{}</pre>",
                esc(&m.label),
                if m.direction == "to-target" {
                    "device to server"
                } else {
                    "server to device"
                },
                esc(&m.content_type),
                esc(&m.text)
            );
            if let Some(hex) = &m.hex {
                let _ = write!(out, "<pre>{}</pre>", esc(hex));
            }
        }
        out.push_str("</details>");
    }
    out
}

fn latency_row(label: &str, h: &Latency) -> String {
    let mut row = format!(
        "<tr><td>{}</td><td class=\"n\">{}</td>",
        esc(label),
        h.count()
    );
    for ms in h.columns() {
        let _ = write!(row, "<td class=\"n\">{ms:.2}</td>");
    }
    row + "</tr>"
}

/// The whole page.
pub fn render(r: &LoadReport) -> String {
    let t = &r.tally;
    let verdict = r.verdict().word();
    let mut body = format!(
        "<h1>Fleet load: {}</h1>\n<p class=\"meta\">{} devices, {}, {} s, {} ({}) · profile {} · {}</p>\n",
        esc(&r.target),
        r.devices,
        match (r.rate, r.concurrency) {
            (Some(rate), _) => format!("{rate} sessions/s"),
            (_, Some(c)) => format!("up to {c} sessions at once per shard"),
            _ => String::new(),
        },
        r.duration_s,
        esc(&r.encoding),
        r.shards.len(),
        esc(&r.profile),
        esc(&r.tool)
    );
    let peak = r.shards.iter().map(|s| s.peak_rss_kib).max().unwrap_or(0);
    body.push_str("<div class=\"cards\">");
    // Only a pass is green: a run that judged nothing or managed no device is not.
    let verdict_class = if r.verdict() == LoadVerdict::Pass {
        "pass"
    } else {
        "fail"
    };
    body.push_str(&card("verdict", verdict, verdict_class));
    body.push_str(&card("sessions", &t.sessions.to_string(), "informational"));
    body.push_str(&card(
        "sessions/s",
        &format!("{:.0}", r.sessions_per_s()),
        "informational",
    ));
    body.push_str(&card(
        "messages/s",
        &format!("{:.0}", r.messages_per_s()),
        "informational",
    ));
    body.push_str(&card(
        "p99 package 1 (ms)",
        &format!("{:.2}", t.latency[0].ms_at(99.0)),
        "informational",
    ));
    body.push_str(&card(
        "non-conforming sessions",
        &t.non_conforming.to_string(),
        if t.non_conforming > 0 { "fail" } else { "zero" },
    ));
    body.push_str(&card(
        "errors",
        &t.error_count().to_string(),
        if t.error_count() > 0 { "fail" } else { "zero" },
    ));
    body.push_str(&card(
        "peak memory (MiB)",
        &format!("{:.1}", peak as f64 / 1024.0),
        "informational",
    ));
    body.push_str("</div>\n");
    if let Some(why) = r.why() {
        let _ = writeln!(body, "<p>{}</p>", esc(&why));
    }
    for s in r.missing_shards() {
        let _ = writeln!(body, "<p>Shard {s} is missing from this report.</p>");
    }
    let secs = t.interval_ms as f64 / 1000.0;
    let over_time = |f: &dyn Fn(usize) -> Option<f64>| -> Vec<(f64, f64)> {
        (0..t.timeline.len())
            .filter_map(|i| f(i).map(|y| (i as f64 * secs, y)))
            .collect()
    };
    body.push_str("<h2>Latency over time</h2>\n");
    let lat = |p: f64| {
        over_time(&|i| {
            let h = &t.timeline[i].latency;
            (h.count() > 0).then(|| h.ms_at(p))
        })
    };
    body.push_str(&chart(
        "Reply latency per interval",
        "seconds from the start",
        "ms",
        XAxis::Linear,
        &[
            Series {
                name: "p50".into(),
                points: lat(50.0),
            },
            Series {
                name: "p99".into(),
                points: lat(99.0),
            },
            Series {
                name: "max".into(),
                points: lat(100.0),
            },
        ],
    ));
    body.push_str("<h2>Latency percentiles by message of the session</h2>\n");
    let curves: Vec<Series> = t
        .latency
        .iter()
        .enumerate()
        .filter(|(_, h)| h.count() > 0)
        .map(|(i, h)| Series {
            name: position_label(i),
            points: h.percentile_curve(),
        })
        .collect();
    body.push_str(&chart(
        "Reply latency by percentile",
        "percentile",
        "ms",
        XAxis::Percentile,
        &curves,
    ));
    body.push_str("<table><tr><th>message</th><th>count</th><th>p50 ms</th><th>p90 ms</th><th>p99 ms</th><th>p99.9 ms</th><th>max ms</th></tr>");
    for (i, h) in t.latency.iter().enumerate().filter(|(_, h)| h.count() > 0) {
        body.push_str(&latency_row(&position_label(i), h));
    }
    body.push_str(&latency_row("whole session", &t.session_latency));
    body.push_str("</table>\n<h2>Throughput and memory over time</h2>\n");
    // Rates of whole intervals within the duration: the grace period after it, where
    // sessions only end, would read as a fall of the server's throughput.
    let whole = |i: usize| (i as f64 + 1.0) * secs <= r.duration_s as f64 + 1e-9;
    let rate =
        |count: &dyn Fn(usize) -> u64| over_time(&|i| whole(i).then(|| count(i) as f64 / secs));
    body.push_str(&chart(
        "Replies and sessions a second",
        "seconds from the start",
        "per second",
        XAxis::Linear,
        &[
            Series {
                name: "replies/s".into(),
                points: rate(&|i| t.timeline[i].messages),
            },
            Series {
                name: "sessions/s".into(),
                points: rate(&|i| t.timeline[i].sessions),
            },
            Series {
                name: "errors/s".into(),
                points: rate(&|i| t.timeline[i].errors),
            },
        ],
    ));
    body.push_str(&chart(
        "Resident memory of the harness",
        "seconds from the start",
        "MiB",
        XAxis::Linear,
        &[Series {
            name: "resident memory".into(),
            points: over_time(&|i| {
                let kib = t.timeline[i].rss_kib;
                (kib > 0).then(|| kib as f64 / 1024.0)
            }),
        }],
    ));
    let _ = write!(
        body,
        "<h2>Sessions</h2>\n<table><tr><th>opened</th><td class=\"n\">{}</td></tr><tr><th>ended as the rules say</th><td class=\"n\">{}</td></tr>\
<tr><th>failed with an error</th><td class=\"n\">{}</td></tr><tr><th>cut at the end of the run</th><td class=\"n\">{}</td></tr>\
<tr><th>refused or aborted by the server</th><td class=\"n\">{}</td></tr>\
<tr><th>replies</th><td class=\"n\">{}</td></tr><tr><th>replies judged</th><td class=\"n\">{}</td></tr>",
        t.sessions,
        t.ended,
        t.failed,
        t.cut,
        t.refused_count(),
        t.messages,
        t.judged
    );
    let rows = t
        .refused
        .iter()
        .map(|(how, n)| (format!("refused: {how}"), n));
    for (what, n) in rows.chain(
        t.missed
            .iter()
            .map(|(why, n)| (format!("turns missed: {why}"), n)),
    ) {
        let _ = write!(
            body,
            "<tr><th>{}</th><td class=\"n\">{n}</td></tr>",
            esc(&what)
        );
    }
    body.push_str("</table>\n<h2>Errors by kind</h2>\n");
    if t.errors.is_empty() {
        body.push_str("<p>None.</p>\n");
    }
    for (kind, e) in &t.errors {
        let _ = write!(
            body,
            "<h3><span class=\"v error\">{}</span> {} sessions</h3>{}",
            esc(kind),
            e.count,
            examples(&e.examples)
        );
    }
    body.push_str("<h2>Findings by requirement</h2>\n");
    if t.findings.is_empty() {
        body.push_str("<p>None: every reply judged kept every invariant.</p>\n");
    }
    for (key, f) in &t.findings {
        let _ = write!(
            body,
            "<h3><span class=\"v {}\">{}</span> <code>{}</code> {} findings in {} sessions</h3><p class=\"req\">{}</p>{}",
            class(f.severity.word()),
            f.severity.word(),
            esc(key),
            f.count,
            f.sessions,
            esc(&f.check),
            examples(&f.examples)
        );
    }
    page(&format!("dmconform load: {}", r.target), &body)
}
