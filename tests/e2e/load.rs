//! Loading: format details, every validation error with its location, warnings, export
//! round trips.

use corridor::io::{self, DiagnosticKind, Severity};
use corridor::{Mode, Status, builtin};

use crate::fixtures::{self, load_text};

const NODES: &str = "id,name,country,lat,lon\na,Alpha,KZ,43,76\nb,Bravo,KZ,44,80\n";
const LEGS: &str = "from,to,mode,distance_km,time_h\na,b,rail,400,10\n";

/// Asserts that loading fails with an error of `kind` at `file:line` in `column`.
fn assert_error(
    nodes: &str,
    legs: &str,
    toml: Option<&str>,
    kind: DiagnosticKind,
    file: &str,
    line: Option<u64>,
    column: Option<&str>,
) -> corridor::io::Diagnostic {
    let error = load_text(nodes, legs, toml).expect_err("the data must be refused");
    let found = error
        .errors
        .iter()
        .find(|d| d.kind == kind)
        .unwrap_or_else(|| panic!("no {kind:?} among:\n{error}"));
    assert_eq!(found.severity, Severity::Error);
    assert_eq!(found.file, file, "{found}");
    assert_eq!(found.line, line, "{found}");
    assert_eq!(found.column.as_deref(), column, "{found}");
    found.clone()
}

#[test]
fn minimal_network_loads_with_defaults() {
    let loaded = load_text(NODES, LEGS, None).unwrap();
    let network = loaded.network;
    assert_eq!(network.places().len(), 2);
    let leg = &network.legs()[0];
    assert_eq!(leg.mode, Mode::Rail);
    assert_eq!(leg.status, Status::Operational);
    assert!(!leg.one_way);
    assert_eq!(leg.time_h, 10.0);
    // No cost column: distance x the mode's default USD per TEU-km.
    let per_km = network.meta().mode(Mode::Rail).cost_usd_per_teu_km;
    assert_eq!(leg.cost_usd, 400.0 * per_km);
    // No source: accepted with a warning.
    assert!(
        loaded
            .warnings
            .iter()
            .any(|w| w.kind == DiagnosticKind::NoSource)
    );
}

#[test]
fn bom_crlf_and_quoted_fields_are_accepted() {
    let nodes = "\u{feff}id,name,aliases,lat,lon\r\na,\"Alpha, the first\",\"A1;Alfa\",43,76\r\nb,Bravo,,44,80\r\n";
    let legs =
        "\u{feff}from,to,mode,distance_km,speed_kmh,source\r\na,b,rail,400,40,\"book, 2020\"\r\n";
    let network = load_text(nodes, legs, None).unwrap().network;
    assert_eq!(&*network.places()[0].name, "Alpha, the first");
    assert_eq!(*network.places()[0].aliases, ["A1".into(), "Alfa".into()]);
    assert_eq!(network.legs()[0].time_h, 10.0);
    assert_eq!(network.legs()[0].source.as_deref(), Some("book, 2020"));
}

#[test]
fn speed_gives_time_and_time_wins_over_speed() {
    let legs = "from,to,mode,distance_km,time_h,speed_kmh\na,b,road,400,,50\nb,a,road,400,20,50\n";
    let network = load_text(NODES, legs, None).unwrap().network;
    assert_eq!(network.legs()[0].time_h, 8.0);
    assert_eq!(network.legs()[1].time_h, 20.0);
}

#[test]
fn missing_required_column() {
    let d = assert_error(
        "id,lat\na,43\n",
        LEGS,
        None,
        DiagnosticKind::MissingColumn,
        "nodes.csv",
        Some(1),
        Some("lon"),
    );
    assert!(
        d.to_string()
            .starts_with("nodes.csv:1: lon: required column is missing")
    );
    assert_error(
        NODES,
        "from,to,mode,distance_km\na,b,rail,400\n",
        None,
        DiagnosticKind::MissingColumn,
        "legs.csv",
        Some(1),
        Some("time_h"),
    );
}

