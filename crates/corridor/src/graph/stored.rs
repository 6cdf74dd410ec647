//! A compiled graph as stored in a snapshot (`corridor build --by ...`): the arrays that
//! compiling computes from the whole network (the places' locality order, the directed
//! legs by start place, the states and every arc's head and weight), so that a loaded
//! snapshot serves its first query without compiling. What is cheap to derive (each
//! place's state range, the arcs' offsets, which places the profile allows, the value
//! of time, stored metrics of small graphs) is derived again when the graph is put
//! together.
//!
//! Only graphs of [`Profile::new`] for an objective are stored: profiles with avoided
//! places, modes or corridors are compiled when asked for, as before.
//!
//! Nothing stored is trusted. [`GraphParts::check`] verifies every index against what it
//! indexes and every weight is finite and non-negative, so no search can go out of
//! bounds, and recomputes the weights of a spread sample of arcs from the network with
//! the compiler's own arithmetic: a graph written for another network, or by another
//! version of the charges, is refused rather than answering with stale weights.

use std::sync::Arc as Shared;

use rayon::prelude::*;

use super::{
    Arrival, DirLeg, Graph, HotArc, NetworkRef, Objective, Profile, STORED_METRICS_ARCS, StateId,
    add_departure, base_metrics,
};
use crate::model::{Network, PlaceId};

/// Arcs whose weights [`GraphParts::check`] recomputes at most (spread evenly).
const SAMPLED_ARCS: usize = 4096;

/// Items a thread takes at least when an array is made or scanned on all threads.
const PARALLEL_MIN: usize = 1 << 16;

/// The stored arrays of a graph compiled for [`Profile::new`] of `objective`.
#[derive(Clone, Debug, PartialEq)]
pub struct GraphParts {
    /// The objective of the profile.
    pub objective: Objective,
    /// Each place's rank in the graph's locality order (a permutation).
    pub(crate) place_rank: Vec<u32>,
    /// Directed legs by the rank of their start place (CSR offsets, places + 1).
    pub(crate) out_start: Vec<u32>,
    /// The directed legs.
    pub(crate) out_leg: Vec<DirLeg>,
    /// The state each directed leg enters.
    pub(crate) out_head: Vec<StateId>,
    /// The place of each state; a place's states are contiguous, places in rank order.
    pub(crate) state_place: Vec<u32>,
    /// How freight arrived in each state.
    pub(crate) state_arrival: Vec<Arrival>,
    /// Every arc's weight, by tail state; a state's arcs are the directed legs out of
    /// its place, in order (so an arc's head is its directed leg's `out_head`).
    pub(crate) arc_weight: Vec<f64>,
}

/// The first index below `len` for which `bad` holds, scanning on all threads a block
/// at a time (each block a plain loop; rayon's own `position_first` checks an atomic at
/// every index, which costs more than these checks themselves).
pub(crate) fn first_index(len: usize, bad: impl Fn(usize) -> bool + Sync) -> Option<usize> {
    (0..len.div_ceil(PARALLEL_MIN))
        .into_par_iter()
        .filter_map(|k| (k * PARALLEL_MIN..len.min((k + 1) * PARALLEL_MIN)).find(|&i| bad(i)))
        .min()
}

impl Graph<'_> {
    /// The arrays a snapshot stores for this graph. Only graphs of [`Profile::new`] can
    /// be stored (`None` for any other profile).
    pub fn to_parts(&self) -> Option<GraphParts> {
        if self.profile != Profile::new(self.profile.objective) {
            return None;
        }
        Some(GraphParts {
            objective: self.profile.objective,
            place_rank: self.place_rank.clone(),
            out_start: self.out_start.clone(),
            out_leg: self.out_leg.clone(),
            out_head: self.out_head.clone(),
            state_place: self.state_place.clone(),
            state_arrival: self.state_arrival.clone(),
            arc_weight: self.arc_hot.iter().map(|arc| arc.weight).collect(),
        })
    }
}

