//! Rendering results for people (tables) and programs (JSON, CSV).

mod table;

pub(crate) use table::Table;

use std::io::Write;

use serde::Serialize;

/// Writes a value as pretty JSON followed by a newline.
pub(crate) fn json(out: &mut dyn Write, value: &impl Serialize) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(std::io::Error::other)?;
    writeln!(out)
}

/// Formats a number with at most `decimals` decimals, dropping trailing zeros.
pub(crate) fn number(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}
