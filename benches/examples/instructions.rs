//! The workloads of the route and scale benchmarks, each in its own never-inlined
//! function, for counting instructions with valgrind (deterministic, unlike wall time
//! on a shared machine):
//!
//! ```sh
//! cargo build --release -p corridor-benches --example instructions
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     --toggle-collect='instructions::phase_*' target/release/examples/instructions
//! ```
//!
//! callgrind prints the instructions executed inside the `phase_*` functions; pass
//! one phase name (e.g. `phase_one_to_all`) to `--toggle-collect` to count one of them.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;

use corridor::capacity::{Instance, allocate, mcf};
use corridor::graph::Criterion as Crit;
use corridor::model::Demand;
use corridor::route::ch::{ChQuery, Hierarchy};
use corridor::route::{self, Query};
use corridor::synthetic::{Synthetic, generate};
use corridor::{Graph, Network, Objective, PlaceId, Profile, builtin, scenario};

#[inline(never)]
fn phase_builtin_route(graph: &Graph<'_>, query: &Query) {
    for _ in 0..100 {
        black_box(route::shortest(graph, query));
    }
}

#[inline(never)]
fn phase_builtin_one_to_all(graph: &Graph<'_>, from: PlaceId) {
    for _ in 0..100 {
        black_box(route::one_to_all(graph, from));
    }
}

/// The all-places matrix row by row on this thread (`route::matrix` runs its rows on
/// rayon's workers, outside this function's call stack).
#[inline(never)]
fn phase_builtin_matrix(graph: &Graph<'_>, all: &[PlaceId]) {
    let mut rows = route::MatrixRows::default();
    let mut row = Vec::new();
    for &from in all {
        row.clear();
        rows.row(graph, from, all, &mut row);
        black_box(&row);
    }
}

#[inline(never)]
fn phase_builtin_flow(graph: &Graph<'_>, demands: &[Demand]) {
    for _ in 0..10 {
        black_box(allocate(graph, demands).unwrap());
    }
}

#[inline(never)]
fn phase_builtin_compile(network: &Network, profile: &Profile) {
    for _ in 0..100 {
        black_box(Graph::new(network, profile));
    }
}

#[inline(never)]
fn phase_builtin_pareto(graph: &Graph<'_>, query: &Query) {
    for _ in 0..20 {
        black_box(route::pareto(graph, query, &[Crit::Time, Crit::Cost]).unwrap());
    }
}

/// The criterion `sweep` bench's all-hub-pairs sweep, with 50 draws instead of 500.
#[inline(never)]
fn phase_builtin_sweep(applied: &scenario::Applied, profile: &Profile, hubs: &[PlaceId]) {
    black_box(scenario::sweep_matrix(
        &applied.network,
        &applied.uncertain,
        profile,
        hubs,
        50,
        7,
        &|| {},
    ));
}

#[inline(never)]
fn phase_one_to_all(graph: &Graph<'_>, from: PlaceId) {
    let mut search = route::OneToAll::new(graph);
    for _ in 0..10 {
        search.run(from);
    }
}

#[inline(never)]
fn phase_ch_build(graph: &Graph<'_>) -> Hierarchy {
    Hierarchy::new(graph)
}

#[inline(never)]
fn phase_ch_query(graph: &Graph<'_>, hierarchy: &Hierarchy, queries: &[Query]) {
    let mut memory = ChQuery::new(hierarchy);
    for q in queries {
        black_box(hierarchy.shortest(graph, &mut memory, q));
    }
}

#[inline(never)]
fn phase_mcf(instance: &Instance<'_, '_>) {
    for _ in 0..10 {
        black_box(mcf::solve(instance, &[], None));
    }
}

fn main() {
    // One thread, this one: counts then do not depend on how work is split, and work
    // run on rayon's pool (the parallel contraction) counts inside the phase that
    // started it.
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .use_current_thread()
        .build_global()
        .unwrap();
    // The built-in network, as benches/route.rs uses it.
    let network = builtin::network().unwrap().network;
    let graph = Graph::new(&network, &Profile::new(Objective::Time));
    let from = network.resolve("xian").unwrap();
    let to = network.resolve("duisburg").unwrap();
    phase_builtin_compile(&network, &Profile::new(Objective::Time));
    phase_builtin_route(&graph, &Query::new(from, to));
    phase_builtin_pareto(&graph, &Query::new(from, to));
    phase_builtin_one_to_all(&graph, from);
    let all: Vec<PlaceId> = (0..network.places().len() as u32).map(PlaceId).collect();
    phase_builtin_matrix(&graph, &all);
    let cost = Graph::new(&network, &Profile::new(Objective::Cost));
    let pair = |a: &str, b: &str, volume: f64| Demand {
        from: network.resolve(a).unwrap(),
        to: network.resolve(b).unwrap(),
        volume_teu_per_year: volume,
    };
    phase_builtin_flow(
        &cost,
        &[
            pair("xian", "duisburg", 20000.0),
            pair("tashkent", "istanbul", 10000.0),
            pair("almaty", "baku", 30000.0),
        ],
    );
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../data/scenarios/uncertainty.toml"
    );
    let file = scenario::parse(path, &std::fs::read(path).unwrap()).unwrap();
    let applied = scenario::apply(&network, &[file]).unwrap();
    let hubs: Vec<PlaceId> = all
        .iter()
        .copied()
        .filter(|&p| network.place(p).kind.is_hub())
        .collect();
    phase_builtin_sweep(&applied, &Profile::new(Objective::Time), &hubs);

    // A synthetic road network of 10^4 places, as benches/scale.rs uses it.
    let network: Network = generate(Synthetic {
        places: 10_000,
        seed: 1,
    });
    let n = network.places().len();
    let graph = Graph::new(&network, &Profile::new(Objective::Time));
    let source = PlaceId((n / 2 + (n as f64).sqrt() as usize / 2) as u32);
    phase_one_to_all(&graph, source);
    let hierarchy = phase_ch_build(&graph);
    let queries: Vec<Query> = (0..1000u32)
        .map(|i| {
            Query::new(
                PlaceId(i * 7 % n as u32),
                PlaceId((i * 7919 + 13) % n as u32),
            )
        })
        .collect();
    phase_ch_query(&graph, &hierarchy, &queries);
    let cost = Graph::new(&network, &Profile::new(Objective::Cost));
    let demand = Demand {
        from: source,
        to: PlaceId(source.0 + 60),
        volume_teu_per_year: 2000.0,
    };
    let instance = Instance::new(&cost, std::slice::from_ref(&demand));
    phase_mcf(&instance);
}
