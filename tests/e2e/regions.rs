//! Issue 13: every first-level region of Uzbekistan, Kazakhstan, Tajikistan, Kyrgyzstan
//! and Turkmenistan resolves, by its common spellings, to its administrative centre, a
//! connected place of the built-in network; the CLI says when it did so.

use corridor::route::{self, Query};
use corridor::{Graph, Network, Objective, Profile, builtin};

use crate::fixtures::run;

/// Region spellings (English, Russian transliteration, local) and the id of the centre.
const REGIONS: &[(&[&str], &str)] = &[
    // Uzbekistan: 12 regions, the Republic of Karakalpakstan and Tashkent city.
    (&["Andijan Region", "Andijon viloyati"], "andijan"),
    (&["Bukhara Region", "Buxoro viloyati"], "bukhara"),
    (&["Fergana Region", "Farg'ona viloyati"], "fergana"),
    (
        &["Jizzakh Region", "Jizzax viloyati", "Dzhizak Region"],
        "jizzakh",
    ),
    (
        &["Kashkadarya", "Qashqadaryo", "Kashkadarya Region"],
        "karshi",
    ),
    (&["Khorezm", "Xorazm", "Khorezm Region"], "urgench"),
    (&["Namangan Region", "Namangan viloyati"], "namangan"),
    (&["Navoi Region", "Navoiy viloyati"], "navoi"),
    (&["Samarkand Region", "Samarqand viloyati"], "samarkand"),
    (&["Surkhandarya", "Surxondaryo"], "termez"),
    (&["Syrdarya", "Sirdaryo", "Syrdarya Region"], "gulistan"),
    (&["Tashkent Region", "Toshkent viloyati"], "nurafshon"),
    (
        &[
            "Karakalpakstan",
            "Qoraqalpog'iston",
            "Republic of Karakalpakstan",
        ],
        "nukus",
    ),
    (&["Tashkent city", "Toshkent shahri"], "tashkent"),
    // Kazakhstan: 17 regions and 3 cities of republican significance.
    (&["Abai Region", "Abay"], "semey"),
    (&["Akmola Region", "Aqmola"], "kokshetau"),
    (&["Aktobe Region", "Aqtobe oblysy"], "aktobe"),
    (&["Almaty Region", "Almaty oblysy"], "konaev"),
    (&["Atyrau Region", "Atyrau oblysy"], "atyrau"),
    (
        &[
            "East Kazakhstan",
            "Shygys Qazaqstan",
            "Vostochno-Kazakhstanskaya oblast",
        ],
        "oskemen",
    ),
    (&["Jambyl", "Zhambyl", "Jambyl Region"], "taraz"),
    (&["Jetisu", "Zhetysu", "Zhetysu Region"], "taldykorgan"),
    (&["Karaganda Region", "Qaraghandy oblysy"], "karaganda"),
    (&["Kostanay Region", "Qostanay oblysy"], "kostanay"),
    (&["Kyzylorda Region", "Qyzylorda oblysy"], "kyzylorda"),
    (&["Mangystau", "Mangistau", "Mangystau Region"], "aktau"),
    (
        &[
            "North Kazakhstan",
            "Soltustik Qazaqstan",
            "Severo-Kazakhstanskaya oblast",
        ],
        "petropavl",
    ),
    (&["Pavlodar Region", "Pavlodar oblysy"], "pavlodar"),
    (
        &[
            "Turkistan Region",
            "Turkestan Region",
            "South Kazakhstan Region",
        ],
        "turkestan",
    ),
    (&["Ulytau", "Ulytau Region"], "zhezkazgan"),
    (
        &[
            "West Kazakhstan",
            "Batys Qazaqstan",
            "Zapadno-Kazakhstanskaya oblast",
        ],
        "oral",
    ),
    (&["Astana city"], "astana"),
    (&["Almaty city"], "almaty"),
    (&["Shymkent city"], "shymkent"),
    // Tajikistan: Dushanbe, the Districts of Republican Subordination, Sughd, Khatlon, GBAO.
    (
        &["Dushanbe city", "Districts of Republican Subordination"],
        "dushanbe",
    ),
    (&["Sughd", "Sogd", "Sughd Region"], "khujand"),
    (&["Khatlon", "Khatlon Region"], "bokhtar"),
    (&["Gorno-Badakhshan", "GBAO"], "khorog"),
    // Kyrgyzstan: 7 regions and the cities of Bishkek and Osh.
    (&["Batken Region"], "batken"),
    (&["Chüy Region", "Chuy Region"], "bishkek"),
    (&["Issyk-Kul", "Ysyk-Köl"], "karakol"),
    (&["Jalal-Abad Region"], "jalal-abad"),
    (&["Naryn Region"], "naryn"),
    (&["Osh Region"], "osh"),
    (&["Talas Region"], "talas"),
    (&["Bishkek city"], "bishkek"),
    (&["Osh city"], "osh"),
    // Turkmenistan: 5 regions and Ashgabat city.
    (&["Ahal Region", "Ahal"], "anau"),
    (&["Balkan Region"], "balkanabat"),
    (&["Dashoguz Region", "Daşoguz Region"], "dashoguz"),
    (&["Lebap Region", "Lebap"], "turkmenabat"),
    (&["Mary Region"], "mary"),
    (&["Ashgabat city"], "ashgabat"),
];

