//! The search kernel: Dijkstra (A* with a potential) written once, over a reusable
//! scratch space and the arcs a closure gives for each node — the way
//! `petgraph::algo::dijkstra` takes its edge cost as a closure, but with memory that
//! survives between searches and only what a search touched reset.
//!
//! Every shortest-path search of the crate runs on it: routes (the layered A* of
//! [`super::search`]), one-to-all searches and matrix rows, contraction-hierarchy
//! witness, query and bucket searches, column-generation pricing and the successive
//! shortest paths of min-cost flow. A search is a loop of [`Kernel::pop`] (the next node
//! to settle, with its distance) and [`Kernel::relax`] (its arcs): callers decide
//! between the two when to stop, whether to stall a node, or what to record, and
//! [`Kernel::run`] is that loop with nothing in between.
//!
//! Pareto sets (`route::pareto`) keep many labels per node, ordered by a vector of
//! criteria, and contraction picks states by importance, not distance: neither is a
//! shortest-path search, and they keep their own queues.
//!
//! Nodes are `u32` indices below the size given to [`Kernel::new`]. Weights must be
//! non-negative and finite, and potentials consistent (`h(u) ≤ w(u, v) + h(v)`), so a
//! settled node's distance is final. Without a potential no later path can be shorter;
//! with one, rounding can make a later path look a hair shorter, so A* searches use a
//! queue that closes settled nodes: `IndexedHeap<true>` or the lazy heap. The plain
//! indexed heap and the radix queue do not refuse a settled node (the radix queue checks
//! in debug builds that none comes back) and are for searches without a potential.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use radix_heap::RadixHeapMap;

use super::heap::IndexedHeap;

/// The tail recorded for nodes reached straight from the start (a departure, a
/// backward search's target, ...): the label then says which start arc it was.
pub(crate) const ROOT: u32 = u32::MAX;

/// One arc as the kernel sees it: the node reached, the arc's weight and a label the
/// caller chooses (an arc index, a leg, an edge id) recorded as the node's parent.
pub(crate) type Step = (u32, f64, u32);

/// The priority queue of a [`Kernel`]. Queues for A* also remember which nodes were
/// popped (closed) since they were last reopened and refuse to queue them again; queues
/// for searches without a potential need not, since those never improve a settled node.
pub(crate) trait Queue {
    /// An empty queue for nodes `0..len`.
    fn with_len(len: usize) -> Self;
    /// Queues `node` with `key` (or lowers its key). False if the queue refuses the node
    /// as closed, or has it queued with a key at most `key` (a lazy queue keeps both
    /// entries).
    fn push(&mut self, key: f64, node: u32) -> bool;
    /// Removes the node with the smallest key and closes it.
    fn pop(&mut self) -> Option<u32>;
    /// [`Queue::pop`], inlined into the caller where the queue can. Searches that do not
    /// prefetch (graphs that fit the caches) pop this way: with the pop out of line,
    /// the built-in network's searches ran 1–3 % more instructions; the prefetching
    /// loops keep [`Queue::pop`], whose inlining slowed the large graphs' one-to-all.
    #[inline(always)]
    fn pop_inline(&mut self) -> Option<u32> {
        self.pop()
    }
    /// The node [`Queue::pop`] would return now, if the queue can tell cheaply (a hint
    /// for prefetching: lazy queues may answer a node already closed, or nothing).
    #[inline(always)]
    fn peek_node(&self) -> Option<u32> {
        None
    }

    /// Lets a closed node be queued again (called for every popped node when a search
    /// is forgotten, before [`Queue::drain`]).
    fn reopen(&mut self, node: u32);
    /// Empties the queue, calling `f` for every node still in it. Nodes popped and not
    /// reopened stay closed, unless the queue reopens them all here instead.
    fn drain(&mut self, f: impl FnMut(u32));
}

impl<const CLOSE: bool> Queue for IndexedHeap<CLOSE> {
    fn with_len(len: usize) -> IndexedHeap<CLOSE> {
        IndexedHeap::new(len)
    }

    #[inline(always)]
    fn push(&mut self, key: f64, node: u32) -> bool {
        IndexedHeap::push(self, key, node)
    }

    #[inline]
    fn pop(&mut self) -> Option<u32> {
        IndexedHeap::pop(self).map(|(_, node)| node)
    }

    #[inline(always)]
    fn pop_inline(&mut self) -> Option<u32> {
        IndexedHeap::pop_inline(self).map(|(_, node)| node)
    }

