//! `mb_u_int32`, the variable-length unsigned integer of WBXML: big-endian
//! groups of 7 bits, every byte but the last with its high bit set.

/// Why an `mb_u_int32` could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MbIntError {
    /// The input ended before the last byte.
    Truncated,
    /// The value does not fit in 32 bits (or uses more than 5 bytes).
    Overflow,
}

/// Reads an `mb_u_int32` at `input[pos..]`, returning the value and the
/// position after it.
pub fn read(input: &[u8], pos: usize) -> Result<(u32, usize), MbIntError> {
    let mut value: u32 = 0;
    let mut at = pos;
    loop {
        let byte = *input.get(at).ok_or(MbIntError::Truncated)?;
        at += 1;
        if value > (u32::MAX >> 7) {
            return Err(MbIntError::Overflow);
        }
        value = (value << 7) | u32::from(byte & 0x7F);
        if byte & 0x80 == 0 {
            return Ok((value, at));
        }
        if at - pos >= 5 {
            return Err(MbIntError::Overflow);
        }
    }
}

/// Appends `value` as an `mb_u_int32`.
pub fn write(out: &mut Vec<u8>, value: u32) {
    let mut groups = [0u8; 5];
    let mut n = 0;
    let mut v = value;
    loop {
        groups[n] = (v & 0x7F) as u8;
        n += 1;
        v >>= 7;
        if v == 0 {
            break;
        }
    }
    for i in (0..n).rev() {
        let continuation = if i == 0 { 0 } else { 0x80 };
        out.push(groups[i] | continuation);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(v: u32) -> Vec<u8> {
        let mut out = Vec::new();
        write(&mut out, v);
        out
    }

    #[test]
    fn known_encodings() {
        assert_eq!(encoded(0), [0x00]);
        assert_eq!(encoded(0x6A), [0x6A]);
        assert_eq!(encoded(0x80), [0x81, 0x00]);
        assert_eq!(encoded(0x1201), [0xA4, 0x01]);
        assert_eq!(encoded(0x0FD3), [0x9F, 0x53]);
        assert_eq!(encoded(u32::MAX), [0x8F, 0xFF, 0xFF, 0xFF, 0x7F]);
    }

    #[test]
    fn reads_what_it_writes() {
        for v in [
            0,
            1,
            127,
            128,
            16_383,
            16_384,
            0x1201,
            u32::MAX - 1,
            u32::MAX,
        ] {
            let bytes = encoded(v);
            assert_eq!(read(&bytes, 0), Ok((v, bytes.len())));
        }
    }

    #[test]
    fn refuses_overflow_and_truncation() {
        assert_eq!(
            read(&[0x90, 0x80, 0x80, 0x80, 0x00], 0),
            Err(MbIntError::Overflow)
        );
        assert_eq!(read(&[0x80; 6], 0), Err(MbIntError::Overflow));
        assert_eq!(read(&[0x81, 0x82], 0), Err(MbIntError::Truncated));
        assert_eq!(read(&[], 0), Err(MbIntError::Truncated));
        assert_eq!(read(&[0x00, 0x05], 1), Ok((5, 2)));
    }
}
