//! Compiled snapshots: a validated [`Network`], and optionally compiled graphs and
//! contraction hierarchies for some objectives, in one versioned binary file with a
//! checksum (as routing
//! servers keep their extracted and contracted files). Loading one skips parsing and
//! validating CSV: a network of 10^6 places loads four to ten times faster than from its
//! folder (BENCHMARKS.md, *Snapshots*).
//!
//! # Format, version 5
//!
//! Integers and floats are little-endian; `len` is a `u64` count. `GRPH` and `HIER`
//! sections start with their objective and the place and leg counts of the network they
//! were built for.
//!
//! ```text
//! header, 40 bytes:
//!   magic      16 bytes  "\x89CORRIDOR SNAP\r\n" (the \x89 and \r\n catch text-mode copies)
//!   version    u32       FORMAT_VERSION
//!   sections   u32       number of sections
//!   body       u64       bytes after the header
//!   checksum   u32       CRC-32 (IEEE) of those bytes
//!   reserved   u32       0
//! body: sections one after the other, each
//!   tag        4 bytes   META, CORR, PLAC, LEGS, then one GRPH per compiled graph
//!                        and one HIER per hierarchy
//!   length     u64       bytes of the payload
//!   payload
//! ```
//!
//! `META` holds `network.toml`'s content and `CORR` the corridor tags, field by field.
//! `PLAC` and `LEGS` start with their count and hold one column per field, in the order
//! of [`Place`] and [`Leg`]. A column is a tag (0: one value for every entry, 1: one
//! value per entry), the count and the values, so a field that never varies (no
//! capacities, one source) takes a few bytes. `LEGS` ends with the legs' drawing points
//! (version 2): a `u32` column of counts, then `len` points of two `f64` (lon, lat). Strings are a column of byte lengths and
//! one UTF-8 blob; lists a column of lengths and their items; optional numbers are NaN
//! when absent; transfer rules and sources are tables, with an index per entry
//! (`u32::MAX`: none). `PLAC` ends with the slots of the id index, so loading hashes no
//! id (a sample is looked up to check them).
//!
//! `GRPH` (version 3) holds the arrays of a graph compiled for that objective's default
//! profile ([`GraphParts`]), each a `len` and its values: the places' ranks, the
//! directed-leg offsets by rank, the directed legs, the states they enter, the states'
//! places, the states' arrival modes (one byte each) and gauges (`u32`, `u32::MAX`:
//! none), the arcs' weights (`f64`). Each is checked against the network before use
//! ([`GraphParts::check`]).
//!
//! Version 4 changed no layout but what is stored in it: [`crate::Engine::snapshot`]
//! writes networks of 16,384 places or more in locality order
//! ([`Network::in_locality_order`]), and a compiled graph lists each place's directed
//! legs in one order whatever the order of the network's legs (places in one cell of the
//! Hilbert curve ranked by coordinate). A version 3 file could hold a graph that breaks
//! ties between equal routes otherwise than a graph compiled now, so it is refused like
//! any other version: rebuild it.
//!
//! Version 5 changed no layout either: arc and shortcut weights now carry the
//! tie-break ([`crate::Profile::search_weight`]), so the graphs and hierarchies of a
//! version 4 file weigh otherwise than this build's and are refused the same way.
//!
//! Nothing read is trusted: every length is checked against the bytes left before
//! anything is allocated, every index against what it indexes, every number is
//! finite and in range. Files are read a section at a time into one buffer, the
//! checksum summed as they come and compared once all are read; it decides first, so
//! a corrupt file is refused as corrupt whatever its sections held (which are read with
//! every check all the same). A refused file is a [`LoadError`] naming the file, the
//! byte offset and the section.
//! The checks the CSV loader makes on meaning that need the whole network (the legs'
//! great-circle distances, warnings) are not repeated: a snapshot is written from a
//! network that passed them.

use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use super::diagnostic::{Diagnostic, DiagnosticKind, LoadError};
use crate::graph::{Arrival, DirLeg, GraphParts, Objective, first_index};
use crate::model::{
    Coord, CorridorId, CorridorInfo, Country, CustomsUnion, Defaults, IdIndex, Leg, Meta, Mode,
    ModeDefaults, Network, Place, PlaceId, PlaceKind, Status, Transfers,
};
use crate::route::ch::{EdgeOrigin, HierarchyParts};

/// The first bytes of every snapshot.
pub const MAGIC: [u8; 16] = *b"\x89CORRIDOR SNAP\r\n";

/// The snapshot format this build writes and reads. Files of another version are refused
/// (rebuild them with `corridor build`).
pub const FORMAT_VERSION: u32 = 5;

const HEADER: usize = 40;

/// Items a thread decodes at least when a long array is decoded on all threads.
const PARALLEL_MIN: usize = 1 << 16;

/// A loaded snapshot: the network and the graphs and hierarchies stored with it.
#[derive(Debug)]
pub struct Snapshot {
    /// The network, identical to the one written.
    pub network: Network,
    /// Compiled graphs, one per objective, for [`crate::Profile::new`] of that objective
    /// (checked against the network).
    pub graphs: Vec<GraphParts>,
    /// Contraction hierarchies, one per objective, for [`crate::Profile::new`] of that
    /// objective (checked against the network's graph when first used).
    pub hierarchies: Vec<StoredHierarchy>,
}

/// A contraction hierarchy stored in a snapshot.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredHierarchy {
    /// The objective of the profile it was built for ([`crate::Profile::new`]).
    pub objective: Objective,
    /// The hierarchy.
    pub parts: HierarchyParts,
}

/// Whether `bytes` start like a snapshot (its magic bytes).
#[cfg_attr(not(feature = "internals"), allow(dead_code))] // used by tests
pub fn is_snapshot(bytes: &[u8]) -> bool {
    bytes.starts_with(&MAGIC)
}

/// Whether the file at `path` is a snapshot (a file starting with the magic bytes).
pub fn is_snapshot_file(path: &Path) -> bool {
    use std::io::Read;
    let mut start = [0u8; MAGIC.len()];
    std::fs::File::open(path)
        .and_then(|mut file| file.read_exact(&mut start))
        .is_ok_and(|()| start == MAGIC)
}

/// The snapshot of `network` with `hierarchies`, as bytes.
#[cfg_attr(not(feature = "internals"), allow(dead_code))] // used by tests
pub fn to_bytes(network: &Network, hierarchies: &[StoredHierarchy]) -> Vec<u8> {
    to_bytes_with_graphs(network, &[], hierarchies)
}

/// The snapshot of `network` with compiled `graphs` and `hierarchies`, as bytes.
pub fn to_bytes_with_graphs(
    network: &Network,
    graphs: &[GraphParts],
    hierarchies: &[StoredHierarchy],
) -> Vec<u8> {
    let mut sections: Vec<([u8; 4], Vec<u8>)> = vec![
        (*b"META", meta_section(network.meta())),
        (*b"CORR", corridor_section(network.corridors())),
        (*b"PLAC", place_section(network)),
        (*b"LEGS", leg_section(network)),
    ];
    for parts in graphs {
        sections.push((*b"GRPH", graph_section(network, parts)));
    }
    for stored in hierarchies {
        sections.push((*b"HIER", hierarchy_section(network, stored)));
    }
    let body_len: usize = sections.iter().map(|(_, s)| 12 + s.len()).sum();
    let mut body = Vec::with_capacity(body_len);
    for (tag, payload) in &sections {
        body.extend_from_slice(tag);
        body.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        body.extend_from_slice(payload);
    }
    let mut out = Vec::with_capacity(HEADER + body.len());
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(sections.len() as u32).to_le_bytes());
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(&checksum(&body).to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&body);
    out
}

/// Reads the snapshot at `path`, a section at a time.
pub fn read_file(path: &Path) -> Result<Snapshot, LoadError> {
    let name = path.display().to_string();
    let opened = std::fs::File::open(path).and_then(|file| {
        let len = file.metadata()?.len();
        let len = usize::try_from(len).map_err(|_| std::io::ErrorKind::FileTooLarge)?;
        Ok((file, len))
    });
    let (file, len) = opened.map_err(|error| refuse(*unreadable(&name, &error)))?;
    let mut source = Source {
        bytes: Bytes::File {
            file,
            at: 0,
            buffer: Vec::new(),
        },
        len,
        crc: crc32fast::Hasher::new(),
        summed: HEADER,
    };
    decode(&name, &mut source).map_err(|d| refuse(*d))
}

