//! What a fleet load counts, session by session: sessions and messages, findings per
//! requirement, errors by kind, latencies per message of the session, and a timeline
//! of intervals. Only the first few findings and errors of each key are kept whole
//! (the session's transcript, the device, the time); the rest are counted, and the
//! timeline keeps at most [`MAX_INTERVALS`] intervals (doubling their length as a run
//! goes on), so memory stays bounded however long the run. Tallies of shards add up
//! exactly ([`Tally::merge`]).

use super::latency::Latency;
use super::session::SessionRun;
use crate::verdict::{Direction, Exchange, Finding, Severity};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

/// The most intervals a timeline keeps: past them, neighbouring intervals are joined
/// and the interval's length doubles.
pub const MAX_INTERVALS: usize = 512;

/// The message positions latencies are kept for: package 1, messages 2 to 5, and the rest.
pub const POSITIONS: usize = 6;

/// The label of latency position `i` (from 0).
pub fn position_label(i: usize) -> String {
    match i {
        0 => "package 1".into(),
        i if i + 1 < POSITIONS => format!("message {}", i + 1),
        _ => format!("message {POSITIONS} and later"),
    }
}

/// A finding of an example, as a report keeps it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExampleFinding {
    pub check: String,
    pub expected: String,
    pub actual: String,
    /// Index of the message in the example's transcript.
    pub exchange: Option<usize>,
}

/// A message of an example's transcript.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExampleMessage {
    /// `to-target` (the device's) or `from-target` (the server's).
    pub direction: String,
    pub label: String,
    pub content_type: String,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hex: Option<String>,
}

impl From<Exchange> for ExampleMessage {
    fn from(e: Exchange) -> ExampleMessage {
        ExampleMessage {
            direction: match e.direction {
                Direction::ToTarget => "to-target".into(),
                Direction::FromTarget => "from-target".into(),
            },
            label: e.label,
            content_type: e.content_type,
            text: e.text,
            hex: e.hex,
        }
    }
}

/// One occurrence kept whole.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Example {
    pub device: u64,
    pub dev_id: String,
    pub session_id: String,
    /// When the session opened, in milliseconds from the start of the run.
    pub at_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finding: Option<ExampleFinding>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub transcript: Vec<ExampleMessage>,
}

/// The findings of one requirement (or, for a check of none, of one check).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FindingTally {
    pub requirement: Option<String>,
    /// `fail` (a MUST) or `non-strict` (a SHOULD).
    /// The gravest of its findings.
    pub severity: Severity,
    pub check: String,
    pub count: u64,
    /// Sessions with at least one such finding.
    pub sessions: u64,
    pub examples: Vec<Example>,
}

/// The errors of one kind.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ErrorTally {
    pub count: u64,
    pub examples: Vec<Example>,
}

/// One interval of the timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// Sessions that finished in it.
    pub sessions: u64,
    /// Replies received in it.
    pub messages: u64,
    pub errors: u64,
    pub findings: u64,
    /// Latency of the replies received in it.
    pub latency: Latency,
    /// The most resident memory of the harness seen in it, in KiB (summed over shards).
    pub rss_kib: u64,
}

impl Interval {
    fn new() -> Interval {
        Interval {
            sessions: 0,
            messages: 0,
            errors: 0,
            findings: 0,
            latency: Latency::new(2),
            rss_kib: 0,
        }
    }

    fn add(&mut self, o: &Interval) {
        self.sessions += o.sessions;
        self.messages += o.messages;
        self.errors += o.errors;
        self.findings += o.findings;
        self.latency.add(&o.latency);
        self.rss_kib += o.rss_kib;
    }
}

