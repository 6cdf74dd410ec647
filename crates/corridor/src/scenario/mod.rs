//! What-if scenarios: TOML files that add places and legs, open or close legs, scale
//! times, prices, capacities and border dwell, and describe uncertain quantities for
//! Monte Carlo sweeps. The format is documented in `docs/scenarios.md`.
//!
//! [`parse`] reads a file (syntax, selectors and distributions checked with their lines);
//! [`apply`] resolves the names against a network and returns the changed network plus
//! the resolved uncertainties. Files apply in the order given; within a file the
//! operations apply in this order: `add_node`, `add_leg`, `open`, `close`, `scale`, then
//! `uncertain` is resolved. Closing never removes anything: closed legs get the status
//! `closed`, so ids stay stable and a later file can reopen them.

pub mod dist;
mod file;
mod sweep;

use std::collections::HashSet;
use std::sync::Arc;

pub use dist::Dist;
#[cfg(feature = "internals")]
pub use dist::{MAX_FACTOR, MAX_LOGNORMAL_SPREAD};
pub use file::{Entry, Factors, Quantity, ScenarioFile, SelectorSpec, parse};
pub use sweep::{
    MATRIX_PERCENTILE_ACCURACY, MatrixSweep, MatrixSweepPart, Stats, Sweep, SweepPart,
    corridor_sweeps, merge_sweep, sweep, sweep_matrix, sweep_matrix_part, sweep_part,
};
#[cfg(any(test, feature = "internals"))]
pub use sweep::draw_into;
#[cfg(feature = "internals")]
pub use sweep::{MergeError, PairStats, PartDraw, SweepRoute, draw};

use crate::io::{self, Diagnostic, DiagnosticKind, LoadError};
use crate::model::{
    CorridorId, Country, Leg, LegId, LookupError, MAX_QUANTITY, Mode, Network, NetworkBuilder,
    Place, PlaceId, Status, Subject, fold,
};

/// An uncertain quantity resolved against a network.
#[derive(Clone, Debug, PartialEq)]
pub struct Uncertain {
    /// What is drawn.
    pub quantity: Quantity,
    /// The legs it applies to (for `time` and `wait_h`).
    pub legs: Vec<LegId>,
    /// The places it applies to (for `dwell_h`).
    pub places: Vec<PlaceId>,
    /// The distribution.
    pub dist: Dist,
    /// One draw shared by all the legs or places (else one draw each).
    pub correlated: bool,
    /// Where it was declared.
    pub file: String,
    /// Line of the entry.
    pub line: u64,
}

/// A network with scenarios applied.
#[derive(Debug)]
pub struct Applied {
    /// The changed network.
    pub network: Network,
    /// Uncertain quantities, in declaration order.
    pub uncertain: Vec<Uncertain>,
}

/// A selector resolved against a network.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Selector {
    All,
    Node(PlaceId),
    Leg(PlaceId, PlaceId),
    Corridor(CorridorId),
    Country(Country),
    Mode(Mode),
}

/// Applies `scenarios` in order to `network`. Every unknown id, tag, country or mode is
/// reported with its file, line and suggestions; nothing is applied if anything is wrong.
pub fn apply(network: &Network, scenarios: &[ScenarioFile]) -> Result<Applied, LoadError> {
    let mut current: Option<Network> = None;
    let mut uncertain = Vec::new();
    for scenario in scenarios {
        let base = current.as_ref().unwrap_or(network);
        let (next, mut found) = apply_one(base, scenario)?;
        uncertain.append(&mut found);
        current = Some(next);
    }
    Ok(Applied {
        network: current.unwrap_or_else(|| network.clone()),
        uncertain,
    })
}

struct Errors<'a> {
    file: &'a str,
    list: Vec<Diagnostic>,
}

impl Errors<'_> {
    fn at(
        &mut self,
        line: u64,
        key: &str,
        kind: DiagnosticKind,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.list.push(
            Diagnostic::error(kind, self.file, message)
                .at(line)
                .column(key),
        );
        let last = self.list.len() - 1;
        &mut self.list[last]
    }
}

