//! WBXML decoding and encoding beside XML reading of the same messages.
//!
//! The set: every full message of `corpus/real` that reads as XML, plus
//! generated server packages of 10 and 200 commands. Each message is held in
//! both encodings (WBXML from our encoder, XML from our writer, compact form),
//! so both readers do the same work; throughput is in messages per second.
//!
//! The corpus files are indented for publication, and the XML reader keeps
//! that layout as text nodes; messages on the wire carry none. The `decode`
//! group reads the messages without the white space between elements, as
//! peers send them; `decode_as_published` reads them with it.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use syncml::wbxml::{self, EncodeOptions};
use syncml::{
    Command, CommandKind, Element, Item, Limits, Message, Meta, Node, SyncBody, SyncHdr, xml,
};

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

/// The message without the white-space text between elements.
fn without_layout(e: &Element) -> Element {
    let layout = e.has_element_children();
    let children = e
        .children
        .iter()
        .filter(|n| !(layout && matches!(n, Node::Text(t) if t.trim().is_empty())))
        .map(|n| match n {
            Node::Element(c) => Node::Element(without_layout(c)),
            other => other.clone(),
        })
        .collect();
    Element {
        name: e.name.clone(),
        attrs: e.attrs.clone(),
        children,
    }
}

/// Both encodings of each message.
struct Encoded {
    wbxml: Vec<Vec<u8>>,
    xml: Vec<Vec<u8>>,
}

fn encode_all(trees: &[Element], opts: &EncodeOptions) -> Encoded {
    let wbxml = trees
        .iter()
        .map(|t| wbxml::encode(t, opts).expect("every message encodes with literals"))
        .collect();
    let xml = trees
        .iter()
        .map(|t| xml::write(t, &xml::WriteOptions::default()))
        .collect();
    Encoded { wbxml, xml }
}

fn bench_decoding(c: &mut Criterion, group: &str, docs: &Encoded) {
    let limits = Limits::default();
    let wbxml_bytes: usize = docs.wbxml.iter().map(Vec::len).sum();
    let xml_bytes: usize = docs.xml.iter().map(Vec::len).sum();
    eprintln!(
        "{group}: {} messages, {wbxml_bytes} bytes of WBXML, {xml_bytes} bytes of XML",
        docs.wbxml.len()
    );
    let mut g = c.benchmark_group(group);
    g.throughput(Throughput::Elements(docs.wbxml.len() as u64));
    g.bench_function("wbxml_decode", |b| {
        b.iter(|| {
            for d in &docs.wbxml {
                black_box(wbxml::decode(black_box(d), &limits).is_ok());
            }
        })
    });
    g.bench_function("xml_read", |b| {
        b.iter(|| {
            for d in &docs.xml {
                black_box(xml::read(black_box(d), &limits).is_ok());
            }
        })
    });
    g.finish();
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
    let mut published = corpus_trees();
    published.push(server_package(10));
    published.push(server_package(200));
    let trees: Vec<Element> = published.iter().map(without_layout).collect();
    let opts = EncodeOptions {
        literals: true,
        ..EncodeOptions::default()
    };
    bench_decoding(c, "decode", &encode_all(&trees, &opts));
    bench_decoding(c, "decode_as_published", &encode_all(&published, &opts));

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
