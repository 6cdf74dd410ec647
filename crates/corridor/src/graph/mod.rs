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
//! When the profile restricts routes to some corridors, a state also records whether a
//! leg of those corridors has been used yet, and only states that have used one are
//! targets ([`Graph::targets`]): a route "via the corridor" that runs on untagged feeder
//! legs alone is not a corridor route.
//!
//! The graph borrows the network, is immutable and `Sync`: share one between threads
//! and give each its own search scratch.

mod profile;
mod transfer;

pub use profile::{Criterion, Metrics, Objective, Profile};
pub use transfer::{Arrival, Transfer, TransferKind, border_transfers, departure_transfers};

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
#[derive(Debug)]
pub struct Graph<'n> {
    network: &'n Network,
    profile: Profile,
    value_of_time: f64,
    place_allowed: Vec<bool>,
    // Directed legs the profile allows, grouped by start place (CSR).
    out_start: Vec<u32>,
    out_leg: Vec<DirLeg>,
    out_head_state: Vec<[StateId; 2]>,
    out_base: Vec<Metrics>,
    // States of each place are contiguous, places in Hilbert-curve order of their
    // coordinates (so states near on the map are near in memory).
    state_first: Vec<u32>,
    state_count: Vec<u16>,
    state_place: Vec<u32>,
    state_arrival: Vec<Arrival>,
    state_used: Vec<bool>,
    corridor_required: bool,
    // Arcs grouped by tail state (CSR): what searches read in their inner loop, packed,
    // and the rest beside it.
    arc_start: Vec<u32>,
    arc_hot: Vec<HotArc>,
    arc_out: Vec<u32>,
    arc_metrics: Vec<Metrics>,
    astar_ratio: f64,
}

/// The part of an arc a shortest-path search reads: head and weight, 16 bytes.
#[derive(Clone, Copy, Debug)]
pub(crate) struct HotArc {
    pub(crate) head: StateId,
    pub(crate) weight: f64,
}

