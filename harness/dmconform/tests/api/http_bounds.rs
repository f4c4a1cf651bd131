//! The bounds of the harness's HTTP(S) server under load, on loopback, each
//! test bounded in count and time: clients trickling a byte at a time (in
//! clear, inside a TLS handshake, and inside TLS records) are cut at the
//! request deadline and free their connection slots, and a flood of
//! connections past the limit is refused with a bounded event queue and
//! bounded memory. Each prints its figures (run with `--nocapture`).

use dmconform::client::http::{
    EVENT_QUEUE, Event, Response, Server, ServerConfig, TlsOptions, TlsSetup,
};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The resident memory of this process, in KiB (0 where /proc is missing).
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// A server with short request deadlines: 2 s to a request's first byte, 3 s for the whole.
fn config(tls: bool) -> ServerConfig {
    let mut c = ServerConfig::new("127.0.0.1:0");
    c.limits.first_byte = Duration::from_secs(2);
    c.limits.whole_request = Duration::from_secs(3);
    c.answer_timeout = Duration::from_secs(5);
    if tls {
        c.tls = Some(TlsOptions {
            setup: TlsSetup::SelfSigned {
                write_cert_to: None,
            },
            client_ca: None,
        });
    }
    c
}

fn addr(server: &Server) -> String {
    server.local_addr().to_string()
}

/// Waits (at most `limit`) until `done` holds, draining the server's events.
fn until(server: &Server, limit: Duration, mut done: impl FnMut(&Server) -> bool) -> bool {
    let end = Instant::now() + limit;
    while Instant::now() < end {
        if done(server) {
            return true;
        }
        let _ = server.next_event(Duration::from_millis(100));
    }
    done(server)
}

/// Sends `prefix`, then one byte every half second until the server cuts the
/// connection or `limit` passes; whether it was cut.
fn trickle(mut s: impl Write, prefix: &[u8], limit: Duration) -> bool {
    let end = Instant::now() + limit;
    if s.write_all(prefix).and_then(|_| s.flush()).is_err() {
        return true;
    }
    while Instant::now() < end {
        std::thread::sleep(Duration::from_millis(500));
        if s.write_all(b"a").and_then(|_| s.flush()).is_err() {
            return true;
        }
    }
    false
}

/// A plain request and its answer: the status.
fn one_request(addr: &str, server: &Server) -> u16 {
    let addr = addr.to_string();
    let client = std::thread::spawn(move || {
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        s.write_all(
            b"POST /dm HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi",
        )
        .unwrap();
        let mut text = String::new();
        let _ = s.read_to_string(&mut text);
        text.get(9..12).and_then(|c| c.parse().ok()).unwrap_or(0)
    });
    let end = Instant::now() + Duration::from_secs(20);
    while Instant::now() < end {
        if let Some(Event::Request(r)) = server.next_event(Duration::from_millis(200)) {
            r.answer(Response::text(200, "ok"));
            break;
        }
    }
    client.join().unwrap()
}

#[test]
fn trickling_clients_are_cut_at_the_deadline_and_free_their_slots() {
    let server = Server::start(config(false)).unwrap();
    let addr = addr(&server);
    let before = rss_kib();
    let start = Instant::now();
    // Twenty clients, four more than the connections allowed, each trickling a
    // request head for up to 20 s.
    let clients: Vec<_> = (0..20)
        .map(|_| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                let s = TcpStream::connect(addr).unwrap();
                trickle(s, b"POST / HTTP/1.1\r\nX-Slow: ", Duration::from_secs(20))
            })
        })
        .collect();
    let full = until(&server, Duration::from_secs(10), |s| {
        s.open_connections() == 16
    });
    let peak = rss_kib();
    assert!(full, "16 connections held");
    let freed = until(&server, Duration::from_secs(20), |s| {
        s.open_connections() == 0
    });
    let cut_after = start.elapsed();
    assert!(freed, "every slot is freed");
    assert!(
        cut_after < Duration::from_secs(15),
        "the 3 s deadline holds against trickling: {cut_after:?}"
    );
    assert_eq!(one_request(&addr, &server), 200, "the server serves again");
    for c in clients {
        assert!(c.join().unwrap(), "the server cut the connection");
    }
    eprintln!(
        "20 trickling clients (16 held, 4 refused): all cut after {cut_after:?}; \
         memory {before} KiB before, {peak} KiB with 16 held"
    );
}

