//! Writing a network back out: the CSV + TOML folder format (lossless) and GeoJSON.

use std::io::{self, Write};

use serde_json::{Map, Value, json};

use super::load::{LEG_COLUMNS, NODE_COLUMNS};
use super::meta_toml;
use crate::model::{Leg, Network, Place, PlaceId, Transfers};

/// Writes `nodes.csv`. Transfer cells equal to the network default are left empty, so the
/// file reads back to the same network together with [`write_network_toml`]'s output.
pub fn write_nodes_csv(network: &Network, out: impl Write) -> io::Result<()> {
    let all: Vec<PlaceId> = (0..network.places().len() as u32).map(PlaceId).collect();
    write_places_csv(network, &all, out)
}

/// Writes the given places in the `nodes.csv` format, in the order given.
pub fn write_places_csv(network: &Network, places: &[PlaceId], out: impl Write) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(NODE_COLUMNS).map_err(csv_error)?;
    let defaults = &network.meta().defaults.transfers;
    for &id in places {
        writer
            .write_record(node_record(network.place(id), defaults))
            .map_err(csv_error)?;
    }
    writer.flush()
}

fn node_record(place: &Place, defaults: &Transfers) -> Vec<String> {
    let t = &place.transfers;
    let mut record = vec![
        place.id.to_string(),
        if place.name == place.id {
            String::new()
        } else {
            place.name.to_string()
        },
        place.aliases.join(";"),
        place.country.map(|c| c.to_string()).unwrap_or_default(),
        place.kind.to_string(),
        place.coord.lat.to_string(),
        place.coord.lon.to_string(),
    ];
    for field in Transfers::FIELDS {
        let value = (field.get)(t);
        record.push(if value == (field.get)(defaults) {
            String::new()
        } else {
            value.to_string()
        });
    }
    record.push(optional(place.capacity_teu_per_year));
    record.push(place.source.as_deref().unwrap_or_default().to_owned());
    record.push(place.regions.join(";"));
    record
}

/// A CSV error as an I/O error, keeping the kind of an underlying I/O error (so a closed
/// pipe stays `BrokenPipe`).
pub fn csv_error(error: csv::Error) -> io::Error {
    match error.into_kind() {
        csv::ErrorKind::Io(error) => error,
        other => io::Error::other(format!("{other:?}")),
    }
}

fn optional(value: Option<f64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// Writes `legs.csv` with explicit `time_h` and `cost_usd` (defaults resolved).
pub fn write_legs_csv(network: &Network, out: impl Write) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(LEG_COLUMNS).map_err(csv_error)?;
    for leg in network.legs() {
        writer
            .write_record(leg_record(network, leg))
            .map_err(csv_error)?;
    }
    writer.flush()
}

fn leg_record(network: &Network, leg: &Leg) -> Vec<String> {
    vec![
        network.place(leg.from).id.to_string(),
        network.place(leg.to).id.to_string(),
        leg.mode.to_string(),
        leg.corridors
            .iter()
            .map(|&c| network.corridor_name(c))
            .collect::<Vec<_>>()
            .join(";"),
        leg.distance_km.to_string(),
        leg.time_h.to_string(),
        String::new(),
        leg.cost_usd.to_string(),
        optional(leg.capacity_teu_per_year),
        leg.gauge_mm.map(|g| g.to_string()).unwrap_or_default(),
        leg.status.to_string(),
        if leg.one_way {
            "true".into()
        } else {
            String::new()
        },
        optional(leg.headway_h),
        optional(leg.co2_kg_per_teu_km),
        leg.source.as_deref().unwrap_or_default().to_owned(),
        leg.drawn_via
            .iter()
            .map(|p| format!("{} {}", p.lon, p.lat))
            .collect::<Vec<_>>()
            .join("; "),
    ]
}

/// Writes `network.toml` with every default spelled out.
pub fn write_network_toml(network: &Network, mut out: impl Write) -> io::Result<()> {
    out.write_all(meta_toml::write(network.meta()).as_bytes())
}

