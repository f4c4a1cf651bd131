//! Credentials blotted out of a WBXML message that does not decode. The bytes
//! are walked token by token as far as they make sense; the strings and opaque
//! data inside each `Cred` (SyncML code page 0, tag 0x0E), and the string-table
//! entries they point at, are overwritten with [`FILL`]. Where the walk cannot go
//! on, whatever follows a byte that may open a `Cred` is overwritten to the end;
//! when the walk fails before it has seen the end of the SyncHdr (where `Cred`
//! lives), the whole string table is overwritten too. Lengths and offsets are kept.

use super::FILL;

/// The SyncML tag `Cred` in code page 0, and `SyncHdr`.
const CRED: u8 = 0x0E;
const SYNC_HDR: u8 = 0x2C;
/// WBXML global tokens.
const SWITCH_PAGE: u8 = 0x00;
const END: u8 = 0x01;
const ENTITY: u8 = 0x02;
const STR_I: u8 = 0x03;
const LITERAL: u8 = 0x04;
const EXT_I_0: u8 = 0x40;
const EXT_I_2: u8 = 0x42;
const PI: u8 = 0x43;
const EXT_T_0: u8 = 0x80;
const EXT_T_2: u8 = 0x82;
const STR_T: u8 = 0x83;
const EXT_0: u8 = 0xC0;
const EXT_2: u8 = 0xC2;
const OPAQUE: u8 = 0xC3;
/// Tag flags: the tag has content, the tag has attributes.
const CONTENT: u8 = 0x40;
const ATTRIBUTES: u8 = 0x80;

/// The bytes of a WBXML message that did not decode, with its credentials overwritten.
pub fn undecodable_wbxml(body: &[u8]) -> Vec<u8> {
    let mut out = body.to_vec();
    let mut walk = Walk {
        bytes: body,
        at: 0,
        out: &mut out,
        table: (0, 0),
        page: 0,
        open: Vec::new(),
        header_closed: false,
    };
    if walk.run().is_none() {
        let stopped = walk.at.min(body.len());
        let (header_closed, table, in_cred) = (walk.header_closed, walk.table, walk.in_cred());
        let blot_from = if in_cred {
            Some(stopped)
        } else {
            body[stopped..]
                .iter()
                .position(|b| b & 0x3F == CRED)
                .map(|i| stopped + i)
        };
        if let Some(i) = blot_from {
            out[i..].fill(FILL);
        }
        if !header_closed {
            out[table.0..table.1].fill(FILL);
        }
    }
    out
}

struct Walk<'a> {
    bytes: &'a [u8],
    at: usize,
    out: &'a mut Vec<u8>,
    /// The string table's span in the body.
    table: (usize, usize),
    page: u8,
    /// The open elements: whether each is a Cred (or inside one), and its tag.
    open: Vec<(bool, u8)>,
    header_closed: bool,
}

