//! Contraction hierarchies on the compiled state graph: a one-off preprocessing after
//! which point-to-point queries and many-to-many matrices settle a few hundred states
//! instead of the whole graph.
//!
//! The hierarchy is built from a [`Graph`], so it carries every constraint of the
//! graph's profile (avoided places, modes, corridors, capacities...): nothing is lost
//! inside shortcuts. Queries with via places are not accelerated (use
//! `route::shortest`).
//!
//! Preprocessing contracts states least important first (edge difference + contracted
//! neighbours + level), in rounds: the states less important than every state within
//! two edges are contracted together, in parallel on the current rayon pool, and their
//! neighbours' importance is simulated again. Contracting `v` adds a shortcut `u → w`
//! when the path `u → v → w` is not matched by a witness path found by a bounded
//! Dijkstra that avoids the round's states. Witness
//! searches are limited (settled states), which can only add unneeded shortcuts, never
//! lose a shortest path. A query runs Dijkstra upward from the origin's departures and
//! upward (on reversed edges) from the destination's target states, with
//! stall-on-demand, and takes the best meeting state. Weights are the graph's `f64` arc
//! weights; the answer equals Dijkstra's up to floating-point summation order, and the
//! route is rebuilt from the original legs. Routes must not re-enter their origin or
//! pass their destination; the rare query whose unpacked path does falls back to the
//! plain search, so answers are always exactly `route::shortest`'s weight.
//! Many-to-many matrices use buckets ([`matrix`]).

use std::sync::{Mutex, PoisonError};

use rayon::prelude::*;

mod parts;
pub use parts::{EdgeOrigin, HierarchyParts};
#[cfg(feature = "internals")]
pub use parts::{PartsError, weight_check};
#[cfg(feature = "internals")]
pub use space::SearchSpace;
#[cfg(not(feature = "internals"))]
use space::SearchSpace;

/// What a query's searches did, counted for benchmarks (public with `internals`).
mod space {
    /// What the two upward searches of one query did ([`super::Hierarchy::search_space`]):
    /// deterministic measures of a hierarchy's search space, unlike query times.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    #[cfg_attr(not(feature = "internals"), allow(dead_code))] // counted for benches only
    pub struct SearchSpace {
        /// States taken from either queue, stalled ones included.
        pub settled: usize,
        /// Of those, states stalled (their upward edges not relaxed).
        pub stalled: usize,
        /// Upward edges relaxed (read).
        pub relaxed: usize,
        /// Of those, edges that improved their head and were queued.
        pub queued: usize,
        /// Edges into settled states read by stall-on-demand (up to the first that stalls).
        pub stall_reads: usize,
    }
}

use super::kernel::{Kernel, LazyHeap, ROOT};

/// The search memory of contraction and queries.
type Side = Kernel<LazyHeap>;
use super::{Cell, Matrix, MatrixRows, Query, Route, shortest};
use crate::graph::{DirLeg, Graph, Metrics, StateId};
use crate::model::{PlaceId, PlaceKind};

/// States settled by one witness search at most when contracting a state.
const WITNESS_SETTLE_LIMIT: usize = 500;
/// States settled by one witness search at most when only estimating a state's
/// importance: a cheaper, rougher count is enough to order the contraction (10 instead
/// of 40 cost 2 % more query work on 10^4 places and half the simulations' work).
const SIMULATION_SETTLE_LIMIT: usize = 10;

/// The search order of a hierarchy's states: by level in the hierarchy (a state with
/// no lower neighbour is on level 0, any other one level above its highest lower
/// neighbour), then by state. Upward searches end in the few upper levels whatever
/// their start, and laid out together these share cache lines; lower states keep the
/// graph's order (Hilbert order of their places). Derived from the edges alone, so a
/// hierarchy rebuilt from its parts is laid out the same. O(states + edges).
struct Layout {
    position: Vec<u32>,
    state_at: Vec<StateId>,
    up_start: Vec<u32>,
    up: Vec<Edge>,
    down_start: Vec<u32>,
    down: Vec<Edge>,
}

impl Layout {
    /// Lays out upward and downward edges given by state (heads are states).
    fn new(up_start: &[u32], up: &[Edge], down_start: &[u32], down: &[Edge]) -> Layout {
        let n = up_start.len().saturating_sub(1);
        let range = |start: &[u32], s: usize| start[s] as usize..start[s + 1] as usize;
        let higher = |s: usize| {
            up[range(up_start, s)]
                .iter()
                .chain(&down[range(down_start, s)])
        };
        // Levels in topological order (lower neighbours first).
        let mut below = vec![0u32; n];
        for e in up.iter().chain(down) {
            below[e.head as usize] += 1;
        }
        let mut level = vec![0u32; n];
        let mut ready: Vec<usize> = (0..n).filter(|&s| below[s] == 0).collect();
        while let Some(s) = ready.pop() {
            let next = level[s] + 1;
            for e in higher(s) {
                let h = e.head as usize;
                level[h] = level[h].max(next);
                below[h] -= 1;
                if below[h] == 0 {
                    ready.push(h);
                }
            }
        }
        let mut state_at: Vec<StateId> = (0..n as StateId).collect();
        state_at.sort_unstable_by_key(|&s| (level[s as usize], s));
        let mut position = vec![0u32; n];
        for (p, &s) in state_at.iter().enumerate() {
            position[s as usize] = p as u32;
        }
        let relabel = |start: &[u32], edges: &[Edge]| {
            let mut new_start = Vec::with_capacity(n + 1);
            let mut all = Vec::with_capacity(edges.len());
            new_start.push(0);
            for &s in &state_at {
                all.extend(edges[range(start, s as usize)].iter().map(|e| Edge {
                    head: position[e.head as usize],
                    ..*e
                }));
                new_start.push(all.len() as u32);
            }
            (new_start, all)
        };
        let (new_up_start, new_up) = relabel(up_start, up);
        let (new_down_start, new_down) = relabel(down_start, down);
        Layout {
            position,
            state_at,
            up_start: new_up_start,
            up: new_up,
            down_start: new_down_start,
            down: new_down,
        }
    }
}

