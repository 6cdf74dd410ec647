//! Place lookup: ids, names, aliases, diacritics, coordinates, suggestions.

use corridor::model::{LookupError, MAX_SNAP_KM};

use crate::fixtures;

#[test]
fn by_id_name_and_alias_ignoring_case_and_diacritics() {
    let network = fixtures::network("triangle");
    let id = |q: &str| network.place(network.resolve(q).unwrap()).id.to_string();
    assert_eq!(id("a"), "a");
    assert_eq!(id("ALPHA"), "a");
    assert_eq!(id("alfa"), "a");
    assert_eq!(id("Alpha"), "a");
    // The alias is written "Älpha"; plain ASCII finds it and vice versa.
    assert_eq!(id("Älpha"), "a");
    assert_eq!(id("charlie town"), "c");
    assert_eq!(id("Charlie-Town"), "c");
}

#[test]
fn coordinates_snap_to_the_nearest_place() {
    let network = fixtures::network("triangle");
    let id = |q: &str| network.place(network.resolve(q).unwrap()).id.to_string();
    assert_eq!(id("43.1,76.2"), "a");
    assert_eq!(id("44.0, 80.9"), "c");
}

/// A coordinate snaps to the nearest place, as a route end to one freight can start
/// from (not a sea waypoint), and only within `MAX_SNAP_KM`: a point at sea or latitude and longitude swapped is an error
/// that names the nearest place.
#[test]
fn coordinates_snap_to_ports_not_waypoints_and_not_too_far() {
    let loaded = fixtures::load_text(
        "id,name,kind,lat,lon\n\
         port,Port,port,40.0,50.0\n\
         strait,Strait,waypoint,40.0,51.0\n\
         town,Town,city,41.0,52.0\n",
        "from,to,mode,distance_km,time_h\n\
         port,strait,sea,90,4\n\
         strait,town,sea,150,6\n",
        None,
    )
    .unwrap();
    let network = loaded.network;
    let end = |q: &str| {
        network
            .place(network.resolve_end(q).unwrap())
            .id
            .to_string()
    };
    let any = |q: &str| network.place(network.resolve(q).unwrap()).id.to_string();
    // Nearest is the strait (9 km), the port is 77 km away: a route starts at the port,
    // a via or avoided place may be the strait.
    assert_eq!(end("40.0,50.9"), "port");
    assert_eq!(any("40.0,50.9"), "strait");
    assert_eq!(end("40.9,51.9"), "town");
    match network.resolve("50.0,40.0") {
        Err(LookupError::FarFromNetwork { nearest, km, .. }) => {
            assert_eq!(nearest, "port (Port)");
            assert!(km > MAX_SNAP_KM, "{km}");
        }
        other => panic!("expected a coordinate too far from the network, got {other:?}"),
    }
    let message = network.resolve("50.0,40.0").unwrap_err().to_string();
    assert!(
        message.contains("km from the nearest place, port (Port)"),
        "{message}"
    );
    // A network of waypoints only still snaps (to the nearest waypoint).
    let waypoints = fixtures::load_text(
        "id,name,kind,lat,lon\nw1,W1,waypoint,0,0\nw2,W2,waypoint,0,1\n",
        "from,to,mode,distance_km,time_h\nw1,w2,sea,120,5\n",
        None,
    )
    .unwrap()
    .network;
    assert_eq!(
        waypoints
            .place(waypoints.resolve_end("0.1,0.9").unwrap())
            .id
            .to_string(),
        "w2"
    );
}

#[test]
fn unknown_places_get_suggestions() {
    let network = fixtures::network("triangle");
    match network.resolve("Bravvo") {
        Err(LookupError::Unknown { suggestions, .. }) => {
            assert_eq!(suggestions.first().map(String::as_str), Some("b (Bravo)"));
            assert!(suggestions.len() <= 3);
        }
        other => panic!("expected an unknown place, got {other:?}"),
    }
    let message = network.resolve("Bravvo").unwrap_err().to_string();
    assert!(message.contains("did you mean b (Bravo)"), "{message}");
}

#[test]
fn ambiguous_names_are_reported() {
    let loaded = fixtures::load_text(
        "id,name,lat,lon\nastara-az,Astara,38.45,48.87\nastara-ir,Astara,38.43,48.87\n",
        "from,to,mode,distance_km,time_h\nastara-az,astara-ir,road,5,1\n",
        None,
    )
    .unwrap();
    let network = loaded.network;
    match network.resolve("astara") {
        Err(LookupError::Ambiguous { candidates, .. }) => assert_eq!(candidates.len(), 2),
        other => panic!("expected ambiguity, got {other:?}"),
    }
    assert!(network.resolve("astara-ir").is_ok());
}

#[test]
fn search_ranks_exact_then_prefix_then_substring() {
    let network = fixtures::network("triangle");
    let ids: Vec<String> = network
        .search("a")
        .into_iter()
        .map(|id| network.place(id).id.to_string())
        .collect();
    assert_eq!(ids[0], "a");
    assert!(ids.contains(&"b".to_owned()) && ids.contains(&"c".to_owned()));
    assert_eq!(network.search("").len(), 3);
    assert!(network.search("zzz").is_empty());
}

/// Country names (English, local, former; any case or diacritics) are not places: as a
/// route end they name the country's hubs to choose from, and `search` (behind
/// `corridor nodes`) lists the country's places.
#[test]
fn country_names_point_to_the_country_places() {
    let network = corridor::builtin::network().unwrap().network;
    for query in ["Turkey", "Türkiye", "turkiye", "TÜRKİYE"] {
        match network.resolve(query) {
            Err(LookupError::Country { code, places, .. }) => {
                assert_eq!(code, "TR");
                assert!(!places.is_empty() && places.len() <= 5, "{places:?}");
                for place in &places {
                    let id = place.split(' ').next().unwrap();
                    let place = network.place(network.resolve(id).unwrap());
                    assert_eq!(
                        place.country.map(|c| c.as_str().to_owned()),
                        Some("TR".into())
                    );
                    assert!(place.kind.is_hub());
                }
            }
            other => panic!("{query}: expected a country, got {other:?}"),
        }
        let found = network.search(query);
        assert!(!found.is_empty());
        assert!(found.iter().all(|&id| {
            network
                .place(id)
                .country
                .is_some_and(|c| c.as_str() == "TR")
        }));
    }
    let message = network.resolve("Qazaqstan").unwrap_err().to_string();
    assert!(
        message.contains("is a country (KZ), not a place"),
        "{message}"
    );
    // Georgia the country: searching it lists Georgian places too.
    assert!(corridor::model::country_named("Georgia").is_some());
    assert!(network.search("Georgia").iter().any(|&id| {
        network
            .place(id)
            .country
            .is_some_and(|c| c.as_str() == "GE")
    }));
}
