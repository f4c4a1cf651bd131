//! Bytes ↔ messages for the harness: encoding in either encoding, decoding
//! whatever a target sends (sniffing the encoding when the content type is
//! wrong), and rendering messages for transcripts with credentials redacted.

use crate::redact;
use crate::wire::Encoding;
use std::fmt::Write;
use syncml::tree::{Element, Node};
use syncml::{Defect, Limits, Message, wbxml, xml};

/// The limits applied to everything a target sends.
pub fn reply_limits() -> Limits {
    Limits {
        max_input: 4 << 20,
        ..Limits::default()
    }
}

/// A message read from a target.
#[derive(Clone, Debug)]
pub struct Decoded {
    /// The encoding the bytes are really in.
    pub encoding: Encoding,
    pub root: Element,
    pub message: Message,
    pub defects: Vec<Defect>,
}

/// The encoding the bytes look like: WBXML starts with a version byte 0x01–0x03,
/// XML with `<`, white space or a byte-order mark.
pub fn sniff(body: &[u8]) -> Option<Encoding> {
    match body.first()? {
        0x01..=0x03 => Some(Encoding::Wbxml),
        b'<' | b' ' | b'\t' | b'\r' | b'\n' | 0xEF | 0xFE | 0xFF => Some(Encoding::Xml),
        _ => None,
    }
}

/// Why a body is not a message.
#[derive(Clone, Debug, PartialEq)]
pub enum Undecodable {
    /// Nothing came.
    Empty,
    /// The first byte starts neither XML nor WBXML.
    NeitherEncoding { first_byte: u8 },
    /// The codec of the encoding the bytes look like refused them.
    Codec {
        encoding: Encoding,
        error: syncml::DecodeError,
    },
}

impl std::fmt::Display for Undecodable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Undecodable::Empty => f.write_str("empty body"),
            Undecodable::NeitherEncoding { first_byte } => write!(
                f,
                "the body starts with byte 0x{first_byte:02X}: neither XML nor WBXML"
            ),
            Undecodable::Codec { encoding, error } => write!(f, "undecodable {encoding}: {error}"),
        }
    }
}

impl std::error::Error for Undecodable {}

impl From<Undecodable> for String {
    fn from(e: Undecodable) -> String {
        e.to_string()
    }
}

/// Decodes a message in the encoding its bytes are in.
pub fn decode(body: &[u8], limits: &Limits) -> Result<Decoded, Undecodable> {
    let encoding = sniff(body).ok_or(match body.first() {
        None => Undecodable::Empty,
        Some(&first_byte) => Undecodable::NeitherEncoding { first_byte },
    })?;
    let root = match encoding {
        Encoding::Xml => xml::read(body, limits).map(|d| d.root),
        Encoding::Wbxml => wbxml::decode(body, limits).map(|d| d.root),
    }
    .map_err(|error| Undecodable::Codec { encoding, error })?;
    let (message, defects) = Message::from_element(&root);
    Ok(Decoded {
        encoding,
        root,
        message,
        defects,
    })
}

