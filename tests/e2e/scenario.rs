//! Scenarios: each operation, ordering, errors with their location, every shipped
//! scenario, and reproducible sweeps whose statistics match known distributions.

use corridor::io::DiagnosticKind;
use corridor::route::{self, Query};
use corridor::scenario::{self, Dist, ScenarioFile};
use corridor::{Graph, Network, Objective, PlaceId, Profile, Status, builtin};
use corridor_cli::Exit;

use crate::fixtures::{self, load_text, run, run_ok};

fn parse(text: &str) -> ScenarioFile {
    scenario::parse("test.toml", text.as_bytes()).unwrap_or_else(|e| panic!("{e}"))
}

fn apply(network: &Network, texts: &[&str]) -> scenario::Applied {
    let files: Vec<ScenarioFile> = texts.iter().map(|t| parse(t)).collect();
    scenario::apply(network, &files).unwrap_or_else(|e| panic!("{e}"))
}

fn best(network: &Network, from: &str, to: &str, by: Objective) -> Option<corridor::Route> {
    let query = Query::new(network.resolve(from).unwrap(), network.resolve(to).unwrap());
    route::shortest(&Graph::new(network, &Profile::new(by)), &query)
}

fn builtin_network() -> Network {
    builtin::network().unwrap().network
}

#[test]
fn close_open_and_their_order() {
    let network = fixtures::network("caspian");
    let ferry = |n: &Network| {
        n.legs()
            .iter()
            .find(|l| l.mode == corridor::Mode::Ferry)
            .unwrap()
            .status
    };
    let closed = apply(&network, &["[[close]]\nleg = [\"baku\", \"aktau\"]\n"]).network;
    assert_eq!(ferry(&closed), Status::Closed);
    assert!(best(&closed, "ganja", "beyneu", Objective::Time).is_none());
    // A later file reopens it; the reverse order leaves it closed.
    let reopened = apply(
        &network,
        &[
            "[[close]]\nmode = \"ferry\"\n",
            "[[open]]\nnode = \"aktau\"\n",
        ],
    )
    .network;
    assert_eq!(ferry(&reopened), Status::Operational);
    let again = apply(
        &network,
        &[
            "[[open]]\nnode = \"aktau\"\n",
            "[[close]]\nmode = \"ferry\"\n",
        ],
    )
    .network;
    assert_eq!(ferry(&again), Status::Closed);
    // Within a file, open applies before close.
    let same_file = apply(
        &network,
        &["[[close]]\nmode = \"ferry\"\n[[open]]\nmode = \"ferry\"\n"],
    )
    .network;
    assert_eq!(ferry(&same_file), Status::Closed);
    // Closing a country closes every leg touching it.
    let no_kz = apply(&network, &["[[close]]\ncountry = \"KZ\"\n"]).network;
    for leg in no_kz.legs() {
        let touches = [leg.from, leg.to]
            .iter()
            .any(|&p| no_kz.place(p).country.map(|c| c.to_string()) == Some("KZ".into()));
        assert_eq!(leg.status == Status::Closed, touches);
    }
}

/// Issue 15: a scenario names a country by code or by name, as `--avoid-country` does;
/// an unknown one is located with suggestions.
#[test]
fn issue15_scenario_countries_by_code_or_name() {
    let network = builtin_network();
    let closed = |country: &str| -> Vec<Status> {
        let text = format!("[[close]]\ncountry = \"{country}\"\n");
        let applied = apply(&network, &[&text]).network;
        applied.legs().iter().map(|leg| leg.status).collect()
    };
    let by_code = closed("RU");
    assert!(by_code.contains(&Status::Closed));
    assert_eq!(closed("Russia"), by_code);
    assert_eq!(closed("russian federation"), by_code);
    assert_eq!(closed("ru"), by_code);
    let file = parse("[[close]]\ncountry = \"Rusia\"\n");
    let error = scenario::apply(&network, &[file]).unwrap_err();
    let d = &error.errors[0];
    assert_eq!((d.line, d.column.as_deref()), (Some(1), Some("country")));
    assert_eq!(d.value.as_deref(), Some("Rusia"));
    assert!(d.to_string().contains("did you mean RU (Russia)"), "{d}");
}

