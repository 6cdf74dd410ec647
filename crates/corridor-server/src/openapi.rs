//! The OpenAPI 3.1 description of the server, built from the same parameter names the
//! handlers read and the library's JSON Schemas of the views they return.

use corridor::view::{
    CompareView, CorridorView, DiffView, FlowView, MatrixSweepView, MatrixView, NetworkSummary,
    RouteView, RoutesView, SweepView,
};
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

/// One query or body parameter: name, JSON type, description.
type Param = (&'static str, &'static str, &'static str);

const ROUTING: &[Param] = &[
    (
        "by",
        "string",
        "What to minimise: distance, time, cost, co2 or generalized. Among routes equal on it, the fastest (by time: the cheapest).",
    ),
    (
        "via",
        "array",
        "Places to pass, in order (repeat the parameter).",
    ),
    (
        "avoid_country",
        "array",
        "Countries not to enter (ISO codes or names; commas or repeats).",
    ),
    ("avoid", "array", "Places not to pass."),
    (
        "modes",
        "array",
        "Modes allowed: rail, road, sea, ferry (all when absent).",
    ),
    (
        "corridor",
        "array",
        "Run on these corridors (tags or names): every border-crossing leg must be the corridor's or untagged.",
    ),
    (
        "avoid_corridor",
        "array",
        "Corridors whose own legs are not used.",
    ),
    (
        "include_planned",
        "boolean",
        "Also use planned and under-construction legs.",
    ),
    (
        "booked",
        "boolean",
        "The freight is booked on a departure from the origin: the wait for the first service there is not counted (liner and block-train transit times); later waits, transfers and border formalities are.",
    ),
    (
        "volume",
        "number",
        "Only legs and places with capacity for this volume, TEU per year.",
    ),
    (
        "value_of_time",
        "number",
        "Value of time for by=generalized, USD per TEU-hour.",
    ),
    (
        "scenario",
        "string",
        "A scenario (TOML text, or its JSON equivalent in a POST body) applied for this request only.",
    ),
    (
        "scenario_name",
        "string",
        "The scenario's name in messages and answers (default: scenario).",
    ),
];
const ENDS: &[Param] = &[
    (
        "from",
        "string",
        "Origin: id, name, alias, region or lat,lon.",
    ),
    ("to", "string", "Destination."),
];
const FIGURE: Param = (
    "format",
    "string",
    "json (default), geojson or svg (a map over country outlines).",
);

struct Endpoint {
    path: &'static str,
    get: bool,
    post: bool,
    summary: &'static str,
    params: Vec<Param>,
    /// Schema name of the 200 answer (a library view) or an inline schema.
    answer: Value,
    /// Other media types of the 200 answer.
    media: &'static [&'static str],
}

fn with(parts: &[&[Param]]) -> Vec<Param> {
    parts.iter().flat_map(|p| p.iter().copied()).collect()
}

