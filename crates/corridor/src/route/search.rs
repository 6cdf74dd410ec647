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
//! A route never returns to its origin before passing the first via place, and passes
//! through each via place: it leaves it towards another place than the one it came from
//! and does not come back to it before the next via place (`Rasht → Bandar Anzali →
//! Rasht` is not a way of passing Bandar Anzali, nor is `Rasht → Bandar Anzali →
//! Kiashahr → Bandar Anzali → Rasht`). A node that has just passed a via place arriving
//! from a place it could go back to is a *turn* node of its own, keyed by that place,
//! whose arcs back there are left out, and arcs back into a via place in the stage it
//! opened are left out; so the search stays exact. Where no route passes through the via
//! places (one is a dead end), the callers search again with turning back allowed
//! ([`Layered::allowing_turns`]).
//!
//! Ties between equal keys are broken by node index, so results are deterministic.

use std::collections::{HashMap, HashSet};

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

/// The legs of the best path of `query` from its origin: passing through every via place
/// if any route does, else turning back where it must (see the module's notes). `None`
/// if the destination cannot be reached.
pub(crate) fn best_path(graph: &Graph<'_>, query: &Query) -> Option<Vec<DirLeg>> {
    let layered = Layered::new(graph, query);
    if let Some((_, legs)) = layered.search(Start::Origin, &Bans::default()) {
        return Some(legs);
    }
    if !layered.passes_through() {
        return None;
    }
    let (_, legs) = layered
        .allowing_turns()
        .search(Start::Origin, &Bans::default())?;
    Some(legs)
}

