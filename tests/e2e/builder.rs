//! Networks from values: `NetworkBuilder` builds what the CSV loader loads, and refuses
//! bad values with every problem located by place or leg.

use corridor::io::{self, DiagnosticKind};
use corridor::model::{BuildError, CustomsUnion, Subject};
use corridor::{
    Coord, Country, Meta, Mode, Network, NetworkBuilder, NewLeg, NewPlace, PlaceKind, Status,
    Transfers, builtin,
};
use proptest::prelude::*;

use crate::fixtures::{self, load_text, proptest_config};
use crate::random::{self, Shape};

fn coord(lat: f64, lon: f64) -> Coord {
    Coord { lon, lat }
}

fn country(code: &str) -> Option<Country> {
    Country::parse(code)
}

/// The caspian fixture (tests/fixtures/caspian), written as values.
fn caspian() -> NetworkBuilder {
    let mut meta = Meta {
        name: "caspian fixture".to_owned(),
        ..Meta::default()
    };
    meta.customs_unions.push(CustomsUnion {
        id: "eaeu".to_owned(),
        name: "eaeu".to_owned(),
        countries: vec![Country::parse("KZ").unwrap(), Country::parse("RU").unwrap()],
        dwell_factor: 0.1,
        fee_factor: 0.0,
        source: None,
    });
    let mut builder = NetworkBuilder::new(meta);
    let place = |id: &str, name: &str, code: &str, kind, lat, lon| NewPlace {
        name: Some(name.to_owned()),
        country: country(code),
        kind,
        source: Some("fixture".to_owned()),
        ..NewPlace::new(id, coord(lat, lon))
    };
    let transfers = |mode_change: (f64, f64), border: (f64, f64), exit: (f64, f64)| Transfers {
        mode_change_h: mode_change.0,
        mode_change_usd: mode_change.1,
        border_h: border.0,
        border_usd: border.1,
        border_exit_h: exit.0,
        border_exit_usd: exit.1,
        ..Transfers::ZERO
    };
    builder
        .add_place(place("ganja", "Ganja", "AZ", PlaceKind::City, 40.68, 46.36))
        .add_place(NewPlace {
            transfers: Some(transfers((20.0, 150.0), (5.0, 50.0), (2.0, 10.0))),
            ..place("baku", "Baku", "AZ", PlaceKind::Port, 40.38, 49.89)
        })
        .add_place(NewPlace {
            transfers: Some(transfers((10.0, 100.0), (30.0, 200.0), (0.0, 0.0))),
            ..place("aktau", "Aktau", "KZ", PlaceKind::Port, 43.68, 51.21)
        })
        .add_place(place(
            "beyneu",
            "Beyneu",
            "KZ",
            PlaceKind::Junction,
            45.32,
            55.19,
        ))
        .add_place(NewPlace {
            transfers: Some(transfers((0.0, 0.0), (40.0, 300.0), (0.0, 0.0))),
            ..place(
                "astrakhan",
                "Astrakhan",
                "RU",
                PlaceKind::City,
                46.38,
                48.05,
            )
        })
        .add_place(place(
            "mid",
            "Mid-Caspian",
            "",
            PlaceKind::Waypoint,
            39.5,
            50.5,
        ))
        .add_place(NewPlace {
            transfers: Some(transfers((0.0, 0.0), (12.0, 80.0), (0.0, 0.0))),
            ..place("anzali", "Anzali", "IR", PlaceKind::Port, 37.48, 49.47)
        });
    let leg = |from: &str, to: &str, mode, tag: &str, km, time_h, cost_usd| NewLeg {
        corridors: if tag.is_empty() {
            Vec::new()
        } else {
            vec![tag.to_owned()]
        },
        time_h: Some(time_h),
        cost_usd: Some(cost_usd),
        source: Some("fixture".to_owned()),
        ..NewLeg::new(from, to, mode, km)
    };
    builder
        .add_leg(NewLeg {
            gauge_mm: Some(1520),
            ..leg("ganja", "baku", Mode::Rail, "tc", 380.0, 12.0, 300.0)
        })
        .add_leg(NewLeg {
            headway_h: Some(48.0),
            ..leg("baku", "aktau", Mode::Ferry, "tc", 450.0, 22.0, 400.0)
        })
        .add_leg(NewLeg {
            gauge_mm: Some(1520),
            ..leg("aktau", "beyneu", Mode::Rail, "tc", 420.0, 14.0, 350.0)
        })
        .add_leg(leg(
            "beyneu",
            "astrakhan",
            Mode::Road,
            "",
            700.0,
            14.0,
            1100.0,
        ))
        .add_leg(NewLeg {
            headway_h: Some(96.0),
            ..leg("baku", "mid", Mode::Sea, "", 120.0, 6.0, 60.0)
        })
        .add_leg(leg("mid", "anzali", Mode::Sea, "", 250.0, 12.0, 100.0));
    builder
}

