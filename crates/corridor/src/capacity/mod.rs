//! Capacity: the bottleneck of a route, and the optimal allocation of freight demand
//! across capacity-limited corridors with saturated links and their shadow prices.
//!
//! Capacities are in TEU per year: per direction on legs, throughput (arrivals plus
//! freight starting there) on places.
//!
//! [`allocate`] solves the allocation exactly in two phases: first the largest volume
//! that can be delivered within the capacities, then the cheapest way (by the profile's
//! objective) to deliver exactly that volume. One origin–destination pair is a
//! min-cost-flow problem, solved by successive shortest paths on the state graph
//! (`mcf`); several pairs sharing capacities form a multi-commodity flow problem,
//! solved as a path-based linear program by column generation with Dijkstra pricing
//! (`colgen`, good_lp with the pure-Rust microlp simplex for the small master
//! problems). With the `internals` feature, `lp` states the same problem as one arc-based
//! linear program (slower; an independent reference in the tests) and `dimacs` writes it
//! for other solvers.

// The solvers and the reference formulations are internals: public only with the
// `internals` feature, for the repository's tests and benchmarks (embedders call
// [`allocate`]).
#[cfg(feature = "internals")]
pub mod colgen;
#[cfg(not(feature = "internals"))]
mod colgen;
mod decompose;
#[cfg(feature = "internals")]
pub mod dimacs;
mod instance;
#[cfg(feature = "internals")]
pub mod lp;
#[cfg(feature = "internals")]
pub mod mcf;
#[cfg(not(feature = "internals"))]
mod mcf;

use crate::graph::{DirLeg, Graph};
pub use crate::model::Demand;
use crate::model::{MAX_QUANTITY, Network, PlaceId};
use crate::route::{Query, Route};

#[cfg(not(feature = "internals"))]
use instance::{Group, Instance};
#[cfg(feature = "internals")]
pub use instance::{Group, Instance, Solution};

/// Where a capacity limit sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Limit {
    /// A leg in one direction.
    Leg(DirLeg),
    /// A place (port, border crossing, yard).
    Place(PlaceId),
}

/// The least capacity on a route.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bottleneck {
    /// The leg or place with the least capacity.
    pub at: Limit,
    /// Its capacity in TEU per year.
    pub capacity_teu_per_year: f64,
}

/// The leg or place with the least capacity on `route` (places passed include the
/// origin and the destination); the first one along the route on ties. `None` when no
/// leg or place of the route has a stated capacity (unlimited).
///
/// ```
/// use corridor::{Engine, RouteRequest};
/// # fn main() -> Result<(), corridor::Error> {
/// let engine = Engine::builtin();
/// let request = RouteRequest::new("Xian", "Baku").corridor("Middle Corridor");
/// let (profile, query) = engine.resolve(&request)?;
/// let found = engine.shortest(&profile, &query)?;
/// let limit = found.bottleneck_teu_per_year(engine.network()).unwrap();
/// assert!(limit < 1_000_000.0); // the Caspian crossing binds
/// # Ok(())
/// # }
/// ```
pub fn bottleneck(network: &Network, route: &Route) -> Option<Bottleneck> {
    let mut best: Option<Bottleneck> = None;
    for found in stated_capacities(network, route) {
        if best.is_none_or(|b| found.capacity_teu_per_year < b.capacity_teu_per_year) {
            best = Some(found);
        }
    }
    best
}

/// Where capacity falls short of `volume` (TEU per year) on `route`: every leg and place
/// on it whose stated capacity is below the volume, in route order.
pub fn shortfalls(network: &Network, route: &Route, volume: f64) -> Vec<Bottleneck> {
    stated_capacities(network, route)
        .filter(|b| b.capacity_teu_per_year < volume)
        .collect()
}

