//! Finding places by what people type: id, name or alias (case- and
//! diacritics-insensitive), or a `lat,lon` coordinate snapped to the nearest place.

use std::collections::HashMap;

use super::{Coord, Country, Network, Place, PlaceId, PlaceKind};

/// Why a place query could not be resolved.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LookupError {
    /// Nothing matches; `suggestions` lists up to three close places as `id (name)`.
    #[error("unknown place {query:?}{}", did_you_mean(suggestions))]
    Unknown {
        /// What was asked for.
        query: String,
        /// Close matches, best first.
        suggestions: Vec<String>,
    },
    /// Several places match equally well.
    #[error("ambiguous place {query:?}: it matches {}; use an id", candidates.join(", "))]
    Ambiguous {
        /// What was asked for.
        query: String,
        /// The matching places as `id (name)`.
        candidates: Vec<String>,
    },
    /// The query names a country, not a place; `places` lists some of its hubs as
    /// `id (name)`.
    #[error(
        "{query:?} is a country ({code}), not a place; name a place in it{}",
        such_as(places)
    )]
    Country {
        /// What was asked for.
        query: String,
        /// The country's ISO 3166-1 alpha-2 code.
        code: String,
        /// Up to five of its cities, ports and dry ports, in file order.
        places: Vec<String>,
    },
    /// A coordinate was given but the network has no places.
    #[error("cannot snap {query:?} to a place: the network is empty")]
    EmptyNetwork {
        /// What was asked for.
        query: String,
    },
    /// A coordinate lies farther than 300 km from every place routes can start
    /// or end at.
    #[error(
        "{query:?} is {km:.0} km from the nearest place, {nearest}; give a place, or a \
         coordinate (latitude first, then longitude) within {MAX_SNAP_KM:.0} km of one"
    )]
    FarFromNetwork {
        /// What was asked for.
        query: String,
        /// The nearest place, as `id (name)`.
        nearest: String,
        /// Its great-circle distance from the coordinate.
        km: f64,
    },
    /// Neither an ISO 3166-1 alpha-2 code nor a country name.
    #[error("unknown country {query:?}; {}", country_hint(suggestions, known))]
    UnknownCountry {
        /// What was asked for.
        query: String,
        /// Close countries of the network as `CC (name)`, best first.
        suggestions: Vec<String>,
        /// Every country code of the network, sorted.
        known: Vec<String>,
    },
}

fn country_hint(suggestions: &[String], known: &[String]) -> String {
    if suggestions.is_empty() {
        format!(
            "expected an ISO 3166-1 alpha-2 code or a country name; the network has {}",
            known.join(", ")
        )
    } else {
        format!("did you mean {}?", suggestions.join(", "))
    }
}

/// A `lat,lon` coordinate snaps to the nearest place within this many kilometres
/// (great circle); farther is an error, which also catches latitude and longitude
/// typed the wrong way round.
pub const MAX_SNAP_KM: f64 = 300.0;

fn such_as(places: &[String]) -> String {
    listed(", such as ", places, "")
}

/// `items` joined by commas between `before` and `after`; nothing when there are none.
fn listed(before: &str, items: &[String], after: &str) -> String {
    if items.is_empty() {
        String::new()
    } else {
        format!("{before}{}{after}", items.join(", "))
    }
}

