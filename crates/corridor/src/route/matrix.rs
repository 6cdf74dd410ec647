//! One-to-all searches and many-to-many matrices in parallel (rayon).

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use rayon::prelude::*;

use crate::graph::{Graph, Metrics, StateId};
use crate::model::PlaceId;

/// The best route's objective weight and metrics between two places.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cell {
    /// The minimised quantity.
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
    dist: Vec<f64>,
    metrics: Vec<Metrics>,
    touched: Vec<StateId>,
    heap: BinaryHeap<Entry>,
}

impl Scratch {
    fn new(states: usize) -> Scratch {
        Scratch {
            dist: vec![f64::INFINITY; states],
            metrics: vec![Metrics::ZERO; states],
            touched: Vec::new(),
            heap: BinaryHeap::new(),
        }
    }

    fn reset(&mut self) {
        for &s in &self.touched {
            self.dist[s as usize] = f64::INFINITY;
        }
        self.touched.clear();
        self.heap.clear();
    }
}

/// The best route from `from` to every place: `result[place]` is `None` where no route
/// exists. Dijkstra on the state graph, O((V + E) log V); a place's best state is the
/// one with the smallest weight (ties: lowest state index). The origin itself costs 0.
/// Among routes of equal weight the metrics are those of one of them, not necessarily
/// the one [`super::shortest`] reports.
pub fn one_to_all(graph: &Graph<'_>, from: PlaceId) -> Vec<Option<Cell>> {
    let mut scratch = Scratch::new(graph.state_count());
    run(graph, from, &mut scratch);
    let places = graph.network().places().len();
    (0..places as u32)
        .map(|p| best_at(graph, from, PlaceId(p), &scratch))
        .collect()
}

/// Best routes from every place of `from` to every place of `to`, in parallel over
/// origins on the current rayon pool. The output is identical whatever the number of
/// threads: each origin's search is sequential and results keep the input order.
pub fn matrix(graph: &Graph<'_>, from: &[PlaceId], to: &[PlaceId]) -> Matrix {
    let rows: Vec<Vec<Option<Cell>>> = from
        .par_iter()
        .map_init(
            || Scratch::new(graph.state_count()),
            |scratch, &origin| {
                scratch.reset();
                run(graph, origin, scratch);
                to.iter()
                    .map(|&target| best_at(graph, origin, target, scratch))
                    .collect()
            },
        )
        .collect();
    Matrix {
        from: from.to_vec(),
        to: to.to_vec(),
        cells: rows.into_iter().flatten().collect(),
    }
}

fn best_at(graph: &Graph<'_>, from: PlaceId, place: PlaceId, scratch: &Scratch) -> Option<Cell> {
    if place == from {
        return (graph.allows_place(from) && !graph.corridor_required()).then_some(Cell {
            weight: 0.0,
            metrics: Metrics::ZERO,
        });
    }
    let mut best: Option<Cell> = None;
    for state in graph.targets(place) {
        let weight = scratch.dist[state as usize];
        if weight.is_finite() && best.is_none_or(|b| weight < b.weight) {
            best = Some(Cell {
                weight,
                metrics: scratch.metrics[state as usize],
            });
        }
    }
    best
}

fn run(graph: &Graph<'_>, from: PlaceId, scratch: &mut Scratch) {
    for arc in graph.departures(from) {
        if graph.state_place(arc.head) != from {
            relax(scratch, arc.head, arc.weight, arc.metrics);
        }
    }
    while let Some(Entry { cost, state }) = scratch.heap.pop() {
        if cost > scratch.dist[state as usize] {
            continue;
        }
        let base = scratch.metrics[state as usize];
        for arc in graph.arcs(state) {
            // Routes never come back to their origin.
            if graph.state_place(arc.head) != from {
                relax(scratch, arc.head, cost + arc.weight, base + arc.metrics);
            }
        }
    }
}

fn relax(scratch: &mut Scratch, state: StateId, cost: f64, metrics: Metrics) {
    let slot = &mut scratch.dist[state as usize];
    if cost < *slot {
        if slot.is_infinite() {
            scratch.touched.push(state);
        }
        *slot = cost;
        scratch.metrics[state as usize] = metrics;
        scratch.heap.push(Entry { cost, state });
    }
}

#[derive(Debug)]
struct Entry {
    cost: f64,
    state: StateId,
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
            .then_with(|| other.state.cmp(&self.state))
    }
}
