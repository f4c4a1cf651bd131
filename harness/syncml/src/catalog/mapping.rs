//! The one rule between a SyncML status and the HRESULT Windows and Intune report
//! for it, which `explain`, the reports and the snapshots all apply.
//!
//! The rule: a SyncML status code `n` (an assigned one, a row of
//! `syncml-status.tsv`: 101, 200–216, 300–305, 400–428, 500–514, 516, 517) is the
//! HRESULT `0x87D10000 + n`; any other number (0, 99, 515, 1000, an alert code)
//! is no SyncML status and has no HRESULT.
//!
//! Success and in-progress codes have one too. Intune's "OMA response codes"
//! table ("Error and status codes in Microsoft Intune", ms.date 03/20/2019) prints
//! a row for every 1xx and 2xx status, among them the row
//! `-2016345912 | 0x87D100C8 | The SyncML command completed successfully.`,
//! which is 200's text beside the HRESULT 0x87D10000 + 200; and
//! `-2016346011 | 0x87D10065 | The specified SyncML command is being carried out,
//! but has not yet completed.` for 101. So 200 is HRESULT 0x87D100C8.

use super::Catalog;
use super::hresult::{above_base, offset_above_base};

impl Catalog {
    /// The HRESULT for SyncML status `code`, `0x87D10000 + code`, when `code` is
    /// a SyncML status code; `None` for any other number.
    pub fn hresult_for_status(&self, code: u16) -> Option<u32> {
        self.syncml_status(code).map(|_| above_base(code))
    }

    /// The SyncML status code an HRESULT stands for under the rule: `n` when
    /// the HRESULT is `0x87D10000 + n` and `n` is a SyncML status code.
    pub fn status_for_hresult(&self, hresult: u32) -> Option<u16> {
        offset_above_base(hresult).filter(|&n| self.syncml_status(n).is_some())
    }
}

/// The status code written in the Data of a Status, as the harness records it:
/// decimal digits, with the spaces around them ignored. Says nothing of whether
/// the number is a SyncML status code.
pub fn read_status_code(data: &str) -> Option<u16> {
    let digits = data.trim();
    if !digits.is_empty() && digits.bytes().all(|byte| byte.is_ascii_digit()) {
        digits.parse().ok()
    } else {
        None
    }
}

/// The HRESULT for SyncML status `code` under the built-in catalog; see
/// [`Catalog::hresult_for_status`].
pub fn hresult_for_status(code: u16) -> Option<u32> {
    Catalog::builtin().hresult_for_status(code)
}

/// The SyncML status code an HRESULT stands for under the built-in catalog; see
/// [`Catalog::status_for_hresult`].
pub fn status_for_hresult(hresult: u32) -> Option<u16> {
    Catalog::builtin().status_for_hresult(hresult)
}

/// The HRESULT for the status code written in a Status's Data (`"418"`), when
/// it reads as a SyncML status code; `None` for anything else (`"0"`, `"99"`,
/// `"1000"`, `"abc"`, an empty Data).
pub fn hresult_for_status_data(data: &str) -> Option<u32> {
    read_status_code(data).and_then(hresult_for_status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_418_is_0x87d101a2() {
        assert_eq!(hresult_for_status(418), Some(0x87D1_01A2));
        assert_eq!(status_for_hresult(0x87D1_01A2), Some(418));
        assert_eq!(hresult_for_status_data("418"), Some(0x87D1_01A2));
        assert_eq!(hresult_for_status_data(" 418\n"), Some(0x87D1_01A2));
    }

    #[test]
    fn success_and_in_progress_codes_have_an_hresult() {
        assert_eq!(hresult_for_status(200), Some(0x87D1_00C8));
        assert_eq!(hresult_for_status(101), Some(0x87D1_0065));
        for code in 200..=216 {
            assert!(hresult_for_status(code).is_some(), "{code}");
        }
    }

    #[test]
    fn a_number_that_is_no_syncml_status_has_no_hresult() {
        for code in [
            0, 1, 99, 100, 102, 217, 299, 515, 518, 599, 600, 1000, 1222, 2104,
        ] {
            assert_eq!(hresult_for_status(code), None, "{code}");
            assert_eq!(status_for_hresult(above_base(code)), None, "{code}");
        }
        for data in [
            "0", "99", "1000", "", " ", "abc", "+418", "-418", "4 18", "70000",
        ] {
            assert_eq!(hresult_for_status_data(data), None, "{data:?}");
        }
        assert_eq!(status_for_hresult(0x87D1_FDF3), None);
        assert_eq!(status_for_hresult(0x80CF_0437), None);
        assert_eq!(status_for_hresult(0), None);
        assert_eq!(status_for_hresult(u32::MAX), None);
    }

    #[test]
    fn the_rule_runs_both_ways_over_every_status() {
        for status in Catalog::builtin().statuses() {
            let hresult = hresult_for_status(status.code).unwrap();
            assert_eq!(status_for_hresult(hresult), Some(status.code));
        }
    }
}
