//! The report of a fleet load: what ran (target, encoding, devices, pace, duration,
//! shards), the [`Tally`], the figures read off it (sessions and messages a second,
//! latency percentiles), and the verdict: `pass` when replies were judged and no MUST
//! was broken and no session failed, `fail` otherwise, `nothing judged` when no reply
//! was judged at all, `no device managed` when the server refused or aborted every
//! session (credentials refused, a SyncHdr error, Alert 1223). Written as text or JSON here, as HTML in [`super::html`]; JSON
//! reports of the shards of one load merge into the report of the whole
//! ([`LoadReport::merge`]).

use super::schedule::Shard;
use super::tally::{Tally, position_label};
use serde::{Deserialize, Serialize};
use std::fmt::Write;

/// The most shards a load is split into.
pub const MAX_SHARDS: u32 = 65_536;

/// The `format` of a load report in JSON.
pub const FORMAT: &str = "dmconform-load/1";

/// What one shard's process did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShardRecord {
    pub shard: Shard,
    /// Devices of the shard, and of them those that opened a session.
    pub devices: u64,
    pub active: u64,
    /// Wall time of the run, in seconds.
    pub elapsed_s: f64,
    pub peak_rss_kib: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped_early: Option<String>,
}

/// A fleet load's report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LoadReport {
    pub format: String,
    pub tool: String,
    pub target: String,
    /// Which target profile the devices were set up from.
    pub profile: String,
    pub encoding: String,
    /// Devices of the whole fleet.
    pub devices: u64,
    /// Sessions a second over the whole fleet, when the load ran at a rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<f64>,
    /// Sessions in flight at once in each shard, when the load ran by concurrency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrency: Option<u64>,
    pub duration_s: u64,
    pub shards: Vec<ShardRecord>,
    pub tally: Tally,
}

/// The verdict of a load.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoadVerdict {
    Pass,
    Fail,
    NothingJudged,
    /// Every session ended with the server refusing the devices' credentials: the
    /// refusals were judged, but no device was managed.
    NoDeviceManaged,
    /// A merged report some shards of the split are missing from.
    Incomplete,
}

impl LoadVerdict {
    pub fn word(self) -> &'static str {
        match self {
            LoadVerdict::Pass => "pass",
            LoadVerdict::Fail => "fail",
            LoadVerdict::NothingJudged => "nothing judged",
            LoadVerdict::NoDeviceManaged => "no device managed",
            LoadVerdict::Incomplete => "incomplete",
        }
    }
}

impl LoadReport {
    pub fn verdict(&self) -> LoadVerdict {
        let t = &self.tally;
        if t.judged == 0 {
            LoadVerdict::NothingJudged
        } else if t.fails() || t.error_count() > 0 {
            LoadVerdict::Fail
        } else if !self.missing_shards().is_empty() {
            LoadVerdict::Incomplete
        } else if t.refused_count() == t.sessions {
            LoadVerdict::NoDeviceManaged
        } else {
            LoadVerdict::Pass
        }
    }

    /// Checks what a report read back from JSON holds, so that an edited or foreign file
    /// is refused with a reason rather than read wrongly: shards of a sensible split,
    /// a timeline with an interval, a histogram for every message position.
    pub fn check(&self) -> Result<(), String> {
        if self.shards.is_empty() {
            return Err("it names no shard".into());
        }
        for s in &self.shards {
            if s.shard.count == 0 || s.shard.count > MAX_SHARDS || s.shard.index >= s.shard.count {
                return Err(format!(
                    "shard {} is not one of a split into 1 to {MAX_SHARDS} shards",
                    s.shard
                ));
            }
        }
        if self.tally.interval_ms == 0 {
            return Err("its timeline has intervals of 0 ms".into());
        }
        if self.tally.latency.len() != super::tally::POSITIONS {
            return Err(format!(
                "it has {} latency histograms, not one per message position ({})",
                self.tally.latency.len(),
                super::tally::POSITIONS
            ));
        }
        Ok(())
    }

    /// The longest wall time of a shard, in seconds: the time the whole load took.
    pub fn elapsed_s(&self) -> f64 {
        self.shards.iter().map(|s| s.elapsed_s).fold(0.0, f64::max)
    }

