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
use std::ops::Range;
use std::path::Path;
use std::sync::{Arc, Mutex};

pub use error::Error;
pub use explain::no_route_error;
#[cfg(feature = "internals")]
pub use explain::{explain_no_route, grouped, limit_text};
#[cfg(feature = "internals")]
pub use request::sweep_places;
pub use request::{CH_FROM_ORIGINS, DemandRow, FlowRequest, MAX_VIA, MatrixRequest, RouteRequest};
pub use view::{
    CompareView, DiffView, FlowView, MatrixSweepView, MatrixView, RouteView, RoutesView, SweepView,
};

use crate::capacity;
use crate::graph::{Criterion, Graph, GraphParts, Objective, Profile};
use crate::io::snapshot::{self, Snapshot};
use crate::io::{Diagnostic, DiagnosticKind, LoadError};
use crate::model::{Demand, Network, PlaceId};
use crate::route::ch::{Hierarchy, HierarchyParts};
use crate::route::{self, Query};
use crate::scenario::{self, ScenarioFile, Uncertain};

/// From this many origins on, matrices use a snapshot's stored contraction hierarchy
/// unless told: rebuilding it from its parts (the graph's arcs, weights and metrics of
/// every edge, checked) costs about as much as ten one-to-all searches on the same
/// network (BENCHMARKS.md, *Snapshots*).
pub const STORED_CH_FROM_ORIGINS: usize = 16;

/// How many compiled graphs an engine keeps.
pub const GRAPH_CACHE: usize = 64;

/// The most routes `alternatives` lists: Yen's algorithm runs one search per deviation of
/// every route found, so a very large k takes minutes.
pub const MAX_ALTERNATIVES: usize = 100;

/// Refuses a number of alternatives outside 1 to [`MAX_ALTERNATIVES`].
fn check_k(k: usize) -> Result<(), Error> {
    if k == 0 || k > MAX_ALTERNATIVES {
        return Err(Error::invalid(
            "k",
            format!("{k}: expected 1 to {MAX_ALTERNATIVES} routes"),
        ));
    }
    Ok(())
}

/// A network ready to answer routing requests. See the [crate docs](crate).
#[derive(Clone, Debug)]
pub struct Engine {
    network: Arc<Network>,
    /// Uncertain quantities declared by the scenarios applied, in order (drawn by
    /// sweeps).
    uncertain: Arc<Vec<Uncertain>>,
    /// What loading found without refusing the network.
    warnings: Arc<Vec<Diagnostic>>,
    graphs: Arc<Mutex<HashMap<String, Arc<Graph<'static>>>>>,
    /// Compiled graphs of a snapshot by profile, checked at load, put together into
    /// [`Graph`]s when a request first needs them.
    stored_graphs: Arc<Mutex<HashMap<String, GraphParts>>>,
    /// Contraction hierarchies by profile, from a snapshot: stored (checked against the
    /// graph when first used) or ready.
    hierarchies: Arc<Mutex<HashMap<String, Stored>>>,
}

/// A contraction hierarchy of a snapshot.
#[derive(Clone, Debug)]
enum Stored {
    /// As read: the file it came from and its parts.
    Parts(String, Arc<HierarchyParts>),
    /// Checked against the graph and rebuilt.
    Ready(Arc<Hierarchy>),
}

/// The key of a profile in the caches (f64 fields print exactly, so the debug text
/// identifies the profile).
fn profile_key(profile: &Profile) -> String {
    format!("{profile:?}")
}

impl Engine {
    /// An engine over `network`.
    pub fn new(network: Network) -> Engine {
        Engine::shared(Arc::new(network))
    }

    /// An engine over a network built from values (see [`crate::NetworkBuilder`]).
    ///
    /// ```
    /// use corridor::{Coord, Engine, Mode, NetworkBuilder, NewLeg, NewPlace, RouteRequest};
    /// # fn main() -> Result<(), corridor::Error> {
    /// let mut builder = NetworkBuilder::new(corridor::Meta::default());
    /// builder
    ///     .add_place(NewPlace::new("a", Coord { lat: 40.0, lon: 60.0 }))
    ///     .add_place(NewPlace::new("b", Coord { lat: 40.0, lon: 61.0 }))
    ///     .add_leg(NewLeg::new("a", "b", Mode::Rail, 100.0));
    /// let engine = Engine::from_builder(builder)?;
    /// let route = engine.route(&RouteRequest::new("a", "b"))?;
    /// assert_eq!(route.totals.distance_km, 100.0);
    /// # Ok(())
    /// # }
    /// ```
    pub fn from_builder(builder: crate::NetworkBuilder) -> Result<Engine, Error> {
        Ok(Engine::new(builder.build()?))
    }

    /// An engine over a network already shared.
    pub fn shared(network: Arc<Network>) -> Engine {
        Engine {
            network,
            uncertain: Arc::default(),
            warnings: Arc::default(),
            graphs: Arc::default(),
            stored_graphs: Arc::default(),
            hierarchies: Arc::default(),
        }
    }

    /// An engine over a loaded snapshot ([`crate::io::snapshot`]), with its compiled
    /// graphs and contraction hierarchies; `file` names the snapshot in errors.
    pub(crate) fn with_snapshot(file: &str, snapshot: Snapshot) -> Engine {
        let engine = Engine::new(snapshot.network);
        if let Ok(mut stored) = engine.stored_graphs.lock() {
            for parts in snapshot.graphs {
                stored.insert(profile_key(&Profile::new(parts.objective)), parts);
            }
        }
        if let Ok(mut hierarchies) = engine.hierarchies.lock() {
            for stored in snapshot.hierarchies {
                hierarchies.insert(
                    profile_key(&Profile::new(stored.objective)),
                    Stored::Parts(file.to_owned(), Arc::new(stored.parts)),
                );
            }
        }
        engine
    }