/// Reads a snapshot from its bytes; `name` is used in messages. Never panics, whatever
/// the bytes.
#[cfg_attr(not(feature = "internals"), allow(dead_code))] // used by tests
pub fn read(name: &str, bytes: &[u8]) -> Result<Snapshot, LoadError> {
    let mut source = Source {
        bytes: Bytes::Memory(bytes),
        len: bytes.len(),
        crc: crc32fast::Hasher::new(),
        summed: HEADER,
    };
    decode(name, &mut source).map_err(|d| refuse(*d))
}

fn refuse(diagnostic: Diagnostic) -> LoadError {
    LoadError {
        errors: vec![diagnostic],
        warnings: Vec::new(),
    }
}

/// CRC-32 of `bytes`, in parallel pieces combined.
fn checksum(bytes: &[u8]) -> u32 {
    let mut crc = crc32fast::Hasher::new();
    sum(&mut crc, bytes);
    crc.finalize()
}

// ---------------------------------------------------------------------------------
// Writing.

#[derive(Default)]
struct Out(Vec<u8>);

impl Out {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn f64(&mut self, v: f64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn len(&mut self, n: usize) {
        self.u64(n as u64);
    }
    fn str(&mut self, s: &str) {
        self.len(s.len());
        self.0.extend_from_slice(s.as_bytes());
    }
    fn opt_str(&mut self, s: Option<&str>) {
        match s {
            Some(s) => {
                self.u8(1);
                self.str(s);
            }
            None => self.u8(0),
        }
    }
    fn strs<'s>(&mut self, list: impl ExactSizeIterator<Item = &'s str>) {
        self.len(list.len());
        for s in list {
            self.str(s);
        }
    }
    /// A column of `N`-byte items: a tag (0: every item is the one that follows, 1:
    /// each item follows), the count, the item(s).
    fn column<const N: usize>(&mut self, items: impl Iterator<Item = [u8; N]>) {
        let items: Vec<[u8; N]> = items.collect();
        let constant = items
            .first()
            .filter(|first| items.iter().all(|i| i == *first));
        self.u8(u8::from(constant.is_none()));
        self.len(items.len());
        match constant {
            Some(item) => self.0.extend_from_slice(item),
            None => self.0.extend(items.iter().flatten()),
        }
    }
    fn u32_column(&mut self, values: impl Iterator<Item = u32>) {
        self.column(values.map(u32::to_le_bytes));
    }
    fn f64_column(&mut self, values: impl Iterator<Item = f64>) {
        self.column(values.map(f64::to_le_bytes));
    }
    fn byte_column(&mut self, values: impl Iterator<Item = u8>) {
        self.column(values.map(|b| [b]));
    }
    /// A column of strings: their byte lengths (a `u32` column), the blob.
    fn str_column<'s>(&mut self, column: impl Iterator<Item = &'s str> + Clone) {
        self.u32_column(column.clone().map(|s| s.len() as u32));
        self.len(column.clone().map(str::len).sum());
        for s in column {
            self.0.extend_from_slice(s.as_bytes());
        }
    }
    /// A column of string lists: their lengths (a `u32` column), the items (a string
    /// column).
    fn list_column(&mut self, lists: &[&[Box<str>]]) {
        self.u32_column(lists.iter().map(|list| list.len() as u32));
        self.str_column(lists.iter().flat_map(|list| list.iter().map(|s| &**s)));
    }
    fn u32s(&mut self, values: impl ExactSizeIterator<Item = u32>) {
        self.len(values.len());
        for v in values {
            self.u32(v);
        }
    }
}

fn meta_section(meta: &Meta) -> Vec<u8> {
    let mut out = Out::default();
    out.str(&meta.name);
    out.str(&meta.version);
    out.str(&meta.description);
    out.f64(meta.defaults.value_of_time_usd_per_teu_h);
    out.f64(meta.defaults.wait_factor);
    transfers(&mut out, &meta.defaults.transfers);
    for mode in &meta.modes {
        out.f64(mode.speed_kmh);
        out.f64(mode.cost_usd_per_teu_km);
        out.f64(mode.co2_kg_per_teu_km);
        out.opt_str(mode.source.as_deref());
    }
    out.len(meta.customs_unions.len());
    for union in &meta.customs_unions {
        out.str(&union.id);
        out.str(&union.name);
        out.strs(union.countries.iter().map(Country::as_str));
        out.f64(union.dwell_factor);
        out.f64(union.fee_factor);
        out.opt_str(union.source.as_deref());
    }
    out.len(meta.corridors.len());
    for info in &meta.corridors {
        out.str(&info.id);
        out.str(&info.name);
        out.strs(info.aliases.iter().map(String::as_str));
        out.str(&info.description);
        out.opt_str(info.source.as_deref());
    }
    out.0
}

fn transfers(out: &mut Out, transfers: &Transfers) {
    for field in Transfers::FIELDS {
        out.f64((field.get)(transfers));
    }
}

fn corridor_section(corridors: &[String]) -> Vec<u8> {
    let mut out = Out::default();
    out.strs(corridors.iter().map(String::as_str));
    out.0
}

/// Distinct values of `items` (by `key`) in order of first use, and each item's index
/// among them (`u32::MAX` for none).
fn table<T, K: std::hash::Hash + Eq>(
    items: impl Iterator<Item = Option<T>>,
    key: impl Fn(&T) -> K,
) -> (Vec<T>, Vec<u32>) {
    let mut seen: rustc_hash::FxHashMap<K, u32> = rustc_hash::FxHashMap::default();
    let mut values = Vec::new();
    let index = items
        .map(|item| match item {
            None => u32::MAX,
            Some(item) => *seen.entry(key(&item)).or_insert_with(|| {
                values.push(item);
                values.len() as u32 - 1
            }),
        })
        .collect();
    (values, index)
}

fn place_section(network: &Network) -> Vec<u8> {
    let places = network.places();
    let mut out = Out::default();
    out.len(places.len());
    out.str_column(places.iter().map(|p| &*p.id));
    out.byte_column(places.iter().map(|p| u8::from(p.name == p.id)));
    out.str_column(
        places
            .iter()
            .map(|p| if p.name == p.id { "" } else { &*p.name }),
    );
    let aliases: Vec<&[Box<str>]> = places.iter().map(|p| &*p.aliases).collect();
    out.list_column(&aliases);
    let regions: Vec<&[Box<str>]> = places.iter().map(|p| &*p.regions).collect();
    out.list_column(&regions);
    out.column(places.iter().map(|p| {
        p.country.as_ref().map_or([0, 0], |c| {
            let code = c.as_str().as_bytes();
            [code[0], code[1]]
        })
    }));
    out.byte_column(places.iter().map(|p| kind_code(p.kind)));
    out.f64_column(places.iter().map(|p| p.coord.lon));
    out.f64_column(places.iter().map(|p| p.coord.lat));
    let (rules, rule_of) = table(places.iter().map(|p| Some(&p.transfers)), |t| {
        Transfers::FIELDS
            .iter()
            .map(|f| (f.get)(t).to_bits())
            .collect::<Vec<u64>>()
    });
    out.len(rules.len());
    for rule in rules {
        transfers(&mut out, rule);
    }
    out.u32_column(rule_of.into_iter());
    out.f64_column(
        places
            .iter()
            .map(|p| p.capacity_teu_per_year.unwrap_or(f64::NAN)),
    );
    let (sources, source_of) = table(places.iter().map(|p| p.source.as_deref()), |s| *s);
    out.len(sources.len());
    out.str_column(sources.into_iter());
    out.u32_column(source_of.into_iter());
    let slots = network.id_index().slots();
    out.len(slots.len());
    for &slot in slots {
        out.u64(slot);
    }
    out.0
}

