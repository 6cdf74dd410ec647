//! Scenario files (TOML): parsed with the line of every entry, not yet resolved against a
//! network.

use serde::Deserialize;
use toml::Spanned;

use super::dist::{Dist, MAX_FACTOR};
use crate::io::{Diagnostic, DiagnosticKind, LoadError, not_utf8};

/// What a selector names, as written.
#[derive(Clone, Debug, PartialEq)]
pub enum SelectorSpec {
    /// `all = true`: every place and leg.
    All,
    /// `node = "id"`.
    Node(String),
    /// `leg = ["a", "b"]`: the legs between two places (either direction, any mode).
    Leg(String, String),
    /// `corridor = "tag"`.
    Corridor(String),
    /// `country = "CC"` or a country name (`"Russia"`).
    Country(String),
    /// `mode = "ferry"`.
    Mode(String),
}

/// One located entry of a scenario file.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry<T> {
    /// 1-based line of the entry.
    pub line: u64,
    /// The entry.
    pub value: T,
}

/// Factors of a `[[scale]]` entry (1 = unchanged).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Factors {
    /// Multiplies leg travel times.
    pub time: Option<f64>,
    /// Multiplies leg prices.
    pub cost: Option<f64>,
    /// Multiplies leg and place capacities.
    pub capacity: Option<f64>,
    /// Multiplies border dwell hours (entry and exit) at places.
    pub dwell: Option<f64>,
    /// Multiplies mode-change (incl. transshipment) and gauge-change hours at places.
    pub handling: Option<f64>,
}

/// What an `[[uncertain]]` entry draws.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Quantity {
    /// A multiplier of leg travel time.
    Time,
    /// The wait in hours when boarding a leg (replaces wait factor × headway).
    WaitH,
    /// The border entry dwell in hours at a place.
    DwellH,
}

