//! `network.toml`: metadata, defaults per mode, transfer defaults and customs unions.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::diagnostic::{Diagnostic, DiagnosticKind};
use super::table::{NumberRange, not_utf8, parse_number};
use crate::model::{
    CorridorInfo, Country, CustomsUnion, Defaults, Meta, Mode, ModeDefaults, Transfers,
};

/// The only `format_version` this build understands.
pub const FORMAT_VERSION: i64 = 1;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NetworkToml {
    format_version: Spanned<i64>,
    name: Option<String>,
    version: Option<String>,
    description: Option<String>,
    /// `[defaults]`: every key is a number (see [`default_slot`]).
    #[serde(default)]
    defaults: BTreeMap<Spanned<String>, Spanned<f64>>,
    #[serde(default)]
    modes: BTreeMap<Spanned<String>, ModeToml>,
    #[serde(default)]
    customs_unions: Vec<UnionToml>,
    #[serde(default)]
    corridors: Vec<CorridorToml>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CorridorToml {
    id: String,
    name: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    description: Option<String>,
    source: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ModeToml {
    speed_kmh: Option<Spanned<f64>>,
    cost_usd_per_teu_km: Option<Spanned<f64>>,
    co2_kg_per_teu_km: Option<Spanned<f64>>,
    source: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnionToml {
    id: String,
    name: Option<String>,
    countries: Vec<Spanned<String>>,
    dwell_factor: Option<Spanned<f64>>,
    fee_factor: Option<Spanned<f64>>,
    source: Option<String>,
}

/// 1-based line of a byte offset.
pub(crate) fn line_of(text: &str, offset: usize) -> u64 {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64
        + 1
}

struct Checker<'a> {
    file: &'a str,
    text: &'a str,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl Checker<'_> {
    fn number(
        &mut self,
        key: &str,
        value: &Option<Spanned<f64>>,
        range: NumberRange,
        default: f64,
    ) -> f64 {
        let Some(spanned) = value else {
            return default;
        };
        let text = spanned.get_ref().to_string();
        match parse_number(&text, range) {
            Ok(number) => number,
            Err((kind, message)) => {
                self.diagnostics.push(
                    Diagnostic::error(kind, self.file, message)
                        .at(line_of(self.text, spanned.span().start))
                        .column(key)
                        .value(&text)
                        .expected(range.describe()),
                );
                default
            }
        }
    }
}

/// Parses `network.toml`; on errors pushes located diagnostics and returns what it could.
pub(crate) fn parse(file: &str, bytes: &[u8], diagnostics: &mut Vec<Diagnostic>) -> Meta {
    let mut meta = Meta::default();
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            diagnostics.push(not_utf8(file, bytes, error, "a TOML file saved as UTF-8"));
            return meta;
        }
    };
    let parsed: NetworkToml = match toml::from_str(text) {
        Ok(parsed) => parsed,
        Err(error) => {
            let mut d = Diagnostic::error(
                DiagnosticKind::BadToml,
                file,
                error
                    .message()
                    .trim()
                    .to_lowercase()
                    .trim_end_matches('.')
                    .to_owned(),
            );
            if let Some(span) = error.span() {
                d = d.at(line_of(text, span.start));
            }
            diagnostics.push(d.expected("the keys documented in docs/data-format.md"));
            return meta;
        }
    };
    let mut check = Checker {
        file,
        text,
        diagnostics,
    };
    let version = *parsed.format_version.get_ref();
    if version != FORMAT_VERSION {
        check.diagnostics.push(
            Diagnostic::error(
                DiagnosticKind::OutOfRange,
                file,
                "unsupported format version",
            )
            .at(line_of(text, parsed.format_version.span().start))
            .column("format_version")
            .value(&version.to_string())
            .expected(format!("{FORMAT_VERSION}")),
        );
    }
    if let Some(name) = parsed.name {
        meta.name = name;
    }
    meta.version = parsed.version.unwrap_or_default();
    meta.description = parsed.description.unwrap_or_default();

    let nn = NumberRange::NonNegative;
    let mut defaults: Vec<_> = parsed.defaults.iter().collect();
    defaults.sort_by_key(|(key, _)| key.span().start);
    for (key, value) in defaults {
        match default_slot(&mut meta.defaults, key.get_ref()) {
            Some(slot) => *slot = check.number(key.get_ref(), &Some(value.clone()), nn, *slot),
            None => {
                let keys = ["value_of_time_usd_per_teu_h", "wait_factor"]
                    .into_iter()
                    .chain(Transfers::FIELDS.iter().map(|field| field.name));
                check.diagnostics.push(
                    Diagnostic::error(DiagnosticKind::BadToml, file, "unknown key")
                        .at(line_of(text, key.span().start))
                        .column("defaults")
                        .value(key.get_ref())
                        .expected(format!("one of {}", keys.collect::<Vec<_>>().join(", "))),
                );
            }
        }
    }

    for (name, mode_toml) in &parsed.modes {
        let Some(mode) = Mode::parse(name.get_ref()) else {
            check.diagnostics.push(
                Diagnostic::error(DiagnosticKind::UnknownMode, file, "unknown mode")
                    .at(line_of(text, name.span().start))
                    .column("modes")
                    .value(name.get_ref())
                    .expected("rail, road, sea or ferry"),
            );
            continue;
        };
        let builtin = ModeDefaults::builtin(mode);
        meta.modes[mode.index()] = ModeDefaults {
            speed_kmh: check.number(
                "speed_kmh",
                &mode_toml.speed_kmh,
                NumberRange::Speed,
                builtin.speed_kmh,
            ),
            cost_usd_per_teu_km: check.number(
                "cost_usd_per_teu_km",
                &mode_toml.cost_usd_per_teu_km,
                nn,
                builtin.cost_usd_per_teu_km,
            ),
            co2_kg_per_teu_km: check.number(
                "co2_kg_per_teu_km",
                &mode_toml.co2_kg_per_teu_km,
                nn,
                builtin.co2_kg_per_teu_km,
            ),
            source: mode_toml.source.clone().or(builtin.source),
        };
    }

    meta.corridors = parsed
        .corridors
        .into_iter()
        .map(|c| CorridorInfo {
            name: c.name.unwrap_or_else(|| c.id.clone()),
            id: c.id,
            aliases: c.aliases,
            description: c.description.unwrap_or_default(),
            source: c.source,
        })
        .collect();
    for union in &parsed.customs_unions {
        let mut countries = Vec::new();
        for code in &union.countries {
            match Country::parse(code.get_ref()) {
                Some(country) => countries.push(country),
                None => check.diagnostics.push(
                    Diagnostic::error(DiagnosticKind::BadCountry, file, "not a country code")
                        .at(line_of(text, code.span().start))
                        .column("countries")
                        .value(code.get_ref())
                        .expected("an ISO 3166-1 alpha-2 code such as KZ"),
                ),
            }
        }
        meta.customs_unions.push(CustomsUnion {
            id: union.id.clone(),
            name: union.name.clone().unwrap_or_else(|| union.id.clone()),
            countries,
            dwell_factor: check.number("dwell_factor", &union.dwell_factor, nn, 1.0),
            fee_factor: check.number("fee_factor", &union.fee_factor, nn, 1.0),
            source: union.source.clone(),
        });
    }
    meta
}

/// The value a `[defaults]` key sets, `None` for an unknown key.
fn default_slot<'d>(defaults: &'d mut Defaults, key: &str) -> Option<&'d mut f64> {
    match key {
        "value_of_time_usd_per_teu_h" => Some(&mut defaults.value_of_time_usd_per_teu_h),
        "wait_factor" => Some(&mut defaults.wait_factor),
        _ => Transfers::FIELDS
            .iter()
            .find(|field| field.name == key)
            .map(|field| (field.get_mut)(&mut defaults.transfers)),
    }
}

