//! Fuzzing kept in the repository (issue 15): near-valid networks, scenarios and demand
//! files, made by mutating the shipped data and the fixtures, must never make corridor
//! panic; every refusal is located; what loads exports and loads back equal; results
//! are finite.
//!
//! Each target runs `CORRIDOR_FUZZ_CASES` cases (default 500: a few seconds in all in
//! a debug build). For a long local run, e.g. an hour in all:
//!
//! ```sh
//! CORRIDOR_FUZZ_CASES=200000 cargo test --release -p corridor-tests fuzz::
//! ```
//!
//! proptest shrinks a failing case and records its seed in
//! `tests/proptest-regressions/fuzz.txt`, which is committed so it is replayed first.

use corridor::io::{self, Diagnostic, DiagnosticKind, LoadError, Source, Sources};
use corridor::route::{self, Query};
use corridor::scenario::{self, ScenarioFile};
use corridor::{Graph, Metrics, Network, Objective, Profile, builtin, capacity};
use proptest::prelude::*;

use crate::fixtures;

/// The proptest configuration of the fuzz targets.
fn config() -> ProptestConfig {
    let cases = std::env::var("CORRIDOR_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    ProptestConfig {
        cases,
        max_shrink_iters: 2_000,
        ..ProptestConfig::default()
    }
}

/// Values people and fuzzers put in cells and TOML values: limits and beyond, signs,
/// non-numbers, quotes, other line ends, other encodings' bytes, names of things.
const VALUES: &[&str] = &[
    "",
    "0",
    "-0",
    "-1",
    "-5",
    "1",
    "2.5",
    "1000",
    "1e6",
    "1000001",
    "1e9",
    "1000000001",
    "1e18",
    "1e308",
    "-1e308",
    "1e-300",
    "NaN",
    "inf",
    "abc",
    "\"",
    "\"quoted, with comma\"",
    "\"two\nlines\"",
    "\r",
    "\u{0}",
    "é",
    "Türkiye",
    "RU",
    "Russia",
    "XX",
    "rail",
    "ferry",
    "sea",
    "planned",
    "closed",
    "under-construction",
    "true",
    "yes",
    "a;b",
    "\"RU\"",
    "\"Russia\"",
    "\"XX\"",
    "[\"baku\", \"aktau\"]",
    "{ dist = \"lognormal\", median = 1, p90 = 1e300 }",
    "{ dist = \"triangular\", low = 0.5, mode = 1, high = 2 }",
    "{ dist = \"uniform\", low = 2, high = 1 }",
    "99999999999999999999999999999999999999",
];

