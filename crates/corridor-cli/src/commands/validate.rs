//! `corridor validate`: load the network and report every problem.

use std::io::Write;

use corridor::view::{NetworkSummary, ValidationView};
use corridor::{Error, Mode, Network, ScenarioFile};

use super::load;
use crate::args::{Global, ReportFormat, ValidateArgs};
use crate::render;
use crate::{Exit, Failure};

pub(crate) fn run(
    global: &Global,
    args: &ValidateArgs,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    let (mut engine, mut errors, warnings) = match load(global) {
        Ok(engine) => {
            let warnings = engine.warnings().to_vec();
            (Some(engine), Vec::new(), warnings)
        }
        Err(Error::Data(error)) => (None, error.errors, error.warnings),
        Err(error) => return Err(Failure::new(Exit::Data, format!("error: {error}"))),
    };
    // With --scenario: the scenarios must parse and apply to the network too.
    if let Some(base) = &engine
        && !global.scenario.is_empty()
    {
        let mut files = Vec::new();
        for path in &global.scenario {
            let bytes = std::fs::read(path).map_err(|e| {
                Failure::usage(format!(
                    "error: --scenario: cannot read {}: {e}",
                    path.display()
                ))
            })?;
            match ScenarioFile::parse(&path.display().to_string(), &bytes) {
                Ok(file) => files.push(file),
                Err(error) => errors.extend(error.errors),
            }
        }
        if errors.is_empty() {
            match base.with_scenarios(&files) {
                Ok(applied) => engine = Some(applied),
                Err(Error::Data(error)) => errors.extend(error.errors),
                Err(error) => return Err(Failure::new(Exit::Data, format!("error: {error}"))),
            }
        }
    }
    let network = engine.as_ref().map(|e| e.network());
    match args.format {
        ReportFormat::Json => {
            render::json(out, &ValidationView::new(&errors, &warnings, network))?;
        }
        ReportFormat::Table => {
            for diagnostic in errors.iter().chain(&warnings) {
                writeln!(out, "{diagnostic}")?;
            }
            if let Some(network) = network {
                write_summary(network, out)?;
            }
            writeln!(
                out,
                "{}: {} errors, {} warnings",
                if errors.is_empty() {
                    "valid"
                } else {
                    "invalid"
                },
                errors.len(),
                warnings.len()
            )?;
        }
    }
    Ok(if errors.is_empty() {
        Exit::Ok
    } else {
        Exit::Data
    })
}

fn write_summary(network: &Network, out: &mut dyn Write) -> std::io::Result<()> {
    let summary = NetworkSummary::new(network);
    writeln!(
        out,
        "network: {}{}",
        summary.name,
        if summary.version.is_empty() {
            String::new()
        } else {
            format!(" ({})", summary.version)
        }
    )?;
    writeln!(out, "places: {}", summary.places)?;
    let by_mode: Vec<String> = Mode::ALL
        .iter()
        .map(|&mode| format!("{} {mode}", summary.legs_by_mode[mode.as_str()]))
        .collect();
    writeln!(out, "legs: {} ({})", summary.legs, by_mode.join(", "))?;
    let corridors: Vec<String> = summary
        .corridors
        .iter()
        .map(|(name, n)| format!("{name} ({n})"))
        .collect();
    if !corridors.is_empty() {
        writeln!(out, "corridors: {}", corridors.join(", "))?;
    }
    Ok(())
}
