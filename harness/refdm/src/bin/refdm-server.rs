//! `refdm-server --listen ADDR [--fault NAME[,NAME…]] [--max-requests N] [--resp-uri URL]
//! [--auth none|basic|md5] [--own-scheme-only] [--every-message] [--rotate-nonce]
//! [--decimal-session-ids]`: the reference DM server behind a small HTTP server, so that
//! the server-role suite runs over real HTTP. Each POST carries one client message (XML or
//! WBXML); the reply is the server's message in the same encoding. Requests larger than
//! 4 MiB get 413. With `--resp-uri`, every reply names URL`?s=SESSIONID` as RespURI (any
//! path is served). The other options set up its account (`none`: no SyncML credentials
//! asked for; the scheme it challenges with) and the behaviours of [`ServerConfig`]. The
//! address printed on the first line of standard output (`listening on http://ADDR/`) is
//! the one bound, which matters with port 0.

use refdm::AuthScheme;
use refdm::server::wire::answer;
use refdm::server::{Server, ServerConfig, ServerFault, ServerFaults};
use std::io::Read;

const MAX_REQUEST: u64 = 4 << 20;

struct Args {
    listen: String,
    faults: ServerFaults,
    max_requests: Option<u64>,
    config: ServerConfig,
}

fn parse_args() -> Result<Args, String> {
    let mut listen = None;
    let mut faults = ServerFaults::none();
    let mut max_requests = None;
    let mut config = ServerConfig::default();
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--listen" => listen = Some(value()?),
            "--fault" => faults = value()?.parse().map_err(|e| format!("{e}"))?,
            "--resp-uri" => config.resp_uri = Some(value()?),
            "--auth" => match value()?.as_str() {
                "none" => config.account = None,
                "basic" => account(&mut config)?.scheme = AuthScheme::Basic,
                "md5" => account(&mut config)?.scheme = AuthScheme::Md5,
                other => return Err(format!("--auth {other:?}: none, basic or md5")),
            },
            "--own-scheme-only" => account(&mut config)?.own_scheme_only = true,
            "--every-message" => account(&mut config)?.every_message = true,
            "--rotate-nonce" => config.rotate_nonce = true,
            "--decimal-session-ids" => config.decimal_session_ids = true,
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
        config,
    })
}

/// The account, for an option that sets it up (refused after `--auth none`).
fn account(config: &mut ServerConfig) -> Result<&mut refdm::server::Account, String> {
    config
        .account
        .as_mut()
        .ok_or_else(|| "this option needs an account; --auth none removed it".to_string())
}

/// The server's reply to a request body: the body and its content type, or an HTTP
/// status and a reason.
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
    let mut server = Server::new(args.config, args.faults);
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
