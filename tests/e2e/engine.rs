//! The library's front door (issue 14): the example of the README runs as written and
//! prints the JSON the CLI prints; every entry point answers like its command.

use corridor::graph::Criterion;
use corridor::{Engine, Error, MatrixRequest, Objective, RouteRequest};
use serde_json::Value;

use crate::fixtures::{dir, run, run_ok};

/// Fails with the first difference (not both whole texts) unless `a` and `b` are the
/// same JSON with keys in the same order.
fn assert_same_json(a: &str, b: &str) {
    let (a, b) = (canonical(a), canonical(b));
    if a != b {
        let at = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
        let from = at.saturating_sub(80);
        panic!(
            "JSON differs at byte {at}:\n  {}\n  {}",
            &a[from..(at + 80).min(a.len())],
            &b[from..(at + 80).min(b.len())]
        );
    }
}

/// Compact text of a JSON value, keys in their order: equal texts mean the same keys in
/// the same order with the same numbers.
fn canonical(text: &str) -> String {
    let value: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"));
    serde_json::to_string(&value).unwrap()
}

/// The example of the issue and the README, exactly as written.
#[test]
fn the_front_door_example_prints_the_cli_json() -> Result<(), Box<dyn std::error::Error>> {
    use corridor::{Engine, Objective, RouteRequest};
    let engine = Engine::builtin(); // or Engine::load("my-network/")?
    let route = engine.route(&RouteRequest::new("Tashkent", "Almaty").by(Objective::Cost))?;
    println!(
        "{:.1} days, {:.0} USD/TEU",
        route.totals.time_h / 24.0,
        route.totals.cost_usd
    );
    let json = serde_json::to_string(&route)?; // the JSON `corridor route Tashkent Almaty --by cost --format json` prints (whitespace aside)

    let cli = run_ok(&[
        "route", "Tashkent", "Almaty", "--by", "cost", "--format", "json",
    ]);
    assert_same_json(&json, &cli);
    assert!(route.totals.time_h > 0.0 && route.totals.cost_usd > 0.0);
    Ok(())
}

/// compare, alternatives, pareto and matrix through the engine give the CLI's JSON.
#[test]
fn every_entry_point_answers_like_its_command() -> Result<(), Box<dyn std::error::Error>> {
    let engine = Engine::builtin();
    let request = RouteRequest::new("Xian", "Duisburg").by(Objective::Cost);
    let compare = serde_json::to_string(&engine.compare(&request)?)?;
    let cli = run_ok(&[
        "compare", "Xian", "Duisburg", "--by", "cost", "--format", "json",
    ]);
    assert_same_json(&compare, &cli);

    let alternatives = serde_json::to_string(&engine.alternatives(&request, 4)?)?;
    let cli = run_ok(&[
        "alternatives",
        "Xian",
        "Duisburg",
        "--by",
        "cost",
        "-k",
        "4",
        "--format",
        "json",
    ]);
    assert_same_json(&alternatives, &cli);

    let pareto = engine.pareto(&request, &[Criterion::Time, Criterion::Cost])?;
    let cli = run_ok(&[
        "pareto",
        "Xian",
        "Duisburg",
        "--by",
        "cost",
        "--criteria",
        "time,cost",
        "--format",
        "json",
    ]);
    assert_same_json(&serde_json::to_string(&pareto)?, &cli);

    let matrix =
        MatrixRequest::new(["Xian", "Almaty"], ["Duisburg", "Istanbul"]).by(Objective::Time);
    let matrix = serde_json::to_string(&engine.matrix(&matrix)?)?;
    let cli = run_ok(&[
        "matrix",
        "--from",
        "Xian,Almaty",
        "--to",
        "Duisburg,Istanbul",
        "--format",
        "json",
    ]);
    assert_same_json(&matrix, &cli);
    Ok(())
}

