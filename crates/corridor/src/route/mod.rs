//! Routing on a compiled [`Graph`]: shortest routes (Dijkstra/A*), k best alternatives
//! (Yen), Pareto sets, corridor comparison and parallel matrices.
//!
//! Every algorithm returns [`Route`]s built by one function from the sequence of legs
//! travelled, so totals, legs and transfers are always consistent:
//! `totals = Σ legs + Σ transfers`.

mod alternatives;
#[cfg_attr(not(feature = "internals"), allow(dead_code))] // point-to-point queries: tests and benches
pub mod ch;
mod compare;
mod diagnose;
mod heap;
pub(crate) mod kernel;
mod matrix;
mod pareto;
mod reorder;
mod search;
mod shortest;

pub use compare::{Comparison, CorridorRoute, Unserved, UnservedCorridor, compare};
pub use diagnose::Blocker;
pub use matrix::{Cell, Matrix};

/// The algorithms behind the [`crate::Engine`]: public to the repository's tests and
/// benchmarks (feature `internals`), which check them against independent references
/// and time them; embedders reach them through the engine.
#[cfg(feature = "internals")]
mod internals {
    pub use super::alternatives::{alternatives, distinct_alternatives};
    pub use super::compare::why_unserved;
    pub use super::diagnose::diagnose;
    pub use super::matrix::{
        MatrixRows, OneToAll, matrix, matrix_with_progress, one_to_all, one_to_all_weights,
    };
    pub use super::pareto::{MAX_LABELS, ParetoError, pareto};
    pub use super::reorder::{ReorderScratch, ReorderedRows};
    pub use super::shortest::shortest;
}
#[cfg(not(feature = "internals"))]
mod internals {
    #![allow(unused_imports)]
    pub(crate) use super::alternatives::{alternatives, distinct_alternatives};
    pub(crate) use super::compare::why_unserved;
    pub(crate) use super::diagnose::diagnose;
    pub(crate) use super::matrix::{
        MatrixRows, OneToAll, matrix, matrix_with_progress, one_to_all, one_to_all_weights,
    };
    pub(crate) use super::pareto::{MAX_LABELS, ParetoError, pareto};
    pub(crate) use super::reorder::{ReorderScratch, ReorderedRows};
    pub(crate) use super::shortest::shortest;
}
#[cfg(feature = "internals")]
pub use internals::*;
#[cfg(not(feature = "internals"))]
pub(crate) use internals::*;

use crate::graph::{
    Arrival, DirLeg, Graph, Metrics, Objective, Transfer, TransferKind, border_transfers,
    departure_transfers, step_metrics,
};
use crate::model::{CorridorId, Country, Leg, Mode, Network, PlaceId};

/// A routing request: origin, destination and places to pass in order.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    /// Where the freight starts.
    pub from: PlaceId,
    /// Where it must arrive.
    pub to: PlaceId,
    /// Places to pass through, in this order.
    pub via: Vec<PlaceId>,
}

impl Query {
    /// From `from` to `to` without via places.
    pub fn new(from: PlaceId, to: PlaceId) -> Query {
        Query {
            from,
            to,
            via: Vec::new(),
        }
    }
}

/// One leg of a route, in the direction travelled.
#[derive(Clone, Debug, PartialEq)]
pub struct RouteLeg {
    /// The leg and its direction.
    pub leg: DirLeg,
    /// Start place (in the direction travelled).
    pub from: PlaceId,
    /// End place.
    pub to: PlaceId,
    /// The leg's own metrics (transfers excluded).
    pub metrics: Metrics,
}

/// A transfer on a route and where it falls in the sequence of legs.
#[derive(Clone, Debug, PartialEq)]
pub struct RouteTransfer {
    /// The transfer.
    pub transfer: Transfer,
    /// How many legs were completed when it happens (0 = at the origin).
    pub after_legs: usize,
}

