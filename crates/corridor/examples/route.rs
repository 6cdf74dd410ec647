//! The best route between two places, by any objective, as text and as the JSON
//! contract: `cargo run -p corridor --example route -- Tashkent Almaty cost`.

#![allow(clippy::print_stdout)] // examples print their results

use corridor::{Engine, Objective, RouteRequest};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let from = args.first().map_or("Tashkent", String::as_str);
    let to = args.get(1).map_or("Almaty", String::as_str);
    let by = args
        .get(2)
        .and_then(|name| Objective::parse(name))
        .unwrap_or(Objective::Cost);
    let engine = Engine::builtin();
    let route = engine.route(&RouteRequest::new(from, to).by(by))?;
    println!(
        "{} → {}: {:.1} days, {:.0} USD/TEU, {:.0} kg CO2e/TEU, {} handlings, {} borders",
        route.from,
        route.to,
        route.totals.time_h / 24.0,
        route.totals.cost_usd,
        route.totals.co2_kg,
        route.handlings,
        route.border_crossings
    );
    for leg in &route.legs {
        println!(
            "  {} → {} by {} ({} km)",
            leg.from, leg.to, leg.mode, leg.distance_km
        );
    }
    println!("{}", serde_json::to_string(&route)?);
    Ok(())
}
