//! Network + [`Profile`] → a compiled, state-expanded graph in CSR form, used by every
//! routing algorithm.
//!
//! A **state** is a place together with how freight arrived there (mode, and gauge for
//! rail). An **arc** leaves a state along one directed leg; its weight is everything
//! charged from that state to the next one: the transfers at the departure place that
//! depend on the arrival (mode change, gauge change, waiting for a service), the leg
//! itself, and the border formalities when the leg crosses a border. So each transfer is
//! charged exactly where and when it happens, and a shortest path in the state graph is
//! an exact shortest route.
//!
//! Nothing is charged at the origin except waiting for a service (see
//! [`Graph::departures`]), and nothing at the destination after arrival.
//!
//! When the profile restricts routes to some corridors ([`Profile::only_corridors`]),
//! every international leg must belong to them (or be untagged), while domestic legs of
//! any corridor stay usable as feeders; a state also records whether a leg of those
//! corridors has been used yet, and only states that have used one are targets
//! ([`Graph::targets`]): a route "via the corridor" that runs on feeder legs alone is
//! not a corridor route.
//!
//! The graph borrows the network, is immutable and `Sync`: share one between threads
//! and give each its own search scratch.

mod profile;
mod stored;
mod transfer;

pub use profile::{Criterion, Metrics, Objective, Profile, TIE_BREAK};
pub(crate) use transfer::{Arrival, border_transfers, departure_transfers};
pub use stored::GraphParts;
pub(crate) use stored::first_index;
pub use transfer::{Transfer, TransferKind};

use crate::model::{LegId, Network, PlaceId};

/// A leg travelled in one direction: `leg * 2` forward (from → to), `leg * 2 + 1` backward.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DirLeg(pub u32);

impl DirLeg {
    /// The leg travelled `from → to` (`reverse = false`) or `to → from`.
    pub fn new(leg: LegId, reverse: bool) -> DirLeg {
        DirLeg(leg.0 * 2 + u32::from(reverse))
    }

    /// The underlying leg.
    pub fn leg(self) -> LegId {
        LegId(self.0 / 2)
    }

    /// Whether the leg is travelled against its `from → to` direction.
    pub fn is_reverse(self) -> bool {
        self.0 % 2 == 1
    }

    /// Start and end place of the leg in this direction.
    pub fn ends(self, network: &Network) -> (PlaceId, PlaceId) {
        let leg = network.leg(self.leg());
        if self.is_reverse() {
            (leg.to, leg.from)
        } else {
            (leg.from, leg.to)
        }
    }
}

/// Index of a state (place + arrival) in a [`Graph`].
pub type StateId = u32;

/// The compiled graph for one network and one profile. Build with [`Graph::new`].
///
/// Searches read only an arc's head and weight (16 bytes, packed). Its metrics (32
/// bytes) are stored beside them in graphs of up to 2^20 arcs; larger
/// graphs recompute them from the network when asked for, with the same arithmetic that
/// made the weight, so the figures are the same either way.
#[derive(Debug)]
pub struct Graph<'n> {
    network: NetworkRef<'n>,
    profile: Profile,
    value_of_time: f64,
    place_allowed: Vec<bool>,
    // Each place's position in Hilbert-curve order of the coordinates (its rank).
    place_rank: Vec<u32>,
    // Directed legs the profile allows, grouped by the rank of their start place (CSR),
    // and the state each one enters; with a corridor restriction `out_head` is the state
    // entered when no corridor leg has been used yet and `out_head_used` the one after.
    out_start: Vec<u32>,
    out_leg: Vec<DirLeg>,
    out_head: Vec<StateId>,
    out_head_used: Vec<StateId>,
    // States of each place are contiguous, places in rank order (so states near on the
    // map are near in memory, whatever the network's order of places and legs).
    state_first: Vec<u32>,
    state_count: Vec<u16>,
    state_place: Vec<u32>,
    state_arrival: Vec<Arrival>,
    state_used: Vec<bool>,
    corridor_required: bool,
    // Arcs grouped by tail state (CSR): a state's arcs are the directed legs out of its
    // place, in the same order, so arc `arc_start[s] + i` travels out-leg
    // `out_start[rank of place] + i`.
    arc_start: Vec<u32>,
    arc_hot: Vec<HotArc>,
    /// Metrics per arc; empty in graphs of more than [`STORED_METRICS_ARCS`] arcs.
    arc_metrics: Vec<Metrics>,
    astar_ratio: f64,
}

/// Graphs with at most this many arcs store every arc's metrics (32 MB at the limit);
/// larger ones recompute them when asked for (O(1) per arc), which keeps a graph of
/// 10^6 places 120 MB smaller. Searches for weights never read them.
pub(crate) const STORED_METRICS_ARCS: usize = 1 << 20;

/// Graphs with more arcs than this (16 bytes each: 1 MB) prefetch the arcs of states
/// before settling them; see [`Graph::worth_prefetching`].
const PREFETCH_ARCS: usize = 1 << 16;

/// The part of an arc a shortest-path search reads: head and weight, 16 bytes.
#[derive(Clone, Copy, Debug)]
pub(crate) struct HotArc {
    pub(crate) head: StateId,
    pub(crate) weight: f64,
}

