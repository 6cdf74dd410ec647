//! Compiled snapshots (issue 18): the same network and answers as from CSV, hierarchies
//! that give the plain matrix, and every kind of broken file refused with a located
//! error, never a panic.

use corridor::graph::{Graph, GraphParts};
use corridor::io::snapshot::{self, FORMAT_VERSION, MAGIC, StoredHierarchy};
use corridor::route::ch::Hierarchy;
use corridor::synthetic::{self, Synthetic};
use corridor::view::grouped;
use corridor::{Engine, MatrixRequest, Network, Objective, PlaceId, Profile, RouteRequest};
use corridor_cli::Exit;
use proptest::prelude::*;

use crate::fixtures::{self, run, run_ok};

const HEADER: usize = 40;

/// The snapshot of `network` with compiled graphs and hierarchies for `objectives`.
fn bytes_of(network: &Network, objectives: &[Objective]) -> Vec<u8> {
    let graphs: Vec<GraphParts> = objectives
        .iter()
        .map(|&objective| parts_of(network, objective))
        .collect();
    let stored: Vec<StoredHierarchy> = objectives
        .iter()
        .map(|&objective| StoredHierarchy {
            objective,
            parts: Hierarchy::new(&Graph::new(network, &Profile::new(objective))).to_parts(),
        })
        .collect();
    snapshot::to_bytes_with_graphs(network, &graphs, &stored)
}

fn parts_of(network: &Network, objective: Objective) -> GraphParts {
    Graph::new(network, &Profile::new(objective))
        .to_parts()
        .unwrap()
}

/// A graph's arrays and profile as text (its network aside), to compare graphs.
fn arrays_of(graph: &Graph<'_>) -> String {
    let text = format!("{graph:?}");
    // `network: Borrowed(...)` or `Shared(...)` comes first; the arrays follow it.
    text[text.find("profile:").unwrap()..].to_owned()
}

/// `bytes` with the checksum recomputed: a file a buggy writer could have made.
fn reseal(mut bytes: Vec<u8>) -> Vec<u8> {
    let crc = crc32fast::hash(&bytes[HEADER..]);
    bytes[32..36].copy_from_slice(&crc.to_le_bytes());
    bytes
}

fn error_of(bytes: &[u8]) -> String {
    match snapshot::read("net.corridor", bytes) {
        Ok(_) => panic!("a broken snapshot loaded"),
        Err(error) => error.to_string(),
    }
}

fn small() -> Network {
    fixtures::network("triangle")
}

#[test]
fn builtin_network_round_trips_with_the_same_answers() {
    let network = corridor::builtin::network().unwrap().network;
    let bytes = snapshot::to_bytes(&network, &[]);
    assert!(snapshot::is_snapshot(&bytes));
    let loaded = snapshot::read("builtin.corridor", &bytes).unwrap();
    assert!(loaded.hierarchies.is_empty());
    assert_eq!(loaded.network, network);
    for place in network.places() {
        assert!(
            loaded.network.place_by_id(&place.id).is_some(),
            "{}",
            place.id
        );
    }
    let (csv, snap) = (Engine::new(network), Engine::new(loaded.network));
    for (from, to) in [
        ("Xian", "Duisburg"),
        ("Tashkent", "Almaty"),
        ("Shanghai", "Istanbul"),
    ] {
        for by in [Objective::Time, Objective::Cost, Objective::Generalized] {
            let request = RouteRequest::new(from, to).by(by);
            let a = serde_json::to_string(&csv.route(&request).unwrap()).unwrap();
            let b = serde_json::to_string(&snap.route(&request).unwrap()).unwrap();
            assert_eq!(a, b);
            let a = serde_json::to_string(&csv.compare(&request).unwrap()).unwrap();
            let b = serde_json::to_string(&snap.compare(&request).unwrap()).unwrap();
            assert_eq!(a, b);
        }
    }
}

#[test]
fn synthetic_networks_round_trip_in_both_orders() {
    let network = synthetic::generate(Synthetic {
        places: 2_000,
        seed: 4,
    });
    for network in [synthetic::shuffle(&network, 9), network] {
        let loaded = snapshot::read("x", &snapshot::to_bytes(&network, &[])).unwrap();
        assert_eq!(loaded.network, network);
        // Written again, byte for byte the same.
        assert_eq!(
            snapshot::to_bytes(&loaded.network, &[]),
            snapshot::to_bytes(&network, &[])
        );
        let request = RouteRequest::new(&*network.places()[3].id, &*network.places()[1_900].id);
        let a = Engine::new(network.clone()).route(&request).unwrap();
        let b = Engine::new(loaded.network).route(&request).unwrap();
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            serde_json::to_string(&b).unwrap()
        );
    }
}

