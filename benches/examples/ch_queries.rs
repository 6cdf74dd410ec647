//! Contraction-hierarchy queries alone on a benchmark network (the CSV folders of the
//! `scale` bench, ordered or shuffled), with the hierarchy's parts cached in a file so
//! that working on the query side does not pay the preprocessing every run:
//!
//! ```sh
//! cargo run --release -p corridor-benches --example ch_queries -- 1000000 shuffled 2000 /tmp/ch-1m-shuffled.parts
//! ```
//!
//! Arguments: places (10^6), order (`ordered` or `shuffled`), queries (2,000), the parts
//! file (built on 2 threads and written when missing). Prints the mean query time of
//! three rounds, what `Route::from_legs` takes of it, and checks the first 20 queries
//! against plain Dijkstra. The parts file holds raw little-endian arrays, for this
//! example only (snapshots are the stored format).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    missing_docs
)]

use std::hash::{Hash, Hasher};
use std::hint::black_box;
use std::io::{Read, Write};
use std::path::Path;
use std::time::Instant;

use corridor::route::ch::{ChQuery, EdgeOrigin, Hierarchy, HierarchyParts};
use corridor::route::{self, Query, Route};
use corridor::{Graph, Objective, Profile, io};
use corridor_benches::{Order, pairs, places_by_grid_index, synthetic_dir_in};

fn write_parts(path: &Path, parts: &HierarchyParts) {
    let mut out = Vec::new();
    let words = |v: &[u32], out: &mut Vec<u8>| {
        out.extend_from_slice(&(v.len() as u64).to_le_bytes());
        for x in v {
            out.extend_from_slice(&x.to_le_bytes());
        }
    };
    out.extend_from_slice(&parts.states.to_le_bytes());
    out.extend_from_slice(&parts.shortcuts.to_le_bytes());
    out.extend_from_slice(&parts.weight_check.to_le_bytes());
    words(&parts.up_start, &mut out);
    words(&parts.up, &mut out);
    words(&parts.down_start, &mut out);
    words(&parts.down, &mut out);
    let origins: Vec<u32> = parts
        .origins
        .iter()
        .flat_map(|o| match *o {
            EdgeOrigin::Arc { tail, index } => [0, tail, index],
            EdgeOrigin::Shortcut { first, second } => [1, first, second],
        })
        .collect();
    words(&origins, &mut out);
    std::fs::File::create(path)
        .unwrap()
        .write_all(&out)
        .unwrap();
}

fn read_parts(path: &Path) -> Option<HierarchyParts> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .ok()?
        .read_to_end(&mut bytes)
        .ok()?;
    let mut at = 0;
    let mut take = |n: usize| {
        let slice = &bytes[at..at + n];
        at += n;
        slice.to_vec()
    };
    let states = u32::from_le_bytes(take(4).try_into().unwrap());
    let shortcuts = u64::from_le_bytes(take(8).try_into().unwrap());
    let weight_check = u64::from_le_bytes(take(8).try_into().unwrap());
    let mut words = || {
        let len = u64::from_le_bytes(take(8).try_into().unwrap()) as usize;
        take(4 * len)
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes(c.try_into().unwrap()))
            .collect::<Vec<u32>>()
    };
    let up_start = words();
    let up = words();
    let down_start = words();
    let down = words();
    let origins = words()
        .chunks_exact(3)
        .map(|c| match c[0] {
            0 => EdgeOrigin::Arc {
                tail: c[1],
                index: c[2],
            },
            _ => EdgeOrigin::Shortcut {
                first: c[1],
                second: c[2],
            },
        })
        .collect();
    Some(HierarchyParts {
        states,
        shortcuts,
        up_start,
        up,
        down_start,
        down,
        origins,
        weight_check,
    })
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
    let order = match args.get(1).map(String::as_str) {
        Some("shuffled") => Order::Shuffled,
        _ => Order::Ordered,
    };
    let count: usize = args.get(2).map_or(2_000, |a| a.parse().unwrap());
    let cache = args.get(3).map_or_else(
        || std::env::temp_dir().join(format!("corridor-ch-{places}-{order:?}.parts")),
        Into::into,
    );
    let network = io::load_dir(&synthetic_dir_in(places, order))
        .unwrap()
        .network;
    let grid = places_by_grid_index(&network, places);
    let graph = Graph::new(&network, &Profile::new(Objective::Time));
    let started = Instant::now();
    let hierarchy = match read_parts(&cache) {
        Some(parts) => Hierarchy::from_parts(&graph, &parts).expect("parts of this graph"),
        None => {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(2)
                .build()
                .unwrap();
            let hierarchy = pool.install(|| Hierarchy::new(&graph));
            write_parts(&cache, &hierarchy.to_parts());
            hierarchy
        }
    };
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
