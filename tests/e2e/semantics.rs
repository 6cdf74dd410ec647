//! What the commands mean to a planner (issue 12): a corridor restriction with feeders,
//! `compare` answering whenever `route` does, alternatives loopless per place, no-route
//! reasons, honest summaries and corridor names.

use std::collections::HashSet;
use std::sync::OnceLock;

use corridor::route::{self, Query, Unserved};
use corridor::{Graph, Network, Objective, PlaceId, Profile, builtin};
use corridor_cli::Exit;

use crate::fixtures::{run, run_ok};

fn network() -> &'static Network {
    static NETWORK: OnceLock<Network> = OnceLock::new();
    NETWORK.get_or_init(|| builtin::network().unwrap_or_else(|e| panic!("{e}")).network)
}

fn id(query: &str) -> PlaceId {
    network().resolve(query).unwrap_or_else(|e| panic!("{e}"))
}

fn hubs() -> Vec<PlaceId> {
    let network = network();
    (0..network.places().len() as u32)
        .map(PlaceId)
        .filter(|&p| network.place(p).kind.is_hub())
        .collect()
}

/// The four trips a planner tried whose first or last mile runs on another corridor's
/// legs: each now answers, runs mainly on the corridor asked for, and crosses every
/// border on that corridor's legs (or untagged links).
#[test]
fn corridor_restriction_admits_feeders_of_other_corridors() {
    let network = network();
    for (from, to, corridor, planned) in [
        ("xian", "mersin", "trans-caspian", false),
        ("xian", "tashkent", "china-kyrgyzstan-uzbekistan", false),
        ("karachi", "tashkent", "trans-afghan", true),
        ("xian", "duisburg", "trans-caspian", false),
    ] {
        let tag = network.corridor_named(corridor).unwrap();
        let mut profile = Profile::new(Objective::Time);
        if planned {
            profile = profile.include_planned();
        }
        profile.only_corridors = vec![tag];
        let query = Query::new(id(from), id(to));
        let route = route::shortest(&Graph::new(network, &profile), &query)
            .unwrap_or_else(|| panic!("{from} → {to} on {corridor}: no route"));
        let mut on_corridor = 0.0;
        for leg in &route.legs {
            let data = network.leg(leg.leg.leg());
            let domestic = network.leg_is_domestic(data);
            assert!(
                domestic || data.corridors.is_empty() || data.corridors.contains(&tag),
                "{from} → {to} on {corridor} crosses {} → {} on another corridor",
                network.place(leg.from).id,
                network.place(leg.to).id
            );
            if data.corridors.contains(&tag) {
                on_corridor += leg.metrics.distance_km;
            }
        }
        assert!(
            on_corridor >= 0.45 * route.totals.distance_km,
            "{from} → {to}: only {on_corridor:.0} of {:.0} km on {corridor}",
            route.totals.distance_km
        );
    }
    // Xi'an → Duisburg on the Middle Corridor crosses the Caspian, not Russia.
    let out = run_ok(&["route", "Xian", "Duisburg", "--corridor", "Middle Corridor"]);
    assert!(
        (out.contains("Aktau") || out.contains("Kuryk")) && !out.contains("RU"),
        "{out}"
    );
}

/// Where a corridor truly cannot serve a pair the exit is 4 and the message says why:
/// the maritime corridor to Moscow needs the closed St Petersburg sailing; no sea leg
/// links Tashkent and Almaty.
#[test]
fn corridor_restriction_that_cannot_be_met_says_why() {
    let closed = run(&["route", "nhava-sheva", "moscow", "--corridor", "maritime"]);
    assert_eq!(closed.exit, Exit::NoRoute);
    assert!(closed.stderr.contains("closed"), "{}", closed.stderr);
    let nolink = run(&["route", "tashkent", "almaty", "--corridor", "maritime"]);
    assert_eq!(nolink.exit, Exit::NoRoute);
    assert!(
        nolink
            .stderr
            .contains("maritime: its legs do not link Tashkent and Almaty"),
        "{}",
        nolink.stderr
    );
}

