//! Country outlines for map backgrounds.

use serde::Deserialize;

/// Country outlines (outer rings, [lon, lat] degrees).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct World {
    /// The countries.
    pub countries: Vec<CountryShape>,
}

/// One country's outline.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct CountryShape {
    /// ISO 3166-1 alpha-2 code (empty where none exists).
    pub iso_a2: String,
    /// Short name.
    pub name: String,
    /// Outer rings as [lon, lat] pairs, closed.
    pub polygons: Vec<Vec<[f64; 2]>>,
}

impl World {
    /// Parses the JSON format of `data/world/countries-110m.json`.
    pub fn parse(json: &str) -> Result<World, serde_json::Error> {
        serde_json::from_str(json)
    }

    /// No outlines (routes only).
    pub fn empty() -> World {
        World {
            countries: Vec::new(),
        }
    }
}
