//! Small random multimodal networks (proptest strategies), written as CSV and loaded
//! through the real loader so every network obeys its invariants.

use corridor::Network;
use proptest::prelude::*;

use crate::fixtures::load_text;

/// One generated place.
#[derive(Clone, Debug)]
pub struct PlaceSpec {
    pub lat: f64,
    pub lon: f64,
    pub country: &'static str,
    pub kind: &'static str,
    pub mode_change: (u8, u16),
    pub gauge_change: (u8, u16),
    pub border: (u8, u16),
    pub border_exit: (u8, u16),
    pub headway: u8,
    pub capacity: Option<u16>,
}

/// One generated leg (endpoints as indices).
#[derive(Clone, Debug)]
pub struct LegSpec {
    pub from: usize,
    pub to: usize,
    pub mode: &'static str,
    pub gauge: Option<u16>,
    pub extra_km: u16,
    pub time_h: u16,
    pub cost_usd: u16,
    pub one_way: bool,
    pub headway: u8,
    pub corridor: &'static str,
    pub capacity: Option<u16>,
}

/// How rich the generated networks are.
#[derive(Clone, Debug)]
pub struct Shape {
    pub places: std::ops::RangeInclusive<usize>,
    pub legs: std::ops::RangeInclusive<usize>,
    /// Only road legs, one country, no transfers (for comparisons with petgraph).
    pub plain: bool,
}

fn place(plain: bool) -> impl Strategy<Value = PlaceSpec> {
    let pair = || (0u8..20, 0u16..300);
    (
        (40.0f64..41.0, 60.0f64..61.5),
        prop::sample::select(vec!["KZ", "UZ", "RU", ""]),
        prop::sample::select(vec!["city", "port", "waypoint"]),
        (pair(), pair(), pair(), pair()),
        prop_oneof![Just(0u8), 1u8..60],
        capacity(),
    )
        .prop_map(
            move |((lat, lon), country, kind, (m, g, b, e), headway, capacity)| {
                if plain {
                    PlaceSpec {
                        lat,
                        lon,
                        country: "KZ",
                        kind: "city",
                        mode_change: (0, 0),
                        gauge_change: (0, 0),
                        border: (0, 0),
                        border_exit: (0, 0),
                        headway: 0,
                        capacity,
                    }
                } else {
                    PlaceSpec {
                        lat,
                        lon,
                        country,
                        kind,
                        mode_change: m,
                        gauge_change: g,
                        border: b,
                        border_exit: e,
                        headway,
                        capacity,
                    }
                }
            },
        )
}

/// Mostly unlimited; sometimes a small capacity (zero included).
fn capacity() -> impl Strategy<Value = Option<u16>> {
    prop_oneof![2 => Just(None), 1 => (0u16..120).prop_map(Some)]
}

fn leg(places: usize, plain: bool) -> impl Strategy<Value = LegSpec> {
    (
        (0..places, 1..places),
        prop::sample::select(vec!["rail", "road", "sea", "ferry"]),
        prop::sample::select(vec![None, Some(1435u16), Some(1520)]),
        (0u16..200, 1u16..40, 0u16..900),
        prop::bool::weighted(0.2),
        prop_oneof![3 => Just(0u8), 1 => 1u8..50],
        (prop::sample::select(vec!["", "east", "west"]), capacity()),
    )
        .prop_map(
            move |(
                (from, shift),
                mode,
                gauge,
                (extra_km, time_h, cost_usd),
                one_way,
                headway,
                (corridor, capacity),
            )| {
                let to = (from + shift) % places;
                if plain {
                    LegSpec {
                        from,
                        to,
                        mode: "road",
                        gauge: None,
                        extra_km,
                        time_h,
                        cost_usd,
                        one_way,
                        headway: 0,
                        corridor,
                        capacity,
                    }
                } else {
                    LegSpec {
                        from,
                        to,
                        mode,
                        gauge: if mode == "rail" { gauge } else { None },
                        extra_km,
                        time_h,
                        cost_usd,
                        one_way,
                        headway,
                        corridor,
                        capacity,
                    }
                }
            },
        )
}