/// Where an edge of the hierarchy comes from.
#[derive(Clone, Copy, Debug)]
enum Origin {
    /// An arc of the graph: (tail state, index among its arcs, the leg it travels; kept
    /// here so that unpacking a route reads no more than this array).
    Arc(StateId, u32, DirLeg),
    /// A shortcut over two edges.
    Shortcut(u32, u32),
}

#[derive(Clone, Copy, Debug)]
struct Edge {
    head: StateId,
    weight: f64,
    id: u32,
}

/// The upward (or reversed upward) edges of a state.
type EdgesOf = fn(&Hierarchy, StateId) -> &[Edge];

/// A contraction hierarchy over one compiled graph.
#[derive(Debug)]
pub struct Hierarchy {
    states: usize,
    /// Where each state is laid out for searches (see [`Layout`]): search memory and
    /// the edge lists are indexed by position, and edges' heads are positions.
    position: Vec<u32>,
    /// The state at each position.
    state_at: Vec<StateId>,
    /// Upward edges `u → w` (rank w > rank u), by the position of `u`.
    up_start: Vec<u32>,
    up: Vec<Edge>,
    /// Upward edges of the reversed graph: `u → w` with rank u > rank w, stored at `w`
    /// with `head = u`.
    down_start: Vec<u32>,
    down: Vec<Edge>,
    origins: Vec<Origin>,
    /// Tail and head state of every edge.
    ends: Vec<(StateId, StateId)>,
    /// Metrics of every edge (a shortcut's are the sum of its two edges').
    metrics: Vec<Metrics>,
    shortcuts: usize,
    /// Whether every arc weighs more than zero: then a shortest route cannot pass its
    /// origin's state again (the rest of it would be a strictly shorter route), unless
    /// the origin is a sea waypoint (setting out waits for the service, sailing past
    /// does not).
    positive: bool,
    /// Search memory of finished matrix searches, reused by later ones: fresh memory
    /// is O(states) to allocate and clear, more than a small matrix's searches cost.
    pool: SearchPool,
}

/// Idle [`Upward`] searches of a hierarchy.
#[derive(Default)]
struct SearchPool(Mutex<Vec<Upward>>);

impl std::fmt::Debug for SearchPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let idle = self.0.lock().map_or(0, |pool| pool.len());
        write!(f, "SearchPool({idle} idle)")
    }
}

/// Per-query memory for [`Hierarchy`] searches (one per thread).
pub struct ChQuery {
    forward: Side,
    backward: Side,
    unpacking: Unpacking,
}

/// Scratch memory of [`Hierarchy::unpack`]: the edges of a route, one level of
/// shortcuts unpacked per pass.
#[derive(Default)]
struct Unpacking {
    now: Vec<Origin>,
    next: Vec<Origin>,
}

/// How a state was reached in a query.
#[derive(Clone, Copy, Debug)]
enum Step {
    /// Along an edge of the hierarchy.
    Edge(u32),
    /// By the origin's departure with this index.
    Departure(u32),
    /// It is a target (backward search start).
    Target,
}

/// The kernel label of a backward search's start.
const TARGET: u32 = u32::MAX;

/// How an upward search reached `state`: its parent in the kernel, edges labelled by
/// their id, starts by their departure index or [`TARGET`].
fn step(side: &Side, state: StateId) -> Step {
    match side.parent(state) {
        (ROOT, TARGET) => Step::Target,
        (ROOT, departure) => Step::Departure(departure),
        (_, edge) => Step::Edge(edge),
    }
}

/// Whether an upward search should not go on from `s`, settled at `d`: a state reached
/// more cheaply from above (over the `stall` edges into it) is not on a shortest up-path
/// (stall-on-demand).
fn stalled(side: &Side, stall: &[Edge], d: f64) -> bool {
    stall.iter().any(|e| side.dist(e.head) + e.weight < d)
}

/// The kernel's view of upward edges: (head, weight, edge id).
fn steps(edges: &[Edge]) -> impl Iterator<Item = (StateId, f64, u32)> + '_ {
    edges.iter().map(|e| (e.head, e.weight, e.id))
}

impl ChQuery {
    /// Memory for queries on `hierarchy`.
    pub fn new(hierarchy: &Hierarchy) -> ChQuery {
        ChQuery {
            forward: Side::with_queue(hierarchy.states),
            backward: Side::with_queue(hierarchy.states),
            unpacking: Unpacking::default(),
        }
    }
}

/// The mutable graph during contraction.
struct Dynamic {
    out: Vec<Vec<Edge>>,
    inn: Vec<Vec<Edge>>,
    contracted: Vec<bool>,
    origins: Vec<Origin>,
    ends: Vec<(StateId, StateId)>,
}

