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

use std::collections::HashSet;

use super::Query;
use super::heap::IndexedHeap;
use super::kernel::{Kernel, ROOT, Step};
use crate::graph::{DirLeg, Graph, Link, StateId};
use crate::model::PlaceId;

/// A node of the layered graph: the stage in the high bits above the state (a shift and
/// a mask, not a division, split it: the search does at every relaxation).
pub(crate) type Node = u32;

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
    /// Bits of a state in a node, and their mask.
    shift: u32,
    mask: u32,
    states: u32,
    /// Lower bound from each stage's target along the remaining via places to the end.
    chain: Vec<f64>,
}

impl<'g, 'n> Layered<'g, 'n> {
    /// The layered graph of `query` on `graph`.
    ///
    /// # Panics
    /// If the layered graph has more than `u32::MAX` nodes (the via places times the
    /// graph's states rounded up to a power of two, plus its states); the engine admits
    /// at most [`crate::engine::MAX_VIA`] via places, which keeps graphs far beyond what
    /// fits in memory below that.
    pub(crate) fn new(graph: &'g Graph<'n>, query: &'g Query) -> Layered<'g, 'n> {
        let states = graph.state_count() as u64;
        let shift = states.max(1).next_power_of_two().trailing_zeros();
        let nodes = ((query.via.len() as u64) << shift) + states;
        assert!(
            nodes < u64::from(u32::MAX),
            "{} via places on a graph of {} states: more nodes than a search indexes",
            query.via.len(),
            graph.state_count()
        );
        let stops: Vec<PlaceId> = query.via.iter().copied().chain([query.to]).collect();
        let mut chain = vec![0.0; stops.len()];
        for stage in (0..stops.len().saturating_sub(1)).rev() {
            chain[stage] = chain[stage + 1] + graph.lower_bound(stops[stage], stops[stage + 1]);
        }
        Layered {
            graph,
            query,
            shift,
            mask: ((1u64 << shift) - 1) as u32,
            states: states as u32,
            chain,
        }
    }

    /// The last stage (all via places passed).
    pub(crate) fn last_stage(&self) -> usize {
        self.query.via.len()
    }

    pub(crate) fn node(&self, stage: usize, state: StateId) -> Node {
        ((stage as u32) << self.shift) | state
    }

    pub(crate) fn split(&self, node: Node) -> (usize, StateId) {
        ((node >> self.shift) as usize, (node & self.mask) as StateId)
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
        // Closing settled nodes: the potential's rounding could reopen them otherwise.
        let mut kernel = Kernel::<IndexedHeap<true>>::with_queue(self.nodes());
        let (stage0, cost0, arcs) = self.start_arcs(start);
        let h = |node: Node| {
            let (stage, state) = self.split(node);
            self.bound(stage, self.graph.state_place(state))
        };
        let first = arcs
            .into_iter()
            .filter(|a| !bans.first_legs.contains(&a.leg));
        let first = first.filter_map(|arc| self.step(stage0, arc, bans));
        kernel.relax::<true>(ROOT, cost0, first, h);
        let arcs = |node| {
            let (stage, state) = self.split(node);
            let links = self.graph.links(state);
            links.filter_map(move |arc| self.step(stage, arc, bans))
        };
        let stop = |node, _| {
            let (stage, state) = self.split(node);
            self.is_target(stage, state)
        };
        let target = if self.graph.worth_prefetching() {
            let prefetch = |node| self.graph.prefetch_arcs(self.split(node).1);
            kernel.run_prefetching::<true, _>(arcs, prefetch, h, stop)
        } else {
            kernel.run::<true, _>(arcs, h, stop)
        }?;
        let legs = kernel.path(target, true).into_iter().map(DirLeg).collect();
        Some((kernel.dist(target), legs))
    }

    /// The number of nodes of the layered graph.
    fn nodes(&self) -> usize {
        (self.last_stage() << self.shift) + self.states as usize
    }

    /// The arc `arc` out of a node in `stage`, in the kernel's terms: `None` where it
    /// leads back to the origin or into a banned node.
    fn step(&self, stage: usize, arc: Link, bans: &Bans) -> Option<Step> {
        let place = self.graph.state_place(arc.head);
        let next_stage = self.advance(stage, place);
        let node = self.node(next_stage, arc.head);
        if self.is_origin(next_stage, place)
            || (!bans.nodes.is_empty() && bans.nodes.contains(&node))
        {
            return None;
        }
        Some((node, arc.weight, arc.leg.0))
    }
}
