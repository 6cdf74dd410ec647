//! CSV + TOML → validated [`Network`], reporting every problem in one pass.

use std::collections::HashMap;

use petgraph::unionfind::UnionFind;

use super::diagnostic::{Diagnostic, DiagnosticKind, LoadError};
use super::meta_toml;
use super::table::{self, NumberRange, Row};
use crate::model::{
    Coord, CorridorId, Country, Leg, Meta, Mode, Network, Place, PlaceId, PlaceKind, Status,
    Transfers, fold,
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

/// Relative tolerance of the great-circle check (approximate coordinates).
pub const GREAT_CIRCLE_TOLERANCE: f64 = 0.01;
/// Absolute tolerance of the great-circle check in km.
pub const GREAT_CIRCLE_TOLERANCE_KM: f64 = 1.0;
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
}

/// Loads and validates a network from its files.
///
/// Every problem is reported, not only the first: the error lists them all in file and
/// line order. Never panics, whatever the bytes.
pub fn load(sources: Sources<'_>) -> Result<Loaded, LoadError> {
    let mut diagnostics = Vec::new();
    let meta = match sources.network_toml {
        Some(file) => meta_toml::parse(file.name, file.bytes, &mut diagnostics),
        None => Meta::default(),
    };
    let nodes = read_nodes(sources.nodes, &meta, &mut diagnostics);
    let legs = read_legs(sources.legs, &meta, &nodes, &mut diagnostics);
    let (errors, mut warnings): (Vec<_>, Vec<_>) =
        diagnostics.into_iter().partition(Diagnostic::is_error);
    if !errors.is_empty() {
        return Err(LoadError {
            errors,
            warnings: cap_warnings(warnings),
        });
    }
    let network = Network::from_validated(meta, nodes.places, legs.legs, legs.corridors);
    warnings.extend(network_warnings(&network, sources.nodes.name, &nodes.lines));
    Ok(Loaded {
        network,
        warnings: cap_warnings(warnings),
    })
}

/// Keeps the first few warnings of each kind and counts the rest in one more warning.
fn cap_warnings(warnings: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut seen: HashMap<DiagnosticKind, (usize, String)> = HashMap::new();
    let mut kept = Vec::new();
    for warning in warnings {
        let entry = seen
            .entry(warning.kind)
            .or_insert((0, warning.file.clone()));
        entry.0 += 1;
        if entry.0 <= WARNINGS_PER_KIND {
            kept.push(warning);
        }
    }
    let mut extra: Vec<_> = seen
        .into_iter()
        .filter(|(_, (count, _))| *count > WARNINGS_PER_KIND)
        .collect();
    extra.sort_by_key(|(_, (count, file))| (file.clone(), *count));
    for (kind, (count, file)) in extra {
        kept.push(Diagnostic::warning(
            kind,
            &file,
            format!(
                "{} more warnings like the ones above",
                count - WARNINGS_PER_KIND
            ),
        ));
    }
    kept
}

struct Nodes {
    places: Vec<Place>,
    lines: Vec<u64>,
    /// Every id seen (even on rows with other errors) → its place, if the row was valid.
    ids: HashMap<String, Option<PlaceId>>,
}

/// Checks an id: non-empty, no commas, semicolons or control characters.
pub(crate) fn check_id(id: &str) -> Result<(), &'static str> {
    if id.contains([',', ';']) || id.chars().any(char::is_control) {
        Err("id contains a comma, semicolon or control character")
    } else {
        Ok(())
    }
}