fn reference(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn endpoints() -> Vec<Endpoint> {
    let any_object = json!({ "type": "object" });
    vec![
        Endpoint {
            path: "/v1/route",
            get: true,
            post: true,
            summary: "The best route (corridor route --format json).",
            params: with(&[ENDS, ROUTING, &[FIGURE]]),
            answer: reference("RouteView"),
            media: &["application/geo+json", "image/svg+xml"],
        },
        Endpoint {
            path: "/v1/compare",
            get: true,
            post: true,
            summary: "The best route overall and per corridor, and the corridors that cannot serve the pair with the reason.",
            params: with(&[ENDS, ROUTING, &[FIGURE]]),
            answer: reference("CompareView"),
            media: &["application/geo+json", "image/svg+xml"],
        },
        Endpoint {
            path: "/v1/alternatives",
            get: true,
            post: true,
            summary: "The k best loopless routes, or with max_shared k routes that differ.",
            params: with(&[
                ENDS,
                ROUTING,
                &[
                    FIGURE,
                    ("k", "integer", "How many routes (default 3)."),
                    (
                        "max_shared",
                        "number",
                        "Routes that differ: every two share at most this share (0 to below 1) of the kilometres of the shorter one (found by penalising the legs of each route found). Without it: the k best routes that visit no place twice, however alike.",
                    ),
                ],
            ]),
            answer: reference("RoutesView"),
            media: &["application/geo+json", "image/svg+xml"],
        },
        Endpoint {
            path: "/v1/pareto",
            get: true,
            post: true,
            summary: "The routes no other route beats on all criteria at once.",
            params: with(&[
                ENDS,
                ROUTING,
                &[
                    FIGURE,
                    (
                        "criteria",
                        "array",
                        "2 to 4 of distance, time, cost, co2 (default time,cost).",
                    ),
                ],
            ]),
            answer: reference("RoutesView"),
            media: &["application/geo+json", "image/svg+xml"],
        },
        Endpoint {
            path: "/v1/diff",
            get: true,
            post: true,
            summary: "The best route without and with the scenario (required).",
            params: with(&[
                ENDS,
                ROUTING,
                &[("format", "string", "json (default) or svg.")],
            ]),
            answer: reference("DiffView"),
            media: &["image/svg+xml"],
        },
        Endpoint {
            path: "/v1/matrix",
            get: true,
            post: true,
            summary: "Best-route metrics from every origin to every destination; CSV with Accept: text/csv or format=csv.",
            params: with(&[
                &[
                    ("from", "array", "Origins."),
                    ("to", "array", "Destinations."),
                    ("format", "string", "json (default) or csv."),
                    ("engine", "string", "auto (default), ch or dijkstra."),
                ],
                ROUTING,
            ]),
            answer: reference("MatrixView"),
            media: &["text/csv"],
        },
        Endpoint {
            path: "/v1/flow",
            get: false,
            post: true,
            summary: "Allocates demand over the capacity-limited network (body: JSON with demand rows, or the demand CSV as text/csv).",
            params: with(&[
                &[("demand", "array", "Rows {from, to, volume_teu_per_year}.")],
                ROUTING,
            ]),
            answer: reference("FlowView"),
            media: &[],
        },
        Endpoint {
            path: "/v1/sweep",
            get: true,
            post: true,
            summary: "Door-to-door time and cost over random draws of the scenarios' uncertain quantities (reproducible from seed).",
            params: with(&[
                ENDS,
                ROUTING,
                &[
                    ("samples", "integer", "Draws (default 1000)."),
                    ("seed", "integer", "Seed (default 1)."),
                    (
                        "places",
                        "array",
                        "Instead of from and to: every ordered pair of these places, one matrix per draw (answer: a MatrixSweepView).",
                    ),
                    (
                        "hubs",
                        "boolean",
                        "Instead of from and to: every ordered pair of hubs.",
                    ),
                ],
            ]),
            answer: json!({ "oneOf": [reference("SweepView"), reference("MatrixSweepView")] }),
            media: &[],
        },
        Endpoint {
            path: "/v1/places",
            get: true,
            post: false,
            summary: "Places matching a query, strongest first, with suggestions when none matches (for autocomplete).",
            params: vec![
                (
                    "q",
                    "string",
                    "Part of an id, name or alias; a country name lists its places.",
                ),
                ("country", "string", "Only places of this country."),
                (
                    "limit",
                    "integer",
                    "Most places listed (default 20, at most 500).",
                ),
            ],
            answer: json!({
                "type": "object",
                "required": ["query", "total", "places", "suggestions"],
                "properties": {
                    "query": {"type": "string"},
                    "total": {"type": "integer"},
                    "places": {"type": "array", "items": any_object},
                    "suggestions": {"type": "array", "items": any_object},
                }
            }),
            media: &[],
        },
        Endpoint {
            path: "/v1/corridors",
            get: true,
            post: false,
            summary: "The corridors of the network with names, aliases and legs.",
            params: vec![],
            answer: json!({ "type": "array", "items": reference("CorridorView") }),
            media: &[],
        },
        Endpoint {
            path: "/v1/network",
            get: true,
            post: false,
            summary: "A summary of the served network.",
            params: vec![],
            answer: reference("NetworkSummary"),
            media: &[],
        },
        Endpoint {
            path: "/v1/scenarios",
            get: true,
            post: false,
            summary: "The scenarios shipped with corridor, as TOML text to send back as `scenario`.",
            params: vec![],
            answer: json!({ "type": "array", "items": {
                "type": "object",
                "required": ["name", "description", "toml"],
                "properties": {
                    "name": {"type": "string"}, "description": {"type": "string"}, "toml": {"type": "string"}
                }
            }}),
            media: &[],
        },
        Endpoint {
            path: "/health",
            get: true,
            post: false,
            summary: "Liveness, the network served (name, data version, size) and the server's limits.",
            params: vec![],
            answer: json!({ "type": "object", "required": ["status"], "properties": { "status": {"const": "ok"} } }),
            media: &[],
        },
        Endpoint {
            path: "/openapi.json",
            get: true,
            post: false,
            summary: "This document.",
            params: vec![],
            answer: json!({ "type": "object" }),
            media: &[],
        },
    ]
}

fn param_schema(kind: &str) -> Value {
    match kind {
        "array" => json!({ "type": "array", "items": { "type": "string" } }),
        other => json!({ "type": other }),
    }
}

fn body_schema(kind: &str) -> Value {
    match kind {
        "array" => json!({ "oneOf": [
            { "type": "string" },
            { "type": "array", "items": { "type": ["string", "object"] } }
        ] }),
        other => json!({ "type": other }),
    }
}

fn errors() -> Value {
    let error = json!({ "application/json": { "schema": reference("Error") } });
    json!({
        "400": { "description": "A parameter is missing, unknown or out of range.", "content": error },
        "404": { "description": "A place is unknown (details.suggestions lists close ones).", "content": error },
        "413": { "description": "The request is over a limit of the server.", "content": error },
        "422": { "description": "No route satisfies the request (details.reason says why).", "content": error },
        "429": { "description": "Too many heavy requests at once.", "content": error },
        "500": { "description": "An internal error; the server keeps serving.", "content": error },
        "503": { "description": "Too many requests at once, or past the time limit.", "content": error },
    })
}

fn operation(endpoint: &Endpoint, post: bool) -> Value {
    let mut content = Map::new();
    content.insert(
        "application/json".to_owned(),
        json!({ "schema": endpoint.answer }),
    );
    for media in endpoint.media {
        content.insert((*media).to_owned(), json!({}));
    }
    let mut op = json!({
        "summary": endpoint.summary,
        "responses": { "200": { "description": "The answer.", "content": content } },
    });
    if let Some(responses) = op["responses"].as_object_mut()
        && let Some(errors) = errors().as_object()
    {
        responses.extend(errors.clone());
    }
    if post {
        let properties: Map<String, Value> = endpoint
            .params
            .iter()
            .map(|(name, kind, description)| {
                let mut schema = body_schema(kind);
                schema["description"] = json!(description);
                ((*name).to_owned(), schema)
            })
            .collect();
        op["requestBody"] = json!({
            "content": { "application/json": { "schema": {
                "type": "object", "properties": properties, "additionalProperties": false
            } } }
        });
        if endpoint.path == "/v1/flow" {
            op["requestBody"]["content"]["text/csv"] = json!({ "schema": { "type": "string", "description": "from,to,volume_teu_per_year" } });
        }
    } else if !endpoint.params.is_empty() {
        op["parameters"] = endpoint
            .params
            .iter()
            .map(|(name, kind, description)| {
                json!({
                    "name": name, "in": "query", "description": description,
                    "required": !matches!(endpoint.path, "/v1/places" | "/v1/sweep") && (*name == "from" || *name == "to"),
                    "schema": param_schema(kind),
                    "explode": true,
                })
            })
            .collect::<Vec<_>>()
            .into();
    }
    op
}

/// The OpenAPI 3.1 document of the server.
pub fn openapi() -> Value {
    let mut generator = SchemaSettings::draft2020_12()
        .with(|s| s.definitions_path = "/components/schemas".into())
        .into_generator();
    generator.subschema_for::<RouteView>();
    generator.subschema_for::<CompareView>();
    generator.subschema_for::<RoutesView>();
    generator.subschema_for::<DiffView>();
    generator.subschema_for::<MatrixView>();
    generator.subschema_for::<FlowView>();
    generator.subschema_for::<SweepView>();
    generator.subschema_for::<MatrixSweepView>();
    generator.subschema_for::<NetworkSummary>();
    generator.subschema_for::<CorridorView>();
    let mut schemas = generator.take_definitions(true);
    schemas.insert(
        "Error".to_owned(),
        json!({
            "type": "object",
            "required": ["error"],
            "properties": { "error": {
                "type": "object",
                "required": ["code", "message", "details"],
                "properties": {
                    "code": { "type": "string", "description": "Stable code: unknown_place, ambiguous_place, country_not_place, unknown_country, bad_parameter, no_route, bad_data, too_large, busy, timeout, not_found, method_not_allowed, internal." },
                    "message": { "type": "string" },
                    "details": {}
                }
            } }
        }),
    );
    let mut paths = Map::new();
    for endpoint in endpoints() {
        let mut item = Map::new();
        if endpoint.get {
            item.insert("get".to_owned(), operation(&endpoint, false));
        }
        if endpoint.post {
            item.insert("post".to_owned(), operation(&endpoint, true));
        }
        paths.insert(endpoint.path.to_owned(), Value::Object(item));
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "corridor",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Routes, corridor comparisons, matrices, flows and sweeps on Eurasian freight corridors. Answers are the JSON of the corridor CLI's --format json; errors are {\"error\": {\"code\", \"message\", \"details\"}}.",
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "paths": paths,
        "components": { "schemas": schemas },
    })
}
