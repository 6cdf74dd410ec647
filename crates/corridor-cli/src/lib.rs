//! The `corridor` command-line tool as a library: [`run`] parses arguments, calls the
//! `corridor` library once and renders the result. Nothing here computes routes.

mod args;
mod commands;
mod render;

use std::ffi::OsString;
use std::io::{self, Write};

use clap::Parser;

pub use args::Cli;

/// How the process ends. The numbers are a contract documented in the README.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// 0: success.
    Ok,
    /// 1: an operation failed (e.g. an output file could not be written).
    Failure,
    /// 2: bad usage: unknown flag, bad value, unknown or ambiguous place.
    Usage,
    /// 3: bad data: the network or a scenario file was refused.
    Data,
    /// 4: no route satisfies the request.
    NoRoute,
}

impl Exit {
    /// The process exit code.
    pub fn code(self) -> i32 {
        match self {
            Exit::Ok => 0,
            Exit::Failure => 1,
            Exit::Usage => 2,
            Exit::Data => 3,
            Exit::NoRoute => 4,
        }
    }
}

/// A failed command: how to exit and what to tell the user.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) exit: Exit,
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn new(exit: Exit, message: impl Into<String>) -> Failure {
        Failure {
            exit,
            message: message.into(),
        }
    }

    pub(crate) fn usage(message: impl Into<String>) -> Failure {
        Failure::new(Exit::Usage, message)
    }
}

/// A closed pipe (`corridor nodes | head`) is not an error: it ends the command quietly.
impl From<io::Error> for Failure {
    fn from(error: io::Error) -> Self {
        if error.kind() == io::ErrorKind::BrokenPipe {
            Failure::new(Exit::Ok, "")
        } else {
            Failure::new(
                Exit::Failure,
                format!("error: cannot write output: {error}"),
            )
        }
    }
}

/// Runs the tool with `args` (the first is the program name), writing results to `stdout`
/// and messages to `stderr`. A closed output pipe ends quietly with [`Exit::Ok`].
pub fn run<I, T>(args: I, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Exit
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            let text = error.render().to_string();
            return if error.use_stderr() {
                let _ = write!(stderr, "{text}");
                Exit::Usage
            } else {
                let _ = write!(stdout, "{text}");
                Exit::Ok
            };
        }
    };
    let result = commands::dispatch(&cli, stdout, stderr);
    match result {
        Ok(exit) => exit,
        Err(failure) => {
            if !failure.message.is_empty() {
                let _ = writeln!(stderr, "{}", failure.message);
            }
            failure.exit
        }
    }
}