impl Dynamic {
    /// Adds or improves the edge `u → w`.
    fn add(&mut self, u: StateId, w: StateId, weight: f64, origin: Origin) {
        if let Some(e) = self.out[u as usize].iter_mut().find(|e| e.head == w) {
            if weight < e.weight {
                e.weight = weight;
                let id = e.id;
                self.origins[id as usize] = origin;
                if let Some(r) = self.inn[w as usize].iter_mut().find(|e| e.head == u) {
                    r.weight = weight;
                }
            }
            return;
        }
        let id = self.origins.len() as u32;
        self.origins.push(origin);
        self.ends.push((u, w));
        self.out[u as usize].push(Edge {
            head: w,
            weight,
            id,
        });
        self.inn[w as usize].push(Edge {
            head: u,
            weight,
            id,
        });
    }
}

/// Reusable memory of witness searches.
struct Witness {
    kernel: Side,
}

impl Witness {
    fn new(states: usize) -> Witness {
        Witness {
            kernel: Side::with_queue(states),
        }
    }

    /// The distance the last search found to `s` (infinite if it did not reach it).
    fn get(&self, s: StateId) -> f64 {
        self.kernel.dist(s)
    }

    /// Dijkstra from `from` avoiding `skip`, up to `limit` weight, a few settled
    /// states, or until every state of `targets` is settled; afterwards `get` gives
    /// the distances found.
    fn run(
        &mut self,
        graph: &Dynamic,
        from: StateId,
        skip: StateId,
        targets: &[Edge],
        limit: f64,
        settle_limit: usize,
    ) {
        let kernel = &mut self.kernel;
        kernel.reset();
        kernel.reach::<false>(from, 0.0, 0.0, ROOT, 0);
        let mut settled = 0;
        let mut remaining = targets.iter().filter(|t| t.head != from).count();
        kernel.run::<false, _>(
            |u| {
                graph.out[u as usize]
                    .iter()
                    .filter(|e| e.head != skip && !graph.contracted[e.head as usize])
                    .map(|e| (e.head, e.weight, 0))
            },
            |_| 0.0,
            |u, d| {
                settled += 1;
                if d > limit || settled > settle_limit {
                    return true;
                }
                if u != from && targets.iter().any(|t| t.head == u) {
                    remaining -= 1;
                    return remaining == 0;
                }
                false
            },
        );
    }
}

/// The shortcuts contracting `v` needs.
fn shortcuts_for(
    graph: &Dynamic,
    witness: &mut Witness,
    v: StateId,
    settle_limit: usize,
) -> Vec<Shortcut> {
    let mut found = Vec::new();
    let outs: Vec<Edge> = graph.out[v as usize]
        .iter()
        .filter(|e| !graph.contracted[e.head as usize])
        .copied()
        .collect();
    if outs.is_empty() {
        return found;
    }
    for inn in graph.inn[v as usize]
        .iter()
        .filter(|e| !graph.contracted[e.head as usize])
    {
        let u = inn.head;
        let limit = outs
            .iter()
            .filter(|o| o.head != u)
            .map(|o| inn.weight + o.weight)
            .fold(f64::NEG_INFINITY, f64::max);
        if limit == f64::NEG_INFINITY {
            continue;
        }
        witness.run(graph, u, v, &outs, limit, settle_limit);
        for o in outs.iter().filter(|o| o.head != u) {
            let via = inn.weight + o.weight;
            if witness.get(o.head) > via {
                found.push((u, o.head, via, inn.id, o.id));
            }
        }
    }
    found
}

/// A shortcut `u → w` over a contracted state: (u, w, weight, in-edge id, out-edge id).
type Shortcut = (StateId, StateId, f64, u32, u32);

/// States handed to one worker at a time when contracting or ranking in parallel.
const CHUNK: usize = 256;

/// Witness memory from the pool, or fresh.
fn lend(pool: &Mutex<Vec<Witness>>, states: usize) -> Witness {
    let reused = pool.lock().unwrap_or_else(PoisonError::into_inner).pop();
    reused.unwrap_or_else(|| Witness::new(states))
}

fn give_back(pool: &Mutex<Vec<Witness>>, witness: Witness) {
    pool.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(witness);
}

/// How many shortcuts contracting each of `states` would add now, from witness searches
/// of [`SIMULATION_SETTLE_LIMIT`] settled states (a cheaper, rougher count than the
/// contraction's own), in parallel.
fn simulate(dynamic: &Dynamic, witnesses: &Mutex<Vec<Witness>>, states: &[StateId]) -> Vec<u32> {
    let n = dynamic.out.len();
    states
        .par_chunks(CHUNK)
        .map(|chunk| {
            let mut witness = lend(witnesses, n);
            let added: Vec<u32> = chunk
                .iter()
                .map(|&v| {
                    shortcuts_for(dynamic, &mut witness, v, SIMULATION_SETTLE_LIMIT).len() as u32
                })
                .collect();
            give_back(witnesses, witness);
            added
        })
        .flatten_iter()
        .collect()
}

/// The contraction order's bookkeeping: contract the least important state first.
struct Importance {
    /// Contracted neighbours of each state.
    done: Vec<u32>,
    /// Depth: one more than the deepest contracted neighbour.
    level: Vec<u32>,
    /// The importance: twice the edge difference (shortcuts added minus edges
    /// removed), plus contracted neighbours, plus depth.
    priority: Vec<i64>,
}

impl Importance {
    /// Simulates the contraction of `states` again and updates their importance.
    fn refresh(&mut self, dynamic: &Dynamic, witnesses: &Mutex<Vec<Witness>>, states: &[StateId]) {
        for (&v, added) in states.iter().zip(simulate(dynamic, witnesses, states)) {
            let i = v as usize;
            let removed = (dynamic.out[i].len() + dynamic.inn[i].len()) as i64;
            self.priority[i] = 2 * (i64::from(added) - removed)
                + i64::from(self.done[i])
                + i64::from(self.level[i]);
        }
    }

