//! Place lookup: ids, names, aliases, diacritics, coordinates, suggestions.

use corridor::model::LookupError;

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
