//! `refdm-server --listen ADDR [--fault NAME[,NAME…]] [--max-requests N] [--resp-uri URL]
//! [--auth none|basic|md5] [--own-scheme-only] [--every-message] [--rotate-nonce]
//! [--decimal-session-ids] [--tls-cert PEM --tls-key PEM [--enrollment]
//! [--enrollment-fault NAME[,NAME…]]]`: the reference DM server behind
//! an HTTP/1.1 server (tokio and hyper, keep-alive, many clients at once), so that the
//! server-role suite and fleet loads run over real HTTP. Each POST carries one client
//! message (XML or WBXML); the reply is the server's message in the same encoding
//! ([`refdm::server::wire::respond`] maps every request to its response). Requests larger
//! than 4 MiB get 413, other methods than POST 405; `--max-requests N` exits after the
//! N-th response. With `--tls-cert` and `--tls-key` it serves HTTPS (rustls). With `--resp-uri`, every reply names URL`?s=SESSIONID` as RespURI (any
//! path is served). The other options set up its account (`none`: no SyncML credentials
//! asked for; the scheme it challenges with) and the behaviours of [`ServerConfig`]. The
//! address printed on the first line of standard output (`listening on http://ADDR/`, or
//! `https://`) is the one bound, which matters with port 0. The server's state is one
//! [`Server`] behind a mutex, held only while it handles a decoded message.
//!
//! With `--enrollment` (and TLS) it is a whole Windows MDM server: the reference
//! enrollment service ([`refdm::enroll`], its own certificate authority made at
//! start) answers under `/EnrollmentServer/` at the address bound, its provisioning
//! documents name `https://ADDR/ManagementServer/MDM.svc`, and every other path,
//! the DM endpoint, answers only requests whose TLS connection presented a client
//! certificate that authority issued (rustls verifies it; others get 403).
//! `--enrollment-fault NAME[,NAME…]` switches the service's faults on.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use refdm::AuthScheme;
use refdm::enroll::{EnrollmentFaults, EnrollmentService};
use refdm::server::wire::{MAX_REQUEST, respond};
use refdm::server::{Server, ServerConfig, ServerFault, ServerFaults};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use std::convert::Infallible;
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::Notify;

/// What `--help` prints.
const USAGE: &str = "\
refdm-server: the reference DM server (and, with --enrollment, the reference Windows
enrollment service) behind HTTP(S), for the server suite and fleet loads.

Usage: refdm-server --listen ADDR [OPTIONS]

  --listen ADDR                 address to bind (127.0.0.1:0 picks a port; the first line
                                of standard output names the one bound)
  --fault NAME[,NAME...]        switch faults of the DM server on (--list-faults)
  --auth none|basic|md5         the scheme it asks for (default: that of its account)
  --own-scheme-only             refuse credentials of another scheme than its own
  --every-message               want the credentials in every message
  --rotate-nonce                a new MD5 nonce in every challenge
  --decimal-session-ids         refuse (HTTP 500) SessionIDs that are not decimal
  --resp-uri URL                name URL?s=SESSIONID as RespURI in every reply
  --max-requests N              exit after the N-th response
  --tls-cert PEM --tls-key PEM  serve HTTPS (rustls)
  --enrollment                  with TLS: the enrollment service under /EnrollmentServer/,
                                and the DM endpoint only for its certificates
  --enrollment-fault NAME[,...] the enrollment service with these faults
  --list-faults                 list the fault switches and exit
  --help                        this text
";

/// How long a client may take to send a request's head, and then its body.
const HEAD_TIMEOUT: Duration = Duration::from_secs(30);
const BODY_TIMEOUT: Duration = Duration::from_secs(60);

struct Args {
    listen: String,
    faults: ServerFaults,
    max_requests: Option<u64>,
    config: ServerConfig,
    tls_cert: Option<PathBuf>,
    tls_key: Option<PathBuf>,
    /// `--enrollment`: the enrollment service's faults.
    enrollment: Option<EnrollmentFaults>,
}

