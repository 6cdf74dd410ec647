//! Routes on a map: an SVG document with country outlines, the routes in colour by
//! corridor, modes told apart by line style, labelled transfer points and a legend.
//!
//! The projection is an Albers equal-area conic fitted to the routes (standard parallels
//! at one sixth and five sixths of their latitude range, centred on their longitudes),
//! which keeps Eurasia's shapes recognisable from Rotterdam to Shanghai. Output is
//! deterministic: the same input gives the same bytes.

pub mod describe;
mod figure;
mod project;
pub mod report;
mod world;

use std::collections::HashSet;
use std::fmt::Write as _;

pub use figure::Figure;
pub(crate) use figure::world;
#[cfg(feature = "internals")]
pub use world::CountryShape;
pub use world::World;

use crate::graph::TransferKind;
use crate::model::{Coord, Leg, Mode, Network, PlaceId, Status, grouped};
use crate::route::{Route, RouteLeg};
use project::{Albers, Bounds};

/// One route to draw, with its legend label (e.g. the corridor) and summary.
#[derive(Clone, Debug)]
pub struct MapRoute<'a> {
    /// Legend label, e.g. `northern` or `route 2`.
    pub label: String,
    /// The route.
    pub route: &'a Route,
}

/// How to draw.
#[derive(Clone, Debug)]
pub struct MapOptions {
    /// Title at the top.
    pub title: String,
    /// Width in pixels (the height follows the routes' shape).
    pub width_px: f64,
}

/// Colours for routes, distinguishable with colour-blindness (Okabe–Ito).
pub const PALETTE: [&str; 8] = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C6D1F", "#000000",
];

const FONT: f64 = 11.0;
const CHAR_W: f64 = 6.1;

/// Escapes text for XML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn num(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    let text = format!("{rounded:.1}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

/// The points a map draws a leg through (WGS84, from its start to its end): great
/// circles from its start through its [`Leg::drawn_via`] points (a sea lane around a
/// cape, through a strait) to its end, a point about every 150 km.
pub fn leg_path(leg: &Leg, network: &Network) -> Vec<Coord> {
    path_through(
        network.place(leg.from).coord,
        leg.drawn_via.iter().copied(),
        network.place(leg.to).coord,
    )
}

/// The points a map draws a route's leg through, in the direction travelled
/// ([`leg_path`], reversed when the leg is travelled `to → from`).
pub fn route_leg_path(leg: &RouteLeg, network: &Network) -> Vec<Coord> {
    let mut path = leg_path(network.leg(leg.leg.leg()), network);
    if leg.leg.is_reverse() {
        path.reverse();
    }
    path
}

/// Great circles from `a` through `via` to `b`, a point about every 150 km.
fn path_through(a: Coord, via: impl Iterator<Item = Coord>, b: Coord) -> Vec<Coord> {
    let mut path = vec![a];
    let mut last = a;
    for next in via.chain(std::iter::once(b)) {
        path.extend(densify(last, next).into_iter().skip(1));
        last = next;
    }
    path
}

/// Points along the great circle between two places, every ~150 km.
fn densify(a: Coord, b: Coord) -> Vec<Coord> {
    use geo::{Haversine, InterpolatePoint, Point};
    let km = a.distance_km(b);
    let steps = ((km / 150.0).ceil() as usize).clamp(1, 200);
    (0..=steps)
        .map(|i| {
            let p = Haversine.point_at_ratio_between(
                Point::new(a.lon, a.lat),
                Point::new(b.lon, b.lat),
                i as f64 / steps as f64,
            );
            Coord {
                lon: p.x(),
                lat: p.y(),
            }
        })
        .collect()
}

/// How important a place's label is (lower is more important).
fn label_rank(route: &Route, place: PlaceId) -> Option<u8> {
    if place == route.from || place == route.to {
        return Some(0);
    }
    route
        .transfers
        .iter()
        .filter(|t| t.transfer.place == place)
        .map(|t| match t.transfer.kind {
            TransferKind::ModeChange { .. } | TransferKind::Transshipment { .. } => 1,
            TransferKind::GaugeChange { .. } => 2,
            TransferKind::Wait { .. } => 3,
            TransferKind::BorderEntry { .. } | TransferKind::BorderExit { .. } => 4,
        })
        .min()
}