/// Issue 18: a network put in locality order keeps every place and leg with its figures
/// (found by id; only the indexes change) and gives the same answers.
#[test]
fn issue_18_locality_order_keeps_the_network_and_its_answers() {
    let builtin = corridor::builtin::network().unwrap().network;
    for network in [
        synthetic::shuffle(
            &synthetic::generate(Synthetic {
                places: 2_000,
                seed: 4,
            }),
            3,
        ),
        builtin,
    ] {
        let local = network.in_locality_order();
        assert_eq!(local.places().len(), network.places().len());
        assert_eq!(local.legs().len(), network.legs().len());
        assert_eq!(local.meta(), network.meta());
        assert_eq!(local.corridors(), network.corridors());
        for place in network.places() {
            let id = local.place_by_id(&place.id).expect("every place kept");
            assert_eq!(local.place(id), place);
        }
        // Every leg, its ends named by id and its figures as they were: the same list.
        let named = |n: &Network| {
            let mut legs: Vec<String> = n
                .legs()
                .iter()
                .map(|leg| {
                    let (from, to) = (&n.place(leg.from).id, &n.place(leg.to).id);
                    let mut figures = leg.clone();
                    (figures.from, figures.to) = (PlaceId(0), PlaceId(0));
                    format!("{from} {to} {figures:?}")
                })
                .collect();
            legs.sort();
            legs
        };
        assert_eq!(named(&local), named(&network));
        let (before, after) = (Engine::new(network.clone()), Engine::new(local));
        let n = network.places().len();
        for (a, b) in [(0, n - 1), (n / 3, 2 * n / 3), (n / 7, n / 2)] {
            let request = RouteRequest::new(&*network.places()[a].id, &*network.places()[b].id);
            for by in [Objective::Time, Objective::Cost] {
                let request = request.clone().by(by);
                let (x, y) = (before.route(&request), after.route(&request));
                match (x, y) {
                    (Ok(x), Ok(y)) => {
                        let (x, y) = (x.totals, y.totals);
                        assert!((x.time_h - y.time_h).abs() <= 1e-9 * x.time_h.max(1.0));
                        assert!((x.cost_usd - y.cost_usd).abs() <= 1e-9 * x.cost_usd.max(1.0));
                    }
                    (x, y) => assert_eq!(x.is_ok(), y.is_ok()),
                }
            }
        }
    }
}

/// Issue 18: the same network written in two orders (ids renamed, places and legs
/// shuffled) gives the same routes, leg for leg, bit for bit: compiled graphs rank places
/// and order each place's legs whatever the order of the files, so even ties between
/// equal routes (whole-dollar costs tie often) are broken the same way. The same for the
/// network put in locality order, as a snapshot stores it.
#[test]
fn issue_18_both_orders_give_the_same_routes() {
    // A lattice of equal legs, road and rail side by side, where every pair of places
    // has many equal shortest routes, and the synthetic network.
    let lattice = {
        use corridor::{Coord, Mode, NetworkBuilder, NewLeg, NewPlace};
        let side = 24;
        let mut builder = NetworkBuilder::new(corridor::Meta::default());
        let id = |i: usize, j: usize| format!("p{i}_{j}");
        for i in 0..side {
            for j in 0..side {
                let coord = Coord {
                    lat: 40.0 + i as f64 * 0.1,
                    lon: 60.0 + j as f64 * 0.1,
                };
                builder.add_place(NewPlace::new(id(i, j), coord));
            }
        }
        for i in 0..side {
            for j in 0..side {
                for (a, b) in [(i + 1, j), (i, j + 1)] {
                    if a < side && b < side {
                        for mode in [Mode::Road, Mode::Rail] {
                            builder.add_leg(NewLeg::new(id(i, j), id(a, b), mode, 12.0));
                        }
                    }
                }
            }
        }
        builder.build().unwrap()
    };
    let synthetic = synthetic::generate(Synthetic {
        places: 3_000,
        seed: 4,
    });
    for ordered in [lattice, synthetic] {
        same_routes_in_three_orders(&ordered);
    }
}