/// Position of a coordinate on a Hilbert curve over a 2^16 × 2^16 grid of the globe.
pub(crate) fn hilbert(lon: f64, lat: f64) -> u64 {
    let side: u64 = 1 << 16;
    let mut x = (((lon + 180.0) / 360.0 * side as f64) as u64).min(side - 1);
    let mut y = (((lat + 90.0) / 180.0 * side as f64) as u64).min(side - 1);
    let mut d = 0;
    let mut s = side / 2;
    while s > 0 {
        let rx = u64::from(x & s > 0);
        let ry = u64::from(y & s > 0);
        d += s * s * ((3 * rx) ^ ry);
        if ry == 0 {
            if rx == 1 {
                x = side - 1 - x;
                y = side - 1 - y;
            }
            std::mem::swap(&mut x, &mut y);
        }
        s /= 2;
    }
    d
}

/// The places of `places` (as indices) in Hilbert-curve order of their coordinates;
/// places in one cell of the curve by coordinate, then index, so that the same places
/// listed in any order come out in one order (but for places at one coordinate).
/// O(n log n), sorted on all threads.
pub(crate) fn hilbert_order(places: &[crate::model::Place]) -> Vec<u32> {
    use rayon::prelude::*;
    let mut keyed: Vec<(u64, u32)> = places
        .par_iter()
        .enumerate()
        .map(|(p, place)| (hilbert(place.coord.lon, place.coord.lat), p as u32))
        .collect();
    keyed.par_sort_unstable();
    // Runs of one cell (few: a cell is about 600 × 300 m) sorted by coordinate.
    let coord = |p: u32| {
        let c = places[p as usize].coord;
        (c.lon.to_bits(), c.lat.to_bits(), p)
    };
    let mut start = 0;
    while start < keyed.len() {
        let key = keyed[start].0;
        let mut end = start + 1;
        while keyed.get(end).is_some_and(|&(k, _)| k == key) {
            end += 1;
        }
        if end - start > 1 {
            keyed[start..end].sort_unstable_by_key(|&(_, p)| coord(p));
        }
        start = end;
    }
    keyed.into_iter().map(|(_, p)| p).collect()
}

/// An arc of the state graph, as seen by algorithms.
#[derive(Clone, Copy, Debug)]
pub struct Arc {
    /// The state reached.
    pub head: StateId,
    /// The directed leg travelled.
    pub leg: DirLeg,
    /// The search weight ([`Profile::search_weight`]) of the transfers, leg and borders.
    pub weight: f64,
    /// The metrics of the same charges.
    pub metrics: Metrics,
}

/// An arc without its metrics (for searches that need only weights).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Link {
    /// The state reached.
    pub(crate) head: StateId,
    /// The directed leg travelled.
    pub(crate) leg: DirLeg,
    /// The objective weight.
    pub(crate) weight: f64,
}

impl From<Arc> for Link {
    fn from(arc: Arc) -> Link {
        Link {
            head: arc.head,
            leg: arc.leg,
            weight: arc.weight,
        }
    }
}

/// The network a graph was compiled from: borrowed, or shared so the graph can outlive
/// any borrow (an engine's cache).
#[derive(Debug)]
enum NetworkRef<'n> {
    Borrowed(&'n Network),
    Shared(std::sync::Arc<Network>),
}

impl std::ops::Deref for NetworkRef<'_> {
    type Target = Network;

    fn deref(&self) -> &Network {
        match self {
            NetworkRef::Borrowed(network) => network,
            NetworkRef::Shared(network) => network,
        }
    }
}

impl Graph<'static> {
    /// Compiles a shared network for `profile`; the graph keeps the network alive, so it
    /// can be cached and shared between threads independently of any borrow.
    pub fn shared(network: std::sync::Arc<Network>, profile: &Profile) -> Graph<'static> {
        let graph = Graph::new(&network, profile);
        Graph {
            profile: graph.profile,
            value_of_time: graph.value_of_time,
            place_allowed: graph.place_allowed,
            place_rank: graph.place_rank,
            out_start: graph.out_start,
            out_leg: graph.out_leg,
            out_head: graph.out_head,
            out_head_used: graph.out_head_used,
            state_first: graph.state_first,
            state_count: graph.state_count,
            state_place: graph.state_place,
            state_arrival: graph.state_arrival,
            state_used: graph.state_used,
            corridor_required: graph.corridor_required,
            arc_start: graph.arc_start,
            arc_hot: graph.arc_hot,
            arc_metrics: graph.arc_metrics,
            astar_ratio: graph.astar_ratio,
            network: NetworkRef::Shared(network.clone()),
        }
    }
}

