//! Checking a network against observed trips, and fitting scale factors that make it
//! reproduce them.
//!
//! A trips file (the columns of `data/eurasia/validation.csv`, see
//! [`TRIP_COLUMNS`]) lists end-to-end trips with what was observed: days and USD per TEU
//! as ranges, and what kind of figure each is (a record run, a schedule, a typical
//! figure, a forwarder quote, a promoter's claim). [`check`] routes every trip and gives
//! a [`Verdict`]; [`calibrate`] fits one time factor and one price factor per group
//! (mode, corridor or country, [`Grouping`]) that minimise the squared log error of the
//! typical, scheduled and quoted trips, and writes them as a scenario
//! ([`Calibration::scenario_toml`]) that any command can apply with `--scenario`.
//!
//! The fit: with the routes fixed, a trip's days are
//! `Σ legs time × Π factors of the leg's groups + transfers` (for countries, the border
//! dwell at the country's places is scaled too) and its price likewise with leg prices;
//! Gauss–Newton with a small ridge towards 1 minimises
//! `Σ ln²(engine / observed) + 0.05 Σ ln² factor` (observed = geometric mean of the range),
//! factors bounded to 0.2–5. Routes are recomputed with the fitted factors and the fit
//! repeated, three rounds; the round with the least error wins, no factors (error
//! before) included, so fitting never makes the fitted trips worse. Deterministic: groups
//! are sorted by name, trips kept in file order.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::engine::{Engine, Error, RouteRequest};
use crate::graph::{Objective, TransferKind};
use crate::io::table::{self, NumberRange};
use crate::io::{Diagnostic, DiagnosticKind, LoadError, Source};
use crate::model::{Mode, Network};
use crate::route::Route;

/// The columns of a trips file, in the order of `data/eurasia/validation.csv`.
pub const TRIP_COLUMNS: &[&str] = &[
    "origin",
    "destination",
    "corridor",
    "constraints",
    "days_low",
    "days_high",
    "usd_low",
    "usd_high",
    "usd_unit",
    "teu_per_unit",
    "kind",
    "year",
    "source",
    "url",
    "note",
];

/// What kind of published figure a trip is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum TripKind {
    /// A single (often the first or fastest) run: the engine must not beat it by more
    /// than 10 %.
    Record,
    /// An operator's timetable or announced transit time.
    Schedule,
    /// A typical or average figure.
    Typical,
    /// A forwarder's or shipper's quote.
    Quote,
    /// A promoter's projection (planned infrastructure): shown, never required or fitted.
    Claim,
}

impl TripKind {
    const ALL: [(TripKind, &'static str); 5] = [
        (TripKind::Record, "record"),
        (TripKind::Schedule, "schedule"),
        (TripKind::Typical, "typical"),
        (TripKind::Quote, "quote"),
        (TripKind::Claim, "claim"),
    ];

    /// The name in trips files (`record`, `schedule`, `typical`, `quote`, `claim`).
    pub fn as_str(self) -> &'static str {
        TripKind::ALL
            .iter()
            .find(|(kind, _)| *kind == self)
            .map_or("", |(_, name)| name)
    }

    /// Whether the figure is a band the network must reproduce (typical and scheduled).
    pub fn is_band(self) -> bool {
        matches!(self, TripKind::Typical | TripKind::Schedule)
    }

    /// Whether the fit uses the figure (typical, scheduled, quoted).
    fn is_fitted(self) -> bool {
        matches!(
            self,
            TripKind::Typical | TripKind::Schedule | TripKind::Quote
        )
    }
}

/// One observed trip: a row of a trips file.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Trip {
    /// Line in the file (the header is line 1).
    pub line: u64,
    /// The route request: origin, destination, corridor and constraints.
    #[serde(skip)]
    #[schemars(skip)]
    pub request: RouteRequest,
    /// Origin as written.
    pub origin: String,
    /// Destination as written.
    pub destination: String,
    /// Corridor restriction as written (may be empty).
    pub corridor: String,
    /// Constraints as written (`by=cost;avoid=suez`).
    pub constraints: String,
    /// Observed door-to-door days, low and high.
    pub days: Option<(f64, f64)>,
    /// Observed USD per TEU, low and high (converted from the file's unit).
    pub usd_per_teu: Option<(f64, f64)>,
    /// What kind of figure it is.
    pub kind: TripKind,
    /// Year of the figure.
    pub year: String,
    /// Source key or title.
    pub source: String,
}

