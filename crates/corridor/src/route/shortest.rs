//! The best route for one query.

use super::search::best_path;
use super::{Query, Route};
use crate::graph::Graph;

/// The route minimising the profile's objective from `query.from` to `query.to` through
/// `query.via` in order; `None` if there is none. The route passes through each via
/// place (it does not leave one back to the place it came from) unless no route does.
/// From a place to itself the route is empty (except under a corridor restriction, which
/// no empty route satisfies).
///
/// A* on the state graph for the distance objective (a tight geodesic bound), Dijkstra
/// for the others, O((V + E) log V) per stage. Exact: transfers are charged on the arcs where they happen. Ties go to the
/// path found first in node-index order, so the answer is deterministic.
pub fn shortest(graph: &Graph<'_>, query: &Query) -> Option<Route> {
    if query.from == query.to
        && query.via.iter().all(|&v| v == query.from)
        && !graph.corridor_required()
    {
        return graph
            .allows_place(query.from)
            .then(|| Route::from_legs(graph, query, &[]));
    }
    let legs = best_path(graph, query)?;
    Some(Route::from_legs(graph, query, &legs))
}

#[cfg(test)]
mod tests {
    use super::shortest;
    use crate::graph::{Graph, Objective, Profile};
    use crate::route::{OneToAll, Query};

    #[test]
    fn totals_are_legs_plus_transfers_and_one_to_all_agrees() {
        let network = crate::builtin::network().unwrap().network;
        let (xian, duisburg) = (
            network.resolve("Xian").unwrap(),
            network.resolve("Duisburg").unwrap(),
        );
        let graph = Graph::new(&network, &Profile::new(Objective::Cost));
        let best = shortest(&graph, &Query::new(xian, duisburg)).unwrap();
        // Totals are the legs plus the transfers, charged where they happen.
        let legs: f64 = best.legs.iter().map(|l| l.metrics.cost_usd).sum();
        let transfers: f64 = best.transfers.iter().map(|t| t.transfer.cost_usd).sum();
        assert!((best.totals.cost_usd - legs - transfers).abs() < 1e-6);
        // The one-to-all search reaches the destination with the same weight.
        let mut search = OneToAll::new(&graph);
        search.run(xian);
        let weight = search.weight(duisburg).unwrap();
        assert!((weight - best.weight).abs() <= 1e-9 * best.weight.max(1.0));
    }
}