/// Country names people type for the ISO 3166-1 alpha-2 codes of the Eurasian
/// corridors (English, local and former names), so that `Turkey`, `Türkiye` or
/// `Qazaqstan` find the country's places.
const COUNTRY_NAMES: &[(&str, &[&str])] = &[
    ("AF", &["Afghanistan"]),
    ("AM", &["Armenia", "Hayastan"]),
    ("AT", &["Austria", "Österreich"]),
    ("AZ", &["Azerbaijan", "Azərbaycan"]),
    ("BE", &["Belgium", "België", "Belgique"]),
    ("BG", &["Bulgaria", "България"]),
    ("BY", &["Belarus", "Byelorussia", "Беларусь"]),
    ("CN", &["China", "PRC", "中国"]),
    ("CZ", &["Czechia", "Czech Republic", "Česko"]),
    ("DE", &["Germany", "Deutschland"]),
    ("EG", &["Egypt", "Misr"]),
    ("ES", &["Spain", "España"]),
    ("FR", &["France"]),
    ("GE", &["Georgia", "Sakartvelo", "საქართველო"]),
    ("GR", &["Greece", "Hellas", "Ελλάδα"]),
    ("HU", &["Hungary", "Magyarország"]),
    ("IN", &["India", "Bharat"]),
    ("IR", &["Iran", "Persia", "ایران"]),
    ("IT", &["Italy", "Italia"]),
    (
        "KG",
        &["Kyrgyzstan", "Kyrgyz Republic", "Kirghizia", "Кыргызстан"],
    ),
    ("KZ", &["Kazakhstan", "Qazaqstan", "Қазақстан"]),
    ("MK", &["North Macedonia", "Macedonia"]),
    ("NL", &["Netherlands", "Holland", "Nederland"]),
    ("OM", &["Oman"]),
    ("PK", &["Pakistan"]),
    ("PL", &["Poland", "Polska"]),
    ("RO", &["Romania", "România"]),
    ("RS", &["Serbia", "Srbija", "Србија"]),
    ("RU", &["Russia", "Russian Federation", "Россия"]),
    ("SA", &["Saudi Arabia"]),
    ("SG", &["Singapore"]),
    ("SK", &["Slovakia", "Slovensko"]),
    ("TJ", &["Tajikistan", "Тоҷикистон"]),
    ("TM", &["Turkmenistan", "Türkmenistan"]),
    ("TR", &["Türkiye", "Turkey"]),
    ("UA", &["Ukraine", "Україна"]),
    ("AE", &["United Arab Emirates", "UAE", "Emirates"]),
    ("UZ", &["Uzbekistan", "Oʻzbekiston", "Ўзбекистон"]),
    ("ZA", &["South Africa"]),
];

/// The ISO 3166-1 alpha-2 code of the country a query names (English, local or former
/// name of a country on the Eurasian corridors, compared after [`fold`]ing), if any.
pub fn country_named(query: &str) -> Option<&'static str> {
    let key = fold(query);
    if key.is_empty() {
        return None;
    }
    COUNTRY_NAMES
        .iter()
        .find(|(_, names)| names.iter().any(|name| fold(name) == key))
        .map(|(code, _)| *code)
}

/// The officially assigned ISO 3166-1 alpha-2 codes (249, as of 2024), space-separated.
const ISO_3166_CODES: &str = "\
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ \
BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM \
DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS \
GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN \
KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ \
MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM \
PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV \
SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI \
VN VU WF WS YE YT ZA ZM ZW";

/// The names of the country with ISO code `code` in [`COUNTRY_NAMES`], if listed.
fn country_names(code: &str) -> &'static [&'static str] {
    COUNTRY_NAMES
        .iter()
        .find(|(listed, _)| *listed == code)
        .map_or(&[], |(_, names)| names)
}

/// `CC (name)` with the country's first listed name, or just the code.
fn describe_country(country: Country) -> String {
    match country_names(country.as_str()).first() {
        Some(name) => format!("{country} ({name})"),
        None => country.to_string(),
    }
}

fn did_you_mean(suggestions: &[String]) -> String {
    listed("; did you mean ", suggestions, "?")
}

/// Folds text for matching: transliterates to ASCII (`Türkiye` → `Turkiye`, `Kapıköy` →
/// `Kapikoy`), lowercases and keeps only letters and digits (`Xi'an` → `xian`,
/// `Alma-Ata` → `almaata`).
pub fn fold(text: &str) -> String {
    deunicode::deunicode(text)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// How a key names a place; lower is a stronger match.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Tier {
    Id,
    Name,
    Alias,
    /// A region the place is the administrative centre of.
    Region,
}

/// Folded keys of every place (built on first use, then cached in the network).
#[derive(Debug)]
pub(crate) struct NameIndex {
    by_key: HashMap<String, Vec<(Tier, PlaceId)>>,
}