/// A random network of the given shape, with its value of time and wait factor varied.
pub fn network(shape: Shape) -> impl Strategy<Value = Network> {
    specs(shape)
        .prop_map(|(places, legs, (dwell, fee, vot))| build(&places, &legs, dwell, fee, vot))
}

/// As [`network`], with legs of a few costs, times and detours only (USD 0, 100 or 200;
/// 1 to 4 hours; 0 or 100 km beyond the great circle), so that different routes often
/// tie on one figure and differ on another.
pub fn network_with_ties(shape: Shape) -> impl Strategy<Value = Network> {
    specs(shape).prop_map(|(places, mut legs, (dwell, fee, vot))| {
        for leg in &mut legs {
            leg.cost_usd = 100 * (leg.cost_usd % 3);
            leg.time_h = 1 + leg.time_h % 4;
            leg.extra_km = 100 * (leg.extra_km % 2);
        }
        build(&places, &legs, dwell, fee, vot)
    })
}

type Specs = (Vec<PlaceSpec>, Vec<LegSpec>, (f64, f64, f64));

fn specs(shape: Shape) -> impl Strategy<Value = Specs> {
    let plain = shape.plain;
    (shape.places.clone(), shape.legs.clone()).prop_flat_map(move |(n, m)| {
        (
            prop::collection::vec(place(plain), n),
            prop::collection::vec(leg(n, plain), m),
            (0.0f64..0.5, 0.0f64..1.0, 0.5f64..5.0),
        )
    })
}

fn haversine_km(a: &PlaceSpec, b: &PlaceSpec) -> f64 {
    let r = 6371.0088;
    let (la1, lo1, la2, lo2) = (
        a.lat.to_radians(),
        a.lon.to_radians(),
        b.lat.to_radians(),
        b.lon.to_radians(),
    );
    let d = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * r * d.sqrt().asin()
}

/// Writes the specs as CSV + TOML and loads them.
pub fn build(places: &[PlaceSpec], legs: &[LegSpec], dwell: f64, fee: f64, vot: f64) -> Network {
    let mut nodes = String::from(
        "id,country,kind,lat,lon,mode_change_h,mode_change_usd,gauge_change_h,gauge_change_usd,border_h,border_usd,border_exit_h,border_exit_usd,headway_h,capacity_teu_per_year\n",
    );
    for (i, p) in places.iter().enumerate() {
        nodes.push_str(&format!(
            "p{i},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
            p.country,
            p.kind,
            p.lat,
            p.lon,
            p.mode_change.0,
            p.mode_change.1,
            p.gauge_change.0,
            p.gauge_change.1,
            p.border.0,
            p.border.1,
            p.border_exit.0,
            p.border_exit.1,
            p.headway,
            p.capacity.map(|c| c.to_string()).unwrap_or_default(),
        ));
    }
    let mut text = String::from(
        "from,to,mode,corridors,distance_km,time_h,cost_usd,gauge_mm,one_way,headway_h,capacity_teu_per_year,source\n",
    );
    for l in legs {
        let km =
            (haversine_km(&places[l.from], &places[l.to]) * 1.01).ceil() + f64::from(l.extra_km);
        text.push_str(&format!(
            "p{},p{},{},{},{km},{},{},{},{},{},{},test\n",
            l.from,
            l.to,
            l.mode,
            l.corridor,
            l.time_h,
            l.cost_usd,
            l.gauge.map(|g| g.to_string()).unwrap_or_default(),
            l.one_way,
            if l.headway == 0 {
                String::new()
            } else {
                l.headway.to_string()
            },
            l.capacity.map(|c| c.to_string()).unwrap_or_default(),
        ));
    }
    let toml = format!(
        "format_version = 1\n[defaults]\nvalue_of_time_usd_per_teu_h = {vot}\n[[customs_unions]]\nid = \"eaeu\"\ncountries = [\"KZ\", \"RU\"]\ndwell_factor = {dwell}\nfee_factor = {fee}\n"
    );
    match load_text(&nodes, &text, Some(&toml)) {
        Ok(loaded) => loaded.network,
        Err(error) => panic!("generated network does not load:\n{error}\n{nodes}\n{text}"),
    }
}