impl Trip {
    /// Reads a trips file (`name` locates its errors) with the columns of
    /// `data/eurasia/validation.csv` ([`Trip::COLUMNS`]); see the module's reader for the
    /// units and constraints accepted. Every problem is reported at its line and column.
    ///
    /// ```
    /// use corridor::{Engine, Grouping, Trip};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let csv = "origin,destination,corridor,constraints,days_low,days_high,usd_low,usd_high,usd_unit,teu_per_unit,kind,year,source,url\n\
    ///            Tashkent,Almaty,,,2,4,,,,,typical,2024,EXAMPLE,https://example.org\n";
    /// let trips = Trip::read_csv("mine.csv", csv.as_bytes())?;
    /// let calibration = Engine::builtin().calibrate(&trips, Grouping::Mode)?;
    /// assert_eq!(calibration.before.len(), 1);
    /// # Ok(())
    /// # }
    /// ```
    pub fn read_csv(name: &str, bytes: &[u8]) -> Result<Vec<Trip>, LoadError> {
        read_trips(Source { name, bytes })
    }

    /// The columns of a trips file, in the order of `data/eurasia/validation.csv`.
    pub const COLUMNS: &'static [&'static str] = TRIP_COLUMNS;

    /// `origin → destination`.
    pub fn label(&self) -> String {
        format!("{} → {}", self.origin, self.destination)
    }
}

/// Days may be off by this fraction for typical and scheduled trips.
pub const DAYS_BAND: f64 = 0.25;
/// USD may be off by this fraction.
pub const USD_BAND: f64 = 0.30;
/// A record run may be beaten by at most this fraction.
pub const RECORD_MARGIN: f64 = 0.10;

/// Reads a trips file: the [`TRIP_COLUMNS`] (origin, destination and kind required;
/// unknown columns ignored). `usd_unit` is `TEU`, `FEU` or anything else with
/// `teu_per_unit` saying how many TEU the unit stands for (FEU: 2 unless stated); the
/// USD range is converted to USD per TEU. Constraints are `;`-separated `key=value`:
/// `by=time|cost|distance|co2|generalized`, `avoid=P,Q`, `avoid-country=CC`,
/// `avoid-corridor=TAG`, `via=P`, `modes=rail,sea`, `include-planned`, `booked` (a
/// transit time counted from a booked departure, as liner schedules quote it: no wait
/// for the first service at the origin). Every problem is reported at its line and
/// column.
pub fn read_trips(source: Source<'_>) -> Result<Vec<Trip>, LoadError> {
    let spec = table::Spec {
        file: source.name,
        known: TRIP_COLUMNS,
        required: &[0, 1, 10],
        one_of: &[],
    };
    table::read_rows(spec, source.bytes, parse_trip)
}

fn parse_trip(row: &table::Row<'_, '_>, diagnostics: &mut Vec<Diagnostic>) -> Option<Trip> {
    let before = diagnostics.len();
    let text = |col: usize, d: &mut Vec<Diagnostic>| row.text(col, d).unwrap_or("").to_owned();
    let origin = row.required(0, diagnostics).map(str::to_owned);
    let destination = row.required(1, diagnostics).map(str::to_owned);
    let corridor = text(2, diagnostics);
    let constraints = text(3, diagnostics);
    let positive = NumberRange::NonNegative;
    let range = |low: usize, high: usize, d: &mut Vec<Diagnostic>| {
        let low_value = row.number(low, positive, d).ok().flatten();
        let high_value = row.number(high, positive, d).ok().flatten();
        match (low_value, high_value) {
            (None, None) => None,
            (Some(l), Some(h)) if l <= h && l > 0.0 => Some((l, h)),
            (Some(l), Some(h)) if l > h => {
                d.push(
                    row.error(DiagnosticKind::OutOfRange, low, "low is above high")
                        .value(&format!("{l} > {h}"))
                        .expected("low ≤ high"),
                );
                None
            }
            _ => {
                d.push(
                    row.error(
                        DiagnosticKind::MissingValue,
                        low,
                        "a range needs a positive low and a high",
                    )
                    .expected("both cells, low > 0"),
                );
                None
            }
        }
    };
    let days = range(4, 5, diagnostics);
    let usd = range(6, 7, diagnostics);
    let unit = text(8, diagnostics);
    let per_unit = row
        .number(9, NumberRange::Between(0.1, 100.0), diagnostics)
        .ok()
        .flatten();
    let teu_per_unit = match (unit.to_ascii_uppercase().as_str(), per_unit) {
        (_, Some(n)) => n,
        ("" | "TEU", None) => 1.0,
        ("FEU", None) => 2.0,
        (_, None) => {
            if usd.is_some() {
                diagnostics.push(
                    row.error(
                        DiagnosticKind::MissingValue,
                        9,
                        "the unit is neither TEU nor FEU",
                    )
                    .value(&unit)
                    .expected("how many TEU the unit stands for"),
                );
            }
            1.0
        }
    };
    let kind_text = row.required(10, diagnostics).unwrap_or("");
    let kind = TripKind::ALL
        .iter()
        .find(|(_, name)| name.eq_ignore_ascii_case(kind_text))
        .map(|(kind, _)| *kind);
    if kind.is_none() && !kind_text.is_empty() {
        diagnostics.push(
            row.error(DiagnosticKind::UnknownKind, 10, "unknown kind of figure")
                .value(kind_text)
                .expected("record, schedule, typical, quote or claim"),
        );
    }
    if days.is_none() && usd.is_none() && diagnostics.len() == before {
        diagnostics.push(
            row.error(
                DiagnosticKind::MissingValue,
                4,
                "a trip needs observed days or USD",
            )
            .expected("days_low and days_high, or usd_low and usd_high"),
        );
    }
    let request = match (&origin, &destination) {
        (Some(from), Some(to)) => match request(from, to, &corridor, &constraints) {
            Ok(request) => Some(request),
            Err(message) => {
                diagnostics.push(
                    row.error(DiagnosticKind::BadToml, 3, &message)
                        .value(&constraints)
                        .expected(
                            "key=value pairs separated by ';': by, avoid, avoid-country, \
                             avoid-corridor, via, modes, include-planned, booked",
                        ),
                );
                None
            }
        },
        _ => None,
    };
    if diagnostics[before..].iter().any(Diagnostic::is_error) {
        return None;
    }
    Some(Trip {
        line: row.line,
        request: request?,
        origin: origin?,
        destination: destination?,
        corridor,
        constraints,
        days,
        usd_per_teu: usd.map(|(l, h)| (l / teu_per_unit, h / teu_per_unit)),
        kind: kind?,
        year: text(11, diagnostics),
        source: text(12, diagnostics),
    })
}

