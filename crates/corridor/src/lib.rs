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
//! [`FlowRequest`] — with the types of the JSON contract ([`view`]), the same
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
//! ## What an engine gives
//!
//! - **Answers as the JSON contract** ([`view`]): [`Engine::route`], [`Engine::compare`],
//!   [`Engine::alternatives`], [`Engine::pareto`], [`Engine::diff`], [`Engine::matrix`],
//!   [`Engine::flow`] and [`Engine::flow_levels`], [`Engine::sweep`] and
//!   [`Engine::sweep_places`] (also in parts, to spread over machines:
//!   [`Engine::sweep_part`], [`Engine::merge_sweep`]), [`Engine::calibrate`] against
//!   observed [`Trip`]s, and an HTML [`Engine::report`].
//! - **Routes as values** for those who draw or analyse them: [`Engine::resolve`] turns a
//!   request into a [`Profile`] and a [`Query`]; [`Engine::shortest`],
//!   [`Engine::comparison`], [`Engine::alternative_routes`], [`Engine::pareto_routes`]
//!   and [`Engine::diff_routes`] return [`Route`]s (legs, transfers, totals, countries,
//!   corridors); a [`Figure`] draws them as SVG or GeoJSON.
//! - **Networks**: the built-in one ([`Engine::builtin`]), a folder of CSV + TOML or a
//!   compiled snapshot ([`Engine::load`], [`Engine::snapshot`]), one built from values
//!   ([`NetworkBuilder`], [`Engine::from_builder`]), with scenarios applied
//!   ([`ScenarioFile`], [`Engine::with_scenarios`]). A [`Network`] looks places up by id,
//!   name, alias or coordinate and writes itself back as files
//!   ([`Network::write_dir`], [`Network::write_geojson`]).
//! - **Long work** reports to a [`Progress`] (the `_with_progress` methods).
//!
//! ## Underneath
//!
//! Data flows one way: files or values are validated into an immutable [`Network`];
//! a [`Profile`] (objective and constraints) compiles it into a state-expanded graph
//! where transfers are charged exactly where they happen; one search kernel
//! (Dijkstra/A* over reusable memory) serves shortest routes, alternatives, matrices,
//! contraction hierarchies and the capacity solvers (min-cost flow and a
//! column-generation LP); scenarios edit the network through the builder; views turn
//! results into the JSON contract. `docs/architecture.md` maps each concept to its
//! module. The algorithms themselves are not part of the public API: the repository's
//! tests and benchmarks reach them with the `internals` feature.
#![warn(missing_docs, unnameable_types)]

/// Declares the modules behind the front door: private to embedders, public with the
/// `internals` feature, for the repository's tests and benchmarks, which check the
/// algorithms against independent references and time them.
macro_rules! internal_modules {
    ($($name:ident),* $(,)?) => {$(
        #[cfg(feature = "internals")]
        pub mod $name;
        #[cfg(not(feature = "internals"))]
        mod $name;
    )*};
}

internal_modules!(
    builtin, calibrate, capacity, engine, graph, io, map, model, route, scenario, synthetic,
);
mod spatial;

pub use calibrate::{Calibration, Factor, Grouping, Trip, TripCheck, TripKind, Verdict};
pub use engine::view;
pub use engine::{
    DemandRow, Diff, Engine, Error, FlowRequest, MatrixRequest, Progress, RouteRequest,
};
pub use graph::{
    Criterion, DirLeg, Metrics, Objective, Profile, TIE_BREAK, Transfer, TransferKind,
};
pub use io::{Diagnostic, DiagnosticKind, LoadError, OutputError, Severity, write_file};
pub use map::Figure;
pub use model::{
    BuildError, Coord, CorridorId, CorridorInfo, CorridorSummary, Country, CustomsUnion, Defaults,
    Finding, Leg, LegId, LookupError, Meta, Mode, ModeDefaults, Network, NetworkBuilder, NewLeg,
    NewPlace, Place, PlaceId, PlaceKind, Status, Subject, Transfers,
};
pub use route::{
    Blocker, Cell, Comparison, CorridorRoute, Matrix, Query, Route, RouteLeg, RouteTransfer,
    Unserved, UnservedCorridor,
};
pub use scenario::{MatrixSweepPart, ScenarioFile, SweepPart};

/// The compiled graph, at the root for the repository's tests and benchmarks.
#[cfg(feature = "internals")]
#[doc(hidden)]
pub use graph::Graph;
