//! `corridor matrix`: best-route metrics between many origins and destinations.

use std::io::Write;
use std::path::Path;

use corridor::engine::MatrixView;
use corridor::route::Cell;
use corridor::{Network, PlaceId};

use super::routing::profile;
use super::{Global, engine, place};
use crate::args::{Engine as MatrixEngine, MatrixArgs, MatrixFormat};
use crate::render::{self, Table, number};
use crate::{Exit, Failure};

pub(crate) fn run(
    global: &Global,
    args: &MatrixArgs,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    if !args.routing.via.is_empty() {
        return Err(Failure::usage("error: matrix does not take --via"));
    }
    let engine = engine(global)?;
    let network = engine.network();
    let profile = profile(network, &args.routing)?;
    let from = places(network, "--from", &args.from, args.from_file.as_deref())?;
    let to = places(network, "--to", &args.to, args.to_file.as_deref())?;
    let asked = match args.engine {
        MatrixEngine::Ch => Some(true),
        MatrixEngine::Dijkstra => Some(false),
        MatrixEngine::Auto => None,
    };
    // A snapshot's hierarchy for the profile is used unless told otherwise (and refused
    // here if it does not belong to the network).
    let stored = engine.has_hierarchy(&profile);
    let ch = engine
        .use_ch(asked, &profile, from.len())
        .map_err(|e| Failure::new(Exit::Data, format!("error: {e}")))?;
    // A bar on a terminal when the matrix takes more than a moment: hundreds of
    // origins, or a network large enough that preprocessing alone takes seconds.
    let bar =
        super::Bar::new(from.len() >= 200 || (ch && !stored && network.places().len() >= 100_000));
    let matrix = super::parallel(global, || {
        engine.matrix_reporting(&profile, &from, &to, ch, &bar)
    })?;
    drop(bar);
    let id = |p: PlaceId| &*network.place(p).id;
    match args.format {
        MatrixFormat::Csv => out.write_all(
            MatrixView::new(network, profile.objective.as_str(), &matrix)
                .to_csv()
                .as_bytes(),
        )?,
        MatrixFormat::Json => render::json(
            out,
            &MatrixView::new(network, profile.objective.as_str(), &matrix),
        )?,
        MatrixFormat::Table => {
            let mut table = Table::new(&["from", "to", "km>", "days>", "USD>", "kg CO2e>"]);
            for (i, &a) in matrix.from.iter().enumerate() {
                for (j, &b) in matrix.to.iter().enumerate() {
                    let cell = matrix.cell(i, j);
                    let show = |f: fn(&Cell) -> f64, d: usize| {
                        cell.as_ref().map_or("-".to_owned(), |c| number(f(c), d))
                    };
                    table.row(vec![
                        id(a).to_owned(),
                        id(b).to_owned(),
                        show(|c| c.metrics.distance_km, 0),
                        show(|c| c.metrics.time_h / 24.0, 1),
                        show(|c| c.metrics.cost_usd, 0),
                        show(|c| c.metrics.co2_kg, 0),
                    ]);
                }
            }
            table.write(out)?;
        }
    }
    Ok(Exit::Ok)
}

fn places(
    network: &Network,
    flag: &str,
    listed: &[String],
    file: Option<&Path>,
) -> Result<Vec<PlaceId>, Failure> {
    let mut queries: Vec<String> = listed
        .iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    if let Some(path) = file {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Failure::usage(format!(
                "error: {flag}-file: cannot read {}: {e}",
                path.display()
            ))
        })?;
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            if !line.is_empty() {
                queries.push(line.to_owned());
            }
        }
    }
    if queries.is_empty() {
        return Err(Failure::usage(format!("error: {flag}: no places given")));
    }
    queries.iter().map(|q| place(network, flag, q)).collect()
}
