//! Routing checked against independent references: petgraph on plain graphs, brute-force
//! enumeration with a cost model written from the documentation on multimodal graphs,
//! and hand-computed fixture routes for each transfer kind.

use corridor::graph::{Criterion, TransferKind};
use corridor::route::ch::{ChQuery, Hierarchy};
use corridor::route::{self, Blocker, Query};
use corridor::{Graph, Leg, Metrics, Network, Objective, PlaceId, Profile, Route};
use petgraph::algo::{bellman_ford, dijkstra};
use petgraph::graph::{DiGraph, NodeIndex};
use proptest::prelude::*;
use proptest::strategy::ValueTree;

use crate::fixtures;
use crate::oracle::{self, close, covers, walk_metrics, walks};
use crate::random::{self, Shape};

const MULTIMODAL: Shape = Shape {
    places: 3..=5,
    legs: 2..=7,
    plain: false,
};
const PLAIN: Shape = Shape {
    places: 2..=25,
    legs: 1..=60,
    plain: true,
};
const WALK_LIMIT: usize = 200_000;

fn place(network: &Network, id: &str) -> PlaceId {
    network.place_by_id(id).unwrap()
}

fn operational(leg: &Leg) -> bool {
    leg.status == corridor::Status::Operational
}

/// Every route's invariants: connected legs from origin to destination, totals equal to
/// legs plus transfers, weight equal to the objective of the totals, and metrics equal
/// to the independent cost model.
pub fn check_route(network: &Network, route: &Route, profile: &Profile) {
    let mut at = route.from;
    for leg in &route.legs {
        assert_eq!(leg.from, at, "legs are not connected");
        at = leg.to;
    }
    assert_eq!(at, route.to, "the route does not end at its destination");
    let legs = route
        .legs
        .iter()
        .fold(Metrics::default(), |s, l| s + l.metrics);
    let transfers = route.transfers.iter().fold(Metrics::default(), |mut s, t| {
        s.time_h += t.transfer.time_h;
        s.cost_usd += t.transfer.cost_usd;
        s
    });
    let sum = legs + transfers;
    assert!(close(sum.time_h, route.totals.time_h));
    assert!(close(sum.cost_usd, route.totals.cost_usd));
    assert!(close(sum.distance_km, route.totals.distance_km));
    assert!(close(sum.co2_kg, route.totals.co2_kg));
    let steps: Vec<oracle::Step> = route
        .legs
        .iter()
        .map(|l| (l.leg.leg(), l.leg.is_reverse()))
        .collect();
    let reference = oracle::walk_metrics_booked(network, &steps, profile.booked_departure);
    assert!(
        close(reference.time_h, route.totals.time_h),
        "{reference:?} vs {:?}",
        route.totals
    );
    assert!(
        close(reference.cost_usd, route.totals.cost_usd),
        "{reference:?} vs {:?}",
        route.totals
    );
    let vot = profile.value_of_time(network);
    assert!(close(
        route.weight,
        oracle::weigh(profile.objective, &route.totals, vot)
    ));
}

/// The places of a walk in order, each with the mode of the leg that reached it.
fn walk_shape(
    network: &Network,
    from: PlaceId,
    steps: &[oracle::Step],
) -> Vec<(PlaceId, Option<corridor::Mode>)> {
    std::iter::once((from, None))
        .chain(steps.iter().map(|&step| {
            (
                oracle::ends(network, step).1,
                Some(network.leg(step.0).mode),
            )
        }))
        .collect()
}

fn pairs(network: &Network) -> Vec<(PlaceId, PlaceId)> {
    let n = network.places().len() as u32;
    (0..n)
        .flat_map(|a| (0..n).map(move |b| (PlaceId(a), PlaceId(b))))
        .filter(|(a, b)| a != b)
        .collect()
}

