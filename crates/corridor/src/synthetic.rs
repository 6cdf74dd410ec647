//! Seeded synthetic road-like networks, for tests, benchmarks and researchers who want to
//! reproduce them (`corridor generate`).
//!
//! Places sit on a jittered square grid (about 5.5 km apart) starting at 35°N 40°E. Each
//! place links by road to its east neighbour always, to its south neighbour with
//! probability 0.7 and to its south-east neighbour with probability 0.15, so the network
//! has about 1.85 two-way legs per place, like a sparse road network. Every tenth row and
//! column is a highway (110 km/h, great-circle distance × 1.05–1.1; highway columns always
//! link south, so the network is connected); local roads are winding (× 1.05–1.35) at 30,
//! 40, 50 or 60 km/h. Real road networks have this hierarchy of fast roads over slow ones,
//! and speed-up techniques such as contraction hierarchies rely on it. Prices are 1 USD
//! per TEU-km rounded to whole dollars, capacities
//! 100–1,000 TEU per year in whole TEU. Values are rounded (km to 1 m, hours to 0.36 s)
//! so that they survive a CSV round trip exactly. The same seed gives the same network.

use std::sync::Arc;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::model::{Coord, Leg, Meta, Mode, Network, Place, PlaceId, PlaceKind, Status, Transfers};

/// Grid spacing in degrees (about 5.5 km north–south), for grids that fit.
const SPACING_DEG: f64 = 0.05;
/// Latitudes the grid may span (from 35°N to 85°N) and longitudes (from 40°E to 170°E).
const LAT_SPAN_DEG: f64 = 50.0;
const LON_SPAN_DEG: f64 = 130.0;

/// The grid's spacing in latitude and longitude: [`SPACING_DEG`] while the grid fits its
/// spans (up to 1,000 rows and 2,600 columns, so networks up to 10^6 places are
/// unchanged), closer beyond, so every coordinate is valid whatever the size.
fn spacing(rows: usize, side: usize) -> (f64, f64) {
    (
        SPACING_DEG.min(LAT_SPAN_DEG / rows as f64),
        SPACING_DEG.min(LON_SPAN_DEG / side as f64),
    )
}

/// Parameters of a synthetic network.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Synthetic {
    /// Number of places (rounded up to a full grid row).
    pub places: usize,
    /// Random seed.
    pub seed: u64,
}

impl Network {
    /// A seeded synthetic road-like network of about `places` places (rounded up to a
    /// full grid row), for benchmarks and tests: `corridor generate`.
    ///
    /// ```
    /// let network = corridor::Network::synthetic(1_000, 7);
    /// assert!(network.places().len() >= 1_000);
    /// assert_eq!(network.legs().len(), corridor::Network::synthetic(1_000, 7).legs().len());
    /// ```
    pub fn synthetic(places: usize, seed: u64) -> Network {
        generate(Synthetic { places, seed })
    }

    /// The same network with its places, legs and ids in a random order (from `seed`),
    /// as a database export or another tool would write it: `corridor generate
    /// --shuffle`.
    ///
    /// ```
    /// let ordered = corridor::Network::synthetic(100, 1);
    /// let shuffled = ordered.shuffled(7);
    /// assert_eq!(shuffled.places().len(), ordered.places().len());
    /// assert_eq!(shuffled.legs().len(), ordered.legs().len());
    /// assert_ne!(shuffled.places()[0].coord, ordered.places()[0].coord);
    /// ```
    pub fn shuffled(&self, seed: u64) -> Network {
        shuffle(self, seed)
    }
}

