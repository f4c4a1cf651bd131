//! Credentials never reach a report of the server role: the server cases run in both
//! encodings with the target profile's Basic and MD5 credentials (right and wrong
//! password) against reference servers that demand MD5, hand out a new nonce in every
//! Chal and want the credentials again in every message; against peers that echo the
//! request in an HTML page (200) or an error page (500); and over HTTPS with a client
//! certificate, whose private key must not appear either. Every report format and every
//! snapshot is searched for the passwords, their Basic form, their MD5 digests over
//! every nonce the servers can have handed out, as text and as hex, and for the key.

use base64::Engine;
use dmconform::checks::named::{basic_credential, md5_credential};
use dmconform::profile::AuthScheme;
use dmconform::report::{self, Format};
use dmconform::run::{RunOptions, RunReport};
use dmconform::server::http::{HttpOptions, HttpServer};
use dmconform::server::reference::{ReferenceServer, reference_server_config};
use dmconform::server::runner::run_server_suite;
use dmconform::spec::{Role, Suite};
use dmconform::{ServerTarget, TargetProfile, snapshot};
use refdm::ServerConfig;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant};

const USER: &str = "secret-server-user";
const PASSWORD: &str = "Kq4-server-unguessable";
const WRONG_PASSWORD: &str = "Wrong-Server-Pw-Ty2";
const CLIENT_NONCE_B64: &str = "U2VydmVyTm9uY2VTZWNyZXQ=";

/// The reference server's profile with the secret account, in `scheme`, with `password`.
fn profile(scheme: AuthScheme, password: &str) -> TargetProfile {
    let mut p = TargetProfile::reference_server();
    let c = p.credentials.as_mut().unwrap();
    c.scheme = scheme;
    c.user = USER.into();
    c.password = password.into();
    c.client_nonce = Some(CLIENT_NONCE_B64.into());
    p
}

/// The reference server with the secret account: its scheme, and the behaviours asked for.
fn server(scheme: refdm::AuthScheme, own_only: bool, every_message: bool) -> ServerConfig {
    let mut config = ServerConfig {
        rotate_nonce: true,
        ..reference_server_config(&profile(AuthScheme::Basic, PASSWORD))
    };
    let a = config.account.as_mut().unwrap();
    a.scheme = scheme;
    a.own_scheme_only = own_only;
    a.every_message = every_message;
    config
}

fn nonce_seed() -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(CLIENT_NONCE_B64)
        .unwrap()
}

/// Every NextNonce the servers handed out in a run, from its transcripts.
fn nonces_given(report: &RunReport) -> Vec<Vec<u8>> {
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut out = vec![nonce_seed()];
    for r in &report.runs {
        for x in &r.transcript {
            for part in x.text.split("<NextNonce").skip(1) {
                let value = part
                    .split_once('>')
                    .and_then(|(_, rest)| rest.split_once('<'))
                    .map(|(v, _)| v.trim());
                if let Some(nonce) = value.and_then(|v| b64.decode(v).ok())
                    && !out.contains(&nonce)
                {
                    out.push(nonce);
                }
            }
        }
    }
    out
}

/// Every form of a password that must not appear, as text and as hex: the password,
/// its Basic form, and its MD5 digest over each of `nonces`.
fn forbidden(password: &str, nonces: &[Vec<u8>]) -> Vec<String> {
    let mut forms = vec![password.to_string(), basic_credential(USER, password)];
    for nonce in nonces {
        forms.push(md5_credential(USER, password, nonce));
    }
    let hex: Vec<String> = forms
        .iter()
        .map(|f| f.bytes().map(|b| format!("{b:02x}")).collect())
        .collect();
    forms.extend(hex);
    forms
}

fn run(target: &mut dyn ServerTarget, profile: &TargetProfile, filter: Option<&str>) -> RunReport {
    let (suite, problems) = Suite::embedded();
    assert!(problems.is_empty(), "{problems:?}");
    let opts = RunOptions {
        role: Role::Server,
        filter: filter.map(|f| glob::Pattern::new(f).unwrap()),
        ..RunOptions::default()
    };
    run_server_suite(&suite, target, profile, &opts, &mut |_, _, _| {})
}

/// Every report format and every snapshot of the run, searched for `forbidden` as
/// written and with white space taken out (hex dumps break lines).
fn assert_clean(report: &RunReport, forbidden: &[String]) {
    let (suite, _) = Suite::embedded();
    let mut outputs: Vec<(String, String)> = [Format::Text, Format::Json, Format::Junit]
        .into_iter()
        .map(|f| (format!("{f:?}"), report::render(f, report, &suite)))
        .collect();
    outputs.push(("markdown".into(), report::markdown::render(report, &suite)));
    outputs.push(("html".into(), report::html::render(report, &suite)));
    for r in &report.runs {
        outputs.push((format!("snapshot {}", r.id), snapshot::render(r)));
    }
    for (name, text) in &outputs {
        let joined: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        for secret in forbidden {
            assert!(
                !text.contains(secret.as_str()) && !joined.contains(secret.as_str()),
                "{name} holds {secret:?}"
            );
        }
    }
}

