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
    assert_eq!(run(&["nodes", "--country", "XX"]).exit, Exit::Usage);
    assert_eq!(run(&["export", "--format", "csv"]).exit, Exit::Usage);
    assert_eq!(run(&["--help"]).exit, Exit::Ok);
}

/// A route via a place passes through it; where none can, the answer says that it goes
/// there and back.
#[test]
fn route_via_a_dead_end_says_it_turns_back() {
    let data = fixtures::dir("spur-port");
    let data = data.to_str().unwrap();
    let through = run_ok(&["--data", data, "route", "north", "inland", "--via", "port"]);
    assert!(!through.contains("note:"), "{through}");
    assert!(through.contains("North → Inland"), "{through}");
    let spur = run_ok(&["--data", data, "route", "north", "inland", "--via", "quay"]);
    assert!(
        spur.contains(
            "note: no route passes through Quay, so this one goes there from Port and back"
        ),
        "{spur}"
    );
    // JSON names the turn; a route that passes through has no such field.
    let json = |via: &str| -> serde_json::Value {
        let text = run_ok(&[
            "--data", data, "route", "north", "inland", "--via", via, "--format", "json",
        ]);
        serde_json::from_str(&text).unwrap()
    };
    assert_eq!(
        json("quay")["turns_back_at"],
        serde_json::json!([{"place": "quay", "from": "port"}])
    );
    assert!(json("port").get("turns_back_at").is_none());
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

fn json(args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&run_ok(args)).unwrap()
}

#[test]
fn route_json_follows_the_contract() {
    let value = json(&[
        "route", "Xian", "Duisburg", "--by", "cost", "--format", "json",
    ]);
    assert_eq!(value["from"], "xian");
    assert_eq!(value["to"], "duisburg");
    assert_eq!(value["objective"], "cost");
    for key in ["distance_km", "time_h", "cost_usd", "co2_kg"] {
        assert!(value["totals"][key].as_f64().unwrap() > 0.0, "totals.{key}");
    }
    let legs = value["legs"].as_array().unwrap();
    assert!(!legs.is_empty());
    for leg in legs {
        for key in [
            "from",
            "to",
            "mode",
            "corridors",
            "distance_km",
            "time_h",
            "cost_usd",
            "co2_kg",
        ] {
            assert!(!leg[key].is_null(), "leg.{key}");
        }
    }
    assert_eq!(legs[0]["from"], "xian");
    assert_eq!(legs.last().unwrap()["to"], "duisburg");
    assert!(value["transfers"].is_array());
    assert!(
        value["countries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "CN")
    );
    assert!(value["corridors"].is_array());
    // Totals are legs plus transfers.
    let sum = |list: &serde_json::Value, key: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .map(|x| x[key].as_f64().unwrap())
            .sum::<f64>()
    };
    let cost = sum(&value["legs"], "cost_usd") + sum(&value["transfers"], "cost_usd");
    assert!((cost - value["totals"]["cost_usd"].as_f64().unwrap()).abs() < 0.01);
}

