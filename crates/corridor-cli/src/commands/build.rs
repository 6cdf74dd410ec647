//! `corridor build`: the network compiled into a snapshot file, optionally with
//! compiled graphs and contraction hierarchies.

use std::io::Write;

use corridor::view::grouped;
use corridor::{Engine, Network, Objective};

use super::export::write_file;
use super::routing::objective;
use super::{Bar, Global, engine_to_free, parallel};
use crate::args::{BuildArgs, By};
use crate::{Exit, Failure};

pub(crate) fn run(global: &Global, args: &BuildArgs, err: &mut dyn Write) -> Result<Exit, Failure> {
    let engine = engine_to_free(global)?;
    let (places, legs) = (
        engine.network().places().len(),
        engine.network().legs().len(),
    );
    let asked: Vec<By> = match (args.ch, args.by.is_empty()) {
        (true, true) => vec![By::Time],
        _ => args.by.clone(),
    };
    let mut objectives: Vec<Objective> = Vec::new();
    for by in asked {
        if !objectives.contains(&objective(by)) {
            objectives.push(objective(by));
        }
    }
    let hierarchies = if args.ch { &objectives[..] } else { &[] };
    let bar = Bar::new(places >= 100_000);
    let bytes = parallel(global, || {
        engine.into_snapshot(&objectives, hierarchies, &bar)
    })?;
    drop(bar);
    write_file(&args.output, args.force, |file| file.write_all(&bytes))?;
    let by: Vec<&str> = objectives.iter().map(|o| o.as_str()).collect();
    let stored = match (objectives.is_empty(), args.ch) {
        (true, _) => "no compiled graph".to_owned(),
        (false, false) => format!("compiled graphs by {}", by.join(", ")),
        (false, true) => format!(
            "compiled graphs and contraction hierarchies by {}",
            by.join(", ")
        ),
    };
    // What `Engine::snapshot` does with a network this large (README, Snapshots).
    let order = if places >= Network::LOCALITY_FROM_PLACES {
        " in locality order"
    } else {
        ""
    };
    writeln!(
        err,
        "wrote {}: {} places, {} legs{order}, {stored}; {} bytes (snapshot format {})",
        args.output.display(),
        grouped(places as f64),
        grouped(legs as f64),
        grouped(bytes.len() as f64),
        Engine::SNAPSHOT_FORMAT,
    )?;
    Ok(Exit::Ok)
}
