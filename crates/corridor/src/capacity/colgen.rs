//! The multi-commodity allocation by column generation: a path-based linear program whose
//! columns (routes) are priced by Dijkstra on the state graph.
//!
//! The restricted master LP holds the routes found so far; its dual is solved explicitly
//! (microlp reports no duals), and every demand's cheapest route under the dual prices
//! of the capacities (arc weight + the prices of the legs and places it loads) is added
//! while its reduced cost is negative. When no route prices out, the master's optimum is
//! the optimum over all routes: the pricing is an exact shortest-path search on
//! non-negative weights, so termination certifies optimality.
//!
//! Phase 1 maximises the delivered volume (column weight 1, pricing by capacity prices
//! alone); phase 2 starts from phase 1's routes and minimises the objective at that
//! volume. Routes follow the routing rules: they never come back to the origin, and end
//! when they reach the destination.

use std::collections::HashMap;

use good_lp::{
    Constraint, Expression, ProblemVariables, Solution as _, SolverModel, Variable, microlp,
    variable,
};

use super::{Demand, FlowError, Limit};
use crate::graph::{DirLeg, Graph, Link};
use crate::model::PlaceId;
use crate::route::kernel::{Kernel, ROOT};

/// Give up after this many rounds of pricing (each adds at least one route).
const MAX_ROUNDS: usize = 10_000;

/// Routes and volumes per demand.
#[derive(Clone, Debug, PartialEq)]
pub struct PathSolution {
    /// For each demand, its routes (directed legs) and TEU per year on each.
    pub paths: Vec<Vec<(Vec<DirLeg>, f64)>>,
    /// TEU per year delivered.
    pub delivered: f64,
    /// Σ route weight × volume.
    pub objective: f64,
}

#[derive(Clone, Debug)]
struct Column {
    k: usize,
    legs: Vec<DirLeg>,
    weight: f64,
    /// Capacity groups the route loads, with how many times.
    groups: Vec<(usize, f64)>,
}

/// The capacities that matter: every capacitated leg direction and place.
struct Capacities<'a> {
    graph: &'a Graph<'a>,
    index: HashMap<Limit, usize>,
    limits: Vec<Limit>,
    capacity: Vec<f64>,
}

impl<'a> Capacities<'a> {
    fn new(graph: &'a Graph<'a>, overrides: &[(Limit, f64)]) -> Capacities<'a> {
        let network = graph.network();
        let mut caps = Capacities {
            graph,
            index: HashMap::new(),
            limits: Vec::new(),
            capacity: Vec::new(),
        };
        let mut add = |limit: Limit, capacity: Option<f64>| {
            let capacity = overrides
                .iter()
                .find(|(l, _)| *l == limit)
                .map(|(_, c)| *c)
                .or(capacity);
            if let Some(capacity) = capacity {
                caps.index.insert(limit, caps.limits.len());
                caps.limits.push(limit);
                caps.capacity.push(capacity);
            }
        };
        for (i, place) in network.places().iter().enumerate() {
            add(Limit::Place(PlaceId(i as u32)), place.capacity_teu_per_year);
        }
        for (i, leg) in network.legs().iter().enumerate() {
            let id = crate::model::LegId(i as u32);
            add(
                Limit::Leg(DirLeg::new(id, false)),
                leg.capacity_teu_per_year,
            );
            if !leg.one_way {
                add(Limit::Leg(DirLeg::new(id, true)), leg.capacity_teu_per_year);
            }
        }
        caps
    }

    fn leg(&self, dir: DirLeg) -> Option<usize> {
        self.index.get(&Limit::Leg(dir)).copied()
    }

    fn place(&self, place: PlaceId) -> Option<usize> {
        self.index.get(&Limit::Place(place)).copied()
    }

    /// The groups an arc loads: its leg and the place it arrives at.
    fn arc_groups(&self, arc: &Link) -> impl Iterator<Item = usize> {
        self.leg(arc.leg)
            .into_iter()
            .chain(self.place(self.graph.state_place(arc.head)))
    }
}

