//! One HTTP request in, one reply out: decodes a client message in XML or WBXML (told
//! apart by the first byte, a WBXML version), has the server answer it, and encodes the
//! reply in the same encoding, with the content type to send it under. [`respond`] is
//! the whole mapping of an HTTP request to its response that `refdm-server` serves.

use super::{Server, ServerFault};
use std::sync::Mutex;
use syncml::{Limits, Message, wbxml, xml};

pub use syncml::protocol::{CONTENT_TYPE_WBXML, CONTENT_TYPE_XML};

/// The largest request body answered; a larger one gets 413.
pub const MAX_REQUEST: usize = 4 << 20;

/// The reply body and its content type, or the HTTP status and reason to refuse the
/// request with (400 for a body that does not decode, 500 for a message the server
/// does not answer: [`Server::refusal`]).
pub fn answer(server: &mut Server, body: &[u8]) -> Result<(Vec<u8>, &'static str), (u16, String)> {
    let request = decode(body)?;
    let (reply, mislabelled) = handle(server, &request)?;
    encode(&reply, request.is_wbxml, mislabelled)
}

/// [`answer`] for a server shared between connections: the lock is held only while the
/// server handles the message, not while it is decoded or its reply encoded.
pub fn answer_shared(
    server: &Mutex<Server>,
    body: &[u8],
) -> Result<(Vec<u8>, &'static str), (u16, String)> {
    let request = decode(body)?;
    let (reply, mislabelled) = {
        let mut server = server
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        handle(&mut server, &request)?
    };
    encode(&reply, request.is_wbxml, mislabelled)
}

/// A decoded request body.
struct Request {
    message: Message,
    is_wbxml: bool,
}

fn decode(body: &[u8]) -> Result<Request, (u16, String)> {
    let limits = Limits::default();
    let is_wbxml = matches!(body.first(), Some(0x01..=0x03));
    let root = if is_wbxml {
        wbxml::decode(body, &limits).map(|d| d.root)
    } else {
        xml::read(body, &limits).map(|d| d.root)
    }
    .map_err(|e| (400, format!("undecodable message: {e}")))?;
    let (message, _) = Message::from_element(&root);
    Ok(Request { message, is_wbxml })
}

/// The server's reply, and whether it goes out mislabelled (`wrong-content-type`).
fn handle(server: &mut Server, request: &Request) -> Result<(Message, bool), (u16, String)> {
    if let Some(why) = server.refusal(&request.message) {
        return Err((500, why));
    }
    let reply = server.handle(&request.message);
    Ok((reply, server.faults().has(ServerFault::WrongContentType)))
}

fn encode(
    reply: &Message,
    is_wbxml: bool,
    mislabelled: bool,
) -> Result<(Vec<u8>, &'static str), (u16, String)> {
    let reply = reply.to_element();
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

/// An HTTP response: status, content type and body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpReply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

impl HttpReply {
    fn text(status: u16, reason: impl Into<String>) -> HttpReply {
        HttpReply {
            status,
            content_type: "text/plain",
            body: reason.into().into_bytes(),
        }
    }
}

/// The response of the reference DM server to one HTTP request, whatever its path:
/// 405 for a method other than POST, 413 for a body over [`MAX_REQUEST`] (a transport
/// reads at most one byte more), otherwise [`answer_shared`]'s reply (200), or its
/// refusal (400 for an undecodable body, 500 for a message the server does not answer).
/// `path` (with its query) and `headers` are what the request came with; every path is
/// the DM endpoint.
pub fn respond(
    server: &Mutex<Server>,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> HttpReply {
    let _ = (path, headers);
    if body.len() > MAX_REQUEST {
        return HttpReply::text(413, "request too large");
    }
    if method != "POST" {
        return HttpReply::text(405, "POST a SyncML DM message");
    }
    match answer_shared(server, body) {
        Ok((body, content_type)) => HttpReply {
            status: 200,
            content_type,
            body,
        },
        Err((status, reason)) => HttpReply::text(status, reason),
    }
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
    fn respond_refuses_other_methods_and_large_bodies_and_answers_a_post() {
        let server = Mutex::new(Server::new(ServerConfig::default(), ServerFaults::none()));
        let get = respond(&server, "GET", "/", &[], &package1());
        assert_eq!(get.status, 405);
        let large = respond(&server, "POST", "/", &[], &vec![b' '; MAX_REQUEST + 1]);
        assert_eq!(large.status, 413);
        let ok = respond(&server, "POST", "/omadm", &[], &package1());
        assert_eq!((ok.status, ok.content_type), (200, CONTENT_TYPE_XML));
        assert_eq!(respond(&server, "POST", "/", &[], b"\x02\x00x").status, 400);
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
