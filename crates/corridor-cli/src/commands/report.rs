//! `corridor report`: a self-contained HTML comparison of the corridors between two
//! places.

use std::io::Write;
use std::path::PathBuf;

use super::routing::{failure, request};
use super::{Global, engine};
use crate::args::{By, ReportArgs};
use crate::{Exit, Failure};

pub(crate) fn run(
    global: &Global,
    args: &ReportArgs,
    err: &mut dyn Write,
) -> Result<Exit, Failure> {
    if args.samples == 0 {
        return Err(Failure::usage("error: --samples must be at least 1"));
    }
    let engine = engine(global)?;
    let request = request(&args.routing, &args.from, &args.to, By::Time)?;
    let (_, query) = engine.resolve(&request).map_err(failure)?;
    let scenarios: Vec<String> = global
        .scenario
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let html = super::parallel(global, || {
        engine.report(&request, args.samples, args.seed, &scenarios)
    })?
    .map_err(failure)?;
    let network = engine.network();
    let path = args.output.clone().unwrap_or_else(|| {
        PathBuf::from(format!(
            "corridor-report-{}-{}.html",
            network.place(query.from).id,
            network.place(query.to).id
        ))
    });
    super::export::write_file(&path, args.force, |file| file.write_all(html.as_bytes()))?;
    writeln!(err, "wrote {}", path.display())?;
    Ok(Exit::Ok)
}
