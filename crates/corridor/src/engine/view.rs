//! The JSON contract: what `corridor ... --format json` prints, the HTTP server answers
//! and the Python package returns, as plain serialisable types built from results.
//!
//! Every type here is `Serialize` and `Deserialize`; fields are in the order they are
//! printed. Quantities are rounded to 4 decimals ([`round`]) and carry their unit in
//! their name; places are named by id.

use schemars::JsonSchema;
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

pub use crate::calibrate::{CalibratedTripView, CalibrationView};
pub use crate::model::grouped;

fn id(network: &Network, place: PlaceId) -> String {
    network.place(place).id.to_string()
}

/// Door-to-door totals of a route.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
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
    /// The freight was booked on its first departure: the totals leave out the wait for
    /// the first service at the origin (`--booked`); `false` for door-to-door answers.
    pub booked_departure: bool,
    /// Via places the route goes to and comes back from the way it came, because no
    /// route passes through them (a place at the end of a spur); absent when the route
    /// passes through every via place (see [`Route::turns_back_at`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub turns_back_at: Vec<TurnView>,
}

/// A via place a route goes to and comes back from: `RouteView::turns_back_at`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TurnView {
    /// The via place id.
    pub place: String,
    /// The place id the route comes from and goes back to.
    pub from: String,
}

impl RouteView {
    /// The contract view of `route` on `network`.
    pub fn new(network: &Network, route: &Route) -> RouteView {
        RouteView {
            from: id(network, route.from),
            to: id(network, route.to),
            via: route.via.iter().map(|&v| id(network, v)).collect(),
            objective: route.objective.as_str().to_owned(),
            objective_value: round(route.objective_value()),
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
            booked_departure: route.booked_departure,
            turns_back_at: route
                .turns_back_at()
                .into_iter()
                .map(|(place, from)| TurnView {
                    place: id(network, place),
                    from: id(network, from),
                })
                .collect(),
        }
    }
}

/// What a transfer does, for people: `rail to sea`, `1520 mm to 1435 mm`, `leave KZ
/// (Eurasian Economic Union internal border)`.
pub(crate) fn transfer_detail(network: &Network, transfer: &Transfer) -> String {
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CorridorRouteView {
    /// The corridor tag.
    pub corridor: String,
    /// Its best route.
    pub route: RouteView,
}

/// A corridor that cannot serve the pair.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct UnservedView {
    /// The corridor tag.
    pub corridor: String,
    /// Why, for people.
    pub reason: String,
}

/// `corridor compare --format json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MatrixView {
    /// What was minimised.
    pub objective: String,
    /// The cells count from a booked departure at each origin (`--booked`: no wait for
    /// the first service there); `false` for door-to-door cells.
    pub booked_departure: bool,
    /// The cells, origins outer, destinations inner.
    pub pairs: Vec<PairView>,
}

impl MatrixView {
    /// The contract view of `matrix` on `network` (door to door; set
    /// [`MatrixView::booked_departure`] for a booked profile's matrix).
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
            booked_departure: false,
            pairs,
        }
    }

    /// `corridor matrix --format csv`: a header `from,to,distance_km,time_h,cost_usd,co2_kg`
    /// and one row per pair, empty metrics where unreachable.
    ///
    /// ```
    /// use corridor::{Engine, MatrixRequest};
    /// # fn main() -> Result<(), corridor::Error> {
    /// let matrix = Engine::builtin().matrix(&MatrixRequest::new(["Tashkent"], ["Almaty"]))?;
    /// assert!(matrix.to_csv().starts_with("from,to,distance_km,time_h,cost_usd,co2_kg\ntashkent,almaty,"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn to_csv(&self) -> String {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let cell = |v: Option<f64>| v.map_or(String::new(), |v| format!("{v}"));
        let mut result =
            writer.write_record(["from", "to", "distance_km", "time_h", "cost_usd", "co2_kg"]);
        for pair in &self.pairs {
            result = result.and_then(|()| {
                writer.write_record([
                    pair.from.clone(),
                    pair.to.clone(),
                    cell(pair.distance_km),
                    cell(pair.time_h),
                    cell(pair.cost_usd),
                    cell(pair.co2_kg),
                ])
            });
        }
        // Writing to memory fails only on allocation failure, which aborts first.
        debug_assert!(result.is_ok());
        String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
    }
}