    /// Whether the engine has a contraction hierarchy for `profile` (from a snapshot), so
    /// matrices need no preprocessing.
    pub fn has_hierarchy(&self, profile: &Profile) -> bool {
        self.hierarchies
            .lock()
            .is_ok_and(|h| h.contains_key(&profile_key(profile)))
    }

    /// The contraction hierarchy of a snapshot for `profile`, checked against the
    /// network's graph on first use (then kept); `None` when the snapshot has none for
    /// it. A hierarchy that does not belong to the graph is an error naming the file.
    pub(crate) fn stored(&self, profile: &Profile) -> Result<Option<Arc<Hierarchy>>, Error> {
        let key = profile_key(profile);
        let stored = match self.hierarchies.lock() {
            Ok(hierarchies) => hierarchies.get(&key).cloned(),
            Err(_) => None,
        };
        let (file, parts) = match stored {
            None => return Ok(None),
            Some(Stored::Ready(hierarchy)) => return Ok(Some(hierarchy)),
            Some(Stored::Parts(file, parts)) => (file, parts),
        };
        let graph = self.compiled(profile);
        let hierarchy = Hierarchy::from_parts(&graph, &parts).map_err(|e| {
            Error::Data(LoadError {
                errors: vec![
                    Diagnostic::error(
                        DiagnosticKind::BadSnapshot,
                        &file,
                        format!("the contraction hierarchy does not belong to this network: {e}"),
                    )
                    .column(&format!("section HIER (by {})", profile.objective))
                    .expected(
                        "a snapshot written by this version: rebuild it with `corridor build --ch`",
                    ),
                ],
                warnings: Vec::new(),
            })
        })?;
        let hierarchy = Arc::new(hierarchy);
        if let Ok(mut hierarchies) = self.hierarchies.lock() {
            hierarchies.insert(key, Stored::Ready(hierarchy.clone()));
        }
        Ok(Some(hierarchy))
    }

    /// The built-in Eurasian network (embedded in the library; its loading is tested, so
    /// this does not fail).
    #[allow(clippy::expect_used)]
    pub fn builtin() -> Engine {
        Engine::loaded(crate::builtin::network().expect("the built-in network loads (tested)"))
    }

    /// An engine over a loaded network, keeping what loading warned about.
    fn loaded(loaded: crate::io::Loaded) -> Engine {
        Engine {
            warnings: Arc::new(loaded.warnings),
            ..Engine::new(loaded.network)
        }
    }

    /// What loading found without refusing the network (disconnected parts, legs
    /// without a source...), as `corridor validate` lists them; empty for networks not
    /// loaded from files.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// Loads a network folder (`nodes.csv`, `legs.csv`, optional `network.toml`) or a
    /// snapshot written by `corridor build` (recognised by its magic bytes; its
    /// contraction hierarchies come along and serve matrices, see [`Engine::snapshot`]).
    ///
    /// ```no_run
    /// # fn main() -> Result<(), corridor::Error> {
    /// let engine = corridor::Engine::load("my-network/")?;
    /// println!("{} places", engine.network().places().len());
    /// # Ok(())
    /// # }
    /// ```
    pub fn load(path: impl AsRef<Path>) -> Result<Engine, Error> {
        let path = path.as_ref();
        if path.is_file() && snapshot::is_snapshot_file(path) {
            let name = path.display().to_string();
            return Ok(Engine::with_snapshot(&name, snapshot::read_file(path)?));
        }
        Ok(Engine::loaded(crate::io::load_dir(path)?))
    }

    /// A new engine over this network with scenarios applied (this one is unchanged).
    /// Their uncertain quantities are kept for [`Engine::sweep`]; routing uses their
    /// central values.
    pub fn with_scenarios(&self, scenarios: &[ScenarioFile]) -> Result<Engine, Error> {
        if scenarios.is_empty() {
            return Ok(self.clone());
        }
        let applied = scenario::apply(&self.network, scenarios)?;
        let mut uncertain = self.uncertain.as_ref().clone();
        uncertain.extend(applied.uncertain);
        Ok(Engine {
            uncertain: Arc::new(uncertain),
            warnings: self.warnings.clone(),
            ..Engine::new(applied.network)
        })
    }

    /// How many uncertain quantities the scenarios applied declare (drawn by sweeps;
    /// none means every draw is the same).
    pub fn uncertain_count(&self) -> usize {
        self.uncertain.len()
    }

    /// A new engine with one scenario given as TOML text (the format of
    /// `docs/scenarios.md`); `name` is used in error locations.
    ///
    /// ```
    /// use corridor::{Engine, RouteRequest};
    /// # fn main() -> Result<(), corridor::Error> {
    /// let engine = Engine::builtin();
    /// let closed = engine.with_scenario_toml("no-russia.toml", "format_version = 1\n[[close]]\ncountry = \"RU\"\n")?;
    /// let route = closed.route(&RouteRequest::new("Xian", "Duisburg"))?;
    /// assert!(!route.countries.iter().any(|c| c == "RU"));
    /// # Ok(())
    /// # }
    /// ```
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

