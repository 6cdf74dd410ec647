//! One origin–destination pair as a min-cost flow: successive shortest paths with
//! Dijkstra on reduced costs (Johnson potentials), on the state graph transformed so that
//! capacities sit on single arcs.
//!
//! Transformation (`FlowNetwork`): an arc of a capacitated leg carries the leg's
//! capacity itself when it is the leg's only arc; when several arrival classes share the
//! leg, each goes tail → leg node (its weight, no limit) and one arc leg node → head
//! carries the capacity, so they share it. A capacitated place with a single state is
//! split into in → out with the place's capacity. Origin and destination capacities cap
//! the flow value.
//!
//! Potentials first: one Dijkstra backwards from the sink, stopped when the source is
//! settled at distance `H`, gives each settled node `H − h(v)` for its distance `h(v)` to
//! the sink and the others 0 — the distances to the sink, capped at `H`, as potentials.
//! With them every reduced cost is non-negative and a node's reduced distance from the
//! source is the detour a path through it costs, so the forward searches are A* searches
//! with an exact bound: they explore the nodes on near-shortest paths only.
//!
//! Then each round runs Dijkstra from the source on the residual network with reduced
//! costs (the crate's search kernel with a radix heap) and stops as soon as the sink is settled, at reduced distance `D`.
//! Settled nodes add `d(v) − D` to their potential and the others keep theirs (that is
//! `min(d(v), D)` for all, shifted by the constant `D`), which keeps every reduced cost
//! non-negative and costs only the nodes the round settled. The round sends as much as
//! its path allows. The flow after the last round is a min-cost flow of the largest
//! feasible value (≤ the demand), and the final potentials certify it: no residual arc
//! has a negative reduced cost.
//!
//! Complexity: O(m) to build, then O(R · (m' + n' log n')) for R rounds (at most one per
//! augmenting path), where n' and m' count the nodes a round settles and their arcs: those
//! whose detour is at most the round's `D`, often a small part of the network. All
//! arithmetic is in `f64`, exact when the weights, capacities and demand are integers
//! below 2^53. Ties follow the arc order of the instance, so the result is deterministic.

use super::instance::{Group, Instance, Solution};
use crate::graph::StateId;
use crate::route::kernel::{Kernel, ROOT, RadixQueue};

/// Whether the min-cost-flow solver applies: one demand, no corridor requirement, and no
/// capacitated place passed with more than one arrival class.
pub fn applies(instance: &Instance<'_, '_>) -> bool {
    if instance.commodities.len() != 1 || instance.graph.corridor_required() {
        return false;
    }
    let commodity = &instance.commodities[0];
    let mut classes: Vec<Option<StateId>> = vec![None; instance.group_count()];
    for arc in &commodity.arcs {
        if let Some(group) = arc.place_group
            && !arc.ends
            && *classes[group.0 as usize].get_or_insert(arc.head) != arc.head
        {
            return false;
        }
    }
    true
}

/// No node or arc (a sentinel inside this module).
const NONE: u32 = u32::MAX;

/// An arc of a [`FlowNetwork`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct FlowNetworkArc {
    pub(crate) tail: u32,
    pub(crate) head: u32,
    /// TEU per year; `f64::INFINITY` when unlimited.
    pub(crate) capacity: f64,
    /// The objective's weight per TEU.
    pub(crate) cost: f64,
}

/// The single-pair instance as a plain min-cost-flow network: send up to `value` from
/// `source` to `sink` along `arcs`, as much as possible, then as cheaply as possible.
/// What [`solve`] solves and [`super::dimacs`] exports.
#[derive(Clone, Debug)]
pub(crate) struct FlowNetwork {
    pub(crate) node_count: usize,
    pub(crate) source: u32,
    pub(crate) sink: u32,
    pub(crate) arcs: Vec<FlowNetworkArc>,
    /// The demand, capped by the origin's and the destination's capacities and the
    /// target volume.
    pub(crate) value: f64,
    /// The network arc that carries each commodity arc's flow (the tail → leg node arc
    /// for a shared leg).
    carrier: Vec<u32>,
}

