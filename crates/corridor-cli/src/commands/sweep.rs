//! `corridor sweep`: door-to-door time and cost over random draws of the scenarios'
//! uncertain quantities.

use std::io::Write;

use corridor::Network;
use corridor::scenario::{self, Stats, Sweep};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Value, json};

use super::routing::{no_route, profile, query};
use super::{Global, scenario_network};
use crate::args::{ReportFormat, SweepArgs};
use crate::render::{self, Table, number, round, routes};
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
    let query = query(network, &args.from, &args.to, &args.routing.via)?;
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
        ReportFormat::Json => render::json(out, &sweep_json(network, &result))?,
        ReportFormat::Table => write_table(network, &result, out)?,
    }
    Ok(Exit::Ok)
}

fn stats_json(stats: Option<Stats>) -> Value {
    stats.map_or(Value::Null, |s| {
        json!({ "mean": round(s.mean), "p50": round(s.p50), "p90": round(s.p90), "p95": round(s.p95) })
    })
}

fn sweep_json(network: &Network, sweep: &Sweep) -> Value {
    json!({
        "samples": sweep.samples,
        "seed": sweep.seed,
        "reached": sweep.reached,
        "no_route_share": round((sweep.samples - sweep.reached) as f64 / sweep.samples as f64),
        "time_h": stats_json(sweep.time_h),
        "cost_usd": stats_json(sweep.cost_usd),
        "routes": sweep.routes.iter().map(|r| json!({
            "share": round(r.share),
            "draws": r.draws,
            "corridors": r.route.corridors.iter().map(|&c| network.corridor_name(c)).collect::<Vec<_>>(),
            "path": r.route.places().iter().map(|&p| network.place(p).id.as_str()).collect::<Vec<_>>(),
            "time_h": stats_json(Some(r.time_h)),
            "cost_usd": stats_json(Some(r.cost_usd)),
        })).collect::<Vec<_>>(),
    })
}

fn write_table(network: &Network, sweep: &Sweep, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "{} draws (seed {}), {} with a route",
        sweep.samples, sweep.seed, sweep.reached
    )?;
    let mut table = Table::new(&[
        "",
        "share>",
        "mean d>",
        "p50 d>",
        "p90 d>",
        "p95 d>",
        "mean USD>",
        "p90 USD>",
        "via",
    ]);
    let row = |label: String, share: f64, t: Stats, c: Stats, via: String| {
        vec![
            label,
            format!("{}%", number(share * 100.0, 1)),
            number(t.mean / 24.0, 1),
            number(t.p50 / 24.0, 1),
            number(t.p90 / 24.0, 1),
            number(t.p95 / 24.0, 1),
            number(c.mean, 0),
            number(c.p90, 0),
            via,
        ]
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