#[test]
fn credentials_of_every_scheme_and_their_resending_never_reach_a_report() {
    let cases = [
        (refdm::AuthScheme::Basic, false, false, AuthScheme::Basic),
        (refdm::AuthScheme::Basic, false, true, AuthScheme::Basic),
        (refdm::AuthScheme::Md5, true, false, AuthScheme::Md5),
        (refdm::AuthScheme::Md5, false, true, AuthScheme::Md5),
        // A device of one scheme against a server demanding the other: refusals.
        (refdm::AuthScheme::Md5, true, true, AuthScheme::Basic),
    ];
    for (scheme, own_only, every_message, device) in cases {
        for password in [PASSWORD, WRONG_PASSWORD] {
            let mut target =
                ReferenceServer::new(server(scheme, own_only, every_message), Vec::new());
            let report = run(&mut target, &profile(device, password), None);
            assert!(!report.runs.is_empty());
            let nonces = nonces_given(&report);
            if scheme == refdm::AuthScheme::Md5 {
                assert!(nonces.len() > 2, "the server rotated its nonces");
            }
            let secrets: Vec<String> = forbidden(PASSWORD, &nonces)
                .into_iter()
                .chain(forbidden(WRONG_PASSWORD, &nonces))
                .collect();
            assert_clean(&report, &secrets);
        }
    }
}

/// A peer on loopback that answers every request with `status` and an HTML page that
/// quotes `credential` first when the request carries it (a sign-in page refusing it),
/// until two minutes are over or `requests` were answered.
fn echoing_peer(
    status: &'static str,
    credential: String,
    requests: usize,
) -> (String, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}/omadm", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let end = Instant::now() + Duration::from_secs(120);
        let mut answered = 0;
        while Instant::now() < end && answered < requests {
            let Ok((stream, _)) = listener.accept() else {
                std::thread::sleep(Duration::from_millis(10));
                continue;
            };
            stream.set_nonblocking(false).unwrap();
            let mut reader = BufReader::new(stream);
            let mut length = 0usize;
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
                if line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                line.clear();
            }
            let mut body = vec![0; length.min(1 << 20)];
            let _ = reader.read_exact(&mut body);
            let quoted = memchr::memmem::find(&body, credential.as_bytes())
                .map_or("nothing", |_| credential.as_str());
            let page = format!("<html><p>Refused: {quoted}</p></html>").into_bytes();
            let mut stream = reader.into_inner();
            let _ = stream.write_all(
                format!(
                    "HTTP/1.1 {status}\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    page.len()
                )
                .as_bytes(),
            );
            let _ = stream.write_all(&page);
            answered += 1;
        }
    });
    (url, handle)
}

#[test]
fn a_server_echoing_the_request_in_an_error_page_does_not_bring_the_credentials_into_a_report() {
    let p = profile(AuthScheme::Basic, PASSWORD);
    let credential = basic_credential(USER, PASSWORD);
    let secrets = vec![credential.clone(), PASSWORD.to_string()];
    for status in ["200 OK", "500 Internal Server Error"] {
        let (url, peer) = echoing_peer(status, credential.clone(), 2);
        let mut target = HttpServer::new(&url, &HttpOptions::default()).unwrap();
        let report = run(&mut target, &p, Some("package1.client-initiated"));
        peer.join().unwrap();
        assert_eq!(report.runs.len(), 2);
        for r in &report.runs {
            assert!(
                r.findings.iter().any(|f| f.actual.contains("[redacted]")),
                "the echo is quoted, blotted: {:#?}",
                r.findings
            );
        }
        assert_clean(&report, &secrets);
    }
}

#[test]
fn the_client_certificates_key_never_reaches_a_report() {
    use dmconform::client::http::{Event, Server, ServerConfig as ListenConfig};
    use dmconform::client::http::{Response, TlsOptions, TlsSetup};
    let dir = std::env::temp_dir().join(format!("dmconform-secrets-server-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = rcgen::Issuer::new(ca_params, ca_key);
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(Vec::<String>::new())
        .unwrap()
        .signed_by(&key, &issuer)
        .unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let ca_path = write("ca.pem", &ca_cert.pem());
    let cert_path = write("client.pem", &cert.pem());
    let key_pem = key.serialize_pem();
    let key_path = write("client.key", &key_pem);
    let server_cert = dir.join("server.pem");
    let listener = Server::start(ListenConfig {
        tls: Some(TlsOptions {
            setup: TlsSetup::SelfSigned {
                write_cert_to: Some(server_cert.clone()),
            },
            client_ca: Some(ca_path),
        }),
        ..ListenConfig::new("127.0.0.1:0")
    })
    .unwrap();
    let url = listener.url("/omadm");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let thread = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let config = ServerConfig {
                account: None,
                ..ServerConfig::default()
            };
            let mut server = refdm::server::Server::new(config, Default::default());
            let deadline = Instant::now() + Duration::from_secs(300);
            while !stop.load(std::sync::atomic::Ordering::SeqCst) && Instant::now() < deadline {
                let Some(Event::Request(incoming)) = listener.next_event(Duration::from_millis(20))
                else {
                    continue;
                };
                let response =
                    match refdm::server::wire::answer(&mut server, &incoming.request.body) {
                        Ok((body, content_type)) => Response {
                            status: 200,
                            content_type: content_type.into(),
                            headers: Vec::new(),
                            body,
                        },
                        Err((code, reason)) => Response::text(code, &reason),
                    };
                incoming.answer(response);
            }
        })
    };
    let mut p = TargetProfile::reference_server();
    p.credentials = None;
    p.capabilities = vec![dmconform::spec::Capability::MultiMessage];
    // The key's Base64 lines, and the whole PEM.
    let mut secrets: Vec<String> = key_pem
        .lines()
        .filter(|l| !l.starts_with("-----") && l.len() >= 16)
        .map(String::from)
        .collect();
    secrets.push(key_pem.clone());
    for client_cert in [Some((cert_path.clone(), key_path.clone())), None] {
        let http = HttpOptions {
            ca_cert: Some(server_cert.clone()),
            client_cert,
            ..HttpOptions::default()
        };
        let mut target = HttpServer::new(&url, &http).unwrap();
        let report = run(&mut target, &p, Some("session.*"));
        assert!(!report.runs.is_empty());
        assert_clean(&report, &secrets);
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    thread.join().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
