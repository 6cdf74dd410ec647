//! Requests as plain data: places and names as a user types them, resolved against the
//! network by the engine.

use serde::{Deserialize, Serialize};

use super::Error;
use crate::graph::{Objective, Profile};
use crate::model::{CorridorId, MAX_QUANTITY, Mode, Network, PlaceId, parse_coord};
use crate::route::Query;

/// A routing request: the same for `route`, `compare`, `alternatives` and `pareto`.
///
/// Places are ids, names, aliases or `lat,lon`; countries are ISO codes or names;
/// corridors are tags or aliases (see [`Network::corridor_named`]).
///
/// ```
/// use corridor::{Objective, RouteRequest};
/// let request = RouteRequest::new("Xian", "Duisburg")
///     .by(Objective::Cost)
///     .corridor("Middle Corridor")
///     .avoid_country("RU")
///     .via("Tbilisi");
/// assert_eq!(request.corridors, ["Middle Corridor"]);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RouteRequest {
    /// Origin.
    pub from: String,
    /// Destination.
    pub to: String,
    /// What to minimise; `None` is [`Objective::Time`].
    pub by: Option<Objective>,
    /// Places to pass through, in order (see [`RouteRequest::via`]).
    pub via: Vec<String>,
    /// Countries not to enter.
    pub avoid_countries: Vec<String>,
    /// Places not to pass (a value may list several separated by commas, unless it is one
    /// `lat,lon`).
    pub avoid: Vec<String>,
    /// Modes allowed (all when empty).
    pub modes: Vec<Mode>,
    /// Corridors to run on (see [`Profile::only_corridors`]).
    pub corridors: Vec<String>,
    /// Corridors whose own legs are not used.
    pub avoid_corridors: Vec<String>,
    /// Also use planned and under-construction legs.
    pub include_planned: bool,
    /// Only legs and places with capacity for this volume (TEU per year).
    pub volume_teu_per_year: Option<f64>,
    /// Value of time for the generalized objective, USD per TEU-hour (the network's
    /// default when `None`).
    pub value_of_time_usd_per_teu_h: Option<f64>,
    /// The freight is booked on a departure from the origin: no wait for the first
    /// service is counted there (see [`Profile::booked_departure`]).
    pub booked: bool,
}

impl RouteRequest {
    /// From `from` to `to`, by time, without constraints.
    pub fn new(from: impl Into<String>, to: impl Into<String>) -> RouteRequest {
        RouteRequest {
            from: from.into(),
            to: to.into(),
            ..RouteRequest::default()
        }
    }

    /// Minimise `objective`.
    pub fn by(mut self, objective: Objective) -> RouteRequest {
        self.by = Some(objective);
        self
    }

    /// Pass through `place` (after the via places already given): the route leaves it
    /// towards another place than the one it came from, unless no route can (see
    /// [`crate::route::Route::turns_back_at`]).
    pub fn via(mut self, place: impl Into<String>) -> RouteRequest {
        self.via.push(place.into());
        self
    }

    /// Do not enter `country` (code or name).
    pub fn avoid_country(mut self, country: impl Into<String>) -> RouteRequest {
        self.avoid_countries.push(country.into());
        self
    }

    /// Do not pass `place`.
    pub fn avoid(mut self, place: impl Into<String>) -> RouteRequest {
        self.avoid.push(place.into());
        self
    }

    /// Only these modes.
    pub fn modes(mut self, modes: &[Mode]) -> RouteRequest {
        self.modes = modes.to_vec();
        self
    }

    /// Run on `corridor` (tag or alias); several calls allow any of them.
    pub fn corridor(mut self, corridor: impl Into<String>) -> RouteRequest {
        self.corridors.push(corridor.into());
        self
    }

    /// Do not use the legs that belong only to `corridor`.
    pub fn avoid_corridor(mut self, corridor: impl Into<String>) -> RouteRequest {
        self.avoid_corridors.push(corridor.into());
        self
    }

    /// Also use planned and under-construction legs.
    pub fn include_planned(mut self) -> RouteRequest {
        self.include_planned = true;
        self
    }

