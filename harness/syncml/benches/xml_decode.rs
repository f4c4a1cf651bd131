//! Decoding throughput of `xml::read` over the corpus's full messages, beside
//! a bare quick-xml event scan of the same bytes: the scan builds nothing, so
//! it is the practical ceiling for a reader built on quick-xml.
//!
//! `xml_read` includes freeing each tree; `xml_read_kept` frees the trees
//! outside the measurement, as a caller that keeps what it decoded would.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use quick_xml::Reader;
use quick_xml::events::Event;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use syncml::Limits;

/// Every full message of `corpus/real` that reads without error.
fn corpus_messages() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/real");
    let mut files = Vec::new();
    collect_messages(&root, &mut files);
    files.sort();
    let limits = Limits::default();
    files
        .into_iter()
        .map(|p| std::fs::read(p).expect("corpus file readable"))
        .filter(|bytes| syncml::xml::read(bytes, &limits).is_ok())
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

/// Reads every event and touches its bytes, building nothing.
fn bare_scan(input: &[u8]) -> usize {
    let mut reader = Reader::from_reader(input);
    let mut events = 0;
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => return events,
            Ok(e) => {
                black_box(&e);
                events += 1;
            }
            Err(_) => return events,
        }
    }
}

fn bench(c: &mut Criterion) {
    let messages = corpus_messages();
    let total: usize = messages.iter().map(Vec::len).sum();
    let limits = Limits::default();
    let mut group = c.benchmark_group("xml_decode");
    group.throughput(Throughput::Bytes(total as u64));
    group.bench_function("quick_xml_scan", |b| {
        b.iter(|| {
            for m in &messages {
                black_box(bare_scan(black_box(m)));
            }
        })
    });
    group.bench_function("xml_read", |b| {
        b.iter(|| {
            for m in &messages {
                let doc = syncml::xml::read(black_box(m), &limits);
                black_box(doc.is_ok());
            }
        })
    });
    group.bench_function("xml_read_kept", |b| {
        b.iter_with_large_drop(|| {
            messages
                .iter()
                .map(|m| syncml::xml::read(black_box(m), &limits))
                .collect::<Vec<_>>()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
