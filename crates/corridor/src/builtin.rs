//! The built-in Eurasian corridor network, embedded in the binary.
//!
//! This is the only module that names paths under `data/`. The files are documented in
//! `data/eurasia/SOURCES.md`.

use crate::io::{self, LoadError, Loaded, Source, Sources};

/// Name shown in messages for the embedded files.
pub const NAME: &str = "builtin:eurasia";

const NODES: &[u8] = include_bytes!("../../../data/eurasia/nodes.csv");
const LEGS: &[u8] = include_bytes!("../../../data/eurasia/legs.csv");
const NETWORK_TOML: &[u8] = include_bytes!("../../../data/eurasia/network.toml");

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