    /// Whether `v` is less important (importance, then id) than every state within two
    /// edges of it: such states can be contracted together. One edge would be enough
    /// for exactness; two spread each round's contractions further apart, which gives
    /// fewer shortcuts and smaller query searches.
    fn is_local_minimum(&self, dynamic: &Dynamic, v: StateId) -> bool {
        let key = (self.priority[v as usize], v);
        let around = |x: StateId| {
            dynamic.out[x as usize]
                .iter()
                .chain(&dynamic.inn[x as usize])
                .map(|e| e.head)
        };
        around(v).all(|x| {
            key < (self.priority[x as usize], x)
                && around(x).all(|y| y == v || key < (self.priority[y as usize], y))
        })
    }
}

impl Hierarchy {
    /// Builds the hierarchy for `graph`, on the current rayon pool (the hierarchy is
    /// the same on any number of threads). Roughly O(n log n) on road-like graphs; see
    /// BENCHMARKS.md for measured times.
    pub fn new(graph: &Graph<'_>) -> Hierarchy {
        Hierarchy::with_progress(graph, &|_, _| {})
    }

    /// [`Hierarchy::new`], calling `progress(contracted, states)` after every round of
    /// contractions and at the end.
    pub fn with_progress(graph: &Graph<'_>, progress: &dyn Fn(usize, usize)) -> Hierarchy {
        let n = graph.state_count();
        let mut contracted = 0usize;
        let mut dynamic = Dynamic {
            out: vec![Vec::new(); n],
            inn: vec![Vec::new(); n],
            contracted: vec![false; n],
            origins: Vec::new(),
            ends: Vec::new(),
        };
        let mut positive = true;
        for u in 0..n as StateId {
            for (i, link) in graph.links(u).enumerate() {
                positive &= link.weight > 0.0;
                dynamic.add(u, link.head, link.weight, Origin::Arc(u, i as u32, link.leg));
            }
        }
        let original = dynamic.origins.len();
        // Witness memory is O(states): one per worker, lent per chunk of states.
        let witnesses = Mutex::new(Vec::new());
        // Importance: edge difference, contracted neighbours and depth (levels), the
        // usual mix that spreads contraction evenly over the graph.
        let everyone: Vec<StateId> = (0..n as StateId).collect();
        let mut importance = Importance {
            done: vec![0; n],
            level: vec![0; n],
            priority: vec![0; n],
        };
        importance.refresh(&dynamic, &witnesses, &everyone);
        let mut up: Vec<Vec<Edge>> = vec![Vec::new(); n];
        let mut down: Vec<Vec<Edge>> = vec![Vec::new(); n];
        let mut remaining = everyone;
        let mut neighbours: Vec<StateId> = Vec::new();
        let mut around: Vec<StateId> = Vec::new();
        // Rounds: every state less important than all states within two edges is
        // contracted in the same round, in parallel. No two of them are neighbours,
        // and witness searches avoid all of them (they are marked contracted first),
        // so each state's shortcuts are those it needs whatever the others add: the
        // hierarchy is exact, and the same on any number of threads. Then the
        // neighbours of the contracted states are simulated again (in parallel).
        while !remaining.is_empty() {
            let batch: Vec<StateId> = remaining
                .par_iter()
                .copied()
                .filter(|&v| importance.is_local_minimum(&dynamic, v))
                .collect();
            for &v in &batch {
                dynamic.contracted[v as usize] = true;
            }
            let found: Vec<Vec<Shortcut>> = batch
                .par_chunks(CHUNK)
                .map(|chunk| {
                    let mut witness = lend(&witnesses, n);
                    let found: Vec<Vec<Shortcut>> = chunk
                        .iter()
                        .map(|&v| shortcuts_for(&dynamic, &mut witness, v, WITNESS_SETTLE_LIMIT))
                        .collect();
                    give_back(&witnesses, witness);
                    found
                })
                .flatten_iter()
                .collect();
            neighbours.clear();
            for (&v, shortcuts) in batch.iter().zip(found) {
                for (u, w, weight, first, second) in shortcuts {
                    dynamic.add(u, w, weight, Origin::Shortcut(first, second));
                }
                let outs = std::mem::take(&mut dynamic.out[v as usize]);
                let inns = std::mem::take(&mut dynamic.inn[v as usize]);
                for e in &outs {
                    dynamic.inn[e.head as usize].retain(|r| r.head != v);
                }
                for e in &inns {
                    dynamic.out[e.head as usize].retain(|r| r.head != v);
                }
                around.clear();
                around.extend(outs.iter().chain(&inns).map(|e| e.head));
                around.sort_unstable();
                around.dedup();
                let depth = importance.level[v as usize] + 1;
                for &x in &around {
                    let x = x as usize;
                    importance.done[x] += 1;
                    importance.level[x] = importance.level[x].max(depth);
                }
                neighbours.extend_from_slice(&around);
                up[v as usize] = outs;
                down[v as usize] = inns;
            }
            neighbours.sort_unstable();
            neighbours.dedup();
            importance.refresh(&dynamic, &witnesses, &neighbours);
            contracted += batch.len();
            progress(contracted, n);
            remaining.retain(|&v| !dynamic.contracted[v as usize]);
        }
        progress(n, n);
        let shortcuts = dynamic.origins.len() - original;
        let flatten = |lists: Vec<Vec<Edge>>| {
            let mut start = Vec::with_capacity(lists.len() + 1);
            let mut all = Vec::new();
            for list in lists {
                start.push(all.len() as u32);
                all.extend(list);
            }
            start.push(all.len() as u32);
            (start, all)
        };
        let (up_start, up) = flatten(up);
        let (down_start, down) = flatten(down);
        let layout = Layout::new(&up_start, &up, &down_start, &down);
        // Edge metrics: the graph's arcs in parallel (large graphs recompute them from
        // the network), then shortcuts, children first (an improved edge may point at
        // newer edges, so id order is not enough): an explicit stack, no recursion.
        let origins = &dynamic.origins;
        let mut metrics: Vec<Option<Metrics>> = origins
            .par_iter()
            .map(|origin| match *origin {
                Origin::Arc(tail, index, _) => Some(graph.metrics_at(tail, index as usize)),
                Origin::Shortcut(..) => None,
            })
            .collect();
        let mut stack: Vec<u32> = Vec::new();
        for id in 0..origins.len() as u32 {
            stack.push(id);
            while let Some(&e) = stack.last() {
                if metrics[e as usize].is_some() {
                    stack.pop();
                    continue;
                }
                match origins[e as usize] {
                    Origin::Arc(tail, index, _) => {
                        metrics[e as usize] = Some(graph.arc_at(tail, index as usize).metrics);
                        stack.pop();
                    }
                    Origin::Shortcut(first, second) => {
                        match (metrics[first as usize], metrics[second as usize]) {
                            (Some(a), Some(b)) => {
                                metrics[e as usize] = Some(a + b);
                                stack.pop();
                            }
                            (a, b) => {
                                if a.is_none() {
                                    stack.push(first);
                                }
                                if b.is_none() {
                                    stack.push(second);
                                }
                            }
                        }
                    }
                }
            }
        }
        let metrics: Vec<Metrics> = metrics
            .into_iter()
            .map(|m| m.unwrap_or(Metrics::ZERO))
            .collect();
        Hierarchy {
            states: n,
            position: layout.position,
            state_at: layout.state_at,
            up_start: layout.up_start,
            up: layout.up,
            down_start: layout.down_start,
            down: layout.down,
            origins: dynamic.origins,
            ends: dynamic.ends,
            metrics,
            shortcuts,
            positive,
            pool: SearchPool::default(),
        }
    }

