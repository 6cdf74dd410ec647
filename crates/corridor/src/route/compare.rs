//! The best route overall and the best route within each corridor, side by side, with
//! the reason each remaining corridor cannot serve the pair.

use rayon::prelude::*;

use super::{Blocker, Query, Route, diagnose, shortest};
use crate::graph::{Graph, Profile};
use crate::model::{CorridorId, Network, PlaceId, grouped};

/// The best route restricted to one corridor.
#[derive(Clone, Debug, PartialEq)]
pub struct CorridorRoute {
    /// The corridor tag.
    pub corridor: CorridorId,
    /// The best route under the restriction (see [`Profile::only_corridors`]).
    pub route: Route,
}

/// Why a corridor cannot serve a pair.
#[derive(Clone, Debug, PartialEq)]
pub enum Unserved {
    /// Constraints of the request that, each lifted alone, would let the corridor serve
    /// the pair (avoided countries, modes, places, the volume, planned or closed legs,
    /// via places; see [`Blocker`]).
    Blocked(Vec<Blocker>),
    /// The corridor's legs, with domestic feeders, do not link the pair. `reach` is the
    /// place nearest to the destination that a route from the origin reaches after using
    /// a leg of the corridor (`None` when none of its legs can be reached), with its
    /// great-circle distance to the destination in km.
    NoLink {
        /// The place nearest to the destination reachable under the restriction.
        reach: Option<(PlaceId, f64)>,
    },
}

impl Unserved {
    /// A sentence for people, naming places by name.
    pub fn explain(&self, network: &Network, query: &Query) -> String {
        match self {
            Unserved::Blocked(blockers) => blockers
                .iter()
                .map(|b| b.explain())
                .collect::<Vec<_>>()
                .join("; "),
            Unserved::NoLink { reach } => {
                let from = &network.place(query.from).name;
                let to = &network.place(query.to).name;
                match reach {
                    Some((place, km)) => format!(
                        "its legs do not link {from} and {to}: from {from} they reach as far as {} ({} km from {to})",
                        network.place(*place).name,
                        grouped(km.max(0.0))
                    ),
                    None => format!(
                        "its legs do not link {from} and {to}: none can be reached from {from} without crossing a border on another corridor's leg"
                    ),
                }
            }
        }
    }
}

/// A corridor that cannot serve the pair, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct UnservedCorridor {
    /// The corridor tag.
    pub corridor: CorridorId,
    /// Why.
    pub reason: Unserved,
}

/// The best route overall and per corridor ([`crate::Engine::comparison`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// The best route under the profile as given (what the route search returns); `None`
    /// when there is no route at all.
    pub best: Option<Route>,
    /// The best route within each corridor that can serve the pair, best first (ties by
    /// tag name).
    pub corridors: Vec<CorridorRoute>,
    /// The corridors that cannot, in tag order, each with its reason.
    pub unserved: Vec<UnservedCorridor>,
}

/// The best route overall, then for each corridor tag (those in
/// `profile.only_corridors`, or all the network's tags when that is empty) the best
/// route restricted to that corridor (see [`Profile::only_corridors`]: international
/// legs of the corridor or untagged, domestic legs of any corridor, at least one leg of
/// the corridor), keeping the profile's other constraints; and for each corridor that
/// has no such route, the reason.
///
/// Corridors are compiled and searched in parallel; the result does not depend on the
/// thread count. `best` is `None` exactly when the route search finds no route.
pub fn compare(network: &Network, profile: &Profile, query: &Query) -> Comparison {
    let tags: Vec<CorridorId> = if profile.only_corridors.is_empty() {
        (0..network.corridors().len() as u16)
            .map(CorridorId)
            .collect()
    } else {
        profile.only_corridors.clone()
    };
    let best = shortest(&Graph::new(network, profile), query);
    let results: Vec<Result<CorridorRoute, UnservedCorridor>> = tags
        .par_iter()
        .map(|&corridor| {
            let restricted = Profile {
                only_corridors: vec![corridor],
                ..profile.clone()
            };
            let graph = Graph::new(network, &restricted);
            match shortest(&graph, query) {
                Some(route) => Ok(CorridorRoute { corridor, route }),
                None => Err(UnservedCorridor {
                    corridor,
                    reason: unserved(network, &restricted, &graph, query),
                }),
            }
        })
        .collect();
    let mut corridors = Vec::new();
    let mut unserved = Vec::new();
    for result in results {
        match result {
            Ok(found) => corridors.push(found),
            Err(reason) => unserved.push(reason),
        }
    }
    corridors.sort_by(|a: &CorridorRoute, b: &CorridorRoute| {
        a.route.weight.total_cmp(&b.route.weight).then_with(|| {
            network
                .corridor_name(a.corridor)
                .cmp(network.corridor_name(b.corridor))
        })
    });
    Comparison {
        best,
        corridors,
        unserved,
    }
}

/// Why the corridor-restricted `profile` (with one corridor in
/// [`Profile::only_corridors`]) has no route for `query`; meaningful only when it has
/// none.
pub fn why_unserved(network: &Network, profile: &Profile, query: &Query) -> Unserved {
    unserved(network, profile, &Graph::new(network, profile), query)
}

/// [`why_unserved`] with the profile already compiled as `graph`.
fn unserved(network: &Network, profile: &Profile, graph: &Graph<'_>, query: &Query) -> Unserved {
    let blockers: Vec<Blocker> = diagnose(network, profile, query)
        .into_iter()
        .filter(|b| !matches!(b, Blocker::OnlyCorridors | Blocker::Combination))
        .collect();
    if !blockers.is_empty() && blockers != [Blocker::Disconnected] {
        return Unserved::Blocked(blockers);
    }
    Unserved::NoLink {
        reach: nearest_reached(network, graph, query),
    }
}

/// The place nearest (great circle) to the destination among those a route from the
/// origin reaches in `graph` after using a leg of the restricting corridor, with that
/// distance in km.
fn nearest_reached(network: &Network, graph: &Graph<'_>, query: &Query) -> Option<(PlaceId, f64)> {
    let target = network.place(query.to).coord;
    let mut seen = vec![false; graph.state_count()];
    let mut stack: Vec<u32> = graph.departures(query.from).map(|a| a.head).collect();
    let mut best: Option<(PlaceId, f64)> = None;
    while let Some(state) = stack.pop() {
        if std::mem::replace(&mut seen[state as usize], true) {
            continue;
        }
        let place = graph.state_place(state);
        let km = network.place(place).coord.distance_km(target);
        if graph.is_target(state) && best.is_none_or(|(p, b)| km < b || (km == b && place < p)) {
            best = Some((place, km));
        }
        stack.extend(
            graph
                .links(state)
                .map(|l| l.head)
                .filter(|&h| !seen[h as usize]),
        );
    }
    best
}