    /// Booked on a departure from the origin: no wait there for the first service (a
    /// liner's or block train's own transit time).
    pub fn booked(mut self) -> RouteRequest {
        self.booked = true;
        self
    }

    /// Only legs and places with capacity for `teu_per_year`.
    pub fn volume(mut self, teu_per_year: f64) -> RouteRequest {
        self.volume_teu_per_year = Some(teu_per_year);
        self
    }

    /// Value of time for the generalized objective.
    pub fn value_of_time(mut self, usd_per_teu_h: f64) -> RouteRequest {
        self.value_of_time_usd_per_teu_h = Some(usd_per_teu_h);
        self
    }

    /// The profile the request describes on `network`.
    pub fn profile(&self, network: &Network) -> Result<Profile, Error> {
        constraints(
            network,
            Profile::new(self.by.unwrap_or(Objective::Time)),
            &Constraints {
                avoid_countries: &self.avoid_countries,
                avoid: &self.avoid,
                modes: &self.modes,
                corridors: &self.corridors,
                avoid_corridors: &self.avoid_corridors,
                include_planned: self.include_planned,
                booked: self.booked,
                volume_teu_per_year: self.volume_teu_per_year,
                value_of_time_usd_per_teu_h: self.value_of_time_usd_per_teu_h,
            },
        )
    }

    /// The query the request describes on `network` (route ends never snap to sea
    /// waypoints).
    pub fn query(&self, network: &Network) -> Result<Query, Error> {
        if self.via.len() > MAX_VIA {
            return Err(Error::invalid(
                "via",
                format!(
                    "{} via places given; a route passes at most {MAX_VIA}",
                    self.via.len()
                ),
            ));
        }
        Ok(Query {
            from: end(network, "from", &self.from)?,
            to: end(network, "to", &self.to)?,
            via: self
                .via
                .iter()
                .map(|v| place(network, "via", v))
                .collect::<Result<Vec<PlaceId>, _>>()?,
        })
    }

    /// One sentence for each place of the request (origin, destination, via) given as
    /// the name of a region and resolved to the region's administrative centre
    /// (`origin "Qashqadaryo" is Kashkadarya Region: routed from its centre, karshi
    /// (Karshi)`), in that order; empty when every place was named directly.
    pub fn region_notes(&self, network: &Network) -> Vec<String> {
        let ends = [("origin", &self.from), ("destination", &self.to)];
        let vias = self.via.iter().map(|v| ("via", v));
        ends.into_iter()
            .chain(vias)
            .filter_map(|(role, query)| {
                let (id, region) = network.region_named(query)?;
                let verb = match role {
                    "origin" => "routed from",
                    "destination" => "routed to",
                    _ => "routed through",
                };
                Some(format!(
                    "{role} {:?} is {region}: {verb} its administrative centre, {}",
                    query.trim(),
                    network.describe(id)
                ))
            })
            .collect()
    }
}

/// A matrix request: every origin to every destination.
///
/// ```
/// use corridor::{Engine, MatrixRequest, Objective};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let engine = Engine::builtin();
/// let request = MatrixRequest::new(["Xian", "Almaty"], ["Duisburg", "Istanbul"]).by(Objective::Cost);
/// let matrix = engine.matrix(&request)?;
/// assert_eq!(matrix.pairs.len(), 4);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MatrixRequest {
    /// Origins.
    pub from: Vec<String>,
    /// Destinations.
    pub to: Vec<String>,
    /// The constraints and objective (its `from`, `to` and `via` are not used).
    pub routing: RouteRequest,
    /// Contraction hierarchies: `Some(true)` always, `Some(false)` never, `None` from 300
    /// origins on (16 when a snapshot stores one for the profile).
    pub ch: Option<bool>,
}

/// From this many origins on, matrices use contraction hierarchies unless told: one-to-all
/// costs about 150 ns per state and origin, preprocessing about 40 µs per state
/// (BENCHMARKS.md), so it pays off from roughly 270 origins.
pub const CH_FROM_ORIGINS: usize = 300;

/// The most via places a request may name.
pub const MAX_VIA: usize = 32;