proptest! {
    #![proptest_config(crate::fixtures::proptest_config(96))]

    /// Without transfers the state graph is the place graph: shortest routes and
    /// one-to-all weights equal petgraph's Dijkstra and Bellman–Ford.
    #[test]
    fn plain_graphs_match_petgraph(network in random::network(PLAIN), objective in prop::sample::select(Objective::ALL.to_vec())) {
        let profile = Profile::new(objective);
        let graph = Graph::new(&network, &profile);
        let vot = profile.value_of_time(&network);
        let n = network.places().len();
        let mut reference: DiGraph<(), f64> = DiGraph::new();
        for _ in 0..n {
            reference.add_node(());
        }
        for leg in network.legs() {
            let m = Metrics { distance_km: leg.distance_km, time_h: leg.time_h, cost_usd: leg.cost_usd, co2_kg: network.leg_co2_kg(leg) };
            let w = oracle::weigh(objective, &m, vot);
            reference.add_edge(NodeIndex::new(leg.from.index()), NodeIndex::new(leg.to.index()), w);
            if !leg.one_way {
                reference.add_edge(NodeIndex::new(leg.to.index()), NodeIndex::new(leg.from.index()), w);
            }
        }
        for source in [0, n / 2, n - 1] {
            let expected = dijkstra(&reference, NodeIndex::new(source), None, |e| *e.weight());
            let bf = bellman_ford(&reference, NodeIndex::new(source)).unwrap();
            let all = route::one_to_all(&graph, PlaceId(source as u32));
            for (target, cell) in all.iter().enumerate() {
                let want = expected.get(&NodeIndex::new(target)).copied();
                prop_assert_eq!(want.is_some(), bf.distances[target].is_finite());
                if let Some(w) = want {
                    prop_assert!(close(w, bf.distances[target]));
                }
                let got = cell.map(|c| c.weight);
                prop_assert_eq!(got.is_some(), want.is_some(), "one-to-all reachability {}->{}", source, target);
                if let (Some(g), Some(w)) = (got, want) {
                    prop_assert!(close(g, w), "one-to-all {} vs petgraph {}", g, w);
                }
                if source != target {
                    let query = Query::new(PlaceId(source as u32), PlaceId(target as u32));
                    let found = route::shortest(&graph, &query);
                    prop_assert_eq!(found.is_some(), want.is_some());
                    if let (Some(route), Some(w)) = (found, want) {
                        prop_assert!(close(route.weight, w), "shortest {} vs petgraph {}", route.weight, w);
                        check_route(&network, &route, &profile);
                    }
                }
            }
        }
    }

    /// With transfers, borders, unions and waits: shortest equals the best enumerated
    /// walk under the independent cost model, and the matrix agrees; door to door and
    /// from a booked departure.
    #[test]
    fn shortest_matches_brute_force(network in random::network(MULTIMODAL), objective in prop::sample::select(Objective::ALL.to_vec()), booked in any::<bool>()) {
        matches_brute_force(&network, objective, booked)?;
    }

    /// Issue 18: the same on the network with its places and legs in another order and
    /// its ids renamed (the graph numbers states in a locality order of its own).
    #[test]
    fn shuffled_networks_match_brute_force(network in random::network(MULTIMODAL), seed in any::<u64>(), objective in prop::sample::select(Objective::ALL.to_vec())) {
        matches_brute_force(&corridor::synthetic::shuffle(&network, seed), objective, false)?;
    }

    /// Routes equal on the objective are ranked by the tie-break the documentation
    /// states (hours, or USD for routes by time), whatever the order of the network's
    /// files: the route, the matrix cell and the CH route have the best objective of all
    /// walks and, among the walks equal to it, the smallest tie-break.
    #[test]
    fn ties_go_to_the_faster_route(network in random::network_with_ties(MULTIMODAL), objective in prop::sample::select(Objective::ALL.to_vec()), seed in any::<u64>(), shuffled in any::<bool>()) {
        let network = if shuffled { corridor::synthetic::shuffle(&network, seed) } else { network };
        check_ties(&network, objective)?;
    }

    /// Via places: the best walk through them in order, passing through each (not
    /// leaving it back to the place it came from, not coming back to it) unless no walk
    /// does.
    #[test]
    fn via_matches_brute_force(network in random::network(MULTIMODAL), objective in prop::sample::select(Objective::ALL.to_vec()), picks in prop::collection::vec(0usize..5, 3)) {
        let n = network.places().len();
        let (from, via, to) = (PlaceId((picks[0] % n) as u32), PlaceId((picks[1] % n) as u32), PlaceId((picks[2] % n) as u32));
        let profile = Profile::new(objective);
        let graph = Graph::new(&network, &profile);
        let vot = profile.value_of_time(&network);
        let Some(all) = walks(&network, &operational, from, to, &[via], WALK_LIMIT) else { return Ok(()) };
        let all = oracle::via_walks(&network, &all, from, &[via]);
        let best = all.iter().map(|w| oracle::weigh(objective, &walk_metrics(&network, &w.steps), vot)).min_by(f64::total_cmp);
        let query = Query { from, to, via: vec![via] };
        let found = route::shortest(&graph, &query);
        if from == to && via == from {
            return Ok(());
        }
        prop_assert_eq!(found.is_some(), best.is_some());
        if let (Some(route), Some(best)) = (found, best) {
            prop_assert!(close(route.weight, best), "via: {} vs brute force {}", route.weight, best);
            check_route(&network, &route, &profile);
            prop_assert!(route.places().contains(&via));
        }
    }

    /// Yen: the k best loopless routes have exactly the k smallest weights among the
    /// loopless walks, in order, and are distinct.
    #[test]
    fn alternatives_match_brute_force(network in random::network(MULTIMODAL), objective in prop::sample::select(Objective::ALL.to_vec())) {
        let profile = Profile::new(objective);
        let graph = Graph::new(&network, &profile);
        let vot = profile.value_of_time(&network);
        for (from, to) in pairs(&network).into_iter().take(6) {
            let Some(all) = walks(&network, &operational, from, to, &[], WALK_LIMIT) else { continue };
            // Loopless per place (no place visited twice), and one route per sequence of
            // places with modes: the best walk of each shape.
            let mut best_of_shape: std::collections::HashMap<Vec<(PlaceId, Option<corridor::Mode>)>, f64> = Default::default();
            for w in &all {
                let shape = walk_shape(&network, from, &w.steps);
                let mut places: Vec<PlaceId> = shape.iter().map(|s| s.0).collect();
                places.sort();
                places.dedup();
                if places.len() != shape.len() {
                    continue;
                }
                let weight = oracle::weigh(objective, &walk_metrics(&network, &w.steps), vot);
                let entry = best_of_shape.entry(shape).or_insert(f64::INFINITY);
                *entry = entry.min(weight);
            }
            let mut expected: Vec<f64> = best_of_shape.into_values().collect();
            expected.sort_by(f64::total_cmp);
            let k = 6;
            let found = route::alternatives(&graph, &Query::new(from, to), k);
            prop_assert_eq!(found.len(), expected.len().min(k));
            for (route, want) in found.iter().zip(&expected) {
                prop_assert!(close(route.weight, *want), "alternative {} vs brute force {}", route.weight, want);
                check_route(&network, route, &profile);
                let steps: Vec<oracle::Step> = route.legs.iter().map(|l| (l.leg.leg(), l.leg.is_reverse())).collect();
                let shape = walk_shape(&network, from, &steps);
                let mut places: Vec<PlaceId> = shape.iter().map(|s| s.0).collect();
                places.sort();
                places.dedup();
                prop_assert_eq!(places.len(), shape.len(), "alternative revisits a place");
            }
            let mut shapes: Vec<_> = found.iter().map(|r| {
                let steps: Vec<oracle::Step> = r.legs.iter().map(|l| (l.leg.leg(), l.leg.is_reverse())).collect();
                walk_shape(&network, from, &steps)
            }).collect();
            shapes.sort();
            shapes.dedup();
            prop_assert_eq!(shapes.len(), found.len(), "two alternatives with the same places and modes");
            let mut seen: Vec<Vec<corridor::graph::DirLeg>> = found.iter().map(Route::dir_legs).collect();
            seen.sort();
            seen.dedup();
            prop_assert_eq!(seen.len(), found.len(), "duplicate alternatives");
        }
    }

    /// Distinct alternatives (the penalty method, a heuristic, so checked on what it
    /// promises): the first is the best route; every route is valid, visits no place
    /// twice and is listed once; every two share at most the share asked of the shorter
    /// one's kilometres (each leg counted once, either direction); best first; at most k.
    #[test]
    fn distinct_alternatives_share_at_most_what_is_asked(network in random::network(MULTIMODAL), objective in prop::sample::select(Objective::ALL.to_vec()), share in prop_oneof![Just(0.0), 0.0f64..0.99], k in 1usize..6) {
        let profile = Profile::new(objective);
        let graph = Graph::new(&network, &profile);
        for (from, to) in pairs(&network).into_iter().take(6) {
            let query = Query::new(from, to);
            let found = route::distinct_alternatives(&graph, &query, k, share);
            let best = route::shortest(&graph, &query);
            // Some route is found whenever a route that visits no place twice exists.
            prop_assert_eq!(found.is_empty(), route::alternatives(&graph, &query, 1).is_empty());
            let (Some(best), false) = (best, found.is_empty()) else { continue };
            prop_assert!(found.len() <= k);
            let visits_once = |route: &Route| {
                let steps: Vec<oracle::Step> = route.legs.iter().map(|l| (l.leg.leg(), l.leg.is_reverse())).collect();
                let shape = walk_shape(&network, from, &steps);
                let mut places: Vec<PlaceId> = shape.iter().map(|s| s.0).collect();
                places.sort();
                places.dedup();
                places.len() == shape.len()
            };
            if visits_once(&best) {
                prop_assert!(close(found[0].weight, best.weight), "first {} vs best {}", found[0].weight, best.weight);
            }
            for route in &found {
                check_route(&network, route, &profile);
                prop_assert!(visits_once(route), "a distinct alternative revisits a place");
            }
            for pair in found.windows(2) {
                prop_assert!(pair[0].weight <= pair[1].weight, "not best first");
            }
            for (i, a) in found.iter().enumerate() {
                for b in &found[..i] {
                    prop_assert!(a.dir_legs() != b.dir_legs(), "listed twice");
                    let theirs: std::collections::HashSet<_> = b.legs.iter().map(|l| l.leg.leg()).collect();
                    let mine: std::collections::HashSet<_> = a.legs.iter().map(|l| l.leg.leg()).collect();
                    let shared: f64 = mine.intersection(&theirs).map(|&leg| network.leg(leg).distance_km).sum();
                    let shorter = a.totals.distance_km.min(b.totals.distance_km);
                    prop_assert!(shared <= share * shorter + 1e-9, "{} km shared of {} km (share {})", shared, shorter, share);
                }
            }
        }
    }

    /// Yen through a via place: the k best routes that pass through it (all routes
    /// through it when none passes through), each visiting no place twice between via
    /// places, one per sequence of places and modes.
    #[test]
    fn alternatives_via_match_brute_force(network in random::network(MULTIMODAL), objective in prop::sample::select(Objective::ALL.to_vec()), picks in prop::collection::vec(0usize..5, 3)) {
        let n = network.places().len();
        let (from, via, to) = (PlaceId((picks[0] % n) as u32), PlaceId((picks[1] % n) as u32), PlaceId((picks[2] % n) as u32));
        if from == to || via == from || via == to {
            return Ok(());
        }
        let profile = Profile::new(objective);
        let graph = Graph::new(&network, &profile);
        let vot = profile.value_of_time(&network);
        let Some(all) = walks(&network, &operational, from, to, &[via], WALK_LIMIT) else { return Ok(()) };
        let all = oracle::via_walks(&network, &all, from, &[via]);
        // Loopless between via places: no (stage, place) twice.
        let loopless = |steps: &[oracle::Step]| {
            let mut stage = 0;
            let mut seen = vec![(0, from)];
            for &step in steps {
                let place = oracle::ends(&network, step).1;
                if place == via && stage == 0 {
                    stage = 1;
                }
                if seen.contains(&(stage, place)) {
                    return false;
                }
                seen.push((stage, place));
            }
            true
        };
        let mut best_of_shape: std::collections::HashMap<Vec<(PlaceId, Option<corridor::Mode>)>, f64> = Default::default();
        for w in all.iter().filter(|w| loopless(&w.steps)) {
            let weight = oracle::weigh(objective, &walk_metrics(&network, &w.steps), vot);
            let entry = best_of_shape.entry(walk_shape(&network, from, &w.steps)).or_insert(f64::INFINITY);
            *entry = entry.min(weight);
        }
        let mut expected: Vec<f64> = best_of_shape.into_values().collect();
        expected.sort_by(f64::total_cmp);
        let k = 4;
        let query = Query { from, to, via: vec![via] };
        let found = route::alternatives(&graph, &query, k);
        prop_assert_eq!(found.len(), expected.len().min(k), "{:?} vs {:?}", found.iter().map(|r| r.weight).collect::<Vec<_>>(), expected);
        for (route, want) in found.iter().zip(&expected) {
            prop_assert!(close(route.weight, *want), "alternative via {} vs brute force {}", route.weight, want);
            check_route(&network, route, &profile);
            let steps: Vec<oracle::Step> = route.legs.iter().map(|l| (l.leg.leg(), l.leg.is_reverse())).collect();
            prop_assert!(loopless(&steps), "alternative revisits a place");
        }
    }

    /// Pareto: exactly the non-dominated points of all walks, one route per point.
    #[test]
    fn pareto_matches_brute_force(network in random::network(MULTIMODAL), three in any::<bool>()) {
        let criteria: Vec<Criterion> = if three { vec![Criterion::Time, Criterion::Cost, Criterion::Co2] } else { vec![Criterion::Time, Criterion::Cost] };
        let profile = Profile::new(Objective::Time);
        let graph = Graph::new(&network, &profile);
        for (from, to) in pairs(&network).into_iter().take(6) {
            let Some(all) = walks(&network, &operational, from, to, &[], WALK_LIMIT) else { continue };
            let found = route::pareto(&graph, &Query::new(from, to), &criteria).unwrap();
            same_front(&network, all.iter(), &found, &criteria)?;
            for route in &found {
                check_route(&network, route, &profile);
            }
        }
    }

    /// Pareto through a via place: the non-dominated walks that pass through it (or all
    /// walks through it when none passes through), as for the best route.
    #[test]
    fn pareto_via_matches_brute_force(network in random::network(MULTIMODAL), picks in prop::collection::vec(0usize..5, 3)) {
        let n = network.places().len();
        let (from, via, to) = (PlaceId((picks[0] % n) as u32), PlaceId((picks[1] % n) as u32), PlaceId((picks[2] % n) as u32));
        if from == to && via == from {
            return Ok(());
        }
        let criteria = [Criterion::Time, Criterion::Cost];
        let profile = Profile::new(Objective::Time);
        let graph = Graph::new(&network, &profile);
        let Some(all) = walks(&network, &operational, from, to, &[via], WALK_LIMIT) else { return Ok(()) };
        let all = oracle::via_walks(&network, &all, from, &[via]);
        let query = Query { from, to, via: vec![via] };
        let found = route::pareto(&graph, &query, &criteria).unwrap();
        same_front(&network, all.iter().copied(), &found, &criteria)?;
        for route in &found {
            check_route(&network, route, &profile);
            prop_assert!(route.places().contains(&via));
        }
    }
}

