//! `corridor sweep`: door-to-door time and cost over random draws of the scenarios'
//! uncertain quantities.

use std::io::Write;

use corridor::view::{MatrixSweepView, StatsView, SweepView};

use super::routing::{failure, failure_named, request};
use super::{Bar, Global, engine};
use crate::args::{By, ReportFormat, SweepArgs};
use crate::render::{self, Table, number};
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
    let engine = engine(global)?;
    let (from, to) = match (&args.from, &args.to) {
        (Some(from), Some(to)) => (from.as_str(), to.as_str()),
        _ => ("", ""),
    };
    let request = request(&args.routing, from, to, By::Time)?;
    // Unknown countries, modes or corridors before anything else.
    request.profile(engine.network()).map_err(failure)?;
    if engine.uncertain_count() == 0 {
        writeln!(
            err,
            "note: no [[uncertain]] entries in the --scenario files; every draw is the same"
        )?;
    }
    // A progress bar for long runs on a terminal; hidden on a pipe.
    let bar = Bar::new(args.samples >= 500);
    if args.from.is_none() || args.to.is_none() {
        return run_pairs(global, args, &engine, &request, &bar, out);
    }
    let result = super::parallel(global, || {
        engine.sweep_with_progress(&request, args.samples, args.seed, &bar)
    })?
    .map_err(failure)?;
    drop(bar);
    match args.format {
        ReportFormat::Json => render::json(out, &result)?,
        ReportFormat::Table => write_table(&result, out)?,
    }
    Ok(Exit::Ok)
}

/// `--hubs` / `--places`: every ordered pair, one matrix per draw.
fn run_pairs(
    global: &Global,
    args: &SweepArgs,
    engine: &corridor::Engine,
    routing: &corridor::RouteRequest,
    bar: &Bar,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    if !args.routing.via.is_empty() {
        return Err(Failure::usage(
            "error: --via is not used with --hubs or --places",
        ));
    }
    let names: &[String] = if args.hubs { &[] } else { &args.places };
    let named = |e| {
        failure_named(e, |_| {
            if args.hubs { "--hubs" } else { "--places" }.to_owned()
        })
    };
    // The places are checked before the draws begin.
    engine.sweep_pairs_places(names).map_err(named)?;
    let result = super::parallel(global, || {
        engine.sweep_places_with_progress(routing, names, args.samples, args.seed, bar)
    })?
    .map_err(named)?;
    match args.format {
        ReportFormat::Json => render::json(out, &result)?,
        ReportFormat::Table => write_pairs(&result, out)?,
    }
    Ok(Exit::Ok)
}

fn write_pairs(result: &MatrixSweepView, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "{} draws (seed {}), {} places, {} ordered pairs; percentiles within {}%",
        result.samples,
        result.seed,
        result.places,
        result.pairs.len(),
        number(result.percentile_relative_accuracy * 100.0, 2)
    )?;
    let mut table = Table::new(&[&["from", "to", "reached>"][..], &SPREAD_COLUMNS].concat());
    for p in &result.pairs {
        let mut row = vec![
            p.from.clone(),
            p.to.clone(),
            format!(
                "{}%",
                number(p.reached as f64 / result.samples as f64 * 100.0, 1)
            ),
        ];
        row.extend(spread_cells(p.time_h.as_ref(), p.cost_usd.as_ref()));
        table.row(row);
    }
    table.write(out)
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
fn spread_cells(time_h: Option<&StatsView>, cost_usd: Option<&StatsView>) -> [String; 6] {
    let days = |f: fn(&StatsView) -> f64| time_h.map_or("-".to_owned(), |t| number(f(t) / 24.0, 1));
    let usd = |f: fn(&StatsView) -> f64| cost_usd.map_or("-".to_owned(), |c| number(f(c), 0));
    [
        days(|s| s.mean),
        days(|s| s.p50),
        days(|s| s.p90),
        days(|s| s.p95),
        usd(|s| s.mean),
        usd(|s| s.p90),
    ]
}

fn write_table(sweep: &SweepView, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "{} draws (seed {}), {} with a route",
        sweep.samples, sweep.seed, sweep.reached
    )?;
    let mut table = Table::new(&[&["", "share>"][..], &SPREAD_COLUMNS, &["via"]].concat());
    let row = |label: String, share: f64, t: &StatsView, c: &StatsView, via: String| {
        let mut cells = vec![label, format!("{}%", number(share * 100.0, 1))];
        cells.extend(spread_cells(Some(t), Some(c)));
        cells.push(via);
        cells
    };
    if let (Some(t), Some(c)) = (&sweep.time_h, &sweep.cost_usd) {
        table.row(row(
            "all draws".to_owned(),
            sweep.reached as f64 / sweep.samples as f64,
            t,
            c,
            String::new(),
        ));
    }
    for (i, r) in sweep.routes.iter().enumerate() {
        let corridor = r.corridors.first().cloned().unwrap_or_default();
        table.row(row(
            format!("route {} {corridor}", i + 1),
            r.share,
            &r.time_h,
            &r.cost_usd,
            r.via.clone(),
        ));
    }
    table.write(out)
}