impl FlowNetwork {
    /// Builds the network of the instance's only commodity with capacity `overrides`;
    /// `target` caps the value. O(arcs + states + groups).
    pub(crate) fn new(
        instance: &Instance<'_, '_>,
        overrides: &[(Group, f64)],
        target: Option<f64>,
    ) -> FlowNetwork {
        let commodity = &instance.commodities[0];
        let state_count = instance.graph.state_count();
        let group_count = instance.group_count();
        let mut network = FlowNetwork {
            node_count: 2,
            source: 0,
            sink: 1,
            arcs: Vec::with_capacity(commodity.arcs.len()),
            value: 0.0,
            carrier: Vec::with_capacity(commodity.arcs.len()),
        };
        // The place group of each state (from the arcs arriving there), and how many
        // arcs use each leg group.
        let mut state_group: Vec<Option<Group>> = vec![None; state_count];
        let mut leg_arcs: Vec<u32> = vec![0; group_count];
        for arc in &commodity.arcs {
            if !arc.ends {
                state_group[arc.head as usize] = arc.place_group;
            }
            if let Some(group) = arc.leg_group {
                leg_arcs[group.0 as usize] += 1;
            }
        }
        // State nodes: arrivals come into `entry`, departures leave from `exit` (the same
        // node unless the place is split for its capacity). Created on first use.
        let mut entry: Vec<u32> = vec![NONE; state_count];
        let mut exit: Vec<u32> = vec![NONE; state_count];
        let mut leg_node: Vec<u32> = vec![NONE; group_count];
        let mut state_node = |network: &mut FlowNetwork, state: StateId| -> (u32, u32) {
            let s = state as usize;
            if entry[s] == NONE {
                let a = network.node();
                entry[s] = a;
                exit[s] = match state_group[s] {
                    Some(group) => {
                        let b = network.node();
                        network.arc(a, b, instance.capacity_with(group, overrides), 0.0);
                        b
                    }
                    None => a,
                };
            }
            (entry[s], exit[s])
        };
        for arc in &commodity.arcs {
            let tail = match arc.tail {
                None => network.source,
                Some(state) => state_node(&mut network, state).1,
            };
            let head = if arc.ends {
                network.sink
            } else {
                state_node(&mut network, arc.head).0
            };
            let carrier = match arc.leg_group {
                None => network.arc(tail, head, f64::INFINITY, arc.weight),
                Some(group) if leg_arcs[group.0 as usize] == 1 => network.arc(
                    tail,
                    head,
                    instance.capacity_with(group, overrides),
                    arc.weight,
                ),
                Some(group) => {
                    let g = group.0 as usize;
                    if leg_node[g] == NONE {
                        leg_node[g] = network.node();
                        network.arc(
                            leg_node[g],
                            head,
                            instance.capacity_with(group, overrides),
                            0.0,
                        );
                    }
                    network.arc(tail, leg_node[g], f64::INFINITY, arc.weight)
                }
            };
            network.carrier.push(carrier);
        }
        let mut value = commodity.demand.volume_teu_per_year;
        if let Some(group) = commodity.origin_group {
            value = value.min(instance.capacity_with(group, overrides));
        }
        if let Some(&Some(group)) = commodity
            .arcs
            .iter()
            .find(|a| a.ends)
            .map(|a| &a.place_group)
        {
            value = value.min(instance.capacity_with(group, overrides));
        }
        if let Some(target) = target {
            value = value.min(target);
        }
        network.value = value;
        network
    }

    fn node(&mut self) -> u32 {
        self.node_count += 1;
        self.node_count as u32 - 1
    }

    fn arc(&mut self, tail: u32, head: u32, capacity: f64, cost: f64) -> u32 {
        self.arcs.push(FlowNetworkArc {
            tail,
            head,
            capacity,
            cost,
        });
        self.arcs.len() as u32 - 1
    }

