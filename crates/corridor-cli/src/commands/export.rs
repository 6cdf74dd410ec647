//! `corridor export`: write the network as a CSV + TOML folder or as GeoJSON.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use corridor::{Network, OutputError};

use super::engine;
use crate::args::{ExportArgs, ExportFormat, Global};
use crate::{Exit, Failure};

pub(crate) fn run(
    global: &Global,
    args: &ExportArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Exit, Failure> {
    let csv_dir = match (args.format, &args.output) {
        (ExportFormat::Csv, None) => {
            return Err(Failure::usage(
                "error: export --format csv needs --output DIR (the folder to write nodes.csv, legs.csv and network.toml into)",
            ));
        }
        (ExportFormat::Csv, Some(dir)) => Some(dir),
        (ExportFormat::Geojson, _) => None,
    };
    let engine = engine(global)?;
    let network = engine.network();
    if let Some(dir) = csv_dir {
        for path in export_dir(network, dir, args.force)? {
            writeln!(err, "wrote {}", path.display())?;
        }
    } else if let Some(path) = &args.output {
        write_file(path, args.force, |file| network.write_geojson(file))?;
        writeln!(err, "wrote {}", path.display())?;
    } else {
        network.write_geojson(&mut *out)?;
    }
    Ok(Exit::Ok)
}

pub(crate) fn export_dir(
    network: &Network,
    dir: &Path,
    force: bool,
) -> Result<Vec<PathBuf>, Failure> {
    network
        .write_dir(dir, force)
        .map_err(|e| output_failure(e, "choose another folder or pass --force"))
}

/// Writes to `path` through [`corridor::write_file`]: replaces an existing file only
/// with `force`.
pub(crate) fn write_file(
    path: &Path,
    force: bool,
    write: impl FnOnce(&mut BufWriter<File>) -> io::Result<()>,
) -> Result<(), Failure> {
    corridor::write_file(path, force, write)
        .map_err(|e| output_failure(e, "pass --force to replace it"))
}

/// An output error as the CLI reports it (exit 1), saying how to overwrite.
fn output_failure(error: OutputError, overwrite: &str) -> Failure {
    let message = match &error {
        OutputError::Exists { .. } => format!("error: {error}; {overwrite}"),
        _ => format!("error: {error}"),
    };
    Failure::new(Exit::Failure, message)
}
