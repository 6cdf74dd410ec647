//! CSV + TOML → validated [`Network`], reporting every problem in one pass.
//!
//! Rows are checked with the rules of [`crate::model::NetworkBuilder`] (written once in
//! `model/check.rs`) as they are parsed, so each problem carries its file, line and the
//! cell's text. Large tables take a fast path rather than the builder's values: rows are
//! parsed in parallel chunks straight into places and legs (no intermediate strings),
//! leg ends are found through the id index as rows arrive, and the index becomes the
//! network's. Scenario entries, which are few, go through the builder.

use std::collections::HashMap;
use std::sync::Arc;

use petgraph::unionfind::UnionFind;
use rustc_hash::FxHashMap;

use super::diagnostic::{Diagnostic, DiagnosticKind, LoadError};
use super::meta_toml;
use super::table::{self, NumberRange, Row};
use crate::model::{
    Coord, CorridorTable, Country, GAUGE_MM, IdIndex, IdList, Interner, LATITUDE, LONGITUDE, Leg,
    Meta, Mode, Network, NewLeg, NewPlace, Place, PlaceFinder, PlaceId, PlaceKind, Status,
    Transfers, check_ends, check_great_circle, check_id, close_ids, fold, whole_gauge,
};

/// One input file: a name used in messages (usually its path) and its bytes.
#[derive(Clone, Copy, Debug)]
pub struct Source<'a> {
    /// Shown in messages, e.g. `data/net/nodes.csv`.
    pub name: &'a str,
    /// The raw content.
    pub bytes: &'a [u8],
}

/// The files of one network.
#[derive(Clone, Copy, Debug)]
pub struct Sources<'a> {
    /// `nodes.csv` (required).
    pub nodes: Source<'a>,
    /// `legs.csv` (required).
    pub legs: Source<'a>,
    /// `network.toml` (optional).
    pub network_toml: Option<Source<'a>>,
}

/// A network that loaded, with the warnings found on the way.
#[derive(Debug)]
pub struct Loaded {
    /// The validated network.
    pub network: Network,
    /// Problems that did not stop loading (disconnected parts, legs without source...).
    pub warnings: Vec<Diagnostic>,
}

/// At most this many warnings of one kind are listed; the rest are counted.
const WARNINGS_PER_KIND: usize = 10;

/// The columns of `nodes.csv`, in the order the exporter writes them.
pub const NODE_COLUMNS: &[&str] = &[
    "id",
    "name",
    "aliases",
    "country",
    "kind",
    "lat",
    "lon",
    "mode_change_h",
    "mode_change_usd",
    "gauge_change_h",
    "gauge_change_usd",
    "border_h",
    "border_usd",
    "border_exit_h",
    "border_exit_usd",
    "headway_h",
    "capacity_teu_per_year",
    "source",
    "regions",
];
mod n {
    pub const ID: usize = 0;
    pub const NAME: usize = 1;
    pub const ALIASES: usize = 2;
    pub const COUNTRY: usize = 3;
    pub const KIND: usize = 4;
    pub const LAT: usize = 5;
    pub const LON: usize = 6;
    pub const TRANSFERS: usize = 7; // nine columns from here, in Transfers field order
    pub const CAPACITY: usize = 16;
    pub const SOURCE: usize = 17;
    pub const REGIONS: usize = 18;
}

/// The columns of `legs.csv`, in the order the exporter writes them.
pub const LEG_COLUMNS: &[&str] = &[
    "from",
    "to",
    "mode",
    "corridors",
    "distance_km",
    "time_h",
    "speed_kmh",
    "cost_usd",
    "capacity_teu_per_year",
    "gauge_mm",
    "status",
    "one_way",
    "headway_h",
    "co2_kg_per_teu_km",
    "source",
    "drawn_via",
];
mod l {
    pub const FROM: usize = 0;
    pub const TO: usize = 1;
    pub const MODE: usize = 2;
    pub const CORRIDORS: usize = 3;
    pub const DISTANCE: usize = 4;
    pub const TIME: usize = 5;
    pub const SPEED: usize = 6;
    pub const COST: usize = 7;
    pub const CAPACITY: usize = 8;
    pub const GAUGE: usize = 9;
    pub const STATUS: usize = 10;
    pub const ONE_WAY: usize = 11;
    pub const HEADWAY: usize = 12;
    pub const CO2: usize = 13;
    pub const SOURCE: usize = 14;
    pub const DRAWN_VIA: usize = 15;
}

/// Loads and validates a network from its files.
///
/// Every problem is reported, not only the first: the error lists them all in file and
/// line order. Never panics, whatever the bytes.
pub fn load(sources: Sources<'_>) -> Result<Loaded, LoadError> {
    let mut diagnostics = Vec::new();
    let meta = read_meta(sources.network_toml, &mut diagnostics);
    let nodes = read_nodes(sources.nodes, &meta, &mut diagnostics);
    let legs = read_legs(sources.legs, &meta, &nodes, &mut diagnostics);
    finish(meta, nodes, legs, sources.nodes.name, diagnostics)
}

/// [`load`] for tables given as (name, bytes) that it may drop: each table's bytes are
/// freed as soon as the table is read, since they are about as large as the network.
pub(crate) fn load_owned(
    network_toml: Option<Source<'_>>,
    nodes: (String, Vec<u8>),
    legs: (String, Vec<u8>),
) -> Result<Loaded, LoadError> {
    let mut diagnostics = Vec::new();
    let meta = read_meta(network_toml, &mut diagnostics);
    let (nodes_name, bytes) = nodes;
    let nodes = read_nodes(
        Source {
            name: &nodes_name,
            bytes: &bytes,
        },
        &meta,
        &mut diagnostics,
    );
    drop(bytes);
    let (legs_name, bytes) = legs;
    let legs = read_legs(
        Source {
            name: &legs_name,
            bytes: &bytes,
        },
        &meta,
        &nodes,
        &mut diagnostics,
    );
    drop(bytes);
    finish(meta, nodes, legs, &nodes_name, diagnostics)
}

