//! Where a fleet's messages go: the reference DM server in process (shared by every
//! device), or a DM server over HTTP(S) through one pooled async client (hyper with
//! rustls: thousands of sessions in flight need no thread each). Every post is bounded
//! in time and in the size of the reply read, so that a server that hangs, trickles or
//! answers 200 MB costs the run one counted error, not a stall or the memory.

use crate::server::reference::SharedReference;
use crate::server::tls::{self, ClientTlsOptions};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use std::time::Duration;

/// The largest reply body read; a longer one is the error `too large`.
pub const MAX_REPLY: usize = 4 << 20;

/// An HTTP reply: status, content type, body.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
}

/// Why a post got no reply to judge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PostError {
    /// No reply head within half the bound, or no complete reply within the bound.
    Timeout { bound: Duration, head: bool },
    /// No connection (refused, unreachable, TLS handshake failed).
    Connect(String),
    /// The connection closed or was reset before the reply was complete.
    Reset(String),
    /// TLS failed (an untrusted server certificate, a client certificate refused or
    /// missing), explained with the option that helps.
    Tls(String),
    /// The reply body was longer than [`MAX_REPLY`].
    TooLarge,
    /// The server's RespURI may not be followed (from HTTPS to plain HTTP, or off
    /// loopback with --insecure-loopback).
    RespUri(String),
    /// The harness itself could not make the request (out of file descriptors).
    Harness(String),
    /// What came back is not an HTTP/1.1 response.
    NotHttp(String),
}

impl PostError {
    /// The kind, as errors are counted in a report.
    pub fn kind(&self) -> &'static str {
        match self {
            PostError::Timeout { .. } => "timeout",
            PostError::Connect(_) => "connect",
            PostError::Reset(_) => "reset",
            PostError::Tls(_) => "tls",
            PostError::TooLarge => "too large",
            PostError::RespUri(_) => "resp-uri",
            PostError::Harness(_) => "harness",
            PostError::NotHttp(_) => "not http",
        }
    }
}

impl std::fmt::Display for PostError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PostError::Timeout { bound, head: true } => {
                write!(f, "no reply head within {} s", bound.as_secs_f64())
            }
            PostError::Timeout { bound, head: false } => {
                write!(f, "no complete reply within {} s", bound.as_secs_f64())
            }
            PostError::Connect(e) => write!(f, "no connection: {e}"),
            PostError::Reset(e) => write!(
                f,
                "the connection closed before the reply was complete: {e}"
            ),
            PostError::TooLarge => write!(f, "the reply body is over {} bytes", MAX_REPLY),
            PostError::Tls(e)
            | PostError::RespUri(e)
            | PostError::Harness(e)
            | PostError::NotHttp(e) => f.write_str(e),
        }
    }
}

type HttpClient = Client<hyper_rustls::HttpsConnector<HttpConnector>, Full<Bytes>>;

/// The server the fleet loads.
pub enum Backend {
    InProcess(SharedReference),
    Http {
        client: HttpClient,
        /// `scheme://authority` of the target URL; the path comes with each post.
        origin: String,
        timeout: Duration,
        /// Whether the fleet presents a client certificate (for explaining TLS failures).
        client_cert: bool,
        /// --insecure-loopback: a RespURI off loopback is not followed.
        insecure_loopback: bool,
    },
}

impl Backend {
    /// A DM server at `url`, reached with `tls` and a bound of `timeout` on each exchange.
    pub fn http(url: &str, tls: &ClientTlsOptions, timeout: Duration) -> Result<Backend, String> {
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))
            .ok_or_else(|| format!("{url:?} is not an http:// or https:// URL"))?;
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        if authority.is_empty() {
            return Err(format!("{url:?} names no host"));
        }
        let origin = format!("{}{authority}", &url[..url.len() - rest.len()]);
        let config = tls::client_config(tls)?;
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config((*config).clone())
            .https_or_http()
            .enable_http1()
            .build();
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(30))
            .build(connector);
        Ok(Backend::Http {
            client,
            origin,
            timeout,
            client_cert: tls.client_cert.is_some(),
            insecure_loopback: tls.insecure,
        })
    }

    /// Posts one message to `path` (with its query), or to the server's RespURI
    /// `resp_uri` where it names another origin, with the `x-syncml-hmac` header when the
    /// device authenticates by HMAC, and reads the reply.
    pub async fn post(
        &self,
        resp_uri: Option<&str>,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
        hmac: Option<&str>,
    ) -> Result<Reply, PostError> {
        match self {
            Backend::InProcess(server) => {
                let headers: Vec<(&str, &str)> =
                    hmac.map(|h| ("x-syncml-hmac", h)).into_iter().collect();
                let (status, content_type, body) = server.post(&body, &headers);
                Ok(Reply {
                    status,
                    content_type: content_type.to_string(),
                    body,
                })
            }
            Backend::Http {
                client,
                origin,
                timeout,
                client_cert,
                insecure_loopback,
            } => {
                let same_origin = |u: &str| {
                    u.strip_prefix(origin.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
                };
                let uri = match resp_uri.filter(|u| !same_origin(u)) {
                    Some(elsewhere) => follow(origin, elsewhere, *insecure_loopback)?,
                    None => format!("{origin}{path}"),
                };
                let request = Request {
                    uri: &uri,
                    content_type,
                    hmac,
                    client_cert: *client_cert,
                    head_within: *timeout / 2,
                };
                let exchange = http_post(client, &request, body);
                match tokio::time::timeout(*timeout, exchange).await {
                    Ok(result) => result,
                    Err(_) => Err(PostError::Timeout {
                        bound: *timeout,
                        head: false,
                    }),
                }
            }
        }
    }
}