fn same_routes_in_three_orders(ordered: &Network) {
    let shuffled = synthetic::shuffle(ordered, 9);
    let local = shuffled.in_locality_order();
    let key = |network: &Network, id: PlaceId| {
        let c = network.place(id).coord;
        (c.lon.to_bits(), c.lat.to_bits())
    };
    let route_of = |network: &Network, route: &corridor::route::Route| {
        let legs: Vec<_> = route
            .legs
            .iter()
            .map(|leg| {
                let mode = network.leg(leg.leg.leg()).mode;
                (key(network, leg.from), key(network, leg.to), mode)
            })
            .collect();
        let t = route.totals;
        let totals = [t.distance_km, t.time_h, t.cost_usd, t.co2_kg].map(f64::to_bits);
        (legs, totals, route.weight.to_bits())
    };
    let networks = [ordered, &shuffled, &local];
    let engines: Vec<Engine> = networks.iter().map(|n| Engine::new((*n).clone())).collect();
    let by_coord: Vec<std::collections::HashMap<(u64, u64), PlaceId>> = networks
        .iter()
        .map(|n| {
            (0..n.places().len() as u32)
                .map(|i| (key(n, PlaceId(i)), PlaceId(i)))
                .collect()
        })
        .collect();
    let n = ordered.places().len();
    let mut compared = 0;
    for k in 0..12 {
        let (a, b) = (
            PlaceId((k * 251 % n) as u32),
            PlaceId(((k * 977 + 1_500) % n) as u32),
        );
        for objective in [Objective::Time, Objective::Cost, Objective::Generalized] {
            let profile = Profile::new(objective);
            let routes: Vec<_> = (0..3)
                .map(|i| {
                    let from = by_coord[i][&key(ordered, a)];
                    let to = by_coord[i][&key(ordered, b)];
                    let query = corridor::route::Query::new(from, to);
                    engines[i]
                        .shortest(&profile, &query)
                        .ok()
                        .map(|r| route_of(networks[i], &r))
                })
                .collect();
            assert_eq!(routes[0], routes[1], "{objective} from {a:?} to {b:?}");
            assert_eq!(routes[0], routes[2], "{objective} from {a:?} to {b:?}");
            compared += usize::from(routes[0].is_some());
        }
    }
    assert!(compared >= 30, "{compared} routes compared");
}

/// Issue 18: a snapshot of a network of 16,384 places or more stores it in locality
/// order, so the same network written in any order gives one snapshot (but for the ids
/// `--shuffle` renames), whose compiled graph ranks each place at its index.
#[test]
fn issue_18_snapshots_of_both_orders_store_one_network() {
    let ordered = synthetic::generate(Synthetic {
        places: 20_000,
        seed: 6,
    });
    let shuffled = synthetic::shuffle(&ordered, 8);
    let stored = |network: &Network| {
        let bytes = Engine::new(network.clone()).snapshot(&[Objective::Time], &[], &());
        snapshot::read("x", &bytes).unwrap()
    };
    let (a, b) = (stored(&ordered), stored(&shuffled));
    assert_ne!(
        ordered.places()[..50],
        a.network.places()[..50],
        "reordered"
    );
    let (a, b) = (&a.network, &b.network);
    assert_eq!(a.places().len(), ordered.places().len());
    for (p, q) in a.places().iter().zip(b.places()) {
        assert_eq!(
            (p.coord, p.kind, &p.transfers),
            (q.coord, q.kind, &q.transfers)
        );
    }
    for (l, m) in a.legs().iter().zip(b.legs()) {
        assert_eq!((l.from, l.to, l.mode), (m.from, m.to, m.mode));
        assert_eq!(
            (l.distance_km, l.time_h, l.cost_usd),
            (m.distance_km, m.time_h, m.cost_usd)
        );
    }
    // Built again from the snapshot: the same bytes.
    let again = Engine::new(a.clone()).snapshot(&[], &[], &());
    assert_eq!(again, snapshot::to_bytes(a, &[]));
    // The same answers as from the network as written.
    let (before, after) = (Engine::new(shuffled.clone()), Engine::new(b.clone()));
    let ids: Vec<String> = [17, 4_321, 9_999, 19_000]
        .iter()
        .map(|&i| shuffled.places()[i].id.to_string())
        .collect();
    let request = MatrixRequest::new(ids.clone(), ids);
    let (x, y) = (
        before.matrix(&request).unwrap(),
        after.matrix(&request).unwrap(),
    );
    assert_eq!(
        serde_json::to_string(&x).unwrap(),
        serde_json::to_string(&y).unwrap()
    );
}