/// A rustls client that trusts any certificate (the test's self-signed one).
#[derive(Debug)]
struct AnyCert(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for AnyCert {
    fn verify_server_cert(
        &self,
        _: &rustls_pki_types::CertificateDer<'_>,
        _: &[rustls_pki_types::CertificateDer<'_>],
        _: &rustls_pki_types::ServerName<'_>,
        _: &[u8],
        _: rustls_pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls_pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls_pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }
    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

fn tls_client(addr: &str) -> rustls::StreamOwned<rustls::ClientConnection, TcpStream> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(AnyCert(provider)))
        .with_no_client_auth();
    let name = rustls_pki_types::ServerName::try_from("localhost").unwrap();
    let conn = rustls::ClientConnection::new(Arc::new(config), name).unwrap();
    let sock = TcpStream::connect(addr).unwrap();
    let mut tls = rustls::StreamOwned::new(conn, sock);
    while tls.conn.is_handshaking() {
        tls.conn.complete_io(&mut tls.sock).unwrap();
    }
    tls
}

#[test]
fn over_tls_trickling_inside_records_or_the_handshake_is_cut_too() {
    let server = Server::start(config(true)).unwrap();
    let addr = addr(&server);
    let start = Instant::now();
    let mut clients = Vec::new();
    // Eight trickle a request inside TLS records, one byte per record.
    for _ in 0..8 {
        let addr = addr.clone();
        clients.push(std::thread::spawn(move || {
            let tls = tls_client(&addr);
            trickle(tls, b"POST / HTTP/1.1\r\nX-Slow: ", Duration::from_secs(20))
        }));
    }
    // Eight trickle the bytes of a handshake that never completes.
    for _ in 0..8 {
        let addr = addr.clone();
        clients.push(std::thread::spawn(move || {
            let s = TcpStream::connect(addr).unwrap();
            trickle(s, &[0x16, 0x03, 0x01, 0x40, 0x00], Duration::from_secs(20))
        }));
    }
    let full = until(&server, Duration::from_secs(10), |s| {
        s.open_connections() == 16
    });
    assert!(full, "16 connections held");
    let freed = until(&server, Duration::from_secs(20), |s| {
        s.open_connections() == 0
    });
    let cut_after = start.elapsed();
    assert!(freed, "every slot is freed");
    assert!(cut_after < Duration::from_secs(15), "{cut_after:?}");
    for c in clients {
        assert!(c.join().unwrap(), "the server cut the connection");
    }
    eprintln!(
        "16 trickling TLS clients (8 in records, 8 in the handshake): all cut after {cut_after:?}"
    );
}

#[test]
fn a_flood_of_connections_past_the_limit_is_refused_with_bounded_queue_and_memory() {
    let mut c = config(false);
    c.max_connections = 2;
    c.limits.first_byte = Duration::from_secs(60);
    let server = Server::start(c).unwrap();
    let addr = addr(&server);
    // Two silent connections hold both slots.
    let _held: Vec<_> = (0..2).map(|_| TcpStream::connect(&addr).unwrap()).collect();
    assert!(until(&server, Duration::from_secs(10), |s| s
        .open_connections()
        == 2));
    let before = rss_kib();
    let start = Instant::now();
    let flood = 3000;
    let mut connected = 0u64;
    for _ in 0..flood {
        if start.elapsed() > Duration::from_secs(60) {
            break;
        }
        if TcpStream::connect(&addr).is_ok() {
            connected += 1;
        }
    }
    let flood_took = start.elapsed();
    // Nothing was read during the flood: at most the queue's bound waits, the rest is counted.
    let (mut queued, mut counted) = (0u64, 0u64);
    let end = Instant::now() + Duration::from_secs(30);
    while queued + counted < connected && Instant::now() < end {
        match server.next_event(Duration::from_millis(200)) {
            Some(Event::Refused { status, .. }) => {
                assert_eq!(status, Some(503));
                queued += 1;
            }
            Some(Event::Unreported { refusals }) => counted += refusals,
            Some(Event::Request(_)) => panic!("no request was sent"),
            None => {}
        }
    }
    let after = rss_kib();
    assert_eq!(
        queued + counted,
        connected,
        "every refusal is queued or counted"
    );
    assert!(
        connected <= (EVENT_QUEUE + 2) as u64 || counted > 0,
        "past its bound the queue counts: {queued} queued"
    );
    assert!(server.open_connections() <= 2);
    assert!(
        after.saturating_sub(before) < 64 * 1024,
        "memory grew from {before} to {after} KiB"
    );
    eprintln!(
        "a flood of {connected} connections past the limit in {flood_took:?}: {queued} refusals \
         queued one by one, {counted} counted; memory {before} KiB before, {after} KiB after"
    );
}
