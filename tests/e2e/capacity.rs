//! Capacity allocation (column generation, or min-cost flow for one pair) checked
//! against an independent path-based linear program over enumerated routes and its dual
//! (strong duality certifies the optimum), and against the arc-based LP.

use std::collections::HashMap;

use corridor::capacity::dimacs::{DimacsError, write_dimacs};
use corridor::capacity::{self, Demand, Group, Instance, Limit, SolverKind, lp, mcf};
use corridor::graph::DirLeg;
use corridor::synthetic::{self, Synthetic};
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
                weight: oracle::objective(objective, &walk_metrics(network, &w.steps), vot),
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

/// A DIMACS min-cost-flow file solved as a linear program, independently of corridor's
/// solvers: (supply at the source, optimal cost). Checks the file's shape on the way.
fn dimacs_lp(text: &str) -> (f64, f64) {
    let mut nodes = 0;
    let mut declared_arcs = 0;
    let mut supply: HashMap<usize, f64> = HashMap::new();
    let mut arcs: Vec<(usize, usize, f64, f64)> = Vec::new();
    for line in text.lines() {
        let t: Vec<&str> = line.split_whitespace().collect();
        match t[0] {
            "c" => {}
            "p" => {
                assert_eq!(t[1], "min");
                nodes = t[2].parse().unwrap();
                declared_arcs = t[3].parse().unwrap();
            }
            "n" => {
                supply.insert(t[1].parse().unwrap(), t[2].parse().unwrap());
            }
            "a" => {
                assert_eq!(t.len(), 6, "{line}");
                assert_eq!(t[3], "0", "lower bound: {line}");
                let number = |s: &str| -> f64 {
                    let v: i64 = s
                        .parse()
                        .unwrap_or_else(|_| panic!("not an integer: {line}"));
                    v as f64
                };
                arcs.push((
                    t[1].parse().unwrap(),
                    t[2].parse().unwrap(),
                    number(t[4]),
                    number(t[5]),
                ));
            }
            other => panic!("unknown line kind {other}: {line}"),
        }
    }
    assert_eq!(arcs.len(), declared_arcs);
    assert!(supply.values().sum::<f64>() == 0.0);
    let mut vars = ProblemVariables::new();
    let x: Vec<_> = arcs
        .iter()
        .map(|&(u, v, cap, _)| {
            assert!((1..=nodes).contains(&u) && (1..=nodes).contains(&v));
            vars.add(variable().min(0.0).max(cap))
        })
        .collect();
    let cost: Expression = arcs.iter().zip(&x).map(|(a, &v)| a.3 * v).sum();
    let mut problem = vars.minimise(cost.clone()).using(microlp);
    for node in 1..=nodes {
        let mut balance = Expression::from(0.0);
        for (&(u, v, _, _), &var) in arcs.iter().zip(&x) {
            if u == node {
                balance += var;
            }
            if v == node {
                balance -= var;
            }
        }
        let b = supply.get(&node).copied().unwrap_or(0.0);
        problem.add_constraint(balance.clone().leq(b));
        problem.add_constraint(balance.geq(b));
    }
    let solution = problem.solve().unwrap();
    (supply.get(&1).copied().unwrap_or(0.0), solution.eval(&cost))
}

proptest! {
    #![proptest_config(crate::fixtures::proptest_config(48))]

    /// On road grids (integer costs with many ties, every leg capacitated), the min-cost
    /// flow equals the arc LP with and without a capacity override and a target volume,
    /// and its DIMACS export, solved as a plain LP, has the delivered volume as supply and
    /// the same optimal cost.
    #[test]
    fn road_grid_min_cost_flow_equals_the_lp_and_its_dimacs_export(
        places in 4usize..=36,
        seed in 0u64..1000,
        (a, b) in (0usize..1000, 0usize..1000),
        volume in 0u16..2500,
        (pick, capacity) in (0usize..1000, 0u16..400),
    ) {
        let network = synthetic::generate(Synthetic { places, seed });
        let n = network.places().len();
        let (from, to) = (PlaceId((a % n) as u32), PlaceId((b % n) as u32));
        prop_assume!(from != to);
        let graph = Graph::new(&network, &Profile::new(Objective::Cost));
        let demands = [Demand { from, to, volume_teu_per_year: f64::from(volume) }];
        let instance = Instance::new(&graph, &demands);
        prop_assert!(mcf::applies(&instance));
        let flow = mcf::solve(&instance, &[], None);
        let linear = lp::solve(&instance, &[], None).unwrap();
        prop_assert!(close(flow.delivered, linear.delivered), "delivered {} vs {}", flow.delivered, linear.delivered);
        prop_assert!(close(flow.objective, linear.objective), "objective {} vs {}", flow.objective, linear.objective);
        // Integer data give an integer optimum.
        prop_assert_eq!(flow.objective.fract(), 0.0);
        prop_assert_eq!(flow.delivered.fract(), 0.0);
        let overrides = [(Group((pick % instance.group_count()) as u32), f64::from(capacity))];
        let most = mcf::solve(&instance, &overrides, None).delivered;
        for target in [None, Some((most / 2.0).floor())] {
            let flow = mcf::solve(&instance, &overrides, target);
            let linear = lp::solve(&instance, &overrides, target).unwrap();
            prop_assert!(close(flow.delivered, linear.delivered), "{overrides:?}, {target:?}: delivered {} vs {}", flow.delivered, linear.delivered);
            prop_assert!(close(flow.objective, linear.objective), "{overrides:?}, {target:?}: objective {} vs {}", flow.objective, linear.objective);
        }
        let mut file = Vec::new();
        let summary = write_dimacs(&instance, &mut file).unwrap();
        let (supply, cost) = dimacs_lp(std::str::from_utf8(&file).unwrap());
        prop_assert_eq!(supply, flow.delivered);
        prop_assert_eq!(summary.supply as f64, flow.delivered);
        prop_assert_eq!(summary.optimal_cost as f64, flow.objective);
        prop_assert!(close(cost, flow.objective), "DIMACS LP cost {} vs {}", cost, flow.objective);
    }
}

