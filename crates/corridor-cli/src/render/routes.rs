//! Routes as GeoJSON and text tables (JSON is the library's contract,
//! [`corridor::engine::view`]).

use std::io::{self, Write};

use corridor::{Comparison, Network, Query, Route};

use super::{Table, grouped, number};

fn name(network: &Network, place: corridor::PlaceId) -> &str {
    &network.place(place).name
}

fn days(hours: f64) -> String {
    format!("{} d", number(hours / 24.0, 1))
}

/// The totals line: days, USD, CO2, km.
fn totals_line(route: &Route) -> String {
    let t = &route.totals;
    format!(
        "{} ({} h) · {} USD/TEU · {} kg CO2e/TEU · {} km",
        days(t.time_h),
        number(t.time_h, 1),
        grouped(t.cost_usd),
        grouped(t.co2_kg),
        grouped(t.distance_km)
    )
}

/// One route in detail: header, totals, then legs and transfers in order.
pub(crate) fn write_route(network: &Network, route: &Route, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "{} → {}   best by {}",
        name(network, route.from),
        name(network, route.to),
        route.objective
    )?;
    if route.booked_departure {
        writeln!(
            out,
            "{}: {}",
            booked_basis(network, route),
            totals_line(route)
        )?;
    } else {
        writeln!(out, "door to door: {}", totals_line(route))?;
    }
    if !route.countries.is_empty() {
        let countries: Vec<&str> = route.countries.iter().map(|c| c.as_str()).collect();
        writeln!(out, "countries: {}", countries.join(" → "))?;
    }
    let corridors: Vec<String> = route
        .corridors
        .iter()
        .zip(&route.corridor_km)
        .map(|(&c, &km)| format!("{} ({} km)", network.corridor_name(c), grouped(km)))
        .collect();
    writeln!(
        out,
        "corridors: {}",
        if corridors.is_empty() {
            "none (feeder legs only)".to_owned()
        } else {
            corridors.join(", ")
        }
    )?;
    writeln!(out, "bottleneck: {}", route.bottleneck_text(network))?;
    for (via, side) in route.turns_back_at() {
        writeln!(
            out,
            "note: no route passes through {}, so this one goes there from {} and back",
            network.place(via).name,
            network.place(side).name
        )?;
    }
    writeln!(out)?;
    let mut table = Table::new(&Route::STEP_COLUMNS);
    for row in route.step_rows(network) {
        table.row(row);
    }
    table.write(out)
}

fn summary_row(network: &Network, label: String, route: &Route) -> Vec<String> {
    let t = &route.totals;
    vec![
        label,
        number(t.time_h / 24.0, 1),
        grouped(t.cost_usd),
        grouped(t.co2_kg),
        grouped(t.distance_km),
        route.handlings().to_string(),
        route.border_crossings().to_string(),
        route
            .bottleneck_teu_per_year(network)
            .map_or_else(|| "–".to_owned(), grouped),
        countries_text(route),
        route.key_places(network),
    ]
}