impl Graph<'static> {
    /// The graph of `parts`, which [`GraphParts::check`] accepted for `network`.
    pub(crate) fn from_parts(network: Shared<Network>, parts: GraphParts) -> Graph<'static> {
        let profile = Profile::new(parts.objective);
        let places = network.places().len();
        let states = parts.state_place.len();
        // One state per place, in rank order (a network of one mode, no gauges): a
        // state's number is its place's rank and its arcs are the directed legs of
        // that rank, arc for directed leg, so every array is one parallel pass.
        let one_per_place = states == places
            && first_index(states, |s| {
                parts.place_rank[parts.state_place[s] as usize] as usize != s
            })
            .is_none();
        let (state_first, state_count, arc_start, arc_hot) = if one_per_place {
            let arc_hot = parts
                .out_head
                .par_iter()
                .zip(&parts.arc_weight)
                .with_min_len(PARALLEL_MIN)
                .map(|(&head, &weight)| HotArc { head, weight })
                .collect();
            (
                parts.place_rank.clone(),
                vec![1u16; places],
                parts.out_start.clone(),
                arc_hot,
            )
        } else {
            Self::state_arrays(&parts)
        };
        drop(parts.arc_weight);
        let place_allowed = network
            .places()
            .par_iter()
            .with_min_len(PARALLEL_MIN)
            .enumerate()
            .map(|(i, place)| profile.allows_place(PlaceId(i as u32), place))
            .collect();
        let mut graph = Graph {
            value_of_time: profile.value_of_time(&network),
            network: NetworkRef::Shared(network),
            place_allowed,
            place_rank: parts.place_rank,
            out_start: parts.out_start,
            out_leg: parts.out_leg,
            out_head: parts.out_head,
            out_head_used: Vec::new(),
            state_first,
            state_count,
            state_place: parts.state_place,
            state_arrival: parts.state_arrival,
            state_used: vec![true; states],
            corridor_required: false,
            arc_start,
            arc_hot,
            arc_metrics: Vec::new(),
            astar_ratio: 0.0,
            profile,
        };
        if graph.arc_hot.len() <= STORED_METRICS_ARCS {
            let metrics = (0..states as StateId)
                .flat_map(|s| {
                    let place = PlaceId(graph.state_place[s as usize]);
                    let arrival = graph.state_arrival[s as usize];
                    graph
                        .out_range(place)
                        .map(move |j| (place, arrival, j))
                })
                .map(|(place, arrival, j)| graph.charge(place, Some(arrival), j))
                .collect();
            graph.arc_metrics = metrics;
        }
        if graph.profile.objective == Objective::Distance {
            graph.astar_ratio = graph.lower_bound_ratio();
        }
        graph
    }
    /// Each place's first state and count, each state's first arc and every arc, for
    /// any parts that [`GraphParts::check`] accepted.
    #[allow(clippy::type_complexity)]
    fn state_arrays(parts: &GraphParts) -> (Vec<u32>, Vec<u16>, Vec<u32>, Vec<HotArc>) {
        let places = parts.place_rank.len();
        let states = parts.state_place.len();
        // A place's states are contiguous, places in rank order (checked), so walking
        // the ranks gives each place's first state and count, and each state's arcs.
        let mut ranked = vec![0u32; places];
        for (p, &rank) in parts.place_rank.iter().enumerate() {
            ranked[rank as usize] = p as u32;
        }
        let mut state_first = vec![0u32; places];
        let mut state_count = vec![0u16; places];
        let mut arc_start = Vec::with_capacity(states + 1);
        let mut arc_hot = Vec::with_capacity(parts.arc_weight.len());
        let mut s = 0usize;
        for (rank, &p) in ranked.iter().enumerate() {
            let out = parts.out_start[rank] as usize..parts.out_start[rank + 1] as usize;
            state_first[p as usize] = s as u32;
            while s < states && parts.state_place[s] == p {
                arc_start.push(arc_hot.len() as u32);
                let weights = &parts.arc_weight[arc_hot.len()..arc_hot.len() + out.len()];
                arc_hot.extend(
                    parts.out_head[out.clone()]
                        .iter()
                        .zip(weights)
                        .map(|(&head, &weight)| HotArc { head, weight }),
                );
                s += 1;
            }
            state_count[p as usize] = (s - state_first[p as usize] as usize) as u16;
        }
        arc_start.push(arc_hot.len() as u32);
        (state_first, state_count, arc_start, arc_hot)
    }
}

