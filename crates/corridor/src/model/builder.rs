//! Networks from values: [`NetworkBuilder`] collects places and legs and validates them
//! all at once in [`NetworkBuilder::build`].

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use super::check::{
    Broken, CorridorTable, DiagnosticKind, Interner, LATITUDE, LONGITUDE, NumberRange, check_ends,
    check_great_circle, check_id, close_ids,
};
use super::{
    Coord, Country, IdIndex, Leg, Meta, Mode, Network, Place, PlaceFinder, PlaceId, PlaceKind,
    Status, Transfers,
};

/// A place to add to a [`NetworkBuilder`]: [`Place`] before validation, with ids and
/// names as plain text and the network's transfer defaults not yet filled in.
#[derive(Clone, Debug, PartialEq)]
pub struct NewPlace {
    /// Stable identifier, unique in the network; no commas, semicolons or control
    /// characters.
    pub id: String,
    /// Display name; `None` uses the id.
    pub name: Option<String>,
    /// Other names and spellings people type (no semicolons).
    pub aliases: Vec<String>,
    /// Names of the regions this place is the administrative centre of, display name
    /// first (no semicolons); see [`Place::regions`].
    pub regions: Vec<String>,
    /// Country, or `None` for international waters.
    pub country: Option<Country>,
    /// What the place is.
    pub kind: PlaceKind,
    /// Position (WGS84).
    pub coord: Coord,
    /// Transfer times and charges; `None` uses the network's defaults
    /// ([`Meta::defaults`]).
    pub transfers: Option<Transfers>,
    /// Throughput limit in TEU per year, `None` when unlimited.
    pub capacity_teu_per_year: Option<f64>,
    /// Where the figures come from.
    pub source: Option<String>,
}

impl NewPlace {
    /// The values of a place (transfers equal to `defaults` left to them).
    pub(crate) fn from_place(place: &Place, defaults: &Transfers) -> NewPlace {
        NewPlace {
            id: place.id.to_string(),
            name: (place.name != place.id).then(|| place.name.to_string()),
            aliases: place
                .aliases
                .iter()
                .map(|alias| alias.to_string())
                .collect(),
            regions: place.regions.iter().map(|r| r.to_string()).collect(),
            country: place.country,
            kind: place.kind,
            coord: place.coord,
            transfers: (*place.transfers != *defaults).then_some(*place.transfers),
            capacity_teu_per_year: place.capacity_teu_per_year,
            source: place.source.as_deref().map(str::to_owned),
        }
    }

    /// A city at `coord` with everything else left to its default.
    pub fn new(id: impl Into<String>, coord: Coord) -> NewPlace {
        NewPlace {
            id: id.into(),
            name: None,
            aliases: Vec::new(),
            regions: Vec::new(),
            country: None,
            kind: PlaceKind::City,
            coord,
            transfers: None,
            capacity_teu_per_year: None,
            source: None,
        }
    }
}

/// A leg to add to a [`NetworkBuilder`]: [`Leg`] before validation, with its ends and
/// corridor tags as text, and time and cost that may be left to the mode's defaults.
#[derive(Clone, Debug, PartialEq)]
pub struct NewLeg {
    /// Id of the start place.
    pub from: String,
    /// Id of the end place.
    pub to: String,
    /// Mode of transport.
    pub mode: Mode,
    /// Corridor tags (no semicolons; empty: a feeder usable by every corridor).
    pub corridors: Vec<String>,
    /// Length in km.
    pub distance_km: f64,
    /// Travel time in hours; `None`: `distance_km / speed_kmh`.
    pub time_h: Option<f64>,
    /// Speed in km/h when `time_h` is `None`; `None` uses the mode's default speed.
    pub speed_kmh: Option<f64>,
    /// Price in USD per TEU; `None`: `distance_km` × the mode's price per TEU-km.
    pub cost_usd: Option<f64>,
    /// Capacity per direction in TEU per year, `None` when unlimited.
    pub capacity_teu_per_year: Option<f64>,
    /// Track gauge in mm for rail legs (ignored on other modes).
    pub gauge_mm: Option<u16>,
    /// Whether the leg exists today.
    pub status: Status,
    /// `true` if the leg may only be used from `from` to `to`.
    pub one_way: bool,
    /// Hours between departures of this service; `None` uses the departure place's.
    pub headway_h: Option<f64>,
    /// Emission factor override in kg CO2e per TEU-km; `None` uses the mode's.
    pub co2_kg_per_teu_km: Option<f64>,
    /// Where the figures come from.
    pub source: Option<String>,
    /// Points a map draws the leg through between its ends, in `from → to` order;
    /// drawing only (see [`Leg::drawn_via`]). Empty: the great circle.
    pub drawn_via: Vec<Coord>,
}

