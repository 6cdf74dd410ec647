//! The endpoints: parameters in, one engine call on a worker pool, the library's view
//! types out.

use std::borrow::Cow;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::HeaderName;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use corridor::view::{CompareView, CorridorView, DiffView, NetworkSummary, RouteView, RoutesView};
use corridor::{DemandRow, Engine, Figure, MatrixRequest, Objective, ScenarioFile};
use serde::Serialize;
use serde_json::json;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::params::Params;
use crate::{ApiError, Class, Server};

/// Every route of the server: the paths `/openapi.json` describes (a test checks both
/// agree), the page, and JSON errors for anything else.
pub(crate) fn router(server: Server) -> Router {
    let data = format!(
        "{} {}",
        server.engine().network().meta().name,
        server.engine().network().meta().version
    );
    let origins = server.origins().to_vec();
    let routes = layers(
        Router::new()
            .route("/", get(crate::page::index))
            .route("/health", get(health))
            .route("/openapi.json", get(openapi))
            .route("/v1/route", get(route).post(route))
            .route("/v1/compare", get(compare).post(compare))
            .route("/v1/alternatives", get(alternatives).post(alternatives))
            .route("/v1/pareto", get(pareto).post(pareto))
            .route("/v1/diff", get(diff).post(diff))
            .route("/v1/matrix", get(matrix).post(matrix))
            .route("/v1/flow", axum::routing::post(flow))
            .route("/v1/sweep", get(sweep).post(sweep))
            .route("/v1/places", get(places))
            .route("/v1/corridors", get(corridors))
            .route("/v1/network", get(network))
            .route("/v1/scenarios", get(scenarios))
            .with_state(server),
    )
    // Which data answered, on every answer (ASCII only in a header).
    .layer(SetResponseHeaderLayer::overriding(
        HeaderName::from_static("corridor-data"),
        HeaderValue::from_str(&data.replace(|c: char| !c.is_ascii() || c.is_ascii_control(), "?"))
            .unwrap_or_else(|_| HeaderValue::from_static("unknown")),
    ))
    .layer(CompressionLayer::new());
    if origins.is_empty() {
        return routes;
    }
    let allow = if origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()))
    };
    routes.layer(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods([Method::GET, Method::POST])
            .allow_headers([header::CONTENT_TYPE, header::ACCEPT, header::AUTHORIZATION])
            .expose_headers([
                header::RETRY_AFTER,
                HeaderName::from_static("corridor-data"),
            ])
            .max_age(std::time::Duration::from_secs(3600)),
    )
}

/// JSON for unknown paths and methods, and 500 for a panic in a handler.
pub(crate) fn layers(router: Router) -> Router {
    router
        .fallback(|uri: Uri| async move { ApiError::not_found(uri.path()) })
        .method_not_allowed_fallback(|method: Method, uri: Uri| async move {
            let mut error = ApiError::not_found(uri.path());
            error.status = StatusCode::METHOD_NOT_ALLOWED;
            error.code = "method_not_allowed";
            error.message = format!("{} does not take {method}; see /openapi.json", uri.path());
            error
        })
        .layer(CatchPanicLayer::custom(
            |panic: Box<dyn std::any::Any + Send>| {
                ApiError::internal(&crate::panic_text(&*panic)).into_response()
            },
        ))
}

/// A result ready to send: bytes and their media type.
pub(crate) struct Reply {
    media: &'static str,
    body: Vec<u8>,
}

impl Reply {
    fn json(value: &impl Serialize) -> Result<Reply, ApiError> {
        Reply::typed("application/json", value)
    }

    fn typed(media: &'static str, value: &impl Serialize) -> Result<Reply, ApiError> {
        let body = serde_json::to_vec(value)
            .map_err(|e| ApiError::internal(&format!("cannot serialise the answer: {e}")))?;
        Ok(Reply { media, body })
    }

    fn text(media: &'static str, text: String) -> Reply {
        Reply {
            media,
            body: text.into_bytes(),
        }
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let mut response = Body::from(self.body).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(self.media));
        response
    }
}

