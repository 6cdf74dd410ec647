//! A CSV table reader that reports every problem with its location, parsing large files
//! in parallel chunks.
//!
//! Column names are matched case-insensitively after trimming; cells are trimmed and an
//! empty cell means "use the default". Lines are counted as an editor shows them (the
//! header is line 1; a quoted field spanning lines counts them all).

use csv::{ByteRecord, ReaderBuilder};

use super::diagnostic::{Diagnostic, DiagnosticKind};
pub(crate) use crate::model::NumberRange;

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
    record: Record<'h>,
    pub(crate) line: u64,
}

/// The cells of a row.
#[derive(Clone, Copy)]
enum Record<'h> {
    /// As the csv crate read them: bytes, checked for UTF-8 cell by cell.
    Bytes(&'h ByteRecord),
    /// Split from text already known to be UTF-8 (see [`read_text_chunk`]).
    Text(&'h [&'h str]),
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

/// A whole small table read with [`read_chunks`]: the values `row` parses, in file
/// order, or every problem (errors and warnings) when any row has an error.
pub(crate) fn read_rows<T: Send>(
    spec: Spec<'_>,
    bytes: &[u8],
    row: impl Fn(&Row<'_, '_>, &mut Vec<Diagnostic>) -> Option<T> + Sync,
) -> Result<Vec<T>, super::diagnostic::LoadError> {
    let mut diagnostics = Vec::new();
    let mut values = Vec::new();
    let mut found = Vec::new();
    read_chunks(
        spec,
        bytes,
        &mut diagnostics,
        Vec::with_capacity,
        |_, _| {},
        |values: &mut Vec<T>, line, diagnostics| values.extend(row(line, diagnostics)),
        |chunk| {
            found.extend(chunk.diagnostics);
            values.extend(chunk.value);
        },
    );
    diagnostics.extend(found);
    let (errors, warnings): (Vec<_>, Vec<_>) =
        diagnostics.into_iter().partition(Diagnostic::is_error);
    if errors.is_empty() {
        Ok(values)
    } else {
        Err(super::diagnostic::LoadError { errors, warnings })
    }
}

/// Reads `bytes` as CSV: checks the header for `required` columns (names from `known`)
/// and for at least one of `one_of`, then feeds every row to `row`, which adds what it
/// parsed to its chunk's accumulator (made by `start`, given the chunk's number of lines
/// so it can reserve memory once) and reports problems. Large files
/// without quoted fields (so that line breaks always end rows) are split into chunks
/// parsed in parallel on the current rayon pool, a few at a time; `take` receives the
/// chunks in file order, so the result does not depend on the thread count. `false` if
/// the table could not be read at all (empty, unusable header).
///
/// In plain chunks (see [`read_text_chunk`]) rows are split [`BATCH_ROWS`] at a time and
/// `ahead` sees each batch before `row` parses its rows one by one: the caller can start
/// on all of them at once what would otherwise wait for one row after another (loading
/// looks up a batch's leg ends together, so their cache misses overlap). `ahead` may
/// only prepare: what a row parses to must not depend on it.
pub(crate) fn read_chunks<A: Send>(
    spec: Spec<'_>,
    bytes: &[u8],
    diagnostics: &mut Vec<Diagnostic>,
    start: impl Fn(usize) -> A + Sync,
    ahead: impl Fn(&mut A, &Batch<'_, '_>) + Sync,
    row: impl Fn(&mut A, &Row<'_, '_>, &mut Vec<Diagnostic>) + Sync,
    mut take: impl FnMut(Chunk<A>) + Send,
) -> bool {
    use rayon::prelude::*;

    let Spec {
        file,
        known,
        required,
        one_of,
    } = spec;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Some(problem) = not_text(file, bytes) {
        diagnostics.push(problem);
        return false;
    }
    let mut reader = ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut record = ByteRecord::new();
    let header_line = match reader.read_byte_record(&mut record) {
        Ok(true) => record_line(bytes, &record),
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
    let counted: Vec<(&[u8], u64)> = bounds
        .par_windows(2)
        .map(|pair| {
            let piece = &data[pair[0]..pair[1]];
            (piece, line_breaks(piece) as u64)
        })
        .collect();
    let mut pieces = Vec::with_capacity(counted.len());
    let mut lines = lines_before;
    for (piece, count) in counted {
        pieces.push((piece, lines, count as usize + 1));
        lines += count;
    }
    // The caller takes one wave of chunks while the next is parsed.
    let wave = rayon::current_num_threads().max(1) * CHUNKS_PER_THREAD;
    let parse = |pieces: &[(&[u8], u64, usize)]| -> Vec<Chunk<A>> {
        pieces
            .par_iter()
            .map(|&(piece, offset, rows)| {
                read_chunk(&header, piece, offset, start(rows), &ahead, &row)
            })
            .collect()
    };
    let mut parsed = Vec::new();
    for pieces in pieces.chunks(wave) {
        let done = std::mem::take(&mut parsed);
        parsed = rayon::join(|| parse(pieces), || done.into_iter().for_each(&mut take)).0;
    }
    parsed.into_iter().for_each(take);
    true
}

/// Parses one row given as the cells of the known columns (`cells[i]` is column
/// `known[i]`; an empty cell is an absent value), located at `file:line`: for rows
/// written in another format, such as a scenario's `[[add_node]]` entries.
pub(crate) fn parse_cells<T>(
    file: &str,
    known: &'static [&'static str],
    line: u64,
    cells: &[&str],
    parse: impl FnOnce(&Row<'_, '_>, &mut Vec<Diagnostic>) -> T,
) -> (T, Vec<Diagnostic>) {
    let header = Header {
        file,
        names: known,
        indices: (0..known.len()).map(Some).collect(),
        width: known.len(),
    };
    let row = Row {
        header: &header,
        record: Record::Text(cells),
        line,
    };
    let mut diagnostics = Vec::new();
    let value = parse(&row, &mut diagnostics);
    (value, diagnostics)
}

