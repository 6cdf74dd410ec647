//! Loading compiled snapshots (`corridor build`) against loading the same network from
//! its CSV folder, in the same run, on the synthetic networks of `scale.rs` (seed 1;
//! `CORRIDOR_BENCH_SIZES` to choose, default 10^4, 10^5 and 10^6 places): the network
//! alone, the network with a contraction hierarchy by time, and rebuilding that
//! hierarchy from its stored parts (graph compiled, parts checked against it).
//!
//! The snapshots are written once to the system temp directory beside the CSV folders
//! (the hierarchy of 10^6 places takes tens of seconds to build the first time).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::path::PathBuf;

use corridor::io::{self, snapshot};
use corridor::route::ch::Hierarchy;
use corridor::{Graph, Objective, Profile};
use corridor_benches::{sizes, synthetic_dir};
use criterion::{Criterion, criterion_group, criterion_main};

/// The snapshot of the synthetic network of `places` places, with a hierarchy by time
/// when `ch`, written once.
fn snapshot_file(places: usize, ch: bool) -> PathBuf {
    let dir = synthetic_dir(places);
    let path = dir.with_extension(if ch { "ch.corridor" } else { "corridor" });
    if !path.exists() {
        let network = io::load_dir(&dir).unwrap().network;
        let stored: Vec<snapshot::StoredHierarchy> = if ch {
            let graph = Graph::new(&network, &Profile::new(Objective::Time));
            vec![snapshot::StoredHierarchy {
                objective: Objective::Time,
                parts: Hierarchy::new(&graph).to_parts(),
            }]
        } else {
            Vec::new()
        };
        let part = path.with_extension("part");
        std::fs::write(&part, snapshot::to_bytes(&network, &stored)).unwrap();
        std::fs::rename(&part, &path).unwrap();
    }
    path
}

fn bench(c: &mut Criterion) {
    for n in sizes() {
        let dir = synthetic_dir(n);
        let plain = snapshot_file(n, false);
        let with_ch = snapshot_file(n, true);
        let mut group = c.benchmark_group(format!("snapshot-{n}"));
        group.sample_size(10);
        group.bench_function("baseline: load CSV folder -> Network", |b| {
            b.iter_with_large_drop(|| io::load_dir(black_box(&dir)).unwrap())
        });
        group.bench_function("load snapshot -> Network", |b| {
            b.iter_with_large_drop(|| snapshot::read_file(black_box(&plain)).unwrap())
        });
        group.bench_function("load snapshot with CH (time) -> Network + parts", |b| {
            b.iter_with_large_drop(|| snapshot::read_file(black_box(&with_ch)).unwrap())
        });
        let loaded = snapshot::read_file(&with_ch).unwrap();
        let parts = &loaded.hierarchies[0].parts;
        let network = loaded.network;
        let profile = Profile::new(Objective::Time);
        group.bench_function("compile graph + CH from stored parts", |b| {
            b.iter_with_large_drop(|| {
                let graph = Graph::new(black_box(&network), &profile);
                Hierarchy::from_parts(&graph, black_box(parts)).unwrap()
            })
        });
        let graph = Graph::new(&network, &profile);
        group.bench_function("CH from stored parts (graph compiled)", |b| {
            b.iter_with_large_drop(|| Hierarchy::from_parts(black_box(&graph), parts).unwrap())
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