#[test]
fn missing_file_and_empty_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("nodes.csv"), NODES).unwrap();
    let error = io::load_dir(dir.path()).unwrap_err();
    assert_eq!(error.errors[0].kind, DiagnosticKind::MissingFile);
    assert!(error.errors[0].file.ends_with("legs.csv"));
    assert_error(
        "",
        LEGS,
        None,
        DiagnosticKind::EmptyFile,
        "nodes.csv",
        None,
        None,
    );
}

#[test]
fn bad_numbers_are_located() {
    let nodes = "id,lat,lon,border_h\na,43,76,\nb,4x,80,\nc,NaN,80,\nd,44,inf,\ne,44,80,-3\n";
    let error = load_text(nodes, "from,to,mode,distance_km,time_h\n", None).unwrap_err();
    type Found<'a> = (
        DiagnosticKind,
        Option<u64>,
        Option<&'a str>,
        Option<&'a str>,
    );
    let found: Vec<Found> = error
        .errors
        .iter()
        .map(|d| (d.kind, d.line, d.column.as_deref(), d.value.as_deref()))
        .collect();
    assert_eq!(
        found,
        [
            (DiagnosticKind::BadNumber, Some(3), Some("lat"), Some("4x")),
            (DiagnosticKind::NotFinite, Some(4), Some("lat"), Some("NaN")),
            (DiagnosticKind::NotFinite, Some(5), Some("lon"), Some("inf")),
            (
                DiagnosticKind::Negative,
                Some(6),
                Some("border_h"),
                Some("-3")
            ),
        ]
    );
    assert!(error.errors[0].expected.is_some());
}

#[test]
fn coordinates_out_of_range() {
    let d = assert_error(
        "id,lat,lon\na,91,76\nb,44,80\n",
        LEGS,
        None,
        DiagnosticKind::OutOfRange,
        "nodes.csv",
        Some(2),
        Some("lat"),
    );
    assert_eq!(d.value.as_deref(), Some("91"));
    assert_error(
        "id,lat,lon\na,43,-181\nb,44,80\n",
        LEGS,
        None,
        DiagnosticKind::OutOfRange,
        "nodes.csv",
        Some(2),
        Some("lon"),
    );
}

/// Issue 13: `drawn_via` lists the points a map draws a leg through (`lon lat`, `;`
/// between points); routing never reads them, and bad points are located like any cell.
#[test]
fn issue_13_drawn_via_points_are_read_and_checked() {
    let legs = "from,to,mode,distance_km,time_h,drawn_via\na,b,sea,400,10, 77.5 43.2 ;78.9 44.1\n";
    let network = load_text(NODES, legs, None).unwrap().network;
    let via = &network.legs()[0].drawn_via;
    assert_eq!(
        via.iter().map(|c| (c.lon, c.lat)).collect::<Vec<_>>(),
        [(77.5, 43.2), (78.9, 44.1)]
    );
    // The drawing follows the points; the route's length and time do not change.
    let path = corridor::map::leg_path(&network.legs()[0], &network);
    assert!(via.iter().all(|p| path.contains(p)));
    assert_eq!(network.legs()[0].distance_km, 400.0);
    // Longitude first: a latitude of 143 is out of range.
    let d = assert_error(
        NODES,
        "from,to,mode,distance_km,time_h,drawn_via\na,b,sea,400,10,77.5 43.2; 78 143\n",
        None,
        DiagnosticKind::OutOfRange,
        "legs.csv",
        Some(2),
        Some("drawn_via"),
    );
    assert_eq!(d.value.as_deref(), Some("78 143"));
    assert!(d.to_string().contains("latitude"), "{d}");
    assert_eq!(
        d.expected.as_deref(),
        Some("the latitude as a number from -90 to 90"),
        "{d}"
    );
    let d = assert_error(
        NODES,
        "from,to,mode,distance_km,time_h,drawn_via\na,b,sea,400,10,\"77.5,43.2\"\n",
        None,
        DiagnosticKind::BadNumber,
        "legs.csv",
        Some(2),
        Some("drawn_via"),
    );
    assert!(d.to_string().contains("lon lat"), "{d}");
    // The builder checks the same points.
    let mut builder = corridor::NetworkBuilder::from_network(&network);
    builder.add_leg(corridor::NewLeg {
        drawn_via: vec![corridor::Coord {
            lon: 200.0,
            lat: 43.0,
        }],
        ..corridor::NewLeg::new("b", "a", Mode::Sea, 400.0)
    });
    let error = builder.build().unwrap_err();
    assert_eq!(error.findings.len(), 1, "{error}");
    assert_eq!(error.findings[0].field, "drawn_via");
}