impl<'n> Graph<'n> {
    /// Compiles `network` for `profile`. O(V + E·k) where k is the number of arrival
    /// classes per place (1–3 in practice).
    pub fn new(network: &'n Network, profile: &Profile) -> Graph<'n> {
        Graph::with_stored_metrics(network, profile, STORED_METRICS_ARCS)
    }

    /// [`Graph::new`], storing arc metrics only if there are at most `limit` arcs.
    pub(crate) fn with_stored_metrics(
        network: &'n Network,
        profile: &Profile,
        limit: usize,
    ) -> Graph<'n> {
        let value_of_time = profile.value_of_time(network);
        let places = network.places();
        let place_allowed: Vec<bool> = places
            .iter()
            .enumerate()
            .map(|(i, place)| profile.allows_place(PlaceId(i as u32), place))
            .collect();

        // Places in Hilbert-curve order of their coordinates, whatever their order in the
        // network: `ranked[r]` is the place of rank `r`, `place_rank` the inverse. Every
        // per-place array of the build is indexed by rank, so the passes below walk the
        // map region by region and touch memory in that order even when the input's
        // order carries no locality (issue 18).
        let ranked = hilbert_order(places);
        let mut place_rank = vec![0u32; places.len()];
        for (rank, &place) in ranked.iter().enumerate() {
            place_rank[place as usize] = rank as u32;
        }

        // Directed legs by the rank of their start place, in leg order (forward before
        // backward): counted first, then filled in, so no list grows. The filling keeps
        // what the later passes need beside each directed leg: the rank of its end place
        // and how it arrives there.
        let allowed = |leg: &crate::model::Leg| {
            profile.allows_leg(network, leg)
                && place_allowed[leg.from.index()]
                && place_allowed[leg.to.index()]
        };
        let corridor_required = !profile.only_corridors.is_empty();
        // What the passes below need of each allowed leg (`None`: not allowed): the ranks
        // of its ends, how it arrives, whether it is one-way and one of the profile's
        // corridors. Read from the legs once, on all threads: in a network whose legs come
        // in no particular order each rank lookup is a cache miss, and independent
        // lookups overlap where the passes, which count and fill by these ranks, would
        // wait for each; and the passes read these 16 bytes per leg, not the legs
        // (issue 18).
        #[derive(Clone, Copy)]
        struct Ends {
            from: u32,
            to: u32,
            arrival: Arrival,
            one_way: bool,
            in_corridor: bool,
        }
        let leg_ends: Vec<Option<Ends>> = {
            use rayon::prelude::*;
            network
                .legs()
                .par_iter()
                .with_min_len(1 << 14)
                .map(|leg| {
                    allowed(leg).then(|| Ends {
                        from: place_rank[leg.from.index()],
                        to: place_rank[leg.to.index()],
                        arrival: Arrival::of(leg),
                        one_way: leg.one_way,
                        in_corridor: corridor_required
                            && leg
                                .corridors
                                .iter()
                                .any(|c| profile.only_corridors.contains(c)),
                    })
                })
                .collect()
        };
        let mut out_count = vec![0u32; places.len() + 1];
        for ends in leg_ends.iter().flatten() {
            out_count[ends.from as usize] += 1;
            if !ends.one_way {
                out_count[ends.to as usize] += 1;
            }
        }
        let out_start = prefix_sums(&out_count);
        drop(out_count);
        let mut fill = out_start.clone();
        let directed = out_start[places.len()] as usize;
        let mut out_leg = vec![DirLeg(0); directed];
        let mut out_end = vec![0u32; directed];
        let mut out_arrival = vec![
            Arrival {
                mode: crate::model::Mode::Rail,
                gauge_mm: None,
            };
            directed
        ];
        let mut out_in_corridor = vec![false; if corridor_required { directed } else { 0 }];
        for (index, ends) in leg_ends.iter().enumerate() {
            let Some(ends) = *ends else {
                continue;
            };
            let id = LegId(index as u32);
            let directions = [(ends.from, ends.to), (ends.to, ends.from)];
            for (reverse, &(tail, head)) in
                directions[..if ends.one_way { 1 } else { 2 }].iter().enumerate()
            {
                let at = &mut fill[tail as usize];
                let j = *at as usize;
                *at += 1;
                out_leg[j] = DirLeg::new(id, reverse == 1);
                out_end[j] = head;
                out_arrival[j] = ends.arrival;
                if corridor_required {
                    out_in_corridor[j] = ends.in_corridor;
                }
            }
        }
        drop((fill, leg_ends));
        // Each place's directed legs in one order, whatever the order of the legs in the
        // network: by the ranks of the leg's start and end, then mode, then leg (the
        // order of [`Network::in_locality_order`]). The same network written in any
        // order then compiles to the same graph, and searches break ties between equal
        // routes the same way (issue 18).
        canonical_out_order(
            &out_start,
            &mut out_leg,
            &mut out_end,
            &mut out_arrival,
            &mut out_in_corridor,
        );

        // States: the distinct arrival classes at each place, sorted; with a corridor
        // restriction, each class twice (corridor not yet used, used). The arrivals of
        // every place are gathered in one list (CSR by the end place's rank), then sorted
        // and deduplicated in place: `arrival_count[r]` of them from `arrival_start[r]`.
        let mut in_count = vec![0u32; places.len() + 1];
        for &end in &out_end {
            in_count[end as usize] += 1;
        }
        let arrival_start = prefix_sums(&in_count);
        drop(in_count);
        let mut arrival_list = out_arrival.clone();
        let mut arrival_count = vec![0u32; places.len()];
        for (&end, &arrival) in out_end.iter().zip(&out_arrival) {
            let end = end as usize;
            arrival_list[(arrival_start[end] + arrival_count[end]) as usize] = arrival;
            arrival_count[end] += 1;
        }
        for (r, count) in arrival_count.iter_mut().enumerate() {
            let start = arrival_start[r] as usize;
            let list = &mut arrival_list[start..start + *count as usize];
            list.sort_unstable();
            let mut distinct = 0;
            for i in 0..list.len() {
                if i == 0 || list[i] != list[distinct - 1] {
                    list[distinct] = list[i];
                    distinct += 1;
                }
            }
            *count = distinct as u32;
        }
        let arrivals_of = |r: usize| {
            let start = arrival_start[r] as usize;
            &arrival_list[start..start + arrival_count[r] as usize]
        };
        let flags: &[bool] = if corridor_required {
            &[false, true]
        } else {
            &[true]
        };
        let states: usize = arrival_count.iter().map(|&c| c as usize).sum::<usize>() * flags.len();
        let mut state_first = vec![0u32; places.len()];
        let mut state_count = vec![0u16; places.len()];
        let mut first_by_rank = vec![0u32; places.len()];
        let mut state_place = Vec::with_capacity(states);
        let mut state_arrival = Vec::with_capacity(states);
        let mut state_used = Vec::with_capacity(states);
        // The rank of each state's place, for building the arcs: read from `place_rank`
        // by place, it would be read at random when the places are not in rank order.
        let mut state_rank = Vec::with_capacity(states);
        for (rank, &place) in ranked.iter().enumerate() {
            let list = arrivals_of(rank);
            first_by_rank[rank] = state_place.len() as u32;
            state_first[place as usize] = state_place.len() as u32;
            state_count[place as usize] = (list.len() * flags.len()) as u16;
            for &used in flags {
                for &arrival in list {
                    state_rank.push(rank as u32);
                    state_place.push(place);
                    state_arrival.push(arrival);
                    state_used.push(used);
                }
            }
        }
        drop(ranked);
        let first_state = |j: usize| {
            let end = out_end[j] as usize;
            let list = arrivals_of(end);
            let offset = list
                .iter()
                .position(|&a| a == out_arrival[j])
                .unwrap_or_default();
            (first_by_rank[end] as usize + offset, list.len())
        };
        let (out_head, out_head_used): (Vec<StateId>, Vec<StateId>) = if corridor_required {
            (0..directed)
                .map(|j| {
                    let (first, classes) = first_state(j);
                    let used = first + classes;
                    let unused = if out_in_corridor[j] { used } else { first };
                    (unused as StateId, used as StateId)
                })
                .unzip()
        } else {
            let heads = (0..directed).map(|j| first_state(j).0 as StateId).collect();
            (heads, Vec::new())
        };
        drop((
            arrival_list,
            out_end,
            out_arrival,
            out_in_corridor,
            first_by_rank,
        ));

        // Arcs: every state × every directed leg out of its place.
        let mut graph = Graph {
            network: NetworkRef::Borrowed(network),
            profile: profile.clone(),
            value_of_time,
            place_allowed,
            place_rank,
            out_start,
            out_leg,
            out_head,
            out_head_used,
            state_first,
            state_count,
            state_place,
            state_arrival,
            state_used,
            corridor_required,
            arc_start: Vec::new(),
            arc_hot: Vec::new(),
            arc_metrics: Vec::new(),
            astar_ratio: 0.0,
        };
        graph.build_arcs(limit, &state_rank);
        drop(state_rank);
        // A geodesic bound pays only when it is tight: for distance (legs are at least
        // their great-circle length). For time, cost and CO2 the cheapest leg per km sets
        // the ratio, the bound is weak and computing it costs more than it saves
        // (measured on the built-in network: Xi'an → Duisburg by time 18 µs with
        // Dijkstra, 50 µs with A*; benches/route.rs).
        if profile.objective == Objective::Distance {
            graph.astar_ratio = graph.lower_bound_ratio();
        }
        graph
    }

