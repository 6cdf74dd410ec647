//! Freight demand allocated over the capacity-limited corridors, avoiding Russia and
//! Belarus, with the saturated crossings and what more capacity there is worth:
//! `cargo run -p corridor --example flow`.

#![allow(clippy::print_stdout)] // examples print their results

use corridor::{DemandRow, Engine, FlowRequest, RouteRequest};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let engine = Engine::builtin();
    let row = |from: &str, to: &str, volume: f64| DemandRow {
        from: from.into(),
        to: to.into(),
        volume_teu_per_year: volume,
    };
    let request = FlowRequest {
        demands: vec![
            row("Xian", "Duisburg", 60_000.0),
            row("Almaty", "Istanbul", 30_000.0),
            row("Tashkent", "Baku", 20_000.0),
        ],
        routing: RouteRequest::default()
            .avoid_country("RU")
            .avoid_country("BY"),
    };
    let flow = engine.flow(&request)?;
    println!(
        "delivered {} of {} TEU/yr ({} solver)",
        flow.delivered_teu_per_year,
        flow.delivered_teu_per_year + flow.unmet_teu_per_year,
        flow.solver
    );
    for pair in &flow.flows {
        for route in &pair.routes {
            println!(
                "  {} → {}: {} TEU/yr at {} USD/TEU via {}",
                pair.from,
                pair.to,
                route.volume_teu_per_year,
                route.cost_usd_per_teu,
                route.path.join(" → ")
            );
        }
    }
    for s in flow.saturated_legs.iter().chain(&flow.saturated_places) {
        let at = s.place.clone().unwrap_or_else(|| {
            format!(
                "{} → {}",
                s.from.as_deref().unwrap_or("?"),
                s.to.as_deref().unwrap_or("?")
            )
        });
        println!(
            "  saturated: {at} ({} TEU/yr), one more TEU/yr saves {} {}",
            s.capacity_teu_per_year, s.shadow_price, s.shadow_price_unit
        );
    }
    Ok(())
}
