//! The network model: places, legs, modes, transfers, the validated [`Network`] and the
//! [`NetworkBuilder`] that makes one from values.
//!
//! A [`Network`] is immutable once built. [`NetworkBuilder::build`] checks values with
//! the rules of the data format (ids unique, endpoints resolved, numbers finite,
//! non-negative and within [`MAX_QUANTITY`], coordinates in range, legs not shorter than
//! the great-circle distance between their ends); the CSV reader in [`crate::io`] checks
//! cells with the same rules as it parses them, so its messages carry file and line.

mod builder;
mod check;
mod lookup;
mod meta;
mod network;

pub(crate) use builder::write_got_expected;
pub use builder::{BuildError, Finding, NetworkBuilder, NewLeg, NewPlace, Subject};
pub(crate) use check::{
    Broken, CorridorTable, GAUGE_MM, Interner, LATITUDE, LONGITUDE, NumberRange, check_ends,
    check_great_circle, check_id, close_ids, whole_gauge,
};
pub use check::DiagnosticKind;
#[cfg(feature = "internals")]
pub use check::{GREAT_CIRCLE_TOLERANCE, GREAT_CIRCLE_TOLERANCE_KM};
pub use lookup::{LookupError, fold, parse_coord};
#[cfg(feature = "internals")]
pub use lookup::{MAX_SNAP_KM, country_named};
pub use meta::{CorridorInfo, CustomsUnion, Defaults, Meta, ModeDefaults};
pub use network::{CorridorSummary, Network};
pub(crate) use network::{IdIndex, IdList, PlaceFinder};

use std::fmt;
use std::sync::Arc;

/// Index of a place in its [`Network`] (dense, `0..network.places().len()`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PlaceId(pub u32);

impl PlaceId {
    /// The index as `usize`, for slices.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Index of a leg in its [`Network`] (dense, `0..network.legs().len()`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LegId(pub u32);

impl LegId {
    /// The index as `usize`, for slices.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Index of a corridor tag in [`Network::corridors`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CorridorId(pub u16);

/// How freight moves on a leg.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Railway.
    Rail,
    /// Road (truck).
    Road,
    /// Ocean or sea shipping (container lines, feeders).
    Sea,
    /// Ferry: rail or truck ferries (Caspian, Lake Van, Black Sea).
    Ferry,
}

impl Mode {
    /// Every mode, in a fixed order (used for tables and defaults).
    pub const ALL: [Mode; 4] = [Mode::Rail, Mode::Road, Mode::Sea, Mode::Ferry];

    /// The name used in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Rail => "rail",
            Mode::Road => "road",
            Mode::Sea => "sea",
            Mode::Ferry => "ferry",
        }
    }

    /// Parses a mode name (case-insensitive).
    pub fn parse(text: &str) -> Option<Mode> {
        let text = text.trim();
        Mode::ALL
            .into_iter()
            .find(|mode| mode.as_str().eq_ignore_ascii_case(text))
    }

    /// Position in [`Mode::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a place is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PlaceKind {
    /// A city or town (the default).
    City,
    /// A sea, lake or river port.
    Port,
    /// A freight terminal or logistics centre.
    Terminal,
    /// A border crossing point.
    Border,
    /// A dry port (inland terminal with customs, often at a break of gauge).
    DryPort,
    /// A railway or road junction.
    Junction,
    /// A sea waypoint (strait, canal, cape), usually without a country.
    Waypoint,
}

impl PlaceKind {
    /// Whether places of this kind are freight hubs, where cargo starts or ends:
    /// cities, ports and dry ports (not terminals, borders, junctions or waypoints,
    /// which routes pass through). Sweeps over "all hub pairs" use these.
    pub fn is_hub(self) -> bool {
        matches!(self, PlaceKind::City | PlaceKind::Port | PlaceKind::DryPort)
    }

    /// Every kind, in a fixed order.
    pub const ALL: [PlaceKind; 7] = [
        PlaceKind::City,
        PlaceKind::Port,
        PlaceKind::Terminal,
        PlaceKind::Border,
        PlaceKind::DryPort,
        PlaceKind::Junction,
        PlaceKind::Waypoint,
    ];

    /// The name used in files and output.
    pub fn as_str(self) -> &'static str {
        match self {
            PlaceKind::City => "city",
            PlaceKind::Port => "port",
            PlaceKind::Terminal => "terminal",
            PlaceKind::Border => "border",
            PlaceKind::DryPort => "dry-port",
            PlaceKind::Junction => "junction",
            PlaceKind::Waypoint => "waypoint",
        }
    }

    /// Parses a kind name (case-insensitive).
    pub fn parse(text: &str) -> Option<PlaceKind> {
        let text = text.trim();
        PlaceKind::ALL
            .into_iter()
            .find(|kind| kind.as_str().eq_ignore_ascii_case(text))
    }
}

