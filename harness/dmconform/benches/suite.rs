//! The whole suite against the in-process reference client: case runs per
//! second and the wall time of one full run (both encodings).
//! `cargo bench -p dmconform --bench suite`

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dmconform::client::reference::{Reference, client_config};
use dmconform::{RunOptions, Suite, TargetProfile, run_suite};

fn whole_suite(c: &mut Criterion) {
    let (suite, _) = Suite::embedded();
    let profile = TargetProfile::reference();
    let opts = RunOptions::default();
    let runs = opts.select(&suite).len() as u64;
    let mut group = c.benchmark_group("suite");
    group.sample_size(10);
    group.throughput(Throughput::Elements(runs));
    group.bench_function("reference-both-encodings", |b| {
        b.iter(|| {
            let mut target = Reference::new(client_config(&profile), Vec::new());
            let report = run_suite(&suite, &mut target, &profile, &opts);
            assert!(report.success());
            report.runs.len()
        })
    });
    group.finish();
}

criterion_group!(benches, whole_suite);
criterion_main!(benches);
