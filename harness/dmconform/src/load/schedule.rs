//! Who opens a session when in a fleet load. Devices are numbered 1 to N; a shard
//! `K/S` (K from 0) owns a disjoint range of them, so that S processes together load
//! exactly the devices one process would. Turns go round the devices in an order that
//! is fixed but not their numbering ([`Order`]); at a rate R, turn k starts k/R
//! seconds into the run, the same in every shard, and a shard takes the turns of its
//! own devices: each device opens a session every N/R seconds, and the devices' first
//! sessions are spread over that period instead of opening in lock-step.

use serde::{Deserialize, Serialize};
use std::ops::Range;
use std::str::FromStr;
use std::time::Duration;

/// A shard of a fleet: number `index` of `count`, counted from 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// The whole fleet in one process.
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// The device numbers of this shard, among 1 to `devices`.
    pub fn devices(self, devices: u64) -> Range<u64> {
        let at = |i: u32| (u128::from(devices) * u128::from(i) / u128::from(self.count)) as u64;
        at(self.index) + 1..at(self.index + 1) + 1
    }
}

impl FromStr for Shard {
    type Err = String;

    /// `K/S`: shard K (0 to S-1) of S, as a Kubernetes Indexed Job numbers its pods.
    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || {
            format!(
                "--shard {s:?}: expected K/S with 0 <= K < S <= 65536 (shard 0/2 and 1/2 of two)"
            )
        };
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let index = k.trim().parse::<u32>().map_err(|_| bad())?;
        let count = n.trim().parse::<u32>().map_err(|_| bad())?;
        if count == 0 || count > super::report::MAX_SHARDS || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The order turns go round `n` things in: turn k is thing `(k·stride + offset) mod n`,
/// with a stride coprime to n near n·0.618, so that neighbours by number take their
/// turns far apart and every thing gets one turn in every n.
#[derive(Clone, Copy, Debug)]
pub struct Order {
    n: u64,
    stride: u64,
    offset: u64,
}

impl Order {
    pub fn new(n: u64) -> Order {
        let n = n.max(1);
        let mut stride = ((n as f64) * 0.618_033_988_75) as u64 | 1;
        while gcd(stride, n) != 1 {
            stride += 1;
        }
        Order {
            n,
            stride: stride % n,
            offset: n / 3,
        }
    }

    /// The thing (0 to n-1) whose turn `k` is.
    pub fn at(&self, k: u64) -> u64 {
        let k = u128::from(k % self.n);
        ((k * u128::from(self.stride) + u128::from(self.offset)) % u128::from(self.n)) as u64
    }
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// The turns of a run at a fixed rate: turn k of the whole fleet starts at k/rate
/// seconds and belongs to device `order.at(k) + 1`; a shard keeps its own devices'.
#[derive(Clone, Debug)]
pub struct RateSchedule {
    rate: f64,
    order: Order,
    mine: Range<u64>,
    turns: u64,
    next: u64,
}

impl RateSchedule {
    /// The turns of `shard` in a run of `duration` at `rate` sessions a second over the
    /// whole fleet of `devices`.
    pub fn new(devices: u64, shard: Shard, rate: f64, duration: Duration) -> RateSchedule {
        RateSchedule {
            rate,
            order: Order::new(devices),
            mine: shard.devices(devices),
            turns: (rate * duration.as_secs_f64()).floor() as u64,
            next: 0,
        }
    }
}

impl Iterator for RateSchedule {
    /// When, from the start of the run, and which device.
    type Item = (Duration, u64);

    fn next(&mut self) -> Option<(Duration, u64)> {
        while self.next < self.turns {
            let k = self.next;
            self.next += 1;
            let device = self.order.at(k) + 1;
            if self.mine.contains(&device) {
                return Some((Duration::from_secs_f64(k as f64 / self.rate), device));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn shards_split_the_devices_into_disjoint_ranges_that_cover_them() {
        let ranges: Vec<Range<u64>> = (0..3)
            .map(|i| Shard { index: i, count: 3 }.devices(10))
            .collect();
        assert_eq!(ranges, vec![1..4, 4..7, 7..11]);
        assert_eq!(Shard::WHOLE.devices(10), 1..11);
    }

    #[test]
    fn a_shard_is_read_from_k_slash_s() {
        assert_eq!("1/4".parse::<Shard>(), Ok(Shard { index: 1, count: 4 }));
        for bad in ["4/4", "1", "a/2", "0/0", "-1/2"] {
            let e = bad.parse::<Shard>().unwrap_err();
            assert!(e.contains("K/S"), "{bad}: {e}");
        }
    }

    #[test]
    fn every_device_takes_one_turn_in_every_n_and_neighbours_are_apart() {
        for n in [1, 2, 7, 10, 1000] {
            let o = Order::new(n);
            let turns: BTreeSet<u64> = (0..n).map(|k| o.at(k)).collect();
            assert_eq!(turns.len() as u64, n, "n = {n}");
            assert_eq!(o.at(0), o.at(n));
        }
        let o = Order::new(1000);
        assert!(o.at(1).abs_diff(o.at(0)) > 100);
    }

    #[test]
    fn shards_of_a_rate_schedule_take_exactly_the_turns_of_the_whole() {
        let d = Duration::from_secs(3);
        let whole: Vec<_> = RateSchedule::new(50, Shard::WHOLE, 20.0, d).collect();
        assert_eq!(whole.len(), 60);
        let mut parts: Vec<_> = (0..2)
            .flat_map(|i| RateSchedule::new(50, Shard { index: i, count: 2 }, 20.0, d))
            .collect();
        parts.sort_by_key(|(t, _)| *t);
        assert_eq!(parts, whole);
        // Each device's sessions are N/R = 2.5 s apart.
        for device in 1..=50 {
            let times: Vec<Duration> = whole
                .iter()
                .filter(|(_, n)| *n == device)
                .map(|(t, _)| *t)
                .collect();
            assert!(matches!(times.len(), 1 | 2), "device {device}: {times:?}");
            if let [a, b] = times[..] {
                assert_eq!(b - a, Duration::from_millis(2500), "device {device}");
            }
        }
        assert!(whole.windows(2).all(|w| w[0].0 <= w[1].0));
    }
}