fn read_meta(network_toml: Option<Source<'_>>, diagnostics: &mut Vec<Diagnostic>) -> Meta {
    match network_toml {
        Some(file) => meta_toml::parse(file.name, file.bytes, diagnostics),
        None => Meta::default(),
    }
}

/// The network from its read tables, or every error found.
fn finish(
    meta: Meta,
    nodes: Nodes,
    legs: Legs,
    nodes_file: &str,
    diagnostics: Vec<Diagnostic>,
) -> Result<Loaded, LoadError> {
    let (errors, mut warnings): (Vec<_>, Vec<_>) =
        diagnostics.into_iter().partition(Diagnostic::is_error);
    if !errors.is_empty() {
        return Err(LoadError { errors, warnings });
    }
    let network =
        Network::from_validated_with_ids(meta, nodes.places, legs.legs, legs.corridors, nodes.ids);
    warnings.extend(network_warnings(
        &network,
        nodes_file,
        &nodes.lines,
        legs.parts,
    ));
    Ok(Loaded { network, warnings })
}

struct Nodes {
    places: Vec<Place>,
    /// The line of each place.
    lines: Vec<u64>,
    /// The places by id (becomes the network's index).
    ids: IdIndex,
    /// What checking a leg reads of each place, in one cache line: its id (if short)
    /// and coordinate. A network whose legs come in no particular order looks up its
    /// places at random, and each lookup then costs one cache miss here, where a place
    /// (112 bytes, its id behind a pointer) costs two (issue 18).
    ends: Vec<End>,
    /// Ids of rows refused for other errors, with their lines: a second definition is
    /// still a duplicate, and legs naming them are not also reported.
    refused: FxHashMap<Box<str>, u64>,
}

impl Nodes {
    fn view(&self) -> EndView<'_> {
        EndView {
            ends: &self.ends,
            places: &self.places,
        }
    }

    /// The line where `id` was first defined, if it was.
    fn first_line(&self, id: &str) -> Option<u64> {
        match self.ids.get(&self.view(), id) {
            Some(place) => Some(self.lines[place.index()]),
            None => self.refused.get(id).copied(),
        }
    }
}

/// Number of data rows a CSV file has at most (its line count), to reserve memory once.
fn rows_hint(bytes: &[u8]) -> usize {
    use rayon::prelude::*;
    bytes.par_chunks(1 << 20).map(table::line_breaks).sum()
}

/// Room for `rows` [`End`]s, rounded up past 32 MiB when it would be between 4 and
/// 32 MiB. glibc's malloc serves blocks that large with mmap and, when one is freed,
/// raises its mmap threshold to the block's size (up to 32 MiB): the graph's build
/// temporaries that follow then come from the heap and stay resident after they are
/// freed, which added about 95 MB to the peak of a 10^6-place matrix. A freed block
/// above 32 MiB leaves the threshold alone. Elsewhere this costs at most 4 MiB.
fn end_capacity(rows: usize) -> usize {
    const SIZE: usize = std::mem::size_of::<End>();
    const MIB: usize = 1 << 20;
    let bytes = rows * SIZE;
    if (4 * MIB..=32 * MIB).contains(&bytes) {
        (32 * MIB + MIB) / SIZE
    } else {
        rows
    }
}

fn read_nodes(source: Source<'_>, meta: &Meta, diagnostics: &mut Vec<Diagnostic>) -> Nodes {
    let hint = rows_hint(source.bytes);
    let mut nodes = Nodes {
        places: Vec::with_capacity(hint),
        lines: Vec::with_capacity(hint),
        ids: IdIndex::with_capacity(hint),
        ends: Vec::with_capacity(end_capacity(hint)),
        refused: FxHashMap::default(),
    };
    // Rows are parsed in parallel chunks; ids are checked for duplicates in file order.
    let spec = table::Spec {
        file: source.name,
        known: NODE_COLUMNS,
        required: &[n::ID, n::LAT, n::LON],
        one_of: &[],
    };
    let mut found = Vec::new();
    table::read_chunks(
        spec,
        source.bytes,
        diagnostics,
        |rows| NodeChunk {
            places: Vec::with_capacity(rows),
            hashes: Vec::with_capacity(rows),
            lines: Vec::with_capacity(rows),
            bad_ids: Vec::new(),
            sources: Interner::default(),
            default_transfers: Arc::new(meta.defaults.transfers),
        },
        |_, _| {},
        |chunk, row, diagnostics| match parse_node(
            row,
            meta,
            &chunk.default_transfers,
            &mut chunk.sources,
            diagnostics,
        ) {
            NodeRow::Valid(place) => {
                chunk.hashes.push(IdIndex::hash(&place.id));
                chunk.places.push(place);
                chunk.lines.push(row.line);
            }
            NodeRow::Refused(Some(id)) => chunk.bad_ids.push((row.line, id)),
            NodeRow::Refused(None) => {}
        },
        |chunk| {
            found.extend(chunk.diagnostics);
            let NodeChunk {
                places,
                hashes,
                lines,
                bad_ids,
                ..
            } = chunk.value;
            // Places and ids of refused rows, merged back into line order.
            let mut bad = bad_ids.into_iter().peekable();
            for (i, ((place, line), hash)) in places.into_iter().zip(lines).zip(&hashes).enumerate() {
                if i % TOUCH_GROUP == 0 {
                    // The index's slots for the next places, read together.
                    let group = &hashes[i..hashes.len().min(i + TOUCH_GROUP)];
                    let touched = group.iter().fold(0, |x, &h| x ^ nodes.ids.touch(h));
                    std::hint::black_box(touched);
                }
                while let Some((bad_line, id)) = bad.next_if(|(l, _)| *l < line) {
                    register_refused(&mut nodes, &mut found, source.name, bad_line, id);
                }
                register(&mut nodes, &mut found, source.name, line, place, *hash);
            }
            for (bad_line, id) in bad {
                register_refused(&mut nodes, &mut found, source.name, bad_line, id);
            }
        },
    );
    found.sort_by_key(|d| d.line);
    diagnostics.extend(found);
    nodes
}