/// The route request a trip describes (by time unless `by=` says otherwise).
fn request(
    from: &str,
    to: &str,
    corridor: &str,
    constraints: &str,
) -> Result<RouteRequest, String> {
    let mut request = RouteRequest::new(from, to).by(Objective::Time);
    if !corridor.is_empty() {
        request.corridors.push(corridor.to_owned());
    }
    for constraint in constraints
        .split(';')
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        let (key, value) = constraint.split_once('=').unwrap_or((constraint, ""));
        let list = || value.split(',').map(|v| v.trim().to_owned());
        match key.trim() {
            "by" => {
                request.by = Some(match value.trim() {
                    "time" => Objective::Time,
                    "cost" => Objective::Cost,
                    "distance" => Objective::Distance,
                    "co2" => Objective::Co2,
                    "generalized" => Objective::Generalized,
                    other => return Err(format!("unknown objective {other:?}")),
                })
            }
            "avoid" => request.avoid.extend(list()),
            "avoid-country" => request.avoid_countries.extend(list()),
            "avoid-corridor" => request.avoid_corridors.extend(list()),
            "via" => request.via.extend(list()),
            "modes" => {
                for name in list() {
                    request
                        .modes
                        .push(Mode::parse(&name).ok_or(format!("unknown mode {name:?}"))?);
                }
            }
            "include-planned" => request.include_planned = true,
            "booked" => request.booked = true,
            other => return Err(format!("unknown constraint {other:?}")),
        }
    }
    Ok(request)
}

/// How the engine's answer compares with a trip.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Within the band (days ±25 %, USD ±30 %), or a record not beaten by more than 10 %.
    Inside,
    /// Days below the band.
    TooFast,
    /// Days above the band.
    TooSlow,
    /// Faster than a record run by more than 10 %.
    BeatsRecord,
    /// USD below the band.
    TooCheap,
    /// USD above the band.
    TooDear,
    /// The engine finds no route.
    NoRoute,
}

impl Verdict {
    /// Words for tables: `inside`, `too fast`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Inside => "inside",
            Verdict::TooFast => "too fast",
            Verdict::TooSlow => "too slow",
            Verdict::BeatsRecord => "beats record",
            Verdict::TooCheap => "too cheap",
            Verdict::TooDear => "too dear",
            Verdict::NoRoute => "no route",
        }
    }
}

/// The engine's answer for one trip.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct TripCheck {
    /// Door-to-door days, `None` without a route.
    pub days: Option<f64>,
    /// USD per TEU, `None` without a route.
    pub usd_per_teu: Option<f64>,
    /// Engine days ÷ observed days (geometric mean of the range).
    pub days_ratio: Option<f64>,
    /// Engine USD ÷ observed USD (geometric mean of the range).
    pub usd_ratio: Option<f64>,
    /// Days first, then USD: the first figure outside wins.
    pub verdict: Verdict,
}

