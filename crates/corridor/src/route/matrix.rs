//! One-to-all searches and many-to-many matrices in parallel (rayon).

use rayon::prelude::*;

use super::kernel::{Kernel, ROOT};
use crate::graph::{Graph, Metrics, StateId};
use crate::model::PlaceId;

/// The best route's objective weight and metrics between two places.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cell {
    /// The minimised search weight ([`crate::Profile::search_weight`]: the objective
    /// plus the tie-break); the metrics give the objective alone.
    pub weight: f64,
    /// Totals of that route.
    pub metrics: Metrics,
}

/// A many-to-many result: `cells[i * to.len() + j]` is from `from[i]` to `to[j]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Matrix {
    /// Origins, in the order given.
    pub from: Vec<PlaceId>,
    /// Destinations, in the order given.
    pub to: Vec<PlaceId>,
    /// Row-major cells; `None` where no route exists.
    pub cells: Vec<Option<Cell>>,
}

impl Matrix {
    /// The cell from `from[i]` to `to[j]`.
    pub fn cell(&self, i: usize, j: usize) -> Option<Cell> {
        self.cells[i * self.to.len() + j]
    }
}

/// Reusable per-thread search memory.
struct Scratch {
    /// The search: distances, parents (tail state, arc index in the tail's arcs, or
    /// [`ROOT`] and the departure index) and the settle order.
    kernel: Kernel,
    /// Metrics per state, allocated on first use (only [`one_to_all`] needs them).
    metrics: Vec<Metrics>,
    /// States a matrix row waits for: those whose `wanted` equals `stamp`.
    wanted: Vec<u32>,
    stamp: u32,
}

impl Scratch {
    fn new(states: usize) -> Scratch {
        Scratch {
            kernel: Kernel::new(states),
            metrics: Vec::new(),
            wanted: vec![0; states],
            stamp: 0,
        }
    }

    fn reset(&mut self) {
        self.kernel.reset();
    }

    /// Marks the states a route to one of `places` from `from` may end in, and returns
    /// how many there are: a search may stop once it has settled them all.
    fn want(&mut self, graph: &Graph<'_>, from: PlaceId, places: &[PlaceId]) -> usize {
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.wanted.iter_mut().for_each(|w| *w = 0);
            self.stamp = 1;
        }
        let mut count = 0;
        for &place in places.iter().filter(|&&p| p != from) {
            for s in graph.targets(place) {
                if self.wanted[s as usize] != self.stamp {
                    self.wanted[s as usize] = self.stamp;
                    count += 1;
                }
            }
        }
        count
    }
}

/// The best route from `from` to every place: `result[place]` is `None` where no route
/// exists. Dijkstra on the state graph, O((V + E) log V); a place's best state is the
/// one with the smallest weight (ties: lowest state index). The origin itself costs 0.
/// Among routes of equal weight the metrics are those of one of them, not necessarily
/// the one the route search reports.
#[cfg_attr(not(feature = "internals"), allow(dead_code))] // used by tests and benches
pub fn one_to_all(graph: &Graph<'_>, from: PlaceId) -> Vec<Option<Cell>> {
    let mut scratch = Scratch::new(graph.state_count());
    run(graph, from, &mut scratch);
    add_metrics(graph, from, &mut scratch);
    let places = graph.network().places().len();
    (0..places as u32)
        .map(|p| {
            best_at(graph, from, PlaceId(p), scratch.kernel.dists(), |state| {
                scratch.metrics[state as usize]
            })
        })
        .collect()
}

/// The objective weight of the best route from `from` to every place (`None`:
/// unreachable), without the metrics: the plain search, as fast as it gets.
#[cfg_attr(not(feature = "internals"), allow(dead_code))] // used by tests and benches
pub fn one_to_all_weights(graph: &Graph<'_>, from: PlaceId) -> Vec<Option<f64>> {
    let mut search = OneToAll::new(graph);
    search.run(from);
    (0..graph.network().places().len() as u32)
        .map(|p| search.weight(PlaceId(p)))
        .collect()
}

/// Repeated one-to-all searches on one graph, reusing their memory (one per thread).
#[cfg_attr(not(feature = "internals"), allow(dead_code))] // used by tests and benches
pub struct OneToAll<'g, 'n> {
    graph: &'g Graph<'n>,
    scratch: Scratch,
    from: Option<PlaceId>,
}

