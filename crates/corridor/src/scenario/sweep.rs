//! Monte Carlo sweeps: draw the uncertain quantities, route each draw, and summarise the
//! distribution of door-to-door time and cost, overall and per route chosen.
//!
//! Draw `i` uses its own ChaCha8 stream (`seed`, stream `i`), so every draw — and the
//! whole result — is the same whatever the number of threads or the order in which
//! draws run. Values are drawn in declaration order, per leg or place in id order.

use std::collections::HashMap;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::{Quantity, Uncertain};
use crate::graph::{DirLeg, Graph, Profile};
use crate::model::Network;
use crate::route::{Query, Route, shortest};

/// Mean and percentiles of a sample (nearest-rank percentiles).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stats {
    /// Arithmetic mean.
    pub mean: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 95th percentile.
    pub p95: f64,
}

impl Stats {
    /// The statistics of `values` (`None` if empty).
    pub fn of(values: &[f64]) -> Option<Stats> {
        if values.is_empty() {
            return None;
        }
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let rank =
            |p: f64| sorted[((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1];
        Some(Stats {
            mean: values.iter().sum::<f64>() / values.len() as f64,
            p50: rank(0.5),
            p90: rank(0.9),
            p95: rank(0.95),
        })
    }
}

/// One route chosen in some draws.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepRoute {
    /// The route as computed in the first draw that chose it.
    pub route: Route,
    /// Share of all draws that chose it.
    pub share: f64,
    /// Number of draws that chose it.
    pub draws: usize,
    /// Door-to-door hours in those draws.
    pub time_h: Stats,
    /// USD per TEU in those draws.
    pub cost_usd: Stats,
}

/// The result of a sweep.
#[derive(Clone, Debug, PartialEq)]
pub struct Sweep {
    /// Number of draws.
    pub samples: usize,
    /// The seed.
    pub seed: u64,
    /// Draws with a route.
    pub reached: usize,
    /// Door-to-door hours over the draws with a route.
    pub time_h: Option<Stats>,
    /// USD per TEU over the draws with a route.
    pub cost_usd: Option<Stats>,
    /// Routes chosen, most frequent first (ties: first chosen first).
    pub routes: Vec<SweepRoute>,
    /// Door-to-door hours of every draw with a route, in draw order (for histograms).
    pub time_h_draws: Vec<f64>,
}

/// Applies one draw of every uncertain quantity to a copy of `network`.
pub fn draw(network: &Network, uncertain: &[Uncertain], seed: u64, index: u64) -> Network {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(index);
    let (meta, mut places, mut legs, corridors) = network.to_parts();
    let wait_factor = meta.defaults.wait_factor;
    for u in uncertain {
        let shared = u.correlated.then(|| u.dist.sample(&mut rng));
        let value = |rng: &mut ChaCha8Rng| shared.unwrap_or_else(|| u.dist.sample(rng));
        match u.quantity {
            Quantity::Time => {
                for id in &u.legs {
                    legs[id.index()].time_h *= value(&mut rng);
                }
            }
            Quantity::WaitH => {
                for id in &u.legs {
                    // wait = wait_factor × headway, so the headway giving this wait.
                    legs[id.index()].headway_h = Some(value(&mut rng) / wait_factor);
                }
            }
            Quantity::DwellH => {
                for id in &u.places {
                    places[id.index()].transfers.border_h = value(&mut rng);
                }
            }
        }
    }
    Network::from_validated(meta, places, legs, corridors)
}

/// Routes `query` under `profile` in `samples` draws of `uncertain` (in parallel on the
/// current rayon pool) and summarises them. `progress` is called once per finished draw
/// (from worker threads). O(samples × (copy + compile + search)).
pub fn sweep(
    network: &Network,
    uncertain: &[Uncertain],
    profile: &Profile,
    query: &Query,
    samples: usize,
    seed: u64,
    progress: &(dyn Fn() + Sync),
) -> Sweep {
    let results: Vec<Option<Route>> = (0..samples as u64)
        .into_par_iter()
        .map(|i| {
            let drawn = draw(network, uncertain, seed, i);
            let graph = Graph::new(&drawn, profile);
            let found = shortest(&graph, query);
            progress();
            found
        })
        .collect();
    let routes: Vec<&Route> = results.iter().flatten().collect();
    let times: Vec<f64> = routes.iter().map(|r| r.totals.time_h).collect();
    let costs: Vec<f64> = routes.iter().map(|r| r.totals.cost_usd).collect();
    let mut groups: Vec<(Vec<DirLeg>, Vec<&Route>)> = Vec::new();
    let mut index: HashMap<Vec<DirLeg>, usize> = HashMap::new();
    for route in &routes {
        let key = route.dir_legs();
        match index.get(&key) {
            Some(&i) => groups[i].1.push(route),
            None => {
                index.insert(key.clone(), groups.len());
                groups.push((key, vec![route]));
            }
        }
    }
    let mut chosen: Vec<SweepRoute> = groups
        .into_iter()
        .filter_map(|(_, members)| {
            let times: Vec<f64> = members.iter().map(|r| r.totals.time_h).collect();
            let costs: Vec<f64> = members.iter().map(|r| r.totals.cost_usd).collect();
            Some(SweepRoute {
                route: (*members.first()?).clone(),
                share: members.len() as f64 / samples.max(1) as f64,
                draws: members.len(),
                time_h: Stats::of(&times)?,
                cost_usd: Stats::of(&costs)?,
            })
        })
        .collect();
    // Stable sort: ties keep the order of first appearance.
    chosen.sort_by_key(|r| std::cmp::Reverse(r.draws));
    Sweep {
        samples,
        seed,
        reached: routes.len(),
        time_h: Stats::of(&times),
        cost_usd: Stats::of(&costs),
        routes: chosen,
        time_h_draws: times,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let values: Vec<f64> = (1..=100).map(f64::from).collect();
        let stats = Stats::of(&values).unwrap();
        assert_eq!(
            (stats.mean, stats.p50, stats.p90, stats.p95),
            (50.5, 50.0, 90.0, 95.0)
        );
        assert_eq!(Stats::of(&[7.0]).unwrap().p95, 7.0);
        assert!(Stats::of(&[]).is_none());
    }
}