impl Walk<'_> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn mb_u32(&mut self) -> Option<usize> {
        let mut v: usize = 0;
        for _ in 0..5 {
            let b = self.byte()?;
            v = (v << 7) | usize::from(b & 0x7F);
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }

    fn in_cred(&self) -> bool {
        self.open.last().is_some_and(|(c, _)| *c)
    }

    /// Skips `n` bytes, overwriting them when inside a Cred.
    fn skip(&mut self, n: usize) -> Option<()> {
        let end = self.at.checked_add(n).filter(|e| *e <= self.bytes.len())?;
        if self.in_cred() {
            self.out[self.at..end].fill(FILL);
        }
        self.at = end;
        Some(())
    }

    /// An inline string up to its terminating 0, overwritten when inside a Cred.
    fn inline_string(&mut self) -> Option<()> {
        let len = self.bytes[self.at..].iter().position(|b| *b == 0)?;
        self.skip(len)?;
        self.at += 1;
        Some(())
    }

    /// A reference into the string table, whose entry is overwritten when inside a Cred.
    fn table_reference(&mut self) -> Option<()> {
        let offset = self.mb_u32()?;
        if self.in_cred() {
            let start = self
                .table
                .0
                .checked_add(offset)
                .filter(|s| *s < self.table.1)?;
            let len = self.bytes[start..self.table.1]
                .iter()
                .position(|b| *b == 0)
                .unwrap_or(self.table.1 - start);
            self.out[start..start + len].fill(FILL);
        }
        Some(())
    }

    fn run(&mut self) -> Option<()> {
        self.byte()?; // version
        if self.mb_u32()? == 0 {
            self.mb_u32()?; // public id as a string-table index
        }
        self.mb_u32()?; // charset
        let len = self.mb_u32()?;
        let start = self.at;
        self.skip(len)?;
        self.table = (start, self.at);
        while self.at < self.bytes.len() {
            self.token()?;
        }
        Some(())
    }

    fn token(&mut self) -> Option<()> {
        match self.byte()? {
            SWITCH_PAGE => self.page = self.byte()?,
            END => {
                let (_, tag) = self.open.pop()?;
                if tag == SYNC_HDR {
                    self.header_closed = true;
                }
            }
            ENTITY => {
                self.mb_u32()?;
            }
            STR_I => self.inline_string()?,
            STR_T => self.table_reference()?,
            OPAQUE => {
                let len = self.mb_u32()?;
                self.skip(len)?;
            }
            EXT_I_0..=EXT_I_2 => self.inline_string()?,
            EXT_T_0..=EXT_T_2 => {
                self.mb_u32()?;
            }
            EXT_0..=EXT_2 => {}
            // Processing instructions and literal tags are not SyncML: stop here.
            PI | LITERAL => return None,
            tag => {
                if tag & ATTRIBUTES != 0 {
                    return None; // SyncML has no attributes in WBXML
                }
                if tag & CONTENT != 0 {
                    let id = tag & 0x3F;
                    let cred = self.in_cred() || (self.page == 0 && id == CRED);
                    let code = if self.page == 0 { id } else { 0xFF };
                    self.open.push((cred, code));
                }
            }
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(xml: &str) -> Vec<u8> {
        let root = syncml::xml::read(xml.as_bytes(), &syncml::Limits::default())
            .unwrap()
            .root;
        syncml::wbxml::encode(&root, &syncml::wbxml::EncodeOptions::default()).unwrap()
    }

    const MESSAGE: &str = "<SyncML xmlns='SYNCML:SYNCML1.2'><SyncHdr><VerDTD>1.2</VerDTD><SessionID>1</SessionID><Cred><Meta><Format xmlns='syncml:metinf'>b64</Format></Meta><Data>c2VjcmV0LXBhc3N3b3Jk</Data></Cred></SyncHdr><SyncBody><Alert><CmdID>1</CmdID><Data>1201</Data></Alert><Final/></SyncBody></SyncML>";

    fn shows(bytes: &[u8], needle: &[u8]) -> bool {
        memchr::memmem::find(bytes, needle).is_some()
    }

    #[test]
    fn a_truncated_message_loses_its_cred_and_keeps_the_rest() {
        let whole = encoded(MESSAGE);
        assert!(shows(&whole, b"c2VjcmV0LXBhc3N3b3Jk"));
        for cut in [whole.len() - 3, whole.len() / 2] {
            let out = undecodable_wbxml(&whole[..cut]);
            assert_eq!(out.len(), cut);
            assert!(!shows(&out, b"c2VjcmV0LXBhc3N3b3Jk"), "cut at {cut}");
            assert!(!shows(&out, b"b64"), "Cred Meta goes too (cut at {cut})");
            assert!(shows(&out, b"1.2"), "the rest stays (cut at {cut})");
        }
    }

    #[test]
    fn garbage_inside_or_before_the_cred_blots_to_the_end() {
        let whole = encoded(MESSAGE);
        let at = memchr::memmem::find(&whole, b"c2Vj").unwrap();
        for broken_at in [at - 1, 6] {
            let mut broken = whole.clone();
            broken[broken_at] = 0x84; // an attribute-bearing tag: not SyncML
            let out = undecodable_wbxml(&broken);
            assert!(
                !shows(&out, b"c2VjcmV0LXBhc3N3b3Jk"),
                "broken at {broken_at}"
            );
        }
    }

    #[test]
    fn hostile_lengths_do_not_panic() {
        for body in [
            &[0x02, 0x00, 0x00, 0x6A, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F][..],
            &[0x02, 0xA4, 0x01, 0x6A, 0x00, 0x6D, 0x83, 0xFF, 0x7F],
            &[0x02, 0xA4, 0x01, 0x6A, 0x00, 0x4E, 0xC3, 0x90, 0x00],
            &[0x03],
            &[],
        ] {
            assert_eq!(undecodable_wbxml(body).len(), body.len());
        }
    }
}
