//! `corridor serve` (issue 16): every endpoint answers the CLI's JSON, errors are JSON
//! with the right status, limits hold, the OpenAPI document matches the routes, a real
//! socket shuts down cleanly, and the page renders in a real browser.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use axum::body::Body;
use axum::http::Request;
use corridor_server::{Limits, Server};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::contract::CASES;
use crate::fixtures::run_ok;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn server_with(limits: Limits) -> Server {
    Server::new(corridor::Engine::builtin(), limits, 2).unwrap()
}

fn server() -> Server {
    server_with(Limits::default())
}

/// What the server answered.
#[derive(Debug)]
struct Answer {
    status: u16,
    media: String,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The error object of a JSON error answer, checked for shape.
    fn error(&self) -> Value {
        assert!(self.media.starts_with("application/json"), "{self:?}");
        let value = self.json();
        let error = value["error"].clone();
        assert!(
            error["code"].is_string() && error["message"].is_string(),
            "{value}"
        );
        assert!(error.get("details").is_some(), "{value}");
        error
    }
}

fn call(server: &Server, method: &str, uri: &str, media: Option<&str>, body: &str) -> Answer {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(media) = media {
        request = request.header("content-type", media);
    }
    let request = request.body(Body::from(body.to_owned())).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let response = server.router().oneshot(request).await.unwrap();
        let status = response.status().as_u16();
        let media = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        Answer {
            status,
            media,
            body: String::from_utf8(bytes.to_vec()).unwrap(),
        }
    })
}

fn get(server: &Server, uri: &str) -> Answer {
    call(server, "GET", uri, None, "")
}

fn post(server: &Server, uri: &str, body: &Value) -> Answer {
    call(
        server,
        "POST",
        uri,
        Some("application/json"),
        &body.to_string(),
    )
}

/// The same JSON text: keys in the same order, the same numbers (whitespace aside).
fn same_json(cli: &str, served: &str, what: &str) {
    let cli: Value = serde_json::from_str(cli).unwrap();
    let served: Value = serde_json::from_str(served).unwrap();
    assert_eq!(
        serde_json::to_string(&cli).unwrap(),
        serde_json::to_string(&served).unwrap(),
        "{what}: the server's JSON differs from the CLI's"
    );
}

/// The HTTP request that asks what a contract case's command line asks.
fn request_for(args: &[&str]) -> (String, Option<&'static str>, String) {
    let mut body = serde_json::Map::new();
    let mut csv = None;
    let mut rest = args;
    if rest[0] == "--scenario" {
        let text = std::fs::read_to_string(root().join("tests").join(rest[1])).unwrap();
        body.insert("scenario".into(), json!(text));
        body.insert("scenario_name".into(), json!(rest[1]));
        rest = &rest[2..];
    }
    let command = rest[0];
    let mut positional = Vec::new();
    let mut i = 1;
    while i < rest.len() {
        let (flag, value) = (rest[i], rest.get(i + 1).copied().unwrap_or(""));
        i += 2;
        match flag {
            "--format" => {}
            "--by" => drop(body.insert("by".into(), json!(value))),
            "-k" => drop(body.insert("k".into(), json!(value.parse::<u64>().unwrap()))),
            "--criteria" | "--from" | "--to" | "--places" => {
                let list: Vec<&str> = value.split(',').collect();
                body.insert(flag.trim_start_matches('-').into(), json!(list));
            }
            "--samples" | "--seed" => {
                body.insert(
                    flag.trim_start_matches('-').into(),
                    json!(value.parse::<u64>().unwrap()),
                );
            }
            "--demand" => {
                csv = Some(std::fs::read_to_string(root().join("tests").join(value)).unwrap());
            }
            other if !other.starts_with('-') => {
                positional.push(other);
                i -= 1;
            }
            other => panic!("no HTTP parameter for {other}"),
        }
    }
    if let [from, to] = positional[..] {
        body.insert("from".into(), json!(from));
        body.insert("to".into(), json!(to));
    }
    match csv {
        Some(text) => {
            assert!(body.is_empty(), "a flow body is its CSV");
            (format!("/v1/{command}"), Some("text/csv"), text)
        }
        None => (
            format!("/v1/{command}"),
            Some("application/json"),
            Value::Object(body).to_string(),
        ),
    }
}

