//! One module per subcommand: arguments → one library call → rendering.

mod export;
mod flow;
mod matrix;
mod nodes;
mod route;
mod routing;
mod validate;

use std::io::Write;

use corridor::io::{self, LoadError, Loaded};
use corridor::{Network, PlaceId, builtin};

pub(crate) use crate::args::Global;
use crate::args::{Cli, Command};
use crate::{Exit, Failure};

pub(crate) fn dispatch(
    cli: &Cli,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<Exit, Failure> {
    match &cli.command {
        Command::Validate(args) => validate::run(&cli.global, args, stdout),
        Command::Nodes(args) => nodes::run(&cli.global, args, stdout, stderr),
        Command::Export(args) => export::run(&cli.global, args, stdout, stderr),
        Command::Route(args) => route::run_route(&cli.global, args, stdout),
        Command::Compare(args) => route::run_compare(&cli.global, args, stdout),
        Command::Alternatives(args) => route::run_alternatives(&cli.global, args, stdout),
        Command::Pareto(args) => route::run_pareto(&cli.global, args, stdout),
        Command::Matrix(args) => matrix::run(&cli.global, args, stdout),
        Command::Flow(args) => flow::run(&cli.global, args, stdout),
    }
}

/// Loads the network the user asked for: `--data DIR` or the built-in one.
pub(crate) fn load(global: &Global) -> Result<Loaded, LoadError> {
    match &global.data {
        Some(dir) => io::load_dir(dir),
        None => builtin::network(),
    }
}

/// Loads the network, turning refusal into exit code 3 with every error listed.
pub(crate) fn network(global: &Global) -> Result<Network, Failure> {
    load(global)
        .map(|loaded| loaded.network)
        .map_err(|error| Failure::new(Exit::Data, format!("error: {error}")))
}

/// Runs `work` on the worker pool the user asked for (`--threads N`), or on rayon's
/// global pool (all cores) when `--threads` is not given.
pub(crate) fn parallel<R: Send>(
    global: &Global,
    work: impl FnOnce() -> R + Send,
) -> Result<R, Failure> {
    match global.threads {
        None => Ok(work()),
        Some(0) => Err(Failure::usage(
            "error: --threads must be at least 1 (leave it out to use all cores)",
        )),
        Some(threads) => rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map(|pool| pool.install(work))
            .map_err(|e| {
                Failure::new(
                    Exit::Failure,
                    format!("error: cannot start {threads} threads: {e}"),
                )
            }),
    }
}

/// Resolves a place the user typed; unknown or ambiguous places are usage errors.
pub(crate) fn place(network: &Network, what: &str, query: &str) -> Result<PlaceId, Failure> {
    network
        .resolve(query)
        .map_err(|error| Failure::usage(format!("error: {what}: {error}")))
}
