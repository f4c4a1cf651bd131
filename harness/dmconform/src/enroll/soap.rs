//! SOAP 1.2 envelopes as the enrollment stages exchange them: the harness's
//! requests (WS-Addressing Action, MessageID, ReplyTo, To) built as element
//! trees, and the service's replies read with the project's XML reader into what
//! the checks look at: the envelope's namespace, Action, RelatesTo, the body's
//! first element and a fault.

use syncml::protocol::enrollment as mde2;
use syncml::xml::WriteOptions;
use syncml::{Element, Limits};

/// A SOAP 1.2 request: `body` in an envelope addressed to `to`, with a
/// WS-Security header when `security` is given.
pub fn request(
    action: &str,
    message_id: &str,
    to: &str,
    security: Option<Element>,
    body: Element,
) -> Vec<u8> {
    let must = |e: Element| e.with_attr("s:mustUnderstand", "1");
    let mut header = Element::new("s:Header")
        .with_child(must(Element::text("a:Action", action)))
        .with_child(Element::text("a:MessageID", message_id))
        .with_child(
            Element::new("a:ReplyTo").with_child(Element::text("a:Address", mde2::ANONYMOUS)),
        )
        .with_child(must(Element::text("a:To", to)));
    if let Some(security) = security {
        header.push(must(security));
    }
    let root = Element::new("s:Envelope")
        .with_attr("xmlns:s", mde2::SOAP_ENVELOPE)
        .with_attr("xmlns:a", mde2::ADDRESSING)
        .with_child(header)
        .with_child(Element::new("s:Body").with_child(body));
    syncml::xml::write(&root, &WriteOptions::default())
}

/// A fresh message identifier, `urn:uuid:` and a random (version 4) UUID.
pub fn message_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    let half = || {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        h.finish()
    };
    let n = (u128::from(half()) << 64 | u128::from(half())) & !(0xF000 << 64) | (0x4000 << 64);
    let n = n & !(0xC000 << 48) | (0x8000 << 48);
    let hex = format!("{n:032x}");
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// A SOAP fault as the checks read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// `s:Code/s:Value`, e.g. `s:Sender`.
    pub code: String,
    /// `s:Code/s:Subcode/s:Value`, when given.
    pub subcode: Option<String>,
    /// `s:Reason/s:Text`.
    pub reason: String,
}

/// A reply read as a SOAP envelope.
#[derive(Clone, Debug)]
pub struct Envelope {
    /// The root's namespace is SOAP 1.2's.
    pub soap12: bool,
    pub action: Option<String>,
    pub relates_to: Option<String>,
    /// The first element inside `Body`.
    pub payload: Option<Element>,
    pub fault: Option<Fault>,
}

/// Reads a reply body as a SOAP envelope, or says why it is none.
pub fn read(body: &[u8]) -> Result<Envelope, String> {
    if body.is_empty() {
        return Err("an empty body".into());
    }
    let root = syncml::xml::read(body, &Limits::default())
        .map_err(|e| format!("not XML: {e}"))?
        .root;
    if root.local_name() != "Envelope" {
        return Err(format!(
            "a <{}> document, not an Envelope",
            root.local_name()
        ));
    }
    let soap12 = namespace_of(&root, &[]) == Some(mde2::SOAP_ENVELOPE);
    let header = |name: &str| {
        root.child("Header")
            .and_then(|h| h.child(name))
            .map(|e| e.text_content().trim().to_string())
    };
    let payload = root
        .child("Body")
        .and_then(|b| b.elements().next())
        .cloned();
    let fault = payload
        .as_ref()
        .filter(|p| p.local_name() == "Fault")
        .map(|f| {
            let code = f.child("Code");
            let value = |e: Option<&Element>| {
                e.and_then(|e| e.child("Value"))
                    .map(|v| v.text_content().trim().to_string())
            };
            Fault {
                code: value(code).unwrap_or_default(),
                subcode: value(code.and_then(|c| c.child("Subcode"))),
                reason: f
                    .child("Reason")
                    .and_then(|r| r.child("Text"))
                    .map(|t| t.text_content().trim().to_string())
                    .unwrap_or_default(),
            }
        });
    Ok(Envelope {
        soap12,
        action: header("Action"),
        relates_to: header("RelatesTo"),
        payload,
        fault,
    })
}

/// The namespace of `e`'s name, looked up in `e` and then its `ancestors`
/// (nearest last).
pub fn namespace_of<'a>(e: &'a Element, ancestors: &[&'a Element]) -> Option<&'a str> {
    let attr = match e.name.split_once(':') {
        Some((prefix, _)) => format!("xmlns:{prefix}"),
        None => "xmlns".to_string(),
    };
    std::iter::once(e)
        .chain(ancestors.iter().rev().copied())
        .find_map(|a| a.attr(&attr))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_are_version_4_uuids_and_differ() {
        let (a, b) = (message_id(), message_id());
        assert_ne!(a, b);
        let uuid = a.strip_prefix("urn:uuid:").unwrap();
        assert_eq!(uuid.len(), 36);
        assert_eq!(&uuid[14..15], "4");
        assert!("89ab".contains(&uuid[19..20]), "{uuid}");
    }

    #[test]
    fn a_reply_with_other_prefixes_reads_the_same() {
        let reply = br#"<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:w="http://www.w3.org/2005/08/addressing"><env:Header><w:Action>x</w:Action><w:RelatesTo> urn:uuid:1 </w:RelatesTo></env:Header><env:Body><env:Fault><env:Code><env:Value>env:Sender</env:Value></env:Code><env:Reason><env:Text>no</env:Text></env:Reason></env:Fault></env:Body></env:Envelope>"#;
        let e = read(reply).unwrap();
        assert!(e.soap12);
        assert_eq!(e.relates_to.as_deref(), Some("urn:uuid:1"));
        assert_eq!(e.fault.unwrap().code, "env:Sender");
    }

    #[test]
    fn html_and_soap_11_are_told_apart() {
        assert!(read(b"<html><body>sign in</body></html>").is_err());
        let soap11 = br#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body/></s:Envelope>"#;
        assert!(!read(soap11).unwrap().soap12);
    }
}