#[test]
fn dimacs_export_refuses_fractional_values_and_several_pairs() {
    let network = synthetic::generate(Synthetic {
        places: 25,
        seed: 3,
    });
    let demand = |volume| Demand {
        from: PlaceId(0),
        to: PlaceId(24),
        volume_teu_per_year: volume,
    };
    let export = |objective, demands: &[Demand]| {
        let graph = Graph::new(&network, &Profile::new(objective));
        write_dimacs(&Instance::new(&graph, demands), &mut Vec::new())
    };
    // Hours are fractional.
    let error = export(Objective::Time, &[demand(100.0)]).unwrap_err();
    assert!(matches!(error, DimacsError::Cost { .. }), "{error}");
    assert!(error.to_string().contains("is not an integer"), "{error}");
    let error = export(Objective::Cost, &[demand(10.5)]).unwrap_err();
    assert!(
        matches!(error, DimacsError::Supply { value } if value == 10.5),
        "{error}"
    );
    let error = export(Objective::Cost, &[demand(10.0), demand(20.0)]).unwrap_err();
    assert!(matches!(error, DimacsError::NotMinCostFlow), "{error}");
    // Whole numbers export, with the delivered volume as supply.
    let mut file = Vec::new();
    let graph = Graph::new(&network, &Profile::new(Objective::Cost));
    let summary = write_dimacs(&Instance::new(&graph, &[demand(1e6)]), &mut file).unwrap();
    let text = String::from_utf8(file).unwrap();
    assert!(text.contains(&format!(
        "\nn 1 {}\nn 2 -{}\n",
        summary.supply, summary.supply
    )));
    assert!(summary.supply > 0 && (summary.supply as f64) < 1e6);
    assert!(text.contains(&format!("\np min {} {}\n", summary.nodes, summary.arcs)));
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

/// Issue 13: the Uzbekistan–Kazakhstan 2030 demand runs as the README shows: everything
/// delivered, nothing saturated at the target, Saryagash saturating first from ×1.5.
#[test]
fn issue_13_uz_kz_2030_demand_levels() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/demand/uz-kz-2030.csv");
    let out = crate::fixtures::run_ok(&[
        "flow",
        "--demand",
        path,
        "--by",
        "generalized",
        "--scale-demand",
        "0.5,1,1.5,2",
    ]);
    let rows: Vec<&str> = out.lines().skip(2).take(4).collect();
    assert!(
        rows[1].trim_start().starts_with("1 ") && rows[1].contains(" none"),
        "{out}"
    );
    assert!(
        rows[2].contains("Saryagash") && rows[3].contains("Saryagash"),
        "{out}"
    );
    assert!(out.contains("saturated at demand × 1.5"), "{out}");
    let json = crate::fixtures::run_ok(&[
        "flow",
        "--demand",
        path,
        "--by",
        "generalized",
        "--scale-demand",
        "1,2",
        "--format",
        "json",
    ]);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let levels = value["levels"].as_array().unwrap();
    assert_eq!(levels.len(), 2);
    let target = levels[0]["demand_teu_per_year"].as_f64().unwrap();
    assert!((1.9e6..2.2e6).contains(&target), "{target}");
    assert_eq!(levels[0]["unmet_teu_per_year"].as_f64(), Some(0.0));
    assert!(
        levels[1]["first_saturated"]["at"]
            .as_str()
            .unwrap()
            .contains("Saryagash")
    );
    let bad = crate::fixtures::run(&["flow", "--demand", path, "--scale-demand", "1,-2"]);
    assert_eq!(bad.exit, corridor_cli::Exit::Usage, "{}", bad.stderr);
}
