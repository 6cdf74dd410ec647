//! Exact Pareto sets over 2–4 criteria (multi-objective label setting).

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};

use super::search::{Layered, Node};
use super::{Query, Route};
use crate::graph::{Arc, Criterion, DirLeg, Graph};
use crate::model::PlaceId;

/// Labels created before the search gives up (keeps memory bounded on huge networks).
pub const MAX_LABELS: usize = 5_000_000;

/// Why a Pareto set could not be computed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParetoError {
    /// Fewer than two criteria, or one given twice.
    #[error("pareto needs 2 to 4 distinct criteria among distance, time, cost, co2")]
    BadCriteria,
    /// The search created more than [`MAX_LABELS`] labels.
    #[error(
        "the pareto search gave up after {MAX_LABELS} labels; restrict the network (e.g. --corridor) or use fewer criteria"
    )]
    TooManyLabels,
}

struct Label {
    values: [i64; 4],
    node: Node,
    parent: u32,
    leg: DirLeg,
}

const ROOT: u32 = u32::MAX;

/// Every non-dominated route from `query.from` to `query.to` (via `query.via`) over
/// `criteria`, one route per distinct point, sorted by the criteria lexicographically.
///
/// A route is listed unless another is at least as good in every criterion and better in
/// one. Criteria are compared in millionths of their unit (summed as integers), so two
/// routes whose totals differ only by floating-point rounding count as the same point. Martins' label-setting algorithm on the layered state graph: labels leave a
/// priority queue in lexicographic order, so a label that is not dominated by the
/// settled labels at its node (or by a destination label) when it leaves is
/// non-dominated. Arc metrics are non-negative, so no (stage, state) node repeats
/// within a route. The profile's constraints apply; its objective is ignored.
pub fn pareto(
    graph: &Graph<'_>,
    query: &Query,
    criteria: &[Criterion],
) -> Result<Vec<Route>, ParetoError> {
    let n = criteria.len();
    if !(2..=4).contains(&n) || (0..n).any(|i| criteria[i + 1..].contains(&criteria[i])) {
        return Err(ParetoError::BadCriteria);
    }
    if query.from == query.to
        && query.via.iter().all(|&v| v == query.from)
        && !graph.corridor_required()
    {
        return Ok(graph
            .allows_place(query.from)
            .then(|| Route::from_legs(graph, query, &[]))
            .into_iter()
            .collect());
    }
    // Through the via places if any route passes through them, else turning back where
    // it must (as `shortest` does).
    let layered = Layered::new(graph, query);
    let through = layered.passes_through();
    let routes = front(graph, query, layered, criteria)?;
    if routes.is_empty() && through {
        return front(
            graph,
            query,
            Layered::new(graph, query).allowing_turns(),
            criteria,
        );
    }
    Ok(routes)
}

/// The Pareto front of `query` on `layered` (see [`pareto`]).
fn front(
    graph: &Graph<'_>,
    query: &Query,
    layered: Layered<'_, '_>,
    criteria: &[Criterion],
) -> Result<Vec<Route>, ParetoError> {
    let mut search = LabelSearch {
        layered,
        criteria,
        labels: Vec::new(),
        settled: HashMap::new(),
        results: Vec::new(),
        heap: BinaryHeap::new(),
    };
    let origin_stage = search.layered.origin_stage();
    for arc in graph.departures(query.from) {
        search.extend(origin_stage, query.from, [0; 4], ROOT, arc)?;
    }
    while let Some(Entry { index, .. }) = search.heap.pop() {
        let label = &search.labels[index as usize];
        let (values, node) = (label.values, label.node);
        if search.dominated(node, &values) {
            continue;
        }
        search.settled.entry(node).or_default().push(index);
        let (stage, state) = search.layered.split(node);
        if search.layered.is_target(stage, state) {
            search.results.push(index);
            continue;
        }
        let tail = graph.state_place(state);
        let back = search.layered.no_return(node);
        for arc in graph.arcs(state) {
            if search.layered.may_leave(back, arc.head) {
                search.extend(stage, tail, values, index, arc)?;
            }
        }
    }
    let labels = &search.labels;
    Ok(search
        .results
        .iter()
        .map(|&index| {
            let mut legs = Vec::new();
            let mut at = index;
            while at != ROOT {
                legs.push(labels[at as usize].leg);
                at = labels[at as usize].parent;
            }
            legs.reverse();
            Route::from_legs(graph, query, &legs)
        })
        .collect())
}

struct LabelSearch<'g, 'n, 'c> {
    layered: Layered<'g, 'n>,
    criteria: &'c [Criterion],
    labels: Vec<Label>,
    settled: HashMap<Node, Vec<u32>>,
    results: Vec<u32>,
    heap: BinaryHeap<Entry>,
}

impl LabelSearch<'_, '_, '_> {
    /// Whether a destination label or a settled label at `node` is at least as good as
    /// `values` in every criterion.
    fn dominated(&self, node: Node, values: &[i64; 4]) -> bool {
        let n = self.criteria.len();
        let covered = |list: &[u32]| {
            list.iter()
                .any(|&i| covers(&self.labels[i as usize].values, values, n))
        };
        covered(&self.results) || self.settled.get(&node).is_some_and(|list| covered(list))
    }

    /// Queues the label reached from `base` (at `tail` in `stage`) along `arc`, unless
    /// dominated.
    fn extend(
        &mut self,
        stage: usize,
        tail: PlaceId,
        base: [i64; 4],
        parent: u32,
        arc: Arc,
    ) -> Result<(), ParetoError> {
        let mut values = base;
        for (value, &criterion) in values.iter_mut().zip(self.criteria) {
            *value = value.saturating_add(micros(arc.metrics.get(criterion)));
        }
        let Some(node) = self.layered.enter(stage, tail, arc.head) else {
            return Ok(());
        };
        if self.dominated(node, &values) {
            return Ok(());
        }
        if self.labels.len() >= MAX_LABELS {
            return Err(ParetoError::TooManyLabels);
        }
        let index = self.labels.len() as u32;
        self.labels.push(Label {
            values,
            node,
            parent,
            leg: arc.leg,
        });
        self.heap.push(Entry {
            values,
            n: self.criteria.len(),
            index,
        });
        Ok(())
    }
}

/// A quantity in millionths of its unit, so sums are exact and equal points compare
/// equal whatever the order of the legs.
fn micros(value: f64) -> i64 {
    (value * 1e6).round() as i64
}

/// `a` is at least as good as `b` in each of the first `n` values.
fn covers(a: &[i64; 4], b: &[i64; 4], n: usize) -> bool {
    (0..n).all(|i| a[i] <= b[i])
}

/// Heap entry: smallest values first (lexicographic), then oldest label.
struct Entry {
    values: [i64; 4],
    n: usize,
    index: u32,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Entry {}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        for i in 0..self.n {
            match other.values[i].cmp(&self.values[i]) {
                Ordering::Equal => {}
                unequal => return unequal,
            }
        }
        other.index.cmp(&self.index)
    }
}