/// Solves the allocation of `demands`; `target` fixes the volume to deliver (phase 2
/// only). `overrides` replace capacities (for shadow prices).
pub fn solve(
    graph: &Graph<'_>,
    demands: &[Demand],
    overrides: &[(Limit, f64)],
    target: Option<f64>,
) -> Result<PathSolution, FlowError> {
    let caps = Capacities::new(graph, overrides);
    let mut kernel = Kernel::new(graph.state_count());
    let mut columns: Vec<Column> = Vec::new();
    for (k, demand) in demands.iter().enumerate() {
        if demand.volume_teu_per_year > 0.0
            && let Some(column) = price(
                graph,
                &caps,
                demand,
                k,
                &Prices::zero(&caps, 1.0),
                &mut kernel,
            )
        {
            columns.push(column);
        }
    }
    // Phase 1 also when the volume is given: its routes make phase 2 feasible.
    generate(
        graph,
        &caps,
        demands,
        &mut columns,
        Phase::Deliver,
        &mut kernel,
    )?;
    let wanted = match target {
        Some(volume) => volume,
        None => master(&caps, demands, &columns, Phase::Deliver)?.0,
    };
    let phase = Phase::Cheapest(wanted);
    generate(graph, &caps, demands, &mut columns, phase, &mut kernel)?;
    let (delivered, objective, flows) = master(&caps, demands, &columns, phase)?;
    let mut paths: Vec<Vec<(Vec<DirLeg>, f64)>> = vec![Vec::new(); demands.len()];
    for (column, flow) in columns.iter().zip(flows) {
        if flow > 1e-9 {
            paths[column.k].push((column.legs.clone(), flow));
        }
    }
    Ok(PathSolution {
        paths,
        delivered,
        objective,
    })
}

#[derive(Clone, Copy, Debug)]
enum Phase {
    /// Maximise the delivered volume.
    Deliver,
    /// Minimise the objective while delivering this volume.
    Cheapest(f64),
}

/// Dual prices: per demand (its volume limit), per capacity group, and for the delivered
/// volume; `scale` weighs the objective (1 in phase 2, 0 in phase 1).
struct Prices {
    demand: Vec<f64>,
    group: Vec<f64>,
    volume: f64,
    scale: f64,
}

impl Prices {
    fn zero(caps: &Capacities<'_>, scale: f64) -> Prices {
        Prices {
            demand: Vec::new(),
            group: vec![0.0; caps.limits.len()],
            volume: 0.0,
            scale,
        }
    }
}

/// Adds priced-out routes until none has a negative reduced cost.
fn generate(
    graph: &Graph<'_>,
    caps: &Capacities<'_>,
    demands: &[Demand],
    columns: &mut Vec<Column>,
    phase: Phase,
    kernel: &mut Kernel,
) -> Result<(), FlowError> {
    for _ in 0..MAX_ROUNDS {
        let prices = dual(caps, demands, columns, phase)?;
        let mut added = false;
        for (k, demand) in demands.iter().enumerate() {
            if demand.volume_teu_per_year <= 0.0 {
                continue;
            }
            let Some(column) = price(graph, caps, demand, k, &prices, kernel) else {
                continue;
            };
            // Reduced cost of the route: (phase-2 weight or phase-1 "-1") plus its prices.
            let priced: f64 = column
                .groups
                .iter()
                .map(|&(g, m)| m * prices.group[g])
                .sum();
            // The tolerance is relative to the phase's objective coefficient: 1 TEU in
            // phase 1, the route's weight in phase 2.
            let (reduced, tolerance) = match phase {
                Phase::Deliver => (priced + prices.demand[k] - 1.0, 1e-9),
                Phase::Cheapest(_) => (
                    column.weight + priced + prices.demand[k] - prices.volume,
                    1e-9 * column.weight.abs().max(1.0),
                ),
            };
            if reduced < -tolerance && !columns.iter().any(|c| c.k == k && c.legs == column.legs) {
                columns.push(column);
                added = true;
            }
        }
        if !added {
            return Ok(());
        }
    }
    Err(FlowError::Solver(format!(
        "column generation did not converge in {MAX_ROUNDS} rounds"
    )))
}

/// The restricted master's variables and rows.
struct Rows {
    vars: ProblemVariables,
    flows: Vec<Variable>,
    rows: Vec<Constraint>,
    delivered: Expression,
    cost: Expression,
}

/// The units the linear programs are written in: volumes and capacities divided by
/// `volume` (the largest demand) and route weights by `weight` (the largest weight), so
/// the solver sees numbers near 1 whatever the magnitudes of the data (up to
/// [`crate::model::MAX_QUANTITY`]). Both LPs are invariant under this scaling: flows
/// scale by `volume` and phase-2 dual prices by `weight`.
#[derive(Clone, Copy, Debug)]
struct Units {
    volume: f64,
    weight: f64,
}

impl Units {
    fn new(demands: &[Demand], columns: &[Column]) -> Units {
        let largest = |values: &mut dyn Iterator<Item = f64>| {
            let max = values.fold(0.0, f64::max);
            if max > 0.0 && max.is_finite() {
                max
            } else {
                1.0
            }
        };
        Units {
            volume: largest(&mut demands.iter().map(|d| d.volume_teu_per_year)),
            weight: largest(&mut columns.iter().map(|c| c.weight.abs())),
        }
    }
}