    /// The compiled graph for `profile`, from the cache, from the snapshot it was
    /// loaded from, or compiled now.
    pub(crate) fn compiled(&self, profile: &Profile) -> Arc<Graph<'static>> {
        let key = profile_key(profile);
        if let Ok(graphs) = self.graphs.lock()
            && let Some(graph) = graphs.get(&key)
        {
            return graph.clone();
        }
        let parts = self
            .stored_graphs
            .lock()
            .ok()
            .and_then(|mut stored| stored.remove(&key));
        let graph = Arc::new(match parts {
            Some(parts) => Graph::from_parts(self.network.clone(), parts),
            None => Graph::shared(self.network.clone(), profile),
        });
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
        route::shortest(&self.compiled(profile), query).ok_or_else(|| self.no_route(profile, query))
    }

    /// The best route overall, the best per corridor, and why the other corridors cannot
    /// serve the pair and why. Fails only when [`Engine::route`] would.
    ///
    /// ```
    /// use corridor::{Engine, RouteRequest};
    /// # fn main() -> Result<(), corridor::Error> {
    /// let compared = Engine::builtin().compare(&RouteRequest::new("Xian", "Duisburg"))?;
    /// let best = compared.best.expect("compare answers when route does");
    /// assert!(compared.corridors.iter().all(|c| c.route.totals.time_h >= best.totals.time_h));
    /// assert!(compared.unserved.iter().all(|u| !u.reason.is_empty()));
    /// # Ok(())
    /// # }
    /// ```
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

    /// Up to `k` (1 to [`Engine::MAX_ALTERNATIVES`]) best routes that never visit a place twice.
    ///
    /// ```
    /// use corridor::{Engine, RouteRequest};
    /// # fn main() -> Result<(), corridor::Error> {
    /// let found = Engine::builtin().alternatives(&RouteRequest::new("Tashkent", "Almaty"), 3)?;
    /// assert_eq!(found.routes.len(), 3);
    /// assert!(found.routes[0].totals.time_h <= found.routes[1].totals.time_h);
    /// # Ok(())
    /// # }
    /// ```
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
        check_k(k)?;
        let found = route::alternatives(&self.compiled(profile), query, k);
        if found.is_empty() {
            return Err(self.no_route(profile, query));
        }
        Ok(found)
    }

    /// Up to `k` (1 to [`Engine::MAX_ALTERNATIVES`]) routes that differ: every two share
    /// at most `max_shared` (from 0 to below 1) of the kilometres of the shorter one, so
    /// they go by other crossings and corridors rather than by a detour through a
    /// neighbouring town. Found by penalising the legs of each route found (a heuristic:
    /// see [`route::distinct_alternatives`](crate::route)); best first.
    ///
    /// ```
    /// use corridor::{Engine, RouteRequest};
    /// # fn main() -> Result<(), corridor::Error> {
    /// let request = RouteRequest::new("Xian", "Duisburg");
    /// let found = Engine::builtin().distinct_alternatives(&request, 3, 0.5)?;
    /// assert_eq!(found.routes.len(), 3);
    /// # Ok(())
    /// # }
    /// ```
    pub fn distinct_alternatives(
        &self,
        request: &RouteRequest,
        k: usize,
        max_shared: f64,
    ) -> Result<RoutesView, Error> {
        let (profile, query) = self.resolve(request)?;
        let found = self.distinct_alternative_routes(&profile, &query, k, max_shared)?;
        Ok(RoutesView::new(&self.network, &found))
    }

    /// [`Engine::distinct_alternatives`] as the library's routes.
    pub fn distinct_alternative_routes(
        &self,
        profile: &Profile,
        query: &Query,
        k: usize,
        max_shared: f64,
    ) -> Result<Vec<route::Route>, Error> {
        check_k(k)?;
        if !(0.0..1.0).contains(&max_shared) {
            return Err(Error::invalid(
                "max_shared",
                format!(
                    "{max_shared}: expected a share from 0 to below 1 (0.5: two routes share at most half the kilometres of the shorter one)"
                ),
            ));
        }
        let found = route::distinct_alternatives(&self.compiled(profile), query, k, max_shared);
        if found.is_empty() {
            return Err(self.no_route(profile, query));
        }
        Ok(found)
    }

    /// The routes not beaten on all of `criteria` at once (2 to 4 of distance, time,
    /// cost, CO2).
    ///
    /// ```
    /// use corridor::{Criterion, Engine, RouteRequest};
    /// # fn main() -> Result<(), corridor::Error> {
    /// let request = RouteRequest::new("Xian", "Duisburg");
    /// let front = Engine::builtin().pareto(&request, &[Criterion::Time, Criterion::Cost])?;
    /// // Sorted by time: each faster route costs more.
    /// assert!(front.routes.windows(2).all(|w| w[0].totals.cost_usd >= w[1].totals.cost_usd));
    /// # Ok(())
    /// # }
    /// ```
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
        let found = route::pareto(&self.compiled(profile), query, criteria).map_err(|e| match e {
            route::ParetoError::BadCriteria => Error::invalid("criteria", e.to_string()),
            route::ParetoError::TooManyLabels => Error::TooLarge(e.to_string()),
        })?;
        if found.is_empty() {
            return Err(self.no_route(profile, query));
        }
        Ok(found)
    }

    /// Best-route metrics from every origin to every destination, in parallel on the
    /// current rayon pool; contraction hierarchies when the request says so, or when it
    /// does not say and the snapshot has one for the profile.
    pub fn matrix(&self, request: &MatrixRequest) -> Result<MatrixView, Error> {
        self.matrix_with_progress(request, &())
    }

    /// [`Engine::matrix`], reporting its stages to `progress`: the contraction
    /// hierarchy's preprocessing when one is built (in states), then the rows (in
    /// origins).
    pub fn matrix_with_progress(
        &self,
        request: &MatrixRequest,
        progress: &dyn Progress,
    ) -> Result<MatrixView, Error> {
        let (profile, from, to) = request.resolve(&self.network)?;
        let ch = self.use_ch(request.ch, &profile, from.len())?;
        let matrix = self.matrix_reporting(&profile, &from, &to, ch, progress);
        let mut view = MatrixView::new(&self.network, profile.objective.as_str(), &matrix);
        view.booked_departure = profile.booked_departure;
        Ok(view)
    }

    /// Whether a matrix of `origins` rows uses contraction hierarchies: as `asked`, or
    /// when not asked, from 300 origins on, or from 16 on when the engine has one stored
    /// for `profile` (a snapshot's: rebuilding it from its parts costs about ten
    /// one-to-all searches). A stored hierarchy that will be used and does not belong to the
    /// network is an error here, before any work.
    pub fn use_ch(
        &self,
        asked: Option<bool>,
        profile: &Profile,
        origins: usize,
    ) -> Result<bool, Error> {
        let stored = self.has_hierarchy(profile);
        let ch = asked
            .unwrap_or(origins >= CH_FROM_ORIGINS || (stored && origins >= STORED_CH_FROM_ORIGINS));
        if ch && stored {
            self.stored(profile)?;
        }
        Ok(ch)
    }

    /// The matrix itself ([`route::Matrix`]).
    pub fn matrix_of(
        &self,
        profile: &Profile,
        from: &[PlaceId],
        to: &[PlaceId],
        ch: bool,
    ) -> route::Matrix {
        self.matrix_reporting(profile, from, to, ch, &())
    }

    /// [`Engine::matrix_of`], reporting its stages (the contraction hierarchy's
    /// preprocessing, in states; the rows, in origins) to `progress`.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicU64, Ordering};
    /// use corridor::Progress;
    /// use corridor::{Engine, Objective, Profile};
    /// struct Rows(AtomicU64);
    /// impl Progress for Rows {
    ///     fn advance(&self, units: u64) { self.0.fetch_add(units, Ordering::Relaxed); }
    /// }
    /// let engine = Engine::builtin();
    /// let places: Vec<_> = (0..10).map(corridor::PlaceId).collect();
    /// let rows = Rows(AtomicU64::new(0));
    /// engine.matrix_reporting(&Profile::new(Objective::Time), &places, &places, false, &rows);
    /// assert_eq!(rows.0.into_inner(), 10);
    /// ```
    pub fn matrix_reporting(
        &self,
        profile: &Profile,
        from: &[PlaceId],
        to: &[PlaceId],
        ch: bool,
        progress: &dyn Progress,
    ) -> route::Matrix {
        let graph = self.compiled(profile);
        if ch && !graph.corridor_required() {
            // A snapshot's hierarchy (one that does not belong is built anew here; callers
            // that want the error ask `use_ch` or `stored_hierarchy` first).
            let hierarchy = match self.stored(profile) {
                Ok(Some(hierarchy)) => hierarchy,
                _ => {
                    progress.stage("contraction hierarchy (states)", graph.state_count() as u64);
                    let reported = std::cell::Cell::new(0usize);
                    Arc::new(Hierarchy::with_progress(&graph, &|done, _| {
                        progress.advance(done.saturating_sub(reported.get()) as u64);
                        reported.set(done);
                    }))
                }
            };
            progress.stage("matrix (origins)", from.len() as u64);
            route::ch::matrix_with_progress(&hierarchy, &graph, from, to, &|| {
                progress.advance(1);
            })
        } else {
            progress.stage("matrix (origins)", from.len() as u64);
            route::matrix_with_progress(&graph, from, to, &|| progress.advance(1))
        }
    }

    /// Allocates demand rows (places as typed) over the capacity-limited network: most
    /// volume first, then the cheapest by the request's objective (cost when it has
    /// none), exactly: one pair by min-cost flow, several by a path-based linear program
    /// (column generation), with the saturated legs and places and their shadow prices.
    pub fn flow(&self, request: &FlowRequest) -> Result<FlowView, Error> {
        let mut routing = request.routing.clone();
        routing.by = Some(routing.by.unwrap_or(Objective::Cost));
        let profile = routing.profile(&self.network)?;
        let demands = request.demands(&self.network)?;
        let allocation = self.allocate(&profile, &demands)?;
        Ok(FlowView::new(&self.network, &allocation, profile.objective))
    }

    /// The allocation of the request's demand rows scaled by each of `factors` (in the
    /// order given, e.g. 0.5, 1, 1.5, 2, each from 0 to 1000): how delivered and unmet
    /// volume grow and which legs and places saturate first (`corridor flow
    /// --scale-demand`).
    ///
    /// ```
    /// use corridor::{DemandRow, Engine, FlowRequest};
    /// # fn main() -> Result<(), corridor::Error> {
    /// let row = DemandRow { from: "Tashkent".into(), to: "Almaty".into(), volume_teu_per_year: 1e5 };
    /// let request = FlowRequest { demands: vec![row], ..FlowRequest::default() };
    /// let levels = Engine::builtin().flow_levels(&request, &[1.0, 10.0])?;
    /// assert!(levels.levels[1].delivered_teu_per_year >= levels.levels[0].delivered_teu_per_year);
    /// # Ok(())
    /// # }
    /// ```
    pub fn flow_levels(
        &self,
        request: &FlowRequest,
        factors: &[f64],
    ) -> Result<view::DemandLevelsView, Error> {
        if let Some(bad) = factors
            .iter()
            .find(|f| !(f.is_finite() && **f >= 0.0 && **f <= 1000.0))
        {
            return Err(Error::invalid(
                "scale_demand",
                format!("{bad} is not a factor from 0 to 1000"),
            ));
        }
        let mut routing = request.routing.clone();
        routing.by = Some(routing.by.unwrap_or(Objective::Cost));
        let profile = routing.profile(&self.network)?;
        let demands = request.demands(&self.network)?;
        let levels = capacity::demand_levels(&self.compiled(&profile), &demands, factors)
            .map_err(flow_error)?;
        Ok(view::DemandLevelsView::new(
            &self.network,
            &levels,
            profile.objective,
        ))
    }

    /// [`Engine::flow`] on resolved demands, as the library's allocation.
    pub(crate) fn allocate(
        &self,
        profile: &Profile,
        demands: &[Demand],
    ) -> Result<capacity::Allocation, Error> {
        capacity::allocate(&self.compiled(profile), demands).map_err(flow_error)
    }

    /// Reads a demand CSV (`from,to,volume_teu_per_year`; places by id, name or
    /// alias) into the rows of a [`FlowRequest`], places named by id. Unknown places and
    /// bad volumes are errors located by `name` and line.
    ///
    /// ```
    /// use corridor::{Engine, FlowRequest};
    /// # fn main() -> Result<(), corridor::Error> {
    /// let engine = Engine::builtin();
    /// let demands = engine.read_demands("demand.csv", b"from,to,volume_teu_per_year\nXian,Duisburg,1000\n")?;
    /// assert_eq!((demands[0].from.as_str(), demands[0].to.as_str()), ("xian", "duisburg"));
    /// let flow = engine.flow(&FlowRequest { demands, ..FlowRequest::default() })?;
    /// assert_eq!(flow.delivered_teu_per_year, 1000.0);
    /// # Ok(())
    /// # }
    /// ```
    pub fn read_demands(&self, name: &str, bytes: &[u8]) -> Result<Vec<DemandRow>, Error> {
        let demands =
            crate::io::read_demands(&self.network, crate::io::Source { name, bytes })?;
        Ok(demands
            .iter()
            .map(|d| DemandRow {
                from: self.network.place(d.from).id.to_string(),
                to: self.network.place(d.to).id.to_string(),
                volume_teu_per_year: d.volume_teu_per_year,
            })
            .collect())
    }

    /// The best route on this engine's network (the baseline) and with `scenarios`
    /// applied, side by side. Places are resolved on the changed network (a scenario
    /// may add them) and found by id on the baseline. Fails only when neither has a
    /// route.
    ///
    /// ```
    /// use corridor::{Engine, RouteRequest, ScenarioFile};
    /// # fn main() -> Result<(), corridor::Error> {
    /// let closed = ScenarioFile::parse("closed.toml", b"format_version = 1\n[[close]]\ncountry = \"RU\"\n")?;
    /// let diff = Engine::builtin().diff(&RouteRequest::new("Xian", "Duisburg"), &[closed])?;
    /// assert!(diff.route_changed && diff.delta.is_some());
    /// # Ok(())
    /// # }
    /// ```
    pub fn diff(
        &self,
        request: &RouteRequest,
        scenarios: &[ScenarioFile],
    ) -> Result<DiffView, Error> {
        let diff = self.diff_routes(request, scenarios)?;
        Ok(DiffView::new(self.network(), &diff, scenarios))
    }

    /// [`Engine::diff`] as the library's routes, with the changed engine.
    pub fn diff_routes(
        &self,
        request: &RouteRequest,
        scenarios: &[ScenarioFile],
    ) -> Result<Diff, Error> {
        let changed = self.with_scenarios(scenarios)?;
        let (profile, query) = changed.resolve(request)?;
        let after = route::shortest(&changed.compiled(&profile), &query);
        let id = |p: PlaceId| self.network.place_by_id(&changed.network.place(p).id);
        let before = match (id(query.from), id(query.to)) {
            (Some(from), Some(to)) => {
                let baseline_query = Query {
                    from,
                    to,
                    via: query.via.iter().filter_map(|&v| id(v)).collect(),
                };
                let baseline_profile = request.profile(&self.network)?;
                route::shortest(&self.compiled(&baseline_profile), &baseline_query)
            }
            _ => None,
        };
        if before.is_none() && after.is_none() {
            return Err(changed.no_route(&profile, &query));
        }
        Ok(Diff {
            changed,
            baseline: before,
            scenario: after,
        })
    }

    /// Routes the request in `samples` draws of the uncertain quantities (reproducible
    /// from `seed`, the same whatever the thread count) and summarises door-to-door time
    /// and cost per route chosen.
    ///
    /// ```
    /// use corridor::{Engine, RouteRequest};
    /// # fn main() -> Result<(), corridor::Error> {
    /// let ferry = "format_version = 1\n[[uncertain]]\nmode = \"ferry\"\ntime = { dist = \"triangular\", low = 0.9, mode = 1.0, high = 2.0 }\n";
    /// let engine = Engine::builtin().with_scenario_toml("ferry.toml", ferry)?;
    /// let request = RouteRequest::new("Aktau", "Baku").corridor("trans-caspian");
    /// let sweep = engine.sweep(&request, 50, 7)?;
    /// assert_eq!(sweep, engine.sweep(&request, 50, 7)?); // same seed, same answer
    /// # Ok(())
    /// # }
    /// ```
    pub fn sweep(
        &self,
        request: &RouteRequest,
        samples: usize,
        seed: u64,
    ) -> Result<SweepView, Error> {
        self.sweep_with_progress(request, samples, seed, &())
    }

    /// [`Engine::sweep`], reporting the draws done to `progress`.
    pub fn sweep_with_progress(
        &self,
        request: &RouteRequest,
        samples: usize,
        seed: u64,
        progress: &dyn Progress,
    ) -> Result<SweepView, Error> {
        let (profile, query) = self.resolve(request)?;
        progress.stage("draws", samples as u64);
        let sweep = self.sweep_route(&profile, &query, samples, seed, &|| progress.advance(1))?;
        Ok(SweepView::new(&self.network, &sweep))
    }

    /// [`Engine::sweep`] as the library's [`scenario::Sweep`], calling `progress` once
    /// per finished draw.
    pub(crate) fn sweep_route(
        &self,
        profile: &Profile,
        query: &Query,
        samples: usize,
        seed: u64,
        progress: &(dyn Fn() + Sync),
    ) -> Result<scenario::Sweep, Error> {
        check_samples(samples)?;
        let sweep = scenario::sweep(
            &self.network,
            &self.uncertain,
            profile,
            query,
            samples,
            seed,
            progress,
        );
        if sweep.reached == 0 {
            return Err(self.no_route(profile, query));
        }
        Ok(sweep)
    }

    /// A sweep over every ordered pair of `places` (ids, names or aliases; all hubs —
    /// cities, ports and dry ports — when empty), one matrix per draw.
    pub fn sweep_places(
        &self,
        routing: &RouteRequest,
        places: &[String],
        samples: usize,
        seed: u64,
    ) -> Result<MatrixSweepView, Error> {
        self.sweep_places_with_progress(routing, places, samples, seed, &())
    }

    /// [`Engine::sweep_places`], reporting the draws done to `progress`.
    pub fn sweep_places_with_progress(
        &self,
        routing: &RouteRequest,
        places: &[String],
        samples: usize,
        seed: u64,
        progress: &dyn Progress,
    ) -> Result<MatrixSweepView, Error> {
        let profile = routing.profile(&self.network)?;
        let places = self.sweep_pairs_places(places)?;
        check_samples(samples)?;
        progress.stage("draws", samples as u64);
        let sweep = scenario::sweep_matrix(
            &self.network,
            &self.uncertain,
            &profile,
            &places,
            samples,
            seed,
            &|| progress.advance(1),
        );
        Ok(MatrixSweepView::new(&self.network, places.len(), &sweep))
    }

    /// The draws `draws` (a sub-range of `0..samples`) of [`Engine::sweep`], to compute
    /// apart (another process or machine) and merge with [`Engine::merge_sweep`].
    ///
    /// ```
    /// use corridor::{Engine, RouteRequest};
    /// # fn main() -> Result<(), corridor::Error> {
    /// let ferry = "format_version = 1\n[[uncertain]]\nmode = \"ferry\"\ntime = { dist = \"triangular\", low = 0.9, mode = 1.0, high = 2.0 }\n";
    /// let engine = Engine::builtin().with_scenario_toml("ferry.toml", ferry)?;
    /// let request = RouteRequest::new("Aktau", "Baku").corridor("trans-caspian");
    /// let parts = [engine.sweep_part(&request, 20..50, 7)?, engine.sweep_part(&request, 0..20, 7)?];
    /// assert_eq!(engine.merge_sweep(&request, 50, 7, &parts)?, engine.sweep(&request, 50, 7)?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn sweep_part(
        &self,
        request: &RouteRequest,
        draws: Range<usize>,
        seed: u64,
    ) -> Result<scenario::SweepPart, Error> {
        let (profile, query) = self.resolve(request)?;
        check_draws(&draws)?;
        Ok(scenario::sweep_part(
            &self.network,
            &self.uncertain,
            &profile,
            &query,
            draws.start as u64..draws.end as u64,
            seed,
            &|| {},
        ))
    }

    /// The sweep of `samples` draws from parts ([`Engine::sweep_part`]) covering
    /// `0..samples`, identical to [`Engine::sweep`] with the same arguments.
    pub fn merge_sweep(
        &self,
        request: &RouteRequest,
        samples: usize,
        seed: u64,
        parts: &[scenario::SweepPart],
    ) -> Result<SweepView, Error> {
        let (profile, query) = self.resolve(request)?;
        check_samples(samples)?;
        let sweep = scenario::merge_sweep(
            &self.network,
            &self.uncertain,
            &profile,
            &query,
            samples,
            seed,
            parts,
        )
        .map_err(|e| Error::invalid("parts", e.to_string()))?;
        if sweep.reached == 0 {
            return Err(self.no_route(&profile, &query));
        }
        Ok(SweepView::new(&self.network, &sweep))
    }

    /// The draws `draws` of [`Engine::sweep_places`], to compute apart and merge with
    /// [`Engine::merge_sweep_places`].
    pub fn sweep_places_part(
        &self,
        routing: &RouteRequest,
        places: &[String],
        draws: Range<usize>,
        seed: u64,
    ) -> Result<scenario::MatrixSweepPart, Error> {
        let profile = routing.profile(&self.network)?;
        let places = self.sweep_pairs_places(places)?;
        check_draws(&draws)?;
        Ok(scenario::sweep_matrix_part(
            &self.network,
            &self.uncertain,
            &profile,
            &places,
            draws.start as u64..draws.end as u64,
            seed,
            &|| {},
        ))
    }

    /// The sweep over pairs of `samples` draws from parts
    /// ([`Engine::sweep_places_part`]) covering each draw once, identical to
    /// [`Engine::sweep_places`] with the same arguments.
    pub fn merge_sweep_places(
        &self,
        routing: &RouteRequest,
        places: &[String],
        samples: usize,
        seed: u64,
        parts: &[scenario::MatrixSweepPart],
    ) -> Result<MatrixSweepView, Error> {
        routing.profile(&self.network)?;
        let ids = self.sweep_pairs_places(places)?;
        check_samples(samples)?;
        let mut total = scenario::MatrixSweepPart::default();
        for (i, part) in parts.iter().enumerate() {
            if i == 0 {
                total = part.clone();
            } else {
                total.merge(part)?;
            }
        }
        if total.places() != ids.len() {
            return Err(Error::invalid(
                "parts",
                format!(
                    "the parts are over {} places, not {}",
                    total.places(),
                    ids.len()
                ),
            ));
        }
        if total.draws() != samples as u64 {
            return Err(Error::invalid(
                "parts",
                format!("the parts cover {} draws, not {samples}", total.draws()),
            ));
        }
        let sweep = total.finish(&ids, samples, seed);
        Ok(MatrixSweepView::new(&self.network, ids.len(), &sweep))
    }

    /// The places of a sweep over pairs: those named (duplicates once), or every hub
    /// when none is named; at least two.
    pub fn sweep_pairs_places(&self, names: &[String]) -> Result<Vec<PlaceId>, Error> {
        request::sweep_places(&self.network, names)
    }

    /// The "no route" error for a query, with the reason.
    pub fn no_route(&self, profile: &Profile, query: &Query) -> Error {
        no_route_error(&self.network, profile, query)
    }
}