impl NameIndex {
    pub(crate) fn new(places: &[Place]) -> NameIndex {
        let mut by_key: HashMap<String, Vec<(Tier, PlaceId)>> = HashMap::new();
        for (index, place) in places.iter().enumerate() {
            let id = PlaceId(index as u32);
            let names = std::iter::once((Tier::Id, &*place.id))
                .chain(std::iter::once((Tier::Name, &*place.name)))
                .chain(place.aliases.iter().map(|a| (Tier::Alias, &**a)))
                .chain(place.regions.iter().map(|r| (Tier::Region, &**r)));
            for (tier, text) in names {
                let key = fold(text);
                if key.is_empty() {
                    continue;
                }
                let entry = by_key.entry(key).or_default();
                match entry.iter_mut().find(|(_, existing)| *existing == id) {
                    Some(found) => found.0 = found.0.min(tier),
                    None => entry.push((tier, id)),
                }
            }
        }
        NameIndex { by_key }
    }
}

impl Network {
    /// Resolves what a user typed to a place.
    ///
    /// In order: an exact id; a `lat,lon` coordinate (decimal degrees), snapped to the
    /// nearest place by great-circle distance, at most 300 km away (else
    /// [`LookupError::FarFromNetwork`]); an id, name or alias compared after folding
    /// (accents, case and punctuation dropped), preferring id over name over alias over the name of a region the
    /// place is the administrative centre of ([`Network::region_named`] tells when a
    /// query resolved that way). Several places matching at the
    /// same strength is [`LookupError::Ambiguous`]; no match is
    /// [`LookupError::Unknown`] with up to three suggestions.
    pub fn resolve(&self, query: &str) -> Result<PlaceId, LookupError> {
        self.resolve_as(query, false)
    }

    /// [`Network::resolve`] for where a route starts or ends: a coordinate snaps to a
    /// place freight can start from ([`Network::snap`]: not a sea waypoint).
    pub fn resolve_end(&self, query: &str) -> Result<PlaceId, LookupError> {
        self.resolve_as(query, true)
    }

    fn resolve_as(&self, query: &str, end: bool) -> Result<PlaceId, LookupError> {
        let query = query.trim();
        if let Some(id) = self.place_by_id(query) {
            return Ok(id);
        }
        if let Some(coord) = parse_coord(query) {
            let id = if end {
                self.snap(coord)
            } else {
                self.nearest(coord)
            };
            let id = id.ok_or_else(|| LookupError::EmptyNetwork {
                query: query.to_owned(),
            })?;
            let km = coord.distance_km(self.place(id).coord);
            if km > MAX_SNAP_KM {
                return Err(LookupError::FarFromNetwork {
                    query: query.to_owned(),
                    nearest: self.describe(id),
                    km,
                });
            }
            return Ok(id);
        }
        let key = fold(query);
        if let Some(matches) = self.names().by_key.get(&key) {
            let best = matches.iter().map(|(tier, _)| *tier).min();
            let mut strongest: Vec<PlaceId> = matches
                .iter()
                .filter(|(tier, _)| Some(*tier) == best)
                .map(|(_, id)| *id)
                .collect();
            strongest.sort();
            if let [only] = strongest[..] {
                return Ok(only);
            }
            return Err(LookupError::Ambiguous {
                query: query.to_owned(),
                candidates: strongest.iter().map(|&id| self.describe(id)).collect(),
            });
        }
        if let Some(code) = country_named(query) {
            return Err(LookupError::Country {
                query: query.to_owned(),
                code: code.to_owned(),
                places: self
                    .places_in(code)
                    .filter(|&id| self.place(id).kind.is_hub())
                    .take(5)
                    .map(|id| self.describe(id))
                    .collect(),
            });
        }
        Err(LookupError::Unknown {
            query: query.to_owned(),
            suggestions: self
                .suggest(query, 3)
                .into_iter()
                .map(|id| self.describe(id))
                .collect(),
        })
    }

    /// When `query` resolves to a place only as the name of a region it is the
    /// administrative centre of (`Kashkadarya` → Karshi), that place and the region's
    /// display name (the first of [`Place::regions`]); `None` for every other query.
    pub fn region_named(&self, query: &str) -> Option<(PlaceId, &str)> {
        let query = query.trim();
        if self.place_by_id(query).is_some() {
            return None;
        }
        let matches = self.names().by_key.get(&fold(query))?;
        let best = matches.iter().map(|(tier, _)| *tier).min()?;
        let mut centres = matches.iter().filter(|(tier, _)| *tier == best);
        match (best, centres.next(), centres.next()) {
            (Tier::Region, Some(&(_, id)), None) => {
                let region = self.place(id).regions.first()?;
                Some((id, &**region))
            }
            _ => None,
        }
    }

