//! The front door for embedders: an [`Engine`] owns a network, answers requests and
//! returns the types of the JSON contract ([`view`]).
//!
//! ```
//! use corridor::{Engine, Objective, RouteRequest};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let engine = Engine::builtin();
//! let route = engine.route(&RouteRequest::new("Tashkent", "Almaty").by(Objective::Cost))?;
//! assert!(route.totals.time_h > 0.0);
//! let json = serde_json::to_string(&route)?;
//! assert!(json.starts_with("{\"from\":\"tashkent\""));
//! # Ok(())
//! # }
//! ```
//!
//! An engine is cheap to clone (one shared pointer) and `Send + Sync`: give every thread
//! or request handler its own clone. Graphs compiled for a profile are cached and shared
//! (at most [`GRAPH_CACHE`] profiles; the cache starts over when full).

mod error;
mod explain;
mod request;
pub mod view;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

pub use error::Error;
pub use explain::{explain_no_route, grouped, limit_text};
pub use request::{MatrixRequest, RouteRequest};
pub use view::{CompareView, MatrixView, RouteView, RoutesView};

use crate::graph::{Criterion, Graph, Profile};
use crate::model::{Network, PlaceId};
use crate::route::{self, Query};
use crate::scenario::{self, ScenarioFile};

/// How many compiled graphs an engine keeps.
pub const GRAPH_CACHE: usize = 64;

/// The most routes `alternatives` lists: Yen's algorithm runs one search per deviation of
/// every route found, so a very large k takes minutes.
pub const MAX_ALTERNATIVES: usize = 100;

/// A network ready to answer routing requests. See the [module docs](self).
#[derive(Clone, Debug)]
pub struct Engine {
    network: Arc<Network>,
    graphs: Arc<Mutex<HashMap<String, Arc<Graph<'static>>>>>,
}

impl Engine {
    /// An engine over `network`.
    pub fn new(network: Network) -> Engine {
        Engine::shared(Arc::new(network))
    }

    /// An engine over a network already shared.
    pub fn shared(network: Arc<Network>) -> Engine {
        Engine {
            network,
            graphs: Arc::default(),
        }
    }

    /// The built-in Eurasian network (embedded in the library; its loading is tested, so
    /// this does not fail).
    #[allow(clippy::expect_used)]
    pub fn builtin() -> Engine {
        Engine::new(
            crate::builtin::network()
                .expect("the built-in network loads (tested)")
                .network,
        )
    }

    /// Loads a network folder (`nodes.csv`, `legs.csv`, optional `network.toml`).
    pub fn load(dir: impl AsRef<Path>) -> Result<Engine, Error> {
        Ok(Engine::new(crate::io::load_dir(dir.as_ref())?.network))
    }

    /// A new engine over this network with scenarios applied (this one is unchanged).
    /// Uncertain quantities of the scenarios are not drawn here (see
    /// [`scenario::sweep`]).
    pub fn with_scenarios(&self, scenarios: &[ScenarioFile]) -> Result<Engine, Error> {
        if scenarios.is_empty() {
            return Ok(self.clone());
        }
        Ok(Engine::new(
            scenario::apply(&self.network, scenarios)?.network,
        ))
    }

    /// A new engine with one scenario given as TOML text (the format of
    /// `docs/scenarios.md`); `name` is used in error locations.
    pub fn with_scenario_toml(&self, name: &str, toml: &str) -> Result<Engine, Error> {
        let file = scenario::parse(name, toml.as_bytes())?;
        self.with_scenarios(&[file])
    }

    /// The network served.
    pub fn network(&self) -> &Network {
        &self.network
    }

    /// The network served, shared.
    pub fn network_arc(&self) -> Arc<Network> {
        self.network.clone()
    }

