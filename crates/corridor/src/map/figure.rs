//! The figures of routing answers, as the CLI and the server draw them: which routes,
//! labelled how, under which title; as SVG or GeoJSON.

use std::sync::OnceLock;

use super::{MapOptions, MapRoute, World};
use crate::graph::{Criterion, Objective};
use crate::model::Network;
use crate::route::{Comparison, Route};

/// Width of the SVG maps of routing answers, in pixels.
const WIDTH_PX: f64 = 1000.0;

/// Routes to draw with their labels and a title.
///
/// ```
/// use corridor::{Engine, Figure, RouteRequest};
/// # fn main() -> Result<(), corridor::Error> {
/// let engine = Engine::builtin();
/// let (profile, query) = engine.resolve(&RouteRequest::new("Tashkent", "Almaty"))?;
/// let route = engine.shortest(&profile, &query)?;
/// let figure = Figure::route(engine.network(), &route, profile.objective);
/// assert!(figure.svg(engine.network()).starts_with("<svg"));
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Figure<'r> {
    /// The title above the map.
    pub(crate) title: String,
    /// The routes, in legend order.
    pub(crate) routes: Vec<MapRoute<'r>>,
    /// Whether GeoJSON features carry the labels (compare's corridor names) or none.
    pub(crate) label_features: bool,
}

impl<'r> Figure<'r> {
    /// One route: `route --format svg|geojson`.
    pub fn route(network: &Network, route: &'r Route, objective: Objective) -> Figure<'r> {
        let label = route
            .corridors
            .first()
            .map_or("route".to_owned(), |&c| network.corridor_name(c).to_owned());
        Figure {
            title: format!("{}, best by {objective}", pair(network, route)),
            routes: vec![MapRoute { label, route }],
            label_features: false,
        }
    }

    /// The best route overall and per corridor: `compare --format svg|geojson`. `None`
    /// when there is no route at all.
    pub fn compare(
        network: &Network,
        comparison: &'r Comparison,
        objective: Objective,
    ) -> Option<Figure<'r>> {
        let best = comparison.best.as_ref()?;
        let best_label = format!(
            "best ({})",
            best.corridors
                .first()
                .map_or("untagged", |&c| network.corridor_name(c))
        );
        let routes = std::iter::once(MapRoute {
            label: best_label,
            route: best,
        })
        .chain(comparison.corridors.iter().map(|c| MapRoute {
            label: network.corridor_name(c.corridor).to_owned(),
            route: &c.route,
        }))
        .collect();
        Some(Figure {
            title: format!(
                "{}: best route overall and per corridor, by {objective}",
                pair(network, best)
            ),
            routes,
            label_features: true,
        })
    }

    /// The k best loopless routes: `alternatives --format svg|geojson`.
    pub fn alternatives(network: &Network, found: &'r [Route], objective: Objective) -> Figure<'r> {
        let title = match found.first() {
            Some(first) => format!(
                "{}: the {} best routes by {objective}",
                pair(network, first),
                found.len()
            ),
            None => "no route".to_owned(),
        };
        Figure::numbered(network, found, title)
    }

    /// A Pareto set: `pareto --format svg|geojson`.
    pub fn pareto(network: &Network, found: &'r [Route], criteria: &[Criterion]) -> Figure<'r> {
        let names: Vec<&str> = criteria.iter().map(|c| c.as_str()).collect();
        let title = match found.first() {
            Some(first) => format!(
                "{}: routes not beaten on {} at once",
                pair(network, first),
                names.join(", ")
            ),
            None => "no route".to_owned(),
        };
        Figure::numbered(network, found, title)
    }

    /// The best route without and with scenarios: `diff --format svg`. Both routes are
    /// drawn on the changed network (scenarios only append places and legs, so indices
    /// of the baseline stay valid there).
    pub fn diff(
        changed: &Network,
        baseline: Option<&'r Route>,
        scenario: Option<&'r Route>,
    ) -> Figure<'r> {
        let mut routes = Vec::new();
        if let Some(route) = baseline {
            routes.push(MapRoute {
                label: "baseline".to_owned(),
                route,
            });
        }
        if let Some(route) = scenario {
            routes.push(MapRoute {
                label: "scenario".to_owned(),
                route,
            });
        }
        let title = match baseline.or(scenario) {
            Some(route) => format!("{}: without and with the scenario", pair(changed, route)),
            None => "without and with the scenario".to_owned(),
        };
        Figure {
            title,
            routes,
            label_features: true,
        }
    }

    fn numbered(network: &Network, found: &'r [Route], title: String) -> Figure<'r> {
        let routes = found
            .iter()
            .enumerate()
            .map(|(i, route)| MapRoute {
                label: match route.corridors.first() {
                    Some(&c) => format!("{} {}", i + 1, network.corridor_name(c)),
                    None => format!("{}", i + 1),
                },
                route,
            })
            .collect();
        Figure {
            title,
            routes,
            label_features: false,
        }
    }

    /// The figure as an SVG map over the built-in country outlines.
    pub fn svg(&self, network: &Network) -> String {
        let options = MapOptions {
            title: self.title.clone(),
            width_px: WIDTH_PX,
        };
        super::svg(network, world(), &self.routes, &options)
    }

    /// The figure as a GeoJSON FeatureCollection: one LineString per leg and one Point
    /// per transfer, with `route` (index) and `label` (e.g. the corridor) properties.
    pub fn geojson(&self, network: &Network) -> serde_json::Value {
        let routes: Vec<(Option<&str>, &Route)> = self
            .routes
            .iter()
            .map(|m| (self.label_features.then_some(m.label.as_str()), m.route))
            .collect();
        crate::engine::view::geojson(network, &routes)
    }
}

/// The built-in outlines, parsed once (empty if a build embedded broken data, which the
/// tests rule out).
pub(crate) fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| crate::builtin::world().unwrap_or_else(|_| World::empty()))
}

/// `Xi'an → Duisburg`.
fn pair(network: &Network, route: &Route) -> String {
    format!(
        "{} → {}",
        network.place(route.from).name,
        network.place(route.to).name
    )
}
