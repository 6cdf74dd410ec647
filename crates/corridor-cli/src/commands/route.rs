//! `corridor route`, `compare`, `alternatives` and `pareto`.

use std::io::Write;

use corridor::graph::Criterion;
use corridor::route::{self, CorridorRoute};
use corridor::{Graph, Route};

use super::routing::{no_route, profile, query};
use super::{Global, network};
use crate::args::{AlternativesArgs, ParetoArgs, RouteArgs, RouteFormat};
use crate::render::{self, routes};
use crate::{Exit, Failure};

pub(crate) fn run_route(
    global: &Global,
    args: &RouteArgs,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    let network = network(global)?;
    let profile = profile(&network, &args.routing)?;
    let query = query(&network, &args.from, &args.to, &args.routing.via)?;
    let graph = Graph::new(&network, &profile);
    let route =
        route::shortest(&graph, &query).ok_or_else(|| no_route(&network, &profile, &query))?;
    match args.format {
        RouteFormat::Json => render::json(out, &routes::route_json(&network, &route))?,
        RouteFormat::Geojson => render::json(out, &routes::geojson(&network, &[(None, &route)]))?,
        RouteFormat::Table => routes::write_route(&network, &route, out)?,
    }
    Ok(Exit::Ok)
}

pub(crate) fn run_compare(
    global: &Global,
    args: &RouteArgs,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    let network = network(global)?;
    let profile = profile(&network, &args.routing)?;
    let query = query(&network, &args.from, &args.to, &args.routing.via)?;
    let found: Vec<CorridorRoute> =
        super::parallel(global, || route::compare(&network, &profile, &query))?;
    if found.is_empty() {
        return Err(no_route(&network, &profile, &query));
    }
    match args.format {
        RouteFormat::Json => render::json(out, &routes::compare_json(&network, &found))?,
        RouteFormat::Geojson => {
            let labelled: Vec<(Option<String>, &Route)> = found
                .iter()
                .map(|c| (Some(network.corridor_name(c.corridor).to_owned()), &c.route))
                .collect();
            let refs: Vec<(Option<&str>, &Route)> =
                labelled.iter().map(|(l, r)| (l.as_deref(), *r)).collect();
            render::json(out, &routes::geojson(&network, &refs))?;
        }
        RouteFormat::Table => routes::write_compare(&network, &found, out)?,
    }
    Ok(Exit::Ok)
}

pub(crate) fn run_alternatives(
    global: &Global,
    args: &AlternativesArgs,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    if args.k == 0 {
        return Err(Failure::usage("error: -k must be at least 1"));
    }
    let args_route = &args.route;
    let network = network(global)?;
    let profile = profile(&network, &args_route.routing)?;
    let query = query(
        &network,
        &args_route.from,
        &args_route.to,
        &args_route.routing.via,
    )?;
    let graph = Graph::new(&network, &profile);
    let found = route::alternatives(&graph, &query, args.k);
    if found.is_empty() {
        return Err(no_route(&network, &profile, &query));
    }
    write_routes(&network, &found, args_route.format, out)
}

pub(crate) fn run_pareto(
    global: &Global,
    args: &ParetoArgs,
    out: &mut dyn Write,
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
    let network = network(global)?;
    let profile = profile(&network, &args_route.routing)?;
    let query = query(
        &network,
        &args_route.from,
        &args_route.to,
        &args_route.routing.via,
    )?;
    let graph = Graph::new(&network, &profile);
    let found = route::pareto(&graph, &query, &criteria).map_err(|e| match e {
        route::ParetoError::BadCriteria => Failure::usage(format!("error: --criteria: {e}")),
        route::ParetoError::TooManyLabels => Failure::new(Exit::Failure, format!("error: {e}")),
    })?;
    if found.is_empty() {
        return Err(no_route(&network, &profile, &query));
    }
    write_routes(&network, &found, args_route.format, out)
}

fn write_routes(
    network: &corridor::Network,
    found: &[Route],
    format: RouteFormat,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    match format {
        RouteFormat::Json => render::json(out, &routes::routes_json(network, found))?,
        RouteFormat::Geojson => {
            let refs: Vec<(Option<&str>, &Route)> = found.iter().map(|r| (None, r)).collect();
            render::json(out, &routes::geojson(network, &refs))?;
        }
        RouteFormat::Table => routes::write_summary(network, found, out)?,
    }
    Ok(Exit::Ok)
}