/// Bytes at the start of a table checked for UTF-8 before anything else.
const TEXT_CHECK_BYTES: usize = 1 << 16;

/// An error if the start of `bytes` is not UTF-8 text (a binary file, or another
/// encoding): one located error instead of one per column name or cell. Checks the
/// first [`TEXT_CHECK_BYTES`]; a bad cell further on is reported at its cell.
fn not_text(file: &str, bytes: &[u8]) -> Option<Diagnostic> {
    let head = &bytes[..bytes.len().min(TEXT_CHECK_BYTES)];
    let error = std::str::from_utf8(head).err()?;
    // A character cut by the end of the checked part is not an error.
    error.error_len()?;
    Some(not_utf8(file, head, error, "a CSV file saved as UTF-8"))
}

/// The error for `bytes` that are not UTF-8: located at the line and byte of the first
/// invalid sequence.
pub(crate) fn not_utf8(
    file: &str,
    bytes: &[u8],
    error: std::str::Utf8Error,
    expected: &str,
) -> Diagnostic {
    let at = error.valid_up_to();
    let line = line_breaks(&bytes[..at]) as u64 + 1;
    Diagnostic::error(
        DiagnosticKind::BadEncoding,
        file,
        format!("file is not UTF-8 text (byte {} is invalid)", at + 1),
    )
    .at(line)
    .expected(expected)
}

/// The number of `\n` in `bytes`.
pub(crate) fn line_breaks(bytes: &[u8]) -> usize {
    count_bytes(bytes, b'\n', b'\n')
}

/// The number of bytes equal to `a` or `b`: blocks of 32 bytes compared at once, with
/// one-byte counters per lane emptied every 255 blocks (so the compiler vectorises it).
fn count_bytes(bytes: &[u8], a: u8, b: u8) -> usize {
    const LANES: usize = 32;
    let mut total = 0;
    for run in bytes.chunks(255 * LANES) {
        let mut lanes = [0u8; LANES];
        let blocks = run.chunks_exact(LANES);
        let rest = blocks.remainder();
        for block in blocks {
            for (lane, &byte) in lanes.iter_mut().zip(block) {
                *lane += u8::from(byte == a) | u8::from(byte == b);
            }
        }
        total += lanes.iter().map(|&n| usize::from(n)).sum::<usize>();
        total += rest.iter().filter(|&&byte| byte == a || byte == b).count();
    }
    total
}