impl MatrixRequest {
    /// From each of `from` to each of `to`, by time.
    pub fn new<F, T>(from: F, to: T) -> MatrixRequest
    where
        F: IntoIterator,
        F::Item: Into<String>,
        T: IntoIterator,
        T::Item: Into<String>,
    {
        MatrixRequest {
            from: from.into_iter().map(Into::into).collect(),
            to: to.into_iter().map(Into::into).collect(),
            ..MatrixRequest::default()
        }
    }

    /// Minimise `objective`.
    pub fn by(mut self, objective: Objective) -> MatrixRequest {
        self.routing.by = Some(objective);
        self
    }

    /// Whether to use contraction hierarchies for `origins` origins.
    pub fn use_ch(&self, origins: usize) -> bool {
        self.ch.unwrap_or(origins >= CH_FROM_ORIGINS)
    }

    /// The profile, origins and destinations on `network`.
    pub fn resolve(
        &self,
        network: &Network,
    ) -> Result<(Profile, Vec<PlaceId>, Vec<PlaceId>), Error> {
        if !self.routing.via.is_empty() {
            return Err(Error::invalid("via", "a matrix does not take via places"));
        }
        let places = |field: &'static str, list: &[String]| -> Result<Vec<PlaceId>, Error> {
            let list: Vec<&str> = list
                .iter()
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .collect();
            if list.is_empty() {
                return Err(Error::invalid(field, "no places given"));
            }
            list.iter().map(|q| place(network, field, q)).collect()
        };
        Ok((
            self.routing.profile(network)?,
            places("from", &self.from)?,
            places("to", &self.to)?,
        ))
    }
}

/// One demand row: places as typed and a volume.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DemandRow {
    /// Origin.
    pub from: String,
    /// Destination.
    pub to: String,
    /// TEU per year.
    pub volume_teu_per_year: f64,
}

/// A flow request: demand rows over the capacity-limited network.
///
/// ```
/// use corridor::{DemandRow, Engine, FlowRequest};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let engine = Engine::builtin();
/// let request = FlowRequest {
///     demands: vec![DemandRow { from: "Xian".into(), to: "Duisburg".into(), volume_teu_per_year: 1000.0 }],
///     ..FlowRequest::default()
/// };
/// let flow = engine.flow(&request)?;
/// assert_eq!(flow.delivered_teu_per_year, 1000.0);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FlowRequest {
    /// The demand rows, allocated together.
    pub demands: Vec<DemandRow>,
    /// Objective (cost when `None`) and constraints; its `from`, `to`, `via` and volume
    /// are not used.
    pub routing: RouteRequest,
}

impl FlowRequest {
    /// The demand rows resolved on `network` (field `demands`, errors naming the row).
    pub(crate) fn demands(
        &self,
        network: &Network,
    ) -> Result<Vec<crate::model::Demand>, Error> {
        if !self.routing.via.is_empty() || self.routing.volume_teu_per_year.is_some() {
            return Err(Error::invalid(
                "routing",
                "a flow takes no via places and no volume (the demand rows give the volumes)",
            ));
        }
        self.demands
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let place = |query: &str| {
                    network.resolve_end(query).map_err(|source| Error::Invalid {
                        field: "demands",
                        message: format!("row {}: {source}", i + 1),
                    })
                };
                if !(0.0..=MAX_QUANTITY).contains(&row.volume_teu_per_year) {
                    return Err(Error::Invalid {
                        field: "demands",
                        message: format!(
                            "row {}: volume {} is not a number from 0 to {MAX_QUANTITY}",
                            i + 1,
                            row.volume_teu_per_year
                        ),
                    });
                }
                Ok(crate::model::Demand {
                    from: place(&row.from)?,
                    to: place(&row.to)?,
                    volume_teu_per_year: row.volume_teu_per_year,
                })
            })
            .collect()
    }
}

/// The constraints shared by every request, borrowed.
struct Constraints<'a> {
    avoid_countries: &'a [String],
    avoid: &'a [String],
    modes: &'a [Mode],
    corridors: &'a [String],
    avoid_corridors: &'a [String],
    include_planned: bool,
    booked: bool,
    volume_teu_per_year: Option<f64>,
    value_of_time_usd_per_teu_h: Option<f64>,
}