    /// Fills the arcs: every state × every directed leg out of its place, in blocks of
    /// states on all threads (each block writes its own run of arcs, so the result does
    /// not depend on the thread count). `state_rank` is the rank of each state's place.
    fn build_arcs(&mut self, metrics_limit: usize, state_rank: &[u32]) {
        use rayon::prelude::*;
        /// States per block: enough work to spread, few enough blocks to split cheaply.
        const BLOCK: usize = 1 << 14;
        let states = self.state_place.len();
        let mut arc_start = Vec::with_capacity(states + 1);
        let mut arcs = 0usize;
        let out_of = |state: usize| {
            let rank = state_rank[state] as usize;
            self.out_start[rank] as usize..self.out_start[rank + 1] as usize
        };
        for state in 0..states {
            arc_start.push(arcs as u32);
            arcs += out_of(state).len();
        }
        arc_start.push(arcs as u32);
        let store = arcs <= metrics_limit;
        let mut arc_hot = vec![
            HotArc {
                head: 0,
                weight: 0.0
            };
            arcs
        ];
        let mut arc_metrics = vec![Metrics::default(); if store { arcs } else { 0 }];
        let mut blocks = Vec::with_capacity(states.div_ceil(BLOCK));
        let (mut hot_rest, mut metrics_rest) = (&mut arc_hot[..], &mut arc_metrics[..]);
        for first in (0..states).step_by(BLOCK) {
            let last = (first + BLOCK).min(states);
            let len = (arc_start[last] - arc_start[first]) as usize;
            let (hot, rest) = hot_rest.split_at_mut(len);
            hot_rest = rest;
            let (metrics, rest) = metrics_rest.split_at_mut(if store { len } else { 0 });
            metrics_rest = rest;
            blocks.push((first..last, hot, metrics));
        }
        let graph = &*self;
        /// Arcs charged together: their legs and places are read first, one after the
        /// other, so that in a network whose legs and places come in no particular order
        /// the cache misses of a group overlap instead of each charge waiting for its own
        /// (issue 18).
        const GROUP: usize = 32;
        blocks.into_par_iter().for_each(|(block, hot, metrics)| {
            let mut group: Vec<(usize, usize)> = Vec::with_capacity(GROUP);
            let mut a = 0;
            let mut charge = |group: &mut Vec<(usize, usize)>| {
                let mut touched = 0u64;
                for &(state, j) in group.iter() {
                    let leg = graph.network.leg(graph.out_leg[j].leg());
                    let head = graph.head_state(j, graph.state_used[state]);
                    let head = graph.network.place(PlaceId(graph.state_place[head as usize]));
                    touched ^= leg.distance_km.to_bits() ^ u64::from(head.kind as u8);
                }
                std::hint::black_box(touched);
                for &(state, j) in group.iter() {
                    let place = PlaceId(graph.state_place[state]);
                    let charged = graph.charge(place, Some(graph.state_arrival[state]), j);
                    hot[a] = HotArc {
                        head: graph.head_state(j, graph.state_used[state]),
                        weight: graph.profile.search_weight(&charged, graph.value_of_time),
                    };
                    if let Some(slot) = metrics.get_mut(a) {
                        *slot = charged;
                    }
                    a += 1;
                }
                group.clear();
            };
            for state in block {
                for j in out_of(state) {
                    group.push((state, j));
                    if group.len() == GROUP {
                        charge(&mut group);
                    }
                }
            }
            charge(&mut group);
        });
        self.arc_start = arc_start;
        self.arc_hot = arc_hot;
        self.arc_metrics = arc_metrics;
    }

