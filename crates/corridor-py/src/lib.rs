//! `corridor._corridor`: the extension module behind the `corridor` Python package.
//!
//! A thin shell over the library's front door ([`corridor::Engine`]), like the CLI:
//! requests arrive as JSON text with the fields of [`RouteRequest`], [`MatrixRequest`]
//! and [`FlowRequest`] (built by `python/corridor/__init__.py` from keyword arguments),
//! answers leave as the JSON text of the library's views (the CLI's `--format json`
//! contract), or, for matrices, as flat little-endian `f64` buffers that numpy wraps
//! without a Python object per cell. Every long computation runs with the interpreter
//! detached (other Python threads run meanwhile) in chunks, checking for Ctrl-C between
//! chunks. Errors become the exceptions of `corridor.errors`, with the library's messages.

use std::ops::Range;

use corridor::view::round;
use corridor::{
    Engine, Error, FlowRequest, LoadError, MatrixRequest, MatrixSweepPart, RouteRequest,
    ScenarioFile, SweepPart,
};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};
use serde::Serialize;

/// A matrix for Python: objective, origin ids, destination ids, columns of `f64` bytes.
type MatrixColumns<'py> = (String, Vec<String>, Vec<String>, Bound<'py, PyDict>);

/// Draws per chunk of a sweep between two checks for Ctrl-C.
const SWEEP_CHUNK: usize = 2_000;
/// Draws per chunk of a sweep over pairs (each draw routes every pair).
const PAIRS_CHUNK: usize = 2_000;
/// Origins per chunk of a matrix (Dijkstra rows) per worker thread.
const ROWS_PER_THREAD: usize = 16;

/// A network behind the library's front door, with its uncertain quantities.
#[pyclass(frozen, module = "corridor._corridor", name = "Engine")]
struct PyEngine {
    engine: Engine,
}

/// A library error as the matching exception of `corridor.errors`.
fn error(py: Python<'_>, error: &Error, subject: &str) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let errors = py.import("corridor.errors")?;
        let (class, message) = match error {
            Error::Place { .. } => ("UnknownPlace", error.to_string()),
            Error::Invalid { .. } => ("InvalidArgument", error.to_string()),
            Error::NoRoute { .. } => ("NoRoute", error.to_string()),
            Error::Data(load) => ("DataError", load.report(subject)),
            Error::Build(_) => ("DataError", error.to_string()),
            Error::TooLarge(_) => ("TooLarge", error.to_string()),
        };
        let exception = errors.getattr(class)?.call1((message,))?;
        exception.setattr("code", error.code())?;
        match error {
            Error::Place { field, .. } | Error::Invalid { field, .. } => {
                exception.setattr("field", *field)?;
                exception.setattr("suggestions", error.suggestions().to_vec())?;
            }
            Error::NoRoute { from, to, reason } => {
                exception.setattr("origin", from)?;
                exception.setattr("destination", to)?;
                exception.setattr("reason", reason)?;
            }
            Error::Data(load) => data_details(&exception, load)?,
            Error::Build(_) | Error::TooLarge(_) => {}
        }
        Ok(PyErr::from_value(exception))
    };
    build().unwrap_or_else(|e| e)
}

/// `file`, `line`, `column` (of the first problem) and `errors` (every problem as a dict)
/// of a `DataError`.
fn data_details(exception: &Bound<'_, PyAny>, load: &LoadError) -> PyResult<()> {
    let py = exception.py();
    let first = load.errors.first();
    exception.setattr("file", first.map(|d| d.file.clone()))?;
    exception.setattr("line", first.and_then(|d| d.line))?;
    exception.setattr("column", first.and_then(|d| d.column.clone()))?;
    let list = PyList::empty(py);
    for d in &load.errors {
        let item = PyDict::new(py);
        item.set_item("file", &d.file)?;
        item.set_item("line", d.line)?;
        item.set_item("column", &d.column)?;
        item.set_item("value", &d.value)?;
        item.set_item("message", &d.message)?;
        item.set_item("expected", &d.expected)?;
        item.set_item("text", d.to_string())?;
        list.append(item)?;
    }
    exception.setattr("errors", list)
}