#[test]
fn a_network_built_from_values_equals_the_one_loaded_from_csv() {
    let built = caspian().build().unwrap();
    assert_eq!(built, fixtures::network("caspian"));
}

#[test]
fn a_network_rebuilt_from_its_values_is_equal() {
    let network = builtin::network().unwrap().network;
    let rebuilt = NetworkBuilder::from_network(&network).build().unwrap();
    assert_eq!(rebuilt, network);
    assert_eq!(rebuilt.place_by_id("almaty"), network.place_by_id("almaty"));
}

#[test]
fn defaults_fill_what_values_leave_out() {
    let mut meta = Meta::default();
    meta.defaults.transfers.border_h = 7.0;
    let mut builder = NetworkBuilder::new(meta);
    builder
        .add_place(NewPlace::new("a", coord(43.0, 76.0)))
        .add_place(NewPlace::new("b", coord(44.0, 80.0)))
        .add_leg(NewLeg {
            speed_kmh: Some(50.0),
            gauge_mm: Some(1520),
            ..NewLeg::new("a", "b", Mode::Road, 400.0)
        });
    let network = builder.build().unwrap();
    let (a, leg) = (&network.places()[0], &network.legs()[0]);
    assert_eq!((&*a.name, a.transfers.border_h), ("a", 7.0));
    assert_eq!((leg.time_h, leg.cost_usd), (8.0, 400.0 * 1.2));
    assert_eq!(leg.gauge_mm, None, "gauges are kept on rail legs only");
    assert_eq!(leg.status, Status::Operational);
}

/// (kind, subject, field) of every finding.
fn findings(error: &BuildError) -> Vec<(DiagnosticKind, String, &str)> {
    error
        .findings
        .iter()
        .map(|f| {
            let subject = match &f.subject {
                Subject::Meta => "meta".to_owned(),
                Subject::Place { index, id } => format!("place {index} {id}"),
                Subject::Leg { index, .. } => format!("leg {index}"),
            };
            (f.kind, subject, f.field.as_str())
        })
        .collect()
}

