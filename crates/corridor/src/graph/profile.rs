//! What a route should optimise and which parts of the network it may use.

use std::fmt;

use crate::model::{CorridorId, Country, Leg, Mode, Network, Place, PlaceId, Status};

/// How much one unit of a route's tie-break quantity (hours, or USD for routes by time)
/// weighs in the search against one unit of the objective: small enough to leave every
/// reported figure as it is, large enough that tie-breaks differing by more than about
/// a tenth of an hour (or of a dollar) stay apart after the rounding of sums of a few
/// hundred legs. See [`Profile::search_weight`].
pub const TIE_BREAK: f64 = 1e-8;

/// The quantity a route minimises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Objective {
    /// Kilometres travelled.
    Distance,
    /// Door-to-door hours, transfers, border dwell and waits included.
    Time,
    /// USD per TEU, transfers and border fees included.
    Cost,
    /// kg CO2e per TEU.
    Co2,
    /// Generalized cost: USD + value of time × hours (the usual freight-model objective).
    Generalized,
}

impl Objective {
    /// Every objective, in a fixed order.
    pub const ALL: [Objective; 5] = [
        Objective::Distance,
        Objective::Time,
        Objective::Cost,
        Objective::Co2,
        Objective::Generalized,
    ];

    /// The name used on the command line and in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Objective::Distance => "distance",
            Objective::Time => "time",
            Objective::Cost => "cost",
            Objective::Co2 => "co2",
            Objective::Generalized => "generalized",
        }
    }

    /// The objective's value for `metrics` (in its unit), without the tie-break;
    /// `value_of_time` (USD per TEU-hour) counts for [`Objective::Generalized`] only.
    pub fn value(self, metrics: &Metrics, value_of_time: f64) -> f64 {
        match self {
            Objective::Distance => metrics.distance_km,
            Objective::Time => metrics.time_h,
            Objective::Cost => metrics.cost_usd,
            Objective::Co2 => metrics.co2_kg,
            Objective::Generalized => metrics.cost_usd + value_of_time * metrics.time_h,
        }
    }

    /// Parses an objective name.
    pub fn parse(text: &str) -> Option<Objective> {
        Objective::ALL
            .into_iter()
            .find(|o| o.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

impl fmt::Display for Objective {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The four quantities every route reports, per TEU.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Metrics {
    /// Kilometres.
    pub distance_km: f64,
    /// Hours.
    pub time_h: f64,
    /// US dollars.
    pub cost_usd: f64,
    /// Kilograms of CO2 equivalent.
    pub co2_kg: f64,
}

impl Metrics {
    /// All zero.
    pub const ZERO: Metrics = Metrics {
        distance_km: 0.0,
        time_h: 0.0,
        cost_usd: 0.0,
        co2_kg: 0.0,
    };

    /// One quantity by criterion.
    pub fn get(&self, criterion: Criterion) -> f64 {
        match criterion {
            Criterion::Distance => self.distance_km,
            Criterion::Time => self.time_h,
            Criterion::Cost => self.cost_usd,
            Criterion::Co2 => self.co2_kg,
        }
    }
}

/// Component-wise sum.
impl std::ops::Add for Metrics {
    type Output = Metrics;

    fn add(self, other: Metrics) -> Metrics {
        Metrics {
            distance_km: self.distance_km + other.distance_km,
            time_h: self.time_h + other.time_h,
            cost_usd: self.cost_usd + other.cost_usd,
            co2_kg: self.co2_kg + other.co2_kg,
        }
    }
}

/// One of the four additive quantities (for Pareto sets).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Criterion {
    /// `distance_km`.
    Distance,
    /// `time_h`.
    Time,
    /// `cost_usd`.
    Cost,
    /// `co2_kg`.
    Co2,
}

impl Criterion {
    /// The name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Criterion::Distance => "distance",
            Criterion::Time => "time",
            Criterion::Cost => "cost",
            Criterion::Co2 => "co2",
        }
    }

    /// Parses a criterion name.
    pub fn parse(text: &str) -> Option<Criterion> {
        [
            Criterion::Distance,
            Criterion::Time,
            Criterion::Cost,
            Criterion::Co2,
        ]
        .into_iter()
        .find(|c| c.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

/// An objective and the constraints on which places and legs a route may use.
///
/// Plain data with public fields; [`Profile::new`] gives the defaults (operational legs
/// only, nothing avoided).
#[derive(Clone, Debug, PartialEq)]
pub struct Profile {
    /// What to minimise.
    pub objective: Objective,
    /// Value of time in USD per TEU-hour for [`Objective::Generalized`]; `None` uses the
    /// network default.
    pub value_of_time_usd_per_teu_h: Option<f64>,
    /// Places in these countries are not used.
    pub avoid_countries: Vec<Country>,
    /// These places are not used.
    pub avoid_places: Vec<PlaceId>,
    /// Legs of these modes are not used.
    pub avoid_modes: Vec<Mode>,
    /// Legs whose every corridor tag is listed here are not used (feeders stay usable).
    pub avoid_corridors: Vec<CorridorId>,
    /// If not empty: routes run on these corridors. Every leg that crosses a border (or
    /// joins two countries by sea, or touches a place of no country such as a sea
    /// waypoint) must be tagged with one of them or be untagged; legs within one country
    /// may belong to any corridor (the first and last mile, and domestic trunk lines);
    /// and the route must use at least one leg of these corridors.
    pub only_corridors: Vec<CorridorId>,
    /// Leg statuses allowed; by default only [`Status::Operational`]. Listing
    /// [`Status::Closed`] here lets routes use closed legs (not done by the CLI).
    pub statuses: Vec<Status>,
    /// Only legs and places with at least this capacity (TEU per year) are used.
    pub min_capacity_teu_per_year: Option<f64>,
    /// The freight is booked on a departure from the origin: the wait for the first
    /// service there (wait factor × headway) is not charged. Liner and block-train
    /// transit times are quoted this way; door-to-door planning leaves it unset. Border
    /// formalities and every later wait are charged as usual.
    pub booked_departure: bool,
}

impl Profile {
    /// Minimise `objective` over operational legs, avoiding nothing.
    pub fn new(objective: Objective) -> Profile {
        Profile {
            objective,
            value_of_time_usd_per_teu_h: None,
            avoid_countries: Vec::new(),
            avoid_places: Vec::new(),
            avoid_modes: Vec::new(),
            avoid_corridors: Vec::new(),
            only_corridors: Vec::new(),
            statuses: vec![Status::Operational],
            min_capacity_teu_per_year: None,
            booked_departure: false,
        }
    }

    /// Also allow legs under construction and planned legs (closed legs stay out).
    pub fn include_planned(mut self) -> Profile {
        self.statuses = Status::OPEN.to_vec();
        self
    }

    /// The value of time in effect for `network`.
    pub fn value_of_time(&self, network: &Network) -> f64 {
        self.value_of_time_usd_per_teu_h
            .unwrap_or(network.meta().defaults.value_of_time_usd_per_teu_h)
    }

    /// The objective's value for `metrics` (in the objective's unit), without the
    /// tie-break: what a route reports as its objective value.
    pub fn weigh(&self, metrics: &Metrics, value_of_time: f64) -> f64 {
        self.objective.value(metrics, value_of_time)
    }

    /// The quantity that breaks ties between routes equal on the objective: hours for
    /// every objective but time, and USD for time. Among equally cheap (or short, or
    /// green) routes a planner takes the fastest; among equally fast ones the cheapest.
    pub fn tie_break(&self, metrics: &Metrics) -> f64 {
        match self.objective {
            Objective::Time => metrics.cost_usd,
            _ => metrics.time_h,
        }
    }

    /// The weight the searches minimise: [`Profile::weigh`] plus [`TIE_BREAK`] ×
    /// [`Profile::tie_break`]. Routes equal on the objective are ranked by the
    /// tie-break quantity instead of by the order of the network's files. The term is
    /// 10^-8 of the tie-break quantity (2 × 10^-5 for a route of 2,000 hours, or of
    /// USD 2,000 by time), below every figure a route reports.
    pub fn search_weight(&self, metrics: &Metrics, value_of_time: f64) -> f64 {
        self.weigh(metrics, value_of_time) + TIE_BREAK * self.tie_break(metrics)
    }

    /// Whether the profile lets a route pass through `place`.
    pub fn allows_place(&self, id: PlaceId, place: &Place) -> bool {
        !self.avoid_places.contains(&id)
            && place
                .country
                .is_none_or(|country| !self.avoid_countries.contains(&country))
            && match (self.min_capacity_teu_per_year, place.capacity_teu_per_year) {
                (Some(volume), Some(capacity)) => capacity >= volume,
                _ => true,
            }
    }

    /// Whether the profile lets a route use `leg` of `network` (its places are checked
    /// separately).
    pub fn allows_leg(&self, network: &Network, leg: &Leg) -> bool {
        self.statuses.contains(&leg.status)
            && !self.avoid_modes.contains(&leg.mode)
            && (leg.corridors.is_empty()
                || !leg
                    .corridors
                    .iter()
                    .all(|c| self.avoid_corridors.contains(c)))
            && (self.only_corridors.is_empty()
                || leg.corridors.is_empty()
                || leg
                    .corridors
                    .iter()
                    .any(|c| self.only_corridors.contains(c))
                || network.leg_is_domestic(leg))
            && match (self.min_capacity_teu_per_year, leg.capacity_teu_per_year) {
                (Some(volume), Some(capacity)) => capacity >= volume,
                _ => true,
            }
    }
}