/// A request from its JSON text (built by the Python package; a bad one is a bug there or
/// a value of the wrong type, reported as `ValueError`).
fn request<T: serde::de::DeserializeOwned>(json: &str) -> PyResult<T> {
    serde_json::from_str(json).map_err(|e| PyValueError::new_err(format!("bad request: {e}")))
}

/// A view as JSON text.
fn json<T: Serialize>(view: &T) -> PyResult<String> {
    serde_json::to_string(view).map_err(|e| PyValueError::new_err(e.to_string()))
}

/// `values` as little-endian bytes (what `numpy.frombuffer` reads).
fn f64_bytes<'py>(py: Python<'py>, values: &[f64]) -> Bound<'py, PyBytes> {
    let mut bytes = Vec::with_capacity(values.len() * 8);
    for v in values {
        bytes.extend_from_slice(&v.to_le_bytes());
    }
    PyBytes::new(py, &bytes)
}

/// The chunks of `0..total`, `size` at a time.
fn chunks(range: Range<usize>, size: usize) -> impl Iterator<Item = Range<usize>> {
    let size = size.max(1);
    range
        .clone()
        .step_by(size)
        .map(move |start| start..(start + size).min(range.end))
}

#[pymethods]
impl PyEngine {
    /// The built-in Eurasian network.
    #[staticmethod]
    fn builtin(py: Python<'_>) -> PyEngine {
        PyEngine {
            engine: py.detach(Engine::builtin),
        }
    }

    /// Loads a network folder or a snapshot file (`corridor build`).
    #[staticmethod]
    fn load(py: Python<'_>, path: String) -> PyResult<PyEngine> {
        let engine = py
            .detach(|| Engine::load(&path))
            .map_err(|e| error(py, &e, "network data"))?;
        Ok(PyEngine { engine })
    }

    /// This network with one scenario (TOML text named `name` in error locations).
    fn with_scenario(&self, py: Python<'_>, name: String, toml: String) -> PyResult<PyEngine> {
        let engine = py
            .detach(|| self.engine.with_scenario_toml(&name, &toml))
            .map_err(|e| error(py, &e, "scenario"))?;
        Ok(PyEngine { engine })
    }

    /// Number of uncertain quantities declared by the scenarios applied.
    fn uncertain(&self) -> usize {
        self.engine.uncertain_count()
    }