fn parse_args() -> Result<Args, String> {
    let mut listen = None;
    let mut faults = ServerFaults::none();
    let mut max_requests = None;
    let mut config = ServerConfig::default();
    let (mut tls_cert, mut tls_key) = (None, None);
    let mut enrollment = None;
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
            "--tls-cert" => tls_cert = Some(PathBuf::from(value()?)),
            "--tls-key" => tls_key = Some(PathBuf::from(value()?)),
            "--enrollment" => {
                enrollment.get_or_insert_with(EnrollmentFaults::none);
            }
            "--enrollment-fault" => {
                enrollment = Some(value()?.parse().map_err(|e| format!("{e}"))?);
            }
            "--max-requests" => {
                max_requests = Some(
                    value()?
                        .parse()
                        .map_err(|e| format!("--max-requests: {e}"))?,
                )
            }
            "--help" | "-h" => {
                print!("{USAGE}");
                std::process::exit(0);
            }
            "--list-faults" => {
                for f in ServerFault::ALL {
                    println!("{:30} {}", f.name(), f.breaks());
                }
                println!("\nEnrollment faults (--enrollment-fault):");
                for f in refdm::enroll::EnrollmentFault::ALL {
                    println!("{:30} {}", f.name(), f.breaks());
                }
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other:?} (see --help)")),
        }
    }
    if tls_cert.is_some() != tls_key.is_some() {
        return Err("--tls-cert and --tls-key go together".into());
    }
    if enrollment.is_some() && tls_cert.is_none() {
        return Err(
            "--enrollment needs --tls-cert and --tls-key: the DM endpoint checks the client certificate enrollment issued"
                .into(),
        );
    }
    Ok(Args {
        listen: listen.ok_or("--listen ADDR is required")?,
        faults,
        max_requests,
        config,
        tls_cert,
        tls_key,
        enrollment,
    })
}

/// The account, for an option that sets it up (refused after `--auth none`).
fn account(config: &mut ServerConfig) -> Result<&mut refdm::server::Account, String> {
    config
        .account
        .as_mut()
        .ok_or_else(|| "this option needs an account; --auth none removed it".to_string())
}

/// The TLS acceptor for a certificate chain and its key, both PEM files; with
/// `client_root` (DER), client certificates it issued are asked for and verified,
/// and connections without one are let in (the enrollment service needs none).
fn tls_acceptor(
    cert: &PathBuf,
    key: &PathBuf,
    client_root: Option<&[u8]>,
) -> Result<tokio_rustls::TlsAcceptor, String> {
    let certs = CertificateDer::pem_file_iter(cert)
        .and_then(|it| it.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("--tls-cert {}: {e}", cert.display()))?;
    if certs.is_empty() {
        return Err(format!(
            "--tls-cert {}: no PEM certificate in it",
            cert.display()
        ));
    }
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| format!("--tls-key {}: {e}", key.display()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?;
    let builder = match client_root {
        None => builder.with_no_client_auth(),
        Some(root) => {
            let mut roots = rustls::RootCertStore::empty();
            roots
                .add(CertificateDer::from(root.to_vec()))
                .map_err(|e| format!("the enrollment root: {e}"))?;
            let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                Arc::new(roots),
                provider,
            )
            .allow_unauthenticated()
            .build()
            .map_err(|e| format!("the enrollment root: {e}"))?;
            builder.with_client_cert_verifier(verifier)
        }
    };
    let config = builder
        .with_single_cert(certs, key)
        .map_err(|e| format!("server certificate: {e}"))?;
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

/// What every connection shares: the server, and the count of responses toward
/// `--max-requests`.
struct Shared {
    server: Mutex<Server>,
    /// The enrollment service, with `--enrollment`.
    enrollment: Option<Mutex<EnrollmentService>>,
    max_requests: Option<u64>,
    served: AtomicU64,
    /// Told when the last response `--max-requests` allows has been written.
    done: Notify,
}

impl Shared {
    /// Counts one response; whether it is the last one allowed.
    fn count(&self) -> bool {
        let served = self.served.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_requests.is_some_and(|m| served >= m)
    }

    fn reached_max(&self) -> bool {
        self.max_requests
            .is_some_and(|m| self.served.load(Ordering::SeqCst) >= m)
    }
}

/// The body of a request, up to one byte past [`MAX_REQUEST`] (enough for 413); an
/// error when it cannot be read.
async fn read_body(mut body: Incoming) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    while bytes.len() <= MAX_REQUEST {
        match body.frame().await {
            None => break,
            Some(Err(e)) => return Err(e.to_string()),
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data() {
                    let room = MAX_REQUEST + 1 - bytes.len();
                    bytes.extend_from_slice(&data[..data.len().min(room)]);
                }
            }
        }
    }
    Ok(bytes)
}

/// The reply to one request: the enrollment service's under `/EnrollmentServer/`,
/// the DM endpoint's elsewhere, which with `--enrollment` wants a connection that
/// presented a client certificate (`certified`; rustls verified it).
fn route(
    shared: &Shared,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    certified: bool,
) -> refdm::server::wire::HttpReply {
    let Some(enrollment) = &shared.enrollment else {
        return respond(&shared.server, method, path, headers, body);
    };
    if refdm::enroll::is_enrollment_path(path) {
        let content_type = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
            .map_or("", |(_, v)| *v);
        let reply = enrollment.lock().unwrap_or_else(|p| p.into_inner()).handle(
            method,
            path,
            content_type,
            body,
        );
        return refdm::server::wire::HttpReply {
            status: reply.status,
            content_type: reply.content_type,
            body: reply.body,
        };
    }
    if !certified {
        return text_reply(
            403,
            "the DM endpoint needs a TLS client certificate issued by this server's enrollment service",
        );
    }
    respond(&shared.server, method, path, headers, body)
}

