//! In-process exchanges per second with the reference client: a typical
//! ten-command server package (Adds, Replaces, Gets, a Delete and an Atomic),
//! encoded, delivered through the adapter, answered and decoded.
//! `cargo bench -p dmconform --bench exchange`

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dmconform::TargetProfile;
use dmconform::client::reference::{Reference, client_config};
use dmconform::codec;
use dmconform::{Encoding, Target, Wire};

mod common;

fn exchanges(c: &mut Criterion) {
    let profile = TargetProfile::reference();
    let mut group = c.benchmark_group("exchange");
    group.throughput(Throughput::Elements(1));
    for encoding in Encoding::BOTH {
        group.bench_function(format!("ten-commands-{encoding}"), |b| {
            let client =
                std::cell::RefCell::new(Reference::new(client_config(&profile), Vec::new()));
            b.iter_batched(
                || {
                    let pkg1 = client
                        .borrow_mut()
                        .open_session(encoding)
                        .expect("package 1");
                    let first = codec::decode(&pkg1.body, &codec::reply_limits()).expect("decodes");
                    let sid = first
                        .message
                        .hdr
                        .and_then(|h| h.session_id)
                        .unwrap_or_default();
                    let body = codec::encode(&common::ten_commands(&sid, 1).to_element(), encoding)
                        .expect("encodes");
                    Wire::new(encoding, body)
                },
                |wire| {
                    let reply = client
                        .borrow_mut()
                        .deliver(wire)
                        .expect("delivered")
                        .expect("a reply");
                    codec::decode(&reply.body, &codec::reply_limits()).expect("the reply decodes")
                },
                criterion::BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, exchanges);
criterion_main!(benches);
