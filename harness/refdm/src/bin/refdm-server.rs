//! `refdm-server --listen ADDR [--fault NAME[,NAME…]] [--max-requests N]`: the reference DM
//! server behind a small HTTP server, so that the server-role suite runs over real HTTP.
//! Each POST carries one client message (XML or WBXML); the reply is the server's message
//! in the same encoding. Requests larger than 4 MiB get 413. The address printed on the
//! first line of standard output (`listening on http://ADDR/`) is the one bound, which
//! matters with port 0.

use refdm::server::{Server, ServerConfig, ServerFault, ServerFaults};
use std::io::Read;
use syncml::{Limits, Message, wbxml, xml};

const CT_XML: &str = "application/vnd.syncml.dm+xml";
const CT_WBXML: &str = "application/vnd.syncml.dm+wbxml";
const MAX_REQUEST: u64 = 4 << 20;

struct Args {
    listen: String,
    faults: ServerFaults,
    max_requests: Option<u64>,
}

fn parse_args() -> Result<Args, String> {
    let mut listen = None;
    let mut faults = ServerFaults::none();
    let mut max_requests = None;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--listen" => listen = Some(value()?),
            "--fault" => faults = value()?.parse().map_err(|e| format!("{e}"))?,
            "--max-requests" => {
                max_requests = Some(
                    value()?
                        .parse()
                        .map_err(|e| format!("--max-requests: {e}"))?,
                )
            }
            "--list-faults" => {
                for f in ServerFault::ALL {
                    println!("{:30} {}", f.name(), f.breaks());
                }
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Args {
        listen: listen.ok_or("--listen ADDR is required")?,
        faults,
        max_requests,
    })
}

/// The server's reply to a request body: the body and its content type, or an HTTP
/// status and a reason.
fn answer(server: &mut Server, body: &[u8]) -> Result<(Vec<u8>, &'static str), (u16, String)> {
    let limits = Limits::default();
    let wbxml_body = matches!(body.first(), Some(0x01..=0x03));
    let root = if wbxml_body {
        wbxml::decode(body, &limits).map(|d| d.root)
    } else {
        xml::read(body, &limits).map(|d| d.root)
    }
    .map_err(|e| (400, format!("undecodable message: {e}")))?;
    let (message, _) = Message::from_element(&root);
    let reply = server.handle(&message).to_element();
    let wrong_type = server.faults().has(ServerFault::WrongContentType);
    if wbxml_body {
        let bytes = wbxml::encode(&reply, &wbxml::EncodeOptions::default())
            .map_err(|e| (500, e.to_string()))?;
        Ok((bytes, if wrong_type { "text/xml" } else { CT_WBXML }))
    } else {
        let bytes = xml::write(&reply, &xml::WriteOptions::default());
        Ok((bytes, if wrong_type { "text/xml" } else { CT_XML }))
    }
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("refdm-server: {e}");
            std::process::exit(2);
        }
    };
    let http = match tiny_http::Server::http(&args.listen) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("refdm-server: cannot listen on {}: {e}", args.listen);
            std::process::exit(2);
        }
    };
    match http.server_addr().to_ip() {
        Some(addr) => println!("listening on http://{addr}/"),
        None => println!("listening on {}", args.listen),
    }
    let mut server = Server::new(ServerConfig::default(), args.faults);
    for (served, mut request) in (1u64..).zip(http.incoming_requests()) {
        let mut body = Vec::new();
        let read = request
            .as_reader()
            .take(MAX_REQUEST + 1)
            .read_to_end(&mut body);
        let (code, bytes, content_type) = match read {
            Err(e) => (400, e.to_string().into_bytes(), "text/plain"),
            Ok(_) if body.len() as u64 > MAX_REQUEST => {
                (413, b"request too large".to_vec(), "text/plain")
            }
            Ok(_) if *request.method() != tiny_http::Method::Post => {
                (405, b"POST a SyncML DM message".to_vec(), "text/plain")
            }
            Ok(_) => match answer(&mut server, &body) {
                Ok((bytes, ct)) => (200, bytes, ct),
                Err((code, reason)) => (code, reason.into_bytes(), "text/plain"),
            },
        };
        let header =
            tiny_http::Header::from_bytes("Content-Type", content_type).expect("a valid header");
        let response = tiny_http::Response::from_data(bytes)
            .with_status_code(code)
            .with_header(header);
        let _ = request.respond(response);
        if args.max_requests.is_some_and(|m| served >= m) {
            break;
        }
    }
}