/// A planner's alternatives Xi'an → Duisburg: the k best loopless routes are all the
/// Northern route with a detour through a neighbouring town; with `--max-shared 0.5`
/// they go by other corridors, every two sharing at most half the kilometres of the
/// shorter one (from the legs the JSON lists), the best route first.
#[test]
fn alternatives_that_differ_take_other_corridors() {
    let corridor_of = |r: &serde_json::Value| r["corridors"][0].as_str().unwrap().to_owned();
    let alike = json(&[
        "alternatives",
        "xian",
        "duisburg",
        "-k",
        "5",
        "--format",
        "json",
    ]);
    let alike = alike["routes"].as_array().unwrap();
    assert!(
        alike.iter().all(|r| corridor_of(r) == "northern"),
        "{alike:?}"
    );
    let apart = json(&[
        "alternatives",
        "xian",
        "duisburg",
        "-k",
        "5",
        "--max-shared",
        "0.5",
        "--format",
        "json",
    ]);
    let apart = apart["routes"].as_array().unwrap();
    assert_eq!(apart.len(), 5);
    assert_eq!(
        apart[0]["legs"], alike[0]["legs"],
        "the best route comes first"
    );
    let mut corridors: Vec<String> = apart.iter().map(corridor_of).collect();
    corridors.sort();
    corridors.dedup();
    assert!(corridors.len() >= 3, "{corridors:?}");
    // Legs as unordered pairs of places with their mode and kilometres.
    let legs = |r: &serde_json::Value| -> Vec<(String, String, String, f64)> {
        r["legs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                let (a, b) = (l["from"].as_str().unwrap(), l["to"].as_str().unwrap());
                let (a, b) = if a <= b { (a, b) } else { (b, a) };
                let mode = l["mode"].as_str().unwrap().to_owned();
                (
                    a.to_owned(),
                    b.to_owned(),
                    mode,
                    l["distance_km"].as_f64().unwrap(),
                )
            })
            .collect()
    };
    for (i, a) in apart.iter().enumerate() {
        for b in &apart[..i] {
            let theirs = legs(b);
            let shared: f64 = legs(a)
                .into_iter()
                .filter(|l| theirs.contains(l))
                .map(|l| l.3)
                .sum();
            let km = |r: &serde_json::Value| r["totals"]["distance_km"].as_f64().unwrap();
            assert!(
                shared <= 0.5 * km(a).min(km(b)) + 0.01,
                "{shared} km shared between routes {i} and another"
            );
        }
    }
    let refused = run(&["alternatives", "xian", "duisburg", "--max-shared", "1.5"]);
    assert_eq!(refused.exit, Exit::Usage);
    assert!(refused.stderr.contains("1.5"), "{}", refused.stderr);
}

#[test]
fn compare_alternatives_and_pareto_json_shapes() {
    let compare = json(&["compare", "xian", "duisburg", "--format", "json"]);
    let corridors = compare["corridors"].as_array().unwrap();
    assert!(corridors.len() >= 3);
    let names: Vec<&str> = corridors
        .iter()
        .map(|c| c["corridor"].as_str().unwrap())
        .collect();
    for expected in ["northern", "trans-caspian", "maritime"] {
        assert!(names.contains(&expected), "{names:?}");
    }
    assert_eq!(corridors[0]["route"]["from"], "xian");
    let alternatives = json(&[
        "alternatives",
        "tashkent",
        "almaty",
        "-k",
        "3",
        "--format",
        "json",
    ]);
    let routes = alternatives["routes"].as_array().unwrap();
    assert_eq!(routes.len(), 3);
    let time = |r: &serde_json::Value| r["totals"]["time_h"].as_f64().unwrap();
    assert!(time(&routes[0]) <= time(&routes[1]) && time(&routes[1]) <= time(&routes[2]));
    let pareto = json(&[
        "pareto",
        "xian",
        "duisburg",
        "--criteria",
        "time,cost",
        "--format",
        "json",
    ]);
    let routes = pareto["routes"].as_array().unwrap();
    assert!(routes.len() >= 2);
    for (i, a) in routes.iter().enumerate() {
        for (j, b) in routes.iter().enumerate() {
            let (ta, ca) = (time(a), a["totals"]["cost_usd"].as_f64().unwrap());
            let (tb, cb) = (time(b), b["totals"]["cost_usd"].as_f64().unwrap());
            assert!(
                i == j || !(ta <= tb && ca <= cb),
                "route {i} dominates route {j}"
            );
        }
    }
}