/// Parses the rows of one chunk; `offset` is the number of lines before it.
fn read_chunk<A>(
    header: &Header<'_>,
    chunk: &[u8],
    offset: u64,
    value: A,
    ahead: &(impl Fn(&mut A, &Batch<'_, '_>) + Sync),
    parse: &(impl Fn(&mut A, &Row<'_, '_>, &mut Vec<Diagnostic>) + Sync),
) -> Chunk<A> {
    let mut out = Chunk {
        value,
        diagnostics: Vec::new(),
    };
    // Most chunks are plain: no quotes, no carriage returns, valid UTF-8. Their rows are
    // the lines and their cells the comma-separated parts, exactly what the csv crate
    // reads, so they are split directly (checking UTF-8 once for the whole chunk).
    if count_bytes(chunk, b'"', b'\r') == 0
        && let Ok(text) = std::str::from_utf8(chunk)
    {
        read_text_chunk(header, text, offset, &mut out, ahead, parse);
    } else {
        read_csv_chunk(header, chunk, offset, &mut out, parse);
    }
    out
}

/// Rows per batch of a plain chunk (see [`read_chunks`]): enough for many cache misses
/// to overlap, few enough that the batch's cells (16 bytes each) stay in the L1 cache.
pub(crate) const BATCH_ROWS: usize = 128;

/// Rows of a plain chunk split but not parsed yet: the cells of each, and its line.
pub(crate) struct Batch<'h, 'a> {
    header: &'h Header<'a>,
    cells: &'h [&'h str],
    /// The first cell and the line of each row.
    rows: &'h [(usize, u64)],
}

impl<'h, 'a> Batch<'h, 'a> {
    /// The rows with their cells, blank and ragged ones included (as `take_row` gets them).
    fn records(&self) -> impl Iterator<Item = (Record<'h>, u64)> + '_ {
        self.rows.iter().enumerate().map(|(i, &(first, line))| {
            let end = self.rows.get(i + 1).map_or(self.cells.len(), |next| next.0);
            (Record::Text(&self.cells[first..end]), line)
        })
    }

    /// The rows that will be parsed (not blank, as many cells as the header), in order.
    pub(crate) fn rows(&self) -> impl Iterator<Item = Row<'h, 'a>> + '_ {
        self.records()
            .filter(|(record, _)| parsed(self.header, *record))
            .map(|(record, line)| Row {
                header: self.header,
                record,
                line,
            })
    }
}

/// [`read_chunk`] for text without quotes or carriage returns: one row per line, cells
/// separated by commas. Empty lines are skipped as the csv crate skips them, and rows are
/// numbered by the line on which they start (as [`record_line`] numbers them). Rows are
/// split [`BATCH_ROWS`] at a time, each batch shown to `ahead` and then parsed.
fn read_text_chunk<A>(
    header: &Header<'_>,
    text: &str,
    offset: u64,
    out: &mut Chunk<A>,
    ahead: &(impl Fn(&mut A, &Batch<'_, '_>) + Sync),
    parse: &(impl Fn(&mut A, &Row<'_, '_>, &mut Vec<Diagnostic>) + Sync),
) {
    let mut cells: Vec<&str> = Vec::with_capacity(header.width * BATCH_ROWS + 1);
    let mut rows: Vec<(usize, u64)> = Vec::with_capacity(BATCH_ROWS);
    let mut take_batch = |cells: &mut Vec<&str>, rows: &mut Vec<(usize, u64)>| {
        let batch = Batch {
            header,
            cells,
            rows,
        };
        ahead(&mut out.value, &batch);
        for (record, line) in batch.records() {
            take_row(header, record, line, out, parse);
        }
        cells.clear();
        rows.clear();
    };
    // The line being read, where the current row started, and where its cell starts.
    let (mut line, mut start, mut cell) = (1, 1, 0);
    let mut row_first = 0;
    for (at, &byte) in text.as_bytes().iter().enumerate() {
        if byte == b',' {
            cells.push(&text[cell..at]);
            cell = at + 1;
        } else if byte == b'\n' {
            if cells.len() > row_first || cell < at {
                cells.push(&text[cell..at]);
                rows.push((row_first, offset + start));
                row_first = cells.len();
                if rows.len() == BATCH_ROWS {
                    take_batch(&mut cells, &mut rows);
                    row_first = 0;
                }
            }
            start = line + 1;
            cell = at + 1;
            line += 1;
        }
    }
    if cells.len() > row_first || cell < text.len() {
        cells.push(&text[cell..]);
        rows.push((row_first, offset + start));
    }
    if !rows.is_empty() {
        take_batch(&mut cells, &mut rows);
    }
}