fn constraints(
    network: &Network,
    mut profile: Profile,
    c: &Constraints<'_>,
) -> Result<Profile, Error> {
    if let Some(value) = c.value_of_time_usd_per_teu_h {
        if !(0.0..=MAX_QUANTITY).contains(&value) {
            return Err(Error::invalid(
                "value_of_time",
                format!("{value} is not a number from 0 to {MAX_QUANTITY}"),
            ));
        }
        profile.value_of_time_usd_per_teu_h = Some(value);
    }
    for text in c.avoid_countries {
        // A code (RU) or a country name (Russia, Türkiye) of a place of the network.
        let country = network
            .resolve_country(text)
            .map_err(|source| Error::Place {
                field: "avoid_country",
                source,
            })?;
        profile.avoid_countries.push(country);
    }
    for value in c.avoid {
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
            profile.avoid_places.push(place(network, "avoid", query)?);
        }
    }
    if !c.modes.is_empty() {
        profile.avoid_modes = Mode::ALL
            .into_iter()
            .filter(|m| !c.modes.contains(m))
            .collect();
    }
    profile.only_corridors = corridors(network, "corridor", c.corridors)?;
    profile.avoid_corridors = corridors(network, "avoid_corridor", c.avoid_corridors)?;
    if c.include_planned {
        profile = profile.include_planned();
    }
    profile.booked_departure = c.booked;
    if let Some(volume) = c.volume_teu_per_year {
        if !(0.0..=MAX_QUANTITY).contains(&volume) {
            return Err(Error::invalid(
                "volume",
                format!("{volume} is not a number from 0 to {MAX_QUANTITY}"),
            ));
        }
        profile.min_capacity_teu_per_year = Some(volume);
    }
    Ok(profile)
}

fn corridors(
    network: &Network,
    field: &'static str,
    names: &[String],
) -> Result<Vec<CorridorId>, Error> {
    names
        .iter()
        .map(|name| {
            network.corridor_named(name).ok_or_else(|| {
                let aliases: Vec<&str> = network
                    .meta()
                    .corridors
                    .iter()
                    .flat_map(|c| c.aliases.iter().map(String::as_str))
                    .collect();
                let mut message = format!(
                    "unknown corridor {name:?}; the network has {}",
                    network.corridors().join(", ")
                );
                if !aliases.is_empty() {
                    message.push_str(&format!(" (also known as {})", aliases.join(", ")));
                }
                message.push_str("; `corridor corridors` lists them");
                Error::invalid(field, message)
            })
        })
        .collect()
}

/// A place of the request.
pub(crate) fn place(network: &Network, field: &'static str, query: &str) -> Result<PlaceId, Error> {
    network
        .resolve(query)
        .map_err(|source| Error::Place { field, source })
}

/// A route end (coordinates do not snap to sea waypoints).
fn end(network: &Network, field: &'static str, query: &str) -> Result<PlaceId, Error> {
    network
        .resolve_end(query)
        .map_err(|source| Error::Place { field, source })
}

/// The places of a sweep over pairs on `network`: those named (ids, names, aliases or
/// `lat,lon`; duplicates once), or every hub (city, port, dry port) when none is named;
/// at least two (field `places`).
pub fn sweep_places(network: &Network, names: &[String]) -> Result<Vec<PlaceId>, Error> {
    let names: Vec<&str> = names
        .iter()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
        .collect();
    let mut places = Vec::new();
    if names.is_empty() {
        places = (0..network.places().len() as u32)
            .map(PlaceId)
            .filter(|&p| network.place(p).kind.is_hub())
            .collect();
    }
    for name in names {
        let id = end(network, "places", name)?;
        if !places.contains(&id) {
            places.push(id);
        }
    }
    if places.len() < 2 {
        return Err(Error::invalid(
            "places",
            format!(
                "{} place(s); a sweep over pairs needs at least 2",
                places.len()
            ),
        ));
    }
    Ok(places)
}