#[test]
fn every_problem_is_reported_with_its_place_or_leg() {
    use DiagnosticKind::*;
    let mut meta = Meta::default();
    meta.defaults.wait_factor = f64::NAN;
    meta.modes[Mode::Sea.index()].speed_kmh = 0.0;
    let mut builder = NetworkBuilder::new(meta);
    builder
        .add_place(NewPlace::new("a", coord(43.0, 76.0)))
        .add_place(NewPlace::new("b", coord(44.0, 80.0)))
        .add_place(NewPlace::new("a", coord(45.0, 80.0)))
        .add_place(NewPlace::new("", coord(91.0, 0.0)))
        .add_place(NewPlace {
            aliases: vec!["x;y".to_owned()],
            transfers: Some(Transfers {
                border_h: -1.0,
                ..Transfers::ZERO
            }),
            capacity_teu_per_year: Some(f64::INFINITY),
            ..NewPlace::new("c,d", coord(0.0, 181.0))
        })
        .add_leg(NewLeg::new("a", "nowhere", Mode::Rail, 10.0))
        .add_leg(NewLeg::new("a", "b", Mode::Rail, 10.0))
        .add_leg(NewLeg::new("a", "a", Mode::Rail, 0.0))
        .add_leg(NewLeg {
            time_h: Some(2e9),
            speed_kmh: Some(0.5),
            cost_usd: Some(-3.0),
            capacity_teu_per_year: Some(f64::NAN),
            gauge_mm: Some(100),
            headway_h: Some(-1.0),
            co2_kg_per_teu_km: Some(f64::NEG_INFINITY),
            corridors: vec![String::new()],
            ..NewLeg::new("b", "", Mode::Rail, f64::NAN)
        });
    let error = builder.build().unwrap_err();
    let place = |i: usize, id: &str| format!("place {i} {id}");
    let leg = |i: usize| format!("leg {i}");
    assert_eq!(
        findings(&error),
        [
            (NotFinite, "meta".to_owned(), "defaults.wait_factor"),
            (Negative, "meta".to_owned(), "modes.sea.speed_kmh"),
            (DuplicateId, place(2, "a"), "id"),
            (MissingValue, place(3, ""), "id"),
            (OutOfRange, place(3, ""), "lat"),
            (BadId, place(4, "c,d"), "id"),
            (OutOfRange, place(4, "c,d"), "lon"),
            (BadId, place(4, "c,d"), "aliases"),
            (Negative, place(4, "c,d"), "border_h"),
            (NotFinite, place(4, "c,d"), "capacity_teu_per_year"),
            (DanglingEndpoint, leg(0), "to"),
            (ShorterThanGreatCircle, leg(1), "distance_km"),
            (SelfLoop, leg(2), "to"),
            (MissingValue, leg(3), "to"),
            (NotFinite, leg(3), "distance_km"),
            (OutOfRange, leg(3), "time_h"),
            (OutOfRange, leg(3), "speed_kmh"),
            (Negative, leg(3), "cost_usd"),
            (NotFinite, leg(3), "capacity_teu_per_year"),
            (OutOfRange, leg(3), "gauge_mm"),
            (Negative, leg(3), "headway_h"),
            (NotFinite, leg(3), "co2_kg_per_teu_km"),
            (BadId, leg(3), "corridors"),
        ]
    );
    let text = error.to_string();
    assert!(text.starts_with("invalid network: 23 problems\n"), "{text}");
    assert!(
        text.contains(
            "\nleg 1 (a -> b): distance_km: leg is shorter than the great-circle distance between its ends: got \"10\", expected at least 341.2 km between a and b (1% + 1 km tolerance)\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("\nplace a: id: duplicate id: expected ids that are unique in the network (first added as place 0)\n"),
        "{text}"
    );
}

/// A change to the values of a place and a leg.
type Edit = fn(&mut NewPlace, &mut NewLeg);

#[test]
fn the_builder_and_the_loader_refuse_the_same_values() {
    // One bad value each, through nodes.csv and through the builder.
    let nodes = "id,lat,lon,border_h,capacity_teu_per_year\na,43,76,,\nb,44,80,,\n";
    let legs = "from,to,mode,distance_km,time_h,speed_kmh,gauge_mm\na,b,rail,400,8,,\n";
    assert!(load_text(nodes, legs, None).is_ok());
    let cases: [(&str, &str, DiagnosticKind, Edit); 6] = [
        (
            "a,95,76,,",
            "a,b,rail,400,8,,",
            DiagnosticKind::OutOfRange,
            |p, _| p.coord.lat = 95.0,
        ),
        (
            "a,43,76,-1,",
            "a,b,rail,400,8,,",
            DiagnosticKind::Negative,
            |p, _| {
                p.transfers = Some(Transfers {
                    border_h: -1.0,
                    ..Transfers::ZERO
                })
            },
        ),
        (
            "a,43,76,,2e9",
            "a,b,rail,400,8,,",
            DiagnosticKind::OutOfRange,
            |p, _| p.capacity_teu_per_year = Some(2e9),
        ),
        (
            "a,43,76,,",
            "a,b,rail,40,8,,",
            DiagnosticKind::ShorterThanGreatCircle,
            |_, l| l.distance_km = 40.0,
        ),
        (
            "a,43,76,,",
            "a,b,rail,400,,0.5,",
            DiagnosticKind::OutOfRange,
            |_, l| {
                l.time_h = None;
                l.speed_kmh = Some(0.5);
            },
        ),
        (
            "a,43,76,,",
            "a,b,rail,400,8,,5000",
            DiagnosticKind::OutOfRange,
            |_, l| l.gauge_mm = Some(5000),
        ),
    ];
    for (node_row, leg_row, kind, edit) in cases {
        let nodes = format!("id,lat,lon,border_h,capacity_teu_per_year\n{node_row}\nb,44,80,,\n");
        let legs = format!("from,to,mode,distance_km,time_h,speed_kmh,gauge_mm\n{leg_row}\n");
        let error = load_text(&nodes, &legs, None).unwrap_err();
        let kinds: Vec<_> = error.errors.iter().map(|d| d.kind).collect();
        assert_eq!(kinds, [kind], "{error}");

        let mut a = NewPlace::new("a", coord(43.0, 76.0));
        let mut leg = NewLeg {
            time_h: Some(8.0),
            ..NewLeg::new("a", "b", Mode::Rail, 400.0)
        };
        edit(&mut a, &mut leg);
        let mut builder = NetworkBuilder::new(Meta::default());
        builder
            .add_place(a)
            .add_place(NewPlace::new("b", coord(44.0, 80.0)))
            .add_leg(leg);
        let error = builder.build().unwrap_err();
        let kinds: Vec<_> = error.findings.iter().map(|f| f.kind).collect();
        assert_eq!(kinds, [kind], "{error}");
    }
}

/// The network written as CSV + TOML and loaded again.
fn through_csv(network: &Network) -> Network {
    let (mut nodes, mut legs, mut toml) = (Vec::new(), Vec::new(), Vec::new());
    io::write_nodes_csv(network, &mut nodes).unwrap();
    io::write_legs_csv(network, &mut legs).unwrap();
    io::write_network_toml(network, &mut toml).unwrap();
    let text = |bytes: &[u8]| String::from_utf8(bytes.to_vec()).unwrap();
    load_text(&text(&nodes), &text(&legs), Some(&text(&toml)))
        .unwrap()
        .network
}

proptest! {
    #![proptest_config(proptest_config(64))]

    /// Random valid networks rebuilt from their values through the builder equal
    /// themselves and their CSV export loaded again.
    #[test]
    fn random_networks_rebuilt_through_the_builder_are_equal(
        network in random::network(Shape { places: 2..=12, legs: 1..=30, plain: false })
    ) {
        let rebuilt = NetworkBuilder::from_network(&network).build().unwrap();
        prop_assert_eq!(&rebuilt, &network);
        let csv = through_csv(&network);
        let rebuilt_csv = NetworkBuilder::from_network(&csv).build().unwrap();
        prop_assert_eq!(&rebuilt_csv, &rebuilt);
    }
}

#[test]
fn unknown_leg_ends_get_suggestions() {
    let mut builder = NetworkBuilder::new(Meta::default());
    builder
        .add_place(NewPlace::new("tashkent", coord(41.3, 69.3)))
        .add_place(NewPlace::new("almaty", coord(43.2, 76.9)))
        .add_leg(NewLeg::new("tashkent", "almaty", Mode::Rail, 900.0))
        .add_leg(NewLeg::new("Tashknet", "almaty", Mode::Rail, 900.0));
    let error = builder.build().unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid network: 1 problem\nleg 1 (Tashknet -> almaty): from: no place has this id: got \"Tashknet\", expected the id of a place in the network (did you mean tashkent?)"
    );
}
