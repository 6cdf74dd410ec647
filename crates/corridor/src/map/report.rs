//! The HTML report: one self-contained file (inline CSS and SVG, no scripts, fonts, tiles
//! or links to anything outside it) that opens offline, prints, and can be e-mailed.

use std::fmt::Write as _;

use super::describe::{STEP_COLUMNS, bottleneck_text, grouped, key_places, step_rows};
use super::{self as map, MapOptions, MapRoute, PALETTE, World, escape};
use crate::engine::view::number;
use crate::model::Network;
use crate::route::{CorridorRoute, Route};

/// The door-to-door days of each corridor's draws, for the reliability chart.
pub struct Spread {
    /// Corridor tag.
    pub corridor: String,
    /// Door-to-door hours of every draw with a route.
    pub hours: Vec<f64>,
    /// Number of draws.
    pub samples: usize,
}

/// What the report shows.
pub struct Report<'a> {
    /// The heading.
    pub title: String,
    /// Lines under the title: network, objective, constraints, scenarios.
    pub context: Vec<String>,
    /// The best route per corridor, best first.
    pub corridors: &'a [CorridorRoute],
    /// The best route overall, when no corridor restriction applies.
    pub overall: Option<&'a Route>,
    /// Corridors that cannot serve the pair, with the reason.
    pub unserved: Vec<(String, String)>,
    /// Door-to-door days per corridor over the draws, when the scenarios are uncertain.
    pub spreads: Vec<Spread>,
    /// Why there is no reliability section, if there is none.
    pub spread_note: Option<String>,
}