#[test]
fn duplicate_id_names_the_first_definition() {
    let d = assert_error(
        "id,lat,lon\na,43,76\nb,44,80\na,45,80\n",
        LEGS,
        None,
        DiagnosticKind::DuplicateId,
        "nodes.csv",
        Some(4),
        Some("id"),
    );
    assert!(d.message.contains("line 2"), "{d}");
}

/// An id on a refused row still counts: defining it again is a duplicate (whether the
/// refused row comes first or second), and legs naming it are not also reported.
#[test]
fn ids_of_refused_rows_are_still_defined() {
    let nodes = "id,lat,lon\na,43,76\nb,95,80\nb,44,80\nc,44,81\nc,44,xx\n";
    let legs = "from,to,mode,distance_km,time_h\na,b,rail,1000,10\na,c,rail,1000,10\n";
    let error = load_text(nodes, legs, None).unwrap_err();
    let found: Vec<(DiagnosticKind, Option<u64>, String)> = error
        .errors
        .iter()
        .map(|d| (d.kind, d.line, d.message.clone()))
        .collect();
    assert_eq!(
        found,
        [
            (
                DiagnosticKind::OutOfRange,
                Some(3),
                "number is out of range".to_owned()
            ),
            (
                DiagnosticKind::DuplicateId,
                Some(4),
                "duplicate id, first defined on line 3".to_owned()
            ),
            (
                DiagnosticKind::BadNumber,
                Some(6),
                "not a number".to_owned()
            ),
            (
                DiagnosticKind::DuplicateId,
                Some(6),
                "duplicate id, first defined on line 5".to_owned()
            ),
        ],
        "{error}"
    );
}

/// Legs find their places whatever the ids' numbers say about where the places are
/// (the loader guesses places of numbered ids from the ids it found before).
#[test]
fn numbered_ids_find_their_places() {
    let nodes =
        "id,lat,lon\nn2,40,70\nn1,40,70.1\nm1,40,70.2\nn0,40,70.3\nn01,40,70.4\n3,40,70.5\n";
    let pairs = [
        ("n0", "n1"),
        ("n1", "n2"),
        ("n2", "m1"),
        ("m1", "n01"),
        ("n01", "3"),
        ("3", "n0"),
        ("n1", "n0"),
        ("n01", "n1"),
    ];
    let mut legs = "from,to,mode,distance_km,time_h\n".to_owned();
    for (a, b) in pairs {
        legs.push_str(&format!("{a},{b},road,100,2\n"));
    }
    let network = load_text(nodes, &legs, None).unwrap().network;
    let found: Vec<(&str, &str)> = network
        .legs()
        .iter()
        .map(|leg| (&*network.place(leg.from).id, &*network.place(leg.to).id))
        .collect();
    assert_eq!(found, pairs);
}

#[test]
fn dangling_endpoint_suggests_ids() {
    let d = assert_error(
        NODES,
        "from,to,mode,distance_km,time_h\na,bb,rail,400,10\n",
        None,
        DiagnosticKind::DanglingEndpoint,
        "legs.csv",
        Some(2),
        Some("to"),
    );
    assert_eq!(d.value.as_deref(), Some("bb"));
}