    /// The places as columns: id, name, country, kind, lon, lat.
    fn places<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let places = self.engine.network().places();
        let columns = PyDict::new(py);
        columns.set_item("id", places.iter().map(|p| &*p.id).collect::<Vec<_>>())?;
        columns.set_item("name", places.iter().map(|p| &*p.name).collect::<Vec<_>>())?;
        columns.set_item(
            "country",
            places
                .iter()
                .map(|p| p.country.as_ref().map(|c| c.as_str().to_owned()))
                .collect::<Vec<_>>(),
        )?;
        columns.set_item(
            "kind",
            places.iter().map(|p| p.kind.as_str()).collect::<Vec<_>>(),
        )?;
        let lon: Vec<f64> = places.iter().map(|p| p.coord.lon).collect();
        let lat: Vec<f64> = places.iter().map(|p| p.coord.lat).collect();
        columns.set_item("lon", f64_bytes(py, &lon))?;
        columns.set_item("lat", f64_bytes(py, &lat))?;
        Ok(columns)
    }

    /// `corridor validate --format json`'s summary, as JSON text.
    fn summary(&self) -> PyResult<String> {
        json(&corridor::view::NetworkSummary::new(self.engine.network()))
    }

    /// `corridor corridors --format json`, as JSON text.
    fn corridors(&self) -> PyResult<String> {
        json(&corridor::view::CorridorView::list(self.engine.network()))
    }

    /// The best route, as JSON text.
    fn route(&self, py: Python<'_>, request_json: &str) -> PyResult<String> {
        let request: RouteRequest = request(request_json)?;
        let view = py
            .detach(|| self.engine.route(&request))
            .map_err(|e| error(py, &e, "network data"))?;
        json(&view)
    }

    /// The best route overall and per corridor, as JSON text.
    fn compare(&self, py: Python<'_>, request_json: &str) -> PyResult<String> {
        let request: RouteRequest = request(request_json)?;
        let view = py
            .detach(|| self.engine.compare(&request))
            .map_err(|e| error(py, &e, "network data"))?;
        json(&view)
    }

    /// Up to `k` routes, as JSON text; with `max_shared`, routes that differ.
    #[pyo3(signature = (request_json, k, max_shared=None))]
    fn alternatives(
        &self,
        py: Python<'_>,
        request_json: &str,
        k: usize,
        max_shared: Option<f64>,
    ) -> PyResult<String> {
        let request: RouteRequest = request(request_json)?;
        let view = py
            .detach(|| match max_shared {
                Some(share) => self.engine.distinct_alternatives(&request, k, share),
                None => self.engine.alternatives(&request, k),
            })
            .map_err(|e| error(py, &e, "network data"))?;
        json(&view)
    }

    /// The Pareto set on `criteria`, as JSON text.
    fn pareto(
        &self,
        py: Python<'_>,
        request_json: &str,
        criteria: Vec<String>,
    ) -> PyResult<String> {
        let request: RouteRequest = request(request_json)?;
        let mut parsed = Vec::new();
        for name in &criteria {
            parsed.push(corridor::Criterion::parse(name).ok_or_else(|| {
                error(
                    py,
                    &Error::invalid(
                        "criteria",
                        format!("unknown criterion {name:?}; expected distance, time, cost or co2"),
                    ),
                    "",
                )
            })?);
        }
        let view = py
            .detach(|| self.engine.pareto(&request, &parsed))
            .map_err(|e| error(py, &e, "network data"))?;
        json(&view)
    }

    /// The best route without and with scenarios (`(name, TOML text)` each), as JSON
    /// text.
    fn diff(
        &self,
        py: Python<'_>,
        request_json: &str,
        scenarios: Vec<(String, String)>,
    ) -> PyResult<String> {
        let request: RouteRequest = request(request_json)?;
        let files = scenarios
            .iter()
            .map(|(name, text)| ScenarioFile::parse(name, text.as_bytes()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| error(py, &Error::Data(e), "scenario"))?;
        let view = py
            .detach(|| self.engine.diff(&request, &files))
            .map_err(|e| error(py, &e, "scenario"))?;
        json(&view)
    }

    /// The allocation of demand rows, as JSON text.
    fn flow(&self, py: Python<'_>, request_json: &str) -> PyResult<String> {
        let request: FlowRequest = request(request_json)?;
        let view = py
            .detach(|| self.engine.flow(&request))
            .map_err(|e| error(py, &e, "demand file"))?;
        json(&view)
    }

    /// The allocation of a demand CSV (`name` in error locations), as JSON text.
    fn flow_csv(
        &self,
        py: Python<'_>,
        name: &str,
        csv: &[u8],
        routing_json: &str,
    ) -> PyResult<String> {
        let routing: RouteRequest = request(routing_json)?;
        let view = py
            .detach(|| -> Result<_, Error> {
                let demands = self.engine.read_demands(name, csv)?;
                self.engine.flow(&FlowRequest { demands, routing })
            })
            .map_err(|e| error(py, &e, "demand file"))?;
        json(&view)
    }

    /// Every origin to every destination: `(objective, from ids, to ids, columns)` with
    /// `distance_km`, `time_h`, `cost_usd`, `co2_kg` as row-major `f64` buffers (NaN where
    /// unreachable), rounded as the JSON contract rounds them. Contraction hierarchies as
    /// `MatrixRequest::ch` says, decided for the whole request (`ch_origins` origins when
    /// given, so a block of a larger matrix is computed the same way).
    #[pyo3(signature = (request_json, ch_origins=None))]
    fn matrix<'py>(
        &self,
        py: Python<'py>,
        request_json: &str,
        ch_origins: Option<usize>,
    ) -> PyResult<MatrixColumns<'py>> {
        let request: MatrixRequest = request(request_json)?;
        let network = self.engine.network();
        let (profile, from, to) = request
            .resolve(network)
            .map_err(|e| error(py, &e, "network data"))?;
        // A snapshot's hierarchy for the profile is used unless the request says otherwise.
        let ch = py
            .detach(|| {
                self.engine
                    .use_ch(request.ch, &profile, ch_origins.unwrap_or(from.len()))
            })
            .map_err(|e| error(py, &e, "network data"))?;
        let cells = from.len() * to.len();
        let mut columns: [Vec<f64>; 4] = std::array::from_fn(|_| Vec::with_capacity(cells));
        // A hierarchy is built per call: one chunk. Dijkstra rows: chunks of rows, with a
        // check for Ctrl-C between them.
        let per_chunk = if ch {
            from.len()
        } else {
            ROWS_PER_THREAD * py.detach(rayon::current_num_threads)
        };
        for block in chunks(0..from.len(), per_chunk) {
            let origins = &from[block];
            let matrix = py.detach(|| self.engine.matrix_of(&profile, origins, &to, ch));
            for cell in &matrix.cells {
                let values = cell.map_or([f64::NAN; 4], |c| {
                    [
                        round(c.metrics.distance_km),
                        round(c.metrics.time_h),
                        round(c.metrics.cost_usd),
                        round(c.metrics.co2_kg),
                    ]
                });
                for (column, value) in columns.iter_mut().zip(values) {
                    column.push(value);
                }
            }
            py.check_signals()?;
        }
        let out = PyDict::new(py);
        for (name, column) in ["distance_km", "time_h", "cost_usd", "co2_kg"]
            .into_iter()
            .zip(&columns)
        {
            out.set_item(name, f64_bytes(py, column))?;
        }
        let id = |p: &corridor::PlaceId| network.place(*p).id.to_string();
        Ok((
            profile.objective.as_str().to_owned(),
            from.iter().map(id).collect(),
            to.iter().map(id).collect(),
            out,
        ))
    }

    /// A sweep of `samples` draws, as JSON text (in chunks, checking for Ctrl-C).
    fn sweep(
        &self,
        py: Python<'_>,
        request_json: &str,
        samples: usize,
        seed: u64,
    ) -> PyResult<String> {
        let request: RouteRequest = request(request_json)?;
        // Checks the request and the samples before the first chunk.
        if samples == 0 || samples > Engine::MAX_SAMPLES {
            let e = Error::invalid(
                "samples",
                format!("{samples}: expected 1 to {} draws", Engine::MAX_SAMPLES),
            );
            return Err(error(py, &e, ""));
        }
        let mut parts = Vec::new();
        for draws in chunks(0..samples, SWEEP_CHUNK) {
            let part = py
                .detach(|| self.engine.sweep_part(&request, draws, seed))
                .map_err(|e| error(py, &e, "network data"))?;
            parts.push(part);
            py.check_signals()?;
        }
        let view = py
            .detach(|| self.engine.merge_sweep(&request, samples, seed, &parts))
            .map_err(|e| error(py, &e, "network data"))?;
        json(&view)
    }

    /// The draws `start..end` of a sweep, as bytes for `merge_sweep`.
    fn sweep_part<'py>(
        &self,
        py: Python<'py>,
        request_json: &str,
        start: usize,
        end: usize,
        seed: u64,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let request: RouteRequest = request(request_json)?;
        let mut bytes = Vec::new();
        for draws in chunks(start..end.max(start), SWEEP_CHUNK) {
            let part = py
                .detach(|| self.engine.sweep_part(&request, draws, seed))
                .map_err(|e| error(py, &e, "network data"))?;
            part.write_bytes(&mut bytes);
            py.check_signals()?;
        }
        Ok(PyBytes::new(py, &bytes))
    }

    /// The sweep from parts (`sweep_part` bytes) covering `0..samples`, as JSON text.
    fn merge_sweep(
        &self,
        py: Python<'_>,
        request_json: &str,
        samples: usize,
        seed: u64,
        parts: Vec<Vec<u8>>,
    ) -> PyResult<String> {
        let request: RouteRequest = request(request_json)?;
        let mut decoded = Vec::new();
        for bytes in &parts {
            decoded.extend(
                SweepPart::read_all(bytes)
                    .ok_or_else(|| PyValueError::new_err("not the bytes of a sweep part"))?,
            );
        }
        let view = py
            .detach(|| self.engine.merge_sweep(&request, samples, seed, &decoded))
            .map_err(|e| error(py, &e, "network data"))?;
        json(&view)
    }

    /// A sweep over every ordered pair of `places` (all hubs when empty), as JSON text.
    fn sweep_pairs(
        &self,
        py: Python<'_>,
        routing_json: &str,
        places: Vec<String>,
        samples: usize,
        seed: u64,
    ) -> PyResult<String> {
        let part = self.sweep_pairs_part(py, routing_json, places.clone(), 0, samples, seed)?;
        self.merge_sweep_pairs(
            py,
            routing_json,
            places,
            samples,
            seed,
            vec![part.as_bytes().to_vec()],
        )
    }

    /// The draws `start..end` of a sweep over pairs, as bytes for `merge_sweep_pairs`.
    fn sweep_pairs_part<'py>(
        &self,
        py: Python<'py>,
        routing_json: &str,
        places: Vec<String>,
        start: usize,
        end: usize,
        seed: u64,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let routing: RouteRequest = request(routing_json)?;
        let mut total: Option<MatrixSweepPart> = None;
        if end <= start {
            let e = Error::invalid("draws", format!("{start}..{end}: no draws"));
            return Err(error(py, &e, ""));
        }
        for draws in chunks(start..end, PAIRS_CHUNK) {
            let part = py
                .detach(|| {
                    self.engine
                        .sweep_places_part(&routing, &places, draws, seed)
                })
                .map_err(|e| error(py, &e, "network data"))?;
            match &mut total {
                None => total = Some(part),
                Some(total) => total
                    .merge(&part)
                    .map_err(|e| PyValueError::new_err(e.to_string()))?,
            }
            py.check_signals()?;
        }
        let bytes = total.map(|t| t.to_bytes()).unwrap_or_default();
        Ok(PyBytes::new(py, &bytes))
    }

    /// The sweep over pairs from parts covering every draw once, as JSON text.
    fn merge_sweep_pairs(
        &self,
        py: Python<'_>,
        routing_json: &str,
        places: Vec<String>,
        samples: usize,
        seed: u64,
        parts: Vec<Vec<u8>>,
    ) -> PyResult<String> {
        let routing: RouteRequest = request(routing_json)?;
        let decoded = parts
            .iter()
            .map(|bytes| MatrixSweepPart::from_bytes(bytes))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| PyValueError::new_err("not the bytes of a sweep-over-pairs part"))?;
        let view = py
            .detach(|| {
                self.engine
                    .merge_sweep_places(&routing, &places, samples, seed, &decoded)
            })
            .map_err(|e| error(py, &e, "network data"))?;
        json(&view)
    }
}

/// The extension module.
#[pymodule]
fn _corridor(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<PyEngine>()?;
    module.add("MAX_SAMPLES", Engine::MAX_SAMPLES)?;
    module.add("MAX_ALTERNATIVES", Engine::MAX_ALTERNATIVES)?;
    Ok(())
}