/// Checks that the points of `found` are exactly the non-dominated points of `walks` over
/// `criteria`, one route per point.
fn same_front<'w>(
    network: &Network,
    walks: impl Iterator<Item = &'w oracle::Walk>,
    found: &[Route],
    criteria: &[Criterion],
) -> Result<(), TestCaseError> {
    let points: Vec<Vec<f64>> = walks
        .map(|w| {
            let m = walk_metrics(network, &w.steps);
            criteria.iter().map(|&c| oracle::criterion(&m, c)).collect()
        })
        .collect();
    let mut front: Vec<Vec<f64>> = Vec::new();
    for p in &points {
        let beaten = points.iter().any(|q| covers(q, p) && !covers(p, q));
        if !beaten && !front.iter().any(|f| covers(f, p) && covers(p, f)) {
            front.push(p.clone());
        }
    }
    let got: Vec<Vec<f64>> = found
        .iter()
        .map(|r| {
            criteria
                .iter()
                .map(|&c| oracle::criterion(&r.totals, c))
                .collect()
        })
        .collect();
    prop_assert_eq!(
        got.len(),
        front.len(),
        "pareto {:?} vs brute force {:?}",
        got,
        front
    );
    for p in &front {
        prop_assert!(
            got.iter().any(|g| covers(g, p) && covers(p, g)),
            "missing point {:?} in {:?}",
            p,
            got
        );
    }
    Ok(())
}