    #[inline(always)]
    fn peek_node(&self) -> Option<u32> {
        self.peek_state()
    }

    fn reopen(&mut self, node: u32) {
        IndexedHeap::reopen(self, node);
    }

    fn drain(&mut self, f: impl FnMut(u32)) {
        IndexedHeap::drain(self, f);
    }
}

/// A lazy monotone queue (a radix heap over the keys' bits): cheaper per operation than
/// the indexed heap when keys are popped in increasing order and most pushes are
/// first visits, as in min-cost flow's searches on reduced costs. Keys pushed must not
/// be below the last key popped, which Dijkstra without a potential guarantees (and
/// then no settled node is pushed again either).
#[derive(Default)]
pub(crate) struct RadixQueue {
    heap: RadixHeapMap<Reverse<u64>, u32>,
    /// The search a node was popped in: closed while it equals `round`, so forgetting
    /// a search's closed nodes is one increment, not a write per node.
    closed_in: Vec<u32>,
    round: u32,
}

impl Queue for RadixQueue {
    fn with_len(len: usize) -> RadixQueue {
        RadixQueue {
            heap: RadixHeapMap::new(),
            closed_in: vec![0; len],
            round: 1,
        }
    }

    /// Without a potential a settled node is never improved, so it is never pushed
    /// again; checked in debug builds only.
    #[inline]
    fn push(&mut self, key: f64, node: u32) -> bool {
        debug_assert!(
            self.closed_in[node as usize] != self.round,
            "a settled node was improved"
        );
        // The bits of a non-negative `f64` order as the number does.
        self.heap.push(Reverse(key.to_bits()), node);
        true
    }

    #[inline]
    fn pop(&mut self) -> Option<u32> {
        loop {
            let (_, node) = self.heap.pop()?;
            // Entries left behind by a later, smaller key of the same node.
            let closed = &mut self.closed_in[node as usize];
            if *closed != self.round {
                *closed = self.round;
                return Some(node);
            }
        }
    }

    /// Nothing to do: the next search has a new round.
    #[inline(always)]
    fn reopen(&mut self, _node: u32) {}

    fn drain(&mut self, f: impl FnMut(u32)) {
        self.heap.values().copied().for_each(f);
        self.heap.clear();
        self.round = self.round.wrapping_add(1);
        if self.round == 0 {
            self.closed_in.fill(0);
            self.round = 1;
        }
    }
}

impl std::fmt::Debug for RadixQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RadixQueue({} queued)", self.heap.len())
    }
}

/// A lazy binary heap (duplicates instead of decrease-key; ties to the smaller node):
/// cheapest for the many small searches of contraction and CH queries, where the
/// indexed heap's position bookkeeping costs more than it saves.
///
/// An entry is the key's bits (a non-negative `f64` orders as its bits do) above the
/// node, in one `u128`: the heap compares entries with one integer comparison where a
/// (key, node) pair took two, in the same order.
#[derive(Debug, Default)]
pub(crate) struct LazyHeap {
    heap: BinaryHeap<Reverse<u128>>,
    closed: Vec<bool>,
}

impl LazyHeap {
    /// The smallest key queued: a lower bound of the next node's key (it may belong to
    /// an entry left behind, which is never smaller than its node's own key).
    #[cfg_attr(not(feature = "internals"), allow(dead_code))] // point-to-point queries: tests and benches
    pub(crate) fn peek(&self) -> Option<f64> {
        self.heap
            .peek()
            .map(|Reverse(entry)| f64::from_bits((*entry >> 32) as u64))
    }
}

impl Queue for LazyHeap {
    fn with_len(len: usize) -> LazyHeap {
        LazyHeap {
            heap: BinaryHeap::new(),
            closed: vec![false; len],
        }
    }

    #[inline]
    fn push(&mut self, key: f64, node: u32) -> bool {
        if self.closed[node as usize] {
            return false;
        }
        self.heap
            .push(Reverse(u128::from(key.to_bits()) << 32 | u128::from(node)));
        true
    }

    #[inline]
    fn pop(&mut self) -> Option<u32> {
        loop {
            let node = self.heap.pop()?.0 as u32;
            if !std::mem::replace(&mut self.closed[node as usize], true) {
                return Some(node);
            }
        }
    }

    fn reopen(&mut self, node: u32) {
        self.closed[node as usize] = false;
    }

    fn drain(&mut self, mut f: impl FnMut(u32)) {
        for Reverse(entry) in self.heap.drain() {
            f(entry as u32);
        }
    }
}