/// [`read_chunk`] with the csv crate (quoted fields, any line ends, bad UTF-8).
fn read_csv_chunk<A>(
    header: &Header<'_>,
    chunk: &[u8],
    offset: u64,
    out: &mut Chunk<A>,
    parse: &(impl Fn(&mut A, &Row<'_, '_>, &mut Vec<Diagnostic>) + Sync),
) {
    let mut reader = ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(chunk);
    let mut record = ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(error) => {
                let line = offset + error.position().map_or(0, |p| p.line());
                out.diagnostics.push(
                    Diagnostic::error(DiagnosticKind::BadCsv, header.file, format!("{error}"))
                        .at(line),
                );
                break;
            }
        }
        let line = offset + record_line(chunk, &record);
        take_row(header, Record::Bytes(&record), line, out, parse);
    }
}

/// The line on which `record`, read from `bytes`, starts. The csv crate gives the
/// position just after the previous record, which lies before the line breaks that end
/// it: before the `\n` of a `\r\n` and before skipped empty lines. The line breaks
/// between that position and the record's first byte are counted here.
fn record_line(bytes: &[u8], record: &ByteRecord) -> u64 {
    let Some(position) = record.position() else {
        return 1;
    };
    let from = usize::try_from(position.byte()).map_or(bytes.len(), |b| b.min(bytes.len()));
    let skipped = bytes[from..]
        .iter()
        .take_while(|&&b| b == b'\r' || b == b'\n')
        .filter(|&&b| b == b'\n')
        .count();
    position.line() + skipped as u64
}

/// Skips a blank row, reports a ragged one, and hands the others to `parse`.
fn take_row<A>(
    header: &Header<'_>,
    record: Record<'_>,
    line: u64,
    out: &mut Chunk<A>,
    parse: &(impl Fn(&mut A, &Row<'_, '_>, &mut Vec<Diagnostic>) + Sync),
) {
    let width = record.len();
    if blank(record) {
        return;
    }
    if width != header.width {
        out.diagnostics.push(
            Diagnostic::error(
                DiagnosticKind::RaggedRow,
                header.file,
                format!("row has {width} fields but the header has {}", header.width),
            )
            .at(line)
            .expected(format!(
                "{} comma-separated fields (quote fields that contain commas)",
                header.width
            )),
        );
        return;
    }
    let row = Row {
        header,
        record,
        line,
    };
    parse(&mut out.value, &row, &mut out.diagnostics);
}

/// Whether a row is blank (one cell of whitespace), which is skipped.
fn blank(record: Record<'_>) -> bool {
    record.len() == 1 && record.raw(0).iter().all(u8::is_ascii_whitespace)
}

/// Whether `take_row` hands a row to the parser: not blank, as wide as the header.
fn parsed(header: &Header<'_>, record: Record<'_>) -> bool {
    !blank(record) && record.len() == header.width
}

impl Record<'_> {
    fn len(self) -> usize {
        match self {
            Record::Bytes(record) => record.len(),
            Record::Text(cells) => cells.len(),
        }
    }

    fn raw(&self, index: usize) -> &[u8] {
        match self {
            Record::Bytes(record) => &record[index],
            Record::Text(cells) => cells[index].as_bytes(),
        }
    }
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

