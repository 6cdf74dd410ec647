//! The validated, immutable network.

use std::hash::BuildHasher;
use std::sync::OnceLock;

use hashbrown::HashTable;
use hashbrown::hash_table::Entry;
use rustc_hash::FxBuildHasher;

use super::lookup::NameIndex;
use super::{CorridorId, Leg, LegId, Meta, Mode, Place, PlaceId};
use crate::spatial::SpatialIndex;

/// A validated multimodal network: places, legs, corridor tags and defaults.
///
/// Build one with [`crate::io::load_dir`], [`crate::io::load`] or
/// [`crate::builtin::network`]. Holding a `Network` means its invariants hold: ids are
/// unique, leg endpoints exist and differ, every number is finite and non-negative,
/// coordinates are in range, and legs are not shorter than the great-circle distance
/// between their ends.
#[derive(Debug)]
pub struct Network {
    meta: Meta,
    places: Vec<Place>,
    legs: Vec<Leg>,
    corridors: Vec<String>,
    ids: IdIndex,
    names: OnceLock<NameIndex>,
    spatial: OnceLock<SpatialIndex>,
}

impl Network {
    /// Assembles a network from parts that the caller has validated (the loaders and the
    /// scenario engine). Corridor ids in `legs` index `corridors`.
    pub(crate) fn from_validated(
        meta: Meta,
        places: Vec<Place>,
        legs: Vec<Leg>,
        corridors: Vec<String>,
    ) -> Network {
        let mut ids = IdIndex::with_capacity(places.len());
        for index in 0..places.len() {
            // Ids are unique: the caller validated them.
            let _ = ids.insert(&places, PlaceId(index as u32));
        }
        Network::from_validated_with_ids(meta, places, legs, corridors, ids)
    }

    /// [`Network::from_validated`] with the id index already built (by the loader).
    pub(crate) fn from_validated_with_ids(
        meta: Meta,
        places: Vec<Place>,
        legs: Vec<Leg>,
        corridors: Vec<String>,
        ids: IdIndex,
    ) -> Network {
        Network {
            meta,
            places,
            legs,
            corridors,
            ids,
            names: OnceLock::new(),
            spatial: OnceLock::new(),
        }
    }

    /// Network-wide metadata and defaults.
    pub fn meta(&self) -> &Meta {
        &self.meta
    }

    /// All places, indexed by [`PlaceId`].
    pub fn places(&self) -> &[Place] {
        &self.places
    }

    /// All legs, indexed by [`LegId`].
    pub fn legs(&self) -> &[Leg] {
        &self.legs
    }

    /// The corridor tags used by legs, indexed by [`CorridorId`], in order of first use.
    pub fn corridors(&self) -> &[String] {
        &self.corridors
    }

    /// One place.
    pub fn place(&self, id: PlaceId) -> &Place {
        &self.places[id.index()]
    }

    /// One leg.
    pub fn leg(&self, id: LegId) -> &Leg {
        &self.legs[id.index()]
    }

    /// The name of a corridor tag.
    pub fn corridor_name(&self, id: CorridorId) -> &str {
        &self.corridors[id.0 as usize]
    }

    /// The id of a corridor tag, if any leg carries it.
    pub fn corridor_id(&self, name: &str) -> Option<CorridorId> {
        self.corridors
            .iter()
            .position(|tag| tag == name)
            .map(|index| CorridorId(index as u16))
    }

    /// The place with exactly this id.
    pub fn place_by_id(&self, id: &str) -> Option<PlaceId> {
        self.ids.get(&self.places, id)
    }

    /// Emission factor of a leg in kg CO2e per TEU-km (its own, else its mode's).
    pub fn co2_kg_per_teu_km(&self, leg: &Leg) -> f64 {
        leg.co2_kg_per_teu_km
            .unwrap_or(self.meta.mode(leg.mode).co2_kg_per_teu_km)
    }

    /// Emissions of a whole leg in kg CO2e per TEU.
    pub fn leg_co2_kg(&self, leg: &Leg) -> f64 {
        self.co2_kg_per_teu_km(leg) * leg.distance_km
    }

    /// The modes used by at least one leg, in [`Mode::ALL`] order.
    pub fn modes(&self) -> Vec<Mode> {
        let mut used = [false; 4];
        for leg in &self.legs {
            used[leg.mode.index()] = true;
        }
        Mode::ALL
            .into_iter()
            .filter(|mode| used[mode.index()])
            .collect()
    }

    pub(super) fn names(&self) -> &NameIndex {
        self.names.get_or_init(|| NameIndex::new(&self.places))
    }

    pub(super) fn spatial(&self) -> &SpatialIndex {
        self.spatial
            .get_or_init(|| SpatialIndex::new(self.places.iter().map(|place| place.coord)))
    }

    /// Mutable access to the numbers of places and legs, for the sweep's draws, which
    /// change only times, headways and dwell times in a per-thread copy (ids, endpoints
    /// and everything the indexes depend on stay as they are).
    pub(crate) fn values_mut(&mut self) -> (&mut [Place], &mut [Leg]) {
        (&mut self.places, &mut self.legs)
    }

    /// Splits the network into owned parts (for the scenario engine, which builds a
    /// modified copy).
    pub(crate) fn to_parts(&self) -> (Meta, Vec<Place>, Vec<Leg>, Vec<String>) {
        (
            self.meta.clone(),
            self.places.clone(),
            self.legs.clone(),
            self.corridors.clone(),
        )
    }
}

/// Places by id: a hash table of place indices whose keys are the places' own ids, so
/// no id is stored twice.
#[derive(Clone, Debug, Default)]
pub(crate) struct IdIndex {
    table: HashTable<PlaceId>,
}

impl IdIndex {
    fn hash(id: &str) -> u64 {
        FxBuildHasher.hash_one(id)
    }

    /// An empty index with room for `places` places.
    pub(crate) fn with_capacity(places: usize) -> IdIndex {
        IdIndex {
            table: HashTable::with_capacity(places),
        }
    }

    /// The place of `places` with this id, if indexed.
    pub(crate) fn get(&self, places: &[Place], id: &str) -> Option<PlaceId> {
        self.table
            .find(Self::hash(id), |p| &*places[p.index()].id == id)
            .copied()
    }

    /// Indexes `places[place]` under its id; `Err` with the place already indexed under
    /// that id, if any.
    pub(crate) fn insert(&mut self, places: &[Place], place: PlaceId) -> Result<(), PlaceId> {
        let id = &places[place.index()].id;
        let entry = self.table.entry(
            Self::hash(id),
            |p| places[p.index()].id == *id,
            |p| Self::hash(&places[p.index()].id),
        );
        match entry {
            Entry::Occupied(first) => Err(*first.get()),
            Entry::Vacant(slot) => {
                slot.insert(place);
                Ok(())
            }
        }
    }
}

impl Clone for Network {
    fn clone(&self) -> Self {
        let (meta, places, legs, corridors) = self.to_parts();
        Network::from_validated(meta, places, legs, corridors)
    }
}

/// Two networks are equal when their metadata, places, legs and corridor tags are equal
/// (lookup caches are ignored).
impl PartialEq for Network {
    fn eq(&self, other: &Self) -> bool {
        self.meta == other.meta
            && self.places == other.places
            && self.legs == other.legs
            && self.corridors == other.corridors
    }
}