#[test]
fn matrix_csv_contract_and_thread_independence() {
    let args = [
        "matrix",
        "--from",
        "xian,tashkent,termez",
        "--to",
        "duisburg,istanbul,karachi",
        "--by",
        "cost",
        "--format",
        "csv",
    ];
    let one = run_ok(&[&["--threads", "1"][..], &args[..]].concat());
    let two = run_ok(&[&["--threads", "2"][..], &args[..]].concat());
    assert_eq!(one, two);
    let mut lines = one.lines();
    assert_eq!(
        lines.next(),
        Some("from,to,distance_km,time_h,cost_usd,co2_kg")
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 9);
    assert_eq!(rows[0][..2], ["xian", "duisburg"]);
    assert!(rows.iter().all(|r| r.len() == 6));
    // Termez → Karachi only by road today; Xi'an → Karachi is reachable by sea.
    assert!(rows.iter().all(|r| !r[4].is_empty()));
    // Same cost as `route --by cost`.
    let route = json(&[
        "route", "xian", "duisburg", "--by", "cost", "--format", "json",
    ]);
    let cost: f64 = rows[0][4].parse().unwrap();
    assert!((cost - route["totals"]["cost_usd"].as_f64().unwrap()).abs() < 0.01);
}

#[test]
fn matrix_reads_places_from_files_and_leaves_unreachable_cells_empty() {
    let dir = tempfile::tempdir().unwrap();
    let from = dir.path().join("from.txt");
    std::fs::write(&from, "# origins\na\nc  # the east end\n").unwrap();
    let data = fixtures::dir("triangle");
    let csv = run_ok(&[
        "--data",
        data.to_str().unwrap(),
        "matrix",
        "--from-file",
        from.to_str().unwrap(),
        "--to",
        "b,c",
        "--modes",
        "road",
    ]);
    assert_eq!(
        csv,
        "from,to,distance_km,time_h,cost_usd,co2_kg\na,b,,,,\na,c,500,32,1600,475\nc,b,,,,\nc,c,0,0,0,0\n"
    );
}

#[test]
fn no_route_exits_4_and_names_the_constraint() {
    let result = run(&[
        "route",
        "termez",
        "karachi",
        "--corridor",
        "trans-afghan",
        "--modes",
        "rail",
    ]);
    assert_eq!(result.exit, Exit::NoRoute, "{}", result.stderr);
    assert!(
        result.stderr.contains("--include-planned"),
        "{}",
        result.stderr
    );
    let result = run(&[
        "route",
        "xian",
        "duisburg",
        "--avoid-country",
        "KZ,MN,RU",
        "--modes",
        "rail",
    ]);
    assert_eq!(result.exit, Exit::NoRoute);
    assert!(
        result.stderr.contains("avoided countries") || result.stderr.contains("excluded modes"),
        "{}",
        result.stderr
    );
}

#[test]
fn unknown_places_and_tags_are_usage_errors() {
    let result = run(&["route", "Tashknet", "Almaty"]);
    assert_eq!(result.exit, Exit::Usage);
    assert!(
        result.stderr.contains("did you mean tashkent"),
        "{}",
        result.stderr
    );
    let result = run(&["route", "xian", "duisburg", "--corridor", "middel"]);
    assert_eq!(result.exit, Exit::Usage);
    assert!(result.stderr.contains("trans-caspian"), "{}", result.stderr);
    assert_eq!(
        run(&["route", "xian", "duisburg", "--modes", "plane"]).exit,
        Exit::Usage
    );
    assert_eq!(
        run(&["pareto", "xian", "duisburg", "--criteria", "time"]).exit,
        Exit::Usage
    );
    assert_eq!(
        run(&["alternatives", "xian", "duisburg", "-k", "0"]).exit,
        Exit::Usage
    );
    // Limits that keep a typo from running for minutes.
    let result = run(&["alternatives", "xian", "duisburg", "-k", "1000000"]);
    assert_eq!(result.exit, Exit::Usage);
    assert!(
        result.stderr.contains("expected 1 to 100"),
        "{}",
        result.stderr
    );
    let result = run(&[
        "--threads",
        "100000",
        "matrix",
        "--from",
        "xian",
        "--to",
        "baku",
    ]);
    assert_eq!(result.exit, Exit::Usage);
    assert!(
        result.stderr.contains("expected 1 to 1024"),
        "{}",
        result.stderr
    );
}

