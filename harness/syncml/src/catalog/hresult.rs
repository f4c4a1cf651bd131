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

/// Where Intune's OMA response table puts its DCMO and certificate codes, which
/// are no SyncML statuses: not at `0x87D10000 + code` but at `0x87D10000 +
/// offset`, the code's last two digits kept and its block moved. The table's
/// rows (seed "Error and status codes in Microsoft Intune", ms.date 03/20/2019):
/// DCMO(1200) to DCMO(1204) at -2016344112 to -2016344108, which are
/// 0x87D107D0 to 0x87D107D4, offsets 2000 to 2004; DCMO(1400) to DCMO(1402),
/// (1403) and (1404) at -2016344012 to -2016344008, which are 0x87D10834 to
/// 0x87D10838, offsets 2100 to 2104. So 12xx is at 2000 + xx and 14xx at 2100 + xx.
/// Each entry: the first code of a block and the offset it is printed at.
pub(super) const OMA_CODE_BLOCKS: [(u32, u16); 2] = [(1200, 2000), (1400, 2100)];

/// The offset above 0x87D10000 of a DCMO or certificate code of the OMA
/// response table, by [`OMA_CODE_BLOCKS`]: 1404 → 2104. `None` outside the blocks.
pub(super) fn oma_code_offset(code: u32) -> Option<u16> {
    OMA_CODE_BLOCKS.iter().find_map(|&(first, offset)| {
        let xx = code.checked_sub(first).filter(|&xx| xx < 100)?;
        Some(offset + xx as u16)
    })
}

/// The DCMO or certificate code printed at `offset` above 0x87D10000, by
/// [`OMA_CODE_BLOCKS`]: 2104 → 1404. `None` outside the blocks.
pub(super) fn oma_code_at_offset(offset: u16) -> Option<u32> {
    OMA_CODE_BLOCKS.iter().find_map(|&(first, block)| {
        let xx = offset.checked_sub(block).filter(|&xx| xx < 100)?;
        Some(first + u32::from(xx))
    })
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
    fn dcmo_and_certificate_codes_sit_in_their_blocks() {
        assert_eq!(oma_code_offset(1200), Some(2000));
        assert_eq!(oma_code_offset(1204), Some(2004));
        assert_eq!(oma_code_offset(1400), Some(2100));
        assert_eq!(oma_code_offset(1404), Some(2104));
        assert_eq!(above_base(2104), 0x87D1_0838);
        assert_eq!(above_base(2000), 0x87D1_07D0);
        for code in [0, 418, 1199, 1300, 1399, 1500] {
            assert_eq!(oma_code_offset(code), None, "{code}");
        }
        for code in (1200..1300).chain(1400..1500) {
            let offset = oma_code_offset(code).unwrap();
            assert_eq!(oma_code_at_offset(offset), Some(code));
        }
        for offset in [0, 418, 1999, 2200, 2104 + 100] {
            assert_eq!(oma_code_at_offset(offset), None, "{offset}");
        }
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
