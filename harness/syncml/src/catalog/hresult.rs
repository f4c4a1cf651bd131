//! The arithmetic of the HRESULTs Windows and Intune report for SyncML statuses,
//! and the hexadecimal forms such codes are written in.
//!
//! Intune's "OMA response codes" table shows every SyncML status `n` as the
//! HRESULT `0x87D10000 + n` (418 ↔ 0x87D101A2 ↔ -2016345694). Which numbers
//! are SyncML statuses, and so have such an HRESULT, is the catalog's to say:
//! see [`super::hresult_for_status`].

/// The HRESULT that `0x87D10000 + n` is counted from.
pub const SYNCML_HRESULT_BASE: u32 = 0x87D1_0000;

/// `0x87D10000 + n`, for any `n`: the arithmetic alone, whatever `n` stands for.
pub(super) fn above_base(n: u16) -> u32 {
    SYNCML_HRESULT_BASE + u32::from(n)
}

/// The `n` of an HRESULT `0x87D10000 + n`, for any 16-bit `n`; says nothing
/// of what `n` stands for.
pub(super) fn offset_above_base(hresult: u32) -> Option<u16> {
    hresult
        .checked_sub(SYNCML_HRESULT_BASE)
        .and_then(|offset| u16::try_from(offset).ok())
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
        assert_eq!(above_base(418), 0x87D1_01A2);
        assert_eq!(signed(0x87D1_01A2), -2_016_345_694);
        assert_eq!(from_signed(-2_016_345_694), 0x87D1_01A2);
        assert_eq!(offset_above_base(0x87D1_01A2), Some(418));
        assert_eq!(format_hex(0x87D1_01A2), "0x87D101A2");
    }

    #[test]
    fn the_arithmetic_runs_both_ways_over_sixteen_bits() {
        for n in [0, 1, 99, 101, 418, 2104, u16::MAX] {
            assert_eq!(offset_above_base(above_base(n)), Some(n));
        }
        assert_eq!(offset_above_base(SYNCML_HRESULT_BASE - 1), None);
        assert_eq!(offset_above_base(SYNCML_HRESULT_BASE + 0x1_0000), None);
        assert_eq!(offset_above_base(0), None);
        assert_eq!(offset_above_base(u32::MAX), None);
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
