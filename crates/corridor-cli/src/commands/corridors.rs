//! `corridor corridors`: each corridor tag with its name, aliases, extent and description.

use std::io::Write;

use corridor::CorridorId;
use serde_json::json;

use super::{Global, network};
use crate::args::{CorridorsArgs, ListFormat};
use crate::render::{self, Table, grouped};
use crate::{Exit, Failure};

pub(crate) fn run(
    global: &Global,
    args: &CorridorsArgs,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    let network = network(global)?;
    let rows: Vec<serde_json::Value> = (0..network.corridors().len() as u16)
        .map(CorridorId)
        .map(|id| {
            let summary = network.corridor_summary(id);
            let info = network.corridor_info(id);
            let endpoints = summary
                .endpoints
                .map(|(a, b)| [a, b].map(|p| network.place(p).id.to_string()));
            json!({
                "corridor": network.corridor_name(id),
                "name": info.map_or(network.corridor_name(id), |i| i.name.as_str()),
                "aliases": info.map_or(&[][..], |i| &i.aliases[..]),
                "endpoints": endpoints,
                "operational_km": render::round(summary.operational_km),
                "planned_or_closed_km": render::round(summary.other_km),
                "legs": summary.legs,
                "places": summary.places,
                "description": info.map_or("", |i| i.description.as_str()),
            })
        })
        .collect();
    match args.format {
        ListFormat::Json => render::json(out, &rows)?,
        ListFormat::Csv => {
            let mut writer = csv::Writer::from_writer(out);
            writer
                .write_record([
                    "corridor",
                    "name",
                    "aliases",
                    "endpoints",
                    "operational_km",
                    "planned_or_closed_km",
                    "legs",
                    "places",
                    "description",
                ])
                .map_err(std::io::Error::other)?;
            for (id, row) in rows.iter().enumerate() {
                let summary = network.corridor_summary(CorridorId(id as u16));
                writer
                    .write_record([
                        text(&row["corridor"]),
                        text(&row["name"]),
                        aliases(row).join(";"),
                        endpoints_text(&network, &summary),
                        format!("{}", render::round(summary.operational_km)),
                        format!("{}", render::round(summary.other_km)),
                        summary.legs.to_string(),
                        summary.places.to_string(),
                        text(&row["description"]),
                    ])
                    .map_err(std::io::Error::other)?;
            }
            writer.flush()?;
        }
        ListFormat::Table => {
            let mut table = Table::new(&[
                "corridor",
                "aliases",
                "endpoints",
                "km>",
                "places>",
                "description",
            ]);
            for (id, row) in rows.iter().enumerate() {
                let summary = network.corridor_summary(CorridorId(id as u16));
                let mut km = grouped(summary.operational_km);
                if summary.other_km > 0.0 {
                    km.push_str(&format!(" (+{} planned)", grouped(summary.other_km)));
                }
                table.row(vec![
                    text(&row["corridor"]),
                    aliases(row).join(", "),
                    endpoints_text(&network, &summary),
                    km,
                    summary.places.to_string(),
                    text(&row["name"]) + &description_suffix(&row["description"]),
                ]);
            }
            table.write(out)?;
        }
    }
    Ok(Exit::Ok)
}

fn text(value: &serde_json::Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

fn aliases(row: &serde_json::Value) -> Vec<String> {
    row["aliases"]
        .as_array()
        .map(|a| a.iter().map(text).collect())
        .unwrap_or_default()
}

fn description_suffix(description: &serde_json::Value) -> String {
    match description.as_str() {
        Some(d) if !d.is_empty() => format!(": {d}"),
        _ => String::new(),
    }
}

/// `Xi'an – Duisburg`.
fn endpoints_text(
    network: &corridor::Network,
    summary: &corridor::model::CorridorSummary,
) -> String {
    summary.endpoints.map_or_else(String::new, |(a, b)| {
        format!("{} – {}", network.place(a).name, network.place(b).name)
    })
}
