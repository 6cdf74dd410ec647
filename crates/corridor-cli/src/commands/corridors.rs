//! `corridor corridors`: each corridor tag with its name, aliases, extent and description.

use std::io::Write;

use corridor::view::CorridorView;

use super::{Global, engine};
use crate::args::{CorridorsArgs, ListFormat};
use crate::render::{self, Table, grouped};
use crate::{Exit, Failure};

pub(crate) fn run(
    global: &Global,
    args: &CorridorsArgs,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    let engine = engine(global)?;
    let network = engine.network();
    let corridors = CorridorView::list(network);
    let endpoints = |c: &CorridorView| {
        c.endpoints.as_ref().map_or(String::new(), |[a, b]| {
            let name = |id: &str| {
                network
                    .place_by_id(id)
                    .map_or(id.to_owned(), |p| network.place(p).name.to_string())
            };
            format!("{} – {}", name(a), name(b))
        })
    };
    match args.format {
        ListFormat::Json => render::json(out, &corridors)?,
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
            for c in &corridors {
                writer
                    .write_record([
                        c.corridor.clone(),
                        c.name.clone(),
                        c.aliases.join(";"),
                        endpoints(c),
                        c.operational_km.to_string(),
                        c.planned_or_closed_km.to_string(),
                        c.legs.to_string(),
                        c.places.to_string(),
                        c.description.clone(),
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
            for c in &corridors {
                let mut km = grouped(c.operational_km);
                if c.planned_or_closed_km > 0.0 {
                    km.push_str(&format!(
                        " (+{} planned or closed)",
                        grouped(c.planned_or_closed_km)
                    ));
                }
                let mut description = c.name.clone();
                if !c.description.is_empty() {
                    description.push_str(": ");
                    description.push_str(&c.description);
                }
                table.row(vec![
                    c.corridor.clone(),
                    c.aliases.join(", "),
                    endpoints(c),
                    km,
                    c.places.to_string(),
                    description,
                ]);
            }
            table.write(out)?;
        }
    }
    Ok(Exit::Ok)
}
