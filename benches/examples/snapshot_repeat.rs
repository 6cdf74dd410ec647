//! Reads a snapshot file once, then decodes it into a `Network` several times and prints
//! each decode's seconds: a profile of this (`perf record`) is a profile of loading a
//! snapshot, with reading the file a small share of it.
//!
//! ```sh
//! cargo build --release -p corridor-benches --example snapshot_repeat
//! target/release/examples/snapshot_repeat /tmp/s1m-plain.corridor [TIMES]
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::time::Instant;

use corridor::io::snapshot;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).expect("usage: snapshot_repeat FILE [TIMES]");
    let bytes = std::fs::read(path).unwrap();
    let times: usize = args.get(2).map_or(5, |n| n.parse().unwrap());
    for _ in 0..times {
        let start = Instant::now();
        let loaded = snapshot::read(path, &bytes).unwrap();
        let elapsed = start.elapsed().as_secs_f64();
        let places = loaded.network.places().len();
        drop(loaded);
        println!("{elapsed:.4} s, {places} places");
    }
}