/// Everything a fleet load counts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    /// Sessions opened.
    pub sessions: u64,
    /// Sessions the device ended as the rules say.
    pub ended: u64,
    /// Sessions stopped by an error.
    pub failed: u64,
    /// Sessions with a failing finding (a MUST broken).
    pub non_conforming: u64,
    /// Sessions the server refused or aborted (the device was not managed), by how:
    /// `SyncHdr 401`, `SyncHdr 503`, `server abort (Alert 1223)`.
    #[serde(default)]
    pub refused: BTreeMap<String, u64>,
    /// Replies received, and of them those decoded and judged.
    pub messages: u64,
    pub judged: u64,
    /// Turns not taken at a rate, by why: `device busy` (its last session still ran),
    /// `too many in flight`, `behind schedule` (the harness could not keep the rate).
    pub missed: BTreeMap<String, u64>,
    /// Sessions still running when the run's grace period ended, cut there (what they
    /// judged until then is counted).
    pub cut: u64,
    /// By requirement id (or `check: …` for a check of no requirement).
    pub findings: BTreeMap<String, FindingTally>,
    /// By kind: `timeout`, `connect`, `reset`, `too large`, `http 503`, `not SyncML`, `undecodable`, `endless`.
    pub errors: BTreeMap<String, ErrorTally>,
    /// Latency by message position ([`position_label`]).
    pub latency: Vec<Latency>,
    /// Time from package 1 to the last reply, of the sessions that ended as the rules say.
    pub session_latency: Latency,
    /// Length of a timeline interval, in milliseconds.
    pub interval_ms: u64,
    pub timeline: Vec<Interval>,
    /// Examples kept whole per finding key and per error kind.
    pub max_examples: usize,
}

impl Tally {
    pub fn new(interval: Duration, max_examples: usize) -> Tally {
        Tally {
            sessions: 0,
            ended: 0,
            failed: 0,
            non_conforming: 0,
            refused: BTreeMap::new(),
            messages: 0,
            judged: 0,
            missed: BTreeMap::new(),
            cut: 0,
            findings: BTreeMap::new(),
            errors: BTreeMap::new(),
            latency: (0..POSITIONS).map(|_| Latency::new(3)).collect(),
            session_latency: Latency::new(3),
            interval_ms: interval.as_millis().max(1) as u64,
            timeline: Vec::new(),
            max_examples,
        }
    }

    /// The timeline interval of `at` from the start of the run.
    fn interval(&mut self, at: Duration) -> &mut Interval {
        let index = |t: &Tally| (at.as_millis() as u64 / t.interval_ms) as usize;
        while index(self) >= MAX_INTERVALS {
            self.coarsen();
        }
        let i = index(self);
        while self.timeline.len() <= i {
            self.timeline.push(Interval::new());
        }
        &mut self.timeline[i]
    }

    /// Doubles the length of the timeline's intervals, joining each pair.
    fn coarsen(&mut self) {
        self.interval_ms *= 2;
        let old = std::mem::take(&mut self.timeline);
        for pair in old.chunks(2) {
            let mut joined = pair[0].clone();
            if let Some(second) = pair.get(1) {
                joined.sessions += second.sessions;
                joined.messages += second.messages;
                joined.errors += second.errors;
                joined.findings += second.findings;
                joined.latency.add(&second.latency);
                // Memory is the most seen, not a sum over time.
                joined.rss_kib = joined.rss_kib.max(second.rss_kib);
            }
            self.timeline.push(joined);
        }
    }

    /// Notes the resident memory seen at `at`.
    pub fn note_memory(&mut self, at: Duration, rss_kib: u64) {
        let i = self.interval(at);
        i.rss_kib = i.rss_kib.max(rss_kib);
    }

    /// Counts `n` turns not taken, for `why`.
    pub fn miss(&mut self, why: &str, n: u64) {
        *self.missed.entry(why.to_string()).or_default() += n;
    }

    /// Counts `n` errors of the harness itself, outside any one session.
    pub fn harness_error(&mut self, n: u64, message: &str) {
        let entry = self.errors.entry("harness".into()).or_default();
        entry.count += n;
        if entry.examples.is_empty() {
            entry.examples.push(Example {
                device: 0,
                dev_id: String::new(),
                session_id: String::new(),
                at_ms: 0,
                finding: None,
                error: Some(message.to_string()),
                transcript: Vec::new(),
            });
        }
    }

