//! Loading compiled snapshots (`corridor build`) against loading the same network from
//! its CSV folder, in the same run, on the synthetic networks of `scale.rs` (seed 1;
//! `CORRIDOR_BENCH_SIZES` to choose, default 10^4, 10^5 and 10^6 places; each as
//! generated and shuffled, `CORRIDOR_BENCH_ORDER` to choose one): the network
//! alone, the network and its graph compiled by time (against compiling it after
//! loading), the network with a contraction hierarchy by time, and rebuilding that
//! hierarchy from its stored parts (graph compiled, parts checked against it), and
//! point-to-point queries with the stored hierarchy.
//!
//! The snapshots are written once to the system temp directory beside the CSV folders
//! (the hierarchy of 10^6 places takes tens of seconds to build the first time).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::path::PathBuf;

use corridor::io::{self, snapshot};
use corridor::route::Query;
use corridor::route::ch::Hierarchy;
use corridor::{Engine, Graph, Objective, Profile};
use corridor_benches::{
    Order, bench_point_to_point, orders, pairs, places_by_grid_index, sizes, synthetic_dir_in,
};
use criterion::{Criterion, criterion_group, criterion_main};

/// What a benchmark snapshot holds besides the network.
#[derive(Clone, Copy, PartialEq)]
enum Stored {
    Nothing,
    /// The graph compiled by time.
    Graph,
    /// The graph and the contraction hierarchy by time.
    Hierarchy,
}

/// The snapshot of the synthetic network of `places` places in `order` with `stored`,
/// written once (named by the format version, so a newer format writes it again), as
/// `corridor build` writes it.
fn snapshot_file(places: usize, order: Order, stored: Stored) -> PathBuf {
    let dir = synthetic_dir_in(places, order);
    let kind = match stored {
        Stored::Nothing => "plain",
        Stored::Graph => "graph",
        Stored::Hierarchy => "ch",
    };
    let path = dir.with_extension(format!("{kind}.v{}.corridor", snapshot::FORMAT_VERSION));
    if !path.exists() {
        let engine = Engine::load(&dir).unwrap();
        let time = [Objective::Time];
        let bytes = match stored {
            Stored::Nothing => engine.snapshot(&[], &[], &()),
            Stored::Graph => engine.snapshot(&time, &[], &()),
            Stored::Hierarchy => engine.snapshot(&[], &time, &()),
        };
        let part = path.with_extension("part");
        std::fs::write(&part, bytes).unwrap();
        std::fs::rename(&part, &path).unwrap();
    }
    path
}

fn bench(c: &mut Criterion) {
    for (n, order) in sizes()
        .into_iter()
        .flat_map(|n| orders().into_iter().map(move |order| (n, order)))
    {
        let dir = synthetic_dir_in(n, order);
        let plain = snapshot_file(n, order, Stored::Nothing);
        let with_graph = snapshot_file(n, order, Stored::Graph);
        let with_ch = snapshot_file(n, order, Stored::Hierarchy);
        let suffix = match order {
            Order::Ordered => "",
            Order::Shuffled => "-shuffled",
        };
        let mut group = c.benchmark_group(format!("snapshot-{n}{suffix}"));
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
        let profile = Profile::new(Objective::Time);
        for (name, path) in [
            (
                "baseline: load snapshot + compile graph (time) -> Engine",
                &plain,
            ),
            (
                "load snapshot with graph (time) -> Engine, graph ready",
                &with_graph,
            ),
        ] {
            group.bench_function(name, |b| {
                b.iter_with_large_drop(|| {
                    let engine = Engine::load(black_box(path)).unwrap();
                    let graph = engine.graph(&profile);
                    (engine, graph)
                })
            });
        }
        let loaded = snapshot::read_file(&with_ch).unwrap();
        let parts = &loaded.hierarchies[0].parts;
        let network = loaded.network;
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
        // Queries as a server answers them from `corridor build --ch`: the pairs of
        // `scale.rs`'s `point-to-point (CH)` (the same places in both orders), routes
        // assembled, with plain Dijkstra on the same graph as the same-run baseline.
        let hierarchy = Hierarchy::from_parts(&graph, parts).unwrap();
        let grid = places_by_grid_index(&network, n);
        let queries: Vec<Query> = pairs(network.places().len(), 64)
            .into_iter()
            .map(|(a, b)| Query::new(grid[a as usize], grid[b as usize]))
            .collect();
        bench_point_to_point(
            &mut group,
            &graph,
            &hierarchy,
            &queries,
            [
                "point-to-point (CH, stored)",
                "point-to-point baseline: plain Dijkstra, ours",
            ],
        );
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