/// What one chunk of nodes.csv produced: the valid places with their lines, and the ids
/// of rows refused for other reasons (so legs naming them are not also reported).
struct NodeChunk {
    places: Vec<Place>,
    /// The hash of each place's id ([`IdIndex::hash`]), computed on the parsing thread.
    hashes: Vec<u64>,
    lines: Vec<u64>,
    bad_ids: Vec<(u64, Box<str>)>,
    sources: Interner,
    /// The network's default transfer rules, shared by the chunk's places that state
    /// none: one copy per chunk, so that the parsing threads do not all count
    /// references on one shared value (a cache line bouncing between the cores).
    default_transfers: Arc<Transfers>,
}

/// Places whose id index slots [`read_nodes`] reads together before inserting them.
const TOUCH_GROUP: usize = 32;

/// Records a valid place (`hash`: of its id, [`IdIndex::hash`]); a second definition
/// of its id is an error.
fn register(
    nodes: &mut Nodes,
    diagnostics: &mut Vec<Diagnostic>,
    file: &str,
    line: u64,
    place: Place,
    hash: u64,
) {
    if let Some(&first) = nodes.refused.get(&*place.id) {
        diagnostics.push(duplicate(file, line, first, &place.id));
        return;
    }
    nodes.ends.push(End::new(&place));
    nodes.places.push(place);
    let id = PlaceId(nodes.places.len() as u32 - 1);
    let view = EndView {
        ends: &nodes.ends,
        places: &nodes.places,
    };
    if let Err(first) = nodes.ids.insert_hashed(&view, id, hash) {
        nodes.ends.pop();
        if let Some(place) = nodes.places.pop() {
            diagnostics.push(duplicate(file, line, nodes.lines[first.index()], &place.id));
        }
        return;
    }
    nodes.lines.push(line);
}

/// A place as a leg's check reads it: coordinate and id, the id inline when it has at
/// most [`End::INLINE`] bytes. 32 bytes, aligned to 32 so that each lies in one cache
/// line: reading its id (as [`IdIndex::get_all`] does ahead) brings its coordinate too.
#[derive(Clone, Copy)]
#[repr(align(32))]
struct End {
    coord: Coord,
    len: u8,
    text: [u8; End::INLINE],
}

impl End {
    const INLINE: usize = 15;

    fn new(place: &Place) -> End {
        let mut text = [0; End::INLINE];
        let len = place.id.len();
        if len <= End::INLINE {
            text[..len].copy_from_slice(place.id.as_bytes());
        }
        End {
            coord: place.coord,
            len: len.min(usize::from(u8::MAX)) as u8,
            text,
        }
    }
}

/// The ids of the loaded places, read from their [`End`]s (from the places when long).
struct EndView<'a> {
    ends: &'a [End],
    places: &'a [Place],
}

impl IdList for EndView<'_> {
    fn id(&self, index: usize) -> Option<&str> {
        let end = self.ends.get(index)?;
        match end.text.get(..usize::from(end.len)) {
            Some(text) => std::str::from_utf8(text).ok(),
            None => self.places.get(index).map(|place| &*place.id),
        }
    }

    fn touch(&self, index: usize) -> u8 {
        self.ends.get(index).map_or(0, |end| end.len)
    }
}

/// Records the id of a refused row; a second definition is an error.
fn register_refused(
    nodes: &mut Nodes,
    diagnostics: &mut Vec<Diagnostic>,
    file: &str,
    line: u64,
    id: Box<str>,
) {
    match nodes.first_line(&id) {
        Some(first) => diagnostics.push(duplicate(file, line, first, &id)),
        None => {
            nodes.refused.insert(id, line);
        }
    }
}

fn duplicate(file: &str, line: u64, first: u64, id: &str) -> Diagnostic {
    Diagnostic::error(
        DiagnosticKind::DuplicateId,
        file,
        format!("duplicate id, first defined on line {first}"),
    )
    .at(line)
    .column("id")
    .value(id)
    .expected("ids that are unique in nodes.csv")
}

/// A parsed row of nodes.csv: the place if the row has no error, else its id (if valid).
enum NodeRow {
    Valid(Place),
    Refused(Option<Box<str>>),
}

