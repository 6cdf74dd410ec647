//! Every fast path against the plain algorithm it replaces: contraction-hierarchy
//! routes and matrices equal Dijkstra's on random multimodal networks (transfers,
//! borders, waits, one-way legs, corridor restrictions), on plain random graphs, on
//! synthetic road networks and on the built-in network; the sweep's reordered rows
//! equal Dijkstra's matrices on random multimodal networks.

use corridor::route::ch::{self, ChQuery, Hierarchy};
use corridor::route::{self, Matrix, Query, ReorderScratch, ReorderedRows};
use corridor::synthetic::{Synthetic, generate};
use corridor::{Graph, Network, Objective, PlaceId, Profile};
use proptest::prelude::*;

use crate::oracle::{self, close};
use crate::random::{self, Shape};
use crate::route::check_route;

const MULTIMODAL: Shape = Shape {
    places: 3..=12,
    legs: 2..=30,
    plain: false,
};
const PLAIN: Shape = Shape {
    places: 2..=40,
    legs: 1..=120,
    plain: true,
};

/// The profiles checked: each objective, alone or restricted to one corridor (which
/// also requires a corridor leg on every route), avoiding one place, with planned legs,
/// or from a booked departure.
fn profile(network: &Network, objective: Objective, variant: u8) -> Profile {
    let mut profile = Profile::new(objective);
    match variant {
        1 => profile.only_corridors = network.corridor_id("east").into_iter().collect(),
        2 => profile.avoid_places = vec![PlaceId(0)],
        3 => profile = profile.include_planned(),
        4 => profile.booked_departure = true,
        _ => {}
    }
    profile
}

/// CH answers for `pairs` equal the plain search: same reachability, same weight, a
/// valid route with consistent totals.
fn check_pairs(
    network: &Network,
    profile: &Profile,
    pairs: impl Iterator<Item = (PlaceId, PlaceId)>,
) -> Result<(), TestCaseError> {
    let graph = Graph::new(network, profile);
    let hierarchy = Hierarchy::new(&graph);
    let mut memory = ChQuery::new(&hierarchy);
    for (from, to) in pairs {
        let query = Query::new(from, to);
        let plain = route::shortest(&graph, &query);
        let fast = hierarchy.shortest(&graph, &mut memory, &query);
        prop_assert_eq!(
            fast.is_some(),
            plain.is_some(),
            "reachability {:?}->{:?}",
            from,
            to
        );
        if let (Some(fast), Some(plain)) = (fast, plain) {
            prop_assert!(
                close(fast.weight, plain.weight),
                "{:?}->{:?}: CH {} vs Dijkstra {}",
                from,
                to,
                fast.weight,
                plain.weight
            );
            same_tie_break(
                profile,
                &plain.totals,
                &fast.totals,
                &format!("{from:?}->{to:?}"),
            )?;
            check_route(network, &fast, profile);
        }
    }
    Ok(())
}

fn all_pairs(network: &Network) -> impl Iterator<Item = (PlaceId, PlaceId)> + use<> {
    let n = network.places().len() as u32;
    (0..n).flat_map(move |a| {
        (0..n)
            .filter(move |&b| b != a)
            .map(move |b| (PlaceId(a), PlaceId(b)))
    })
}

fn matrices_agree(network: &Network, profile: &Profile) -> Result<(), TestCaseError> {
    let graph = Graph::new(network, profile);
    let hierarchy = Hierarchy::new(&graph);
    let places: Vec<PlaceId> = (0..network.places().len() as u32).map(PlaceId).collect();
    let plain = route::matrix(&graph, &places, &places);
    let fast = ch::matrix(&hierarchy, &graph, &places, &places);
    cells_agree(network, profile, &plain, &fast)
}

