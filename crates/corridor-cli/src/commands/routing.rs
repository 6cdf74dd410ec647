//! Converting routing arguments to a library `Profile` and `Query`, once.

use corridor::{Engine, Error, Mode, Objective, Profile, Query, RouteRequest};

use crate::args::{By, RoutingArgs};
use crate::{Exit, Failure};

pub(crate) fn objective(by: By) -> Objective {
    match by {
        By::Distance => Objective::Distance,
        By::Time => Objective::Time,
        By::Cost => Objective::Cost,
        By::Co2 => Objective::Co2,
        By::Generalized => Objective::Generalized,
    }
}

/// The request the arguments describe (places and names as typed; the library resolves
/// them). Unknown modes are usage errors here.
pub(crate) fn request(
    args: &RoutingArgs,
    from: &str,
    to: &str,
    default: By,
) -> Result<RouteRequest, Failure> {
    let mut modes = Vec::new();
    for name in &args.modes {
        modes.push(Mode::parse(name).ok_or_else(|| {
            Failure::usage(format!(
                "error: --modes: unknown mode {name:?}; expected rail, road, sea or ferry"
            ))
        })?);
    }
    Ok(RouteRequest {
        from: from.to_owned(),
        to: to.to_owned(),
        by: Some(objective(args.by.unwrap_or(default))),
        via: args.via.clone(),
        avoid_countries: args.avoid_country.clone(),
        avoid: args.avoid.clone(),
        modes,
        corridors: args.corridor.clone(),
        avoid_corridors: args.avoid_corridor.clone(),
        include_planned: args.include_planned,
        booked: args.booked,
        volume_teu_per_year: args.volume,
        value_of_time_usd_per_teu_h: args.value_of_time,
    })
}

/// Exit code 4 with the reason: the constraints that cut the pair off, for a corridor
/// restriction where its legs stop, for a volume the legs and places whose capacity is
/// short.
pub(crate) fn no_route(engine: &Engine, profile: &Profile, query: &Query) -> Failure {
    failure(engine.no_route(profile, query))
}

/// A library error as the CLI reports it: bad request values and places are usage
/// errors named by their flag, no route exits 4, refused data 3.
pub(crate) fn failure(error: Error) -> Failure {
    failure_named(error, flag)
}

/// [`failure`] with the CLI's own name for each request field.
pub(crate) fn failure_named(error: Error, name: impl Fn(&str) -> String) -> Failure {
    match &error {
        Error::Place { field, source } => {
            Failure::usage(format!("error: {}: {source}", name(field)))
        }
        Error::Invalid { field, message } => {
            Failure::usage(format!("error: {}: {message}", name(field)))
        }
        Error::NoRoute { .. } => Failure::new(Exit::NoRoute, format!("error: {error}")),
        Error::Data(_) | Error::Build(_) => Failure::new(Exit::Data, format!("error: {error}")),
        Error::TooLarge(_) => Failure::new(Exit::Failure, format!("error: {error}")),
    }
}

/// The CLI's name of a request field: `origin`, `--avoid-country`, `-k`.
pub(crate) fn flag(field: &str) -> String {
    match field {
        "from" => "origin".to_owned(),
        "to" => "destination".to_owned(),
        "k" => "-k".to_owned(),
        other => format!("--{}", other.replace('_', "-")),
    }
}