fn parse_node(
    row: &Row<'_, '_>,
    meta: &Meta,
    default_transfers: &Arc<Transfers>,
    sources: &mut Interner,
    diagnostics: &mut Vec<Diagnostic>,
) -> NodeRow {
    let before = diagnostics.len();
    let id = row
        .required(n::ID, diagnostics)
        .and_then(|id| match check_id(id) {
            Ok(()) => Some(id),
            Err(broken) => {
                diagnostics.push(row.broken(n::ID, broken).value(id));
                None
            }
        });
    let lat = required_number(row, n::LAT, LATITUDE, diagnostics);
    let lon = required_number(row, n::LON, LONGITUDE, diagnostics);
    let country = row.text(n::COUNTRY, diagnostics).and_then(|text| {
        let country = Country::parse(text).filter(|_| text.len() == 2);
        if country.is_none() {
            diagnostics.push(
                row.error(DiagnosticKind::BadCountry, n::COUNTRY, "not a country code")
                    .value(text)
                    .expected(
                        "an ISO 3166-1 alpha-2 code such as KZ, or empty for international waters",
                    ),
            );
        }
        country
    });
    let kind = match row.text(n::KIND, diagnostics) {
        None => Some(PlaceKind::City),
        Some(text) => {
            let kind = PlaceKind::parse(text);
            if kind.is_none() {
                diagnostics.push(
                    row.error(DiagnosticKind::UnknownKind, n::KIND, "unknown place kind")
                        .value(text)
                        .expected(format!(
                            "one of {}",
                            PlaceKind::ALL.map(PlaceKind::as_str).join(", ")
                        )),
                );
            }
            kind
        }
    };
    let transfers = read_transfers(row, &meta.defaults.transfers, diagnostics);
    let capacity = optional_number(row, n::CAPACITY, diagnostics);
    let name = row.text(n::NAME, diagnostics);
    let aliases = split_list(row.text(n::ALIASES, diagnostics));
    let regions = split_list(row.text(n::REGIONS, diagnostics));
    let source_text = row.text(n::SOURCE, diagnostics);
    match (id, lat, lon, kind) {
        (Some(id), Some(lat), Some(lon), Some(kind)) if !has_errors(&diagnostics[before..]) => {
            let id: Arc<str> = Arc::from(id);
            NodeRow::Valid(Place {
                name: name.map_or_else(|| Arc::clone(&id), Arc::from),
                id,
                aliases: aliases.into_iter().map(String::into_boxed_str).collect(),
                regions: regions.into_iter().map(String::into_boxed_str).collect(),
                country,
                kind,
                coord: Coord { lon, lat },
                transfers: transfers.map_or_else(|| Arc::clone(default_transfers), Arc::new),
                capacity_teu_per_year: capacity,
                source: source_text.map(|text| sources.intern(text)),
            })
        }
        _ => NodeRow::Refused(id.map(Box::from)),
    }
}

/// The cells of `entry` (column name, text) in the order of `columns`.
fn cells<'e>(columns: &[&str], entry: &'e [(String, String)]) -> Vec<&'e str> {
    columns
        .iter()
        .map(|column| {
            entry
                .iter()
                .find(|(key, _)| key == column)
                .map_or("", |(_, value)| value.as_str())
        })
        .collect()
}

/// A place from the cells of one nodes.csv row given by column name (a scenario's
/// `[[add_node]]`), checked as a row of nodes.csv is; or its errors, located at
/// `file:line`. Unknown columns are ignored.
pub(crate) fn place_from_cells(
    file: &str,
    line: u64,
    entry: &[(String, String)],
    meta: &Meta,
) -> Result<NewPlace, Vec<Diagnostic>> {
    let defaults = Arc::new(meta.defaults.transfers);
    let cells = cells(NODE_COLUMNS, entry);
    let (row, diagnostics) = table::parse_cells(file, NODE_COLUMNS, line, &cells, |row, d| {
        parse_node(row, meta, &defaults, &mut Interner::default(), d)
    });
    match row {
        NodeRow::Valid(place) if !has_errors(&diagnostics) => {
            Ok(NewPlace::from_place(&place, &defaults))
        }
        _ => Err(diagnostics
            .into_iter()
            .filter(Diagnostic::is_error)
            .collect()),
    }
}

/// A leg from the cells of one legs.csv row given by column name (a scenario's
/// `[[add_leg]]`), checked as a row of legs.csv is (its ends are resolved when the
/// network is built); or its errors, located at `file:line`.
pub(crate) fn leg_from_cells(
    file: &str,
    line: u64,
    entry: &[(String, String)],
) -> Result<NewLeg, Vec<Diagnostic>> {
    let cells = cells(LEG_COLUMNS, entry);
    let (leg, diagnostics) = table::parse_cells(file, LEG_COLUMNS, line, &cells, |row, d| {
        let from = row.required(l::FROM, d);
        let to = row.required(l::TO, d);
        if let (Some(a), Some(b)) = (from, to)
            && let Err(broken) = check_ends(a, b)
        {
            d.push(row.broken(l::TO, broken).value(b));
        }
        let v = leg_values(row, d);
        Some(NewLeg {
            from: from?.to_owned(),
            to: to?.to_owned(),
            mode: v.mode?,
            corridors: v.tags,
            distance_km: v.distance?,
            time_h: v.time,
            speed_kmh: v.speed,
            cost_usd: v.cost,
            capacity_teu_per_year: v.capacity,
            gauge_mm: v.gauge,
            status: v.status?,
            one_way: v.one_way?,
            headway_h: v.headway,
            co2_kg_per_teu_km: v.co2,
            source: v.source.map(str::to_owned),
            drawn_via: v.drawn_via,
        })
    });
    match leg {
        Some(leg) if !has_errors(&diagnostics) => Ok(leg),
        _ => Err(diagnostics
            .into_iter()
            .filter(Diagnostic::is_error)
            .collect()),
    }
}

fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(Diagnostic::is_error)
}