/// Every output under the JSON contract: the server answers what the CLI prints.
#[test]
fn every_endpoint_answers_the_cli_json() {
    let server = server();
    for (name, _, args) in CASES {
        let cli = run_ok(args);
        let (uri, media, body) = request_for(args);
        let answer = call(&server, "POST", &uri, media, &body);
        assert_eq!(answer.status, 200, "{name}: {}", answer.body);
        assert_eq!(answer.media, "application/json", "{name}");
        same_json(&cli, &answer.body, name);
    }
}

/// The issue's example, as a GET with query parameters.
#[test]
fn get_route_is_the_cli_route() {
    let server = server();
    let cli = run_ok(&[
        "route", "Tashkent", "Almaty", "--by", "cost", "--format", "json",
    ]);
    let answer = get(&server, "/v1/route?from=Tashkent&to=Almaty&by=cost");
    assert_eq!(answer.status, 200);
    same_json(&cli, &answer.body, "GET /v1/route");
    // Constraints by query parameter, repeated or comma-separated alike.
    let cli = run_ok(&[
        "route",
        "Xian",
        "Duisburg",
        "--avoid-country",
        "RU,BY",
        "--modes",
        "rail,sea,ferry",
        "--via",
        "Baku",
        "--format",
        "json",
    ]);
    for uri in [
        "/v1/route?from=Xian&to=Duisburg&avoid_country=RU,BY&modes=rail,sea,ferry&via=Baku",
        "/v1/route?from=Xian&to=Duisburg&avoid_country=RU&avoid_country=BY&modes=rail&modes=sea,ferry&via=Baku",
    ] {
        let answer = get(&server, uri);
        assert_eq!(answer.status, 200, "{uri}: {}", answer.body);
        same_json(&cli, &answer.body, uri);
    }
}

/// `max_shared` gives the routes `corridor alternatives --max-shared` gives.
#[test]
fn distinct_alternatives_are_the_cli_ones() {
    let server = server();
    let cli = run_ok(&[
        "alternatives",
        "Xian",
        "Duisburg",
        "-k",
        "4",
        "--max-shared",
        "0.5",
        "--format",
        "json",
    ]);
    let answer = get(
        &server,
        "/v1/alternatives?from=Xian&to=Duisburg&k=4&max_shared=0.5",
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
    same_json(&cli, &answer.body, "GET /v1/alternatives?max_shared");
}

#[test]
fn figures_and_csv_are_the_cli_outputs() {
    let server = server();
    for (command, extra) in [
        ("route", ""),
        ("compare", ""),
        ("alternatives", "&k=2"),
        ("pareto", ""),
    ] {
        for format in ["svg", "geojson"] {
            let mut args = vec![command, "Almaty", "Istanbul", "--format", format];
            if command == "alternatives" {
                args.extend(["-k", "2"]);
            }
            let cli = run_ok(&args);
            let answer = get(
                &server,
                &format!("/v1/{command}?from=Almaty&to=Istanbul&format={format}{extra}"),
            );
            assert_eq!(answer.status, 200, "{command} {format}: {}", answer.body);
            if format == "svg" {
                assert_eq!(answer.media, "image/svg+xml");
                assert_eq!(answer.body, cli, "{command} --format svg");
            } else {
                assert_eq!(answer.media, "application/geo+json");
                same_json(&cli, &answer.body, command);
            }
        }
    }
    let cli = run_ok(&[
        "matrix",
        "--from",
        "Xian,Almaty",
        "--to",
        "Duisburg,Tashkent",
        "--by",
        "cost",
    ]);
    let body = json!({"from": ["Xian", "Almaty"], "to": ["Duisburg", "Tashkent"], "by": "cost"});
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let answer = runtime.block_on(async {
        let request = Request::post("/v1/matrix")
            .header("content-type", "application/json")
            .header("accept", "text/csv")
            .body(Body::from(body.to_string()))
            .unwrap();
        let response = server.router().oneshot(request).await.unwrap();
        assert_eq!(response.headers()["content-type"], "text/csv");
        axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap()
    });
    assert_eq!(String::from_utf8(answer.to_vec()).unwrap(), cli);
    let answer = get(
        &server,
        "/v1/matrix?from=Xian,Almaty&to=Duisburg,Tashkent&by=cost&format=csv",
    );
    assert_eq!(answer.body, cli);
}

#[test]
fn flow_takes_json_rows_or_the_demand_csv() {
    let server = server();
    let cli = run_ok(&[
        "flow",
        "--demand",
        "../data/demand/middle-corridor-2030.csv",
        "--format",
        "json",
    ]);
    let mut reader = csv_rows(&root().join("data/demand/middle-corridor-2030.csv"));
    let rows: Vec<Value> = reader
        .iter_mut()
        .map(|r| json!({"from": r[0], "to": r[1], "volume_teu_per_year": r[2].parse::<f64>().unwrap()}))
        .collect();
    let answer = post(&server, "/v1/flow", &json!({ "demand": rows }));
    assert_eq!(answer.status, 200, "{}", answer.body);
    same_json(&cli, &answer.body, "flow with JSON rows");
    let error = post(
        &server,
        "/v1/flow",
        &json!({"demand": [{"from": "Xian", "to": "Atlantis", "volume_teu_per_year": 5}]}),
    );
    assert_eq!(error.status, 400, "{}", error.body);
    assert!(
        error.error()["message"].as_str().unwrap().contains("row 1"),
        "{}",
        error.body
    );
    let error = post(&server, "/v1/flow", &json!({}));
    assert_eq!(error.status, 400);
    assert_eq!(error.error()["details"]["parameter"], "demand");
}

/// The data rows of a CSV file (header skipped, comments dropped).
fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .skip(1)
        .map(|l| l.split(',').map(|c| c.trim().to_owned()).collect())
        .collect()
}

