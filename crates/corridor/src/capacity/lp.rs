//! The allocation as a linear program (arc-flow multi-commodity formulation), solved with
//! good_lp's pure-Rust microlp simplex in two phases.
//!
//! Variables: the flow of each demand on each of its arcs. Constraints: flow
//! conservation at every state a demand passes, at most the demanded volume leaving each
//! origin, and for every capacitated leg (per direction) and place (arrivals plus
//! departures from it as an origin) the total load of all demands within the capacity.
//! Phase 1 maximises the delivered volume D*; phase 2 minimises Σ weight × flow subject
//! to delivering D* (less 1e-9 relative only if rounding makes D* itself infeasible).

use std::collections::HashMap;

use good_lp::{
    Constraint, Expression, ProblemVariables, Solution as _, SolverModel, Variable, microlp,
    variable,
};

use super::FlowError;
use super::instance::{Group, Instance, Solution};
use crate::graph::StateId;

struct Model {
    vars: ProblemVariables,
    flows: Vec<Vec<Variable>>,
    constraints: Vec<Constraint>,
    delivered: Expression,
    cost: Expression,
}

fn model(instance: &Instance<'_, '_>, overrides: &[(Group, f64)]) -> Model {
    let mut vars = ProblemVariables::new();
    let mut constraints = Vec::new();
    let mut loads: Vec<Expression> = vec![Expression::default(); instance.group_count()];
    let mut delivered = Expression::default();
    let mut cost = Expression::default();
    let mut flows = Vec::with_capacity(instance.commodities.len());
    for commodity in &instance.commodities {
        let x: Vec<Variable> = commodity
            .arcs
            .iter()
            .map(|_| vars.add(variable().min(0.0)))
            .collect();
        let mut balance: HashMap<StateId, Expression> = HashMap::new();
        let mut departed = Expression::default();
        for (arc, &v) in commodity.arcs.iter().zip(&x) {
            cost += arc.weight * v;
            for group in instance.arc_groups(arc) {
                loads[group.0 as usize] += v;
            }
            match arc.tail {
                None => departed += v,
                Some(tail) => *balance.entry(tail).or_default() -= v,
            }
            if arc.ends {
                delivered += v;
            } else {
                *balance.entry(arc.head).or_default() += v;
            }
        }
        let mut states: Vec<(StateId, Expression)> = balance.into_iter().collect();
        states.sort_by_key(|(s, _)| *s);
        for (_, expression) in states {
            constraints.push(expression.eq(0.0));
        }
        if let Some(group) = commodity.origin_group {
            loads[group.0 as usize] += departed.clone();
        }
        constraints.push(departed.leq(commodity.demand.volume_teu_per_year));
        flows.push(x);
    }
    for (i, load) in loads.into_iter().enumerate() {
        let group = Group(i as u32);
        constraints.push(load.leq(instance.capacity_with(group, overrides)));
    }
    Model {
        vars,
        flows,
        constraints,
        delivered,
        cost,
    }
}

/// Solves phase 1 (unless `target` gives the volume to deliver) and phase 2.
pub fn solve(
    instance: &Instance<'_, '_>,
    overrides: &[(Group, f64)],
    target: Option<f64>,
) -> Result<Solution, FlowError> {
    let total: f64 = instance
        .commodities
        .iter()
        .filter(|c| !c.arcs.is_empty())
        .map(|c| c.demand.volume_teu_per_year)
        .sum();
    if total == 0.0 {
        let flows = instance
            .commodities
            .iter()
            .map(|c| vec![0.0; c.arcs.len()])
            .collect();
        return Ok(Solution::from_flows(instance, flows));
    }
    let wanted = match target {
        Some(volume) => volume,
        None => {
            let phase1 = model(instance, overrides);
            let mut problem = phase1
                .vars
                .maximise(phase1.delivered.clone())
                .using(microlp);
            for constraint in phase1.constraints {
                problem.add_constraint(constraint);
            }
            let solved = problem
                .solve()
                .map_err(|e| FlowError::Solver(e.to_string()))?;
            solved.eval(&phase1.delivered)
        }
    };
    // Deliver exactly D*; if rounding makes that infeasible, D* less 1e-9 relative.
    let mut solved = None;
    for slack in [0.0, 1e-9 * wanted.max(1.0)] {
        let phase2 = model(instance, overrides);
        let mut problem = phase2.vars.minimise(phase2.cost.clone()).using(microlp);
        for constraint in phase2.constraints {
            problem.add_constraint(constraint);
        }
        problem.add_constraint(phase2.delivered.clone().geq((wanted - slack).max(0.0)));
        match problem.solve() {
            Ok(solution) => {
                solved = Some((phase2.flows, solution));
                break;
            }
            Err(good_lp::ResolutionError::Infeasible) if slack == 0.0 => continue,
            Err(e) => return Err(FlowError::Solver(e.to_string())),
        }
    }
    let Some((variables, solved)) = solved else {
        return Err(FlowError::Solver("phase 2 is infeasible".to_owned()));
    };
    let flows: Vec<Vec<f64>> = variables
        .iter()
        .map(|x| {
            x.iter()
                .map(|&v| {
                    let value = solved.value(v);
                    if value.abs() < 1e-9 { 0.0 } else { value }
                })
                .collect()
        })
        .collect();
    Ok(Solution::from_flows(instance, flows))
}
