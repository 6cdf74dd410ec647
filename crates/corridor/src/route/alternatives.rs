//! The k best loopless routes (Yen's algorithm on the layered state graph).

use std::collections::HashSet;

use super::search::{Bans, Layered, Node, Start};
use super::{Query, Route, shortest};
use crate::graph::{DirLeg, Graph, Link};
use crate::model::{LegId, Mode, Network, PlaceId};

/// Up to `k` best routes in order of the objective, each loopless per place: no place is
/// visited twice (between two via places; a transfer at a place is not a second visit),
/// and distinct as sequences of places with the modes between them (two parallel legs of
/// the same mode between the same places make one route). The first is `shortest`'s
/// route when it is loopless.
///
/// Yen's algorithm on the layered state graph: each further path deviates from a
/// previous one at some node (its spur), avoiding the legs other paths took there and
/// the places of the shared prefix. Paths come out in order of weight; those that revisit
/// a place or repeat an earlier route's places and modes are skipped (still deviated
/// from), so the routes returned are exactly the k best that qualify. At most
/// `20 k + 100` paths are examined, so on networks where almost every path loops fewer
/// than `k` routes may be returned. O(k · n · search) where n is the number of legs of a
/// route. Among equal-weight candidates the smaller sequence of leg ids comes first; the
/// answer is deterministic.
pub fn alternatives(graph: &Graph<'_>, query: &Query, k: usize) -> Vec<Route> {
    let (first, layered) = match opening(graph, query, k) {
        Ok(opening) => opening,
        Err(answer) => return answer,
    };
    let mut found: Vec<Route> = Vec::new();
    let budget = k.saturating_mul(20).saturating_add(100);
    let mut seen: HashSet<Vec<DirLeg>> = HashSet::new();
    let mut shapes: HashSet<Vec<(PlaceId, Option<Mode>)>> = HashSet::new();
    // Every path taken from the candidates, qualifying or not: each is deviated from.
    let mut popped: Vec<Vec<DirLeg>> = Vec::new();
    let mut candidates: Vec<Route> = Vec::new();
    let mut next = Some(first);
    while let Some(route) = next.take() {
        let legs = route.dir_legs();
        seen.insert(legs.clone());
        let Some(walk) = walk(&layered, &legs) else {
            break;
        };
        if loopless(&layered, &walk) && shapes.insert(route.stops(graph.network())) {
            found.push(route);
        }
        popped.push(legs);
        if found.len() >= k || popped.len() >= budget {
            break;
        }
        let previous = &popped[popped.len() - 1];
        for spur in 0..previous.len() {
            let root = &previous[..spur];
            let mut bans = Bans::default();
            for legs in &popped {
                if legs.len() > spur && legs[..spur] == *root {
                    bans.first_legs.insert(legs[spur]);
                }
            }
            // The places of the prefix, each in the stage it was visited in (the
            // origin's states in its stage are never re-entered anyway).
            for &(node, _) in &walk[..spur] {
                let (stage, state) = layered.split(node);
                let place = graph.state_place(state);
                bans.nodes.extend(layered.nodes_at(stage, place));
            }
            let start = if spur == 0 {
                Start::Origin
            } else {
                Start::Node(walk[spur - 1].0, walk[spur - 1].1)
            };
            let Some((_, tail)) = layered.search(start, &bans) else {
                continue;
            };
            let legs: Vec<DirLeg> = root.iter().copied().chain(tail).collect();
            if seen.insert(legs.clone()) {
                candidates.push(Route::from_legs(graph, query, &legs));
            }
        }
        let best = candidates
            .iter()
            .enumerate()
            .min_by(|(_, a), (_, b)| {
                a.weight
                    .total_cmp(&b.weight)
                    .then_with(|| a.dir_legs().cmp(&b.dir_legs()))
            })
            .map(|(i, _)| i);
        next = best.map(|i| candidates.swap_remove(i));
    }
    found
}

/// The best route and the layered graph the other routes are searched in, or the whole
/// answer when it is known already (no route wanted, none at all, or origin =
/// destination). The other routes keep to the rule the best one kept: passing through
/// the via places, unless it had to turn back at one.
fn opening<'g, 'n>(
    graph: &'g Graph<'n>,
    query: &'g Query,
    k: usize,
) -> Result<(Route, Layered<'g, 'n>), Vec<Route>> {
    if k == 0 {
        return Err(Vec::new());
    }
    let first = shortest(graph, query).ok_or_else(Vec::new)?;
    if first.legs.is_empty() {
        return Err(vec![first]);
    }
    let layered = Layered::new(graph, query);
    let layered = if walk(&layered, &first.dir_legs()).is_some() {
        layered
    } else {
        layered.allowing_turns()
    };
    Ok((first, layered))
}

/// How much each use of a leg by a route found adds to the factor on its weight in the
/// next searches of [`distinct_alternatives`].
const PENALTY: f64 = 0.5;