/// Search memory for graphs of up to `len` nodes, reused between searches; `Q` is the
/// priority queue.
#[derive(Debug, Default)]
pub(crate) struct Kernel<Q = IndexedHeap> {
    dist: Vec<f64>,
    /// How each reached node was reached: (tail node or [`ROOT`], label). Only written
    /// by searches that ask for parents.
    parent: Vec<(u32, u32)>,
    /// Nodes in the order they were settled.
    settled: Vec<u32>,
    /// Nodes closed by [`Kernel::block`], reopened by [`Kernel::reset`].
    blocked: Vec<u32>,
    heap: Q,
}

impl Kernel {
    /// Memory for searches over nodes `0..len` with the indexed heap. O(len).
    pub(crate) fn new(len: usize) -> Kernel {
        Kernel::with_queue(len)
    }
}

impl Kernel<LazyHeap> {
    /// A lower bound of the next key to be settled (the smallest queued key), if any.
    #[cfg_attr(not(feature = "internals"), allow(dead_code))] // point-to-point queries: tests and benches
    pub(crate) fn peek(&self) -> Option<f64> {
        self.heap.peek()
    }
}

impl<Q: Queue> Kernel<Q> {
    /// Memory for searches over nodes `0..len` with the queue `Q`. O(len).
    pub(crate) fn with_queue(len: usize) -> Kernel<Q> {
        Kernel {
            dist: vec![f64::INFINITY; len],
            parent: Vec::new(),
            settled: Vec::new(),
            blocked: Vec::new(),
            heap: Q::with_len(len),
        }
    }

    /// How many nodes searches may use.
    pub(crate) fn len(&self) -> usize {
        self.dist.len()
    }

    /// Forgets the last search: O(nodes it touched).
    pub(crate) fn reset(&mut self) {
        for &s in &self.settled {
            self.dist[s as usize] = f64::INFINITY;
            self.heap.reopen(s);
        }
        let dist = &mut self.dist;
        self.heap.drain(|s| dist[s as usize] = f64::INFINITY);
        for &s in &self.blocked {
            self.dist[s as usize] = f64::INFINITY;
        }
        self.settled.clear();
        self.blocked.clear();
    }

    /// The best distance found to `node` (final once settled; infinite if not reached;
    /// −∞ if blocked).
    #[inline]
    pub(crate) fn dist(&self, node: u32) -> f64 {
        self.dist[node as usize]
    }

    /// Asks the cache for `node`'s distance (a hint: no effect on results).
    #[inline(always)]
    pub(crate) fn prefetch_dist(&self, node: u32) {
        prefetch_index::prefetch_index(&self.dist, node as usize);
    }

    /// All distances, indexed by node.
    pub(crate) fn dists(&self) -> &[f64] {
        &self.dist
    }

    /// How `node` was reached: (tail or [`ROOT`], label). Meaningful for nodes reached
    /// by a search that recorded parents.
    #[inline]
    pub(crate) fn parent(&self, node: u32) -> (u32, u32) {
        self.parent[node as usize]
    }

    /// The nodes settled so far, in settling order (a node's parent before it).
    pub(crate) fn settled(&self) -> &[u32] {
        &self.settled
    }

    /// Closes `node` for this search: it is never entered (an origin's own states).
    pub(crate) fn block(&mut self, node: u32) {
        self.dist[node as usize] = f64::NEG_INFINITY;
        self.blocked.push(node);
    }

    /// Offers `node` at distance `dist`, queued at `dist + potential`: kept if shorter
    /// than what the search has. Records the parent `(tail, label)` when `PARENTS`.
    /// True if the node's distance was improved.
    #[inline]
    pub(crate) fn reach<const PARENTS: bool>(
        &mut self,
        node: u32,
        dist: f64,
        potential: f64,
        tail: u32,
        label: u32,
    ) -> bool {
        dist < self.dist[node as usize]
            && self.enter::<PARENTS>(node, dist, dist + potential, tail, label)
    }

    /// Queues `node`, known to improve, with `key`; records its distance and parent if
    /// the queue takes it (it refuses closed nodes).
    #[inline(always)]
    fn enter<const PARENTS: bool>(
        &mut self,
        node: u32,
        dist: f64,
        key: f64,
        tail: u32,
        label: u32,
    ) -> bool {
        if !self.heap.push(key, node) {
            return false;
        }
        self.dist[node as usize] = dist;
        if PARENTS {
            self.allocate_parents();
            self.parent[node as usize] = (tail, label);
        }
        true
    }

