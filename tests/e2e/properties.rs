//! Property tests: no input makes the loaders panic.

use proptest::prelude::*;

use crate::fixtures::load_text;

const NODE_HEADER: &str = "id,name,aliases,country,kind,lat,lon,border_h,capacity_teu_per_year\n";
const LEG_HEADER: &str =
    "from,to,mode,corridors,distance_km,time_h,speed_kmh,cost_usd,gauge_mm,status,one_way\n";

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[a-c]",
        "-?[0-9]{1,4}(\\.[0-9]{1,3})?",
        Just("NaN".to_owned()),
        Just("inf".to_owned()),
        Just("\"x,y\"".to_owned()),
        Just("rail".to_owned()),
        Just("planned".to_owned()),
        Just("KZ".to_owned()),
        "\\PC{0,6}",
    ]
}

fn rows(width: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::collection::vec(cell(), width - 1..=width + 1), 0..6).prop_map(
        |rows| {
            rows.into_iter()
                .map(|row| row.join(","))
                .collect::<Vec<_>>()
                .join("\n")
        },
    )
}

proptest! {
    #![proptest_config(crate::fixtures::proptest_config(256))]

    #[test]
    fn arbitrary_bytes_never_panic(
        nodes in prop::collection::vec(any::<u8>(), 0..300),
        legs in prop::collection::vec(any::<u8>(), 0..300),
        toml in prop::collection::vec(any::<u8>(), 0..120),
    ) {
        let _ = corridor::io::load(corridor::io::Sources {
            nodes: corridor::io::Source { name: "nodes.csv", bytes: &nodes },
            legs: corridor::io::Source { name: "legs.csv", bytes: &legs },
            network_toml: Some(corridor::io::Source { name: "network.toml", bytes: &toml }),
        });
    }

    #[test]
    fn plausible_csv_never_panics_and_errors_are_located(
        nodes in rows(9),
        legs in rows(11),
    ) {
        let result = load_text(&format!("{NODE_HEADER}{nodes}"), &format!("{LEG_HEADER}{legs}"), None);
        if let Err(error) = result {
            for d in &error.errors {
                prop_assert!(d.line.is_some(), "error without a line: {d}");
            }
        }
    }
}
