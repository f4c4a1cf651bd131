//! One HTTP request body in, one reply body out: decodes a client message in XML or
//! WBXML (told apart by the first byte, a WBXML version), has the server answer it, and
//! encodes the reply in the same encoding, with the content type to send it under.

use super::{Server, ServerFault};
use syncml::{Limits, Message, wbxml, xml};

pub use syncml::protocol::{CONTENT_TYPE_WBXML, CONTENT_TYPE_XML};

/// The reply body and its content type, or the HTTP status and reason to refuse the
/// request with (400 for a body that does not decode, 500 for a message the server
/// does not answer: [`Server::refusal`]).
pub fn answer(server: &mut Server, body: &[u8]) -> Result<(Vec<u8>, &'static str), (u16, String)> {
    let limits = Limits::default();
    let is_wbxml = matches!(body.first(), Some(0x01..=0x03));
    let root = if is_wbxml {
        wbxml::decode(body, &limits).map(|d| d.root)
    } else {
        xml::read(body, &limits).map(|d| d.root)
    }
    .map_err(|e| (400, format!("undecodable message: {e}")))?;
    let (message, _) = Message::from_element(&root);
    if let Some(why) = server.refusal(&message) {
        return Err((500, why));
    }
    let reply = server.handle(&message).to_element();
    let mislabelled = server.faults().has(ServerFault::WrongContentType);
    let (bytes, content_type) = if is_wbxml {
        let bytes = wbxml::encode(&reply, &wbxml::EncodeOptions::default())
            .map_err(|e| (500, e.to_string()))?;
        (bytes, CONTENT_TYPE_WBXML)
    } else {
        (
            xml::write(&reply, &xml::WriteOptions::default()),
            CONTENT_TYPE_XML,
        )
    };
    Ok((
        bytes,
        if mislabelled {
            "text/xml"
        } else {
            content_type
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::{ServerConfig, ServerFaults};

    fn package1() -> Vec<u8> {
        b"<SyncML xmlns='SYNCML:SYNCML1.2'><SyncHdr><VerDTD>1.2</VerDTD><VerProto>DM/1.2</VerProto>\
<SessionID>A1</SessionID><MsgID>1</MsgID><Target><LocURI>https://refdm.invalid/omadm</LocURI></Target>\
<Source><LocURI>dev</LocURI></Source></SyncHdr><SyncBody><Alert><CmdID>1</CmdID><Data>1201</Data></Alert>\
<Final/></SyncBody></SyncML>"
            .to_vec()
    }

    #[test]
    fn answers_in_the_encoding_it_was_asked_in() {
        let mut server = Server::new(ServerConfig::default(), ServerFaults::none());
        let (xml_reply, ct) = answer(&mut server, &package1()).unwrap();
        assert_eq!(ct, CONTENT_TYPE_XML);
        let root = xml::read(&xml_reply, &Limits::default()).unwrap().root;
        assert_eq!(root.name, "SyncML");
        let root = xml::read(&package1(), &Limits::default()).unwrap().root;
        let wbxml_body = wbxml::encode(&root, &wbxml::EncodeOptions::default()).unwrap();
        let mut server = Server::new(ServerConfig::default(), ServerFaults::none());
        let (wbxml_reply, ct) = answer(&mut server, &wbxml_body).unwrap();
        assert_eq!(ct, CONTENT_TYPE_WBXML);
        let root = wbxml::decode(&wbxml_reply, &Limits::default())
            .unwrap()
            .root;
        assert_eq!(root.name, "SyncML");
    }

    #[test]
    fn garbage_is_refused_with_400() {
        let mut server = Server::new(ServerConfig::default(), ServerFaults::none());
        let (code, reason) = answer(&mut server, b"\x02\x00garbage").unwrap_err();
        assert_eq!(code, 400);
        assert!(reason.contains("undecodable"), "{reason}");
    }

    #[test]
    fn a_configured_resp_uri_names_the_session() {
        let config = ServerConfig {
            resp_uri: Some("https://127.0.0.1:1/omadm/next".into()),
            ..ServerConfig::default()
        };
        let mut server = Server::new(config, ServerFaults::none());
        let (reply, _) = answer(&mut server, &package1()).unwrap();
        let text = String::from_utf8(reply).unwrap();
        assert!(
            text.contains("<RespURI>https://127.0.0.1:1/omadm/next?s=A1</RespURI>"),
            "{text}"
        );
    }
}