#[test]
fn caspian_crossing_charges_each_transfer_where_it_happens() {
    let network = fixtures::network("caspian");
    let profile = Profile::new(Objective::Time);
    let graph = Graph::new(&network, &profile);
    let query = Query::new(place(&network, "ganja"), place(&network, "beyneu"));
    let route = route::shortest(&graph, &query).unwrap();
    // 12 rail + 20 handling + 24 wait (half of 48) + 2 exit + 22 ferry + 30 entry
    // + 10 handling + 14 rail.
    assert_eq!(route.totals.time_h, 134.0);
    assert_eq!(
        route.totals.cost_usd,
        300.0 + 150.0 + 10.0 + 400.0 + 200.0 + 100.0 + 350.0
    );
    assert_eq!(route.totals.distance_km, 1250.0);
    let events: Vec<(String, &str, f64, f64, usize)> = route
        .transfers
        .iter()
        .map(|t| {
            (
                network.place(t.transfer.place).id.to_string(),
                t.transfer.kind.as_str(),
                t.transfer.time_h,
                t.transfer.cost_usd,
                t.after_legs,
            )
        })
        .collect();
    assert_eq!(
        events,
        [
            ("baku".to_owned(), "mode-change", 20.0, 150.0, 1),
            ("baku".to_owned(), "wait", 24.0, 0.0, 1),
            ("baku".to_owned(), "border-exit", 2.0, 10.0, 1),
            ("aktau".to_owned(), "border-entry", 30.0, 200.0, 2),
            ("aktau".to_owned(), "mode-change", 10.0, 100.0, 2),
        ]
    );
    assert_eq!(
        route
            .countries
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>(),
        ["AZ", "KZ"]
    );
    check_route(&network, &route, &profile);
}

