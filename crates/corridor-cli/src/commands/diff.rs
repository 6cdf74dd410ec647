//! `corridor diff`: the best route without and with the `--scenario` files.

use std::io::Write;

use corridor::view::DiffView;
use corridor::{Diff, Figure, Network, Route};

use super::routing::{failure, request};
use super::{Global, base_engine, scenario_files};
use crate::args::{By, RouteArgs, RouteFormat};
use crate::render::{self, Table, grouped, number};
use crate::{Exit, Failure};

pub(crate) fn run(global: &Global, args: &RouteArgs, out: &mut dyn Write) -> Result<Exit, Failure> {
    if global.scenario.is_empty() {
        return Err(Failure::usage(
            "error: diff compares the network without and with --scenario FILE; give at least one",
        ));
    }
    let files = scenario_files(global)?;
    let baseline = base_engine(global)?;
    let request = request(&args.routing, &args.from, &args.to, By::Time)?;
    let diff = baseline.diff_routes(&request, &files).map_err(failure)?;
    let changed = diff.changed.network();
    let (before, after) = (diff.baseline.as_ref(), diff.scenario.as_ref());
    let view = DiffView::new(baseline.network(), &diff, &files);
    match args.format {
        RouteFormat::Json | RouteFormat::Geojson => render::json(out, &view)?,
        RouteFormat::Table => write_table(baseline.network(), &diff, view.route_changed, out)?,
        RouteFormat::Svg => {
            out.write_all(Figure::diff(changed, before, after).svg(changed).as_bytes())?
        }
    }
    Ok(Exit::Ok)
}

fn write_table(
    baseline: &Network,
    diff: &Diff,
    route_changed: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let changed = diff.changed.network();
    let (before, after) = (diff.baseline.as_ref(), diff.scenario.as_ref());
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
    writeln!(
        out,
        "{}",
        if route_changed {
            "the route changes"
        } else {
            "the route is the same"
        }
    )
}