/// Summary statistics of a spread (`null` in JSON where no draw had a route).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct StatsView {
    /// Mean.
    pub mean: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 95th percentile.
    pub p95: f64,
}

impl StatsView {
    fn new(stats: &crate::scenario::Stats) -> StatsView {
        StatsView {
            mean: round(stats.mean),
            p50: round(stats.p50),
            p90: round(stats.p90),
            p95: round(stats.p95),
        }
    }
}

/// One route chosen in a sweep.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SweepRouteView {
    /// Share of all draws that chose it.
    pub share: f64,
    /// Number of draws that chose it.
    pub draws: usize,
    /// Its corridor tags, most kilometres first.
    pub corridors: Vec<String>,
    /// Its places, origin first.
    pub path: Vec<String>,
    /// The places where something happens, for people: `Xi'an → Dostyk → Aktau (sea) →
    /// …` (origin, transfers with the new mode after a mode change, destination).
    pub via: String,
    /// Door-to-door hours in those draws.
    pub time_h: StatsView,
    /// USD per TEU in those draws.
    pub cost_usd: StatsView,
}

/// `corridor sweep FROM TO --format json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SweepView {
    /// Number of draws.
    pub samples: usize,
    /// The seed.
    pub seed: u64,
    /// Draws with a route.
    pub reached: usize,
    /// Share of draws without a route.
    pub no_route_share: f64,
    /// Door-to-door hours over the draws with a route.
    pub time_h: Option<StatsView>,
    /// USD per TEU over the draws with a route.
    pub cost_usd: Option<StatsView>,
    /// Routes chosen, most frequent first.
    pub routes: Vec<SweepRouteView>,
}

impl SweepView {
    /// The contract view of a sweep.
    pub(crate) fn new(network: &Network, sweep: &crate::scenario::Sweep) -> SweepView {
        SweepView {
            samples: sweep.samples,
            seed: sweep.seed,
            reached: sweep.reached,
            no_route_share: round(
                (sweep.samples - sweep.reached) as f64 / sweep.samples.max(1) as f64,
            ),
            time_h: sweep.time_h.as_ref().map(StatsView::new),
            cost_usd: sweep.cost_usd.as_ref().map(StatsView::new),
            routes: sweep
                .routes
                .iter()
                .map(|r| SweepRouteView {
                    share: round(r.share),
                    draws: r.draws,
                    corridors: r
                        .route
                        .corridors
                        .iter()
                        .map(|&c| network.corridor_name(c).to_owned())
                        .collect(),
                    path: r.route.places().iter().map(|&p| id(network, p)).collect(),
                    via: r.route.key_places(network),
                    time_h: StatsView::new(&r.time_h),
                    cost_usd: StatsView::new(&r.cost_usd),
                })
                .collect(),
        }
    }
}

/// One ordered pair of a sweep over pairs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PairSweepView {
    /// Origin place id.
    pub from: String,
    /// Destination place id.
    pub to: String,
    /// Draws with a route.
    pub reached: usize,
    /// Share of draws without a route.
    pub no_route_share: f64,
    /// Door-to-door hours over the draws with a route.
    pub time_h: Option<StatsView>,
    /// USD per TEU over the draws with a route.
    pub cost_usd: Option<StatsView>,
}

/// `corridor sweep --hubs --format json` (or `--places`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MatrixSweepView {
    /// Number of draws.
    pub samples: usize,
    /// The seed.
    pub seed: u64,
    /// Number of places.
    pub places: usize,
    /// Percentiles are within this relative error of the exact nearest-rank value.
    pub percentile_relative_accuracy: f64,
    /// Every ordered pair of distinct places, row by row.
    pub pairs: Vec<PairSweepView>,
}