/// What long work reports as it goes: the size of each stage, then the units done
/// (called from worker threads). The CLI draws a progress bar from it; `()` reports
/// nothing.
pub trait Progress: Sync {
    /// A stage of `total` units begins (`name` says what a unit is).
    fn stage(&self, name: &str, total: u64) {
        let _ = (name, total);
    }
    /// `units` more are done.
    fn advance(&self, units: u64) {
        let _ = units;
    }
}

impl Progress for () {}

/// The best route without and with scenarios ([`Engine::diff_routes`]).
#[derive(Clone, Debug)]
pub struct Diff {
    /// The engine with the scenarios applied.
    pub changed: Engine,
    /// The best route on the baseline network, if any.
    pub baseline: Option<route::Route>,
    /// The best route with the scenarios, if any.
    pub scenario: Option<route::Route>,
}

/// The most draws a sweep takes (10^7: hours of computing on the built-in network).
pub const MAX_SAMPLES: usize = 10_000_000;

fn flow_error(e: capacity::FlowError) -> Error {
    match e {
        capacity::FlowError::BadVolume { .. } => Error::invalid("demands", e.to_string()),
        capacity::FlowError::Solver(_) => Error::TooLarge(e.to_string()),
    }
}

fn check_draws(draws: &Range<usize>) -> Result<(), Error> {
    if draws.start >= draws.end || draws.end > MAX_SAMPLES {
        return Err(Error::invalid(
            "draws",
            format!(
                "{}..{}: expected a non-empty range of draws within 0..{MAX_SAMPLES}",
                draws.start, draws.end
            ),
        ));
    }
    Ok(())
}

