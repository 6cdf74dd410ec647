//! corridor over HTTP: the JSON API v1 (the same contract as the CLI's `--format json`,
//! serialised by the library's view types), an OpenAPI 3.1 description of it, and a
//! planner's web page at `/`, all served from one [`corridor::Engine`].
//!
//! Computation never runs on the async runtime: light requests (route, compare,
//! alternatives, pareto, places) run on one rayon pool and heavy ones (matrix, flow,
//! sweep, and any request carrying a scenario, which copies the network) on another, each with `--threads` workers, so a long matrix shares the
//! cores with short routes instead of queueing them. Both classes have a bound on the
//! requests admitted at once (running and queued); beyond it the server answers at once
//! (429 for heavy requests, 503 for light ones) rather than letting a queue grow. Every request has a time limit; a panic in a
//! computation is answered 500 and the server keeps serving.
//!
//! ```no_run
//! use corridor_server::{Limits, Server};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let server = Server::new(corridor::Engine::builtin(), Limits::default(), 2)?;
//! let runtime = tokio::runtime::Runtime::new()?;
//! runtime.block_on(async {
//!     let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//!     corridor_server::serve(listener, server, std::future::pending()).await
//! })?;
//! # Ok(())
//! # }
//! ```

mod api;
mod error;
mod openapi;
mod page;
mod params;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use corridor::Engine;
use tokio::sync::{Semaphore, oneshot};

pub use error::ApiError;
pub use openapi::openapi;

/// What one request may ask for, and how much work the server admits at once.
#[derive(Clone, Debug, PartialEq)]
pub struct Limits {
    /// Largest request body, bytes.
    pub body_bytes: usize,
    /// Largest matrix, origins × destinations.
    pub matrix_cells: usize,
    /// Largest `k` of alternatives.
    pub k: usize,
    /// Most draws of a sweep.
    pub sweep_samples: usize,
    /// Most demand rows of a flow.
    pub flow_rows: usize,
    /// Longest a request may take before it is answered 503.
    pub time_limit: Duration,
    /// Heavy requests (matrix, flow, sweep) admitted at once, running or queued; more are
    /// answered 429.
    pub heavy_queue: usize,
    /// Light requests admitted at once, running or queued; more are answered 503.
    pub light_queue: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            body_bytes: 1 << 20,
            matrix_cells: 250_000,
            k: 20,
            sweep_samples: 100_000,
            flow_rows: 10_000,
            time_limit: Duration::from_secs(30),
            heavy_queue: 8,
            light_queue: 1024,
        }
    }
}

/// Why a server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// A worker pool could not be built.
    #[error("cannot start the worker threads: {0}")]
    Threads(#[from] rayon::ThreadPoolBuildError),
    /// A limit is zero.
    #[error("{0} must be at least 1")]
    Limit(&'static str),
    /// An origin for CORS is not a valid header value.
    #[error("--allow-origin: {0:?} is not an origin such as https://planner.example or *")]
    Origin(String),
}

/// The served engine, the limits and the worker pools; cheap to clone.
#[derive(Clone)]
pub struct Server {
    shared: Arc<Shared>,
    /// Origins allowed to call from browsers (CORS); none when empty, any with `*`.
    origins: Arc<[String]>,
}

struct Shared {
    engine: Engine,
    limits: Limits,
    light: Pool,
    heavy: Pool,
}

/// A rayon pool with its admission bound.
struct Pool {
    threads: rayon::ThreadPool,
    admitted: Arc<Semaphore>,
    class: Class,
}

/// Light or heavy work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    Light,
    Heavy,
}