impl NewLeg {
    /// An operational two-way leg with time and cost from the mode's defaults.
    pub fn new(
        from: impl Into<String>,
        to: impl Into<String>,
        mode: Mode,
        distance_km: f64,
    ) -> NewLeg {
        NewLeg {
            from: from.into(),
            to: to.into(),
            mode,
            corridors: Vec::new(),
            distance_km,
            time_h: None,
            speed_kmh: None,
            cost_usd: None,
            capacity_teu_per_year: None,
            gauge_mm: None,
            status: Status::Operational,
            one_way: false,
            headway_h: None,
            co2_kg_per_teu_km: None,
            source: None,
            drawn_via: Vec::new(),
        }
    }
}

/// Builds a [`Network`] from values: add places and legs in any order, then
/// [`build`](NetworkBuilder::build) checks everything at once (the checks the CSV
/// loader makes on its cells, with the same rules) and reports every problem with the
/// place or leg it concerns.
///
/// ```
/// use corridor::{Coord, Meta, Mode, NetworkBuilder, NewLeg, NewPlace};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let mut builder = NetworkBuilder::new(Meta::default());
/// builder
///     .add_place(NewPlace::new("almaty", Coord { lon: 76.9, lat: 43.2 }))
///     .add_place(NewPlace::new("tashkent", Coord { lon: 69.3, lat: 41.3 }))
///     .add_leg(NewLeg {
///         time_h: Some(30.0),
///         corridors: vec!["ckh".into()],
///         ..NewLeg::new("almaty", "tashkent", Mode::Rail, 950.0)
///     });
/// let network = builder.build()?;
/// assert_eq!(network.legs()[0].cost_usd, 950.0 * 0.5); // the mode's default price
///
/// // Every problem is reported, located by place or leg.
/// let mut bad = NetworkBuilder::new(Meta::default());
/// bad.add_place(NewPlace::new("almaty", Coord { lon: 76.9, lat: 143.2 }))
///     .add_leg(NewLeg::new("almaty", "bishkek", Mode::Road, -1.0));
/// let error = bad.build().unwrap_err();
/// assert_eq!(
///     error.to_string(),
///     "invalid network: 3 problems\n\
///      place almaty: lat: number is out of range: got \"143.2\", expected a number from -90 to 90\n\
///      leg 0 (almaty -> bishkek): to: no place has this id: got \"bishkek\", expected the id of a place in the network\n\
///      leg 0 (almaty -> bishkek): distance_km: number is negative: got \"-1\", expected a number from 0 to 1000000000"
/// );
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug, Default)]
pub struct NetworkBuilder {
    meta: Meta,
    places: Vec<NewPlace>,
    legs: Vec<NewLeg>,
}

/// What a [`Finding`] is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    /// The network's metadata ([`Meta`]).
    Meta,
    /// A place, by its position in the order added and its id.
    Place {
        /// Position among the places added (0 = first).
        index: usize,
        /// Its id as given.
        id: String,
    },
    /// A leg, by its position in the order added and its ends.
    Leg {
        /// Position among the legs added (0 = first).
        index: usize,
        /// Its start as given.
        from: String,
        /// Its end as given.
        to: String,
    },
}

/// One problem [`NetworkBuilder::build`] found.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// What is wrong.
    pub kind: DiagnosticKind,
    /// The place or leg (or metadata) concerned.
    pub subject: Subject,
    /// The field, named as the column of the data format (`lat`, `distance_km`).
    pub field: String,
    /// The offending value.
    pub value: Option<String>,
    /// What is wrong, lowercase, without a final period.
    pub message: String,
    /// What would be accepted.
    pub expected: Option<String>,
}

