//! Calendar dates as `YYYY-MM-DD` text: today's date in UTC and the check that
//! a text is such a date. Dates of this form compare correctly as strings.

use std::time::{SystemTime, UNIX_EPOCH};

/// Today's date in UTC.
pub fn today() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    from_days((secs / 86_400) as i64)
}

/// The date `days` days after 1970-01-01 (the civil-from-days algorithm of
/// Howard Hinnant's "chrono-Compatible Low-Level Date Algorithms").
pub fn from_days(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Whether `text` is a date `YYYY-MM-DD` with a month 01–12 and a day 01–31.
pub fn is_date(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !digits(0..4) || !digits(5..7) {
        return false;
    }
    if !digits(8..10) {
        return false;
    }
    let month: u8 = text[5..7].parse().unwrap_or(0);
    let day: u8 = text[8..10].parse().unwrap_or(0);
    (1..=12).contains(&month) && (1..=31).contains(&day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_become_dates() {
        assert_eq!(from_days(0), "1970-01-01");
        assert_eq!(from_days(11_016), "2000-02-29");
        assert_eq!(from_days(20_454), "2026-01-01");
    }

    #[test]
    fn only_well_formed_dates_pass() {
        assert!(is_date("2026-11-22"));
        for bad in [
            "2026-13-01",
            "2026-1-01",
            "26-11-22",
            "2026-11-00",
            "2026/11/22",
            "é026-11-2",
        ] {
            assert!(!is_date(bad), "{bad}");
        }
    }
}
