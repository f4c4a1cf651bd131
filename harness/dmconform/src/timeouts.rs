//! The bound on every timeout a user can set: a value past it is a usage
//! error naming the option, so that adding a timeout to an instant can never
//! overflow.

use std::time::{Duration, Instant};

/// The longest timeout accepted anywhere: one day.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(24 * 60 * 60);

/// `value` when it is at most [`MAX_TIMEOUT`], else an error naming `option`.
pub fn bounded(option: &str, value: Duration) -> Result<Duration, String> {
    if value > MAX_TIMEOUT {
        Err(format!(
            "{option}: {} s is over the longest timeout accepted ({} s, one day)",
            value.as_secs(),
            MAX_TIMEOUT.as_secs()
        ))
    } else {
        Ok(value)
    }
}

/// The instant `after` from now; a wait too long to represent is cut to [`MAX_TIMEOUT`].
pub fn deadline(after: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(after)
        .or_else(|| now.checked_add(MAX_TIMEOUT))
        .unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_is_accepted_and_a_second_more_is_not() {
        assert_eq!(bounded("timeout", MAX_TIMEOUT), Ok(MAX_TIMEOUT));
        let e = bounded("--idle-timeout", MAX_TIMEOUT + Duration::from_secs(1)).unwrap_err();
        assert!(e.starts_with("--idle-timeout:"), "{e}");
    }

    #[test]
    fn a_deadline_past_any_instant_is_cut_to_a_day() {
        let d = deadline(Duration::MAX);
        assert!(d > Instant::now() + MAX_TIMEOUT - Duration::from_secs(60));
    }
}
