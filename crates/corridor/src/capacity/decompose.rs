//! Splitting a demand's arc flows into routes with volumes.

use std::collections::HashMap;

use super::instance::{Instance, Solution};
use crate::graph::{DirLeg, StateId};

/// Volumes below this (TEU per year) are rounding noise.
const NOISE: f64 = 1e-6;

/// The routes of demand `k` and their volumes, found by repeatedly following the arcs
/// that carry the most flow from the origin to the destination and taking the smallest
/// flow on the way. Cycles (possible only through zero-weight arcs) are cancelled.
/// Deterministic: ties go to the lower arc index.
pub(crate) fn paths(
    instance: &Instance<'_, '_>,
    solution: &Solution,
    k: usize,
) -> Vec<(Vec<DirLeg>, f64)> {
    let arcs = &instance.commodities[k].arcs;
    let mut left: Vec<f64> = solution.flows[k].clone();
    let mut out: HashMap<Option<StateId>, Vec<usize>> = HashMap::new();
    for (i, arc) in arcs.iter().enumerate() {
        out.entry(arc.tail).or_default().push(i);
    }
    let heaviest = |left: &[f64], from: Option<StateId>| -> Option<usize> {
        out.get(&from)?
            .iter()
            .copied()
            .filter(|&i| left[i] > NOISE)
            .max_by(|&a, &b| left[a].total_cmp(&left[b]).then(b.cmp(&a)))
    };
    let mut routes: Vec<(Vec<DirLeg>, f64)> = Vec::new();
    let limit = arcs.len() + 1;
    'paths: for _ in 0..arcs.len().max(1) * 4 {
        let Some(first) = heaviest(&left, None) else {
            break;
        };
        let mut path = vec![first];
        let mut visited: Vec<StateId> = Vec::new();
        while !arcs[*path.last().unwrap_or(&first)].ends {
            let at = arcs[*path.last().unwrap_or(&first)].head;
            if let Some(start) = visited.iter().position(|&s| s == at) {
                // A cycle: cancel it and start over.
                let cycle = &path[start + 1..];
                let amount = cycle.iter().map(|&i| left[i]).fold(f64::INFINITY, f64::min);
                for &i in cycle {
                    left[i] -= amount;
                }
                continue 'paths;
            }
            visited.push(at);
            match heaviest(&left, Some(at)) {
                Some(next) if path.len() < limit => path.push(next),
                _ => {
                    // Flow stuck by rounding: drop it.
                    for &i in &path {
                        left[i] = 0.0;
                    }
                    continue 'paths;
                }
            }
        }
        let amount = path.iter().map(|&i| left[i]).fold(f64::INFINITY, f64::min);
        for &i in &path {
            left[i] -= amount;
        }
        let legs: Vec<DirLeg> = path.iter().map(|&i| arcs[i].leg).collect();
        match routes.iter_mut().find(|(l, _)| *l == legs) {
            Some((_, volume)) => *volume += amount,
            None => routes.push((legs, amount)),
        }
    }
    routes.retain(|(_, volume)| *volume > NOISE);
    routes
}