    /// The place nearest to a coordinate (ties to the lowest id); `None` if empty.
    pub fn nearest(&self, coord: Coord) -> Option<PlaceId> {
        self.spatial().nearest(coord)
    }

    /// Where a coordinate typed as a route end snaps to: the nearest place that is not a
    /// sea waypoint (freight starts and ends at ports, not in a strait), or the nearest
    /// waypoint in a network of waypoints only; `None` if empty.
    pub fn snap(&self, coord: Coord) -> Option<PlaceId> {
        self.spatial()
            .nearest_where(coord, |id| self.place(id).kind != PlaceKind::Waypoint)
            .or_else(|| self.nearest(coord))
    }

    /// Places whose id, name or alias contains the folded query, strongest matches first
    /// (exact, then prefix, then substring; file order within each), then, when the
    /// query names a country (`Turkey`, `Türkiye`, `Qazaqstan`...), that country's
    /// places. An empty query lists every place in file order.
    pub fn search(&self, query: &str) -> Vec<PlaceId> {
        let key = fold(query);
        if key.is_empty() {
            return (0..self.places().len() as u32).map(PlaceId).collect();
        }
        let mut found: HashMap<PlaceId, u8> = HashMap::new();
        for (name, ids) in &self.names().by_key {
            let rank = if *name == key {
                0
            } else if name.starts_with(&key) {
                1
            } else if name.contains(&key) {
                2
            } else {
                continue;
            };
            for &(_, id) in ids {
                let best = found.entry(id).or_insert(rank);
                *best = (*best).min(rank);
            }
        }
        // A country name lists the country's places after any place named like it.
        if let Some(code) = country_named(query) {
            for id in self.places_in(code) {
                found.entry(id).or_insert(3);
            }
        }
        let mut ranked: Vec<(u8, PlaceId)> = found.into_iter().map(|(id, r)| (r, id)).collect();
        ranked.sort();
        ranked.into_iter().map(|(_, id)| id).collect()
    }

    /// The places of a country (ISO code), in file order.
    fn places_in<'a>(&'a self, code: &'a str) -> impl Iterator<Item = PlaceId> + 'a {
        self.places()
            .iter()
            .enumerate()
            .filter(move |(_, place)| place.country.is_some_and(|c| c.as_str() == code))
            .map(|(index, _)| PlaceId(index as u32))
    }

    /// Up to `limit` places whose names are closest to `query` (Jaro–Winkler similarity
    /// on folded keys, at least 0.7), best first, ties by id.
    pub fn suggest(&self, query: &str, limit: usize) -> Vec<PlaceId> {
        let key = fold(query);
        if key.is_empty() {
            return Vec::new();
        }
        let mut best: HashMap<PlaceId, f64> = HashMap::new();
        for (name, ids) in &self.names().by_key {
            let mut score = strsim::jaro_winkler(&key, name);
            if name.contains(&key) || key.contains(name.as_str()) {
                score = score.max(0.9);
            }
            if score < 0.7 {
                continue;
            }
            for &(_, id) in ids {
                let entry = best.entry(id).or_insert(score);
                *entry = entry.max(score);
            }
        }
        let mut ranked: Vec<(f64, PlaceId)> = best.into_iter().map(|(id, s)| (s, id)).collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        ranked.into_iter().take(limit).map(|(_, id)| id).collect()
    }

