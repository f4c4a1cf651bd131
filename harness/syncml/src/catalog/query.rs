//! Reading a code as a user types it: the forms accepted, and what each one is read as.
//!
//! - `418`, `60`, `1200`: a small decimal number (up to 65535), looked up as a
//!   SyncML status, an alert code, an app-install state, an HTTP status, an iOS
//!   error or a DCMO code;
//! - `0x87D101A2`, `0x80CF0437`, `0xAB2` (any case): a hexadecimal code;
//! - `87D101A2`: hexadecimal without the prefix, when it has a letter among its digits;
//! - `-2016345694`: an HRESULT as a signed decimal, as Intune prints it;
//! - `2278621602`: an HRESULT as an unsigned decimal (anything above 65535);
//! - eight decimal digits such as `80070032` are read both as a decimal and as
//!   hexadecimal written without its prefix.

use std::fmt;

use super::hresult::{self, format_hex, parse_hex_digits};

/// One way a query was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reading {
    /// A small decimal number.
    Number(u16),
    /// A 32-bit code: an HRESULT, an enrollment error, ...
    Hresult(u32),
}

impl fmt::Display for Reading {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Reading::Number(number) => write!(f, "number {number}"),
            Reading::Hresult(code) => write!(
                f,
                "32-bit code {} (signed decimal {}, unsigned {code})",
                format_hex(code),
                hresult::signed(code)
            ),
        }
    }
}

/// Why a query is not a code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QueryError {
    Empty,
    /// Not written in any accepted form; holds the query (shortened when long).
    NotACode(String),
    /// A number that does not fit in 32 bits; holds the query (shortened when long).
    OutOfRange(String),
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueryError::Empty => f.write_str("empty code"),
            QueryError::NotACode(query) => write!(
                f,
                "{query:?} is not a code: expected a decimal number (418, 60, -2016345694, \
                 2278621602), hexadecimal (0x87D101A2, 87D101A2, 0x80CF0437) or the name of \
                 an enrollment fault (InvalidSecurity, DeviceCapReached)"
            ),
            QueryError::OutOfRange(query) => {
                write!(
                    f,
                    "{query:?} does not fit in 32 bits, so it is no status or HRESULT"
                )
            }
        }
    }
}

impl std::error::Error for QueryError {}

/// Every reading of `query`, in the order they are searched.
pub fn read_query(query: &str) -> Result<Vec<Reading>, QueryError> {
    let query = query.trim();
    if query.is_empty() {
        return Err(QueryError::Empty);
    }
    let not_a_code = || QueryError::NotACode(shorten(query));
    let out_of_range = || QueryError::OutOfRange(shorten(query));

    if let Some(digits) = query
        .strip_prefix("0x")
        .or_else(|| query.strip_prefix("0X"))
    {
        return parse_hex_digits(digits)
            .map(|code| vec![Reading::Hresult(code)])
            .ok_or_else(not_a_code);
    }
    if let Some(digits) = query.strip_prefix('-') {
        if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
            return Err(not_a_code());
        }
        let value: i32 = query.parse().map_err(|_| out_of_range())?;
        return Ok(vec![Reading::Hresult(hresult::from_signed(value))]);
    }
    if query.bytes().all(|byte| byte.is_ascii_digit()) {
        let value: u32 = query.parse().map_err(|_| out_of_range())?;
        let mut readings = vec![match u16::try_from(value) {
            Ok(number) => Reading::Number(number),
            Err(_) => Reading::Hresult(value),
        }];
        if query.len() == 8 {
            readings.extend(parse_hex_digits(query).map(Reading::Hresult));
        }
        return Ok(readings);
    }
    parse_hex_digits(query)
        .map(|code| vec![Reading::Hresult(code)])
        .ok_or_else(not_a_code)
}

/// The query as quoted in an error: at most 40 characters.
fn shorten(query: &str) -> String {
    const LIMIT: usize = 40;
    match query.char_indices().nth(LIMIT) {
        Some((end, _)) => format!("{}…", &query[..end]),
        None => query.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::Reading::{Hresult, Number};
    use super::*;

    #[test]
    fn every_documented_form() {
        assert_eq!(read_query("418"), Ok(vec![Number(418)]));
        assert_eq!(read_query("60"), Ok(vec![Number(60)]));
        assert_eq!(read_query(" 418 "), Ok(vec![Number(418)]));
        assert_eq!(read_query("0x87D101A2"), Ok(vec![Hresult(0x87D1_01A2)]));
        assert_eq!(read_query("0X87d101a2"), Ok(vec![Hresult(0x87D1_01A2)]));
        assert_eq!(read_query("87d101A2"), Ok(vec![Hresult(0x87D1_01A2)]));
        assert_eq!(read_query("-2016345694"), Ok(vec![Hresult(0x87D1_01A2)]));
        assert_eq!(read_query("2278621602"), Ok(vec![Hresult(0x87D1_01A2)]));
        assert_eq!(read_query("0x80CF0437"), Ok(vec![Hresult(0x80CF_0437)]));
        assert_eq!(read_query("0xAB2"), Ok(vec![Hresult(0xAB2)]));
        assert_eq!(read_query("65535"), Ok(vec![Number(65535)]));
        assert_eq!(read_query("65536"), Ok(vec![Hresult(65536)]));
    }

    #[test]
    fn eight_decimal_digits_are_also_read_as_hex() {
        assert_eq!(
            read_query("80070032"),
            Ok(vec![Hresult(80_070_032), Hresult(0x8007_0032)])
        );
    }

    #[test]
    fn extremes_of_the_32_bit_forms() {
        assert_eq!(read_query("-2147483648"), Ok(vec![Hresult(0x8000_0000)]));
        assert_eq!(read_query("4294967295"), Ok(vec![Hresult(u32::MAX)]));
        assert_eq!(read_query("0xFFFFFFFF"), Ok(vec![Hresult(u32::MAX)]));
    }

    #[test]
    fn out_of_range_numbers() {
        for query in ["-2147483649", "4294967296", "99999999999999999999999"] {
            assert!(
                matches!(read_query(query), Err(QueryError::OutOfRange(_))),
                "{query}"
            );
        }
    }

    #[test]
    fn garbage_is_not_a_code() {
        for query in [
            "zzz",
            "0x",
            "0x1FFFFFFFF",
            "-",
            "--1",
            "-0x1",
            "+418",
            "4 18",
            "0x-1",
            "１２",
        ] {
            assert!(
                matches!(read_query(query), Err(QueryError::NotACode(_))),
                "{query}"
            );
        }
        assert_eq!(read_query("   "), Err(QueryError::Empty));
    }

    #[test]
    fn long_garbage_is_quoted_short() {
        let query = "x".repeat(10_000);
        let message = read_query(&query).unwrap_err().to_string();
        assert!(message.len() < 300, "{message}");
    }
}
