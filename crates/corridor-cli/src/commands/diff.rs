//! `corridor diff`: the best route without and with the `--scenario` files.

use std::io::Write;

use corridor::engine::RouteView;
use corridor::map::MapRoute;
use corridor::{Graph, Network, Query, Route, route};
use serde_json::{Value, json};

use super::routing::{no_route, profile, query};
use super::{Global, base_network, scenario_network};
use crate::args::{RouteArgs, RouteFormat};
use crate::render::{self, Table, grouped, number, round};
use crate::{Exit, Failure};

pub(crate) fn run(global: &Global, args: &RouteArgs, out: &mut dyn Write) -> Result<Exit, Failure> {
    if global.scenario.is_empty() {
        return Err(Failure::usage(
            "error: diff compares the network without and with --scenario FILE; give at least one",
        ));
    }
    let baseline = base_network(global)?;
    let changed = scenario_network(global)?.network;
    // Places are resolved on the changed network (a scenario may add them) and found
    // by id in the baseline.
    let scenario_query = query(&changed, &args.from, &args.to, &args.routing.via)?;
    let best = |network: &Network| -> Result<(Option<Route>, Option<Query>), Failure> {
        let id = |p: corridor::PlaceId| network.place_by_id(&changed.place(p).id);
        let q = match (id(scenario_query.from), id(scenario_query.to)) {
            (Some(from), Some(to)) => Query {
                from,
                to,
                via: scenario_query.via.iter().filter_map(|&v| id(v)).collect(),
            },
            _ => return Ok((None, None)),
        };
        let profile = profile(network, &args.routing)?;
        Ok((route::shortest(&Graph::new(network, &profile), &q), Some(q)))
    };
    let (before, _) = best(&baseline)?;
    let (after, _) = best(&changed)?;
    if before.is_none() && after.is_none() {
        let profile = profile(&changed, &args.routing)?;
        return Err(no_route(&changed, &profile, &scenario_query));
    }
    match args.format {
        RouteFormat::Json | RouteFormat::Geojson => {
            let delta = match (&before, &after) {
                (Some(b), Some(a)) => json!({
                    "time_h": round(a.totals.time_h - b.totals.time_h),
                    "cost_usd": round(a.totals.cost_usd - b.totals.cost_usd),
                    "co2_kg": round(a.totals.co2_kg - b.totals.co2_kg),
                    "distance_km": round(a.totals.distance_km - b.totals.distance_km),
                }),
                _ => Value::Null,
            };
            let same =
                matches!((&before, &after), (Some(b), Some(a)) if b.dir_legs() == a.dir_legs());
            render::json(
                out,
                &json!({
                    "baseline": before.as_ref().map(|r| RouteView::new(&baseline, r)),
                    "scenario": after.as_ref().map(|r| RouteView::new(&changed, r)),
                    "delta": delta,
                    "route_changed": !same,
                    "scenarios": global.scenario.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
                }),
            )?;
        }
        RouteFormat::Table => {
            write_table(&baseline, before.as_ref(), &changed, after.as_ref(), out)?
        }
        RouteFormat::Svg => {
            // Places and legs keep their indices in the changed network (scenarios only
            // append), so both routes draw on it.
            let mut drawn = Vec::new();
            if let Some(r) = &before {
                drawn.push(MapRoute {
                    label: "baseline".to_owned(),
                    route: r,
                });
            }
            if let Some(r) = &after {
                drawn.push(MapRoute {
                    label: "scenario".to_owned(),
                    route: r,
                });
            }
            let title = format!(
                "{} → {}: without and with the scenario",
                changed.place(scenario_query.from).name,
                changed.place(scenario_query.to).name
            );
            super::route::svg(out, &changed, &drawn, title)?;
        }
    }
    Ok(Exit::Ok)
}

fn write_table(
    baseline: &Network,
    before: Option<&Route>,
    changed: &Network,
    after: Option<&Route>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let mut table = Table::new(&["", "baseline>", "scenario>", "change>"]);
    let metric = |name: &str, f: fn(&Route) -> f64, decimals: usize| -> Vec<String> {
        let show = |r: Option<&Route>| r.map_or("no route".to_owned(), |r| number(f(r), decimals));
        let change = match (before, after) {
            (Some(b), Some(a)) => {
                let d = f(a) - f(b);
                let sign = if d > 0.0 { "+" } else { "" };
                format!("{sign}{}", number(d, decimals))
            }
            _ => String::new(),
        };
        vec![name.to_owned(), show(before), show(after), change]
    };
    table.row(metric("days", |r| r.totals.time_h / 24.0, 1));
    table.row(metric("USD/TEU", |r| r.totals.cost_usd, 0));
    table.row(metric("kg CO2e/TEU", |r| r.totals.co2_kg, 0));
    table.row(metric("km", |r| r.totals.distance_km, 0));
    table.write(out)?;
    let describe = |network: &Network, r: Option<&Route>| {
        r.map_or("no route".to_owned(), |r| {
            let names: Vec<&str> = r
                .places()
                .iter()
                .map(|&p| &*network.place(p).name)
                .collect();
            format!(
                "{} ({} legs)",
                names.join(" → "),
                grouped(r.legs.len() as f64)
            )
        })
    };
    writeln!(out, "\nbaseline: {}", describe(baseline, before))?;
    writeln!(out, "scenario: {}", describe(changed, after))?;
    let same = matches!((before, after), (Some(b), Some(a)) if b.dir_legs() == a.dir_legs());
    writeln!(
        out,
        "{}",
        if same {
            "the route is the same"
        } else {
            "the route changes"
        }
    )
}