    /// Number of shortcuts added by the preprocessing.
    pub fn shortcut_count(&self) -> usize {
        self.shortcuts
    }

    /// The search position of `state`.
    #[inline]
    fn at(&self, state: StateId) -> u32 {
        self.position[state as usize]
    }

    /// The upward edges of the state at position `s`.
    fn up(&self, s: u32) -> &[Edge] {
        &self.up[self.up_start[s as usize] as usize..self.up_start[s as usize + 1] as usize]
    }

    /// Asks the cache for the first upward and downward edges of the state at position
    /// `s` (a hint: no effect on results).
    #[inline]
    fn prefetch_state(&self, s: u32) {
        prefetch_index::prefetch_index(&self.up, self.up_start[s as usize] as usize);
        prefetch_index::prefetch_index(&self.down, self.down_start[s as usize] as usize);
    }

    /// The edges into the state at position `s` from higher ones.
    fn down(&self, s: u32) -> &[Edge] {
        &self.down[self.down_start[s as usize] as usize..self.down_start[s as usize + 1] as usize]
    }

    /// Appends the legs of the original arcs that `edges` stand for, in order. Level by
    /// level: each pass replaces every shortcut by its two edges, so the reads of one pass
    /// do not wait on each other (walking the shortcuts depth first waits for a cache
    /// miss at every edge, and on large graphs most edges miss). `scratch` is memory.
    fn unpack(&self, edges: &[u32], scratch: &mut Unpacking, out: &mut Vec<DirLeg>) {
        let Unpacking { now, next } = scratch;
        now.clear();
        now.extend(edges.iter().map(|&e| self.origins[e as usize]));
        // Everything before `done` is an arc.
        let mut done = 0;
        while let Some(first) = now[done..]
            .iter()
            .position(|o| matches!(o, Origin::Shortcut(..)))
        {
            done += first;
            next.clear();
            next.extend_from_slice(&now[..done]);
            for &origin in &now[done..] {
                match origin {
                    Origin::Shortcut(a, b) => {
                        next.push(self.origins[a as usize]);
                        next.push(self.origins[b as usize]);
                    }
                    arc => next.push(arc),
                }
            }
            std::mem::swap(now, next);
        }
        out.extend(now.iter().filter_map(|origin| match *origin {
            Origin::Arc(_, _, leg) => Some(leg),
            Origin::Shortcut(..) => None,
        }));
    }

    /// What the two upward searches of a query from `from` to `to` do, counted (the
    /// searches of [`Hierarchy::shortest`], for measuring hierarchies without timing).
    #[cfg(feature = "internals")]
    pub fn search_space(
        &self,
        graph: &Graph<'_>,
        memory: &mut ChQuery,
        from: PlaceId,
        to: PlaceId,
    ) -> SearchSpace {
        let mut space = SearchSpace::default();
        self.meet::<true>(graph, memory, from, to, &mut space);
        space
    }

