//! Matrix rows for many graphs that differ only in their weights (Monte Carlo draws of one
//! network): label-correcting searches that scan the states in the order a Dijkstra
//! search settled them on a reference graph, with no priority queue.
//!
//! When a draw leaves that order a valid order of its own shortest-path tree (the usual
//! case: draws move a few waits and dwells), one scan over the states relaxes every arc
//! once, in the same sequence as Dijkstra would, and finds the same routes. Where a draw
//! reorders states, a state improved after its scan is queued and relaxed again (FIFO)
//! until nothing improves, which is exact for non-negative weights (Bellman–Ford's
//! argument); only the choice among equal-weight routes may then differ from Dijkstra's.

use std::collections::VecDeque;

use super::kernel::{Kernel, ROOT};
use super::matrix::{Cell, best_at};
use crate::graph::{Graph, Metrics, StateId};
use crate::model::PlaceId;
/// Position of a state the reference search never reached.
const UNORDERED: u32 = u32::MAX;

/// Rows from fixed origins to fixed destinations on graphs compiled from one network and
/// profile with different weights (same states and arcs). Build once from a reference
/// graph, then call [`ReorderedRows::row`] per graph and origin from any thread (each
/// thread with its own [`ReorderScratch`]).
#[derive(Clone, Debug)]
pub struct ReorderedRows {
    origins: Vec<PlaceId>,
    /// Per origin: states in the order the reference search settled them.
    orders: Vec<Vec<StateId>>,
    /// Per origin: each state's position in `orders`, or [`UNORDERED`].
    positions: Vec<Vec<u32>>,
    states: usize,
    arcs: usize,
}

/// Per-thread search memory for [`ReorderedRows::row`].
#[derive(Debug, Default)]
pub struct ReorderScratch {
    dist: Vec<f64>,
    parent: Vec<(StateId, u32)>,
    queued: Vec<bool>,
    queue: VecDeque<StateId>,
    departures: Vec<Metrics>,
    /// Metrics of states on the routes to this row's targets, valid where `computed`
    /// equals `row`.
    metrics: Vec<Metrics>,
    computed: Vec<u32>,
    row: u32,
    path: Vec<StateId>,
}

impl ReorderedRows {
    /// Records, for each origin, the order in which Dijkstra settles the states of
    /// `reference` (a full search: every reachable state).
    pub fn new(reference: &Graph<'_>, origins: &[PlaceId]) -> ReorderedRows {
        let states = reference.state_count();
        let mut kernel = Kernel::new(states);
        let mut orders = Vec::with_capacity(origins.len());
        let mut positions = Vec::with_capacity(origins.len());
        for &from in origins {
            kernel.reset();
            for s in reference.states_of(from) {
                kernel.block(s);
            }
            let departures = reference.departures(from);
            kernel.relax::<false>(
                ROOT,
                0.0,
                departures.map(|arc| (arc.head, arc.weight, 0)),
                |_| 0.0,
            );
            kernel.run::<false, _>(
                |state| {
                    reference
                        .hot_arcs(state)
                        .iter()
                        .map(|a| (a.head, a.weight, 0))
                },
                |_| 0.0,
                |_, _| false,
            );
            let order = kernel.settled().to_vec();
            let mut position = vec![UNORDERED; states];
            for (i, &s) in order.iter().enumerate() {
                position[s as usize] = i as u32;
            }
            orders.push(order);
            positions.push(position);
        }
        ReorderedRows {
            origins: origins.to_vec(),
            orders,
            positions,
            states,
            arcs: reference.arc_count(),
        }
    }

    /// The origins, in the order given to [`ReorderedRows::new`].
    #[cfg_attr(not(feature = "internals"), allow(dead_code))] // used by tests
    pub fn origins(&self) -> &[PlaceId] {
        &self.origins
    }

    /// Appends to `out` the cells from origin number `origin` to each place of `to` on
    /// `graph` (the cells the plain matrix gives, up to the choice among equal-weight
    /// routes). `graph` must have the reference graph's states and arcs, with any
    /// non-negative weights.
    ///
    /// # Panics
    /// If `graph` has another number of states or arcs than the reference graph.
    pub fn row(
        &self,
        graph: &Graph<'_>,
        origin: usize,
        to: &[PlaceId],
        scratch: &mut ReorderScratch,
        out: &mut Vec<Option<Cell>>,
    ) {
        assert!(
            graph.state_count() == self.states && graph.arc_count() == self.arcs,
            "the graph is not shaped like the reference graph"
        );
        let from = self.origins[origin];
        let (order, position) = (&self.orders[origin], &self.positions[origin]);
        if scratch.dist.len() != self.states {
            *scratch = ReorderScratch {
                dist: vec![f64::INFINITY; self.states],
                parent: vec![(ROOT, 0); self.states],
                queued: vec![false; self.states],
                metrics: vec![Metrics::ZERO; self.states],
                computed: vec![0; self.states],
                ..ReorderScratch::default()
            };
        } else {
            scratch.dist.fill(f64::INFINITY);
        }
        let ReorderScratch {
            dist,
            parent,
            queued,
            queue,
            departures,
            ..
        } = scratch;
        queue.clear();
        // The origin's states are never entered (routes do not come back to it).
        for state in graph.states_of(from) {
            dist[state as usize] = f64::NEG_INFINITY;
        }
        departures.clear();
        for (i, arc) in graph.departures(from).enumerate() {
            departures.push(arc.metrics);
            let head = arc.head as usize;
            if arc.weight < dist[head] {
                dist[head] = arc.weight;
                parent[head] = (ROOT, i as u32);
                if position[head] == UNORDERED && !queued[head] {
                    queued[head] = true;
                    queue.push_back(arc.head);
                }
            }
        }
        // One scan in the reference order; a state improved after its turn is queued.
        for (k, &state) in order.iter().enumerate() {
            if dist[state as usize].is_finite() {
                relax(graph, state, dist, parent, queued, queue, |head| {
                    let p = position[head];
                    p == UNORDERED || p as usize <= k
                });
            }
        }
        // Corrections until nothing improves.
        while let Some(state) = queue.pop_front() {
            queued[state as usize] = false;
            relax(graph, state, dist, parent, queued, queue, |_| true);
        }
        scratch.row = scratch.row.wrapping_add(1);
        if scratch.row == 0 {
            scratch.computed.fill(0);
            scratch.row = 1;
        }
        for &place in to {
            out.push(self.cell(graph, from, place, scratch));
        }
    }

