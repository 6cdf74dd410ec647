//! Contraction-hierarchy queries alone on a benchmark network (the CSV folders of the
//! `scale` bench, ordered or shuffled), with the network and its hierarchy cached in a
//! snapshot so that working on the query side does not pay the preprocessing every run:
//!
//! ```sh
//! cargo run --release -p corridor-benches --example ch_queries -- 1000000 shuffled 2000 /tmp/ch-1m-shuffled.corridor
//! ```
//!
//! Arguments: places (10^6), order (`ordered` or `shuffled`, stored as `corridor build`
//! stores them, in locality order; `ordered-as-written` or `shuffled-as-written`, in
//! the order of the files, as a CSV folder loads them), queries (2,000), the snapshot
//! (with the hierarchy by time, written when missing). Prints the mean search space of
//! a query (deterministic), the mean query time of three rounds, what
//! `Route::from_legs` takes of it, and checks the first 20 queries against plain
//! Dijkstra.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    missing_docs
)]

use std::hash::{Hash, Hasher};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Instant;

use corridor::io::snapshot;
use corridor::route::ch::{ChQuery, Hierarchy, HierarchyParts};
use corridor::route::{self, Query, Route};
use corridor::{Engine, Graph, Network, Objective, Profile};
use corridor_benches::{Order, pairs, places_by_grid_index, search_space_line, synthetic_dir_in};

/// The network and the hierarchy's parts by time, from the snapshot at `path`, written
/// first (`corridor build --ch` does the same) when missing.
fn load(path: &Path, places: usize, order: Order, as_written: bool) -> (Network, HierarchyParts) {
    if !path.exists() {
        let engine = Engine::load(synthetic_dir_in(places, order)).unwrap();
        let bytes = if as_written {
            // The network in the order of its files, as a CSV folder loads it.
            let network = engine.network();
            let graph = Graph::new(network, &Profile::new(Objective::Time));
            let parts = Hierarchy::new(&graph).to_parts();
            let hierarchy = snapshot::StoredHierarchy {
                objective: Objective::Time,
                parts,
            };
            snapshot::to_bytes(network, &[hierarchy])
        } else {
            engine.snapshot(&[], &[Objective::Time], &())
        };
        let part = path.with_extension("part");
        std::fs::write(&part, bytes).unwrap();
        std::fs::rename(&part, path).unwrap();
    }
    let mut loaded = snapshot::read_file(path).unwrap();
    let parts = loaded.hierarchies.pop().expect("a hierarchy by time").parts;
    (loaded.network, parts)
}

/// CPU time of this thread so far (user and system, from `/proc`, in clock ticks of
/// 10 ms): less moved by other jobs on a shared host than wall time.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // After the name: state is field 0, utime 11, stime 12.
    (ticks(11) + ticks(12)) / 100.0
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let places: usize = args.first().map_or(1_000_000, |a| a.parse().unwrap());
    let arg = args.get(1).map_or("ordered", String::as_str);
    let (name, as_written) = match arg.strip_suffix("-as-written") {
        Some(name) => (name, true),
        None => (arg, false),
    };
    let order = match name {
        "shuffled" => Order::Shuffled,
        _ => Order::Ordered,
    };
    let count: usize = args.get(2).map_or(2_000, |a| a.parse().unwrap());
    let cache: PathBuf = args.get(3).map_or_else(
        || {
            let suffix = if as_written { "-as-written" } else { "" };
            std::env::temp_dir().join(format!("corridor-ch-{places}-{order:?}{suffix}.corridor"))
        },
        Into::into,
    );
    let (network, parts) = load(&cache, places, order, as_written);
    let grid = places_by_grid_index(&network, places);
    let graph = Graph::new(&network, &Profile::new(Objective::Time));
    let started = Instant::now();
    let hierarchy = Hierarchy::from_parts(&graph, &parts).expect("parts of this graph");
    println!(
        "hierarchy ready in {:.2?}: {} shortcuts over {} arcs ({})",
        started.elapsed(),
        hierarchy.shortcut_count(),
        graph.arc_count(),
        cache.display()
    );
    let n = network.places().len();
    let queries: Vec<Query> = pairs(n, count)
        .into_iter()
        .map(|(a, b)| Query::new(grid[a as usize], grid[b as usize]))
        .collect();
    println!("{}", search_space_line(&hierarchy, &graph, &queries));
    let mut memory = ChQuery::new(&hierarchy);
    for q in queries.iter().take(20) {
        let fast = hierarchy.shortest(&graph, &mut memory, q);
        let plain = route::shortest(&graph, q);
        match (&fast, &plain) {
            (Some(f), Some(p)) => {
                let (f, p) = (f.weight, p.weight);
                assert!((f - p).abs() <= 1e-9 * p.max(1.0), "{f} vs {p}");
            }
            (f, p) => assert_eq!(f.is_some(), p.is_some()),
        }
    }
    // Every answer, hashed: the same before and after a change that must not change
    // answers.
    let mut answers = std::collections::hash_map::DefaultHasher::new();
    let legs: Vec<Vec<_>> = queries
        .iter()
        .map(|q| {
            let route = hierarchy.shortest(&graph, &mut memory, q);
            format!("{route:?}").hash(&mut answers);
            route
                .map(|r| r.legs.iter().map(|leg| leg.leg).collect())
                .unwrap_or_default()
        })
        .collect();
    println!("answers hash {:016x}", answers.finish());
    let mean_legs = legs.iter().map(Vec::len).sum::<usize>() as f64 / count as f64;
    let started = Instant::now();
    for (q, legs) in queries.iter().zip(&legs) {
        black_box(Route::assemble(&graph, q, legs));
    }
    println!(
        "Route::from_legs alone: {:.1} µs per query ({mean_legs:.0} legs on average)",
        started.elapsed().as_secs_f64() * 1e6 / count as f64
    );
    // Few queries cycled (criterion's bench cycles 64) stay partly in the caches; each
    // round runs at least 10,000.
    let passes = 10_000usize.div_ceil(count);
    for round in 0..3 {
        let started = Instant::now();
        let cpu = cpu_seconds();
        for _ in 0..passes {
            for q in &queries {
                black_box(hierarchy.shortest(&graph, &mut memory, q));
            }
        }
        let per_query = |seconds: f64| seconds * 1e6 / (count * passes) as f64;
        println!(
            "round {round}: {:.1} µs per query, {:.1} µs of CPU ({count} queries, {passes} passes)",
            per_query(started.elapsed().as_secs_f64()),
            per_query(cpu_seconds() - cpu),
        );
    }
}