/// Renders as `place almaty: lat: message: got "value", expected ...`.
/// `: got "VALUE", expected WHAT` (or the part that is known): the tail of a located
/// problem, the same for builder findings and loader diagnostics.
pub(crate) fn write_got_expected(
    f: &mut fmt::Formatter<'_>,
    value: Option<&str>,
    expected: Option<&str>,
) -> fmt::Result {
    if let Some(value) = value {
        write!(f, ": got {value:?}")?;
    }
    if let Some(expected) = expected {
        let sep = if value.is_some() { "," } else { ":" };
        write!(f, "{sep} expected {expected}")?;
    }
    Ok(())
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.subject {
            Subject::Meta => f.write_str("network metadata")?,
            Subject::Place { index, id } if id.is_empty() => write!(f, "place {index} (no id)")?,
            Subject::Place { id, .. } => write!(f, "place {id}")?,
            Subject::Leg { index, from, to } => {
                let end = |id: &str| if id.is_empty() { "?" } else { id }.to_owned();
                write!(f, "leg {index} ({} -> {})", end(from), end(to))?
            }
        }
        write!(f, ": {}: {}", self.field, self.message)?;
        write_got_expected(f, self.value.as_deref(), self.expected.as_deref())
    }
}

/// [`NetworkBuilder::build`] refused the values: every problem found, places first (in
/// the order added), then legs.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub struct BuildError {
    /// The problems, located by place or leg.
    pub findings: Vec<Finding>,
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.findings.len() {
            1 => f.write_str("invalid network: 1 problem")?,
            n => write!(f, "invalid network: {n} problems")?,
        }
        for finding in &self.findings {
            write!(f, "\n{finding}")?;
        }
        Ok(())
    }
}

impl NetworkBuilder {
    /// An empty network with this metadata (names, defaults per mode, transfer defaults).
    pub fn new(meta: Meta) -> NetworkBuilder {
        NetworkBuilder {
            meta,
            places: Vec::new(),
            legs: Vec::new(),
        }
    }

    /// A builder holding the places and legs of `network` (to add to it and build a new
    /// network; `network` is not changed). Building it unchanged gives an equal network.
    pub fn from_network(network: &Network) -> NetworkBuilder {
        let defaults = &network.meta().defaults.transfers;
        let places = network
            .places()
            .iter()
            .map(|place| NewPlace::from_place(place, defaults))
            .collect();
        let legs = network
            .legs()
            .iter()
            .map(|leg| NewLeg {
                from: network.place(leg.from).id.to_string(),
                to: network.place(leg.to).id.to_string(),
                mode: leg.mode,
                corridors: leg
                    .corridors
                    .iter()
                    .map(|&c| network.corridor_name(c).to_owned())
                    .collect(),
                distance_km: leg.distance_km,
                time_h: Some(leg.time_h),
                speed_kmh: None,
                cost_usd: Some(leg.cost_usd),
                capacity_teu_per_year: leg.capacity_teu_per_year,
                gauge_mm: leg.gauge_mm,
                status: leg.status,
                one_way: leg.one_way,
                headway_h: leg.headway_h,
                co2_kg_per_teu_km: leg.co2_kg_per_teu_km,
                source: leg.source.as_deref().map(str::to_owned),
                drawn_via: leg.drawn_via.to_vec(),
            })
            .collect();
        NetworkBuilder {
            meta: network.meta().clone(),
            places,
            legs,
        }
    }

    /// The metadata the network will have.
    pub fn meta(&self) -> &Meta {
        &self.meta
    }

    /// Changes the metadata (defaults apply when [`build`](NetworkBuilder::build) runs).
    pub fn meta_mut(&mut self) -> &mut Meta {
        &mut self.meta
    }

    /// The places added so far, in order.
    pub fn places(&self) -> &[NewPlace] {
        &self.places
    }

    /// The legs added so far, in order.
    pub fn legs(&self) -> &[NewLeg] {
        &self.legs
    }

    /// Adds a place (checked by [`build`](NetworkBuilder::build)).
    pub fn add_place(&mut self, place: NewPlace) -> &mut NetworkBuilder {
        self.places.push(place);
        self
    }

    /// Adds a leg (checked by [`build`](NetworkBuilder::build)); its ends may be added
    /// before or after it.
    pub fn add_leg(&mut self, leg: NewLeg) -> &mut NetworkBuilder {
        self.legs.push(leg);
        self
    }

