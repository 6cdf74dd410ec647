//! The best route within each corridor, side by side.

use rayon::prelude::*;

use super::{Query, Route, shortest};
use crate::graph::{Graph, Profile};
use crate::model::{CorridorId, Network};

/// The best route restricted to one corridor.
#[derive(Clone, Debug, PartialEq)]
pub struct CorridorRoute {
    /// The corridor tag.
    pub corridor: CorridorId,
    /// The best route using its legs plus untagged feeder legs.
    pub route: Route,
}

/// For each corridor tag (those in `profile.only_corridors`, or all the network's tags
/// when that is empty), the best route restricted to that corridor's legs plus untagged
/// feeder legs (first and last mile), keeping the profile's other constraints.
///
/// A corridor route must use at least one leg of its corridor (a route made of feeders
/// alone says nothing about the corridor; see [`crate::graph`]), so only corridors that
/// really connect the pair are listed. Sorted best first by the objective, ties by tag
/// name. Corridors are compiled and searched in parallel; the result does not depend on
/// the thread count.
pub fn compare(network: &Network, profile: &Profile, query: &Query) -> Vec<CorridorRoute> {
    let tags: Vec<CorridorId> = if profile.only_corridors.is_empty() {
        (0..network.corridors().len() as u16)
            .map(CorridorId)
            .collect()
    } else {
        profile.only_corridors.clone()
    };
    let mut found: Vec<CorridorRoute> = tags
        .par_iter()
        .filter_map(|&corridor| {
            let restricted = Profile {
                only_corridors: vec![corridor],
                ..profile.clone()
            };
            let graph = Graph::new(network, &restricted);
            let route = shortest(&graph, query)?;
            Some(CorridorRoute { corridor, route })
        })
        .collect();
    found.sort_by(|a, b| {
        a.route.weight.total_cmp(&b.route.weight).then_with(|| {
            network
                .corridor_name(a.corridor)
                .cmp(network.corridor_name(b.corridor))
        })
    });
    found
}
