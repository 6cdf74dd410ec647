//! Times `Engine::matrix` (the front door's matrix call) on a network folder, for the
//! comparison with the same call from Python (`benches/python_matrix.sh`).
//!
//! ```sh
//! cargo run --release -p corridor-benches --example matrix_call -- \
//!     DIR FROM1,FROM2,... TO1,TO2,... [RUNS]
//! ```
//!
//! Loads the folder, answers the matrix once (compiling the graph, which the engine
//! caches), then times `RUNS` (default 5) more calls and prints one JSON line: the
//! seconds of each timed call.

use std::error::Error;
use std::io::Write;
use std::time::Instant;

use corridor::{Engine, MatrixRequest};

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, from, to, rest @ ..] = args.as_slice() else {
        return Err("usage: matrix_call DIR FROM,... TO,... [RUNS]".into());
    };
    let runs: usize = rest.first().map_or(Ok(5), |r| r.parse())?;
    let engine = Engine::load(dir)?;
    let request = MatrixRequest::new(from.split(','), to.split(','));
    let warm = engine.matrix(&request)?;
    let mut seconds = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        let matrix = engine.matrix(&request)?;
        seconds.push(start.elapsed().as_secs_f64());
        assert_eq!(matrix, warm);
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "{{\"language\": \"rust\", \"seconds\": {seconds:?}}}")?;
    Ok(())
}