    /// The state out-leg `j` enters, from a state that has (`used`) or has not yet used
    /// a leg of the profile's corridors.
    fn head_state(&self, j: usize, used: bool) -> StateId {
        if used && self.corridor_required {
            self.out_head_used[j]
        } else {
            self.out_head[j]
        }
    }

    /// Metrics of departing `place` (arrived as `arrival`) along out-leg `j`; the same
    /// arithmetic, in the same order, as [`step_metrics`].
    fn charge(&self, place: PlaceId, arrival: Option<Arrival>, j: usize) -> Metrics {
        let mut metrics = base_metrics(&self.network, self.out_leg[j]);
        add_departure(
            &self.network,
            place,
            arrival,
            self.profile.booked_departure,
            self.out_leg[j],
            &mut metrics,
        );
        metrics
    }

    /// The smallest search weight per great-circle km over all allowed legs, shrunk
    /// by 1e-9 against rounding: `ratio × great-circle km` never exceeds the weight of a
    /// path, so it is an admissible and consistent A* heuristic for every objective.
    fn lower_bound_ratio(&self) -> f64 {
        let mut ratio = f64::INFINITY;
        for &dir in &self.out_leg {
            let (tail, head) = dir.ends(&self.network);
            let km = self
                .network
                .place(tail)
                .coord
                .distance_km(self.network.place(head).coord);
            if km > 0.0 {
                let weight = self
                    .profile
                    .search_weight(&base_metrics(&self.network, dir), self.value_of_time);
                ratio = ratio.min(weight / km);
            }
        }
        if ratio.is_finite() {
            (ratio * (1.0 - 1e-9)).max(0.0)
        } else {
            0.0
        }
    }

    fn out_range(&self, place: PlaceId) -> std::ops::Range<usize> {
        let rank = self.place_rank[place.index()] as usize;
        self.out_start[rank] as usize..self.out_start[rank + 1] as usize
    }

    /// The network this graph was compiled from.
    pub fn network(&self) -> &Network {
        &self.network
    }

    /// The profile this graph was compiled for.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// The value of time in USD per TEU-hour in effect.
    pub fn value_of_time(&self) -> f64 {
        self.value_of_time
    }

    /// Number of states.
    pub fn state_count(&self) -> usize {
        self.state_place.len()
    }

    /// Number of arcs.
    pub fn arc_count(&self) -> usize {
        self.arc_hot.len()
    }

    /// Whether arc metrics are stored (graphs of at most [`STORED_METRICS_ARCS`] arcs)
    /// rather than recomputed when asked for.
    pub(crate) fn stores_arc_metrics(&self) -> bool {
        self.arc_metrics.len() == self.arc_hot.len()
    }

    /// Heads and weights of the arcs leaving a state (the hot loop's view).
    pub(crate) fn hot_arcs(&self, state: StateId) -> &[HotArc] {
        &self.arc_hot
            [self.arc_start[state as usize] as usize..self.arc_start[state as usize + 1] as usize]
    }