impl GraphParts {
    /// Checks that the parts can serve searches on `network` without going out of
    /// bounds, and that a sample of arcs weighs what compiling would give. The error
    /// says what is wrong, with the entry.
    pub fn check(&self, network: &Network) -> Result<(), String> {
        let places = network.places().len();
        let directed_legs = network.legs().len() * 2;
        if self.place_rank.len() != places {
            return Err(format!(
                "{} place ranks for {places} places",
                self.place_rank.len()
            ));
        }
        let mut seen = vec![false; places];
        for (p, &rank) in self.place_rank.iter().enumerate() {
            match seen.get_mut(rank as usize) {
                Some(slot) if !*slot => *slot = true,
                _ => return Err(format!("place {p}: rank {rank} is out of range or repeated")),
            }
        }
        drop(seen);
        if self.out_start.len() != places + 1 || self.out_start.first() != Some(&0) {
            return Err(format!(
                "{} directed-leg offsets for {places} places (expected {}, from 0)",
                self.out_start.len(),
                places + 1
            ));
        }
        if let Some(r) = first_index(places, |r| self.out_start[r] > self.out_start[r + 1]) {
            return Err(format!("directed-leg offsets decrease at rank {r}"));
        }
        let directed = self.out_leg.len();
        if self.out_start[places] as usize != directed || self.out_head.len() != directed {
            return Err(format!(
                "{} directed legs, {} heads, offsets ending at {}",
                directed, self.out_head.len(), self.out_start[places]
            ));
        }
        if let Some(j) = first_index(directed, |j| self.out_leg[j].0 as usize >= directed_legs)
        {
            return Err(format!(
                "directed leg {j}: leg {} of {}",
                self.out_leg[j].leg().0,
                network.legs().len()
            ));
        }
        let states = self.state_place.len();
        if states >= u32::MAX as usize || self.state_arrival.len() != states {
            return Err(format!(
                "{states} states, {} arrivals",
                self.state_arrival.len()
            ));
        }
        if let Some(j) = first_index(directed, |j| self.out_head[j] as usize >= states) {
            return Err(format!(
                "directed leg {j} enters state {} of {states}",
                self.out_head[j]
            ));
        }
        // States: places in range, grouped by place in rank order, at most u16::MAX
        // per place; the arcs of each state are its place's directed legs.
        let mut arcs = 0usize;
        // The place and rank of the state before, and how many states in a row it has.
        let mut before: Option<(u32, u32)> = None;
        let mut run = 0usize;
        for (s, &place) in self.state_place.iter().enumerate() {
            let Some(&rank) = self.place_rank.get(place as usize) else {
                return Err(format!("state {s}: place {place} of {places}"));
            };
            run = match before {
                Some((p, _)) if p == place => run + 1,
                Some((_, r)) if r >= rank => {
                    return Err(format!(
                        "state {s}: its place is out of order (states are grouped by place, places by rank)"
                    ));
                }
                _ => 1,
            };
            before = Some((place, rank));
            if run > usize::from(u16::MAX) {
                return Err(format!("state {s}: more than 65,535 states at one place"));
            }
            let rank = rank as usize;
            arcs += (self.out_start[rank + 1] - self.out_start[rank]) as usize;
        }
        if arcs != self.arc_weight.len() || arcs > u32::MAX as usize {
            return Err(format!(
                "{} arc weights stored, the states' places have {arcs} directed legs",
                self.arc_weight.len()
            ));
        }
        if let Some(a) = first_index(self.arc_weight.len(), |a| {
            let w = self.arc_weight[a];
            !(w >= 0.0 && w.is_finite())
        })
        {
            return Err(format!("arc {a} weighs {}", self.arc_weight[a]));
        }
        self.check_sample(network)
    }

    /// Recomputes the weights of a spread sample of arcs (every arc of small graphs).
    fn check_sample(&self, network: &Network) -> Result<(), String> {
        let profile = Profile::new(self.objective);
        let value_of_time = profile.value_of_time(network);
        let step = self.arc_weight.len().div_ceil(SAMPLED_ARCS).max(1);
        // The first arc of the state.
        let mut first = 0usize;
        for (s, &place) in self.state_place.iter().enumerate() {
            let rank = self.place_rank[place as usize] as usize;
            let out = self.out_start[rank] as usize..self.out_start[rank + 1] as usize;
            // Only the sampled arcs of the state: arc `a` is directed leg `j`.
            for a in (first.next_multiple_of(step)..first + out.len()).step_by(step) {
                let j = out.start + (a - first);
                let dir = self.out_leg[j];
                let (tail, head) = dir.ends(network);
                let entered = self.out_head[j] as usize;
                if tail.0 != place
                    || self.state_place[entered] != head.0
                    || self.state_arrival[entered] != Arrival::of(network.leg(dir.leg()))
                {
                    return Err(format!(
                        "arc {a} (state {s}, place {place}) does not match its leg {} in this network",
                        dir.leg().0
                    ));
                }
                let mut metrics = base_metrics(network, dir);
                let arrival = Some(self.state_arrival[s]);
                add_departure(network, PlaceId(place), arrival, false, dir, &mut metrics);
                let weight = profile.search_weight(&metrics, value_of_time);
                if weight.to_bits() != self.arc_weight[a].to_bits() {
                    return Err(format!(
                        "arc {a} (state {s}) weighs {} where this network and version give {weight}",
                        self.arc_weight[a]
                    ));
                }
            }
            first += out.len();
        }
        Ok(())
    }
}