#[cfg_attr(not(feature = "internals"), allow(dead_code))] // used by tests and benches
impl<'g, 'n> OneToAll<'g, 'n> {
    /// Memory for searches on `graph`. O(states).
    pub fn new(graph: &'g Graph<'n>) -> OneToAll<'g, 'n> {
        OneToAll {
            graph,
            scratch: Scratch::new(graph.state_count()),
            from: None,
        }
    }

    /// Searches from `from` to everywhere (weights only), forgetting the previous search.
    pub fn run(&mut self, from: PlaceId) {
        self.scratch.reset();
        search::<false>(self.graph, from, &mut self.scratch, None);
        self.from = Some(from);
    }

    /// The best weight from the last origin to `place`; `None` if unreachable or before
    /// any [`OneToAll::run`].
    pub fn weight(&self, place: PlaceId) -> Option<f64> {
        let from = self.from?;
        if place == from {
            return (self.graph.allows_place(from) && !self.graph.corridor_required())
                .then_some(0.0);
        }
        self.graph
            .targets(place)
            .map(|s| self.scratch.kernel.dist(s))
            .filter(|d| d.is_finite())
            .min_by(f64::total_cmp)
    }
}

/// Best routes from every place of `from` to every place of `to`, in parallel over
/// origins on the current rayon pool. The output is identical whatever the number of
/// threads: each origin's search is sequential and results keep the input order.
#[cfg_attr(not(feature = "internals"), allow(dead_code))] // used by tests and benches
pub fn matrix(graph: &Graph<'_>, from: &[PlaceId], to: &[PlaceId]) -> Matrix {
    matrix_with_progress(graph, from, to, &|| {})
}

/// [`matrix`], calling `progress` once per finished origin (from worker threads).
pub fn matrix_with_progress(
    graph: &Graph<'_>,
    from: &[PlaceId],
    to: &[PlaceId],
    progress: &(dyn Fn() + Sync),
) -> Matrix {
    let rows: Vec<Vec<Option<Cell>>> = from
        .par_iter()
        .map_init(MatrixRows::default, |rows, &origin| {
            let mut row = Vec::with_capacity(to.len());
            rows.row(graph, origin, to, &mut row);
            progress();
            row
        })
        .collect();
    Matrix {
        from: from.to_vec(),
        to: to.to_vec(),
        cells: rows.into_iter().flatten().collect(),
    }
}

/// Matrix rows one origin at a time, reusing the search memory: for callers that run
/// in parallel over something else (one per thread), such as sweeps over draws.
#[derive(Default)]
pub struct MatrixRows {
    scratch: Option<Scratch>,
}

impl MatrixRows {
    /// Appends to `out` the cells from `from` to each place of `to` on `graph` (the
    /// cells [`matrix`] gives). Graphs may change between calls.
    pub fn row(
        &mut self,
        graph: &Graph<'_>,
        from: PlaceId,
        to: &[PlaceId],
        out: &mut Vec<Option<Cell>>,
    ) {
        let states = graph.state_count();
        let scratch = match &mut self.scratch {
            Some(scratch) if scratch.kernel.len() == states => scratch,
            slot => slot.insert(Scratch::new(states)),
        };
        scratch.reset();
        let wanted = scratch.want(graph, from, to);
        search::<true>(graph, from, scratch, Some(wanted));
        if graph.stores_arc_metrics() {
            // A small graph: the metrics of every settled state, one addition each.
            add_metrics(graph, from, scratch);
            out.extend(to.iter().map(|&target| {
                best_at(graph, from, target, scratch.kernel.dists(), |state| {
                    scratch.metrics[state as usize]
                })
            }));
            return;
        }
        // A large graph: metrics only for the routes asked for (no O(states) array),
        // each summed along its path in the order `add_metrics` sums them.
        let departures: Vec<Metrics> = graph.departures(from).map(|a| a.metrics).collect();
        let mut path = Vec::new();
        out.extend(to.iter().map(|&target| {
            best_at(graph, from, target, scratch.kernel.dists(), |state| {
                path_metrics(graph, scratch, &departures, state, &mut path)
            })
        }));
    }
}

