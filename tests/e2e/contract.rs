//! The JSON contract (issue 14): golden files of every JSON output on the built-in
//! network (rewritten with CORRIDOR_BLESS=1 and reviewed in the diff), JSON Schemas in
//! docs/schema/ generated from the library's view types, and every golden valid against
//! its schema.

use std::path::{Path, PathBuf};

use corridor::view::{
    CalibrationView, CompareView, DemandLevelsView, DiffView, FlowView, MatrixSweepView,
    MatrixView, RouteView, RoutesView, SweepView, ValidationView,
};
use serde_json::Value;

use crate::fixtures::{golden, run_ok};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The outputs under contract: name, schema, command line.
pub(crate) const CASES: [(&str, &str, &[&str]); 9] = [
    (
        "route",
        "route",
        &[
            "route", "Tashkent", "Almaty", "--by", "cost", "--format", "json",
        ],
    ),
    (
        "compare",
        "compare",
        &["compare", "Xian", "Baku", "--format", "json"],
    ),
    (
        "alternatives",
        "routes",
        &[
            "alternatives",
            "Tashkent",
            "Almaty",
            "-k",
            "3",
            "--format",
            "json",
        ],
    ),
    (
        "pareto",
        "routes",
        &[
            "pareto",
            "Almaty",
            "Istanbul",
            "--criteria",
            "time,cost",
            "--format",
            "json",
        ],
    ),
    (
        "matrix",
        "matrix",
        &[
            "matrix",
            "--from",
            "Xian,Almaty",
            "--to",
            "Duisburg,Istanbul,Mumbai",
            "--by",
            "cost",
            "--format",
            "json",
        ],
    ),
    (
        "flow",
        "flow",
        &[
            "flow",
            "--demand",
            "../data/demand/middle-corridor-2030.csv",
            "--format",
            "json",
        ],
    ),
    (
        "diff",
        "diff",
        &[
            "--scenario",
            "../data/scenarios/northern-route-closed.toml",
            "diff",
            "Xian",
            "Duisburg",
            "--format",
            "json",
        ],
    ),
    (
        "sweep",
        "sweep",
        &[
            "--scenario",
            "../data/scenarios/uncertainty.toml",
            "sweep",
            "Xian",
            "Duisburg",
            "--samples",
            "200",
            "--seed",
            "7",
            "--format",
            "json",
        ],
    ),
    (
        "sweep-pairs",
        "sweep-pairs",
        &[
            "--scenario",
            "../data/scenarios/uncertainty.toml",
            "sweep",
            "--places",
            "Xian,Almaty,Duisburg",
            "--samples",
            "100",
            "--seed",
            "7",
            "--format",
            "json",
        ],
    ),
];

/// The schema of each output, from the view types.
fn schemas() -> Vec<(&'static str, Value)> {
    let schema = |s: schemars::Schema| s.to_value();
    vec![
        ("route", schema(schemars::schema_for!(RouteView))),
        ("compare", schema(schemars::schema_for!(CompareView))),
        ("routes", schema(schemars::schema_for!(RoutesView))),
        ("matrix", schema(schemars::schema_for!(MatrixView))),
        ("flow", schema(schemars::schema_for!(FlowView))),
        (
            "flow-levels",
            schema(schemars::schema_for!(DemandLevelsView)),
        ),
        ("calibrate", schema(schemars::schema_for!(CalibrationView))),
        ("validate", schema(schemars::schema_for!(ValidationView))),
        ("diff", schema(schemars::schema_for!(DiffView))),
        ("sweep", schema(schemars::schema_for!(SweepView))),
        (
            "sweep-pairs",
            schema(schemars::schema_for!(MatrixSweepView)),
        ),
    ]
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap() + "\n"
}

#[test]
fn schemas_in_docs_match_the_view_types() {
    for (name, schema) in schemas() {
        golden(
            &root().join(format!("docs/schema/{name}.schema.json")),
            &pretty(&schema),
        );
    }
}

/// Outputs under contract that only the CLI and the library give (the server has no
/// endpoint for them yet): name, schema, command line.
const CLI_CASES: [(&str, &str, &[&str]); 3] = [
    (
        "flow-levels",
        "flow-levels",
        &[
            "flow",
            "--demand",
            "../data/demand/uz-kz-2030.csv",
            "--scale-demand",
            "1,2",
            "--format",
            "json",
        ],
    ),
    ("validate", "validate", &["validate", "--format", "json"]),
    (
        "calibrate",
        "calibrate",
        &[
            "calibrate",
            "--trips",
            "../data/eurasia/validation.csv",
            "--format",
            "json",
        ],
    ),
];

#[test]
fn json_outputs_match_their_goldens_and_schemas() {
    let schemas = schemas();
    for (name, schema_name, args) in CASES.iter().chain(&CLI_CASES) {
        let out = run_ok(args);
        golden(&root().join(format!("tests/golden/json/{name}.json")), &out);
        let instance: Value = serde_json::from_str(&out).unwrap();
        let schema = &schemas.iter().find(|(n, _)| n == schema_name).unwrap().1;
        let validator = jsonschema::validator_for(schema).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&instance)
            .take(5)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{name} does not match its schema: {errors:?}"
        );
    }
}

/// The schemas are strict enough to catch a broken output: a missing field or a wrong
/// type is refused.
#[test]
fn schemas_refuse_broken_outputs() {
    let schemas = schemas();
    let route = &schemas[0].1;
    let validator = jsonschema::validator_for(route).unwrap();
    let mut instance: Value = serde_json::from_str(&run_ok(CASES[0].2)).unwrap();
    assert!(validator.is_valid(&instance));
    instance["totals"]["time_h"] = Value::from("fast");
    assert!(!validator.is_valid(&instance));
    instance.as_object_mut().unwrap().remove("totals");
    assert!(!validator.is_valid(&instance));
}