fn respond(result: Result<Reply, ApiError>) -> Response {
    match result {
        Ok(reply) => reply.into_response(),
        Err(error) => error.into_response(),
    }
}

/// A request's parameters (query string for GET; JSON body, or for flows a CSV body,
/// for POST), its headers, and for CSV the raw body.
struct Input {
    params: Params,
    headers: HeaderMap,
    csv: Option<Vec<u8>>,
}

async fn input(server: &Server, request: Request) -> Result<Input, ApiError> {
    let (parts, body) = request.into_parts();
    let limit = server.limits().body_bytes;
    if parts.method == Method::GET {
        return Ok(Input {
            params: Params::from_query(parts.uri.query()),
            headers: parts.headers,
            csv: None,
        });
    }
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let too_large = || {
        ApiError::too_large(
            "body",
            format!("larger than the server's limit of {limit} bytes"),
        )
    };
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    let bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| too_large())?;
    let media = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if media.starts_with("text/csv") {
        return Ok(Input {
            params: Params::from_query(parts.uri.query()),
            headers: parts.headers,
            csv: Some(bytes.to_vec()),
        });
    }
    let mut params = if bytes.iter().all(u8::is_ascii_whitespace) {
        Params::default()
    } else {
        Params::from_json(&bytes)?
    };
    // Query parameters of a POST count too (`POST /v1/matrix?format=csv`).
    params.extend(Params::from_query(parts.uri.query()));
    Ok(Input {
        params,
        headers: parts.headers,
        csv: None,
    })
}

/// Runs an endpoint's job on its pool.
async fn run(
    server: Server,
    class: Class,
    request: Request,
    job: fn(&Engine, Input, &crate::Limits) -> Result<Reply, ApiError>,
) -> Response {
    let input = match input(&server, request).await {
        Ok(input) => input,
        Err(error) => return error.into_response(),
    };
    // Applying a scenario copies the network: heavy work on a large one.
    let class = if input.params.has("scenario") {
        Class::Heavy
    } else {
        class
    };
    let limits = server.limits().clone();
    respond(
        server
            .compute(class, move |engine| job(engine, input, &limits))
            .await,
    )
}

/// A request's scenario: its TOML text and the name it goes by in messages and
/// answers (`scenario_name`, `scenario` when not given).
struct ScenarioText {
    name: String,
    text: String,
}

fn scenario_param(p: &mut Params) -> Result<Option<ScenarioText>, ApiError> {
    let text = p.one("scenario")?;
    let name = p.one("scenario_name")?;
    Ok(text.map(|text| ScenarioText {
        name: name.unwrap_or_else(|| "scenario".to_owned()),
        text,
    }))
}

/// The served engine, or a new one with the request's `scenario` applied.
fn with_scenario(
    engine: &Engine,
    scenario: Option<ScenarioText>,
) -> Result<Cow<'_, Engine>, ApiError> {
    match scenario {
        None => Ok(Cow::Borrowed(engine)),
        Some(s) => Ok(Cow::Owned(engine.with_scenario_toml(&s.name, &s.text)?)),
    }
}

/// The figure formats of route-like endpoints.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Geojson,
    Svg,
    Csv,
}

fn format(params: &mut Params, allowed: &[Format]) -> Result<Format, ApiError> {
    let name = |f: &Format| match f {
        Format::Json => "json",
        Format::Geojson => "geojson",
        Format::Svg => "svg",
        Format::Csv => "csv",
    };
    match params.one("format")? {
        None => Ok(Format::Json),
        Some(text) => allowed
            .iter()
            .find(|f| name(f) == text.trim())
            .copied()
            .ok_or_else(|| {
                let names: Vec<&str> = allowed.iter().map(name).collect();
                ApiError::bad_parameter(
                    "format",
                    format!("unknown format {text:?}; expected {}", names.join(", ")),
                )
            }),
    }
}

fn figure(engine: &Engine, drawn: &Figure<'_>, format: Format) -> Result<Reply, ApiError> {
    let network = engine.network();
    match format {
        Format::Svg => Ok(Reply::text("image/svg+xml", drawn.svg(network))),
        _ => Reply::typed("application/geo+json", &drawn.geojson(network)),
    }
}