/// Compares engine figures with a trip.
fn judge(trip: &Trip, days: f64, usd: f64) -> TripCheck {
    let mid = |(low, high): (f64, f64)| (low * high).sqrt();
    let mut verdict = Verdict::Inside;
    if let Some((low, high)) = trip.days {
        if trip.kind == TripKind::Record {
            if days < low * (1.0 - RECORD_MARGIN) {
                verdict = Verdict::BeatsRecord;
            }
        } else if days < low * (1.0 - DAYS_BAND) {
            verdict = Verdict::TooFast;
        } else if days > high * (1.0 + DAYS_BAND) {
            verdict = Verdict::TooSlow;
        }
    }
    if let (Verdict::Inside, Some((low, high)), false) =
        (verdict, trip.usd_per_teu, trip.kind == TripKind::Record)
    {
        if usd < low * (1.0 - USD_BAND) {
            verdict = Verdict::TooCheap;
        } else if usd > high * (1.0 + USD_BAND) {
            verdict = Verdict::TooDear;
        }
    }
    TripCheck {
        days: Some(days),
        usd_per_teu: Some(usd),
        days_ratio: trip.days.map(|band| days / mid(band)),
        usd_ratio: trip.usd_per_teu.map(|band| usd / mid(band)),
        verdict,
    }
}

const NO_ROUTE: TripCheck = TripCheck {
    days: None,
    usd_per_teu: None,
    days_ratio: None,
    usd_ratio: None,
    verdict: Verdict::NoRoute,
};

/// Routes every trip on `engine` and compares; in trip order. A place or constraint the
/// network does not know is an error naming the trip's line.
pub fn check(engine: &Engine, trips: &[Trip]) -> Result<Vec<TripCheck>, Error> {
    Ok(routes(engine, trips)?
        .iter()
        .zip(trips)
        .map(|(route, trip)| match route {
            Some(route) => judge(trip, route.totals.time_h / 24.0, route.totals.cost_usd),
            None => NO_ROUTE,
        })
        .collect())
}

fn routes(engine: &Engine, trips: &[Trip]) -> Result<Vec<Option<Route>>, Error> {
    trips
        .iter()
        .map(|trip| {
            let located =
                |error: Error| Error::invalid("trips", format!("line {}: {error}", trip.line));
            let (profile, query) = engine.resolve(&trip.request).map_err(located)?;
            match engine.shortest(&profile, &query) {
                Ok(route) => Ok(Some(route)),
                Err(Error::NoRoute { .. }) => Ok(None),
                Err(error) => Err(located(error)),
            }
        })
        .collect()
}

/// What the scale factors are fitted per.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Grouping {
    /// One time and one price factor per mode (rail, road, sea, ferry).
    Mode,
    /// Per corridor tag (legs with several tags get the product of their factors).
    Corridor,
    /// Per country: legs inside it (time and price) and border dwell at its places.
    Country,
}

impl Grouping {
    /// `mode`, `corridor` or `country`: the scenario selector key.
    pub fn as_str(self) -> &'static str {
        match self {
            Grouping::Mode => "mode",
            Grouping::Corridor => "corridor",
            Grouping::Country => "country",
        }
    }
}

/// The fitted factors of one group.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Factor {
    /// The group: a mode, corridor tag or country code.
    pub group: String,
    /// Multiplies leg time (and, per country, border dwell).
    pub time: f64,
    /// Multiplies leg price.
    pub cost: f64,
    /// Trips whose route uses the group.
    pub trips: usize,
    /// Whether the routes use legs of the group (a country may only be crossed at its
    /// borders: then only its dwell is scaled).
    pub legs: bool,
}

/// The result of [`Engine::calibrate`].
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Calibration {
    /// What the factors are per.
    pub grouping: Grouping,
    /// The engine's answers before fitting, in trip order.
    pub before: Vec<TripCheck>,
    /// The answers with the fitted factors applied.
    pub after: Vec<TripCheck>,
    /// The fitted factors, by group name; groups no fitted trip uses are left out.
    pub factors: Vec<Factor>,
    /// Root mean squared natural-log error of the fitted figures before fitting.
    pub error_before: f64,
    /// The same after fitting (never above `error_before`).
    pub error_after: f64,
    /// How many figures (days and USD) the fit used.
    pub figures: usize,
}

/// One trip of `corridor calibrate --format json`: as observed, and the engine's answer
/// before and after fitting.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct CalibratedTripView {
    /// The trip as read.
    pub trip: Trip,
    /// The engine's answer on the network as it is.
    pub before: TripCheck,
    /// The answer with the fitted factors applied.
    pub after: TripCheck,
}