#[test]
fn unknown_mode_status_kind_and_bad_bool() {
    assert_error(
        NODES,
        "from,to,mode,distance_km,time_h\na,b,plane,400,10\n",
        None,
        DiagnosticKind::UnknownMode,
        "legs.csv",
        Some(2),
        Some("mode"),
    );
    assert_error(
        NODES,
        "from,to,mode,distance_km,time_h,status\na,b,rail,400,10,dreamed\n",
        None,
        DiagnosticKind::UnknownStatus,
        "legs.csv",
        Some(2),
        Some("status"),
    );
    assert_error(
        "id,lat,lon,kind\na,43,76,castle\nb,44,80,\n",
        LEGS,
        None,
        DiagnosticKind::UnknownKind,
        "nodes.csv",
        Some(2),
        Some("kind"),
    );
    assert_error(
        NODES,
        "from,to,mode,distance_km,time_h,one_way\na,b,rail,400,10,maybe\n",
        None,
        DiagnosticKind::BadBool,
        "legs.csv",
        Some(2),
        Some("one_way"),
    );
    assert_error(
        "id,lat,lon,country\na,43,76,Kazakhstan\nb,44,80,KZ\n",
        LEGS,
        None,
        DiagnosticKind::BadCountry,
        "nodes.csv",
        Some(2),
        Some("country"),
    );
}

#[test]
fn self_loop_and_short_leg() {
    assert_error(
        NODES,
        "from,to,mode,distance_km,time_h\na,a,rail,10,1\n",
        None,
        DiagnosticKind::SelfLoop,
        "legs.csv",
        Some(2),
        Some("to"),
    );
    // a-b is 341 km on the great circle.
    let d = assert_error(
        NODES,
        "from,to,mode,distance_km,time_h\na,b,rail,300,10\n",
        None,
        DiagnosticKind::ShorterThanGreatCircle,
        "legs.csv",
        Some(2),
        Some("distance_km"),
    );
    assert!(d.expected.unwrap().contains("341.2"));
    // Within the 1 % + 1 km tolerance.
    assert!(
        load_text(
            NODES,
            "from,to,mode,distance_km,time_h\na,b,rail,337,10\n",
            None
        )
        .is_ok()
    );
}

/// Issue 15: rows after a CRLF line end, a quoted field spanning lines or empty lines are
/// reported on the line where they start, as an editor numbers it.
#[test]
fn issue15_line_numbers_with_crlf_multiline_fields_and_empty_lines() {
    let legs = "from,to,mode,distance_km,time_h\r\na,b,rail,400,10\r\na,b,rail,abc,10\r\n";
    assert_error(
        NODES,
        legs,
        None,
        DiagnosticKind::BadNumber,
        "legs.csv",
        Some(3),
        Some("distance_km"),
    );
    let nodes = "id,name,lat,lon\r\na,\"Alpha\r\nthe first\",43,76\r\nb,Bravo,95,80\r\n";
    assert_error(
        nodes,
        LEGS,
        None,
        DiagnosticKind::OutOfRange,
        "nodes.csv",
        Some(4),
        Some("lat"),
    );
    for end in ["\n", "\r\n"] {
        let nodes = format!("id,lat,lon{end}a,43,76{end}{end}{end}b,95,80{end}");
        assert_error(
            &nodes,
            LEGS,
            None,
            DiagnosticKind::OutOfRange,
            "nodes.csv",
            Some(5),
            Some("lat"),
        );
    }
    let nodes = "\r\n\r\nid,lat,lon\r\na,43,76\r\nb,44,80\r\nb,44,80\r\n";
    assert_error(
        nodes,
        LEGS,
        None,
        DiagnosticKind::DuplicateId,
        "nodes.csv",
        Some(6),
        Some("id"),
    );
}