    /// Counts one session.
    pub fn add(&mut self, run: &SessionRun) {
        self.sessions += 1;
        let replies = run.latencies.len() as u64;
        self.messages += replies;
        let mut at = run.started;
        for (i, d) in run.latencies.iter().enumerate() {
            at += *d;
            self.latency[i.min(POSITIONS - 1)].record(*d);
            let interval = self.interval(at);
            interval.messages += 1;
            interval.latency.record(*d);
        }
        self.judged += run.judged;
        if run.failure.is_none() && !run.cut {
            self.session_latency.record(run.latencies.iter().sum());
        }
        let end = at;
        self.interval(end).sessions += 1;
        self.interval(end).findings += run.findings.len() as u64;
        let mut transcript = None;
        let mut keys_seen = Vec::new();
        for f in &run.findings {
            let key = finding_key(f);
            let first_in_session = !keys_seen.contains(&key);
            let max = self.max_examples;
            let entry = self
                .findings
                .entry(key.clone())
                .or_insert_with(|| FindingTally {
                    requirement: f.requirement.clone(),
                    severity: f.severity,
                    check: f.check.clone(),
                    count: 0,
                    sessions: 0,
                    examples: Vec::new(),
                });
            entry.count += 1;
            entry.severity = graver(entry.severity, f.severity);
            if first_in_session {
                entry.sessions += 1;
                if entry.examples.len() < max {
                    let t = transcript.get_or_insert_with(|| messages(run)).clone();
                    entry.examples.push(example(run, Some(f), None, t));
                }
                keys_seen.push(key);
            }
        }
        if let Some(how) = &run.refused {
            *self.refused.entry(how.clone()).or_default() += 1;
        }
        if run.findings.iter().any(|f| f.severity == Severity::Fail) {
            self.non_conforming += 1;
        }
        match &run.failure {
            None if run.cut => self.cut += 1,
            None => self.ended += 1,
            Some(failure) => {
                self.failed += 1;
                self.interval(end).errors += 1;
                let max = self.max_examples;
                let entry = self.errors.entry(failure.kind.clone()).or_default();
                entry.count += 1;
                if entry.examples.len() < max {
                    let t = transcript.get_or_insert_with(|| messages(run)).clone();
                    entry
                        .examples
                        .push(example(run, None, Some(&failure.message), t));
                }
            }
        }
    }

    /// Adds another shard's tally: every count adds, histograms add bucket by bucket,
    /// and the earliest examples are kept.
    pub fn merge(&mut self, o: &Tally) -> Result<(), String> {
        let (short, long) = (
            self.interval_ms.min(o.interval_ms),
            self.interval_ms.max(o.interval_ms),
        );
        if long % short != 0 || !(long / short).is_power_of_two() {
            return Err(format!(
                "the timelines have intervals of {} ms and {} ms: not shards of one load",
                self.interval_ms, o.interval_ms
            ));
        }
        // A shard that ran longer may have coarsened its timeline once more.
        let mut coarser;
        let o = if o.interval_ms < self.interval_ms {
            coarser = o.clone();
            while coarser.interval_ms < self.interval_ms {
                coarser.coarsen();
            }
            &coarser
        } else {
            o
        };
        while self.interval_ms < o.interval_ms {
            self.coarsen();
        }
        self.sessions += o.sessions;
        self.ended += o.ended;
        self.failed += o.failed;
        self.non_conforming += o.non_conforming;
        for (k, v) in &o.refused {
            *self.refused.entry(k.clone()).or_default() += v;
        }
        self.messages += o.messages;
        self.judged += o.judged;
        self.cut += o.cut;
        for (k, v) in &o.missed {
            *self.missed.entry(k.clone()).or_default() += v;
        }
        let max = self.max_examples.max(o.max_examples);
        self.max_examples = max;
        for (k, v) in &o.findings {
            match self.findings.get_mut(k) {
                Some(mine) => {
                    mine.severity = graver(mine.severity, v.severity);
                    mine.count += v.count;
                    mine.sessions += v.sessions;
                    mine.examples = earliest(&mine.examples, &v.examples, max);
                }
                None => {
                    self.findings.insert(k.clone(), v.clone());
                }
            }
        }
        for (k, v) in &o.errors {
            let mine = self.errors.entry(k.clone()).or_default();
            mine.count += v.count;
            mine.examples = earliest(&mine.examples, &v.examples, max);
        }
        for (mine, theirs) in self.latency.iter_mut().zip(&o.latency) {
            mine.add(theirs);
        }
        self.session_latency.add(&o.session_latency);
        for (i, theirs) in o.timeline.iter().enumerate() {
            while self.timeline.len() <= i {
                self.timeline.push(Interval::new());
            }
            self.timeline[i].add(theirs);
        }
        Ok(())
    }