/// Position of a coordinate on a Hilbert curve over a 2^16 × 2^16 grid of the globe.
fn hilbert(lon: f64, lat: f64) -> u64 {
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

/// An arc of the state graph, as seen by algorithms.
#[derive(Clone, Copy, Debug)]
pub struct Arc {
    /// The state reached.
    pub head: StateId,
    /// The directed leg travelled.
    pub leg: DirLeg,
    /// The objective weight (transfers + leg + borders).
    pub weight: f64,
    /// The metrics of the same charges.
    pub metrics: Metrics,
}

impl<'n> Graph<'n> {
    /// Compiles `network` for `profile`. O(V + E·k) where k is the number of arrival
    /// classes per place (1–3 in practice).
    pub fn new(network: &'n Network, profile: &Profile) -> Graph<'n> {
        let value_of_time = profile.value_of_time(network);
        let places = network.places();
        let place_allowed: Vec<bool> = places
            .iter()
            .enumerate()
            .map(|(i, place)| profile.allows_place(PlaceId(i as u32), place))
            .collect();

        // Directed legs by start place.
        let mut out_count = vec![0u32; places.len() + 1];
        let mut directed = Vec::new();
        for (index, leg) in network.legs().iter().enumerate() {
            if !profile.allows_leg(leg)
                || !place_allowed[leg.from.index()]
                || !place_allowed[leg.to.index()]
            {
                continue;
            }
            let id = LegId(index as u32);
            directed.push(DirLeg::new(id, false));
            out_count[leg.from.index()] += 1;
            if !leg.one_way {
                directed.push(DirLeg::new(id, true));
                out_count[leg.to.index()] += 1;
            }
        }
        let out_start = prefix_sums(&out_count);
        let mut fill = out_start.clone();
        let mut out_leg = vec![DirLeg(0); directed.len()];
        for &dir in &directed {
            let (tail, _) = dir.ends(network);
            out_leg[fill[tail.index()] as usize] = dir;
            fill[tail.index()] += 1;
        }
        let out_base: Vec<Metrics> = out_leg
            .iter()
            .map(|&dir| base_metrics(network, dir))
            .collect();

        let corridor_required = !profile.only_corridors.is_empty();
        let out_in_corridor: Vec<bool> = out_leg
            .iter()
            .map(|&dir| {
                corridor_required
                    && network
                        .leg(dir.leg())
                        .corridors
                        .iter()
                        .any(|c| profile.only_corridors.contains(c))
            })
            .collect();

        // States: the distinct arrival classes at each place, sorted; with a corridor
        // restriction, each class twice (corridor not yet used, used).
        let mut arrivals: Vec<Vec<Arrival>> = vec![Vec::new(); places.len()];
        for &dir in &out_leg {
            let head = dir.ends(network).1;
            let arrival = Arrival::of(network.leg(dir.leg()));
            let list = &mut arrivals[head.index()];
            if !list.contains(&arrival) {
                list.push(arrival);
            }
        }
        let flags: &[bool] = if corridor_required {
            &[false, true]
        } else {
            &[true]
        };
        let mut order: Vec<u32> = (0..places.len() as u32).collect();
        order.sort_by_cached_key(|&p| {
            let c = places[p as usize].coord;
            (hilbert(c.lon, c.lat), p)
        });
        let mut state_first = vec![0u32; places.len()];
        let mut state_count = vec![0u16; places.len()];
        let mut state_place = Vec::new();
        let mut state_arrival = Vec::new();
        let mut state_used = Vec::new();
        for &place in &order {
            let list = &mut arrivals[place as usize];
            list.sort();
            state_first[place as usize] = state_place.len() as u32;
            state_count[place as usize] = (list.len() * flags.len()) as u16;
            for &used in flags {
                for &arrival in list.iter() {
                    state_place.push(place);
                    state_arrival.push(arrival);
                    state_used.push(used);
                }
            }
        }
        let out_head_state: Vec<[StateId; 2]> = out_leg
            .iter()
            .enumerate()
            .map(|(j, &dir)| {
                let head = dir.ends(network).1.index();
                let arrival = Arrival::of(network.leg(dir.leg()));
                let list = &arrivals[head];
                let offset = list.iter().position(|&a| a == arrival).unwrap_or_default();
                let first = state_first[head] as usize + offset;
                if corridor_required {
                    let used = first + list.len();
                    let unused = if out_in_corridor[j] { used } else { first };
                    [unused as StateId, used as StateId]
                } else {
                    [first as StateId; 2]
                }
            })
            .collect();

        // Arcs: every state × every directed leg out of its place.
        let mut graph = Graph {
            network,
            profile: profile.clone(),
            value_of_time,
            place_allowed,
            out_start,
            out_leg,
            out_head_state,
            out_base,
            state_first,
            state_count,
            state_place,
            state_arrival,
            state_used,
            corridor_required,
            arc_start: Vec::new(),
            arc_hot: Vec::new(),
            arc_out: Vec::new(),
            arc_metrics: Vec::new(),
            astar_ratio: 0.0,
        };
        graph.build_arcs();
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

    fn build_arcs(&mut self) {
        let states = self.state_place.len();
        let mut arc_start = Vec::with_capacity(states + 1);
        let mut arc_hot = Vec::new();
        let mut arc_out = Vec::new();
        let mut arc_metrics = Vec::new();
        for state in 0..states {
            arc_start.push(arc_out.len() as u32);
            let place = PlaceId(self.state_place[state]);
            let arrival = self.state_arrival[state];
            let used = usize::from(self.state_used[state]);
            for j in self.out_range(place) {
                let metrics = self.charge(place, Some(arrival), j);
                arc_hot.push(HotArc {
                    head: self.out_head_state[j][used],
                    weight: self.profile.weigh(&metrics, self.value_of_time),
                });
                arc_out.push(j as u32);
                arc_metrics.push(metrics);
            }
        }
        arc_start.push(arc_out.len() as u32);
        self.arc_start = arc_start;
        self.arc_hot = arc_hot;
        self.arc_out = arc_out;
        self.arc_metrics = arc_metrics;
    }

    /// Metrics of departing `place` (arrived as `arrival`) along out-leg `j`; the same
    /// arithmetic, in the same order, as [`step_metrics`].
    fn charge(&self, place: PlaceId, arrival: Option<Arrival>, j: usize) -> Metrics {
        let mut metrics = self.out_base[j];
        add_departure(self.network, place, arrival, self.out_leg[j], &mut metrics);
        metrics
    }

    /// The smallest objective weight per great-circle km over all allowed legs, shrunk
    /// by 1e-9 against rounding: `ratio × great-circle km` never exceeds the weight of a
    /// path, so it is an admissible and consistent A* heuristic for every objective.
    fn lower_bound_ratio(&self) -> f64 {
        let mut ratio = f64::INFINITY;
        for (j, &dir) in self.out_leg.iter().enumerate() {
            let (tail, head) = dir.ends(self.network);
            let km = self
                .network
                .place(tail)
                .coord
                .distance_km(self.network.place(head).coord);
            if km > 0.0 {
                let weight = self.profile.weigh(&self.out_base[j], self.value_of_time);
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
        self.out_start[place.index()] as usize..self.out_start[place.index() + 1] as usize
    }

    /// The network this graph was compiled from.
    pub fn network(&self) -> &'n Network {
        self.network
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

    /// Heads and weights of the arcs leaving a state (the hot loop's view).
    pub(crate) fn hot_arcs(&self, state: StateId) -> &[HotArc] {
        &self.arc_hot
            [self.arc_start[state as usize] as usize..self.arc_start[state as usize + 1] as usize]
    }

    /// The full arc at position `index` of a state's arcs (same order as
    /// [`Graph::hot_arcs`]).
    pub(crate) fn arc_at(&self, state: StateId, index: usize) -> Arc {
        let a = self.arc_start[state as usize] as usize + index;
        Arc {
            head: self.arc_hot[a].head,
            leg: self.out_leg[self.arc_out[a] as usize],
            weight: self.arc_hot[a].weight,
            metrics: self.arc_metrics[a],
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

    /// How freight arrived in a state.
    pub fn state_arrival(&self, state: StateId) -> Arrival {
        self.state_arrival[state as usize]
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
        let range =
            self.arc_start[state as usize] as usize..self.arc_start[state as usize + 1] as usize;
        range.map(move |a| Arc {
            head: self.arc_hot[a].head,
            leg: self.out_leg[self.arc_out[a] as usize],
            weight: self.arc_hot[a].weight,
            metrics: self.arc_metrics[a],
        })
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
                head: self.out_head_state[j][0],
                leg: self.out_leg[j],
                weight: self.profile.weigh(&metrics, self.value_of_time),
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

    /// Whether A* bounds are non-trivial for this graph.
    pub fn has_lower_bounds(&self) -> bool {
        self.astar_ratio > 0.0
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
    dir: DirLeg,
    metrics: &mut Metrics,
) {
    departure_transfers(network, place, arrival, network.leg(dir.leg()), |t| {
        metrics.time_h += t.time_h;
        metrics.cost_usd += t.cost_usd;
    });
}

/// Everything charged for travelling `dir` after arriving at its start as `arrival`
/// (`None` at the origin): leg, borders and departure transfers. Arc weights are built
/// from exactly this sum, so a route's totals computed step by step equal the search's
/// distances bit for bit.
pub fn step_metrics(network: &Network, arrival: Option<Arrival>, dir: DirLeg) -> Metrics {
    let mut metrics = base_metrics(network, dir);
    add_departure(network, dir.ends(network).0, arrival, dir, &mut metrics);
    metrics
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