/// A parsed scenario file.
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioFile {
    /// The file name used in messages.
    pub(crate) file: String,
    /// `name`, if given.
    pub(crate) name: Option<String>,
    /// `description`, if given.
    pub(crate) description: Option<String>,
    /// `source`, if given: where the scenario's figures come from.
    pub(crate) source: Option<String>,
    /// `[[add_node]]` entries: CSV column → value.
    pub(crate) add_node: Vec<Entry<Vec<(String, String)>>>,
    /// `[[add_leg]]` entries: CSV column → value.
    pub(crate) add_leg: Vec<Entry<Vec<(String, String)>>>,
    /// `[[open]]` entries.
    pub(crate) open: Vec<Entry<SelectorSpec>>,
    /// `[[close]]` entries.
    pub(crate) close: Vec<Entry<SelectorSpec>>,
    /// `[[scale]]` entries.
    pub(crate) scale: Vec<Entry<(SelectorSpec, Factors)>>,
    /// `[[uncertain]]` entries: selector, quantity, distribution, correlated.
    pub(crate) uncertain: Vec<Entry<(SelectorSpec, Quantity, Dist, bool)>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileToml {
    format_version: Option<Spanned<i64>>,
    name: Option<String>,
    description: Option<String>,
    source: Option<String>,
    #[serde(default)]
    add_node: Vec<Spanned<toml::Table>>,
    #[serde(default)]
    add_leg: Vec<Spanned<toml::Table>>,
    #[serde(default)]
    open: Vec<Spanned<SelectorToml>>,
    #[serde(default)]
    close: Vec<Spanned<SelectorToml>>,
    #[serde(default)]
    scale: Vec<Spanned<ScaleToml>>,
    #[serde(default)]
    uncertain: Vec<Spanned<UncertainToml>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SelectorToml {
    all: Option<bool>,
    node: Option<String>,
    leg: Option<Vec<String>>,
    corridor: Option<String>,
    country: Option<String>,
    mode: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScaleToml {
    all: Option<bool>,
    node: Option<String>,
    leg: Option<Vec<String>>,
    corridor: Option<String>,
    country: Option<String>,
    mode: Option<String>,
    time: Option<f64>,
    cost: Option<f64>,
    capacity: Option<f64>,
    dwell: Option<f64>,
    handling: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UncertainToml {
    all: Option<bool>,
    node: Option<String>,
    leg: Option<Vec<String>>,
    corridor: Option<String>,
    country: Option<String>,
    mode: Option<String>,
    time: Option<DistToml>,
    wait_h: Option<DistToml>,
    dwell_h: Option<DistToml>,
    #[serde(default)]
    correlated: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DistToml {
    dist: String,
    low: Option<f64>,
    mode: Option<f64>,
    high: Option<f64>,
    median: Option<f64>,
    p90: Option<f64>,
}

/// Collects errors while parsing one file.
struct Errors<'a> {
    file: &'a str,
    list: Vec<Diagnostic>,
}

impl Errors<'_> {
    fn push(&mut self, kind: DiagnosticKind, line: u64, key: &str, message: impl Into<String>) {
        self.list.push(
            Diagnostic::error(kind, self.file, message)
                .at(line)
                .column(key),
        );
    }
}

/// The selector keys of an entry: all, node, leg, corridor, country, mode.
type SelectorParts = (
    Option<bool>,
    Option<String>,
    Option<Vec<String>>,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn selector(errors: &mut Errors<'_>, line: u64, parts: SelectorParts) -> Option<SelectorSpec> {
    let (all, node, leg, corridor, country, mode) = parts;
    let mut found = Vec::new();
    if all == Some(true) {
        found.push(SelectorSpec::All);
    }
    if let Some(node) = node {
        found.push(SelectorSpec::Node(node));
    }
    if let Some(leg) = leg {
        match <[String; 2]>::try_from(leg) {
            Ok([a, b]) => found.push(SelectorSpec::Leg(a, b)),
            Err(leg) => {
                errors.push(
                    DiagnosticKind::BadToml,
                    line,
                    "leg",
                    format!("a leg is named by its two places, got {} names", leg.len()),
                );
                return None;
            }
        }
    }
    if let Some(corridor) = corridor {
        found.push(SelectorSpec::Corridor(corridor));
    }
    if let Some(country) = country {
        found.push(SelectorSpec::Country(country));
    }
    if let Some(mode) = mode {
        found.push(SelectorSpec::Mode(mode));
    }
    if found.len() == 1 {
        found.pop()
    } else {
        errors.list.push(
            Diagnostic::error(
                DiagnosticKind::BadToml,
                errors.file,
                format!("the entry needs exactly one selector, found {}", found.len()),
            )
            .at(line)
            .expected("one of node = \"id\", leg = [\"a\", \"b\"], corridor = \"tag\", country = \"CC\", mode = \"ferry\", all = true"),
        );
        None
    }
}

fn dist(errors: &mut Errors<'_>, line: u64, key: &str, spec: DistToml) -> Option<Dist> {
    let need = |errors: &mut Errors<'_>, value: Option<f64>, name: &str| {
        if value.is_none() {
            errors.push(
                DiagnosticKind::BadToml,
                line,
                key,
                format!("{} distribution needs `{name}`", spec.dist),
            );
        }
        value
    };
    let dist = match spec.dist.as_str() {
        "triangular" => {
            let (low, mode, high) = (
                need(errors, spec.low, "low"),
                need(errors, spec.mode, "mode"),
                need(errors, spec.high, "high"),
            );
            Dist::Triangular {
                low: low?,
                mode: mode?,
                high: high?,
            }
        }
        "uniform" => {
            let (low, high) = (
                need(errors, spec.low, "low"),
                need(errors, spec.high, "high"),
            );
            Dist::Uniform {
                low: low?,
                high: high?,
            }
        }
        "lognormal" => {
            let (median, p90) = (
                need(errors, spec.median, "median"),
                need(errors, spec.p90, "p90"),
            );
            Dist::LogNormal {
                median: median?,
                p90: p90?,
            }
        }
        other => {
            errors.list.push(
                Diagnostic::error(DiagnosticKind::BadToml, errors.file, "unknown distribution")
                    .at(line)
                    .column(key)
                    .value(other)
                    .expected("triangular, uniform or lognormal"),
            );
            return None;
        }
    };
    if let Err(message) = dist.check() {
        errors.push(DiagnosticKind::OutOfRange, line, key, message);
        return None;
    }
    Some(dist)
}

fn factor(errors: &mut Errors<'_>, line: u64, key: &str, value: Option<f64>) -> Option<f64> {
    let value = value?;
    if (0.0..=MAX_FACTOR).contains(&value) {
        Some(value)
    } else {
        errors.list.push(
            Diagnostic::error(
                DiagnosticKind::OutOfRange,
                errors.file,
                format!("factor must be a number from 0 to {MAX_FACTOR}"),
            )
            .at(line)
            .column(key)
            .value(&number_text(value))
            .expected("e.g. 0.5 to halve, 2 to double"),
        );
        None
    }
}

/// A number as people read it: `1e308`, not 309 digits.
fn number_text(value: f64) -> String {
    if value.abs() >= 1e15 {
        format!("{value:e}")
    } else {
        value.to_string()
    }
}

/// The CSV cells of an `[[add_node]]`/`[[add_leg]]` table: strings as written, numbers
/// and booleans as text, arrays of strings joined with `;`.
fn cells(errors: &mut Errors<'_>, line: u64, table: toml::Table) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (key, value) in table {
        let text = match value {
            toml::Value::String(s) => s,
            toml::Value::Integer(i) => i.to_string(),
            toml::Value::Float(f) => f.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            toml::Value::Array(items) => {
                let mut parts = Vec::new();
                for item in items {
                    match item {
                        toml::Value::String(s) => parts.push(s),
                        other => {
                            errors.push(
                                DiagnosticKind::BadToml,
                                line,
                                &key,
                                format!("list items must be strings, got {other}"),
                            );
                        }
                    }
                }
                parts.join(";")
            }
            other => {
                errors.push(
                    DiagnosticKind::BadToml,
                    line,
                    &key,
                    format!("expected a string, number or boolean, got {other}"),
                );
                continue;
            }
        };
        out.push((key, text));
    }
    out
}

impl ScenarioFile {
    /// Parses a scenario file (`file` names it in errors). Syntax, unknown keys,
    /// selectors and distributions are checked here, each error with its line; ids are
    /// resolved when the scenario is applied.
    ///
    /// ```
    /// use corridor::{Engine, RouteRequest, ScenarioFile};
    /// let text = b"format_version = 1\n[[close]]\ncountry = \"RU\"\n";
    /// let file = ScenarioFile::parse("no-russia.toml", text)?;
    /// let engine = Engine::builtin().with_scenarios(&[file])?;
    /// let route = engine.route(&RouteRequest::new("Xian", "Duisburg"))?;
    /// assert!(!route.countries.iter().any(|c| c == "RU"));
    /// // Errors name the file, line and column.
    /// let bad = ScenarioFile::parse("bad.toml", b"format_version = 1\n[[clos]]\n").unwrap_err();
    /// assert!(bad.to_string().contains("bad.toml"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn parse(file: &str, bytes: &[u8]) -> Result<ScenarioFile, LoadError> {
        parse(file, bytes)
    }

    /// The scenarios shipped in `data/scenarios/` (documented in `docs/scenarios.md`), as
    /// file name and TOML text, for front ends that offer them.
    pub const BUILTIN: &'static [(&'static str, &'static str)] = crate::builtin::SCENARIOS;
}

/// Parses a scenario file. Syntax, unknown keys, selectors and distributions are checked
/// here, each error with its line; ids are resolved when the scenario is applied.
pub fn parse(file: &str, bytes: &[u8]) -> Result<ScenarioFile, LoadError> {
    let fail = |d: Diagnostic| LoadError {
        errors: vec![d],
        warnings: Vec::new(),
    };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes)
        .map_err(|error| fail(not_utf8(file, bytes, error, "a TOML file saved as UTF-8")))?;
    let parsed: FileToml = toml::from_str(text).map_err(|error| {
        let mut d = Diagnostic::error(
            DiagnosticKind::BadToml,
            file,
            error
                .message()
                .trim()
                .to_lowercase()
                .trim_end_matches('.')
                .to_owned(),
        )
        .expected("the keys documented in docs/scenarios.md");
        if let Some(span) = error.span() {
            d = d.at(crate::io::line_of(text, span.start));
        }
        fail(d)
    })?;
    let line = |start: usize| crate::io::line_of(text, start);
    let mut errors = Errors {
        file,
        list: Vec::new(),
    };
    if let Some(version) = &parsed.format_version
        && *version.get_ref() != 1
    {
        errors.list.push(
            Diagnostic::error(
                DiagnosticKind::OutOfRange,
                file,
                "unsupported format version",
            )
            .at(line(version.span().start))
            .column("format_version")
            .value(&version.get_ref().to_string())
            .expected("1"),
        );
    }
    let mut scenario = ScenarioFile {
        file: file.to_owned(),
        name: parsed.name,
        description: parsed.description,
        source: parsed.source,
        add_node: Vec::new(),
        add_leg: Vec::new(),
        open: Vec::new(),
        close: Vec::new(),
        scale: Vec::new(),
        uncertain: Vec::new(),
    };
    for entry in parsed.add_node {
        let at = line(entry.span().start);
        let value = cells(&mut errors, at, entry.into_inner());
        scenario.add_node.push(Entry { line: at, value });
    }
    for entry in parsed.add_leg {
        let at = line(entry.span().start);
        let value = cells(&mut errors, at, entry.into_inner());
        scenario.add_leg.push(Entry { line: at, value });
    }
    for (list, target) in [
        (parsed.open, &mut scenario.open),
        (parsed.close, &mut scenario.close),
    ] {
        for entry in list {
            let at = line(entry.span().start);
            let s = entry.into_inner();
            if let Some(value) = selector(
                &mut errors,
                at,
                (s.all, s.node, s.leg, s.corridor, s.country, s.mode),
            ) {
                target.push(Entry { line: at, value });
            }
        }
    }
    for entry in parsed.scale {
        let at = line(entry.span().start);
        let s = entry.into_inner();
        let given = [s.time, s.cost, s.capacity, s.dwell, s.handling]
            .iter()
            .any(Option::is_some);
        let factors = Factors {
            time: factor(&mut errors, at, "time", s.time),
            cost: factor(&mut errors, at, "cost", s.cost),
            capacity: factor(&mut errors, at, "capacity", s.capacity),
            dwell: factor(&mut errors, at, "dwell", s.dwell),
            handling: factor(&mut errors, at, "handling", s.handling),
        };
        if !given {
            errors.push(
                DiagnosticKind::BadToml,
                at,
                "scale",
                "the entry scales nothing; give time, cost, capacity, dwell or handling",
            );
        }
        if let Some(sel) = selector(
            &mut errors,
            at,
            (s.all, s.node, s.leg, s.corridor, s.country, s.mode),
        ) {
            scenario.scale.push(Entry {
                line: at,
                value: (sel, factors),
            });
        }
    }
    for entry in parsed.uncertain {
        let at = line(entry.span().start);
        let u = entry.into_inner();
        let quantities: Vec<(Quantity, &str, DistToml)> = [
            (Quantity::Time, "time", u.time),
            (Quantity::WaitH, "wait_h", u.wait_h),
            (Quantity::DwellH, "dwell_h", u.dwell_h),
        ]
        .into_iter()
        .filter_map(|(q, k, d)| d.map(|d| (q, k, d)))
        .collect();
        let sel = selector(
            &mut errors,
            at,
            (u.all, u.node, u.leg, u.corridor, u.country, u.mode),
        );
        if quantities.len() != 1 {
            errors.push(
                DiagnosticKind::BadToml,
                at,
                "uncertain",
                format!(
                    "the entry needs exactly one of time, wait_h, dwell_h, found {}",
                    quantities.len()
                ),
            );
            continue;
        }
        let Some((quantity, key, spec)) = quantities.into_iter().next() else {
            continue;
        };
        if let (Some(sel), Some(d)) = (sel, dist(&mut errors, at, key, spec)) {
            scenario.uncertain.push(Entry {
                line: at,
                value: (sel, quantity, d, u.correlated),
            });
        }
    }
    if errors.list.is_empty() {
        Ok(scenario)
    } else {
        Err(LoadError {
            errors: errors.list,
            warnings: Vec::new(),
        })
    }
}