/// A RespURI of another origin than the target's, if the session may follow it (as the
/// server suite follows one): not from HTTPS down to plain HTTP, not off loopback with
/// --insecure-loopback, and only to http(s).
fn follow(origin: &str, resp_uri: &str, insecure_loopback: bool) -> Result<String, PostError> {
    let refuse = |why: &str| {
        Err(PostError::RespUri(format!(
            "the server's RespURI {resp_uri:?} {why}; not followed"
        )))
    };
    if !(resp_uri.starts_with("https://") || resp_uri.starts_with("http://")) {
        return refuse("is not an http(s) URL");
    }
    if origin.starts_with("https://") && resp_uri.starts_with("http://") {
        return refuse("leaves HTTPS for plain HTTP");
    }
    if insecure_loopback && !crate::server::http::is_loopback(resp_uri) {
        return refuse("leaves loopback while --insecure-loopback is on");
    }
    Ok(resp_uri.to_string())
}

/// One HTTP request of a session.
struct Request<'a> {
    uri: &'a str,
    content_type: &'a str,
    hmac: Option<&'a str>,
    client_cert: bool,
    /// The bound on the reply's head (status and headers).
    head_within: Duration,
}

async fn http_post(
    client: &HttpClient,
    r: &Request<'_>,
    body: Vec<u8>,
) -> Result<Reply, PostError> {
    let (uri, content_type, client_cert) = (r.uri, r.content_type, r.client_cert);
    let mut request = hyper::Request::post(uri)
        .header(hyper::header::CONTENT_TYPE, content_type)
        .header(hyper::header::ACCEPT, content_type);
    if let Some(mac) = r.hmac {
        request = request.header("x-syncml-hmac", mac);
    }
    let request = request
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| PostError::Harness(format!("cannot make the request for {uri:?}: {e}")))?;
    let head = tokio::time::timeout(r.head_within, client.request(request))
        .await
        .map_err(|_| PostError::Timeout {
            bound: r.head_within,
            head: true,
        })?;
    let response = head.map_err(|e| {
        if let Some(what) = harness_limit(&e) {
            PostError::Harness(format!(
                "the harness ran out of {what}: raise `ulimit -n` or lower --concurrency or --rate"
            ))
        } else if let Some(t) = rustls_error(&e) {
            PostError::Tls(tls::explain(t, client_cert))
        } else if e.is_connect() {
            PostError::Connect(error_chain(&e))
        } else if not_http(&e) {
            PostError::NotHttp(format!("the reply is not HTTP/1.1: {}", error_chain(&e)))
        } else {
            PostError::Reset(error_chain(&e))
        }
    })?;
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(hyper::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = Limited::new(response.into_body(), MAX_REPLY)
        .collect()
        .await
        .map_err(|e| {
            if e.is::<http_body_util::LengthLimitError>() {
                PostError::TooLarge
            } else {
                PostError::Reset(e.to_string())
            }
        })?
        .to_bytes()
        .to_vec();
    Ok(Reply {
        status,
        content_type,
        body,
    })
}

/// What the harness itself ran out of, when that is why a request failed: file
/// descriptors (EMFILE, ENFILE), which is not the server's doing.
fn harness_limit(e: &(dyn std::error::Error + 'static)) -> Option<&'static str> {
    let mut cause = Some(e);
    while let Some(c) = cause {
        let code = c
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.raw_os_error());
        // EMFILE (24) and ENFILE (23) on Linux and the BSDs.
        if matches!(code, Some(23 | 24)) {
            return Some("file descriptors");
        }
        cause = c.source();
    }
    None
}

/// Whether what came back could not be read as an HTTP/1.1 response (a bad status
/// line, headers too large), rather than the connection going away.
fn not_http(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(e);
    while let Some(c) = cause {
        if c.downcast_ref::<hyper::Error>()
            .is_some_and(hyper::Error::is_parse)
        {
            return true;
        }
        cause = c.source();
    }
    false
}

/// The rustls error among the causes of `e`, if TLS is what failed.
fn rustls_error<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    let mut cause = Some(e);
    while let Some(c) = cause {
        if let Some(t) = c.downcast_ref::<rustls::Error>() {
            return Some(t);
        }
        let inner = c
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .and_then(|i| i.downcast_ref::<rustls::Error>());
        if inner.is_some() {
            return inner;
        }
        cause = c.source();
    }
    None
}

/// An error with its causes, outermost first.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resp_uri_elsewhere_is_followed_unless_it_leaves_https_or_loopback() {
        let ok = |origin, uri, insecure| follow(origin, uri, insecure);
        assert_eq!(
            ok("https://a.test", "https://b.test/dm?s=1", false).unwrap(),
            "https://b.test/dm?s=1"
        );
        assert_eq!(
            ok("http://127.0.0.1:1", "http://localhost:1/x", true).unwrap(),
            "http://localhost:1/x"
        );
        for (origin, uri, insecure, says) in [
            ("https://a.test", "http://a.test/dm", false, "leaves HTTPS"),
            (
                "https://127.0.0.1:1",
                "https://b.test/dm",
                true,
                "leaves loopback",
            ),
            (
                "http://a.test",
                "ftp://a.test/dm",
                false,
                "not an http(s) URL",
            ),
        ] {
            let e = follow(origin, uri, insecure).unwrap_err();
            assert_eq!(e.kind(), "resp-uri");
            assert!(e.to_string().contains(says), "{e}");
        }
    }
}
