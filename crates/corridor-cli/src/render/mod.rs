//! Rendering results for people (tables) and programs (JSON, CSV).

pub(crate) mod routes;
mod table;

pub(crate) use table::Table;

use std::io::Write;

use serde::Serialize;

/// Writes a value as pretty JSON followed by a newline.
pub(crate) fn json(out: &mut dyn Write, value: &impl Serialize) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(std::io::Error::from)?;
    writeln!(out)
}

pub(crate) use corridor::view::{grouped, number};
