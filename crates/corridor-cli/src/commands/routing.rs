//! Converting routing arguments to a library `Profile` and `Query`, once.

use corridor::capacity;
use corridor::model::{MAX_QUANTITY, parse_coord};
use corridor::route::{Blocker, Unserved, diagnose, why_unserved};
use corridor::{CorridorId, Graph, Mode, Network, Objective, PlaceId, Profile, Query};

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
            network.corridor_named(tag).ok_or_else(|| {
                let aliases: Vec<&str> = network
                    .meta()
                    .corridors
                    .iter()
                    .flat_map(|c| c.aliases.iter().map(String::as_str))
                    .collect();
                let mut message = format!(
                    "error: {flag}: unknown corridor {tag:?}; the network has {}",
                    network.corridors().join(", ")
                );
                if !aliases.is_empty() {
                    message.push_str(&format!(" (also known as {})", aliases.join(", ")));
                }
                message.push_str("; `corridor corridors` lists them");
                Failure::usage(message)
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

/// Exit code 4 with the reason: the constraints that cut the pair off, for a corridor
/// restriction where its legs stop, for a volume the legs and places whose capacity is
/// short.
pub(crate) fn no_route(network: &Network, profile: &Profile, query: &Query) -> Failure {
    let message = format!(
        "no route from {} to {}: {}",
        network.describe(query.from),
        network.describe(query.to),
        no_route_reason(network, profile, query)
    );
    Failure::new(Exit::NoRoute, format!("error: {message}"))
}

/// Why `profile` has no route for `query`, in words (never empty).
pub(crate) fn no_route_reason(network: &Network, profile: &Profile, query: &Query) -> String {
    let blockers = diagnose(network, profile, query);
    let mut reasons: Vec<String> = Vec::new();
    for blocker in &blockers {
        let mut reason = blocker.explain().to_owned();
        match blocker {
            Blocker::OnlyCorridors => {
                // Where the corridor's own legs stop; constraints that block it are
                // listed as blockers of their own.
                for &corridor in &profile.only_corridors {
                    let alone = Profile {
                        only_corridors: vec![corridor],
                        ..profile.clone()
                    };
                    let why = why_unserved(network, &alone, query);
                    if matches!(why, Unserved::NoLink { .. }) {
                        reason.push_str(&format!(
                            " ({}: {})",
                            network.corridor_name(corridor),
                            why.explain(network, query)
                        ));
                    }
                }
            }
            Blocker::Capacity => {
                if let Some(volume) = profile.min_capacity_teu_per_year {
                    reason = capacity_reason(network, profile, query, volume);
                }
            }
            _ => {}
        }
        reasons.push(reason);
    }
    if reasons.is_empty() {
        // diagnose() finds a route under the profile: the command's own search (a
        // changed network, a label limit) failed where a plain search succeeds.
        reasons.push("the search found no route that meets the request".to_owned());
    }
    reasons.join("; ")
}

/// `no route carries 100,000 TEU/yr: the best route without the volume limit is held
/// back by Aktau → Port of Baku (ferry), 46,875 TEU/yr`.
fn capacity_reason(network: &Network, profile: &Profile, query: &Query, volume: f64) -> String {
    let unlimited = Profile {
        min_capacity_teu_per_year: None,
        ..profile.clone()
    };
    let mut reason = format!(
        "no route has enough capacity for {} TEU/yr",
        crate::render::grouped(volume)
    );
    if let Some(route) = corridor::route::shortest(&Graph::new(network, &unlimited), query) {
        let short: Vec<String> = capacity::shortfalls(network, &route, volume)
            .iter()
            .map(|b| {
                format!(
                    "{}, {} TEU/yr",
                    crate::render::routes::limit_text(network, b.at),
                    crate::render::grouped(b.capacity_teu_per_year)
                )
            })
            .collect();
        if !short.is_empty() {
            reason.push_str(&format!(
                ": the best route without the volume limit is held back by {}",
                short.join(" and ")
            ));
        }
    }
    reason
}