fn leg_section(network: &Network) -> Vec<u8> {
    let legs = network.legs();
    let mut out = Out::default();
    out.len(legs.len());
    out.u32_column(legs.iter().map(|l| l.from.0));
    out.u32_column(legs.iter().map(|l| l.to.0));
    out.byte_column(legs.iter().map(|l| l.mode.index() as u8));
    out.byte_column(legs.iter().map(|l| status_code(l.status)));
    out.byte_column(legs.iter().map(|l| u8::from(l.one_way)));
    out.u32_column(legs.iter().map(|l| l.corridors.len() as u32));
    let tags: usize = legs.iter().map(|l| l.corridors.len()).sum();
    out.len(tags);
    for leg in legs {
        for c in &leg.corridors {
            out.0.extend_from_slice(&c.0.to_le_bytes());
        }
    }
    out.f64_column(legs.iter().map(|l| l.distance_km));
    out.f64_column(legs.iter().map(|l| l.time_h));
    out.f64_column(legs.iter().map(|l| l.cost_usd));
    out.f64_column(
        legs.iter()
            .map(|l| l.capacity_teu_per_year.unwrap_or(f64::NAN)),
    );
    out.column(legs.iter().map(|l| l.gauge_mm.unwrap_or(0).to_le_bytes()));
    out.f64_column(legs.iter().map(|l| l.headway_h.unwrap_or(f64::NAN)));
    out.f64_column(legs.iter().map(|l| l.co2_kg_per_teu_km.unwrap_or(f64::NAN)));
    let (sources, source_of) = table(legs.iter().map(|l| l.source.as_deref()), |s| *s);
    out.len(sources.len());
    out.str_column(sources.into_iter());
    out.u32_column(source_of.into_iter());
    out.u32_column(legs.iter().map(|l| l.drawn_via.len() as u32));
    let points: usize = legs.iter().map(|l| l.drawn_via.len()).sum();
    out.len(points);
    for point in legs.iter().flat_map(|l| l.drawn_via.iter()) {
        out.f64(point.lon);
        out.f64(point.lat);
    }
    out.0
}

fn hierarchy_section(network: &Network, stored: &StoredHierarchy) -> Vec<u8> {
    let parts = &stored.parts;
    let mut out = Out::default();
    out.u8(objective_code(stored.objective));
    out.len(network.places().len());
    out.len(network.legs().len());
    out.u32(parts.states);
    out.u64(parts.shortcuts);
    out.u64(parts.weight_check);
    out.u32s(parts.up_start.iter().copied());
    out.u32s(parts.up.iter().copied());
    out.u32s(parts.down_start.iter().copied());
    out.u32s(parts.down.iter().copied());
    out.len(parts.origins.len());
    for origin in &parts.origins {
        let (kind, a, b) = match *origin {
            EdgeOrigin::Arc { tail, index } => (0, tail, index),
            EdgeOrigin::Shortcut { first, second } => (1, first, second),
        };
        out.u8(kind);
        out.u32(a);
        out.u32(b);
    }
    out.0
}

fn graph_section(network: &Network, parts: &GraphParts) -> Vec<u8> {
    let mut out = Out::default();
    out.u8(objective_code(parts.objective));
    out.len(network.places().len());
    out.len(network.legs().len());
    out.u32s(parts.place_rank.iter().copied());
    out.u32s(parts.out_start.iter().copied());
    out.u32s(parts.out_leg.iter().map(|d| d.0));
    out.u32s(parts.out_head.iter().copied());
    out.u32s(parts.state_place.iter().copied());
    out.len(parts.state_arrival.len());
    out.0.extend(parts.state_arrival.iter().map(|a| a.mode.index() as u8));
    out.u32s(
        parts
            .state_arrival
            .iter()
            .map(|a| a.gauge_mm.map_or(u32::MAX, u32::from)),
    );
    out.len(parts.arc_weight.len());
    for w in &parts.arc_weight {
        out.f64(*w);
    }
    out.0
}

fn kind_code(kind: PlaceKind) -> u8 {
    PlaceKind::ALL.iter().position(|&k| k == kind).unwrap_or(0) as u8
}

fn status_code(status: Status) -> u8 {
    Status::ALL.iter().position(|&s| s == status).unwrap_or(0) as u8
}

fn objective_code(objective: Objective) -> u8 {
    Objective::ALL
        .iter()
        .position(|&o| o == objective)
        .unwrap_or(0) as u8
}

// ---------------------------------------------------------------------------------
// Reading.

type Fail = Box<Diagnostic>;

/// A cursor over one section of the file; every failure names the file, the byte
/// offset in the file and the section.
struct In<'a> {
    file: &'a str,
    /// The bytes of the section (or of the header).
    data: &'a [u8],
    /// Where `data` starts in the file.
    base: usize,
    at: usize,
    end: usize,
    section: &'static str,
}

impl<'a> In<'a> {
    /// A failure at `at` in `data`.
    fn fail_at(&self, at: usize, message: impl Into<String>) -> Fail {
        Box::new(
            Diagnostic::error(DiagnosticKind::BadSnapshot, self.file, message)
                .column(&format!("byte {} ({})", self.base + at, self.section)),
        )
    }

    fn fail(&self, message: impl Into<String>) -> Fail {
        self.fail_at(self.at, message)
    }

