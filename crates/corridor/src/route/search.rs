//! The point-to-point search engine: Dijkstra with an A* lower bound on a layered state
//! graph, where the layer (stage) counts the via places passed so far.
//!
//! A node is `(stage, state)`. Reaching the place of the next via place moves to the next
//! stage at no cost (the arrival state is kept, so transfers at a via place are charged
//! as for any place passed through). The target is any state of the destination in the
//! last stage. The lower bound of a node is `ratio × (great-circle km to the next via
//! place + great-circle km along the remaining via places to the destination)`, which is
//! consistent, so the first time the target is popped its cost is optimal.
//!
//! A route never returns to its origin before passing the first via place.
//!
//! Ties between equal keys are broken by node index, so results are deterministic.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashSet};

use super::Query;
use crate::graph::{DirLeg, Graph, Link, StateId};
use crate::model::PlaceId;

/// A node of the layered graph: `stage * states + state`.
pub(crate) type Node = u64;

/// What a search may not use (Yen's spur searches).
#[derive(Debug, Default)]
pub(crate) struct Bans {
    /// Nodes that may not be entered.
    pub(crate) nodes: HashSet<Node>,
    /// Legs that may not be taken out of the start.
    pub(crate) first_legs: HashSet<DirLeg>,
}

/// Where a search starts.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Start {
    /// At the query's origin (nothing arrived yet), in stage 0 advanced past via places
    /// equal to the origin.
    Origin,
    /// At a node reached with this cost.
    Node(Node, f64),
}

/// The layered view of a graph for one query.
pub(crate) struct Layered<'g, 'n> {
    pub(crate) graph: &'g Graph<'n>,
    pub(crate) query: &'g Query,
    states: u64,
    /// Lower bound from each stage's target along the remaining via places to the end.
    chain: Vec<f64>,
}

impl<'g, 'n> Layered<'g, 'n> {
    pub(crate) fn new(graph: &'g Graph<'n>, query: &'g Query) -> Layered<'g, 'n> {
        let stops: Vec<PlaceId> = query.via.iter().copied().chain([query.to]).collect();
        let mut chain = vec![0.0; stops.len()];
        for stage in (0..stops.len().saturating_sub(1)).rev() {
            chain[stage] = chain[stage + 1] + graph.lower_bound(stops[stage], stops[stage + 1]);
        }
        Layered {
            graph,
            query,
            states: graph.state_count() as u64,
            chain,
        }
    }

    /// The last stage (all via places passed).
    pub(crate) fn last_stage(&self) -> usize {
        self.query.via.len()
    }

    pub(crate) fn node(&self, stage: usize, state: StateId) -> Node {
        stage as u64 * self.states + u64::from(state)
    }

    pub(crate) fn split(&self, node: Node) -> (usize, StateId) {
        (
            (node / self.states) as usize,
            (node % self.states) as StateId,
        )
    }

    /// The stage after arriving at `place` in `stage`.
    pub(crate) fn advance(&self, mut stage: usize, place: PlaceId) -> usize {
        while stage < self.query.via.len() && self.query.via[stage] == place {
            stage += 1;
        }
        stage
    }

    /// The stage at the origin.
    pub(crate) fn origin_stage(&self) -> usize {
        self.advance(0, self.query.from)
    }

    fn bound(&self, stage: usize, place: PlaceId) -> f64 {
        let target = self.query.via.get(stage).copied().unwrap_or(self.query.to);
        self.graph.lower_bound(place, target) + self.chain[stage]
    }

    pub(crate) fn is_target(&self, stage: usize, state: StateId) -> bool {
        stage == self.last_stage()
            && self.graph.state_place(state) == self.query.to
            && self.graph.is_target(state)
    }

    /// Whether `(stage, place)` is the origin before any via place was passed: no route
    /// comes back there (it would only add legs, or exploit the origin's transfer rules).
    pub(crate) fn is_origin(&self, stage: usize, place: PlaceId) -> bool {
        place == self.query.from && stage == self.origin_stage()
    }

    /// The arcs out of a start: the origin's departures or a node's arcs.
    fn start_arcs(&self, start: Start) -> (usize, f64, Vec<Link>) {
        match start {
            Start::Origin => (
                self.origin_stage(),
                0.0,
                self.graph
                    .departures(self.query.from)
                    .map(Link::from)
                    .collect(),
            ),
            Start::Node(node, cost) => {
                let (stage, state) = self.split(node);
                (stage, cost, self.graph.links(state).collect())
            }
        }
    }

    /// The cheapest path from `start` to the target avoiding `bans`: its cost and legs.
    /// `None` if the target cannot be reached.
    pub(crate) fn search(&self, start: Start, bans: &Bans) -> Option<(f64, Vec<DirLeg>)> {
        let nodes = (self.last_stage() + 1) * self.states as usize;
        let mut memory = Memory {
            dist: vec![f64::INFINITY; nodes],
            parent: vec![(ROOT, DirLeg(0)); nodes],
            done: vec![false; nodes],
            heap: BinaryHeap::new(),
        };
        let (stage0, cost0, arcs) = self.start_arcs(start);
        for arc in arcs {
            if !bans.first_legs.contains(&arc.leg) {
                self.relax(stage0, cost0, ROOT, arc, bans, &mut memory);
            }
        }
        while let Some(Entry { cost, node, .. }) = memory.heap.pop() {
            let i = node as usize;
            if cost > memory.dist[i] || memory.done[i] {
                continue;
            }
            memory.done[i] = true;
            let (stage, state) = self.split(node);
            if self.is_target(stage, state) {
                let mut legs = Vec::new();
                let mut at = node;
                while at != ROOT {
                    let (parent, leg) = memory.parent[at as usize];
                    legs.push(leg);
                    at = parent;
                }
                legs.reverse();
                return Some((cost, legs));
            }
            for arc in self.graph.links(state) {
                self.relax(stage, cost, node, arc, bans, &mut memory);
            }
        }
        None
    }

    fn relax(
        &self,
        stage: usize,
        cost: f64,
        parent: Node,
        arc: Link,
        bans: &Bans,
        memory: &mut Memory,
    ) {
        let place = self.graph.state_place(arc.head);
        let next_stage = self.advance(stage, place);
        let node = self.node(next_stage, arc.head);
        let i = node as usize;
        if memory.done[i] || self.is_origin(next_stage, place) || bans.nodes.contains(&node) {
            return;
        }
        let next = cost + arc.weight;
        if next < memory.dist[i] {
            memory.dist[i] = next;
            memory.parent[i] = (parent, arc.leg);
            memory.heap.push(Entry {
                key: next + self.bound(next_stage, place),
                cost: next,
                node,
            });
        }
    }
}

/// The root of the search tree (the start).
const ROOT: Node = Node::MAX;

/// Per-search memory, indexed by node.
struct Memory {
    dist: Vec<f64>,
    parent: Vec<(Node, DirLeg)>,
    done: Vec<bool>,
    heap: BinaryHeap<Entry>,
}

/// A heap entry ordered by smallest key, then smallest node.
#[derive(Debug)]
struct Entry {
    key: f64,
    cost: f64,
    node: Node,
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
            .key
            .total_cmp(&self.key)
            .then_with(|| other.node.cmp(&self.node))
    }
}