#[test]
fn post_bodies_and_query_strings_are_the_same_request() {
    let server = server();
    let by_get = get(
        &server,
        "/v1/compare?from=Xian&to=Baku&by=cost&include_planned=true&corridor=trans-caspian,northern",
    );
    let by_post = post(
        &server,
        "/v1/compare",
        &json!({"from": "Xian", "to": "Baku", "by": "cost", "include_planned": true, "corridors": ["trans-caspian", "northern"]}),
    );
    assert_eq!(by_get.status, 200, "{}", by_get.body);
    assert_eq!(by_get.body, by_post.body);
    // A booked departure, the same by query string and by body, and as the CLI gives it.
    let booked = get(
        &server,
        "/v1/route?from=Nhava%20Sheva&to=Chabahar&booked=true",
    );
    let booked_post = post(
        &server,
        "/v1/route",
        &json!({"from": "Nhava Sheva", "to": "Chabahar", "booked": true}),
    );
    assert_eq!(booked.status, 200, "{}", booked.body);
    assert_eq!(booked.body, booked_post.body);
    let view: Value = serde_json::from_str(&booked.body).unwrap();
    assert_eq!(view["booked_departure"], true);
    let cli: Value = serde_json::from_str(&run_ok(&[
        "route",
        "Nhava Sheva",
        "Chabahar",
        "--booked",
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(view, cli);
}

#[test]
fn errors_are_json_with_the_right_status() {
    let server = server_with(Limits {
        matrix_cells: 4,
        k: 5,
        sweep_samples: 100,
        body_bytes: 2_000,
        ..Limits::default()
    });
    // 404 for an unknown place, with suggestions and the CLI's wording.
    let answer = get(&server, "/v1/route?from=Tashknet&to=Almaty");
    assert_eq!(answer.status, 404);
    let error = answer.error();
    assert_eq!(error["code"], "unknown_place");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .starts_with("from: unknown place \"Tashknet\"")
    );
    assert!(
        error["details"]["suggestions"][0]
            .as_str()
            .unwrap()
            .starts_with("tashkent")
    );
    let cli = crate::fixtures::run(&["route", "Tashknet", "Almaty"]);
    let message = error["message"].as_str().unwrap();
    assert!(
        cli.stderr.contains(message.trim_start_matches("from: ")),
        "the CLI says {:?}, the server {message:?}",
        cli.stderr
    );
    // 400 for bad or unknown parameters, naming them.
    for (uri, parameter) in [
        ("/v1/route?from=Xian&to=Baku&by=speed", "by"),
        ("/v1/route?from=Xian&to=Baku&modes=plane", "modes"),
        ("/v1/route?from=Xian&to=Baku&frm=x", "frm"),
        ("/v1/route?from=Xian", "to"),
        ("/v1/route?from=Xian&to=Baku&volume=lots", "volume"),
        ("/v1/route?from=Xian&to=Baku&format=pdf", "format"),
        (
            "/v1/route?from=Xian&to=Baku&avoid_country=XX",
            "avoid_country",
        ),
        ("/v1/pareto?from=Xian&to=Baku&criteria=beauty", "criteria"),
        ("/v1/alternatives?from=Xian&to=Baku&k=0", "k"),
        (
            "/v1/alternatives?from=Xian&to=Baku&max_shared=1",
            "max_shared",
        ),
        (
            "/v1/alternatives?from=Xian&to=Baku&max_shared=half",
            "max_shared",
        ),
        ("/v1/matrix?from=Xian&to=Baku&engine=warp", "engine"),
        (
            "/v1/route?from=Xian&to=Baku&include_planned=maybe",
            "include_planned",
        ),
    ] {
        let answer = get(&server, uri);
        assert_eq!(answer.status, 400, "{uri}: {}", answer.body);
        assert_eq!(
            answer.error()["details"]["parameter"],
            parameter,
            "{uri}: {}",
            answer.body
        );
    }
    for (uri, status, parameter) in [
        ("/v1/diff?from=Xian&to=Baku", 400, "scenario"),
        ("/v1/sweep?from=Xian&to=Atlantis", 404, "to"),
        ("/v1/sweep?from=Xian&to=Baku&seed=-3", 400, "seed"),
        ("/v1/sweep?hubs=true&places=Xian,Baku", 400, "hubs"),
        ("/v1/matrix?from=Xian,Atlantis&to=Baku", 404, "from"),
        ("/v1/matrix?to=Baku", 400, "from"),
        ("/v1/corridors?tag=x", 400, "tag"),
        ("/v1/network?x=1", 400, "x"),
        ("/v1/scenarios?x=1", 400, "x"),
        ("/health?x=1", 400, "x"),
        ("/v1/places?q=a&limit=many", 400, "limit"),
    ] {
        let answer = get(&server, uri);
        assert_eq!(answer.status, status, "{uri}: {}", answer.body);
        assert_eq!(
            answer.error()["details"]["parameter"],
            parameter,
            "{uri}: {}",
            answer.body
        );
    }
    // 422 with the reason when no route satisfies the request.
    let answer = get(
        &server,
        "/v1/route?from=Tashkent&to=Almaty&corridor=maritime",
    );
    assert_eq!(answer.status, 422, "{}", answer.body);
    let error = answer.error();
    assert_eq!(error["code"], "no_route");
    assert!(!error["details"]["reason"].as_str().unwrap().is_empty());
    // 413 over the limits.
    for (answer, parameter) in [
        (
            post(
                &server,
                "/v1/matrix",
                &json!({"from": ["Xian", "Almaty", "Baku"], "to": ["Duisburg", "Poti"]}),
            ),
            "from",
        ),
        (get(&server, "/v1/alternatives?from=Xian&to=Baku&k=6"), "k"),
        (
            get(&server, "/v1/sweep?from=Xian&to=Baku&samples=101"),
            "samples",
        ),
        (
            post(
                &server,
                "/v1/route",
                &json!({"from": "x".repeat(3_000), "to": "Baku"}),
            ),
            "body",
        ),
    ] {
        assert_eq!(answer.status, 413, "{}", answer.body);
        assert_eq!(answer.error()["details"]["parameter"], parameter);
    }
    // A scenario that does not parse: 400, located.
    let answer = post(
        &server,
        "/v1/route",
        &json!({"from": "Xian", "to": "Baku", "scenario": "format_version = 1\n[[close]]\ncountry = 7\n"}),
    );
    assert_eq!(answer.status, 400, "{}", answer.body);
    assert!(
        answer.error()["message"]
            .as_str()
            .unwrap()
            .contains("scenario:3"),
        "{}",
        answer.body
    );
    // Not JSON, unknown paths and methods.
    let answer = call(
        &server,
        "POST",
        "/v1/route",
        Some("application/json"),
        "{from: Xian",
    );
    assert_eq!(answer.status, 400);
    assert_eq!(answer.error()["details"]["parameter"], "body");
    assert_eq!(get(&server, "/v2/route").status, 404);
    assert_eq!(
        call(&server, "DELETE", "/v1/route", None, "").error()["code"],
        "method_not_allowed"
    );
    assert_eq!(get(&server, "/v1/flow").status, 405);
}

/// A request's scenario applies to that request only.
#[test]
fn scenarios_per_request_leave_the_served_network_alone() {
    let server = server();
    let before = get(&server, "/v1/route?from=Xian&to=Duisburg");
    let closed =
        std::fs::read_to_string(root().join("data/scenarios/northern-route-closed.toml")).unwrap();
    let with = post(
        &server,
        "/v1/route",
        &json!({"from": "Xian", "to": "Duisburg", "scenario": closed}),
    );
    assert_eq!(with.status, 200);
    assert!(
        !with.json()["countries"]
            .as_array()
            .unwrap()
            .contains(&json!("RU"))
    );
    assert!(
        before.json()["countries"]
            .as_array()
            .unwrap()
            .contains(&json!("RU"))
    );
    let after = get(&server, "/v1/route?from=Xian&to=Duisburg");
    assert_eq!(before.body, after.body);
    // The JSON equivalent of the TOML text is accepted too.
    let as_json = post(
        &server,
        "/v1/route",
        &json!({"from": "Xian", "to": "Duisburg", "scenario": {"format_version": 1, "close": [{"country": "RU"}]}}),
    );
    assert_eq!(as_json.status, 200, "{}", as_json.body);
    assert!(
        !as_json.json()["countries"]
            .as_array()
            .unwrap()
            .contains(&json!("RU"))
    );
    // The shipped scenarios are listed with their text, to send back.
    let shipped = get(&server, "/v1/scenarios").json();
    let names: Vec<&str> = shipped
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    let mut files: Vec<String> = std::fs::read_dir(root().join("data/scenarios"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    files.sort();
    assert_eq!(
        names, files,
        "corridor::builtin::SCENARIOS must list data/scenarios/"
    );
}

#[test]
fn lookups_and_summaries() {
    let server = server();
    let found = get(&server, "/v1/places?q=tash").json();
    assert_eq!(found["places"][0]["id"], "tashkent");
    assert!(found["suggestions"].as_array().unwrap().is_empty());
    let none = get(&server, "/v1/places?q=Tashknet").json();
    assert_eq!(none["total"], 0);
    assert_eq!(none["suggestions"][0]["id"], "tashkent");
    let kazakh = get(&server, "/v1/places?q=&country=KZ&limit=500").json();
    assert!(
        kazakh["places"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["country"] == "KZ")
    );
    assert_eq!(get(&server, "/v1/places?country=XX").status, 400);
    let corridors = get(&server, "/v1/corridors").json();
    assert_same_json(&corridors, &run_ok(&["corridors", "--format", "json"]));
    let network = get(&server, "/v1/network").json();
    assert_eq!(
        network["places"].as_u64().unwrap() as usize,
        corridor::Engine::builtin().network().places().len()
    );
    let health = get(&server, "/health").json();
    assert_eq!(health["status"], "ok");
}

fn assert_same_json(served: &Value, cli: &str) {
    same_json(cli, &served.to_string(), "summary");
}

/// Every path and method of /openapi.json is served, every answer of the contract
/// cases is valid against the document's schemas, and nothing else is served.
#[test]
fn the_openapi_document_matches_the_routes() {
    let server = server();
    let document = get(&server, "/openapi.json").json();
    assert_eq!(document["openapi"], "3.1.0");
    let paths = document["paths"].as_object().unwrap();
    let mut described = Vec::new();
    for (path, item) in paths {
        for method in item.as_object().unwrap().keys() {
            let method = method.to_uppercase();
            let answer = call(&server, &method, path, Some("application/json"), "{}");
            assert!(
                !matches!(
                    answer.json()["error"]["code"].as_str(),
                    Some("not_found" | "method_not_allowed")
                ),
                "{method} {path} is described but not served"
            );
            described.push(format!("{method} {path}"));
        }
        // Every operation lists its answer and the error answers.
        for operation in item.as_object().unwrap().values() {
            for status in ["200", "400", "404", "413", "422", "429", "500", "503"] {
                assert!(
                    operation["responses"].get(status).is_some(),
                    "{path}: no {status}"
                );
            }
        }
    }
    // The methods the router serves that the document does not describe.
    for path in paths.keys() {
        for method in ["GET", "POST"] {
            let answer = call(&server, method, path, Some("application/json"), "{}");
            let served = answer.status != 405;
            assert_eq!(
                served,
                described.contains(&format!("{method} {path}")),
                "{method} {path}: served {served}"
            );
        }
    }
    // Answers validate against the document's schemas.
    for (name, schema, args) in CASES {
        let (uri, media, body) = request_for(args);
        let answer = call(&server, "POST", &uri, media, &body);
        let path = uri.as_str();
        let response = &document["paths"][path]["post"]["responses"]["200"]["content"]["application/json"]
            ["schema"];
        let mut validator_schema = response.clone();
        validator_schema["components"] = document["components"].clone();
        let validator = jsonschema::validator_for(&validator_schema)
            .unwrap_or_else(|e| panic!("{name}: the schema of {path} does not compile: {e}"));
        let value = answer.json();
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| e.to_string())
            .collect();
        assert!(
            errors.is_empty(),
            "{name} ({schema}) against {path}: {errors:?}"
        );
    }
    // Error answers validate against the Error schema.
    let mut error_schema = json!({ "$ref": "#/components/schemas/Error" });
    error_schema["components"] = document["components"].clone();
    let validator = jsonschema::validator_for(&error_schema).unwrap();
    assert!(validator.is_valid(&get(&server, "/v1/route?from=Atlantis&to=Baku").json()));
}

/// A real socket: the answer arrives over TCP, and shutdown waits for requests in
/// flight.
#[test]
fn a_real_socket_serves_and_shuts_down_gracefully() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = runtime.spawn(corridor_server::serve(listener, server(), async {
        let _ = stopped.await;
    }));
    let ask = |path: &str| {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        stream
    };
    let read = |mut stream: std::net::TcpStream| {
        let mut text = String::new();
        stream.read_to_string(&mut text).unwrap();
        text
    };
    let text = read(ask("/v1/route?from=Tashkent&to=Almaty&by=cost"));
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    let cli = run_ok(&[
        "route", "Tashkent", "Almaty", "--by", "cost", "--format", "json",
    ]);
    same_json(&cli, text.split("\r\n\r\n").nth(1).unwrap(), "over TCP");
    // A slow request in flight when shutdown begins is answered in full.
    let slow = ask("/v1/sweep?from=Xian&to=Duisburg&samples=3000&seed=3");
    std::thread::sleep(Duration::from_millis(100));
    stop.send(()).unwrap();
    let text = read(slow);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(text.contains("\"samples\":3000"), "{text}");
    runtime.block_on(serving).unwrap().unwrap();
    assert!(
        std::net::TcpStream::connect(addr).is_err(),
        "still listening after shutdown"
    );
}

/// What operators and browser apps rely on: the limits readable from /health, the data
/// named on every answer, gzip when asked, CORS when allowed (on errors too), and
/// Retry-After when busy.
#[test]
fn operations_headers() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let send = |server: &Server, request: Request<Body>| {
        runtime.block_on(async {
            let response = server.router().oneshot(request).await.unwrap();
            let (parts, body) = response.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
            (parts, bytes.to_vec())
        })
    };
    let get_from = |uri: &str, origin: &str| {
        Request::get(uri)
            .header("origin", origin)
            .body(Body::empty())
            .unwrap()
    };
    let server = server_with(Limits {
        k: 7,
        ..Limits::default()
    });
    let health = get(&server, "/health").json();
    assert_eq!(health["limits"]["k"], 7);
    assert_eq!(
        health["data_version"],
        corridor::Engine::builtin().network().meta().version
    );
    let (parts, _) = send(
        &server,
        get_from("/v1/route?from=Xian&to=Baku", "https://a.example"),
    );
    assert!(
        parts.headers["corridor-data"]
            .to_str()
            .unwrap()
            .contains("Eurasian")
    );
    assert!(
        parts.headers.get("access-control-allow-origin").is_none(),
        "CORS is off by default"
    );
    // gzip when the client accepts it.
    let matrix =
        r#"{"from": ["Xian", "Almaty", "Baku"], "to": ["Duisburg", "Istanbul", "Tehran"]}"#;
    let (parts, body) = send(
        &server,
        Request::post("/v1/matrix")
            .header("content-type", "application/json")
            .header("accept-encoding", "gzip")
            .body(Body::from(matrix))
            .unwrap(),
    );
    assert_eq!(parts.headers["content-encoding"], "gzip");
    assert_eq!(&body[..2], &[0x1f, 0x8b], "a gzip stream");
    // CORS for an allowed origin, on answers, errors and preflights.
    let open = server_with(Limits::default())
        .allow_origins(&["https://planner.example".to_owned()])
        .unwrap();
    for uri in [
        "/v1/route?from=Xian&to=Baku",
        "/v1/route?from=Atlantis&to=Baku",
        "/nowhere",
    ] {
        let (parts, _) = send(&open, get_from(uri, "https://planner.example"));
        let allowed: Vec<_> = parts
            .headers
            .get_all("access-control-allow-origin")
            .iter()
            .collect();
        assert_eq!(allowed, ["https://planner.example"], "{uri}");
    }
    let (parts, _) = send(
        &open,
        Request::options("/v1/matrix")
            .header("origin", "https://planner.example")
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .body(Body::empty())
            .unwrap(),
    );
    assert!(parts.status.is_success(), "{:?}", parts.status);
    let methods = parts.headers["access-control-allow-methods"]
        .to_str()
        .unwrap();
    assert!(methods.contains("POST"), "{methods}");
    let (parts, _) = send(&open, get_from("/health", "https://elsewhere.example"));
    assert!(parts.headers.get("access-control-allow-origin").is_none());
    let refused = server_with(Limits::default()).allow_origins(&["bad\norigin".to_owned()]);
    assert!(refused.is_err());
    // Retry-After on a busy answer.
    let busy = corridor_server::ApiError {
        status: axum::http::StatusCode::TOO_MANY_REQUESTS,
        code: "busy",
        message: String::new(),
        details: Value::Null,
    };
    let response = axum::response::IntoResponse::into_response(busy);
    assert_eq!(response.headers()["retry-after"], "1");
}

#[test]
fn serve_refuses_bad_arguments() {
    for (args, message) in [
        (&["serve", "--addr", "nowhere"][..], "--addr"),
        (&["serve", "--max-k", "0"][..], "k limit"),
        (&["serve", "--time-limit=-1"][..], "--time-limit"),
        (&["serve", "--threads", "0"][..], "--threads"),
    ] {
        let run = crate::fixtures::run(args);
        assert_eq!(
            run.exit,
            corridor_cli::Exit::Usage,
            "{args:?}: {}",
            run.stderr
        );
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
    }
}

/// A server on a free port of this machine, on a thread of its own; stopped on drop.
struct Running {
    addr: std::net::SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Running {
    fn start() -> Running {
        let (ready, bound) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                ready.send(listener.local_addr().unwrap()).unwrap();
                corridor_server::serve(listener, server(), async {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
            });
        });
        Running {
            addr: bound.recv().unwrap(),
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The planner's page in headless Chromium: the URL's parameters fill the form and run
/// the comparison; the table, the map's route paths and the details render; an unknown
/// place shows the error with suggestions. The screenshot in docs/ is this page; it is
/// rewritten with CORRIDOR_BLESS=1 and must otherwise match (within 1 % of pixels).
#[test]
#[cfg_attr(
    not(require_browser),
    ignore = "needs Chromium (apt-get install chromium); run with CORRIDOR_REQUIRE_BROWSER=1 cargo test, or cargo test -- --ignored"
)]
fn the_page_works_in_a_browser() {
    let running = Running::start();
    let dir = tempfile::tempdir().unwrap();
    let page = "/?from=Xian&to=Duisburg&by=cost";
    let dom = crate::fixtures::chromium(dir.path(), &["--dump-dom".to_owned()], &running.url(page));
    // The form holds the URL's state.
    assert!(
        dom.contains("<option value=\"cost\" selected") || dom.contains("id=\"by\""),
        "{dom}"
    );
    // One table row per route: the best, then each corridor that serves the pair.
    let expected = corridor::Engine::builtin()
        .compare(&corridor::RouteRequest::new("Xian", "Duisburg").by(corridor::Objective::Cost))
        .unwrap();
    let rows = dom.matches("<tr class=\"best\" data-corridor=").count()
        + dom.matches("<tr class=\"\" data-corridor=").count();
    assert_eq!(rows, 1 + expected.corridors.len(), "table rows in {dom}");
    for corridor in &expected.corridors {
        assert!(
            dom.contains(&format!("data-corridor=\"{}\"", corridor.corridor)),
            "{}",
            corridor.corridor
        );
    }
    // The map: one group per route, with its legs drawn.
    let map = &dom[dom.find("id=\"map\"").expect("no map")..];
    assert_eq!(
        map.matches("<g class=\"route\"").count(),
        rows,
        "route groups on the map"
    );
    assert!(
        map.matches("<path class=\"leg ").count() >= expected.best.as_ref().unwrap().legs.len()
    );
    assert!(dom.contains("Xi'an → Duisburg"), "place names in the title");
    assert!(dom.contains("Corridors that cannot serve this pair"));
    // Constraints from the URL: avoiding Russia leaves the northern route unserved.
    let dom = crate::fixtures::chromium(
        dir.path(),
        &["--dump-dom".to_owned()],
        &running.url("/?from=Xian&to=Duisburg&avoid_country=RU"),
    );
    assert!(
        !dom.contains("data-corridor=\"northern\""),
        "the northern route avoids no Russia"
    );
    assert!(
        dom.contains("<strong>northern: </strong>"),
        "northern listed as unserved"
    );
    assert!(dom.contains("Network: Eurasian"), "the data is named");
    // A booked departure from the URL: the box is ticked and the title says so.
    let dom = crate::fixtures::chromium(
        dir.path(),
        &["--dump-dom".to_owned()],
        &running.url("/?from=Nhava%20Sheva&to=Chabahar&booked=true"),
    );
    let title = |dom: &str| -> String {
        let start = dom.find("id=\"title\">").expect("no title") + "id=\"title\">".len();
        dom[start..start + dom[start..].find('<').unwrap()].to_owned()
    };
    assert_eq!(
        title(&dom),
        "Nhava Sheva → Chabahar, best by time, from a booked departure (no wait for the first service)"
    );
    assert!(dom.contains("id=\"booked\" name=\"booked\""));
    let without = crate::fixtures::chromium(
        dir.path(),
        &["--dump-dom".to_owned()],
        &running.url("/?from=Nhava%20Sheva&to=Chabahar"),
    );
    assert_eq!(title(&without), "Nhava Sheva → Chabahar, best by time");
    // An unknown place: the error, with suggestions, and no table.
    let dom = crate::fixtures::chromium(
        dir.path(),
        &["--dump-dom".to_owned()],
        &running.url("/?from=Tashknet&to=Almaty"),
    );
    let error = &dom[dom.find("id=\"error\"").expect("no error box")..];
    assert!(
        error.starts_with("id=\"error\" role=\"alert\" class=\"shown\""),
        "{error}"
    );
    assert!(
        error.contains("unknown place") && error.contains("Did you mean: tashkent"),
        "{error}"
    );
    // The screenshot shown in the README.
    let shot = dir.path().join("page.png");
    crate::fixtures::chromium(
        dir.path(),
        &[
            "--window-size=1280,1000".to_owned(),
            format!("--screenshot={}", shot.display()),
        ],
        &running.url(page),
    );
    crate::fixtures::assert_not_blank(&shot);
    let docs = root().join("docs/serve-page.png");
    if std::env::var("CORRIDOR_BLESS").is_ok_and(|v| v == "1") {
        std::fs::copy(&shot, &docs).unwrap();
        return;
    }
    assert!(
        docs.exists(),
        "docs/serve-page.png is missing: run the tests with CORRIDOR_BLESS=1"
    );
    let (w1, h1, new) = crate::fixtures::png_rgb(&shot);
    let (w2, h2, old) = crate::fixtures::png_rgb(&docs);
    assert_eq!(
        (w1, h1),
        (w2, h2),
        "docs/serve-page.png has another size: rerun with CORRIDOR_BLESS=1"
    );
    let differing = new
        .iter()
        .zip(&old)
        .filter(|(a, b)| a.iter().zip(b.iter()).any(|(x, y)| x.abs_diff(*y) > 24))
        .count();
    assert!(
        differing * 100 <= new.len(),
        "docs/serve-page.png is out of date ({differing} of {} pixels differ): rerun the tests with CORRIDOR_BLESS=1 and look at it",
        new.len()
    );
}
