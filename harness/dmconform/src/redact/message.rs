//! The credentials of a SyncML message: the Data of every `<Cred>` in its tree,
//! in its encoded bytes (decodable or not), and the MAC of its `x-syncml-hmac`
//! transport header.

use super::{FILL, MARKER};
use syncml::tree::{Element, Node};

/// Replaces the Data of every `<Cred>` with [`MARKER`].
pub fn cred_data(e: &mut Element) {
    if e.local_name() == "Cred" {
        for d in e.elements_mut().filter(|c| c.local_name() == "Data") {
            d.children = vec![Node::Text(MARKER.into())];
        }
    }
    for c in e.elements_mut() {
        cred_data(c);
    }
}

/// The bytes of a message with the Data of every `<Cred>` in its tree
/// overwritten by [`FILL`], wherever those bytes occur (a WBXML inline string or
/// string table entry), so a hex dump shows no credential. Lengths and offsets
/// are kept.
pub fn message_bytes(body: &[u8], root: &Element) -> Vec<u8> {
    let mut secrets: Vec<Vec<u8>> = Vec::new();
    root.walk(&mut |_, e| {
        if e.local_name() == "Cred" {
            for d in e.elements().filter(|c| c.local_name() == "Data") {
                // Each piece as it stands in the bytes: a WBXML value may be split
                // between an inline string and a string-table entry, or be opaque.
                for n in &d.children {
                    let piece: &[u8] = match n {
                        Node::Text(t) | Node::CData(t) => t.trim().as_bytes(),
                        Node::Opaque(b) => b,
                        _ => continue,
                    };
                    if !piece.is_empty() {
                        secrets.push(piece.to_vec());
                    }
                }
            }
        }
    });
    let mut out = body.to_vec();
    for secret in &secrets {
        let mut from = 0;
        while let Some(at) = memchr::memmem::find(&out[from..], secret) {
            let start = from + at;
            out[start..start + secret.len()].fill(FILL);
            from = start + secret.len();
        }
    }
    out
}

/// The bytes of a message that did not decode, with its credentials overwritten by
/// [`FILL`], so a hex dump shows none: in WBXML (the body starts with a version
/// byte) as [`super::wbxml::undecodable_wbxml`] finds them, otherwise everything
/// from each `<Cred` to its `</Cred>` (or to the end).
pub fn undecodable_bytes(body: &[u8]) -> Vec<u8> {
    if matches!(body.first(), Some(0x01..=0x03)) {
        return super::wbxml::undecodable_wbxml(body);
    }
    let mut out = body.to_vec();
    let mut from = 0;
    while let Some(at) = memchr::memmem::find(&out[from..], b"<Cred") {
        let start = from + at;
        let end = memchr::memmem::find(&out[start..], b"</Cred>")
            .map_or(out.len(), |e| start + e + b"</Cred>".len());
        out[start..end].fill(FILL);
        from = end;
    }
    out
}

/// An `x-syncml-hmac` value with its `mac=` parameter replaced by [`MARKER`]:
/// the MAC would let a reader guess the password offline, as an MD5 digest would.
pub fn hmac_header(value: &str) -> String {
    value
        .split(',')
        .map(|part| match part.split_once('=') {
            Some((name, _)) if name.trim().eq_ignore_ascii_case("mac") => {
                format!("{name}={MARKER}")
            }
            _ => part.to_string(),
        })
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_message_shows_no_credential() {
        let body = b"<SyncML><SyncHdr><Cred><Data>ZG1jb25mb3JtOnNlY3JldA==</Data></Cred><MsgID>1";
        let out = undecodable_bytes(body);
        assert_eq!(out.len(), body.len());
        assert!(!String::from_utf8_lossy(&out).contains("ZG1jb25m"));
        assert!(out.starts_with(b"<SyncML><SyncHdr>*"));
        assert!(out.ends_with(b"*<MsgID>1"));
        let cut = b"<SyncML><SyncHdr><Cred><Data>ZG1jb25m";
        assert!(undecodable_bytes(cut)[17..].iter().all(|b| *b == FILL));
    }

    #[test]
    fn binary_and_split_cred_data_are_blotted_piece_by_piece() {
        let mut data = Element::new("Data");
        data.children = vec![
            Node::Text("abc".into()),
            Node::Opaque(vec![0xFF, 0x00, 0xFE]),
        ];
        let root = Element::new("SyncML").with_child(Element::new("Cred").with_child(data));
        let body = [b"..abc..".as_slice(), &[0xFF, 0x00, 0xFE], b".."].concat();
        assert_eq!(message_bytes(&body, &root), b"..***..***..");
    }

    #[test]
    fn credentials_are_blotted_out_of_wbxml_bytes() {
        let root = Element::new("SyncML").with_child(Element::new("SyncHdr").with_child(
            Element::new("Cred").with_child(Element::text("Data", "QnJ1Y2UyOk9oQmVoYXZl")),
        ));
        let body = crate::codec::encode(&root, crate::wire::Encoding::Wbxml).unwrap();
        let redacted = message_bytes(&body, &root);
        assert_eq!(redacted.len(), body.len());
        assert!(memchr::memmem::find(&redacted, b"QnJ1Y2UyOk9oQmVoYXZl").is_none());
        assert!(memchr::memmem::find(&redacted, b"********************").is_some());
    }

    #[test]
    fn cred_data_becomes_the_marker_and_nothing_else_changes() {
        let mut root = Element::new("SyncML").with_child(
            Element::new("SyncHdr")
                .with_child(Element::text("MsgID", "1"))
                .with_child(Element::new("Cred").with_child(Element::text("Data", "c2VjcmV0"))),
        );
        cred_data(&mut root);
        let hdr = root.elements().next().unwrap();
        let mut elements = hdr.elements();
        assert_eq!(elements.next().unwrap().text_content(), "1");
        let cred = elements.next().unwrap();
        assert_eq!(cred.elements().next().unwrap().text_content(), MARKER);
    }

    #[test]
    fn only_the_mac_of_an_hmac_header_goes() {
        assert_eq!(
            hmac_header("algorithm=MD5, username=\"Bruce2\", mac=NTI2OTJhMDAwNjYxODkwYQ=="),
            "algorithm=MD5, username=\"Bruce2\", mac=[redacted]"
        );
        assert_eq!(hmac_header("algorithm=MD5"), "algorithm=MD5");
    }
}