impl fmt::Display for PlaceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a leg exists today.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// In service (the default).
    Operational,
    /// Being built.
    UnderConstruction,
    /// Announced or designed, not being built.
    Planned,
    /// Built but not usable (closed by policy, sanctions, damage); never routed on.
    Closed,
}

impl Status {
    /// Every status, in a fixed order.
    pub const ALL: [Status; 4] = [
        Status::Operational,
        Status::UnderConstruction,
        Status::Planned,
        Status::Closed,
    ];

    /// The statuses a route may use when planned legs are included.
    pub const OPEN: [Status; 3] = [
        Status::Operational,
        Status::UnderConstruction,
        Status::Planned,
    ];

    /// The name used in files and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Operational => "operational",
            Status::UnderConstruction => "under-construction",
            Status::Planned => "planned",
            Status::Closed => "closed",
        }
    }

    /// Parses a status name (case-insensitive; `_` accepted for `-`).
    pub fn parse(text: &str) -> Option<Status> {
        let text = text.trim().as_bytes();
        let same = |name: &str| {
            name.len() == text.len()
                && name.bytes().zip(text).all(|(a, &b)| {
                    a == if b == b'_' {
                        b'-'
                    } else {
                        b.to_ascii_lowercase()
                    }
                })
        };
        Status::ALL.into_iter().find(|status| same(status.as_str()))
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The largest number a data file may give for any quantity (kilometres, hours, USD,
/// kg CO2e, TEU per year, km/h, factors of network.toml). Far above any real value, and
/// small enough that sums and products over whole networks stay finite and the flow
/// solver stays numerically sound.
pub const MAX_QUANTITY: f64 = 1e9;

/// The smallest speed in km/h a data file may give (so `distance / speed` stays within
/// [`MAX_QUANTITY`] hours).
pub const MIN_SPEED_KMH: f64 = 1.0;

/// An ISO 3166-1 alpha-2 country code (two uppercase ASCII letters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Country([u8; 2]);

impl Country {
    /// Parses a code; accepts two ASCII letters in any case and stores them uppercase.
    pub fn parse(text: &str) -> Option<Country> {
        let bytes = text.trim().as_bytes();
        match bytes {
            [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
                Some(Country([a.to_ascii_uppercase(), b.to_ascii_uppercase()]))
            }
            _ => None,
        }
    }

    /// The code as text, e.g. `"KZ"`.
    pub fn as_str(&self) -> &str {
        // Both bytes are ASCII letters by construction.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A WGS84 coordinate in degrees, stored (lon, lat) as in GeoJSON and `geo`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Coord {
    /// Longitude, −180…180.
    pub lon: f64,
    /// Latitude, −90…90.
    pub lat: f64,
}

impl Coord {
    /// Great-circle (haversine) distance in km on the mean Earth radius.
    pub fn distance_km(self, other: Coord) -> f64 {
        use geo::{Distance, Haversine, Point};
        Haversine.distance(
            Point::new(self.lon, self.lat),
            Point::new(other.lon, other.lat),
        ) / 1000.0
    }
}

/// Declares [`Transfers`] and [`Transfers::FIELDS`] from one list, so the nine fields
/// are named once for the struct, the `nodes.csv` columns, the `network.toml` defaults,
/// the exporters and the builder's checks.
macro_rules! transfers {
    ($($(#[doc = $doc:literal])+ $field:ident,)+) => {
        /// Time and money charged at a place when freight changes mode, gauge or country
        /// there, or waits for a scheduled departure. Values are per TEU.
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub struct Transfers {
            $($(#[doc = $doc])+ pub $field: f64,)+
        }

        impl Transfers {
            /// All zero: nothing is charged.
            pub const ZERO: Transfers = Transfers { $($field: 0.0,)+ };

            /// Every field with its name in files (`nodes.csv` columns, `network.toml`
            /// `[defaults]` keys, JSON properties), in declaration order.
            pub(crate) const FIELDS: &[TransferField] = &[$(TransferField {
                name: stringify!($field),
                get: |t| t.$field,
                get_mut: |t| &mut t.$field,
            },)+];
        }
    };
}

transfers! {
    /// Hours to move freight between two modes here.
    mode_change_h,
    /// USD per TEU to move freight between two modes here.
    mode_change_usd,
    /// Hours to change rail gauge here.
    gauge_change_h,
    /// USD per TEU to change rail gauge here.
    gauge_change_usd,
    /// Dwell hours when freight enters this place's country here.
    border_h,
    /// Fees in USD per TEU when freight enters this place's country here.
    border_usd,
    /// Dwell hours when freight leaves this place's country here.
    border_exit_h,
    /// Fees in USD per TEU when freight leaves this place's country here.
    border_exit_usd,
    /// Hours between scheduled departures from here (for legs without their own headway).
    headway_h,
}

/// One field of [`Transfers`]: its name in files and how to read and write it.
#[derive(Clone, Copy)]
pub(crate) struct TransferField {
    /// The column, key and property name (`border_exit_usd`).
    pub(crate) name: &'static str,
    /// Reads the field.
    pub(crate) get: fn(&Transfers) -> f64,
    /// Writes the field.
    pub(crate) get_mut: fn(&mut Transfers) -> &mut f64,
}

/// A place: city, port, terminal, border crossing, dry port, junction or sea waypoint.
///
/// Text and transfer rules are shared where they repeat (a place without a name shares
/// its id's text; places with the network's default transfers share one copy), so a
/// network of millions of places stays small.
#[derive(Clone, Debug, PartialEq)]
pub struct Place {
    /// Stable identifier, unique in the network.
    pub id: Arc<str>,
    /// Display name (the id when the data gives none).
    pub name: Arc<str>,
    /// Other names and spellings people type.
    pub aliases: Box<[Box<str>]>,
    /// Names of the administrative regions (first-level divisions) whose centre this
    /// place is, first the display name (`Kashkadarya Region`), then other spellings
    /// (`Qashqadaryo`); a query naming a region resolves to its centre.
    pub regions: Box<[Box<str>]>,
    /// Country, or `None` for international waters.
    pub country: Option<Country>,
    /// What the place is.
    pub kind: PlaceKind,
    /// Position (WGS84).
    pub coord: Coord,
    /// Transfer times and charges, with the network defaults filled in (change them
    /// with [`Arc::make_mut`]).
    pub transfers: Arc<Transfers>,
    /// Throughput limit in TEU per year, `None` when unlimited.
    pub capacity_teu_per_year: Option<f64>,
    /// Where the figures come from.
    pub source: Option<Arc<str>>,
}

/// A link between two places with one mode.
#[derive(Clone, Debug, PartialEq)]
pub struct Leg {
    /// Start place.
    pub from: PlaceId,
    /// End place.
    pub to: PlaceId,
    /// Mode of transport.
    pub mode: Mode,
    /// Corridor tags (empty: a feeder usable by every corridor).
    pub corridors: Box<[CorridorId]>,
    /// Length in km.
    pub distance_km: f64,
    /// Travel time in hours (border dwell, transfers and waits excluded).
    pub time_h: f64,
    /// Price in USD per TEU.
    pub cost_usd: f64,
    /// Capacity per direction in TEU per year, `None` when unlimited.
    pub capacity_teu_per_year: Option<f64>,
    /// Track gauge in mm for rail legs, `None` when not stated.
    pub gauge_mm: Option<u16>,
    /// Whether the leg exists today.
    pub status: Status,
    /// `true` if the leg may only be used from `from` to `to`.
    pub one_way: bool,
    /// Hours between departures of this service; `None` uses the departure place's.
    pub headway_h: Option<f64>,
    /// Emission factor override in kg CO2e per TEU-km; `None` uses the mode's.
    pub co2_kg_per_teu_km: Option<f64>,
    /// Where the figures come from (shared by the legs that name the same source).
    pub source: Option<Arc<str>>,
    /// Points a map draws the leg through between its ends, in `from → to` order (a sea
    /// lane around a cape, through a strait). Drawing only: routing never reads them.
    /// Empty: the great circle between the ends.
    pub drawn_via: Box<[Coord]>,
}

/// Freight to move between two places, in TEU per year.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Demand {
    /// Origin.
    pub from: PlaceId,
    /// Destination.
    pub to: PlaceId,
    /// Volume in TEU per year.
    pub volume_teu_per_year: f64,
}

/// A quantity for people: rounded to a whole number, thousands separated by commas
/// (`12345.6` → `12,346`, `-1500` → `-1,500`).
pub fn grouped(value: f64) -> String {
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
        out.insert(0, '-');
    }
    out
}
