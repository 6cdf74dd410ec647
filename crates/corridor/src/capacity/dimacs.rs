//! A single-pair capacity problem as a DIMACS min-cost-flow file, so that other solvers
//! can solve exactly the network [`mcf`] solves (`benches/mcf_compare.sh`
//! runs OR-Tools on it).
//!
//! The file is the min-cost-flow network of [`mcf`] (leg nodes, split
//! places, one source and one sink; see its module documentation) in the DIMACS format:
//! `p min N A`, then `n 1 S` and `n 2 -S` for the source (node 1) and the sink (node 2),
//! then one `a u v 0 capacity cost` line per arc, in the solver's arc order. Nodes are
//! numbered from 1. Unlimited capacities are written as `S`, which no arc of an optimal
//! flow exceeds.
//!
//! The supply `S` is the largest volume the network can deliver up to the demand (found
//! by solving the instance once with [`mcf`]), not the demand itself: a
//! solver that must route its whole supply (such as OR-Tools' `SimpleMinCostFlow::Solve`)
//! then faces a feasible problem whose optimal cost is the cost of the allocation
//! `corridor` finds, since both deliver the same, largest, volume as cheaply as possible.
//! Comment lines (`c`) state the demand, the supply and that cost.

use std::io::Write;

use super::Instance;
use super::mcf::{self, FlowNetwork};

/// What [`write_dimacs`] wrote.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DimacsSummary {
    /// Number of nodes.
    pub nodes: usize,
    /// Number of arcs.
    pub arcs: usize,
    /// The supply at the source: the largest deliverable volume, in TEU per year.
    pub supply: i64,
    /// The optimal cost found by [`mcf`]: Σ arc cost × flow, in the
    /// objective's unit per year.
    pub optimal_cost: i64,
}

/// Why an instance cannot be written as DIMACS.
#[derive(Debug, thiserror::Error)]
pub enum DimacsError {
    /// The instance is not one the min-cost-flow solver handles.
    #[error(
        "the instance is not a single-pair min-cost flow: expected one demand, no corridor requirement and no capacitated place passed with several arrival classes"
    )]
    NotMinCostFlow,
    /// An arc cost is not an integer (DIMACS and OR-Tools take integer costs).
    #[error(
        "arc {arc}: cost {value} is not an integer; expected whole numbers below 2^53 (for example --by cost on prices in whole USD)"
    )]
    Cost {
        /// The arc (1-based, in file order).
        arc: usize,
        /// The cost.
        value: f64,
    },
    /// A capacity is not an integer.
    #[error(
        "arc {arc}: capacity {value} TEU/yr is not an integer; expected whole numbers below 2^53"
    )]
    Capacity {
        /// The arc (1-based, in file order).
        arc: usize,
        /// The capacity.
        value: f64,
    },
    /// The deliverable volume is not an integer (the demand or a capacity is fractional).
    #[error(
        "the deliverable volume {value} TEU/yr is not an integer; expected whole-TEU demands and capacities"
    )]
    Supply {
        /// The volume.
        value: f64,
    },
    /// Writing failed.
    #[error("cannot write the DIMACS file: {0}")]
    Io(#[from] std::io::Error),
}

/// The largest integer an `f64` holds exactly.
const EXACT: f64 = 9_007_199_254_740_992.0;

fn integer(value: f64) -> Option<i64> {
    (value.fract() == 0.0 && value.abs() < EXACT).then_some(value as i64)
}

/// Writes the single-pair `instance` (capacities as stated, no overrides) as a DIMACS
/// min-cost-flow problem; see the module documentation. Solves the instance once to find
/// the supply, then checks that every cost and capacity is an integer before writing
/// anything. O(solve + arcs).
pub fn write_dimacs(
    instance: &Instance<'_, '_>,
    out: &mut dyn Write,
) -> Result<DimacsSummary, DimacsError> {
    if !mcf::applies(instance) {
        return Err(DimacsError::NotMinCostFlow);
    }
    let network = FlowNetwork::new(instance, &[], None);
    let flow = network.min_cost_flow();
    let delivered: f64 = network
        .arcs
        .iter()
        .zip(&flow)
        .filter(|(arc, _)| arc.head == network.sink)
        .map(|(_, x)| x)
        .sum();
    let supply = integer(delivered).ok_or(DimacsError::Supply { value: delivered })?;
    let mut lines = Vec::with_capacity(network.arcs.len());
    let mut optimal_cost: i64 = 0;
    for (i, (arc, &x)) in network.arcs.iter().zip(&flow).enumerate() {
        let cost = integer(arc.cost).ok_or(DimacsError::Cost {
            arc: i + 1,
            value: arc.cost,
        })?;
        let capacity = if arc.capacity == f64::INFINITY {
            supply
        } else {
            integer(arc.capacity).ok_or(DimacsError::Capacity {
                arc: i + 1,
                value: arc.capacity,
            })?
        };
        optimal_cost += cost * x.round() as i64;
        lines.push((arc.tail + 1, arc.head + 1, capacity, cost));
    }
    let demand = &instance.commodities[0].demand;
    let network_of = instance.graph.network();
    let mut out = std::io::BufWriter::new(out);
    writeln!(
        out,
        "c corridor single-pair min-cost flow: {} -> {}, demand {} TEU/yr, objective {}",
        network_of.place(demand.from).id,
        network_of.place(demand.to).id,
        demand.volume_teu_per_year,
        instance.graph.profile().objective.as_str()
    )?;
    writeln!(
        out,
        "c supply = the largest deliverable volume ({supply} TEU/yr); optimal cost by corridor: {optimal_cost}"
    )?;
    writeln!(out, "p min {} {}", network.node_count, lines.len())?;
    writeln!(out, "n {} {supply}", network.source + 1)?;
    writeln!(out, "n {} {}", network.sink + 1, -supply)?;
    for (tail, head, capacity, cost) in &lines {
        writeln!(out, "a {tail} {head} 0 {capacity} {cost}")?;
    }
    out.flush()?;
    Ok(DimacsSummary {
        nodes: network.node_count,
        arcs: lines.len(),
        supply,
        optimal_cost,
    })
}
