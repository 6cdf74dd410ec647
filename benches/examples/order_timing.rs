//! Times loading, compiling, one-to-all and a 4 × 7 matrix on the same network written in
//! two orders (`corridor generate` and `corridor generate --shuffle`), alternating the
//! two in one process so that both are measured under the same load of the host.
//!
//! ```sh
//! corridor generate --places 1000000 --output /tmp/road-1m
//! corridor generate --places 1000000 --shuffle --output /tmp/road-1m-shuffled
//! cargo run --release -p corridor-benches --example order_timing -- \
//!     /tmp/road-1m /tmp/road-1m-shuffled [ROUNDS]
//! ```
//!
//! Places are matched between the two networks by their coordinates (the shuffle renames
//! ids), and the example checks that both give the same one-to-all distances and the
//! same matrix. Prints one line per phase: the median of each order over the rounds and
//! the shuffled ÷ ordered ratio. With `ORDER_TIMING_LOCALIZE=1` each loaded network is
//! put in locality order (`Network::in_locality_order`, timed as its own phase) before
//! it is compiled.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::error::Error;
use std::path::Path;
use std::time::Instant;

use corridor::route::{self, OneToAll};
use corridor::{Graph, Network, Objective, PlaceId, Profile, io};

/// Seconds taken by `f`, and its value.
fn timed<T>(f: impl FnOnce() -> T) -> (f64, T) {
    let start = Instant::now();
    let value = f();
    (start.elapsed().as_secs_f64(), value)
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// The place of `network` at each coordinate of `coords`.
fn places_at(network: &Network, coords: &[(f64, f64)]) -> Vec<PlaceId> {
    coords
        .iter()
        .map(|&(lon, lat)| {
            let index = network
                .places()
                .iter()
                .position(|p| p.coord.lon == lon && p.coord.lat == lat)
                .expect("a place at this coordinate");
            PlaceId(index as u32)
        })
        .collect()
}

/// Phase timings of one order in one round, and what it answered (for the check).
struct Round {
    seconds: [f64; 5],
    one_to_all: Vec<u64>,
    matrix: Vec<Option<u64>>,
}

fn round(dir: &Path, coords: &[(f64, f64)]) -> Round {
    let (load, loaded) = timed(|| io::load_dir(dir).unwrap().network);
    let (localize, network) = if std::env::var_os("ORDER_TIMING_LOCALIZE").is_some() {
        timed(|| loaded.in_locality_order())
    } else {
        (0.0, loaded)
    };
    let places = places_at(&network, coords);
    let profile = Profile::new(Objective::Cost);
    let (compile, graph) = timed(|| Graph::new(&network, &profile));
    let mut search = OneToAll::new(&graph);
    let (one_to_all, ()) = timed(|| search.run(places[0]));
    // Distances to every place, by coordinate order so both orders compare.
    let mut by_coord: Vec<((u64, u64), u64)> = network
        .places()
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let key = (p.coord.lon.to_bits(), p.coord.lat.to_bits());
            let weight = search.weight(PlaceId(i as u32)).unwrap_or(f64::NAN);
            (key, weight.to_bits())
        })
        .collect();
    by_coord.sort_unstable();
    let (from, to) = places.split_at(4);
    let (matrix_s, matrix) = timed(|| route::matrix(&graph, from, to));
    Round {
        seconds: [load, localize, compile, one_to_all, matrix_s],
        one_to_all: by_coord.into_iter().map(|(_, w)| w).collect(),
        matrix: matrix
            .cells
            .iter()
            .map(|cell| cell.map(|c| c.weight.to_bits()))
            .collect(),
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [ordered, shuffled, rest @ ..] = args.as_slice() else {
        return Err("usage: order_timing ORDERED_DIR SHUFFLED_DIR [ROUNDS]".into());
    };
    let rounds: usize = rest.first().map_or(Ok(3), |r| r.parse())?;
    // Eleven places spread over the ordered network (the first is the one-to-all source).
    let coords: Vec<(f64, f64)> = {
        let network = io::load_dir(Path::new(ordered))?.network;
        let n = network.places().len();
        (0..11)
            .map(|k| {
                let p = &network.places()[(n / 2 + k * 7919 * 13) % n];
                (p.coord.lon, p.coord.lat)
            })
            .collect()
    };
    let phases = [
        "load",
        "locality order (ORDER_TIMING_LOCALIZE)",
        "compile (cost)",
        "one-to-all",
        "matrix 4x7 (cost)",
    ];
    let mut times: [[Vec<f64>; 2]; 5] = Default::default();
    for r in 0..rounds {
        let order = if r % 2 == 0 { [0, 1] } else { [1, 0] };
        let mut answers = [None, None];
        for which in order {
            let dir = Path::new(if which == 0 { ordered } else { shuffled });
            let result = round(dir, &coords);
            for (phase, seconds) in result.seconds.iter().enumerate() {
                times[phase][which].push(*seconds);
            }
            answers[which] = Some((result.one_to_all, result.matrix));
        }
        assert!(
            answers[0] == answers[1],
            "the two orders answer differently"
        );
    }
    println!("phase, ordered s, shuffled s, shuffled / ordered (medians of {rounds} rounds)");
    for (phase, [a, b]) in phases.iter().zip(times.iter_mut()) {
        let (a, b) = (median(a), median(b));
        if a == 0.0 && b == 0.0 {
            continue; // a phase not run (no ORDER_TIMING_LOCALIZE)
        }
        println!("{phase}, {a:.4}, {b:.4}, {:.3}", b / a);
    }
    Ok(())
}