impl MatrixSweepView {
    /// The contract view of a sweep over `places` places.
    pub(crate) fn new(
        network: &Network,
        places: usize,
        sweep: &crate::scenario::MatrixSweep,
    ) -> MatrixSweepView {
        MatrixSweepView {
            samples: sweep.samples,
            seed: sweep.seed,
            places,
            percentile_relative_accuracy: crate::scenario::MATRIX_PERCENTILE_ACCURACY,
            pairs: sweep
                .pairs
                .iter()
                .map(|p| PairSweepView {
                    from: id(network, p.from),
                    to: id(network, p.to),
                    reached: p.reached,
                    no_route_share: round(
                        (sweep.samples - p.reached) as f64 / sweep.samples.max(1) as f64,
                    ),
                    time_h: p.time_h.as_ref().map(StatsView::new),
                    cost_usd: p.cost_usd.as_ref().map(StatsView::new),
                })
                .collect(),
        }
    }
}

/// A route used by an allocation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FlowRouteView {
    /// Its places, origin first.
    pub path: Vec<String>,
    /// TEU per year sent on it.
    pub volume_teu_per_year: f64,
    /// USD per TEU.
    pub cost_usd_per_teu: f64,
    /// Door-to-door hours.
    pub time_h_per_teu: f64,
    /// kg CO2e per TEU.
    pub co2_kg_per_teu: f64,
    /// Its corridor tags, most kilometres first.
    pub corridors: Vec<String>,
    /// The places where something happens, for people (as [`SweepRouteView::via`]).
    pub via: String,
}

/// How one demand row was served.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PairFlowView {
    /// Origin place id.
    pub from: String,
    /// Destination place id.
    pub to: String,
    /// Demanded TEU per year.
    pub volume_teu_per_year: f64,
    /// Delivered TEU per year.
    pub delivered_teu_per_year: f64,
    /// Not delivered.
    pub unmet_teu_per_year: f64,
    /// The routes used, with their volumes.
    pub routes: Vec<FlowRouteView>,
}

/// A saturated leg or place and what more capacity there would be worth.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SaturatedView {
    /// Start place id of a leg (in the direction used); absent for a place.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub from: Option<String>,
    /// End place id of a leg.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub to: Option<String>,
    /// The leg's mode.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub mode: Option<String>,
    /// The place id (for a place).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub place: Option<String>,
    /// Its capacity in TEU per year.
    pub capacity_teu_per_year: f64,
    /// What one more TEU per year of capacity saves, in USD (cost and generalized
    /// objectives; `null` otherwise).
    pub shadow_price_usd: Option<f64>,
    /// The same in the objective's unit.
    pub shadow_price: f64,
    /// That unit: `km`, `h`, `USD` or `kg CO2e`.
    pub shadow_price_unit: String,
    /// How much more would be delivered with more capacity there.
    pub extra_delivered_teu_per_year: f64,
}

/// `corridor flow --format json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FlowView {
    /// What was minimised after volume.
    pub objective: String,
    /// TEU per year delivered.
    pub delivered_teu_per_year: f64,
    /// TEU per year not delivered.
    pub unmet_teu_per_year: f64,
    /// USD per year of the delivered flow.
    pub total_cost_usd: f64,
    /// The objective summed over the delivered flow.
    pub total_objective: f64,
    /// `min-cost-flow` or `linear-program`.
    pub solver: String,
    /// One entry per demand row, in input order.
    pub flows: Vec<PairFlowView>,
    /// Saturated legs.
    pub saturated_legs: Vec<SaturatedView>,
    /// Saturated places.
    pub saturated_places: Vec<SaturatedView>,
}

/// The unit of an objective's quantity.
pub(crate) fn objective_unit(objective: crate::graph::Objective) -> &'static str {
    objective.unit()
}

impl crate::graph::Objective {
    /// The unit of the objective's quantity: `km`, `h`, `USD` or `kg CO2e`.
    pub fn unit(self) -> &'static str {
        use crate::graph::Objective;
        match self {
            Objective::Distance => "km",
            Objective::Time => "h",
            Objective::Cost | Objective::Generalized => "USD",
            Objective::Co2 => "kg CO2e",
        }
    }
}

