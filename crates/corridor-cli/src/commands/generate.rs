//! `corridor generate`: a seeded synthetic road-like network written as a network folder.

use std::io::Write;

use corridor::Network;

use super::export::export_dir;
use crate::args::GenerateArgs;
use crate::{Exit, Failure};

pub(crate) fn run(args: &GenerateArgs, err: &mut dyn Write) -> Result<Exit, Failure> {
    if args.places < 2 || args.places > 50_000_000 {
        return Err(Failure::usage(
            "error: --places must be between 2 and 50,000,000",
        ));
    }
    let mut network = Network::synthetic(args.places, args.seed);
    if args.shuffle {
        network = network.shuffled(args.seed);
    }
    for path in export_dir(&network, &args.output, args.force)? {
        writeln!(err, "wrote {}", path.display())?;
    }
    writeln!(
        err,
        "{} places, {} legs (seed {}{})",
        network.places().len(),
        network.legs().len(),
        args.seed,
        if args.shuffle { ", shuffled" } else { "" }
    )?;
    Ok(Exit::Ok)
}
