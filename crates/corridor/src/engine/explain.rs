//! Why a request has no route, in words a planner reads.

use super::Error;
use crate::capacity;
use crate::graph::{Graph, Profile};
pub use crate::map::describe::{grouped, limit_text};
use crate::model::Network;
use crate::route::{self, Blocker, Query, Unserved};

/// The [`Error::NoRoute`] for `query` under `profile`, with [`explain_no_route`]'s reason.
pub fn no_route_error(network: &Network, profile: &Profile, query: &Query) -> Error {
    Error::NoRoute {
        from: network.describe(query.from),
        to: network.describe(query.to),
        reason: explain_no_route(network, profile, query),
    }
}

/// Why `profile` has no route for `query` (never empty): the constraints that each cut
/// the pair off (the route diagnosis); for a corridor restriction where the corridor's
/// legs stop; for a volume, the legs and places short of capacity on the best route
/// without the limit.
pub fn explain_no_route(network: &Network, profile: &Profile, query: &Query) -> String {
    let mut reasons: Vec<String> = Vec::new();
    for blocker in route::diagnose(network, profile, query) {
        let mut reason = blocker.explain().to_owned();
        match blocker {
            Blocker::OnlyCorridors => {
                // Where the corridor's own legs stop; constraints that block it are
                // listed as blockers of their own.
                for &corridor in &profile.only_corridors {
                    let alone = Profile {
                        only_corridors: vec![corridor],
                        ..profile.clone()
                    };
                    let why = route::why_unserved(network, &alone, query);
                    if matches!(why, Unserved::NoLink { .. }) {
                        reason.push_str(&format!(
                            " ({}: {})",
                            network.corridor_name(corridor),
                            why.explain(network, query)
                        ));
                    }
                }
            }
            Blocker::Capacity => {
                if let Some(volume) = profile.min_capacity_teu_per_year {
                    reason = capacity_reason(network, profile, query, volume);
                }
            }
            _ => {}
        }
        reasons.push(reason);
    }
    if reasons.is_empty() {
        // diagnose() finds a route under the profile: the command's own search (a
        // changed network, a label limit) failed where a plain search succeeds.
        reasons.push("the search found no route that meets the request".to_owned());
    }
    reasons.join("; ")
}

/// `no route has enough capacity for 100,000 TEU/yr: the best route without the volume
/// limit is held back by Aktau → Port of Baku (ferry), 46,875 TEU/yr`.
fn capacity_reason(network: &Network, profile: &Profile, query: &Query, volume: f64) -> String {
    let unlimited = Profile {
        min_capacity_teu_per_year: None,
        ..profile.clone()
    };
    let mut reason = format!(
        "no route has enough capacity for {} TEU/yr",
        grouped(volume)
    );
    if let Some(route) = route::shortest(&Graph::new(network, &unlimited), query) {
        let short: Vec<String> = capacity::shortfalls(network, &route, volume)
            .iter()
            .map(|b| {
                format!(
                    "{}, {} TEU/yr",
                    limit_text(network, b.at),
                    grouped(b.capacity_teu_per_year)
                )
            })
            .collect();
        if !short.is_empty() {
            reason.push_str(&format!(
                ": the best route without the volume limit is held back by {}",
                short.join(" and ")
            ));
        }
    }
    reason
}