/// The layered view of a graph for one query.
pub(crate) struct Layered<'g, 'n> {
    pub(crate) graph: &'g Graph<'n>,
    pub(crate) query: &'g Query,
    /// Bits of a state in a node, and their mask.
    shift: u32,
    mask: u32,
    /// Lower bound from each stage's target along the remaining via places to the end.
    chain: Vec<f64>,
    /// The turn nodes, numbered from [`Layered::first_turn`]: (stage, state of the via
    /// place just passed, the place arrived from, which the node's arcs do not go back
    /// to). Empty when turning back is allowed.
    turns: Vec<(usize, StateId, PlaceId)>,
    /// The turn node of each (stage, state, place arrived from).
    turn_of: HashMap<(usize, StateId, PlaceId), Node>,
    /// Whether routes must pass through the via places (false: turning back allowed).
    through: bool,
    /// The number of the first turn node (after the layered graph's own nodes).
    first_turn: Node,
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
        let mut layered = Layered {
            graph,
            query,
            shift,
            mask: ((1u64 << shift) - 1) as u32,
            chain,
            turns: Vec::new(),
            turn_of: HashMap::new(),
            through: !query.via.is_empty(),
            first_turn: ((query.via.len() as u32) << shift) + states as u32,
        };
        // A turn node for each stage entered by passing a via place, each state of that
        // place, and each place its arcs lead to (the only places one could go back to).
        let first_turn = layered.first_turn;
        for (index, &place) in query.via.iter().enumerate() {
            let stage = index + 1;
            if layered.advance(stage, place) != stage {
                // The next via place is the same place: passing it ends in a later stage.
                continue;
            }
            for state in graph.states_of(place) {
                let mut back: Vec<PlaceId> = graph
                    .links(state)
                    .map(|link| graph.state_place(link.head))
                    .collect();
                back.sort_unstable();
                back.dedup();
                for from in back {
                    let node = first_turn + layered.turns.len() as Node;
                    layered.turns.push((stage, state, from));
                    layered.turn_of.insert((stage, state, from), node);
                }
            }
        }
        assert!(
            u64::from(first_turn) + layered.turns.len() as u64 <= u64::from(u32::MAX),
            "via places with too many neighbours for a search's node index"
        );
        layered
    }

    /// The same search space with turning back at a via place allowed: for a query
    /// whose via places cannot all be passed through (a port at the end of a spur).
    pub(crate) fn allowing_turns(mut self) -> Layered<'g, 'n> {
        self.turns.clear();
        self.turn_of.clear();
        self.through = false;
        self
    }

    /// Whether turning back at a via place is left out (see the module's notes).
    pub(crate) fn passes_through(&self) -> bool {
        self.through
    }

    /// The node reached by an arc from a node at `tail` in `stage` into `head`: the
    /// turn node when the arc passes a via place (which it may not leave back to
    /// `tail`), else the layered node; `None` where the arc leads back to the origin
    /// before the first via place, or back into the via place that opened `stage`.
    #[inline]
    pub(crate) fn enter(&self, stage: usize, tail: PlaceId, head: StateId) -> Option<Node> {
        let place = self.graph.state_place(head);
        let next_stage = self.advance(stage, place);
        if self.is_origin(next_stage, place)
            || (self.through
                && next_stage == stage
                && stage > 0
                && self.query.via[stage - 1] == place)
        {
            return None;
        }
        if next_stage > stage
            && !self.turns.is_empty()
            && let Some(turn) = self.turn(next_stage, head, tail)
        {
            return Some(turn);
        }
        Some(self.node(next_stage, head))
    }

    /// The turn node of (stage, state, place arrived from), if any: out of line, since
    /// searches reach it once per via place while [`Layered::enter`] is inlined into
    /// every relaxation.
    #[cold]
    #[inline(never)]
    fn turn(&self, stage: usize, state: StateId, from: PlaceId) -> Option<Node> {
        self.turn_of.get(&(stage, state, from)).copied()
    }

    /// The place a node's arcs may not lead to: the place a turn node arrived from.
    #[inline]
    pub(crate) fn no_return(&self, node: Node) -> Option<PlaceId> {
        let first = self.first_turn;
        (node >= first).then(|| self.turns[(node - first) as usize].2)
    }

    /// Whether an arc into `head` may leave a node whose [`Layered::no_return`] is `back`.
    #[inline]
    pub(crate) fn may_leave(&self, back: Option<PlaceId>, head: StateId) -> bool {
        back.is_none_or(|b| self.graph.state_place(head) != b)
    }

    /// The arcs out of a node that it may take (all its state's, but those of a turn
    /// node back to the place it arrived from).
    pub(crate) fn links(&self, node: Node) -> impl Iterator<Item = Link> + '_ {
        let (_, state) = self.split(node);
        let back = self.no_return(node);
        self.graph
            .links(state)
            .filter(move |link| self.may_leave(back, link.head))
    }

    /// Every node of `place` in `stage`, turn nodes included.
    pub(crate) fn nodes_at(&self, stage: usize, place: PlaceId) -> Vec<Node> {
        let mut nodes: Vec<Node> = self
            .graph
            .states_of(place)
            .map(|s| self.node(stage, s))
            .collect();
        let first = self.first_turn;
        for (i, &(turn_stage, state, _)) in self.turns.iter().enumerate() {
            if turn_stage == stage && self.graph.state_place(state) == place {
                nodes.push(first + i as Node);
            }
        }
        nodes
    }

    /// The last stage (all via places passed).
    pub(crate) fn last_stage(&self) -> usize {
        self.query.via.len()
    }

    pub(crate) fn node(&self, stage: usize, state: StateId) -> Node {
        ((stage as u32) << self.shift) | state
    }

    /// [`Layered::split`] for a search without turn nodes.
    #[inline]
    fn split_plain(&self, node: Node) -> (usize, StateId) {
        ((node >> self.shift) as usize, (node & self.mask) as StateId)
    }

    #[inline]
    pub(crate) fn split(&self, node: Node) -> (usize, StateId) {
        let first = self.first_turn;
        if node >= first {
            let (stage, state, _) = self.turns[(node - first) as usize];
            return (stage, state);
        }
        self.split_plain(node)
    }

    /// The stage after arriving at `place` in `stage`.
    #[inline]
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
                let (stage, _) = self.split(node);
                (stage, cost, self.links(node).collect())
            }
        }
    }

    /// The place of the node a search starts from.
    fn start_place(&self, start: Start) -> PlaceId {
        match start {
            Start::Origin => self.query.from,
            Start::Node(node, _) => self.graph.state_place(self.split(node).1),
        }
    }

    /// The cheapest path from `start` to the target avoiding `bans`: its cost and legs.
    /// `None` if the target cannot be reached.
    pub(crate) fn search(&self, start: Start, bans: &Bans) -> Option<(f64, Vec<DirLeg>)> {
        // Two instances: without via places to pass through, the relaxations skip the
        // turn nodes' checks (and stay as small as they were before them).
        if self.through {
            self.search_as::<true, false>(start, bans, &[])
        } else {
            self.search_as::<false, false>(start, bans, &[])
        }
    }

    /// [`Layered::search`] with the weight of every arc multiplied by its leg's factor
    /// (at least 1, one per leg of the network): distinct alternatives' penalties.
    pub(crate) fn search_penalised(
        &self,
        start: Start,
        bans: &Bans,
        factors: &[f64],
    ) -> Option<(f64, Vec<DirLeg>)> {
        if self.through {
            self.search_as::<true, true>(start, bans, factors)
        } else {
            self.search_as::<false, true>(start, bans, factors)
        }
    }

    /// [`Layered::search`], `THROUGH` when routes must pass through the via places,
    /// `FACTORS` when arcs weigh their leg's factor times more.
    fn search_as<const THROUGH: bool, const FACTORS: bool>(
        &self,
        start: Start,
        bans: &Bans,
        factors: &[f64],
    ) -> Option<(f64, Vec<DirLeg>)> {
        // Closing settled nodes: the potential's rounding could reopen them otherwise.
        let mut kernel = Kernel::<IndexedHeap<true>>::with_queue(self.nodes());
        let (stage0, cost0, arcs) = self.start_arcs(start);
        let split = |node: Node| {
            if THROUGH {
                self.split(node)
            } else {
                self.split_plain(node)
            }
        };
        let h = |node: Node| {
            let (stage, state) = split(node);
            self.bound(stage, self.graph.state_place(state))
        };
        let first = arcs
            .into_iter()
            .filter(|a| !bans.first_legs.contains(&a.leg));
        let place0 = self.start_place(start);
        let first = first.filter_map(|arc| self.step::<THROUGH, FACTORS>(stage0, place0, arc, bans, factors));
        kernel.relax::<true>(ROOT, cost0, first, h);
        let arcs = |node| {
            let (stage, state) = split(node);
            let (tail, back) = if THROUGH {
                (self.graph.state_place(state), self.no_return(node))
            } else {
                (PlaceId(0), None)
            };
            self.graph.links(state).filter_map(move |arc| {
                if THROUGH && !self.may_leave(back, arc.head) {
                    return None;
                }
                self.step::<THROUGH, FACTORS>(stage, tail, arc, bans, factors)
            })
        };
        let stop = |node, _| {
            let (stage, state) = split(node);
            self.is_target(stage, state)
        };
        let target = if self.graph.worth_prefetching() {
            let prefetch = |node| self.graph.prefetch_arcs(split(node).1);
            kernel.run_prefetching::<true, _>(arcs, prefetch, h, stop)
        } else {
            kernel.run::<true, _>(arcs, h, stop)
        }?;
        let legs = kernel.path(target, true).into_iter().map(DirLeg).collect();
        Some((kernel.dist(target), legs))
    }

    /// The number of nodes of the layered graph.
    fn nodes(&self) -> usize {
        self.first_turn as usize + self.turns.len()
    }

    /// The arc `arc` out of a node at `tail` in `stage`, in the kernel's terms: `None`
    /// where it leads back to the origin or into a banned node.
    #[inline]
    fn step<const THROUGH: bool, const FACTORS: bool>(
        &self,
        stage: usize,
        tail: PlaceId,
        arc: Link,
        bans: &Bans,
        factors: &[f64],
    ) -> Option<Step> {
        // Without via places to pass through, only the origin rule of `enter`, written out:
        // calling `enter` (or a const-generic copy of it) here ran 2.8 % more
        // instructions on the built-in route (callgrind, `instructions` example).
        let node = if THROUGH {
            self.enter(stage, tail, arc.head)?
        } else {
            let place = self.graph.state_place(arc.head);
            let next_stage = self.advance(stage, place);
            if self.is_origin(next_stage, place) {
                return None;
            }
            self.node(next_stage, arc.head)
        };
        if !bans.nodes.is_empty() && bans.nodes.contains(&node) {
            return None;
        }
        if FACTORS {
            let weight = arc.weight * factors[arc.leg.leg().index()];
            return Some((node, weight, arc.leg.0));
        }
        Some((node, arc.weight, arc.leg.0))
    }
}