async fn handle(
    request: hyper::Request<Incoming>,
    shared: Arc<Shared>,
    certified: bool,
) -> hyper::Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    let read = tokio::time::timeout(BODY_TIMEOUT, read_body(body)).await;
    let headers: Vec<(&str, &str)> = parts
        .headers
        .iter()
        .filter_map(|(k, v)| Some((k.as_str(), v.to_str().ok()?)))
        .collect();
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let reply = match read {
        Ok(Ok(body)) => route(
            &shared,
            parts.method.as_str(),
            path,
            &headers,
            &body,
            certified,
        ),
        Ok(Err(e)) => text_reply(400, e),
        Err(_) => text_reply(
            408,
            format!("body not read within {} s", BODY_TIMEOUT.as_secs()),
        ),
    };
    let last = shared.count();
    let mut response = hyper::Response::builder()
        .status(reply.status)
        .header(hyper::header::CONTENT_TYPE, reply.content_type);
    // After a 413 the rest of the body is unread: the connection cannot go on.
    if last || reply.status == 413 {
        response = response.header(hyper::header::CONNECTION, "close");
    }
    response
        .body(Full::new(Bytes::from(reply.body)))
        .unwrap_or_else(|_| hyper::Response::new(Full::new(Bytes::new())))
}

fn text_reply(status: u16, reason: impl Into<String>) -> refdm::server::wire::HttpReply {
    refdm::server::wire::HttpReply {
        status,
        content_type: "text/plain",
        body: reason.into().into_bytes(),
    }
}

/// Serves HTTP/1.1 with keep-alive on one connection until it ends.
async fn serve_connection<S>(io: S, shared: Arc<Shared>, certified: bool)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = {
        let shared = shared.clone();
        hyper::service::service_fn(move |request| {
            let shared = shared.clone();
            async move { Ok::<_, Infallible>(handle(request, shared, certified).await) }
        })
    };
    let _ = hyper::server::conn::http1::Builder::new()
        .keep_alive(true)
        .timer(TokioTimer::new())
        .header_read_timeout(HEAD_TIMEOUT)
        .serve_connection(TokioIo::new(io), service)
        .await;
    if shared.reached_max() {
        shared.done.notify_one();
    }
}

async fn serve(args: Args) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let enrollment = args
        .enrollment
        .map(|faults| EnrollmentService::new(&format!("https://{addr}"), faults));
    let acceptor = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(tls_acceptor(
            cert,
            key,
            enrollment.as_ref().map(EnrollmentService::root),
        )?),
        _ => None,
    };
    let scheme = if acceptor.is_some() { "https" } else { "http" };
    // One write, whose failure is no error: a reader may stop after the first line.
    let mut banner = format!("listening on {scheme}://{addr}/\n");
    if let Some(e) = &enrollment {
        banner.push_str(&format!("enrollment at {}\n", e.discovery_url()));
    }
    let mut stdout = std::io::stdout();
    let _ = stdout
        .write_all(banner.as_bytes())
        .and_then(|()| stdout.flush());
    let shared = Arc::new(Shared {
        server: Mutex::new(Server::new(args.config, args.faults)),
        enrollment: enrollment.map(Mutex::new),
        max_requests: args.max_requests,
        served: AtomicU64::new(0),
        done: Notify::new(),
    });
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = shared.done.notified() => return Ok(()),
        };
        let Ok((stream, _)) = accepted else {
            // Out of file descriptors or the like: wait a little rather than spin.
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        let shared = shared.clone();
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            match acceptor {
                None => serve_connection(stream, shared, false).await,
                Some(acceptor) => {
                    if let Ok(Ok(tls)) =
                        tokio::time::timeout(HEAD_TIMEOUT, acceptor.accept(stream)).await
                    {
                        let certified = tls.get_ref().1.peer_certificates().is_some();
                        serve_connection(tls, shared, certified).await;
                    }
                }
            }
        });
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
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("refdm-server: cannot start the runtime: {e}");
            std::process::exit(2);
        }
    };
    if let Err(e) = runtime.block_on(serve(args)) {
        eprintln!("refdm-server: {e}");
        std::process::exit(2);
    }
}