/// The origin, then each leg and the place it reaches, in route order, where a capacity
/// is stated.
fn stated_capacities<'a>(
    network: &'a Network,
    route: &'a Route,
) -> impl Iterator<Item = Bottleneck> + 'a {
    let origin = (
        Limit::Place(route.from),
        network.place(route.from).capacity_teu_per_year,
    );
    std::iter::once(origin)
        .chain(route.legs.iter().flat_map(move |leg| {
            [
                (
                    Limit::Leg(leg.leg),
                    network.leg(leg.leg.leg()).capacity_teu_per_year,
                ),
                (
                    Limit::Place(leg.to),
                    network.place(leg.to).capacity_teu_per_year,
                ),
            ]
        }))
        .filter_map(|(at, capacity)| {
            capacity.map(|capacity_teu_per_year| Bottleneck {
                at,
                capacity_teu_per_year,
            })
        })
}

/// One route used by an allocation and the volume sent on it.
#[derive(Clone, Debug, PartialEq)]
pub struct RouteFlow {
    /// The route (its totals are per TEU).
    pub route: Route,
    /// TEU per year on this route.
    pub volume_teu_per_year: f64,
}

/// How one demand row was served.
#[derive(Clone, Debug, PartialEq)]
pub struct PairFlow {
    /// The demand row.
    pub demand: Demand,
    /// TEU per year delivered (≤ the demand).
    pub delivered_teu_per_year: f64,
    /// The routes used, largest volume first.
    pub routes: Vec<RouteFlow>,
}

/// A capacity that the optimal allocation uses fully.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Saturated {
    /// The leg (in the direction used) or place.
    pub at: Limit,
    /// Its capacity in TEU per year.
    pub capacity_teu_per_year: f64,
    /// What one more TEU per year of this capacity saves, in the objective's unit per
    /// year, at the same delivered volume (re-optimised with capacity + 1).
    pub shadow_price: f64,
    /// How much more volume one more TEU per year of this capacity lets through.
    pub extra_delivered_teu_per_year: f64,
}

/// The optimal allocation of a set of demands.
#[derive(Clone, Debug, PartialEq)]
pub struct Allocation {
    /// One entry per demand row, in input order.
    pub flows: Vec<PairFlow>,
    /// Total TEU per year delivered.
    pub delivered_teu_per_year: f64,
    /// Total TEU per year that could not be delivered.
    pub unmet_teu_per_year: f64,
    /// Σ over routes of volume × the route's objective value per TEU
    /// ([`Route::objective_value`]): what the allocation minimised. Flows weigh the
    /// objective alone, without the routes' tie-break, so that their arithmetic stays
    /// exact on whole numbers.
    pub total_objective: f64,
    /// Σ over routes of volume × the route's USD per TEU.
    pub total_cost_usd: f64,
    /// Saturated legs and places, largest shadow price first.
    pub saturated: Vec<Saturated>,
    /// Which solver found the optimum.
    pub solver: SolverKind,
}

/// The algorithm used for an allocation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SolverKind {
    /// Successive shortest paths (one pair; no place capacity shared by several arrival
    /// modes; no corridor requirement).
    MinCostFlow,
    /// Two-phase path-based linear program by column generation.
    LinearProgram,
}

/// Why an allocation failed.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum FlowError {
    /// A demand volume is negative, not finite or above [`MAX_QUANTITY`].
    #[error("demand {index}: volume {volume} is not a number from 0 to {MAX_QUANTITY}")]
    BadVolume {
        /// Row index (0-based).
        index: usize,
        /// The volume.
        volume: f64,
    },
    /// The LP solver failed (numerical trouble).
    #[error("the linear program could not be solved: {0}")]
    Solver(String),
}

/// The allocation at one demand level of [`demand_levels`].
#[derive(Clone, Debug, PartialEq)]
pub struct DemandLevel {
    /// Every demand volume multiplied by this.
    pub factor: f64,
    /// Total TEU per year asked at this level.
    pub demand_teu_per_year: f64,
    /// The optimal allocation at this level.
    pub allocation: Allocation,
    /// The saturated limits in the order they first saturate as demand grows: those
    /// already saturated at a lower level first (in that level's order), then the new
    /// ones, largest shadow price first. The first is the crossing that binds first.
    pub saturated_in_order: Vec<Saturated>,
}

