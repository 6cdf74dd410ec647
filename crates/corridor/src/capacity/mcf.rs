//! One origin–destination pair as a min-cost flow: successive shortest paths with
//! Dijkstra on reduced costs (Johnson potentials), on the state graph transformed so that
//! capacities sit on single arcs.
//!
//! Transformation: an arc of a capacitated leg goes tail → leg node (its weight, no
//! limit) → head (the leg's capacity), so every arrival class sharing the leg shares its
//! capacity. A capacitated place with a single state is split into in → out with the
//! place's capacity. Origin and destination capacities cap the flow value. Each
//! augmentation sends as much as the path allows; the flow after the last one is a
//! min-cost flow of the largest feasible value (≤ the demand), and the final potentials
//! certify it: no residual arc has a negative reduced cost.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};

use super::instance::{Group, Instance, Solution};
use crate::graph::StateId;

/// Whether the min-cost-flow solver applies: one demand, no corridor requirement, and no
/// capacitated place passed with more than one arrival class.
pub fn applies(instance: &Instance<'_, '_>) -> bool {
    if instance.commodities.len() != 1 || instance.graph.corridor_required() {
        return false;
    }
    let commodity = &instance.commodities[0];
    let mut classes: HashMap<Group, StateId> = HashMap::new();
    for arc in &commodity.arcs {
        if let Some(group) = arc.place_group
            && !arc.ends
            && *classes.entry(group).or_insert(arc.head) != arc.head
        {
            return false;
        }
    }
    true
}

#[derive(Clone, Copy, Debug)]
struct Edge {
    to: usize,
    capacity: f64,
    cost: f64,
    flow: f64,
}

/// A residual network with paired forward/backward edges (`e ^ 1` is the partner).
struct Residual {
    edges: Vec<Edge>,
    out: Vec<Vec<usize>>,
}

impl Residual {
    fn node(&mut self) -> usize {
        self.out.push(Vec::new());
        self.out.len() - 1
    }

    fn edge(&mut self, from: usize, to: usize, capacity: f64, cost: f64) -> usize {
        let id = self.edges.len();
        self.edges.push(Edge {
            to,
            capacity,
            cost,
            flow: 0.0,
        });
        self.edges.push(Edge {
            to: from,
            capacity: 0.0,
            cost: -cost,
            flow: 0.0,
        });
        self.out[from].push(id);
        self.out[to].push(id + 1);
        id
    }

    fn residual(&self, e: usize) -> f64 {
        let edge = &self.edges[e];
        if e.is_multiple_of(2) {
            edge.capacity - edge.flow
        } else {
            self.edges[e ^ 1].flow
        }
    }

    fn push(&mut self, e: usize, amount: f64) {
        if e.is_multiple_of(2) {
            self.edges[e].flow += amount;
        } else {
            self.edges[e ^ 1].flow -= amount;
        }
    }
}

const EPS: f64 = 1e-9;