fn apply_one(
    network: &Network,
    scenario: &ScenarioFile,
) -> Result<(Network, Vec<Uncertain>), LoadError> {
    let mut errors = Errors {
        file: &scenario.file,
        list: Vec::new(),
    };
    // New places and legs first; if they are refused, report that and keep checking the
    // rest of the file against the network without them.
    let added;
    let network = if scenario.add_node.is_empty() && scenario.add_leg.is_empty() {
        network
    } else {
        match add(network, scenario) {
            Ok(bigger) => {
                added = bigger;
                &added
            }
            Err(error) => {
                errors.list.extend(error.errors);
                network
            }
        }
    };
    let resolve_all =
        |errors: &mut Errors<'_>, entries: &[Entry<SelectorSpec>]| -> Vec<(u64, Selector)> {
            entries
                .iter()
                .filter_map(|e| resolve(network, errors, e.line, &e.value).map(|s| (e.line, s)))
                .collect()
        };
    let open = resolve_all(&mut errors, &scenario.open);
    let close = resolve_all(&mut errors, &scenario.close);
    let scale: Vec<(u64, Selector, Factors)> = scenario
        .scale
        .iter()
        .filter_map(|e| {
            resolve(network, &mut errors, e.line, &e.value.0).map(|s| (e.line, s, e.value.1))
        })
        .collect();
    let uncertain_specs: Vec<(u64, Selector, Quantity, Dist, bool)> = scenario
        .uncertain
        .iter()
        .filter_map(|e| {
            let (spec, quantity, dist, correlated) = &e.value;
            resolve(network, &mut errors, e.line, spec)
                .map(|s| (e.line, s, *quantity, *dist, *correlated))
        })
        .collect();

    let (meta, mut places, mut legs, corridors) = network.to_parts();
    for &(_, selector) in &open {
        for id in select_legs(network, selector, Purpose::Open) {
            let leg = &mut legs[id.index()];
            leg.status = Status::Operational;
        }
    }
    let mut closed_corridors: HashSet<CorridorId> = HashSet::new();
    for &(_, selector) in &close {
        if let Selector::Corridor(c) = selector {
            closed_corridors.insert(c);
        }
        for id in select_legs(network, selector, Purpose::Close(&closed_corridors)) {
            legs[id.index()].status = Status::Closed;
        }
    }
    for &(line, selector, factors) in &scale {
        scale_entry(
            network,
            &mut errors,
            line,
            selector,
            factors,
            &mut places,
            &mut legs,
        );
    }
    let mut uncertain = Vec::new();
    for &(line, selector, quantity, dist, correlated) in &uncertain_specs {
        let (key, legs, places) = match quantity {
            Quantity::Time => (
                "time",
                select_legs(network, selector, Purpose::Scale),
                Vec::new(),
            ),
            Quantity::WaitH => (
                "wait_h",
                select_legs(network, selector, Purpose::Scale),
                Vec::new(),
            ),
            Quantity::DwellH => ("dwell_h", Vec::new(), select_places(network, selector)),
        };
        if legs.is_empty() && places.is_empty() {
            errors.at(
                line,
                key,
                DiagnosticKind::UnknownReference,
                match quantity {
                    Quantity::DwellH => {
                        "dwell_h applies to places: select them with node, country or all"
                    }
                    _ => "the selector picks no leg",
                },
            );
            continue;
        }
        if quantity == Quantity::WaitH && network.meta().defaults.wait_factor <= 0.0 {
            errors.at(
                line,
                key,
                DiagnosticKind::OutOfRange,
                "wait_h needs a wait_factor > 0 in network.toml",
            );
            continue;
        }
        uncertain.push(Uncertain {
            quantity,
            legs,
            places,
            dist,
            correlated,
            file: scenario.file.clone(),
            line,
        });
    }
    if !errors.list.is_empty() {
        // In the order of the file, whatever order the operations were checked in.
        errors.list.sort_by_key(|d| d.line);
        return Err(LoadError {
            errors: errors.list,
            warnings: Vec::new(),
        });
    }
    Ok((
        Network::from_validated(meta, places, legs, corridors),
        uncertain,
    ))
}