/// Issue 18, from the command line: `corridor build` of a shuffled 20,000-place network
/// stores it in locality order, with the same answers as the folder.
#[test]
fn issue_18_cli_build_stores_a_shuffled_network_in_locality_order() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("shuffled");
    let file = dir.path().join("net.corridor");
    let (folder, file) = (folder.to_str().unwrap(), file.to_str().unwrap());
    run_ok(&[
        "generate",
        "--places",
        "20000",
        "--seed",
        "3",
        "--shuffle",
        "--output",
        folder,
    ]);
    let built = run(&["--data", folder, "build", "--output", file, "--by", "cost"]);
    assert_eq!(built.exit, Exit::Ok, "{}", built.stderr);
    let written = corridor::io::load_dir(std::path::Path::new(folder))
        .unwrap()
        .network;
    let places = format!(": {} places", grouped(written.places().len() as f64));
    assert!(built.stderr.contains(&places), "{}", built.stderr);
    assert!(
        built
            .stderr
            .contains(" legs in locality order, compiled graphs by cost;"),
        "{}",
        built.stderr
    );
    let stored = Engine::load(file).unwrap();
    assert_eq!(*stored.network(), written.in_locality_order());
    assert_ne!(stored.network().places()[..50], written.places()[..50]);
    let some = "n1,n77,n4242,n19999";
    for args in [
        vec![
            "matrix", "--from", some, "--to", some, "--by", "cost", "--format", "csv",
        ],
        vec!["route", "n5", "n15000", "--format", "json"],
    ] {
        let mut from_folder = vec!["--data", folder];
        from_folder.extend(&args);
        let mut from_file = vec!["--data", file];
        from_file.extend(&args);
        assert_eq!(
            run_ok(&from_file),
            run_ok(&from_folder),
            "{}",
            args.join(" ")
        );
    }
}

/// A stored hierarchy gives the plain matrix (to rounding), and is used without being
/// asked for.
#[test]
fn stored_hierarchy_matrix_equals_the_plain_matrix() {
    let network = synthetic::generate(Synthetic {
        places: 1_500,
        seed: 2,
    });
    let bytes = bytes_of(&network, &[Objective::Cost, Objective::Time]);
    let loaded = snapshot::read("net.corridor", &bytes).unwrap();
    assert_eq!(loaded.hierarchies.len(), 2);
    let engine = Engine::from_snapshot("net.corridor", loaded);
    let plain = Engine::new(network);
    for objective in [Objective::Cost, Objective::Time] {
        let profile = Profile::new(objective);
        assert!(engine.has_hierarchy(&profile));
        assert!(engine.stored_hierarchy(&profile).unwrap().is_some());
        assert!(engine.use_ch(None, &profile, 16).unwrap());
        assert!(!engine.use_ch(None, &profile, 15).unwrap());
        let places: Vec<PlaceId> = (0..1_500).step_by(97).map(PlaceId).collect();
        let fast = engine.matrix_of(&profile, &places, &places, true);
        let slow = plain.matrix_of(&profile, &places, &places, false);
        for (f, s) in fast.cells.iter().zip(&slow.cells) {
            assert_eq!(f.is_some(), s.is_some());
            if let (Some(f), Some(s)) = (f, s) {
                assert!((f.weight - s.weight).abs() <= 1e-9 * s.weight.max(1.0));
            }
        }
    }
    let distance = Profile::new(Objective::Distance);
    assert!(!engine.has_hierarchy(&distance));
    assert!(!engine.use_ch(None, &distance, 2).unwrap());
    // Through the request, as the server and Python call it.
    let request = MatrixRequest::new(["n1", "n700"], ["n5", "n1400"]).by(Objective::Cost);
    let a = serde_json::to_value(engine.matrix(&request).unwrap()).unwrap();
    let b = serde_json::to_value(plain.matrix(&request).unwrap()).unwrap();
    assert_close(&a, &b, "");
}

/// JSON values equal but for numbers: the objective's (`cost_usd`) may differ in its
/// last digits (sums taken in another order), the other metrics may be those of
/// another route of the same cost.
fn assert_close(a: &serde_json::Value, b: &serde_json::Value, key: &str) {
    use serde_json::Value;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            if key == "cost_usd" {
                assert!((x - y).abs() <= 1e-6 * y.abs().max(1.0), "{x} vs {y}");
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len());
            x.iter().zip(y).for_each(|(x, y)| assert_close(x, y, key));
        }
        (Value::Object(x), Value::Object(y)) => {
            assert_eq!(x.keys().collect::<Vec<_>>(), y.keys().collect::<Vec<_>>());
            for (k, x) in x {
                assert_close(x, &y[k], k);
            }
        }
        (x, y) => assert_eq!(x, y),
    }
}

#[test]
fn wrong_magic_is_refused() {
    let mut bytes = snapshot::to_bytes(&small(), &[]);
    bytes[1] = b'X';
    let error = error_of(&bytes);
    assert!(
        error.contains("net.corridor: byte 0 (header): not a corridor snapshot"),
        "{error}"
    );
    assert!(error_of(b"id,lat,lon\n").contains("wrong magic bytes"));
    assert!(error_of(b"").contains("truncated"));
}

