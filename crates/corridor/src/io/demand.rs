//! Demand files: `from,to,volume_teu_per_year[,source]`, places by id, name or alias.

use super::diagnostic::{Diagnostic, DiagnosticKind, LoadError};
use super::load::Source;
use super::table::{self, NumberRange};
use crate::model::{Demand, Network};

/// The columns of a demand file.
pub const DEMAND_COLUMNS: &[&str] = &["from", "to", "volume_teu_per_year", "source"];

/// Reads a demand CSV against `network`. Every problem is reported with its line: a
/// missing column, an unknown place (with suggestions), a bad volume.
pub fn read_demands(network: &Network, source: Source<'_>) -> Result<Vec<Demand>, LoadError> {
    let spec = table::Spec {
        file: source.name,
        known: DEMAND_COLUMNS,
        required: &[0, 1, 2],
        one_of: &[],
    };
    table::read_rows(spec, source.bytes, |row, diagnostics| {
        let place = |col: usize, diagnostics: &mut Vec<Diagnostic>| {
            let text = row.required(col, diagnostics)?;
            match network.resolve_end(text) {
                Ok(id) => Some(id),
                Err(error) => {
                    diagnostics.push(
                        row.error(DiagnosticKind::UnknownReference, col, &error.to_string())
                            .value(text)
                            .expected("a place id, name or alias of the network"),
                    );
                    None
                }
            }
        };
        let from = place(0, diagnostics);
        let to = place(1, diagnostics);
        let volume = if row.required(2, diagnostics).is_some() {
            row.number(2, NumberRange::NonNegative, diagnostics)
                .ok()
                .flatten()
        } else {
            None
        };
        Some(Demand {
            from: from?,
            to: to?,
            volume_teu_per_year: volume?,
        })
    })
}