fn required_number(
    row: &Row<'_, '_>,
    col: usize,
    range: NumberRange,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<f64> {
    row.required(col, diagnostics)?;
    row.number(col, range, diagnostics).ok().flatten()
}

fn optional_number(
    row: &Row<'_, '_>,
    col: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<f64> {
    row.number(col, NumberRange::NonNegative, diagnostics)
        .ok()
        .flatten()
}

/// The transfers of a row, `None` when the row gives none (the defaults apply).
fn read_transfers(
    row: &Row<'_, '_>,
    defaults: &Transfers,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Transfers> {
    let mut transfers = *defaults;
    let mut given = false;
    for (offset, field) in Transfers::FIELDS.iter().enumerate() {
        if let Some(value) = optional_number(row, n::TRANSFERS + offset, diagnostics) {
            *(field.get_mut)(&mut transfers) = value;
            given = true;
        }
    }
    given.then_some(transfers)
}

/// Splits a `;`-separated list, trimming items and dropping empty ones.
pub(crate) fn split_list(text: Option<&str>) -> Vec<String> {
    text.map(|text| {
        text.split(';')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(str::to_owned)
            .collect()
    })
    .unwrap_or_default()
}

/// Parses a boolean cell.
pub(crate) fn parse_bool(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" | "y" => Some(true),
        "false" | "no" | "0" | "n" => Some(false),
        _ => None,
    }
}

struct Legs {
    legs: Vec<Leg>,
    corridors: Vec<String>,
    /// The connected parts of the places, joined leg by leg as legs are read.
    parts: UnionFind<u32>,
}

fn read_legs(
    source: Source<'_>,
    meta: &Meta,
    nodes: &Nodes,
    diagnostics: &mut Vec<Diagnostic>,
) -> Legs {
    let mut legs: Vec<Leg> = Vec::with_capacity(rows_hint(source.bytes));
    let mut parts = UnionFind::new(nodes.places.len());
    let mut corridors = CorridorTable::default();
    let mut budget = WarningBudget::default();
    let mut suggestions_left = 20;
    // Rows are parsed in parallel chunks; corridor tags are interned, warnings capped and
    // "did you mean" suggestions added in file order after.
    let spec = table::Spec {
        file: source.name,
        known: LEG_COLUMNS,
        required: &[l::FROM, l::TO, l::MODE, l::DISTANCE],
        one_of: &[l::TIME, l::SPEED, l::COST],
    };
    let mut found = Vec::new();
    table::read_chunks(
        spec,
        source.bytes,
        diagnostics,
        |rows| LegChunk {
            legs: Vec::with_capacity(rows),
            tags: Vec::new(),
            budget: WarningBudget::default(),
            sources: Interner::default(),
            ends: LegEnds::default(),
        },
        |chunk, batch| chunk.ends.look_ahead(nodes, batch),
        |chunk, row, diagnostics| {
            let parsed = parse_leg(
                row,
                meta,
                nodes,
                &mut chunk.ends,
                &mut chunk.sources,
                &mut chunk.budget,
                diagnostics,
            );
            if let Some((leg, tags)) = parsed {
                if !tags.is_empty() {
                    chunk.tags.push((chunk.legs.len(), row.line, tags));
                }
                chunk.legs.push(leg);
            }
        },
        |chunk| {
            for mut d in chunk.diagnostics {
                if d.kind == DiagnosticKind::DanglingEndpoint && suggestions_left > 0 {
                    suggestions_left -= 1;
                    d.expected = Some(suggest_ids(nodes, d.value.as_deref().unwrap_or("")));
                }
                if d.is_error() {
                    found.push(d);
                } else {
                    budget.push(&mut found, d.kind, || d);
                }
            }
            let LegChunk {
                legs: mut chunk_legs,
                tags,
                budget: chunk_budget,
                ..
            } = chunk.value;
            // Warnings the chunk counted but did not write out.
            budget.absorb_unwritten(chunk_budget);
            for (i, line, tags) in tags {
                let mut ids = Vec::with_capacity(tags.len());
                for tag in &tags {
                    match corridors.intern(tag) {
                        Ok(id) if !ids.contains(&id) => ids.push(id),
                        Ok(_) => {}
                        Err(broken) => found.push(
                            Diagnostic::error(broken.kind, source.name, broken.message)
                                .at(line)
                                .column("corridors")
                                .value(tag)
                                .expected(broken.expected),
                        ),
                    }
                }
                chunk_legs[i].corridors = ids.into_boxed_slice();
            }
            for leg in &chunk_legs {
                parts.union(leg.from.0, leg.to.0);
            }
            legs.append(&mut chunk_legs);
        },
    );
    diagnostics.extend(found);
    budget.summarise(source.name, diagnostics);
    Legs {
        legs,
        corridors: corridors.names,
        parts,
    }
}

/// What one chunk of legs.csv produced: its valid legs and the corridor tags of those
/// that have some (index in the chunk, line, tags).
struct LegChunk {
    legs: Vec<Leg>,
    tags: Vec<(usize, u64, Vec<String>)>,
    budget: WarningBudget,
    sources: Interner,
    ends: LegEnds,
}

/// Finds the places legs name: one by one, guessing where numbered ids sit
/// ([`PlaceFinder`]), or a batch of rows at a time ([`LegEnds::look_ahead`]).
#[derive(Default)]
struct LegEnds {
    finder: PlaceFinder,
    /// The places of the ends of the batch of rows being parsed, found together before
    /// its rows are parsed: line, then `from` and `to`.
    ahead: Vec<(u64, [Option<PlaceId>; 2])>,
    /// The next row's entry in `ahead`.
    next: usize,
}

impl LegEnds {
    /// Finds the places of the ends of a batch of rows in one go, unless the finder
    /// guesses them (numbered ids in file order). In a network whose legs come in no
    /// particular order each end costs two cache misses (the id index's slot, then the
    /// place's [`End`]), and one after the other they made loading such a network
    /// twice as slow as loading it in order; for a whole batch, the misses of all its
    /// ends overlap (issue 18). What the rows parse to does not change: `endpoint`
    /// checks each place found here against the cell, and looks up what is missing.
    fn look_ahead(&mut self, nodes: &Nodes, batch: &table::Batch<'_, '_>) {
        self.ahead.clear();
        self.next = 0;
        if self.finder.guessing() {
            return;
        }
        let mut lines = Vec::with_capacity(table::BATCH_ROWS);
        let mut ids = Vec::with_capacity(2 * table::BATCH_ROWS);
        for row in batch.rows() {
            lines.push(row.line);
            for col in [l::FROM, l::TO] {
                ids.push(row.plain_text(col).unwrap_or_default());
            }
        }
        let mut found = vec![None; ids.len()];
        nodes.ids.get_all(&nodes.view(), &ids, &mut found);
        self.ahead.extend(
            lines
                .into_iter()
                .zip(found.chunks_exact(2))
                .map(|(line, ends)| (line, [ends[0], ends[1]])),
        );
    }

    /// The places found ahead for the ends of the row on `line`, if any.
    fn found(&mut self, line: u64) -> [Option<PlaceId>; 2] {
        match self.ahead.get(self.next) {
            Some(&(at, ends)) if at == line => {
                self.next += 1;
                ends
            }
            _ => [None; 2],
        }
    }
}

/// Parses a row of legs.csv: the leg (corridor tags still as text) if the row has no
/// error, with its warnings.
fn parse_leg(
    row: &Row<'_, '_>,
    meta: &Meta,
    nodes: &Nodes,
    ends: &mut LegEnds,
    sources: &mut Interner,
    budget: &mut WarningBudget,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(Leg, Vec<String>)> {
    let before = diagnostics.len();
    let [from, to] = ends.found(row.line);
    let from = endpoint(row, l::FROM, nodes, &mut ends.finder, from, diagnostics);
    let to = endpoint(row, l::TO, nodes, &mut ends.finder, to, diagnostics);
    if let (Some(a), Some(b)) = (row.text(l::FROM, diagnostics), row.text(l::TO, diagnostics))
        && let Err(broken) = check_ends(a, b)
    {
        diagnostics.push(row.broken(l::TO, broken).value(b));
    }
    let LegValues {
        mode,
        distance,
        time,
        speed,
        cost,
        capacity,
        gauge,
        status,
        one_way,
        headway,
        co2,
        tags,
        source: source_text,
        drawn_via,
    } = leg_values(row, diagnostics);
    if let (Some(from), Some(to), Some(distance)) = (from, to, distance) {
        let view = nodes.view();
        let end = |place: PlaceId| {
            let id = view.id(place.index()).unwrap_or_default();
            (id, nodes.ends[place.index()].coord)
        };
        if let Err(broken) = check_great_circle(distance, end(from), end(to)) {
            diagnostics.push(row.broken(l::DISTANCE, broken).value(&distance.to_string()));
        }
    }
    if has_errors(&diagnostics[before..]) {
        return None;
    }
    let (from, to, mode, distance, status, one_way) =
        (from?, to?, mode?, distance?, status?, one_way?);
    let defaults = meta.mode(mode);
    let time_h = time.unwrap_or_else(|| distance / speed.unwrap_or(defaults.speed_kmh));
    let cost_usd = cost.unwrap_or(distance * defaults.cost_usd_per_teu_km);
    if source_text.is_none() {
        budget.push(diagnostics, DiagnosticKind::NoSource, || {
            row.warning(DiagnosticKind::NoSource, "leg has no source")
        });
    }
    if gauge.is_some() && mode != Mode::Rail {
        budget.push(diagnostics, DiagnosticKind::GaugeNotRail, || {
            row.warning(
                DiagnosticKind::GaugeNotRail,
                format!("gauge_mm is given on a {mode} leg and is ignored"),
            )
        });
    }
    if let Some(message) = implausible_speed(mode, distance, time_h) {
        budget.push(diagnostics, DiagnosticKind::ImplausibleSpeed, || {
            row.warning(DiagnosticKind::ImplausibleSpeed, message)
        });
    }
    Some((
        Leg {
            from,
            to,
            mode,
            corridors: Box::default(),
            distance_km: distance,
            time_h,
            cost_usd,
            capacity_teu_per_year: capacity,
            gauge_mm: if mode == Mode::Rail { gauge } else { None },
            status,
            one_way,
            headway_h: headway,
            co2_kg_per_teu_km: co2,
            source: source_text.map(|text| sources.intern(text)),
            drawn_via: drawn_via.into_boxed_slice(),
        },
        tags,
    ))
}

/// The cells of a legs.csv row after its ends, parsed and checked; `None` where a cell
/// is empty or refused (and reported).
struct LegValues<'r> {
    mode: Option<Mode>,
    distance: Option<f64>,
    time: Option<f64>,
    speed: Option<f64>,
    cost: Option<f64>,
    capacity: Option<f64>,
    gauge: Option<u16>,
    status: Option<Status>,
    one_way: Option<bool>,
    headway: Option<f64>,
    co2: Option<f64>,
    tags: Vec<String>,
    source: Option<&'r str>,
    drawn_via: Vec<Coord>,
}

fn leg_values<'r>(row: &'r Row<'_, '_>, diagnostics: &mut Vec<Diagnostic>) -> LegValues<'r> {
    let mode = row.required(l::MODE, diagnostics).and_then(|text| {
        let mode = Mode::parse(text);
        if mode.is_none() {
            diagnostics.push(
                row.error(DiagnosticKind::UnknownMode, l::MODE, "unknown mode")
                    .value(text)
                    .expected("one of rail, road, sea, ferry"),
            );
        }
        mode
    });
    let distance = required_number(row, l::DISTANCE, NumberRange::NonNegative, diagnostics);
    let time = optional_number(row, l::TIME, diagnostics);
    let speed = row
        .number(l::SPEED, NumberRange::Speed, diagnostics)
        .ok()
        .flatten();
    let cost = optional_number(row, l::COST, diagnostics);
    let capacity = optional_number(row, l::CAPACITY, diagnostics);
    let gauge = match row.number(l::GAUGE, GAUGE_MM, diagnostics) {
        Ok(Some(g)) => match whole_gauge(g) {
            Ok(g) => Some(g),
            Err(broken) => {
                diagnostics.push(row.broken(l::GAUGE, broken).value(&g.to_string()));
                None
            }
        },
        Ok(None) | Err(()) => None,
    };
    let status = match row.text(l::STATUS, diagnostics) {
        None => Some(Status::Operational),
        Some(text) => {
            let status = Status::parse(text);
            if status.is_none() {
                diagnostics.push(
                    row.error(DiagnosticKind::UnknownStatus, l::STATUS, "unknown status")
                        .value(text)
                        .expected("one of operational, under-construction, planned, closed"),
                );
            }
            status
        }
    };
    let one_way = match row.text(l::ONE_WAY, diagnostics) {
        None => Some(false),
        Some(text) => {
            let value = parse_bool(text);
            if value.is_none() {
                diagnostics.push(
                    row.error(DiagnosticKind::BadBool, l::ONE_WAY, "not a boolean")
                        .value(text)
                        .expected("true or false (also yes/no, 1/0)"),
                );
            }
            value
        }
    };
    let headway = optional_number(row, l::HEADWAY, diagnostics);
    let co2 = optional_number(row, l::CO2, diagnostics);
    let tags = split_list(row.text(l::CORRIDORS, diagnostics));
    let source_text = row.text(l::SOURCE, diagnostics);
    let drawn_via = drawn_via(row, diagnostics);
    LegValues {
        mode,
        distance,
        time,
        speed,
        cost,
        capacity,
        gauge,
        status,
        one_way,
        headway,
        co2,
        tags,
        source: source_text,
        drawn_via,
    }
}