#[test]
fn older_and_newer_versions_are_refused() {
    for version in [0, FORMAT_VERSION - 1, FORMAT_VERSION + 1, u32::MAX] {
        if version == FORMAT_VERSION {
            continue;
        }
        let mut bytes = snapshot::to_bytes(&small(), &[]);
        bytes[16..20].copy_from_slice(&version.to_le_bytes());
        let error = error_of(&bytes);
        let which = if version < FORMAT_VERSION {
            "older"
        } else {
            "newer"
        };
        assert!(
            error.contains(&format!(
                "byte 16 (header): snapshot format version {version} is {which}"
            )),
            "{error}"
        );
        assert!(error.contains("corridor build"), "{error}");
    }
}

/// Cut anywhere, a snapshot is refused (hierarchy included).
#[test]
fn truncated_anywhere_is_refused() {
    let bytes = bytes_of(&small(), &[Objective::Time]);
    for end in 0..bytes.len() {
        let error = error_of(&bytes[..end]);
        assert!(
            error.contains("truncated") || error.contains("wrong magic"),
            "cut at {end}: {error}"
        );
    }
    let builtin = snapshot::to_bytes(&corridor::builtin::network().unwrap().network, &[]);
    for end in (0..builtin.len()).step_by(997) {
        assert!(snapshot::read("b", &builtin[..end]).is_err());
    }
}

/// Any byte flipped: refused (the checksum, or the header's own checks).
#[test]
fn any_flipped_byte_is_refused() {
    let bytes = bytes_of(&small(), &[Objective::Time]);
    for at in 0..bytes.len() {
        for bit in [0x01u8, 0x80] {
            let mut broken = bytes.clone();
            broken[at] ^= bit;
            assert!(
                snapshot::read("net.corridor", &broken).is_err(),
                "flipping bit {bit:#x} of byte {at} was not noticed"
            );
        }
    }
    let mut broken = bytes.clone();
    broken[HEADER + 100] ^= 0xff;
    let error = error_of(&broken);
    assert!(
        error.contains("byte 32 (header): checksum mismatch"),
        "{error}"
    );
}