const FIGURES: &[Format] = &[Format::Json, Format::Geojson, Format::Svg];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Route,
    Compare,
    Alternatives,
    Pareto,
}

fn route_like(
    engine: &Engine,
    input: Input,
    limits: &crate::Limits,
    kind: Kind,
) -> Result<Reply, ApiError> {
    let mut p = input.params;
    let request = p.routing(true, Objective::Time)?;
    let format = format(&mut p, FIGURES)?;
    let scenario = scenario_param(&mut p)?;
    let (k, max_shared) = if kind == Kind::Alternatives {
        let max_shared = p.number::<f64>("max_shared", "a number from 0 to below 1")?;
        let k = p.number::<usize>("k", "a whole number")?.unwrap_or(3);
        if k == 0 {
            return Err(ApiError::bad_parameter("k", "must be at least 1"));
        }
        if k > limits.k {
            return Err(ApiError::too_large(
                "k",
                format!("at most {} routes per request on this server", limits.k),
            ));
        }
        (k, max_shared)
    } else {
        (0, None)
    };
    let criteria = if kind == Kind::Pareto {
        p.criteria()?
    } else {
        Vec::new()
    };
    p.finish()?;
    let engine = with_scenario(engine, scenario)?;
    let network = engine.network();
    let (profile, query) = engine.resolve(&request)?;
    let objective = profile.objective;
    match kind {
        Kind::Route => {
            let route = engine.shortest(&profile, &query)?;
            match format {
                Format::Json => Reply::json(&RouteView::new(network, &route)),
                f => figure(&engine, &Figure::route(network, &route, objective), f),
            }
        }
        Kind::Compare => {
            let comparison = engine.comparison(&profile, &query)?;
            let Some(drawn) = Figure::compare(network, &comparison, objective) else {
                return Err(engine.no_route(&profile, &query).into());
            };
            match format {
                Format::Json => Reply::json(&CompareView::new(network, &query, &comparison)),
                f => figure(&engine, &drawn, f),
            }
        }
        Kind::Alternatives => {
            let found = match max_shared {
                Some(share) => engine.distinct_alternative_routes(&profile, &query, k, share)?,
                None => engine.alternative_routes(&profile, &query, k)?,
            };
            match format {
                Format::Json => Reply::json(&RoutesView::new(network, &found)),
                f => figure(
                    &engine,
                    &Figure::alternatives(network, &found, objective),
                    f,
                ),
            }
        }
        Kind::Pareto => {
            let found = engine.pareto_routes(&profile, &query, &criteria)?;
            match format {
                Format::Json => Reply::json(&RoutesView::new(network, &found)),
                f => figure(&engine, &Figure::pareto(network, &found, &criteria), f),
            }
        }
    }
}

async fn route(State(server): State<Server>, request: Request) -> Response {
    run(server, Class::Light, request, |e, i, l| {
        route_like(e, i, l, Kind::Route)
    })
    .await
}

async fn compare(State(server): State<Server>, request: Request) -> Response {
    run(server, Class::Light, request, |e, i, l| {
        route_like(e, i, l, Kind::Compare)
    })
    .await
}

async fn alternatives(State(server): State<Server>, request: Request) -> Response {
    run(server, Class::Light, request, |e, i, l| {
        route_like(e, i, l, Kind::Alternatives)
    })
    .await
}

async fn pareto(State(server): State<Server>, request: Request) -> Response {
    run(server, Class::Light, request, |e, i, l| {
        route_like(e, i, l, Kind::Pareto)
    })
    .await
}

async fn diff(State(server): State<Server>, request: Request) -> Response {
    run(server, Class::Light, request, |engine, input, _| {
        let mut p = input.params;
        let request = p.routing(true, Objective::Time)?;
        let format = format(&mut p, &[Format::Json, Format::Svg])?;
        let Some(given) = scenario_param(&mut p)? else {
            return Err(ApiError::bad_parameter(
                "scenario",
                "required: the scenario to compare with (TOML text)",
            ));
        };
        p.finish()?;
        let file = ScenarioFile::parse(&given.name, given.text.as_bytes())
            .map_err(corridor::Error::from)?;
        let files = [file];
        let diff = engine.diff_routes(&request, &files)?;
        match format {
            Format::Svg => {
                let changed = diff.changed.network();
                let drawn = Figure::diff(changed, diff.baseline.as_ref(), diff.scenario.as_ref());
                Ok(Reply::text("image/svg+xml", drawn.svg(changed)))
            }
            _ => Reply::json(&DiffView::new(engine.network(), &diff, &files)),
        }
    })
    .await
}

