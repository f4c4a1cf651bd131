//! `refdm-client`: the reference DM client as its own process, polling a DM
//! server over HTTP(S) the way a device does. Each session starts with
//! package 1; every server answer goes through [`refdm::Client::handle`] and
//! the reply is posted back, until the client ends the session; then the next
//! session starts. The client stops after two sessions in a row in which the
//! server sent no command (only Statuses: the server has nothing more to do),
//! after `--sessions` sessions, or when the server cannot be reached.
//!
//! Exit status: 0 when the server dismissed the client or the sessions were
//! done, 1 when the server could not be reached or answered what the client
//! cannot read, 2 on a usage error.

use clap::{Parser, ValueEnum};
use refdm::{AuthScheme, Client, ClientConfig, Fault, Faults, ServerAuth};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use syncml::protocol::{CONTENT_TYPE_WBXML, CONTENT_TYPE_XML};
use syncml::tree::Element;
use syncml::{CommandKind, Limits, Message, wbxml, xml};

/// Sessions in a row without a server command after which the client stops.
const IDLE_SESSIONS_TO_STOP: usize = 2;
/// The largest server answer read.
const MAX_ANSWER: u64 = 16 << 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum EncodingArg {
    Xml,
    Wbxml,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum AuthArg {
    None,
    Basic,
    Md5,
    Hmac,
}

/// The reference OMA DM client, polling a DM server over HTTP(S).
#[derive(Debug, Parser)]
#[command(name = "refdm-client", version)]
struct Args {
    /// The DM server's URL (http:// or https://).
    #[arg(long)]
    url: String,
    #[arg(long, value_enum, default_value_t = EncodingArg::Xml)]
    encoding: EncodingArg,
    #[arg(long, value_enum, default_value_t = AuthArg::Basic)]
    auth: AuthArg,
    #[arg(long, default_value = "dmconform")]
    user: String,
    #[arg(long, default_value = "reference")]
    password: String,
    /// The device's id: ./DevInfo/DevId and the SyncHdr Source of its messages.
    #[arg(long)]
    device_id: Option<String>,
    /// Authenticate the server: its id, as in its SyncHdr Source LocName (with --server-password).
    #[arg(long, requires = "server_password")]
    server_id: Option<String>,
    /// The password of the server's MD5 credentials.
    #[arg(long, requires = "server_id")]
    server_password: Option<String>,
    /// The nonce (Base64) the server's first MD5 digest is to use.
    #[arg(long, requires = "server_id", default_value = "")]
    server_nonce: String,
    /// The nonce of the client's first MD5 digest or MAC, in Base64 (default: the
    /// empty nonce, as for a target profile without `client_nonce`).
    #[arg(long, default_value = "")]
    client_nonce: String,
    /// The server's URI in the SyncHdr Target (default: --url).
    #[arg(long)]
    server_uri: Option<String>,
    /// Trust this PEM certificate (or CA) for https:// instead of the system's roots.
    #[arg(long, value_name = "PEM")]
    ca_cert: Option<PathBuf>,
    /// Present this PEM client certificate (with --client-key).
    #[arg(long, value_name = "PEM", requires = "client_key")]
    client_cert: Option<PathBuf>,
    #[arg(long, value_name = "PEM", requires = "client_cert")]
    client_key: Option<PathBuf>,
    /// Fault switches to turn on (see `dmconform run --list-faults`), comma-separated.
    #[arg(long, value_delimiter = ',')]
    fault: Vec<String>,
    /// Stop after this many sessions (default: until the server answers a session with no commands).
    #[arg(long)]
    sessions: Option<usize>,
    /// URI limits the client publishes in DevDetail: depth, total length, segment length
    /// (the values of the reference's target profile).
    #[arg(long, value_delimiter = ',', default_values_t = [16u16, 255, 64])]
    uri_limits: Vec<u16>,
    /// Seconds one HTTP exchange may take.
    #[arg(long, default_value_t = 120)]
    timeout: u64,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(m)) => {
            eprintln!("refdm-client: {m}");
            ExitCode::from(2)
        }
        Err(Failure::Server(m)) => {
            eprintln!("refdm-client: {m}");
            ExitCode::from(1)
        }
    }
}

enum Failure {
    Usage(String),
    Server(String),
}

fn run(args: &Args) -> Result<(), Failure> {
    let faults = args
        .fault
        .iter()
        .filter(|f| !f.is_empty())
        .map(|f| {
            f.parse::<Fault>()
                .map_err(|_| Failure::Usage(format!("unknown fault {f:?}")))
        })
        .collect::<Result<Faults, _>>()?;
    let mut client = Client::new(config(args)?, faults);
    let agent = agent(args).map_err(Failure::Usage)?;
    let encoding = args.encoding;
    let mut session = 0usize;
    let mut idle_sessions = 0;
    while args.sessions.is_none_or(|n| session < n) {
        session += 1;
        let mut message = client.open_session();
        let mut url = args.url.clone();
        let mut commands_seen = false;
        let mut answered = false;
        while let Some(answer) = post(&agent, &url, encoding, &client, &message)? {
            answered = true;
            commands_seen |= has_commands(&answer);
            match client.handle(&answer) {
                Some(reply) => message = reply,
                None => break,
            }
            if let Some(next) = client.resp_uri() {
                url = next.to_string();
            }
        }
        idle_sessions = if answered && !commands_seen {
            idle_sessions + 1
        } else {
            0
        };
        if idle_sessions >= IDLE_SESSIONS_TO_STOP {
            return Ok(());
        }
    }
    Ok(())
}