/// `corridor calibrate --format json`: the fit, its factors and every trip.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct CalibrationView {
    /// What the factors are per.
    pub grouping: Grouping,
    /// Root mean squared natural-log error of the fitted figures before fitting.
    pub error_before: f64,
    /// The same after fitting.
    pub error_after: f64,
    /// How many figures (days and USD) the fit used.
    pub figures: usize,
    /// The fitted factors, by group name.
    pub factors: Vec<Factor>,
    /// Every trip in file order.
    pub trips: Vec<CalibratedTripView>,
}

impl Calibration {
    /// The contract view of the calibration of `trips` (those it was fitted to).
    pub fn view(&self, trips: &[Trip]) -> CalibrationView {
        CalibrationView {
            grouping: self.grouping,
            error_before: self.error_before,
            error_after: self.error_after,
            figures: self.figures,
            factors: self.factors.clone(),
            trips: trips
                .iter()
                .zip(self.before.iter().zip(&self.after))
                .map(|(trip, (before, after))| CalibratedTripView {
                    trip: trip.clone(),
                    before: before.clone(),
                    after: after.clone(),
                })
                .collect(),
        }
    }

    /// The factors as a scenario file (docs/scenarios.md): one `[[scale]]` entry per
    /// group whose factors differ from 1, with the errors in its description.
    pub fn scenario_toml(&self, trips_file: &str) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "format_version = 1");
        let _ = writeln!(out, "name = \"Calibrated to {}\"", escape(trips_file));
        let _ = writeln!(
            out,
            "description = \"Scale factors per {} fitted by corridor calibrate to {} observed figures: RMS log error {:.3} before, {:.3} after\"",
            self.grouping.as_str(),
            self.figures,
            self.error_before,
            self.error_after
        );
        let _ = writeln!(
            out,
            "source = \"corridor calibrate --trips {} --by-group {}\"",
            escape(trips_file),
            self.grouping.as_str()
        );
        for factor in &self.factors {
            if factor.time == 1.0 && factor.cost == 1.0 {
                continue;
            }
            let _ = writeln!(out, "\n[[scale]]");
            let _ = writeln!(
                out,
                "{} = \"{}\"",
                self.grouping.as_str(),
                escape(&factor.group)
            );
            if factor.legs {
                let _ = writeln!(out, "time = {}", factor.time);
            }
            if self.grouping == Grouping::Country {
                let _ = writeln!(out, "dwell = {}", factor.time);
            }
            if factor.legs {
                let _ = writeln!(out, "cost = {}", factor.cost);
            }
        }
        out
    }
}

