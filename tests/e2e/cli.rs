//! The CLI driven in-process: exit codes, listings, exports.

use corridor_cli::Exit;

use crate::fixtures::{self, run, run_ok};

#[test]
fn validate_accepts_the_builtin_network() {
    let out = run_ok(&["validate"]);
    assert!(out.contains("valid: 0 errors"), "{out}");
}

#[test]
fn validate_refuses_bad_data_with_exit_code_3() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("nodes.csv"),
        "id,lat,lon\na,43,76\nb,100,80\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("legs.csv"),
        "from,to,mode,distance_km,time_h\na,b,rail,400,10\n",
    )
    .unwrap();
    let data = dir.path().to_str().unwrap();
    let result = run(&["--data", data, "validate"]);
    assert_eq!(result.exit, Exit::Data);
    assert!(
        result
            .stdout
            .contains("nodes.csv:3: lat: number is out of range"),
        "{}",
        result.stdout
    );
    let json = run(&["--data", data, "validate", "--format", "json"]);
    assert_eq!(json.exit, Exit::Data);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(value["valid"], false);
    assert_eq!(value["errors"][0]["line"], 3);
    // Other commands refuse the data too, with the same message on stderr.
    let nodes = run(&["--data", data, "nodes"]);
    assert_eq!(nodes.exit, Exit::Data);
    assert!(
        nodes.stderr.contains("nodes.csv:3: lat"),
        "{}",
        nodes.stderr
    );
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run(&["frobnicate"]).exit, Exit::Usage);
    assert_eq!(run(&["nodes", "--country", "Kazakhstan"]).exit, Exit::Usage);
    assert_eq!(run(&["export", "--format", "csv"]).exit, Exit::Usage);
    assert_eq!(run(&["--help"]).exit, Exit::Ok);
}

#[test]
fn nodes_lists_and_filters() {
    let data = fixtures::dir("triangle");
    let data = data.to_str().unwrap();
    let table = run_ok(&["--data", data, "nodes"]);
    assert!(table.lines().count() == 5, "{table}");
    let json = run_ok(&["--data", data, "nodes", "charlie", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value[0]["id"], "c");
    let csv = run_ok(&[
        "--data",
        data,
        "nodes",
        "--country",
        "cn",
        "--format",
        "csv",
    ]);
    assert_eq!(csv.lines().count(), 2, "{csv}");
    assert!(csv.starts_with("id,name,aliases,country,kind,lat,lon"));
    let none = run(&["--data", data, "nodes", "Bravvo"]);
    assert_eq!(none.exit, Exit::Ok);
    assert!(
        none.stderr.contains("did you mean b (Bravo)"),
        "{}",
        none.stderr
    );
}

#[test]
fn export_csv_round_trips_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("copy");
    let out = out.to_str().unwrap();
    run_ok(&["export", "--format", "csv", "--output", out]);
    let again = run_ok(&["--data", out, "validate"]);
    assert!(again.contains("valid: 0 errors"), "{again}");
    let before = std::fs::read(dir.path().join("copy/nodes.csv")).unwrap();
    let refused = run(&["export", "--format", "csv", "--output", out]);
    assert_eq!(refused.exit, Exit::Failure);
    assert!(
        refused.stderr.contains("will not overwrite"),
        "{}",
        refused.stderr
    );
    assert_eq!(
        std::fs::read(dir.path().join("copy/nodes.csv")).unwrap(),
        before
    );
    run_ok(&["export", "--format", "csv", "--output", out, "--force"]);
}

#[test]
fn export_geojson_to_stdout_and_file() {
    let text = run_ok(&["export", "--format", "geojson"]);
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["type"], "FeatureCollection");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("net.geojson");
    run_ok(&[
        "export",
        "--format",
        "geojson",
        "--output",
        file.to_str().unwrap(),
    ]);
    let written: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(written, value);
}
