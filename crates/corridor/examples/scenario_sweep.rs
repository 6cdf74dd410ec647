//! What a closed Northern route and uncertain border and ferry delays do to Xi'an →
//! Duisburg: a scenario given as TOML text, then 500 reproducible draws on the Middle
//! Corridor:
//! `cargo run -p corridor --example scenario_sweep`.

#![allow(clippy::print_stdout)] // examples print their results

use corridor::{Engine, RouteRequest};

const SCENARIO: &str = r#"
format_version = 1
name = "Northern route closed, uncertain Caspian"

[[close]]
country = "RU"

[[close]]
country = "BY"

# Waiting for a Caspian sailing: median 1.5 days, 90th percentile 5 days.
[[uncertain]]
leg = ["aktau", "alat-port"]
wait_h = { dist = "lognormal", median = 36.0, p90 = 120.0 }

[[uncertain]]
mode = "ferry"
time = { dist = "triangular", low = 0.9, mode = 1.0, high = 1.8 }
"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let engine = Engine::builtin();
    let request = RouteRequest::new("Xian", "Duisburg");
    let before = engine.route(&request)?;
    let changed = engine.with_scenario_toml("example.toml", SCENARIO)?;
    let after = changed.route(&request)?;
    println!(
        "best today: {:.1} days via {}; with the scenario: {:.1} days via {}",
        before.totals.time_h / 24.0,
        before.countries.join(" "),
        after.totals.time_h / 24.0,
        after.countries.join(" ")
    );
    // The Middle Corridor's spread: the Caspian crossing is where the days go.
    let middle = RouteRequest::new("Xian", "Duisburg").corridor("Middle Corridor");
    let sweep = changed.sweep(&middle, 500, 7)?;
    println!("on the Middle Corridor:");
    if let Some(days) = &sweep.time_h {
        println!(
            "over {} draws: p50 {:.1} d, p90 {:.1} d, p95 {:.1} d",
            sweep.samples,
            days.p50 / 24.0,
            days.p90 / 24.0,
            days.p95 / 24.0
        );
    }
    for route in &sweep.routes {
        println!(
            "  {:.0}% of draws: {}",
            route.share * 100.0,
            route.path.join(" → ")
        );
    }
    Ok(())
}
