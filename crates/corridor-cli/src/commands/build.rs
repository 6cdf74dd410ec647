//! `corridor build`: the network compiled into a snapshot file, optionally with
//! contraction hierarchies.

use std::io::Write;

use corridor::graph::{Graph, Objective};
use corridor::io::snapshot::{self, StoredHierarchy};
use corridor::route::ch::Hierarchy;
use corridor::{Profile, engine::Progress};

use super::export::write_file;
use super::routing::objective;
use super::{Bar, Global, network, parallel};
use crate::args::{BuildArgs, By};
use crate::{Exit, Failure};

pub(crate) fn run(global: &Global, args: &BuildArgs, err: &mut dyn Write) -> Result<Exit, Failure> {
    let network = network(global)?;
    let asked: Vec<By> = match (args.ch, args.by.is_empty()) {
        (false, _) => Vec::new(),
        (true, true) => vec![By::Time],
        (true, false) => args.by.clone(),
    };
    let mut objectives: Vec<Objective> = Vec::new();
    for by in asked {
        if !objectives.contains(&objective(by)) {
            objectives.push(objective(by));
        }
    }
    let mut hierarchies = Vec::new();
    for objective in objectives {
        let graph = Graph::new(&network, &Profile::new(objective));
        let bar = Bar::new(network.places().len() >= 100_000);
        bar.stage(
            &format!("contraction hierarchy by {objective}"),
            graph.state_count() as u64,
        );
        let reported = std::sync::atomic::AtomicUsize::new(0);
        let hierarchy = parallel(global, || {
            Hierarchy::with_progress(&graph, &|done, _| {
                let before = reported.swap(done, std::sync::atomic::Ordering::Relaxed);
                bar.advance(done.saturating_sub(before) as u64);
            })
        })?;
        drop(bar);
        hierarchies.push(StoredHierarchy {
            objective,
            parts: hierarchy.to_parts(),
        });
    }
    let bytes = snapshot::to_bytes(&network, &hierarchies);
    write_file(&args.output, args.force, |file| file.write_all(&bytes))?;
    let ch = if hierarchies.is_empty() {
        "no contraction hierarchy".to_owned()
    } else {
        let by: Vec<&str> = hierarchies.iter().map(|h| h.objective.as_str()).collect();
        format!("contraction hierarchies by {}", by.join(", "))
    };
    writeln!(
        err,
        "wrote {}: {} places, {} legs, {ch}; {} bytes (snapshot format {})",
        args.output.display(),
        corridor::model::grouped(network.places().len() as f64),
        corridor::model::grouped(network.legs().len() as f64),
        corridor::model::grouped(bytes.len() as f64),
        snapshot::FORMAT_VERSION,
    )?;
    Ok(Exit::Ok)
}