    /// Parents are allocated by the first search that records them.
    #[inline(always)]
    fn allocate_parents(&mut self) {
        if self.parent.len() != self.dist.len() {
            self.parent = vec![(ROOT, 0); self.dist.len()];
        }
    }

    /// Relaxes the arcs of `tail`, reached at distance `dist` (or [`ROOT`] for a
    /// start's arcs, with the start's distance): each arc `(head, weight, label)` offers
    /// `head` at `dist + weight`, queued with the potential `h(head)`.
    #[inline]
    pub(crate) fn relax<const PARENTS: bool>(
        &mut self,
        tail: u32,
        dist: f64,
        arcs: impl IntoIterator<Item = Step>,
        h: impl Fn(u32) -> f64,
    ) {
        self.relax_entering::<PARENTS>(tail, dist, arcs, h, |_| {});
    }

    /// [`Kernel::relax`], calling `entered(head)` for each head whose distance improved.
    #[inline]
    pub(crate) fn relax_entering<const PARENTS: bool>(
        &mut self,
        tail: u32,
        dist: f64,
        arcs: impl IntoIterator<Item = Step>,
        h: impl Fn(u32) -> f64,
        entered: impl Fn(u32),
    ) {
        if PARENTS {
            self.allocate_parents();
        }
        // Fields apart, so each arc reads and writes its head's distance through one
        // bounds-checked slot.
        let Kernel {
            dist: best,
            parent,
            heap,
            ..
        } = self;
        for (head, weight, label) in arcs {
            let next = dist + weight;
            let slot = &mut best[head as usize];
            if next < *slot && heap.push(next + h(head), head) {
                *slot = next;
                if PARENTS {
                    parent[head as usize] = (tail, label);
                }
                entered(head);
            }
        }
    }

    /// Settles the queued node with the smallest key and returns it with its distance.
    #[inline(always)]
    pub(crate) fn pop(&mut self) -> Option<(u32, f64)> {
        let node = self.heap.pop()?;
        self.settled.push(node);
        Some((node, self.dist[node as usize]))
    }

    /// [`Kernel::pop`] through [`Queue::pop_inline`].
    #[inline(always)]
    fn pop_inline(&mut self) -> Option<(u32, f64)> {
        let node = self.heap.pop_inline()?;
        self.settled.push(node);
        Some((node, self.dist[node as usize]))
    }

    /// Settles nodes until `stop(node, dist)` says so (checked before the node's arcs
    /// are relaxed) or nothing is left; `arcs(node)` gives the arcs of a node, `h` its
    /// potential. Returns the node it stopped at.
    ///
    /// The loop of [`Kernel::run_prefetching`] without its prefetches, popping through
    /// [`Kernel::pop_inline`]. Kept a loop of its own: one loop for both, with the pop
    /// and the prefetches chosen by a const parameter, ran 1.4–2.9 % more instructions
    /// on the built-in network's route, one-to-all and matrix (callgrind, `instructions`
    /// example).
    pub(crate) fn run<const PARENTS: bool, I: IntoIterator<Item = Step>>(
        &mut self,
        mut arcs: impl FnMut(u32) -> I,
        h: impl Fn(u32) -> f64 + Copy,
        mut stop: impl FnMut(u32, f64) -> bool,
    ) -> Option<u32> {
        while let Some((node, dist)) = self.pop_inline() {
            if stop(node, dist) {
                return Some(node);
            }
            self.relax::<PARENTS>(node, dist, arcs(node), h);
        }
        None
    }

    /// [`Kernel::run`], calling `prefetch(node)` early for nodes it will settle: the
    /// node on top of the queue (most often the next one settled) before the current
    /// node's arcs are relaxed, and every node whose distance those arcs improve. On
    /// graphs larger than the caches, a node's arcs are where a search waits most; a
    /// prefetch of them overlaps that wait with the work in between. Results are the
    /// same whatever `prefetch` does.
    #[inline]
    pub(crate) fn run_prefetching<const PARENTS: bool, I: IntoIterator<Item = Step>>(
        &mut self,
        mut arcs: impl FnMut(u32) -> I,
        prefetch: impl Fn(u32),
        h: impl Fn(u32) -> f64 + Copy,
        mut stop: impl FnMut(u32, f64) -> bool,
    ) -> Option<u32> {
        while let Some((node, dist)) = self.pop() {
            if stop(node, dist) {
                return Some(node);
            }
            if let Some(next) = self.heap.peek_node() {
                prefetch(next);
            }
            self.relax_entering::<PARENTS>(node, dist, arcs(node), h, &prefetch);
        }
        None
    }

