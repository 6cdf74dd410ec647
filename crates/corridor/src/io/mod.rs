//! Reading and writing networks: CSV + TOML folders with located errors, GeoJSON export.
//!
//! The format is documented in `docs/data-format.md`. [`load`] works on bytes (the
//! built-in network is embedded in the binary); [`load_dir`] reads a folder.

mod demand;
mod diagnostic;
mod export;
mod load;
mod meta_toml;
mod output;
pub mod snapshot;
pub(crate) mod table;

use std::path::Path;

#[cfg(feature = "internals")]
pub use crate::model::{GREAT_CIRCLE_TOLERANCE, GREAT_CIRCLE_TOLERANCE_KM};
#[cfg(feature = "internals")]
pub use demand::DEMAND_COLUMNS;
pub use demand::read_demands;
pub use diagnostic::{Diagnostic, DiagnosticKind, LoadError, Severity};
#[cfg(feature = "internals")]
pub use export::{csv_error, place_properties, write_geojson, write_places_csv};
pub use export::{write_legs_csv, write_network_toml, write_nodes_csv};
pub use load::{LEG_COLUMNS, Loaded, NODE_COLUMNS, Source, Sources, load};
#[cfg(feature = "internals")]
pub use meta_toml::FORMAT_VERSION;
#[cfg(feature = "internals")]
pub use output::write_network_dir;
pub use output::{OutputError, write_file};

pub(crate) use load::{leg_from_cells, place_from_cells};
pub(crate) use meta_toml::line_of;
pub(crate) use table::not_utf8;

/// Loads the network at `path`: a snapshot file (recognised by its magic bytes, see
/// [`snapshot`]; its hierarchies are dropped) or a network folder ([`load_dir`]).
#[cfg_attr(not(feature = "internals"), allow(dead_code))] // used by tests
pub fn load_path(path: &Path) -> Result<Loaded, LoadError> {
    if path.is_file() && snapshot::is_snapshot_file(path) {
        return snapshot::read_file(path).map(|snapshot| Loaded {
            network: snapshot.network,
            warnings: Vec::new(),
        });
    }
    load_dir(path)
}

/// Reads `nodes.csv`, `legs.csv` and (if present) `network.toml` from `dir` and loads
/// them with [`load`]. Missing or unreadable files are reported like any other problem.
pub fn load_dir(dir: &Path) -> Result<Loaded, LoadError> {
    let folder = match std::fs::metadata(dir) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Some("folder does not exist"),
        Ok(metadata) if !metadata.is_dir() => Some("not a folder"),
        _ => None,
    };
    if let Some(problem) = folder {
        return Err(LoadError {
            errors: vec![
                Diagnostic::error(
                    DiagnosticKind::MissingFile,
                    &dir.display().to_string(),
                    problem,
                )
                .expected(
                    "a network folder with nodes.csv and legs.csv (and optionally network.toml)",
                ),
            ],
            warnings: Vec::new(),
        });
    }
    /// A file's name and bytes, `None` if it may be missing and is, or the problem.
    type Read = Result<Option<(String, Vec<u8>)>, Box<Diagnostic>>;
    let read = |file: &str, required: bool| -> Read {
        let path = dir.join(file);
        let name = path.display().to_string();
        match std::fs::read(&path) {
            Ok(bytes) => Ok(Some((name, bytes))),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                if required {
                    Err(Box::new(
                        Diagnostic::error(DiagnosticKind::MissingFile, &name, "file not found")
                            .expected(format!(
                                "a network folder with nodes.csv and legs.csv (and optionally network.toml); {} has no {file}",
                                dir.display()
                            )),
                    ))
                } else {
                    Ok(None)
                }
            }
            Err(error) => Err(Box::new(Diagnostic::error(
                DiagnosticKind::Unreadable,
                &name,
                format!("cannot read: {}", error.to_string().to_lowercase()),
            ))),
        }
    };
    // The two tables are read at once (copying them is most of the time).
    let (nodes, legs) = rayon::join(|| read("nodes.csv", true), || read("legs.csv", true));
    let toml = read("network.toml", false);
    let mut errors = Vec::new();
    let mut file = |read: Read| {
        read.unwrap_or_else(|problem| {
            errors.push(*problem);
            None
        })
    };
    let (nodes, legs, toml) = (file(nodes), file(legs), file(toml));
    let (Some(nodes), Some(legs)) = (nodes, legs) else {
        return Err(LoadError {
            errors,
            warnings: Vec::new(),
        });
    };
    if !errors.is_empty() {
        return Err(LoadError {
            errors,
            warnings: Vec::new(),
        });
    }
    load::load_owned(
        toml.as_ref().map(|(name, bytes)| Source { name, bytes }),
        nodes,
        legs,
    )
}