/// Changing ship at a port is a transshipment charged the port's handling (besides the
/// wait for the next sailing); sailing past a waypoint is neither.
#[test]
fn changing_ship_at_a_port_is_a_transshipment() {
    let nodes = "id,name,country,kind,lat,lon,mode_change_h,mode_change_usd,source\n\
        a,A,AA,port,10,60,,,t\n\
        hub,Hub,AA,port,10,61,24,150,t\n\
        strait,Strait,AA,waypoint,10,62,7,70,t\n\
        b,B,AA,port,10,63,,,t\n";
    let legs = "from,to,mode,distance_km,time_h,cost_usd,headway_h,source\n\
        a,hub,sea,120,5,10,24,t\n\
        hub,strait,sea,120,5,10,48,t\n\
        strait,b,sea,120,5,10,,t\n";
    let network = fixtures::load_text(nodes, legs, None).unwrap().network;
    let graph = Graph::new(&network, &Profile::new(Objective::Time));
    let route = route::shortest(
        &graph,
        &Query::new(place(&network, "a"), place(&network, "b")),
    )
    .unwrap();
    let events: Vec<(&str, &str, f64, f64)> = route
        .transfers
        .iter()
        .map(|t| {
            (
                &*network.place(t.transfer.place).id,
                t.transfer.kind.as_str(),
                t.transfer.time_h,
                t.transfer.cost_usd,
            )
        })
        .collect();
    assert_eq!(
        events,
        [
            ("a", "wait", 12.0, 0.0),
            ("hub", "transshipment", 24.0, 150.0),
            ("hub", "wait", 24.0, 0.0),
        ]
    );
    assert_eq!(route.totals.time_h, 15.0 + 12.0 + 24.0 + 24.0);
    assert_eq!(route.totals.cost_usd, 30.0 + 150.0);
    check_route(&network, &route, &Profile::new(Objective::Time));
}