    fn left(&self) -> usize {
        self.end - self.at
    }

    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], Fail> {
        if n > self.left() {
            return Err(self.fail(format!(
                "truncated: {what} needs {n} bytes, the {} has {} left",
                self.section,
                self.left()
            )));
        }
        let bytes = &self.data[self.at..self.at + n];
        self.at += n;
        Ok(bytes)
    }

    fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N], Fail> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N, what)?);
        Ok(out)
    }

    fn u8(&mut self, what: &str) -> Result<u8, Fail> {
        Ok(self.array::<1>(what)?[0])
    }

    fn u32(&mut self, what: &str) -> Result<u32, Fail> {
        Ok(u32::from_le_bytes(self.array(what)?))
    }

    fn u64(&mut self, what: &str) -> Result<u64, Fail> {
        Ok(u64::from_le_bytes(self.array(what)?))
    }

    fn f64(&mut self, what: &str) -> Result<f64, Fail> {
        Ok(f64::from_le_bytes(self.array(what)?))
    }

    /// A count of items of `size` bytes each that must fit in what is left (so a bogus
    /// length never allocates more than the file holds).
    fn len(&mut self, size: usize, what: &str) -> Result<usize, Fail> {
        let at = self.at;
        let n = self.u64(what)?;
        let fits = (self.left() / size.max(1)) as u64;
        if n > fits {
            return Err(self.fail_at(
                at,
                format!(
                    "{what}: a length of {n} is more than the {} bytes left in the section hold",
                    self.left()
                ),
            ));
        }
        Ok(n as usize)
    }

    /// A count that must equal `expected`.
    fn len_of(&mut self, size: usize, expected: usize, what: &str) -> Result<usize, Fail> {
        let at = self.at;
        let n = self.len(size, what)?;
        if n != expected {
            return Err(self.fail_at(at, format!("{what}: {n} entries, expected {expected}")));
        }
        Ok(n)
    }

    /// A `len` that must be `n`, then `n` items of `N` bytes, as a column of every
    /// item (for checking them with their offsets).
    fn counted_items<const N: usize>(&mut self, n: usize, what: &str) -> Result<Column<'a, N>, Fail> {
        self.len_of(N, n, what)?;
        let at = self.at;
        Ok(Column {
            at,
            items: self.items::<N>(n, what)?,
            constant: false,
        })
    }

    /// `n` items of `N` bytes.
    fn items<const N: usize>(&mut self, n: usize, what: &str) -> Result<&'a [[u8; N]], Fail> {
        let bytes = self.take(n * N, what)?;
        let (items, rest) = bytes.as_chunks::<N>();
        debug_assert!(rest.is_empty());
        Ok(items)
    }

    /// A `len` and its `u32`s (decoded on all threads: their fresh pages are most of
    /// the cost).
    fn u32s(&mut self, what: &str) -> Result<Vec<u32>, Fail> {
        let n = self.len(4, what)?;
        Ok(self
            .items::<4>(n, what)?
            .par_iter()
            .with_min_len(PARALLEL_MIN)
            .map(|b| u32::from_le_bytes(*b))
            .collect())
    }

    fn str(&mut self, what: &str) -> Result<&'a str, Fail> {
        let n = self.len(1, what)?;
        let at = self.at;
        let bytes = self.take(n, what)?;
        std::str::from_utf8(bytes).map_err(|_| self.fail_at(at, format!("{what}: not UTF-8")))
    }

    fn opt_str(&mut self, what: &str) -> Result<Option<&'a str>, Fail> {
        match self.u8(what)? {
            0 => Ok(None),
            1 => self.str(what).map(Some),
            flag => Err(self.fail(format!("{what}: presence flag {flag}, expected 0 or 1"))),
        }
    }

    fn strs(&mut self, what: &str) -> Result<Vec<&'a str>, Fail> {
        let n = self.len(8, what)?;
        (0..n).map(|_| self.str(what)).collect()
    }

    /// A column of `n` items of `N` bytes (see [`Out::column`]).
    fn column<const N: usize>(&mut self, n: usize, what: &str) -> Result<Column<'a, N>, Fail> {
        let at = self.at;
        let constant = match self.u8(what)? {
            0 => true,
            1 => false,
            tag => {
                return Err(self.fail_at(at, format!("{what}: column tag {tag}, expected 0 or 1")));
            }
        };
        let len_at = self.at;
        let len = self.u64(what)?;
        if len != n as u64 {
            return Err(self.fail_at(len_at, format!("{what}: {len} entries, expected {n}")));
        }
        let data = self.at;
        let items = self.items::<N>(if constant { usize::from(n > 0) } else { n }, what)?;
        Ok(Column {
            at: data,
            items,
            constant,
        })
    }

    /// A column of `n` strings (see [`Out::str_column`]).
    fn str_column(&mut self, n: usize, what: &str) -> Result<Strings<'a>, Fail> {
        let (offsets, total) = self.counts(n, what)?;
        let blob_len_at = self.at;
        let blob_len = self.len(1, what)?;
        if blob_len != total {
            return Err(self.fail_at(
                blob_len_at,
                format!("{what}: the strings take {total} bytes, the blob has {blob_len}"),
            ));
        }
        let blob_at = self.at;
        let blob = self.take(blob_len, what)?;
        let blob = std::str::from_utf8(blob)
            .map_err(|e| self.fail_at(blob_at + e.valid_up_to(), format!("{what}: not UTF-8")))?;
        if let Offsets::Each(ends) = &offsets
            && let Some(i) = ends.iter().position(|&end| !blob.is_char_boundary(end))
        {
            return Err(self.fail_at(
                blob_at + ends[i],
                format!("{what}: a string boundary splits a character"),
            ));
        }
        if let Offsets::Step(step, _) = offsets
            && step > 0
            && (0..=n).any(|i| !blob.is_char_boundary(i * step))
        {
            return Err(self.fail_at(
                blob_at,
                format!("{what}: a string boundary splits a character"),
            ));
        }
        Ok(Strings { offsets, blob })
    }

    /// A column of `n` string lists (see [`Out::list_column`]).
    fn list_column(&mut self, n: usize, what: &str) -> Result<Lists<'a>, Fail> {
        let (starts, total) = self.counts(n, what)?;
        let items = self.str_column(total, what)?;
        Ok(Lists { starts, items })
    }

    /// A `u32` column of `n` counts, as offsets, and their sum (which must fit in what
    /// is left of the section, so that it never allocates more than the file holds).
    fn counts(&mut self, n: usize, what: &str) -> Result<(Offsets, usize), Fail> {
        let counts = self.column::<4>(n, what)?;
        if counts.constant {
            // A constant column of no entries holds no item.
            let step = counts
                .items
                .first()
                .map_or(0, |&count| u32::from_le_bytes(count) as usize);
            let total = step.saturating_mul(n);
            if total > self.left() {
                return Err(self.fail_at(
                    counts.at,
                    format!(
                        "{what}: {n} × {step} items are more than the {} bytes left hold",
                        self.left()
                    ),
                ));
            }
            return Ok((Offsets::Step(step, n), total));
        }
        let mut starts = Vec::with_capacity(n + 1);
        let mut total = 0usize;
        starts.push(0);
        for (i, count) in counts.items.iter().enumerate() {
            total += u32::from_le_bytes(*count) as usize;
            if total > self.left() {
                return Err(self.fail_at(
                    counts.at_of(i),
                    format!(
                        "{what}: {total} items are more than the {} bytes left hold",
                        self.left()
                    ),
                ));
            }
            starts.push(total);
        }
        Ok((Offsets::Each(starts), total))
    }

    /// The end of the section: everything must have been read.
    fn finish(&self) -> Result<(), Fail> {
        if self.at != self.end {
            return Err(self.fail(format!(
                "{} bytes left over at the end of the section",
                self.left()
            )));
        }
        Ok(())
    }
}

/// A column of fixed-size items read from the file: every item, or one for all.
struct Column<'a, const N: usize> {
    /// Where the items start in the file.
    at: usize,
    items: &'a [[u8; N]],
    constant: bool,
}

impl<const N: usize> Column<'_, N> {
    fn get(&self, i: usize) -> [u8; N] {
        self.items[if self.constant { 0 } else { i }]
    }

    /// Where item `i` is in the file.
    fn at_of(&self, i: usize) -> usize {
        self.at + if self.constant { 0 } else { N * i }
    }

    /// Checks every stored item; the first bad one fails, with its offset. (A plain
    /// loop: these scans are memory-bound, and waking threads costs more.)
    fn check(
        &self,
        r: &In<'_>,
        what: &str,
        check: impl Fn([u8; N]) -> Result<(), String>,
    ) -> Result<(), Fail> {
        let bad = self
            .items
            .iter()
            .enumerate()
            .find(|(_, v)| check(**v).is_err());
        match bad {
            None => Ok(()),
            Some((i, v)) => {
                let why = check(*v).err().unwrap_or_default();
                let entry = if self.constant {
                    "every entry".to_owned()
                } else {
                    format!("entry {i}")
                };
                Err(r.fail_at(self.at + N * i, format!("{what} of {entry}: {why}")))
            }
        }
    }
}

/// Where each of `len` entries starts (and the last ends) in what they index: every
/// entry the same size, or each its own.
enum Offsets {
    Step(usize, usize),
    Each(Vec<usize>),
}

impl Offsets {
    fn len(&self) -> usize {
        match self {
            Offsets::Step(_, len) => *len,
            Offsets::Each(offsets) => offsets.len() - 1,
        }
    }

    fn range(&self, i: usize) -> std::ops::Range<usize> {
        match self {
            Offsets::Step(step, _) => i * step..(i + 1) * step,
            Offsets::Each(offsets) => offsets[i]..offsets[i + 1],
        }
    }
}

/// Strings read from a column: offsets checked, blob valid UTF-8.
struct Strings<'a> {
    offsets: Offsets,
    blob: &'a str,
}

impl<'a> Strings<'a> {
    fn len(&self) -> usize {
        self.offsets.len()
    }

    fn get(&self, i: usize) -> &'a str {
        // Offsets were checked to be in order, in range and on character boundaries.
        self.blob.get(self.offsets.range(i)).unwrap_or("")
    }
}

/// Lists of strings read from a column.
struct Lists<'a> {
    starts: Offsets,
    items: Strings<'a>,
}

impl Lists<'_> {
    fn get(&self, i: usize) -> Box<[Box<str>]> {
        self.starts
            .range(i)
            .map(|k| Box::from(self.items.get(k)))
            .collect()
    }
}

/// The bytes of a snapshot, fetched in file order: from memory, or from the file a
/// section at a time into one reused buffer, so that loading faults in fresh memory for
/// its largest section only, not for the whole file (the decoded network needs fresh
/// memory of its own). The checksum of the body is summed as the bytes come.
struct Source<'a> {
    bytes: Bytes<'a>,
    /// Bytes in the file.
    len: usize,
    /// The checksum of the body up to `summed`.
    crc: crc32fast::Hasher,
    summed: usize,
}

enum Bytes<'a> {
    #[cfg_attr(not(feature = "internals"), allow(dead_code))] // used by tests
    Memory(&'a [u8]),
    File {
        file: std::fs::File,
        /// Where the file is positioned.
        at: usize,
        buffer: Vec<u8>,
    },
}

