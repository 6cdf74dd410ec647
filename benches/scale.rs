//! Scale benchmarks on seeded synthetic road-like networks (`corridor generate`, seed 1)
//! of 10^4, 10^5 and 10^6 places (`CORRIDOR_BENCH_SIZES` to choose), each written in two
//! orders and measured side by side (groups `synthetic-N` and `synthetic-N-shuffled`,
//! the latter as `corridor generate --shuffle` writes it, ids and lines in random order;
//! `CORRIDOR_BENCH_ORDER=ordered|shuffled` for one): load, compile,
//! one-to-all, point-to-point (contraction hierarchies and plain Dijkstra), matrix on 1
//! and 2 threads, pareto and single-pair flow (the min-cost flow solve at every size, the
//! whole allocation with shadow prices up to 10^4). Every shortest-path benchmark has
//! petgraph's Dijkstra on the same places and legs in the same run as its baseline. Both
//! orders search between the same places (matched by coordinate).
//!
//! CH preprocessing is benchmarked up to 10^5 places; at 10^6 one build takes tens of
//! seconds, so it is timed once (printed to stderr) rather than sampled ten times.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stderr,
    missing_docs
)]

use std::hint::black_box;
use std::time::Instant;

use corridor::capacity::{Instance, allocate, mcf};
use corridor::graph::Criterion as Crit;
use corridor::model::Demand;
use corridor::route::ch::{self, Hierarchy};
use corridor::route::{self, OneToAll, Query};
use corridor::{Graph, Objective, PlaceId, Profile, io};
use corridor_benches::{
    Order, bench_point_to_point, orders, pairs, petgraph_baseline, places_by_grid_index, sizes,
    synthetic_dir_in,
};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use petgraph::algo::dijkstra;
use petgraph::graph::NodeIndex;

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
}

fn bench(c: &mut Criterion) {
    for n in sizes() {
        for order in orders() {
            bench_network(c, n, order);
        }
    }
}

fn bench_network(c: &mut Criterion, n: usize, order: Order) {
    let dir = synthetic_dir_in(n, order);
    let name = match order {
        Order::Ordered => format!("synthetic-{n}"),
        Order::Shuffled => format!("synthetic-{n}-shuffled"),
    };
    let mut group = c.benchmark_group(&name);
    group.sample_size(10);

    group.bench_function("load (CSV folder -> Network)", |b| {
        b.iter(|| io::load_dir(black_box(&dir)).unwrap())
    });
    let network = io::load_dir(&dir).unwrap().network;
    // The place at index `i` of the generated grid (the same place in both orders).
    let grid = places_by_grid_index(&network, n);
    let at = |i: usize| grid[i];
    let n = network.places().len();
    let profile = Profile::new(Objective::Time);
    group.bench_function("compile (Network + Profile -> Graph)", |b| {
        b.iter(|| Graph::new(black_box(&network), black_box(&profile)))
    });
    let graph = Graph::new(&network, &profile);
    let reference = petgraph_baseline(&network, |leg| leg.time_h);

    // One-to-all from the middle of the grid.
    let middle = n / 2 + (n as f64).sqrt() as usize / 2;
    let source = at(middle);
    let mut search = OneToAll::new(&graph);
    group.bench_function("one-to-all (ours)", |b| {
        b.iter(|| search.run(black_box(source)))
    });
    group.bench_function("one-to-all baseline: petgraph dijkstra", |b| {
        b.iter(|| {
            dijkstra(&reference, NodeIndex::new(source.index()), None, |e| {
                *e.weight()
            })
        })
    });

    // Point-to-point: random pairs, cycled.
    let started = Instant::now();
    let hierarchy = Hierarchy::new(&graph);
    eprintln!(
        "{name}: CH preprocessing {:.2?} ({} shortcuts over {} arcs)",
        started.elapsed(),
        hierarchy.shortcut_count(),
        graph.arc_count()
    );
    if n <= 100_000 {
        group.bench_function("CH preprocessing", |b| {
            b.iter(|| Hierarchy::new(black_box(&graph)))
        });
    }
    let queries: Vec<Query> = pairs(n, 64)
        .into_iter()
        .map(|(a, b)| Query::new(at(a as usize), at(b as usize)))
        .collect();
    bench_point_to_point(
        &mut group,
        &graph,
        &hierarchy,
        &queries,
        [
            "point-to-point (CH)",
            "point-to-point (plain Dijkstra, ours)",
        ],
    );
    let mut next = 0;
    group.bench_function(
        "point-to-point baseline: petgraph dijkstra to the goal",
        |b| {
            b.iter(|| {
                next = (next + 1) % queries.len();
                let q = &queries[next];
                dijkstra(
                    &reference,
                    NodeIndex::new(q.from.index()),
                    Some(NodeIndex::new(q.to.index())),
                    |e| *e.weight(),
                )
            })
        },
    );

    // Matrices on 1 and 2 threads (throughput in origins per second): 8 x 8 with
    // one-to-all per origin and with CH, and 256 x 256 with CH (the size CH
    // matrices are for; plain rows would take minutes at 10^6).
    let spots: Vec<PlaceId> = pairs(n, 8)
        .into_iter()
        .map(|(a, _)| at(a as usize))
        .collect();
    let many: Vec<PlaceId> = pairs(n, 256)
        .into_iter()
        .map(|(a, _)| at(a as usize))
        .collect();
    for threads in [1, 2] {
        let pool = pool(threads);
        group.throughput(Throughput::Elements(spots.len() as u64));
        group.bench_with_input(
            BenchmarkId::new("matrix 8x8 (one-to-all), threads", threads),
            &threads,
            |b, _| b.iter(|| pool.install(|| route::matrix(&graph, &spots, &spots))),
        );
        group.bench_with_input(
            BenchmarkId::new("matrix 8x8 (CH), threads", threads),
            &threads,
            |b, _| b.iter(|| pool.install(|| ch::matrix(&hierarchy, &graph, &spots, &spots))),
        );
        group.throughput(Throughput::Elements(many.len() as u64));
        group.bench_with_input(
            BenchmarkId::new("matrix 256x256 (CH), threads", threads),
            &threads,
            |b, _| b.iter(|| pool.install(|| ch::matrix(&hierarchy, &graph, &many, &many))),
        );
    }
    group.throughput(Throughput::Elements(1));

    // Pareto time x cost between places 40 grid columns apart.
    let pareto_query = Query::new(source, at(middle + 40));
    group.bench_function("pareto time x cost (40 columns apart)", |b| {
        b.iter(|| route::pareto(&graph, &pareto_query, &[Crit::Time, Crit::Cost]).unwrap())
    });

    // Single-pair min-cost flow: 2,000 TEU/year (several legs' worth) across
    // 60 grid columns, cheapest first. The solve alone (what benches/mcf_compare.sh
    // compares with OR-Tools) at every size; the whole allocation with shadow prices
    // (two more solves per saturated leg, as `corridor flow` reports them) up to 10^4.
    let cost_graph = Graph::new(&network, &Profile::new(Objective::Cost));
    let demand = Demand {
        from: source,
        to: at(middle + 60),
        volume_teu_per_year: 2000.0,
    };
    let instance = Instance::new(&cost_graph, std::slice::from_ref(&demand));
    group.bench_function(
        "min-cost flow solve, single pair 2000 TEU (60 columns apart)",
        |b| b.iter(|| mcf::solve(black_box(&instance), &[], None)),
    );
    if n <= 10_000 {
        group.bench_function("flow single pair 2000 TEU (60 columns apart)", |b| {
            b.iter(|| allocate(&cost_graph, &[demand]).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