/// A route via a place passes through it: it does not go there and back along the spur
/// (`North → City → Port → City`) but arrives by sea; nor does it go round a second
/// spur to leave the place another way (`City → Port → Quay → Port → City`).
#[test]
fn a_route_passes_through_its_via_places() {
    let network = fixtures::network("spur-port");
    let ids = |route: &Route| -> Vec<String> {
        route
            .places()
            .iter()
            .map(|&p| network.place(p).id.to_string())
            .collect()
    };
    let (north, port, inland) = (
        place(&network, "north"),
        place(&network, "port"),
        place(&network, "inland"),
    );
    let query = Query {
        from: north,
        to: inland,
        via: vec![port],
    };
    for objective in [Objective::Time, Objective::Cost] {
        let profile = Profile::new(objective);
        let graph = Graph::new(&network, &profile);
        let route = route::shortest(&graph, &query).unwrap();
        assert!(route.turns_back_at().is_empty());
        assert_eq!(
            ids(&route),
            ["north", "port", "city", "inland"],
            "{objective:?}"
        );
        check_route(&network, &route, &profile);
        if objective == Objective::Time {
            // Without the via place, the road is faster.
            let plain = route::shortest(&graph, &Query::new(north, inland)).unwrap();
            assert_eq!(ids(&plain), ["north", "city", "inland"]);
        }
        // The alternatives and the Pareto front keep to the same rule.
        let alternatives = route::alternatives(&graph, &query, 3);
        assert_eq!(ids(&alternatives[0]), ids(&route));
        for alternative in &alternatives {
            let places = ids(alternative);
            let at: Vec<usize> = (0..places.len()).filter(|&i| places[i] == "port").collect();
            assert_eq!(at.len(), 1, "{places:?}");
            assert_ne!(places[at[0] - 1], places[at[0] + 1], "{places:?}");
        }
        let front = route::pareto(&graph, &query, &[Criterion::Time, Criterion::Cost]).unwrap();
        assert!(!front.is_empty());
        for route in &front {
            assert_eq!(ids(route), ["north", "port", "city", "inland"]);
        }
    }
    // A place reached only along a spur is turned back at: no route passes through it.
    let quay = place(&network, "quay");
    let graph = Graph::new(&network, &Profile::new(Objective::Time));
    let dead_end = Query {
        from: north,
        to: inland,
        via: vec![quay],
    };
    let route = route::shortest(&graph, &dead_end).unwrap();
    assert_eq!(route.turns_back_at(), [(quay, place(&network, "port"))]);
    assert_eq!(
        ids(&route),
        ["north", "city", "port", "quay", "port", "city", "inland"]
    );
    let front = route::pareto(&graph, &dead_end, &[Criterion::Time, Criterion::Cost]).unwrap();
    assert!(front.iter().all(|r| r.places().contains(&quay)) && !front.is_empty());
    assert!(!route::alternatives(&graph, &dead_end, 2).is_empty());
}

#[test]
fn customs_union_lowers_border_dwell_and_fees() {
    let network = fixtures::network("caspian");
    let graph = Graph::new(&network, &Profile::new(Objective::Time));
    let query = Query::new(place(&network, "beyneu"), place(&network, "astrakhan"));
    let route = route::shortest(&graph, &query).unwrap();
    let entry = route
        .transfers
        .iter()
        .find(|t| matches!(t.transfer.kind, TransferKind::BorderEntry { .. }))
        .unwrap();
    assert_eq!((entry.transfer.time_h, entry.transfer.cost_usd), (4.0, 0.0));
    assert_eq!(route.totals.time_h, 14.0 + 4.0);
}

#[test]
fn sea_voyage_past_a_waypoint_waits_once() {
    let network = fixtures::network("caspian");
    let graph = Graph::new(&network, &Profile::new(Objective::Time));
    let query = Query::new(place(&network, "baku"), place(&network, "anzali"));
    let route = route::shortest(&graph, &query).unwrap();
    let waits: Vec<f64> = route
        .transfers
        .iter()
        .filter(|t| t.transfer.kind.as_str() == "wait")
        .map(|t| t.transfer.time_h)
        .collect();
    assert_eq!(waits, [48.0]);
    // 48 wait + 2 exit + 6 + 12 sea + 12 entry; no mode change at the origin.
    assert_eq!(route.totals.time_h, 80.0);
    assert_eq!(route.totals.cost_usd, 250.0);
}

#[test]
fn gauge_change_and_border_entry_on_the_triangle() {
    let network = fixtures::network("triangle");
    let graph = Graph::new(&network, &Profile::new(Objective::Cost));
    let route = route::shortest(
        &graph,
        &Query::new(place(&network, "a"), place(&network, "c")),
    )
    .unwrap();
    let kinds: Vec<&str> = route
        .transfers
        .iter()
        .map(|t| t.transfer.kind.as_str())
        .collect();
    assert_eq!(kinds, ["gauge-change", "border-exit", "border-entry"]);
    assert_eq!(route.totals.cost_usd, 400.0 + 300.0 + 100.0 + 100.0);
    // By time the road is faster: 12 h + 20 h border against 10 + 10 + 3 + 20.
    let fast = route::shortest(
        &Graph::new(&network, &Profile::new(Objective::Time)),
        &Query::new(place(&network, "a"), place(&network, "c")),
    )
    .unwrap();
    assert_eq!(fast.totals.time_h, 32.0);
    assert_eq!(fast.legs.len(), 1);
}

