//! `corridor validate`: load the network and report every problem.

use std::io::Write;

use corridor::engine::view::NetworkSummary;
use corridor::io::Diagnostic;
use corridor::scenario;
use corridor::{Mode, Network};
use serde_json::json;

use super::load;
use crate::args::{Global, ReportFormat, ValidateArgs};
use crate::render;
use crate::{Exit, Failure};

pub(crate) fn run(
    global: &Global,
    args: &ValidateArgs,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    let (mut network, mut errors, warnings) = match load(global) {
        Ok(loaded) => (Some(loaded.network), Vec::new(), loaded.warnings),
        Err(error) => (None, error.errors, error.warnings),
    };
    // With --scenario: the scenarios must parse and apply to the network too.
    if let Some(base) = &network
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
            match scenario::parse(&path.display().to_string(), &bytes) {
                Ok(file) => files.push(file),
                Err(error) => errors.extend(error.errors),
            }
        }
        if errors.is_empty() {
            match scenario::apply(base, &files) {
                Ok(applied) => network = Some(applied.network),
                Err(error) => errors.extend(error.errors),
            }
        }
    }
    let summary = network.as_ref().map(NetworkSummary::new);
    match args.format {
        ReportFormat::Json => {
            let messages = |list: &[Diagnostic]| -> Vec<serde_json::Value> {
                list.iter()
                    .map(|d| {
                        json!({
                            "file": d.file, "line": d.line, "column": d.column,
                            "value": d.value, "message": d.message, "expected": d.expected,
                            "kind": format!("{:?}", d.kind), "text": d.to_string(),
                        })
                    })
                    .collect()
            };
            render::json(
                out,
                &json!({
                    "valid": errors.is_empty(),
                    "errors": messages(&errors),
                    "warnings": messages(&warnings),
                    "summary": summary,
                }),
            )?;
        }
        ReportFormat::Table => {
            for diagnostic in errors.iter().chain(&warnings) {
                writeln!(out, "{diagnostic}")?;
            }
            if let Some(network) = &network {
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
