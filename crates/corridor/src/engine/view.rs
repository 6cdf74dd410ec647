//! The JSON contract: what `corridor ... --format json` prints, the HTTP server answers
//! and the Python package returns, as plain serialisable types built from results.
//!
//! Every type here is `Serialize` and `Deserialize`; fields are in the order they are
//! printed. Quantities are rounded to 4 decimals ([`round`]) and carry their unit in
//! their name; places are named by id.

use serde::{Deserialize, Serialize};

use crate::capacity::{self, Limit};
use crate::graph::{Transfer, TransferKind};
use crate::model::{Network, PlaceId};
use crate::route::{Comparison, Query, Route};

/// Rounds a quantity for output (4 decimals: 0.1 m, 0.4 s, 0.01 cent, 0.1 g); `-0`
/// becomes `0`.
pub fn round(value: f64) -> f64 {
    let rounded = (value * 1e4).round() / 1e4;
    if rounded == 0.0 { 0.0 } else { rounded }
}

/// A number with at most `decimals` decimals, trailing zeros dropped (`-0` as `0`).
pub fn number(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    };
    if text == "-0" { "0".to_owned() } else { text }
}

fn id(network: &Network, place: PlaceId) -> String {
    network.place(place).id.to_string()
}

/// Door-to-door totals of a route.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    /// Kilometres.
    pub distance_km: f64,
    /// Hours, transfers, border dwell and waits included.
    pub time_h: f64,
    /// The same in days.
    pub time_days: f64,
    /// USD per TEU.
    pub cost_usd: f64,
    /// kg CO2e per TEU.
    pub co2_kg: f64,
}

/// One leg of a route, in the direction travelled.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LegView {
    /// Start place id.
    pub from: String,
    /// End place id.
    pub to: String,
    /// `rail`, `road`, `sea` or `ferry`.
    pub mode: String,
    /// The leg's corridor tags.
    pub corridors: Vec<String>,
    /// Kilometres.
    pub distance_km: f64,
    /// Hours.
    pub time_h: f64,
    /// USD per TEU.
    pub cost_usd: f64,
    /// kg CO2e per TEU.
    pub co2_kg: f64,
    /// `operational`, `under-construction`, `planned` or `closed`.
    pub status: String,
    /// Track gauge in mm (rail legs that state one).
    pub gauge_mm: Option<u16>,
    /// Capacity in TEU per year, where stated.
    pub capacity_teu_per_year: Option<f64>,
    /// Where the leg's figures come from.
    pub source: Option<String>,
}

/// A transfer, border formality or wait on a route.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TransferView {
    /// Where it happens (place id).
    pub place: String,
    /// `mode-change`, `transshipment`, `gauge-change`, `wait`, `border-exit` or
    /// `border-entry`.
    pub kind: String,
    /// What happens, for people (`rail to sea`, `leave KZ`).
    pub detail: String,
    /// Hours.
    pub time_h: f64,
    /// USD per TEU.
    pub cost_usd: f64,
    /// How many legs were completed when it happens (0 = at the origin).
    pub after_legs: usize,
}

/// The leg or place with the least stated capacity on a route.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum BottleneckView {
    /// A leg.
    Leg {
        /// Start place id (in the direction travelled).
        from: String,
        /// End place id.
        to: String,
        /// Its mode.
        mode: String,
        /// Its capacity in TEU per year.
        capacity_teu_per_year: f64,
    },
    /// A place.
    Place {
        /// The place id.
        place: String,
        /// Its capacity in TEU per year.
        capacity_teu_per_year: f64,
    },
}

/// One route: `corridor route --format json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RouteView {
    /// Origin place id.
    pub from: String,
    /// Destination place id.
    pub to: String,
    /// Via place ids, in order.
    pub via: Vec<String>,
    /// What was minimised.
    pub objective: String,
    /// The minimised quantity, in the objective's unit.
    pub objective_value: f64,
    /// The value of time used, USD per TEU-hour.
    pub value_of_time_usd_per_teu_h: f64,
    /// Door-to-door totals (legs + transfers).
    pub totals: Totals,
    /// The legs in order.
    pub legs: Vec<LegView>,
    /// Transfers, border formalities and waits in order.
    pub transfers: Vec<TransferView>,
    /// Mode changes, transshipments and gauge changes.
    pub handlings: usize,
    /// Borders crossed.
    pub border_crossings: usize,
    /// The least stated capacity; `null` when nothing on the route states one.
    pub bottleneck: Option<BottleneckView>,
    /// Countries passed (ISO 3166-1 alpha-2), in order.
    pub countries: Vec<String>,
    /// Corridor tags, most kilometres first.
    pub corridors: Vec<String>,
    /// Kilometres per corridor tag, each leg counted once (see [`Route::corridor_km`]).
    pub corridor_km: serde_json::Map<String, serde_json::Value>,
    /// Kilometres on untagged legs.
    pub untagged_km: f64,
}