/// The best cell at `place` after a search from `from` that left the weights in `dist`:
/// its target state with the smallest weight (ties: lowest state), with the metrics
/// `metrics` gives for that state.
pub(super) fn best_at(
    graph: &Graph<'_>,
    from: PlaceId,
    place: PlaceId,
    dist: &[f64],
    mut metrics: impl FnMut(StateId) -> Metrics,
) -> Option<Cell> {
    if place == from {
        return (graph.allows_place(from) && !graph.corridor_required()).then_some(Cell {
            weight: 0.0,
            metrics: Metrics::ZERO,
        });
    }
    let mut best: Option<(f64, StateId)> = None;
    for state in graph.targets(place) {
        let weight = dist[state as usize];
        if weight.is_finite() && best.is_none_or(|(b, _)| weight < b) {
            best = Some((weight, state));
        }
    }
    best.map(|(weight, state)| Cell {
        weight,
        metrics: metrics(state),
    })
}

/// The metrics of the route the last search found to `state` (settled), summed from
/// the origin as [`add_metrics`] sums them; `path` is reused memory.
fn path_metrics(
    graph: &Graph<'_>,
    scratch: &Scratch,
    departures: &[Metrics],
    state: StateId,
    path: &mut Vec<(StateId, u32)>,
) -> Metrics {
    path.clear();
    let mut at = state;
    let first = loop {
        let (tail, index) = scratch.kernel.parent(at);
        if tail == ROOT {
            break index;
        }
        path.push((tail, index));
        at = tail;
    };
    let mut metrics = departures[first as usize];
    for &(tail, index) in path.iter().rev() {
        metrics = metrics + graph.metrics_at(tail, index as usize);
    }
    metrics
}

/// Dijkstra from `from` over the packed arcs (weights only); records parents and the
/// settle order. Routes never come back to their origin.
#[cfg_attr(not(feature = "internals"), allow(dead_code))] // used by tests and benches
fn run(graph: &Graph<'_>, from: PlaceId, scratch: &mut Scratch) {
    search::<true>(graph, from, scratch, None);
}

/// The search itself; `PARENTS` says whether to record how states were reached (needed
/// for metrics, not for weights).
///
/// With `wanted = Some(n)`, stops once the `n` states marked by [`Scratch::want`] are
/// settled (their weights and parents are final then).
fn search<const PARENTS: bool>(
    graph: &Graph<'_>,
    from: PlaceId,
    scratch: &mut Scratch,
    wanted: Option<usize>,
) {
    let mut remaining = wanted.unwrap_or(usize::MAX);
    if remaining == 0 {
        return;
    }
    let kernel = &mut scratch.kernel;
    // The origin's states can never be improved on, so they are never entered.
    for s in graph.states_of(from) {
        kernel.block(s);
    }
    let departures = graph.departures(from).enumerate();
    kernel.relax::<PARENTS>(
        ROOT,
        0.0,
        departures.map(|(i, arc)| (arc.head, arc.weight, i as u32)),
        |_| 0.0,
    );
    let (marks, stamp) = (&scratch.wanted, scratch.stamp);
    let arcs = |state| {
        let arcs = graph.hot_arcs(state).iter().enumerate();
        arcs.map(|(i, arc)| (arc.head, arc.weight, i as u32))
    };
    let stop = |state, _| {
        if wanted.is_some() && marks[state as usize] == stamp {
            remaining -= 1;
            return remaining == 0;
        }
        false
    };
    if graph.worth_prefetching() {
        let prefetch = |state| graph.prefetch_arcs(state);
        kernel.run_prefetching::<PARENTS, _>(arcs, prefetch, |_| 0.0, stop);
    } else {
        kernel.run::<PARENTS, _>(arcs, |_| 0.0, stop);
    }
}

/// The metrics of every settled state, parents before children.
fn add_metrics(graph: &Graph<'_>, from: PlaceId, scratch: &mut Scratch) {
    if scratch.metrics.is_empty() {
        scratch.metrics = vec![Metrics::ZERO; graph.state_count()];
    }
    let departures: Vec<Metrics> = graph.departures(from).map(|a| a.metrics).collect();
    for &state in scratch.kernel.settled() {
        let (tail, index) = scratch.kernel.parent(state);
        scratch.metrics[state as usize] = if tail == ROOT {
            departures[index as usize]
        } else {
            scratch.metrics[tail as usize] + graph.metrics_at(tail, index as usize)
        };
    }
}