/// The rows in [`Units`]: volumes, capacities and weights scaled.
fn rows(caps: &Capacities<'_>, demands: &[Demand], columns: &[Column], units: Units) -> Rows {
    let mut vars = ProblemVariables::new();
    let flows: Vec<Variable> = columns
        .iter()
        .map(|_| vars.add(variable().min(0.0)))
        .collect();
    let mut sent: Vec<Option<Expression>> = vec![None; demands.len()];
    let mut load: Vec<Option<Expression>> = vec![None; caps.limits.len()];
    let mut delivered = Expression::default();
    let mut cost = Expression::default();
    for (column, &f) in columns.iter().zip(&flows) {
        *sent[column.k].get_or_insert_with(Expression::default) += f;
        delivered += f;
        cost += (column.weight / units.weight) * f;
        for &(g, m) in &column.groups {
            *load[g].get_or_insert_with(Expression::default) += m * f;
        }
    }
    let mut rows = Vec::new();
    for (k, expression) in sent.into_iter().enumerate() {
        if let Some(expression) = expression {
            rows.push(expression.leq(demands[k].volume_teu_per_year / units.volume));
        }
    }
    for (g, expression) in load.into_iter().enumerate() {
        if let Some(expression) = expression {
            rows.push(expression.leq(caps.capacity[g] / units.volume));
        }
    }
    Rows {
        vars,
        flows,
        rows,
        delivered,
        cost,
    }
}

/// Solves the restricted master: (delivered, objective, flow per column).
fn master(
    caps: &Capacities<'_>,
    demands: &[Demand],
    columns: &[Column],
    phase: Phase,
) -> Result<(f64, f64, Vec<f64>), FlowError> {
    if columns.is_empty() {
        return Ok((0.0, 0.0, Vec::new()));
    }
    let units = Units::new(demands, columns);
    let attempt = |floor: Option<f64>| -> Result<Vec<f64>, good_lp::ResolutionError> {
        let Rows {
            vars,
            flows,
            rows,
            delivered,
            cost,
        } = rows(caps, demands, columns, units);
        let mut problem = match floor {
            None => vars.maximise(delivered.clone()).using(microlp),
            Some(_) => vars.minimise(cost).using(microlp),
        };
        for row in rows {
            problem.add_constraint(row);
        }
        if let Some(floor) = floor {
            problem.add_constraint(delivered.geq(floor / units.volume));
        }
        let solution = problem.solve()?;
        Ok(flows
            .iter()
            .map(|&f| {
                let v = solution.value(f) * units.volume;
                if v.abs() < 1e-9 { 0.0 } else { v }
            })
            .collect())
    };
    let values = match phase {
        Phase::Deliver => attempt(None),
        // Deliver exactly D*; if rounding makes that infeasible, D* less 1e-9 relative.
        Phase::Cheapest(wanted) => match attempt(Some(wanted)) {
            Err(good_lp::ResolutionError::Infeasible) => {
                attempt(Some((wanted - 1e-9 * wanted.max(1.0)).max(0.0)))
            }
            other => other,
        },
    }
    .map_err(|e| FlowError::Solver(e.to_string()))?;
    let delivered = values.iter().sum();
    let objective = columns.iter().zip(&values).map(|(c, v)| c.weight * v).sum();
    Ok((delivered, objective, values))
}