/// Generates the network. O(n).
pub fn generate(params: Synthetic) -> Network {
    let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
    let side = (params.places.max(2) as f64).sqrt().ceil() as usize;
    let rows = params.places.max(2).div_ceil(side);
    let n = rows * side;
    let (lat_step, lon_step) = spacing(rows, side);
    let mut places = Vec::with_capacity(n);
    let transfers = Arc::new(Transfers::ZERO);
    for r in 0..rows {
        for c in 0..side {
            let jitter_lat = rng.random_range(-0.3..0.3) * lat_step;
            let jitter_lon = rng.random_range(-0.3..0.3) * lon_step;
            let id: Arc<str> = Arc::from(format!("n{}", places.len()));
            places.push(Place {
                name: Arc::clone(&id),
                id,
                aliases: Box::default(),
                regions: Box::default(),
                country: None,
                kind: PlaceKind::Junction,
                coord: Coord {
                    lat: round(35.0 + r as f64 * lat_step + jitter_lat, 1e5),
                    lon: round(40.0 + c as f64 * lon_step + jitter_lon, 1e5),
                },
                transfers: Arc::clone(&transfers),
                capacity_teu_per_year: None,
                source: None,
            });
        }
    }
    let mut legs = Vec::with_capacity(n * 2);
    let mut link = |rng: &mut ChaCha8Rng, a: usize, b: usize, highway: bool| {
        let great_circle = places[a].coord.distance_km(places[b].coord);
        let winding = if highway { 1.05..1.1 } else { 1.05..1.35 };
        let distance_km = round(great_circle * rng.random_range(winding) + 0.001, 1e3);
        let speed = if highway {
            110.0
        } else {
            [30.0, 40.0, 50.0, 60.0][rng.random_range(0..4)]
        };
        legs.push(Leg {
            from: PlaceId(a as u32),
            to: PlaceId(b as u32),
            mode: Mode::Road,
            corridors: Box::default(),
            distance_km,
            time_h: round(distance_km / speed, 1e4),
            cost_usd: distance_km.round().max(1.0),
            capacity_teu_per_year: Some(f64::from(rng.random_range(100u32..=1000))),
            gauge_mm: None,
            status: Status::Operational,
            one_way: false,
            headway_h: None,
            co2_kg_per_teu_km: None,
            source: None,
            drawn_via: Box::default(),
        });
    };
    for r in 0..rows {
        for c in 0..side {
            let here = r * side + c;
            // Every tenth row and column is a highway, as real road networks have a
            // hierarchy of fast roads over slow local ones.
            if c + 1 < side {
                link(&mut rng, here, here + 1, r % 10 == 0);
            }
            // Highway columns (and so the first) always link south, so the grid is
            // connected.
            if r + 1 < rows && (c % 10 == 0 || rng.random_bool(0.7)) {
                link(&mut rng, here, here + side, c % 10 == 0);
            }
            if r + 1 < rows && c + 1 < side && rng.random_bool(0.15) {
                link(&mut rng, here, here + side + 1, false);
            }
        }
    }
    let meta = Meta {
        name: format!(
            "synthetic road-like network ({n} places, seed {})",
            params.seed
        ),
        version: "1".to_owned(),
        description: "generated by corridor::synthetic (see its documentation)".to_owned(),
        ..Meta::default()
    };
    Network::from_validated(meta, places, legs, Vec::new())
}

fn round(value: f64, scale: f64) -> f64 {
    (value * scale).round() / scale
}

/// The same network with its places and legs in a random order and its place ids
/// renamed `n0`, `n1`... in another random order, as a database export or another tool
/// might write it: nothing about the order or the ids follows the geography any more.
/// Each leg keeps its direction. Reproducible from `seed`. O(n).
pub fn shuffle(network: &Network, seed: u64) -> Network {
    use rand::seq::SliceRandom;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = network.places().len();
    // order[i]: the old place written on line i; names[i]: its new id number.
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(&mut rng);
    let mut names: Vec<usize> = (0..n).collect();
    names.shuffle(&mut rng);
    let mut new_index = vec![0u32; n];
    for (line, &old) in order.iter().enumerate() {
        new_index[old] = line as u32;
    }
    let places: Vec<Place> = order
        .iter()
        .zip(&names)
        .map(|(&old, &name)| {
            let mut place = network.places()[old].clone();
            let id: Arc<str> = Arc::from(format!("n{name}"));
            // Places named by their id (generated ones) keep name = id.
            if place.name == place.id {
                place.name = Arc::clone(&id);
            }
            place.id = id;
            place
        })
        .collect();
    let mut legs: Vec<Leg> = network
        .legs()
        .iter()
        .map(|leg| Leg {
            from: PlaceId(new_index[leg.from.0 as usize]),
            to: PlaceId(new_index[leg.to.0 as usize]),
            ..leg.clone()
        })
        .collect();
    legs.shuffle(&mut rng);
    let mut meta = network.meta().clone();
    meta.name = format!("{} (shuffled, seed {seed})", meta.name);
    Network::from_validated(meta, places, legs, network.corridors().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every size `corridor generate` accepts (up to 5 × 10^7 places) keeps its
    /// coordinates valid, jitter included; up to 10^6 places the grid is as before.
    #[test]
    fn grids_of_any_size_stay_on_the_globe() {
        for places in [2usize, 10_000, 1_000_000, 2_300_000, 5_000_000, 50_000_000] {
            let side = (places as f64).sqrt().ceil() as usize;
            let rows = places.div_ceil(side);
            let (lat, lon) = spacing(rows, side);
            let top = 35.0 + (rows - 1) as f64 * lat + 0.3 * lat;
            let east = 40.0 + (side - 1) as f64 * lon + 0.3 * lon;
            assert!(top < 90.0 && east < 180.0, "{places}: {top} N, {east} E");
            if places <= 1_000_000 {
                assert_eq!((lat, lon), (SPACING_DEG, SPACING_DEG), "{places}");
            }
        }
    }
}
