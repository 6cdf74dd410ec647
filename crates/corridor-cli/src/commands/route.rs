//! `corridor route`, `compare`, `alternatives` and `pareto`.

use std::io::Write;

use corridor::view::{CompareView, RouteView, RoutesView};
use corridor::{Criterion, Figure, Network, Route, Status};

use super::routing::{failure, no_route, request};
use super::{Global, engine};
use crate::args::{AlternativesArgs, By, ParetoArgs, RouteArgs, RouteFormat};
use crate::render::{self, routes};
use crate::{Exit, Failure};

pub(crate) fn run_route(
    global: &Global,
    args: &RouteArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Exit, Failure> {
    let engine = engine(global)?;
    let network = engine.network();
    let request = request(&args.routing, &args.from, &args.to, By::Time)?;
    let (profile, query) = engine.resolve(&request).map_err(failure)?;
    for note in request.region_notes(engine.network()) {
        writeln!(err, "note: {note}")?;
    }
    let route = engine.shortest(&profile, &query).map_err(failure)?;
    let planned = route
        .legs
        .iter()
        .any(|leg| network.leg(leg.leg.leg()).status != Status::Operational);
    if args.routing.include_planned && !planned {
        writeln!(
            err,
            "note: --include-planned: no planned or under-construction leg helps; the route uses operational legs only"
        )?;
    }
    output(args, out, |out| match args.format {
        RouteFormat::Json => render::json(out, &RouteView::new(network, &route)),
        RouteFormat::Table => routes::write_route(network, &route, out),
        RouteFormat::Geojson | RouteFormat::Svg => figure(
            out,
            network,
            &Figure::route(network, &route, profile.objective),
            args.format,
        ),
    })?;
    Ok(Exit::Ok)
}

/// Writes a figure as SVG or GeoJSON.
fn figure(
    out: &mut dyn Write,
    network: &Network,
    figure: &Figure<'_>,
    format: RouteFormat,
) -> std::io::Result<()> {
    match format {
        RouteFormat::Svg => out.write_all(figure.svg(network).as_bytes()),
        _ => render::json(out, &figure.geojson(network)),
    }
}

/// Renders to `--output FILE` (never replacing a file without `--force`) or to `out`.
fn output(
    args: &RouteArgs,
    out: &mut dyn Write,
    render: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Failure> {
    match &args.output {
        None => Ok(render(out)?),
        Some(path) => super::export::write_file(path, args.force, |file| render(file)),
    }
}

pub(crate) fn run_compare(
    global: &Global,
    args: &RouteArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Exit, Failure> {
    let engine = engine(global)?;
    let network = engine.network();
    let request = request(&args.routing, &args.from, &args.to, By::Time)?;
    let (profile, query) = engine.resolve(&request).map_err(failure)?;
    for note in request.region_notes(engine.network()) {
        writeln!(err, "note: {note}")?;
    }
    let comparison =
        super::parallel(global, || engine.comparison(&profile, &query))?.map_err(failure)?;
    let Some(drawn) = Figure::compare(network, &comparison, profile.objective) else {
        return Err(no_route(&engine, &profile, &query));
    };
    output(args, out, |out| match args.format {
        RouteFormat::Json => render::json(out, &CompareView::new(network, &query, &comparison)),
        RouteFormat::Table => routes::write_compare(network, &query, &comparison, out),
        RouteFormat::Geojson | RouteFormat::Svg => figure(out, network, &drawn, args.format),
    })?;
    Ok(Exit::Ok)
}

pub(crate) fn run_alternatives(
    global: &Global,
    args: &AlternativesArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Exit, Failure> {
    let args_route = &args.route;
    let engine = engine(global)?;
    let network = engine.network();
    let request = request(
        &args_route.routing,
        &args_route.from,
        &args_route.to,
        By::Time,
    )?;
    let (profile, query) = engine.resolve(&request).map_err(failure)?;
    for note in request.region_notes(engine.network()) {
        writeln!(err, "note: {note}")?;
    }
    let found = match args.max_shared {
        Some(share) => engine.distinct_alternative_routes(&profile, &query, args.k, share),
        None => engine.alternative_routes(&profile, &query, args.k),
    }
    .map_err(failure)?;
    let drawn = Figure::alternatives(network, &found, profile.objective);
    write_routes(network, &found, args_route, &drawn, out)
}

pub(crate) fn run_pareto(
    global: &Global,
    args: &ParetoArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Exit, Failure> {
    let mut criteria = Vec::new();
    for name in &args.criteria {
        criteria.push(Criterion::parse(name).ok_or_else(|| {
            Failure::usage(format!(
                "error: --criteria: unknown criterion {name:?}; expected 2 to 4 of distance, time, cost, co2"
            ))
        })?);
    }
    let args_route = &args.route;
    let engine = engine(global)?;
    let network = engine.network();
    let request = request(
        &args_route.routing,
        &args_route.from,
        &args_route.to,
        By::Time,
    )?;
    let (profile, query) = engine.resolve(&request).map_err(failure)?;
    for note in request.region_notes(engine.network()) {
        writeln!(err, "note: {note}")?;
    }
    let found = engine
        .pareto_routes(&profile, &query, &criteria)
        .map_err(failure)?;
    let drawn = Figure::pareto(network, &found, &criteria);
    write_routes(network, &found, args_route, &drawn, out)
}

fn write_routes(
    network: &Network,
    found: &[Route],
    args: &RouteArgs,
    drawn: &Figure<'_>,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    output(args, out, |out| match args.format {
        RouteFormat::Json => render::json(out, &RoutesView::new(network, found)),
        RouteFormat::Table => routes::write_summary(network, found, out),
        RouteFormat::Geojson | RouteFormat::Svg => figure(out, network, drawn, args.format),
    })?;
    Ok(Exit::Ok)
}
