//! `corridor route` on the built-in network as a whole process (start, load the
//! built-in data, route, print), with `corridor --version` (start and exit) as the
//! same-run baseline. Builds the release binary first if it is missing.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::PathBuf;
use std::process::{Command, Stdio};

use criterion::{Criterion, criterion_group, criterion_main};

fn binary() -> PathBuf {
    corridor_benches::release_binary()
}

fn bench(c: &mut Criterion) {
    let corridor = binary();
    let run = |args: &[&str]| {
        let status = Command::new(&corridor)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
    };
    let mut group = c.benchmark_group("process");
    group.bench_function("corridor route Xian Duisburg", |b| {
        b.iter(|| run(&["route", "Xian", "Duisburg"]))
    });
    group.bench_function("corridor compare Xian Duisburg", |b| {
        b.iter(|| run(&["compare", "Xian", "Duisburg"]))
    });
    group.bench_function("baseline: corridor --version", |b| {
        b.iter(|| run(&["--version"]))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