    /// Runs the two upward searches; returns the best weight and the meeting state's
    /// position. With `COUNT`, counts what they do in `space`.
    fn meet<const COUNT: bool>(
        &self,
        graph: &Graph<'_>,
        memory: &mut ChQuery,
        from: PlaceId,
        to: PlaceId,
        space: &mut SearchSpace,
    ) -> Option<(f64, StateId)> {
        let (fw, bw) = (&mut memory.forward, &mut memory.backward);
        fw.reset();
        bw.reset();
        for (i, arc) in graph.departures(from).enumerate() {
            if graph.state_place(arc.head) != from {
                fw.reach::<true>(self.at(arc.head), arc.weight, 0.0, ROOT, i as u32);
            }
        }
        for s in graph.targets(to) {
            bw.reach::<true>(self.at(s), 0.0, 0.0, ROOT, TARGET);
        }
        let mut best = f64::INFINITY;
        let mut meeting = None;
        loop {
            let f_min = fw.peek().unwrap_or(f64::INFINITY);
            let b_min = bw.peek().unwrap_or(f64::INFINITY);
            if f_min.min(b_min) >= best {
                break;
            }
            let forward = f_min <= b_min;
            // `edges` lead upward in this search's direction; `stall` are the edges
            // from higher states into `s` in this direction.
            let (side, other, edges, stall): (&mut Side, &Side, EdgesOf, EdgesOf) = if forward {
                (fw, bw, Hierarchy::up, Hierarchy::down)
            } else {
                (bw, fw, Hierarchy::down, Hierarchy::up)
            };
            // Nothing but entries left behind: this side is done (its queue is empty
            // now), the other may not be.
            let Some((s, d)) = side.pop() else {
                continue;
            };
            let total = d + other.dist(s);
            if total < best {
                best = total;
                meeting = Some(s);
            }
            if COUNT {
                let into = stall(self, s);
                space.settled += 1;
                space.stall_reads += into
                    .iter()
                    .position(|e| side.dist(e.head) + e.weight < d)
                    .map_or(into.len(), |i| i + 1);
            }
            if stalled(side, stall(self, s), d) {
                if COUNT {
                    space.stalled += 1;
                }
                continue;
            }
            if COUNT {
                let up = edges(self, s);
                space.relaxed += up.len();
                space.queued += up
                    .iter()
                    .filter(|e| d + e.weight < best && d + e.weight < side.dist(e.head))
                    .count();
            }
            // A state reached at `best` or more cannot improve the meeting, and only
            // stalls states whose own edges all reach `best` or more: not queued (the
            // loop could still settle such a state after an outdated entry).
            let steps = steps(edges(self, s)).filter(|&(_, weight, _)| d + weight < best);
            // What settling a state reached now will read: its edges both ways and the
            // other side's distance, asked for while the search goes on.
            let prefetch = |h: u32| {
                self.prefetch_state(h);
                other.prefetch_dist(h);
            };
            side.relax_entering::<true>(s, d, steps, |_| 0.0, prefetch);
        }
        meeting.map(|m| (best, m))
    }

    /// The best route for `query` (no via places): the same weight as
    /// `route::shortest`. Queries with via places, and the rare query whose path
    /// would re-enter the origin or pass the destination, run the plain search.
    pub fn shortest(
        &self,
        graph: &Graph<'_>,
        memory: &mut ChQuery,
        query: &Query,
    ) -> Option<Route> {
        if !query.via.is_empty() || query.from == query.to {
            return shortest(graph, query);
        }
        let (_, meeting) =
            self.meet::<false>(graph, memory, query.from, query.to, &mut SearchSpace::default())?;
        // The route's edges in order: the forward half, from the meeting state back to
        // the origin's departure, reversed, then the backward half down to a target.
        let mut edges = Vec::new();
        let mut s = meeting;
        let departure = loop {
            match step(&memory.forward, s) {
                Step::Edge(id) => {
                    edges.push(id);
                    s = self.at(self.ends[id as usize].0);
                }
                Step::Departure(i) => break i,
                Step::Target => return shortest(graph, query),
            }
        };
        edges.reverse();
        let first = graph.departures(query.from).nth(departure as usize)?;
        let mut s = meeting;
        while let Step::Edge(id) = step(&memory.backward, s) {
            edges.push(id);
            s = self.at(self.ends[id as usize].1);
        }
        // The legs only: `Route::from_legs` sums its own metrics.
        let mut legs: Vec<DirLeg> = Vec::with_capacity(1024);
        legs.push(first.leg);
        self.unpack(&edges, &mut memory.unpacking, &mut legs);
        let route = Route::from_legs(graph, query, &legs);
        let places = route.places();
        let loops =
            places[1..].contains(&query.from) || places[..places.len() - 1].contains(&query.to);
        if loops {
            return shortest(graph, query);
        }
        Some(route)
    }
}

/// One upward search of a many-to-many computation, with metrics along.
struct Upward {
    side: Side,
    metrics: Vec<Metrics>,
}

impl Upward {
    fn new(states: usize) -> Upward {
        Upward {
            side: Side::with_queue(states),
            metrics: vec![Metrics::ZERO; states],
        }
    }

    /// Runs an upward search (`forward`: on upward edges from the starts, given as
    /// states; else on the reversed graph) to exhaustion, calling `settle(position,
    /// weight, metrics, step)` for every settled state that is not stalled.
    fn run(
        &mut self,
        hierarchy: &Hierarchy,
        forward: bool,
        starts: impl Iterator<Item = (StateId, f64, Metrics)>,
        mut settle: impl FnMut(StateId, f64, Metrics, Step),
    ) {
        let side = &mut self.side;
        side.reset();
        for (state, weight, metrics) in starts {
            let s = hierarchy.at(state);
            if side.reach::<true>(s, weight, 0.0, ROOT, TARGET) {
                self.metrics[s as usize] = metrics;
            }
        }
        let (edges, stall): (EdgesOf, EdgesOf) = if forward {
            (Hierarchy::up, Hierarchy::down)
        } else {
            (Hierarchy::down, Hierarchy::up)
        };
        while let Some((s, d)) = side.pop() {
            if stalled(side, stall(hierarchy, s), d) {
                continue;
            }
            let here = self.metrics[s as usize];
            settle(s, d, here, step(side, s));
            for e in edges(hierarchy, s) {
                // Metrics follow the parent: set whenever the kernel improves a state.
                if side.reach::<true>(e.head, d + e.weight, 0.0, s, e.id) {
                    self.metrics[e.head as usize] = here + hierarchy.metrics[e.id as usize];
                }
            }
        }
    }
}