/// A file is read a section at a time: the same snapshot as from its bytes, and the
/// same error for every cut, for a flipped byte in each section and for a bad section
/// behind a good checksum.
#[test]
fn files_read_as_their_bytes() {
    let network = small();
    let bytes = bytes_of(&network, &[Objective::Time]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("net.corridor");
    let name = path.display().to_string();
    let from_file = |bytes: &[u8]| {
        std::fs::write(&path, bytes).unwrap();
        snapshot::read_file(&path).map_err(|e| e.to_string())
    };
    let loaded = from_file(&bytes).unwrap();
    let expected = snapshot::read("x", &bytes).unwrap();
    assert_eq!(loaded.network, expected.network);
    assert_eq!(loaded.graphs, expected.graphs);
    assert_eq!(loaded.hierarchies, expected.hierarchies);
    let same = |broken: &[u8]| {
        let memory = snapshot::read(&name, broken)
            .map(|_| ())
            .map_err(|e| e.to_string());
        assert_eq!(from_file(broken).map(|_| ()), memory);
    };
    for end in (0..bytes.len()).step_by(7) {
        same(&bytes[..end]);
    }
    for at in (HEADER..bytes.len()).step_by(bytes.len() / 23) {
        let mut broken = bytes.clone();
        broken[at] ^= 0x40;
        same(&broken);
        same(&reseal(broken));
    }
}

/// Issue 18: any bit flipped and the checksum made to match, loading never panics (it
/// refuses the file or loads a network). Sections are read before the checksum is
/// compared, so every flip reaches them; this found a constant column of counts for
/// no entries that indexed past its end.
#[test]
fn issue_18_resealed_flipped_bits_never_panic() {
    let bytes = bytes_of(&small(), &[Objective::Time]);
    for at in HEADER..bytes.len() {
        for bit in [0x01u8, 0x02, 0x10, 0x80] {
            let mut broken = bytes.clone();
            broken[at] ^= bit;
            let _ = snapshot::read("net.corridor", &reseal(broken));
        }
    }
}

/// Content that passes the checksum but is wrong (a buggy writer) is refused where it
/// is, and a huge length allocates nothing.
#[test]
fn bogus_content_with_a_good_checksum_is_refused() {
    let network = small();
    let bytes = snapshot::to_bytes(&network, &[]);
    // The META section's first string length, made huge.
    let mut huge = bytes.clone();
    let name_len = HEADER + 12;
    huge[name_len..name_len + 8].copy_from_slice(&u64::MAX.to_le_bytes());
    let error = error_of(&reseal(huge));
    assert!(
        error.contains(&format!("byte {name_len} (META)")),
        "{error}"
    );
    assert!(error.contains("more than the"), "{error}");
    // A leg end out of range: the LEGS section starts with the leg count, then the
    // columns of starts and ends (each a tag, a count and the values).
    let legs = find_section(&bytes, b"LEGS");
    let count = network.legs().len();
    let to = legs + 8 + (9 + 4 * count) + 9;
    let mut dangling = bytes.clone();
    dangling[to..to + 4].copy_from_slice(&77u32.to_le_bytes());
    let error = error_of(&reseal(dangling));
    assert!(
        error.contains(&format!("byte {to} (LEGS)")) && error.contains("place 77 of 3"),
        "{error}"
    );
    // A NaN distance (the first leg's 400 km).
    let distance = legs
        + bytes[legs..]
            .windows(8)
            .position(|w| w == 400f64.to_le_bytes())
            .unwrap();
    let mut nan = bytes.clone();
    nan[distance..distance + 8].copy_from_slice(&f64::NAN.to_le_bytes());
    let error = error_of(&reseal(nan));
    assert!(error.contains("distance_km of entry 0"), "{error}");
    // Bytes after the last section.
    let mut longer = bytes.clone();
    longer.extend_from_slice(b"more");
    let body = (longer.len() - HEADER) as u64;
    longer[24..32].copy_from_slice(&body.to_le_bytes());
    assert!(error_of(&reseal(longer)).contains("after the last section"));
}

/// Stored graphs are the graphs compiling gives (every array), for every objective, on
/// the built-in network and on a shuffled synthetic one, and the engine serves them.
#[test]
fn stored_graphs_equal_compiled_graphs() {
    let synthetic = synthetic::shuffle(
        &synthetic::generate(Synthetic {
            places: 3000,
            seed: 7,
        }),
        3,
    );
    for network in [corridor::builtin::network().unwrap().network, synthetic] {
        let parts: Vec<GraphParts> = Objective::ALL
            .iter()
            .map(|&objective| parts_of(&network, objective))
            .collect();
        let bytes = snapshot::to_bytes_with_graphs(&network, &parts, &[]);
        let loaded = snapshot::read("net.corridor", &bytes).unwrap();
        assert_eq!(loaded.graphs, parts);
        let engine = Engine::from_snapshot("net.corridor", loaded);
        for objective in Objective::ALL {
            let profile = Profile::new(objective);
            let fresh = Graph::new(engine.network(), &profile);
            assert_eq!(
                arrays_of(&engine.graph(&profile)),
                arrays_of(&fresh),
                "by {objective}"
            );
        }
    }
    // Profiles other than an objective's default are not stored.
    let network = small();
    let avoiding = Profile {
        avoid_places: vec![PlaceId(1)],
        ..Profile::new(Objective::Time)
    };
    assert!(Graph::new(&network, &avoiding).to_parts().is_none());
}

/// A stored graph that passes the checksum but does not fit the network (a buggy or
/// foreign writer) is refused at load, naming the section and what is wrong.
#[test]
fn a_stored_graph_that_does_not_belong_is_refused() {
    let network = small();
    let bytes = bytes_of(&network, &[Objective::Time]);
    let grph = find_section(&bytes, b"GRPH");
    let u64_at = |bytes: &[u8], at: usize| {
        u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap()) as usize
    };
    // Payload: objective (1 byte), places and legs (u64 each), then arrays of a u64
    // length and their values: ranks, offsets, directed legs, their states, ...
    let ranks = grph + 17;
    let offsets = ranks + 8 + 4 * u64_at(&bytes, ranks);
    let legs = offsets + 8 + 4 * u64_at(&bytes, offsets);
    let heads = legs + 8 + 4 * u64_at(&bytes, legs);
    let refused = |edit: &dyn Fn(&mut Vec<u8>), want: &str| {
        let mut broken = bytes.clone();
        edit(&mut broken);
        let error = error_of(&reseal(broken));
        assert!(error.contains("(GRPH)"), "{error}");
        assert!(error.contains(want), "{want}: {error}");
    };
    refused(
        &|b| {
            let second = b[ranks + 12..ranks + 16].to_vec();
            b[ranks + 8..ranks + 12].copy_from_slice(&second);
        },
        "is out of range or repeated",
    );
    refused(
        &|b| b[heads + 8..heads + 12].copy_from_slice(&9999u32.to_le_bytes()),
        "enters state 9999",
    );
    refused(
        &|b| b[legs + 8..legs + 12].copy_from_slice(&5000u32.to_le_bytes()),
        "leg 2500 of",
    );
    // The last arc's weight, one hour more: every arc of a small graph is recomputed.
    let hier = find_section(&bytes, b"HIER") - 12;
    refused(
        &|b| {
            let w = f64::from_le_bytes(b[hier - 8..hier].try_into().unwrap());
            b[hier - 8..hier].copy_from_slice(&(w + 1.0).to_le_bytes());
        },
        "where this network and version give",
    );
    // The time graph labelled as the cost one.
    refused(&|b| b[grph] = 2, "does not belong to this network");
    // A graph of another network (another place count).
    let other = synthetic::generate(Synthetic {
        places: 400,
        seed: 1,
    });
    let foreign = bytes_of(&other, &[Objective::Time]);
    let (start, end) = (
        find_section(&foreign, b"GRPH") - 12,
        find_section(&foreign, b"HIER") - 12,
    );
    let spliced = with_fifth_section(&network, &foreign[start..end]);
    let error = error_of(&reseal(spliced));
    assert!(
        error.contains("(GRPH)") && error.contains("was built for a network of 400 places"),
        "{error}"
    );
}