fn config(args: &Args) -> Result<ClientConfig, Failure> {
    let [depth, total, segment] = args.uri_limits[..] else {
        return Err(Failure::Usage("--uri-limits takes three numbers".into()));
    };
    let defaults = ClientConfig::default();
    let server_auth = match (&args.server_id, &args.server_password) {
        (Some(id), Some(password)) => {
            use base64::Engine;
            let nonce = base64::engine::general_purpose::STANDARD
                .decode(args.server_nonce.trim())
                .map_err(|e| Failure::Usage(format!("--server-nonce: {e}")))?;
            Some(ServerAuth {
                server_id: id.clone(),
                password: password.clone(),
                nonce,
            })
        }
        _ => None,
    };
    let client_nonce = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD
            .decode(&args.client_nonce)
            .map_err(|e| Failure::Usage(format!("--client-nonce is not Base64: {e}")))?
    };
    Ok(ClientConfig {
        device_id: args.device_id.clone().unwrap_or(defaults.device_id.clone()),
        server_auth,
        server_uri: args.server_uri.clone().unwrap_or_else(|| args.url.clone()),
        auth_scheme: match args.auth {
            AuthArg::None => AuthScheme::None,
            AuthArg::Basic => AuthScheme::Basic,
            AuthArg::Md5 => AuthScheme::Md5,
            AuthArg::Hmac => AuthScheme::Hmac,
        },
        user: args.user.clone(),
        password: args.password.clone(),
        client_nonce,
        uri_max_depth: depth,
        uri_max_tot_len: total,
        uri_max_seg_len: segment,
        ..defaults
    })
}

fn agent(args: &Args) -> Result<ureq::Agent, String> {
    use ureq::tls::{Certificate, ClientCert, PrivateKey, RootCerts, TlsConfig};
    let read = |p: &PathBuf| std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()));
    let mut tls = TlsConfig::builder();
    if let Some(path) = &args.ca_cert {
        let pem = read(path)?;
        let cert = Certificate::from_pem(&pem).map_err(|e| format!("{}: {e}", path.display()))?;
        tls = tls.root_certs(RootCerts::new_with_certs(&[cert]));
    }
    if let (Some(cert), Some(key)) = (&args.client_cert, &args.client_key) {
        let c =
            Certificate::from_pem(&read(cert)?).map_err(|e| format!("{}: {e}", cert.display()))?;
        let k = PrivateKey::from_pem(&read(key)?).map_err(|e| format!("{}: {e}", key.display()))?;
        tls = tls.client_cert(Some(ClientCert::new_with_certs(&[c], k)));
    }
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(args.timeout)))
        .user_agent(concat!("refdm-client/", env!("CARGO_PKG_VERSION")))
        .tls_config(tls.build())
        .build();
    Ok(config.into())
}

/// Posts one message; the server's answer, or `None` when the server ended the
/// session with an HTTP error status.
fn post(
    agent: &ureq::Agent,
    url: &str,
    encoding: EncodingArg,
    client: &Client,
    message: &Message,
) -> Result<Option<Message>, Failure> {
    let root = message.to_element();
    let (content_type, body) = match encoding {
        EncodingArg::Xml => (
            CONTENT_TYPE_XML,
            xml::write(&root, &xml::WriteOptions::default()),
        ),
        EncodingArg::Wbxml => (
            CONTENT_TYPE_WBXML,
            wbxml::encode(&root, &wbxml::EncodeOptions::default())
                .map_err(|e| Failure::Server(format!("cannot encode: {e}")))?,
        ),
    };
    let mut request = agent.post(url).header("Content-Type", content_type);
    if let Some(mac) = client.hmac_header(&body) {
        request = request.header("x-syncml-hmac", mac);
    }
    let mut response = request
        .send(&body[..])
        .map_err(|e| Failure::Server(format!("POST {url}: {e}")))?;
    if response.status() != 200 {
        eprintln!(
            "refdm-client: {url} answered HTTP {}; the session ends",
            response.status()
        );
        return Ok(None);
    }
    let bytes = response
        .body_mut()
        .with_config()
        .limit(MAX_ANSWER)
        .read_to_vec()
        .map_err(|e| Failure::Server(format!("reading the answer of {url}: {e}")))?;
    decode(&bytes).map(Some).map_err(Failure::Server)
}

fn decode(bytes: &[u8]) -> Result<Message, String> {
    let limits = Limits::default();
    let root: Element = match bytes.first() {
        Some(0x01..=0x03) => wbxml::decode(bytes, &limits).map(|d| d.root),
        _ => xml::read(bytes, &limits).map(|d| d.root),
    }
    .map_err(|e| format!("the server's answer does not decode: {e}"))?;
    Ok(Message::from_element(&root).0)
}

/// Whether a server message holds anything but Statuses.
fn has_commands(m: &Message) -> bool {
    m.commands().any(|c| c.kind != CommandKind::Status)
}