fn check_samples(samples: usize) -> Result<(), Error> {
    if samples == 0 || samples > MAX_SAMPLES {
        return Err(Error::invalid(
            "samples",
            format!("{samples}: expected 1 to {MAX_SAMPLES} draws"),
        ));
    }
    Ok(())
}

impl Engine {
    /// The most draws a sweep takes (10^7: hours of computing on the built-in network).
    pub const MAX_SAMPLES: usize = MAX_SAMPLES;

    /// The most routes [`Engine::alternatives`] lists: Yen's algorithm runs one search
    /// per deviation of every route found, so a very large k takes minutes.
    pub const MAX_ALTERNATIVES: usize = MAX_ALTERNATIVES;

    /// The most via places a request may name.
    pub const MAX_VIA: usize = MAX_VIA;

    /// The version of the snapshot format [`Engine::snapshot`] writes; older or newer
    /// files are refused with an error saying so.
    pub const SNAPSHOT_FORMAT: u32 = snapshot::FORMAT_VERSION;

    /// The network compiled into a snapshot (the bytes of a `corridor build` file):
    /// validated network in locality order ([`Network::in_locality_order`], for networks
    /// of 16,384 places or more: smaller ones keep their order), for each objective in `graphs` or
    /// `hierarchies` the graph compiled for its default profile ([`Profile::new`]), so
    /// that requests by that objective need no compiling, and for each objective in
    /// `hierarchies` a contraction hierarchy (preprocessed here on the current rayon
    /// pool, reported to `progress` in states). [`Engine::load`] reads it back.
    ///
    /// ```
    /// use corridor::{Engine, Objective};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let bytes = Engine::builtin().snapshot(&[Objective::Time], &[Objective::Cost], &());
    /// let path = std::env::temp_dir().join(format!("corridor-doc-{}.corridor", std::process::id()));
    /// std::fs::write(&path, &bytes)?;
    /// let engine = Engine::load(&path)?;
    /// std::fs::remove_file(&path)?;
    /// assert_eq!(engine.network().places().len(), Engine::builtin().network().places().len());
    /// # Ok(())
    /// # }
    /// ```
    pub fn snapshot(
        &self,
        graphs: &[Objective],
        hierarchies: &[Objective],
        progress: &dyn Progress,
    ) -> Vec<u8> {
        self.clone().into_snapshot(graphs, hierarchies, progress)
    }

