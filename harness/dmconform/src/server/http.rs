//! The HTTP(S) transport to a DM server under test (`--target https://…`): each client
//! message is POSTed with the content type of its encoding; the reply body is read up to
//! a size limit, never more. A reply that is not SyncML at all (an HTML sign-in page), or
//! not 200, is an error that says what came: its content type and first bytes. Timeouts bound the connection, the wait for the first byte
//! and the whole exchange; a timeout names the bound that expired, and a message that got
//! nothing back at all is reported to the runner ([`ServerTarget::unanswered`]). Redirects are not followed: a 3xx is an error that names the
//! new location. When a server message carries RespURI, the next message of the session
//! goes there. TLS is [`crate::server::tls`]: rustls (ring) with the WebPKI roots or those
//! of `--ca-cert`, optionally a client certificate; `--insecure-loopback` turns
//! verification off, for servers on a loopback address only. TLS failures say what
//! went wrong and which option helps.

use crate::codec;
use crate::server::target::ServerTarget;
use crate::server::tls::{ClientTlsOptions, DeviceIdentity, TlsConnector};
use crate::wire::{TargetError, Wire};
use std::path::PathBuf;
use std::time::Duration;
use ureq::unversioned::resolver::DefaultResolver;
use ureq::unversioned::transport::{ConnectProxyConnector, Connector, TcpConnector};

/// How the HTTP transport behaves.
#[derive(Clone, Debug)]
pub struct HttpOptions {
    pub connect_timeout: Duration,
    /// From the request sent to the response headers.
    pub first_byte_timeout: Duration,
    /// The whole exchange, body included.
    pub exchange_timeout: Duration,
    /// What sets the timeouts, for the messages that name them (`--http-timeout`).
    pub timeout_option: String,
    /// Largest reply body read, in bytes.
    pub max_body: u64,
    /// PEM file of the CA certificates to trust instead of the WebPKI roots.
    pub ca_cert: Option<PathBuf>,
    /// Skip certificate verification (accepted for loopback hosts only).
    pub insecure_loopback: bool,
    /// PEM certificate chain and PEM private key of a TLS client certificate to present.
    pub client_cert: Option<(PathBuf, PathBuf)>,
    /// An enrolled device's certificate, key and roots (the DM session after enrollment).
    pub device: Option<DeviceIdentity>,
}

impl HttpOptions {
    /// The options for a whole-exchange bound of `exchange`: the first byte must come
    /// within half of it (15 s of the default 30 s), at least a second.
    pub fn with_exchange_timeout(exchange: Duration) -> HttpOptions {
        HttpOptions {
            exchange_timeout: exchange,
            first_byte_timeout: (exchange / 2).max(Duration::from_secs(1)).min(exchange),
            ..HttpOptions::default()
        }
    }
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            connect_timeout: Duration::from_secs(5),
            first_byte_timeout: Duration::from_secs(15),
            exchange_timeout: Duration::from_secs(30),
            timeout_option: "--http-timeout".into(),
            max_body: 4 << 20,
            ca_cert: None,
            insecure_loopback: false,
            client_cert: None,
            device: None,
        }
    }
}

/// A DM server reached over HTTP or HTTPS.
pub struct HttpServer {
    url: String,
    agent: ureq::Agent,
    max_body: u64,
    /// Where the next message of the session goes, when the server gave a RespURI.
    resp_uri: Option<String>,
    /// Certificates are not verified: every URL, RespURIs too, must stay on loopback.
    insecure_loopback: bool,
    bounds: Bounds,
    /// The bound that expired with nothing back for the last message, if one did.
    unanswered: Option<String>,
}

/// The timeouts, for the messages that name them.
#[derive(Clone, Debug)]
struct Bounds {
    connect: Duration,
    first_byte: Duration,
    exchange: Duration,
    option: String,
    /// A client certificate is presented (TLS failures are explained accordingly).
    client_cert: bool,
}