#[test]
fn via_and_coordinates_work_on_the_command_line() {
    let value = json(&[
        "route",
        "43.2,76.9",
        "Istanbul",
        "--via",
        "Baku",
        "--format",
        "json",
    ]);
    assert_eq!(value["from"], "almaty");
    let places: Vec<&str> = value["legs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["to"].as_str().unwrap())
        .collect();
    assert!(places.contains(&"baku"), "{places:?}");
    let table = run_ok(&["route", "xian", "duisburg"]);
    assert!(
        table.contains("door to door:") && table.contains("total"),
        "{table}"
    );
    let geojson = json(&["compare", "xian", "duisburg", "--format", "geojson"]);
    assert_eq!(geojson["type"], "FeatureCollection");
}

#[test]
fn flow_json_follows_the_contract_and_the_sample_saturates_the_caspian() {
    let demand = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../data/demand/middle-corridor-2030.csv"
    );
    let value = json(&[
        "flow",
        "--demand",
        demand,
        "--by",
        "generalized",
        "--avoid-country",
        "RU,BY",
        "--format",
        "json",
    ]);
    for key in [
        "delivered_teu_per_year",
        "unmet_teu_per_year",
        "total_cost_usd",
    ] {
        assert!(value[key].is_number(), "{key}");
    }
    let flows = value["flows"].as_array().unwrap();
    assert_eq!(flows.len(), 9);
    let mut total = 0.0;
    for flow in flows {
        for key in [
            "from",
            "to",
            "volume_teu_per_year",
            "delivered_teu_per_year",
            "routes",
        ] {
            assert!(!flow[key].is_null(), "{key}");
        }
        for r in flow["routes"].as_array().unwrap() {
            assert!(r["path"].as_array().unwrap().len() >= 2);
            total += r["volume_teu_per_year"].as_f64().unwrap()
                * r["cost_usd_per_teu"].as_f64().unwrap();
        }
    }
    let reported = value["total_cost_usd"].as_f64().unwrap();
    assert!(
        (total - reported).abs() <= 1e-6 * reported + 1.0,
        "{total} vs {reported}"
    );
    let saturated = value["saturated_legs"].as_array().unwrap();
    let caspian = saturated
        .iter()
        .find(|s| ["aktau", "kuryk"].contains(&s["from"].as_str().unwrap()))
        .unwrap_or_else(|| panic!("no Caspian crossing saturated: {saturated:?}"));
    assert_eq!(caspian["to"], "alat-port");
    assert!(caspian["shadow_price_usd"].as_f64().unwrap() > 0.0);
    assert!(caspian["capacity_teu_per_year"].as_f64().unwrap() > 0.0);
}

#[test]
fn flow_reports_bad_demand_files_with_their_lines() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("demand.csv");
    std::fs::write(
        &file,
        "from,to,volume_teu_per_year\nxian,duisburg,100\nxian,Duisbrug,5\nalmaty,tashkent,-3\n",
    )
    .unwrap();
    let result = run(&["flow", "--demand", file.to_str().unwrap()]);
    assert_eq!(result.exit, Exit::Data);
    assert!(
        result
            .stderr
            .starts_with("error: invalid demand file: 2 errors"),
        "{}",
        result.stderr
    );
    assert!(
        result.stderr.contains("demand.csv:3: to:")
            && result.stderr.contains("did you mean duisburg"),
        "{}",
        result.stderr
    );
    assert!(
        result
            .stderr
            .contains("demand.csv:4: volume_teu_per_year: number is negative"),
        "{}",
        result.stderr
    );
    let route = json(&[
        "route",
        "xian",
        "duisburg",
        "--corridor",
        "trans-caspian",
        "--format",
        "json",
    ]);
    assert_eq!(route["bottleneck"]["kind"], "leg");
    assert!(
        route["bottleneck"]["capacity_teu_per_year"]
            .as_f64()
            .unwrap()
            > 0.0
    );
}

