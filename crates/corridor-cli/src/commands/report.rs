//! `corridor report`: a self-contained HTML comparison of the corridors between two
//! places.

use std::io::Write;
use std::path::PathBuf;

use corridor::route::{self, CorridorRoute};
use corridor::scenario;

use super::routing::{no_route, profile, query};
use super::{Global, scenario_network};
use crate::args::ReportArgs;
use crate::{Exit, Failure};
use corridor::map::report::{self, Report, Spread};

pub(crate) fn run(
    global: &Global,
    args: &ReportArgs,
    err: &mut dyn Write,
) -> Result<Exit, Failure> {
    if args.samples == 0 {
        return Err(Failure::usage("error: --samples must be at least 1"));
    }
    let applied = scenario_network(global)?;
    let network = &applied.network;
    let profile = profile(network, &args.routing)?;
    let query = query(network, &args.from, &args.to, &args.routing.via)?;
    let comparison = super::parallel(global, || route::compare(network, &profile, &query))?;
    if comparison.best.is_none() {
        return Err(no_route(network, &profile, &query));
    }
    let corridors: &[CorridorRoute] = &comparison.corridors;
    let overall = comparison
        .best
        .as_ref()
        .filter(|_| profile.only_corridors.is_empty());
    let unserved = comparison
        .unserved
        .iter()
        .map(|u| {
            (
                network.corridor_name(u.corridor).to_owned(),
                u.reason.explain(network, &query),
            )
        })
        .collect();

    // Reliability: a sweep per corridor when the scenarios declare uncertainty.
    let (spreads, spread_note) = if applied.uncertain.is_empty() {
        (
            Vec::new(),
            Some(
                "No uncertain quantities: add a scenario with [[uncertain]] entries (e.g. --scenario data/scenarios/uncertainty.toml) to see the spread of door-to-door days per corridor."
                    .to_owned(),
            ),
        )
    } else {
        let tags: Vec<_> = corridors.iter().map(|c| c.corridor).collect();
        let sweeps = super::parallel(global, || {
            scenario::corridor_sweeps(
                network,
                &applied.uncertain,
                &profile,
                &query,
                &tags,
                args.samples,
                args.seed,
            )
        })?;
        let spreads = tags
            .iter()
            .zip(sweeps)
            .map(|(&tag, sweep)| Spread {
                corridor: network.corridor_name(tag).to_owned(),
                hours: sweep.time_h_draws,
                samples: sweep.samples,
            })
            .collect();
        (spreads, None)
    };

    let meta = network.meta();
    let mut context = vec![format!(
        "Network: {}{} · best route per corridor by {} · value of time {} USD per TEU-hour",
        meta.name,
        if meta.version.is_empty() {
            String::new()
        } else {
            format!(" ({})", meta.version)
        },
        profile.objective,
        profile.value_of_time(network)
    )];
    if !global.scenario.is_empty() {
        let names: Vec<String> = global
            .scenario
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        context.push(format!("Scenarios: {}", names.join(", ")));
    }
    if !applied.uncertain.is_empty() {
        context.push(format!(
            "Reliability: {} draws per corridor, seed {}",
            args.samples, args.seed
        ));
    }
    let title = format!(
        "{} → {}: corridor comparison",
        network.place(query.from).name,
        network.place(query.to).name
    );
    let world = corridor::builtin::world()
        .map_err(|e| Failure::new(Exit::Failure, format!("error: country outlines: {e}")))?;
    let html = report::html(
        network,
        &world,
        &Report {
            title,
            context,
            corridors,
            overall,
            unserved,
            spreads,
            spread_note,
        },
    );
    let path = args.output.clone().unwrap_or_else(|| {
        PathBuf::from(format!(
            "corridor-report-{}-{}.html",
            network.place(query.from).id,
            network.place(query.to).id
        ))
    });
    super::export::write_file(&path, args.force, |file| file.write_all(html.as_bytes()))?;
    writeln!(err, "wrote {}", path.display())?;
    Ok(Exit::Ok)
}