async fn matrix(State(server): State<Server>, request: Request) -> Response {
    run(server, Class::Heavy, request, |engine, input, limits| {
        let mut p = input.params;
        let wants_csv = input
            .headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/csv"));
        let from = p.list("from");
        let to = p.list("to");
        let routing = p.routing(false, Objective::Time)?;
        let mut format = format(&mut p, &[Format::Json, Format::Csv])?;
        if wants_csv {
            format = Format::Csv;
        }
        let ch = match p.one("engine")?.as_deref().map(str::trim) {
            None | Some("auto") => None,
            Some("ch") => Some(true),
            Some("dijkstra") => Some(false),
            Some(other) => {
                return Err(ApiError::bad_parameter(
                    "engine",
                    format!("unknown engine {other:?}; expected auto, ch or dijkstra"),
                ));
            }
        };
        let scenario = scenario_param(&mut p)?;
        p.finish()?;
        for (list, name) in [(&from, "from"), (&to, "to")] {
            if list.is_empty() {
                return Err(ApiError::bad_parameter(name, "no places given"));
            }
        }
        let cells = from.len().saturating_mul(to.len());
        if cells > limits.matrix_cells {
            return Err(ApiError::too_large(
                "from",
                format!(
                    "{} × {} = {cells} cells; at most {} per request on this server",
                    from.len(),
                    to.len(),
                    limits.matrix_cells
                ),
            ));
        }
        let engine = with_scenario(engine, scenario)?;
        let view = engine.matrix(&MatrixRequest {
            from,
            to,
            routing,
            ch,
        })?;
        match format {
            Format::Csv => Ok(Reply::text("text/csv", view.to_csv())),
            _ => Reply::json(&view),
        }
    })
    .await
}

async fn flow(State(server): State<Server>, request: Request) -> Response {
    run(server, Class::Heavy, request, |engine, input, limits| {
        let mut p = input.params;
        let routing = p.routing(false, Objective::Cost)?;
        let rows = p.value("demand");
        let scenario = scenario_param(&mut p)?;
        p.finish()?;
        let engine = with_scenario(engine, scenario)?;
        routing.profile(engine.network())?;
        let demands = match (input.csv, rows) {
            (Some(bytes), _) => engine.read_demands("body", &bytes)?,
            (None, Some(rows)) => {
                let rows: Vec<DemandRow> = serde_json::from_value(rows).map_err(|e| {
                    ApiError::bad_parameter(
                        "demand",
                        format!("expected a list of {{\"from\", \"to\", \"volume_teu_per_year\"}}: {e}"),
                    )
                })?;
                rows
            }
            (None, None) => {
                return Err(ApiError::bad_parameter(
                    "demand",
                    "required: a list of {\"from\", \"to\", \"volume_teu_per_year\"}, or a text/csv body",
                ));
            }
        };
        if demands.len() > limits.flow_rows {
            return Err(ApiError::too_large(
                "demand",
                format!("{} rows; at most {} per request on this server", demands.len(), limits.flow_rows),
            ));
        }
        Reply::json(&engine.flow(&corridor::FlowRequest { demands, routing })?)
    })
    .await
}