#[test]
fn closing_a_corridor_keeps_shared_legs() {
    let network = load_text(
        "id,lat,lon\na,40,60\nb,40,61\nc,40,62\n",
        "from,to,mode,corridors,distance_km,time_h\na,b,rail,x,90,2\nb,c,rail,x;y,90,2\na,c,road,,180,5\n",
        None,
    )
    .unwrap()
    .network;
    let closed = apply(&network, &["[[close]]\ncorridor = \"x\"\n"]).network;
    let statuses: Vec<Status> = closed.legs().iter().map(|l| l.status).collect();
    assert_eq!(
        statuses,
        [Status::Closed, Status::Operational, Status::Operational]
    );
    let both = apply(
        &network,
        &["[[close]]\ncorridor = \"x\"\n[[close]]\ncorridor = \"y\"\n"],
    )
    .network;
    assert_eq!(both.legs()[1].status, Status::Closed);
}

#[test]
fn scale_changes_times_prices_capacities_and_dwell() {
    let network = fixtures::network("caspian");
    let base = best(&network, "ganja", "beyneu", Objective::Time).unwrap();
    let scaled = apply(
        &network,
        &["[[scale]]\nmode = \"ferry\"\ntime = 2\ncost = 0.5\n[[scale]]\nnode = \"aktau\"\ndwell = 0.5\nhandling = 0\n[[scale]]\nall = true\ncapacity = 3\n"],
    )
    .network;
    let after = best(&scaled, "ganja", "beyneu", Objective::Time).unwrap();
    // Ferry 22 h → 44 h, aktau entry 30 h → 15 h, aktau handling 10 h → 0.
    assert_eq!(after.totals.time_h, base.totals.time_h + 22.0 - 15.0 - 10.0);
    assert_eq!(after.totals.cost_usd, base.totals.cost_usd - 200.0);
    let leg_capacity = |n: &Network| n.legs()[0].capacity_teu_per_year;
    assert_eq!(
        leg_capacity(&scaled),
        leg_capacity(&network).map(|c| c * 3.0)
    );
}

#[test]
fn add_node_and_leg_go_through_the_builder() {
    let network = fixtures::network("caspian");
    let text = r#"
[[add_node]]
id = "kuryk"
name = "Kuryk"
country = "KZ"
kind = "port"
lat = 43.18
lon = 51.65
mode_change_h = 2

[[add_leg]]
from = "baku"
to = "kuryk"
mode = "ferry"
corridors = ["tc"]
distance_km = 420
time_h = 20
cost_usd = 380
headway_h = 24

[[add_leg]]
from = "kuryk"
to = "beyneu"
mode = "rail"
distance_km = 500
time_h = 16
cost_usd = 300
gauge_mm = 1520
"#;
    let changed = apply(&network, &[text]).network;
    assert_eq!(changed.places().len(), network.places().len() + 1);
    let route = best(&changed, "ganja", "beyneu", Objective::Time).unwrap();
    assert!(
        route
            .places()
            .contains(&changed.place_by_id("kuryk").unwrap())
    );
    // A bad new row is reported at its entry.
    let bad = parse(
        "[[add_leg]]\nfrom = \"baku\"\nto = \"nowhere\"\nmode = \"rail\"\ndistance_km = 5\ntime_h = 1\n",
    );
    let error = scenario::apply(&network, &[bad]).unwrap_err();
    assert_eq!(
        (error.errors[0].file.as_str(), error.errors[0].line),
        ("test.toml", Some(1))
    );
    assert_eq!(error.errors[0].kind, DiagnosticKind::DanglingEndpoint);
    // Cells are checked as in nodes.csv and legs.csv, the new network as a built one:
    // every problem at its entry, in file order.
    let bad = parse(
        "[[add_node]]\nid = \"baku\"\nlat = 40\nlon = 50\n\n[[add_node]]\nid = \"far\"\nlat = 95\nlon = 50\n\n[[add_leg]]\nfrom = \"baku\"\nto = \"ganja\"\nmode = \"rail\"\ndistance_km = 5\ntime_h = 1\n",
    );
    let error = scenario::apply(&network, &[bad]).unwrap_err();
    let found: Vec<_> = error
        .errors
        .iter()
        .map(|d| (d.line, d.kind, d.column.as_deref()))
        .collect();
    assert_eq!(
        found,
        [
            (Some(1), DiagnosticKind::DuplicateId, Some("id")),
            (Some(6), DiagnosticKind::OutOfRange, Some("lat")),
            (
                Some(11),
                DiagnosticKind::ShorterThanGreatCircle,
                Some("distance_km")
            ),
        ],
        "{error}"
    );
    assert!(
        error
            .to_string()
            .contains("test.toml:6: lat: number is out of range: got \"95\""),
        "{error}"
    );
}

