//! Issue 13: `corridor calibrate` — the engine beside observed trips, and scale factors
//! fitted to them that reproduce trips held back from the fit better than before.

use std::path::Path;

use corridor::calibrate::{self, Grouping, Trip, Verdict};
use corridor::io::Source;
use corridor::{Engine, Objective, RouteRequest};

use crate::fixtures::run;

fn trips(name: &str, text: &str) -> Vec<Trip> {
    calibrate::read_trips(Source {
        name,
        bytes: text.as_bytes(),
    })
    .unwrap_or_else(|e| panic!("{}", e.report("trips")))
}

fn validation_csv() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/eurasia/validation.csv");
    std::fs::read_to_string(path).unwrap()
}

/// RMS log error of `held` on `engine` with and without the fitted scenario.
fn held_back_errors(engine: &Engine, fitted: &calibrate::Calibration, held: &[Trip]) -> (f64, f64) {
    let before = calibrate::check(engine, held).unwrap();
    let scaled = engine
        .with_scenario_toml("fitted.toml", &fitted.scenario_toml("fit.csv"))
        .unwrap();
    let after = calibrate::check(&scaled, held).unwrap();
    (
        calibrate::error(held, &before).0,
        calibrate::error(held, &after).0,
    )
}

/// Trips observed on a network whose rail is 1.5 times slower and 0.6 times the price,
/// and whose roads are 0.8 times slower: fitting on half of them finds those factors and
/// reproduces the other half better.
#[test]
fn issue_13_calibrate_recovers_known_factors() {
    let base = Engine::builtin();
    let truth = base
        .with_scenario_toml(
            "truth.toml",
            "format_version = 1\n[[scale]]\nmode = \"rail\"\ntime = 1.5\ncost = 0.6\n\
             [[scale]]\nmode = \"road\"\ntime = 0.8\n",
        )
        .unwrap();
    let pairs = [
        ("xian", "duisburg", "northern"),
        ("xian", "duisburg", "trans-caspian"),
        ("tashkent", "istanbul", "china-iran-turkiye"),
        ("almaty", "tashkent", "uz-kz-regional"),
        ("nukus", "kyzylorda", "uz-kz-regional"),
        ("kashgar", "andijan", "china-kyrgyzstan-uzbekistan"),
        ("termez", "karachi", "trans-afghan"),
        ("xian", "tehran", "china-iran-turkiye"),
        ("khorgos-gateway", "baku", "trans-caspian"),
        ("astana", "moscow", "northern"),
        ("tashkent", "khorgos-gateway", "uz-kz-regional"),
        ("bishkek", "osh", ""),
    ];
    let mut csv = calibrate::TRIP_COLUMNS.join(",") + "\n";
    for (from, to, corridor) in pairs {
        for by in [Objective::Time, Objective::Cost] {
            let mut request = RouteRequest::new(from, to).by(by);
            if !corridor.is_empty() {
                request.corridors.push(corridor.to_owned());
            }
            let (profile, query) = truth.resolve(&request).unwrap();
            let route = truth.shortest(&profile, &query).unwrap();
            let days = route.totals.time_h / 24.0;
            let usd = route.totals.cost_usd;
            let (constraints, days, usd) = match by {
                Objective::Time => ("", format!("{days},{days}"), ",".to_owned()),
                _ => ("by=cost", ",".to_owned(), format!("{usd},{usd}")),
            };
            csv += &format!(
                "{from},{to},{corridor},{constraints},{days},{usd},TEU,,typical,2026,truth,https://example.org,\n"
            );
        }
    }
    let all = trips("truth.csv", &csv);
    // Both figures of a pair go to the same side: pairs alternate between fit and held back.
    let (mut fit, mut held) = (Vec::new(), Vec::new());
    for (i, trip) in all.into_iter().enumerate() {
        if (i / 2) % 2 == 0 {
            fit.push(trip);
        } else {
            held.push(trip);
        }
    }
    let fitted = calibrate::calibrate(&base, &fit, Grouping::Mode).unwrap();
    assert!(
        fitted.error_after < fitted.error_before / 3.0,
        "{fitted:#?}"
    );
    let rail = fitted.factors.iter().find(|f| f.group == "rail").unwrap();
    assert!((1.3..1.7).contains(&rail.time), "{rail:?}");
    assert!((0.5..0.7).contains(&rail.cost), "{rail:?}");
    let (before, after) = held_back_errors(&base, &fitted, &held);
    assert!(
        after < before / 2.0,
        "held back: {before:.3} before, {after:.3} after"
    );
}