/// Writes `meta` as a `network.toml` that [`parse`] reads back to an equal value.
pub(crate) fn write(meta: &Meta) -> String {
    let mut root = toml::Table::new();
    root.insert("format_version".into(), FORMAT_VERSION.into());
    root.insert("name".into(), meta.name.clone().into());
    root.insert("version".into(), meta.version.clone().into());
    root.insert("description".into(), meta.description.clone().into());
    let d = &meta.defaults;
    let t = &d.transfers;
    let mut defaults = toml::Table::new();
    defaults.insert(
        "value_of_time_usd_per_teu_h".into(),
        d.value_of_time_usd_per_teu_h.into(),
    );
    defaults.insert("wait_factor".into(), d.wait_factor.into());
    for field in Transfers::FIELDS {
        defaults.insert(field.name.into(), (field.get)(t).into());
    }
    root.insert("defaults".into(), defaults.into());
    let mut modes = toml::Table::new();
    for mode in Mode::ALL {
        let m = meta.mode(mode);
        let mut table = toml::Table::new();
        table.insert("speed_kmh".into(), m.speed_kmh.into());
        table.insert("cost_usd_per_teu_km".into(), m.cost_usd_per_teu_km.into());
        table.insert("co2_kg_per_teu_km".into(), m.co2_kg_per_teu_km.into());
        if let Some(source) = &m.source {
            table.insert("source".into(), source.clone().into());
        }
        modes.insert(mode.as_str().into(), table.into());
    }
    root.insert("modes".into(), modes.into());
    let unions: Vec<toml::Value> = meta
        .customs_unions
        .iter()
        .map(|union| {
            let mut table = toml::Table::new();
            table.insert("id".into(), union.id.clone().into());
            table.insert("name".into(), union.name.clone().into());
            let countries: Vec<toml::Value> = union
                .countries
                .iter()
                .map(|c| c.as_str().to_owned().into())
                .collect();
            table.insert("countries".into(), countries.into());
            table.insert("dwell_factor".into(), union.dwell_factor.into());
            table.insert("fee_factor".into(), union.fee_factor.into());
            if let Some(source) = &union.source {
                table.insert("source".into(), source.clone().into());
            }
            table.into()
        })
        .collect();
    if !unions.is_empty() {
        root.insert("customs_unions".into(), unions.into());
    }
    let corridors: Vec<toml::Value> = meta
        .corridors
        .iter()
        .map(|c| {
            let mut table = toml::Table::new();
            table.insert("id".into(), c.id.clone().into());
            table.insert("name".into(), c.name.clone().into());
            let aliases: Vec<toml::Value> = c.aliases.iter().map(|a| a.clone().into()).collect();
            table.insert("aliases".into(), aliases.into());
            table.insert("description".into(), c.description.clone().into());
            if let Some(source) = &c.source {
                table.insert("source".into(), source.clone().into());
            }
            table.into()
        })
        .collect();
    if !corridors.is_empty() {
        root.insert("corridors".into(), corridors.into());
    }
    toml::to_string(&root).unwrap_or_default()
}