/// `compare` answers for every pair `route` answers, its best row is `route`'s answer,
/// and every corridor is either served or has a reason. All ordered pairs of hubs.
#[test]
fn compare_answers_whenever_route_does() {
    let network = network();
    let profile = Profile::new(Objective::Time);
    let graph = Graph::new(network, &profile);
    let hubs = hubs();
    let mut pairs = 0;
    for &from in &hubs {
        for &to in &hubs {
            if from == to {
                continue;
            }
            let query = Query::new(from, to);
            let best = route::shortest(&graph, &query);
            let comparison = route::compare(network, &profile, &query);
            assert_eq!(comparison.best.is_some(), best.is_some());
            if let (Some(a), Some(b)) = (&comparison.best, &best) {
                assert_eq!(a.totals, b.totals);
            }
            let served = comparison.corridors.len() + comparison.unserved.len();
            assert_eq!(served, network.corridors().len());
            for c in &comparison.corridors {
                assert!(c.route.weight >= best.as_ref().unwrap().weight - 1e-9);
            }
            pairs += 1;
        }
    }
    assert!(pairs > 1000, "only {pairs} hub pairs");
}

/// The pairs the issue names: `compare` exits 0 with a best row where `route` answers.
#[test]
fn compare_names_the_best_route_and_the_unserved_corridors() {
    for (from, to) in [
        ("Tashkent", "Mumbai"),
        ("Tashkent", "Karachi"),
        ("Xian", "Baku"),
        ("Almaty", "Istanbul"),
    ] {
        let out = run_ok(&["compare", from, to]);
        assert!(out.contains("best: "), "{out}");
        let json: serde_json::Value =
            serde_json::from_str(&run_ok(&["compare", from, to, "--format", "json"])).unwrap();
        let route: serde_json::Value =
            serde_json::from_str(&run_ok(&["route", from, to, "--format", "json"])).unwrap();
        assert_eq!(json["best"]["totals"], route["totals"]);
        let listed = json["corridors"].as_array().unwrap().len()
            + json["unserved"].as_array().unwrap().len();
        assert_eq!(listed, network().corridors().len());
        for u in json["unserved"].as_array().unwrap() {
            assert!(!u["reason"].as_str().unwrap().is_empty());
        }
    }
}

/// Why a corridor cannot serve: a constraint by name when lifting it helps.
#[test]
fn unserved_corridors_name_the_blocking_constraint() {
    let network = network();
    let mut profile = Profile::new(Objective::Time);
    profile.avoid_countries = vec![corridor::Country::parse("KZ").unwrap()];
    let query = Query::new(id("almaty"), id("tashkent"));
    let comparison = route::compare(network, &profile, &query);
    // Almaty is in Kazakhstan: nothing at all can serve it.
    assert!(comparison.best.is_none());
    let northern = network.corridor_named("northern").unwrap();
    let mut profile = Profile::new(Objective::Time);
    profile.avoid_countries = vec![corridor::Country::parse("RU").unwrap()];
    let query = Query::new(id("xian"), id("duisburg"));
    let comparison = route::compare(network, &profile, &query);
    let reason = &comparison
        .unserved
        .iter()
        .find(|u| u.corridor == northern)
        .expect("northern cannot serve without Russia")
        .reason;
    assert!(
        matches!(reason, Unserved::Blocked(b) if b.contains(&route::Blocker::AvoidedCountries)),
        "{reason:?}"
    );
}

