//! HTTP exchanges per second on loopback with the harness as server: a client
//! thread plays the reference client over a keep-alive connection, and each
//! timed session is package 1 answered with the ten-command package of
//! `benches/common`, then the client's reply answered with a Status-only
//! end: two HTTP exchanges, each encoded, posted, decoded, answered.
//! `cargo bench -p dmconform --bench http_exchange`

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dmconform::client::listen::{Listen, ListenOptions};
use dmconform::codec;
use dmconform::{Encoding, Target, Wire};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};
use syncml::{Command, Message};

mod common;

/// Status for the client's SyncHdr and Final: the session ends.
fn end(session_id: &str) -> Message {
    common::server_message(
        session_id,
        2,
        vec![Command::status("1", "2", "0", "SyncHdr", 200)],
    )
}

/// The reference client on one keep-alive connection, until the server goes away.
fn client(addr: String, encoding: Encoding) {
    let Ok(stream) = TcpStream::connect(addr) else {
        return;
    };
    let _ = stream.set_nodelay(true);
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut writer = stream;
    let profile = dmconform::TargetProfile::reference();
    let mut dm = refdm::Client::new(
        dmconform::client::reference::client_config(&profile),
        refdm::Faults::none(),
    );
    loop {
        let mut message = dm.open_session();
        loop {
            let body = codec::encode(&message.to_element(), encoding).expect("encodes");
            let head = format!(
                "POST /omadm HTTP/1.1\r\nHost: bench\r\nContent-Type: {}\r\nContent-Length: {}\r\n\r\n",
                encoding.content_type(),
                body.len()
            );
            let mut request = head.into_bytes();
            request.extend_from_slice(&body);
            if writer.write_all(&request).is_err() {
                return;
            }
            let Some(answer) = read_response(&mut reader) else {
                return;
            };
            let Ok(decoded) = codec::decode(&answer, &codec::reply_limits()) else {
                return;
            };
            match dm.handle(&decoded.message) {
                Some(reply) => message = reply,
                None => break,
            }
        }
    }
}

fn read_response(reader: &mut BufReader<TcpStream>) -> Option<Vec<u8>> {
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        if line == "\r\n" {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().ok()?;
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(body)
}

fn session_id(wire: &Wire) -> String {
    codec::decode(&wire.body, &codec::reply_limits())
        .ok()
        .and_then(|d| d.message.hdr.and_then(|h| h.session_id))
        .unwrap_or_default()
}

fn http_exchanges(c: &mut Criterion) {
    let mut group = c.benchmark_group("http_exchange");
    group.throughput(Throughput::Elements(2));
    for encoding in Encoding::BOTH {
        let mut opts =
            ListenOptions::parse("listen:127.0.0.1:0?end-grace-ms=1000").expect("options");
        opts.set_exchange_timeout(Duration::from_secs(10));
        let mut listen = Listen::start(opts).expect("listens");
        let addr = listen
            .url()
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        let player = std::thread::spawn(move || client(addr, encoding));
        group.bench_function(format!("session-ten-commands-{encoding}"), |b| {
            b.iter_custom(|iterations| {
                let start = Instant::now();
                for _ in 0..iterations {
                    let pkg1 = listen.open_session(encoding).expect("package 1");
                    let sid = session_id(&pkg1);
                    let body = codec::encode(&common::ten_commands(&sid, 1).to_element(), encoding)
                        .expect("encodes");
                    let reply = listen
                        .deliver(Wire::new(encoding, body))
                        .expect("delivered");
                    assert!(reply.is_some(), "the client answers the package");
                    let body = codec::encode(&end(&sid).to_element(), encoding).expect("encodes");
                    let after = listen
                        .deliver(Wire::new(encoding, body))
                        .expect("delivered");
                    assert!(after.is_none(), "the client ends the session");
                }
                start.elapsed()
            })
        });
        drop(listen);
        let _ = player.join();
    }
    group.finish();
}

criterion_group!(benches, http_exchanges);
criterion_main!(benches);