impl Source<'_> {
    /// Bytes `at..at + n`, which must be within the file; the body's are summed when
    /// they follow the bytes summed so far.
    fn fetch(&mut self, at: usize, n: usize) -> std::io::Result<&[u8]> {
        use std::io::{Read, Seek, SeekFrom};
        let bytes = match &mut self.bytes {
            Bytes::Memory(bytes) => bytes
                .get(at..at.saturating_add(n))
                .ok_or(std::io::ErrorKind::UnexpectedEof)?,
            Bytes::File {
                file,
                at: position,
                buffer,
            } => {
                if *position != at {
                    file.seek(SeekFrom::Start(at as u64))?;
                }
                buffer.clear();
                buffer.try_reserve_exact(n)?;
                let read = file.take(n as u64).read_to_end(buffer)?;
                *position = at + read;
                if read != n {
                    return Err(std::io::ErrorKind::UnexpectedEof.into());
                }
                buffer.as_slice()
            }
        };
        if at == self.summed && at >= HEADER {
            sum(&mut self.crc, bytes);
            self.summed += n;
        }
        Ok(bytes)
    }

    /// The checksum of the whole body (reading what is not yet summed).
    fn checksum(&mut self) -> std::io::Result<u32> {
        const CHUNK: usize = 16 << 20;
        while self.summed < self.len {
            let n = CHUNK.min(self.len - self.summed);
            self.fetch(self.summed, n)?;
        }
        Ok(self.crc.clone().finalize())
    }
}

/// Adds `bytes` to a running checksum, in parallel pieces combined.
fn sum(crc: &mut crc32fast::Hasher, bytes: &[u8]) {
    const PIECE: usize = 8 << 20;
    if bytes.len() <= PIECE {
        crc.update(bytes);
        return;
    }
    let pieces: Vec<crc32fast::Hasher> = bytes
        .par_chunks(PIECE)
        .map(|piece| {
            let mut hasher = crc32fast::Hasher::new();
            hasher.update(piece);
            hasher
        })
        .collect();
    for piece in &pieces {
        crc.combine(piece);
    }
}

fn unreadable(file: &str, error: &std::io::Error) -> Fail {
    Box::new(Diagnostic::error(
        if error.kind() == std::io::ErrorKind::NotFound {
            DiagnosticKind::MissingFile
        } else {
            DiagnosticKind::Unreadable
        },
        file,
        format!("cannot read: {}", error.to_string().to_lowercase()),
    ))
}

/// What the sections hold, before the network is put together.
struct Sections {
    meta: Meta,
    corridors: Vec<String>,
    places: Vec<Place>,
    ids: IdIndex,
    legs: Vec<Leg>,
    /// Each graph with the file offset of its section.
    graphs: Vec<(usize, GraphParts)>,
    hierarchies: Vec<StoredHierarchy>,
}

fn decode(file: &str, source: &mut Source<'_>) -> Result<Snapshot, Fail> {
    let len = source.len;
    let bytes = source
        .fetch(0, HEADER.min(len))
        .map_err(|e| unreadable(file, &e))?
        .to_vec();
    let bytes = bytes.as_slice();
    let header = In {
        file,
        data: bytes,
        base: 0,
        at: 0,
        end: bytes.len(),
        section: "header",
    };
    let (sections, crc) = read_header(header, len)?;
    // The sections are read as they come and the checksum compared at the end; it
    // decides first, so a corrupt file is refused as corrupt whatever its sections hold
    // (and they are read with every check, whatever their bytes).
    let read = read_sections(file, source, sections);
    let actual = source.checksum().map_err(|e| unreadable(file, &e))?;
    if actual != crc {
        return Err(Box::new(
            Diagnostic::error(
                DiagnosticKind::BadSnapshot,
                file,
                format!(
                    "checksum mismatch: the header says {crc:08x}, the content sums to {actual:08x}; the file is corrupt"
                ),
            )
            .column("byte 32 (header)")
            .expected("an intact file; rebuild it with `corridor build`"),
        ));
    }
    let Sections {
        meta,
        corridors,
        places,
        ids,
        legs,
        graphs,
        hierarchies,
    } = read?;
    let network = Network::from_validated_with_ids(meta, places, legs, corridors, ids);
    let mut checked = Vec::with_capacity(graphs.len());
    for (start, parts) in graphs {
        if let Err(why) = parts.check(&network) {
            return Err(Box::new(
                Diagnostic::error(
                    DiagnosticKind::BadSnapshot,
                    file,
                    format!(
                        "the compiled graph by {} does not belong to this network: {why}",
                        parts.objective
                    ),
                )
                .column(&format!("byte {start} (GRPH)"))
                .expected("a snapshot written by this version: rebuild it with `corridor build`"),
            ));
        }
        checked.push(parts);
    }
    Ok(Snapshot {
        network,
        graphs: checked,
        hierarchies,
    })
}

/// Checks the header (`header` holds the file's first bytes, at most [`HEADER`], of
/// `len`) and returns the section count and the checksum it gives.
fn read_header(mut header: In<'_>, len: usize) -> Result<(u32, u32), Fail> {
    let bytes = header.data;
    if bytes.len() < MAGIC.len() && MAGIC.starts_with(bytes) {
        return Err(header.fail_at(
            bytes.len(),
            format!("truncated: {} bytes, shorter than the header", bytes.len()),
        ));
    }
    let magic = header.take(MAGIC.len().min(bytes.len()), "magic")?;
    if magic != MAGIC {
        return Err(Box::new(
            Diagnostic::error(
                DiagnosticKind::BadSnapshot,
                header.file,
                "not a corridor snapshot (wrong magic bytes)",
            )
            .column("byte 0 (header)")
            .expected("a file written by `corridor build`, or a network folder"),
        ));
    }
    let version = header.u32("format version")?;
    if version != FORMAT_VERSION {
        let which = if version < FORMAT_VERSION {
            "older"
        } else {
            "newer"
        };
        return Err(Box::new(
            Diagnostic::error(
                DiagnosticKind::BadSnapshot,
                header.file,
                format!("snapshot format version {version} is {which} than this build's"),
            )
            .column("byte 16 (header)")
            .value(&version.to_string())
            .expected(format!(
                "version {FORMAT_VERSION}; rebuild the snapshot from its network folder with `corridor build`"
            )),
        ));
    }
    let sections = header.u32("section count")?;
    let body_len = header.u64("body length")?;
    let crc = header.u32("checksum")?;
    let reserved = header.u32("reserved")?;
    if reserved != 0 {
        return Err(header.fail_at(36, format!("reserved field is {reserved}, expected 0")));
    }
    let body = (len - HEADER) as u64;
    if body_len != body {
        let message = if body_len > body {
            format!(
                "truncated: the header announces {body_len} bytes of sections, the file has {body}"
            )
        } else {
            format!(
                "{} bytes after the {body_len} bytes of sections the header announces",
                body - body_len
            )
        };
        return Err(header.fail_at(24, message));
    }
    Ok((sections, crc))
}

/// The next section at `*at`, one of the tags `want` ("A or B" in the error when
/// another comes); moves `*at` past it.
fn section<'s>(
    file: &'s str,
    source: &'s mut Source<'_>,
    at: &mut usize,
    want: &[&'static str],
) -> Result<In<'s>, Fail> {
    let start = *at;
    let left = source.len - start;
    let frame_bytes = source
        .fetch(start, left.min(12))
        .map_err(|e| unreadable(file, &e))?;
    let mut frame = In {
        file,
        data: frame_bytes,
        base: start,
        at: 0,
        end: frame_bytes.len(),
        section: want[0],
    };
    let tag = frame.array::<4>("section tag")?;
    let Some(&want) = want.iter().find(|w| tag == *w.as_bytes()) else {
        return Err(frame.fail_at(
            0,
            format!(
                "section {:?} where {} was expected",
                String::from_utf8_lossy(&tag),
                want.join(" or ")
            ),
        ));
    };
    let len = frame.u64("section length")?;
    let left = left - 12;
    if len > left as u64 {
        return Err(frame.fail_at(
            4,
            format!(
                "section length: a length of {len} is more than the {left} bytes left in the section hold"
            ),
        ));
    }
    let len = len as usize;
    *at = start + 12 + len;
    let data = source
        .fetch(start + 12, len)
        .map_err(|e| unreadable(file, &e))?;
    Ok(In {
        file,
        data,
        base: start + 12,
        at: 0,
        end: len,
        section: want,
    })
}

