//! Capacity allocation (column generation, or min-cost flow for one pair) checked
//! against an independent path-based linear program over enumerated routes and its dual
//! (strong duality certifies the optimum), and against the arc-based LP.

use std::collections::HashMap;

use corridor::capacity::{self, Demand, Instance, Limit, SolverKind, lp, mcf};
use corridor::graph::DirLeg;
use corridor::{Graph, Leg, Network, Objective, PlaceId, Profile};
use good_lp::{Expression, ProblemVariables, Solution as _, SolverModel, microlp, variable};
use proptest::prelude::*;

use crate::fixtures;
use crate::oracle::{self, Step, walk_metrics, walks};
use crate::random::{self, Shape};

const SHAPE: Shape = Shape {
    places: 3..=5,
    legs: 2..=7,
    plain: false,
};

fn operational(leg: &Leg) -> bool {
    leg.status == corridor::Status::Operational
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

/// The capacity groups a path loads (one entry per use): directed legs and places
/// arrived at, plus the origin for freight starting there.
fn path_groups(network: &Network, from: PlaceId, steps: &[Step]) -> Vec<Limit> {
    let mut groups = Vec::new();
    if network.place(from).capacity_teu_per_year.is_some() {
        groups.push(Limit::Place(from));
    }
    for &(leg, reverse) in steps {
        if network.leg(leg).capacity_teu_per_year.is_some() {
            groups.push(Limit::Leg(DirLeg::new(leg, reverse)));
        }
        let (_, to) = oracle::ends(network, (leg, reverse));
        if network.place(to).capacity_teu_per_year.is_some() {
            groups.push(Limit::Place(to));
        }
    }
    groups
}

fn capacity_of(network: &Network, limit: Limit) -> f64 {
    match limit {
        Limit::Leg(dir) => network.leg(dir.leg()).capacity_teu_per_year,
        Limit::Place(p) => network.place(p).capacity_teu_per_year,
    }
    .unwrap_or(f64::INFINITY)
}

/// The reference: a path-flow LP over every enumerated path, in two phases, and the dual
/// of phase 2. Returns (delivered, objective, dual objective) or None if too many paths.
fn path_lp(network: &Network, demands: &[Demand], objective: Objective) -> Option<(f64, f64, f64)> {
    let vot = network.meta().defaults.value_of_time_usd_per_teu_h;
    struct Path {
        k: usize,
        weight: f64,
        groups: Vec<Limit>,
    }
    let mut paths = Vec::new();
    for (k, d) in demands.iter().enumerate() {
        if d.from == d.to {
            continue;
        }
        for w in walks(network, &operational, d.from, d.to, &[], 20_000)? {
            paths.push(Path {
                k,
                weight: oracle::weigh(objective, &walk_metrics(network, &w.steps), vot),
                groups: path_groups(network, d.from, &w.steps),
            });
        }
    }
    let mut limits: Vec<Limit> = paths.iter().flat_map(|p| p.groups.clone()).collect();
    limits.sort();
    limits.dedup();
    let solve = |phase2: Option<f64>| -> (f64, f64) {
        let mut vars = ProblemVariables::new();
        let f: Vec<_> = paths
            .iter()
            .map(|_| vars.add(variable().min(0.0)))
            .collect();
        let delivered: Expression = f.iter().map(|&v| Expression::from(v)).sum();
        let cost: Expression = paths.iter().zip(&f).map(|(p, &v)| p.weight * v).sum();
        let mut constraints = Vec::new();
        for (k, d) in demands.iter().enumerate() {
            let sent: Expression = paths
                .iter()
                .zip(&f)
                .filter(|(p, _)| p.k == k)
                .map(|(_, &v)| Expression::from(v))
                .sum();
            constraints.push(sent.leq(d.volume_teu_per_year));
        }
        for &limit in &limits {
            let load: Expression = paths
                .iter()
                .zip(&f)
                .map(|(p, &v)| p.groups.iter().filter(|&&g| g == limit).count() as f64 * v)
                .sum();
            constraints.push(load.leq(capacity_of(network, limit)));
        }
        let solution = match phase2 {
            None => {
                let mut problem = vars.maximise(delivered.clone()).using(microlp);
                for c in constraints {
                    problem.add_constraint(c);
                }
                problem.solve().unwrap()
            }
            Some(target) => {
                let mut problem = vars.minimise(cost.clone()).using(microlp);
                for c in constraints {
                    problem.add_constraint(c);
                }
                problem.add_constraint(delivered.clone().geq(target - 1e-9 * target.max(1.0)));
                problem.solve().unwrap()
            }
        };
        (solution.eval(&delivered), solution.eval(&cost))
    };
    let (delivered, _) = solve(None);
    let (_, objective_value) = solve(Some(delivered));
    // The dual of phase 2: max -Σ V_k a_k - Σ cap_g b_g + D g
    // s.t. -a_k - Σ_{g on p} b_g + g <= c_p for every path p; a, b, g >= 0.
    let mut vars = ProblemVariables::new();
    let a: Vec<_> = demands
        .iter()
        .map(|_| vars.add(variable().min(0.0)))
        .collect();
    let b: Vec<_> = limits
        .iter()
        .map(|_| vars.add(variable().min(0.0)))
        .collect();
    let g = vars.add(variable().min(0.0));
    let target = delivered - 1e-9 * delivered.max(1.0);
    let mut dual_objective = target * g;
    for (k, d) in demands.iter().enumerate() {
        dual_objective -= d.volume_teu_per_year * a[k];
    }
    for (i, &limit) in limits.iter().enumerate() {
        let cap = capacity_of(network, limit);
        dual_objective -= cap * b[i];
    }
    let mut problem = vars.maximise(dual_objective.clone()).using(microlp);
    for p in &paths {
        let mut lhs = Expression::from(g) - a[p.k];
        for group in &p.groups {
            let i = limits.iter().position(|l| l == group).unwrap();
            lhs -= b[i];
        }
        problem.add_constraint(lhs.leq(p.weight));
    }
    let dual = problem.solve().unwrap().eval(&dual_objective);
    Some((delivered, objective_value, dual))
}

fn demands_strategy() -> impl Strategy<Value = Vec<(usize, usize, u16)>> {
    prop::collection::vec((0usize..5, 1usize..5, 0u16..150), 1..=3)
}

fn to_demands(network: &Network, picks: &[(usize, usize, u16)]) -> Vec<Demand> {
    let n = network.places().len();
    picks
        .iter()
        .map(|&(a, shift, v)| Demand {
            from: PlaceId((a % n) as u32),
            to: PlaceId(((a + shift) % n) as u32),
            volume_teu_per_year: f64::from(v),
        })
        .collect()
}

proptest! {
    #![proptest_config(crate::fixtures::proptest_config(64))]

    /// Delivered volume and total objective equal the path-based LP's, whose dual
    /// objective is equal too (strong duality certifies both optima).
    #[test]
    fn allocation_matches_path_lp_and_its_dual(
        network in random::network(SHAPE),
        picks in demands_strategy(),
        objective in prop::sample::select(vec![Objective::Cost, Objective::Time, Objective::Generalized]),
    ) {
        let demands = to_demands(&network, &picks);
        let Some((delivered, best, dual)) = path_lp(&network, &demands, objective) else { return Ok(()) };
        prop_assert!(close(best, dual), "strong duality fails in the reference: {best} vs {dual}");
        let graph = Graph::new(&network, &Profile::new(objective));
        let allocation = capacity::allocate(&graph, &demands).unwrap();
        prop_assert!(close(allocation.delivered_teu_per_year, delivered), "delivered {} vs {}", allocation.delivered_teu_per_year, delivered);
        prop_assert!(close(allocation.total_objective, best), "objective {} vs {} ({:?})", allocation.total_objective, best, allocation.solver);
        // The arc-based LP (a third formulation) agrees.
        let arc_lp = lp::solve(&Instance::new(&graph, &demands), &[], None).unwrap();
        prop_assert!(close(arc_lp.delivered, delivered) && close(arc_lp.objective, best), "arc LP {} / {}", arc_lp.delivered, arc_lp.objective);
        // Each pair delivers at most its demand; unmet closes the balance.
        let wanted: f64 = demands.iter().map(|d| d.volume_teu_per_year).sum();
        prop_assert!(close(allocation.delivered_teu_per_year + allocation.unmet_teu_per_year, wanted));
        for flow in &allocation.flows {
            prop_assert!(flow.delivered_teu_per_year <= flow.demand.volume_teu_per_year + 1e-6);
        }
        // No capacity is exceeded by the reported routes.
        let mut load: HashMap<Limit, f64> = HashMap::new();
        for flow in &allocation.flows {
            for r in &flow.routes {
                let steps: Vec<Step> = r.route.legs.iter().map(|l| (l.leg.leg(), l.leg.is_reverse())).collect();
                for g in path_groups(&network, flow.demand.from, &steps) {
                    *load.entry(g).or_default() += r.volume_teu_per_year;
                }
            }
        }
        for (limit, used) in load {
            prop_assert!(used <= capacity_of(&network, limit) * (1.0 + 1e-9) + 1e-6, "{limit:?} over capacity: {used}");
        }
        // Saturated entries are really full, and their shadow prices are non-negative.
        for s in &allocation.saturated {
            prop_assert!(s.shadow_price >= 0.0 && s.extra_delivered_teu_per_year >= 0.0);
        }
    }

    /// One pair: the min-cost flow (successive shortest paths) equals the LP.
    #[test]
    fn single_pair_min_cost_flow_equals_the_lp(
        network in random::network(SHAPE),
        picks in prop::collection::vec((0usize..5, 1usize..5, 1u16..300), 1),
        objective in prop::sample::select(vec![Objective::Cost, Objective::Time, Objective::Distance]),
    ) {
        let demands = to_demands(&network, &picks);
        let graph = Graph::new(&network, &Profile::new(objective));
        let instance = Instance::new(&graph, &demands);
        prop_assume!(mcf::applies(&instance));
        let flow = mcf::solve(&instance, &[], None);
        let linear = lp::solve(&instance, &[], None).unwrap();
        prop_assert!(close(flow.delivered, linear.delivered), "delivered {} vs {}", flow.delivered, linear.delivered);
        prop_assert!(close(flow.objective, linear.objective), "objective {} vs {}", flow.objective, linear.objective);
        prop_assert_eq!(capacity::allocate(&graph, &demands).unwrap().solver, SolverKind::MinCostFlow);
    }
}

#[test]
fn disconnected_zero_capacity_and_zero_volume_give_clear_results() {
    let network = fixtures::network("caspian");
    let id = |s: &str| network.place_by_id(s).unwrap();
    let graph = Graph::new(&network, &Profile::new(Objective::Cost));
    let demands = [
        Demand {
            from: id("ganja"),
            to: id("beyneu"),
            volume_teu_per_year: 100.0,
        },
        Demand {
            from: id("ganja"),
            to: id("anzali"),
            volume_teu_per_year: 0.0,
        },
        Demand {
            from: id("astrakhan"),
            to: id("astrakhan"),
            volume_teu_per_year: 5.0,
        },
    ];
    let allocation = capacity::allocate(&graph, &demands).unwrap();
    assert_eq!(allocation.flows[0].delivered_teu_per_year, 100.0);
    assert_eq!(allocation.flows[1].delivered_teu_per_year, 0.0);
    assert_eq!(allocation.flows[2].delivered_teu_per_year, 0.0);
    assert_eq!(allocation.unmet_teu_per_year, 5.0);
    assert!(
        capacity::allocate(
            &graph,
            &[Demand {
                from: id("ganja"),
                to: id("beyneu"),
                volume_teu_per_year: f64::NAN
            }]
        )
        .is_err()
    );
}

#[test]
fn bottleneck_names_the_least_capacity_on_the_route() {
    let network = corridor::builtin::network().unwrap().network;
    let mut profile = Profile::new(Objective::Time);
    profile.only_corridors = vec![network.corridor_id("trans-caspian").unwrap()];
    let query = corridor::Query::new(
        network.resolve("xian").unwrap(),
        network.resolve("duisburg").unwrap(),
    );
    let route = corridor::route::shortest(&Graph::new(&network, &profile), &query).unwrap();
    let bottleneck = capacity::bottleneck(&network, &route).unwrap();
    let least = route
        .legs
        .iter()
        .filter_map(|l| network.leg(l.leg.leg()).capacity_teu_per_year)
        .chain(
            route
                .places()
                .iter()
                .filter_map(|&p| network.place(p).capacity_teu_per_year),
        )
        .fold(f64::INFINITY, f64::min);
    assert_eq!(bottleneck.capacity_teu_per_year, least);
    // With a volume above it, the route must change or vanish.
    profile.min_capacity_teu_per_year = Some(least + 1.0);
    if let Some(other) = corridor::route::shortest(&Graph::new(&network, &profile), &query) {
        assert!(
            capacity::bottleneck(&network, &other).is_none_or(|b| b.capacity_teu_per_year > least)
        );
    }
}