    /// The compiled graph for `profile`, from the cache or compiled now.
    pub fn graph(&self, profile: &Profile) -> Arc<Graph<'static>> {
        // f64 fields print exactly, so the debug text identifies the profile.
        let key = format!("{profile:?}");
        if let Ok(graphs) = self.graphs.lock()
            && let Some(graph) = graphs.get(&key)
        {
            return graph.clone();
        }
        let graph = Arc::new(Graph::shared(self.network.clone(), profile));
        if let Ok(mut graphs) = self.graphs.lock() {
            if graphs.len() >= GRAPH_CACHE {
                graphs.clear();
            }
            graphs.insert(key, graph.clone());
        }
        graph
    }

    /// The profile and query a request describes (unknown places, countries, modes or
    /// corridors are errors naming the field).
    pub fn resolve(&self, request: &RouteRequest) -> Result<(Profile, Query), Error> {
        Ok((
            request.profile(&self.network)?,
            request.query(&self.network)?,
        ))
    }

    /// The best route.
    pub fn route(&self, request: &RouteRequest) -> Result<RouteView, Error> {
        let (profile, query) = self.resolve(request)?;
        let route = self.shortest(&profile, &query)?;
        Ok(RouteView::new(&self.network, &route))
    }

    /// The best route as the library's [`route::Route`] (legs, transfers, metrics), for
    /// embedders that need more than the contract.
    pub fn shortest(&self, profile: &Profile, query: &Query) -> Result<route::Route, Error> {
        route::shortest(&self.graph(profile), query).ok_or_else(|| self.no_route(profile, query))
    }

    /// The best route overall, the best per corridor, and why the other corridors cannot
    /// serve the pair (see [`route::compare`]). Fails only when [`Engine::route`] would.
    pub fn compare(&self, request: &RouteRequest) -> Result<CompareView, Error> {
        let (profile, query) = self.resolve(request)?;
        let comparison = self.comparison(&profile, &query)?;
        Ok(CompareView::new(&self.network, &query, &comparison))
    }

    /// [`Engine::compare`] as the library's [`route::Comparison`].
    pub fn comparison(&self, profile: &Profile, query: &Query) -> Result<route::Comparison, Error> {
        let comparison = route::compare(&self.network, profile, query);
        if comparison.best.is_none() {
            return Err(self.no_route(profile, query));
        }
        Ok(comparison)
    }

    /// Up to `k` (1 to [`MAX_ALTERNATIVES`]) best routes that never visit a place twice.
    pub fn alternatives(&self, request: &RouteRequest, k: usize) -> Result<RoutesView, Error> {
        let (profile, query) = self.resolve(request)?;
        let found = self.alternative_routes(&profile, &query, k)?;
        Ok(RoutesView::new(&self.network, &found))
    }

    /// [`Engine::alternatives`] as the library's routes.
    pub fn alternative_routes(
        &self,
        profile: &Profile,
        query: &Query,
        k: usize,
    ) -> Result<Vec<route::Route>, Error> {
        if k == 0 || k > MAX_ALTERNATIVES {
            return Err(Error::invalid(
                "k",
                format!("{k}: expected 1 to {MAX_ALTERNATIVES} routes"),
            ));
        }
        let found = route::alternatives(&self.graph(profile), query, k);
        if found.is_empty() {
            return Err(self.no_route(profile, query));
        }
        Ok(found)
    }

    /// The routes not beaten on all of `criteria` at once (2 to 4 of distance, time,
    /// cost, CO2).
    pub fn pareto(
        &self,
        request: &RouteRequest,
        criteria: &[Criterion],
    ) -> Result<RoutesView, Error> {
        let (profile, query) = self.resolve(request)?;
        let found = self.pareto_routes(&profile, &query, criteria)?;
        Ok(RoutesView::new(&self.network, &found))
    }

    /// [`Engine::pareto`] as the library's routes.
    pub fn pareto_routes(
        &self,
        profile: &Profile,
        query: &Query,
        criteria: &[Criterion],
    ) -> Result<Vec<route::Route>, Error> {
        let found = route::pareto(&self.graph(profile), query, criteria).map_err(|e| match e {
            route::ParetoError::BadCriteria => Error::invalid("criteria", e.to_string()),
            route::ParetoError::TooManyLabels => Error::TooLarge(e.to_string()),
        })?;
        if found.is_empty() {
            return Err(self.no_route(profile, query));
        }
        Ok(found)
    }

    /// Best-route metrics from every origin to every destination, in parallel on the
    /// current rayon pool; contraction hierarchies when the request says so.
    pub fn matrix(&self, request: &MatrixRequest) -> Result<MatrixView, Error> {
        let (profile, from, to) = request.resolve(&self.network)?;
        let matrix = self.matrix_of(&profile, &from, &to, request.use_ch(from.len()));
        Ok(MatrixView::new(
            &self.network,
            profile.objective.as_str(),
            &matrix,
        ))
    }

    /// The matrix itself ([`route::Matrix`]).
    pub fn matrix_of(
        &self,
        profile: &Profile,
        from: &[PlaceId],
        to: &[PlaceId],
        ch: bool,
    ) -> route::Matrix {
        let graph = self.graph(profile);
        if ch {
            let hierarchy = route::ch::Hierarchy::new(&graph);
            route::ch::matrix(&hierarchy, &graph, from, to)
        } else {
            route::matrix(&graph, from, to)
        }
    }

    /// The "no route" error for a query, with the reason.
    pub fn no_route(&self, profile: &Profile, query: &Query) -> Error {
        Error::NoRoute {
            from: self.network.describe(query.from),
            to: self.network.describe(query.to),
            reason: explain_no_route(&self.network, profile, query),
        }
    }
}