/// A route with everything a planner needs to check it.
#[derive(Clone, Debug, PartialEq)]
pub struct Route {
    /// Origin.
    pub from: PlaceId,
    /// Destination.
    pub to: PlaceId,
    /// Via places, in order.
    pub via: Vec<PlaceId>,
    /// What was minimised.
    pub objective: Objective,
    /// The value of time used (USD per TEU-hour).
    pub value_of_time_usd_per_teu_h: f64,
    /// The weight the search minimised ([`crate::Profile::search_weight`]: the
    /// objective plus the tie-break), summed step by step exactly as the search sums it.
    /// [`Route::objective_value`] is the objective alone.
    pub weight: f64,
    /// Door-to-door totals: legs plus transfers (equal to their sums up to rounding).
    pub totals: Metrics,
    /// The legs, in order.
    pub legs: Vec<RouteLeg>,
    /// Transfers, border crossings and waits, in order.
    pub transfers: Vec<RouteTransfer>,
    /// Countries passed, in order (a country left and re-entered, even through
    /// international waters, appears twice).
    pub countries: Vec<Country>,
    /// Corridor tags of the legs used, the corridor covering most kilometres first (ties
    /// in order of first use).
    pub corridors: Vec<CorridorId>,
    /// Kilometres attributed to each corridor in `corridors`, each leg counted once: a
    /// leg with several tags counts for the restricting corridor when the profile has
    /// one ([`Profile::only_corridors`](crate::graph::Profile)), else for the tag carrying
    /// the most kilometres of the whole route (ties: first used). Together with
    /// [`Route::untagged_km`] they add up to the route's distance.
    pub corridor_km: Vec<f64>,
    /// Kilometres on legs without a corridor tag.
    pub untagged_km: f64,
    /// The freight was booked on its first departure: no wait for the service at the
    /// origin is counted (see [`crate::Profile::booked_departure`]).
    pub booked_departure: bool,
}

impl Route {
    /// The objective's value for the route's totals (USD for cost, hours for time, ...),
    /// without the tie-break in [`Route::weight`].
    pub fn objective_value(&self) -> f64 {
        self.objective
            .value(&self.totals, self.value_of_time_usd_per_teu_h)
    }

    /// [`Route::from_legs`] for the repository's benchmarks, which time route assembly
    /// apart from the search.
    #[cfg(feature = "internals")]
    #[doc(hidden)]
    pub fn assemble(graph: &Graph<'_>, query: &Query, legs: &[DirLeg]) -> Route {
        Route::from_legs(graph, query, legs)
    }