    /// Whether searches should prefetch arcs ([`Graph::prefetch_arcs`]): on graphs whose
    /// arcs outgrow a core's L2 cache. On smaller ones everything a search reads is
    /// cached after the first searches, and the prefetches are pure cost (the built-in
    /// network's route searches took 5–10 % longer with them).
    #[inline]
    pub(crate) fn worth_prefetching(&self) -> bool {
        self.arc_hot.len() > PREFETCH_ARCS
    }

    /// Asks the cache for the first arcs of `state` ahead of [`Graph::hot_arcs`] (a
    /// hint: no effect on results).
    #[inline(always)]
    pub(crate) fn prefetch_arcs(&self, state: StateId) {
        let start = self.arc_start[state as usize] as usize;
        prefetch_index::prefetch_index(&self.arc_hot, start);
    }

    /// The full arc at position `index` of a state's arcs (same order as
    /// [`Graph::hot_arcs`]).
    pub(crate) fn arc_at(&self, state: StateId, index: usize) -> Arc {
        let a = self.arc_start[state as usize] as usize + index;
        let place = PlaceId(self.state_place[state as usize]);
        let j = self.out_range(place).start + index;
        Arc {
            head: self.arc_hot[a].head,
            leg: self.out_leg[j],
            weight: self.arc_hot[a].weight,
            metrics: self.arc_metrics(a, place, self.state_arrival[state as usize], j),
        }
    }

    /// The metrics of the arc at position `index` of a state's arcs (what
    /// `arc_at(state, index).metrics` is, read directly where they are stored).
    #[inline]
    pub(crate) fn metrics_at(&self, state: StateId, index: usize) -> Metrics {
        let a = self.arc_start[state as usize] as usize + index;
        match self.arc_metrics.get(a) {
            Some(&metrics) => metrics,
            None => self.arc_at(state, index).metrics,
        }
    }

    /// Whether the profile lets routes use `place`.
    pub fn allows_place(&self, place: PlaceId) -> bool {
        self.place_allowed[place.index()]
    }

    /// The place of a state.
    pub fn state_place(&self, state: StateId) -> PlaceId {
        PlaceId(self.state_place[state as usize])
    }

    /// The states of a place (one per arrival class, twice with a corridor restriction).
    pub fn states_of(&self, place: PlaceId) -> std::ops::Range<StateId> {
        let first = self.state_first[place.index()];
        first..first + StateId::from(self.state_count[place.index()])
    }

    /// Whether routes must use a leg of the profile's corridors.
    pub fn corridor_required(&self) -> bool {
        self.corridor_required
    }

    /// Whether a route may end in `state`: always, except under a corridor restriction,
    /// where the route must have used a leg of the corridors.
    pub fn is_target(&self, state: StateId) -> bool {
        !self.corridor_required || self.state_used[state as usize]
    }

    /// The states of `place` a route may end in (see [`Graph::is_target`]).
    pub fn targets(&self, place: PlaceId) -> impl Iterator<Item = StateId> + '_ {
        self.states_of(place).filter(|&s| self.is_target(s))
    }

    /// The arcs leaving a state, in a fixed order.
    pub fn arcs(&self, state: StateId) -> impl Iterator<Item = Arc> + '_ {
        let place = PlaceId(self.state_place[state as usize]);
        let arrival = self.state_arrival[state as usize];
        let first = self.arc_start[state as usize] as usize;
        let out = self.out_range(place).start;
        self.links(state).enumerate().map(move |(i, link)| Arc {
            head: link.head,
            leg: link.leg,
            weight: link.weight,
            metrics: self.arc_metrics(first + i, place, arrival, out + i),
        })
    }

    /// The metrics of arc `a`, which leaves `place` (arrived as `arrival`) along out-leg
    /// `j`: stored, or recomputed.
    fn arc_metrics(&self, a: usize, place: PlaceId, arrival: Arrival, j: usize) -> Metrics {
        match self.arc_metrics.get(a) {
            Some(&metrics) => metrics,
            None => self.charge_unstored(place, arrival, j),
        }
    }

    /// [`Graph::charge`] for an arc whose metrics are not stored (graphs too large to
    /// store them). Kept out of line: inlined, it made every caller of
    /// [`Graph::arc_at`] save and restore more registers, which the built-in network's
    /// sweeps (metrics stored, `arc_at` called for every relaxed arc) paid for.
    #[inline(never)]
    fn charge_unstored(&self, place: PlaceId, arrival: Arrival, j: usize) -> Metrics {
        self.charge(place, Some(arrival), j)
    }

    /// The arcs leaving a state without their metrics, in the order of [`Graph::arcs`].
    pub(crate) fn links(&self, state: StateId) -> impl Iterator<Item = Link> + '_ {
        let first = self.arc_start[state as usize] as usize;
        let last = self.arc_start[state as usize + 1] as usize;
        let out = self
            .out_range(PlaceId(self.state_place[state as usize]))
            .start;
        (first..last).map(move |a| Link {
            head: self.arc_hot[a].head,
            leg: self.out_leg[out + (a - first)],
            weight: self.arc_hot[a].weight,
        })
    }

    /// [`Graph::links`] weighted by the objective alone ([`Profile::weigh`], without the
    /// tie-break): for flows, whose arithmetic stays exact on whole numbers.
    pub(crate) fn objective_links(&self, state: StateId) -> impl Iterator<Item = Link> + '_ {
        self.arcs(state).map(|arc| self.objective_link(arc))
    }

    /// [`Graph::departures`] as [`Graph::objective_links`] weighs them.
    pub(crate) fn objective_departures(&self, place: PlaceId) -> impl Iterator<Item = Link> + '_ {
        self.departures(place).map(|arc| self.objective_link(arc))
    }

    fn objective_link(&self, arc: Arc) -> Link {
        Link {
            head: arc.head,
            leg: arc.leg,
            weight: self.profile.weigh(&arc.metrics, self.value_of_time),
        }
    }

    /// The arcs leaving `place` as an origin: no transfer is charged except waiting for a
    /// service. Empty if the profile excludes the place.
    pub fn departures(&self, place: PlaceId) -> impl Iterator<Item = Arc> + '_ {
        let range = if self.place_allowed[place.index()] {
            self.out_range(place)
        } else {
            0..0
        };
        range.map(move |j| {
            let metrics = self.charge(place, None, j);
            Arc {
                head: self.head_state(j, false),
                leg: self.out_leg[j],
                weight: self.profile.search_weight(&metrics, self.value_of_time),
                metrics,
            }
        })
    }

    /// The A* lower bound from `from` to `to`: `ratio × great-circle km`.
    pub fn lower_bound(&self, from: PlaceId, to: PlaceId) -> f64 {
        if self.astar_ratio == 0.0 {
            return 0.0;
        }
        self.astar_ratio
            * self
                .network
                .place(from)
                .coord
                .distance_km(self.network.place(to).coord)
    }
}