    /// Resolves a country the user typed: an ISO 3166-1 alpha-2 code in any case (`ru`)
    /// that is officially assigned or is the country of a place of the network, or a name
    /// known to the built-in country list (`Russia`, `Türkiye`). Anything else, such as `XX`, is
    /// [`LookupError::UnknownCountry`] with up to three close countries of the network
    /// (Jaro–Winkler similarity of folded codes and names, at least 0.7; best first, ties
    /// by code). The country need not have places: see [`Network::has_country`].
    pub fn resolve_country(&self, query: &str) -> Result<Country, LookupError> {
        let trimmed = query.trim();
        let known = self.countries();
        let code = Country::parse(trimmed).filter(|c| {
            trimmed.len() == 2 && (ISO_3166_CODES.contains(c.as_str()) || known.contains(c))
        });
        if let Some(country) = code.or_else(|| country_named(trimmed).and_then(Country::parse)) {
            return Ok(country);
        }
        let key = fold(trimmed);
        let mut close: Vec<(f64, Country)> = known
            .iter()
            .map(|&country| {
                let score = std::iter::once(country.as_str())
                    .chain(country_names(country.as_str()).iter().copied())
                    .map(|name| strsim::jaro_winkler(&key, &fold(name)))
                    .fold(0.0, f64::max);
                (score, country)
            })
            .filter(|&(score, _)| score >= 0.7)
            .collect();
        close.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.as_str().cmp(b.1.as_str())));
        Err(LookupError::UnknownCountry {
            query: trimmed.to_owned(),
            suggestions: close
                .iter()
                .take(3)
                .map(|&(_, country)| describe_country(country))
                .collect(),
            known: known.iter().map(|c| c.as_str().to_owned()).collect(),
        })
    }

    /// Whether a place of the network is in `country`.
    pub fn has_country(&self, country: Country) -> bool {
        self.places().iter().any(|p| p.country == Some(country))
    }

    /// The countries of the network's places, sorted by code.
    pub(crate) fn countries(&self) -> Vec<Country> {
        let mut known: Vec<Country> = self.places().iter().filter_map(|p| p.country).collect();
        known.sort_unstable_by(|a, b| a.as_str().cmp(b.as_str()));
        known.dedup();
        known
    }

    /// `id (name)`, or just the id when the name equals it.
    pub fn describe(&self, id: PlaceId) -> String {
        let place = self.place(id);
        if place.name == place.id {
            place.id.to_string()
        } else {
            format!("{} ({})", place.id, place.name)
        }
    }
}

impl Coord {
    /// Parses `lat,lon` in decimal degrees (spaces allowed), within range.
    ///
    /// ```
    /// let c = corridor::Coord::parse("-33.9, 18.4").unwrap();
    /// assert_eq!((c.lat, c.lon), (-33.9, 18.4));
    /// assert!(corridor::Coord::parse("91,0").is_none());
    /// ```
    pub fn parse(text: &str) -> Option<Coord> {
        parse_coord(text)
    }
}

/// Parses `lat,lon` in decimal degrees (spaces allowed), within range.
pub fn parse_coord(text: &str) -> Option<Coord> {
    let (lat, lon) = text.split_once(',')?;
    let lat: f64 = lat.trim().parse().ok()?;
    let lon: f64 = lon.trim().parse().ok()?;
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)).then_some(Coord { lon, lat })
}

#[cfg(test)]
mod tests {
    use crate::model::Status;

    /// Status names are matched ignoring ASCII case, with `_` for `-`, as before
    /// parsing stopped allocating.
    #[test]
    fn status_names_ignore_case_and_underscores() {
        let old = |text: &str| {
            let text = text.trim().replace('_', "-");
            Status::ALL
                .into_iter()
                .find(|status| status.as_str().eq_ignore_ascii_case(&text))
        };
        for text in [
            "operational",
            " Operational ",
            "UNDER_CONSTRUCTION",
            "under-construction",
            "Under_construction",
            "planned",
            "closed",
            "close",
            "",
            "plannedx",
            "ﬂanned",
            "operationaL\t",
            "under construction",
        ] {
            assert_eq!(Status::parse(text), old(text), "{text:?}");
        }
        assert_eq!(
            Status::parse("Under_Construction"),
            Some(Status::UnderConstruction)
        );
    }

    use super::*;

    #[test]
    fn fold_strips_diacritics_case_and_punctuation() {
        assert_eq!(fold("Türkiye"), "turkiye");
        assert_eq!(fold("Kapıköy"), "kapikoy");
        assert_eq!(fold("Xi'an"), "xian");
        assert_eq!(fold("Alma-Ata"), "almaata");
        assert_eq!(fold("Małaszewicze"), "malaszewicze");
    }

    #[test]
    fn coordinates_parse_only_in_range() {
        assert_eq!(
            parse_coord("41.3, 69.2"),
            Some(Coord {
                lon: 69.2,
                lat: 41.3
            })
        );
        assert_eq!(parse_coord("91,0"), None);
        assert_eq!(parse_coord("0,181"), None);
        assert_eq!(parse_coord("NaN,0"), None);
        assert_eq!(parse_coord("tashkent"), None);
    }
}