/// No alternative between built-in hubs visits a place twice, and no two alternatives
/// have the same places and modes (a sample of hub pairs, k = 10).
#[test]
fn alternatives_on_the_builtin_network_are_loopless_per_place() {
    let network = network();
    let graph = Graph::new(network, &Profile::new(Objective::Time));
    let hubs = hubs();
    let mut pairs = vec![(id("tashkent"), id("almaty"))];
    for (i, &from) in hubs.iter().enumerate().step_by(7) {
        let to = hubs[(i * 13 + 5) % hubs.len()];
        if from != to {
            pairs.push((from, to));
        }
    }
    for (from, to) in pairs {
        let found = route::alternatives(&graph, &Query::new(from, to), 10);
        let mut shapes = HashSet::new();
        for r in &found {
            let places = r.places();
            let distinct: HashSet<_> = places.iter().collect();
            assert_eq!(
                distinct.len(),
                places.len(),
                "{} → {} revisits a place",
                network.place(from).id,
                network.place(to).id
            );
            let modes: Vec<_> = r
                .legs
                .iter()
                .map(|l| network.leg(l.leg.leg()).mode)
                .collect();
            assert!(shapes.insert((places, modes)), "duplicate alternative");
        }
        for pair in found.windows(2) {
            assert!(pair[0].weight <= pair[1].weight);
        }
    }
    // The table says what sets each route apart.
    let out = run_ok(&["alternatives", "Tashkent", "Almaty", "-k", "5"]);
    assert!(out.contains("differs") && out.contains("(#1: "), "{out}");
}

/// Every exit 4 says why, including the leg whose capacity is short for a volume.
#[test]
fn no_route_always_says_why() {
    let volume = run(&[
        "route",
        "Xian",
        "Duisburg",
        "--corridor",
        "trans-caspian",
        "--volume",
        "100000",
    ]);
    assert_eq!(volume.exit, Exit::NoRoute);
    assert!(
        volume.stderr.contains("held back by") && volume.stderr.contains("TEU/yr"),
        "{}",
        volume.stderr
    );
    let scenario = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../data/scenarios/northern-route-closed.toml"
    );
    for command in [
        "route",
        "compare",
        "alternatives",
        "pareto",
        "diff",
        "report",
    ] {
        let mut args = vec![command, "Xian", "Duisburg", "--avoid-country", "CN"];
        if command == "diff" || command == "report" {
            args = [&["--scenario", scenario][..], &args].concat();
        }
        if command == "report" {
            args.extend(["--output", "/nonexistent-dir/report.html"]);
        }
        let out = run(&args);
        assert_eq!(out.exit, Exit::NoRoute, "{command}");
        let reason = out.stderr.split_once("): ").map(|(_, r)| r.trim());
        assert!(
            reason.is_some_and(|r| !r.is_empty()),
            "{command}: {}",
            out.stderr
        );
    }
}

/// Corridor kilometres count each leg once and add up with the untagged kilometres to
/// the route's length; handlings and border crossings are counted apart.
#[test]
fn summaries_count_each_leg_and_event_once() {
    let network = network();
    let graph = Graph::new(network, &Profile::new(Objective::Time));
    let hubs = hubs();
    for &from in hubs.iter().step_by(5) {
        for &to in hubs.iter().step_by(9) {
            let Some(r) = route::shortest(&graph, &Query::new(from, to)) else {
                continue;
            };
            let sum: f64 = r.corridor_km.iter().sum::<f64>() + r.untagged_km;
            assert!((sum - r.totals.distance_km).abs() < 1e-6 * r.totals.distance_km.max(1.0));
            let entries = r
                .transfers
                .iter()
                .filter(|t| t.transfer.kind.as_str() == "border-entry")
                .count();
            assert!(r.border_crossings() >= entries);
            assert!(r.handlings() + r.border_crossings() <= r.transfers.len());
        }
    }
    let json: serde_json::Value =
        serde_json::from_str(&run_ok(&["route", "Xian", "Duisburg", "--format", "json"])).unwrap();
    assert_eq!(json["handlings"], 2);
    assert_eq!(json["border_crossings"], 5);
    let km: f64 = json["corridor_km"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_f64().unwrap())
        .sum::<f64>()
        + json["untagged_km"].as_f64().unwrap();
    assert!((km - json["totals"]["distance_km"].as_f64().unwrap()).abs() < 1.0);
}

