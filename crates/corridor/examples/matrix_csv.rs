//! A cost matrix between a few hubs, written as CSV to standard output (the CSV
//! `corridor matrix` prints): `cargo run -p corridor --example matrix_csv`.

#![allow(clippy::print_stdout)] // examples print their results

use corridor::{Engine, MatrixRequest, Objective};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let engine = Engine::builtin();
    let origins = ["Xian", "Almaty", "Tashkent"];
    let destinations = ["Duisburg", "Istanbul", "Mumbai", "Baku"];
    let matrix = engine.matrix(&MatrixRequest::new(origins, destinations).by(Objective::Cost))?;
    // One row per pair, metrics empty where a pair has no route.
    print!("{}", matrix.to_csv());
    Ok(())
}
