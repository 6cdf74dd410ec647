//! One module per subcommand: arguments → one library call → rendering.

mod calibrate;
mod corridors;
mod diff;
mod export;
mod flow;
mod generate;
mod matrix;
mod nodes;
mod report;
mod route;
mod routing;
mod sweep;
mod validate;

use std::io::Write;

use corridor::io::{self, LoadError, Loaded};
use corridor::scenario::{self, Applied, ScenarioFile};
use corridor::{Network, PlaceId, builtin};

pub(crate) use crate::args::Global;
use crate::args::{Cli, Command};
use crate::{Exit, Failure};

pub(crate) fn dispatch(
    cli: &Cli,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<Exit, Failure> {
    // Checked for every command, also those that run on one thread.
    threads(&cli.global)?;
    match &cli.command {
        Command::Validate(args) => validate::run(&cli.global, args, stdout),
        Command::Nodes(args) => nodes::run(&cli.global, args, stdout, stderr),
        Command::Corridors(args) => corridors::run(&cli.global, args, stdout),
        Command::Export(args) => export::run(&cli.global, args, stdout, stderr),
        Command::Generate(args) => generate::run(args, stderr),
        Command::Route(args) => route::run_route(&cli.global, args, stdout, stderr),
        Command::Compare(args) => route::run_compare(&cli.global, args, stdout, stderr),
        Command::Alternatives(args) => route::run_alternatives(&cli.global, args, stdout, stderr),
        Command::Pareto(args) => route::run_pareto(&cli.global, args, stdout, stderr),
        Command::Matrix(args) => matrix::run(&cli.global, args, stdout),
        Command::Flow(args) => flow::run(&cli.global, args, stdout),
        Command::Calibrate(args) => calibrate::run(&cli.global, args, stdout, stderr),
        Command::Diff(args) => diff::run(&cli.global, args, stdout),
        Command::Report(args) => report::run(&cli.global, args, stderr),
        Command::Sweep(args) => sweep::run(&cli.global, args, stdout, stderr),
    }
}

/// Loads the network the user asked for: `--data DIR` or the built-in one.
pub(crate) fn load(global: &Global) -> Result<Loaded, LoadError> {
    match &global.data {
        Some(dir) => io::load_dir(dir),
        None => builtin::network(),
    }
}

/// Loads the base network (without scenarios), turning refusal into exit code 3 with
/// every error listed.
pub(crate) fn base_network(global: &Global) -> Result<Network, Failure> {
    load(global)
        .map(|loaded| loaded.network)
        .map_err(|error| Failure::new(Exit::Data, format!("error: {error}")))
}

/// Reads and parses the `--scenario` files (unreadable: usage error; invalid: bad data).
pub(crate) fn scenario_files(global: &Global) -> Result<Vec<ScenarioFile>, Failure> {
    global
        .scenario
        .iter()
        .map(|path| {
            let bytes = std::fs::read(path).map_err(|e| {
                Failure::usage(format!(
                    "error: --scenario: cannot read {}: {e}",
                    path.display()
                ))
            })?;
            scenario::parse(&path.display().to_string(), &bytes)
                .map_err(|e| Failure::new(Exit::Data, format!("error: {}", scenario_error(&e))))
        })
        .collect()
}

fn scenario_error(error: &LoadError) -> String {
    error.report("scenario")
}

/// The network with the `--scenario` files applied, and their uncertain quantities.
pub(crate) fn scenario_network(global: &Global) -> Result<Applied, Failure> {
    let files = scenario_files(global)?;
    let base = base_network(global)?;
    if files.is_empty() {
        return Ok(Applied {
            network: base,
            uncertain: Vec::new(),
        });
    }
    scenario::apply(&base, &files)
        .map_err(|e| Failure::new(Exit::Data, format!("error: {}", scenario_error(&e))))
}

/// The network every command works on: `--data` or the built-in one, with the
/// `--scenario` files applied.
pub(crate) fn network(global: &Global) -> Result<Network, Failure> {
    scenario_network(global).map(|applied| applied.network)
}

/// The engine every routing command asks: the network of [`network`] behind the
/// library's front door.
pub(crate) fn engine(global: &Global) -> Result<corridor::Engine, Failure> {
    network(global).map(corridor::Engine::new)
}

/// More worker threads than any machine this runs on has cores: starting them takes
/// seconds and buys nothing.
const MAX_THREADS: usize = 1024;

/// The `--threads` the user gave, checked: 1 to [`MAX_THREADS`].
fn threads(global: &Global) -> Result<Option<usize>, Failure> {
    match global.threads {
        Some(0) => Err(Failure::usage(
            "error: --threads must be at least 1 (leave it out to use all cores)",
        )),
        Some(threads) if threads > MAX_THREADS => Err(Failure::usage(format!(
            "error: --threads {threads} is more than {MAX_THREADS}; expected 1 to {MAX_THREADS} (this machine has {} cores)",
            std::thread::available_parallelism().map_or(1, usize::from)
        ))),
        threads => Ok(threads),
    }
}

/// Runs `work` on the worker pool the user asked for (`--threads N`), or on rayon's
/// global pool (all cores) when `--threads` is not given.
pub(crate) fn parallel<R: Send>(
    global: &Global,
    work: impl FnOnce() -> R + Send,
) -> Result<R, Failure> {
    match threads(global)? {
        None => Ok(work()),
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
