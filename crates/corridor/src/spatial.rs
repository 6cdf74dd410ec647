//! Nearest-place queries on the sphere with an R*-tree (rstar).
//!
//! Places are indexed as points on the unit sphere in 3-D, so the Euclidean chord distance
//! used by the tree orders places exactly as the great-circle distance does (no distortion
//! near the poles or the antimeridian).

use rstar::RTree;
use rstar::primitives::GeomWithData;

use crate::model::{Coord, PlaceId};

type Entry = GeomWithData<[f64; 3], u32>;

/// An index of place positions answering "which place is nearest to this coordinate".
#[derive(Debug)]
pub struct SpatialIndex {
    tree: RTree<Entry>,
}

impl SpatialIndex {
    /// Builds the index; the i-th coordinate becomes `PlaceId(i)`. O(n log n).
    pub fn new(coords: impl IntoIterator<Item = Coord>) -> SpatialIndex {
        let entries = coords
            .into_iter()
            .enumerate()
            .map(|(index, coord)| Entry::new(unit_vector(coord), index as u32))
            .collect();
        SpatialIndex {
            tree: RTree::bulk_load(entries),
        }
    }

    /// The place nearest to `coord` by great-circle distance; ties go to the lowest id.
    /// `None` only for an empty index. O(log n) expected.
    pub fn nearest(&self, coord: Coord) -> Option<PlaceId> {
        self.nearest_where(coord, |_| true)
    }

    /// The place nearest to `coord` among those `keep` accepts (ties to the lowest id);
    /// `None` if it accepts none. Visits places in order of distance until one is kept.
    pub fn nearest_where(&self, coord: Coord, keep: impl Fn(PlaceId) -> bool) -> Option<PlaceId> {
        let mut neighbours = self
            .tree
            .nearest_neighbor_iter_with_distance_2(&unit_vector(coord))
            .filter(|(entry, _)| keep(PlaceId(entry.data)));
        let (first, best_distance) = neighbours.next()?;
        let mut best = first.data;
        for (entry, distance_2) in neighbours {
            if distance_2 > best_distance {
                break;
            }
            best = best.min(entry.data);
        }
        Some(PlaceId(best))
    }
}

fn unit_vector(coord: Coord) -> [f64; 3] {
    let (lat, lon) = (coord.lat.to_radians(), coord.lon.to_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(lat: f64, lon: f64) -> Coord {
        Coord { lon, lat }
    }

    #[test]
    fn nearest_agrees_with_great_circle_scan() {
        let coords = [
            at(43.24, 76.89),
            at(41.30, 69.24),
            at(51.43, 6.72),
            at(-34.36, 18.47),
            at(0.0, 179.9),
            at(0.0, -179.9),
        ];
        let index = SpatialIndex::new(coords);
        for probe in [
            at(42.0, 70.0),
            at(50.0, 10.0),
            at(0.1, -179.95),
            at(-30.0, 20.0),
        ] {
            let expected = (0..coords.len())
                .min_by(|&a, &b| {
                    probe
                        .distance_km(coords[a])
                        .total_cmp(&probe.distance_km(coords[b]))
                })
                .map(|i| PlaceId(i as u32));
            assert_eq!(index.nearest(probe), expected, "probe {probe:?}");
        }
    }

    #[test]
    fn ties_go_to_lowest_id_and_empty_has_none() {
        let index = SpatialIndex::new([at(10.0, 10.0), at(10.0, 10.0)]);
        assert_eq!(index.nearest(at(11.0, 11.0)), Some(PlaceId(0)));
        assert_eq!(SpatialIndex::new([]).nearest(at(0.0, 0.0)), None);
    }
}