const STYLE: &str = "
body{font-family:system-ui,-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;color:#222;max-width:1100px;margin:24px auto;padding:0 16px;line-height:1.4}
h1{font-size:1.6em;margin:0 0 4px}h2{font-size:1.2em;margin:28px 0 8px;border-bottom:1px solid #ccc;padding-bottom:4px}
.context{color:#555;font-size:.92em;margin:0 0 12px}
table{border-collapse:collapse;font-size:.88em;margin:6px 0 12px;width:100%}
th,td{padding:3px 8px;border-bottom:1px solid #e4e4e4;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
tr.transfer td{color:#6a5a2a;background:#fbf8ef}tr.total td{font-weight:bold;border-top:2px solid #999}
.swatch{display:inline-block;width:14px;height:14px;border-radius:3px;vertical-align:middle;margin-right:6px}
details{margin:8px 0;border:1px solid #ddd;border-radius:6px;padding:6px 10px}summary{cursor:pointer;font-weight:bold}
svg{max-width:100%;height:auto}.note{color:#666;font-size:.85em}
@media print{body{margin:0;max-width:none}details{border:none}details>summary{list-style:none}h2{break-after:avoid}table,svg{break-inside:avoid}}
";

fn cell(text: &str, numeric: bool) -> String {
    if numeric {
        format!("<td class=\"n\">{}</td>", escape(text))
    } else {
        format!("<td>{}</td>", escape(text))
    }
}

fn header(columns: &[&str]) -> String {
    let mut row = String::from("<tr>");
    for c in columns {
        let (title, numeric) = match c.strip_suffix('>') {
            Some(t) => (t, true),
            None => (*c, false),
        };
        let _ = write!(
            row,
            "<th{}>{}</th>",
            if numeric { " class=\"n\"" } else { "" },
            escape(title)
        );
    }
    row.push_str("</tr>");
    row
}

/// The whole HTML document.
pub fn html(network: &Network, world: &World, report: &Report<'_>) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        escape(&report.title),
        escape(&report.title)
    );
    for line in &report.context {
        let _ = writeln!(out, "<p class=\"context\">{}</p>", escape(line));
    }

    // The map.
    let drawn: Vec<MapRoute<'_>> = report
        .corridors
        .iter()
        .map(|c| MapRoute {
            label: network.corridor_name(c.corridor).to_owned(),
            route: &c.route,
        })
        .collect();
    let svg = map::svg(
        network,
        world,
        &drawn,
        &MapOptions {
            title: String::new(),
            width_px: 1060.0,
        },
    );
    // Inline SVG in HTML needs no namespace declaration; leaving it out keeps the file
    // free of any URL.
    let _ = writeln!(
        out,
        "<h2>Map</h2>\n{}",
        svg.replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1)
    );

    // The comparison.
    let _ = writeln!(out, "<h2>Corridors compared</h2>\n<table>");
    let _ = writeln!(
        out,
        "{}",
        header(&[
            "corridor",
            "days>",
            "USD/TEU>",
            "kg CO2e>",
            "km>",
            "handlings>",
            "border crossings>",
            "countries",
            "bottleneck"
        ])
    );
    for (i, c) in report.corridors.iter().enumerate() {
        let t = &c.route.totals;
        let countries: Vec<&str> = c.route.countries.iter().map(|c| c.as_str()).collect();
        let _ = writeln!(
            out,
            "<tr><td><span class=\"swatch\" style=\"background:{}\"></span>{}</td>{}{}{}{}{}{}{}{}</tr>",
            PALETTE[i % PALETTE.len()],
            escape(network.corridor_name(c.corridor)),
            cell(&number(t.time_h / 24.0, 1), true),
            cell(&grouped(t.cost_usd), true),
            cell(&grouped(t.co2_kg), true),
            cell(&grouped(t.distance_km), true),
            cell(&c.route.handlings().to_string(), true),
            cell(&c.route.border_crossings().to_string(), true),
            cell(&countries.join(" "), false),
            cell(&bottleneck_text(network, &c.route), false),
        );
    }
    let _ = writeln!(out, "</table>");
    if !report.unserved.is_empty() {
        let _ = writeln!(out, "<p>Corridors that cannot serve this pair:</p>\n<ul>");
        for (corridor, reason) in &report.unserved {
            let _ = writeln!(out, "<li>{}: {}</li>", escape(corridor), escape(reason));
        }
        let _ = writeln!(out, "</ul>");
    }
    if let Some(best) = report.overall {
        let _ = writeln!(
            out,
            "<p>Best route over the whole network: {} — {} days, {} USD/TEU, {} kg CO2e.</p>",
            escape(&key_places(network, best)),
            number(best.totals.time_h / 24.0, 1),
            grouped(best.totals.cost_usd),
            grouped(best.totals.co2_kg)
        );
    }

    // Reliability.
    let _ = writeln!(out, "<h2>Reliability: door-to-door days</h2>");
    match &report.spread_note {
        Some(note) => {
            let _ = writeln!(out, "<p class=\"note\">{}</p>", escape(note));
        }
        None => out.push_str(&box_plot(&report.spreads)),
    }

    // Each corridor in detail.
    let _ = writeln!(out, "<h2>Routes in detail</h2>");
    for (i, c) in report.corridors.iter().enumerate() {
        let t = &c.route.totals;
        let _ = writeln!(
            out,
            // Open, so that printing shows every route's legs (closed details print
            // nothing but their summary); readers fold away what they do not need.
            "<details open><summary><span class=\"swatch\" style=\"background:{}\"></span>{} — {} days · {} USD/TEU · {} kg CO2e · {} km</summary>",
            PALETTE[i % PALETTE.len()],
            escape(network.corridor_name(c.corridor)),
            number(t.time_h / 24.0, 1),
            grouped(t.cost_usd),
            grouped(t.co2_kg),
            grouped(t.distance_km)
        );
        let countries: Vec<&str> = c.route.countries.iter().map(|c| c.as_str()).collect();
        let _ = writeln!(
            out,
            "<p>{}<br>Countries: {}<br>Bottleneck: {}</p>",
            escape(&key_places(network, &c.route)),
            escape(&countries.join(" → ")),
            escape(&bottleneck_text(network, &c.route))
        );
        let _ = writeln!(out, "<table>{}", header(&STEP_COLUMNS));
        let rows = step_rows(network, &c.route);
        let last = rows.len().saturating_sub(1);
        for (k, row) in rows.iter().enumerate() {
            let class = if k == last {
                " class=\"total\""
            } else if row[0].is_empty() {
                " class=\"transfer\""
            } else {
                ""
            };
            let _ = write!(out, "<tr{class}>");
            for (j, value) in row.iter().enumerate() {
                out.push_str(&cell(value, STEP_COLUMNS[j].ends_with('>')));
            }
            let _ = writeln!(out, "</tr>");
        }
        let _ = writeln!(out, "</table></details>");
    }
    let _ = writeln!(
        out,
        "<p class=\"note\">Times are door to door: legs, transfers (port handling, gauge changes), border dwell and waits for sailings. Figures come from the network's data and its sources (for the built-in network: data/eurasia/SOURCES.md); estimates are marked there. Made by corridor {}.</p>\n</body>\n</html>",
        env!("CARGO_PKG_VERSION")
    );
    out
}

/// The quantile of sorted values (nearest rank).
fn quantile(sorted: &[f64], p: f64) -> f64 {
    sorted[((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1]
}

/// Horizontal box plots of door-to-door days per corridor: whiskers p5–p95, box
/// p25–p75, median line, mean dot.
fn box_plot(spreads: &[Spread]) -> String {
    let shown: Vec<(&Spread, Vec<f64>)> = spreads
        .iter()
        .filter(|s| !s.hours.is_empty())
        .map(|s| {
            let mut days: Vec<f64> = s.hours.iter().map(|h| h / 24.0).collect();
            days.sort_by(f64::total_cmp);
            (s, days)
        })
        .collect();
    if shown.is_empty() {
        return "<p class=\"note\">No draw found a route.</p>\n".to_owned();
    }
    let lo = shown
        .iter()
        .map(|(_, d)| quantile(d, 0.05))
        .fold(f64::INFINITY, f64::min);
    let hi = shown
        .iter()
        .map(|(_, d)| quantile(d, 0.95))
        .fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = ((lo - 1.0).floor().max(0.0), (hi + 1.0).ceil());
    let (left, right, row) = (170.0, 1040.0, 34.0);
    let height = 40.0 + row * shown.len() as f64;
    let x = |d: f64| left + (d - lo) / (hi - lo).max(1e-9) * (right - left);
    let mut svg = format!(
        "<svg width=\"1060\" height=\"{}\" viewBox=\"0 0 1060 {}\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n",
        height, height
    );
    // Axis with a tick per day step.
    let step = ((hi - lo) / 10.0).ceil().max(1.0);
    let mut tick = lo;
    while tick <= hi + 1e-9 {
        let _ = writeln!(
            svg,
            "<line x1=\"{0:.1}\" y1=\"10\" x2=\"{0:.1}\" y2=\"{1}\" stroke=\"#e4e4e4\"/><text x=\"{0:.1}\" y=\"{2}\" text-anchor=\"middle\" fill=\"#555\">{3}</text>",
            x(tick),
            height - 22.0,
            height - 6.0,
            number(tick, 0)
        );
        tick += step;
    }
    for (i, (spread, days)) in shown.iter().enumerate() {
        let y = 20.0 + row * i as f64 + row / 2.0;
        let colour = PALETTE[i % PALETTE.len()];
        let (p5, p25, p50, p75, p95) = (
            quantile(days, 0.05),
            quantile(days, 0.25),
            quantile(days, 0.5),
            quantile(days, 0.75),
            quantile(days, 0.95),
        );
        let mean = days.iter().sum::<f64>() / days.len() as f64;
        let _ = writeln!(
            svg,
            "<text x=\"8\" y=\"{:.1}\">{} ({}/{} draws)</text>\
<line x1=\"{:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"{colour}\" stroke-width=\"1.5\"/>\
<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"16\" fill=\"{colour}\" fill-opacity=\"0.35\" stroke=\"{colour}\"/>\
<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#222\" stroke-width=\"2\"/>\
<circle cx=\"{:.1}\" cy=\"{y:.1}\" r=\"3\" fill=\"#222\"/>\
<title>{}: p5 {} · p25 {} · median {} · p75 {} · p95 {} · mean {} days</title>",
            y + 4.0,
            escape(&spread.corridor),
            spread.hours.len(),
            spread.samples,
            x(p5),
            x(p95),
            x(p25),
            y - 8.0,
            (x(p75) - x(p25)).max(1.0),
            x(p50),
            y - 8.0,
            x(p50),
            y + 8.0,
            x(mean),
            escape(&spread.corridor),
            number(p5, 1),
            number(p25, 1),
            number(p50, 1),
            number(p75, 1),
            number(p95, 1),
            number(mean, 1),
        );
    }
    svg.push_str("</svg>\n<p class=\"note\">Whiskers: 5th–95th percentile; box: 25th–75th; line: median; dot: mean.</p>\n");
    svg
}