/// The optimal allocation of `demands` scaled by each of `factors` (in the order
/// given, e.g. 0.5, 1, 1.5, 2): how delivered and unmet volume grow and which legs and
/// places saturate first. Errors as [`allocate`] (a factor making a volume negative or
/// larger than [`MAX_QUANTITY`] is [`FlowError::BadVolume`]).
pub fn demand_levels(
    graph: &Graph<'_>,
    demands: &[Demand],
    factors: &[f64],
) -> Result<Vec<DemandLevel>, FlowError> {
    let mut order: Vec<Limit> = Vec::new();
    let mut levels = Vec::with_capacity(factors.len());
    for &factor in factors {
        let scaled: Vec<Demand> = demands
            .iter()
            .map(|d| Demand {
                volume_teu_per_year: d.volume_teu_per_year * factor,
                ..*d
            })
            .collect();
        let allocation = allocate(graph, &scaled)?;
        for s in &allocation.saturated {
            if !order.contains(&s.at) {
                order.push(s.at);
            }
        }
        let mut saturated_in_order = allocation.saturated.clone();
        saturated_in_order.sort_by_key(|s| {
            order
                .iter()
                .position(|at| *at == s.at)
                .unwrap_or(usize::MAX)
        });
        levels.push(DemandLevel {
            factor,
            demand_teu_per_year: scaled.iter().map(|d| d.volume_teu_per_year).sum(),
            allocation,
            saturated_in_order,
        });
    }
    Ok(levels)
}

/// The allocation of `demands` on the graph's network under its profile that first
/// delivers as much as the capacities allow, then minimises the objective. Exact (see
/// the module documentation). Demands that cannot be routed at all, zero capacities and
/// zero volumes give zero flows, not errors.
pub fn allocate(graph: &Graph<'_>, demands: &[Demand]) -> Result<Allocation, FlowError> {
    for (index, demand) in demands.iter().enumerate() {
        if !(0.0..=MAX_QUANTITY).contains(&demand.volume_teu_per_year) {
            return Err(FlowError::BadVolume {
                index,
                volume: demand.volume_teu_per_year,
            });
        }
    }
    let network = graph.network();
    let instance = (demands.len() == 1).then(|| Instance::new(graph, demands));
    let solver = match &instance {
        Some(instance) if mcf::applies(instance) => SolverKind::MinCostFlow,
        _ => SolverKind::LinearProgram,
    };
    let solve = |overrides: &[(Limit, f64)], target: Option<f64>| -> Result<Plan, FlowError> {
        match (&instance, solver) {
            (Some(instance), SolverKind::MinCostFlow) => {
                let groups: Vec<(Group, f64)> = overrides
                    .iter()
                    .filter_map(|&(limit, c)| instance.group_of(limit).map(|g| (g, c)))
                    .collect();
                let solution = mcf::solve(instance, &groups, target);
                Ok(Plan {
                    paths: vec![decompose::paths(instance, &solution, 0)],
                    delivered: solution.delivered,
                    objective: solution.objective,
                })
            }
            _ => colgen::solve(graph, demands, overrides, target).map(|s| Plan {
                paths: s.paths,
                delivered: s.delivered,
                objective: s.objective,
            }),
        }
    };
    let plan = solve(&[], None)?;
    let mut saturated = Vec::new();
    for (limit, load) in plan.loads(network, demands) {
        let Some(capacity) = capacity_of(network, limit) else {
            continue;
        };
        if load < capacity - 1e-6 * capacity.max(1.0) {
            continue;
        }
        let more = [(limit, capacity + 1.0)];
        let relaxed = solve(&more, None)?;
        let same_volume = solve(&more, Some(plan.delivered))?;
        saturated.push(Saturated {
            at: limit,
            capacity_teu_per_year: capacity,
            shadow_price: (plan.objective - same_volume.objective).max(0.0),
            extra_delivered_teu_per_year: (relaxed.delivered - plan.delivered).max(0.0),
        });
    }
    saturated.sort_by(|a, b| {
        b.shadow_price
            .total_cmp(&a.shadow_price)
            .then(
                b.extra_delivered_teu_per_year
                    .total_cmp(&a.extra_delivered_teu_per_year),
            )
            .then(a.at.cmp(&b.at))
    });
    let mut flows = Vec::with_capacity(demands.len());
    let (mut total_objective, mut total_cost_usd) = (0.0, 0.0);
    for (demand, paths) in demands.iter().zip(plan.paths) {
        let query = Query::new(demand.from, demand.to);
        let mut routes: Vec<RouteFlow> = paths
            .into_iter()
            .map(|(legs, volume)| RouteFlow {
                route: Route::from_legs(graph, &query, &legs),
                volume_teu_per_year: volume,
            })
            .collect();
        routes.sort_by(|a, b| {
            b.volume_teu_per_year
                .total_cmp(&a.volume_teu_per_year)
                .then(a.route.weight.total_cmp(&b.route.weight))
                .then_with(|| a.route.dir_legs().cmp(&b.route.dir_legs()))
        });
        for r in &routes {
            total_objective += r.volume_teu_per_year * r.route.objective_value();
            total_cost_usd += r.volume_teu_per_year * r.route.totals.cost_usd;
        }
        flows.push(PairFlow {
            demand: *demand,
            delivered_teu_per_year: routes.iter().map(|r| r.volume_teu_per_year).sum(),
            routes,
        });
    }
    let delivered: f64 = flows.iter().map(|f| f.delivered_teu_per_year).sum();
    let wanted: f64 = demands.iter().map(|d| d.volume_teu_per_year).sum();
    Ok(Allocation {
        flows,
        delivered_teu_per_year: delivered,
        unmet_teu_per_year: (wanted - delivered).max(0.0),
        total_objective,
        total_cost_usd,
        saturated,
        solver,
    })
}