/// The snapshot of `network` with `section` (tag, length and payload) appended as its
/// fifth section, the header's counts made to match (the checksum is not).
fn with_fifth_section(network: &Network, section: &[u8]) -> Vec<u8> {
    let mut bytes = snapshot::to_bytes(network, &[]);
    bytes.extend_from_slice(section);
    bytes[20..24].copy_from_slice(&5u32.to_le_bytes());
    let body = (bytes.len() - HEADER) as u64;
    bytes[24..32].copy_from_slice(&body.to_le_bytes());
    bytes
}

fn find_section(bytes: &[u8], tag: &[u8; 4]) -> usize {
    let mut at = HEADER;
    loop {
        let len = u64::from_le_bytes(bytes[at + 4..at + 12].try_into().unwrap()) as usize;
        if &bytes[at..at + 4] == tag {
            return at + 12;
        }
        at += 12 + len;
    }
}

proptest! {
    #![proptest_config(fixtures::proptest_config(256))]

    /// Random bytes written anywhere, the checksum made to match: loading and then
    /// routing and a hierarchy matrix never panic (the file is refused, or is a valid
    /// network).
    #[test]
    fn resealed_garbage_never_panics(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6)
    ) {
        let network = small();
        let bytes = bytes_of(&network, &[Objective::Time]);
        let mut broken = bytes.clone();
        for (at, value) in edits {
            let at = HEADER + at.index(bytes.len() - HEADER);
            broken[at] = value;
        }
        if let Ok(loaded) = snapshot::read("x", &reseal(broken)) {
            let engine = Engine::from_snapshot("x", loaded);
            let _ = engine.route(&RouteRequest::new("a", "c"));
            let profile = Profile::new(Objective::Time);
            if let Ok(true) = engine.use_ch(Some(true), &profile, 1) {
                let places: Vec<PlaceId> = (0..engine.network().places().len() as u32).map(PlaceId).collect();
                let _ = engine.matrix_of(&profile, &places, &places, true);
            }
        }
    }
}

/// A hierarchy of another network (another place count) is refused at load, naming the
/// section; one of another objective when first used.
#[test]
fn a_hierarchy_that_does_not_belong_is_refused() {
    let a = synthetic::generate(Synthetic {
        places: 400,
        seed: 1,
    });
    let b = synthetic::generate(Synthetic {
        places: 900,
        seed: 1,
    });
    let with_ch = bytes_of(&a, &[Objective::Time]);
    let hier = find_section(&with_ch, b"HIER") - 12;
    let stale = with_fifth_section(&b, &with_ch[hier..]);
    let error = error_of(&reseal(stale));
    assert!(
        error.contains("(HIER)") && error.contains("does not belong"),
        "{error}"
    );
    // The time hierarchy labelled as the cost one: its weights are not the graph's.
    let mut relabelled = with_ch.clone();
    relabelled[hier + 12] = 2; // Objective::Cost
    let loaded = snapshot::read("net.corridor", &reseal(relabelled)).unwrap();
    let engine = Engine::from_snapshot("net.corridor", loaded);
    let error = engine
        .use_ch(Some(true), &Profile::new(Objective::Cost), 1)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains(
            "net.corridor: section HIER (by cost): the contraction hierarchy does not belong"
        ),
        "{error}"
    );
    // The engine still answers correctly when asked for a hierarchy regardless.
    let places: Vec<PlaceId> = (0..400).step_by(50).map(PlaceId).collect();
    let m = engine.matrix_of(&Profile::new(Objective::Cost), &places, &places, true);
    let p = Engine::new(a).matrix_of(&Profile::new(Objective::Cost), &places, &places, false);
    for (x, y) in m.cells.iter().zip(&p.cells) {
        assert_eq!(
            x.map(|c| (c.weight * 1e6).round()),
            y.map(|c| (c.weight * 1e6).round())
        );
    }
}

