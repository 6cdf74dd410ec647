//! Rendering results for people (tables) and programs (JSON, CSV).

pub(crate) mod report;
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

/// Formats a number with at most `decimals` decimals, dropping trailing zeros.
pub(crate) fn number(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    };
    if text == "-0" { "0".to_owned() } else { text }
}

/// Rounds a quantity for output (4 decimals: 0.1 m, 0.4 s, 0.01 cent, 0.1 g).
pub(crate) fn round(value: f64) -> f64 {
    let rounded = (value * 1e4).round() / 1e4;
    if rounded == 0.0 { 0.0 } else { rounded }
}

/// Shortest plain text of a number (no exponent, no trailing zeros).
pub(crate) fn plain(value: f64) -> String {
    let text = format!("{value}");
    text
}

/// Thousands separators for integers shown to people: 12345 → 12,345.
pub(crate) fn grouped(value: f64) -> String {
    let rounded = value.round();
    let digits = format!("{}", rounded.abs() as u64);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if rounded < 0.0 {
        format!("-{out}")
    } else {
        out
    }
}