/// An HTTP(S) agent set up as the options say, with the bounds its errors name:
/// the transport of DM servers and of enrollment services.
pub(crate) struct Transport {
    pub(crate) agent: ureq::Agent,
    pub(crate) max_body: u64,
    bounds: Bounds,
}

impl Transport {
    /// A transport to `url`, or why it cannot be set up.
    pub(crate) fn new(url: &str, opts: &HttpOptions) -> Result<Transport, String> {
        let https = url.starts_with("https://");
        if !https && !url.starts_with("http://") {
            return Err(format!("{url:?} is not an http:// or https:// URL"));
        }
        if opts.insecure_loopback && !is_loopback(url) {
            return Err(format!(
                "--insecure-loopback is accepted only for a loopback host (127.0.0.0/8, ::1, localhost), not {url:?}"
            ));
        }
        let tls = crate::server::tls::client_config(&ClientTlsOptions {
            ca_cert: opts.ca_cert.clone(),
            insecure: opts.insecure_loopback,
            client_cert: opts.client_cert.clone(),
            device: opts.device.clone(),
        })?;
        let config = ureq::Agent::config_builder()
            .timeout_connect(Some(opts.connect_timeout))
            .timeout_recv_response(Some(opts.first_byte_timeout))
            .timeout_global(Some(opts.exchange_timeout))
            .max_redirects(0)
            .http_status_as_error(false)
            .build();
        let connector =
            ().chain(ConnectProxyConnector::default())
                .chain(TcpConnector::default())
                .chain(TlsConnector { config: tls });
        Ok(Transport {
            agent: ureq::Agent::with_parts(config, connector, DefaultResolver::default()),
            max_body: opts.max_body,
            bounds: Bounds {
                connect: opts.connect_timeout,
                first_byte: opts.first_byte_timeout,
                exchange: opts.exchange_timeout,
                option: opts.timeout_option.clone(),
                client_cert: opts.client_cert.is_some() || opts.device.is_some(),
            },
        })
    }

    /// A transport failure as a target error, a timeout naming its bound.
    pub(crate) fn error(&self, url: &str, e: ureq::Error) -> TargetError {
        self.bounds.error(url, e)
    }
}

impl HttpServer {
    /// A transport to `url`, or why it cannot be set up.
    pub fn new(url: &str, opts: &HttpOptions) -> Result<HttpServer, String> {
        let Transport {
            agent,
            max_body,
            bounds,
        } = Transport::new(url, opts)?;
        Ok(HttpServer {
            url: url.to_string(),
            agent,
            max_body,
            resp_uri: None,
            insecure_loopback: opts.insecure_loopback,
            bounds,
            unanswered: None,
        })
    }
}

impl ServerTarget for HttpServer {
    fn describe(&self) -> String {
        self.url.clone()
    }

    fn start_session(&mut self) -> Result<(), TargetError> {
        self.resp_uri = None;
        Ok(())
    }

    fn unanswered(&self) -> Option<String> {
        self.unanswered.clone()
    }