/// Corridor names: any case, common names as aliases, listed by `corridor corridors`.
#[test]
fn corridor_names_and_aliases() {
    let network = network();
    let caspian = network.corridor_id("trans-caspian").unwrap();
    for name in [
        "Trans-Caspian",
        "TRANS_CASPIAN",
        "middle-corridor",
        "Middle Corridor",
        "middle",
        "TITR",
        "tmtm",
    ] {
        assert_eq!(network.corridor_named(name), Some(caspian), "{name}");
    }
    assert_eq!(
        network.corridor_named("INSTC"),
        network.corridor_id("north-south")
    );
    assert_eq!(
        network.corridor_named("cku"),
        network.corridor_id("china-kyrgyzstan-uzbekistan")
    );
    assert_eq!(network.corridor_named("nowhere"), None);
    let out = run_ok(&["corridors"]);
    for tag in network.corridors() {
        assert!(out.contains(tag.as_str()), "{tag} missing:\n{out}");
    }
    assert!(out.contains("titr") && out.contains("instc"), "{out}");
    let json: serde_json::Value =
        serde_json::from_str(&run_ok(&["corridors", "--format", "json"])).unwrap();
    assert_eq!(json.as_array().unwrap().len(), network.corridors().len());
    let bad = run(&["route", "Xian", "Duisburg", "--corridor", "nowhere"]);
    assert_eq!(bad.exit, Exit::Usage);
    assert!(bad.stderr.contains("titr"), "{}", bad.stderr);
}

/// The built-in files with every leg at `origin` boarded without a wait (headway 0): a
/// door-to-door answer from `origin` on this network is, by construction, what a booked
/// departure from `origin` must give on the built-in one (routes never come back to
/// their origin, so no other boarding changes).
fn without_waits_at(origin: &str) -> Network {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/eurasia");
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    let text = read("legs.csv");
    let mut legs = csv::Reader::from_reader(text.as_bytes());
    let headers = legs.headers().unwrap().clone();
    let at = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (from, to, headway) = (at("from"), at("to"), at("headway_h"));
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(&headers).unwrap();
    let mut changed = 0;
    for record in legs.records() {
        let record = record.unwrap();
        let mut fields: Vec<String> = record.iter().map(str::to_owned).collect();
        if fields[from] == origin || fields[to] == origin {
            fields[headway] = "0".to_owned();
            changed += 1;
        }
        out.write_record(&fields).unwrap();
    }
    assert!(changed > 0, "no leg at {origin}");
    let legs = String::from_utf8(out.into_inner().unwrap()).unwrap();
    crate::fixtures::load_text(&read("nodes.csv"), &legs, Some(&read("network.toml")))
        .unwrap_or_else(|e| panic!("{e}"))
        .network
}