    /// Validates everything and builds the network, or reports every problem found:
    /// metadata numbers; ids (present, unique, no commas, semicolons or control
    /// characters); coordinates in range; every quantity finite, non-negative and at most
    /// 10^9 (speeds at least 1 km/h, gauges 300–3000 mm); leg ends that exist
    /// and differ; legs not shorter than the great-circle distance between their ends;
    /// aliases and corridor tags without semicolons; at most 65,535 corridor tags; drawing
    /// points ([`NewLeg::drawn_via`]) in range.
    ///
    /// Place and leg ids of the network follow the order of adding; corridor tags are
    /// numbered in order of first use. O(places + legs). Never panics.
    pub fn build(self) -> Result<Network, BuildError> {
        let mut findings = Vec::new();
        check_meta(&self.meta, &mut findings);
        for (field, count) in [("places", self.places.len()), ("legs", self.legs.len())] {
            if u32::try_from(count).is_err() {
                findings.push(Finding {
                    kind: DiagnosticKind::OutOfRange,
                    subject: Subject::Meta,
                    field: field.to_owned(),
                    value: Some(count.to_string()),
                    message: "too many to number".to_owned(),
                    expected: Some(format!("at most {}", u32::MAX)),
                });
                return Err(BuildError { findings });
            }
        }
        let default_transfers = Arc::new(self.meta.defaults.transfers);
        let mut sources = Interner::default();
        let mut places = Vec::with_capacity(self.places.len());
        let mut ids = IdIndex::with_capacity(self.places.len());
        let mut refused: HashMap<&str, usize> = HashMap::new();
        for (index, new) in self.places.iter().enumerate() {
            let mut found = Found {
                subject: || Subject::Place {
                    index,
                    id: new.id.clone(),
                },
                findings: &mut findings,
            };
            let before = found.findings.len();
            check_place(new, &mut found);
            let id: Arc<str> = Arc::from(new.id.as_str());
            places.push(Place {
                name: new
                    .name
                    .as_deref()
                    .map_or_else(|| Arc::clone(&id), Arc::from),
                id,
                aliases: new.aliases.iter().map(|a| a.as_str().into()).collect(),
                regions: new.regions.iter().map(|r| r.as_str().into()).collect(),
                country: new.country,
                kind: new.kind,
                coord: new.coord,
                transfers: new
                    .transfers
                    .map_or_else(|| Arc::clone(&default_transfers), Arc::new),
                capacity_teu_per_year: new.capacity_teu_per_year,
                source: new.source.as_deref().map(|s| sources.intern(s)),
            });
            if new.id.is_empty() {
                continue;
            }
            // As in the CSV loader, a refused place is left out of the index but keeps
            // its id: a second definition is still a duplicate, and legs naming it are
            // not also reported.
            let first = if found.findings.len() > before {
                let first = ids.get(&places, &new.id).map(PlaceId::index);
                let first = first.or_else(|| refused.get(new.id.as_str()).copied());
                if first.is_none() {
                    refused.insert(&new.id, index);
                }
                first
            } else if let Some(&first) = refused.get(new.id.as_str()) {
                Some(first)
            } else {
                let inserted = ids.insert(&places, PlaceId(index as u32));
                inserted.err().map(PlaceId::index)
            };
            if let Some(first) = first {
                found.id(Broken {
                    kind: DiagnosticKind::DuplicateId,
                    message: "duplicate id",
                    expected: format!(
                        "ids that are unique in the network (first added as place {first})"
                    ),
                });
            }
        }
        let mut corridors = CorridorTable::default();
        let mut legs = Vec::with_capacity(self.legs.len());
        let mut suggestions = SUGGESTIONS;
        let mut finder = PlaceFinder::default();
        for (index, new) in self.legs.iter().enumerate() {
            let mut found = Found {
                subject: || Subject::Leg {
                    index,
                    from: new.from.clone(),
                    to: new.to.clone(),
                },
                findings: &mut findings,
            };
            let mut known = |id: &str| {
                let place = finder.find(&places, &ids, id);
                place.ok_or_else(|| refused.contains_key(id))
            };
            let mut end = |id: &str, field: &str| {
                end(
                    id,
                    field,
                    &mut known,
                    &self.places,
                    &mut suggestions,
                    &mut found,
                )
            };
            let (from, to) = (end(&new.from, "from"), end(&new.to, "to"));
            let leg = check_leg(new, &self.meta, &mut found);
            if let (Some(a), Some(b), Some(distance)) = (from, to, leg.as_ref().map(|l| l.0))
                && new.from != new.to
            {
                let (a, b) = (&places[a.index()], &places[b.index()]);
                if let Err(broken) =
                    check_great_circle(distance, (&a.id, a.coord), (&b.id, b.coord))
                {
                    found.value("distance_km", broken, distance);
                }
            }
            let mut tags = Vec::with_capacity(new.corridors.len());
            for tag in &new.corridors {
                match corridors.intern(tag) {
                    Ok(id) if !tags.contains(&id) => tags.push(id),
                    Ok(_) => {}
                    Err(broken) => found.text("corridors", broken, tag),
                }
            }
            let (Some(from), Some(to), Some((distance_km, time_h, cost_usd))) = (from, to, leg)
            else {
                continue;
            };
            legs.push(Leg {
                from,
                to,
                mode: new.mode,
                corridors: tags.into_boxed_slice(),
                distance_km,
                time_h,
                cost_usd,
                capacity_teu_per_year: new.capacity_teu_per_year,
                gauge_mm: new.gauge_mm.filter(|_| new.mode == Mode::Rail),
                status: new.status,
                one_way: new.one_way,
                headway_h: new.headway_h,
                co2_kg_per_teu_km: new.co2_kg_per_teu_km,
                source: new.source.as_deref().map(|s| sources.intern(s)),
                drawn_via: new.drawn_via.as_slice().into(),
            });
        }
        if !findings.is_empty() {
            return Err(BuildError { findings });
        }
        Ok(Network::from_validated_with_ids(
            self.meta,
            places,
            legs,
            corridors.names,
            ids,
        ))
    }
}