/// `--avoid-country` takes names as well as codes; `--avoid` splits on commas except for
/// one `lat,lon` coordinate.
#[test]
fn avoid_lists_take_names_and_comma_separated_places() {
    let countries = |args: &[&str]| -> String {
        let mut all = vec!["route", "xian", "duisburg", "--format", "json"];
        all.extend_from_slice(args);
        let value: serde_json::Value = serde_json::from_str(&run_ok(&all)).unwrap();
        value["countries"].to_string()
    };
    let by_code = countries(&["--avoid-country", "RU"]);
    assert!(!by_code.contains("\"RU\""), "{by_code}");
    assert_eq!(countries(&["--avoid-country", "Russia"]), by_code);
    let both = run_ok(&[
        "route",
        "xian",
        "duisburg",
        "--avoid",
        "dostyk,khorgos-gateway",
        "--format",
        "json",
    ]);
    assert!(!both.contains("\"dostyk\"") && !both.contains("\"khorgos-gateway\""));
    // 45.2,82.5 is one coordinate (it snaps to Dostyk), not two places.
    let snapped = run_ok(&[
        "route",
        "xian",
        "duisburg",
        "--avoid",
        "45.2,82.5",
        "--format",
        "json",
    ]);
    assert!(!snapped.contains("\"dostyk\""));
}

/// Issue 15: unknown country codes and names are refused with suggestions (they used to
/// be accepted, and the route still crossed Russia), and so are 0 threads, by every
/// command.
#[test]
fn issue15_unknown_countries_and_zero_threads_are_refused() {
    for code in ["XX", "QQ"] {
        let result = run(&["route", "xian", "duisburg", "--avoid-country", code]);
        assert_eq!(result.exit, Exit::Usage, "{}", result.stdout);
        assert!(
            result
                .stderr
                .contains(&format!("--avoid-country: unknown country \"{code}\"")),
            "{}",
            result.stderr
        );
    }
    // Nothing is close to XX: the network's countries are listed.
    let result = run(&["route", "xian", "duisburg", "--avoid-country", "XX"]);
    assert!(result.stderr.contains("KG, KZ"), "{}", result.stderr);
    let typo = run(&["route", "xian", "duisburg", "--avoid-country", "Rusia"]);
    assert_eq!(typo.exit, Exit::Usage);
    assert!(
        typo.stderr.contains("did you mean RU (Russia)"),
        "{}",
        typo.stderr
    );
    let nodes = run(&["nodes", "--country", "Kazakhstn"]);
    assert_eq!(nodes.exit, Exit::Usage);
    assert!(nodes.stderr.contains("KZ (Kazakhstan)"), "{}", nodes.stderr);
    // Names work for nodes --country as for --avoid-country.
    assert_eq!(
        run_ok(&["nodes", "--country", "Kazakhstan"]),
        run_ok(&["nodes", "--country", "kz"])
    );
    for command in [
        &["route", "xian", "duisburg"][..],
        &["validate"],
        &["nodes"],
    ] {
        let result = run(&[&["--threads", "0"][..], command].concat());
        assert_eq!(result.exit, Exit::Usage, "{command:?}");
        assert!(
            result.stderr.contains("--threads must be at least 1"),
            "{}",
            result.stderr
        );
    }
}

