//! `corridor matrix`: best-route metrics between many origins and destinations.

use std::io::Write;
use std::path::Path;

use corridor::MatrixRequest;

use super::routing::{failure_named, flag, request};
use super::{Global, engine};
use crate::args::{By, Engine as MatrixEngine, MatrixArgs, MatrixFormat};
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
    let routing = request(&args.routing, "", "", By::Time)?;
    let from = places("--from", &args.from, args.from_file.as_deref())?;
    let to = places("--to", &args.to, args.to_file.as_deref())?;
    let engine = engine(global)?;
    let request = MatrixRequest {
        from,
        to,
        routing,
        ch: match args.engine {
            MatrixEngine::Ch => Some(true),
            MatrixEngine::Dijkstra => Some(false),
            MatrixEngine::Auto => None,
        },
    };
    // A bar on a terminal when the matrix takes more than a moment: hundreds of
    // origins, or a network large enough that preprocessing alone takes seconds.
    let bar =
        super::Bar::new(request.from.len() >= 200 || engine.network().places().len() >= 100_000);
    let matrix =
        super::parallel(global, || engine.matrix_with_progress(&request, &bar))?.map_err(|e| {
            failure_named(e, |field| match field {
                "from" | "to" => format!("--{field}"),
                other => flag(other),
            })
        })?;
    drop(bar);
    match args.format {
        MatrixFormat::Csv => out.write_all(matrix.to_csv().as_bytes())?,
        MatrixFormat::Json => render::json(out, &matrix)?,
        MatrixFormat::Table => {
            let mut table = Table::new(&["from", "to", "km>", "days>", "USD>", "kg CO2e>"]);
            for pair in &matrix.pairs {
                let show = |value: Option<f64>, decimals: usize| {
                    value.map_or("-".to_owned(), |v| number(v, decimals))
                };
                table.row(vec![
                    pair.from.clone(),
                    pair.to.clone(),
                    show(pair.distance_km, 0),
                    show(pair.time_h.map(|h| h / 24.0), 1),
                    show(pair.cost_usd, 0),
                    show(pair.co2_kg, 0),
                ]);
            }
            table.write(out)?;
        }
    }
    Ok(Exit::Ok)
}

/// The places of `--from`/`--to` and their `-file` as typed (the library resolves
/// them), at least one.
fn places(flag: &str, listed: &[String], file: Option<&Path>) -> Result<Vec<String>, Failure> {
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
    Ok(queries)
}
