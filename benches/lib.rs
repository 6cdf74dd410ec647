//! Benchmark-only package: see the `[[bench]]` targets. Shared set-up lives here.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::PathBuf;

use corridor::{Network, Status};
use petgraph::graph::{DiGraph, NodeIndex};

/// The place graph of `network` for petgraph's Dijkstra, the baseline: operational legs
/// (both ways unless one-way) weighted by `weight`, no transfers.
pub fn petgraph_baseline(
    network: &Network,
    weight: impl Fn(&corridor::Leg) -> f64,
) -> DiGraph<(), f64> {
    let mut graph = DiGraph::with_capacity(network.places().len(), network.legs().len() * 2);
    for _ in network.places() {
        graph.add_node(());
    }
    for leg in network
        .legs()
        .iter()
        .filter(|l| l.status == Status::Operational)
    {
        let (a, b) = (
            NodeIndex::new(leg.from.index()),
            NodeIndex::new(leg.to.index()),
        );
        graph.add_edge(a, b, weight(leg));
        if !leg.one_way {
            graph.add_edge(b, a, weight(leg));
        }
    }
    graph
}

/// The order a synthetic network is written in: as generated (ids and lines follow the
/// grid) or shuffled (`corridor generate --shuffle`: ids and lines in random order).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// As `corridor generate` writes it.
    Ordered,
    /// As `corridor generate --shuffle` writes it.
    Shuffled,
}

/// The orders of the synthetic benchmarks: `CORRIDOR_BENCH_ORDER` (`ordered`, `shuffled`
/// or `both`), by default both, so that they are measured side by side in one run.
pub fn orders() -> Vec<Order> {
    match std::env::var("CORRIDOR_BENCH_ORDER").as_deref() {
        Ok("ordered") => vec![Order::Ordered],
        Ok("shuffled") => vec![Order::Shuffled],
        _ => vec![Order::Ordered, Order::Shuffled],
    }
}

/// The synthetic network of `places` places (seed 1) as a network folder in the
/// temporary directory, written once and reused by later runs.
pub fn synthetic_dir(places: usize) -> PathBuf {
    synthetic_dir_in(places, Order::Ordered)
}

/// [`synthetic_dir`] in either order (the shuffle's seed is 1 too).
pub fn synthetic_dir_in(places: usize, order: Order) -> PathBuf {
    let suffix = match order {
        Order::Ordered => "",
        Order::Shuffled => "-shuffled",
    };
    let dir = std::env::temp_dir().join(format!(
        "corridor-bench-synthetic-{places}-seed1-v2{suffix}"
    ));
    if !dir.join("legs.csv").exists() {
        let mut network =
            corridor::synthetic::generate(corridor::synthetic::Synthetic { places, seed: 1 });
        if order == Order::Shuffled {
            network = corridor::synthetic::shuffle(&network, 1);
        }
        std::fs::create_dir_all(&dir).unwrap();
        let file =
            |name: &str| std::io::BufWriter::new(std::fs::File::create(dir.join(name)).unwrap());
        corridor::io::write_nodes_csv(&network, file("nodes.csv")).unwrap();
        corridor::io::write_network_toml(&network, file("network.toml")).unwrap();
        // legs.csv last: its presence marks a complete folder.
        corridor::io::write_legs_csv(&network, file("legs.csv.part")).unwrap();
        std::fs::rename(dir.join("legs.csv.part"), dir.join("legs.csv")).unwrap();
    }
    dir
}

/// The places of `network` standing where the places of the generated (ordered) network
/// of the same size stand, by the ordered network's index: the identity on the ordered
/// network, the shuffle's renumbering on the shuffled one. Lets the benchmarks of both
/// orders search between the same places.
pub fn places_by_grid_index(network: &Network, places: usize) -> Vec<corridor::PlaceId> {
    let grid = corridor::synthetic::generate(corridor::synthetic::Synthetic { places, seed: 1 });
    let key = |c: corridor::Coord| (c.lon.to_bits(), c.lat.to_bits());
    let mut at: std::collections::HashMap<(u64, u64), u32> =
        std::collections::HashMap::with_capacity(network.places().len());
    for (i, place) in network.places().iter().enumerate() {
        at.insert(key(place.coord), i as u32);
    }
    grid.places()
        .iter()
        .map(|place| corridor::PlaceId(at[&key(place.coord)]))
        .collect()
}

/// Sizes of the synthetic benchmarks: `CORRIDOR_BENCH_SIZES` (comma-separated), by
/// default 10^4, 10^5 and 10^6 places.
pub fn sizes() -> Vec<usize> {
    std::env::var("CORRIDOR_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![10_000, 100_000, 1_000_000])
}

/// `count` reproducible pseudo-random pairs of distinct indices below `n`.
pub fn pairs(n: usize, count: usize) -> Vec<(u32, u32)> {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as u32
    };
    let mut out = Vec::with_capacity(count);
    while out.len() < count {
        let (a, b) = (next(), next());
        if a != b {
            out.push((a, b));
        }
    }
    out
}

/// The release `corridor` binary, built first (`cargo build --release -p corridor-cli`)
/// so that process benchmarks time the code of this checkout.
pub fn release_binary() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let status = std::process::Command::new(env!("CARGO"))
        .args(["build", "--release", "--quiet", "-p", "corridor-cli"])
        .current_dir(&root)
        .status()
        .unwrap();
    assert!(
        status.success(),
        "cargo build --release -p corridor-cli failed"
    );
    target.join("release").join("corridor")
}

/// The mean search space of `queries` on `hierarchy` (states settled and stalled, edges
/// relaxed and queued, edges read for stalling), as one line: deterministic, so it tells
/// contraction orders and query variants apart where timings on a shared host cannot.
pub fn search_space_line(
    hierarchy: &corridor::route::ch::Hierarchy,
    graph: &corridor::Graph<'_>,
    queries: &[corridor::route::Query],
) -> String {
    let mut memory = corridor::route::ch::ChQuery::new(hierarchy);
    let mut total = corridor::route::ch::SearchSpace::default();
    for q in queries {
        let one = hierarchy.search_space(graph, &mut memory, q.from, q.to);
        total.settled += one.settled;
        total.stalled += one.stalled;
        total.relaxed += one.relaxed;
        total.queued += one.queued;
        total.stall_reads += one.stall_reads;
    }
    let mean = |sum: usize| sum as f64 / queries.len().max(1) as f64;
    format!(
        "search space per query: {:.1} states settled ({:.1} stalled), {:.1} edges relaxed ({:.1} queued), {:.1} read for stalling",
        mean(total.settled),
        mean(total.stalled),
        mean(total.relaxed),
        mean(total.queued),
        mean(total.stall_reads)
    )
}

/// Benchmarks point-to-point queries, cycled, in `group`: with the contraction
/// `hierarchy` as `names[0]`, and plain Dijkstra on the same graph as `names[1]` (the
/// same-run baseline).
pub fn bench_point_to_point(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    graph: &corridor::Graph<'_>,
    hierarchy: &corridor::route::ch::Hierarchy,
    queries: &[corridor::route::Query],
    names: [&str; 2],
) {
    let mut memory = corridor::route::ch::ChQuery::new(hierarchy);
    let mut next = 0;
    group.bench_function(names[0], |b| {
        b.iter(|| {
            next = (next + 1) % queries.len();
            hierarchy.shortest(graph, &mut memory, &queries[next])
        })
    });
    group.bench_function(names[1], |b| {
        b.iter(|| {
            next = (next + 1) % queries.len();
            corridor::route::shortest(graph, &queries[next])
        })
    });
}