/// One change to a text file; indices are taken modulo the number of lines or bytes.
#[derive(Clone, Debug)]
enum Mutation {
    /// Replace a cell of a CSV line, or the value of a TOML `key = value` line.
    SetValue {
        line: usize,
        cell: usize,
        value: &'static str,
    },
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    InsertBytes {
        at: usize,
        bytes: Vec<u8>,
    },
    Truncate(usize),
    Crlf,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let index = 0..10_000usize;
    prop_oneof![
        6 => (index.clone(), 0..20usize, prop::sample::select(VALUES)).prop_map(
            |(line, cell, value)| Mutation::SetValue { line, cell, value }
        ),
        1 => index.clone().prop_map(Mutation::DeleteLine),
        1 => index.clone().prop_map(Mutation::DuplicateLine),
        1 => (index.clone(), index.clone()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        1 => (
            index.clone(),
            prop::collection::vec(
                prop_oneof![
                    Just(b','), Just(b'"'), Just(b'\n'), Just(b'\r'), Just(b'='), Just(b'['),
                    any::<u8>()
                ],
                1..4
            )
        )
            .prop_map(|(at, bytes)| Mutation::InsertBytes { at, bytes }),
        1 => index.clone().prop_map(Mutation::Truncate),
        1 => Just(Mutation::Crlf),
    ]
}

fn mutations() -> impl Strategy<Value = Vec<Mutation>> {
    prop::collection::vec(mutation(), 0..6)
}

/// `text` with `mutations` applied in order.
fn mutate(text: &[u8], mutations: &[Mutation]) -> Vec<u8> {
    let mut bytes = text.to_vec();
    for mutation in mutations {
        let mut lines: Vec<Vec<u8>> = bytes.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
        let n = lines.len();
        match mutation {
            Mutation::SetValue { line, cell, value } => {
                let line = &mut lines[line % n];
                let text = String::from_utf8_lossy(line).into_owned();
                *line = match text.split_once(" = ") {
                    Some((key, _)) => format!("{key} = {value}"),
                    None => {
                        let mut cells: Vec<&str> = text.split(',').collect();
                        let at = cell % cells.len();
                        cells[at] = value;
                        cells.join(",")
                    }
                }
                .into_bytes();
            }
            Mutation::DeleteLine(line) => {
                lines.remove(line % n);
            }
            Mutation::DuplicateLine(line) => {
                let copy = lines[line % n].clone();
                lines.insert(line % n, copy);
            }
            Mutation::SwapLines(a, b) => lines.swap(a % n, b % n),
            Mutation::InsertBytes { at, bytes: new } => {
                let at = at % (bytes.len() + 1);
                bytes.splice(at..at, new.iter().copied());
                continue;
            }
            Mutation::Truncate(at) => {
                bytes.truncate(at % (bytes.len() + 1));
                continue;
            }
            Mutation::Crlf => {
                for line in &mut lines {
                    if line.last() != Some(&b'\r') {
                        line.push(b'\r');
                    }
                }
            }
        }
        bytes = lines.join(&b'\n');
    }
    bytes
}

/// A path under the repository's `data/`.
fn data(path: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../data")
        .join(path)
}

/// The first `lines` lines of `text`.
fn head(text: &str, lines: usize) -> String {
    text.split_inclusive('\n').take(lines).collect()
}

/// Network folders to mutate: the fixtures, and the start of the built-in network.
fn network_seeds() -> Vec<[String; 3]> {
    let read = |path: std::path::PathBuf| std::fs::read_to_string(path).unwrap();
    let mut seeds: Vec<[String; 3]> = ["triangle", "caspian"]
        .map(|name| {
            let dir = fixtures::dir(name);
            [
                read(dir.join("nodes.csv")),
                read(dir.join("legs.csv")),
                read(dir.join("network.toml")),
            ]
        })
        .into();
    let data = data("eurasia");
    seeds.push([
        head(&read(data.join("nodes.csv")), 80),
        head(&read(data.join("legs.csv")), 80),
        read(data.join("network.toml")),
    ]);
    seeds
}

/// Asserts that every error names one of `files` and, unless it is about the whole
/// file, a line; and that it renders as `file[:line]: ...` in lowercase without a final
/// period.
fn assert_located(error: &LoadError, files: &[&str]) -> Result<(), TestCaseError> {
    prop_assert!(!error.errors.is_empty(), "a refusal without errors");
    for d in &error.errors {
        check_diagnostic(d, files)?;
        let whole_file = matches!(
            d.kind,
            DiagnosticKind::EmptyFile | DiagnosticKind::MissingFile | DiagnosticKind::Unreadable
        );
        prop_assert!(whole_file || d.line.is_some(), "error without a line: {d}");
    }
    Ok(())
}

/// Checks the file and the style of a message (warnings about the whole network, such
/// as its parts, need no line).
fn check_diagnostic(d: &Diagnostic, files: &[&str]) -> Result<(), TestCaseError> {
    prop_assert!(files.contains(&d.file.as_str()), "unknown file in {d}");
    let text = d.to_string();
    prop_assert!(!text.ends_with('.'), "final period: {text}");
    let message_start = d.message.chars().next();
    prop_assert!(
        !message_start.is_some_and(char::is_uppercase),
        "message starts uppercase: {text}"
    );
    Ok(())
}

/// Every metric of a result is finite.
fn assert_finite(metrics: &Metrics, what: &str) -> Result<(), TestCaseError> {
    for value in [
        metrics.distance_km,
        metrics.time_h,
        metrics.cost_usd,
        metrics.co2_kg,
    ] {
        prop_assert!(value.is_finite(), "{what}: a metric is {value}");
    }
    Ok(())
}

/// Routes between a few pairs of places by every objective: finite, or none.
fn assert_routes_finite(network: &Network) -> Result<(), TestCaseError> {
    let n = network.places().len() as u32;
    if n < 2 {
        return Ok(());
    }
    for objective in [Objective::Time, Objective::Cost, Objective::Generalized] {
        let graph = Graph::new(network, &Profile::new(objective).include_planned());
        for (a, b) in [(0, n - 1), (n - 1, 0), (0, n / 2)] {
            let query = Query::new(corridor::PlaceId(a), corridor::PlaceId(b));
            if let Some(found) = route::shortest(&graph, &query) {
                assert_finite(&found.totals, "route")?;
                prop_assert!(found.weight.is_finite(), "route weight {}", found.weight);
            }
        }
    }
    Ok(())
}

/// The network exported as CSV + TOML and loaded again.
fn reload(network: &Network) -> Network {
    let (mut nodes, mut legs, mut toml) = (Vec::new(), Vec::new(), Vec::new());
    io::write_nodes_csv(network, &mut nodes).unwrap();
    io::write_legs_csv(network, &mut legs).unwrap();
    io::write_network_toml(network, &mut toml).unwrap();
    io::load(Sources {
        nodes: Source {
            name: "nodes.csv",
            bytes: &nodes,
        },
        legs: Source {
            name: "legs.csv",
            bytes: &legs,
        },
        network_toml: Some(Source {
            name: "network.toml",
            bytes: &toml,
        }),
    })
    .unwrap_or_else(|e| panic!("the export does not load back:\n{e}"))
    .network
}

/// The scenario files to mutate: every shipped one.
fn scenario_seeds() -> Vec<String> {
    let dir = data("scenarios");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

fn builtin_network() -> &'static Network {
    static NETWORK: std::sync::OnceLock<Network> = std::sync::OnceLock::new();
    NETWORK.get_or_init(|| builtin::network().unwrap().network)
}

proptest! {
    #![proptest_config(config())]

    /// nodes.csv, legs.csv and network.toml mutated together.
    #[test]
    fn networks(
        seed in 0..3usize,
        nodes_changes in mutations(),
        legs_changes in mutations(),
        toml_changes in mutations(),
    ) {
        let seeds = network_seeds();
        let [nodes, legs, toml] = &seeds[seed];
        let nodes = mutate(nodes.as_bytes(), &nodes_changes);
        let legs = mutate(legs.as_bytes(), &legs_changes);
        let toml = mutate(toml.as_bytes(), &toml_changes);
        let loaded = io::load(Sources {
            nodes: Source { name: "nodes.csv", bytes: &nodes },
            legs: Source { name: "legs.csv", bytes: &legs },
            network_toml: Some(Source { name: "network.toml", bytes: &toml }),
        });
        match loaded {
            Err(error) => assert_located(&error, &["nodes.csv", "legs.csv", "network.toml"])?,
            Ok(loaded) => {
                for warning in &loaded.warnings {
                    check_diagnostic(warning, &["nodes.csv", "legs.csv", "network.toml"])?;
                }
                let again = reload(&loaded.network);
                prop_assert!(again == loaded.network, "the exported network loads back differently");
                assert_routes_finite(&loaded.network)?;
            }
        }
    }

    /// A shipped scenario mutated and applied to the built-in network.
    #[test]
    fn scenarios(seed in 0..9usize, changes in mutations()) {
        let seeds = scenario_seeds();
        let text = mutate(seeds[seed % seeds.len()].as_bytes(), &changes);
        let parsed: Result<ScenarioFile, LoadError> = scenario::parse("scenario.toml", &text);
        let file = match parsed {
            Err(error) => return assert_located(&error, &["scenario.toml"]),
            Ok(file) => file,
        };
        match scenario::apply(builtin_network(), &[file]) {
            Err(error) => assert_located(&error, &["scenario.toml"])?,
            Ok(applied) => {
                let graph = Graph::new(&applied.network, &Profile::new(Objective::Time));
                let network = &applied.network;
                for (a, b) in [("xian", "duisburg"), ("almaty", "istanbul"), ("termez", "karachi")] {
                    let query = Query::new(network.resolve(a).unwrap(), network.resolve(b).unwrap());
                    if let Some(found) = route::shortest(&graph, &query) {
                        assert_finite(&found.totals, "route")?;
                    }
                }
                let query = Query::new(network.resolve("xian").unwrap(), network.resolve("duisburg").unwrap());
                let sweep = scenario::sweep(network, &applied.uncertain, &Profile::new(Objective::Time), &query, 20, 1, &|| {});
                for stats in [sweep.time_h, sweep.cost_usd].into_iter().flatten() {
                    for value in [stats.mean, stats.p50, stats.p90, stats.p95] {
                        prop_assert!(value.is_finite(), "sweep statistic {value}");
                    }
                }
            }
        }
    }

    /// The shipped demand file mutated, read against the built-in network and allocated
    /// on it (first rows only, to keep a case fast).
    #[test]
    fn demands(changes in mutations(), rows in 1..6usize) {
        let path = data("demand/middle-corridor-2030.csv");
        let text = head(&std::fs::read_to_string(path).unwrap(), rows + 1);
        let bytes = mutate(text.as_bytes(), &changes);
        let network = builtin_network();
        let read = io::read_demands(network, Source { name: "demand.csv", bytes: &bytes });
        let demands = match read {
            Err(error) => return assert_located(&error, &["demand.csv"]),
            Ok(demands) => demands,
        };
        let graph = Graph::new(network, &Profile::new(Objective::Cost));
        let allocation = capacity::allocate(&graph, &demands);
        let allocation = match allocation {
            Ok(allocation) => allocation,
            Err(error) => return Err(TestCaseError::fail(format!("allocation failed: {error}"))),
        };
        for value in [allocation.delivered_teu_per_year, allocation.unmet_teu_per_year,
                      allocation.total_cost_usd, allocation.total_objective] {
            prop_assert!(value.is_finite(), "allocation total {value}");
        }
        let wanted: f64 = demands.iter().map(|d| d.volume_teu_per_year).sum();
        prop_assert!(allocation.delivered_teu_per_year <= wanted * (1.0 + 1e-9) + 1e-6);
        for flow in &allocation.flows {
            for r in &flow.routes {
                assert_finite(&r.route.totals, "flow route")?;
            }
        }
    }
}
