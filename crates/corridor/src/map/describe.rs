//! Routes described for people: the places where something happens, the steps of a
//! route with their transfers, capacity limits with thousands separated. Used by the
//! CLI's tables and the HTML report alike.

use crate::capacity::{self, Limit};
use crate::engine::view::{number, transfer_detail};
use crate::graph::TransferKind;
use crate::model::{Network, PlaceId};
use crate::route::{Route, RouteTransfer};

fn name(network: &Network, place: PlaceId) -> &str {
    &network.place(place).name
}

/// A capacity limit for people: `Aktau → Port of Baku (ferry)` or `Astara (IR)`.
pub fn limit_text(network: &Network, at: Limit) -> String {
    match at {
        Limit::Leg(dir) => {
            let (from, to) = dir.ends(network);
            format!(
                "{} → {} ({})",
                network.place(from).name,
                network.place(to).name,
                network.leg(dir.leg()).mode
            )
        }
        Limit::Place(place) => network.place(place).name.to_string(),
    }
}

pub use crate::model::grouped;

/// The bottleneck for people: `Aktau → Port of Baku (ferry), 46,875 TEU/yr`.
pub fn bottleneck_text(network: &Network, route: &Route) -> String {
    match capacity::bottleneck(network, route) {
        None => "none stated (no capacity data on this route)".to_owned(),
        Some(b) => format!(
            "{}, {} TEU/yr",
            limit_text(network, b.at),
            grouped(b.capacity_teu_per_year)
        ),
    }
}

/// The places where something happens — origin, transfers, destination — with the new
/// mode after a mode change: `Xi'an → Dostyk → Aktau (sea) → Port of Baku (rail) → …`.
pub fn key_places(network: &Network, route: &Route) -> String {
    let mut stops: Vec<(PlaceId, Option<crate::model::Mode>)> = vec![(route.from, None)];
    for t in &route.transfers {
        let mode = match t.transfer.kind {
            TransferKind::BorderExit { .. } => continue,
            TransferKind::ModeChange { to, .. } => Some(to),
            _ => None,
        };
        match stops.last_mut() {
            Some(last) if last.0 == t.transfer.place => last.1 = last.1.or(mode),
            _ => stops.push((t.transfer.place, mode)),
        }
    }
    if stops.last().map(|s| s.0) != Some(route.to) {
        stops.push((route.to, None));
    }
    stops
        .iter()
        .map(|&(p, mode)| match mode {
            Some(mode) => format!("{} ({mode})", name(network, p)),
            None => name(network, p).to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" → ")
}

/// Columns of [`step_rows`] (`>`: right-aligned).
pub const STEP_COLUMNS: [&str; 8] = [
    "step",
    "from / at",
    "to",
    "what",
    "km>",
    "h>",
    "USD>",
    "kg CO2e>",
];

/// A route step by step: each leg, with the transfers before and after it in the order
/// they happen, then the totals.
pub fn step_rows(network: &Network, route: &Route) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let transfer_row = |t: &RouteTransfer| {
        vec![
            String::new(),
            name(network, t.transfer.place).to_owned(),
            String::new(),
            format!(
                "{}: {}",
                t.transfer.kind.as_str(),
                transfer_detail(network, &t.transfer)
            ),
            String::new(),
            number(t.transfer.time_h, 1),
            number(t.transfer.cost_usd, 0),
            String::new(),
        ]
    };
    for (i, leg) in route.legs.iter().enumerate() {
        rows.extend(
            route
                .transfers
                .iter()
                .filter(|t| t.after_legs == i)
                .map(transfer_row),
        );
        let data = network.leg(leg.leg.leg());
        let mut what = data.mode.to_string();
        if let Some(gauge) = data.gauge_mm {
            what.push_str(&format!(" {gauge}"));
        }
        if data.status != crate::model::Status::Operational {
            what.push_str(&format!(" ({})", data.status));
        }
        rows.push(vec![
            (i + 1).to_string(),
            name(network, leg.from).to_owned(),
            name(network, leg.to).to_owned(),
            what,
            number(leg.metrics.distance_km, 0),
            number(leg.metrics.time_h, 1),
            number(leg.metrics.cost_usd, 0),
            number(leg.metrics.co2_kg, 0),
        ]);
    }
    rows.extend(
        route
            .transfers
            .iter()
            .filter(|t| t.after_legs == route.legs.len())
            .map(transfer_row),
    );
    let t = &route.totals;
    rows.push(vec![
        String::new(),
        "total".to_owned(),
        String::new(),
        String::new(),
        number(t.distance_km, 0),
        number(t.time_h, 1),
        number(t.cost_usd, 0),
        number(t.co2_kg, 0),
    ]);
    rows
}

impl Route {
    /// The columns of [`Route::step_rows`] (`>`: right-aligned).
    pub const STEP_COLUMNS: [&'static str; 8] = STEP_COLUMNS;

    /// The route step by step for a table under [`Route::STEP_COLUMNS`]: each leg, with
    /// the transfers before and after it in the order they happen, then the totals.
    pub fn step_rows(&self, network: &Network) -> Vec<Vec<String>> {
        step_rows(network, self)
    }

    /// The places where something happens — origin, transfers, destination — with the
    /// new mode after a mode change: `Xi'an → Dostyk → Aktau (sea) → Port of Baku (rail)
    /// → …`.
    pub fn key_places(&self, network: &Network) -> String {
        key_places(network, self)
    }

    /// The bottleneck for people: `Aktau → Port of Baku (ferry), 46,875 TEU/yr`.
    pub fn bottleneck_text(&self, network: &Network) -> String {
        bottleneck_text(network, self)
    }

    /// The smallest capacity stated on the route's legs and places, in TEU per year
    /// (`None` when none states one).
    pub fn bottleneck_teu_per_year(&self, network: &Network) -> Option<f64> {
        capacity::bottleneck(network, self).map(|b| b.capacity_teu_per_year)
    }
}