#[test]
fn unknown_names_are_located_with_suggestions() {
    let network = builtin_network();
    let file = parse(
        "\n[[close]]\nnode = \"Tashknet\"\n\n[[scale]]\ncorridor = \"trans-caspain\"\ntime = 2\n\n[[close]]\ncountry = \"ZZ\"\n",
    );
    let error = scenario::apply(&network, &[file]).unwrap_err();
    let found: Vec<(Option<u64>, Option<&str>)> = error
        .errors
        .iter()
        .map(|d| (d.line, d.column.as_deref()))
        .collect();
    assert_eq!(
        found,
        [
            (Some(2), Some("node")),
            (Some(5), Some("corridor")),
            (Some(9), Some("country"))
        ]
    );
    assert!(
        error.errors[0].message.contains("did you mean tashkent"),
        "{}",
        error.errors[0]
    );
    assert!(
        error.errors[1]
            .expected
            .as_deref()
            .unwrap()
            .contains("trans-caspian")
    );
    // Syntax-level problems are caught by the parser, also with lines.
    for (text, line) in [
        ("[[close]]\nnode = \"a\"\nmode = \"rail\"\n", 1),
        ("[[scale]]\nmode = \"rail\"\ntime = -1\n", 1),
        (
            "[[uncertain]]\nmode = \"rail\"\ntime = { dist = \"triangular\", low = 2, mode = 1, high = 3 }\n",
            1,
        ),
        (
            "[[uncertain]]\nmode = \"rail\"\ntime = { dist = \"gamma\", low = 2 }\n",
            1,
        ),
        ("\n[[close]]\nnod = \"a\"\n", 3),
    ] {
        let error = scenario::parse("test.toml", text.as_bytes()).unwrap_err();
        assert_eq!(error.errors[0].line, Some(line), "{text}: {error}");
    }
}

/// Issue 15: scale factors and distribution parameters beyond their limits are refused
/// at their key, and so is a spread of a log-normal whose draws could overflow; the
/// limits themselves are accepted.
#[test]
fn issue15_scenario_numbers_beyond_their_limits_are_refused() {
    let max = scenario::MAX_FACTOR;
    let spread = scenario::MAX_LOGNORMAL_SPREAD;
    for (text, key) in [
        (
            format!("[[scale]]\nall = true\ntime = {}\n", max * 10.0),
            "time",
        ),
        (
            "[[scale]]\nall = true\ncapacity = 1e308\n".to_owned(),
            "capacity",
        ),
        (
            format!(
                "[[uncertain]]\nall = true\ntime = {{ dist = \"uniform\", low = 1, high = {} }}\n",
                max * 10.0
            ),
            "time",
        ),
        (
            "[[uncertain]]\nall = true\nwait_h = { dist = \"triangular\", low = 1, mode = 2, high = 1e300 }\n"
                .to_owned(),
            "wait_h",
        ),
        (
            format!(
                "[[uncertain]]\nall = true\ntime = {{ dist = \"lognormal\", median = 1e-3, p90 = {} }}\n",
                1e-3 * spread * 2.0
            ),
            "time",
        ),
    ] {
        let error = scenario::parse("test.toml", text.as_bytes()).unwrap_err();
        let d = &error.errors[0];
        assert_eq!(d.kind, DiagnosticKind::OutOfRange, "{text}: {error}");
        assert_eq!((d.line, d.column.as_deref()), (Some(1), Some(key)), "{d}");
    }
    parse(&format!("[[scale]]\nall = true\ntime = {max}\n"));
    parse(&format!(
        "[[uncertain]]\nall = true\ntime = {{ dist = \"lognormal\", median = 1, p90 = {spread} }}\n"
    ));
    // Applied twice, a factor within its limit can push values beyond the data limits.
    let network = fixtures::network("triangle");
    let twice = parse("[[scale]]\nall = true\ncost = 1e6\n");
    let error = scenario::apply(&network, &[twice.clone(), twice]).unwrap_err();
    assert_eq!(error.errors[0].kind, DiagnosticKind::OutOfRange, "{error}");
    assert_eq!(error.errors[0].column.as_deref(), Some("cost"), "{error}");
}