    fn send(&mut self, message: Wire) -> Result<Wire, TargetError> {
        let url = self.resp_uri.clone().unwrap_or_else(|| self.url.clone());
        self.unanswered = None;
        let sent = self
            .agent
            .post(&url)
            .header("Content-Type", &message.content_type)
            .header("Accept", &message.content_type)
            .send(&message.body[..]);
        let mut response = match sent {
            Ok(r) => r,
            Err(e) => {
                if let ureq::Error::Timeout(t) = &e {
                    self.unanswered = self.bounds.unanswered(*t);
                }
                return Err(self.bounds.error(&url, e));
            }
        };
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let content_type = header("content-type").unwrap_or_default();
        if (300..400).contains(&status) {
            return Err(TargetError::Other(format!(
                "HTTP {status} from {url}: redirect to {} not followed (a DM server gives RespURI instead)",
                header("location").unwrap_or_else(|| "nowhere".into())
            )));
        }
        if status != 200 {
            let mut start = Vec::new();
            let _ = std::io::Read::read_to_end(
                &mut std::io::Read::take(response.body_mut().as_reader(), ECHO_WINDOW),
                &mut start,
            );
            return Err(TargetError::Other(format!(
                "HTTP {status} from {url}: {}",
                what_came(&content_type, &blot(&start, &message.body))
            )));
        }
        let mut headers = Vec::new();
        if let Some(mac) = header("x-syncml-hmac") {
            headers.push(("x-syncml-hmac".to_string(), mac));
        }
        let body = response
            .body_mut()
            .with_config()
            .limit(self.max_body)
            .read_to_vec()
            .map_err(|e| self.bounds.error(&url, e))?;
        let decoded = codec::decode(&body, &codec::reply_limits());
        if let Some(what) = not_syncml(&content_type, &blot(&body, &message.body), &decoded) {
            return Err(TargetError::Other(format!(
                "HTTP 200 from {url} is not SyncML: {what}"
            )));
        }
        if let Some(next) = decoded.ok().and_then(|d| resp_uri(&d)) {
            self.check_resp_uri(&url, &next)?;
            self.resp_uri = Some(next);
        }
        Ok(Wire {
            content_type,
            headers,
            body,
        })
    }
}

impl HttpServer {
    /// A RespURI the session may follow: never from HTTPS down to plain HTTP (the
    /// credentials would travel in clear), and only to loopback when certificates
    /// are not verified.
    fn check_resp_uri(&self, from: &str, next: &str) -> Result<(), TargetError> {
        if from.starts_with("https://") && next.starts_with("http://") {
            return Err(TargetError::Other(format!(
                "the server's RespURI {next:?} leaves HTTPS for plain HTTP; not followed"
            )));
        }
        if self.insecure_loopback && !is_loopback(next) {
            return Err(TargetError::Other(format!(
                "the server's RespURI {next:?} leaves loopback while --insecure-loopback is on; not followed"
            )));
        }
        Ok(())
    }
}

/// The RespURI of a server message, when it gives an http(s) one.
fn resp_uri(decoded: &codec::Decoded) -> Option<String> {
    let uri = decoded
        .message
        .hdr
        .as_ref()?
        .resp_uri
        .as_ref()?
        .trim()
        .to_string();
    (uri.starts_with("https://") || uri.starts_with("http://")).then_some(uri)
}

/// How many bytes of a body that is not SyncML a message quotes.
const EXCERPT: usize = 80;

/// How many bytes of a refusal are read to quote its start, credentials blotted out.
const ECHO_WINDOW: u64 = 4096;

/// A reply body with the credentials of the message it answers blotted out, for a
/// server that echoes the request in an error page.
pub(crate) fn blot(reply: &[u8], sent: &[u8]) -> Vec<u8> {
    let Some(data) = codec::decode(sent, &codec::reply_limits())
        .ok()
        .and_then(|d| d.message.hdr?.cred?.data)
        .map(|d| d.as_text().trim().to_string())
        .filter(|d| !d.is_empty())
    else {
        return reply.to_vec();
    };
    let needle = data.as_bytes();
    let mut out = Vec::with_capacity(reply.len());
    let mut rest = reply;
    while let Some(at) = memchr::memmem::find(rest, needle) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(b"[redacted]");
        rest = &rest[at + needle.len()..];
    }
    out.extend_from_slice(rest);
    out
}