/// `CN KZ AZ GE TR`: the countries crossed, ISO codes in order.
fn countries_text(route: &Route) -> String {
    route
        .countries
        .iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Columns of the one-line-per-route tables: `handlings` counts mode changes,
/// transshipments and gauge changes, `borders` the borders crossed; `TEU/yr` is the
/// route's bottleneck capacity (`–` where no leg or place on it states one).
const SUMMARY: [&str; 10] = [
    "route",
    "days>",
    "USD/TEU>",
    "kg CO2e>",
    "km>",
    "handlings>",
    "borders>",
    "TEU/yr>",
    "countries",
    "via",
];

/// The corridors a route runs on, by kilometres: `trans-caspian+northern`.
fn corridors_text(network: &Network, route: &Route) -> String {
    if route.corridors.is_empty() {
        return "untagged".to_owned();
    }
    route
        .corridors
        .iter()
        .map(|&c| network.corridor_name(c))
        .collect::<Vec<_>>()
        .join("+")
}

/// The best route overall, then the best per corridor, one line each, then one line per
/// corridor that cannot serve the pair, with the reason.
/// How the totals of a route with a booked departure are counted.
fn booked_basis(network: &Network, route: &Route) -> String {
    format!(
        "from a booked departure at {} (no wait for its first service)",
        name(network, route.from)
    )
}

pub(crate) fn write_compare(
    network: &Network,
    query: &Query,
    comparison: &Comparison,
    out: &mut dyn Write,
) -> io::Result<()> {
    let Some(best) = &comparison.best else {
        return Ok(());
    };
    writeln!(
        out,
        "{} → {}   best route overall, then per corridor, by {}",
        name(network, best.from),
        name(network, best.to),
        best.objective
    )?;
    if best.booked_departure {
        writeln!(out, "times {}", booked_basis(network, best))?;
    }
    let mut columns = SUMMARY;
    columns[0] = "corridor";
    let mut table = Table::new(&columns);
    table.row(summary_row(
        network,
        format!("best: {}", corridors_text(network, best)),
        best,
    ));
    for c in &comparison.corridors {
        table.row(summary_row(
            network,
            network.corridor_name(c.corridor).to_owned(),
            &c.route,
        ));
    }
    table.write(out)?;
    if !comparison.unserved.is_empty() {
        writeln!(out)?;
        writeln!(out, "corridors that cannot serve this pair:")?;
        for u in &comparison.unserved {
            writeln!(
                out,
                "  {}: {}",
                network.corridor_name(u.corridor),
                u.reason.explain(network, query)
            )?;
        }
    }
    Ok(())
}

/// Several routes, one line each, in the order given, with what sets each apart from
/// the routes before it.
pub(crate) fn write_summary(
    network: &Network,
    routes: &[Route],
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut columns: Vec<&str> = SUMMARY.to_vec();
    columns.push("differs");
    let mut table = Table::new(&columns);
    for (i, route) in routes.iter().enumerate() {
        // Label a route by the corridor covering most of its kilometres.
        let label = match route.corridors.first() {
            Some(&main) => format!("{} {}", i + 1, network.corridor_name(main)),
            None => format!("{}", i + 1),
        };
        let mut row = summary_row(network, label, route);
        row.push(difference(network, &routes[..i], route));
        table.row(row);
    }
    table.write(out)?;
    match routes.first() {
        Some(first) if first.booked_departure => {
            writeln!(out, "times {}", booked_basis(network, first))
        }
        _ => Ok(()),
    }
}

/// A place with the mode of the leg that reached it.
type Stop = (corridor::PlaceId, Option<corridor::Mode>);

/// What sets `route` apart from the earlier route sharing the longest start with it:
/// `at Shymkent: rail to Arys (#1: road to Taraz)`; empty for the first route.
fn difference(network: &Network, earlier: &[Route], route: &Route) -> String {
    let mine = route.stops(network);
    let mut closest: Option<(usize, usize, Vec<Stop>)> = None;
    for (j, other) in earlier.iter().enumerate() {
        let theirs = other.stops(network);
        let common = mine.iter().zip(&theirs).take_while(|(a, b)| a == b).count();
        if closest.as_ref().is_none_or(|c| common > c.1) {
            closest = Some((j, common, theirs));
        }
    }
    let Some((j, common, theirs)) = closest else {
        return String::new();
    };
    let step = |stops: &[Stop]| match stops.get(common) {
        Some(&(place, mode)) => format!(
            "{} to {}",
            mode.map_or("?".to_owned(), |m| m.to_string()),
            name(network, place)
        ),
        None => "ends".to_owned(),
    };
    let at = mine
        .get(common.saturating_sub(1))
        .map_or("", |&(p, _)| name(network, p));
    format!("at {at}: {} (#{}: {})", step(&mine), j + 1, step(&theirs))
}
