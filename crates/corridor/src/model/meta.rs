//! Network-wide metadata and defaults (the contents of `network.toml`).

use super::{Country, Mode, Transfers};

/// Network-wide settings: name, version, defaults per mode, transfer defaults and customs
/// unions.
#[derive(Clone, Debug, PartialEq)]
pub struct Meta {
    /// Human-readable name.
    pub name: String,
    /// Version of the data (free text, e.g. `2026.11`).
    pub version: String,
    /// What the network covers.
    pub description: String,
    /// Defaults for places and queries.
    pub defaults: Defaults,
    /// Defaults per mode, indexed by [`Mode::index`].
    pub modes: [ModeDefaults; 4],
    /// Groups of countries whose shared borders are cheaper to cross.
    pub customs_unions: Vec<CustomsUnion>,
    /// Names, aliases and descriptions of corridor tags (`[[corridors]]`); tags used by
    /// legs need no entry.
    pub corridors: Vec<CorridorInfo>,
}

impl Meta {
    /// The defaults of one mode.
    pub fn mode(&self, mode: Mode) -> &ModeDefaults {
        &self.modes[mode.index()]
    }

    /// The customs union containing both countries, if any (the first listed wins).
    pub fn customs_union(&self, a: Country, b: Country) -> Option<&CustomsUnion> {
        self.customs_unions
            .iter()
            .find(|union| union.countries.contains(&a) && union.countries.contains(&b))
    }
}

impl Default for Meta {
    fn default() -> Self {
        Meta {
            name: "unnamed network".to_owned(),
            version: String::new(),
            description: String::new(),
            defaults: Defaults::default(),
            modes: Mode::ALL.map(ModeDefaults::builtin),
            customs_unions: Vec::new(),
            corridors: Vec::new(),
        }
    }
}

/// Defaults used where a place or a query does not say otherwise.
#[derive(Clone, Debug, PartialEq)]
pub struct Defaults {
    /// Value of time in USD per TEU-hour, for the generalized-cost objective.
    pub value_of_time_usd_per_teu_h: f64,
    /// Expected share of the headway spent waiting for a departure (0.5 = random arrival).
    pub wait_factor: f64,
    /// Transfer figures for places whose cells are empty.
    pub transfers: Transfers,
}

impl Default for Defaults {
    fn default() -> Self {
        Defaults {
            value_of_time_usd_per_teu_h: 1.0,
            wait_factor: 0.5,
            transfers: Transfers::ZERO,
        }
    }
}

/// Defaults for the legs of one mode.
#[derive(Clone, Debug, PartialEq)]
pub struct ModeDefaults {
    /// Speed in km/h for legs without `time_h` or `speed_kmh`.
    pub speed_kmh: f64,
    /// Price in USD per TEU-km for legs without `cost_usd`.
    pub cost_usd_per_teu_km: f64,
    /// Emission factor in kg CO2e per TEU-km.
    pub co2_kg_per_teu_km: f64,
    /// Where these figures come from.
    pub source: Option<String>,
}

impl ModeDefaults {
    /// Generic defaults used when a network has no `network.toml` (rough figures, marked
    /// as estimates; the built-in network states sourced values).
    pub fn builtin(mode: Mode) -> ModeDefaults {
        // Emission factors: DEFRA 2025 well-to-wheel g CO2e per tonne-km at 10 t per TEU.
        let (speed_kmh, cost_usd_per_teu_km, co2_kg_per_teu_km) = match mode {
            Mode::Rail => (40.0, 0.5, 0.347),
            Mode::Road => (50.0, 1.2, 0.950),
            Mode::Sea => (30.0, 0.05, 0.198),
            Mode::Ferry => (20.0, 0.6, 0.633),
        };
        ModeDefaults {
            speed_kmh,
            cost_usd_per_teu_km,
            co2_kg_per_teu_km,
            source: Some(
                "estimate: generic defaults; CO2 from DEFRA 2025 WTW factors at 10 t per TEU"
                    .to_owned(),
            ),
        }
    }
}

/// A customs union: crossings between two members cost less.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomsUnion {
    /// Short identifier (`eaeu`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Member countries.
    pub countries: Vec<Country>,
    /// Multiplier on border dwell hours between members.
    pub dwell_factor: f64,
    /// Multiplier on border fees between members.
    pub fee_factor: f64,
    /// Where the factors come from.
    pub source: Option<String>,
}

/// What `network.toml` says about a corridor tag.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CorridorInfo {
    /// The tag legs carry (`trans-caspian`).
    pub id: String,
    /// Display name (`Trans-Caspian International Transport Route (Middle Corridor)`).
    pub name: String,
    /// Other names users type (`middle-corridor`, `TITR`, `TMTM`); matched ignoring
    /// case, spaces, hyphens and underscores.
    pub aliases: Vec<String>,
    /// One line on what the corridor is.
    pub description: String,
    /// Where the names come from.
    pub source: Option<String>,
}