/// What a reply is when it is not SyncML at all, in words: a document whose root is not
/// `SyncML`, or a body that does not decode under a content type that is not SyncML's
/// (an HTML sign-in page). A SyncML body under a wrong content type is SyncML (the
/// content-type invariant judges it); an undecodable body labelled SyncML is left to the
/// decoder, which reports where it breaks.
pub(crate) fn not_syncml(
    content_type: &str,
    body: &[u8],
    decoded: &Result<codec::Decoded, codec::Undecodable>,
) -> Option<String> {
    match decoded {
        Ok(d) if d.root.name == "SyncML" => None,
        Ok(d) => Some(format!(
            "a <{}> document; {}",
            d.root.name,
            what_came(content_type, body)
        )),
        Err(_) if crate::wire::Encoding::from_content_type(content_type).is_some() => None,
        Err(_) => Some(what_came(content_type, body)),
    }
}

/// The content type and the first bytes of a body, for a message.
pub(crate) fn what_came(content_type: &str, body: &[u8]) -> String {
    let ct = if content_type.is_empty() {
        "no Content-Type".to_string()
    } else {
        format!("Content-Type {content_type:?}")
    };
    if body.is_empty() {
        return format!("{ct}, an empty body");
    }
    let head = String::from_utf8_lossy(&body[..body.len().min(EXCERPT)]);
    let more = if body.len() > EXCERPT { "…" } else { "" };
    format!("{ct}, the body starting {head:?}{more}")
}

impl Bounds {
    /// The bound that expired before anything came back, in words, if `t` is one.
    fn unanswered(&self, t: ureq::Timeout) -> Option<String> {
        let secs = |d: Duration| d.as_secs_f64();
        match t {
            ureq::Timeout::Connect | ureq::Timeout::Resolve => Some(format!(
                "no connection within the {} s connect bound",
                secs(self.connect)
            )),
            ureq::Timeout::RecvResponse | ureq::Timeout::Global | ureq::Timeout::PerCall
                if self.first_byte >= self.exchange =>
            {
                Some(format!(
                    "no answer within the {} s bound of an exchange; {} sets it",
                    secs(self.exchange),
                    self.option
                ))
            }
            ureq::Timeout::RecvResponse => Some(format!(
                "no answer within the {} s first-byte bound; {} sets it, at twice that",
                secs(self.first_byte),
                self.option
            )),
            ureq::Timeout::Global | ureq::Timeout::PerCall => Some(format!(
                "no answer within the {} s bound of an exchange; {} sets it",
                secs(self.exchange),
                self.option
            )),
            _ => None,
        }
    }

    /// A transport failure as a target error, a timeout naming its bound.
    fn error(&self, url: &str, e: ureq::Error) -> TargetError {
        match e {
            ureq::Error::Timeout(t) => match self.unanswered(t) {
                Some(bound) => TargetError::Timeout(format!("{url}: {bound}")),
                None if matches!(t, ureq::Timeout::RecvBody) => TargetError::Timeout(format!(
                    "{url}: the reply body did not come within the {} s bound of an exchange; {} sets it",
                    self.exchange.as_secs_f64(),
                    self.option
                )),
                None => TargetError::Timeout(format!("{url}: {t}")),
            },
            other => match crate::server::tls::tls_error(&other) {
                Some(t) => TargetError::Other(format!(
                    "{url}: {}",
                    crate::server::tls::explain(t, self.client_cert)
                )),
                None => transport_error(url, other),
            },
        }
    }
}

fn transport_error(url: &str, e: ureq::Error) -> TargetError {
    match e {
        ureq::Error::Timeout(t) => TargetError::Timeout(format!("{url}: {t}")),
        ureq::Error::BodyExceedsLimit(n) => {
            TargetError::Other(format!("{url}: reply body over the limit of {n} bytes"))
        }
        ureq::Error::Io(io) => TargetError::Gone(format!("{url}: {io}")),
        ureq::Error::ConnectionFailed | ureq::Error::HostNotFound => {
            TargetError::Gone(format!("{url}: {e}"))
        }
        other => TargetError::Other(format!("{url}: {other}")),
    }
}

