//! `refdm-exec`: the reference DM client behind the exec protocol, as a vendor's
//! wrapper program would put its own client behind it. The harness starts it
//! with `dmconform run --target exec:path/to/refdm-exec`; it reads frames on
//! standard input and answers on standard output (see the `dmconform-exec-wire` crate).
//!
//! Usage: `refdm-exec [--fault NAME[,NAME…]]…`. The client's settings come from
//! the `DMCONFORM_*` environment the harness sets from the target profile.

use base64::Engine;
use dmconform_exec_wire::{Frame, FrameReader, VERSION, env, write_frame};
use refdm::{AuthScheme, Client, ClientConfig, Fault, Faults};
use std::io::{self, BufWriter};
use std::process::ExitCode;
use syncml::protocol::{CONTENT_TYPE_WBXML, CONTENT_TYPE_XML};
use syncml::tree::Element;
use syncml::{Limits, wbxml, xml};

/// Largest server message read.
const MAX_MESSAGE: usize = 4 << 20;

fn main() -> ExitCode {
    let faults = match parse_faults(std::env::args().skip(1)) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("refdm-exec: {e}");
            return ExitCode::from(2);
        }
    };
    let mut client = Client::new(config_from_env(), faults);
    let stdin = io::stdin().lock();
    let mut reader = FrameReader::new(stdin, MAX_MESSAGE);
    let mut out = BufWriter::new(io::stdout().lock());
    let mut wbxml_session = false;
    loop {
        let frame = match reader.read_frame() {
            Ok(None) | Ok(Some(Frame::Close)) => return ExitCode::SUCCESS,
            Ok(Some(f)) => f,
            Err(e) => {
                eprintln!("refdm-exec: {e}");
                return ExitCode::FAILURE;
            }
        };
        let answer = match frame {
            Frame::Hello(v) if v == VERSION => Frame::Hello(v),
            Frame::Hello(v) => {
                Frame::Error(format!("protocol {v:?} not spoken; this is {}", VERSION))
            }
            Frame::Open(encoding) => match encoding.as_str() {
                "xml" | "wbxml" => {
                    wbxml_session = encoding == "wbxml";
                    let first = client.open_session();
                    message_frame(&client, &first.to_element(), wbxml_session)
                }
                other => Frame::Unsupported(format!("encoding {other:?}")),
            },
            Frame::Msg { body, .. } => match decode(&body) {
                Ok(root) => {
                    let (message, _) = syncml::Message::from_element(&root);
                    match client.handle(&message) {
                        Some(reply) => message_frame(&client, &reply.to_element(), wbxml_session),
                        None => Frame::End,
                    }
                }
                Err(e) => Frame::Error(format!("cannot read the server message: {e}")),
            },
            other => Frame::Error(format!("unexpected frame {other:?}")),
        };
        if let Err(e) = write_frame(&mut out, &answer) {
            eprintln!("refdm-exec: cannot write: {e}");
            return ExitCode::FAILURE;
        }
    }
}

/// `--fault a,b --fault c`.
fn parse_faults(args: impl Iterator<Item = String>) -> Result<Faults, String> {
    let mut faults = Faults::none();
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let value = match arg.strip_prefix("--fault=") {
            Some(v) => v.to_string(),
            None if arg == "--fault" => args.next().ok_or("--fault needs a NAME")?,
            None => {
                return Err(format!(
                    "unknown argument {arg:?}; usage: refdm-exec [--fault NAME[,NAME…]]"
                ));
            }
        };
        for name in value.split(',').filter(|n| !n.is_empty()) {
            let fault: Fault = name.parse().map_err(|e| format!("{e}"))?;
            faults = faults.with(fault);
        }
    }
    Ok(faults)
}

/// The client's settings: the defaults, with what the harness's environment says.
fn config_from_env() -> ClientConfig {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    // A limit the client cannot hold (over u16) is held as the largest it can.
    let number = |name: &str, default: u16| {
        var(name)
            .and_then(|v| v.parse::<u32>().ok())
            .map_or(default, |n| u16::try_from(n).unwrap_or(u16::MAX))
    };
    let mut c = ClientConfig::default();
    if let Some(uri) = var(env::SERVER_URI) {
        c.server_uri = uri;
    }
    c.auth_scheme = match var(env::AUTH).as_deref() {
        Some("basic") => AuthScheme::Basic,
        Some("md5") => AuthScheme::Md5,
        Some("hmac") => AuthScheme::Hmac,
        _ => AuthScheme::None,
    };
    if let Some(user) = var(env::USER) {
        c.user = user;
    }
    if let Some(password) = var(env::PASSWORD) {
        c.password = password;
    }
    if let Some(nonce) = var(env::CLIENT_NONCE) {
        c.client_nonce = base64::engine::general_purpose::STANDARD
            .decode(nonce)
            .unwrap_or_default();
    }
    c.uri_max_depth = number(env::URI_MAX_DEPTH, c.uri_max_depth);
    c.uri_max_tot_len = number(env::URI_MAX_TOT_LEN, c.uri_max_tot_len);
    c.uri_max_seg_len = number(env::URI_MAX_SEG_LEN, c.uri_max_seg_len);
    c
}

/// A server message in whichever encoding its bytes are in.
fn decode(body: &[u8]) -> Result<Element, String> {
    let limits = Limits {
        max_input: MAX_MESSAGE,
        ..Limits::default()
    };
    match body.first() {
        Some(0x01..=0x03) => wbxml::decode(body, &limits).map(|d| d.root),
        Some(_) => xml::read(body, &limits).map(|d| d.root),
        None => return Err("empty body".into()),
    }
    .map_err(|e| e.to_string())
}

/// The client's message in the session's encoding, with its HMAC header when
/// the client authenticates that way.
fn message_frame(client: &Client, root: &Element, wbxml_session: bool) -> Frame {
    let (content_type, body) = if wbxml_session {
        match wbxml::encode(root, &wbxml::EncodeOptions::default()) {
            Ok(b) => (CONTENT_TYPE_WBXML, b),
            Err(e) => return Frame::Error(format!("cannot encode WBXML: {e}")),
        }
    } else {
        (
            CONTENT_TYPE_XML,
            xml::write(root, &xml::WriteOptions::default()),
        )
    };
    let mut headers: Vec<(String, String)> = client
        .hmac_header(&body)
        .map(|mac| ("x-syncml-hmac".to_string(), mac))
        .into_iter()
        .collect();
    headers.push((":path".to_string(), client.post_path()));
    Frame::Msg {
        content_type: content_type.into(),
        headers,
        body,
    }
}
