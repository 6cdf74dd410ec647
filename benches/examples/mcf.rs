//! Times corridor's single-pair min-cost flow (the solver `corridor flow` uses for one
//! demand when `capacity::mcf::applies`) and exports the same problem as DIMACS for other
//! solvers.
//!
//! ```sh
//! cargo run --release -p corridor-benches --example mcf -- \
//!     --data DIR --from ID --to ID --volume TEU [--by cost] [--runs 5] \
//!     [--dimacs FILE [--force]]
//! ```
//!
//! Prints one JSON line to stdout: the instance size, the delivered volume and optimal
//! cost, and the wall times of each stage — loading the network folder, compiling the
//! graph, building the instance (the arcs useful to the pair), and the solve
//! (`capacity::mcf::solve`: the flow network, its residual arrays, successive shortest
//! paths and the arc flows), once per run. `benches/mcf_compare.sh` compares it with
//! OR-Tools on the DIMACS file.

use std::error::Error;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use corridor::capacity::{Demand, Instance, dimacs, mcf};
use corridor::{Graph, Objective, Profile};

struct Args {
    data: PathBuf,
    from: String,
    to: String,
    volume: f64,
    objective: Objective,
    runs: usize,
    dimacs: Option<PathBuf>,
    force: bool,
}

fn parse() -> Result<Args, String> {
    let mut args = Args {
        data: PathBuf::new(),
        from: String::new(),
        to: String::new(),
        volume: f64::NAN,
        objective: Objective::Cost,
        runs: 1,
        dimacs: None,
        force: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--force" {
            args.force = true;
            continue;
        }
        let value = it
            .next()
            .ok_or_else(|| format!("error: {flag} needs a value"))?;
        let number = |what: &str| format!("error: {flag}: {value:?} is not {what}");
        match flag.as_str() {
            "--data" => args.data = value.into(),
            "--from" => args.from = value,
            "--to" => args.to = value,
            "--volume" => args.volume = value.parse().map_err(|_| number("a number"))?,
            "--by" => {
                args.objective = Objective::parse(&value).ok_or_else(|| number("an objective"))?;
            }
            "--runs" => args.runs = value.parse().map_err(|_| number("a count"))?,
            "--dimacs" => args.dimacs = Some(value.into()),
            _ => return Err(format!("error: unknown flag {flag}")),
        }
    }
    if args.data.as_os_str().is_empty() || args.from.is_empty() || args.to.is_empty() {
        return Err("usage: mcf --data DIR --from ID --to ID --volume TEU [--by cost] [--runs N] [--dimacs FILE [--force]]".into());
    }
    if !(args.volume.is_finite() && args.volume >= 0.0) || args.runs == 0 {
        return Err("error: --volume must be a number >= 0 and --runs at least 1".into());
    }
    Ok(args)
}

fn main() -> Result<(), Box<dyn Error>> {
    let args = parse()?;
    let started = Instant::now();
    let network = corridor::io::load_dir(&args.data)?.network;
    let load_s = started.elapsed().as_secs_f64();
    let place = |query: &str| {
        network
            .resolve(query)
            .map_err(|_| format!("error: unknown place {query:?}"))
    };
    let (from, to) = (place(&args.from)?, place(&args.to)?);
    let started = Instant::now();
    let graph = Graph::new(&network, &Profile::new(args.objective));
    let graph_s = started.elapsed().as_secs_f64();
    let demands = [Demand {
        from,
        to,
        volume_teu_per_year: args.volume,
    }];
    let started = Instant::now();
    let instance = Instance::new(&graph, &demands);
    let instance_s = started.elapsed().as_secs_f64();
    if !mcf::applies(&instance) {
        return Err("error: the min-cost-flow solver does not apply to this pair".into());
    }
    let mut solve_s = Vec::with_capacity(args.runs);
    let mut solution = None;
    for _ in 0..args.runs {
        let started = Instant::now();
        solution = Some(mcf::solve(&instance, &[], None));
        solve_s.push(started.elapsed().as_secs_f64());
    }
    let solution = solution.ok_or("error: no run")?;
    let mut exported = String::new();
    if let Some(path) = &args.dimacs {
        let mut options = std::fs::OpenOptions::new();
        options.write(true);
        if args.force {
            options.create(true).truncate(true);
        } else {
            options.create_new(true);
        }
        let mut file = options.open(path).map_err(|e| {
            format!(
                "error: --dimacs: cannot create {}: {e}{}",
                path.display(),
                if e.kind() == std::io::ErrorKind::AlreadyExists {
                    " (use --force to replace it)"
                } else {
                    ""
                }
            )
        })?;
        let summary = dimacs::write_dimacs(&instance, &mut file)?;
        exported = format!(
            r#", "dimacs": {:?}, "nodes": {}, "arcs": {}, "supply": {}"#,
            path.display().to_string(),
            summary.nodes,
            summary.arcs,
            summary.supply
        );
    }
    let mut sorted = solve_s.clone();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    let median = if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    };
    let list = |times: &[f64]| {
        times
            .iter()
            .map(|t| format!("{t:.4}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    writeln!(
        std::io::stdout().lock(),
        r#"{{"solver": "corridor-mcf", "from": {:?}, "to": {:?}, "volume": {}, "delivered": {}, "optimal_cost": {}{exported}, "load_s": {load_s:.4}, "graph_s": {graph_s:.4}, "instance_s": {instance_s:.4}, "solve_s": [{}], "solve_median_s": {median:.4}}}"#,
        network.place(from).id,
        network.place(to).id,
        args.volume,
        solution.delivered,
        solution.objective,
        list(&solve_s),
    )?;
    Ok(())
}