/// Draws `routes` on `world` as an SVG document.
pub fn svg(
    network: &Network,
    world: &World,
    routes: &[MapRoute<'_>],
    options: &MapOptions,
) -> String {
    // The places and leg shapes to fit.
    let mut shapes: Vec<Vec<Vec<Coord>>> = Vec::new();
    let mut all: Vec<Coord> = Vec::new();
    for r in routes {
        let legs: Vec<Vec<Coord>> = r
            .route
            .legs
            .iter()
            .map(|leg| route_leg_path(leg, network))
            .collect();
        all.extend(legs.iter().flatten().copied());
        all.push(network.place(r.route.from).coord);
        shapes.push(legs);
    }
    if all.is_empty() {
        all.push(Coord {
            lon: 60.0,
            lat: 40.0,
        });
        all.push(Coord {
            lon: 61.0,
            lat: 41.0,
        });
    }
    let projection = Albers::fit(&all);
    let width = options.width_px.max(200.0);
    let legend_lines = routes.len() + 1;
    let legend_h = 16.0 * legend_lines as f64 + 14.0;
    let view = Bounds::of(all.iter().map(|&c| projection.project(c)));
    let frame = view.fit(width, 36.0, 24.0, legend_h);
    let to_screen = |c: Coord| frame.screen(projection.project(c));
    let height = frame.height;

    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"{FONT}\">",
        w = num(width),
        h = num(height)
    );
    let _ = writeln!(
        out,
        "<rect width=\"100%\" height=\"100%\" fill=\"#dceaf5\"/>"
    );

    // Countries near the routes.
    let lon_lat = project::LonLatBox::of(&all).expanded(30.0, 18.0);
    let _ = writeln!(
        out,
        "<g fill=\"#f3f1ec\" stroke=\"#b9b4a9\" stroke-width=\"0.6\">"
    );
    for country in &world.countries {
        for polygon in &country.polygons {
            if !lon_lat.touches(polygon) {
                continue;
            }
            let mut d = String::new();
            for (i, &[lon, lat]) in polygon.iter().enumerate() {
                let (x, y) = to_screen(Coord { lon, lat });
                let _ = write!(d, "{}{} {}", if i == 0 { "M" } else { "L" }, num(x), num(y));
            }
            d.push('Z');
            let _ = writeln!(
                out,
                "<path d=\"{d}\"><title>{}</title></path>",
                escape(&country.name)
            );
        }
    }
    let _ = writeln!(out, "</g>");

    // Routes: the first (best) drawn last and thinnest, so shared legs show every route
    // as nested stripes.
    let n = routes.len();
    for (i, (r, legs)) in routes.iter().zip(&shapes).enumerate().rev() {
        let colour = PALETTE[i % PALETTE.len()];
        let width = 2.5 + 2.0 * (n - 1 - i) as f64;
        let _ = writeln!(
            out,
            "<g class=\"route\" data-route=\"{i}\" fill=\"none\" stroke=\"{colour}\" stroke-linejoin=\"round\"><title>{}</title>",
            escape(&r.label)
        );
        for (leg, points) in r.route.legs.iter().zip(legs) {
            let data = network.leg(leg.leg.leg());
            let mut d = String::new();
            for (k, &c) in points.iter().enumerate() {
                let (x, y) = to_screen(c);
                let _ = write!(d, "{}{} {}", if k == 0 { "M" } else { "L" }, num(x), num(y));
            }
            let dash = match data.mode {
                Mode::Rail => "",
                Mode::Road => " stroke-dasharray=\"0.1 5\" stroke-linecap=\"round\"",
                Mode::Sea | Mode::Ferry => " stroke-dasharray=\"9 5\"",
            };
            let planned = if data.status == Status::Operational {
                ""
            } else {
                " stroke-opacity=\"0.45\""
            };
            let _ = writeln!(
                out,
                "<path class=\"leg {}\" d=\"{d}\" stroke-width=\"{}\"{dash}{planned}><title>{} → {} ({}{})</title></path>",
                data.mode,
                num(width),
                escape(&network.place(leg.from).name),
                escape(&network.place(leg.to).name),
                data.mode,
                if data.status == Status::Operational {
                    String::new()
                } else {
                    format!(", {}", data.status)
                }
            );
        }
        let _ = writeln!(out, "</g>");
    }

    // Places: origins and destinations, then transfer points; labels without overlap.
    let mut marks: Vec<(u8, usize, PlaceId)> = Vec::new();
    let mut seen: HashSet<PlaceId> = HashSet::new();
    for (i, r) in routes.iter().enumerate() {
        for place in r.route.places() {
            if let Some(rank) = label_rank(r.route, place)
                && seen.insert(place)
            {
                marks.push((rank, i, place));
            }
        }
    }
    marks.sort();
    let mut taken: Vec<(f64, f64, f64, f64)> = vec![
        (0.0, 0.0, width, 30.0),
        (8.0, height - legend_h - 8.0, 8.0 + 470.0, height - 8.0),
    ];
    let mut dots = String::new();
    let mut labels = String::new();
    for &(rank, i, place) in &marks {
        let (x, y) = to_screen(network.place(place).coord);
        let (r, fill, stroke) = if rank == 0 {
            (4.5, "#222", "#fff")
        } else {
            (2.8, "#fff", PALETTE[i % PALETTE.len()])
        };
        let _ = writeln!(
            dots,
            "<circle cx=\"{}\" cy=\"{}\" r=\"{r}\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.4\"><title>{}</title></circle>",
            num(x),
            num(y),
            escape(&network.place(place).name)
        );
        let name = &network.place(place).name;
        let w = CHAR_W * name.chars().count() as f64;
        let candidates = [
            (x + 7.0, y + 4.0, "start", x + 6.0, y - 8.0),
            (x - 7.0, y + 4.0, "end", x - 7.0 - w, y - 8.0),
            (x, y - 8.0, "middle", x - w / 2.0, y - 20.0),
            (x, y + 16.0, "middle", x - w / 2.0, y + 5.0),
        ];
        for (tx, ty, anchor, bx, by) in candidates {
            let boxed = (bx, by, bx + w, by + 13.0);
            let overlaps = taken
                .iter()
                .any(|t| boxed.0 < t.2 && t.0 < boxed.2 && boxed.1 < t.3 && t.1 < boxed.3);
            let inside = boxed.0 >= 2.0
                && boxed.2 <= width - 2.0
                && boxed.1 >= 2.0
                && boxed.3 <= height - 2.0;
            if !overlaps && inside {
                taken.push(boxed);
                let weight = if rank == 0 {
                    " font-weight=\"bold\""
                } else {
                    ""
                };
                let _ = writeln!(
                    labels,
                    "<text x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\"{weight} paint-order=\"stroke\" stroke=\"#fff\" stroke-width=\"3\" stroke-linejoin=\"round\">{}</text>",
                    num(tx),
                    num(ty),
                    escape(name)
                );
                break;
            }
        }
    }
    out.push_str(&dots);
    out.push_str(&labels);

    // Title and legend.
    let _ = writeln!(
        out,
        "<text x=\"12\" y=\"22\" font-size=\"15\" font-weight=\"bold\">{}</text>",
        escape(&options.title)
    );
    let top = height - legend_h - 8.0;
    let _ = writeln!(
        out,
        "<g><rect x=\"8\" y=\"{}\" width=\"470\" height=\"{}\" rx=\"4\" fill=\"#fff\" fill-opacity=\"0.9\" stroke=\"#999\" stroke-width=\"0.5\"/>",
        num(top),
        num(legend_h)
    );
    for (i, r) in routes.iter().enumerate() {
        let y = top + 16.0 * (i as f64 + 1.0);
        let t = &r.route.totals;
        let _ = writeln!(
            out,
            "<line x1=\"16\" y1=\"{y0}\" x2=\"40\" y2=\"{y0}\" stroke=\"{}\" stroke-width=\"3\"/><text x=\"46\" y=\"{y1}\">{} — {} d · {} USD/TEU · {} kg CO2e</text>",
            PALETTE[i % PALETTE.len()],
            escape(&r.label),
            num(t.time_h / 24.0),
            grouped(t.cost_usd),
            grouped(t.co2_kg),
            y0 = num(y - 4.0),
            y1 = num(y),
        );
    }
    let y = top + 16.0 * (routes.len() as f64 + 1.0);
    let _ = writeln!(
        out,
        "<g stroke=\"#444\" stroke-width=\"2\" fill=\"none\"><line x1=\"16\" y1=\"{a}\" x2=\"40\" y2=\"{a}\"/><line x1=\"110\" y1=\"{a}\" x2=\"134\" y2=\"{a}\" stroke-dasharray=\"0.1 5\" stroke-linecap=\"round\"/><line x1=\"206\" y1=\"{a}\" x2=\"230\" y2=\"{a}\" stroke-dasharray=\"9 5\"/><line x1=\"320\" y1=\"{a}\" x2=\"344\" y2=\"{a}\" stroke-opacity=\"0.45\"/></g><g fill=\"#333\"><text x=\"46\" y=\"{b}\">rail</text><text x=\"140\" y=\"{b}\">road</text><text x=\"236\" y=\"{b}\">sea, ferry</text><text x=\"350\" y=\"{b}\">planned</text></g></g>",
        a = num(y - 4.0),
        b = num(y)
    );
    let _ = writeln!(out, "</svg>");
    out
}
