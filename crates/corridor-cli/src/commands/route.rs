//! `corridor route`, `compare`, `alternatives` and `pareto`.

use std::io::Write;

use corridor::engine::{CompareView, RouteView, RoutesView};
use corridor::graph::Criterion;
use corridor::map::{self, MapOptions, MapRoute};
use corridor::{Network, Route, Status};

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
        RouteFormat::Geojson => render::json(out, &routes::geojson(network, &[(None, &route)])),
        RouteFormat::Table => routes::write_route(network, &route, out),
        RouteFormat::Svg => {
            let label = route
                .corridors
                .first()
                .map_or("route".to_owned(), |&c| network.corridor_name(c).to_owned());
            let title = format!("{}, best by {}", pair(network, &route), profile.objective);
            svg(
                out,
                network,
                &[MapRoute {
                    label,
                    route: &route,
                }],
                title,
            )
        }
    })?;
    Ok(Exit::Ok)
}

/// `Xi'an → Duisburg`.
fn pair(network: &Network, route: &Route) -> String {
    format!(
        "{} → {}",
        network.place(route.from).name,
        network.place(route.to).name
    )
}

/// Writes an SVG map of `routes` over the built-in country outlines.
pub(crate) fn svg(
    out: &mut dyn Write,
    network: &Network,
    routes: &[MapRoute<'_>],
    title: String,
) -> std::io::Result<()> {
    let world = corridor::builtin::world().map_err(std::io::Error::other)?;
    let options = MapOptions {
        title,
        width_px: 1000.0,
    };
    out.write_all(map::svg(network, &world, routes, &options).as_bytes())
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
    let Some(best) = &comparison.best else {
        return Err(no_route(network, &profile, &query));
    };
    let best_label = format!(
        "best ({})",
        best.corridors
            .first()
            .map_or("untagged", |&c| network.corridor_name(c))
    );
    let labelled: Vec<MapRoute<'_>> = std::iter::once(MapRoute {
        label: best_label,
        route: best,
    })
    .chain(comparison.corridors.iter().map(|c| MapRoute {
        label: network.corridor_name(c.corridor).to_owned(),
        route: &c.route,
    }))
    .collect();
    output(args, out, |out| match args.format {
        RouteFormat::Json => render::json(out, &CompareView::new(network, &query, &comparison)),
        RouteFormat::Geojson => {
            let refs: Vec<(Option<&str>, &Route)> = labelled
                .iter()
                .map(|m| (Some(m.label.as_str()), m.route))
                .collect();
            render::json(out, &routes::geojson(network, &refs))
        }
        RouteFormat::Table => routes::write_compare(network, &query, &comparison, out),
        RouteFormat::Svg => {
            let title = format!(
                "{}: best route overall and per corridor, by {}",
                pair(network, best),
                profile.objective
            );
            svg(out, network, &labelled, title)
        }
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
    let found = engine
        .alternative_routes(&profile, &query, args.k)
        .map_err(failure)?;
    let title = format!(
        "{}: the {} best routes by {}",
        pair(network, &found[0]),
        found.len(),
        profile.objective
    );
    write_routes(network, &found, args_route, title, out)
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
    let names: Vec<&str> = criteria.iter().map(|c| c.as_str()).collect();
    let title = format!(
        "{}: routes not beaten on {} at once",
        pair(network, &found[0]),
        names.join(", ")
    );
    write_routes(network, &found, args_route, title, out)
}

fn write_routes(
    network: &Network,
    found: &[Route],
    args: &RouteArgs,
    title: String,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    output(args, out, |out| match args.format {
        RouteFormat::Json => render::json(out, &RoutesView::new(network, found)),
        RouteFormat::Geojson => {
            let refs: Vec<(Option<&str>, &Route)> = found.iter().map(|r| (None, r)).collect();
            render::json(out, &routes::geojson(network, &refs))
        }
        RouteFormat::Table => routes::write_summary(network, found, out),
        RouteFormat::Svg => {
            let labelled: Vec<MapRoute<'_>> = found
                .iter()
                .enumerate()
                .map(|(i, route)| MapRoute {
                    label: match route.corridors.first() {
                        Some(&c) => format!("{} {}", i + 1, network.corridor_name(c)),
                        None => format!("{}", i + 1),
                    },
                    route,
                })
                .collect();
            svg(out, network, &labelled, title)
        }
    })?;
    Ok(Exit::Ok)
}