impl Server {
    /// A server of `engine` with `threads` workers per pool.
    pub fn new(engine: Engine, limits: Limits, threads: usize) -> Result<Server, StartError> {
        for (value, name) in [
            (limits.body_bytes, "the body limit"),
            (limits.matrix_cells, "the matrix cell limit"),
            (limits.k, "the k limit"),
            (limits.sweep_samples, "the sample limit"),
            (limits.flow_rows, "the demand row limit"),
            (limits.heavy_queue, "the heavy request queue"),
            (limits.light_queue, "the light request queue"),
            (threads, "the thread count"),
        ] {
            if value == 0 {
                return Err(StartError::Limit(name));
            }
        }
        let pool =
            |name: &'static str, admitted: usize, class: Class| -> Result<Pool, StartError> {
                Ok(Pool {
                    threads: rayon::ThreadPoolBuilder::new()
                        .num_threads(threads)
                        .thread_name(move |i| format!("corridor-{name}-{i}"))
                        .build()?,
                    admitted: Arc::new(Semaphore::new(admitted)),
                    class,
                })
            };
        Ok(Server {
            shared: Arc::new(Shared {
                light: pool("light", limits.light_queue, Class::Light)?,
                heavy: pool("heavy", limits.heavy_queue, Class::Heavy)?,
                engine,
                limits,
            }),
            origins: Arc::from([]),
        })
    }

    /// Allows web pages from `origins` (exact origins such as `https://planner.example`,
    /// or `*` for any) to call the API from browsers (CORS), on every answer including
    /// errors. Without it, browsers allow only the server's own page.
    pub fn allow_origins(mut self, origins: &[String]) -> Result<Server, StartError> {
        for origin in origins {
            if origin != "*" && axum::http::HeaderValue::from_str(origin).is_err() {
                return Err(StartError::Origin(origin.clone()));
            }
        }
        self.origins = Arc::from(origins);
        Ok(self)
    }

    /// The origins allowed by [`Server::allow_origins`].
    pub fn origins(&self) -> &[String] {
        &self.origins
    }

    /// The engine served.
    pub fn engine(&self) -> &Engine {
        &self.shared.engine
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.shared.limits
    }

    /// The routes: API v1, `/health`, `/openapi.json` and the page.
    pub fn router(&self) -> Router {
        api::router(self.clone())
    }

    /// Runs `job` on the pool of its class, off the async runtime: 429 (heavy) or 503
    /// (light) at once when the class is full, 503 past the time limit (the computation
    /// keeps its admission slot until it ends, so abandoned work still counts against the
    /// bound), 500 if it panics.
    pub(crate) async fn compute<T, F>(&self, class: Class, job: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Engine) -> Result<T, ApiError> + Send + 'static,
    {
        let pool = match class {
            Class::Light => &self.shared.light,
            Class::Heavy => &self.shared.heavy,
        };
        let Ok(permit) = pool.admitted.clone().try_acquire_owned() else {
            return Err(ApiError::busy(pool.class));
        };
        let (tx, rx) = oneshot::channel();
        let shared = self.shared.clone();
        pool.threads.spawn(move || {
            let result =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(&shared.engine)));
            drop(permit);
            let _ = tx.send(result);
        });
        match tokio::time::timeout(self.shared.limits.time_limit, rx).await {
            Err(_) => Err(ApiError::timeout(self.shared.limits.time_limit)),
            Ok(Err(_)) => Err(ApiError::internal(
                "the computation ended without an answer",
            )),
            Ok(Ok(Err(panic))) => Err(ApiError::internal(&panic_text(&*panic))),
            Ok(Ok(Ok(result))) => result,
        }
    }
}

/// The text of a panic payload.
pub(crate) fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = panic.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = panic.downcast_ref::<String>() {
        text.clone()
    } else {
        "a computation panicked".to_owned()
    }
}

/// Serves `server` on `listener` until `shutdown` completes, then finishes the requests
/// in flight and returns.
pub async fn serve(
    listener: tokio::net::TcpListener,
    server: Server,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, server.router())
        .with_graceful_shutdown(shutdown)
        .await
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

