//! Point-to-point and one-to-all routing on the built-in network, with petgraph's
//! Dijkstra on the same places and legs as the baseline measured in the same run.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;

use corridor::graph::Criterion as Crit;
use corridor::route::{self, Query};
use corridor::{Graph, Objective, PlaceId, Profile, builtin, capacity, io};
use criterion::{Criterion, criterion_group, criterion_main};
use petgraph::algo::dijkstra;
use petgraph::graph::{DiGraph, NodeIndex};

fn bench(c: &mut Criterion) {
    let network = builtin::network().unwrap().network;
    let profile = Profile::new(Objective::Time);
    let graph = Graph::new(&network, &profile);
    let from = network.resolve("xian").unwrap();
    let to = network.resolve("duisburg").unwrap();
    let query = Query::new(from, to);

    // The baseline: petgraph's Dijkstra on the place graph with leg times (no
    // transfers), same places and legs.
    let mut reference: DiGraph<(), f64> = DiGraph::new();
    for _ in network.places() {
        reference.add_node(());
    }
    for leg in network
        .legs()
        .iter()
        .filter(|l| l.status == corridor::Status::Operational)
    {
        let (a, b) = (
            NodeIndex::new(leg.from.index()),
            NodeIndex::new(leg.to.index()),
        );
        reference.add_edge(a, b, leg.time_h);
        if !leg.one_way {
            reference.add_edge(b, a, leg.time_h);
        }
    }

    let mut group = c.benchmark_group("builtin");
    group.bench_function("compile (network + profile -> graph)", |b| {
        b.iter(|| Graph::new(black_box(&network), black_box(&profile)))
    });
    group.bench_function("route xian->duisburg (A*, state graph)", |b| {
        b.iter(|| route::shortest(black_box(&graph), black_box(&query)))
    });
    group.bench_function("one-to-all from xian (state graph)", |b| {
        b.iter(|| route::one_to_all(black_box(&graph), black_box(from)))
    });
    group.bench_function(
        "baseline: petgraph dijkstra one-to-all from xian (place graph)",
        |b| {
            b.iter(|| {
                dijkstra(
                    black_box(&reference),
                    NodeIndex::new(from.index()),
                    None,
                    |e| *e.weight(),
                )
            })
        },
    );
    let all: Vec<PlaceId> = (0..network.places().len() as u32).map(PlaceId).collect();
    let n = all.len();
    group.bench_function(format!("matrix all x all ({n} x {n})"), |b| {
        b.iter(|| route::matrix(black_box(&graph), black_box(&all), black_box(&all)))
    });
    group.bench_function("pareto xian->duisburg (time x cost)", |b| {
        b.iter(|| {
            route::pareto(
                black_box(&graph),
                black_box(&query),
                &[Crit::Time, Crit::Cost],
            )
            .unwrap()
        })
    });
    // The shipped 2030 demand sample (several pairs: column generation) and its first
    // pair alone (single-pair min-cost flow).
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../data/demand/middle-corridor-2030.csv"
    );
    let bytes = std::fs::read(path).unwrap();
    let demands = io::read_demands(
        &network,
        io::Source {
            name: path,
            bytes: &bytes,
        },
    )
    .unwrap();
    let cost_graph = Graph::new(&network, &Profile::new(Objective::Cost));
    group.bench_function("flow: shipped 2030 demand sample (all pairs)", |b| {
        b.iter(|| capacity::allocate(black_box(&cost_graph), black_box(&demands)).unwrap())
    });
    group.bench_function("flow: first pair of the sample alone", |b| {
        b.iter(|| capacity::allocate(black_box(&cost_graph), black_box(&demands[..1])).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
