//! The k best loopless routes (Yen's algorithm on the layered state graph).

use std::collections::HashSet;

use super::search::{Bans, Layered, Node, Start};
use super::{Query, Route, shortest};
use crate::graph::{DirLeg, Graph, Link};
use crate::model::{Mode, PlaceId};

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
    let mut found: Vec<Route> = Vec::new();
    if k == 0 {
        return found;
    }
    let Some(first) = shortest(graph, query) else {
        return found;
    };
    if first.legs.is_empty() {
        return vec![first];
    }
    // The deviations keep to the rule the first route kept: passing through the via
    // places, unless it had to turn back at one.
    let layered = Layered::new(graph, query);
    let layered = if walk(&layered, &first.dir_legs()).is_some() {
        layered
    } else {
        layered.allowing_turns()
    };
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