/// Issue 15: every quantity of the data format is at most `MAX_QUANTITY` and a speed at
/// least `MIN_SPEED_KMH`, so no sum over a network overflows; the limits themselves load.
#[test]
fn issue15_quantities_beyond_the_limits_are_refused() {
    let max = corridor::model::MAX_QUANTITY;
    let min_speed = corridor::model::MIN_SPEED_KMH;
    let legs = |column: &str, value: f64| {
        format!(
            "from,to,mode,distance_km,time_h,{column}\na,b,rail,400,10,1\na,b,rail,400,10,{value}\n"
        )
    };
    for column in [
        "capacity_teu_per_year",
        "cost_usd",
        "co2_kg_per_teu_km",
        "headway_h",
    ] {
        assert_error(
            NODES,
            &legs(column, max * 1.5),
            None,
            DiagnosticKind::OutOfRange,
            "legs.csv",
            Some(3),
            Some(column),
        );
        load_text(NODES, &legs(column, max), None).unwrap();
    }
    let speeds = format!(
        "from,to,mode,distance_km,speed_kmh\na,b,rail,400,{min_speed}\na,b,rail,400,{}\n",
        min_speed / 2.0
    );
    assert_error(
        NODES,
        &speeds,
        None,
        DiagnosticKind::OutOfRange,
        "legs.csv",
        Some(3),
        Some("speed_kmh"),
    );
    assert_error(
        "id,lat,lon,capacity_teu_per_year\na,43,76,1e308\nb,44,80,\n",
        LEGS,
        None,
        DiagnosticKind::OutOfRange,
        "nodes.csv",
        Some(2),
        Some("capacity_teu_per_year"),
    );
    assert_error(
        NODES,
        LEGS,
        Some("format_version = 1\n[defaults]\nborder_h = 1e10\n"),
        DiagnosticKind::OutOfRange,
        "network.toml",
        Some(3),
        Some("border_h"),
    );
}

#[test]
fn ragged_rows_are_refused_with_their_line() {
    assert_error(
        "id,lat,lon\na,43,76\nb,44\n",
        LEGS,
        None,
        DiagnosticKind::RaggedRow,
        "nodes.csv",
        Some(3),
        None,
    );
}

#[test]
fn all_errors_are_reported_in_one_pass() {
    let nodes = "id,lat,lon\na,43,76\nb,95,80\nc,44,80\nc,44,81\n";
    let legs = "from,to,mode,distance_km,time_h\na,c,rail,-5,10\na,x,ship,400,10\n";
    let error = load_text(nodes, legs, Some("format_version = 2\n")).unwrap_err();
    let kinds: Vec<DiagnosticKind> = error.errors.iter().map(|d| d.kind).collect();
    for kind in [
        DiagnosticKind::OutOfRange,
        DiagnosticKind::DuplicateId,
        DiagnosticKind::Negative,
        DiagnosticKind::DanglingEndpoint,
        DiagnosticKind::UnknownMode,
    ] {
        assert!(kinds.contains(&kind), "{kind:?} missing from\n{error}");
    }
    assert!(error.errors.len() >= 6, "{error}");
    // The rendering lists every error with file and line.
    let text = error.to_string();
    assert!(text.contains("nodes.csv:3: lat:"), "{text}");
    assert!(text.contains("legs.csv:3: to:"), "{text}");
    assert!(text.contains("network.toml:1: format_version:"), "{text}");
}

#[test]
fn toml_errors_are_located() {
    let error = load_text(
        NODES,
        LEGS,
        Some(
            "format_version = 1\n[modes.rail]\nspeed_kmh = -4\n[modes.hovercraft]\nspeed_kmh = 3\n",
        ),
    )
    .unwrap_err();
    let speed = error
        .errors
        .iter()
        .find(|d| d.kind == DiagnosticKind::Negative)
        .unwrap();
    assert_eq!(
        (speed.line, speed.column.as_deref()),
        (Some(3), Some("speed_kmh"))
    );
    let mode = error
        .errors
        .iter()
        .find(|d| d.kind == DiagnosticKind::UnknownMode)
        .unwrap();
    assert_eq!(mode.line, Some(4));
    let typo = load_text(
        NODES,
        LEGS,
        Some("format_version = 1\n[defaults]\nwait_factr = 1\n"),
    )
    .unwrap_err();
    assert_eq!(typo.errors[0].kind, DiagnosticKind::BadToml);
    assert_eq!(typo.errors[0].line, Some(3), "{typo}");
}