/// Collects the findings about one subject (made only when something is found).
struct Found<'a, S: Fn() -> Subject> {
    subject: S,
    findings: &'a mut Vec<Finding>,
}

impl<S: Fn() -> Subject> Found<'_, S> {
    fn add(&mut self, field: &str, broken: Broken, value: Option<String>) {
        self.findings.push(Finding {
            kind: broken.kind,
            subject: (self.subject)(),
            field: field.to_owned(),
            value,
            message: broken.message.to_owned(),
            expected: Some(broken.expected),
        });
    }

    fn id(&mut self, broken: Broken) {
        self.add("id", broken, None);
    }

    fn value(&mut self, field: &str, broken: Broken, value: f64) {
        self.add(field, broken, Some(value.to_string()));
    }

    fn text(&mut self, field: &str, broken: Broken, value: &str) {
        self.add(field, broken, Some(value.to_owned()));
    }

    /// Checks a number against `range`.
    fn number(&mut self, field: &str, value: f64, range: NumberRange) {
        if let Err(broken) = range.rule(value) {
            self.value(field, broken, value);
        }
    }

    /// Checks an optional quantity (non-negative, at most the data limit).
    fn quantity(&mut self, field: &str, value: Option<f64>) {
        if let Some(value) = value {
            self.number(field, value, NumberRange::NonNegative);
        }
    }

    /// Checks a list item (alias, corridor tag): not empty, no semicolons, no
    /// surrounding spaces (the list format could not write it).
    fn item(&mut self, field: &str, item: &str) {
        if item.is_empty() || item.contains(';') || item.trim() != item {
            self.text(
                field,
                Broken {
                    kind: DiagnosticKind::BadId,
                    message: "list item is empty or has a semicolon or surrounding spaces",
                    expected: "text without semicolons or surrounding spaces".to_owned(),
                },
                item,
            );
        }
    }
}

fn check_meta(meta: &Meta, findings: &mut Vec<Finding>) {
    let mut found = Found {
        subject: || Subject::Meta,
        findings,
    };
    let nn = NumberRange::NonNegative;
    let d = &meta.defaults;
    found.number(
        "defaults.value_of_time_usd_per_teu_h",
        d.value_of_time_usd_per_teu_h,
        nn,
    );
    found.number("defaults.wait_factor", d.wait_factor, nn);
    for field in Transfers::FIELDS {
        let key = format!("defaults.{}", field.name);
        found.number(&key, (field.get)(&d.transfers), nn);
    }
    for mode in Mode::ALL {
        let m = meta.mode(mode);
        let key = |name: &str| format!("modes.{mode}.{name}");
        found.number(&key("speed_kmh"), m.speed_kmh, NumberRange::Speed);
        found.number(&key("cost_usd_per_teu_km"), m.cost_usd_per_teu_km, nn);
        found.number(&key("co2_kg_per_teu_km"), m.co2_kg_per_teu_km, nn);
    }
    for union in &meta.customs_unions {
        let key = |name: &str| format!("customs_unions.{}.{name}", union.id);
        found.number(&key("dwell_factor"), union.dwell_factor, nn);
        found.number(&key("fee_factor"), union.fee_factor, nn);
    }
}