/// Fitting on two thirds of data/eurasia/validation.csv reproduces the other third better,
/// whatever the grouping.
#[test]
fn issue_13_calibrate_helps_held_back_validation_trips() {
    let engine = Engine::builtin();
    let all = trips("validation.csv", &validation_csv());
    let (mut held, mut fit) = (Vec::new(), Vec::new());
    for (i, trip) in all.into_iter().enumerate() {
        if i % 3 == 0 {
            held.push(trip);
        } else {
            fit.push(trip);
        }
    }
    for grouping in [Grouping::Mode, Grouping::Corridor, Grouping::Country] {
        let fitted = calibrate::calibrate(&engine, &fit, grouping).unwrap();
        assert!(fitted.error_after <= fitted.error_before, "{grouping:?}");
        let (before, after) = held_back_errors(&engine, &fitted, &held);
        assert!(
            after < before,
            "{grouping:?}: held back {before:.3} before, {after:.3} after"
        );
    }
}

#[test]
fn issue_13_calibrate_cli_reports_fits_writes_and_plots() {
    let dir = tempfile::tempdir().unwrap();
    let trips_path = dir.path().join("trips.csv");
    std::fs::write(&trips_path, validation_csv()).unwrap();
    let scenario = dir.path().join("fitted.toml");
    let plot = dir.path().join("fit.svg");
    let args = [
        "calibrate",
        "--trips",
        trips_path.to_str().unwrap(),
        "--by-group",
        "corridor",
        "--output",
        scenario.to_str().unwrap(),
        "--plot",
        plot.to_str().unwrap(),
    ];
    let out = run(&args);
    assert_eq!(out.exit, corridor_cli::Exit::Ok, "{}", out.stderr);
    for expected in [
        "xian → duisburg",
        "verdict",
        "inside their band",
        "RMS log error",
        "fitted factors per corridor",
        "trans-caspian",
    ] {
        assert!(out.stdout.contains(expected), "{expected}: {}", out.stdout);
    }
    let toml = std::fs::read_to_string(&scenario).unwrap();
    assert!(
        toml.contains("[[scale]]") && toml.contains("corridor = "),
        "{toml}"
    );
    let svg = std::fs::read_to_string(&plot).unwrap();
    assert!(
        svg.starts_with("<svg") && svg.contains("xian→duisburg"),
        "{svg}"
    );
    // The scenario applies to any command.
    let applied = run(&["--scenario", scenario.to_str().unwrap(), "validate"]);
    assert_eq!(applied.exit, corridor_cli::Exit::Ok, "{}", applied.stderr);
    // Never replaces a file silently.
    let again = run(&args);
    assert_eq!(again.exit, corridor_cli::Exit::Failure);
    assert!(again.stderr.contains("--force"), "{}", again.stderr);
    // JSON gives every trip with its verdict before and after.
    let json = run(&[
        "calibrate",
        "--trips",
        trips_path.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(value["trips"].as_array().unwrap().len(), 48);
    assert!(value["error_after"].as_f64().unwrap() <= value["error_before"].as_f64().unwrap());
}

#[test]
fn issue_13_bad_trips_files_are_refused_with_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.csv");
    std::fs::write(
        &path,
        "origin,destination,kind,days_low,days_high,constraints\n\
         xian,duisburg,typical,12,18,\n\
         xian,duisburg,rumour,12,18,\n\
         xian,duisburg,typical,20,10,\n\
         xian,duisburg,typical,12,18,by=speed\n",
    )
    .unwrap();
    let out = run(&["calibrate", "--trips", path.to_str().unwrap()]);
    assert_eq!(out.exit, corridor_cli::Exit::Data, "{}", out.stderr);
    for expected in [
        "bad.csv:3: kind: unknown kind of figure",
        "bad.csv:4: days_low: low is above high",
        "bad.csv:5: constraints: unknown objective",
    ] {
        assert!(out.stderr.contains(expected), "{expected}: {}", out.stderr);
    }
    let unknown = dir.path().join("unknown.csv");
    std::fs::write(
        &unknown,
        "origin,destination,kind,days_low,days_high\natlantis,xian,typical,1,2\n",
    )
    .unwrap();
    let out = run(&["calibrate", "--trips", unknown.to_str().unwrap()]);
    assert_eq!(out.exit, corridor_cli::Exit::Usage, "{}", out.stderr);
    assert!(
        out.stderr.contains("line 2") && out.stderr.contains("atlantis"),
        "{}",
        out.stderr
    );
}

/// A record run the engine beats by more than 10 % is flagged, a slower answer is not.
#[test]
fn issue_13_record_runs_are_lower_bounds() {
    let text = "origin,destination,kind,days_low,days_high\n\
                xian,duisburg,record,30,30\n\
                xian,duisburg,record,5,5\n";
    let checks = calibrate::check(&Engine::builtin(), &trips("r.csv", text)).unwrap();
    assert_eq!(checks[0].verdict, Verdict::BeatsRecord);
    assert_eq!(checks[1].verdict, Verdict::Inside);
}