    /// Builds the route travelling `legs` from `query.from`, charging transfers exactly as
    /// the compiled graph does. `legs` must be a connected sequence starting at
    /// `query.from`.
    pub(crate) fn from_legs(graph: &Graph<'_>, query: &Query, legs: &[DirLeg]) -> Route {
        let network = graph.network();
        let booked = graph.profile().booked_departure;
        let mut route = Route {
            from: query.from,
            to: query.to,
            via: query.via.clone(),
            objective: graph.profile().objective,
            value_of_time_usd_per_teu_h: graph.value_of_time(),
            weight: 0.0,
            totals: Metrics::ZERO,
            legs: Vec::with_capacity(legs.len()),
            transfers: Vec::new(),
            countries: Vec::new(),
            corridors: Vec::new(),
            corridor_km: Vec::new(),
            untagged_km: 0.0,
            booked_departure: booked,
        };
        // What the main loop reads of each leg and place, read first in two short loops
        // whose loads do not wait on each other: the legs and places of a long route on
        // a large network are scattered in memory, and the main loop, which does much
        // per leg, would wait for each cache miss in turn.
        let steps: Vec<(&Leg, PlaceId, PlaceId, Metrics)> = legs
            .iter()
            .map(|&dir| {
                let leg = network.leg(dir.leg());
                let (tail, head) = if dir.is_reverse() {
                    (leg.to, leg.from)
                } else {
                    (leg.from, leg.to)
                };
                let metrics = Metrics {
                    distance_km: leg.distance_km,
                    time_h: leg.time_h,
                    cost_usd: leg.cost_usd,
                    co2_kg: network.leg_co2_kg(leg),
                };
                (leg, tail, head, metrics)
            })
            .collect();
        let countries: Vec<Option<Country>> = steps
            .iter()
            .map(|&(_, _, head, _)| network.place(head).country)
            .collect();
        let mut last_country = None;
        push_country(&mut route.countries, &mut last_country, network, query.from);
        let mut arrival: Option<Arrival> = None;
        let mut entry = Vec::new();
        for (i, (&dir, &(leg, tail, head, metrics))) in legs.iter().zip(&steps).enumerate() {
            let departing = route.transfers.len();
            departure_transfers(network, tail, arrival, booked, leg, |transfer| {
                route.transfers.push(RouteTransfer {
                    transfer,
                    after_legs: i,
                });
            });
            let exiting = route.transfers.len();
            border_transfers(network, tail, head, |transfer| {
                if transfer.place == tail {
                    route.transfers.push(RouteTransfer {
                        transfer,
                        after_legs: i,
                    });
                } else {
                    entry.push(RouteTransfer {
                        transfer,
                        after_legs: i + 1,
                    });
                }
            });
            route.legs.push(RouteLeg {
                leg: dir,
                from: tail,
                to: head,
                metrics,
            });
            // What `step_metrics` charges, summed in its order: the leg, the border
            // formalities (exit, entry), then the departure transfers.
            let mut step = metrics;
            if route.transfers.len() > departing || !entry.is_empty() {
                let (departures, exits) =
                    route.transfers[departing..].split_at(exiting - departing);
                for t in exits.iter().chain(&entry).chain(departures) {
                    step.time_h += t.transfer.time_h;
                    step.cost_usd += t.transfer.cost_usd;
                }
                route.transfers.append(&mut entry);
            }
            debug_assert_eq!(step, step_metrics(network, arrival, booked, dir));
            route.totals = route.totals + step;
            route.weight += graph
                .profile()
                .search_weight(&step, route.value_of_time_usd_per_teu_h);
            for &corridor in &leg.corridors {
                match route.corridors.iter().position(|&c| c == corridor) {
                    Some(i) => route.corridor_km[i] += leg.distance_km,
                    None => {
                        route.corridors.push(corridor);
                        route.corridor_km.push(leg.distance_km);
                    }
                }
            }
            if leg.corridors.is_empty() {
                route.untagged_km += leg.distance_km;
            }
            let country = countries[i];
            if let Some(c) = country
                && last_country != Some(c)
            {
                route.countries.push(c);
            }
            last_country = country;
            arrival = Some(Arrival::of(leg));
        }
        route.attribute_corridor_km(network, &graph.profile().only_corridors);
        route
    }

    /// Turns `corridor_km` (so far the kilometres on legs of each tag, a shared leg
    /// counting for each of its tags) into each leg counted once, for the preferred tag:
    /// a restricting corridor, else the tag with the most kilometres (ties: first used).
    /// Corridors left with no kilometres are dropped; the rest are sorted by kilometres.
    fn attribute_corridor_km(&mut self, network: &Network, restricting: &[CorridorId]) {
        if self.corridors.is_empty() {
            // No tagged leg: nothing to attribute (and no leg to read again).
            return;
        }
        let tagged = std::mem::take(&mut self.corridor_km);
        let rank = |c: CorridorId| {
            let i = self.corridors.iter().position(|&x| x == c).unwrap_or(0);
            (restricting.contains(&c), tagged[i], std::cmp::Reverse(i))
        };
        let mut once = vec![0.0; tagged.len()];
        for leg in &self.legs {
            let data = network.leg(leg.leg.leg());
            let best = data.corridors.iter().copied().max_by(|&a, &b| {
                let (ra, rb) = (rank(a), rank(b));
                ra.0.cmp(&rb.0)
                    .then(ra.1.total_cmp(&rb.1))
                    .then(ra.2.cmp(&rb.2))
            });
            if let Some(best) = best
                && let Some(i) = self.corridors.iter().position(|&c| c == best)
            {
                once[i] += data.distance_km;
            }
        }
        let mut order: Vec<usize> = (0..self.corridors.len())
            .filter(|&i| once[i] > 0.0)
            .collect();
        order.sort_by(|&a, &b| once[b].total_cmp(&once[a]).then(a.cmp(&b)));
        self.corridors = order.iter().map(|&i| self.corridors[i]).collect();
        self.corridor_km = order.iter().map(|&i| once[i]).collect();
    }