#[test]
fn constraints_exclude_what_they_name() {
    let network = fixtures::network("caspian");
    let (ganja, beyneu) = (place(&network, "ganja"), place(&network, "beyneu"));
    let query = Query::new(ganja, beyneu);
    let mut profile = Profile::new(Objective::Time);
    profile.avoid_modes = vec![corridor::Mode::Ferry];
    assert!(route::shortest(&Graph::new(&network, &profile), &query).is_none());
    assert_eq!(
        route::diagnose(&network, &profile, &query),
        [Blocker::AvoidedModes]
    );
    let mut profile = Profile::new(Objective::Time);
    profile.avoid_countries = vec![corridor::Country::parse("AZ").unwrap()];
    assert!(
        route::shortest(
            &Graph::new(&network, &profile),
            &Query::new(place(&network, "aktau"), beyneu)
        )
        .is_some()
    );
    assert_eq!(
        route::diagnose(&network, &profile, &query),
        [Blocker::AvoidedCountries]
    );
    let mut profile = Profile::new(Objective::Time);
    profile.avoid_places = vec![place(&network, "baku")];
    assert_eq!(
        route::diagnose(&network, &profile, &query),
        [Blocker::AvoidedPlaces]
    );
    let disconnected = Query::new(ganja, place(&network, "anzali"));
    assert!(
        route::shortest(
            &Graph::new(&network, &Profile::new(Objective::Time)),
            &disconnected
        )
        .is_some()
    );
}

#[test]
fn corridor_restriction_requires_a_corridor_leg() {
    let network = fixtures::network("triangle");
    let east = network.corridor_id("east").unwrap();
    let mut profile = Profile::new(Objective::Time);
    profile.only_corridors = vec![east];
    let query = Query::new(place(&network, "a"), place(&network, "c"));
    let route = route::shortest(&Graph::new(&network, &profile), &query).unwrap();
    // Unrestricted, the untagged road is fastest; restricted, the route must use the
    // east rail line.
    assert!(route.corridors.contains(&east));
    assert_eq!(route.totals.time_h, 43.0);
    let compared = route::compare(&network, &Profile::new(Objective::Time), &query);
    assert_eq!(compared.corridors.len(), 1);
    assert_eq!(compared.corridors[0].route, route);
    assert!(compared.unserved.is_empty());
}

#[test]
fn planned_legs_only_when_included() {
    let loaded = fixtures::load_text(
        "id,lat,lon\na,40,60\nb,40,61\n",
        "from,to,mode,distance_km,time_h,status\na,b,rail,90,2,planned\n",
        None,
    )
    .unwrap();
    let network = loaded.network;
    let query = Query::new(PlaceId(0), PlaceId(1));
    let profile = Profile::new(Objective::Time);
    assert!(route::shortest(&Graph::new(&network, &profile), &query).is_none());
    assert_eq!(
        route::diagnose(&network, &profile, &query),
        [Blocker::StatusExcluded]
    );
    assert!(route::shortest(&Graph::new(&network, &profile.include_planned()), &query).is_some());
}

#[test]
fn one_way_legs_are_one_way() {
    let loaded = fixtures::load_text(
        "id,lat,lon\na,40,60\nb,40,61\n",
        "from,to,mode,distance_km,time_h,one_way\na,b,road,90,2,true\n",
        None,
    )
    .unwrap();
    let graph = Graph::new(&loaded.network, &Profile::new(Objective::Time));
    assert!(route::shortest(&graph, &Query::new(PlaceId(0), PlaceId(1))).is_some());
    assert!(route::shortest(&graph, &Query::new(PlaceId(1), PlaceId(0))).is_none());
}

#[test]
fn matrix_is_identical_with_one_and_two_threads() {
    let network = corridor::builtin::network().unwrap().network;
    let graph = Graph::new(&network, &Profile::new(Objective::Generalized));
    let all: Vec<PlaceId> = (0..network.places().len() as u32).map(PlaceId).collect();
    let run = |threads: usize| rayon_pool(threads).install(|| route::matrix(&graph, &all, &all));
    let one = run(1);
    let two = run(2);
    assert!(one == two, "matrix differs between 1 and 2 threads");
}

fn rayon_pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
}

/// How much the tie-break of a route may exceed the smallest among the walks equal to
/// it on the objective: the search weighs the tie-break at 10^-8 of the objective, so
/// it tells apart tie-breaks that differ by more than the rounding of the objective's
/// sums (about 10^-12 of it) allows.
const TIE_SLACK: f64 = 1e-3;