/// Errors name what caused them: the field, the place with suggestions, the reason.
#[test]
fn errors_name_their_cause() {
    let engine = Engine::builtin();
    match engine.route(&RouteRequest::new("Tashknet", "Almaty")) {
        Err(error @ Error::Place { field: "from", .. }) => {
            assert_eq!(error.code(), "unknown_place");
            assert!(
                error
                    .suggestions()
                    .iter()
                    .any(|s| s.starts_with("tashkent")),
                "{error}"
            );
        }
        other => panic!("{other:?}"),
    }
    match engine.route(&RouteRequest::new("Tashkent", "Almaty").corridor("maritime")) {
        Err(error @ Error::NoRoute { .. }) => {
            assert_eq!(error.code(), "no_route");
            assert!(error.to_string().contains("maritime"), "{error}");
        }
        other => panic!("{other:?}"),
    }
    match engine.route(&RouteRequest::new("Tashkent", "Almaty").volume(-1.0)) {
        Err(Error::Invalid {
            field: "volume", ..
        }) => {}
        other => panic!("{other:?}"),
    }
    match engine.alternatives(&RouteRequest::new("Tashkent", "Almaty"), 0) {
        Err(Error::Invalid { field: "k", .. }) => {}
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        Engine::load(dir("no-such-fixture")),
        Err(Error::Data(_))
    ));
}

/// The engine is cheap to clone, shareable between threads, caches graphs per profile,
/// and scenarios make a new engine without changing the old one.
#[test]
fn engines_share_graphs_and_scenarios_leave_them_unchanged()
-> Result<(), Box<dyn std::error::Error>> {
    fn send_sync<T: Send + Sync + Clone>() {}
    send_sync::<Engine>();
    let engine = Engine::builtin();
    let profile = corridor::Profile::new(Objective::Time);
    let a = engine.graph(&profile);
    let b = engine.clone().graph(&profile);
    assert!(std::sync::Arc::ptr_eq(&a, &b));
    let answers: Vec<f64> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let engine = engine.clone();
                scope.spawn(move || {
                    engine
                        .route(&RouteRequest::new("Xian", "Duisburg"))
                        .map(|r| r.totals.time_h)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap().unwrap())
            .collect()
    });
    assert!(answers.windows(2).all(|w| w[0] == w[1]));

    let closed = engine.with_scenario_toml(
        "closed.toml",
        "format_version = 1\n[[close]]\ncountry = \"RU\"\n",
    )?;
    let before = engine.route(&RouteRequest::new("Xian", "Duisburg"))?;
    let after = closed.route(&RouteRequest::new("Xian", "Duisburg"))?;
    assert!(after.totals.time_h > before.totals.time_h);
    assert_eq!(
        engine.route(&RouteRequest::new("Xian", "Duisburg"))?,
        before,
        "the served network never changes"
    );
    let bad = engine.with_scenario_toml(
        "bad.toml",
        "format_version = 1\n[[close]]\ncorridor = \"nowhere\"\n",
    );
    assert!(matches!(bad, Err(Error::Data(_))), "{bad:?}");
    // A request deserialises from the JSON an HTTP client or Python sends.
    let request: RouteRequest = serde_json::from_str(
        r#"{"from": "Xian", "to": "Duisburg", "by": "cost", "corridors": ["Middle Corridor"], "modes": ["rail", "ferry", "road"]}"#,
    )?;
    let route = engine.route(&request)?;
    assert_eq!(route.objective, "cost");
    assert!(route.corridors.iter().any(|c| c == "trans-caspian"));
    let cli = run(&[
        "route",
        "Xian",
        "Duisburg",
        "--by",
        "cost",
        "--corridor",
        "Middle Corridor",
        "--modes",
        "rail,ferry,road",
        "--format",
        "json",
    ]);
    assert_same_json(&serde_json::to_string(&route)?, &cli.stdout);
    Ok(())
}

