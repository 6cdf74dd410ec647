//! `corridor calibrate`: the network against observed trips, and fitted scale factors.

use std::io::Write;

use corridor::{Calibration, Grouping, Trip, TripCheck, TripKind, Verdict};

use super::routing::failure;
use super::{Global, engine};
use crate::args::{CalibrateArgs, GroupBy, ReportFormat};
use crate::render::{self, Table, grouped, number};
use crate::{Exit, Failure};

pub(crate) fn run(
    global: &Global,
    args: &CalibrateArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Exit, Failure> {
    let bytes = std::fs::read(&args.trips).map_err(|e| {
        Failure::usage(format!(
            "error: --trips: cannot read {}: {e}",
            args.trips.display()
        ))
    })?;
    let name = args.trips.display().to_string();
    let trips = Trip::read_csv(&name, &bytes)
        .map_err(|e| Failure::new(Exit::Data, format!("error: {}", e.report("trips file"))))?;
    if trips.is_empty() {
        return Err(Failure::new(
            Exit::Data,
            format!("error: {name}: no trips (only a header)"),
        ));
    }
    let grouping = match args.by_group {
        GroupBy::Mode => Grouping::Mode,
        GroupBy::Corridor => Grouping::Corridor,
        GroupBy::Country => Grouping::Country,
    };
    let engine = engine(global)?;
    let calibration = engine.calibrate(&trips, grouping).map_err(failure)?;
    if let Some(path) = &args.output {
        let toml = calibration.scenario_toml(&name);
        super::export::write_file(path, args.force, |file| file.write_all(toml.as_bytes()))?;
        writeln!(err, "wrote {}", path.display())?;
    }
    if let Some(path) = &args.plot {
        let svg = calibration.plot_svg(&trips);
        super::export::write_file(path, args.force, |file| file.write_all(svg.as_bytes()))?;
        writeln!(err, "wrote {}", path.display())?;
    }
    match args.format {
        ReportFormat::Json => render::json(out, &calibration.view(&trips))?,
        ReportFormat::Table => write_table(&trips, &calibration, out)?,
    }
    Ok(Exit::Ok)
}

fn range((low, high): (f64, f64), decimals: usize, grouped_: bool) -> String {
    let show = |v: f64| {
        if grouped_ {
            grouped(v)
        } else {
            number(v, decimals)
        }
    };
    if low == high {
        show(low)
    } else {
        format!("{}–{}", show(low), show(high))
    }
}

fn write_table(trips: &[Trip], c: &Calibration, out: &mut dyn Write) -> std::io::Result<()> {
    let mut table = Table::new(&[
        "line>",
        "trip",
        "corridor / constraints",
        "kind",
        "days seen>",
        "engine>",
        "ratio>",
        "USD/TEU seen>",
        "engine>",
        "ratio>",
        "verdict",
        "after fit",
    ]);
    for (trip, (before, after)) in trips.iter().zip(c.before.iter().zip(&c.after)) {
        let what = [trip.corridor.as_str(), trip.constraints.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let opt = |v: Option<f64>, f: &dyn Fn(f64) -> String| v.map_or(String::new(), f);
        table.row(vec![
            trip.line.to_string(),
            trip.label(),
            what,
            trip.kind.as_str().to_owned(),
            trip.days.map_or(String::new(), |d| range(d, 1, false)),
            opt(trip.days.and(before.days), &|d| number(d, 1)),
            opt(before.days_ratio, &|r| number(r, 2)),
            trip.usd_per_teu
                .map_or(String::new(), |u| range(u, 0, true)),
            opt(trip.usd_per_teu.and(before.usd_per_teu), &|u| grouped(u)),
            opt(before.usd_ratio, &|r| number(r, 2)),
            before.verdict.as_str().to_owned(),
            after.verdict.as_str().to_owned(),
        ]);
    }
    table.write(out)?;
    let inside = |checks: &[TripCheck]| {
        trips
            .iter()
            .zip(checks)
            .filter(|(t, c)| {
                (t.kind.is_band() || t.kind == TripKind::Record) && c.verdict == Verdict::Inside
            })
            .count()
    };
    let required = trips
        .iter()
        .filter(|t| t.kind.is_band() || t.kind == TripKind::Record)
        .count();
    writeln!(
        out,
        "\n{} trips; typical, scheduled and record trips inside their band: {} of {required} before fitting, {} after",
        trips.len(),
        inside(&c.before),
        inside(&c.after)
    )?;
    writeln!(
        out,
        "RMS log error of {} fitted figures (typical, schedule, quote): {:.3} before, {:.3} after (×{:.2} → ×{:.2} typical miss)",
        c.figures,
        c.error_before,
        c.error_after,
        c.error_before.exp(),
        c.error_after.exp()
    )?;
    if c.factors.is_empty() {
        return writeln!(
            out,
            "no factor improves the fit; the network is left as it is"
        );
    }
    writeln!(out, "\nfitted factors per {}:", c.grouping.as_str())?;
    let mut table = Table::new(&[c.grouping.as_str(), "time ×>", "price ×>", "trips>"]);
    for f in &c.factors {
        table.row(vec![
            f.group.clone(),
            number(f.time, 3),
            number(f.cost, 3),
            f.trips.to_string(),
        ]);
    }
    table.write(out)
}