    /// [`Engine::snapshot`], freeing this engine (when no clone of it is left) before
    /// the graphs and hierarchies are compiled where the snapshot stores the network in
    /// another order: building the snapshot of a large network then holds one copy of
    /// it while preprocessing, not two (`corridor build`).
    pub fn into_snapshot(
        self,
        graphs: &[Objective],
        hierarchies: &[Objective],
        progress: &dyn Progress,
    ) -> Vec<u8> {
        match self.network.localized(Network::LOCALITY_FROM_PLACES) {
            Some(local) => {
                drop(self);
                Engine::new(local).snapshot_as_is(graphs, hierarchies, progress)
            }
            None => self.snapshot_as_is(graphs, hierarchies, progress),
        }
    }

    /// [`Engine::snapshot`] of the network in its own order.
    fn snapshot_as_is(
        &self,
        graphs: &[Objective],
        hierarchies: &[Objective],
        progress: &dyn Progress,
    ) -> Vec<u8> {
        let mut compiled: Vec<Objective> = Vec::new();
        for &objective in graphs.iter().chain(hierarchies) {
            if !compiled.contains(&objective) {
                compiled.push(objective);
            }
        }
        let parts: Vec<_> = compiled
            .iter()
            .filter_map(|&objective| self.compiled(&Profile::new(objective)).to_parts())
            .collect();
        let mut stored = Vec::new();
        for &objective in hierarchies {
            if stored
                .iter()
                .any(|s: &snapshot::StoredHierarchy| s.objective == objective)
            {
                continue;
            }
            let graph = self.compiled(&Profile::new(objective));
            progress.stage(
                &format!("contraction hierarchy by {objective}"),
                graph.state_count() as u64,
            );
            let reported = std::sync::atomic::AtomicUsize::new(0);
            let hierarchy = Hierarchy::with_progress(&graph, &|done, _| {
                let before = reported.swap(done, std::sync::atomic::Ordering::Relaxed);
                progress.advance(done.saturating_sub(before) as u64);
            });
            stored.push(snapshot::StoredHierarchy {
                objective,
                parts: hierarchy.to_parts(),
            });
        }
        snapshot::to_bytes_with_graphs(&self.network, &parts, &stored)
    }