impl Calibration {
    /// An SVG picture: engine versus observed days (left) and USD per TEU (right), one
    /// point per trip before fitting (hollow) and after (filled), joined by a line and
    /// labelled `origin→destination`, on log axes with the ±25 % (days) and ±30 % (USD)
    /// bands around the diagonal. Observed = geometric mean of the trip's range.
    pub fn plot_svg(&self, trips: &[Trip]) -> String {
        let mut svg = String::new();
        let (width, height) = (1100.0, 560.0);
        let _ = writeln!(
            svg,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif">"#
        );
        let _ = writeln!(
            svg,
            r##"<rect width="100%" height="100%" fill="#fff"/><text x="20" y="28" font-size="16">Engine versus observed, per trip: before fitting (hollow) and after (filled), by {}; RMS log error {:.3} → {:.3}</text>"##,
            self.grouping.as_str(),
            self.error_before,
            self.error_after
        );
        let panels: [Panel; 2] = [
            ("days", DAYS_BAND, |t| t.days, |c| c.days),
            (
                "USD per TEU",
                USD_BAND,
                |t| t.usd_per_teu,
                |c| c.usd_per_teu,
            ),
        ];
        for (i, (name, band, observed, engine)) in panels.into_iter().enumerate() {
            let x0 = 70.0 + i as f64 * 540.0;
            let (y0, size) = (60.0, 440.0);
            let points: Vec<(String, f64, Option<f64>, Option<f64>)> = trips
                .iter()
                .zip(self.before.iter().zip(&self.after))
                .filter_map(|(trip, (before, after))| {
                    let (low, high) = observed(trip)?;
                    Some((
                        format!("{}→{}", trip.origin, trip.destination),
                        (low * high).sqrt(),
                        engine(before),
                        engine(after),
                    ))
                })
                .collect();
            let values = points
                .iter()
                .flat_map(|(_, o, b, a)| [Some(*o), *b, *a])
                .flatten()
                .filter(|v| *v > 0.0);
            let (mut lo, mut hi) = (f64::INFINITY, 0.0_f64);
            for v in values {
                lo = lo.min(v);
                hi = hi.max(v);
            }
            if !lo.is_finite() {
                (lo, hi) = (1.0, 10.0);
            }
            let (lo, hi) = ((lo / 1.5).log10(), (hi * 1.5).log10().max(lo.log10() + 1.0));
            let x = |v: f64| x0 + (v.log10() - lo) / (hi - lo) * size;
            let y = |v: f64| y0 + size - (v.log10() - lo) / (hi - lo) * size;
            let _ = writeln!(
                svg,
                r##"<rect x="{x0}" y="{y0}" width="{size}" height="{size}" fill="none" stroke="#888"/><text x="{}" y="{}" font-size="13" text-anchor="middle">observed {name}</text><text x="{}" y="{}" font-size="13" text-anchor="middle" transform="rotate(-90 {} {})">engine {name}</text>"##,
                x0 + size / 2.0,
                y0 + size + 36.0,
                x0 - 48.0,
                y0 + size / 2.0,
                x0 - 48.0,
                y0 + size / 2.0
            );
            // Ticks at 1, 2, 5 × powers of ten.
            let mut decade = 10f64.powf(lo.floor());
            while decade.log10() <= hi {
                for m in [1.0, 2.0, 5.0] {
                    let v = decade * m;
                    if v.log10() < lo || v.log10() > hi {
                        continue;
                    }
                    let _ = writeln!(
                        svg,
                        r##"<text x="{:.1}" y="{:.1}" font-size="10" text-anchor="middle">{v}</text><text x="{:.1}" y="{:.1}" font-size="10" text-anchor="end">{v}</text>"##,
                        x(v),
                        y0 + size + 14.0,
                        x0 - 4.0,
                        y(v) + 3.0
                    );
                }
                decade *= 10.0;
            }
            let (a, b) = (10f64.powf(lo), 10f64.powf(hi));
            for (factor, dash) in [(1.0, ""), (1.0 + band, "4 3"), (1.0 - band, "4 3")] {
                let _ = writeln!(
                    svg,
                    r##"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#4a4" stroke-dasharray="{dash}"/>"##,
                    x(a),
                    y(a * factor),
                    x(b / factor.max(1.0)),
                    y(b / factor.max(1.0) * factor)
                );
            }
            for (label, o, before, after) in &points {
                if let (Some(b), Some(a)) = (before, after) {
                    let _ = writeln!(
                        svg,
                        r##"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#bbb"/>"##,
                        x(*o),
                        y(*b),
                        x(*o),
                        y(*a)
                    );
                }
                if let Some(b) = before {
                    let _ = writeln!(
                        svg,
                        r##"<circle cx="{:.1}" cy="{:.1}" r="4" fill="none" stroke="#777"/>"##,
                        x(*o),
                        y(*b)
                    );
                }
                if let Some(a) = after {
                    let _ = writeln!(
                        svg,
                        r##"<circle cx="{:.1}" cy="{:.1}" r="4" fill="#2a6fb0"/><text x="{:.1}" y="{:.1}" font-size="8" fill="#333">{}</text>"##,
                        x(*o),
                        y(*a),
                        x(*o) + 5.0,
                        y(*a) - 3.0,
                        xml(label)
                    );
                }
            }
        }
        svg.push_str("</svg>\n");
        svg
    }
}

/// A plot panel: its name, band, observed range and engine figure of a trip.
type Panel = (
    &'static str,
    f64,
    fn(&Trip) -> Option<(f64, f64)>,
    fn(&TripCheck) -> Option<f64>,
);

fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Root mean squared log error of the fitted figures (typical, scheduled, quoted trips
/// with a route) and how many figures there are.
pub fn error(trips: &[Trip], checks: &[TripCheck]) -> (f64, usize) {
    let mut sum = 0.0;
    let mut n = 0;
    for (trip, check) in trips.iter().zip(checks) {
        if !trip.kind.is_fitted() {
            continue;
        }
        for ratio in [check.days_ratio, check.usd_ratio].into_iter().flatten() {
            sum += ratio.ln().powi(2);
            n += 1;
        }
    }
    (if n == 0 { 0.0 } else { (sum / n as f64).sqrt() }, n)
}

/// One fitted figure with its route fixed: `Σ parts value × Π factors(groups) + rest`.
struct Figure {
    observed: f64,
    rest: f64,
    parts: Vec<(f64, Vec<usize>)>,
}

impl Figure {
    fn value(&self, factors: &[f64]) -> f64 {
        self.rest
            + self
                .parts
                .iter()
                .map(|(v, groups)| v * groups.iter().map(|&g| factors[g]).product::<f64>())
                .sum::<f64>()
    }
}

/// Ridge weight pulling log factors towards 0 (factor 1).
const RIDGE: f64 = 0.05;
/// Factors stay within these bounds.
const FACTOR_RANGE: (f64, f64) = (0.2, 5.0);
/// Fit, re-route and fit again this many times.
const ROUNDS: usize = 3;

/// Fits scale factors per `grouping` to `trips` on `engine` (see the module docs) and
/// checks the trips again with them. Errors as [`check`].
pub fn calibrate(
    engine: &Engine,
    trips: &[Trip],
    grouping: Grouping,
) -> Result<Calibration, Error> {
    let before = check(engine, trips)?;
    let (error_before, figures) = error(trips, &before);
    let mut best: (f64, Vec<Factor>, Vec<TripCheck>) = (error_before, Vec::new(), before.clone());
    let mut current = engine.clone();
    let mut names: Vec<String> = Vec::new();
    let mut log_factors: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    let mut with_legs: std::collections::BTreeSet<String> = Default::default();
    for _ in 0..ROUNDS {
        let routes = routes(&current, trips)?;
        // Decompose on the current (scaled) network, then express in base units by
        // dividing out the factors already applied.
        let network = current.network();
        let mut time_figures = Vec::new();
        let mut cost_figures = Vec::new();
        let mut uses: BTreeMap<String, usize> = BTreeMap::new();
        for (trip, route) in trips.iter().zip(&routes) {
            let (Some(route), true) = (route, trip.kind.is_fitted()) else {
                continue;
            };
            let mut used = Vec::new();
            let (time, cost) = decompose(network, route, grouping, &mut names, &mut used);
            for (_, groups) in &cost.parts {
                with_legs.extend(groups.iter().map(|&g| names[g].clone()));
            }
            used.sort_unstable();
            used.dedup();
            for &g in &used {
                *uses.entry(names[g].clone()).or_default() += 1;
            }
            if let Some(band) = trip.days {
                time_figures.push(Figure {
                    observed: (band.0 * band.1).sqrt() * 24.0,
                    ..time
                });
            }
            if let Some(band) = trip.usd_per_teu {
                cost_figures.push(Figure {
                    observed: (band.0 * band.1).sqrt(),
                    ..cost
                });
            }
        }
        let applied = |pick: fn(&(f64, f64)) -> f64| -> Vec<f64> {
            names
                .iter()
                .map(|n| log_factors.get(n).map_or(0.0, pick))
                .collect()
        };
        let time_applied = applied(|f| f.0);
        let cost_applied = applied(|f| f.1);
        let time_theta = fit(&mut time_figures, &time_applied, names.len());
        let cost_theta = fit(&mut cost_figures, &cost_applied, names.len());
        for (g, name) in names.iter().enumerate() {
            if uses.contains_key(name) {
                log_factors.insert(name.clone(), (time_theta[g], cost_theta[g]));
            }
        }
        let factors: Vec<Factor> = log_factors
            .iter()
            .map(|(group, &(t, c))| Factor {
                group: group.clone(),
                time: round3(t.exp()),
                cost: round3(c.exp()),
                trips: uses.get(group).copied().unwrap_or(0),
                legs: with_legs.contains(group),
            })
            .collect();
        let calibration = Calibration {
            grouping,
            before: before.clone(),
            after: Vec::new(),
            factors: factors.clone(),
            error_before,
            error_after: 0.0,
            figures,
        };
        current =
            engine.with_scenario_toml("calibrated.toml", &calibration.scenario_toml("trips"))?;
        let after = check(&current, trips)?;
        let (error_after, _) = error(trips, &after);
        if error_after < best.0 {
            best = (error_after, factors, after);
        }
    }
    Ok(Calibration {
        grouping,
        before,
        after: best.2,
        factors: best.1,
        error_before,
        error_after: best.0,
        figures,
    })
}

fn round3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

/// Splits a route's hours and USD into parts per group (leg time and price; for
/// countries also border dwell) and the rest; group indices into `names`, extended as
/// new groups appear; `used` collects the groups the route uses.
fn decompose(
    network: &Network,
    route: &Route,
    grouping: Grouping,
    names: &mut Vec<String>,
    used: &mut Vec<usize>,
) -> (Figure, Figure) {
    let mut index = |name: String, used: &mut Vec<usize>| -> usize {
        let g = match names.iter().position(|n| *n == name) {
            Some(g) => g,
            None => {
                names.push(name);
                names.len() - 1
            }
        };
        used.push(g);
        g
    };
    let mut time = Figure {
        observed: 0.0,
        rest: 0.0,
        parts: Vec::new(),
    };
    let mut cost = Figure {
        observed: 0.0,
        rest: 0.0,
        parts: Vec::new(),
    };
    for leg in &route.legs {
        let data = network.leg(leg.leg.leg());
        let groups: Vec<usize> = match grouping {
            Grouping::Mode => vec![index(data.mode.to_string(), used)],
            Grouping::Corridor => data
                .corridors
                .iter()
                .map(|&c| index(network.corridor_name(c).to_owned(), used))
                .collect(),
            Grouping::Country => {
                let (a, b) = (network.place(data.from), network.place(data.to));
                match (a.country, b.country) {
                    (Some(x), Some(y)) if x == y => vec![index(x.to_string(), used)],
                    _ => Vec::new(),
                }
            }
        };
        if groups.is_empty() {
            time.rest += leg.metrics.time_h;
            cost.rest += leg.metrics.cost_usd;
        } else {
            time.parts.push((leg.metrics.time_h, groups.clone()));
            cost.parts.push((leg.metrics.cost_usd, groups));
        }
    }
    for transfer in &route.transfers {
        let t = &transfer.transfer;
        cost.rest += t.cost_usd;
        let border = matches!(
            t.kind,
            TransferKind::BorderEntry { .. } | TransferKind::BorderExit { .. }
        );
        match (grouping, border, network.place(t.place).country) {
            (Grouping::Country, true, Some(country)) => {
                let g = index(country.to_string(), used);
                time.parts.push((t.time_h, vec![g]));
            }
            _ => time.rest += t.time_h,
        }
    }
    (time, cost)
}

/// Gauss–Newton with ridge on log factors; `applied` are the log factors the figures'
/// parts already include (divided out first). Returns the new log factors per group.
fn fit(figures: &mut [Figure], applied: &[f64], groups: usize) -> Vec<f64> {
    for figure in figures.iter_mut() {
        for (value, gs) in &mut figure.parts {
            let already: f64 = gs.iter().map(|&g| applied[g]).sum();
            *value /= already.exp();
        }
    }
    let mut theta = applied.to_vec();
    theta.resize(groups, 0.0);
    let (low, high) = (FACTOR_RANGE.0.ln(), FACTOR_RANGE.1.ln());
    for _ in 0..50 {
        let factors: Vec<f64> = theta.iter().map(|t| t.exp()).collect();
        let mut jtj = vec![vec![0.0; groups]; groups];
        let mut jtr = vec![0.0; groups];
        for figure in figures.iter() {
            let value = figure.value(&factors);
            if value <= 0.0 || figure.observed <= 0.0 {
                continue;
            }
            let residual = (value / figure.observed).ln();
            let mut gradient = vec![0.0; groups];
            for (v, gs) in &figure.parts {
                let part = v * gs.iter().map(|&g| factors[g]).product::<f64>() / value;
                for &g in gs {
                    gradient[g] += part;
                }
            }
            for a in 0..groups {
                if gradient[a] == 0.0 {
                    continue;
                }
                jtr[a] += gradient[a] * residual;
                for b in 0..groups {
                    jtj[a][b] += gradient[a] * gradient[b];
                }
            }
        }
        for g in 0..groups {
            jtj[g][g] += RIDGE + 1e-9;
            jtr[g] += RIDGE * theta[g];
        }
        let Some(step) = solve(jtj, jtr) else {
            break;
        };
        let mut moved = 0.0_f64;
        for g in 0..groups {
            let next = (theta[g] - step[g]).clamp(low, high);
            moved = moved.max((next - theta[g]).abs());
            theta[g] = next;
        }
        if moved < 1e-6 {
            break;
        }
    }
    theta
}

/// Solves `a x = b` by Gaussian elimination with partial pivoting; `None` if singular.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        for row in col + 1..n {
            let f = a[row][col] / a[col][col];
            let (upper, lower) = a.split_at_mut(row);
            for (x, p) in lower[0][col..].iter_mut().zip(&upper[col][col..]) {
                *x -= f * p;
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let s: f64 = (row + 1..n).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - s) / a[row][row];
    }
    Some(x)
}

impl Engine {
    /// Checks `trips` against this network and fits scale factors per `grouping` that
    /// make it reproduce them (`corridor calibrate`; see [`Calibration`]).
    pub fn calibrate(&self, trips: &[Trip], grouping: Grouping) -> Result<Calibration, Error> {
        calibrate(self, trips, grouping)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solve_inverts_a_small_system() {
        let x = solve(vec![vec![2.0, 1.0], vec![1.0, 3.0]], vec![3.0, 5.0]).unwrap();
        assert!(
            (x[0] - 0.8).abs() < 1e-12 && (x[1] - 1.4).abs() < 1e-12,
            "{x:?}"
        );
    }

    #[test]
    fn fit_recovers_a_single_factor() {
        // Two figures whose only group is twice too slow.
        let mut figures = vec![
            Figure {
                observed: 10.0,
                rest: 0.0,
                parts: vec![(20.0, vec![0])],
            },
            Figure {
                observed: 5.0,
                rest: 0.0,
                parts: vec![(10.0, vec![0])],
            },
        ];
        let theta = fit(&mut figures, &[0.0], 1);
        let factor = theta[0].exp();
        assert!((0.5..0.56).contains(&factor), "{factor}");
    }
}