/// A saturated leg or place in `corridor flow --scale-demand`, in the order it binds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LimitView {
    /// The leg (`Aktau → Port of Baku (ferry)`) or place, for people.
    pub at: String,
    /// Its capacity in TEU per year.
    pub capacity_teu_per_year: f64,
    /// What one more TEU per year of capacity there saves, in the objective's unit.
    pub shadow_price: f64,
    /// How much more would be delivered with more capacity there.
    pub extra_delivered_teu_per_year: f64,
}

/// One demand level of `corridor flow --scale-demand`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DemandLevelView {
    /// Every demand volume multiplied by this.
    pub factor: f64,
    /// TEU per year asked at this level.
    pub demand_teu_per_year: f64,
    /// TEU per year delivered.
    pub delivered_teu_per_year: f64,
    /// TEU per year not delivered.
    pub unmet_teu_per_year: f64,
    /// USD per year of the delivered flow.
    pub total_cost_usd: f64,
    /// The limit that binds first (`null` when nothing is saturated).
    pub first_saturated: Option<LimitView>,
    /// The saturated limits, those already saturated at a lower level first.
    pub saturated: Vec<LimitView>,
}

/// `corridor flow --scale-demand F,G,... --format json`: the allocation at each demand
/// level, in the order given.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DemandLevelsView {
    /// What was minimised after volume.
    pub objective: String,
    /// One entry per factor.
    pub levels: Vec<DemandLevelView>,
}

impl DemandLevelsView {
    /// The contract view of demand levels optimised by `objective`.
    pub(crate) fn new(
        network: &Network,
        levels: &[capacity::DemandLevel],
        objective: crate::graph::Objective,
    ) -> DemandLevelsView {
        let limit = |s: &capacity::Saturated| LimitView {
            at: crate::map::describe::limit_text(network, s.at),
            capacity_teu_per_year: round(s.capacity_teu_per_year),
            shadow_price: round(s.shadow_price),
            extra_delivered_teu_per_year: round(s.extra_delivered_teu_per_year),
        };
        DemandLevelsView {
            objective: objective.as_str().to_owned(),
            levels: levels
                .iter()
                .map(|level| {
                    let saturated: Vec<LimitView> =
                        level.saturated_in_order.iter().map(limit).collect();
                    DemandLevelView {
                        factor: level.factor,
                        demand_teu_per_year: round(level.demand_teu_per_year),
                        delivered_teu_per_year: round(level.allocation.delivered_teu_per_year),
                        unmet_teu_per_year: round(level.allocation.unmet_teu_per_year),
                        total_cost_usd: round(level.allocation.total_cost_usd),
                        first_saturated: saturated.first().cloned(),
                        saturated,
                    }
                })
                .collect(),
        }
    }
}