/// Routes and volumes per demand from either solver.
struct Plan {
    paths: Vec<Vec<(Vec<DirLeg>, f64)>>,
    delivered: f64,
    objective: f64,
}

impl Plan {
    /// The load of every capacitated leg direction and place, in a fixed order.
    fn loads(&self, network: &Network, demands: &[Demand]) -> Vec<(Limit, f64)> {
        let mut loads: std::collections::BTreeMap<Limit, f64> = Default::default();
        for (demand, paths) in demands.iter().zip(&self.paths) {
            for (legs, volume) in paths {
                for limit in route_limits(network, demand.from, legs) {
                    *loads.entry(limit).or_default() += volume;
                }
            }
        }
        loads.into_iter().collect()
    }
}

/// The capacitated legs and places a route loads, once per use: the origin, then each
/// leg and the place it arrives at.
pub fn route_limits(network: &Network, from: PlaceId, legs: &[DirLeg]) -> Vec<Limit> {
    let mut limits = Vec::new();
    if network.place(from).capacity_teu_per_year.is_some() {
        limits.push(Limit::Place(from));
    }
    for &leg in legs {
        if network.leg(leg.leg()).capacity_teu_per_year.is_some() {
            limits.push(Limit::Leg(leg));
        }
        let to = leg.ends(network).1;
        if network.place(to).capacity_teu_per_year.is_some() {
            limits.push(Limit::Place(to));
        }
    }
    limits
}

/// The stated capacity of a leg direction or place.
pub fn capacity_of(network: &Network, limit: Limit) -> Option<f64> {
    match limit {
        Limit::Leg(dir) => network.leg(dir.leg()).capacity_teu_per_year,
        Limit::Place(place) => network.place(place).capacity_teu_per_year,
    }
}
