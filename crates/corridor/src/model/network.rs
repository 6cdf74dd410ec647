//! The validated, immutable network.

use std::hash::BuildHasher;
use std::sync::OnceLock;

use rustc_hash::FxBuildHasher;

use super::lookup::NameIndex;
use super::{CorridorId, CorridorInfo, Leg, LegId, Meta, Mode, Place, PlaceId};
use crate::spatial::SpatialIndex;

/// A validated multimodal network: places, legs, corridor tags and defaults.
///
/// Build one with [`crate::NetworkBuilder`], or load one with [`crate::Engine::load`] or
/// [`crate::Engine::builtin`] ([`crate::Engine::network`]). Holding a `Network` means its invariants hold: ids are
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

    /// The corridor a user means by `text`: its tag or an alias from `network.toml`
    /// (`[[corridors]]`), ignoring case, spaces, hyphens, underscores and diacritics
    /// (`Trans-Caspian`, `middle corridor`, `TITR` and `INSTC` all work on the built-in
    /// network).
    ///
    /// ```
    /// let engine = corridor::Engine::builtin();
    /// let network = engine.network();
    /// let middle = network.corridor_named("Middle Corridor");
    /// assert_eq!(middle, network.corridor_id("trans-caspian"));
    /// assert_eq!(network.corridor_named("instc"), network.corridor_id("north-south"));
    /// ```
    pub fn corridor_named(&self, text: &str) -> Option<CorridorId> {
        let key = corridor_key(text);
        if key.is_empty() {
            return None;
        }
        self.corridors
            .iter()
            .position(|tag| corridor_key(tag) == key)
            .or_else(|| {
                let info = self.meta.corridors.iter().find(|info| {
                    corridor_key(&info.name) == key
                        || info.aliases.iter().any(|alias| corridor_key(alias) == key)
                })?;
                self.corridors.iter().position(|tag| *tag == info.id)
            })
            .map(|index| CorridorId(index as u16))
    }

    /// The extent of a corridor: its legs, places, length and the two places farthest
    /// apart (its endpoints).
    pub fn corridor_summary(&self, id: CorridorId) -> CorridorSummary {
        let mut places: Vec<PlaceId> = Vec::new();
        let mut summary = CorridorSummary {
            legs: 0,
            places: 0,
            operational_km: 0.0,
            other_km: 0.0,
            endpoints: None,
        };
        for leg in self.legs.iter().filter(|leg| leg.corridors.contains(&id)) {
            summary.legs += 1;
            if leg.status == super::Status::Operational {
                summary.operational_km += leg.distance_km;
            } else {
                summary.other_km += leg.distance_km;
            }
            places.extend([leg.from, leg.to]);
        }
        places.sort_unstable();
        places.dedup();
        summary.places = places.len();
        // Endpoints are places freight starts or ends at, not sea waypoints.
        places.retain(|&p| self.place(p).kind != super::PlaceKind::Waypoint);
        let mut farthest = -1.0;
        for (i, &a) in places.iter().enumerate() {
            for &b in &places[i + 1..] {
                let km = self.place(a).coord.distance_km(self.place(b).coord);
                if km > farthest {
                    farthest = km;
                    summary.endpoints = Some((a, b));
                }
            }
        }
        summary
    }

    /// What `network.toml` says about a corridor tag, if anything.
    pub fn corridor_info(&self, id: CorridorId) -> Option<&CorridorInfo> {
        let tag = self.corridor_name(id);
        self.meta.corridors.iter().find(|info| info.id == tag)
    }

    /// The id index (for snapshots, which store it).
    pub(crate) fn id_index(&self) -> &IdIndex {
        &self.ids
    }

    /// The place with exactly this id.
    pub fn place_by_id(&self, id: &str) -> Option<PlaceId> {
        self.ids.get(&self.places, id)
    }

    /// Whether both ends of a leg are in the same country (a leg touching a place of no
    /// country, such as a sea waypoint, is not domestic).
    pub fn leg_is_domestic(&self, leg: &Leg) -> bool {
        match (self.place(leg.from).country, self.place(leg.to).country) {
            (Some(a), Some(b)) => a == b,
            _ => false,
        }
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

    /// The same network with its places in locality order, the order along a Hilbert
    /// curve over their coordinates that compiled graphs use, and its legs by the ranks of
    /// their ends in that order (then by mode, then as they came). Ids, names and every
    /// figure stay as they are; only the [`PlaceId`]s and [`LegId`]s change. On a large
    /// network whose files came in no particular order (a database export) the searches
    /// and the assembly of routes then read places and legs near each other in memory,
    /// as on a network written region by region; `corridor build` stores snapshots in
    /// this order (issue 18). Applied twice, it changes nothing more.
    ///
    /// ```
    /// let network = corridor::Network::synthetic(1_000, 7).shuffled(3);
    /// let local = network.in_locality_order();
    /// let first = &network.places()[0];
    /// let there = local.place_by_id(&first.id).unwrap();
    /// assert_eq!(local.place(there), first);
    /// assert_eq!(local.legs().len(), network.legs().len());
    /// ```
    pub fn in_locality_order(&self) -> Network {
        self.localized(0).unwrap_or_else(|| self.clone())
    }

    /// Networks with fewer places than this are stored in their own order by
    /// [`crate::Engine::snapshot`], larger ones in locality order: their places and legs
    /// fit in a processor's caches (about 2 and 4 MB at this size), so their order costs
    /// nothing, and listings and exports keep the order the user wrote.
    pub const LOCALITY_FROM_PLACES: usize = 1 << 14;

    /// [`Network::in_locality_order`], or `None` when the network has fewer than
    /// `min_places` places or is in that order already.
    pub(crate) fn localized(&self, min_places: usize) -> Option<Network> {
        use rayon::prelude::*;
        if self.places.len() < min_places {
            return None;
        }
        // The order compiled graphs rank places in, so that a graph compiled from the
        // result ranks each place at its index.
        let ranked = crate::graph::hilbert_order(&self.places);
        let in_order = ranked.iter().enumerate().all(|(r, &p)| r == p as usize)
            && self
                .legs
                .windows(2)
                .all(|w| (w[0].from, w[0].to, w[0].mode) <= (w[1].from, w[1].to, w[1].mode));
        if in_order {
            return None;
        }
        let mut rank = vec![0u32; ranked.len()];
        for (r, &place) in ranked.iter().enumerate() {
            rank[place as usize] = r as u32;
        }
        let places: Vec<Place> = ranked
            .par_iter()
            .map(|&place| self.places[place as usize].clone())
            .collect();
        // Legs by the ranks of their ends, then mode, then file order: two files that
        // list the same legs in other orders give the same network (but for legs with
        // the same ends and mode).
        let mut order: Vec<(u64, u8, u32)> = self
            .legs
            .iter()
            .enumerate()
            .map(|(i, leg)| {
                let ends = u64::from(rank[leg.from.index()]) << 32 | u64::from(rank[leg.to.index()]);
                (ends, leg.mode as u8, i as u32)
            })
            .collect();
        order.par_sort_unstable();
        let legs: Vec<Leg> = order
            .par_iter()
            .map(|&(_, _, i)| {
                let mut leg = self.legs[i as usize].clone();
                leg.from = PlaceId(rank[leg.from.index()]);
                leg.to = PlaceId(rank[leg.to.index()]);
                leg
            })
            .collect();
        Some(Network::from_validated(
            self.meta.clone(),
            places,
            legs,
            self.corridors.clone(),
        ))
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

/// Finds places by id for a run of legs, guessing first where a numbered id
/// sits. Large networks often number their places in file order (`n1`, `n2`, …) and a
/// leg's ends are usually near each other in that order, so the place with id
/// `prefix + k` is often at index `k + delta`, with the `delta` of the last numbered id
/// found. A guess is checked against the place's id, so it never changes a result; it
/// saves a lookup in the id index, which on large networks is a cache miss, while the
/// guessed place is near the places just used. After a few wrong guesses in a row it
/// stops guessing.
#[derive(Default)]
pub(crate) struct PlaceFinder {
    delta: Option<i64>,
    wrong: u32,
}

impl PlaceFinder {
    const WRONG_GUESSES: u32 = 16;

    /// The place of `places` (indexed by `ids`) with this id, if any.
    pub(crate) fn find<L: IdList + ?Sized>(
        &mut self,
        places: &L,
        ids: &IdIndex,
        id: &str,
    ) -> Option<PlaceId> {
        let number = trailing_number(id);
        if let (Some(number), Some(delta)) = (number, self.delta)
            && self.wrong < Self::WRONG_GUESSES
        {
            if let Ok(index) = usize::try_from(number + delta)
                && places.id(index) == Some(id)
            {
                self.wrong = 0;
                return Some(PlaceId(index as u32));
            }
            self.wrong += 1;
        }
        let found = ids.get(places, id)?;
        self.learn(number, found);
        Some(found)
    }

    /// Whether [`PlaceFinder::find`] guesses (it has found a numbered id and has not
    /// given up); when it does not, looking up many ids at once
    /// ([`IdIndex::get_all`]) is faster.
    pub(crate) fn guessing(&self) -> bool {
        self.delta.is_some() && self.wrong < Self::WRONG_GUESSES
    }

    /// `found` if it is the place with this id (found beforehand, e.g. by
    /// [`IdIndex::get_all`]), learning where numbered ids sit from it; else
    /// [`PlaceFinder::find`].
    pub(crate) fn find_or_check<L: IdList + ?Sized>(
        &mut self,
        places: &L,
        ids: &IdIndex,
        id: &str,
        found: Option<PlaceId>,
    ) -> Option<PlaceId> {
        match found {
            Some(place) if places.id(place.index()) == Some(id) => {
                self.learn(trailing_number(id), place);
                Some(place)
            }
            _ => self.find(places, ids, id),
        }
    }

    /// `found`, already checked to be the place with this id (by
    /// [`IdIndex::get_all`]), learning where numbered ids sit from it.
    pub(crate) fn accept(&mut self, id: &str, found: PlaceId) -> PlaceId {
        self.learn(trailing_number(id), found);
        found
    }

    fn learn(&mut self, number: Option<i64>, found: PlaceId) {
        if let Some(number) = number {
            self.delta = Some(i64::from(found.0) - number);
        }
    }
}

/// The number an id ends with (at most 15 digits), if any.
fn trailing_number(id: &str) -> Option<i64> {
    let digits = id.bytes().rev().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 15 {
        return None;
    }
    id[id.len() - digits..].parse().ok()
}

/// The ids of places by index, as an [`IdIndex`] reads them: the places themselves, or
/// (while loading) a compact copy of their ids that stays in cache.
pub(crate) trait IdList {
    /// The id of the place at `index`, `None` past the end.
    fn id(&self, index: usize) -> Option<&str>;

    /// Reads a byte where the id of the place at `index` is kept (0 past the end), so
    /// that reading it next is a cache hit: a read that does only that can start before
    /// the reads before it finish ([`IdIndex::get_all`]).
    fn touch(&self, index: usize) -> u8 {
        self.id(index).map_or(0, |id| id.len() as u8)
    }
}

impl IdList for [Place] {
    fn id(&self, index: usize) -> Option<&str> {
        self.get(index).map(|place| &*place.id)
    }
}

impl IdList for Vec<Place> {
    fn id(&self, index: usize) -> Option<&str> {
        self.as_slice().id(index)
    }
}

/// Places by id: a hash table of place indices whose keys are the places' own ids, so
/// no id is stored twice.
///
/// Open addressing with linear probing, at most half full. A slot holds the upper 32
/// bits of the id's hash beside the place index + 1 (0: empty), so a lookup reads one
/// slot, usually one cache line, and looks at a place only when the hash bits match.
#[derive(Clone, Debug, Default)]
pub(crate) struct IdIndex {
    slots: Vec<u64>,
    len: usize,
}

/// Where a probe for an id ended: at its place, or at the empty slot it would take.
enum Probe {
    Found(PlaceId),
    Empty(usize),
}

impl IdIndex {
    /// The hash an id is indexed by ([`IdIndex::insert_hashed`]).
    pub(crate) fn hash(id: &str) -> u64 {
        FxBuildHasher.hash_one(id)
    }

    /// Reads the slot where the probe for an id with this hash starts, so that
    /// inserting or finding that id next reads it from the cache: reads that do only
    /// this do not wait for one another, so a group of them overlaps its cache misses
    /// (the table of 10^6 places is 16 MB).
    pub(crate) fn touch(&self, hash: u64) -> u64 {
        self.slots
            .get(hash as usize & self.slots.len().wrapping_sub(1))
            .copied()
            .unwrap_or_default()
    }

    /// An empty index with room for `places` places.
    pub(crate) fn with_capacity(places: usize) -> IdIndex {
        IdIndex {
            slots: vec![0; (places * 2).next_power_of_two().max(8)],
            len: 0,
        }
    }

    /// The slots of the table: the upper 32 bits of an id's hash beside its place
    /// index + 1 (0: empty); a power of two of them, at most half full.
    pub(crate) fn slots(&self) -> &[u64] {
        &self.slots
    }

    /// The index with these slots, if they can be one for `places` places: a power of
    /// two of at least 8 slots, at most half full, every place once. Lookups check the
    /// place they find against the id asked for, so slots of the wrong hash could only
    /// miss, never find the wrong place; the caller checks that they find.
    pub(crate) fn from_slots(slots: Vec<u64>, places: usize) -> Result<IdIndex, String> {
        if !slots.len().is_power_of_two() || slots.len() < 8 || places * 2 > slots.len() {
            return Err(format!(
                "{} slots for {places} places: expected a power of two, at least 8 and twice the places",
                slots.len()
            ));
        }
        let mut seen = vec![false; places];
        for &slot in slots.iter().filter(|&&slot| slot != 0) {
            let place = (slot as u32).wrapping_sub(1) as usize;
            match seen.get_mut(place) {
                Some(seen) if !*seen => *seen = true,
                _ => {
                    return Err(format!(
                        "a slot names place {place}, which is not one of {places} or named twice"
                    ));
                }
            }
        }
        if seen.iter().any(|seen| !seen) {
            return Err("some places are not indexed".to_owned());
        }
        Ok(IdIndex { slots, len: places })
    }

    fn probe<L: IdList + ?Sized>(&self, places: &L, id: &str, hash: u64) -> Probe {
        let mask = self.slots.len() - 1;
        let mut at = hash as usize & mask;
        loop {
            let slot = self.slots[at];
            if slot == 0 {
                return Probe::Empty(at);
            }
            if slot >> 32 == hash >> 32 {
                let place = PlaceId(slot as u32 - 1);
                if places.id(place.index()) == Some(id) {
                    return Probe::Found(place);
                }
            }
            at = (at + 1) & mask;
        }
    }

    /// The place of `places` with this id, if indexed.
    pub(crate) fn get<L: IdList + ?Sized>(&self, places: &L, id: &str) -> Option<PlaceId> {
        if self.len == 0 {
            return None;
        }
        match self.probe(places, id, Self::hash(id)) {
            Probe::Found(place) => Some(place),
            Probe::Empty(_) => None,
        }
    }

    /// [`IdIndex::get`] for each of `ids`, into `found` (as long as `ids`), a group at a
    /// time in passes: the hashes of a group, then their first slots, then the places
    /// those name, then the comparisons. The reads of one pass do not wait for one
    /// another, so their cache misses overlap, where one lookup after another waits for
    /// each slot and then for its place. Ids not settled by their first slot (a hash
    /// collision, or a place further along the probe) are looked up one by one.
    pub(crate) fn get_all<L: IdList + ?Sized>(
        &self,
        places: &L,
        ids: &[&str],
        found: &mut [Option<PlaceId>],
    ) {
        const GROUP: usize = 64;
        if self.len == 0 {
            found.fill(None);
            return;
        }
        let mask = self.slots.len() - 1;
        for (ids, found) in ids.chunks(GROUP).zip(found.chunks_mut(GROUP)) {
            let mut hashes = [0u64; GROUP];
            for (hash, id) in hashes.iter_mut().zip(ids) {
                *hash = Self::hash(id);
            }
            let mut slots = [0u64; GROUP];
            for (slot, hash) in slots.iter_mut().zip(&hashes) {
                *slot = self.slots[*hash as usize & mask];
            }
            let mut touched = [0u8; GROUP];
            for ((touched, slot), hash) in touched.iter_mut().zip(&slots).zip(&hashes) {
                if *slot != 0 && slot >> 32 == hash >> 32 {
                    *touched = places.touch((*slot as u32 - 1) as usize);
                }
            }
            // The reads above only bring the places' ids into the cache.
            std::hint::black_box(&touched);
            for (i, (found, id)) in found.iter_mut().zip(ids).enumerate() {
                let (slot, hash) = (slots[i], hashes[i]);
                *found = if slot == 0 {
                    None
                } else if slot >> 32 == hash >> 32
                    && places.id((slot as u32 - 1) as usize) == Some(*id)
                {
                    Some(PlaceId(slot as u32 - 1))
                } else {
                    match self.probe(places, id, hash) {
                        Probe::Found(place) => Some(place),
                        Probe::Empty(_) => None,
                    }
                };
            }
        }
    }

    /// Indexes `places[place]` under its id; `Err` with the place already indexed under
    /// that id, if any.
    pub(crate) fn insert<L: IdList + ?Sized>(
        &mut self,
        places: &L,
        place: PlaceId,
    ) -> Result<(), PlaceId> {
        let id = places.id(place.index()).unwrap_or_default();
        self.insert_hashed(places, place, Self::hash(id))
    }

    /// [`IdIndex::insert`] with the hash of the place's id ([`IdIndex::hash`]) already
    /// computed (by a parsing thread).
    pub(crate) fn insert_hashed<L: IdList + ?Sized>(
        &mut self,
        places: &L,
        place: PlaceId,
        hash: u64,
    ) -> Result<(), PlaceId> {
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow(places);
        }
        let id = places.id(place.index()).unwrap_or_default();
        debug_assert_eq!(hash, Self::hash(id));
        match self.probe(places, id, hash) {
            Probe::Found(first) => Err(first),
            Probe::Empty(at) => {
                self.slots[at] = (hash >> 32) << 32 | u64::from(place.0 + 1);
                self.len += 1;
                Ok(())
            }
        }
    }

    /// Doubles the table (at least 8 slots).
    fn grow<L: IdList + ?Sized>(&mut self, places: &L) {
        let size = (self.slots.len() * 2).max(8);
        let old = std::mem::replace(&mut self.slots, vec![0; size]);
        let mask = self.slots.len() - 1;
        for slot in old.into_iter().filter(|&slot| slot != 0) {
            let place = (slot as u32 - 1) as usize;
            let mut at = Self::hash(places.id(place).unwrap_or_default()) as usize & mask;
            while self.slots[at] != 0 {
                at = (at + 1) & mask;
            }
            self.slots[at] = slot;
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::model::{Coord, PlaceKind, Transfers};

    fn place(id: &str) -> Place {
        let id: Arc<str> = Arc::from(id);
        Place {
            name: Arc::clone(&id),
            id,
            aliases: Box::default(),
            regions: Box::default(),
            country: None,
            kind: PlaceKind::City,
            coord: Coord { lon: 0.0, lat: 0.0 },
            transfers: Arc::new(Transfers::ZERO),
            capacity_teu_per_year: None,
            source: None,
        }
    }

    /// The id index finds every place, refuses second definitions with the first, and
    /// grows from empty.
    #[test]
    fn a_localized_network_is_ranked_at_its_indexes_and_stays_put() {
        for network in [
            Network::synthetic(3_000, 2),
            Network::synthetic(3_000, 2).shuffled(5),
        ] {
            let local = network.in_locality_order();
            let ranked = crate::graph::hilbert_order(local.places());
            assert!(ranked.iter().enumerate().all(|(r, &p)| r == p as usize));
            // Legs by their ends' ranks (then mode): each place's out-legs together.
            assert!(local.legs().windows(2).all(|w| w[0].from <= w[1].from));
            assert!(local.localized(0).is_none(), "applied twice");
            assert_eq!(local.in_locality_order(), local);
            assert!(network.localized(Network::LOCALITY_FROM_PLACES).is_none());
        }
    }

    #[test]
    fn id_index_finds_places_and_refuses_duplicates() {
        let places: Vec<Place> = (0..5000)
            .map(|i| place(&format!("p{}", i % 3000)))
            .chain([place(""), place("é")])
            .collect();
        let mut index = IdIndex::default();
        assert_eq!(index.get(&places, "p1"), None);
        for i in 0..places.len() {
            let expected = if (3000..5000).contains(&i) {
                Err(PlaceId((i - 3000) as u32))
            } else {
                Ok(())
            };
            assert_eq!(index.insert(&places, PlaceId(i as u32)), expected, "{i}");
        }
        for i in 0..3000 {
            assert_eq!(index.get(&places, &format!("p{i}")), Some(PlaceId(i)));
        }
        assert_eq!(index.get(&places, ""), Some(PlaceId(5000)));
        assert_eq!(index.get(&places, "é"), Some(PlaceId(5001)));
        assert_eq!(index.get(&places, "p3000"), None);
        assert_eq!(index.get(&places, "e"), None);
        // Many at once: the same answers, in groups and across them, found or not.
        let mut ids: Vec<String> = (0..4000).rev().map(|i| format!("p{}", i * 7 % 3100)).collect();
        ids.extend(["", "é", "e", "p"].map(String::from));
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let mut found = vec![Some(PlaceId(u32::MAX)); ids.len()];
        index.get_all(&places, &ids, &mut found);
        let one_by_one: Vec<_> = ids.iter().map(|id| index.get(&places, id)).collect();
        assert_eq!(found, one_by_one);
        assert!(found.contains(&None) && found.contains(&Some(PlaceId(5001))));
        // A full table, where probes run long and hash bits collide.
        let mut full = IdIndex::with_capacity(4);
        for i in 0..4 {
            full.insert(&places, PlaceId(i)).unwrap();
        }
        let mut found = vec![None; ids.len()];
        full.get_all(&places, &ids, &mut found);
        let one_by_one: Vec<_> = ids.iter().map(|id| full.get(&places, id)).collect();
        assert_eq!(found, one_by_one);
        let mut none = vec![Some(PlaceId(0)); 3];
        IdIndex::default().get_all(&places, &ids[..3], &mut none);
        assert_eq!(none, [None; 3]);
    }
}

/// A corridor name reduced for matching: ASCII letters and digits, lower case.
fn corridor_key(text: &str) -> String {
    deunicode::deunicode(text)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The extent of a corridor tag in a network ([`Network::corridor_summary`]).
#[derive(Clone, Debug, PartialEq)]
pub struct CorridorSummary {
    /// Legs carrying the tag.
    pub legs: usize,
    /// Places those legs touch.
    pub places: usize,
    /// Kilometres of its operational legs (each leg once, whatever its direction).
    pub operational_km: f64,
    /// Kilometres of its planned, under-construction and closed legs.
    pub other_km: f64,
    /// The two of its places farthest apart (great circle; sea waypoints left out), the
    /// lower place id first; `None` for a corridor without such places.
    pub endpoints: Option<(PlaceId, PlaceId)>,
}