/// Removes the layout of a pretty-printed case file: text of only white space
/// (space, tab, CR, LF) beside elements, which DM servers do not send and a
/// client may refuse in WBXML, where it becomes an inline string. The content of
/// `Data` stays exact, and so does text that is not only white space.
pub fn strip_layout(nodes: &mut Vec<Node>) {
    let is_layout = |n: &Node| matches!(n, Node::Text(t) if t.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n')));
    if nodes.iter().any(|n| matches!(n, Node::Element(_))) {
        nodes.retain(|n| !is_layout(n));
    }
    for n in nodes {
        if let Node::Element(e) = n
            && e.local_name() != "Data"
        {
            strip_layout(&mut e.children);
        }
    }
}

/// Encodes a message tree.
pub fn encode(root: &Element, encoding: Encoding) -> Result<Vec<u8>, String> {
    match encoding {
        Encoding::Xml => Ok(xml::write(root, &xml::WriteOptions::default())),
        Encoding::Wbxml => {
            wbxml::encode(root, &wbxml::EncodeOptions::default()).map_err(|e| e.to_string())
        }
    }
}

/// Reads the XML of a case step (a SyncBody fragment) into elements, without
/// the layout of the case file (see [`strip_layout`]).
pub fn parse_fragment(text: &str) -> Result<Vec<Element>, String> {
    let mut nodes =
        xml::read_fragment(text.as_bytes(), &Limits::default()).map_err(|e| e.to_string())?;
    strip_layout(&mut nodes);
    Ok(nodes
        .into_iter()
        .filter_map(|n| match n {
            Node::Element(e) => Some(e),
            _ => None,
        })
        .collect())
}

/// Most bytes of a body shown in hex in a transcript; a target may send anything.
pub const HEX_LIMIT: usize = 64 << 10;

/// A message tree as indented XML for a transcript, credentials redacted
/// (the Data of every Cred becomes [`redact::MARKER`]).
pub fn render_tree(root: &Element) -> String {
    let mut root = root.clone();
    redact::cred_data(&mut root);
    let opts = xml::WriteOptions {
        declaration: false,
        indent: Some(2),
    };
    String::from_utf8_lossy(&xml::write(&root, &opts)).into_owned()
}

/// Lower-case hex, 32 bytes a line, at most [`HEX_LIMIT`] bytes shown.
pub fn hex(bytes: &[u8]) -> String {
    let shown = &bytes[..bytes.len().min(HEX_LIMIT)];
    let mut out = String::with_capacity(shown.len() * 2 + shown.len() / 32 + 64);
    for (i, chunk) in shown.chunks(32).enumerate() {
        if i > 0 {
            out.push('\n');
        }
        for b in chunk {
            let _ = write!(out, "{b:02x}");
        }
    }
    if bytes.len() > shown.len() {
        let _ = write!(
            out,
            "\n… {} more bytes not shown",
            bytes.len() - shown.len()
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing_tells_the_encodings_apart() {
        assert_eq!(sniff(b"<SyncML/>"), Some(Encoding::Xml));
        assert_eq!(sniff(&[0x02, 0xA4, 0x01]), Some(Encoding::Wbxml));
        assert_eq!(sniff(b"HTTP/1.1 500"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let wbxml = decode(b"\x02\xff\xff\xff\xff\xff", &reply_limits()).unwrap_err();
        assert!(matches!(
            wbxml,
            Undecodable::Codec {
                encoding: Encoding::Wbxml,
                ..
            }
        ));
        let xml = decode(b"<SyncML><SyncHdr>", &reply_limits()).unwrap_err();
        assert!(matches!(
            xml,
            Undecodable::Codec {
                encoding: Encoding::Xml,
                ..
            }
        ));
        assert_eq!(
            decode(b"", &reply_limits()).unwrap_err(),
            Undecodable::Empty
        );
        let html = decode(b"HTTP", &reply_limits()).unwrap_err();
        assert_eq!(html, Undecodable::NeitherEncoding { first_byte: b'H' });
        assert_eq!(
            html.to_string(),
            "the body starts with byte 0x48: neither XML nor WBXML"
        );
    }

    #[test]
    fn hex_of_a_huge_body_is_bounded() {
        let body = vec![0xAB; HEX_LIMIT * 4];
        let h = hex(&body);
        assert!(h.len() < HEX_LIMIT * 3, "{}", h.len());
        assert!(h.ends_with(&format!("{} more bytes not shown", HEX_LIMIT * 3)));
    }

    #[test]
    fn credentials_never_reach_a_transcript() {
        let body = b"<SyncML xmlns='SYNCML:SYNCML1.2'><SyncHdr><Cred><Meta><Type xmlns='syncml:metinf'>syncml:auth-basic</Type></Meta><Data>QnJ1Y2UyOk9oQmVoYXZl</Data></Cred></SyncHdr></SyncML>";
        let decoded = decode(body, &reply_limits()).unwrap();
        let text = render_tree(&decoded.root);
        assert!(!text.contains("QnJ1Y2Uy"), "{text}");
        assert!(text.contains("[redacted]"));
    }
}