fn read_sections(file: &str, source: &mut Source<'_>, sections: u32) -> Result<Sections, Fail> {
    let len = source.len;
    let fail = |at: usize, message: String| {
        Box::new(
            Diagnostic::error(DiagnosticKind::BadSnapshot, file, message)
                .column(&format!("byte {at} (header)")),
        )
    };
    let mut at = HEADER;
    if sections < 4 {
        return Err(fail(
            20,
            format!("{sections} sections, expected META, CORR, PLAC and LEGS at least"),
        ));
    }
    let mut s = section(file, source, &mut at, &["META"])?;
    let meta = read_meta(&mut s)?;
    s.finish()?;
    let mut s = section(file, source, &mut at, &["CORR"])?;
    let corridors: Vec<String> = s
        .strs("corridor tags")?
        .into_iter()
        .map(str::to_owned)
        .collect();
    if corridors.len() > usize::from(u16::MAX) + 1 {
        return Err(s.fail("more corridor tags than ids (65,536)"));
    }
    s.finish()?;
    let mut s = section(file, source, &mut at, &["PLAC"])?;
    let (places, ids) = read_places(&mut s)?;
    s.finish()?;
    let mut s = section(file, source, &mut at, &["LEGS"])?;
    let legs = read_legs(&mut s, places.len(), corridors.len())?;
    s.finish()?;
    let mut graphs = Vec::new();
    let mut hierarchies = Vec::new();
    for _ in 4..sections {
        // Graphs first, then hierarchies.
        let allowed: &[&str] = if hierarchies.is_empty() {
            &["GRPH", "HIER"]
        } else {
            &["HIER"]
        };
        let mut s = section(file, source, &mut at, allowed)?;
        if s.section == "GRPH" {
            let start = s.base;
            graphs.push((start, read_graph(&mut s, places.len(), legs.len())?));
        } else {
            hierarchies.push(read_hierarchy(&mut s, places.len(), legs.len())?);
        }
        s.finish()?;
    }
    if at != len {
        return Err(fail(at, "bytes after the last section".to_owned()));
    }
    Ok(Sections {
        meta,
        corridors,
        places,
        ids,
        legs,
        graphs,
        hierarchies,
    })
}

fn read_meta(r: &mut In<'_>) -> Result<Meta, Fail> {
    let name = r.str("name")?.to_owned();
    let version = r.str("version")?.to_owned();
    let description = r.str("description")?.to_owned();
    let value_of_time = quantity(r, "value_of_time_usd_per_teu_h")?;
    let wait_factor = quantity(r, "wait_factor")?;
    let transfers = read_transfers(r)?;
    let mut modes = Mode::ALL.map(ModeDefaults::builtin);
    for (mode, defaults) in Mode::ALL.iter().zip(&mut modes) {
        let at = r.at;
        defaults.speed_kmh = quantity(r, "speed_kmh")?;
        if defaults.speed_kmh < crate::model::MIN_SPEED_KMH {
            return Err(r.fail_at(at, format!("{mode} speed_kmh below the minimum")));
        }
        defaults.cost_usd_per_teu_km = quantity(r, "cost_usd_per_teu_km")?;
        defaults.co2_kg_per_teu_km = quantity(r, "co2_kg_per_teu_km")?;
        defaults.source = r.opt_str("source")?.map(str::to_owned);
    }
    let unions = r.len(1, "customs unions")?;
    let mut customs_unions = Vec::with_capacity(unions);
    for _ in 0..unions {
        let id = r.str("customs union id")?.to_owned();
        let name = r.str("customs union name")?.to_owned();
        let countries = r
            .strs("customs union countries")?
            .into_iter()
            .map(|code| country(r, code))
            .collect::<Result<Vec<_>, _>>()?;
        customs_unions.push(CustomsUnion {
            id,
            name,
            countries,
            dwell_factor: quantity(r, "dwell_factor")?,
            fee_factor: quantity(r, "fee_factor")?,
            source: r.opt_str("customs union source")?.map(str::to_owned),
        });
    }
    let infos = r.len(1, "corridors")?;
    let mut corridors = Vec::with_capacity(infos);
    for _ in 0..infos {
        corridors.push(CorridorInfo {
            id: r.str("corridor id")?.to_owned(),
            name: r.str("corridor name")?.to_owned(),
            aliases: r
                .strs("corridor aliases")?
                .into_iter()
                .map(str::to_owned)
                .collect(),
            description: r.str("corridor description")?.to_owned(),
            source: r.opt_str("corridor source")?.map(str::to_owned),
        });
    }
    Ok(Meta {
        name,
        version,
        description,
        defaults: Defaults {
            value_of_time_usd_per_teu_h: value_of_time,
            wait_factor,
            transfers,
        },
        modes,
        customs_unions,
        corridors,
    })
}

/// A number of the data format: finite, within `0..=MAX_QUANTITY`.
fn quantity(r: &mut In<'_>, what: &str) -> Result<f64, Fail> {
    let at = r.at;
    let value = r.f64(what)?;
    check_quantity(value).map_err(|e| r.fail_at(at, format!("{what}: {e}")))
}

fn check_quantity(value: f64) -> Result<f64, String> {
    if (0.0..=crate::model::MAX_QUANTITY).contains(&value) {
        Ok(value)
    } else {
        Err(format!(
            "{value} is not a number from 0 to {}",
            crate::model::MAX_QUANTITY
        ))
    }
}

fn read_transfers(r: &mut In<'_>) -> Result<Transfers, Fail> {
    let mut transfers = Transfers::ZERO;
    for field in Transfers::FIELDS {
        *(field.get_mut)(&mut transfers) = quantity(r, field.name)?;
    }
    Ok(transfers)
}

fn country(r: &In<'_>, code: &str) -> Result<Country, Fail> {
    Country::parse(code)
        .filter(|c| c.as_str() == code)
        .ok_or_else(|| {
            r.fail(format!(
                "{code:?} is not an uppercase ISO 3166-1 alpha-2 code"
            ))
        })
}

fn optional_quantity(bits: [u8; 8]) -> Result<(), String> {
    let value = f64::from_le_bytes(bits);
    if value.is_nan() {
        return Ok(());
    }
    check_quantity(value).map(|_| ())
}

fn required_quantity(bits: [u8; 8]) -> Result<(), String> {
    check_quantity(f64::from_le_bytes(bits)).map(|_| ())
}

fn opt(bits: [u8; 8]) -> Option<f64> {
    let value = f64::from_le_bytes(bits);
    (!value.is_nan()).then_some(value)
}

fn flag(b: [u8; 1]) -> Result<(), String> {
    if b[0] <= 1 {
        Ok(())
    } else {
        Err(format!("{}, expected 0 or 1", b[0]))
    }
}

fn below(limit: usize, what: &'static str) -> impl Fn([u8; 1]) -> Result<(), String> + Sync {
    move |b| {
        if (b[0] as usize) < limit {
            Ok(())
        } else {
            Err(format!("unknown {what} {}", b[0]))
        }
    }
}

/// Sources (a table of strings) and the source of each of `n` entries.
fn read_sources<'a>(r: &mut In<'a>, n: usize) -> Result<(Vec<Arc<str>>, Column<'a, 4>), Fail> {
    let count = r.len(4, "sources")?;
    let texts = r.str_column(count, "sources")?;
    let sources: Vec<Arc<str>> = (0..texts.len()).map(|i| Arc::from(texts.get(i))).collect();
    let source_of = r.column::<4>(n, "source of each entry")?;
    source_of.check(r, "source", |b| {
        let i = u32::from_le_bytes(b);
        if i == u32::MAX || (i as usize) < sources.len() {
            Ok(())
        } else {
            Err(format!("source {i} of {}", sources.len()))
        }
    })?;
    Ok((sources, source_of))
}

/// The entries of a small table of shared values (transfer rules, sources) for one
/// parallel job: its own copies when the table is small, so that threads building
/// millions of places or legs do not all count references on the same few shared values
/// (one cache line bouncing between the cores); the shared values themselves when the
/// table is large (copying it per job would cost more).
struct JobCopies<'a, T: ?Sized> {
    shared: &'a [Arc<T>],
    own: Vec<Arc<T>>,
}