impl FlowView {
    /// The contract view of an allocation optimised by `objective`.
    pub(crate) fn new(
        network: &Network,
        allocation: &capacity::Allocation,
        objective: crate::graph::Objective,
    ) -> FlowView {
        use crate::graph::Objective;
        let usd = matches!(objective, Objective::Cost | Objective::Generalized);
        let saturated = |s: &capacity::Saturated| {
            let mut view = SaturatedView {
                from: None,
                to: None,
                mode: None,
                place: None,
                capacity_teu_per_year: round(s.capacity_teu_per_year),
                shadow_price_usd: usd.then_some(round(s.shadow_price)),
                shadow_price: round(s.shadow_price),
                shadow_price_unit: objective_unit(objective).to_owned(),
                extra_delivered_teu_per_year: round(s.extra_delivered_teu_per_year),
            };
            match s.at {
                Limit::Leg(dir) => {
                    let (from, to) = dir.ends(network);
                    view.from = Some(id(network, from));
                    view.to = Some(id(network, to));
                    view.mode = Some(network.leg(dir.leg()).mode.as_str().to_owned());
                }
                Limit::Place(place) => view.place = Some(id(network, place)),
            }
            view
        };
        FlowView {
            objective: objective.as_str().to_owned(),
            delivered_teu_per_year: round(allocation.delivered_teu_per_year),
            unmet_teu_per_year: round(allocation.unmet_teu_per_year),
            total_cost_usd: round(allocation.total_cost_usd),
            total_objective: round(allocation.total_objective),
            solver: match allocation.solver {
                capacity::SolverKind::MinCostFlow => "min-cost-flow",
                capacity::SolverKind::LinearProgram => "linear-program",
            }
            .to_owned(),
            flows: allocation
                .flows
                .iter()
                .map(|flow| PairFlowView {
                    from: id(network, flow.demand.from),
                    to: id(network, flow.demand.to),
                    volume_teu_per_year: round(flow.demand.volume_teu_per_year),
                    delivered_teu_per_year: round(flow.delivered_teu_per_year),
                    unmet_teu_per_year: round(
                        (flow.demand.volume_teu_per_year - flow.delivered_teu_per_year).max(0.0),
                    ),
                    routes: flow
                        .routes
                        .iter()
                        .map(|r| FlowRouteView {
                            path: r.route.places().iter().map(|&p| id(network, p)).collect(),
                            volume_teu_per_year: round(r.volume_teu_per_year),
                            cost_usd_per_teu: round(r.route.totals.cost_usd),
                            time_h_per_teu: round(r.route.totals.time_h),
                            co2_kg_per_teu: round(r.route.totals.co2_kg),
                            corridors: r
                                .route
                                .corridors
                                .iter()
                                .map(|&c| network.corridor_name(c).to_owned())
                                .collect(),
                            via: r.route.key_places(network),
                        })
                        .collect(),
                })
                .collect(),
            saturated_legs: allocation
                .saturated
                .iter()
                .filter(|s| matches!(s.at, Limit::Leg(_)))
                .map(saturated)
                .collect(),
            saturated_places: allocation
                .saturated
                .iter()
                .filter(|s| matches!(s.at, Limit::Place(_)))
                .map(saturated)
                .collect(),
        }
    }
}

/// Differences of totals, scenario minus baseline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DeltaView {
    /// Hours.
    pub time_h: f64,
    /// USD per TEU.
    pub cost_usd: f64,
    /// kg CO2e per TEU.
    pub co2_kg: f64,
    /// Kilometres.
    pub distance_km: f64,
}

/// `corridor diff --format json`: the best route without and with scenarios.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DiffView {
    /// The best route on the network as loaded (`null` if none).
    pub baseline: Option<RouteView>,
    /// The best route with the scenarios applied (`null` if none).
    pub scenario: Option<RouteView>,
    /// Scenario minus baseline, when both have a route.
    pub delta: Option<DeltaView>,
    /// Whether the scenarios change the legs travelled.
    pub route_changed: bool,
    /// The scenario files, in the order applied.
    pub scenarios: Vec<String>,
}

impl DiffView {
    /// The contract view of a diff computed on `baseline` (the changed network is the
    /// diff's engine's).
    pub fn new(
        baseline: &Network,
        diff: &super::Diff,
        scenarios: &[crate::scenario::ScenarioFile],
    ) -> DiffView {
        let delta = match (&diff.baseline, &diff.scenario) {
            (Some(b), Some(a)) => Some(DeltaView {
                time_h: round(a.totals.time_h - b.totals.time_h),
                cost_usd: round(a.totals.cost_usd - b.totals.cost_usd),
                co2_kg: round(a.totals.co2_kg - b.totals.co2_kg),
                distance_km: round(a.totals.distance_km - b.totals.distance_km),
            }),
            _ => None,
        };
        let same = matches!((&diff.baseline, &diff.scenario), (Some(b), Some(a)) if b.dir_legs() == a.dir_legs());
        DiffView {
            baseline: diff.baseline.as_ref().map(|r| RouteView::new(baseline, r)),
            scenario: diff
                .scenario
                .as_ref()
                .map(|r| RouteView::new(diff.changed.network(), r)),
            delta,
            route_changed: !same,
            scenarios: scenarios.iter().map(|s| s.file.clone()).collect(),
        }
    }
}