/// The points of a `drawn_via` cell: `lon lat` pairs separated by `;`
/// (`50.9 43.2; 50.7 40.2`), each coordinate in range; bad points are reported (and
/// left out).
fn drawn_via(row: &Row<'_, '_>, diagnostics: &mut Vec<Diagnostic>) -> Vec<Coord> {
    const EXPECTED: &str =
        "points as \"lon lat\" separated by \";\", e.g. \"50.9 43.2; 50.7 40.2\"";
    let Some(text) = row.text(l::DRAWN_VIA, diagnostics) else {
        return Vec::new();
    };
    let mut points = Vec::new();
    for item in text.split(';').map(str::trim).filter(|i| !i.is_empty()) {
        let mut parts = item.split_whitespace();
        let (Some(lon), Some(lat), None) = (parts.next(), parts.next(), parts.next()) else {
            diagnostics.push(
                row.error(DiagnosticKind::BadNumber, l::DRAWN_VIA, "not a point")
                    .value(item)
                    .expected(EXPECTED),
            );
            continue;
        };
        let mut coordinate = |text: &str, range: NumberRange, what: &str| {
            table::parse_number(text, range)
                .map_err(|(kind, message)| {
                    diagnostics.push(
                        row.error(kind, l::DRAWN_VIA, &format!("{what}: {message}"))
                            .value(item)
                            .expected(format!("the {what} as {}", range.describe())),
                    );
                })
                .ok()
        };
        let lon = coordinate(lon, LONGITUDE, "longitude");
        let lat = coordinate(lat, LATITUDE, "latitude");
        if let (Some(lon), Some(lat)) = (lon, lat) {
            points.push(Coord { lon, lat });
        }
    }
    points
}

