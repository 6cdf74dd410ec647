//! The rules a network's values must follow, written once: the builder checks values
//! with them, and the CSV and TOML readers check cells with them as they parse (so a
//! problem is reported with the cell's text and line).

use std::collections::HashMap;
use std::sync::Arc;

use rustc_hash::FxHashSet;

use super::{Coord, CorridorId, MAX_QUANTITY, MIN_SPEED_KMH};

/// What is wrong, for programs that react to particular problems.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DiagnosticKind {
    /// A required file is missing.
    MissingFile,
    /// A file exists but cannot be read.
    Unreadable,
    /// A file has no header (or no content at all).
    EmptyFile,
    /// A cell or file is not valid UTF-8.
    BadEncoding,
    /// The CSV syntax is broken (e.g. an unterminated quote).
    BadCsv,
    /// A required column is missing from the header.
    MissingColumn,
    /// A column name appears twice in the header.
    DuplicateColumn,
    /// A column is not part of the format and is ignored (warning).
    UnknownColumn,
    /// A row has a different number of fields than the header.
    RaggedRow,
    /// A required cell is empty.
    MissingValue,
    /// A cell is not a number.
    BadNumber,
    /// A number is NaN or infinite.
    NotFinite,
    /// A number is negative (or zero where it must be positive).
    Negative,
    /// A number is outside its range (latitude, longitude, gauge, format version).
    OutOfRange,
    /// An id contains forbidden characters.
    BadId,
    /// An id is defined twice.
    DuplicateId,
    /// A leg names a place that does not exist.
    DanglingEndpoint,
    /// A leg starts and ends at the same place.
    SelfLoop,
    /// A leg is shorter than the great-circle distance between its ends.
    ShorterThanGreatCircle,
    /// Not one of the accepted modes.
    UnknownMode,
    /// Not one of the accepted statuses.
    UnknownStatus,
    /// Not one of the accepted place kinds.
    UnknownKind,
    /// Not an ISO 3166-1 alpha-2 code.
    BadCountry,
    /// Not a boolean.
    BadBool,
    /// The TOML file is malformed or has an unknown key.
    BadToml,
    /// The network falls apart in several pieces (warning).
    Disconnected,
    /// A leg has no source (warning).
    NoSource,
    /// A leg's speed is implausible for its mode (warning).
    ImplausibleSpeed,
    /// A name or alias names several places, so lookups by it are ambiguous (warning).
    AmbiguousName,
    /// A gauge is given on a leg that is not rail (warning).
    GaugeNotRail,
    /// An identical leg appears twice (warning).
    DuplicateLeg,
    /// A scenario names an unknown place, leg or tag.
    UnknownReference,
    /// A snapshot file is not one, is of another format version, truncated, corrupt or
    /// inconsistent.
    BadSnapshot,
}

/// A broken rule: what kind of problem, the message and what would be accepted.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Broken {
    pub(crate) kind: DiagnosticKind,
    pub(crate) message: &'static str,
    pub(crate) expected: String,
}

/// Which numbers a quantity accepts.
#[derive(Clone, Copy, Debug)]
pub(crate) enum NumberRange {
    /// `[0, MAX_QUANTITY]`.
    NonNegative,
    /// A speed: `[MIN_SPEED_KMH, MAX_QUANTITY]`.
    Speed,
    /// `[min, max]` inclusive.
    Between(f64, f64),
}

/// Latitudes in degrees.
pub(crate) const LATITUDE: NumberRange = NumberRange::Between(-90.0, 90.0);
/// Longitudes in degrees.
pub(crate) const LONGITUDE: NumberRange = NumberRange::Between(-180.0, 180.0);
/// Track gauges in mm.
pub(crate) const GAUGE_MM: NumberRange = NumberRange::Between(300.0, 3000.0);

impl NumberRange {
    /// The accepted numbers, inclusive.
    fn bounds(self) -> (f64, f64) {
        match self {
            NumberRange::NonNegative => (0.0, MAX_QUANTITY),
            NumberRange::Speed => (MIN_SPEED_KMH, MAX_QUANTITY),
            NumberRange::Between(min, max) => (min, max),
        }
    }

    /// What the range accepts, for messages.
    pub(crate) fn describe(self) -> String {
        let (min, max) = self.bounds();
        format!("a number from {min} to {max}")
    }

    /// `value` if it is finite and in range, else the kind of problem and its message.
    pub(crate) fn check(self, value: f64) -> Result<f64, (DiagnosticKind, &'static str)> {
        if !value.is_finite() {
            return Err((DiagnosticKind::NotFinite, "number is not finite"));
        }
        let (min, max) = self.bounds();
        match self {
            NumberRange::NonNegative if value < 0.0 => {
                Err((DiagnosticKind::Negative, "number is negative"))
            }
            NumberRange::Speed if value <= 0.0 => {
                Err((DiagnosticKind::Negative, "number must be greater than zero"))
            }
            NumberRange::NonNegative | NumberRange::Speed if value > max => {
                Err((DiagnosticKind::OutOfRange, "number is too large"))
            }
            _ if !(min..=max).contains(&value) => {
                Err((DiagnosticKind::OutOfRange, "number is out of range"))
            }
            _ => Ok(value),
        }
    }