/// What a network holds: `corridor validate --format json`'s `summary`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct NetworkSummary {
    /// The network's name.
    pub name: String,
    /// Its data version.
    pub version: String,
    /// Number of places.
    pub places: usize,
    /// Number of legs.
    pub legs: usize,
    /// Legs per mode (every mode listed).
    pub legs_by_mode: std::collections::BTreeMap<String, usize>,
    /// Legs per status (every status listed).
    pub legs_by_status: std::collections::BTreeMap<String, usize>,
    /// Legs per corridor tag (a leg with several tags counts for each).
    pub corridors: std::collections::BTreeMap<String, usize>,
}

impl NetworkSummary {
    /// The summary of `network`.
    pub fn new(network: &Network) -> NetworkSummary {
        use crate::model::{Mode, Status};
        let count = |f: &dyn Fn(&crate::model::Leg) -> bool| {
            network.legs().iter().filter(|leg| f(leg)).count()
        };
        let mut corridors = std::collections::BTreeMap::new();
        for leg in network.legs() {
            for &corridor in &leg.corridors {
                *corridors
                    .entry(network.corridor_name(corridor).to_owned())
                    .or_insert(0) += 1;
            }
        }
        NetworkSummary {
            name: network.meta().name.clone(),
            version: network.meta().version.clone(),
            places: network.places().len(),
            legs: network.legs().len(),
            legs_by_mode: Mode::ALL
                .into_iter()
                .map(|mode| (mode.as_str().to_owned(), count(&|leg| leg.mode == mode)))
                .collect(),
            legs_by_status: Status::ALL
                .into_iter()
                .map(|status| {
                    (
                        status.as_str().to_owned(),
                        count(&|leg| leg.status == status),
                    )
                })
                .collect(),
            corridors,
        }
    }
}

/// One corridor tag with its names and extent: `corridor corridors --format json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CorridorView {
    /// The tag legs carry.
    pub corridor: String,
    /// Display name.
    pub name: String,
    /// Other names that resolve to it.
    pub aliases: Vec<String>,
    /// The two of its places farthest apart (ids), if any.
    pub endpoints: Option<[String; 2]>,
    /// Kilometres of its operational legs.
    pub operational_km: f64,
    /// Kilometres of its planned, under-construction and closed legs.
    pub planned_or_closed_km: f64,
    /// Legs carrying the tag.
    pub legs: usize,
    /// Places those legs touch.
    pub places: usize,
    /// One line on what it is.
    pub description: String,
}

impl CorridorView {
    /// Every corridor tag of `network`, in tag order.
    pub fn list(network: &Network) -> Vec<CorridorView> {
        (0..network.corridors().len() as u16)
            .map(crate::model::CorridorId)
            .map(|tag| {
                let summary = network.corridor_summary(tag);
                let info = network.corridor_info(tag);
                CorridorView {
                    corridor: network.corridor_name(tag).to_owned(),
                    name: info
                        .map_or(network.corridor_name(tag), |i| &i.name)
                        .to_owned(),
                    aliases: info.map_or(Vec::new(), |i| i.aliases.clone()),
                    endpoints: summary
                        .endpoints
                        .map(|(a, b)| [id(network, a), id(network, b)]),
                    operational_km: round(summary.operational_km),
                    planned_or_closed_km: round(summary.other_km),
                    legs: summary.legs,
                    places: summary.places,
                    description: info.map_or("", |i| &i.description).to_owned(),
                }
            })
            .collect()
    }
}