/// Tables up to this size are copied per job.
const JOB_COPIES_MAX: usize = 64;

impl<'a, T: ?Sized> JobCopies<'a, T> {
    fn new(shared: &'a [Arc<T>], copy: impl Fn(&T) -> Arc<T>) -> JobCopies<'a, T> {
        let own = if shared.len() <= JOB_COPIES_MAX {
            shared.iter().map(|value| copy(value)).collect()
        } else {
            Vec::new()
        };
        JobCopies { shared, own }
    }

    /// The job's copies if it made them, else the shared values.
    fn table(&self) -> &[Arc<T>] {
        if self.own.is_empty() {
            self.shared
        } else {
            &self.own
        }
    }

    /// Entry `i`, if the table has one (`u32::MAX` stands for none).
    fn get(&self, i: usize) -> Option<Arc<T>> {
        self.table().get(i).map(Arc::clone)
    }

    /// Entry `i`, which the table has (checked before).
    fn at(&self, i: usize) -> Arc<T> {
        Arc::clone(&self.table()[i])
    }
}

fn read_places(r: &mut In<'_>) -> Result<(Vec<Place>, IdIndex), Fail> {
    let count_at = r.at;
    let n = r.len(4, "places")?;
    if n > u32::MAX as usize {
        return Err(r.fail_at(count_at, "more places than place ids (2^32)"));
    }
    let ids_at = r.at;
    let ids = r.str_column(n, "place ids")?;
    // No id has a comma, semicolon or control character when the blob has none (a
    // byte scan; a blob with characters from U+0080 on, C1 controls among them, is
    // checked id by id).
    let plain = ids
        .blob
        .bytes()
        .all(|b| (0x20..0x7f).contains(&b) && b != b',' && b != b';');
    let bad_id = (!plain)
        .then(|| (0..n).find(|&i| crate::model::check_id(ids.get(i)).is_err()))
        .flatten();
    if let Some(i) = bad_id {
        return Err(r.fail_at(
            ids_at,
            format!("place id {:?} of place {i} is not a valid id", ids.get(i)),
        ));
    }
    let name_is_id = r.column::<1>(n, "name flags")?;
    name_is_id.check(r, "name flag", flag)?;
    let names = r.str_column(n, "place names")?;
    let aliases = r.list_column(n, "aliases")?;
    let regions = r.list_column(n, "regions")?;
    let countries = r.column::<2>(n, "countries")?;
    countries.check(r, "country", |c| {
        if c == [0, 0] || (c[0].is_ascii_uppercase() && c[1].is_ascii_uppercase()) {
            Ok(())
        } else {
            Err("not two uppercase letters".to_owned())
        }
    })?;
    let kinds = r.column::<1>(n, "kinds")?;
    kinds.check(r, "kind", below(PlaceKind::ALL.len(), "kind"))?;
    let lons = r.column::<8>(n, "longitudes")?;
    lons.check(r, "longitude", |b| {
        let v = f64::from_le_bytes(b);
        if (-180.0..=180.0).contains(&v) {
            Ok(())
        } else {
            Err(format!("{v} is not within -180 to 180"))
        }
    })?;
    let lats = r.column::<8>(n, "latitudes")?;
    lats.check(r, "latitude", |b| {
        let v = f64::from_le_bytes(b);
        if (-90.0..=90.0).contains(&v) {
            Ok(())
        } else {
            Err(format!("{v} is not within -90 to 90"))
        }
    })?;
    // Places with the same rule share one copy (as places with the network's default
    // rule do when loaded from CSV).
    let rules = r.len(72, "transfer rules")?;
    let rules: Vec<Arc<Transfers>> = (0..rules)
        .map(|_| read_transfers(r).map(Arc::new))
        .collect::<Result<_, _>>()?;
    let rule_of = r.column::<4>(n, "transfer rule of each place")?;
    rule_of.check(r, "transfer rule", |b| {
        let i = u32::from_le_bytes(b) as usize;
        if i < rules.len() {
            Ok(())
        } else {
            Err(format!("rule {i} of {}", rules.len()))
        }
    })?;
    let capacities = r.column::<8>(n, "capacities")?;
    capacities.check(r, "capacity_teu_per_year", optional_quantity)?;
    let (sources, source_of) = read_sources(r, n)?;
    let at = r.at;
    let slot_count = r.len(8, "id index")?;
    let slots: Vec<u64> = r
        .items::<8>(slot_count, "id index")?
        .par_iter()
        .with_min_len(PARALLEL_MIN)
        .map(|b| u64::from_le_bytes(*b))
        .collect();
    let index =
        IdIndex::from_slots(slots, n).map_err(|e| r.fail_at(at, format!("id index: {e}")))?;
    let places: Vec<Place> = (0..n)
        .into_par_iter()
        .map_init(
            || {
                (
                    JobCopies::new(&rules, |t| Arc::new(Transfers::clone(t))),
                    JobCopies::new(&sources, |s: &str| Arc::from(s)),
                )
            },
            |(rules, sources), i| {
                let id: Arc<str> = Arc::from(ids.get(i));
                Place {
                    name: if name_is_id.get(i) == [1] {
                        Arc::clone(&id)
                    } else {
                        Arc::from(names.get(i))
                    },
                    id,
                    aliases: aliases.get(i),
                    regions: regions.get(i),
                    country: match countries.get(i) {
                        [0, 0] => None,
                        code => std::str::from_utf8(&code).ok().and_then(Country::parse),
                    },
                    kind: PlaceKind::ALL[kinds.get(i)[0] as usize],
                    coord: crate::model::Coord {
                        lon: f64::from_le_bytes(lons.get(i)),
                        lat: f64::from_le_bytes(lats.get(i)),
                    },
                    transfers: rules.at(u32::from_le_bytes(rule_of.get(i)) as usize),
                    capacity_teu_per_year: opt(capacities.get(i)),
                    source: sources.get(u32::from_le_bytes(source_of.get(i)) as usize),
                }
            },
        )
        .collect();
    // Slots made with another hash function would miss: look some places up.
    let step = (n / 64).max(1);
    if let Some(i) = (0..n)
        .step_by(step)
        .find(|&i| index.get(&places, &places[i].id) != Some(PlaceId(i as u32)))
    {
        return Err(r.fail_at(
            at,
            format!(
                "id index: place {:?} is not found by its id (index written with another hash)",
                places[i].id
            ),
        ));
    }
    Ok((places, index))
}

fn read_legs(r: &mut In<'_>, places: usize, corridors: usize) -> Result<Vec<Leg>, Fail> {
    let count_at = r.at;
    let n = r.len(4, "legs")?;
    if n > u32::MAX as usize {
        return Err(r.fail_at(count_at, "more legs than leg ids (2^32)"));
    }
    let place = |b: [u8; 4]| {
        let p = u32::from_le_bytes(b) as usize;
        if p < places {
            Ok(())
        } else {
            Err(format!("place {p} of {places}"))
        }
    };
    let from = r.column::<4>(n, "leg starts")?;
    from.check(r, "start", place)?;
    let to = r.column::<4>(n, "leg ends")?;
    to.check(r, "end", place)?;
    if let Some(i) = first_index(n, |i| from.get(i) == to.get(i)) {
        return Err(r.fail_at(
            to.at_of(i),
            format!("leg {i} starts and ends at the same place"),
        ));
    }
    let modes = r.column::<1>(n, "modes")?;
    modes.check(r, "mode", below(Mode::ALL.len(), "mode"))?;
    let statuses = r.column::<1>(n, "statuses")?;
    statuses.check(r, "status", below(Status::ALL.len(), "status"))?;
    let one_way = r.column::<1>(n, "one-way flags")?;
    one_way.check(r, "one_way", flag)?;
    let (starts, total) = r.counts(n, "corridor tags of each leg")?;
    let tags = r.counted_items::<2>(total, "corridor tags of legs")?;
    tags.check(r, "corridor tag", |b| {
        let c = u16::from_le_bytes(b) as usize;
        if c < corridors {
            Ok(())
        } else {
            Err(format!("corridor {c} of {corridors}"))
        }
    })?;
    let distance = r.column::<8>(n, "distance_km")?;
    distance.check(r, "distance_km", required_quantity)?;
    let time = r.column::<8>(n, "time_h")?;
    time.check(r, "time_h", required_quantity)?;
    let cost = r.column::<8>(n, "cost_usd")?;
    cost.check(r, "cost_usd", required_quantity)?;
    let capacity = r.column::<8>(n, "capacity_teu_per_year")?;
    capacity.check(r, "capacity_teu_per_year", optional_quantity)?;
    let gauges = r.column::<2>(n, "gauges")?;
    gauges.check(r, "gauge_mm", |b| {
        let g = u16::from_le_bytes(b);
        if g == 0 || (300..=3000).contains(&g) {
            Ok(())
        } else {
            Err(format!("{g} is not within 300 to 3000"))
        }
    })?;
    let headway = r.column::<8>(n, "headway_h")?;
    headway.check(r, "headway_h", optional_quantity)?;
    let co2 = r.column::<8>(n, "co2_kg_per_teu_km")?;
    co2.check(r, "co2_kg_per_teu_km", optional_quantity)?;
    let (sources, source_of) = read_sources(r, n)?;
    let (point_starts, points) = r.counts(n, "drawn_via points of each leg")?;
    let points = r.counted_items::<16>(points, "drawn_via points of legs")?;
    points.check(r, "drawn_via point", |b| {
        let (lon, lat) = point(b);
        if !(-180.0..=180.0).contains(&lon) {
            Err(format!("longitude {lon} is not within -180 to 180"))
        } else if !(-90.0..=90.0).contains(&lat) {
            Err(format!("latitude {lat} is not within -90 to 90"))
        } else {
            Ok(())
        }
    })?;
    let legs = (0..n)
        .into_par_iter()
        .map_init(
            || JobCopies::new(&sources, |s: &str| Arc::from(s)),
            |sources, i| {
                let mode = Mode::ALL[modes.get(i)[0] as usize];
                let gauge = u16::from_le_bytes(gauges.get(i));
                Leg {
                    from: PlaceId(u32::from_le_bytes(from.get(i))),
                    to: PlaceId(u32::from_le_bytes(to.get(i))),
                    mode,
                    corridors: tags.items[starts.range(i)]
                        .iter()
                        .map(|b| CorridorId(u16::from_le_bytes(*b)))
                        .collect(),
                    distance_km: f64::from_le_bytes(distance.get(i)),
                    time_h: f64::from_le_bytes(time.get(i)),
                    cost_usd: f64::from_le_bytes(cost.get(i)),
                    capacity_teu_per_year: opt(capacity.get(i)),
                    gauge_mm: (gauge != 0 && mode == Mode::Rail).then_some(gauge),
                    status: Status::ALL[statuses.get(i)[0] as usize],
                    one_way: one_way.get(i) == [1],
                    headway_h: opt(headway.get(i)),
                    co2_kg_per_teu_km: opt(co2.get(i)),
                    source: sources.get(u32::from_le_bytes(source_of.get(i)) as usize),
                    drawn_via: points.items[point_starts.range(i)]
                        .iter()
                        .map(|&b| {
                            let (lon, lat) = point(b);
                            Coord { lon, lat }
                        })
                        .collect(),
                }
            },
        )
        .collect();
    Ok(legs)
}

/// A stored point: longitude then latitude, each an `f64`.
fn point(bytes: [u8; 16]) -> (f64, f64) {
    let (lon, lat) = bytes.split_at(8);
    let number = |half: &[u8]| f64::from_le_bytes(half.try_into().unwrap_or_default());
    (number(lon), number(lat))
}

/// An objective code and the place and leg counts a stored structure was built for,
/// which must be this network's.
fn read_built_for(
    r: &mut In<'_>,
    what: &str,
    places: usize,
    legs: usize,
) -> Result<Objective, Fail> {
    let at = r.at;
    let code = r.u8("objective")?;
    let objective = *Objective::ALL
        .get(code as usize)
        .ok_or_else(|| r.fail_at(at, format!("unknown objective {code}")))?;
    let at = r.at;
    let (built_places, built_legs) = (r.u64("places")?, r.u64("legs")?);
    if (built_places, built_legs) != (places as u64, legs as u64) {
        return Err(r.fail_at(
            at,
            format!(
                "the {what} by {objective} was built for a network of {built_places} places and {built_legs} legs; this snapshot's has {places} and {legs}: it does not belong to it"
            ),
        ));
    }
    Ok(objective)
}

fn read_graph(r: &mut In<'_>, places: usize, legs: usize) -> Result<GraphParts, Fail> {
    let objective = read_built_for(r, "compiled graph", places, legs)?;
    let place_rank = r.u32s("place ranks")?;
    let out_start = r.u32s("directed-leg offsets")?;
    let out_leg = r.u32s("directed legs")?.into_iter().map(DirLeg).collect();
    let out_head = r.u32s("directed legs' states")?;
    let state_place = r.u32s("states' places")?;
    let n = r.len(1, "states' arrival modes")?;
    let at = r.at;
    let modes = r.items::<1>(n, "states' arrival modes")?;
    let gauges = r.u32s("states' arrival gauges")?;
    if gauges.len() != n {
        return Err(r.fail(format!("{} gauges for {n} states", gauges.len())));
    }
    // The first state with an unknown mode or a gauge past u16, if any, fails as a
    // loop over the states in order would.
    let arrival = |i: usize| {
        let mode = Mode::ALL.get(modes[i][0] as usize).copied();
        let gauge = match gauges[i] {
            u32::MAX => Ok(None),
            g => u16::try_from(g).map(Some),
        };
        (mode, gauge)
    };
    if let Some(i) = first_index(n, |i| matches!(arrival(i), (None, _) | (_, Err(_)))) {
        return Err(match modes[i][0] {
            mode if Mode::ALL.get(mode as usize).is_none() => {
                r.fail_at(at + i, format!("state {i}: unknown mode {mode}"))
            }
            _ => r.fail(format!(
                "state {i}: gauge {} mm out of range",
                gauges[i]
            )),
        });
    }
    let state_arrival = (0..n)
        .into_par_iter()
        .with_min_len(PARALLEL_MIN)
        .map(|i| match arrival(i) {
            (Some(mode), Ok(gauge_mm)) => Arrival { mode, gauge_mm },
            // Checked above.
            _ => Arrival {
                mode: Mode::Road,
                gauge_mm: None,
            },
        })
        .collect();
    drop(gauges);
    let n = r.len(8, "arc weights")?;
    let arc_weight = r
        .items::<8>(n, "arc weights")?
        .par_iter()
        .with_min_len(PARALLEL_MIN)
        .map(|b| f64::from_le_bytes(*b))
        .collect();
    Ok(GraphParts {
        objective,
        place_rank,
        out_start,
        out_leg,
        out_head,
        state_place,
        state_arrival,
        arc_weight,
    })
}

fn read_hierarchy(r: &mut In<'_>, places: usize, legs: usize) -> Result<StoredHierarchy, Fail> {
    let objective = read_built_for(r, "contraction hierarchy", places, legs)?;
    let states = r.u32("states")?;
    let shortcuts = r.u64("shortcuts")?;
    let weight_check = r.u64("weight check")?;
    let up_start = r.u32s("upward edge offsets")?;
    let up = r.u32s("upward edges")?;
    let down_start = r.u32s("downward edge offsets")?;
    let down = r.u32s("downward edges")?;
    let at = r.at;
    let edges = r.len(9, "edge origins")?;
    let raw = r.items::<9>(edges, "edge origins")?;
    let mut origins = Vec::with_capacity(edges);
    for (i, item) in raw.iter().enumerate() {
        let a = u32::from_le_bytes([item[1], item[2], item[3], item[4]]);
        let b = u32::from_le_bytes([item[5], item[6], item[7], item[8]]);
        origins.push(match item[0] {
            0 => EdgeOrigin::Arc { tail: a, index: b },
            1 => EdgeOrigin::Shortcut {
                first: a,
                second: b,
            },
            kind => {
                return Err(r.fail_at(
                    at + 8 + 9 * i,
                    format!("edge {i}: unknown origin kind {kind}"),
                ));
            }
        });
    }
    Ok(StoredHierarchy {
        objective,
        parts: HierarchyParts {
            states,
            shortcuts,
            up_start,
            up,
            down_start,
            down,
            origins,
            weight_check,
        },
    })
}
