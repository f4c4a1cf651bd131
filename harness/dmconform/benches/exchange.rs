//! In-process exchanges per second with the reference client: a typical
//! ten-command server package (Adds, Replaces, Gets, a Delete and an Atomic),
//! encoded, delivered through the adapter, answered and decoded.
//! `cargo bench -p dmconform --bench exchange`

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dmconform::TargetProfile;
use dmconform::builtin::{Reference, client_config};
use dmconform::codec;
use dmconform::target::{Encoding, Target, Wire};
use syncml::{Command, CommandKind, Item, Message, Meta, SyncBody, SyncHdr};

/// Ten commands that leave the tree as they found it.
fn package(msg_id: u32, session_id: &str) -> Message {
    let base = "./Vendor/MSFT/Scratch/bench";
    let add = |id: &str, uri: String, data: &str| {
        Command::new(CommandKind::Add, id).with_item(
            Item::target(uri)
                .with_meta(Meta::format("chr"))
                .with_data(data),
        )
    };
    let get = |id: &str, uri: &str| Command::new(CommandKind::Get, id).with_item(Item::target(uri));
    let commands = vec![
        Command::new(CommandKind::Add, "2")
            .with_item(Item::target(base).with_meta(Meta::format("node"))),
        add("3", format!("{base}/a"), "1"),
        add("4", format!("{base}/b"), "2"),
        Command::new(CommandKind::Replace, "5")
            .with_item(Item::target(format!("{base}/a")).with_data("3")),
        Command::new(CommandKind::Replace, "6")
            .with_item(Item::target(format!("{base}/b")).with_data("4")),
        get("7", "./DevDetail/SwV"),
        get("8", "./Vendor/MSFT/Scratch/bench"),
        Command::new(CommandKind::Atomic, "9").with_child(add("10", format!("{base}/c"), "5")),
        get("11", "./Vendor/MSFT/Scratch/bench/c"),
        Command::new(CommandKind::Delete, "12").with_item(Item::target(base)),
    ];
    let mut m = Message::new(
        SyncHdr::new(
            session_id,
            msg_id,
            "REFDM0000000000000000000000000001",
            "https://bench.invalid",
        ),
        SyncBody::with_commands(commands),
    );
    // Answer the client's package 1 header, as a server does.
    if let Some(body) = m.body.as_mut() {
        body.nodes.insert(
            0,
            syncml::BodyNode::Command(Command::status("1", "1", "0", "SyncHdr", 200)),
        );
    }
    m
}

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
                    let body =
                        codec::encode(&package(1, &sid).to_element(), encoding).expect("encodes");
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