    /// A min-cost flow of the largest value up to `value`: the flow on every arc.
    pub(crate) fn min_cost_flow(&self) -> Vec<f64> {
        let mut residual = Residual::new(self);
        let mut search = Search::new(self.node_count);
        let (source, sink) = (self.source as usize, self.sink as usize);
        let mut sent = 0.0;
        if self.value > EPS && search.distances_to_sink(&residual, source, sink) {
            while self.value - sent > EPS * self.value.max(1.0)
                && search.shortest_paths(&residual, source, sink)
            {
                sent += search.augment(&mut residual, source, sink, self.value - sent);
            }
        }
        residual.flows()
    }
}

/// Residual capacities at or below this count as zero (rounding of fractional volumes).
const EPS: f64 = 1e-9;

/// A residual edge: 16 bytes of what Dijkstra reads, plus the head.
#[derive(Clone, Copy, Debug)]
struct Edge {
    head: u32,
    cost: f64,
    residual: f64,
}

/// The residual network in CSR form: the edges leaving node `v` are
/// `first[v]..first[v + 1]`, forward edges (an arc) and backward edges (undoing one)
/// mixed in arc order; `partner[e]` is the opposite edge.
struct Residual {
    first: Vec<u32>,
    edges: Vec<Edge>,
    partner: Vec<u32>,
    /// The forward edge of each arc.
    forward: Vec<u32>,
}

impl Residual {
    fn new(network: &FlowNetwork) -> Residual {
        let n = network.node_count;
        let mut first = vec![0u32; n + 1];
        for arc in &network.arcs {
            first[arc.tail as usize + 1] += 1;
            first[arc.head as usize + 1] += 1;
        }
        for v in 0..n {
            first[v + 1] += first[v];
        }
        let mut next: Vec<u32> = first[..n].to_vec();
        let edge_count = 2 * network.arcs.len();
        let mut edges = vec![
            Edge {
                head: 0,
                cost: 0.0,
                residual: 0.0,
            };
            edge_count
        ];
        let mut partner = vec![0u32; edge_count];
        let mut forward = Vec::with_capacity(network.arcs.len());
        for arc in &network.arcs {
            let f = next[arc.tail as usize];
            next[arc.tail as usize] += 1;
            let b = next[arc.head as usize];
            next[arc.head as usize] += 1;
            edges[f as usize] = Edge {
                head: arc.head,
                cost: arc.cost,
                residual: arc.capacity,
            };
            edges[b as usize] = Edge {
                head: arc.tail,
                cost: -arc.cost,
                residual: 0.0,
            };
            partner[f as usize] = b;
            partner[b as usize] = f;
            forward.push(f);
        }
        Residual {
            first,
            edges,
            partner,
            forward,
        }
    }

    fn out(&self, v: usize) -> std::ops::Range<usize> {
        self.first[v] as usize..self.first[v + 1] as usize
    }

    fn push(&mut self, e: usize, amount: f64) {
        self.edges[e].residual -= amount;
        self.edges[self.partner[e] as usize].residual += amount;
    }

    /// The flow on each arc: what its backward edge could undo.
    fn flows(&self) -> Vec<f64> {
        self.forward
            .iter()
            .map(|&f| {
                self.edges[self.partner[f as usize] as usize]
                    .residual
                    .max(0.0)
            })
            .collect()
    }
}

/// Dijkstra's scratch (the search kernel: distances, the edge each node was reached
/// by, the settled nodes) and the potentials, reused across rounds; only touched entries
/// are reset.
struct Search {
    potential: Vec<f64>,
    kernel: Kernel<RadixQueue>,
}

impl Search {
    fn new(n: usize) -> Search {
        Search {
            potential: vec![0.0; n],
            kernel: Kernel::with_queue(n),
        }
    }

