//! `corridor flow`: the optimal allocation of a demand file over capacity-limited
//! corridors.

use std::io::Write;

use corridor::capacity::{self, Allocation};
use corridor::engine::FlowView;
use corridor::engine::limit_text;
use corridor::engine::view::objective_unit;
use corridor::io::{Source, read_demands};
use corridor::{Graph, Network, Objective};

use super::routing::profile_by;
use super::{Global, network};
use crate::args::{By, FlowArgs, ReportFormat};
use crate::render::{self, Table, grouped, number, routes};
use crate::{Exit, Failure};

pub(crate) fn run(global: &Global, args: &FlowArgs, out: &mut dyn Write) -> Result<Exit, Failure> {
    if !args.routing.via.is_empty() || args.routing.volume.is_some() {
        return Err(Failure::usage(
            "error: flow does not take --via or --volume (the demand file gives the volumes)",
        ));
    }
    let bytes = std::fs::read(&args.demand).map_err(|e| {
        Failure::usage(format!(
            "error: --demand: cannot read {}: {e}",
            args.demand.display()
        ))
    })?;
    let network = network(global)?;
    let profile = profile_by(&network, &args.routing, By::Cost)?;
    let name = args.demand.display().to_string();
    let demands = read_demands(
        &network,
        Source {
            name: &name,
            bytes: &bytes,
        },
    )
    .map_err(|e| Failure::new(Exit::Data, format!("error: {}", e.report("demand file"))))?;
    let graph = Graph::new(&network, &profile);
    if !args.scale_demand.is_empty() {
        if let Some(bad) = args
            .scale_demand
            .iter()
            .find(|f| !(f.is_finite() && **f >= 0.0 && **f <= 1000.0))
        {
            return Err(Failure::usage(format!(
                "error: --scale-demand: {bad} is not a factor from 0 to 1000"
            )));
        }
        let levels = capacity::demand_levels(&graph, &demands, &args.scale_demand)
            .map_err(|e| Failure::new(Exit::Failure, format!("error: {e}")))?;
        match args.format {
            ReportFormat::Json => render::json(out, &levels_view(&network, &levels))?,
            ReportFormat::Table => write_levels(&network, &levels, profile.objective, out)?,
        }
        return Ok(Exit::Ok);
    }
    let allocation = super::busy(
        format!("allocating {} demand rows", demands.len()),
        demands.len() >= 50,
        || capacity::allocate(&graph, &demands),
    )
    .map_err(|e| Failure::new(Exit::Failure, format!("error: {e}")))?;
    match args.format {
        ReportFormat::Json => render::json(
            out,
            &FlowView::new(&network, &allocation, profile.objective),
        )?,
        ReportFormat::Table => write_table(&network, &allocation, profile.objective, out)?,
    }
    Ok(Exit::Ok)
}

