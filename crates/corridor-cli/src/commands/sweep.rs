//! `corridor sweep`: door-to-door time and cost over random draws of the scenarios'
//! uncertain quantities.

use std::io::Write;

use corridor::engine::{MatrixSweepView, SweepView, sweep_places};
use corridor::scenario::{self, Applied, MATRIX_PERCENTILE_ACCURACY, Stats, Sweep};
use corridor::{Network, PlaceId, Profile};
use indicatif::{ProgressBar, ProgressStyle};

use super::routing::{failure_named, no_route, profile, query};
use super::{Global, scenario_network};
use crate::args::{ReportFormat, SweepArgs};
use crate::render::{self, Table, number, routes};
use crate::{Exit, Failure};

pub(crate) fn run(
    global: &Global,
    args: &SweepArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Exit, Failure> {
    if args.samples == 0 {
        return Err(Failure::usage("error: --samples must be at least 1"));
    }
    let applied = scenario_network(global)?;
    let network = &applied.network;
    let profile = profile(network, &args.routing)?;
    if applied.uncertain.is_empty() {
        writeln!(
            err,
            "note: no [[uncertain]] entries in the --scenario files; every draw is the same"
        )?;
    }
    // A progress bar for long runs on a terminal; hidden on a pipe (indicatif checks).
    let bar = if args.samples >= 500 {
        ProgressBar::new(args.samples as u64)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} draws {elapsed}/{duration}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let (Some(from), Some(to)) = (&args.from, &args.to) else {
        return run_pairs(global, args, &applied, &profile, &bar, out);
    };
    let query = query(network, from, to, &args.routing.via)?;
    let result = super::parallel(global, || {
        scenario::sweep(
            network,
            &applied.uncertain,
            &profile,
            &query,
            args.samples,
            args.seed,
            &|| bar.inc(1),
        )
    })?;
    bar.finish_and_clear();
    if result.reached == 0 {
        return Err(no_route(network, &profile, &query));
    }
    match args.format {
        ReportFormat::Json => render::json(out, &SweepView::new(network, &result))?,
        ReportFormat::Table => write_table(network, &result, out)?,
    }
    Ok(Exit::Ok)
}

/// `--hubs` / `--places`: every ordered pair, one matrix per draw.
fn run_pairs(
    global: &Global,
    args: &SweepArgs,
    applied: &Applied,
    profile: &Profile,
    bar: &ProgressBar,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    let network = &applied.network;
    if !args.routing.via.is_empty() {
        return Err(Failure::usage(
            "error: --via is not used with --hubs or --places",
        ));
    }
    let names: &[String] = if args.hubs { &[] } else { &args.places };
    let places = sweep_places(network, names).map_err(|e| {
        failure_named(e, |_| {
            if args.hubs { "--hubs" } else { "--places" }.to_owned()
        })
    })?;
    let result = super::parallel(global, || {
        scenario::sweep_matrix(
            network,
            &applied.uncertain,
            profile,
            &places,
            args.samples,
            args.seed,
            &|| bar.inc(1),
        )
    })?;
    bar.finish_and_clear();
    let id = |p: PlaceId| &*network.place(p).id;
    match args.format {
        ReportFormat::Json => {
            render::json(out, &MatrixSweepView::new(network, places.len(), &result))?
        }
        ReportFormat::Table => {
            writeln!(
                out,
                "{} draws (seed {}), {} places, {} ordered pairs; percentiles within {}%",
                result.samples,
                result.seed,
                places.len(),
                result.pairs.len(),
                number(MATRIX_PERCENTILE_ACCURACY * 100.0, 2)
            )?;
            let mut table =
                Table::new(&[&["from", "to", "reached>"][..], &SPREAD_COLUMNS].concat());
            for p in &result.pairs {
                let mut row = vec![
                    id(p.from).to_owned(),
                    id(p.to).to_owned(),
                    format!(
                        "{}%",
                        number(p.reached as f64 / result.samples as f64 * 100.0, 1)
                    ),
                ];
                row.extend(spread_cells(p.time_h, p.cost_usd));
                table.row(row);
            }
            table.write(out)?;
        }
    }
    Ok(Exit::Ok)
}

/// The spread columns of both sweep tables: door-to-door days (mean, p50, p90, p95) and
/// USD per TEU (mean, p90).
const SPREAD_COLUMNS: [&str; 6] = [
    "mean d>",
    "p50 d>",
    "p90 d>",
    "p95 d>",
    "mean USD>",
    "p90 USD>",
];

/// The cells under [`SPREAD_COLUMNS`]; `-` where no draw had a route.
fn spread_cells(time_h: Option<Stats>, cost_usd: Option<Stats>) -> [String; 6] {
    let days = |f: fn(&Stats) -> f64| time_h.map_or("-".to_owned(), |t| number(f(&t) / 24.0, 1));
    let usd = |f: fn(&Stats) -> f64| cost_usd.map_or("-".to_owned(), |c| number(f(&c), 0));
    [
        days(|s| s.mean),
        days(|s| s.p50),
        days(|s| s.p90),
        days(|s| s.p95),
        usd(|s| s.mean),
        usd(|s| s.p90),
    ]
}

fn write_table(network: &Network, sweep: &Sweep, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "{} draws (seed {}), {} with a route",
        sweep.samples, sweep.seed, sweep.reached
    )?;
    let mut table = Table::new(&[&["", "share>"][..], &SPREAD_COLUMNS, &["via"]].concat());
    let row = |label: String, share: f64, t: Stats, c: Stats, via: String| {
        let mut cells = vec![label, format!("{}%", number(share * 100.0, 1))];
        cells.extend(spread_cells(Some(t), Some(c)));
        cells.push(via);
        cells
    };
    if let (Some(t), Some(c)) = (sweep.time_h, sweep.cost_usd) {
        table.row(row(
            "all draws".to_owned(),
            sweep.reached as f64 / sweep.samples as f64,
            t,
            c,
            String::new(),
        ));
    }
    for (i, r) in sweep.routes.iter().enumerate() {
        let corridor = r
            .route
            .corridors
            .first()
            .map_or(String::new(), |&c| network.corridor_name(c).to_owned());
        let via = routes::key_places(network, &r.route);
        table.row(row(
            format!("route {} {corridor}", i + 1),
            r.share,
            r.time_h,
            r.cost_usd,
            via,
        ));
    }
    table.write(out)
}