/// Keeps the first few warnings of each kind (a network of a million legs without
/// sources must not make a million messages) and counts the rest. Warnings beyond the
/// budget are never built.
#[derive(Default)]
struct WarningBudget {
    /// Warnings seen per kind.
    counts: FxHashMap<DiagnosticKind, usize>,
    /// Warnings counted but not written, per kind (chunk budgets hand these on).
    unwritten: FxHashMap<DiagnosticKind, usize>,
}

impl WarningBudget {
    fn push(
        &mut self,
        diagnostics: &mut Vec<Diagnostic>,
        kind: DiagnosticKind,
        make: impl FnOnce() -> Diagnostic,
    ) {
        let count = self.counts.entry(kind).or_insert(0);
        *count += 1;
        if *count <= WARNINGS_PER_KIND {
            diagnostics.push(make());
        } else {
            *self.unwritten.entry(kind).or_insert(0) += 1;
        }
    }

    /// Counts warnings a chunk's budget did not write out.
    fn absorb_unwritten(&mut self, chunk: WarningBudget) {
        for (kind, n) in chunk.unwritten {
            *self.counts.entry(kind).or_insert(0) += n;
            *self.unwritten.entry(kind).or_insert(0) += n;
        }
    }

    fn summarise(self, file: &str, diagnostics: &mut Vec<Diagnostic>) {
        let mut extra: Vec<(DiagnosticKind, usize)> = self.unwritten.into_iter().collect();
        extra.sort_by_key(|(kind, _)| format!("{kind:?}"));
        for (kind, count) in extra {
            diagnostics.push(Diagnostic::warning(
                kind,
                file,
                format!("{count} more warnings like the ones above"),
            ));
        }
    }
}

