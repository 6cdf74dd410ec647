//! Reading and writing networks: CSV + TOML folders with located errors, GeoJSON export.
//!
//! The format is documented in `docs/data-format.md`. [`load`] works on bytes (the
//! built-in network is embedded in the binary); [`load_dir`] reads a folder.

mod demand;
mod diagnostic;
mod export;
mod load;
mod meta_toml;
mod table;

use std::path::Path;

pub use demand::{DEMAND_COLUMNS, read_demands};
pub use diagnostic::{Diagnostic, DiagnosticKind, LoadError, Severity};
pub use export::{
    csv_error, place_properties, write_geojson, write_legs_csv, write_network_toml,
    write_nodes_csv, write_places_csv,
};
pub use load::{
    GREAT_CIRCLE_TOLERANCE, GREAT_CIRCLE_TOLERANCE_KM, LEG_COLUMNS, Loaded, NODE_COLUMNS, Source,
    Sources, load,
};
pub use meta_toml::FORMAT_VERSION;

pub(crate) use meta_toml::line_of;

/// Reads `nodes.csv`, `legs.csv` and (if present) `network.toml` from `dir` and loads
/// them with [`load`]. Missing or unreadable files are reported like any other problem.
pub fn load_dir(dir: &Path) -> Result<Loaded, LoadError> {
    let mut errors = Vec::new();
    let mut read = |file: &str, required: bool| -> Option<(String, Vec<u8>)> {
        let path = dir.join(file);
        let name = path.display().to_string();
        match std::fs::read(&path) {
            Ok(bytes) => Some((name, bytes)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                if required {
                    errors.push(
                        Diagnostic::error(DiagnosticKind::MissingFile, &name, "file not found")
                            .expected(format!(
                                "a network folder with nodes.csv and legs.csv (and optionally network.toml); {} has no {file}",
                                dir.display()
                            )),
                    );
                }
                None
            }
            Err(error) => {
                errors.push(Diagnostic::error(
                    DiagnosticKind::Unreadable,
                    &name,
                    format!("cannot read: {}", error.to_string().to_lowercase()),
                ));
                None
            }
        }
    };
    let nodes = read("nodes.csv", true);
    let legs = read("legs.csv", true);
    let toml = read("network.toml", false);
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
    load(Sources {
        nodes: Source {
            name: &nodes.0,
            bytes: &nodes.1,
        },
        legs: Source {
            name: &legs.0,
            bytes: &legs.1,
        },
        network_toml: toml.as_ref().map(|(name, bytes)| Source { name, bytes }),
    })
}