/// Two searches' answers of the same weight also have the same tie-break (USD by
/// time, hours otherwise): the weight holds it at 10^-8, below what `close` tells apart,
/// so it is compared on its own (to the 10^-2 that the rounding of the objective's sums
/// leaves it on these networks).
fn same_tie_break(
    profile: &Profile,
    a: &corridor::Metrics,
    b: &corridor::Metrics,
    what: &str,
) -> Result<(), TestCaseError> {
    let (x, y) = (
        oracle::tie_break(profile.objective, a),
        oracle::tie_break(profile.objective, b),
    );
    prop_assert!((x - y).abs() <= 1e-2, "{}: tie-break {} vs {}", what, x, y);
    Ok(())
}

/// The CH matrix `fast` has the plain matrix's reachability and weights, and each of its
/// cells' metrics give the cell's weight.
fn cells_agree(
    network: &Network,
    profile: &Profile,
    plain: &Matrix,
    fast: &Matrix,
) -> Result<(), TestCaseError> {
    for (i, (p, f)) in plain.cells.iter().zip(&fast.cells).enumerate() {
        prop_assert_eq!(p.is_some(), f.is_some(), "cell {}", i);
        if let (Some(p), Some(f)) = (p, f) {
            prop_assert!(
                close(p.weight, f.weight),
                "cell {}: {} vs {}",
                i,
                p.weight,
                f.weight
            );
            // Routes equal on the objective are told apart by the tie-break; beyond
            // that, they may differ in their other metrics. The CH cell's metrics must
            // give its weight.
            same_tie_break(profile, &p.metrics, &f.metrics, &format!("cell {i}"))?;
            let vot = profile.value_of_time(network);
            prop_assert!(close(
                oracle::weigh(profile.objective, &f.metrics, vot),
                f.weight
            ));
        }
    }
    Ok(())
}

/// The sweep's reordered rows on `profile`'s graph, scanning in the order of
/// `reference`'s graph (same profile but another objective, so the order is often wrong
/// and the corrections run), against the plain matrix.
fn reordered_rows_agree(
    network: &Network,
    reference: &Profile,
    profile: &Profile,
) -> Result<(), TestCaseError> {
    let places: Vec<PlaceId> = (0..network.places().len() as u32).map(PlaceId).collect();
    let rows = ReorderedRows::new(&Graph::new(network, reference), &places);
    let graph = Graph::new(network, profile);
    let plain = route::matrix(&graph, &places, &places);
    let mut scratch = ReorderScratch::default();
    let mut cells = Vec::new();
    for origin in 0..places.len() {
        rows.row(&graph, origin, &places, &mut scratch, &mut cells);
    }
    let fast = Matrix {
        from: places.clone(),
        to: places,
        cells,
    };
    cells_agree(network, profile, &plain, &fast)
}

proptest! {
    #![proptest_config(crate::fixtures::proptest_config(64))]

    #[test]
    fn reordered_rows_match_dijkstra_on_multimodal_networks(
        network in random::network(MULTIMODAL),
        objective in prop::sample::select(Objective::ALL.to_vec()),
        scanned in prop::sample::select(Objective::ALL.to_vec()),
        variant in 0u8..5,
    ) {
        reordered_rows_agree(
            &network,
            &profile(&network, scanned, variant),
            &profile(&network, objective, variant),
        )?;
    }

    #[test]
    fn ch_matches_dijkstra_on_multimodal_networks(
        network in random::network(MULTIMODAL),
        objective in prop::sample::select(Objective::ALL.to_vec()),
        variant in 0u8..5,
    ) {
        let profile = profile(&network, objective, variant);
        check_pairs(&network, &profile, all_pairs(&network))?;
        matrices_agree(&network, &profile)?;
    }

    #[test]
    fn ch_matches_dijkstra_on_plain_graphs(
        network in random::network(PLAIN),
        objective in prop::sample::select(Objective::ALL.to_vec()),
    ) {
        check_pairs(&network, &Profile::new(objective), all_pairs(&network))?;
    }
}