impl RouteView {
    /// The contract view of `route` on `network`.
    pub fn new(network: &Network, route: &Route) -> RouteView {
        RouteView {
            from: id(network, route.from),
            to: id(network, route.to),
            via: route.via.iter().map(|&v| id(network, v)).collect(),
            objective: route.objective.as_str().to_owned(),
            objective_value: round(route.weight),
            value_of_time_usd_per_teu_h: route.value_of_time_usd_per_teu_h,
            totals: Totals {
                distance_km: round(route.totals.distance_km),
                time_h: round(route.totals.time_h),
                time_days: round(route.totals.time_h / 24.0),
                cost_usd: round(route.totals.cost_usd),
                co2_kg: round(route.totals.co2_kg),
            },
            legs: route
                .legs
                .iter()
                .map(|leg| {
                    let data = network.leg(leg.leg.leg());
                    LegView {
                        from: id(network, leg.from),
                        to: id(network, leg.to),
                        mode: data.mode.as_str().to_owned(),
                        corridors: data
                            .corridors
                            .iter()
                            .map(|&c| network.corridor_name(c).to_owned())
                            .collect(),
                        distance_km: round(leg.metrics.distance_km),
                        time_h: round(leg.metrics.time_h),
                        cost_usd: round(leg.metrics.cost_usd),
                        co2_kg: round(leg.metrics.co2_kg),
                        status: data.status.as_str().to_owned(),
                        gauge_mm: data.gauge_mm,
                        capacity_teu_per_year: data.capacity_teu_per_year,
                        source: data.source.as_deref().map(str::to_owned),
                    }
                })
                .collect(),
            transfers: route
                .transfers
                .iter()
                .map(|t| TransferView {
                    place: id(network, t.transfer.place),
                    kind: t.transfer.kind.as_str().to_owned(),
                    detail: transfer_detail(network, &t.transfer),
                    time_h: round(t.transfer.time_h),
                    cost_usd: round(t.transfer.cost_usd),
                    after_legs: t.after_legs,
                })
                .collect(),
            handlings: route.handlings(),
            border_crossings: route.border_crossings(),
            bottleneck: capacity::bottleneck(network, route).map(|b| match b.at {
                Limit::Leg(dir) => {
                    let (from, to) = dir.ends(network);
                    BottleneckView::Leg {
                        from: id(network, from),
                        to: id(network, to),
                        mode: network.leg(dir.leg()).mode.as_str().to_owned(),
                        capacity_teu_per_year: b.capacity_teu_per_year,
                    }
                }
                Limit::Place(place) => BottleneckView::Place {
                    place: id(network, place),
                    capacity_teu_per_year: b.capacity_teu_per_year,
                },
            }),
            countries: route
                .countries
                .iter()
                .map(|c| c.as_str().to_owned())
                .collect(),
            corridors: route
                .corridors
                .iter()
                .map(|&c| network.corridor_name(c).to_owned())
                .collect(),
            corridor_km: route
                .corridors
                .iter()
                .zip(&route.corridor_km)
                .map(|(&c, &km)| (network.corridor_name(c).to_owned(), round(km).into()))
                .collect(),
            untagged_km: round(route.untagged_km),
        }
    }
}