#[test]
fn warnings_for_disconnected_parts_speeds_and_ambiguous_names() {
    let nodes = "id,name,lat,lon\na,Same,43,76\nb,Same,44,80\nc,C,10,10\nd,D,10.5,10\n";
    let legs = "from,to,mode,distance_km,time_h,source\na,b,rail,400,1,x\nc,d,road,60,1,x\n";
    let loaded = load_text(nodes, legs, None).unwrap();
    let kinds: Vec<DiagnosticKind> = loaded.warnings.iter().map(|d| d.kind).collect();
    assert!(kinds.contains(&DiagnosticKind::Disconnected), "{kinds:?}");
    assert!(
        kinds.contains(&DiagnosticKind::ImplausibleSpeed),
        "{kinds:?}"
    );
    assert!(kinds.contains(&DiagnosticKind::AmbiguousName), "{kinds:?}");
    assert!(
        loaded
            .warnings
            .iter()
            .all(|w| w.severity == Severity::Warning)
    );
}

#[test]
fn network_toml_sets_defaults_and_customs_unions() {
    let toml = r#"
format_version = 1
name = "test"
[defaults]
border_h = 5
value_of_time_usd_per_teu_h = 3.5
[modes.road]
speed_kmh = 60
cost_usd_per_teu_km = 2
source = "a survey, 2024"
[[customs_unions]]
id = "eaeu"
countries = ["KZ", "RU"]
dwell_factor = 0.1
fee_factor = 0
"#;
    let legs = "from,to,mode,distance_km,time_h\na,b,road,420,\n";
    let network = load_text(NODES, legs, Some(toml)).unwrap().network;
    let meta = network.meta();
    assert_eq!(meta.defaults.value_of_time_usd_per_teu_h, 3.5);
    assert_eq!(network.places()[0].transfers.border_h, 5.0);
    assert_eq!(network.legs()[0].time_h, 7.0);
    assert_eq!(network.legs()[0].cost_usd, 840.0);
    let kz = corridor::Country::parse("KZ").unwrap();
    let ru = corridor::Country::parse("RU").unwrap();
    assert_eq!(meta.customs_union(kz, ru).unwrap().dwell_factor, 0.1);
}

/// Export to CSV + TOML, load again: the same network.
fn round_trip(network: &corridor::Network) {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, f: &dyn Fn(&mut Vec<u8>) -> std::io::Result<()>| {
        let mut bytes = Vec::new();
        f(&mut bytes).unwrap();
        std::fs::write(dir.path().join(name), bytes).unwrap();
    };
    write("nodes.csv", &|out| io::write_nodes_csv(network, out));
    write("legs.csv", &|out| io::write_legs_csv(network, out));
    write("network.toml", &|out| io::write_network_toml(network, out));
    let again = io::load_dir(dir.path()).unwrap().network;
    assert!(
        again == *network,
        "the exported network loads back differently"
    );
}

#[test]
fn export_round_trip_fixture() {
    round_trip(&fixtures::network("triangle"));
}

#[test]
fn export_round_trip_builtin() {
    round_trip(&builtin::network().unwrap().network);
}

