//! Latencies as HDR histograms (the `hdrhistogram` crate) that go into a JSON report
//! and come back out exactly: a histogram is written with its percentiles for a
//! reader and its whole content in HdrHistogram's V2 encoding (Base64) for merging
//! shard reports, which adds the counts bucket by bucket.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use hdrhistogram::Histogram;
use hdrhistogram::serialization::{Deserializer, Serializer, V2Serializer};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The longest latency told apart: an hour, in microseconds (longer ones count as an hour).
const HIGHEST_US: u64 = 3_600_000_000;

/// Latencies in microseconds.
#[derive(Clone, Debug, PartialEq)]
pub struct Latency(Histogram<u64>);

impl Latency {
    /// A histogram keeping `digits` significant decimal digits (3 for the report's
    /// figures, 2 for each interval of the timeline).
    pub fn new(digits: u8) -> Latency {
        Latency(
            Histogram::new_with_bounds(1, HIGHEST_US, digits)
                .expect("the bounds are valid for 1 to 5 digits"),
        )
    }

    pub fn record(&mut self, d: Duration) {
        let us = u64::try_from(d.as_micros()).unwrap_or(u64::MAX).max(1);
        self.0.saturating_record(us);
    }

    pub fn add(&mut self, other: &Latency) {
        // Both have the same bounds, so adding cannot fail.
        let _ = self.0.add(&other.0);
    }

    pub fn count(&self) -> u64 {
        self.0.len()
    }

    /// The latency at `percentile` (0 to 100), in milliseconds.
    pub fn ms_at(&self, percentile: f64) -> f64 {
        self.0.value_at_percentile(percentile) as f64 / 1000.0
    }

    pub fn max_ms(&self) -> f64 {
        self.0.max() as f64 / 1000.0
    }

    /// The columns of a latency table: p50, p90, p99, p99.9 and max, in milliseconds.
    pub fn columns(&self) -> [f64; 5] {
        [
            self.ms_at(50.0),
            self.ms_at(90.0),
            self.ms_at(99.0),
            self.ms_at(99.9),
            self.max_ms(),
        ]
    }

    pub fn mean_ms(&self) -> f64 {
        self.0.mean() / 1000.0
    }

    /// (percentile, milliseconds) at the points of a percentile plot: 0 to 99.9999 in
    /// steps that halve the distance to 100.
    pub fn percentile_curve(&self) -> Vec<(f64, f64)> {
        if self.count() == 0 {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut rest = 100.0_f64;
        while rest > 0.0001 {
            let p = 100.0 - rest;
            out.push((p, self.ms_at(p)));
            rest /= 2.0;
        }
        out.push((100.0, self.max_ms()));
        out
    }

    fn encode(&self) -> String {
        let mut bytes = Vec::new();
        V2Serializer::new()
            .serialize(&self.0, &mut bytes)
            .expect("a histogram serializes into memory");
        B64.encode(bytes)
    }

    fn decode(text: &str) -> Result<Latency, String> {
        let bytes = B64
            .decode(text)
            .map_err(|e| format!("a histogram is not Base64: {e}"))?;
        let h: Histogram<u64> = Deserializer::new()
            .deserialize(&mut &bytes[..])
            .map_err(|e| format!("a histogram does not decode: {e:?}"))?;
        let mut out = Latency::new(h.sigfig());
        out.0
            .add(&h)
            .map_err(|e| format!("a histogram is out of bounds: {e:?}"))?;
        Ok(out)
    }
}

/// A histogram as a report writes it.
#[derive(Serialize, Deserialize)]
struct Written {
    count: u64,
    #[serde(default)]
    p50_ms: f64,
    #[serde(default)]
    p90_ms: f64,
    #[serde(default)]
    p99_ms: f64,
    #[serde(default)]
    p999_ms: f64,
    #[serde(default)]
    max_ms: f64,
    #[serde(default)]
    mean_ms: f64,
    /// The whole histogram, HdrHistogram V2, Base64.
    hdr: String,
}

impl Serialize for Latency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Written {
            count: self.count(),
            p50_ms: self.ms_at(50.0),
            p90_ms: self.ms_at(90.0),
            p99_ms: self.ms_at(99.0),
            p999_ms: self.ms_at(99.9),
            max_ms: self.max_ms(),
            mean_ms: self.mean_ms(),
            hdr: self.encode(),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Latency {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Latency, D::Error> {
        let w = Written::deserialize(d)?;
        let h = Latency::decode(&w.hdr).map_err(serde::de::Error::custom)?;
        if h.count() != w.count {
            return Err(serde::de::Error::custom(format!(
                "a histogram holds {} values but says {}",
                h.count(),
                w.count
            )));
        }
        Ok(h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_histogram_comes_back_from_json_exactly_and_merges_by_adding() {
        let mut a = Latency::new(3);
        for ms in [1, 2, 3, 50, 900] {
            a.record(Duration::from_millis(ms));
        }
        let text = serde_json::to_string(&a).unwrap();
        let back: Latency = serde_json::from_str(&text).unwrap();
        assert_eq!(back, a);
        let mut b = Latency::new(3);
        b.record(Duration::from_secs(2));
        b.add(&back);
        assert_eq!(b.count(), 6);
        assert!((b.max_ms() - 2000.0).abs() < 2.0, "{}", b.max_ms());
        let curve = b.percentile_curve();
        assert_eq!(curve.first().unwrap().0, 0.0);
        assert_eq!(curve.last().unwrap().0, 100.0);
    }

    #[test]
    fn a_histogram_whose_count_was_edited_is_refused() {
        let mut a = Latency::new(2);
        a.record(Duration::from_millis(5));
        let text = serde_json::to_string(&a)
            .unwrap()
            .replace("\"count\":1", "\"count\":2");
        let e = serde_json::from_str::<Latency>(&text)
            .unwrap_err()
            .to_string();
        assert!(e.contains("holds 1 values but says 2"), "{e}");
    }
}
