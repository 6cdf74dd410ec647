//! # corridor
//!
//! Route planning on Eurasian freight corridors: the Trans-Caspian (Middle Corridor),
//! North–South (INSTC), Trans-Afghan, China–Kyrgyzstan–Uzbekistan and China–Iran–Türkiye
//! routes, with the Northern route via Russia and the all-sea route via Suez as
//! benchmarks, modelled as one weighted multimodal network.
//!
//! ## The front door
//!
//! An [`Engine`] owns a network and answers requests — [`RouteRequest`] for `route`,
//! `compare`, `alternatives`, `pareto`, `sweep` and `diff`, [`MatrixRequest`],
//! [`FlowRequest`] — with the types of the JSON contract ([`engine::view`]), the same
//! JSON the `corridor` command prints:
//!
//! ```
//! use corridor::{Engine, Objective, RouteRequest};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let engine = Engine::builtin(); // or Engine::load("my-network/")?
//! let route = engine.route(&RouteRequest::new("Tashkent", "Almaty").by(Objective::Cost))?;
//! println!("{:.1} days, {:.0} USD/TEU", route.totals.time_h / 24.0, route.totals.cost_usd);
//! let json = serde_json::to_string(&route)?;
//! # assert!(json.contains("\"totals\""));
//! # Ok(())
//! # }
//! ```
//!
//! Errors are one [`Error`]: the request field, the place (with suggestions), the file
//! and line of bad data, or why there is no route.
//!
//! ## Underneath
//!
//! Data flows one way through the modules:
//!
//! 1. [`model`] — places, legs, modes, transfers and the validated, immutable
//!    [`Network`]; place lookup by id, name, alias or coordinate; corridor names.
//! 2. [`io`] — CSV + TOML folders → [`Network`] with located errors; CSV and GeoJSON
//!    export. [`builtin`] embeds the Eurasian network.
//! 3. [`graph`] — a [`Profile`] (objective + constraints) compiles a network into a
//!    state-expanded CSR [`Graph`] where transfers are charged exactly where they happen.
//! 4. [`route`] — shortest routes (A*), alternatives (Yen), Pareto sets, corridor
//!    comparison, parallel matrices, and why a pair has no route.
//! 5. [`capacity`] — route bottlenecks and the exact allocation of freight demand over
//!    capacity-limited corridors (min-cost flow, multi-commodity LP), with shadow prices.
//! 6. [`scenario`] — what-if files (close, open, scale, add, uncertain) applied to a
//!    network, and reproducible Monte Carlo sweeps of door-to-door time and cost.
//! 7. [`engine`] — the front door above: requests, errors, the JSON contract.
//! 8. [`calibrate`] — the network checked against observed trips (a validation CSV),
//!    and scale factors per mode, corridor or country fitted to reproduce them.
//!
//! [`map`] draws routes over country outlines as SVG; a private R*-tree (`spatial`) serves
//! coordinate lookup; [`synthetic`] generates seeded road-like networks.
#![warn(missing_docs)]

pub mod builtin;
pub mod calibrate;
pub mod capacity;
pub mod engine;
pub mod graph;
pub mod io;
pub mod map;
pub mod model;
pub mod route;
pub mod scenario;
mod spatial;
pub mod synthetic;

pub use engine::{DemandRow, Engine, Error, FlowRequest, MatrixRequest, RouteRequest};
pub use graph::{Graph, Metrics, Objective, Profile};
pub use route::{Query, Route};

pub use model::{
    Coord, CorridorId, Country, Leg, LegId, Meta, Mode, Network, NetworkBuilder, NewLeg, NewPlace,
    Place, PlaceId, PlaceKind, Status, Transfers,
};