/// Issue 15: negative numbers reach the range checks instead of clap's "unexpected
/// argument", a missing --data folder is named as missing, and a binary file is named
/// as not UTF-8 text, once.
#[test]
fn issue15_negative_numbers_missing_folders_and_binary_files_are_named() {
    for (flag, value) in [("--volume", "-5"), ("--value-of-time", "-1.5")] {
        let result = run(&["route", "xian", "duisburg", flag, value]);
        assert_eq!(result.exit, Exit::Usage);
        assert!(
            result.stderr.contains(&format!(
                "error: {flag}: {value} is not a number from 0 to 1000000000"
            )),
            "{}",
            result.stderr
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nodir");
    let result = run(&["--data", missing.to_str().unwrap(), "nodes"]);
    assert_eq!(result.exit, Exit::Data);
    assert!(
        result
            .stderr
            .contains(&format!("{}: folder does not exist", missing.display())),
        "{}",
        result.stderr
    );
    assert!(
        !result.stderr.contains("has no nodes.csv"),
        "{}",
        result.stderr
    );
    // Binary garbage as nodes.csv, with a line break before the first bad byte.
    let mut garbage = b"id,lat\n\x00\x9f\x92".to_vec();
    garbage.extend((0u8..=255).cycle().take(2000));
    std::fs::write(dir.path().join("nodes.csv"), &garbage).unwrap();
    std::fs::write(
        dir.path().join("legs.csv"),
        "from,to,mode,distance_km,time_h\na,b,rail,400,10\n",
    )
    .unwrap();
    let result = run(&["--data", dir.path().to_str().unwrap(), "nodes"]);
    assert_eq!(result.exit, Exit::Data);
    let nodes = dir.path().join("nodes.csv");
    let expected = format!(
        "{}:2: file is not UTF-8 text (byte 9 is invalid)",
        nodes.display()
    );
    assert_eq!(
        result.stderr.matches("not UTF-8").count(),
        1,
        "{}",
        result.stderr
    );
    assert!(result.stderr.contains(&expected), "{}", result.stderr);
    assert!(!result.stderr.contains("missing"), "{}", result.stderr);
}

/// Every metric of `value` (any nesting) is a number: no `null` from an infinity or NaN.
fn assert_no_null(value: &serde_json::Value, at: &str) {
    match value {
        serde_json::Value::Null => panic!("null at {at}"),
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                assert_no_null(item, &format!("{at}[{i}]"));
            }
        }
        serde_json::Value::Object(map) => {
            for (key, item) in map {
                assert_no_null(item, &format!("{at}.{key}"));
            }
        }
        _ => {}
    }
}

