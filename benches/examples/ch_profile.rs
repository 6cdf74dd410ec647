//! Contraction-hierarchy preprocessing and queries on one synthetic network, timed in
//! one process (a quick loop for working on `route/ch.rs`; criterion's `scale` bench
//! gives the reported figures):
//!
//! ```sh
//! cargo run --release -p corridor-benches --example ch_profile -- 100000 2000 2
//! ```
//!
//! Arguments: places (10^5), queries (2,000), threads for the preprocessing (all).
//! Prints the preprocessing time and shortcuts, the mean search space of a query (states
//! settled, edges relaxed and read for stalling: deterministic), the mean query time and
//! what building the routes (`Route::from_legs`) takes of it, and checks the first 20
//! queries against plain Dijkstra.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    missing_docs
)]

use std::hint::black_box;
use std::time::Instant;

use corridor::route::ch::{ChQuery, Hierarchy};
use corridor::route::{self, Query, Route};
use corridor::synthetic::{Synthetic, generate};
use corridor::{Graph, Objective, PlaceId, Profile};
use corridor_benches::{pairs, search_space_line};

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("a number"))
        .collect();
    let places = args.first().copied().unwrap_or(100_000);
    let count = args.get(1).copied().unwrap_or(2_000);
    let threads = args.get(2).copied().unwrap_or(0);
    let network = generate(Synthetic { places, seed: 1 });
    let graph = Graph::new(&network, &Profile::new(Objective::Time));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let started = Instant::now();
    let hierarchy = pool.install(|| Hierarchy::new(&graph));
    println!(
        "preprocessing {:.2?} on {} threads: {} shortcuts over {} arcs",
        started.elapsed(),
        pool.current_num_threads(),
        hierarchy.shortcut_count(),
        graph.arc_count()
    );
    let n = network.places().len();
    let queries: Vec<Query> = pairs(n, count)
        .into_iter()
        .map(|(a, b)| Query::new(PlaceId(a), PlaceId(b)))
        .collect();
    println!("{}", search_space_line(&hierarchy, &graph, &queries));
    let mut memory = ChQuery::new(&hierarchy);
    for q in queries.iter().take(20) {
        let fast = hierarchy.shortest(&graph, &mut memory, q).map(|r| r.weight);
        let plain = route::shortest(&graph, q).map(|r| r.weight);
        match (fast, plain) {
            (Some(f), Some(p)) => assert!((f - p).abs() <= 1e-9 * p.max(1.0), "{f} vs {p}"),
            (f, p) => assert_eq!(f.is_some(), p.is_some()),
        }
    }
    // What building the answer costs alone: `Route::from_legs` over each route's legs
    // (part of every query, after the search and the unpacking of shortcuts).
    let legs: Vec<Vec<_>> = queries
        .iter()
        .map(|q| {
            hierarchy
                .shortest(&graph, &mut memory, q)
                .map(|r| r.legs.iter().map(|leg| leg.leg).collect())
                .unwrap_or_default()
        })
        .collect();
    let mean_legs = legs.iter().map(Vec::len).sum::<usize>() as f64 / count as f64;
    let started = Instant::now();
    for (q, legs) in queries.iter().zip(&legs) {
        black_box(Route::assemble(&graph, q, legs));
    }
    println!(
        "Route::from_legs alone: {:.1} µs per query ({mean_legs:.0} legs on average)",
        started.elapsed().as_secs_f64() * 1e6 / count as f64
    );
    for round in 0..3 {
        let started = Instant::now();
        for q in &queries {
            black_box(hierarchy.shortest(&graph, &mut memory, q));
        }
        println!(
            "round {round}: {:.1} µs per query ({count} queries)",
            started.elapsed().as_secs_f64() * 1e6 / count as f64
        );
    }
}