proptest! {
    #![proptest_config(crate::fixtures::proptest_config(6))]

    /// Road-like synthetic networks big enough for deep hierarchies and many
    /// shortcuts over shortcuts.
    #[test]
    fn ch_matches_dijkstra_on_synthetic_networks(
        seed in any::<u64>(),
        objective in prop::sample::select(vec![Objective::Time, Objective::Distance, Objective::Generalized]),
        picks in prop::collection::vec((0u32..1500, 0u32..1500), 40),
    ) {
        let network = generate(Synthetic { places: 1500, seed });
        let pairs = picks.into_iter().filter(|(a, b)| a != b).map(|(a, b)| (PlaceId(a), PlaceId(b)));
        check_pairs(&network, &Profile::new(objective), pairs)?;
    }
}

#[test]
fn ch_matches_dijkstra_on_the_builtin_network() {
    let network = corridor::builtin::network().unwrap().network;
    let sample: Vec<PlaceId> = (0..network.places().len() as u32)
        .step_by(9)
        .map(PlaceId)
        .collect();
    for objective in Objective::ALL {
        let pairs = sample.iter().flat_map(|&a| {
            sample
                .iter()
                .filter(move |&&b| b != a)
                .map(move |&b| (a, b))
        });
        check_pairs(&network, &Profile::new(objective), pairs).unwrap();
    }
}

/// The built-in network has many routes equal on cost or distance (whole dollars,
/// legs of equal length by several modes): the CH matrix picks among them as the plain
/// one does, the fastest, for every pair of places.
#[test]
fn ch_matrix_breaks_ties_as_the_plain_matrix_on_the_builtin_network() {
    let network = corridor::builtin::network().unwrap().network;
    for objective in [Objective::Cost, Objective::Distance] {
        matrices_agree(&network, &Profile::new(objective)).unwrap();
    }
}

#[test]
fn ch_matrix_equals_the_plain_matrix_on_1_and_2_threads() {
    let network = generate(Synthetic {
        places: 2000,
        seed: 7,
    });
    let graph = Graph::new(&network, &Profile::new(Objective::Time));
    let hierarchy = Hierarchy::new(&graph);
    let some: Vec<PlaceId> = (0..2000).step_by(50).map(PlaceId).collect();
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| ch::matrix(&hierarchy, &graph, &some, &some))
    };
    assert!(
        run(1) == run(2),
        "CH matrix differs between 1 and 2 threads"
    );
    // Against the plain matrix, origins among the destinations and apart from them.
    let others: Vec<PlaceId> = (25..2000).step_by(50).map(PlaceId).collect();
    for to in [&some, &others] {
        let fast = ch::matrix(&hierarchy, &graph, &some, to);
        let plain = route::matrix(&graph, &some, to);
        cells_agree(&network, &Profile::new(Objective::Time), &plain, &fast).unwrap();
    }
}

/// `corridor matrix --engine ch` gives the times `--engine dijkstra` gives.
#[test]
fn matrix_engines_agree_in_the_cli() {
    let run = |engine: &str| {
        crate::fixtures::run_ok(&[
            "matrix",
            "--from",
            "xian,almaty,tashkent,baku,mersin",
            "--to",
            "duisburg,tehran,xian,karachi",
            "--engine",
            engine,
        ])
    };
    let times = |csv: String| -> Vec<Option<f64>> {
        csv.lines()
            .skip(1)
            .map(|line| line.split(',').nth(3).and_then(|t| t.parse().ok()))
            .collect()
    };
    let (ch, plain) = (times(run("ch")), times(run("dijkstra")));
    assert_eq!(ch.len(), 20);
    assert_eq!(ch.len(), plain.len());
    for (a, b) in ch.iter().zip(&plain) {
        assert_eq!(a.is_some(), b.is_some());
        if let (Some(a), Some(b)) = (a, b) {
            assert!((a - b).abs() <= 1e-3 * b.max(1.0), "{a} vs {b}");
        }
    }
}