fn write_table(
    network: &Network,
    allocation: &Allocation,
    objective: Objective,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(
        out,
        "delivered {} of {} TEU/yr ({} unmet) · total {} USD/yr · optimised by {objective}",
        grouped(allocation.delivered_teu_per_year),
        grouped(allocation.delivered_teu_per_year + allocation.unmet_teu_per_year),
        grouped(allocation.unmet_teu_per_year),
        grouped(allocation.total_cost_usd)
    )?;
    writeln!(out)?;
    let mut table = Table::new(&[
        "from", "to", "TEU/yr>", "USD/TEU>", "days>", "corridor", "via",
    ]);
    for flow in &allocation.flows {
        let unmet = flow.demand.volume_teu_per_year - flow.delivered_teu_per_year;
        if unmet > 1e-6 * flow.demand.volume_teu_per_year.max(1.0) {
            table.row(vec![
                network.place(flow.demand.from).name.to_string(),
                network.place(flow.demand.to).name.to_string(),
                grouped(unmet),
                String::new(),
                String::new(),
                "unmet".to_owned(),
                String::new(),
            ]);
        }
        for r in &flow.routes {
            let via = routes::key_places(network, &r.route);
            table.row(vec![
                network.place(flow.demand.from).name.to_string(),
                network.place(flow.demand.to).name.to_string(),
                grouped(r.volume_teu_per_year),
                grouped(r.route.totals.cost_usd),
                number(r.route.totals.time_h / 24.0, 1),
                r.route
                    .corridors
                    .first()
                    .map_or(String::new(), |&c| network.corridor_name(c).to_owned()),
                via,
            ]);
        }
    }
    table.write(out)?;
    if allocation.saturated.is_empty() {
        return writeln!(out, "\nno capacity is saturated");
    }
    writeln!(out, "\nsaturated (what one more TEU/yr of capacity saves):")?;
    let mut table = Table::new(&[
        "leg or place",
        "capacity TEU/yr>",
        &format!("saves {}>", objective_unit(objective)),
        "more TEU/yr>",
    ]);
    for s in &allocation.saturated {
        let label = limit_text(network, s.at);
        table.row(vec![
            label,
            grouped(s.capacity_teu_per_year),
            number(s.shadow_price, 2),
            number(s.extra_delivered_teu_per_year, 2),
        ]);
    }
    table.write(out)
}

/// `flow --scale-demand` as JSON: one object per level.
fn levels_view(network: &Network, levels: &[capacity::DemandLevel]) -> serde_json::Value {
    let list: Vec<serde_json::Value> = levels
        .iter()
        .map(|level| {
            let a = &level.allocation;
            let saturated: Vec<serde_json::Value> = level
                .saturated_in_order
                .iter()
                .map(|s| {
                    serde_json::json!({
                        "at": limit_text(network, s.at),
                        "capacity_teu_per_year": s.capacity_teu_per_year,
                        "shadow_price": s.shadow_price,
                        "extra_delivered_teu_per_year": s.extra_delivered_teu_per_year,
                    })
                })
                .collect();
            serde_json::json!({
                "factor": level.factor,
                "demand_teu_per_year": level.demand_teu_per_year,
                "delivered_teu_per_year": a.delivered_teu_per_year,
                "unmet_teu_per_year": a.unmet_teu_per_year,
                "total_cost_usd": a.total_cost_usd,
                "first_saturated": saturated.first(),
                "saturated": saturated,
            })
        })
        .collect();
    serde_json::json!({ "levels": list })
}

fn write_levels(
    network: &Network,
    levels: &[capacity::DemandLevel],
    objective: Objective,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let mut table = Table::new(&[
        "demand ×>",
        "demand TEU/yr>",
        "delivered>",
        "unmet>",
        "saturated>",
        "first saturated",
        &format!("it saves {}>", objective_unit(objective)),
    ]);
    for level in levels {
        let a = &level.allocation;
        let first = level.saturated_in_order.first();
        table.row(vec![
            number(level.factor, 2),
            grouped(level.demand_teu_per_year),
            grouped(a.delivered_teu_per_year),
            grouped(a.unmet_teu_per_year),
            level.saturated_in_order.len().to_string(),
            first.map_or("none".to_owned(), |s| limit_text(network, s.at)),
            first.map_or(String::new(), |s| number(s.shadow_price, 2)),
        ]);
    }
    table.write(out)?;
    for level in levels {
        if level.saturated_in_order.is_empty() {
            continue;
        }
        writeln!(
            out,
            "\nsaturated at demand × {} (first to saturate first; what one more TEU/yr of capacity saves):",
            number(level.factor, 2)
        )?;
        let mut table = Table::new(&[
            "leg or place",
            "capacity TEU/yr>",
            &format!("saves {}>", objective_unit(objective)),
            "more TEU/yr>",
        ]);
        for s in &level.saturated_in_order {
            table.row(vec![
                limit_text(network, s.at),
                grouped(s.capacity_teu_per_year),
                number(s.shadow_price, 2),
                number(s.extra_delivered_teu_per_year, 2),
            ]);
        }
        table.write(out)?;
    }
    Ok(())
}
