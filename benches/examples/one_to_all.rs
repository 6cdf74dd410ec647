//! One-to-all on a CSV network against `petgraph::algo::dijkstra` on the same network's
//! place graph, alternating the two in one process (so both see the same load of the
//! host): prints the median of each over the rounds and their ratio. The origin is the
//! place nearest the middle of the network's bounding box.
//!
//! ```sh
//! corridor generate --places 1000000 --output /tmp/road-1m
//! cargo run --release -p corridor-benches --example one_to_all -- /tmp/road-1m [ROUNDS]
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::hint::black_box;
use std::time::Instant;

use corridor::route::OneToAll;
use corridor::{Graph, Objective, PlaceId, Profile, io};
use corridor_benches::petgraph_baseline;
use petgraph::algo::dijkstra;
use petgraph::graph::NodeIndex;

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = args.get(1).expect("usage: one_to_all DIR [ROUNDS]");
    let rounds: usize = args.get(2).map_or(15, |n| n.parse().unwrap());
    let network = io::load_dir(std::path::Path::new(dir)).unwrap().network;
    let (mut lat, mut lon) = (0.0, 0.0);
    for place in network.places() {
        lat += place.coord.lat;
        lon += place.coord.lon;
    }
    let n = network.places().len() as f64;
    let (lat, lon) = (lat / n, lon / n);
    let source = (0..network.places().len())
        .min_by(|&a, &b| {
            let d = |i: usize| {
                let c = network.places()[i].coord;
                (c.lat - lat).powi(2) + (c.lon - lon).powi(2)
            };
            d(a).total_cmp(&d(b))
        })
        .map(|i| PlaceId(i as u32))
        .unwrap();
    let graph = Graph::new(&network, &Profile::new(Objective::Time));
    let reference = petgraph_baseline(&network, |leg| leg.time_h);
    let mut search = OneToAll::new(&graph);
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let start = Instant::now();
        search.run(black_box(source));
        ours.push(start.elapsed().as_secs_f64());
        let start = Instant::now();
        black_box(dijkstra(
            &reference,
            NodeIndex::new(source.index()),
            None,
            |e| *e.weight(),
        ));
        theirs.push(start.elapsed().as_secs_f64());
    }
    let (ours, theirs) = (median(&mut ours), median(&mut theirs));
    println!(
        "one-to-all {:.1} ms, petgraph {:.1} ms, ratio {:.2}",
        ours * 1e3,
        theirs * 1e3,
        theirs / ours
    );
}