/// Matrix rows computed by the plain search instead (counted in tests, which check the
/// fallback stays rare).
#[cfg(test)]
static PLAIN_ROWS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// An [`Upward`] search borrowed from a pool for one split of a parallel loop, returned
/// when the split ends.
struct Lease<'p> {
    pool: &'p Mutex<Vec<Upward>>,
    search: Upward,
}

impl<'p> Lease<'p> {
    fn take(pool: &'p Mutex<Vec<Upward>>, states: usize) -> Lease<'p> {
        let reused = pool.lock().unwrap_or_else(PoisonError::into_inner).pop();
        Lease {
            pool,
            search: reused.unwrap_or_else(|| Upward::new(states)),
        }
    }

    fn get(&mut self) -> &mut Upward {
        &mut self.search
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        // An empty search allocates nothing.
        let search = std::mem::replace(&mut self.search, Upward::new(0));
        self.pool
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(search);
    }
}

/// A bucket entry: a state settled by the backward search of destination `to`.
#[derive(Clone, Copy)]
struct Entry {
    /// The state's position.
    state: u32,
    to: u32,
    weight: f64,
    metrics: Metrics,
    /// How the backward search reached `state` (toward the destination).
    parent: Step,
}

/// The best cell found so far for one destination of a row, and where it met.
#[derive(Clone, Copy)]
struct Best {
    cell: Cell,
    meeting: StateId,
    entry: u32,
}

/// Weights and metrics of the best routes from every `from` to every `to` with the
/// hierarchy (bucket many-to-many): one backward upward search per destination fills
/// buckets at the states it settles, then one forward upward search per origin scans
/// the buckets of the states it settles. O((|from| + |to|) × upward search + bucket
/// entries scanned + length of the routes found), instead of |from| full one-to-all
/// searches. Both phases run in parallel on the current rayon pool; the result is the
/// same whatever the number of threads.
///
/// The cells are those of the plain matrix (weights equal up to floating-point
/// summation order; among routes of equal weight the metrics may be another's). The
/// plain search never re-enters the origin, which can matter (a cheaper service into
/// the origin and on); every route found is unpacked and checked, and an origin with
/// such a route gets its row from the plain search. Under a corridor restriction the
/// plain matrix is used.
#[cfg_attr(not(feature = "internals"), allow(dead_code))] // used by tests and benches
pub fn matrix(
    hierarchy: &Hierarchy,
    graph: &Graph<'_>,
    from: &[PlaceId],
    to: &[PlaceId],
) -> Matrix {
    matrix_with_progress(hierarchy, graph, from, to, &|| {})
}

/// [`matrix`], calling `progress` once per finished origin (from worker threads).
pub fn matrix_with_progress(
    hierarchy: &Hierarchy,
    graph: &Graph<'_>,
    from: &[PlaceId],
    to: &[PlaceId],
    progress: &(dyn Fn() + Sync),
) -> Matrix {
    if graph.corridor_required() {
        return super::matrix_with_progress(graph, from, to, progress);
    }
    // Search memory from the hierarchy's pool: rayon calls `map_init`'s init once per
    // split of the work, and fresh memory for every split would cost more than the
    // searches of a small matrix.
    let pool = &hierarchy.pool.0;
    // Backward phase.
    let mut entries: Vec<Entry> = to
        .par_iter()
        .enumerate()
        .map_init(
            || Lease::take(pool, hierarchy.states),
            |lease, (j, &target)| {
                let search = lease.get();
                let mut found = Vec::new();
                let starts = graph.targets(target).map(|s| (s, 0.0, Metrics::ZERO));
                search.run(hierarchy, false, starts, |s, d, m, parent| {
                    found.push(Entry {
                        state: s,
                        to: j as u32,
                        weight: d,
                        metrics: m,
                        parent,
                    });
                });
                found
            },
        )
        .flatten_iter()
        .collect();
    entries.par_sort_unstable_by_key(|e| (e.state, e.to));
    let mut bucket_start = vec![0u32; hierarchy.states + 1];
    for e in &entries {
        bucket_start[e.state as usize + 1] += 1;
    }
    for s in 0..hierarchy.states {
        bucket_start[s + 1] += bucket_start[s];
    }
    let bucket =
        |s: StateId| bucket_start[s as usize] as usize..bucket_start[s as usize + 1] as usize;
    // Forward phase: one row per origin.
    let rows: Vec<Vec<Option<Cell>>> = from
        .par_iter()
        .map_init(
            || (Lease::take(pool, hierarchy.states), MatrixRows::default()),
            |(lease, plain), &origin| {
                let search = lease.get();
                let mut best: Vec<Option<Best>> = vec![None; to.len()];
                let starts = graph
                    .departures(origin)
                    .filter(|arc| graph.state_place(arc.head) != origin)
                    .map(|arc| (arc.head, arc.weight, arc.metrics));
                search.run(hierarchy, true, starts, |s, d, m, _| {
                    for k in bucket(s) {
                        let entry = &entries[k];
                        let weight = d + entry.weight;
                        let slot = &mut best[entry.to as usize];
                        if slot.is_none_or(|b| weight < b.cell.weight) {
                            *slot = Some(Best {
                                cell: Cell {
                                    weight,
                                    metrics: m + entry.metrics,
                                },
                                meeting: s,
                                entry: k as u32,
                            });
                        }
                    }
                });
                // The cell to the origin itself is zero and needs no route (a round
                // trip found by the searches always passes the origin). An origin with
                // one state and positive weights cannot be passed again (see
                // `Hierarchy::positive`), which spares unpacking every route; except a
                // sea waypoint: sailing on past it waits for nothing, while setting out
                // from it waits for the service, so a loop back through it can pay.
                let single = hierarchy.positive
                    && graph.states_of(origin).len() == 1
                    && graph.network().place(origin).kind != PlaceKind::Waypoint;
                let reenters = !single
                    && to.iter().zip(&best).any(|(&target, b)| {
                        let Some(b) = b.filter(|_| target != origin) else {
                            return false;
                        };
                        hierarchy.passes(
                            graph,
                            origin,
                            &search.side,
                            b.meeting,
                            b.entry as usize,
                            &entries,
                            &bucket,
                        )
                    });
                if reenters {
                    #[cfg(test)]
                    PLAIN_ROWS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let mut row = Vec::with_capacity(to.len());
                    plain.row(graph, origin, to, &mut row);
                    progress();
                    return row;
                }
                let row: Vec<Option<Cell>> = to
                    .iter()
                    .zip(&best)
                    .map(|(&target, b)| {
                        if target == origin {
                            graph.allows_place(origin).then_some(Cell {
                                weight: 0.0,
                                metrics: Metrics::ZERO,
                            })
                        } else {
                            b.map(|b| b.cell)
                        }
                    })
                    .collect();
                progress();
                row
            },
        )
        .collect();
    Matrix {
        from: from.to_vec(),
        to: to.to_vec(),
        cells: rows.into_iter().flatten().collect(),
    }
}

impl Hierarchy {
    /// Whether the route that met at position `meeting` (forward parents in `forward`,
    /// backward parents in bucket `entries` from `entry` on) passes a state of `place`.
    #[allow(clippy::too_many_arguments)]
    fn passes(
        &self,
        graph: &Graph<'_>,
        place: PlaceId,
        forward: &Side,
        meeting: StateId,
        entry: usize,
        entries: &[Entry],
        bucket: &dyn Fn(StateId) -> std::ops::Range<usize>,
    ) -> bool {
        let at = |s: StateId| graph.state_place(s) == place;
        let mut edges: Vec<u32> = Vec::new();
        let mut s = meeting;
        while let Step::Edge(id) = step(forward, s) {
            edges.push(id);
            s = self.at(self.ends[id as usize].0);
        }
        if at(self.state_at[s as usize]) {
            return true;
        }
        let (mut k, to) = (entry, entries[entry].to);
        while let Step::Edge(id) = entries[k].parent {
            edges.push(id);
            let next = self.at(self.ends[id as usize].1);
            let range = bucket(next);
            match entries[range.clone()].binary_search_by_key(&to, |e| e.to) {
                Ok(offset) => k = range.start + offset,
                // The backward search settled `next` (it is a parent), so its entry
                // exists; be safe and call the route suspect.
                Err(_) => return true,
            }
        }
        // Every state inside the edges, shortcut middles included.
        while let Some(id) = edges.pop() {
            let (tail, head) = self.ends[id as usize];
            if at(tail) || at(head) {
                return true;
            }
            if let Origin::Shortcut(first, second) = self.origins[id as usize] {
                edges.push(first);
                edges.push(second);
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synthetic::{Synthetic, generate};
    use crate::{Objective, Profile};
    use std::sync::atomic::Ordering;

    /// Contraction runs in parallel rounds; the hierarchy does not depend on the number
    /// of threads.
    #[test]
    fn same_hierarchy_on_one_and_two_threads() {
        let network = generate(Synthetic {
            places: 2_000,
            seed: 7,
        });
        let graph = Graph::new(&network, &Profile::new(Objective::Cost));
        let build = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| Hierarchy::new(&graph)).to_parts()
        };
        assert_eq!(build(1), build(2));
    }

    /// On a road grid (one state per place, positive weights) no shortest route passes
    /// its origin again, so every row comes from the hierarchy, including rows whose
    /// origin is also a destination.
    #[test]
    fn matrix_rows_come_from_the_hierarchy() {
        let network = generate(Synthetic {
            places: 900,
            seed: 5,
        });
        let graph = Graph::new(&network, &Profile::new(Objective::Time));
        let hierarchy = Hierarchy::new(&graph);
        let places: Vec<PlaceId> = (0..900).step_by(37).map(PlaceId).collect();
        let before = PLAIN_ROWS.load(Ordering::Relaxed);
        let fast = matrix(&hierarchy, &graph, &places, &places);
        assert_eq!(PLAIN_ROWS.load(Ordering::Relaxed), before);
        let plain = super::super::matrix(&graph, &places, &places);
        for (f, p) in fast.cells.iter().zip(&plain.cells) {
            assert_eq!(f.is_some(), p.is_some());
            if let (Some(f), Some(p)) = (f, p) {
                assert!((f.weight - p.weight).abs() <= 1e-9 * p.weight.max(1.0));
            }
        }
    }
}