fn network() -> Network {
    builtin::network().unwrap_or_else(|e| panic!("{e}")).network
}

#[test]
fn issue_13_every_region_resolves_to_its_centre() {
    let network = network();
    for (spellings, centre) in REGIONS {
        for spelling in *spellings {
            let id = network
                .resolve(spelling)
                .unwrap_or_else(|e| panic!("{spelling}: {e}"));
            assert_eq!(&*network.place(id).id, *centre, "{spelling}");
            let (named, region) = network
                .region_named(spelling)
                .unwrap_or_else(|| panic!("{spelling} is not known as a region"));
            assert_eq!(named, id, "{spelling}");
            assert!(!region.is_empty());
        }
    }
    // A place's own name is not a region note.
    assert_eq!(network.region_named("Tashkent"), None);
    assert_eq!(network.region_named("karshi"), None);
}

/// Every centre reaches Tashkent and Almaty by time on operational legs.
#[test]
fn issue_13_every_region_centre_is_connected() {
    let network = network();
    let graph = Graph::new(&network, &Profile::new(Objective::Time));
    for (_, centre) in REGIONS {
        for hub in ["tashkent", "almaty"] {
            let query = Query::new(
                network.resolve(centre).unwrap(),
                network.resolve(hub).unwrap(),
            );
            assert!(
                route::shortest(&graph, &query).is_some(),
                "{centre} → {hub}: no route"
            );
        }
    }
}

/// The places issue 13 names as missing exist and are connected.
#[test]
fn issue_13_places_planners_ask_for_are_connected() {
    let network = network();
    let graph = Graph::new(&network, &Profile::new(Objective::Time));
    for name in [
        "Beijing",
        "Tianjin",
        "Langfang",
        "Jinhua",
        "İzmit",
        "Kocaeli",
        "Fergana",
        "Namangan",
        "Kokand",
        "Khiva",
        "Dushanbe",
        "Khujand",
        "Nizhny Panj",
        "Pavlodar",
        "Semey",
        "Oskemen",
        "Ust-Kamenogorsk",
        "Kostanay",
        "Petropavl",
        "Oral",
        "Uralsk",
    ] {
        let id = network
            .resolve(name)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(network.region_named(name), None, "{name} is a place");
        let query = Query::new(id, network.resolve("tashkent").unwrap());
        assert!(
            route::shortest(&graph, &query).is_some(),
            "{name}: no route"
        );
    }
}

#[test]
fn issue_13_the_cli_says_when_a_region_was_resolved_to_its_centre() {
    let out = run(&["route", "Qashqadaryo", "Zhambyl"]);
    assert!(
        out.stderr.contains(
            "note: origin \"Qashqadaryo\" is Kashkadarya Region: routed from its administrative centre, karshi (Karshi)"
        ),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("destination \"Zhambyl\" is Jambyl Region: routed to its administrative centre, taraz (Taraz)"),
        "{}",
        out.stderr
    );
    let plain = run(&["route", "karshi", "taraz"]);
    assert!(!plain.stderr.contains("region"), "{}", plain.stderr);
}
