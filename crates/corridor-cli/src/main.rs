//! The `corridor` binary: parse, run, exit.

use std::io::Write;

fn main() {
    let stdout = std::io::stdout();
    // Standard error is not held locked: the progress bar draws on it from worker
    // threads while the command runs.
    let exit = corridor_cli::run(
        std::env::args_os(),
        &mut stdout.lock(),
        &mut std::io::stderr(),
    );
    let _ = std::io::stdout().flush();
    std::process::exit(exit.code());
}
