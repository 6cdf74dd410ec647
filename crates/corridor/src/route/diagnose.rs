//! Why there is no route: which constraint, lifted alone, would allow one.

use super::{Query, shortest};
use crate::graph::{Graph, Profile};
use crate::model::{Network, Status};

/// A constraint that cuts a pair off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Blocker {
    /// `avoid_countries`: lifting it alone gives a route.
    AvoidedCountries,
    /// `avoid_places`.
    AvoidedPlaces,
    /// `avoid_modes`.
    AvoidedModes,
    /// `avoid_corridors`.
    AvoidedCorridors,
    /// `only_corridors`.
    OnlyCorridors,
    /// Planned or under-construction legs are excluded; including them gives a route.
    StatusExcluded,
    /// Closed legs (closed by a scenario or in the data): opening them gives a route.
    Closed,
    /// `min_capacity_teu_per_year`.
    Capacity,
    /// The via places: without them there is a route.
    Via,
    /// Only lifting several constraints together gives a route.
    Combination,
    /// Even without any constraint the places are not connected.
    Disconnected,
}

impl Blocker {
    /// A sentence for people.
    pub fn explain(self) -> &'static str {
        match self {
            Blocker::AvoidedCountries => "the avoided countries cut the route off",
            Blocker::AvoidedPlaces => "the avoided places cut the route off",
            Blocker::AvoidedModes => "the excluded modes cut the route off",
            Blocker::AvoidedCorridors => "the avoided corridors cut the route off",
            Blocker::OnlyCorridors => "the corridor restriction cuts the route off",
            Blocker::StatusExcluded => {
                "only planned or under-construction legs connect them (try --include-planned)"
            }
            Blocker::Closed => {
                "only closed legs connect them (closed by a scenario or in the data)"
            }
            Blocker::Capacity => "no route has enough capacity for the volume",
            Blocker::Via => "the via places cannot be reached in this order",
            Blocker::Combination => "several constraints together cut the route off",
            Blocker::Disconnected => "the places are not connected in the network",
        }
    }
}

/// For a query without a route under `profile`, the constraints that each alone cut it
/// off (lifting one gives a route); else [`Blocker::Combination`] or
/// [`Blocker::Disconnected`]. Empty if there is a route after all.
pub fn diagnose(network: &Network, profile: &Profile, query: &Query) -> Vec<Blocker> {
    let routable =
        |profile: &Profile, query: &Query| shortest(&Graph::new(network, profile), query).is_some();
    if routable(profile, query) {
        return Vec::new();
    }
    let mut blockers = Vec::new();
    let mut lifted = |blocker: Blocker, change: &dyn Fn(&mut Profile)| {
        let mut relaxed = profile.clone();
        change(&mut relaxed);
        if relaxed != *profile && routable(&relaxed, query) {
            blockers.push(blocker);
        }
    };
    lifted(Blocker::AvoidedCountries, &|p| p.avoid_countries.clear());
    lifted(Blocker::AvoidedPlaces, &|p| p.avoid_places.clear());
    lifted(Blocker::AvoidedModes, &|p| p.avoid_modes.clear());
    lifted(Blocker::AvoidedCorridors, &|p| p.avoid_corridors.clear());
    lifted(Blocker::OnlyCorridors, &|p| p.only_corridors.clear());
    lifted(Blocker::StatusExcluded, &|p| {
        p.statuses = Status::OPEN.to_vec()
    });
    lifted(Blocker::Closed, &|p| {
        if !p.statuses.contains(&Status::Closed) {
            p.statuses.push(Status::Closed);
        }
    });
    lifted(Blocker::Capacity, &|p| p.min_capacity_teu_per_year = None);
    if !query.via.is_empty() {
        let direct = Query {
            via: Vec::new(),
            ..query.clone()
        };
        if routable(profile, &direct) {
            blockers.push(Blocker::Via);
        }
    }
    if blockers.is_empty() {
        let mut open = Profile::new(profile.objective).include_planned();
        open.value_of_time_usd_per_teu_h = profile.value_of_time_usd_per_teu_h;
        let direct = Query::new(query.from, query.to);
        blockers.push(if routable(&open, query) {
            Blocker::Combination
        } else if routable(&open, &direct) {
            Blocker::Via
        } else {
            Blocker::Disconnected
        });
    }
    blockers
}