    /// Whether a MUST was broken.
    pub fn fails(&self) -> bool {
        self.findings
            .values()
            .any(|f| matches!(f.severity, Severity::Fail | Severity::Error))
    }

    /// Sessions the server refused or aborted, however.
    pub fn refused_count(&self) -> u64 {
        self.refused.values().sum()
    }

    /// How many errors, of every kind.
    pub fn error_count(&self) -> u64 {
        self.errors.values().map(|e| e.count).sum()
    }
}

/// The key a finding is counted under: its requirement, else its check.
fn finding_key(f: &Finding) -> String {
    f.requirement
        .clone()
        .unwrap_or_else(|| format!("check: {}", f.check))
}

/// The graver of two severities: a requirement whose findings were of both is counted
/// under the graver, so that one MUST broken is never hidden by an earlier SHOULD.
fn graver(a: Severity, b: Severity) -> Severity {
    if b.gravity() > a.gravity() { b } else { a }
}

fn messages(run: &SessionRun) -> Vec<ExampleMessage> {
    run.transcript()
        .into_iter()
        .map(ExampleMessage::from)
        .collect()
}

fn example(
    run: &SessionRun,
    finding: Option<&Finding>,
    error: Option<&str>,
    transcript: Vec<ExampleMessage>,
) -> Example {
    Example {
        device: run.device,
        dev_id: run.dev_id.clone(),
        session_id: run.session_id.clone(),
        at_ms: run.started.as_millis() as u64,
        finding: finding.map(|f| ExampleFinding {
            check: f.check.clone(),
            expected: f.expected.clone(),
            actual: f.actual.clone(),
            exchange: f.exchange,
        }),
        error: error.map(str::to_string),
        transcript,
    }
}

/// The `max` earliest of two lists of examples.
fn earliest(a: &[Example], b: &[Example], max: usize) -> Vec<Example> {
    let mut all: Vec<Example> = a.iter().chain(b).cloned().collect();
    all.sort_by_key(|e| (e.at_ms, e.device));
    all.truncate(max);
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tally with one message in each second of `seconds`.
    fn ticking(seconds: u64) -> Tally {
        let mut t = Tally::new(Duration::from_secs(1), 3);
        for s in 0..seconds {
            let i = t.interval(Duration::from_secs(s));
            i.messages += 1;
            i.latency.record(Duration::from_millis(s + 1));
            t.note_memory(Duration::from_secs(s), 1000 + s);
        }
        t
    }

    fn total(t: &Tally) -> (u64, u64) {
        let messages = t.timeline.iter().map(|i| i.messages).sum();
        let latencies = t.timeline.iter().map(|i| i.latency.count()).sum();
        (messages, latencies)
    }

    #[test]
    fn a_requirement_is_counted_under_its_gravest_finding() {
        use Severity::*;
        assert_eq!(graver(NonStrict, Fail), Fail);
        assert_eq!(graver(Fail, Info), Fail);
        assert_eq!(graver(Info, NonStrict), NonStrict);
    }

    #[test]
    fn a_long_run_keeps_a_bounded_timeline_with_every_count() {
        let t = ticking(2000);
        assert!(t.timeline.len() <= MAX_INTERVALS, "{}", t.timeline.len());
        assert_eq!(
            t.interval_ms, 4000,
            "1 s doubled until 2000 s fit in 512 intervals"
        );
        assert_eq!(total(&t), (2000, 2000));
        assert_eq!(t.timeline.iter().map(|i| i.rss_kib).max(), Some(2999));
    }

    #[test]
    fn shards_whose_timelines_coarsened_differently_merge_at_the_coarser() {
        let mut long = ticking(2000);
        long.merge(&ticking(100)).unwrap();
        assert_eq!(long.interval_ms, 4000);
        assert_eq!(total(&long), (2100, 2100));
        let mut short = ticking(100);
        short.merge(&ticking(2000)).unwrap();
        assert_eq!(short.interval_ms, 4000);
        assert_eq!(total(&short), (2100, 2100));
        let mut odd = ticking(10);
        odd.interval_ms = 3000;
        let err = ticking(10).merge(&odd).unwrap_err();
        assert!(err.contains("not shards of one load"), "{err}");
    }
}