/// The place a leg's end names, looked up unless `found` (by [`LegEnds::look_ahead`])
/// is it.
fn endpoint(
    row: &Row<'_, '_>,
    col: usize,
    nodes: &Nodes,
    finder: &mut PlaceFinder,
    found: Option<PlaceId>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<PlaceId> {
    let id = row.required(col, diagnostics)?;
    let place = match found {
        // Found ahead for this very cell ([`LegEnds::look_ahead`] read the same text),
        // and checked against it there.
        Some(place) if row.plain_text(col).is_some_and(|text| std::ptr::eq(text, id)) => {
            Some(finder.accept(id, place))
        }
        _ => finder.find_or_check(&nodes.view(), &nodes.ids, id, found),
    };
    match place {
        Some(place) => Some(place),
        None if nodes.refused.contains_key(id) => None,
        None => {
            diagnostics.push(
                row.error(
                    DiagnosticKind::DanglingEndpoint,
                    col,
                    "no place has this id",
                )
                .value(id)
                .expected("the id of a place in nodes.csv"),
            );
            None
        }
    }
}

/// "the id of a place in nodes.csv (did you mean …?)" for an unknown id. O(places).
fn suggest_ids(nodes: &Nodes, id: &str) -> String {
    let known = nodes.places.iter().map(|place| &*place.id);
    let refused = nodes.refused.keys().map(|id| &**id);
    close_ids("the id of a place in nodes.csv", known.chain(refused), id)
}

/// Speeds outside these ranges (km/h) are flagged: they usually mean a unit error.
fn plausible_speed_kmh(mode: Mode) -> (f64, f64) {
    match mode {
        Mode::Rail => (5.0, 160.0),
        Mode::Road => (5.0, 110.0),
        Mode::Sea => (5.0, 60.0),
        Mode::Ferry => (2.0, 50.0),
    }
}

fn implausible_speed(mode: Mode, distance_km: f64, time_h: f64) -> Option<String> {
    if distance_km <= 0.0 {
        return None;
    }
    let (low, high) = plausible_speed_kmh(mode);
    let speed = distance_km / time_h;
    (!(low..=high).contains(&speed)).then(|| {
        format!(
            "implausible {mode} speed of {speed:.1} km/h ({distance_km} km in {time_h} h); expected {low} to {high} km/h"
        )
    })
}

/// Warnings about the network as a whole; `parts` joins the ends of every leg.
fn network_warnings(
    network: &Network,
    nodes_file: &str,
    lines: &[u64],
    parts: UnionFind<u32>,
) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    let places = network.places();
    if places.len() > 1 {
        let labels = parts.into_labeling();
        // Per part (by its label): its size and its first place.
        let mut sizes = vec![(0, usize::MAX); places.len()];
        for (index, &label) in labels.iter().enumerate() {
            let entry = &mut sizes[label as usize];
            entry.0 += 1;
            entry.1 = entry.1.min(index);
        }
        sizes.retain(|&(size, _)| size > 0);
        if sizes.len() > 1 {
            let mut parts: Vec<(usize, usize)> = sizes;
            parts.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            let (largest, _) = parts[0];
            let examples: Vec<String> = parts[1..]
                .iter()
                .take(3)
                .map(|&(size, first)| {
                    format!(
                        "{} (line {}, part of {size})",
                        places[first].id, lines[first]
                    )
                })
                .collect();
            warnings.push(Diagnostic::warning(
                DiagnosticKind::Disconnected,
                nodes_file,
                format!(
                    "the network falls apart into {} parts; the largest has {largest} places; not connected to it: {}",
                    parts.len(),
                    examples.join(", ")
                ),
            ));
        }
    }
    let mut owners: HashMap<String, Vec<usize>> = HashMap::new();
    for (index, place) in places.iter().enumerate() {
        let name = (place.name != place.id).then_some(&*place.name);
        let mut keys: Vec<String> = name
            .into_iter()
            .chain(place.aliases.iter().map(|alias| &**alias))
            .map(fold)
            .filter(|key| !key.is_empty())
            .collect();
        keys.sort();
        keys.dedup();
        for key in keys {
            owners.entry(key).or_default().push(index);
        }
    }
    let mut ambiguous: Vec<(String, Vec<usize>)> = owners
        .into_iter()
        .filter(|(key, owners)| {
            owners.len() > 1 && !owners.iter().any(|&i| fold(&places[i].id) == *key)
        })
        .collect();
    ambiguous.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    let more = ambiguous.len().saturating_sub(WARNINGS_PER_KIND);
    ambiguous.truncate(WARNINGS_PER_KIND);
    for (key, owners) in ambiguous {
        warnings.push(
            Diagnostic::warning(
                DiagnosticKind::AmbiguousName,
                nodes_file,
                format!(
                    "the name {key:?} names several places ({}); looking it up needs an id",
                    owners
                        .iter()
                        .map(|&i| &*places[i].id)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .at(lines[owners[0]]),
        );
    }
    if more > 0 {
        warnings.push(Diagnostic::warning(
            DiagnosticKind::AmbiguousName,
            nodes_file,
            format!("{more} more names that name several places"),
        ));
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The transfer columns of nodes.csv are the fields of [`Transfers`], in order.
    #[test]
    fn transfer_columns_are_the_transfer_fields() {
        let columns = &NODE_COLUMNS[n::TRANSFERS..n::TRANSFERS + Transfers::FIELDS.len()];
        let fields: Vec<&str> = Transfers::FIELDS.iter().map(|f| f.name).collect();
        assert_eq!(columns, fields);
        assert_eq!(NODE_COLUMNS[n::CAPACITY], "capacity_teu_per_year");
    }
}