fn check_place<S: Fn() -> Subject>(place: &NewPlace, found: &mut Found<'_, S>) {
    if place.id.is_empty() {
        found.id(Broken {
            kind: DiagnosticKind::MissingValue,
            message: "required value is empty",
            expected: "an id such as almaty".to_owned(),
        });
    } else if let Err(broken) = check_id(&place.id) {
        found.text("id", broken, &place.id);
    }
    found.number("lat", place.coord.lat, LATITUDE);
    found.number("lon", place.coord.lon, LONGITUDE);
    for alias in &place.aliases {
        found.item("aliases", alias);
    }
    for region in &place.regions {
        found.item("regions", region);
    }
    if let Some(transfers) = &place.transfers {
        for field in Transfers::FIELDS {
            found.quantity(field.name, Some((field.get)(transfers)));
        }
    }
    found.quantity("capacity_teu_per_year", place.capacity_teu_per_year);
}

/// Unknown leg ends get "did you mean" suggestions, at most this many (each costs
/// O(places)).
const SUGGESTIONS: usize = 20;

/// The place a leg's end names, reporting a missing or unknown id (with suggestions
/// while `suggestions` lasts). `known` finds a place by id, or says whether the id is
/// that of a refused place.
fn end<S: Fn() -> Subject>(
    id: &str,
    field: &str,
    known: &mut impl FnMut(&str) -> Result<PlaceId, bool>,
    places: &[NewPlace],
    suggestions: &mut usize,
    found: &mut Found<'_, S>,
) -> Option<PlaceId> {
    if id.is_empty() {
        found.add(
            field,
            Broken {
                kind: DiagnosticKind::MissingValue,
                message: "required value is empty",
                expected: "the id of a place".to_owned(),
            },
            None,
        );
        return None;
    }
    match known(id) {
        Ok(place) => Some(place),
        Err(true) => None,
        Err(false) => {
            let what = "the id of a place in the network";
            let expected = if *suggestions > 0 {
                *suggestions -= 1;
                close_ids(what, places.iter().map(|p| p.id.as_str()), id)
            } else {
                what.to_owned()
            };
            found.text(
                field,
                Broken {
                    kind: DiagnosticKind::DanglingEndpoint,
                    message: "no place has this id",
                    expected,
                },
                id,
            );
            None
        }
    }
}

/// Checks a leg's values; its distance, time and cost (defaults applied) if valid.
fn check_leg<S: Fn() -> Subject>(
    leg: &NewLeg,
    meta: &Meta,
    found: &mut Found<'_, S>,
) -> Option<(f64, f64, f64)> {
    let before = found.findings.len();
    if let Err(broken) = check_ends(&leg.from, &leg.to) {
        found.text("to", broken, &leg.to);
    }
    found.number("distance_km", leg.distance_km, NumberRange::NonNegative);
    found.quantity("time_h", leg.time_h);
    if let Some(speed) = leg.speed_kmh {
        found.number("speed_kmh", speed, NumberRange::Speed);
    }
    found.quantity("cost_usd", leg.cost_usd);
    found.quantity("capacity_teu_per_year", leg.capacity_teu_per_year);
    if let Some(gauge) = leg.gauge_mm {
        found.number("gauge_mm", f64::from(gauge), super::GAUGE_MM);
    }
    found.quantity("headway_h", leg.headway_h);
    found.quantity("co2_kg_per_teu_km", leg.co2_kg_per_teu_km);
    for tag in &leg.corridors {
        found.item("corridors", tag);
    }
    for point in &leg.drawn_via {
        found.number("drawn_via", point.lon, LONGITUDE);
        found.number("drawn_via", point.lat, LATITUDE);
    }
    if found.findings.len() > before {
        return None;
    }
    let defaults = meta.mode(leg.mode);
    let distance = leg.distance_km;
    let time_h = leg
        .time_h
        .unwrap_or_else(|| distance / leg.speed_kmh.unwrap_or(defaults.speed_kmh));
    let cost_usd = leg
        .cost_usd
        .unwrap_or(distance * defaults.cost_usd_per_teu_km);
    Some((distance, time_h, cost_usd))
}
