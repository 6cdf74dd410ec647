//! Command-line arguments (clap derive). Converted to library types in `commands/`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Route planning on Eurasian freight corridors.
///
/// Works on the built-in network of the Trans-Caspian, North–South, Trans-Afghan,
/// China–Kyrgyzstan–Uzbekistan, China–Iran–Türkiye, Northern and maritime corridors, or on
/// your own network in the same format (--data DIR). Places can be given by id, name or
/// alias (case and diacritics ignored) or as "lat,lon".
///
/// Exit codes: 0 ok, 1 failure (e.g. cannot write a file), 2 bad usage or unknown place,
/// 3 bad data, 4 no route.
#[derive(Debug, Parser)]
#[command(name = "corridor", version, max_term_width = 100)]
pub struct Cli {
    /// Options shared by every command.
    #[command(flatten)]
    pub global: Global,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options shared by every command.
#[derive(Debug, Args)]
pub struct Global {
    /// Load the network from this folder (nodes.csv, legs.csv, network.toml) instead of the
    /// built-in one
    #[arg(long, global = true, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Worker threads for parallel work [default: all cores]
    #[arg(long, global = true, value_name = "N")]
    pub threads: Option<usize>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the network data and print a report (errors, warnings, summary)
    Validate(ValidateArgs),
    /// List or search places by id, name or alias
    Nodes(NodesArgs),
    /// Write the network as CSV + TOML (loads back identically) or as GeoJSON
    Export(ExportArgs),
}

/// `corridor validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
}

/// Formats of reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Text for people
    Table,
    /// One JSON object
    Json,
}

/// `corridor nodes`.
#[derive(Debug, Args)]
pub struct NodesArgs {
    /// Text to look for in ids, names and aliases (case and diacritics ignored); all
    /// places if omitted
    pub query: Option<String>,
    /// Only places in this country (ISO 3166-1 alpha-2, e.g. KZ)
    #[arg(long, value_name = "CC")]
    pub country: Option<String>,
    /// Only places of this kind (city, port, terminal, border, dry-port, junction, waypoint)
    #[arg(long)]
    pub kind: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

/// Formats of lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// Aligned columns for people
    Table,
    /// A JSON array
    Json,
    /// CSV in the nodes.csv format
    Csv,
}

/// `corridor export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// csv writes nodes.csv, legs.csv and network.toml into --output DIR; geojson writes one
    /// FeatureCollection to --output FILE or stdout
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// Where to write (a folder for csv, a file for geojson)
    #[arg(long, short, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Replace existing files
    #[arg(long)]
    pub force: bool,
}

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// The network folder format (CSV + TOML)
    Csv,
    /// RFC 7946 GeoJSON
    Geojson,
}
