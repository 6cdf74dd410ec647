//! Loads a network once, then compiles it for the cost objective several times and
//! prints each compile's seconds and arcs: a profile of this (`perf record`) is a profile
//! of compiling, with loading a small share of it.
//!
//! ```sh
//! cargo build --release -p corridor-benches --example compile_repeat
//! target/release/examples/compile_repeat /tmp/road-1m-shuffled [TIMES]
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::time::Instant;

use corridor::{Graph, Objective, Profile, io};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = args.get(1).expect("usage: compile_repeat DIR [TIMES]");
    let network = io::load_dir(std::path::Path::new(dir)).unwrap().network;
    let times: usize = args.get(2).map_or(5, |n| n.parse().unwrap());
    let profile = Profile::new(Objective::Cost);
    for _ in 0..times {
        let start = Instant::now();
        let graph = Graph::new(&network, &profile);
        println!(
            "{:.4} s, {} arcs",
            start.elapsed().as_secs_f64(),
            graph.arc_count()
        );
    }
}