/// `shuffle` (`corridor generate --shuffle`) writes the same network in another order:
/// every best route between places found by coordinate has the same metrics, on a
/// synthetic network and on the built-in one; the generated folder loads back.
#[test]
fn shuffled_networks_answer_as_the_ordered_ones() {
    use corridor::synthetic::shuffle;
    let builtin = corridor::builtin::network().unwrap().network;
    for ordered in [
        generate(Synthetic {
            places: 400,
            seed: 3,
        }),
        builtin,
    ] {
        let shuffled = shuffle(&ordered, 11);
        assert_eq!(shuffled.legs().len(), ordered.legs().len());
        // The same place is where the same coordinate is, for places whose coordinate
        // no other place has (sea waypoints may share one); only those are sampled.
        let by_coord = |network: &Network| {
            let mut index: std::collections::HashMap<(u64, u64), Vec<PlaceId>> =
                std::collections::HashMap::new();
            for p in (0..network.places().len() as u32).map(PlaceId) {
                let c = network.place(p).coord;
                index
                    .entry((c.lat.to_bits(), c.lon.to_bits()))
                    .or_default()
                    .push(p);
            }
            index
        };
        let index = by_coord(&shuffled);
        let key = |p: PlaceId| {
            let c = ordered.place(p).coord;
            (c.lat.to_bits(), c.lon.to_bits())
        };
        let moved = |p: PlaceId| index[&key(p)][0];
        let n = ordered.places().len() as u32;
        let sample: Vec<PlaceId> = (0..n)
            .map(PlaceId)
            .filter(|&p| index[&key(p)].len() == 1)
            .step_by((n as usize / 12).max(1))
            .collect();
        let moved_sample: Vec<PlaceId> = sample.iter().map(|&p| moved(p)).collect();
        // The objective's value; other metrics may differ between equally good routes.
        for (objective, value) in [
            (
                Objective::Cost,
                (|c: &route::Cell| c.metrics.cost_usd) as fn(&route::Cell) -> f64,
            ),
            (Objective::Time, |c: &route::Cell| c.metrics.time_h),
        ] {
            let profile = Profile::new(objective);
            let a = route::matrix(&Graph::new(&ordered, &profile), &sample, &sample);
            let b = route::matrix(
                &Graph::new(&shuffled, &profile),
                &moved_sample,
                &moved_sample,
            );
            for i in 0..sample.len() {
                for j in 0..sample.len() {
                    let (x, y) = (a.cell(i, j), b.cell(i, j));
                    assert_eq!(x.is_some(), y.is_some(), "{objective} {i} {j}");
                    if let (Some(x), Some(y)) = (x, y) {
                        assert!(close(value(&x), value(&y)), "{objective} {i} {j}");
                    }
                }
            }
        }
        // Ids no longer follow the lines.
        let in_line_order = (0..n as usize)
            .filter(|&i| *shuffled.places()[i].id == format!("n{i}"))
            .count();
        assert!(
            in_line_order < 10,
            "{in_line_order} ids still in line order"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("net");
    let out = out.to_str().unwrap();
    crate::fixtures::run_ok(&["generate", "--places", "300", "--shuffle", "--output", out]);
    crate::fixtures::run_ok(&["--data", out, "validate"]);
}

/// Long work reports its stages and finishes each: the hierarchy's states, then the
/// matrix's origins (what the CLI's progress bar shows).
#[test]
fn matrices_report_their_progress() {
    use std::sync::Mutex;
    #[derive(Default)]
    struct Log(Mutex<Vec<(String, u64, u64)>>);
    impl corridor::engine::Progress for Log {
        fn stage(&self, name: &str, total: u64) {
            self.0.lock().unwrap().push((name.to_owned(), total, 0));
        }
        fn advance(&self, units: u64) {
            self.0.lock().unwrap().last_mut().unwrap().2 += units;
        }
    }
    let network = generate(Synthetic {
        places: 2_000,
        seed: 5,
    });
    let engine = corridor::Engine::new(network);
    let from: Vec<PlaceId> = (0..40).map(PlaceId).collect();
    let to: Vec<PlaceId> = (100..110).map(PlaceId).collect();
    let profile = Profile::new(Objective::Time);
    for ch in [false, true] {
        let log = Log::default();
        let matrix = engine.matrix_reporting(&profile, &from, &to, ch, &log);
        assert_eq!(matrix, engine.matrix_of(&profile, &from, &to, ch));
        let stages = log.0.into_inner().unwrap();
        assert_eq!(stages.len(), if ch { 2 } else { 1 });
        for (name, total, done) in &stages {
            assert_eq!(total, done, "{name}: {done} of {total}");
        }
        assert_eq!(stages.last().unwrap().1, 40);
    }
}

/// A network written to CSV (with its network.toml) and loaded back through the loader,
/// its place ids renamed by `rename` on the way (ids must need no CSV quoting).
fn through_csv(network: &Network, rename: impl Fn(&str) -> String) -> Network {
    let mut files = [Vec::new(), Vec::new(), Vec::new()];
    corridor::io::write_nodes_csv(network, &mut files[0]).unwrap();
    corridor::io::write_legs_csv(network, &mut files[1]).unwrap();
    corridor::io::write_network_toml(network, &mut files[2]).unwrap();
    // The ids are the first cell of nodes.csv and the first two of legs.csv.
    for (file, ids) in [(0, 1), (1, 2)] {
        let text = String::from_utf8(std::mem::take(&mut files[file])).unwrap();
        let mut lines = text.lines();
        let mut out = format!("{}\n", lines.next().unwrap());
        for line in lines {
            let cells: Vec<&str> = line.splitn(ids + 1, ',').collect();
            let renamed: Vec<String> = cells[..ids].iter().map(|id| rename(id)).collect();
            out.push_str(&format!("{},{}\n", renamed.join(","), cells[ids]));
        }
        files[file] = out.into_bytes();
    }
    let source = |name, bytes| corridor::io::Source { name, bytes };
    corridor::io::load(corridor::io::Sources {
        nodes: source("nodes.csv", &files[0]),
        legs: source("legs.csv", &files[1]),
        network_toml: Some(source("network.toml", &files[2])),
    })
    .unwrap()
    .network
}

/// The weight searches give a leg of a network without transfers (a synthetic one), by
/// time, cost or distance: the independent cost model's weight of its figures.
fn search_weight(objective: Objective, leg: &corridor::Leg) -> f64 {
    let figures = corridor::Metrics {
        distance_km: leg.distance_km,
        time_h: leg.time_h,
        cost_usd: leg.cost_usd,
        co2_kg: 0.0,
    };
    oracle::weigh(objective, &figures, 0.0)
}

/// The place graph of a network whose legs all run both ways (a synthetic one), for
/// petgraph: one node per place, two edges per leg weighted by `weight`.
fn place_graph(
    network: &Network,
    weight: impl Fn(&corridor::Leg) -> f64,
) -> petgraph::graph::DiGraph<(), f64> {
    use petgraph::graph::{DiGraph, NodeIndex};
    let mut graph = DiGraph::<(), f64>::new();
    for _ in network.places() {
        graph.add_node(());
    }
    for leg in network.legs() {
        let (x, y) = (
            NodeIndex::new(leg.from.index()),
            NodeIndex::new(leg.to.index()),
        );
        graph.add_edge(x, y, weight(leg));
        graph.add_edge(y, x, weight(leg));
    }
    graph
}

/// Searches on graphs larger than a core's L2 cache prefetch the arcs of the states they
/// are about to settle (more than 2^16 arcs; smaller graphs run without): one-to-all
/// weights and cells, matrix rows that stop at their last target, and routes on such a
/// graph equal petgraph's Dijkstra on the place graph (a synthetic network has no
/// transfers, so both have the same weights).
#[test]
fn issue_18_searches_on_large_graphs_match_petgraph() {
    use petgraph::algo::dijkstra;
    use petgraph::graph::NodeIndex;
    let network = corridor::synthetic::shuffle(
        &generate(Synthetic {
            places: 24_000,
            seed: 7,
        }),
        3,
    );
    let graph = Graph::new(&network, &Profile::new(Objective::Time));
    assert!(graph.arc_count() > 1 << 16, "{} arcs", graph.arc_count());
    let reference = place_graph(&network, |leg| search_weight(Objective::Time, leg));
    let n = network.places().len() as u32;
    let sources: Vec<PlaceId> = [0, n / 3, n / 2, n - 1].into_iter().map(PlaceId).collect();
    let targets: Vec<PlaceId> = (0..n).step_by(1_999).map(PlaceId).collect();
    let matrix = route::matrix(&graph, &sources, &targets);
    for (row, &from) in sources.iter().enumerate() {
        let expected = dijkstra(&reference, NodeIndex::new(from.index()), None, |e| {
            *e.weight()
        });
        let want =
            |p: PlaceId| (p != from).then(|| expected.get(&NodeIndex::new(p.index())).copied());
        let weights = route::one_to_all_weights(&graph, from);
        let cells = route::one_to_all(&graph, from);
        for p in (0..n).map(PlaceId) {
            let Some(want) = want(p) else { continue };
            let (got, cell) = (weights[p.index()], cells[p.index()].map(|c| c.weight));
            assert_eq!(got.is_some(), want.is_some(), "{from:?} -> {p:?}");
            assert_eq!(cell.is_some(), want.is_some(), "{from:?} -> {p:?}");
            if let (Some(got), Some(cell), Some(want)) = (got, cell, want) {
                assert!(close(got, want), "{from:?} -> {p:?}: {got} against {want}");
                assert!(
                    close(cell, want),
                    "{from:?} -> {p:?}: {cell} against {want}"
                );
            }
        }
        for (column, &to) in targets.iter().enumerate() {
            let Some(want) = want(to) else { continue };
            let got = matrix.cells[row * targets.len() + column].map(|c| c.weight);
            assert_eq!(got.is_some(), want.is_some(), "matrix {from:?} -> {to:?}");
            if let (Some(got), Some(want)) = (got, want) {
                assert!(
                    close(got, want),
                    "matrix {from:?} -> {to:?}: {got} against {want}"
                );
            }
            let found = route::shortest(&graph, &Query::new(from, to));
            assert_eq!(found.is_some(), want.is_some(), "route {from:?} -> {to:?}");
            if let (Some(found), Some(want)) = (found, want) {
                assert!(
                    close(found.weight, want),
                    "route {from:?} -> {to:?}: {} against {want}",
                    found.weight
                );
            }
        }
    }
}

/// Issue 18: order does not matter. The same synthetic network written in grid order and
/// shuffled (ids and lines in random order, some ids longer than the loader keeps
/// inline), both loaded from CSV, compile to graphs of the same size and give the same
/// answers for places matched by coordinate: one-to-all weights (also against
/// petgraph's Dijkstra on the shuffled place graph), routes, plain and CH matrices;
/// and CH equals Dijkstra on the shuffled network.
#[test]
fn issue_18_shuffled_and_ordered_networks_give_the_same_answers() {
    use corridor::synthetic::shuffle;
    use petgraph::algo::dijkstra;
    use petgraph::graph::NodeIndex;
    let ordered = through_csv(
        &generate(Synthetic {
            places: 3000,
            seed: 18,
        }),
        str::to_owned,
    );
    // Long ids for a third of the places: the loader finds those through the places.
    let shuffled = through_csv(&shuffle(&ordered, 5), |id| {
        if id.len() % 3 == 0 {
            format!("a-place-with-a-long-id-{id}")
        } else {
            id.to_owned()
        }
    });
    assert!(shuffled.places().iter().any(|p| p.id.len() > 20));
    assert_eq!(shuffled.places().len(), ordered.places().len());
    let key = |network: &Network, p: PlaceId| {
        let c = network.place(p).coord;
        (c.lon.to_bits(), c.lat.to_bits())
    };
    let at: std::collections::HashMap<_, _> = (0..shuffled.places().len() as u32)
        .map(|p| (key(&shuffled, PlaceId(p)), PlaceId(p)))
        .collect();
    assert_eq!(at.len(), shuffled.places().len(), "coordinates are unique");
    let moved = |p: PlaceId| at[&key(&ordered, p)];
    let sample: Vec<PlaceId> = (0..3000).step_by(97).map(PlaceId).collect();
    let moved_sample: Vec<PlaceId> = sample.iter().map(|&p| moved(p)).collect();
    for objective in [Objective::Time, Objective::Cost, Objective::Distance] {
        let profile = Profile::new(objective);
        let (a, b) = (
            Graph::new(&ordered, &profile),
            Graph::new(&shuffled, &profile),
        );
        assert_eq!(a.state_count(), b.state_count());
        assert_eq!(a.arc_count(), b.arc_count());
        // One-to-all: both orders, and petgraph on the shuffled place graph (no
        // transfers on a synthetic network, so the place graph has the same weights).
        let reference = place_graph(&shuffled, |leg| search_weight(objective, leg));
        for &from in &sample[..4] {
            let ours = route::one_to_all_weights(&a, from);
            let theirs = route::one_to_all_weights(&b, moved(from));
            let petgraph = dijkstra(&reference, NodeIndex::new(moved(from).index()), None, |e| {
                *e.weight()
            });
            for p in (0..ordered.places().len() as u32).map(PlaceId) {
                let (x, y) = (ours[p.index()], theirs[moved(p).index()]);
                let z = petgraph.get(&NodeIndex::new(moved(p).index())).copied();
                assert_eq!(x.is_some(), y.is_some(), "{objective} {p:?}");
                assert_eq!(y.is_some() || moved(p) == moved(from), z.is_some());
                if let (Some(x), Some(y)) = (x, y) {
                    assert!(close(x, y), "{objective} {p:?}: ordered {x}, shuffled {y}");
                    if let Some(z) = z.filter(|_| moved(p) != moved(from)) {
                        assert!(close(y, z), "{objective} {p:?}: ours {y}, petgraph {z}");
                    }
                }
            }
        }
        // Routes, plain matrices and CH matrices.
        for (&from, &to) in sample.iter().zip(sample.iter().rev()).take(8) {
            let x = route::shortest(&a, &Query::new(from, to)).map(|r| r.weight);
            let y = route::shortest(&b, &Query::new(moved(from), moved(to))).map(|r| r.weight);
            assert_eq!(x.is_some(), y.is_some());
            if let (Some(x), Some(y)) = (x, y) {
                assert!(close(x, y), "{objective}: route {x} vs {y}");
            }
        }
        let plain = route::matrix(&a, &sample, &sample);
        let hierarchy = Hierarchy::new(&b);
        let fast = ch::matrix(&hierarchy, &b, &moved_sample, &moved_sample);
        let slow = route::matrix(&b, &moved_sample, &moved_sample);
        cells_agree(&shuffled, &profile, &slow, &fast).unwrap();
        for (x, y) in plain.cells.iter().zip(&fast.cells) {
            assert_eq!(x.is_some(), y.is_some());
            if let (Some(x), Some(y)) = (x, y) {
                assert!(
                    close(x.weight, y.weight),
                    "{objective}: {} vs {}",
                    x.weight,
                    y.weight
                );
            }
        }
        let pairs = sample
            .iter()
            .zip(sample.iter().skip(1))
            .map(|(&x, &y)| (moved(x), moved(y)));
        check_pairs(&shuffled, &profile, pairs).unwrap();
    }
}