/// Writes the network as an RFC 7946 GeoJSON `FeatureCollection`: one `Point` per place
/// and one `LineString` per leg (through its `drawn_via` points), with their data as
/// properties. Streams feature by
/// feature, so memory stays flat for large networks.
pub fn write_geojson(network: &Network, mut out: impl Write) -> io::Result<()> {
    writeln!(out, "{{\"type\":\"FeatureCollection\",\"features\":[")?;
    let mut first = true;
    for place in network.places() {
        let feature = json!({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [place.coord.lon, place.coord.lat]},
            "properties": place_properties(place),
        });
        write_feature(&mut out, &feature, &mut first)?;
    }
    for leg in network.legs() {
        let (a, b) = (network.place(leg.from).coord, network.place(leg.to).coord);
        let points: Vec<[f64; 2]> = std::iter::once(a)
            .chain(leg.drawn_via.iter().copied())
            .chain(std::iter::once(b))
            .map(|p| [p.lon, p.lat])
            .collect();
        let feature = json!({
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": points},
            "properties": leg_properties(network, leg),
        });
        write_feature(&mut out, &feature, &mut first)?;
    }
    writeln!(out, "\n]}}")
}

fn write_feature(out: &mut impl Write, feature: &Value, first: &mut bool) -> io::Result<()> {
    if !*first {
        out.write_all(b",\n")?;
    }
    *first = false;
    serde_json::to_writer(&mut *out, feature).map_err(io::Error::from)
}

impl Network {
    /// Writes the network as one GeoJSON `FeatureCollection`: a point per place and a
    /// line per leg, with their attributes as properties.
    pub fn write_geojson(&self, out: impl Write) -> io::Result<()> {
        write_geojson(self, out)
    }

    /// Writes `places` as CSV rows with the columns of `nodes.csv`.
    pub fn write_places_csv(&self, places: &[PlaceId], out: impl Write) -> io::Result<()> {
        write_places_csv(self, places, out)
    }
}

impl Place {
    /// The place as a JSON object: id, name, aliases, country, kind, coordinates, its
    /// transfer times and costs, capacity and sources (the properties of its GeoJSON
    /// feature and of the server's place list).
    pub fn properties(&self) -> Value {
        place_properties(self)
    }
}

/// The properties of a place as a JSON object (GeoJSON and JSON output).
pub fn place_properties(place: &Place) -> Value {
    let t = &place.transfers;
    let mut map = Map::new();
    map.insert("feature".into(), "place".into());
    map.insert("id".into(), (*place.id).into());
    map.insert("name".into(), (*place.name).into());
    map.insert(
        "aliases".into(),
        place
            .aliases
            .iter()
            .map(|a| &**a)
            .collect::<Vec<_>>()
            .into(),
    );
    map.insert(
        "country".into(),
        place.country.map(|c| c.to_string()).into(),
    );
    map.insert("kind".into(), place.kind.as_str().into());
    map.insert("lat".into(), place.coord.lat.into());
    map.insert("lon".into(), place.coord.lon.into());
    for field in Transfers::FIELDS {
        map.insert(field.name.into(), (field.get)(t).into());
    }
    map.insert(
        "capacity_teu_per_year".into(),
        place.capacity_teu_per_year.into(),
    );
    map.insert("source".into(), place.source.as_deref().into());
    if !place.regions.is_empty() {
        map.insert(
            "regions".into(),
            place
                .regions
                .iter()
                .map(|r| &**r)
                .collect::<Vec<_>>()
                .into(),
        );
    }
    Value::Object(map)
}

fn leg_properties(network: &Network, leg: &Leg) -> Value {
    json!({
        "feature": "leg",
        "from": &*network.place(leg.from).id,
        "to": &*network.place(leg.to).id,
        "mode": leg.mode.as_str(),
        "corridors": leg.corridors.iter().map(|&c| network.corridor_name(c)).collect::<Vec<_>>(),
        "distance_km": leg.distance_km,
        "time_h": leg.time_h,
        "cost_usd": leg.cost_usd,
        "co2_kg": network.leg_co2_kg(leg),
        "capacity_teu_per_year": leg.capacity_teu_per_year,
        "gauge_mm": leg.gauge_mm,
        "status": leg.status.as_str(),
        "one_way": leg.one_way,
        "headway_h": leg.headway_h,
        "source": leg.source.as_deref(),
    })
}
