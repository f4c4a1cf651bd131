//! Decoding throughput of `xml::read` over the corpus's full messages, beside
//! a bare quick-xml event scan of the same bytes: the scan builds nothing, so
//! it is the practical ceiling for a reader built on quick-xml.
//!
//! `xml_read` includes freeing each tree; `xml_read_kept` frees the trees
//! outside the measurement, as a caller that keeps what it decoded would.
//!
//! The figure that matters is the throughput of `xml_read` over that of
//! `quick_xml_scan` (the target is at least 0.5). Criterion's two figures come
//! from separate stretches of time, so on a loaded machine their quotient
//! drifts; after the group the benchmark therefore also prints the ratio of
//! the best of many short batches of each, run in alternation.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use quick_xml::Reader;
use quick_xml::events::Event;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
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

/// Scans every message once.
fn scan_all(messages: &[Vec<u8>]) {
    for m in messages {
        black_box(bare_scan(black_box(m)));
    }
}

/// Reads every message once, freeing each tree.
fn read_all(messages: &[Vec<u8>], limits: &Limits) {
    for m in messages {
        let doc = syncml::xml::read(black_box(m), limits);
        black_box(doc.is_ok());
    }
}

fn bench(c: &mut Criterion) {
    let messages = corpus_messages();
    let total: usize = messages.iter().map(Vec::len).sum();
    let limits = Limits::default();
    let mut group = c.benchmark_group("xml_decode");
    group.throughput(Throughput::Bytes(total as u64));
    group.bench_function("quick_xml_scan", |b| b.iter(|| scan_all(&messages)));
    group.bench_function("xml_read", |b| b.iter(|| read_all(&messages, &limits)));
    group.bench_function("xml_read_kept", |b| {
        b.iter_with_large_drop(|| {
            messages
                .iter()
                .map(|m| syncml::xml::read(black_box(m), &limits))
                .collect::<Vec<_>>()
        })
    });
    group.finish();
    if std::env::args().any(|a| a == "--bench") {
        print_ratio(&messages, total, &limits);
    }
}

/// Prints both throughputs and their ratio, each the best of `ROUNDS`
/// batches, the two kinds of batch taking turns so that both see the same load.
fn print_ratio(messages: &[Vec<u8>], total: usize, limits: &Limits) {
    const ROUNDS: u32 = 60;
    const PASSES: u32 = 10;
    let mut best_scan = Duration::MAX;
    let mut best_read = Duration::MAX;
    for _ in 0..ROUNDS {
        best_scan = best_scan.min(time_passes(PASSES, || scan_all(messages)));
        best_read = best_read.min(time_passes(PASSES, || read_all(messages, limits)));
    }
    let mib_per_s = |per_pass: Duration| total as f64 / per_pass.as_secs_f64() / (1024.0 * 1024.0);
    let scan = mib_per_s(best_scan);
    let read = mib_per_s(best_read);
    println!(
        "xml_decode ratio (best of {ROUNDS} alternating batches): quick_xml_scan {scan:.1} MiB/s, \
         xml_read {read:.1} MiB/s, xml_read / quick_xml_scan = {:.3}",
        read / scan
    );
}

/// The time of one pass, averaged over `passes` passes.
fn time_passes(passes: u32, mut pass: impl FnMut()) -> Duration {
    let start = Instant::now();
    for _ in 0..passes {
        pass();
    }
    start.elapsed() / passes
}

criterion_group!(benches, bench);
criterion_main!(benches);