/// [`ties_go_to_the_faster_route`]'s check for every pair of places; whether some pair
/// had walks equal on the objective and apart on the tie-break (so the check meant
/// something).
fn check_ties(network: &Network, objective: Objective) -> Result<bool, TestCaseError> {
    let profile = Profile::new(objective);
    let graph = Graph::new(network, &profile);
    let hierarchy = Hierarchy::new(&graph);
    let mut memory = ChQuery::new(&hierarchy);
    let vot = profile.value_of_time(network);
    let places: Vec<PlaceId> = (0..network.places().len() as u32).map(PlaceId).collect();
    let matrix = route::matrix(&graph, &places, &places);
    let mut tied = false;
    for (from, to) in pairs(network) {
        let Some(all) = walks(network, &operational, from, to, &[], WALK_LIMIT) else {
            continue;
        };
        let values: Vec<(f64, f64)> = all
            .iter()
            .map(|w| {
                let metrics = walk_metrics(network, &w.steps);
                (
                    oracle::objective(objective, &metrics, vot),
                    oracle::tie_break(objective, &metrics),
                )
            })
            .collect();
        let Some(best) = values.iter().map(|v| v.0).min_by(f64::total_cmp) else {
            continue;
        };
        // Equal up to the rounding of sums in another order.
        let equal = |value: f64| value - best <= 1e-12 * best.abs().max(1.0);
        let least = values
            .iter()
            .filter(|v| equal(v.0))
            .map(|v| v.1)
            .min_by(f64::total_cmp)
            .unwrap();
        tied |= values.iter().any(|v| equal(v.0) && v.1 > least + TIE_SLACK);
        let query = Query::new(from, to);
        let found = [
            (
                "shortest",
                route::shortest(&graph, &query).map(|r| r.totals),
            ),
            (
                "matrix",
                matrix.cell(from.index(), to.index()).map(|c| c.metrics),
            ),
            (
                "CH",
                hierarchy
                    .shortest(&graph, &mut memory, &query)
                    .map(|r| r.totals),
            ),
        ];
        for (what, metrics) in found {
            let Some(metrics) = metrics else {
                return Err(TestCaseError::fail(format!(
                    "{what}: no route {from:?} -> {to:?}"
                )));
            };
            let value = oracle::objective(objective, &metrics, vot);
            let tie = oracle::tie_break(objective, &metrics);
            prop_assert!(
                close(value, best),
                "{} {:?} -> {:?}: objective {} where the best walk has {}",
                what,
                from,
                to,
                value,
                best
            );
            prop_assert!(
                tie <= least + TIE_SLACK,
                "{} {:?} -> {:?}: tie-break {} where a walk as good on the objective has {}",
                what,
                from,
                to,
                tie,
                least
            );
        }
    }
    Ok(tied)
}

/// The random networks `ties_go_to_the_faster_route` draws do hold walks equal on the
/// objective and apart on the tie-break, so that test checks the tie-break and not only
/// the objective.
#[test]
fn random_networks_hold_ties_on_the_objective() {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = (
        random::network_with_ties(MULTIMODAL),
        prop::sample::select(Objective::ALL.to_vec()),
    );
    let mut tied = Vec::new();
    for _ in 0..100 {
        let (network, objective) = strategy.new_tree(&mut runner).unwrap().current();
        if check_ties(&network, objective).unwrap() {
            tied.push(objective);
        }
    }
    assert!(
        tied.len() >= 10,
        "only {} of 100 networks had ties",
        tied.len()
    );
}

/// Shortest routes and the matrix equal the best enumerated walk under the independent
/// cost model.
fn matches_brute_force(
    network: &Network,
    objective: Objective,
    booked: bool,
) -> Result<(), TestCaseError> {
    let mut profile = Profile::new(objective);
    profile.booked_departure = booked;
    let graph = Graph::new(network, &profile);
    let vot = profile.value_of_time(network);
    let places: Vec<PlaceId> = (0..network.places().len() as u32).map(PlaceId).collect();
    let matrix = route::matrix(&graph, &places, &places);
    for (from, to) in pairs(network) {
        let Some(all) = walks(network, &operational, from, to, &[], WALK_LIMIT) else {
            continue;
        };
        let best = all
            .iter()
            .map(|w| {
                let metrics = oracle::walk_metrics_booked(network, &w.steps, booked);
                oracle::weigh(objective, &metrics, vot)
            })
            .min_by(f64::total_cmp);
        let found = route::shortest(&graph, &Query::new(from, to));
        prop_assert_eq!(
            found.is_some(),
            best.is_some(),
            "reachability {:?}->{:?}",
            from,
            to
        );
        if let (Some(route), Some(best)) = (&found, best) {
            prop_assert!(
                close(route.weight, best),
                "shortest {} vs brute force {}",
                route.weight,
                best
            );
            check_route(network, route, &profile);
        }
        let cell = matrix.cell(from.index(), to.index());
        prop_assert_eq!(cell.is_some(), best.is_some());
        if let (Some(cell), Some(best)) = (cell, best) {
            prop_assert!(
                close(cell.weight, best),
                "matrix {} vs brute force {}",
                cell.weight,
                best
            );
        }
    }
    Ok(())
}