/// A GeoJSON FeatureCollection: one LineString per leg (from its start through its
/// `drawn_via` points to its end, in the direction travelled) and one Point per transfer, with
/// `route` (index) and `label` (e.g. the corridor) properties.
pub(crate) fn geojson(network: &Network, routes: &[(Option<&str>, &Route)]) -> serde_json::Value {
    let mut features = Vec::new();
    for (index, (label, route)) in routes.iter().enumerate() {
        for (i, leg) in route.legs.iter().enumerate() {
            let data = network.leg(leg.leg.leg());
            let mut points: Vec<[f64; 2]> = std::iter::once(network.place(data.from).coord)
                .chain(data.drawn_via.iter().copied())
                .chain(std::iter::once(network.place(data.to).coord))
                .map(|p| [p.lon, p.lat])
                .collect();
            if leg.leg.is_reverse() {
                points.reverse();
            }
            features.push(serde_json::json!({
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": points},
                "properties": {
                    "route": index, "label": label, "leg": i,
                    "from": id(network, leg.from), "to": id(network, leg.to),
                    "mode": data.mode.as_str(), "status": data.status.as_str(),
                    "distance_km": round(leg.metrics.distance_km),
                    "time_h": round(leg.metrics.time_h),
                    "cost_usd": round(leg.metrics.cost_usd),
                    "co2_kg": round(leg.metrics.co2_kg),
                },
            }));
        }
        for t in &route.transfers {
            let c = network.place(t.transfer.place).coord;
            features.push(serde_json::json!({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [c.lon, c.lat]},
                "properties": {
                    "route": index, "label": label,
                    "place": id(network, t.transfer.place),
                    "kind": t.transfer.kind.as_str(),
                    "detail": transfer_detail(network, &t.transfer),
                    "time_h": round(t.transfer.time_h),
                    "cost_usd": round(t.transfer.cost_usd),
                },
            }));
        }
    }
    serde_json::json!({ "type": "FeatureCollection", "features": features })
}

/// One problem found in a network, scenario or demand file, located.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DiagnosticView {
    /// The file as given (path or a name such as `builtin:nodes.csv`).
    pub file: String,
    /// 1-based line, when the problem has one.
    pub line: Option<u64>,
    /// The column (CSV) or key (TOML), when the problem has one.
    pub column: Option<String>,
    /// The offending value as written.
    pub value: Option<String>,
    /// What is wrong.
    pub message: String,
    /// What would be accepted.
    pub expected: Option<String>,
    /// The kind of problem (`UnknownPlace`, `BadNumber`...).
    pub kind: String,
    /// The whole message as `corridor validate` prints it.
    pub text: String,
}

impl DiagnosticView {
    fn new(d: &crate::io::Diagnostic) -> DiagnosticView {
        DiagnosticView {
            file: d.file.clone(),
            line: d.line,
            column: d.column.clone(),
            value: d.value.clone(),
            message: d.message.clone(),
            expected: d.expected.clone(),
            kind: format!("{:?}", d.kind),
            text: d.to_string(),
        }
    }
}

/// `corridor validate --format json`: whether the network (with its scenarios) loads,
/// every error and warning, and a summary of what loaded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ValidationView {
    /// No errors.
    pub valid: bool,
    /// Problems that refuse the network.
    pub errors: Vec<DiagnosticView>,
    /// Problems that do not.
    pub warnings: Vec<DiagnosticView>,
    /// The network loaded (`null` when refused).
    pub summary: Option<NetworkSummary>,
}

impl ValidationView {
    /// The report of `errors` and `warnings` found loading `network` (`None` when it was
    /// refused).
    ///
    /// ```
    /// use corridor::{Engine, view::ValidationView};
    /// let engine = Engine::builtin();
    /// let report = ValidationView::new(&[], engine.warnings(), Some(engine.network()));
    /// assert!(report.valid && report.summary.unwrap().places > 200);
    /// ```
    pub fn new(
        errors: &[crate::io::Diagnostic],
        warnings: &[crate::io::Diagnostic],
        network: Option<&Network>,
    ) -> ValidationView {
        ValidationView {
            valid: errors.is_empty(),
            errors: errors.iter().map(DiagnosticView::new).collect(),
            warnings: warnings.iter().map(DiagnosticView::new).collect(),
            summary: network.map(NetworkSummary::new),
        }
    }
}