/// Whether the URL's host is a loopback address or `localhost`.
pub(crate) fn is_loopback(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resp_uris_that_downgrade_or_leave_loopback_are_refused() {
        let opts = |insecure_loopback| HttpOptions {
            insecure_loopback,
            ..HttpOptions::default()
        };
        let secure = HttpServer::new("https://dm.example/dm", &opts(false)).unwrap();
        assert!(
            secure
                .check_resp_uri("https://dm.example/dm", "https://dm2.example/x")
                .is_ok()
        );
        assert!(
            secure
                .check_resp_uri("https://dm.example/dm", "http://dm.example/x")
                .is_err()
        );
        let insecure = HttpServer::new("https://127.0.0.1:1/dm", &opts(true)).unwrap();
        assert!(
            insecure
                .check_resp_uri("https://127.0.0.1:1/dm", "https://127.0.0.1:1/next")
                .is_ok()
        );
        assert!(
            insecure
                .check_resp_uri("https://127.0.0.1:1/dm", "https://dm.example/next")
                .is_err()
        );
    }

    #[test]
    fn loopback_hosts_are_recognised() {
        assert!(is_loopback("https://127.0.0.1:8443/dm"));
        assert!(is_loopback("https://127.3.2.1/dm"));
        assert!(is_loopback("https://[::1]:8443/dm"));
        assert!(is_loopback("https://localhost/dm"));
        assert!(!is_loopback("https://10.0.0.1/dm"));
        assert!(!is_loopback("https://mdm.example.com/dm"));
    }

    #[test]
    fn resp_uri_is_taken_from_the_server_header_when_it_is_http() {
        let body = |uri: &str| {
            format!(
                "<SyncML xmlns=\"SYNCML:SYNCML1.2\"><SyncHdr><VerDTD>1.2</VerDTD><VerProto>DM/1.2</VerProto><SessionID>1</SessionID><MsgID>1</MsgID><Target><LocURI>d</LocURI></Target><Source><LocURI>s</LocURI></Source><RespURI>{uri}</RespURI></SyncHdr><SyncBody><Final/></SyncBody></SyncML>"
            )
        };
        let uri = |text: String| {
            resp_uri(&codec::decode(text.as_bytes(), &codec::reply_limits()).unwrap())
        };
        assert_eq!(
            uri(body("https://127.0.0.1:8443/dm?s=2")).as_deref(),
            Some("https://127.0.0.1:8443/dm?s=2")
        );
        assert_eq!(uri(body("file:///etc/passwd")), None);
    }

    #[test]
    fn a_reply_that_is_not_syncml_says_what_came() {
        let check = |ct: &str, body: &[u8]| {
            not_syncml(ct, body, &codec::decode(body, &codec::reply_limits()))
        };
        let page = b"<html><head><title>Sign in</title></head><body/></html>";
        let what = check("text/html; charset=utf-8", page).unwrap();
        assert!(what.starts_with("a <html> document; Content-Type \"text/html; charset=utf-8\", the body starting \"<html><head><title>Sign in"), "{what}");
        let what = check("text/html", b"<!DOCTYPE html>\n<p>Sign in").unwrap();
        assert!(what.contains("\"<!DOCTYPE html>\\n<p>Sign in\""), "{what}");
        assert_eq!(check(crate::wire::CONTENT_TYPE_XML, b"\x7fgarbage"), None);
        let syncml = b"<SyncML xmlns=\"SYNCML:SYNCML1.2\"><SyncHdr/><SyncBody/></SyncML>";
        assert_eq!(check("text/xml", syncml), None);
    }

    #[test]
    fn insecure_is_refused_for_other_hosts() {
        let opts = HttpOptions {
            insecure_loopback: true,
            ..HttpOptions::default()
        };
        assert!(HttpServer::new("https://mdm.example.com/dm", &opts).is_err());
        assert!(HttpServer::new("https://127.0.0.1:1/dm", &opts).is_ok());
        assert!(HttpServer::new("ftp://127.0.0.1/dm", &HttpOptions::default()).is_err());
    }
}
