//! Errors as JSON: `{"error": {"code", "message", "details"}}` with the status that fits.

use std::time::Duration;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use corridor::Error;
use serde_json::json;

use crate::Class;

/// An answer that is not a result: status, stable code, the message (the library's,
/// as the CLI prints it) and details for programs.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable code: `unknown_place`, `bad_parameter`, `no_route`, `too_large`, `busy`...
    pub code: &'static str,
    /// What went wrong, for people.
    pub message: String,
    /// For programs: the parameter, suggestions, the reason of a missing route.
    pub details: serde_json::Value,
}

impl ApiError {
    /// 400 `bad_parameter` naming the parameter.
    pub fn bad_parameter(parameter: &str, message: impl std::fmt::Display) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code: "bad_parameter",
            message: format!("{parameter}: {message}"),
            details: json!({ "parameter": parameter }),
        }
    }

    /// 413 `too_large`: a request over a limit of the server.
    pub fn too_large(parameter: &str, message: impl std::fmt::Display) -> ApiError {
        ApiError {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            code: "too_large",
            message: format!("{parameter}: {message}"),
            details: json!({ "parameter": parameter }),
        }
    }

    /// 429 (heavy) or 503 (light) `busy`: the class is full.
    pub(crate) fn busy(class: Class) -> ApiError {
        let (status, what) = match class {
            Class::Heavy => (
                StatusCode::TOO_MANY_REQUESTS,
                "too many heavy requests (matrix, flow, sweep) at once",
            ),
            Class::Light => (StatusCode::SERVICE_UNAVAILABLE, "too many requests at once"),
        };
        ApiError {
            status,
            code: "busy",
            message: format!("{what}; try again shortly"),
            details: json!({ "retry_after_s": 1 }),
        }
    }

    /// 503 `timeout`: past the per-request time limit.
    pub(crate) fn timeout(limit: Duration) -> ApiError {
        ApiError {
            status: StatusCode::SERVICE_UNAVAILABLE,
            code: "timeout",
            message: format!(
                "the request took longer than the server's limit of {} s",
                limit.as_secs_f64()
            ),
            details: json!({ "time_limit_s": limit.as_secs_f64() }),
        }
    }

    /// 500 `internal`: a bug; the server keeps serving.
    pub fn internal(what: &str) -> ApiError {
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "internal",
            message: format!("internal error: {what}"),
            details: serde_json::Value::Null,
        }
    }

    /// 404 `not_found`: no such endpoint.
    pub(crate) fn not_found(path: &str) -> ApiError {
        ApiError {
            status: StatusCode::NOT_FOUND,
            code: "not_found",
            message: format!("no endpoint {path}; see /openapi.json"),
            details: json!({ "path": path }),
        }
    }
}

impl From<Error> for ApiError {
    fn from(error: Error) -> ApiError {
        let code = error.code();
        let (status, details) = match &error {
            Error::Place { field, .. } => {
                let status = if code == "unknown_place" {
                    StatusCode::NOT_FOUND
                } else {
                    StatusCode::BAD_REQUEST
                };
                (
                    status,
                    json!({ "parameter": field, "suggestions": error.suggestions() }),
                )
            }
            Error::Invalid { field, .. } => {
                (StatusCode::BAD_REQUEST, json!({ "parameter": field }))
            }
            Error::NoRoute { from, to, reason } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({ "from": from, "to": to, "reason": reason }),
            ),
            // Refused data in a request is a scenario or demand rows the client sent.
            Error::Data(_) | Error::Build(_) => {
                (StatusCode::BAD_REQUEST, json!({ "parameter": "scenario" }))
            }
            Error::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, serde_json::Value::Null),
        };
        ApiError {
            status,
            code,
            message: error.to_string(),
            details,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({
            "error": { "code": self.code, "message": self.message, "details": self.details }
        });
        let mut response = (self.status, axum::Json(body)).into_response();
        if self.code == "busy" {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("1"),
            );
        }
        response
    }
}