#[test]
fn engine_load_reads_snapshots_and_folders() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("anything.bin");
    std::fs::write(&path, bytes_of(&small(), &[Objective::Time])).unwrap();
    let engine = Engine::load(&path).unwrap();
    assert_eq!(*engine.network(), small());
    assert!(engine.has_hierarchy(&Profile::new(Objective::Time)));
    let folder = Engine::load(fixtures::dir("triangle")).unwrap();
    assert_eq!(*folder.network(), small());
    let other = dir.path().join("other.txt");
    std::fs::write(&other, "not a snapshot").unwrap();
    assert!(Engine::load(&other).is_err());
    let loaded = corridor::io::load_path(&path).unwrap();
    assert_eq!(loaded.network, small());
}

#[test]
fn cli_build_writes_once_and_every_command_reads_it() {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("net.corridor");
    let path = snap.to_str().unwrap();
    let caspian = fixtures::dir("caspian");
    let data = caspian.to_str().unwrap();
    let built = run(&[
        "--data",
        data,
        "build",
        "--output",
        path,
        "--ch",
        "--by",
        "time,cost",
    ]);
    assert_eq!(built.exit, Exit::Ok, "{}", built.stderr);
    assert!(
        built.stderr.starts_with(&format!("wrote {path}: ")),
        "{}",
        built.stderr
    );
    assert!(
        built
            .stderr
            .contains(" legs, compiled graphs and contraction hierarchies by time, cost;"),
        "{}",
        built.stderr
    );
    let size = std::fs::metadata(&snap).unwrap().len();
    assert!(
        built
            .stderr
            .contains(&format!("bytes (snapshot format {FORMAT_VERSION})")),
        "{}",
        built.stderr
    );
    assert!(std::fs::read(&snap).unwrap().starts_with(&MAGIC));
    // Not replaced without --force; replaced with it.
    let again = run(&["--data", data, "build", "--output", path]);
    assert_eq!(again.exit, Exit::Failure, "{}", again.stderr);
    assert!(
        again.stderr.contains("will not overwrite"),
        "{}",
        again.stderr
    );
    assert_eq!(std::fs::metadata(&snap).unwrap().len(), size);
    run_ok(&[
        "--data", data, "build", "--output", path, "--force", "--ch", "--by", "cost",
    ]);
    // Compiled graphs alone (no hierarchy): the same answers below.
    let graphs = dir.path().join("graphs.corridor");
    let built = run(&[
        "--data",
        data,
        "build",
        "--output",
        graphs.to_str().unwrap(),
        "--by",
        "cost",
    ]);
    assert_eq!(built.exit, Exit::Ok, "{}", built.stderr);
    assert!(
        built.stderr.contains(", compiled graphs by cost;"),
        "{}",
        built.stderr
    );
    // The same answers as from the folder.
    let (a, b) = ("ganja", "anzali");
    let all = "ganja,baku,aktau,beyneu,astrakhan,mid,anzali".to_owned();
    for args in [
        vec!["route", a, b, "--format", "json"],
        vec!["compare", a, b, "--format", "json"],
        vec![
            "matrix", "--from", &all, "--to", &all, "--by", "cost", "--format", "csv",
        ],
        vec!["matrix", "--from", &all, "--to", &all, "--format", "csv"],
        vec!["nodes"],
        vec!["corridors"],
    ] {
        let mut folder = vec!["--data", data];
        folder.extend(&args);
        let mut file = vec!["--data", path];
        file.extend(&args);
        assert_eq!(run_ok(&file), run_ok(&folder), "{}", args.join(" "));
        let mut file = vec!["--data", graphs.to_str().unwrap()];
        file.extend(&args);
        assert_eq!(run_ok(&file), run_ok(&folder), "{}", args.join(" "));
    }
    let validated = run_ok(&["--data", path, "validate"]);
    assert!(validated.contains("valid: 0 errors"), "{validated}");
    // A corrupt snapshot: exit 3 with the place of the problem.
    let mut bytes = std::fs::read(&snap).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&snap, &bytes).unwrap();
    let refused = run(&["--data", path, "route", a, b]);
    assert_eq!(refused.exit, Exit::Data);
    assert!(
        refused.stderr.contains("checksum mismatch"),
        "{}",
        refused.stderr
    );
}