impl<'h> Row<'h, '_> {
    /// The trimmed text of a cell of a plain chunk's row, borrowed from the chunk (for
    /// [`Batch`]es); `None` if the column is absent or the row was read by the csv crate.
    pub(crate) fn plain_text(&self, col: usize) -> Option<&'h str> {
        match self.record {
            Record::Text(cells) => Some(trim(cells[self.header.indices[col]?])),
            Record::Bytes(_) => None,
        }
    }
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

    /// An error for a broken rule, located at this row and column.
    pub(crate) fn broken(&self, col: usize, broken: crate::model::Broken) -> Diagnostic {
        self.error(broken.kind, col, broken.message)
            .expected(broken.expected)
    }

    /// A warning located at this row.
    pub(crate) fn warning(&self, kind: DiagnosticKind, message: impl Into<String>) -> Diagnostic {
        Diagnostic::warning(kind, self.header.file, message).at(self.line)
    }

    /// The trimmed text of a cell; `None` if the column is absent or the cell empty.
    /// Reports cells that are not UTF-8.
    pub(crate) fn text(&self, col: usize, diagnostics: &mut Vec<Diagnostic>) -> Option<&str> {
        let index = self.header.indices[col]?;
        let raw = match self.record {
            Record::Text(cells) => return Some(trim(cells[index])).filter(|t| !t.is_empty()),
            Record::Bytes(record) => &record[index],
        };
        match std::str::from_utf8(raw) {
            Ok(text) => Some(trim(text)).filter(|t| !t.is_empty()),
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
            let raw_ok = std::str::from_utf8(self.record.raw(self.header.indices[col]?)).is_ok();
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

/// `text.trim()`, without looking further when the text is empty or both ends are
/// visible ASCII (most cells).
fn trim(text: &str) -> &str {
    let visible = |b: Option<&u8>| b.is_some_and(|b| (0x21..0x7f).contains(b));
    let bytes = text.as_bytes();
    if bytes.is_empty() || visible(bytes.first()) && visible(bytes.last()) {
        text
    } else {
        text.trim()
    }
}

/// A number written as digits with at most one decimal point and at most 15 digits
/// (most cells), without the general parser: the digits as an integer divided by a
/// power of ten, both exact in `f64`, is the correctly rounded value `str::parse` gives.
/// `None` for anything else.
fn plain_decimal(text: &str) -> Option<f64> {
    const POWERS: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    let (mut mantissa, mut digits, mut decimals) = (0u64, 0usize, None);
    for (at, &byte) in text.as_bytes().iter().enumerate() {
        match byte {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(byte - b'0');
                digits += 1;
                if digits > 15 {
                    return None;
                }
            }
            b'.' if decimals.is_none() => decimals = Some(text.len() - at - 1),
            _ => return None,
        }
    }
    if digits == 0 {
        return None;
    }
    Some(mantissa as f64 / POWERS[decimals.unwrap_or(0)])
}

/// Parses a decimal number and checks it against `range`.
pub(crate) fn parse_number(
    text: &str,
    range: NumberRange,
) -> Result<f64, (DiagnosticKind, &'static str)> {
    let value = match plain_decimal(text) {
        Some(value) => value,
        None => text
            .parse()
            .map_err(|_| (DiagnosticKind::BadNumber, "not a number"))?,
    };
    range.check(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rows a chunk yields (line and trimmed cells) and its problems, rendered.
    type Parsed = (Vec<(u64, Vec<Option<String>>)>, Vec<String>);

    /// The header of a table of columns a, b and c.
    fn abc_header() -> Header<'static> {
        parse_header(
            "t.csv",
            &ByteRecord::from(vec!["a", "b", "c"]),
            1,
            &["a", "b", "c"],
            &[],
            &[],
            &mut Vec::new(),
        )
        .unwrap()
    }

    fn parse(body: &str, split: bool) -> Parsed {
        let header = abc_header();
        let mut out = Chunk {
            value: Vec::new(),
            diagnostics: Vec::new(),
        };
        let cells = |rows: &mut Vec<(u64, Vec<Option<String>>)>,
                     row: &Row<'_, '_>,
                     diagnostics: &mut Vec<Diagnostic>| {
            let cells = (0..3)
                .map(|col| row.text(col, diagnostics).map(str::to_owned))
                .collect();
            rows.push((row.line, cells));
        };
        if split {
            read_text_chunk(&header, body, 1, &mut out, &|_, _| {}, &cells);
        } else {
            read_csv_chunk(&header, body.as_bytes(), 1, &mut out, &cells);
        }
        let problems = out.diagnostics.iter().map(|d| d.to_string()).collect();
        (out.value, problems)
    }

    /// Rows split in batches are the csv crate's rows across batch boundaries, and each
    /// batch shows `ahead` exactly the rows then parsed (not blank or ragged ones).
    #[test]
    fn batches_show_the_rows_parsed() {
        let mut body = String::new();
        for i in 0..3 * BATCH_ROWS + 7 {
            match i % 50 {
                0 => body.push('\n'),
                1 => body.push_str("1,2\n"),
                2 => body.push_str("  \n"),
                _ => body.push_str(&format!("{i},x{i}, y \n")),
            }
        }
        assert_eq!(parse(&body, true), parse(&body, false));
        let header = abc_header();
        // Each row's line as `ahead` saw it, then as it was parsed.
        let mut out = Chunk {
            value: (Vec::new(), Vec::new()),
            diagnostics: Vec::new(),
        };
        read_text_chunk(
            &header,
            &body,
            1,
            &mut out,
            &|(seen, _): &mut (Vec<u64>, Vec<u64>), batch: &Batch<'_, '_>| {
                assert!(batch.rows.len() <= BATCH_ROWS);
                seen.extend(batch.rows().map(|row| row.line));
            },
            &|(_, parsed): &mut (Vec<u64>, Vec<u64>), row: &Row<'_, '_>, _: &mut Vec<Diagnostic>| {
                parsed.push(row.line);
            },
        );
        let (seen, parsed) = out.value;
        assert_eq!(seen, parsed);
        assert!(parsed.len() > 2 * BATCH_ROWS);
        assert!(!out.diagnostics.is_empty(), "ragged rows are reported");
    }

    /// Splitting plain text gives exactly what the csv crate reads.
    #[test]
    fn split_rows_equal_csv_rows() {
        for body in [
            "1,2,3\n\n\n4,5,6\n7,8,9\n",
            "\n\n4,5,6\n7,8,9\n",
            "1,2,3\n\n4,5,6\n",
            "  \n1, 2 ,3\n",
            "1,2\n1,2,3,4\n1,2,3\n",
            "1,2,3",
            "\n\n1,2,3\n\n",
            " , ,\t\n,,\n",
            "é,ü, ß \n",
            "\u{a0}x\u{a0},2,3\n\u{b}1\u{b},2,3\n",
            "\t\n \t \n1,,\n",
        ] {
            assert_eq!(parse(body, true), parse(body, false), "{body:?}");
        }
    }

    /// Plain decimals parse to the bits `str::parse` gives; anything else is left to it.
    #[test]
    fn plain_decimals_are_parsed_exactly() {
        for text in [
            "0",
            "5.374",
            "0.0489",
            "844",
            "123456789012345",
            "0.00000000000001",
            "9.99999999999999",
            "35.00293",
            "5.",
            ".5",
            "00.10",
        ] {
            let value = plain_decimal(text).unwrap();
            assert_eq!(
                value.to_bits(),
                text.parse::<f64>().unwrap().to_bits(),
                "{text}"
            );
        }
        for text in [
            "1234567890123456",
            ".",
            "",
            "-1",
            "+1",
            "1e3",
            "1.2.3",
            "inf",
            " 1",
        ] {
            assert_eq!(plain_decimal(text), None, "{text}");
        }
    }

    proptest::proptest! {
        /// Counting bytes in blocks gives the plain count.
        #[test]
        fn byte_counts_equal_plain_counts(bytes in proptest::collection::vec(proptest::sample::select(vec![b'a', b'\n', b'"', b'\r']), 0..20_000)) {
            let plain = |a: u8, b: u8| bytes.iter().filter(|&&x| x == a || x == b).count();
            proptest::prop_assert_eq!(line_breaks(&bytes), plain(b'\n', b'\n'));
            proptest::prop_assert_eq!(count_bytes(&bytes, b'"', b'\r'), plain(b'"', b'\r'));
        }

        /// The same for any digits with or without a decimal point.
        #[test]
        fn plain_decimals_equal_the_general_parser(text in "[0-9]{0,16}(\\.[0-9]{0,16})?") {
            if let Some(value) = plain_decimal(&text) {
                proptest::prop_assert_eq!(value.to_bits(), text.parse::<f64>().unwrap().to_bits());
            }
        }

        /// The same for any text made of cells, commas, spaces, tabs and line breaks.
        #[test]
        fn split_rows_equal_csv_rows_always(body in "[a1é \t\u{a0}\u{b},\n]{0,60}") {
            proptest::prop_assert_eq!(parse(&body, true), parse(&body, false));
        }
    }
}