fn scale_entry(
    network: &Network,
    errors: &mut Errors<'_>,
    line: u64,
    selector: Selector,
    factors: Factors,
    places: &mut [Place],
    legs: &mut [Leg],
) {
    let chosen_legs = match selector {
        Selector::Node(_) => Vec::new(),
        _ => select_legs(network, selector, Purpose::Scale),
    };
    let chosen_places = select_places(network, selector);
    let leg_factor = factors.time.is_some() || factors.cost.is_some();
    let place_factor = factors.dwell.is_some() || factors.handling.is_some();
    if leg_factor && chosen_legs.is_empty() {
        errors.at(
            line,
            "time",
            DiagnosticKind::UnknownReference,
            "time and cost scale legs: select them with leg, corridor, mode, country or all",
        );
        return;
    }
    if place_factor && chosen_places.is_empty() {
        errors.at(
            line,
            "dwell",
            DiagnosticKind::UnknownReference,
            "dwell and handling scale places: select them with node, country or all",
        );
        return;
    }
    // The largest value each factor produces, to refuse values beyond the data limits.
    let mut largest = [0.0f64; 5];
    let [time, cost, capacity, dwell, handling] = &mut largest;
    for id in chosen_legs {
        let leg = &mut legs[id.index()];
        if let Some(f) = factors.time {
            leg.time_h *= f;
            *time = time.max(leg.time_h);
        }
        if let Some(f) = factors.cost {
            leg.cost_usd *= f;
            *cost = cost.max(leg.cost_usd);
        }
        if let (Some(f), Some(c)) = (factors.capacity, leg.capacity_teu_per_year) {
            leg.capacity_teu_per_year = Some(c * f);
            *capacity = capacity.max(c * f);
        }
    }
    for id in chosen_places {
        let place = &mut places[id.index()];
        if let Some(f) = factors.dwell {
            let transfers = Arc::make_mut(&mut place.transfers);
            transfers.border_h *= f;
            transfers.border_exit_h *= f;
            *dwell = dwell.max(transfers.border_h.max(transfers.border_exit_h));
        }
        if let Some(f) = factors.handling {
            let transfers = Arc::make_mut(&mut place.transfers);
            transfers.mode_change_h *= f;
            transfers.gauge_change_h *= f;
            *handling = handling.max(transfers.mode_change_h.max(transfers.gauge_change_h));
        }
        if let (Some(f), Some(c)) = (factors.capacity, place.capacity_teu_per_year) {
            place.capacity_teu_per_year = Some(c * f);
            *capacity = capacity.max(c * f);
        }
    }
    let keys = ["time", "cost", "capacity", "dwell", "handling"];
    for (key, value) in keys.into_iter().zip(largest) {
        if value > MAX_QUANTITY {
            let d = errors.at(
                line,
                key,
                DiagnosticKind::OutOfRange,
                "scaling makes a value too large",
            );
            d.value = Some(value.to_string());
            d.expected = Some(format!(
                "scaled values up to {MAX_QUANTITY}, the limit of the data format"
            ));
        }
    }
}

/// Why legs are being selected (a country or a corridor selects differently).
#[derive(Clone, Copy)]
enum Purpose<'a> {
    /// Legs touching a country or node; any leg of a corridor.
    Open,
    /// Legs touching a country or node; legs whose every tag is a closed corridor.
    Close(&'a HashSet<CorridorId>),
    /// Legs inside a country (both ends); any leg of a corridor.
    Scale,
}

fn select_legs(network: &Network, selector: Selector, purpose: Purpose<'_>) -> Vec<LegId> {
    let in_country = |p: PlaceId, c: Country| network.place(p).country == Some(c);
    network
        .legs()
        .iter()
        .enumerate()
        .filter(|(_, leg)| match selector {
            Selector::All => true,
            Selector::Node(p) => leg.from == p || leg.to == p,
            Selector::Leg(a, b) => (leg.from == a && leg.to == b) || (leg.from == b && leg.to == a),
            Selector::Corridor(c) => match purpose {
                Purpose::Close(closed) => {
                    !leg.corridors.is_empty() && leg.corridors.iter().all(|t| closed.contains(t))
                }
                _ => leg.corridors.contains(&c),
            },
            Selector::Country(c) => match purpose {
                Purpose::Scale => in_country(leg.from, c) && in_country(leg.to, c),
                _ => in_country(leg.from, c) || in_country(leg.to, c),
            },
            Selector::Mode(m) => leg.mode == m,
        })
        .map(|(i, _)| LegId(i as u32))
        .collect()
}

fn select_places(network: &Network, selector: Selector) -> Vec<PlaceId> {
    match selector {
        Selector::All => (0..network.places().len() as u32).map(PlaceId).collect(),
        Selector::Node(p) => vec![p],
        Selector::Country(c) => network
            .places()
            .iter()
            .enumerate()
            .filter(|(_, p)| p.country == Some(c))
            .map(|(i, _)| PlaceId(i as u32))
            .collect(),
        _ => Vec::new(),
    }
}

