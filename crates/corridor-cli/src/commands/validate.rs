//! `corridor validate`: load the network and report every problem.

use std::collections::BTreeMap;
use std::io::Write;

use corridor::io::Diagnostic;
use corridor::scenario;
use corridor::{Mode, Network, Status};
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
    let summary = network.as_ref().map(summary);
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

fn summary(network: &Network) -> serde_json::Value {
    let mut modes = BTreeMap::new();
    for mode in Mode::ALL {
        let count = network.legs().iter().filter(|leg| leg.mode == mode).count();
        modes.insert(mode.as_str(), count);
    }
    let mut statuses = BTreeMap::new();
    for status in Status::ALL {
        let count = network
            .legs()
            .iter()
            .filter(|leg| leg.status == status)
            .count();
        statuses.insert(status.as_str(), count);
    }
    json!({
        "name": network.meta().name,
        "version": network.meta().version,
        "places": network.places().len(),
        "legs": network.legs().len(),
        "legs_by_mode": modes,
        "legs_by_status": statuses,
        "corridors": corridor_counts(network),
    })
}

fn corridor_counts(network: &Network) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for leg in network.legs() {
        for &corridor in &leg.corridors {
            *counts
                .entry(network.corridor_name(corridor).to_owned())
                .or_insert(0) += 1;
        }
    }
    counts
}

fn write_summary(network: &Network, out: &mut dyn Write) -> std::io::Result<()> {
    let meta = network.meta();
    writeln!(
        out,
        "network: {}{}",
        meta.name,
        if meta.version.is_empty() {
            String::new()
        } else {
            format!(" ({})", meta.version)
        }
    )?;
    writeln!(out, "places: {}", network.places().len())?;
    let by_mode: Vec<String> = Mode::ALL
        .iter()
        .map(|&mode| {
            let n = network.legs().iter().filter(|leg| leg.mode == mode).count();
            format!("{n} {mode}")
        })
        .collect();
    writeln!(
        out,
        "legs: {} ({})",
        network.legs().len(),
        by_mode.join(", ")
    )?;
    let corridors: Vec<String> = corridor_counts(network)
        .into_iter()
        .map(|(name, n)| format!("{name} ({n})"))
        .collect();
    if !corridors.is_empty() {
        writeln!(out, "corridors: {}", corridors.join(", "))?;
    }
    Ok(())
}