/// Solves the single-pair instance; `target` caps the volume (for shadow prices at a
/// fixed delivered volume). Call only when [`applies`] holds.
pub fn solve(
    instance: &Instance<'_, '_>,
    overrides: &[(Group, f64)],
    target: Option<f64>,
) -> Solution {
    let commodity = &instance.commodities[0];
    let mut net = Residual {
        edges: Vec::new(),
        out: Vec::new(),
    };
    let source = net.node();
    let sink = net.node();
    // State nodes: arrivals come into `entry`, departures leave from `exit` (the same
    // node unless the place is split for its capacity).
    let mut entry: HashMap<StateId, usize> = HashMap::new();
    let mut exit: HashMap<StateId, usize> = HashMap::new();
    let mut state_node =
        |net: &mut Residual, arc_place: Option<Group>, state: StateId| -> (usize, usize) {
            if let (Some(&a), Some(&b)) = (entry.get(&state), exit.get(&state)) {
                return (a, b);
            }
            let a = net.node();
            let b = match arc_place {
                Some(group) => {
                    let b = net.node();
                    net.edge(a, b, instance.capacity_with(group, overrides), 0.0);
                    b
                }
                None => a,
            };
            entry.insert(state, a);
            exit.insert(state, b);
            (a, b)
        };
    // The place group of each state (from the arcs arriving there).
    let mut state_group: HashMap<StateId, Option<Group>> = HashMap::new();
    for arc in &commodity.arcs {
        if !arc.ends {
            state_group.insert(arc.head, arc.place_group);
        }
    }
    let mut leg_nodes: HashMap<Group, (usize, usize)> = HashMap::new();
    let mut arc_edges: Vec<usize> = Vec::with_capacity(commodity.arcs.len());
    for arc in &commodity.arcs {
        let tail = match arc.tail {
            None => source,
            Some(state) => {
                state_node(&mut net, state_group.get(&state).copied().flatten(), state).1
            }
        };
        let head = if arc.ends {
            sink
        } else {
            state_node(
                &mut net,
                state_group.get(&arc.head).copied().flatten(),
                arc.head,
            )
            .0
        };
        let edge = match arc.leg_group {
            None => net.edge(tail, head, f64::INFINITY, arc.weight),
            Some(group) => {
                let (node, _) = *leg_nodes.entry(group).or_insert_with(|| {
                    let node = net.node();
                    let limit = net.edge(node, head, instance.capacity_with(group, overrides), 0.0);
                    (node, limit)
                });
                net.edge(tail, node, f64::INFINITY, arc.weight)
            }
        };
        arc_edges.push(edge);
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
    augment(&mut net, source, sink, value);
    let flows = vec![
        arc_edges
            .iter()
            .map(|&e| net.edges[e].flow.max(0.0))
            .collect(),
    ];
    Solution::from_flows(instance, flows)
}

/// Successive shortest paths from `source` to `sink` until `value` is sent or no path is
/// left. Costs are non-negative at the start, so zero potentials are feasible.
fn augment(net: &mut Residual, source: usize, sink: usize, value: f64) {
    let n = net.out.len();
    let mut potential = vec![0.0f64; n];
    let mut sent = 0.0;
    while value - sent > EPS * value.max(1.0) {
        let mut dist = vec![f64::INFINITY; n];
        let mut via: Vec<Option<usize>> = vec![None; n];
        let mut heap = BinaryHeap::new();
        dist[source] = 0.0;
        heap.push(Entry {
            cost: 0.0,
            node: source,
        });
        while let Some(Entry { cost, node }) = heap.pop() {
            if cost > dist[node] {
                continue;
            }
            for &e in &net.out[node] {
                if net.residual(e) <= EPS {
                    continue;
                }
                let edge = net.edges[e];
                let reduced = (edge.cost + potential[node] - potential[edge.to]).max(0.0);
                let next = cost + reduced;
                if next < dist[edge.to] {
                    dist[edge.to] = next;
                    via[edge.to] = Some(e);
                    heap.push(Entry {
                        cost: next,
                        node: edge.to,
                    });
                }
            }
        }
        if !dist[sink].is_finite() {
            break;
        }
        for (p, d) in potential.iter_mut().zip(&dist) {
            if d.is_finite() {
                *p += d;
            }
        }
        let mut amount = value - sent;
        let mut node = sink;
        while let Some(e) = via[node] {
            amount = amount.min(net.residual(e));
            node = net.edges[e ^ 1].to;
        }
        let mut node = sink;
        while let Some(e) = via[node] {
            net.push(e, amount);
            node = net.edges[e ^ 1].to;
        }
        sent += amount;
    }
}

#[derive(Debug)]
struct Entry {
    cost: f64,
    node: usize,
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
        other
            .cost
            .total_cmp(&self.cost)
            .then_with(|| other.node.cmp(&self.node))
    }
}