    pub fn sessions_per_s(&self) -> f64 {
        per_second(self.tally.sessions, self.elapsed_s())
    }

    pub fn messages_per_s(&self) -> f64 {
        per_second(self.tally.messages, self.elapsed_s())
    }

    /// Why the verdict is not `pass`, in one line.
    pub fn why(&self) -> Option<String> {
        match self.verdict() {
            LoadVerdict::Pass => None,
            LoadVerdict::NothingJudged => Some(format!(
                "no reply of the target was judged ({} sessions, {} errors{})",
                self.tally.sessions,
                self.tally.error_count(),
                self.shards
                    .iter()
                    .find_map(|s| s.stopped_early.as_deref())
                    .map(|w| format!("; stopped early: {w}"))
                    .unwrap_or_default()
            )),
            LoadVerdict::NoDeviceManaged => {
                let t = &self.tally;
                let credentials = t
                    .refused
                    .keys()
                    .all(|k| k == "SyncHdr 401" || k == "SyncHdr 407");
                Some(if credentials {
                    format!(
                        "the server refused the devices' credentials in every one of the {} sessions (SyncHdr Status 401 or 407): give them in [credentials] or [load] of the target profile",
                        t.sessions
                    )
                } else {
                    format!(
                        "the server refused or aborted every one of the {} sessions ({}): no device was managed",
                        t.sessions,
                        refusals(t)
                    )
                })
            }
            LoadVerdict::Incomplete => Some(format!(
                "shard(s) {} of the split are missing: this is not the report of the whole load",
                self.missing_shards()
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            LoadVerdict::Fail => Some(format!(
                "{} sessions broke a MUST, {} sessions failed with an error",
                self.tally.non_conforming,
                self.tally.error_count()
            )),
        }
    }

    /// Merges the JSON reports of the shards of one load: same target, encoding,
    /// fleet, pace and duration, each shard of the same count once.
    pub fn merge(reports: Vec<LoadReport>) -> Result<LoadReport, String> {
        let mut it = reports.into_iter();
        let mut whole = it.next().ok_or("nothing to merge")?;
        for r in it {
            let same = |what: &str, a: String, b: String| {
                if a == b {
                    Ok(())
                } else {
                    Err(format!(
                        "the reports are of different loads: {what} {a} and {b}"
                    ))
                }
            };
            same("format", whole.format.clone(), r.format.clone())?;
            same("target", whole.target.clone(), r.target.clone())?;
            same("encoding", whole.encoding.clone(), r.encoding.clone())?;
            same("devices", whole.devices.to_string(), r.devices.to_string())?;
            same("rate", format!("{:?}", whole.rate), format!("{:?}", r.rate))?;
            same(
                "concurrency",
                format!("{:?}", whole.concurrency),
                format!("{:?}", r.concurrency),
            )?;
            same(
                "duration",
                whole.duration_s.to_string(),
                r.duration_s.to_string(),
            )?;
            for s in &r.shards {
                if whole.shards.iter().any(|w| w.shard == s.shard) {
                    return Err(format!("shard {} is in two of the reports", s.shard));
                }
                if whole.shards.iter().any(|w| w.shard.count != s.shard.count) {
                    return Err(format!(
                        "shard {} is not of the same split as shard {}",
                        s.shard, whole.shards[0].shard
                    ));
                }
            }
            whole.tally.merge(&r.tally)?;
            whole.shards.extend(r.shards);
        }
        whole.shards.sort_by_key(|s| s.shard);
        Ok(whole)
    }

    /// Shards of the split not among the reports: a merged load that is not whole.
    pub fn missing_shards(&self) -> Vec<Shard> {
        let Some(count) = self.shards.first().map(|s| s.shard.count) else {
            return Vec::new();
        };
        (0..count)
            .map(|index| Shard { index, count })
            .filter(|s| !self.shards.iter().any(|r| r.shard == *s))
            .collect()
    }

    /// The report as text for a terminal.
    pub fn text(&self) -> String {
        let t = &self.tally;
        let mut out = String::new();
        let _ = writeln!(out, "dmconform load: {} ({})", self.target, self.encoding);
        let pace = match (self.rate, self.concurrency) {
            (Some(r), _) => format!("{r} sessions/s"),
            (_, Some(c)) => format!("up to {c} sessions at once per shard"),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "{} devices, {pace}, {} s; {} shard(s); profile {}",
            self.devices,
            self.duration_s,
            self.shards.len(),
            self.profile
        );
        for s in self.missing_shards() {
            let _ = writeln!(out, "  shard {s} is missing from this report");
        }
        let active: u64 = self.shards.iter().map(|s| s.active).sum();
        let _ = writeln!(
            out,
            "\nsessions {} ({:.0}/s): {} ended, {} failed, {} cut at the end; {} devices took part",
            t.sessions,
            self.sessions_per_s(),
            t.ended,
            t.failed,
            t.cut,
            active
        );
        if !t.refused.is_empty() {
            let _ = writeln!(
                out,
                "sessions the server refused or aborted: {} ({})",
                t.refused_count(),
                refusals(t)
            );
        }
        let _ = writeln!(
            out,
            "messages {} ({:.0}/s), {} judged",
            t.messages,
            self.messages_per_s(),
            t.judged
        );
        for (why, n) in &t.missed {
            let _ = writeln!(out, "turns missed ({why}): {n}");
        }
        let peak = self
            .shards
            .iter()
            .map(|s| s.peak_rss_kib)
            .max()
            .unwrap_or(0);
        let _ = writeln!(
            out,
            "peak resident memory of a shard: {:.1} MiB",
            peak as f64 / 1024.0
        );
        let _ = writeln!(
            out,
            "\nlatency (ms)           count      p50      p90      p99    p99.9      max"
        );
        let rows = t
            .latency
            .iter()
            .enumerate()
            .map(|(i, h)| (position_label(i), h))
            .chain([("whole session".to_string(), &t.session_latency)]);
        for (label, h) in rows {
            if h.count() == 0 {
                continue;
            }
            let _ = write!(out, "  {label:<20} {:>7}", h.count());
            for ms in h.columns() {
                let _ = write!(out, " {ms:>8.2}");
            }
            out.push('\n');
        }
        if t.errors.is_empty() {
            let _ = writeln!(out, "\nerrors: none");
        } else {
            let _ = writeln!(out, "\nerrors:");
            for (kind, e) in &t.errors {
                let first = e.examples.first().and_then(|x| x.error.as_deref());
                let eg = first.map(|m| format!("  e.g. {m}")).unwrap_or_default();
                let _ = writeln!(out, "  {kind:<12} {:>7}{eg}", e.count);
            }
        }
        if t.findings.is_empty() {
            let _ = writeln!(out, "\nfindings: none");
        } else {
            let _ = writeln!(out, "\nfindings (by requirement):");
            for (key, f) in &t.findings {
                let _ = writeln!(
                    out,
                    "  {key} [{}] {} in {} sessions: {}",
                    f.severity.word(),
                    f.count,
                    f.sessions,
                    f.check
                );
                if let Some(x) = f.examples.first()
                    && let Some(fx) = &x.finding
                {
                    let _ = writeln!(
                        out,
                        "    e.g. device {} ({}), session {}, at {:.1} s: expected {}; got {}",
                        x.device,
                        x.dev_id,
                        x.session_id,
                        x.at_ms as f64 / 1000.0,
                        fx.expected,
                        fx.actual
                    );
                }
            }
        }
        let _ = writeln!(out, "\nverdict: {}", self.verdict().word());
        if let Some(why) = self.why() {
            let _ = writeln!(out, "  {why}");
        }
        out
    }
}

/// The refusals by how, in words: `SyncHdr 401: 3, SyncHdr 503: 1`.
pub fn refusals(t: &Tally) -> String {
    t.refused
        .iter()
        .map(|(how, n)| format!("{how}: {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn per_second(n: u64, seconds: f64) -> f64 {
    if seconds > 0.0 {
        n as f64 / seconds
    } else {
        0.0
    }
}
