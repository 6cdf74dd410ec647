//! The `corridor` binary: parse, run, exit.

use std::io::Write;

fn main() {
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let exit = corridor_cli::run(std::env::args_os(), &mut stdout.lock(), &mut stderr.lock());
    let _ = std::io::stdout().flush();
    std::process::exit(exit.code());
}
