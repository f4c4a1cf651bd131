//! The rule that turns a SyncML status into the HRESULT Windows and Intune report,
//! and the hexadecimal forms such codes are written in.
//!
//! Intune's "OMA response codes" table shows every SyncML status `n` as the
//! HRESULT `0x87D10000 + n` (418 ↔ 0x87D101A2 ↔ -2016345694).

/// The HRESULT that SyncML status 0 would have; status `n` is this plus `n`.
pub const SYNCML_HRESULT_BASE: u32 = 0x87D1_0000;

/// The range of numbers the rule is applied to backwards: the SyncML status
/// classes 1xx to 5xx. An HRESULT further above the base is some other Intune
/// error, not a SyncML status.
const STATUS_RANGE: std::ops::RangeInclusive<u32> = 100..=599;

/// The HRESULT for SyncML status `code`: `0x87D10000 + code`.
pub fn hresult_for_status(code: u16) -> u32 {
    SYNCML_HRESULT_BASE + u32::from(code)
}

/// The SyncML status an HRESULT stands for under the rule, if it is
/// `0x87D10000 + n` with `n` in 100..=599. Says nothing of whether `n` is an
/// assigned status: ask the catalog for that.
pub fn status_for_hresult(hresult: u32) -> Option<u16> {
    let offset = hresult.checked_sub(SYNCML_HRESULT_BASE)?;
    if STATUS_RANGE.contains(&offset) {
        u16::try_from(offset).ok()
    } else {
        None
    }
}

/// The HRESULT as Intune prints it in decimal: a signed 32-bit number.
pub fn signed(hresult: u32) -> i32 {
    hresult as i32
}

/// The HRESULT whose signed decimal form is `decimal`.
pub fn from_signed(decimal: i32) -> u32 {
    decimal as u32
}

/// Reads one to eight hexadecimal digits, any case, with nothing else around them.
pub fn parse_hex_digits(digits: &str) -> Option<u32> {
    let plausible =
        (1..=8).contains(&digits.len()) && digits.bytes().all(|byte| byte.is_ascii_hexdigit());
    if plausible {
        u32::from_str_radix(digits, 16).ok()
    } else {
        None
    }
}

/// Reads a hexadecimal code written with its `0x` or `0X` prefix, as the tables print them.
pub fn parse_prefixed_hex(text: &str) -> Option<u32> {
    text.strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .and_then(parse_hex_digits)
}

/// The canonical written form: `0x` and eight upper-case digits.
pub fn format_hex(hresult: u32) -> String {
    format!("0x{hresult:08X}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_418_is_0x87d101a2_and_minus_2016345694() {
        assert_eq!(hresult_for_status(418), 0x87D1_01A2);
        assert_eq!(signed(0x87D1_01A2), -2_016_345_694);
        assert_eq!(from_signed(-2_016_345_694), 0x87D1_01A2);
        assert_eq!(status_for_hresult(0x87D1_01A2), Some(418));
        assert_eq!(format_hex(0x87D1_01A2), "0x87D101A2");
    }

    #[test]
    fn the_rule_runs_both_ways_over_the_status_range() {
        for code in 100..=599u16 {
            let hresult = hresult_for_status(code);
            assert_eq!(status_for_hresult(hresult), Some(code));
            assert_eq!(from_signed(signed(hresult)), hresult);
        }
    }

    #[test]
    fn other_hresults_are_not_statuses() {
        assert_eq!(status_for_hresult(hresult_for_status(99)), None);
        assert_eq!(status_for_hresult(hresult_for_status(600)), None);
        assert_eq!(status_for_hresult(0x87D1_FDF3), None);
        assert_eq!(status_for_hresult(0x80CF_0437), None);
        assert_eq!(status_for_hresult(0), None);
        assert_eq!(status_for_hresult(u32::MAX), None);
    }

    #[test]
    fn hex_forms() {
        assert_eq!(parse_prefixed_hex("0x87D101A2"), Some(0x87D1_01A2));
        assert_eq!(parse_prefixed_hex("0X87d101a2"), Some(0x87D1_01A2));
        assert_eq!(parse_prefixed_hex("0xAB2"), Some(0xAB2));
        assert_eq!(parse_prefixed_hex("=0x87D101F8"), None);
        assert_eq!(parse_prefixed_hex("0x"), None);
        assert_eq!(parse_prefixed_hex("0x+1"), None);
        assert_eq!(parse_prefixed_hex("0x187D101A2"), None);
        assert_eq!(parse_prefixed_hex("87D101A2"), None);
        assert_eq!(parse_hex_digits("87d101a2"), Some(0x87D1_01A2));
        assert_eq!(parse_hex_digits(""), None);
    }
}