    /// [`NumberRange::check`] with what would be accepted.
    pub(crate) fn rule(self, value: f64) -> Result<f64, Broken> {
        self.check(value).map_err(|(kind, message)| Broken {
            kind,
            message,
            expected: self.describe(),
        })
    }
}

/// Checks an id: no commas, semicolons or control characters (emptiness is checked as a
/// missing value).
pub(crate) fn check_id(id: &str) -> Result<(), Broken> {
    if id.contains([',', ';']) || id.chars().any(char::is_control) {
        Err(Broken {
            kind: DiagnosticKind::BadId,
            message: "id contains a comma, semicolon or control character",
            expected: "an id without commas or semicolons, e.g. almaty".to_owned(),
        })
    } else {
        Ok(())
    }
}

/// Checks that a leg joins two different places.
pub(crate) fn check_ends(from: &str, to: &str) -> Result<(), Broken> {
    if from == to {
        Err(Broken {
            kind: DiagnosticKind::SelfLoop,
            message: "leg starts and ends at the same place",
            expected: "two different places".to_owned(),
        })
    } else {
        Ok(())
    }
}

/// `what` for an unknown id, with up to three of the `known` ids at Jaro–Winkler
/// similarity ≥ 0.8 after folding: "the id of a place (did you mean a, b?)". O(known).
pub(crate) fn close_ids<'k>(what: &str, known: impl Iterator<Item = &'k str>, id: &str) -> String {
    let folded = super::fold(id);
    let mut close: Vec<(f64, &str)> = known
        .map(|known| (strsim::jaro_winkler(&folded, &super::fold(known)), known))
        .filter(|(score, _)| *score >= 0.8)
        .collect();
    close.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    if close.is_empty() {
        what.to_owned()
    } else {
        let names: Vec<&str> = close.iter().take(3).map(|(_, id)| *id).collect();
        format!("{what} (did you mean {}?)", names.join(", "))
    }
}

/// Relative tolerance of the great-circle check (approximate coordinates).
pub const GREAT_CIRCLE_TOLERANCE: f64 = 0.01;
/// Absolute tolerance of the great-circle check in km.
pub const GREAT_CIRCLE_TOLERANCE_KM: f64 = 1.0;

/// Checks that a leg of `distance_km` between places `a` and `b` (id, position) is not
/// shorter than the great-circle distance between them, within the tolerances.
pub(crate) fn check_great_circle(
    distance_km: f64,
    (a_id, a): (&str, Coord),
    (b_id, b): (&str, Coord),
) -> Result<(), Broken> {
    let great_circle = a.distance_km(b);
    if distance_km < great_circle * (1.0 - GREAT_CIRCLE_TOLERANCE) - GREAT_CIRCLE_TOLERANCE_KM {
        Err(Broken {
            kind: DiagnosticKind::ShorterThanGreatCircle,
            message: "leg is shorter than the great-circle distance between its ends",
            expected: format!(
                "at least {great_circle:.1} km between {a_id} and {b_id} (1% + 1 km tolerance)"
            ),
        })
    } else {
        Ok(())
    }
}

/// Checks that a gauge already in [`GAUGE_MM`] is a whole number of mm.
pub(crate) fn whole_gauge(gauge_mm: f64) -> Result<u16, Broken> {
    if gauge_mm.fract() != 0.0 {
        return Err(Broken {
            kind: DiagnosticKind::BadNumber,
            message: "gauge is not a whole number of mm",
            expected: "a whole number of millimetres such as 1435 or 1520".to_owned(),
        });
    }
    Ok(gauge_mm as u16)
}

/// Interns corridor tags in order of first use.
#[derive(Default)]
pub(crate) struct CorridorTable {
    pub(crate) names: Vec<String>,
    index: HashMap<String, CorridorId>,
}

impl CorridorTable {
    /// The id of a tag, adding it if new; the broken rule beyond 65,535 distinct tags.
    pub(crate) fn intern(&mut self, tag: &str) -> Result<CorridorId, Broken> {
        if let Some(&id) = self.index.get(tag) {
            return Ok(id);
        }
        let id = CorridorId(u16::try_from(self.names.len()).map_err(|_| Broken {
            kind: DiagnosticKind::OutOfRange,
            message: "too many distinct corridor tags",
            expected: "at most 65535 distinct tags".to_owned(),
        })?);
        self.names.push(tag.to_owned());
        self.index.insert(tag.to_owned(), id);
        Ok(id)
    }
}

/// Shares repeated text (sources) between places or legs.
#[derive(Default)]
pub(crate) struct Interner(FxHashSet<Arc<str>>);

impl Interner {
    /// The shared copy of `text`.
    pub(crate) fn intern(&mut self, text: &str) -> Arc<str> {
        if let Some(shared) = self.0.get(text) {
            return Arc::clone(shared);
        }
        let shared: Arc<str> = Arc::from(text);
        self.0.insert(Arc::clone(&shared));
        shared
    }
}