/// `--booked` leaves out the wait for the first service at the origin and nothing else:
/// from ports and dry ports with scheduled departures, by time and by cost, every booked
/// answer to every hub equals the door-to-door answer on the same files with the origin's
/// legs boarded without a wait (an independent reference), the booked route never waits
/// at its origin, and it is never slower than the door-to-door one by the network's own
/// files.
#[test]
fn booked_departures_leave_out_only_the_origins_wait() {
    let network = network();
    let hubs = hubs();
    let mut waited = 0;
    for origin in [
        "nhava-sheva",
        "aktau",
        "baku",
        "poti",
        "xian",
        "bandar-abbas",
    ] {
        let from = id(origin);
        let reference = without_waits_at(origin);
        let reference_hubs: Vec<PlaceId> = hubs
            .iter()
            .map(|&h| reference.resolve(&network.place(h).id).unwrap())
            .collect();
        for objective in [Objective::Time, Objective::Cost] {
            let door = Graph::new(network, &Profile::new(objective));
            let mut booked = Profile::new(objective);
            booked.booked_departure = true;
            let booked = Graph::new(network, &booked);
            let reference_graph = Graph::new(&reference, &Profile::new(objective));
            let expected = route::matrix(
                &reference_graph,
                &[reference.resolve(origin).unwrap()],
                &reference_hubs,
            );
            let got = route::matrix(&booked, &[from], &hubs);
            let door_to_door = route::matrix(&door, &[from], &hubs);
            for (j, &to) in hubs.iter().enumerate() {
                let (want, have, door_cell) =
                    (expected.cell(0, j), got.cell(0, j), door_to_door.cell(0, j));
                assert_eq!(have.is_some(), want.is_some(), "{origin} → {to:?}");
                let (Some(have), Some(want), Some(door_cell)) = (have, want, door_cell) else {
                    continue;
                };
                let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(1.0);
                assert!(
                    close(have.weight, want.weight),
                    "{origin} → {}: booked {} against the reference's {}",
                    network.place(to).id,
                    have.weight,
                    want.weight
                );
                assert!(have.weight <= door_cell.weight + 1e-9);
                if from == to {
                    continue;
                }
                let Some(r) = route::shortest(&booked, &Query::new(from, to)) else {
                    panic!("{origin} → {to:?}: the matrix reaches it, the route does not");
                };
                assert!(r.booked_departure);
                assert!(
                    !r.transfers.iter().any(|t| t.after_legs == 0
                        && matches!(t.transfer.kind, corridor::TransferKind::Wait { .. })),
                    "{origin} → {}: waits at its origin",
                    network.place(to).id
                );
                if objective == Objective::Time && have.weight < door_cell.weight - 1e-9 {
                    waited += 1;
                }
            }
        }
    }
    // The origins chosen have scheduled departures: booking saves time to some hubs.
    assert!(waited > 0);
}

/// The CLI says when totals count from a booked departure, in the table and the JSON.
#[test]
fn booked_routes_say_so() {
    let table = run_ok(&["route", "Nhava Sheva", "Chabahar", "--booked"]);
    assert!(
        table.contains("from a booked departure at Nhava Sheva (no wait for its first service):"),
        "{table}"
    );
    assert!(!table.contains("door to door"), "{table}");
    let door = run_ok(&["route", "Nhava Sheva", "Chabahar"]);
    assert!(door.contains("door to door:"), "{door}");
    let json =
        |args: &[&str]| -> serde_json::Value { serde_json::from_str(&run_ok(args)).unwrap() };
    let booked = json(&[
        "route",
        "Nhava Sheva",
        "Chabahar",
        "--booked",
        "--format",
        "json",
    ]);
    let door = json(&["route", "Nhava Sheva", "Chabahar", "--format", "json"]);
    assert_eq!(booked["booked_departure"], true);
    assert_eq!(door["booked_departure"], false);
    let wait: f64 = door["transfers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["kind"] == "wait" && t["place"] == "nhava-sheva")
        .map(|t| t["time_h"].as_f64().unwrap())
        .sum();
    assert!(wait > 0.0, "{door}");
    let hours = |v: &serde_json::Value| v["totals"]["time_h"].as_f64().unwrap();
    assert!((hours(&door) - hours(&booked) - wait).abs() < 0.01);
    let matrix = json(&[
        "matrix",
        "--from",
        "Nhava Sheva",
        "--to",
        "Chabahar",
        "--booked",
        "--format",
        "json",
    ]);
    assert_eq!(matrix["booked_departure"], true);
    assert_eq!(matrix["pairs"][0]["time_h"], booked["totals"]["time_h"]);
    let compare = run_ok(&["compare", "Nhava Sheva", "Chabahar", "--booked"]);
    assert!(
        compare.contains("times from a booked departure at Nhava Sheva"),
        "{compare}"
    );
}
