//! One error type for every request an [`Engine`](super::Engine) answers.

use crate::io::LoadError;
use crate::model::LookupError;

/// Why a request was not answered. Each variant names what caused it: the request field,
/// the place asked for, the file and line of bad data, or the constraint that cuts a
/// pair off.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A place of the request is unknown, ambiguous or a country (`field`: `from`, `to`,
    /// `via`, `avoid`, or a matrix's `from`/`to`).
    #[error("{field}: {source}")]
    Place {
        /// The request field.
        field: &'static str,
        /// What the lookup found (suggestions included).
        #[source]
        source: LookupError,
    },
    /// A value of the request is out of range or not understood.
    #[error("{field}: {message}")]
    Invalid {
        /// The request field (`by`, `k`, `volume`, `modes`, `corridor`...).
        field: &'static str,
        /// What is wrong and what would be accepted.
        message: String,
    },
    /// No route satisfies the request.
    #[error("no route from {from} to {to}: {reason}")]
    NoRoute {
        /// The origin, `id (name)`.
        from: String,
        /// The destination, `id (name)`.
        to: String,
        /// Which constraint or missing link cuts the pair off.
        reason: String,
    },
    /// The network, a scenario or a demand file was refused (every problem located by
    /// file, line and column).
    #[error("{0}")]
    Data(#[from] LoadError),
    /// A network built from values was refused (every problem by place or leg id).
    #[error("{0}")]
    Build(#[from] crate::model::BuildError),
    /// The answer would be too large to compute (a Pareto set over the label limit).
    #[error("{0}")]
    TooLarge(String),
}

impl Error {
    /// An [`Error::Invalid`].
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Error {
        Error::Invalid {
            field,
            message: message.into(),
        }
    }

    /// A stable code for programs (HTTP servers, bindings): `unknown_place`,
    /// `ambiguous_place`, `country_not_place`, `unknown_country`, `bad_parameter`, `no_route`, `bad_data`,
    /// `too_large`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Place { source, .. } => match source {
                LookupError::Unknown { .. } => "unknown_place",
                LookupError::Ambiguous { .. } => "ambiguous_place",
                LookupError::Country { .. } => "country_not_place",
                LookupError::UnknownCountry { .. } => "unknown_country",
                _ => "bad_parameter",
            },
            Error::Invalid { .. } => "bad_parameter",
            Error::NoRoute { .. } => "no_route",
            Error::Data(_) | Error::Build(_) => "bad_data",
            Error::TooLarge(_) => "too_large",
        }
    }

    /// The suggestions of an unknown place ("did you mean"), as `id (name)`.
    ///
    /// ```
    /// use corridor::{Engine, RouteRequest};
    /// let error = Engine::builtin().route(&RouteRequest::new("Tashknet", "Almaty")).unwrap_err();
    /// assert!(error.suggestions()[0].starts_with("tashkent"));
    /// assert!(error.to_string().starts_with("from: unknown place"));
    /// ```
    pub fn suggestions(&self) -> &[String] {
        match self {
            Error::Place {
                source: LookupError::Unknown { suggestions, .. },
                ..
            } => suggestions,
            _ => &[],
        }
    }
}