#[test]
fn geojson_export_is_a_feature_collection() {
    let network = fixtures::network("triangle");
    let mut bytes = Vec::new();
    io::write_geojson(&network, &mut bytes).unwrap();
    let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(value["type"], "FeatureCollection");
    let features = value["features"].as_array().unwrap();
    assert_eq!(features.len(), 3 + 3);
    assert_eq!(features[0]["geometry"]["type"], "Point");
    assert_eq!(
        features[0]["geometry"]["coordinates"],
        serde_json::json!([76.0, 43.0])
    );
    assert_eq!(features[0]["properties"]["id"], "a");
    let leg = &features[3];
    assert_eq!(leg["geometry"]["type"], "LineString");
    assert_eq!(leg["properties"]["from"], "a");
    assert_eq!(leg["properties"]["gauge_mm"], 1520);
    assert_eq!(leg["properties"]["corridors"], serde_json::json!(["east"]));
}

#[test]
fn builtin_network_is_valid() {
    let loaded = builtin::network().unwrap_or_else(|e| panic!("{e}"));
    assert!(!loaded.network.places().is_empty());
}

/// Large files are parsed in parallel chunks: errors keep their exact lines across chunk
/// boundaries, and the result does not depend on the number of threads.
#[test]
fn chunked_parsing_keeps_lines_and_is_thread_independent() {
    let network = corridor::synthetic::generate(corridor::synthetic::Synthetic {
        places: 40_000,
        seed: 3,
    });
    let mut nodes = Vec::new();
    io::write_nodes_csv(&network, &mut nodes).unwrap();
    let mut legs = Vec::new();
    io::write_legs_csv(&network, &mut legs).unwrap();
    assert!(
        legs.len() > 3 << 20,
        "the legs file must span several chunks"
    );
    // Break every 9,999th leg row's distance (line = row + 1).
    let text = String::from_utf8(legs).unwrap();
    let mut broken_lines = Vec::new();
    let broken: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, line)| {
            if i > 0 && i % 9_999 == 0 {
                broken_lines.push(i as u64 + 1);
                let mut cells: Vec<&str> = line.split(',').collect();
                cells[4] = "x";
                cells.join(",")
            } else {
                line.to_owned()
            }
        })
        .collect();
    let broken = broken.join("\n") + "\n";
    // The nodes with `legs`, loaded on a pool of `threads` workers.
    let load = |threads: usize, legs: &[u8]| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            io::load(io::Sources {
                nodes: io::Source {
                    name: "nodes.csv",
                    bytes: &nodes,
                },
                legs: io::Source {
                    name: "legs.csv",
                    bytes: legs,
                },
                network_toml: None,
            })
        })
    };
    let one = load(1, broken.as_bytes()).unwrap_err();
    let two = load(2, broken.as_bytes()).unwrap_err();
    assert_eq!(one, two);
    let lines: Vec<u64> = one.errors.iter().map(|d| d.line.unwrap()).collect();
    assert_eq!(lines, broken_lines);
    // The same lines with CRLF line ends (parsed by the csv crate, chunk by chunk).
    let crlf = load(2, broken.replace('\n', "\r\n").as_bytes()).unwrap_err();
    let lines: Vec<u64> = crlf.errors.iter().map(|d| d.line.unwrap()).collect();
    assert_eq!(lines, broken_lines);
    assert!(
        one.errors
            .iter()
            .all(|d| d.kind == DiagnosticKind::BadNumber && d.value.as_deref() == Some("x"))
    );
    // Without the breakage the network loads back equal, with one thread or two.
    let clean = |threads: usize| load(threads, text.as_bytes()).unwrap();
    let (a, b) = (clean(1), clean(2));
    // (No network.toml given, so compare places and legs.)
    for loaded in [&a, &b] {
        assert!(loaded.network.places() == network.places());
        assert!(loaded.network.legs() == network.legs());
    }
    assert_eq!(a.warnings, b.warnings);
    // No leg has a source: ten warnings are listed, the rest counted in one line.
    let no_source: Vec<_> = a
        .warnings
        .iter()
        .filter(|w| w.kind == DiagnosticKind::NoSource)
        .collect();
    assert_eq!(no_source.len(), 11);
    assert!(
        no_source[10]
            .message
            .ends_with("more warnings like the ones above")
    );
}