/// Draws of a known distribution on a one-leg network: the sweep's mean and median
/// match the distribution's.
#[test]
fn sweep_statistics_match_known_distributions() {
    let network = load_text(
        "id,lat,lon,country,border_h\na,40,60,KZ,\nb,40,61,UZ,10\n",
        "from,to,mode,distance_km,time_h,cost_usd\na,b,rail,90,10,100\n",
        None,
    )
    .unwrap()
    .network;
    let query = Query::new(
        network.place_by_id("a").unwrap(),
        network.place_by_id("b").unwrap(),
    );
    let profile = Profile::new(Objective::Time);
    let cases = [
        (
            "time = { dist = \"triangular\", low = 0.5, mode = 1.0, high = 2.0 }",
            "mode = \"rail\"",
            Dist::Triangular {
                low: 0.5,
                mode: 1.0,
                high: 2.0,
            },
            10.0,
            10.0,
        ),
        (
            "time = { dist = \"uniform\", low = 1.0, high = 3.0 }",
            "mode = \"rail\"",
            Dist::Uniform {
                low: 1.0,
                high: 3.0,
            },
            10.0,
            10.0,
        ),
        (
            "dwell_h = { dist = \"lognormal\", median = 24.0, p90 = 72.0 }",
            "node = \"b\"",
            Dist::LogNormal {
                median: 24.0,
                p90: 72.0,
            },
            1.0,
            10.0,
        ),
    ];
    for (quantity, selector, dist, scale, offset) in cases {
        let applied = apply(
            &network,
            &[&format!("[[uncertain]]\n{selector}\n{quantity}\n")],
        );
        let result = scenario::sweep(
            &applied.network,
            &applied.uncertain,
            &profile,
            &query,
            20_000,
            11,
            &|| {},
        );
        let stats = result.time_h.unwrap();
        // time = offset + scale × x, where x follows `dist`: a leg time multiplier
        // (10 h leg, fixed 10 h border entry) or the border dwell (fixed 10 h leg).
        let expected_mean = offset + scale * dist.mean();
        let expected_median = offset + scale * dist.median();
        assert!(
            (stats.mean - expected_mean).abs() < 0.02 * expected_mean,
            "{quantity}: mean {} vs {expected_mean}",
            stats.mean
        );
        assert!(
            (stats.p50 - expected_median).abs() < 0.02 * expected_median,
            "{quantity}: median {} vs {expected_median}",
            stats.p50
        );
        assert!(stats.p90 >= stats.p50 && stats.p95 >= stats.p90);
    }
}

#[test]
fn sweeps_are_reproducible_across_thread_counts() {
    let args = [
        "sweep",
        "xian",
        "duisburg",
        "--corridor",
        "trans-caspian",
        "--samples",
        "300",
        "--seed",
        "5",
        "--format",
        "json",
    ];
    let scenario = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../data/scenarios/uncertainty.toml"
    );
    let with = |threads: &str, seed: &str| {
        let mut a: Vec<&str> = vec!["--threads", threads, "--scenario", scenario];
        a.extend(args);
        let position = a.iter().position(|&x| x == "5").unwrap();
        a[position] = seed;
        run_ok(&a)
    };
    let one = with("1", "5");
    assert_eq!(one, with("2", "5"));
    assert_ne!(one, with("2", "6"));
    let value: serde_json::Value = serde_json::from_str(&one).unwrap();
    assert_eq!(
        (value["samples"].as_u64(), value["seed"].as_u64()),
        (Some(300), Some(5))
    );
    for key in ["mean", "p50", "p90", "p95"] {
        assert!(
            value["time_h"][key].is_number() && value["cost_usd"][key].is_number(),
            "{key}"
        );
    }
    let routes = value["routes"].as_array().unwrap();
    let share: f64 = routes.iter().map(|r| r["share"].as_f64().unwrap()).sum();
    assert!((share - 1.0).abs() < 1e-3);
    for r in routes {
        for key in ["share", "corridors", "path", "time_h", "cost_usd"] {
            assert!(!r[key].is_null(), "{key}");
        }
    }
    // Uncertain waits make the spread real: p95 above the median.
    assert!(value["time_h"]["p95"].as_f64() > value["time_h"]["p50"].as_f64());
}

