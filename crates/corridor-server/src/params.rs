//! Request parameters, from a query string or a JSON body alike: a list of named text
//! values, read by name with errors that name the parameter; a parameter the endpoint
//! does not know is an error (a typo must not be silently ignored).

use corridor::Criterion;
use corridor::{Mode, Objective, RouteRequest};
use serde_json::Value;

use crate::ApiError;

/// The parameters of one request, in the order given.
#[derive(Clone, Debug, Default)]
pub(crate) struct Params {
    pairs: Vec<(String, String)>,
    /// Keys read so far.
    used: Vec<&'static str>,
    /// Values that are not text (a JSON body's demand rows).
    values: Vec<(String, Value)>,
}

/// Parameter names with the other spellings accepted (the library's field names).
const ALIASES: &[(&str, &str)] = &[
    ("avoid_countries", "avoid_country"),
    ("corridors", "corridor"),
    ("avoid_corridors", "avoid_corridor"),
    ("mode", "modes"),
    ("volume_teu_per_year", "volume"),
    ("value_of_time_usd_per_teu_h", "value_of_time"),
    ("demands", "demand"),
];

fn canonical(key: &str) -> &str {
    ALIASES
        .iter()
        .find(|(alias, _)| *alias == key)
        .map_or(key, |(_, name)| name)
}

impl Params {
    /// From a query string (`a=1&b=x%20y`; a key may repeat).
    pub(crate) fn from_query(query: Option<&str>) -> Params {
        let pairs = form_pairs(query.unwrap_or(""));
        Params {
            pairs: pairs
                .into_iter()
                .map(|(k, v)| (canonical(&k).to_owned(), v))
                .collect(),
            ..Params::default()
        }
    }

    /// From a JSON object: text, numbers and booleans as they print; an array gives one
    /// value per element; `scenario` may be a TOML document's JSON equivalent; `demand`
    /// is kept as JSON.
    pub(crate) fn from_json(body: &[u8]) -> Result<Params, ApiError> {
        let value: Value = serde_json::from_slice(body)
            .map_err(|e| ApiError::bad_parameter("body", format!("not valid JSON: {e}")))?;
        let Value::Object(object) = value else {
            return Err(ApiError::bad_parameter("body", "expected a JSON object"));
        };
        let mut params = Params::default();
        for (key, value) in object {
            let key = canonical(&key).to_owned();
            match value {
                Value::Null => {}
                Value::Array(items) if key != "demand" => {
                    for item in items {
                        let text = scalar(&key, item)?;
                        params.pairs.push((key.clone(), text));
                    }
                }
                Value::Object(_) if key == "scenario" => {
                    let text = toml::to_string(&value).map_err(|e| {
                        ApiError::bad_parameter("scenario", format!("not a scenario: {e}"))
                    })?;
                    params.pairs.push((key, text));
                }
                Value::Object(_) | Value::Array(_) => params.values.push((key, value)),
                other => {
                    let text = scalar(&key, other)?;
                    params.pairs.push((key, text));
                }
            }
        }
        Ok(params)
    }

    /// Adds the parameters of `other` after these.
    pub(crate) fn extend(&mut self, other: Params) {
        self.pairs.extend(other.pairs);
        self.values.extend(other.values);
    }

    /// Whether `key` was given.
    pub(crate) fn has(&self, key: &str) -> bool {
        self.pairs.iter().any(|(k, _)| k == key)
    }

