//! A cost matrix between a few hubs, written as CSV to standard output:
//! `cargo run -p corridor --example matrix_csv`.

#![allow(clippy::print_stdout)] // examples print their results

use corridor::{Engine, MatrixRequest, Objective};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let engine = Engine::builtin();
    let origins = ["Xian", "Almaty", "Tashkent"];
    let destinations = ["Duisburg", "Istanbul", "Mumbai", "Baku"];
    let matrix = engine.matrix(&MatrixRequest::new(origins, destinations).by(Objective::Cost))?;
    let mut out = csv::Writer::from_writer(std::io::stdout());
    out.write_record(["from", "to", "distance_km", "time_h", "cost_usd", "co2_kg"])?;
    for pair in &matrix.pairs {
        let cell = |v: Option<f64>| v.map_or(String::new(), |v| v.to_string());
        out.write_record([
            pair.from.clone(),
            pair.to.clone(),
            cell(pair.distance_km),
            cell(pair.time_h),
            cell(pair.cost_usd),
            cell(pair.co2_kg),
        ])?;
    }
    out.flush()?;
    Ok(())
}