/// The charges every departure along `dir` shares: the leg and the border formalities.
fn base_metrics(network: &Network, dir: DirLeg) -> Metrics {
    let leg = network.leg(dir.leg());
    let (tail, head) = dir.ends(network);
    let mut metrics = Metrics {
        distance_km: leg.distance_km,
        time_h: leg.time_h,
        cost_usd: leg.cost_usd,
        co2_kg: network.leg_co2_kg(leg),
    };
    border_transfers(network, tail, head, |t| {
        metrics.time_h += t.time_h;
        metrics.cost_usd += t.cost_usd;
    });
    metrics
}

fn add_departure(
    network: &Network,
    place: PlaceId,
    arrival: Option<Arrival>,
    booked: bool,
    dir: DirLeg,
    metrics: &mut Metrics,
) {
    departure_transfers(network, place, arrival, booked, network.leg(dir.leg()), |t| {
        metrics.time_h += t.time_h;
        metrics.cost_usd += t.cost_usd;
    });
}

/// Everything charged for travelling `dir` after arriving at its start as `arrival`
/// (`None` at the origin, where `booked` leaves out the wait for the service): leg,
/// borders and departure transfers. Arc weights are built from exactly this sum, so a
/// route's totals computed step by step equal the search's distances bit for bit.
pub(crate) fn step_metrics(
    network: &Network,
    arrival: Option<Arrival>,
    booked: bool,
    dir: DirLeg,
) -> Metrics {
    let mut metrics = base_metrics(network, dir);
    add_departure(network, dir.ends(network).0, arrival, booked, dir, &mut metrics);
    metrics
}

