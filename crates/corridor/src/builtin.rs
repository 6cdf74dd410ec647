//! The built-in Eurasian corridor network, embedded in the binary.
//!
//! This is the only module that names paths under `data/`. The files are documented in
//! `data/eurasia/SOURCES.md`.

use crate::io::{self, LoadError, Loaded, Source, Sources};
use crate::map::World;

const NODES: &[u8] = include_bytes!("../../../data/eurasia/nodes.csv");
const LEGS: &[u8] = include_bytes!("../../../data/eurasia/legs.csv");
const NETWORK_TOML: &[u8] = include_bytes!("../../../data/eurasia/network.toml");
const COUNTRIES: &str = include_str!("../../../data/world/countries-110m.json");

/// The scenarios shipped in `data/scenarios/` (documented in `docs/scenarios.md`), as
/// file name and TOML text, for front ends that offer them (the server's page).
pub const SCENARIOS: &[(&str, &str)] = &[
    (
        "baltic-feeder-reopened.toml",
        include_str!("../../../data/scenarios/baltic-feeder-reopened.toml"),
    ),
    (
        "border-dwell-halved.toml",
        include_str!("../../../data/scenarios/border-dwell-halved.toml"),
    ),
    (
        "caspian-ferry-capacity-doubled.toml",
        include_str!("../../../data/scenarios/caspian-ferry-capacity-doubled.toml"),
    ),
    (
        "cku-railway-opened.toml",
        include_str!("../../../data/scenarios/cku-railway-opened.toml"),
    ),
    (
        "india-pakistan-trade-reopened.toml",
        include_str!("../../../data/scenarios/india-pakistan-trade-reopened.toml"),
    ),
    (
        "northern-route-closed.toml",
        include_str!("../../../data/scenarios/northern-route-closed.toml"),
    ),
    (
        "red-sea-closed.toml",
        include_str!("../../../data/scenarios/red-sea-closed.toml"),
    ),
    (
        "trans-afghan-railway-built.toml",
        include_str!("../../../data/scenarios/trans-afghan-railway-built.toml"),
    ),
    (
        "uncertainty.toml",
        include_str!("../../../data/scenarios/uncertainty.toml"),
    ),
];

/// The embedded files, for [`io::load`] (or to export them verbatim).
pub fn sources() -> Sources<'static> {
    Sources {
        nodes: Source {
            name: "builtin:eurasia/nodes.csv",
            bytes: NODES,
        },
        legs: Source {
            name: "builtin:eurasia/legs.csv",
            bytes: LEGS,
        },
        network_toml: Some(Source {
            name: "builtin:eurasia/network.toml",
            bytes: NETWORK_TOML,
        }),
    }
}

/// Loads the built-in network. The data is checked by the test suite, so this only fails
/// if a build embedded broken data.
pub fn network() -> Result<Loaded, LoadError> {
    io::load(sources())
}

/// Country outlines for maps: Natural Earth 1:110m admin-0 (public domain) for Europe,
/// Africa and Asia, from `data/world/` (see its SOURCE.md).
pub fn world() -> Result<World, serde_json::Error> {
    World::parse(COUNTRIES)
}