/// The optimal dual prices of the restricted master (its dual LP, solved explicitly).
///
/// Phase 1 dual: min Σ V_k a_k + Σ cap_g b_g  s.t. a_k + Σ m b_g ≥ 1 per route.
/// Phase 2 dual: max D c − Σ V_k a_k − Σ cap_g b_g  s.t. c − a_k − Σ m b_g ≤ w per route.
fn dual(
    caps: &Capacities<'_>,
    demands: &[Demand],
    columns: &[Column],
    phase: Phase,
) -> Result<Prices, FlowError> {
    let mut vars = ProblemVariables::new();
    let a: Vec<Variable> = demands
        .iter()
        .map(|_| vars.add(variable().min(0.0)))
        .collect();
    // Only groups some route loads have prices; the others are 0 (not binding).
    let mut used = vec![false; caps.limits.len()];
    for column in columns {
        for &(g, _) in &column.groups {
            used[g] = true;
        }
    }
    let b: Vec<Option<Variable>> = used
        .iter()
        .map(|&u| u.then(|| vars.add(variable().min(0.0))))
        .collect();
    let c = vars.add(variable().min(0.0));
    let units = Units::new(demands, columns);
    let mut objective = Expression::default();
    for (k, d) in demands.iter().enumerate() {
        objective += (d.volume_teu_per_year / units.volume) * a[k];
    }
    for (g, var) in b.iter().enumerate() {
        if let Some(var) = var {
            objective += (caps.capacity[g] / units.volume) * *var;
        }
    }
    let priced = |column: &Column| -> Expression {
        let mut e = Expression::from(a[column.k]);
        for &(g, m) in &column.groups {
            if let Some(var) = b[g] {
                e += m * var;
            }
        }
        e
    };
    let solution = match phase {
        Phase::Deliver => {
            let mut problem = vars.minimise(objective).using(microlp);
            for column in columns {
                problem.add_constraint(priced(column).geq(1.0));
            }
            problem.solve()
        }
        Phase::Cheapest(wanted) => {
            let mut problem = vars
                .maximise((wanted / units.volume) * c - objective)
                .using(microlp);
            for column in columns {
                problem.add_constraint(
                    (Expression::from(c) - priced(column)).leq(column.weight / units.weight),
                );
            }
            problem.solve()
        }
    }
    .map_err(|e| FlowError::Solver(format!("dual of the master: {e}")))?;
    // Phase-2 prices are in units of the scaled weights.
    let unit = match phase {
        Phase::Deliver => 1.0,
        Phase::Cheapest(_) => units.weight,
    };
    let value = |v: Variable| (solution.value(v) * unit).max(0.0);
    Ok(Prices {
        demand: a.iter().map(|&v| value(v)).collect(),
        group: b.iter().map(|v| v.map_or(0.0, value)).collect(),
        volume: value(c),
        scale: match phase {
            Phase::Deliver => 0.0,
            Phase::Cheapest(_) => 1.0,
        },
    })
}

/// The cheapest route of a demand under `prices`: Dijkstra on the state graph with arc
/// weight `scale × weight + prices of the groups the arc loads` (all ≥ 0), never back
/// into the origin, ending at the first target state of the destination popped.
/// `kernel` is search memory for the graph's states, reused between calls.
fn price(
    graph: &Graph<'_>,
    caps: &Capacities<'_>,
    demand: &Demand,
    k: usize,
    prices: &Prices,
    kernel: &mut Kernel,
) -> Option<Column> {
    let (from, to) = (demand.from, demand.to);
    if from == to || !graph.allows_place(from) {
        return None;
    }
    let cost = |arc: &Link| -> f64 {
        prices.scale * arc.weight + caps.arc_groups(arc).map(|g| prices.group[g]).sum::<f64>()
    };
    let step = |arc: Link| (arc.head, cost(&arc), arc.leg.0);
    kernel.reset();
    for s in graph.states_of(from) {
        kernel.block(s);
    }
    let departures = graph.objective_departures(from);
    kernel.relax::<true>(ROOT, 0.0, departures.map(step), |_| 0.0);
    while let Some((state, d)) = kernel.pop() {
        if graph.state_place(state) == to {
            if graph.is_target(state) {
                let legs = kernel.path(state, true).into_iter().map(DirLeg).collect();
                return Some(column(graph, caps, k, from, legs));
            }
            // Routes end at the destination.
            continue;
        }
        kernel.relax::<true>(state, d, graph.objective_links(state).map(step), |_| 0.0);
    }
    None
}

/// A column for a route: its objective weight (summed as the search sums it) and the
/// groups it loads, the origin's included.
fn column(
    graph: &Graph<'_>,
    caps: &Capacities<'_>,
    k: usize,
    from: PlaceId,
    legs: Vec<DirLeg>,
) -> Column {
    let network = graph.network();
    let mut groups: Vec<(usize, f64)> = Vec::new();
    let mut count = |g: usize| match groups.iter_mut().find(|(x, _)| *x == g) {
        Some((_, m)) => *m += 1.0,
        None => groups.push((g, 1.0)),
    };
    if let Some(g) = caps.place(from) {
        count(g);
    }
    let mut weight = 0.0;
    let mut arrival = None;
    for &leg in &legs {
        let step =
            crate::graph::step_metrics(network, arrival, graph.profile().booked_departure, leg);
        weight += graph.profile().weigh(&step, graph.value_of_time());
        arrival = Some(crate::graph::Arrival::of(network.leg(leg.leg())));
        if let Some(g) = caps.leg(leg) {
            count(g);
        }
        if let Some(g) = caps.place(leg.ends(network).1) {
            count(g);
        }
    }
    groups.sort_by_key(|&(g, _)| g);
    Column {
        k,
        legs,
        weight,
        groups,
    }
}
