//! The k best loopless routes (Yen's algorithm on the layered state graph).

use std::collections::HashSet;

use super::search::{Bans, Layered, Node, Start};
use super::{Query, Route, shortest};
use crate::graph::{DirLeg, Graph};

/// Up to `k` best routes in order of the objective, each loopless: no node of the
/// search (via stage + place + arrival mode/gauge, + whether a restricting corridor was
/// used) is entered twice, and the origin is never re-entered before the first via
/// place. The first is [`shortest`]'s route.
///
/// Yen's algorithm: each further route deviates from a previous one at some node (its
/// spur), avoiding the legs other routes took there and the nodes of the shared prefix.
/// O(k · n · search) where n is the number of legs of a route. Among equal-weight
/// candidates the smaller sequence of leg ids comes first; the answer is deterministic.
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
    let layered = Layered::new(graph, query);
    let mut seen: HashSet<Vec<DirLeg>> = HashSet::new();
    seen.insert(first.dir_legs());
    found.push(first);
    let mut candidates: Vec<Route> = Vec::new();
    while found.len() < k {
        let previous = found[found.len() - 1].dir_legs();
        let Some(walk) = walk(&layered, &previous) else {
            break;
        };
        for spur in 0..previous.len() {
            let root = &previous[..spur];
            let mut bans = Bans::default();
            for route in &found {
                let legs = route.dir_legs();
                if legs.len() > spur && legs[..spur] == *root {
                    bans.first_legs.insert(legs[spur]);
                }
            }
            bans.nodes
                .extend(walk[..spur].iter().map(|&(node, _)| node));
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
        match best {
            Some(i) => found.push(candidates.swap_remove(i)),
            None => break,
        }
    }
    found
}

/// The layered nodes reached after each leg of `legs`, with the cost so far.
fn walk(layered: &Layered<'_, '_>, legs: &[DirLeg]) -> Option<Vec<(Node, f64)>> {
    let graph = layered.graph;
    let mut out = Vec::with_capacity(legs.len());
    let mut stage = layered.origin_stage();
    let mut cost = 0.0;
    let mut state = None;
    for &leg in legs {
        let arc = match state {
            None => graph
                .departures(layered.query.from)
                .find(|a| a.leg == leg)?,
            Some(s) => graph.arcs(s).find(|a| a.leg == leg)?,
        };
        cost += arc.weight;
        stage = layered.advance(stage, graph.state_place(arc.head));
        state = Some(arc.head);
        out.push((layered.node(stage, arc.head), cost));
    }
    Some(out)
}
