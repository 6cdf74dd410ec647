//! Converting routing arguments to a library `Profile` and `Query`, once.

use corridor::model::{MAX_QUANTITY, parse_coord};
use corridor::route::{Blocker, diagnose};
use corridor::{CorridorId, Mode, Network, Objective, PlaceId, Profile, Query};

use super::{end, place};
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

/// The profile the arguments describe; unknown countries, modes, places or corridor tags
/// are usage errors.
pub(crate) fn profile(network: &Network, args: &RoutingArgs) -> Result<Profile, Failure> {
    profile_by(network, args, By::Time)
}

/// [`profile`] with the command's own default objective.
pub(crate) fn profile_by(
    network: &Network,
    args: &RoutingArgs,
    default: By,
) -> Result<Profile, Failure> {
    let mut profile = Profile::new(objective(args.by.unwrap_or(default)));
    if let Some(value) = args.value_of_time {
        if !(0.0..=MAX_QUANTITY).contains(&value) {
            return Err(Failure::usage(format!(
                "error: --value-of-time: {value} is not a number from 0 to {MAX_QUANTITY}"
            )));
        }
        profile.value_of_time_usd_per_teu_h = Some(value);
    }
    for text in &args.avoid_country {
        // A code (RU) or a country name (Russia, Türkiye) of a place of the network.
        let country = network
            .resolve_country(text)
            .map_err(|e| Failure::usage(format!("error: --avoid-country: {e}")))?;
        profile.avoid_countries.push(country);
    }
    for value in &args.avoid {
        // Comma-separated places, unless the value is one `lat,lon` coordinate.
        let queries: Vec<&str> = if parse_coord(value).is_some() {
            vec![value.as_str()]
        } else {
            value
                .split(',')
                .map(str::trim)
                .filter(|q| !q.is_empty())
                .collect()
        };
        for query in queries {
            profile.avoid_places.push(place(network, "--avoid", query)?);
        }
    }
    if !args.modes.is_empty() {
        let mut allowed = Vec::new();
        for name in &args.modes {
            allowed.push(Mode::parse(name).ok_or_else(|| {
                Failure::usage(format!(
                    "error: --modes: unknown mode {name:?}; expected rail, road, sea or ferry"
                ))
            })?);
        }
        profile.avoid_modes = Mode::ALL
            .into_iter()
            .filter(|m| !allowed.contains(m))
            .collect();
    }
    profile.only_corridors = corridors(network, "--corridor", &args.corridor)?;
    profile.avoid_corridors = corridors(network, "--avoid-corridor", &args.avoid_corridor)?;
    if args.include_planned {
        profile = profile.include_planned();
    }
    if let Some(volume) = args.volume {
        if !(0.0..=MAX_QUANTITY).contains(&volume) {
            return Err(Failure::usage(format!(
                "error: --volume: {volume} is not a number from 0 to {MAX_QUANTITY}"
            )));
        }
        profile.min_capacity_teu_per_year = Some(volume);
    }
    Ok(profile)
}

fn corridors(network: &Network, flag: &str, tags: &[String]) -> Result<Vec<CorridorId>, Failure> {
    tags.iter()
        .map(|tag| {
            network.corridor_id(tag.trim()).ok_or_else(|| {
                Failure::usage(format!(
                    "error: {flag}: unknown corridor {tag:?}; the network has {}",
                    network.corridors().join(", ")
                ))
            })
        })
        .collect()
}

/// The query: origin, destination and via places.
pub(crate) fn query(
    network: &Network,
    from: &str,
    to: &str,
    via: &[String],
) -> Result<Query, Failure> {
    Ok(Query {
        from: end(network, "origin", from)?,
        to: end(network, "destination", to)?,
        via: via
            .iter()
            .map(|v| place(network, "--via", v))
            .collect::<Result<Vec<PlaceId>, _>>()?,
    })
}

/// Exit code 4 with the reason, when it can be told.
pub(crate) fn no_route(network: &Network, profile: &Profile, query: &Query) -> Failure {
    let blockers = diagnose(network, profile, query);
    let reasons: Vec<&str> = blockers.iter().map(|b| Blocker::explain(*b)).collect();
    let mut message = format!(
        "no route from {} to {}",
        network.describe(query.from),
        network.describe(query.to)
    );
    if !reasons.is_empty() {
        message.push_str(": ");
        message.push_str(&reasons.join("; "));
    }
    Failure::new(Exit::NoRoute, format!("error: {message}"))
}
