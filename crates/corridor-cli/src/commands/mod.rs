//! One module per subcommand: arguments → one library call → rendering.

mod build;
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
mod serve;
mod sweep;
mod validate;

use std::io::Write;

use indicatif::{ProgressBar, ProgressStyle};

use corridor::{Engine, Error, LoadError, ScenarioFile};

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
        Command::Build(args) => build::run(&cli.global, args, stderr),
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
        Command::Serve(args) => serve::run(&cli.global, args, stdout),
    }
}

/// Loads the network the user asked for: `--data DIR`, `--data SNAPSHOT` or the built-in
/// one (without scenarios), with a spinner on a terminal for large files.
pub(crate) fn load(global: &Global) -> Result<Engine, Error> {
    match &global.data {
        Some(path) => {
            // A sign of life on a terminal for large folders (about 1 s per 40 MB) and
            // snapshots.
            let (bytes, large) = if path.is_file() {
                let bytes = std::fs::metadata(path).map_or(0, |m| m.len());
                (bytes, bytes > 256 << 20)
            } else {
                let bytes: u64 = ["nodes.csv", "legs.csv"]
                    .iter()
                    .filter_map(|f| std::fs::metadata(path.join(f)).ok())
                    .map(|m| m.len())
                    .sum();
                (bytes, bytes > 16 << 20)
            };
            busy(
                format!("loading {} ({} MB)", path.display(), bytes >> 20),
                large,
                || Engine::load(path),
            )
        }
        None => Ok(Engine::builtin()),
    }
}

/// Runs `work` with a spinner showing `message` on a terminal when `show` (hidden when
/// standard error is not a terminal): long work must show it is alive.
pub(crate) fn busy<R>(message: String, show: bool, work: impl FnOnce() -> R) -> R {
    let spinner = if show {
        ProgressBar::new_spinner()
    } else {
        ProgressBar::hidden()
    };
    spinner.set_style(
        ProgressStyle::with_template("{spinner} {msg} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    spinner.set_message(message);
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    let result = work();
    spinner.finish_and_clear();
    result
}

/// A progress bar on a terminal for the library's long work ([`corridor::Progress`]),
/// hidden unless `show` or when standard error is not a terminal.
pub(crate) struct Bar(ProgressBar);

impl Bar {
    pub(crate) fn new(show: bool) -> Bar {
        let bar = if show {
            ProgressBar::new(0)
        } else {
            ProgressBar::hidden()
        };
        bar.set_style(
            ProgressStyle::with_template("{msg:32} {bar:40} {pos}/{len} {elapsed}/{duration}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        Bar(bar)
    }
}

impl corridor::Progress for Bar {
    fn stage(&self, name: &str, total: u64) {
        self.0.set_message(name.to_owned());
        self.0.reset();
        self.0.set_length(total);
    }

    fn advance(&self, units: u64) {
        self.0.inc(units);
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}

/// The engine over the base network (without scenarios), turning refusal into exit code
/// 3 with every error listed.
pub(crate) fn base_engine(global: &Global) -> Result<Engine, Failure> {
    load(global).map_err(data_failure)
}

/// Bad data (exit 3), every error listed.
fn data_failure(error: Error) -> Failure {
    Failure::new(Exit::Data, format!("error: {error}"))
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
            ScenarioFile::parse(&path.display().to_string(), &bytes)
                .map_err(|e| Failure::new(Exit::Data, format!("error: {}", scenario_error(&e))))
        })
        .collect()
}

fn scenario_error(error: &LoadError) -> String {
    error.report("scenario")
}

/// The engine every command works on: `--data` or the built-in network, with the
/// `--scenario` files applied (and a snapshot's contraction hierarchies when no scenario
/// changes the network).
pub(crate) fn engine(global: &Global) -> Result<Engine, Failure> {
    let engine = engine_to_free(global)?;
    if engine.network().places().len() >= KEEP_UNTIL_EXIT_PLACES {
        // One reference never dropped: the network and its graphs are not freed piece by
        // piece when the command ends, the process's exit returns the memory at once.
        std::mem::forget(engine.clone());
    }
    Ok(engine)
}

/// [`engine`] for a command that frees the engine before it ends (`build`, which
/// replaces a large network by the same network in locality order).
pub(crate) fn engine_to_free(global: &Global) -> Result<Engine, Failure> {
    let files = scenario_files(global)?;
    let base = base_engine(global)?;
    let engine = base.with_scenarios(&files).map_err(|e| match e {
        Error::Data(e) => Failure::new(Exit::Data, format!("error: {}", scenario_error(&e))),
        e => data_failure(e),
    })?;
    Ok(engine)
}

/// Networks from this many places on are kept until the process exits: freeing 10^6
/// places and their legs one allocation at a time took about 15 % of loading a
/// snapshot and listing its corridors (BENCHMARKS.md, *Snapshots*).
const KEEP_UNTIL_EXIT_PLACES: usize = 100_000;

/// More worker threads than any machine this runs on has cores: starting them takes
/// seconds and buys nothing.
const MAX_THREADS: usize = 1024;

/// The `--threads` the user gave, checked: 1 to [`MAX_THREADS`].
pub(crate) fn threads(global: &Global) -> Result<Option<usize>, Failure> {
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