    /// A self-contained HTML report comparing the corridors between the request's
    /// places (`corridor report`): the best route per corridor with legs, transfers,
    /// borders and bottleneck on a map, the corridors that cannot serve the pair and
    /// why, and, when the scenarios applied declare uncertain quantities, the spread of
    /// door-to-door days per corridor over `samples` draws from `seed`. `scenarios`
    /// names the scenario files applied, for the report's header.
    ///
    /// ```
    /// use corridor::{Engine, RouteRequest};
    /// # fn main() -> Result<(), corridor::Error> {
    /// let html = Engine::builtin().report(&RouteRequest::new("Xian", "Duisburg"), 100, 1, &[])?;
    /// assert!(html.starts_with("<!DOCTYPE html>") && html.contains("trans-caspian"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn report(
        &self,
        request: &RouteRequest,
        samples: usize,
        seed: u64,
        scenarios: &[String],
    ) -> Result<String, Error> {
        check_samples(samples)?;
        let network = &*self.network;
        let (profile, query) = self.resolve(request)?;
        let comparison = self.comparison(&profile, &query)?;
        let overall = comparison
            .best
            .as_ref()
            .filter(|_| profile.only_corridors.is_empty());
        let unserved = comparison
            .unserved
            .iter()
            .map(|u| {
                (
                    network.corridor_name(u.corridor).to_owned(),
                    u.reason.explain(network, &query),
                )
            })
            .collect();
        // Reliability: a sweep per corridor when the scenarios declare uncertainty.
        let (spreads, spread_note) = if self.uncertain.is_empty() {
            (
                Vec::new(),
                Some(
                    "No uncertain quantities: add a scenario with [[uncertain]] entries (e.g. --scenario data/scenarios/uncertainty.toml) to see the spread of door-to-door days per corridor."
                        .to_owned(),
                ),
            )
        } else {
            let tags: Vec<_> = comparison.corridors.iter().map(|c| c.corridor).collect();
            let sweeps = scenario::corridor_sweeps(
                network,
                &self.uncertain,
                &profile,
                &query,
                &tags,
                samples,
                seed,
            );
            let spreads = tags
                .iter()
                .zip(sweeps)
                .map(|(&tag, sweep)| crate::map::report::Spread {
                    corridor: network.corridor_name(tag).to_owned(),
                    hours: sweep.time_h_draws,
                    samples: sweep.samples,
                })
                .collect();
            (spreads, None)
        };
        let meta = network.meta();
        let mut context = vec![format!(
            "Network: {}{} · best route per corridor by {} · value of time {} USD per TEU-hour",
            meta.name,
            if meta.version.is_empty() {
                String::new()
            } else {
                format!(" ({})", meta.version)
            },
            profile.objective,
            profile.value_of_time(network)
        )];
        if !scenarios.is_empty() {
            context.push(format!("Scenarios: {}", scenarios.join(", ")));
        }
        if !self.uncertain.is_empty() {
            context.push(format!(
                "Reliability: {samples} draws per corridor, seed {seed}"
            ));
        }
        let title = format!(
            "{} → {}: corridor comparison",
            network.place(query.from).name,
            network.place(query.to).name
        );

        Ok(crate::map::report::html(
            network,
            crate::map::world(),
            &crate::map::report::Report {
                title,
                context,
                corridors: &comparison.corridors,
                overall,
                unserved,
                spreads,
                spread_note,
            },
        ))
    }
}

/// The engine's compiled graphs and stored hierarchies, for the repository's tests and
/// benchmarks (feature `internals`).
#[cfg(feature = "internals")]
impl Engine {
    /// An engine over a loaded snapshot, with its contraction hierarchies; `file` names
    /// the snapshot in errors.
    pub fn from_snapshot(file: &str, snapshot: Snapshot) -> Engine {
        Engine::with_snapshot(file, snapshot)
    }

    /// The contraction hierarchy of a snapshot for `profile`, checked against the
    /// network's graph on first use; `None` when the snapshot has none for it.
    pub fn stored_hierarchy(&self, profile: &Profile) -> Result<Option<Arc<Hierarchy>>, Error> {
        self.stored(profile)
    }

    /// The compiled graph for `profile`, from the cache or compiled now.
    pub fn graph(&self, profile: &Profile) -> Arc<Graph<'static>> {
        self.compiled(profile)
    }
}
