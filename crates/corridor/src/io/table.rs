//! A CSV table reader that reports every problem with its location, parsing large files
//! in parallel chunks.
//!
//! Column names are matched case-insensitively after trimming; cells are trimmed and an
//! empty cell means "use the default". Lines are counted as an editor shows them (the
//! header is line 1; a quoted field spanning lines counts them all).

use csv::{ByteRecord, ReaderBuilder};

use super::diagnostic::{Diagnostic, DiagnosticKind};

/// The header of a table: where each known column sits.
pub(crate) struct Header<'a> {
    pub(crate) file: &'a str,
    names: &'static [&'static str],
    indices: Vec<Option<usize>>,
    width: usize,
}

impl Header<'_> {
    /// Whether the known column `col` (index into the known names) is present.
    pub(crate) fn has(&self, col: usize) -> bool {
        self.indices[col].is_some()
    }
}

/// One data row.
pub(crate) struct Row<'h, 'a> {
    header: &'h Header<'a>,
    record: &'h ByteRecord,
    pub(crate) line: u64,
}

/// A table to read: its file name (for messages), the columns it knows, those it
/// requires, and those of which it needs at least one (indices into the known ones).
#[derive(Clone, Copy)]
pub(crate) struct Spec<'a> {
    pub(crate) file: &'a str,
    pub(crate) known: &'static [&'static str],
    pub(crate) required: &'a [usize],
    pub(crate) one_of: &'a [usize],
}

/// Bytes per parallel chunk, at least.
const CHUNK_BYTES: usize = 1 << 20;

/// What one chunk of a table produced: the accumulator filled by its rows and the
/// problems found, in line order.
pub(crate) struct Chunk<A> {
    pub(crate) value: A,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

/// Chunks parsed at once per thread of the pool: enough to keep every thread busy, few
/// enough that the rows parsed but not yet taken by the caller stay a small part of the
/// file.
const CHUNKS_PER_THREAD: usize = 2;

/// Reads `bytes` as CSV: checks the header for `required` columns (names from `known`)
/// and for at least one of `one_of`, then feeds every row to `row`, which adds what it
/// parsed to its chunk's accumulator (made by `start`, given the chunk's number of lines
/// so it can reserve memory once) and reports problems. Large files
/// without quoted fields (so that line breaks always end rows) are split into chunks
/// parsed in parallel on the current rayon pool, a few at a time; `take` receives the
/// chunks in file order, so the result does not depend on the thread count. `false` if
/// the table could not be read at all (empty, unusable header).
pub(crate) fn read_chunks<A: Send>(
    spec: Spec<'_>,
    bytes: &[u8],
    diagnostics: &mut Vec<Diagnostic>,
    start: impl Fn(usize) -> A + Sync,
    row: impl Fn(&mut A, &Row<'_, '_>, &mut Vec<Diagnostic>) + Sync,
    mut take: impl FnMut(Chunk<A>),
) -> bool {
    use rayon::prelude::*;

    let Spec {
        file,
        known,
        required,
        one_of,
    } = spec;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut record = ByteRecord::new();
    let header_line = match reader.read_byte_record(&mut record) {
        Ok(true) => record.position().map_or(1, |p| p.line()),
        Ok(false) => {
            diagnostics.push(
                Diagnostic::error(DiagnosticKind::EmptyFile, file, "file is empty").expected(
                    format!("a header line with the columns {}", known.join(",")),
                ),
            );
            return false;
        }
        Err(error) => {
            diagnostics.push(Diagnostic::error(
                DiagnosticKind::BadCsv,
                file,
                format!("cannot read the header: {error}"),
            ));
            return false;
        }
    };
    let Some(header) = parse_header(
        file,
        &record,
        header_line,
        known,
        required,
        one_of,
        diagnostics,
    ) else {
        return false;
    };
    let start_byte = (reader.position().byte() as usize).min(bytes.len());
    let data = &bytes[start_byte..];
    let lines_before = bytes[..start_byte].iter().filter(|&&b| b == b'\n').count() as u64;
    // Chunk boundaries just after line breaks; one chunk if quotes could hide a break.
    let mut bounds = vec![0];
    if !data.contains(&b'"') {
        let mut at = CHUNK_BYTES;
        while at < data.len() {
            match data[at..].iter().position(|&b| b == b'\n') {
                Some(nl) => {
                    bounds.push(at + nl + 1);
                    at += nl + 1 + CHUNK_BYTES;
                }
                None => break,
            }
        }
    }
    bounds.push(data.len());
    let mut pieces = Vec::with_capacity(bounds.len());
    let mut lines = lines_before;
    for pair in bounds.windows(2) {
        let piece = &data[pair[0]..pair[1]];
        let count = piece.iter().filter(|&&b| b == b'\n').count() as u64;
        pieces.push((piece, lines, count as usize + 1));
        lines += count;
    }
    let wave = rayon::current_num_threads().max(1) * CHUNKS_PER_THREAD;
    for pieces in pieces.chunks(wave) {
        let chunks: Vec<Chunk<A>> = pieces
            .par_iter()
            .map(|&(piece, offset, rows)| read_chunk(&header, piece, offset, start(rows), &row))
            .collect();
        chunks.into_iter().for_each(&mut take);
    }
    true
}

/// Parses the rows of one chunk; `offset` is the number of lines before it.
fn read_chunk<A>(
    header: &Header<'_>,
    chunk: &[u8],
    offset: u64,
    value: A,
    parse: &(impl Fn(&mut A, &Row<'_, '_>, &mut Vec<Diagnostic>) + Sync),
) -> Chunk<A> {
    let file = header.file;
    let mut reader = ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(chunk);
    let mut record = ByteRecord::new();
    let mut out = Chunk {
        value,
        diagnostics: Vec::new(),
    };
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(error) => {
                let line = offset + error.position().map_or(0, |p| p.line());
                out.diagnostics.push(
                    Diagnostic::error(DiagnosticKind::BadCsv, file, format!("{error}")).at(line),
                );
                break;
            }
        }
        let line = offset + record.position().map_or(0, |p| p.line());
        if record.len() == 1 && record[0].iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        if record.len() != header.width {
            out.diagnostics.push(
                Diagnostic::error(
                    DiagnosticKind::RaggedRow,
                    file,
                    format!(
                        "row has {} fields but the header has {}",
                        record.len(),
                        header.width
                    ),
                )
                .at(line)
                .expected(format!(
                    "{} comma-separated fields (quote fields that contain commas)",
                    header.width
                )),
            );
            continue;
        }
        let row = Row {
            header,
            record: &record,
            line,
        };
        parse(&mut out.value, &row, &mut out.diagnostics);
    }
    out
}