/// A sweep over all pairs equals single-pair sweeps pair by pair: the same draws
/// reach, the same means, and percentiles within the stated accuracy of the exact
/// nearest-rank ones; and it is the same on 1 and 2 threads.
#[test]
fn pair_sweeps_match_single_pair_sweeps() {
    let network = builtin_network();
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../data/scenarios/uncertainty.toml"
    );
    let file = scenario::parse(path, &std::fs::read(path).unwrap()).unwrap();
    let applied = scenario::apply(&network, &[file]).unwrap();
    let net = &applied.network;
    let places: Vec<PlaceId> = ["xian", "duisburg", "tashkent", "mersin", "baku"]
        .iter()
        .map(|id| net.place_by_id(id).unwrap())
        .collect();
    let profile = Profile::new(Objective::Time);
    let (samples, seed) = (120, 3);
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| {
                scenario::sweep_matrix(
                    net,
                    &applied.uncertain,
                    &profile,
                    &places,
                    samples,
                    seed,
                    &|| {},
                )
            })
    };
    let matrix = run(2);
    assert_eq!(matrix, run(1));
    assert_eq!(matrix.pairs.len(), places.len() * (places.len() - 1));
    let within =
        |got: f64, want: f64| (got - want).abs() <= want * scenario::MATRIX_PERCENTILE_ACCURACY;
    for pair in &matrix.pairs {
        let single = scenario::sweep(
            net,
            &applied.uncertain,
            &profile,
            &Query::new(pair.from, pair.to),
            samples,
            seed,
            &|| {},
        );
        assert_eq!(pair.reached, single.reached, "{:?}", pair);
        for (got, want) in [
            (pair.time_h, single.time_h),
            (pair.cost_usd, single.cost_usd),
        ] {
            let (got, want) = (got.unwrap(), want.unwrap());
            assert!(
                (got.mean - want.mean).abs() <= 1e-6 * want.mean,
                "{got:?} vs {want:?}"
            );
            assert!(
                within(got.p50, want.p50) && within(got.p90, want.p90) && within(got.p95, want.p95),
                "{got:?} vs {want:?}"
            );
        }
    }
}

/// `--hubs` sweeps every ordered pair of cities, ports and dry ports.
#[test]
fn sweep_over_hubs_reports_every_pair() {
    let scenario = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../data/scenarios/uncertainty.toml"
    );
    let out = run_ok(&[
        "--scenario",
        scenario,
        "sweep",
        "--hubs",
        "--samples",
        "20",
        "--format",
        "json",
    ]);
    let value: serde_json::Value = serde_json::from_str(&out).unwrap();
    let network = builtin_network();
    let hubs = network.places().iter().filter(|p| p.kind.is_hub()).count();
    assert!(hubs > 50);
    let pairs = value["pairs"].as_array().unwrap();
    assert_eq!(pairs.len(), hubs * (hubs - 1));
    assert_eq!(value["places"].as_u64(), Some(hubs as u64));
    let first = &pairs[0];
    for key in ["from", "to", "reached", "time_h", "cost_usd"] {
        assert!(!first[key].is_null(), "{key}");
    }
    let one = run(&["sweep", "--places", "xian", "--samples", "5"]);
    assert_eq!(one.exit, Exit::Usage, "{}", one.stderr);
    assert!(one.stderr.contains("at least 2"), "{}", one.stderr);
    let both = run(&["sweep", "xian", "duisburg", "--hubs"]);
    assert_eq!(both.exit, Exit::Usage, "{}", both.stderr);
}