/// Up to `k` routes that differ: every two routes returned share at most `max_shared`
/// (a share, 0 to 1) of the kilometres of the shorter of the two, legs travelled in
/// either direction counting as shared. A planner's alternatives: other crossings and
/// corridors, not the best route with a detour through a neighbouring town.
///
/// The penalty method: after the best route, `10 k + 20` searches run in which every leg
/// of each path found before weighs half its weight more (penalties add up). Of the
/// routes found that visit no place twice (as in [`alternatives`]), best first by their
/// true weight, each is kept when it shares little enough with every better one kept,
/// up to `k`: so the first is the best route when it visits no place twice, and each
/// further one is the best route found that differs from those before it. A heuristic:
/// the searches need not find the best route sharing so little, and fewer than `k`
/// routes may be returned where the network offers no other way. When every path found
/// visits a place twice, the answer is [`alternatives`]' first route.
pub fn distinct_alternatives(
    graph: &Graph<'_>,
    query: &Query,
    k: usize,
    max_shared: f64,
) -> Vec<Route> {
    let (first, layered) = match opening(graph, query, k) {
        Ok(opening) => opening,
        Err(answer) => return answer,
    };
    let network = graph.network();
    let mut factors = vec![1.0; network.legs().len()];
    let mut seen: HashSet<Vec<DirLeg>> = HashSet::new();
    let mut legs = first.dir_legs();
    seen.insert(legs.clone());
    // Every route found that visits no place twice; chosen from below.
    let mut candidates: Vec<Route> = Vec::new();
    if walk(&layered, &legs).is_some_and(|path| loopless(&layered, &path)) {
        candidates.push(first);
    }
    for _ in 0..k.saturating_mul(10).saturating_add(20) {
        for leg in &legs {
            factors[leg.leg().index()] += PENALTY;
        }
        let Some((_, next)) = layered.search_penalised(Start::Origin, &Bans::default(), &factors)
        else {
            break;
        };
        legs = next;
        if !seen.insert(legs.clone()) {
            continue;
        }
        if walk(&layered, &legs).is_some_and(|path| loopless(&layered, &path)) {
            candidates.push(Route::from_legs(graph, query, &legs));
        }
    }
    if candidates.is_empty() {
        // Every path the searches found went through a place twice: the best route that
        // does not, if there is one.
        return alternatives(graph, query, 1);
    }
    // Best first, each kept when it shares little enough with every better one kept.
    candidates.sort_by(|a, b| {
        a.weight
            .total_cmp(&b.weight)
            .then_with(|| a.dir_legs().cmp(&b.dir_legs()))
    });
    let mut found: Vec<Route> = Vec::new();
    for route in candidates {
        let apart = |kept: &Route| {
            let shorter = kept.totals.distance_km.min(route.totals.distance_km);
            shared_km(network, kept, &route) <= max_shared * shorter
        };
        if found.len() < k && found.iter().all(apart) {
            found.push(route);
        }
    }
    found
}

/// The kilometres of the legs two routes both travel (in either direction), each leg
/// counted once.
fn shared_km(network: &Network, a: &Route, b: &Route) -> f64 {
    let theirs: HashSet<LegId> = b.legs.iter().map(|l| l.leg.leg()).collect();
    let mut counted: HashSet<LegId> = HashSet::new();
    a.legs
        .iter()
        .map(|l| l.leg.leg())
        .filter(|&leg| theirs.contains(&leg) && counted.insert(leg))
        .map(|leg| network.leg(leg).distance_km)
        .sum()
}

/// Whether a path visits no place twice in the same stage (the origin counts as visited
/// in the origin stage).
fn loopless(layered: &Layered<'_, '_>, walk: &[(Node, f64)]) -> bool {
    let graph = layered.graph;
    let mut visited: HashSet<(usize, PlaceId)> = HashSet::new();
    visited.insert((layered.origin_stage(), layered.query.from));
    walk.iter().all(|&(node, _)| {
        let (stage, state) = layered.split(node);
        visited.insert((stage, graph.state_place(state)))
    })
}
/// The layered nodes reached after each leg of `legs`, with the cost so far; `None` if
/// the legs are not a path of the layered graph (one turns back at a via place where
/// that is left out).
fn walk(layered: &Layered<'_, '_>, legs: &[DirLeg]) -> Option<Vec<(Node, f64)>> {
    let graph = layered.graph;
    let mut out = Vec::with_capacity(legs.len());
    let mut stage = layered.origin_stage();
    let mut cost = 0.0;
    let mut at: Option<Node> = None;
    let mut tail = layered.query.from;
    for &leg in legs {
        let link = match at {
            None => graph
                .departures(layered.query.from)
                .map(Link::from)
                .find(|a| a.leg == leg)?,
            Some(node) => layered.links(node).find(|a| a.leg == leg)?,
        };
        cost += link.weight;
        let node = layered.enter(stage, tail, link.head)?;
        stage = layered.split(node).0;
        tail = graph.state_place(link.head);
        at = Some(node);
        out.push((node, cost));
    }
    Some(out)
}