/// Issue 15: numbers beyond the documented limits are refused where they are written
/// (exit 3); numbers at the limits give correct, finite results.
#[test]
fn issue15_huge_numbers_are_refused_and_large_ones_computed() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_owned()
    };
    for huge in ["1e308", "1e18", "1000000001"] {
        let demand = write(
            "huge.csv",
            &format!("from,to,volume_teu_per_year\nxian,duisburg,{huge}\nalmaty,istanbul,1000\n"),
        );
        let result = run(&["flow", "--demand", &demand]);
        assert_eq!(result.exit, Exit::Data, "{huge}: {}", result.stdout);
        assert!(
            result.stderr.contains(&format!(
                "huge.csv:2: volume_teu_per_year: number is too large: got \"{huge}\""
            )),
            "{}",
            result.stderr
        );
    }
    // At the limit: Almaty -> Istanbul delivers what it delivers on its own.
    let alone = write(
        "alone.csv",
        "from,to,volume_teu_per_year\nalmaty,istanbul,1000\n",
    );
    let both = write(
        "both.csv",
        "from,to,volume_teu_per_year\nxian,duisburg,1e9\nalmaty,istanbul,1000\n",
    );
    let alone = json(&["flow", "--demand", &alone, "--format", "json"]);
    let both = json(&["flow", "--demand", &both, "--format", "json"]);
    assert_no_null(&both, "flow");
    assert_eq!(
        both["flows"][1]["delivered_teu_per_year"],
        alone["flows"][0]["delivered_teu_per_year"]
    );
    assert!(both["delivered_teu_per_year"].as_f64().unwrap() > 1e9 - 1.0);
    // Volumes a million times larger deliver a million times more, whatever the weights
    // (phase 1 once stopped early when routes weighed more than 1e9 per TEU).
    let delivered = |volume: &str| {
        let text = [
            "xian,duisburg",
            "almaty,istanbul",
            "baku,tashkent",
            "chongqing,tehran",
        ]
        .map(|pair| format!("{pair},{volume}\n"))
        .concat();
        let demand = write("four.csv", &format!("from,to,volume_teu_per_year\n{text}"));
        let value = json(&[
            "flow",
            "--demand",
            &demand,
            "--by",
            "generalized",
            "--value-of-time",
            "1e9",
            "--avoid-country",
            "RU,IR",
            "--format",
            "json",
        ]);
        assert_no_null(&value, "flow");
        value["delivered_teu_per_year"].as_f64().unwrap()
    };
    let (small, large) = (delivered("1000"), delivered("1e9"));
    assert!(small > 0.0);
    assert!(
        (large - small * 1e6).abs() <= 1e-6 * large,
        "{small} vs {large}"
    );
    // Scale factors: beyond 1e6 refused at their key; within it, a value pushed beyond
    // the data limit is refused at the entry; otherwise the route's metrics are numbers.
    let scenario = write("s.toml", "[[scale]]\nall = true\ncost = 1e308\n");
    let result = run(&["route", "xian", "duisburg", "--scenario", &scenario]);
    assert_eq!(result.exit, Exit::Data);
    assert!(
        result
            .stderr
            .contains("s.toml:1: cost: factor must be a number from 0 to 1000000: got \"1e308\""),
        "{}",
        result.stderr
    );
    assert!(
        !result.stderr.contains("scales nothing"),
        "{}",
        result.stderr
    );
    let scenario = write("s.toml", "[[scale]]\nall = true\ncost = 1e6\n");
    let result = run(&["route", "xian", "duisburg", "--scenario", &scenario]);
    assert_eq!(result.exit, Exit::Data);
    assert!(
        result
            .stderr
            .contains("s.toml:1: cost: scaling makes a value too large"),
        "{}",
        result.stderr
    );
    let scenario = write("s.toml", "[[scale]]\nall = true\ncost = 1e3\ntime = 1e3\n");
    let value = json(&[
        "route",
        "xian",
        "duisburg",
        "--scenario",
        &scenario,
        "--format",
        "json",
    ]);
    assert_no_null(&value["totals"], "route.totals");
    assert!(value["objective_value"].is_number(), "{value}");
    assert!(
        value["totals"]["cost_usd"].as_f64().unwrap() > 1e6,
        "{value}"
    );
    assert!(value["totals"]["time_h"].as_f64().unwrap() > 1e4, "{value}");
    let result = run(&["route", "xian", "duisburg", "--volume", "1e10"]);
    assert_eq!(result.exit, Exit::Usage);
    assert!(
        result
            .stderr
            .contains("--volume: 10000000000 is not a number from 0 to 1000000000"),
        "{}",
        result.stderr
    );
}

/// A negative latitude as a positional place needs no `--`; a mistyped option in its
/// place is still an error, and so is a coordinate far from every place.
#[test]
fn negative_coordinates_are_places_and_options_are_not() {
    // Cape Town: a coordinate, 7,860 km from the nearest place of the built-in network.
    let far = run(&["route", "-33.9,18.4", "tashkent"]);
    assert_eq!(far.exit, Exit::Usage);
    assert!(
        far.stderr.contains("km from the nearest place"),
        "{}",
        far.stderr
    );
    // In the southern hemisphere: Cape Town to Durban on a two-place network.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("nodes.csv"),
        "id,name,kind,lat,lon\ncpt,Cape Town,port,-33.9,18.4\ndur,Durban,port,-29.9,31.0\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("legs.csv"),
        "from,to,mode,distance_km,time_h\ncpt,dur,road,1600,24\n",
    )
    .unwrap();
    let data = dir.path().to_str().unwrap();
    let south = run_ok(&["--data", data, "route", "-33.95,18.45", "-29.85,31.05"]);
    assert!(south.contains("Cape Town → Durban"), "{south}");
    let typo = run(&["route", "--bogus", "xian", "duisburg"]);
    assert_eq!(typo.exit, Exit::Usage);
    assert!(typo.stderr.contains("not an option"), "{}", typo.stderr);
}