/// Binds `addr`, calls `ready` with the address bound (port 0 picks a free one), and
/// serves until Ctrl-C or SIGTERM, on a runtime of its own.
pub fn run(
    server: Server,
    addr: SocketAddr,
    ready: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("corridor-http")
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        ready(listener.local_addr()?);
        serve(listener, server, shutdown_signal()).await
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::sync::mpsc;

    use axum::routing::get;
    use tower::ServiceExt;

    use super::*;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap()
    }

    fn small(limits: Limits) -> Server {
        let engine = Engine::builtin();
        Server::new(engine, limits, 1).unwrap()
    }

    #[test]
    fn a_panicking_computation_is_answered_500_and_the_pool_keeps_working() {
        let server = small(Limits::default());
        let rt = runtime();
        let error = rt
            .block_on(server.compute(Class::Light, |_| -> Result<(), ApiError> { panic!("boom") }))
            .unwrap_err();
        assert_eq!(error.status, axum::http::StatusCode::INTERNAL_SERVER_ERROR);
        assert!(error.message.contains("boom"), "{}", error.message);
        let ok = rt
            .block_on(server.compute(Class::Light, |_| Ok(7)))
            .unwrap();
        assert_eq!(ok, 7);
    }

    #[test]
    fn a_full_heavy_class_is_answered_429_at_once() {
        let server = small(Limits {
            heavy_queue: 1,
            ..Limits::default()
        });
        let rt = runtime();
        let (release, wait) = mpsc::channel::<()>();
        let (started, running) = mpsc::channel::<()>();
        let first = {
            let server = server.clone();
            rt.spawn(async move {
                server
                    .compute(Class::Heavy, move |_| {
                        started.send(()).unwrap();
                        wait.recv().unwrap();
                        Ok(1)
                    })
                    .await
            })
        };
        running.recv().unwrap();
        let error = rt
            .block_on(server.compute(Class::Heavy, |_| Ok(2)))
            .unwrap_err();
        assert_eq!(error.status, axum::http::StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(error.code, "busy");
        // Light work is not held up by the heavy class.
        assert_eq!(
            rt.block_on(server.compute(Class::Light, |_| Ok(3)))
                .unwrap(),
            3
        );
        release.send(()).unwrap();
        assert_eq!(rt.block_on(first).unwrap().unwrap(), 1);
        // The slot is free again.
        assert_eq!(
            rt.block_on(server.compute(Class::Heavy, |_| Ok(4)))
                .unwrap(),
            4
        );
    }

    #[test]
    fn a_slow_computation_is_answered_503_past_the_time_limit() {
        let server = small(Limits {
            time_limit: Duration::from_millis(50),
            ..Limits::default()
        });
        let (release, wait) = mpsc::channel::<()>();
        let error = runtime()
            .block_on(server.compute(Class::Light, move |_| {
                wait.recv().unwrap();
                Ok(())
            }))
            .unwrap_err();
        release.send(()).unwrap();
        assert_eq!(error.status, axum::http::StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(error.code, "timeout");
    }

    #[test]
    fn a_panicking_handler_is_answered_500_as_json() {
        let router = api::layers(Router::new().route(
            "/boom",
            get(|| async {
                if true {
                    panic!("handler bug");
                }
                "never"
            }),
        ));
        let rt = runtime();
        for _ in 0..2 {
            let response = rt
                .block_on(
                    router.clone().oneshot(
                        axum::http::Request::get("/boom")
                            .body(axum::body::Body::empty())
                            .unwrap(),
                    ),
                )
                .unwrap();
            assert_eq!(
                response.status(),
                axum::http::StatusCode::INTERNAL_SERVER_ERROR
            );
            let body = rt
                .block_on(axum::body::to_bytes(response.into_body(), usize::MAX))
                .unwrap();
            let value: serde_json::Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(value["error"]["code"], "internal");
            assert!(
                value["error"]["message"]
                    .as_str()
                    .unwrap()
                    .contains("handler bug")
            );
        }
    }

    #[test]
    fn zero_limits_are_refused() {
        let engine = Engine::builtin();
        let error = Server::new(
            engine,
            Limits {
                k: 0,
                ..Limits::default()
            },
            1,
        )
        .err()
        .unwrap();
        assert_eq!(error.to_string(), "the k limit must be at least 1");
    }
}