/// Resolves a selector, reporting unknown names with suggestions.
fn resolve(
    network: &Network,
    errors: &mut Errors<'_>,
    line: u64,
    spec: &SelectorSpec,
) -> Option<Selector> {
    let place = |errors: &mut Errors<'_>, key: &str, query: &str| match network.resolve(query) {
        Ok(id) => Some(id),
        Err(error) => {
            errors
                .at(
                    line,
                    key,
                    DiagnosticKind::UnknownReference,
                    error.to_string(),
                )
                .value = Some(query.to_owned());
            None
        }
    };
    match spec {
        SelectorSpec::All => Some(Selector::All),
        SelectorSpec::Node(q) => place(errors, "node", q).map(Selector::Node),
        SelectorSpec::Leg(a, b) => {
            let (a, b) = (place(errors, "leg", a)?, place(errors, "leg", b)?);
            let exists = network
                .legs()
                .iter()
                .any(|l| (l.from == a && l.to == b) || (l.from == b && l.to == a));
            if !exists {
                errors.at(
                    line,
                    "leg",
                    DiagnosticKind::UnknownReference,
                    format!(
                        "no leg between {} and {}",
                        network.describe(a),
                        network.describe(b)
                    ),
                );
                return None;
            }
            Some(Selector::Leg(a, b))
        }
        SelectorSpec::Corridor(tag) => match network.corridor_id(tag) {
            Some(c) => Some(Selector::Corridor(c)),
            None => {
                let key = fold(tag);
                let mut close: Vec<(f64, &str)> = network
                    .corridors()
                    .iter()
                    .map(|t| (strsim::jaro_winkler(&key, &fold(t)), t.as_str()))
                    .collect();
                close.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
                let names: Vec<&str> = close.iter().take(3).map(|(_, t)| *t).collect();
                let d = errors.at(
                    line,
                    "corridor",
                    DiagnosticKind::UnknownReference,
                    "unknown corridor",
                );
                d.value = Some(tag.clone());
                d.expected = Some(format!(
                    "a corridor tag of the network (did you mean {}?)",
                    names.join(", ")
                ));
                None
            }
        },
        SelectorSpec::Country(text) => {
            let country = network.resolve_country(text);
            if let Ok(country) = country
                && network.has_country(country)
            {
                return Some(Selector::Country(country));
            }
            let d = errors.at(
                line,
                "country",
                DiagnosticKind::UnknownReference,
                "no place of the network is in this country",
            );
            d.value = Some(text.clone());
            d.expected = Some(match country {
                Err(LookupError::UnknownCountry { suggestions, .. }) if !suggestions.is_empty() => {
                    format!(
                        "a country of the network (did you mean {}?)",
                        suggestions.join(", ")
                    )
                }
                _ => format!(
                    "an ISO 3166-1 alpha-2 code or a country name, one of {}",
                    network
                        .countries()
                        .iter()
                        .map(Country::as_str)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
            None
        }
        SelectorSpec::Mode(name) => match Mode::parse(name) {
            Some(m) => Some(Selector::Mode(m)),
            None => {
                let d = errors.at(line, "mode", DiagnosticKind::UnknownMode, "unknown mode");
                d.value = Some(name.clone());
                d.expected = Some("rail, road, sea or ferry".to_owned());
                None
            }
        },
    }
}

/// Adds the `[[add_node]]` and `[[add_leg]]` entries through a [`NetworkBuilder`]
/// holding the network: each entry's cells are checked as a row of the data format is,
/// the new network as any built one. Errors are reported at their scenario entry.
fn add(network: &Network, scenario: &ScenarioFile) -> Result<Network, LoadError> {
    let file = &scenario.file;
    let mut errors = Vec::new();
    let mut unknown = |columns: &[&str], entry: &Entry<Vec<(String, String)>>| {
        for (key, _) in &entry.value {
            if !columns.contains(&key.as_str()) {
                errors.push(
                    Diagnostic::error(DiagnosticKind::BadToml, file, "unknown column")
                        .at(entry.line)
                        .column(key)
                        .expected(format!("one of {}", columns.join(", "))),
                );
            }
        }
    };
    for entry in &scenario.add_node {
        unknown(io::NODE_COLUMNS, entry);
    }
    for entry in &scenario.add_leg {
        unknown(io::LEG_COLUMNS, entry);
    }
    let mut builder = NetworkBuilder::from_network(network);
    // The scenario line of each place and leg added.
    let (mut place_lines, mut leg_lines) = (Vec::new(), Vec::new());
    for entry in &scenario.add_node {
        match io::place_from_cells(file, entry.line, &entry.value, network.meta()) {
            Ok(place) => {
                builder.add_place(place);
                place_lines.push(entry.line);
            }
            Err(mut found) => errors.append(&mut found),
        }
    }
    for entry in &scenario.add_leg {
        match io::leg_from_cells(file, entry.line, &entry.value) {
            Ok(leg) => {
                builder.add_leg(leg);
                leg_lines.push(entry.line);
            }
            Err(mut found) => errors.append(&mut found),
        }
    }
    let built = builder.build();
    if let Err(error) = &built {
        let (places, legs) = (network.places().len(), network.legs().len());
        for finding in &error.findings {
            let line = match finding.subject {
                Subject::Place { index, .. } => index
                    .checked_sub(places)
                    .and_then(|i| place_lines.get(i).copied()),
                Subject::Leg { index, .. } => index
                    .checked_sub(legs)
                    .and_then(|i| leg_lines.get(i).copied()),
                Subject::Meta => None,
            };
            errors.push(Diagnostic::from_finding(finding.clone(), file, line));
        }
    }
    match built {
        Ok(network) if errors.is_empty() => Ok(network),
        _ => Err(LoadError {
            errors,
            warnings: Vec::new(),
        }),
    }
}
