//! `corridor nodes`: list and search places.

use std::io::Write;

use corridor::{PlaceId, PlaceKind};

use super::engine;
use crate::args::{Global, ListFormat, NodesArgs};
use crate::render::{self, Table};
use crate::{Exit, Failure};

pub(crate) fn run(
    global: &Global,
    args: &NodesArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Exit, Failure> {
    let kind = match &args.kind {
        None => None,
        Some(text) => Some(PlaceKind::parse(text).ok_or_else(|| {
            Failure::usage(format!(
                "error: --kind: unknown place kind {text:?}; expected one of {}",
                PlaceKind::ALL.map(PlaceKind::as_str).join(", ")
            ))
        })?),
    };
    let engine = engine(global)?;
    let network = engine.network();
    let country = match &args.country {
        None => None,
        Some(text) => Some(
            network
                .resolve_country(text)
                .map_err(|e| Failure::usage(format!("error: --country: {e}")))?,
        ),
    };
    let query = args.query.as_deref().unwrap_or("");
    let found: Vec<PlaceId> = network
        .search(query)
        .into_iter()
        .filter(|&id| {
            let place = network.place(id);
            country.is_none_or(|c| place.country == Some(c)) && kind.is_none_or(|k| place.kind == k)
        })
        .collect();
    if found.is_empty() && !query.is_empty() {
        let suggestions: Vec<String> = network
            .suggest(query, 3)
            .into_iter()
            .map(|id| network.describe(id))
            .collect();
        if !suggestions.is_empty() {
            writeln!(
                err,
                "no place matches {query:?}; did you mean {}?",
                suggestions.join(", ")
            )?;
        } else {
            writeln!(err, "no place matches {query:?}")?;
        }
    }
    match args.format {
        ListFormat::Json => {
            let list: Vec<serde_json::Value> = found
                .iter()
                .map(|&id| network.place(id).properties())
                .collect();
            render::json(out, &list)?;
        }
        ListFormat::Csv => network.write_places_csv(&found, out)?,
        ListFormat::Table => {
            let mut table =
                Table::new(&["id", "name", "country", "kind", "lat>", "lon>", "aliases"]);
            for &id in &found {
                let place = network.place(id);
                table.row(vec![
                    place.id.to_string(),
                    place.name.to_string(),
                    place.country.map(|c| c.to_string()).unwrap_or_default(),
                    place.kind.to_string(),
                    render::number(place.coord.lat, 4),
                    render::number(place.coord.lon, 4),
                    place.aliases.join("; "),
                ]);
            }
            if !table.is_empty() {
                table.write(out)?;
            }
        }
    }
    Ok(Exit::Ok)
}
