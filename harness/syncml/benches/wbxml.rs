//! WBXML decoding and encoding beside XML reading of the same messages.
//!
//! The set: every full message of `corpus/real` that reads as XML, plus
//! generated server packages of 10 and 200 commands. Each message is held in
//! both encodings (WBXML from our encoder, XML from our writer, compact form),
//! so both readers do the same work; throughput is in messages per second.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use syncml::wbxml::{self, EncodeOptions};
use syncml::{Command, CommandKind, Element, Item, Limits, Message, Meta, SyncBody, SyncHdr, xml};

fn corpus_trees() -> Vec<Element> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/real");
    let mut files = Vec::new();
    collect_messages(&root, &mut files);
    files.sort();
    let limits = Limits::default();
    files
        .into_iter()
        .map(|p| std::fs::read(p).expect("corpus file readable"))
        .filter_map(|bytes| xml::read(&bytes, &limits).ok().map(|d| d.root))
        .collect()
}

fn collect_messages(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("corpus folder readable") {
        let path = entry.expect("corpus entry").path();
        if path.is_dir() {
            collect_messages(&path, out);
        } else if path.parent().is_some_and(|p| p.ends_with("messages")) {
            out.push(path);
        }
    }
}

/// A server package: a Status for the header, then `commands` Replace and Get commands.
fn server_package(commands: usize) -> Element {
    let mut nodes = vec![Command::status("1", "1", "0", "SyncHdr", 200)];
    for i in 0..commands {
        let id = (i + 2).to_string();
        let uri = format!(
            "./Device/Vendor/MSFT/Policy/Config/Area{}/Setting{i}",
            i % 7
        );
        let command = if i % 3 == 0 {
            Command::new(CommandKind::Get, id).with_item(Item::target(uri))
        } else {
            Command::new(CommandKind::Replace, id).with_item(
                Item::target(uri)
                    .with_meta(Meta::format("int").with_type("text/plain"))
                    .with_data(i.to_string()),
            )
        };
        nodes.push(command);
    }
    Message::new(
        SyncHdr::new("4F2", 2, "urn:uuid:device", "https://mdm.example/omadm"),
        SyncBody::with_commands(nodes),
    )
    .to_element()
}

fn bench(c: &mut Criterion) {
    let mut trees = corpus_trees();
    trees.push(server_package(10));
    trees.push(server_package(200));
    let opts = EncodeOptions {
        literals: true,
        ..EncodeOptions::default()
    };
    let wbxml_docs: Vec<Vec<u8>> = trees
        .iter()
        .map(|t| wbxml::encode(t, &opts).expect("every message encodes with literals"))
        .collect();
    let xml_docs: Vec<Vec<u8>> = trees
        .iter()
        .map(|t| xml::write(t, &xml::WriteOptions::default()))
        .collect();
    let limits = Limits::default();
    let wbxml_bytes: usize = wbxml_docs.iter().map(Vec::len).sum();
    let xml_bytes: usize = xml_docs.iter().map(Vec::len).sum();
    eprintln!(
        "{} messages: {wbxml_bytes} bytes of WBXML, {xml_bytes} bytes of XML",
        trees.len()
    );

    let mut group = c.benchmark_group("decode");
    group.throughput(Throughput::Elements(trees.len() as u64));
    group.bench_function("wbxml_decode", |b| {
        b.iter(|| {
            for d in &wbxml_docs {
                black_box(wbxml::decode(black_box(d), &limits).is_ok());
            }
        })
    });
    group.bench_function("xml_read", |b| {
        b.iter(|| {
            for d in &xml_docs {
                black_box(xml::read(black_box(d), &limits).is_ok());
            }
        })
    });
    group.finish();

    let mut group = c.benchmark_group("encode");
    group.throughput(Throughput::Elements(trees.len() as u64));
    group.bench_function("wbxml_encode", |b| {
        b.iter(|| {
            for t in &trees {
                black_box(wbxml::encode(black_box(t), &opts).map(|v| v.len()).ok());
            }
        })
    });
    group.bench_function("xml_write", |b| {
        b.iter(|| {
            for t in &trees {
                black_box(xml::write(black_box(t), &xml::WriteOptions::default()).len());
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