async fn sweep(State(server): State<Server>, request: Request) -> Response {
    run(server, Class::Heavy, request, |engine, input, limits| {
        let mut p = input.params;
        // Either one pair, or every ordered pair of `places` (all hubs when empty).
        let places = p.list("places");
        let pairs = p.has("hubs") || !places.is_empty();
        let hubs = p.flag("hubs")?;
        let request = p.routing(!pairs, Objective::Time)?;
        let samples = p
            .number::<usize>("samples", "a whole number")?
            .unwrap_or(1000.min(limits.sweep_samples));
        let seed = p.number::<u64>("seed", "a whole number")?.unwrap_or(1);
        let scenario = scenario_param(&mut p)?;
        p.finish()?;
        if samples > limits.sweep_samples {
            return Err(ApiError::too_large(
                "samples",
                format!(
                    "at most {} draws per request on this server",
                    limits.sweep_samples
                ),
            ));
        }
        if hubs && !places.is_empty() {
            return Err(ApiError::bad_parameter(
                "hubs",
                "give hubs or places, not both",
            ));
        }
        let engine = with_scenario(engine, scenario)?;
        if pairs {
            Reply::json(&engine.sweep_places(&request, &places, samples, seed)?)
        } else {
            Reply::json(&engine.sweep(&request, samples, seed)?)
        }
    })
    .await
}

async fn places(State(server): State<Server>, request: Request) -> Response {
    run(server, Class::Light, request, |engine, input, _| {
        let mut p = input.params;
        let query = p.one("q")?.unwrap_or_default();
        let limit = p
            .number::<usize>("limit", "a whole number")?
            .unwrap_or(20)
            .min(500);
        let country = p.one("country")?;
        p.finish()?;
        let network = engine.network();
        let country = match country {
            None => None,
            Some(text) => Some(
                network
                    .resolve_country(&text)
                    .map_err(|e| ApiError::bad_parameter("country", e))?,
            ),
        };
        let matches: Vec<_> = network
            .search(&query)
            .into_iter()
            .filter(|&id| country.is_none_or(|c| network.place(id).country == Some(c)))
            .collect();
        let suggestions = if matches.is_empty() && !query.trim().is_empty() {
            network.suggest(&query, 5)
        } else {
            Vec::new()
        };
        let list = |ids: &[corridor::PlaceId]| -> Vec<serde_json::Value> {
            ids.iter()
                .take(limit)
                .map(|&id| network.place(id).properties())
                .collect()
        };
        Reply::json(&json!({
            "query": query,
            "total": matches.len(),
            "places": list(&matches),
            "suggestions": list(&suggestions),
        }))
    })
    .await
}

/// Endpoints without parameters still refuse unknown ones.
fn no_parameters(query: Option<&str>) -> Result<(), ApiError> {
    Params::from_query(query).finish()
}

async fn corridors(State(server): State<Server>, uri: Uri) -> Response {
    respond(
        no_parameters(uri.query())
            .and_then(|()| Reply::json(&CorridorView::list(server.engine().network()))),
    )
}

async fn network(State(server): State<Server>, uri: Uri) -> Response {
    respond(
        no_parameters(uri.query())
            .and_then(|()| Reply::json(&NetworkSummary::new(server.engine().network()))),
    )
}

async fn scenarios(uri: Uri) -> Response {
    if let Err(error) = no_parameters(uri.query()) {
        return error.into_response();
    }
    let list: Vec<serde_json::Value> = ScenarioFile::BUILTIN
        .iter()
        .map(|(name, toml)| {
            let title = toml
                .lines()
                .take_while(|line| line.starts_with('#'))
                .map(|line| line.trim_start_matches('#').trim())
                .filter(|line| !line.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            json!({ "name": name, "description": title, "toml": toml })
        })
        .collect();
    respond(Reply::json(&list))
}

async fn health(State(server): State<Server>, uri: Uri) -> Response {
    if let Err(error) = no_parameters(uri.query()) {
        return error.into_response();
    }
    let network = server.engine().network();
    let limits = server.limits();
    respond(Reply::json(&json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "network": network.meta().name,
        "data_version": network.meta().version,
        "places": network.places().len(),
        "legs": network.legs().len(),
        "limits": {
            "body_bytes": limits.body_bytes,
            "matrix_cells": limits.matrix_cells,
            "k": limits.k,
            "sweep_samples": limits.sweep_samples,
            "flow_rows": limits.flow_rows,
            "time_limit_s": limits.time_limit.as_secs_f64(),
            "heavy_queue": limits.heavy_queue,
        },
    })))
}

async fn openapi() -> Response {
    respond(Reply::json(&crate::openapi()))
}