/// Issue 15: `--output FILE --force` writes through a symbolic link (the link stays and
/// its target gets the output, also when it does not exist yet) and into a FIFO (which
/// stays a FIFO), and refuses a folder; a regular file is still replaced.
#[cfg(unix)]
#[test]
fn issue15_output_writes_through_links_and_into_fifos() {
    use std::os::unix::fs::FileTypeExt;

    let expected = run_ok(&["route", "xian", "duisburg", "--format", "json"]);
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name);
    let route_to = |name: &str, force: bool| {
        let output = path(name);
        let mut args = vec!["route", "xian", "duisburg", "--format", "json", "--output"];
        args.push(output.to_str().unwrap());
        if force {
            args.push("--force");
        }
        run(&args)
    };
    std::fs::write(path("target.json"), "old\n").unwrap();
    std::os::unix::fs::symlink("target.json", path("link.json")).unwrap();
    assert_eq!(route_to("link.json", false).exit, Exit::Failure);
    assert_eq!(route_to("link.json", true).exit, Exit::Ok);
    let link = std::fs::symlink_metadata(path("link.json")).unwrap();
    assert!(link.file_type().is_symlink());
    assert_eq!(
        std::fs::read_to_string(path("target.json")).unwrap(),
        expected
    );
    // A dangling link: its target is created.
    std::os::unix::fs::symlink("new.json", path("dangling.json")).unwrap();
    assert_eq!(route_to("dangling.json", false).exit, Exit::Ok);
    assert!(
        std::fs::symlink_metadata(path("dangling.json"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_to_string(path("new.json")).unwrap(), expected);
    // A FIFO: a reader gets the output; the FIFO stays.
    let fifo = path("fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let result = route_to("fifo", true);
    assert_eq!(result.exit, Exit::Ok, "{}", result.stderr);
    assert_eq!(reader.join().unwrap(), expected);
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
    // A folder is refused; a regular file is replaced.
    std::fs::create_dir(path("folder")).unwrap();
    let result = route_to("folder", true);
    assert_eq!(result.exit, Exit::Failure);
    assert!(
        result.stderr.contains("it is a folder"),
        "{}",
        result.stderr
    );
    std::fs::write(path("plain.json"), "old\n").unwrap();
    assert_eq!(route_to("plain.json", true).exit, Exit::Ok);
    assert_eq!(
        std::fs::read_to_string(path("plain.json")).unwrap(),
        expected
    );
    assert_eq!(entries_without_partials(dir.path()), 7);
}

/// The number of entries of a folder, after checking none is a leftover temporary file.
fn entries_without_partials(dir: &std::path::Path) -> usize {
    let names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.contains("partial")), "{names:?}");
    names.len()
}

/// Issue 15: `route --include-planned` says when no planned or under-construction leg is
/// on the best route (the option then changed nothing), and only then.
#[test]
fn issue15_include_planned_says_when_no_planned_leg_helps() {
    let mut seen = Vec::new();
    for (from, to, extra) in [
        ("rotterdam", "duisburg", &[][..]),
        (
            "termez",
            "karachi",
            &["--corridor", "trans-afghan", "--by", "cost"][..],
        ),
    ] {
        let mut args = vec!["route", from, to, "--include-planned", "--format", "json"];
        args.extend_from_slice(extra);
        let result = run(&args);
        assert_eq!(result.exit, Exit::Ok, "{}", result.stderr);
        let value: serde_json::Value = serde_json::from_str(&result.stdout).unwrap();
        let planned = value["legs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|leg| leg["status"] != "operational");
        let noted = result
            .stderr
            .contains("note: --include-planned: no planned");
        assert_eq!(noted, !planned, "{from} -> {to}: {}", result.stderr);
        seen.push(planned);
        // Without the option there is nothing to say.
        let plain = run(&args
            .iter()
            .copied()
            .filter(|a| *a != "--include-planned")
            .collect::<Vec<_>>());
        assert!(!plain.stderr.contains("note:"), "{}", plain.stderr);
    }
    assert_eq!(
        seen,
        [false, true],
        "one route without and one with planned legs"
    );
}