/// flow, diff and sweep through the engine give the CLI's JSON.
#[test]
fn flow_diff_and_sweep_answer_like_their_commands() -> Result<(), Box<dyn std::error::Error>> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let engine = Engine::builtin();

    let demand = root.join("data/demand/middle-corridor-2030.csv");
    let text = std::fs::read_to_string(&demand)?;
    let mut rows = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        if cells.len() >= 3 {
            rows.push(corridor::DemandRow {
                from: cells[0].trim().to_owned(),
                to: cells[1].trim().to_owned(),
                volume_teu_per_year: cells[2].trim().parse()?,
            });
        }
    }
    let flow = engine.flow(&corridor::FlowRequest {
        demands: rows,
        ..Default::default()
    })?;
    let cli = run_ok(&[
        "flow",
        "--demand",
        demand.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_same_json(&serde_json::to_string(&flow)?, &cli);

    let scenario = root.join("data/scenarios/northern-route-closed.toml");
    let file =
        corridor::scenario::parse(&scenario.display().to_string(), &std::fs::read(&scenario)?)?;
    let diff = engine.diff(&RouteRequest::new("Xian", "Duisburg"), &[file])?;
    assert!(diff.route_changed);
    let cli = run_ok(&[
        "--scenario",
        scenario.to_str().unwrap(),
        "diff",
        "Xian",
        "Duisburg",
        "--format",
        "json",
    ]);
    assert_same_json(&serde_json::to_string(&diff)?, &cli);

    let uncertainty = root.join("data/scenarios/uncertainty.toml");
    let uncertain = engine.with_scenario_toml(
        &uncertainty.display().to_string(),
        &std::fs::read_to_string(&uncertainty)?,
    )?;
    assert!(uncertain.uncertain_count() > 0);
    let request = RouteRequest::new("Xian", "Duisburg").corridor("trans-caspian");
    let sweep = uncertain.sweep(&request, 100, 7)?;
    let spread = sweep.time_h.as_ref().unwrap();
    assert!(spread.p90 > spread.p50, "the draws must spread: {spread:?}");
    let cli = run_ok(&[
        "--scenario",
        uncertainty.to_str().unwrap(),
        "sweep",
        "Xian",
        "Duisburg",
        "--corridor",
        "trans-caspian",
        "--samples",
        "100",
        "--seed",
        "7",
        "--format",
        "json",
    ]);
    assert_same_json(&serde_json::to_string(&sweep)?, &cli);
    Ok(())
}

/// Issue 17: sweeps split by draw ranges (as a cluster computes them) merge into
/// exactly the sweep of all draws, whatever the split and the order of the parts.
#[test]
fn sweep_parts_merge_into_the_whole_sweep() -> Result<(), Box<dyn std::error::Error>> {
    let uncertainty = include_str!("../../data/scenarios/uncertainty.toml");
    let engine = Engine::builtin().with_scenario_toml("uncertainty.toml", uncertainty)?;
    let request = RouteRequest::new("Xian", "Duisburg");
    let whole = engine.sweep(&request, 120, 7)?;
    for cuts in [&[0, 120][..], &[0, 1, 60, 119, 120], &[0, 37, 38, 120]] {
        let mut parts: Vec<_> = cuts
            .windows(2)
            .map(|w| engine.sweep_part(&request, w[0]..w[1], 7))
            .collect::<Result<_, _>>()?;
        parts.reverse();
        assert_eq!(engine.merge_sweep(&request, 120, 7, &parts)?, whole);
    }
    let gap = [
        engine.sweep_part(&request, 0..10, 7)?,
        engine.sweep_part(&request, 11..120, 7)?,
    ];
    let error = engine.merge_sweep(&request, 120, 7, &gap).unwrap_err();
    assert_eq!(error.code(), "bad_parameter");
    assert!(error.to_string().contains("draw 11"), "{error}");

    let hubs = ["Xian", "Almaty", "Baku", "Istanbul", "Duisburg"].map(String::from);
    let whole = engine.sweep_places(&request, &hubs, 40, 3)?;
    let parts: Vec<_> = [0..13, 13..14, 14..40]
        .into_iter()
        .map(|draws| {
            let part = engine.sweep_places_part(&request, &hubs, draws, 3)?;
            // Shipped as bytes, as the Python package does.
            Ok::<_, Error>(
                corridor::scenario::MatrixSweepPart::from_bytes(&part.to_bytes()).unwrap(),
            )
        })
        .collect::<Result<_, _>>()?;
    assert_eq!(
        engine.merge_sweep_places(&request, &hubs, 40, 3, &parts)?,
        whole
    );
    assert!(
        engine
            .merge_sweep_places(&request, &hubs, 41, 3, &parts)
            .is_err()
    );
    assert!(corridor::scenario::MatrixSweepPart::from_bytes(b"not a part").is_none());
    Ok(())
}
