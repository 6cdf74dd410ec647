//! `corridor flow`: the optimal allocation of a demand file over capacity-limited
//! corridors.

use std::io::Write;

use corridor::view::{DemandLevelsView, FlowView, SaturatedView};
use corridor::{FlowRequest, Network, Objective};

use super::routing::{failure, request};
use super::{Global, engine};
use crate::args::{By, FlowArgs, ReportFormat};
use crate::render::{self, Table, grouped, number};
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
    let routing = request(&args.routing, "", "", By::Cost)?;
    let engine = engine(global)?;
    let network = engine.network();
    routing.profile(network).map_err(failure)?;
    let name = args.demand.display().to_string();
    let demands = engine.read_demands(&name, &bytes).map_err(|e| match e {
        corridor::Error::Data(e) => {
            Failure::new(Exit::Data, format!("error: {}", e.report("demand file")))
        }
        e => failure(e),
    })?;
    let rows = demands.len();
    let request = FlowRequest { demands, routing };
    let solver = |e: corridor::Error| match e {
        corridor::Error::Invalid {
            field: "scale_demand",
            ..
        } => failure(e),
        e => Failure::new(Exit::Failure, format!("error: {e}")),
    };
    if !args.scale_demand.is_empty() {
        let levels = engine
            .flow_levels(&request, &args.scale_demand)
            .map_err(|e| match e {
                corridor::Error::Invalid {
                    field: "scale_demand",
                    message,
                } => Failure::usage(format!("error: --scale-demand: {message}")),
                e => solver(e),
            })?;
        match args.format {
            ReportFormat::Json => render::json(out, &levels)?,
            ReportFormat::Table => write_levels(&levels, out)?,
        }
        return Ok(Exit::Ok);
    }
    let allocation = super::busy(format!("allocating {rows} demand rows"), rows >= 50, || {
        engine.flow(&request)
    })
    .map_err(solver)?;
    match args.format {
        ReportFormat::Json => render::json(out, &allocation)?,
        ReportFormat::Table => write_table(network, &allocation, out)?,
    }
    Ok(Exit::Ok)
}

/// A place's name from its id in a view.
fn name(network: &Network, id: &str) -> String {
    network
        .place_by_id(id)
        .map_or_else(|| id.to_owned(), |p| network.place(p).name.to_string())
}

/// A saturated leg or place for people: `Aktau → Port of Baku (ferry)` or `Astara`.
fn limit(network: &Network, s: &SaturatedView) -> String {
    match (&s.from, &s.to, &s.mode, &s.place) {
        (Some(from), Some(to), Some(mode), _) => {
            format!("{} → {} ({mode})", name(network, from), name(network, to))
        }
        (_, _, _, Some(place)) => name(network, place),
        _ => String::new(),
    }
}

fn write_table(network: &Network, flow: &FlowView, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "delivered {} of {} TEU/yr ({} unmet) · total {} USD/yr · optimised by {}",
        grouped(flow.delivered_teu_per_year),
        grouped(flow.delivered_teu_per_year + flow.unmet_teu_per_year),
        grouped(flow.unmet_teu_per_year),
        grouped(flow.total_cost_usd),
        flow.objective
    )?;
    writeln!(out)?;
    let mut table = Table::new(&[
        "from", "to", "TEU/yr>", "USD/TEU>", "days>", "corridor", "via",
    ]);
    for pair in &flow.flows {
        let (from, to) = (name(network, &pair.from), name(network, &pair.to));
        if pair.unmet_teu_per_year > 1e-6 * pair.volume_teu_per_year.max(1.0) {
            table.row(vec![
                from.clone(),
                to.clone(),
                grouped(pair.unmet_teu_per_year),
                String::new(),
                String::new(),
                "unmet".to_owned(),
                String::new(),
            ]);
        }
        for r in &pair.routes {
            table.row(vec![
                from.clone(),
                to.clone(),
                grouped(r.volume_teu_per_year),
                grouped(r.cost_usd_per_teu),
                number(r.time_h_per_teu / 24.0, 1),
                r.corridors.first().cloned().unwrap_or_default(),
                r.via.clone(),
            ]);
        }
    }
    table.write(out)?;
    let saturated: Vec<&SaturatedView> = flow
        .saturated_legs
        .iter()
        .chain(&flow.saturated_places)
        .collect();
    if saturated.is_empty() {
        return writeln!(out, "\nno capacity is saturated");
    }
    writeln!(out, "\nsaturated (what one more TEU/yr of capacity saves):")?;
    let unit = Objective::parse(&flow.objective).map_or("", Objective::unit);
    let mut table = Table::new(&[
        "leg or place",
        "capacity TEU/yr>",
        &format!("saves {unit}>"),
        "more TEU/yr>",
    ]);
    for s in saturated {
        table.row(vec![
            limit(network, s),
            grouped(s.capacity_teu_per_year),
            number(s.shadow_price, 2),
            number(s.extra_delivered_teu_per_year, 2),
        ]);
    }
    table.write(out)
}

fn write_levels(levels: &DemandLevelsView, out: &mut dyn Write) -> std::io::Result<()> {
    let unit = Objective::parse(&levels.objective).map_or("", Objective::unit);
    let mut table = Table::new(&[
        "demand ×>",
        "demand TEU/yr>",
        "delivered>",
        "unmet>",
        "saturated>",
        "first saturated",
        &format!("it saves {unit}>"),
    ]);
    for level in &levels.levels {
        let first = level.first_saturated.as_ref();
        table.row(vec![
            number(level.factor, 2),
            grouped(level.demand_teu_per_year),
            grouped(level.delivered_teu_per_year),
            grouped(level.unmet_teu_per_year),
            level.saturated.len().to_string(),
            first.map_or("none".to_owned(), |s| s.at.clone()),
            first.map_or(String::new(), |s| number(s.shadow_price, 2)),
        ]);
    }
    table.write(out)?;
    for level in &levels.levels {
        if level.saturated.is_empty() {
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
            &format!("saves {unit}>"),
            "more TEU/yr>",
        ]);
        for s in &level.saturated {
            table.row(vec![
                s.at.clone(),
                grouped(s.capacity_teu_per_year),
                number(s.shadow_price, 2),
                number(s.extra_delivered_teu_per_year, 2),
            ]);
        }
        table.write(out)?;
    }
    Ok(())
}