fn shipped(name: &str) -> String {
    format!(
        "{}/../data/scenarios/{name}.toml",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn diff(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["diff"];
    all.extend(args);
    all.extend(["--format", "json"]);
    serde_json::from_str(&run_ok(&all)).unwrap()
}

/// Every shipped scenario applies to the built-in network and changes what it should.
#[test]
fn shipped_scenarios_change_what_they_should() {
    let delta = |v: &serde_json::Value, key: &str| v["delta"][key].as_f64().unwrap();
    let northern = shipped("northern-route-closed");
    let v = diff(&["xian", "duisburg", "--scenario", &northern]);
    let countries: Vec<&str> = v["scenario"]["countries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(
        !countries.contains(&"RU") && !countries.contains(&"BY"),
        "{countries:?}"
    );
    assert!(delta(&v, "time_h") > 0.0);

    let red_sea = shipped("red-sea-closed");
    let v = diff(&[
        "shanghai",
        "rotterdam",
        "--corridor",
        "maritime",
        "--scenario",
        &red_sea,
    ]);
    assert!(
        v["scenario"]["legs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["to"] == "cape-of-good-hope")
    );
    assert!(delta(&v, "time_h") > 7.0 * 24.0);

    let afghan = shipped("trans-afghan-railway-built");
    let v = diff(&["termez", "karachi", "--by", "cost", "--scenario", &afghan]);
    assert!(delta(&v, "cost_usd") < 0.0);
    assert!(
        v["scenario"]["legs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["to"] == "kharlachi")
    );

    let cku = shipped("cku-railway-opened");
    let v = diff(&["kashgar", "andijan", "--by", "cost", "--scenario", &cku]);
    assert!(delta(&v, "cost_usd") < 0.0);
    assert!(
        v["scenario"]["legs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["to"] == "makmal")
    );

    let halved = shipped("border-dwell-halved");
    let v = diff(&["xian", "duisburg", "--scenario", &halved]);
    assert!(delta(&v, "time_h") < -12.0);

    let india = shipped("india-pakistan-trade-reopened");
    let network = builtin_network();
    let reopened = scenario::apply(
        &network,
        &[scenario::parse("f", &std::fs::read(&india).unwrap()).unwrap()],
    )
    .unwrap()
    .network;
    let leg = |n: &Network| {
        n.legs()
            .iter()
            .find(|l| &*n.place(l.from).id == "nhava-sheva" && &*n.place(l.to).id == "karachi")
            .unwrap()
            .status
    };
    assert_eq!(
        (leg(&network), leg(&reopened)),
        (Status::Closed, Status::Operational)
    );

    // With container lines back in St Petersburg, the cheapest Almaty → Mumbai route goes
    // by rail through Russia and by sea through Rotterdam again.
    let baltic = shipped("baltic-feeder-reopened");
    let v = diff(&["almaty", "mumbai", "--by", "cost", "--scenario", &baltic]);
    let via = |side: &str| -> Vec<String> {
        v[side]["countries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_owned())
            .collect()
    };
    assert!(!via("baseline").contains(&"NL".to_owned()));
    assert!(via("scenario").contains(&"NL".to_owned()));
    assert!(delta(&v, "cost_usd") < 0.0);

    let doubled = shipped("caspian-ferry-capacity-doubled");
    let changed = scenario::apply(
        &network,
        &[scenario::parse("f", &std::fs::read(&doubled).unwrap()).unwrap()],
    )
    .unwrap()
    .network;
    for (a, b) in network.legs().iter().zip(changed.legs()) {
        let caspian = ["kuryk", "aktau", "turkmenbashi"].contains(&&*network.place(a.from).id)
            && &*network.place(a.to).id == "alat-port";
        let expected = if caspian {
            a.capacity_teu_per_year.map(|c| c * 2.0)
        } else {
            a.capacity_teu_per_year
        };
        assert_eq!(b.capacity_teu_per_year, expected);
    }

    let uncertainty = shipped("uncertainty");
    let out = run_ok(&["--scenario", &uncertainty, "validate"]);
    assert!(out.contains("valid: 0 errors"), "{out}");
}

#[test]
fn scenario_errors_exit_3_and_diff_needs_a_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.toml");
    std::fs::write(&file, "[[close]]\nnode = \"Tashknet\"\n").unwrap();
    let result = run(&[
        "--scenario",
        file.to_str().unwrap(),
        "route",
        "xian",
        "duisburg",
    ]);
    assert_eq!(result.exit, Exit::Data);
    assert!(
        result
            .stderr
            .contains("bad.toml:1: node: unknown place \"Tashknet\""),
        "{}",
        result.stderr
    );
    assert_eq!(run(&["diff", "xian", "duisburg"]).exit, Exit::Usage);
    assert_eq!(
        run(&["--scenario", "/nonexistent.toml", "validate"]).exit,
        Exit::Usage
    );
}

/// The diff table says whether the route changes, as the JSON's `route_changed` does.
#[test]
fn diff_table_says_whether_the_route_changes() {
    let closed = "../data/scenarios/northern-route-closed.toml";
    let table = run_ok(&["--scenario", closed, "diff", "Xian", "Duisburg"]);
    let json = run_ok(&[
        "--scenario",
        closed,
        "diff",
        "Xian",
        "Duisburg",
        "--format",
        "json",
    ]);
    let changed = serde_json::from_str::<serde_json::Value>(&json).unwrap()["route_changed"]
        .as_bool()
        .unwrap();
    assert!(changed, "{json}");
    assert!(table.trim_end().ends_with("the route changes"), "{table}");
    // Closing the northern route leaves Tashkent → Almaty as it was.
    let table = run_ok(&["--scenario", closed, "diff", "Tashkent", "Almaty"]);
    assert!(
        table.trim_end().ends_with("the route is the same"),
        "{table}"
    );
}