    /// The labels on the path to `node`, first to last, following parents up to the
    /// start; the start's own label included when `with_root`.
    pub(crate) fn path(&self, node: u32, with_root: bool) -> Vec<u32> {
        let mut labels = Vec::new();
        let mut at = node;
        loop {
            let (tail, label) = self.parent[at as usize];
            if tail == ROOT {
                if with_root {
                    labels.push(label);
                }
                break;
            }
            labels.push(label);
            at = tail;
        }
        labels.reverse();
        labels
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use petgraph::algo::dijkstra;
    use petgraph::graph::{DiGraph, NodeIndex};
    use proptest::prelude::*;

    /// A random directed graph as adjacency lists, and the same in petgraph.
    fn graphs(n: usize, edges: &[(usize, usize, f64)]) -> (Vec<Vec<Step>>, DiGraph<(), f64>) {
        let mut lists = vec![Vec::new(); n];
        let mut pg = DiGraph::new();
        let nodes: Vec<NodeIndex> = (0..n).map(|_| pg.add_node(())).collect();
        for (i, &(a, b, w)) in edges.iter().enumerate() {
            let (a, b) = (a % n, b % n);
            lists[a].push((b as u32, w, i as u32));
            pg.add_edge(nodes[a], nodes[b], w);
        }
        (lists, pg)
    }

    /// One kernel (reused from start to start) against petgraph's Dijkstra.
    fn check_against_petgraph<Q: Queue>(
        mut kernel: Kernel<Q>,
        lists: &[Vec<Step>],
        pg: &DiGraph<(), f64>,
        edges: &[(usize, usize, f64)],
        starts: &[usize],
    ) -> Result<(), TestCaseError> {
        let n = lists.len();
        for &start in starts {
            let start = start % n;
            kernel.reset();
            kernel.reach::<true>(start as u32, 0.0, 0.0, ROOT, u32::MAX);
            kernel.run::<true, _>(|v| lists[v as usize].iter().copied(), |_| 0.0, |_, _| false);
            let want = dijkstra(&pg, NodeIndex::new(start), None, |e| *e.weight());
            for v in 0..n {
                let got = kernel.dist(v as u32);
                match want.get(&NodeIndex::new(v)) {
                    Some(&d) => {
                        prop_assert!((got - d).abs() <= 1e-9 * d.max(1.0), "{v}: {got} vs {d}");
                        prop_assert!(kernel.settled().contains(&(v as u32)));
                        // The recorded path has the distance's length.
                        let mut length = 0.0;
                        for label in kernel.path(v as u32, false) {
                            length += edges[label as usize].2;
                        }
                        prop_assert!((length - d).abs() <= 1e-9 * d.max(1.0));
                    }
                    None => prop_assert!(got.is_infinite()),
                }
            }
            // Settling order is by distance.
            let order: Vec<f64> = kernel.settled().iter().map(|&v| kernel.dist(v)).collect();
            prop_assert!(order.windows(2).all(|w| w[0] <= w[1]));
        }
        Ok(())
    }

    proptest! {
        /// Distances equal petgraph's Dijkstra, parents form shortest paths, and a reused
        /// kernel gives what a fresh one gives.
        #[test]
        fn matches_petgraph(
            n in 1usize..30,
            edges in prop::collection::vec((0usize..30, 0usize..30, 0.0f64..100.0), 0..120),
            starts in prop::collection::vec(0usize..30, 1..4),
        ) {
            let (lists, pg) = graphs(n, &edges);
            check_against_petgraph(Kernel::new(n), &lists, &pg, &edges, &starts)?;
            check_against_petgraph(Kernel::<IndexedHeap<true>>::with_queue(n), &lists, &pg, &edges, &starts)?;
            check_against_petgraph(Kernel::<RadixQueue>::with_queue(n), &lists, &pg, &edges, &starts)?;
            check_against_petgraph(Kernel::<LazyHeap>::with_queue(n), &lists, &pg, &edges, &starts)?;
        }

        /// A* with a consistent potential (a shortest distance to a goal) settles the
        /// goal at its Dijkstra distance, and never more nodes than Dijkstra.
        #[test]
        fn astar_with_a_consistent_potential(
            n in 2usize..25,
            edges in prop::collection::vec((0usize..25, 0usize..25, 0.0f64..100.0), 0..100),
        ) {
            let (lists, pg) = graphs(n, &edges);
            let goal = n - 1;
            // Distances to the goal on the reversed graph are a consistent potential.
            let mut reversed = pg.clone();
            reversed.reverse();
            let to_goal = dijkstra(&reversed, NodeIndex::new(goal), None, |e| *e.weight());
            let h = |v: u32| to_goal.get(&NodeIndex::new(v as usize)).copied().unwrap_or(0.0);
            let mut plain = Kernel::new(n);
            plain.reach::<false>(0, 0.0, 0.0, ROOT, 0);
            let a = plain.run::<false, _>(|v| lists[v as usize].iter().copied(), |_| 0.0, |v, _| v as usize == goal);
            let mut astar = Kernel::<IndexedHeap<true>>::with_queue(n);
            astar.reach::<false>(0, 0.0, h(0), ROOT, 0);
            let b = astar.run::<false, _>(|v| lists[v as usize].iter().copied(), h, |v, _| v as usize == goal);
            prop_assert_eq!(a, b);
            if a.is_some() {
                let d = plain.dist(goal as u32);
                prop_assert!((astar.dist(goal as u32) - d).abs() <= 1e-9 * d.max(1.0));
                prop_assert!(astar.settled().len() <= plain.settled().len());
            }
        }
    }

    proptest! {
        /// Prefetching is only a hint: the same distances, parents and settling order as
        /// a plain run, on every queue, and every node settled after the start was named
        /// to `prefetch` before (when its distance improved).
        #[test]
        fn prefetching_runs_match_plain_runs(
            n in 1usize..30,
            edges in prop::collection::vec((0usize..30, 0usize..30, 0.0f64..100.0), 0..120),
            start in 0usize..30,
        ) {
            let (lists, _) = graphs(n, &edges);
            let start = (start % n) as u32;
            prefetching_matches(Kernel::new(n), Kernel::new(n), &lists, start)?;
            prefetching_matches(
                Kernel::<IndexedHeap<true>>::with_queue(n),
                Kernel::<IndexedHeap<true>>::with_queue(n),
                &lists,
                start,
            )?;
            prefetching_matches(
                Kernel::<LazyHeap>::with_queue(n),
                Kernel::<LazyHeap>::with_queue(n),
                &lists,
                start,
            )?;
        }
    }

    fn prefetching_matches<Q: Queue>(
        mut plain: Kernel<Q>,
        mut hinted: Kernel<Q>,
        lists: &[Vec<Step>],
        start: u32,
    ) -> Result<(), TestCaseError> {
        let arcs = |v: u32| lists[v as usize].iter().copied();
        plain.reach::<true>(start, 0.0, 0.0, ROOT, 0);
        plain.run::<true, _>(arcs, |_| 0.0, |_, _| false);
        let named = std::cell::RefCell::new(vec![false; lists.len()]);
        hinted.reach::<true>(start, 0.0, 0.0, ROOT, 0);
        hinted.run_prefetching::<true, _>(
            arcs,
            |v| named.borrow_mut()[v as usize] = true,
            |_| 0.0,
            |_, _| false,
        );
        prop_assert_eq!(plain.settled(), hinted.settled());
        for &v in plain.settled() {
            prop_assert_eq!(plain.dist(v).to_bits(), hinted.dist(v).to_bits());
            prop_assert_eq!(plain.parent(v), hinted.parent(v));
        }
        let named = named.into_inner();
        for &v in &hinted.settled()[1..] {
            prop_assert!(named[v as usize], "node {} settled without a prefetch", v);
        }
        Ok(())
    }

    #[test]
    fn blocked_nodes_are_never_entered_and_reopen_on_reset() {
        let lists: Vec<Vec<Step>> = vec![vec![(1, 1.0, 0)], vec![(2, 1.0, 1)], vec![]];
        let mut kernel = Kernel::new(3);
        kernel.block(1);
        kernel.reach::<false>(0, 0.0, 0.0, ROOT, 0);
        kernel.run::<false, _>(|v| lists[v as usize].clone(), |_| 0.0, |_, _| false);
        assert_eq!(kernel.dist(2), f64::INFINITY);
        kernel.reset();
        kernel.reach::<false>(0, 0.0, 0.0, ROOT, 0);
        kernel.run::<false, _>(|v| lists[v as usize].clone(), |_| 0.0, |_, _| false);
        assert_eq!(kernel.dist(2), 2.0);
    }
}