    /// The best cell at `place` ([`best_at`]) with the metrics of the route found to it,
    /// summed from the origin leg by leg.
    fn cell(
        &self,
        graph: &Graph<'_>,
        from: PlaceId,
        place: PlaceId,
        s: &mut ReorderScratch,
    ) -> Option<Cell> {
        let ReorderScratch {
            dist,
            parent,
            departures,
            metrics,
            computed,
            row,
            path,
            ..
        } = s;
        best_at(graph, from, place, dist, |state| {
            // Up the parents to a state whose metrics this row already has (or the
            // origin), then down again adding each arc's metrics: every state is summed
            // once per row.
            path.clear();
            let mut at = state;
            while computed[at as usize] != *row {
                path.push(at);
                debug_assert!(path.len() <= self.states, "parent pointers form a cycle");
                let (tail, _) = parent[at as usize];
                if tail == ROOT {
                    break;
                }
                at = tail;
            }
            while let Some(at) = path.pop() {
                let (tail, index) = parent[at as usize];
                metrics[at as usize] = if tail == ROOT {
                    departures[index as usize]
                } else {
                    metrics[tail as usize] + graph.arc_at(tail, index as usize).metrics
                };
                computed[at as usize] = *row;
            }
            metrics[state as usize]
        })
    }
}

/// Relaxes the arcs leaving `state`; an improved head is queued (once) when `requeue`
/// says its turn has passed.
fn relax(
    graph: &Graph<'_>,
    state: StateId,
    dist: &mut [f64],
    parent: &mut [(StateId, u32)],
    queued: &mut [bool],
    queue: &mut VecDeque<StateId>,
    requeue: impl Fn(usize) -> bool,
) {
    let here = dist[state as usize];
    for (i, arc) in graph.hot_arcs(state).iter().enumerate() {
        let next = here + arc.weight;
        let head = arc.head as usize;
        if next < dist[head] {
            dist[head] = next;
            parent[head] = (state, i as u32);
            if !queued[head] && requeue(head) {
                queued[head] = true;
                queue.push_back(arc.head);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::route::MatrixRows;
    use crate::{Objective, Profile, builtin, scenario};

    /// Same weights as Dijkstra's rows on the built-in network under draws of the shipped
    /// uncertainty scenario and under other objectives (which reorder the states
    /// completely, so the corrections do all the work); same metrics where no two routes
    /// tie.
    #[test]
    fn rows_equal_dijkstra_rows() {
        let network = builtin::network().unwrap().network;
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../data/scenarios/uncertainty.toml"
        );
        let file = scenario::parse(path, &std::fs::read(path).unwrap()).unwrap();
        let applied = scenario::apply(&network, &[file]).unwrap();
        let hubs: Vec<PlaceId> = (0..network.places().len() as u32)
            .map(PlaceId)
            .filter(|&p| network.place(p).kind.is_hub())
            .collect();
        let profile = Profile::new(Objective::Time);
        let reference = Graph::new(&applied.network, &profile);
        let rows = ReorderedRows::new(&reference, &hubs);
        let mut plain = MatrixRows::default();
        let mut scratch = ReorderScratch::default();
        let (mut fast, mut slow) = (Vec::new(), Vec::new());
        // Metrics are compared where routes do not tie: by time (hours with fractions);
        // by cost many routes tie to the dollar.
        let mut compare = |graph: &Graph<'_>, metrics: bool| {
            for (i, &origin) in hubs.iter().enumerate() {
                fast.clear();
                slow.clear();
                rows.row(graph, i, &hubs, &mut scratch, &mut fast);
                plain.row(graph, origin, &hubs, &mut slow);
                assert_eq!(fast.len(), hubs.len());
                for (a, b) in fast.iter().zip(&slow) {
                    assert_eq!(a.map(|c| c.weight), b.map(|c| c.weight));
                    if metrics {
                        assert_eq!(a, b);
                    }
                }
            }
        };
        let mut drawn = applied.network.clone();
        for i in 0..20 {
            scenario::draw_into(&applied.network, &applied.uncertain, 5, i, &mut drawn);
            compare(&Graph::new(&drawn, &profile), true);
        }
        for objective in [Objective::Cost, Objective::Generalized] {
            compare(
                &Graph::new(&applied.network, &Profile::new(objective)),
                false,
            );
        }
    }
}