    /// Handlings: the times the box is lifted or its wagon's bogies changed (mode
    /// changes, transshipments between vessels, gauge changes). Border formalities and
    /// waits for a service are not handlings.
    pub fn handlings(&self) -> usize {
        self.transfers
            .iter()
            .filter(|t| t.transfer.kind.is_handling())
            .count()
    }

    /// Borders crossed: each country entered counts once, with its exit formalities (a
    /// border left for international waters and a country entered from them is one
    /// crossing too).
    pub fn border_crossings(&self) -> usize {
        let (mut exits, mut entries) = (0, 0);
        for t in &self.transfers {
            match t.transfer.kind {
                TransferKind::BorderExit { .. } => exits += 1,
                TransferKind::BorderEntry { .. } => entries += 1,
                _ => {}
            }
        }
        exits.max(entries)
    }

    /// The places visited, origin first.
    pub fn places(&self) -> Vec<PlaceId> {
        std::iter::once(self.from)
            .chain(self.legs.iter().map(|leg| leg.to))
            .collect()
    }

    /// The via places this route goes to and comes back from along the way it came, each
    /// with the place on either side: the search answers so only when no route passes
    /// through the via places (a place at the end of a spur). Empty for routes that pass
    /// through them.
    pub fn turns_back_at(&self) -> Vec<(PlaceId, PlaceId)> {
        let places = self.places();
        let passing = |mut stage: usize, place: PlaceId| {
            while stage < self.via.len() && self.via[stage] == place {
                stage += 1;
            }
            stage
        };
        let mut stage = passing(0, self.from);
        let mut turns: Vec<(PlaceId, PlaceId)> = Vec::new();
        for i in 1..places.len() {
            let before = stage;
            stage = passing(stage, places[i]);
            // Where the route passes a via place, it leaves back to where it came from.
            let turn = (places[i], places[i - 1]);
            if stage > before && places.get(i + 1) == Some(&places[i - 1]) && !turns.contains(&turn)
            {
                turns.push(turn);
            }
        }
        turns
    }

    /// The places visited in order, each with the mode of the leg that reached it (none at
    /// the origin): what tells two routes apart for a planner.
    pub fn stops(&self, network: &Network) -> Vec<(PlaceId, Option<Mode>)> {
        std::iter::once((self.from, None))
            .chain(
                self.legs
                    .iter()
                    .map(|leg| (leg.to, Some(network.leg(leg.leg.leg()).mode))),
            )
            .collect()
    }

    /// The directed legs travelled.
    pub fn dir_legs(&self) -> Vec<DirLeg> {
        self.legs.iter().map(|leg| leg.leg).collect()
    }
}

/// Appends the place's country when it differs from the last place's (international
/// waters in between count as leaving).
fn push_country(
    countries: &mut Vec<Country>,
    last: &mut Option<Country>,
    network: &Network,
    place: PlaceId,
) {
    let country = network.place(place).country;
    if let Some(c) = country
        && *last != Some(c)
    {
        countries.push(c);
    }
    *last = country;
}