fn read_nodes(source: Source<'_>, meta: &Meta, diagnostics: &mut Vec<Diagnostic>) -> Nodes {
    let mut nodes = Nodes {
        places: Vec::new(),
        lines: Vec::new(),
        ids: HashMap::new(),
    };
    let mut first_line: HashMap<String, u64> = HashMap::new();
    table::read(
        source.name,
        source.bytes,
        NODE_COLUMNS,
        &[n::ID, n::LAT, n::LON],
        &[],
        diagnostics,
        |row, diagnostics| {
            let errors_before = count_errors(diagnostics);
            let id = row.required(n::ID, diagnostics);
            if let Some(id) = id {
                if let Err(message) = check_id(id) {
                    diagnostics.push(
                        row.error(DiagnosticKind::BadId, n::ID, message)
                            .value(id)
                            .expected("an id without commas or semicolons, e.g. almaty"),
                    );
                } else if let Some(first) = first_line.get(id) {
                    diagnostics.push(
                        row.error(
                            DiagnosticKind::DuplicateId,
                            n::ID,
                            &format!("duplicate id, first defined on line {first}"),
                        )
                        .value(id)
                        .expected("ids that are unique in nodes.csv"),
                    );
                } else {
                    first_line.insert(id.to_owned(), row.line);
                    nodes.ids.insert(id.to_owned(), None);
                }
            }
            let lat = required_number(row, n::LAT, NumberRange::Between(-90.0, 90.0), diagnostics);
            let lon = required_number(
                row,
                n::LON,
                NumberRange::Between(-180.0, 180.0),
                diagnostics,
            );
            let country = row.text(n::COUNTRY, diagnostics).and_then(|text| {
                let country = Country::parse(text).filter(|_| text.len() == 2);
                if country.is_none() {
                    diagnostics.push(
                        row.error(DiagnosticKind::BadCountry, n::COUNTRY, "not a country code")
                            .value(text)
                            .expected("an ISO 3166-1 alpha-2 code such as KZ, or empty for international waters"),
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
            let name = row.text(n::NAME, diagnostics).map(str::to_owned);
            let aliases = split_list(row.text(n::ALIASES, diagnostics));
            let source_text = row.text(n::SOURCE, diagnostics).map(str::to_owned);
            if count_errors(diagnostics) > errors_before {
                return;
            }
            let (Some(id), Some(lat), Some(lon), Some(kind)) = (id, lat, lon, kind) else {
                return;
            };
            let place_id = PlaceId(nodes.places.len() as u32);
            nodes.ids.insert(id.to_owned(), Some(place_id));
            nodes.places.push(Place {
                id: id.to_owned(),
                name: name.unwrap_or_else(|| id.to_owned()),
                aliases,
                country,
                kind,
                coord: Coord { lon, lat },
                transfers,
                capacity_teu_per_year: capacity,
                source: source_text,
            });
            nodes.lines.push(row.line);
        },
    );
    nodes
}

fn count_errors(diagnostics: &[Diagnostic]) -> usize {
    diagnostics.iter().filter(|d| d.is_error()).count()
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

fn read_transfers(
    row: &Row<'_, '_>,
    defaults: &Transfers,
    diagnostics: &mut Vec<Diagnostic>,
) -> Transfers {
    let mut get = |offset: usize, default: f64| {
        optional_number(row, n::TRANSFERS + offset, diagnostics).unwrap_or(default)
    };
    Transfers {
        mode_change_h: get(0, defaults.mode_change_h),
        mode_change_usd: get(1, defaults.mode_change_usd),
        gauge_change_h: get(2, defaults.gauge_change_h),
        gauge_change_usd: get(3, defaults.gauge_change_usd),
        border_h: get(4, defaults.border_h),
        border_usd: get(5, defaults.border_usd),
        border_exit_h: get(6, defaults.border_exit_h),
        border_exit_usd: get(7, defaults.border_exit_usd),
        headway_h: get(8, defaults.headway_h),
    }
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
}

/// Interns corridor tags in order of first use.
#[derive(Default)]
pub(crate) struct CorridorTable {
    pub(crate) names: Vec<String>,
    index: HashMap<String, CorridorId>,
}

impl CorridorTable {
    /// The id of a tag, adding it if new; `None` beyond 65,535 distinct tags.
    pub(crate) fn intern(&mut self, tag: &str) -> Option<CorridorId> {
        if let Some(&id) = self.index.get(tag) {
            return Some(id);
        }
        let id = CorridorId(u16::try_from(self.names.len()).ok()?);
        self.names.push(tag.to_owned());
        self.index.insert(tag.to_owned(), id);
        Some(id)
    }
}

fn read_legs(
    source: Source<'_>,
    meta: &Meta,
    nodes: &Nodes,
    diagnostics: &mut Vec<Diagnostic>,
) -> Legs {
    let mut legs = Vec::new();
    let mut corridors = CorridorTable::default();
    let mut suggestions_left = 20;
    table::read(
        source.name,
        source.bytes,
        LEG_COLUMNS,
        &[l::FROM, l::TO, l::MODE, l::DISTANCE],
        &[l::TIME, l::SPEED, l::COST],
        diagnostics,
        |row, diagnostics| {
            let errors_before = count_errors(diagnostics);
            let from = endpoint(row, l::FROM, nodes, &mut suggestions_left, diagnostics);
            let to = endpoint(row, l::TO, nodes, &mut suggestions_left, diagnostics);
            if let (Some(a), Some(b)) =
                (row.text(l::FROM, diagnostics), row.text(l::TO, diagnostics))
                && a == b
            {
                diagnostics.push(
                    row.error(
                        DiagnosticKind::SelfLoop,
                        l::TO,
                        "leg starts and ends at the same place",
                    )
                    .value(b)
                    .expected("two different places"),
                );
            }
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
                .number(l::SPEED, NumberRange::Positive, diagnostics)
                .ok()
                .flatten();
            let cost = optional_number(row, l::COST, diagnostics);
            let capacity = optional_number(row, l::CAPACITY, diagnostics);
            let gauge = row.number(l::GAUGE, NumberRange::Between(300.0, 3000.0), diagnostics);
            let gauge = match gauge {
                Ok(Some(g)) if g.fract() != 0.0 => {
                    diagnostics.push(
                        row.error(
                            DiagnosticKind::BadNumber,
                            l::GAUGE,
                            "gauge is not a whole number of mm",
                        )
                        .value(&g.to_string())
                        .expected("a whole number of millimetres such as 1435 or 1520"),
                    );
                    None
                }
                Ok(g) => g.map(|g| g as u16),
                Err(()) => None,
            };
            let status = match row.text(l::STATUS, diagnostics) {
                None => Some(Status::Operational),
                Some(text) => {
                    let status = Status::parse(text);
                    if status.is_none() {
                        diagnostics.push(
                            row.error(DiagnosticKind::UnknownStatus, l::STATUS, "unknown status")
                                .value(text)
                                .expected(
                                    "one of operational, under-construction, planned, closed",
                                ),
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
            let source_text = row.text(l::SOURCE, diagnostics).map(str::to_owned);
            if let (Some(from), Some(to), Some(distance)) = (from, to, distance) {
                let great_circle = nodes.places[from.index()]
                    .coord
                    .distance_km(nodes.places[to.index()].coord);
                if distance
                    < great_circle * (1.0 - GREAT_CIRCLE_TOLERANCE) - GREAT_CIRCLE_TOLERANCE_KM
                {
                    diagnostics.push(
                        row.error(
                            DiagnosticKind::ShorterThanGreatCircle,
                            l::DISTANCE,
                            "leg is shorter than the great-circle distance between its ends",
                        )
                        .value(&distance.to_string())
                        .expected(format!(
                            "at least {great_circle:.1} km between {} and {} (1% + 1 km tolerance)",
                            nodes.places[from.index()].id,
                            nodes.places[to.index()].id
                        )),
                    );
                }
            }
            if count_errors(diagnostics) > errors_before {
                return;
            }
            let (Some(from), Some(to), Some(mode), Some(distance), Some(status), Some(one_way)) =
                (from, to, mode, distance, status, one_way)
            else {
                return;
            };
            let defaults = meta.mode(mode);
            let time_h = time.unwrap_or_else(|| distance / speed.unwrap_or(defaults.speed_kmh));
            let cost_usd = cost.unwrap_or(distance * defaults.cost_usd_per_teu_km);
            let mut corridor_ids = Vec::with_capacity(tags.len());
            for tag in &tags {
                match corridors.intern(tag) {
                    Some(id) if !corridor_ids.contains(&id) => corridor_ids.push(id),
                    Some(_) => {}
                    None => diagnostics.push(
                        row.error(
                            DiagnosticKind::OutOfRange,
                            l::CORRIDORS,
                            "too many distinct corridor tags",
                        )
                        .value(tag)
                        .expected("at most 65535 distinct tags"),
                    ),
                }
            }
            if source_text.is_none() {
                diagnostics.push(row.warning(DiagnosticKind::NoSource, "leg has no source"));
            }
            if gauge.is_some() && mode != Mode::Rail {
                diagnostics.push(row.warning(
                    DiagnosticKind::GaugeNotRail,
                    format!("gauge_mm is given on a {mode} leg and is ignored"),
                ));
            }
            if let Some(message) = implausible_speed(mode, distance, time_h) {
                diagnostics.push(row.warning(DiagnosticKind::ImplausibleSpeed, message));
            }
            legs.push(Leg {
                from,
                to,
                mode,
                corridors: corridor_ids,
                distance_km: distance,
                time_h,
                cost_usd,
                capacity_teu_per_year: capacity,
                gauge_mm: if mode == Mode::Rail { gauge } else { None },
                status,
                one_way,
                headway_h: headway,
                co2_kg_per_teu_km: co2,
                source: source_text,
            });
        },
    );
    Legs {
        legs,
        corridors: corridors.names,
    }
}

fn endpoint(
    row: &Row<'_, '_>,
    col: usize,
    nodes: &Nodes,
    suggestions_left: &mut usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<PlaceId> {
    let id = row.required(col, diagnostics)?;
    match nodes.ids.get(id) {
        Some(place) => *place,
        None if *suggestions_left == 0 => {
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
        None => {
            *suggestions_left -= 1;
            let folded = fold(id);
            let mut close: Vec<(f64, &str)> = nodes
                .ids
                .keys()
                .map(|known| (strsim::jaro_winkler(&folded, &fold(known)), known.as_str()))
                .filter(|(score, _)| *score >= 0.8)
                .collect();
            close.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
            let expected = if close.is_empty() {
                "the id of a place in nodes.csv".to_owned()
            } else {
                format!(
                    "the id of a place in nodes.csv (did you mean {}?)",
                    close
                        .iter()
                        .take(3)
                        .map(|(_, id)| *id)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            diagnostics.push(
                row.error(
                    DiagnosticKind::DanglingEndpoint,
                    col,
                    "no place has this id",
                )
                .value(id)
                .expected(expected),
            );
            None
        }
    }
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

fn network_warnings(network: &Network, nodes_file: &str, lines: &[u64]) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    let places = network.places();
    if places.len() > 1 {
        let mut parts = UnionFind::<usize>::new(places.len());
        for leg in network.legs() {
            parts.union(leg.from.index(), leg.to.index());
        }
        let labels = parts.into_labeling();
        let mut sizes: HashMap<usize, (usize, usize)> = HashMap::new();
        for (index, &label) in labels.iter().enumerate() {
            let entry = sizes.entry(label).or_insert((0, index));
            entry.0 += 1;
        }
        if sizes.len() > 1 {
            let mut parts: Vec<(usize, usize)> = sizes.into_values().collect();
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
        let name = (place.name != place.id).then_some(place.name.as_str());
        let mut keys: Vec<String> = name
            .into_iter()
            .chain(place.aliases.iter().map(String::as_str))
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
    for (key, owners) in ambiguous {
        warnings.push(
            Diagnostic::warning(
                DiagnosticKind::AmbiguousName,
                nodes_file,
                format!(
                    "the name {key:?} names several places ({}); looking it up needs an id",
                    owners
                        .iter()
                        .map(|&i| places[i].id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .at(lines[owners[0]]),
        );
    }
    warnings
}