    /// The first potentials: Dijkstra backwards from `sink` until `source` is settled
    /// (at distance `H`); a settled node gets `H − h(v)` for its distance `h(v)` to the
    /// sink, the others 0 (that is `−min(h(v), H)` shifted by `H`). Every reduced cost is
    /// then non-negative and the first forward search only explores nodes on paths
    /// at most `D` longer than the shortest (A* with an exact bound). Call before any
    /// flow is sent. False when the source cannot reach the sink.
    fn distances_to_sink(&mut self, residual: &Residual, source: usize, sink: usize) -> bool {
        // Arcs into `v` with capacity: the partners of its backward edges.
        let reached = self.settle(residual, sink, source, |residual, _, _, e| {
            let arc = residual.edges[residual.partner[e] as usize];
            (arc.residual > EPS).then_some((residual.edges[e].head as usize, arc.cost))
        });
        if !reached {
            return false;
        }
        let reach = self.kernel.dist(source as u32);
        for &v in self.kernel.settled() {
            self.potential[v as usize] = reach - self.kernel.dist(v);
        }
        true
    }

    /// Dijkstra on reduced costs from `source` until `sink` is settled, then the
    /// potential update. False (and nothing changed) when the sink is unreachable.
    fn shortest_paths(&mut self, residual: &Residual, source: usize, sink: usize) -> bool {
        let reached = self.settle(residual, source, sink, |residual, potential, v, e| {
            let edge = residual.edges[e];
            let w = edge.head as usize;
            (edge.residual > EPS).then(|| (w, (edge.cost + potential[v] - potential[w]).max(0.0)))
        });
        if !reached {
            return false;
        }
        let reach = self.kernel.dist(sink as u32);
        for &v in self.kernel.settled() {
            self.potential[v as usize] += self.kernel.dist(v) - reach;
        }
        true
    }

    /// Dijkstra from `start` until `stop` is settled (true) or nothing is left (false),
    /// over the residual edges `e` of each settled node `v` for which `step(residual,
    /// potentials, v, e)` gives the next node and the edge's weight. Records `dist`,
    /// `via` and the settled nodes; first resets what the previous search touched.
    fn settle(
        &mut self,
        residual: &Residual,
        start: usize,
        stop: usize,
        step: impl Fn(&Residual, &[f64], usize, usize) -> Option<(usize, f64)>,
    ) -> bool {
        let (kernel, potential) = (&mut self.kernel, &self.potential);
        kernel.reset();
        kernel.reach::<true>(start as u32, 0.0, 0.0, ROOT, 0);
        let step = &step;
        let arcs = |v: u32| {
            let v = v as usize;
            residual.out(v).filter_map(move |e| {
                let (w, weight) = step(residual, potential, v, e)?;
                Some((w as u32, weight, e as u32))
            })
        };
        kernel
            .run::<true, _>(arcs, |_| 0.0, |v, _| v as usize == stop)
            .is_some()
    }

    /// Sends as much as the round's shortest path allows, at most `wanted`. Returns the
    /// amount sent.
    fn augment(&self, residual: &mut Residual, source: usize, sink: usize, wanted: f64) -> f64 {
        let mut amount = wanted;
        let mut v = sink;
        while v != source {
            let e = self.kernel.parent(v as u32).1 as usize;
            amount = amount.min(residual.edges[e].residual);
            v = residual.edges[residual.partner[e] as usize].head as usize;
        }
        let mut v = sink;
        while v != source {
            let e = self.kernel.parent(v as u32).1 as usize;
            residual.push(e, amount);
            v = residual.edges[residual.partner[e] as usize].head as usize;
        }
        amount
    }
}

/// Solves the single-pair instance; `target` caps the volume (for shadow prices at a
/// fixed delivered volume). Call only when [`applies`] holds.
pub fn solve(
    instance: &Instance<'_, '_>,
    overrides: &[(Group, f64)],
    target: Option<f64>,
) -> Solution {
    let network = FlowNetwork::new(instance, overrides, target);
    let flow = network.min_cost_flow();
    let flows = vec![network.carrier.iter().map(|&a| flow[a as usize]).collect()];
    Solution::from_flows(instance, flows)
}
