//! `corridor serve`: the network over HTTP (see the `corridor-server` crate).

use std::io::Write;
use std::net::{SocketAddr, ToSocketAddrs};
use std::time::Duration;

use corridor_server::{Limits, Server};

use super::{Global, base_engine, scenario_files, threads};
use crate::args::ServeArgs;
use crate::{Exit, Failure};

pub(crate) fn run(global: &Global, args: &ServeArgs, out: &mut dyn Write) -> Result<Exit, Failure> {
    let addr = address(&args.addr)?;
    if !(args.time_limit.is_finite() && args.time_limit > 0.0 && args.time_limit <= 86_400.0) {
        return Err(Failure::usage(format!(
            "error: --time-limit: expected seconds between 0 and 86400, not {}",
            args.time_limit
        )));
    }
    let limits = Limits {
        body_bytes: args.max_body_bytes,
        matrix_cells: args.max_matrix_cells,
        k: args.max_k,
        sweep_samples: args.max_samples,
        flow_rows: args.max_flow_rows,
        time_limit: Duration::from_secs_f64(args.time_limit),
        heavy_queue: args.max_heavy,
        ..Limits::default()
    };
    let threads = threads(global)?
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
    let files = scenario_files(global)?;
    let engine = base_engine(global)?
        .with_scenarios(&files)
        .map_err(super::routing::failure)?;
    let places = engine.network().places().len();
    let name = engine.network().meta().name.clone();
    let server = Server::new(engine, limits, threads)
        .and_then(|server| server.allow_origins(&args.allow_origin))
        .map_err(|e| Failure::usage(format!("error: {e}")))?;
    let mut printed = Ok(());
    corridor_server::run(server, addr, |bound| {
        printed = writeln!(
            out,
            "corridor: serving {name} ({places} places) on http://{bound}/ with {threads} threads per pool; Ctrl-C stops"
        )
        .and_then(|()| out.flush());
    })
    .map_err(|e| Failure::new(Exit::Failure, format!("error: --addr {addr}: {e}")))?;
    printed?;
    Ok(Exit::Ok)
}

fn address(text: &str) -> Result<SocketAddr, Failure> {
    let bad = |why: String| {
        Failure::usage(format!(
            "error: --addr: {why}; expected host:port such as 127.0.0.1:8080"
        ))
    };
    text.to_socket_addrs()
        .map_err(|e| bad(format!("cannot use {text:?}: {e}")))?
        .next()
        .ok_or_else(|| bad(format!("{text:?} names no address")))
}