    fn all(&mut self, key: &'static str) -> Vec<String> {
        self.used.push(key);
        self.pairs
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// The value of `key` given at most once.
    pub(crate) fn one(&mut self, key: &'static str) -> Result<Option<String>, ApiError> {
        let mut values = self.all(key);
        match values.len() {
            0 => Ok(None),
            1 => Ok(values.pop()),
            _ => Err(ApiError::bad_parameter(key, "given more than once")),
        }
    }

    /// The value of `key`, required.
    pub(crate) fn required(&mut self, key: &'static str) -> Result<String, ApiError> {
        match self.one(key)? {
            Some(value) if !value.trim().is_empty() => Ok(value),
            _ => Err(ApiError::bad_parameter(key, "required")),
        }
    }

    /// Every value of `key`, each split at commas, blanks dropped.
    pub(crate) fn list(&mut self, key: &'static str) -> Vec<String> {
        self.all(key)
            .iter()
            .flat_map(|v| v.split(','))
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// Every value of `key` as given (places may be `lat,lon`).
    pub(crate) fn repeated(&mut self, key: &'static str) -> Vec<String> {
        self.all(key)
            .into_iter()
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// A yes/no flag: `true`, `false`, `1`, `0`, `yes`, `no`, or given without a value.
    pub(crate) fn flag(&mut self, key: &'static str) -> Result<bool, ApiError> {
        match self.one(key)?.as_deref().map(str::trim) {
            None => Ok(false),
            Some("" | "true" | "1" | "yes") => Ok(true),
            Some("false" | "0" | "no") => Ok(false),
            Some(other) => Err(ApiError::bad_parameter(
                key,
                format!("expected true or false, not {other:?}"),
            )),
        }
    }

    /// A number parsed by `T::from_str`.
    pub(crate) fn number<T: std::str::FromStr>(
        &mut self,
        key: &'static str,
        what: &str,
    ) -> Result<Option<T>, ApiError> {
        match self.one(key)? {
            None => Ok(None),
            Some(text) => text.trim().parse().map(Some).map_err(|_| {
                ApiError::bad_parameter(key, format!("expected {what}, not {text:?}"))
            }),
        }
    }

    /// A JSON value that is not text (`demand` rows).
    pub(crate) fn value(&mut self, key: &'static str) -> Option<Value> {
        self.used.push(key);
        self.values
            .iter()
            .position(|(k, _)| k == key)
            .map(|i| self.values.swap_remove(i).1)
    }

    /// Refuses any parameter not read.
    pub(crate) fn finish(&self) -> Result<(), ApiError> {
        let unknown = self
            .pairs
            .iter()
            .map(|(k, _)| k)
            .chain(self.values.iter().map(|(k, _)| k))
            .find(|k| !self.used.contains(&k.as_str()));
        match unknown {
            None => Ok(()),
            Some(key) => {
                let mut known = self.used.clone();
                known.sort_unstable();
                known.dedup();
                let takes = if known.is_empty() {
                    "this endpoint takes no parameters".to_owned()
                } else {
                    format!("this endpoint takes {}", known.join(", "))
                };
                Err(ApiError::bad_parameter(
                    key,
                    format!("unknown parameter; {takes}"),
                ))
            }
        }
    }

    /// The routing fields every route-like endpoint takes (`from` and `to` when
    /// `ends`), with `default` as the objective when none is given.
    pub(crate) fn routing(
        &mut self,
        ends: bool,
        default: Objective,
    ) -> Result<RouteRequest, ApiError> {
        let (from, to) = if ends {
            (self.required("from")?, self.required("to")?)
        } else {
            (String::new(), String::new())
        };
        let by = match self.one("by")? {
            None => default,
            Some(text) => Objective::parse(text.trim()).ok_or_else(|| {
                ApiError::bad_parameter(
                    "by",
                    format!(
                        "unknown objective {text:?}; expected {}",
                        Objective::ALL.map(Objective::as_str).join(", ")
                    ),
                )
            })?,
        };
        let mut modes = Vec::new();
        for name in self.list("modes") {
            modes.push(Mode::parse(&name).ok_or_else(|| {
                ApiError::bad_parameter(
                    "modes",
                    format!("unknown mode {name:?}; expected rail, road, sea or ferry"),
                )
            })?);
        }
        Ok(RouteRequest {
            from,
            to,
            by: Some(by),
            via: self.repeated("via"),
            avoid_countries: self.list("avoid_country"),
            avoid: self.repeated("avoid"),
            modes,
            corridors: self.list("corridor"),
            avoid_corridors: self.list("avoid_corridor"),
            include_planned: self.flag("include_planned")?,
            booked: self.flag("booked")?,
            volume_teu_per_year: self.number("volume", "TEU per year")?,
            value_of_time_usd_per_teu_h: self.number("value_of_time", "USD per TEU-hour")?,
        })
    }

    /// Pareto criteria (`time,cost` when none).
    pub(crate) fn criteria(&mut self) -> Result<Vec<Criterion>, ApiError> {
        let names = self.list("criteria");
        if names.is_empty() {
            return Ok(vec![Criterion::Time, Criterion::Cost]);
        }
        names
            .iter()
            .map(|name| {
                Criterion::parse(name).ok_or_else(|| {
                    ApiError::bad_parameter(
                        "criteria",
                        format!(
                            "unknown criterion {name:?}; expected 2 to 4 of distance, time, cost, co2"
                        ),
                    )
                })
            })
            .collect()
    }
}

fn scalar(key: &str, value: Value) -> Result<String, ApiError> {
    match value {
        Value::String(text) => Ok(text),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        _ => Err(ApiError::bad_parameter(
            key,
            "expected text, a number, true/false or a list of them",
        )),
    }
}

/// `application/x-www-form-urlencoded` pairs (`+` is a space, `%XX` a byte; invalid
/// UTF-8 is replaced).
fn form_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (key, value) = part.split_once('=').unwrap_or((part, ""));
            (decode(key), decode(value))
        })
        .collect()
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_decode_and_repeat() {
        let mut p = Params::from_query(Some(
            "from=Xi%27an&via=41.3%2C69.2&via=Baku&corridors=a,b&x=%zz+%",
        ));
        assert_eq!(p.one("from").unwrap().as_deref(), Some("Xi'an"));
        assert_eq!(p.repeated("via"), ["41.3,69.2", "Baku"]);
        assert_eq!(p.list("corridor"), ["a", "b"]);
        assert_eq!(p.one("x").unwrap().as_deref(), Some("%zz %"));
        assert!(p.finish().is_ok());
    }

    #[test]
    fn unknown_parameters_are_refused_by_name() {
        let mut p = Params::from_query(Some("from=a&tto=b"));
        let _ = p.one("from");
        let error = p.finish().unwrap_err();
        assert_eq!(error.code, "bad_parameter");
        assert!(
            error.message.starts_with("tto: unknown parameter"),
            "{}",
            error.message
        );
    }

    #[test]
    fn json_bodies_give_the_same_parameters() {
        let mut p = Params::from_json(
            br#"{"from": "Xian", "volume": 1000, "include_planned": true, "modes": ["rail", "sea"], "scenario": {"format_version": 1}}"#,
        )
        .unwrap();
        assert_eq!(p.number::<f64>("volume", "").unwrap(), Some(1000.0));
        assert!(p.flag("include_planned").unwrap());
        assert_eq!(p.list("modes"), ["rail", "sea"]);
        assert_eq!(
            p.one("scenario").unwrap().as_deref(),
            Some("format_version = 1\n")
        );
        assert!(Params::from_json(b"[1]").is_err());
        assert!(Params::from_json(b"{").is_err());
    }
}