/// What a transfer does, for people: `rail to sea`, `1520 mm to 1435 mm`, `leave KZ
/// (Eurasian Economic Union internal border)`.
pub fn transfer_detail(network: &Network, transfer: &Transfer) -> String {
    let union_name = |i: usize| {
        network
            .meta()
            .customs_unions
            .get(i)
            .map_or("customs union", |u| u.name.as_str())
            .to_owned()
    };
    match &transfer.kind {
        TransferKind::ModeChange { from, to } => format!("{from} to {to}"),
        TransferKind::Transshipment { mode } => format!("{mode} to {mode}, another vessel"),
        TransferKind::GaugeChange { from_mm, to_mm } => format!("{from_mm} mm to {to_mm} mm"),
        TransferKind::Wait { headway_h } => {
            format!("service every {} h", number(*headway_h, 1))
        }
        TransferKind::BorderExit { country, union } => match union {
            Some(i) => format!("leave {country} ({} internal border)", union_name(*i)),
            None => format!("leave {country}"),
        },
        TransferKind::BorderEntry { country, union } => match union {
            Some(i) => format!("enter {country} ({} internal border)", union_name(*i)),
            None => format!("enter {country}"),
        },
    }
}

/// Several routes: `alternatives` and `pareto --format json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoutesView {
    /// The routes, in the order found.
    pub routes: Vec<RouteView>,
}

impl RoutesView {
    /// The contract view of `routes`.
    pub fn new(network: &Network, routes: &[Route]) -> RoutesView {
        RoutesView {
            routes: routes.iter().map(|r| RouteView::new(network, r)).collect(),
        }
    }
}

/// The best route on one corridor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CorridorRouteView {
    /// The corridor tag.
    pub corridor: String,
    /// Its best route.
    pub route: RouteView,
}

/// A corridor that cannot serve the pair.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnservedView {
    /// The corridor tag.
    pub corridor: String,
    /// Why, for people.
    pub reason: String,
}

/// `corridor compare --format json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CompareView {
    /// The best route overall (what `route` answers).
    pub best: Option<RouteView>,
    /// The best route per corridor, best first.
    pub corridors: Vec<CorridorRouteView>,
    /// The corridors that cannot serve the pair, with the reason.
    pub unserved: Vec<UnservedView>,
}

impl CompareView {
    /// The contract view of a comparison for `query`.
    pub fn new(network: &Network, query: &Query, comparison: &Comparison) -> CompareView {
        CompareView {
            best: comparison.best.as_ref().map(|r| RouteView::new(network, r)),
            corridors: comparison
                .corridors
                .iter()
                .map(|c| CorridorRouteView {
                    corridor: network.corridor_name(c.corridor).to_owned(),
                    route: RouteView::new(network, &c.route),
                })
                .collect(),
            unserved: comparison
                .unserved
                .iter()
                .map(|u| UnservedView {
                    corridor: network.corridor_name(u.corridor).to_owned(),
                    reason: u.reason.explain(network, query),
                })
                .collect(),
        }
    }
}

/// One cell of a matrix.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PairView {
    /// Origin place id.
    pub from: String,
    /// Destination place id.
    pub to: String,
    /// Whether a route exists.
    pub reachable: bool,
    /// Kilometres of the best route (`null` if unreachable).
    pub distance_km: Option<f64>,
    /// Hours.
    pub time_h: Option<f64>,
    /// USD per TEU.
    pub cost_usd: Option<f64>,
    /// kg CO2e per TEU.
    pub co2_kg: Option<f64>,
}

/// `corridor matrix --format json`: every origin × destination in input order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MatrixView {
    /// What was minimised.
    pub objective: String,
    /// The cells, origins outer, destinations inner.
    pub pairs: Vec<PairView>,
}

impl MatrixView {
    /// The contract view of `matrix` on `network`.
    pub fn new(network: &Network, objective: &str, matrix: &crate::route::Matrix) -> MatrixView {
        let mut pairs = Vec::with_capacity(matrix.from.len() * matrix.to.len());
        for (i, &a) in matrix.from.iter().enumerate() {
            for (j, &b) in matrix.to.iter().enumerate() {
                let cell = matrix.cell(i, j);
                pairs.push(PairView {
                    from: id(network, a),
                    to: id(network, b),
                    reachable: cell.is_some(),
                    distance_km: cell.map(|c| round(c.metrics.distance_km)),
                    time_h: cell.map(|c| round(c.metrics.time_h)),
                    cost_usd: cell.map(|c| round(c.metrics.cost_usd)),
                    co2_kg: cell.map(|c| round(c.metrics.co2_kg)),
                });
            }
        }
        MatrixView {
            objective: objective.to_owned(),
            pairs,
        }
    }
}