/// Puts the directed legs of each place (`out_start`, by rank) in the order described
/// where [`Graph::new`] calls this, in place, on all threads; places whose legs are in
/// that order already (a network in locality order) are only read.
fn canonical_out_order(
    out_start: &[u32],
    out_leg: &mut [DirLeg],
    out_end: &mut [u32],
    out_arrival: &mut [Arrival],
    out_in_corridor: &mut [bool],
) {
    use rayon::prelude::*;
    /// Places per block: enough work to spread, few enough blocks to split cheaply.
    const BLOCK: usize = 1 << 14;
    let places = out_start.len() - 1;
    let corridor = !out_in_corridor.is_empty();
    let mut blocks = Vec::with_capacity(places.div_ceil(BLOCK));
    let (mut legs, mut ends, mut arrivals, mut flags) =
        (out_leg, out_end, out_arrival, out_in_corridor);
    for first in (0..places).step_by(BLOCK) {
        let last = (first + BLOCK).min(places);
        let len = (out_start[last] - out_start[first]) as usize;
        let (leg, rest) = legs.split_at_mut(len);
        legs = rest;
        let (end, rest) = ends.split_at_mut(len);
        ends = rest;
        let (arrival, rest) = arrivals.split_at_mut(len);
        arrivals = rest;
        let (flag, rest) = flags.split_at_mut(if corridor { len } else { 0 });
        flags = rest;
        blocks.push((first..last, leg, end, arrival, flag));
    }
    // The order wanted, in one integer: by the ranks of the leg's own start and end,
    // then its mode. At the place of rank `tail` a leg is either backward from a place
    // ranked lower (class 0), forward (1) or backward from a place ranked higher (2),
    // and within a class the rank of the other end decides (bits 8–39), then the mode.
    // The sorts below are stable and the fill put each place's directed legs in leg
    // order, so legs with equal keys stay in leg order. A network in locality order
    // lists its legs in this order already, so its places need no sorting.
    let key = |tail: usize, end: u32, arrival: Arrival, dir: DirLeg| -> u64 {
        let class: u64 = match (dir.is_reverse(), (end as usize) < tail) {
            (false, _) => 1,
            (true, true) => 0,
            (true, false) => 2,
        };
        class << 40 | u64::from(end) << 8 | arrival.mode as u64
    };
    /// Places with more directed legs than this are sorted through a list of keys;
    /// others by insertion in place.
    const INSERTION: usize = 24;
    blocks
        .into_par_iter()
        .for_each(|(ranks, leg, end, arrival, flag)| {
            let base = out_start[ranks.start] as usize;
            let mut scratch: Vec<(u64, DirLeg, u32, Arrival, bool)> = Vec::new();
            for r in ranks {
                let segment = out_start[r] as usize - base..out_start[r + 1] as usize - base;
                if segment.len() > INSERTION {
                    let at = |j: usize| key(r, end[j], arrival[j], leg[j]);
                    if (segment.start + 1..segment.end).all(|j| at(j - 1) <= at(j)) {
                        continue;
                    }
                    scratch.clear();
                    scratch.extend(segment.clone().map(|j| {
                        let k = key(r, end[j], arrival[j], leg[j]);
                        (k, leg[j], end[j], arrival[j], corridor && flag[j])
                    }));
                    scratch.sort_by_key(|&(k, ..)| k);
                    for (j, &(_, l, e, a, f)) in segment.zip(&scratch) {
                        (leg[j], end[j], arrival[j]) = (l, e, a);
                        if corridor {
                            flag[j] = f;
                        }
                    }
                    continue;
                }
                let mut keys = [0u64; INSERTION];
                let mut sorted = true;
                for (n, j) in segment.clone().enumerate() {
                    keys[n] = key(r, end[j], arrival[j], leg[j]);
                    sorted &= n == 0 || keys[n - 1] <= keys[n];
                }
                if sorted {
                    continue;
                }
                let first = segment.start;
                for i in 1..segment.len() {
                    let k = keys[i];
                    if keys[i - 1] <= k {
                        continue;
                    }
                    let at = first + i;
                    let (l, e, a) = (leg[at], end[at], arrival[at]);
                    let f = corridor && flag[at];
                    let mut n = i;
                    while n > 0 && keys[n - 1] > k {
                        keys[n] = keys[n - 1];
                        let j = first + n;
                        (leg[j], end[j], arrival[j]) = (leg[j - 1], end[j - 1], arrival[j - 1]);
                        if corridor {
                            flag[j] = flag[j - 1];
                        }
                        n -= 1;
                    }
                    keys[n] = k;
                    let j = first + n;
                    (leg[j], end[j], arrival[j]) = (l, e, a);
                    if corridor {
                        flag[j] = f;
                    }
                }
            }
        });
}

fn prefix_sums(counts: &[u32]) -> Vec<u32> {
    let mut sums = Vec::with_capacity(counts.len());
    let mut total = 0;
    for &count in counts {
        sums.push(total);
        total += count;
    }
    sums
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CorridorId;
    use crate::{Objective, builtin, route};

    /// Arc metrics recomputed on demand (large graphs) are the stored ones, bit for bit,
    /// and so are the matrices built from them.
    #[test]
    fn recomputed_arc_metrics_equal_stored_ones() {
        let network = builtin::network().unwrap().network;
        for objective in [Objective::Time, Objective::Cost, Objective::Distance] {
            let mut profile = Profile::new(objective);
            for corridors in [Vec::new(), vec![CorridorId(0)]] {
                profile.only_corridors = corridors;
                let stored = Graph::new(&network, &profile);
                let recomputed = Graph::with_stored_metrics(&network, &profile, 0);
                assert!(!stored.arc_metrics.is_empty());
                assert!(recomputed.arc_metrics.is_empty());
                assert_eq!(stored.arc_count(), recomputed.arc_count());
                for state in 0..stored.state_count() as StateId {
                    let a: Vec<_> = stored
                        .arcs(state)
                        .map(|a| (a.head, a.leg, a.metrics))
                        .collect();
                    let b: Vec<_> = recomputed
                        .arcs(state)
                        .map(|a| (a.head, a.leg, a.metrics))
                        .collect();
                    assert_eq!(a, b);
                    for (i, arc) in stored.arcs(state).enumerate() {
                        assert_eq!(recomputed.arc_at(state, i).metrics, arc.metrics);
                        assert_eq!(recomputed.metrics_at(state, i), arc.metrics);
                        assert_eq!(stored.metrics_at(state, i), arc.metrics);
                    }
                }
                let places: Vec<PlaceId> = (0..network.places().len() as u32)
                    .step_by(7)
                    .map(PlaceId)
                    .collect();
                assert_eq!(
                    route::matrix(&stored, &places, &places),
                    route::matrix(&recomputed, &places, &places)
                );
            }
        }
    }
}
