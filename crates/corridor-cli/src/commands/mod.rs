//! One module per subcommand: arguments → one library call → rendering.

mod export;
mod nodes;
mod validate;

use std::io::Write;

use corridor::io::{self, LoadError, Loaded};
use corridor::{Network, builtin};

use crate::args::{Cli, Command, Global};
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
