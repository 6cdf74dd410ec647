//! `corridor export`: write the network as a CSV + TOML folder or as GeoJSON.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use corridor::Network;
use corridor::io::{write_geojson, write_legs_csv, write_network_toml, write_nodes_csv};

use super::network;
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
    let network = network(global)?;
    if let Some(dir) = csv_dir {
        for path in export_dir(&network, dir, args.force)? {
            writeln!(err, "wrote {}", path.display())?;
        }
    } else if let Some(path) = &args.output {
        write_file(path, args.force, |file| write_geojson(&network, file))?;
        writeln!(err, "wrote {}", path.display())?;
    } else {
        write_geojson(&network, &mut *out)?;
    }
    Ok(Exit::Ok)
}

pub(crate) fn export_dir(
    network: &Network,
    dir: &Path,
    force: bool,
) -> Result<Vec<PathBuf>, Failure> {
    fs::create_dir_all(dir).map_err(|e| {
        Failure::new(
            Exit::Failure,
            format!("error: cannot create {}: {e}", dir.display()),
        )
    })?;
    let files = ["nodes.csv", "legs.csv", "network.toml"].map(|name| dir.join(name));
    if !force {
        let existing: Vec<String> = files
            .iter()
            .filter(|path| path.exists())
            .map(|path| path.display().to_string())
            .collect();
        if !existing.is_empty() {
            return Err(Failure::new(
                Exit::Failure,
                format!(
                    "error: will not overwrite {}; choose another folder or pass --force",
                    existing.join(", ")
                ),
            ));
        }
    }
    write_file(&files[0], true, |file| write_nodes_csv(network, file))?;
    write_file(&files[1], true, |file| write_legs_csv(network, file))?;
    write_file(&files[2], true, |file| write_network_toml(network, file))?;
    Ok(files.to_vec())
}

/// Writes a file through a temporary sibling and a rename, so a failed write never leaves
/// a half-written file in place of a good one. Refuses to replace a file unless `force`.
pub(crate) fn write_file(
    path: &Path,
    force: bool,
    write: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
) -> Result<(), Failure> {
    if !force && path.exists() {
        return Err(Failure::new(
            Exit::Failure,
            format!(
                "error: will not overwrite {}; pass --force to replace it",
                path.display()
            ),
        ));
    }
    let fail = |e: std::io::Error| {
        Failure::new(
            Exit::Failure,
            format!("error: cannot write {}: {e}", path.display()),
        )
    };
    let mut temp = path.as_os_str().to_owned();
    temp.push(".partial");
    let temp = PathBuf::from(temp);
    let file = File::create(&temp).map_err(fail)?;
    let mut writer = BufWriter::new(file);
    let result = write(&mut writer).and_then(|()| writer.flush());
    drop(writer);
    if let Err(e) = result.and_then(|()| fs::rename(&temp, path)) {
        let _ = fs::remove_file(&temp);
        return Err(fail(e));
    }
    Ok(())
}