fn parse_header<'a>(
    file: &'a str,
    record: &ByteRecord,
    line: u64,
    known: &'static [&'static str],
    required: &[usize],
    one_of: &[usize],
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Header<'a>> {
    let mut indices = vec![None; known.len()];
    let mut usable = true;
    for (position, raw) in record.iter().enumerate() {
        let Ok(name) = std::str::from_utf8(raw) else {
            diagnostics.push(
                Diagnostic::error(
                    DiagnosticKind::BadEncoding,
                    file,
                    "column name is not UTF-8",
                )
                .at(line)
                .expected("a UTF-8 encoded file"),
            );
            continue;
        };
        let name = name.trim().to_ascii_lowercase();
        match known.iter().position(|k| *k == name) {
            Some(col) if indices[col].is_some() => {
                diagnostics.push(
                    Diagnostic::error(
                        DiagnosticKind::DuplicateColumn,
                        file,
                        "column appears twice in the header",
                    )
                    .at(line)
                    .column(&name),
                );
                usable = false;
            }
            Some(col) => indices[col] = Some(position),
            None => diagnostics.push(
                Diagnostic::warning(
                    DiagnosticKind::UnknownColumn,
                    file,
                    "unknown column is ignored",
                )
                .at(line)
                .value(&name)
                .expected(format!("one of {}", known.join(", "))),
            ),
        }
    }
    for &col in required {
        if indices[col].is_none() {
            diagnostics.push(
                Diagnostic::error(
                    DiagnosticKind::MissingColumn,
                    file,
                    "required column is missing",
                )
                .at(line)
                .column(known[col])
                .expected(format!(
                    "a header with the columns {}",
                    required
                        .iter()
                        .map(|&c| known[c])
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            );
            usable = false;
        }
    }
    if !one_of.is_empty() && one_of.iter().all(|&col| indices[col].is_none()) {
        let names: Vec<&str> = one_of.iter().map(|&c| known[c]).collect();
        diagnostics.push(
            Diagnostic::error(
                DiagnosticKind::MissingColumn,
                file,
                format!("none of the columns {} is present", names.join(", ")),
            )
            .at(line)
            .column(names[0])
            .expected(format!("at least one of the columns {}", names.join(", "))),
        );
        usable = false;
    }
    usable.then_some(Header {
        file,
        names: known,
        indices,
        width: record.len(),
    })
}

/// What a cell holds once trimmed.
impl Row<'_, '_> {
    /// The name of known column `col`.
    pub(crate) fn name(&self, col: usize) -> &'static str {
        self.header.names[col]
    }

    /// An error located at this row and column.
    pub(crate) fn error(&self, kind: DiagnosticKind, col: usize, message: &str) -> Diagnostic {
        Diagnostic::error(kind, self.header.file, message)
            .at(self.line)
            .column(self.name(col))
    }

    /// A warning located at this row.
    pub(crate) fn warning(&self, kind: DiagnosticKind, message: impl Into<String>) -> Diagnostic {
        Diagnostic::warning(kind, self.header.file, message).at(self.line)
    }

    /// The trimmed text of a cell; `None` if the column is absent or the cell empty.
    /// Reports cells that are not UTF-8.
    pub(crate) fn text(&self, col: usize, diagnostics: &mut Vec<Diagnostic>) -> Option<&str> {
        let raw = &self.record[self.header.indices[col]?];
        match std::str::from_utf8(raw) {
            Ok(text) => Some(text.trim()).filter(|t| !t.is_empty()),
            Err(_) => {
                diagnostics.push(
                    self.error(DiagnosticKind::BadEncoding, col, "cell is not valid UTF-8")
                        .value(&String::from_utf8_lossy(raw))
                        .expected("UTF-8 text"),
                );
                None
            }
        }
    }

    /// A required cell: reports a missing value.
    pub(crate) fn required(&self, col: usize, diagnostics: &mut Vec<Diagnostic>) -> Option<&str> {
        let text = self.text(col, diagnostics);
        if text.is_none() && self.header.has(col) {
            let raw_ok = std::str::from_utf8(&self.record[self.header.indices[col]?]).is_ok();
            if raw_ok {
                diagnostics.push(self.error(
                    DiagnosticKind::MissingValue,
                    col,
                    "required value is empty",
                ));
            }
        }
        text
    }

    /// A finite number in `[min, max]`; `Ok(None)` for an empty cell, `Err(())` (reported)
    /// for a bad one.
    pub(crate) fn number(
        &self,
        col: usize,
        range: NumberRange,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Result<Option<f64>, ()> {
        let Some(text) = self.text(col, diagnostics) else {
            return Ok(None);
        };
        match parse_number(text, range) {
            Ok(value) => Ok(Some(value)),
            Err((kind, message)) => {
                diagnostics.push(
                    self.error(kind, col, message)
                        .value(text)
                        .expected(range.describe()),
                );
                Err(())
            }
        }
    }
}

/// Which numbers a column accepts.
#[derive(Clone, Copy, Debug)]
pub(crate) enum NumberRange {
    /// `>= 0`.
    NonNegative,
    /// `> 0`.
    Positive,
    /// `[min, max]` inclusive.
    Between(f64, f64),
}

impl NumberRange {
    fn describe(self) -> String {
        match self {
            NumberRange::NonNegative => "a finite number >= 0".to_owned(),
            NumberRange::Positive => "a finite number > 0".to_owned(),
            NumberRange::Between(min, max) => format!("a number from {min} to {max}"),
        }
    }
}

/// Parses a decimal number and checks it against `range`.
pub(crate) fn parse_number(
    text: &str,
    range: NumberRange,
) -> Result<f64, (DiagnosticKind, &'static str)> {
    let value: f64 = text
        .parse()
        .map_err(|_| (DiagnosticKind::BadNumber, "not a number"))?;
    if !value.is_finite() {
        return Err((DiagnosticKind::NotFinite, "number is not finite"));
    }
    match range {
        NumberRange::NonNegative if value < 0.0 => {
            Err((DiagnosticKind::Negative, "number is negative"))
        }
        NumberRange::Positive if value <= 0.0 => {
            Err((DiagnosticKind::Negative, "number must be greater than zero"))
        }
        NumberRange::Between(min, max) if !(min..=max).contains(&value) => {
            Err((DiagnosticKind::OutOfRange, "number is out of range"))
        }
        _ => Ok(value),
    }
}
