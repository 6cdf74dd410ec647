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
    /// Load the network from this folder (nodes.csv, legs.csv, network.toml) or snapshot
    /// file (written by `corridor build`) instead of the built-in one
    #[arg(long, global = true, value_name = "DIR|FILE")]
    pub data: Option<PathBuf>,
    /// Worker threads for parallel work [default: all cores]
    #[arg(long, global = true, value_name = "N")]
    pub threads: Option<usize>,
    /// Apply this scenario file (TOML, see docs/scenarios.md); repeat to apply several in
    /// order
    #[arg(long, global = true, value_name = "FILE")]
    pub scenario: Vec<PathBuf>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the network data and print a report (errors, warnings, summary)
    Validate(ValidateArgs),
    /// List or search places by id, name or alias
    Nodes(NodesArgs),
    /// List the corridors: tag, name, aliases, endpoints, length, places and description
    Corridors(CorridorsArgs),
    /// Write the network as CSV + TOML (loads back identically) or as GeoJSON
    Export(ExportArgs),
    /// Write a seeded synthetic road-like network (for benchmarks and experiments)
    Generate(GenerateArgs),
    /// Compile the network (--data, --scenario) into a snapshot file that loads about ten
    /// times faster than CSV, optionally with contraction hierarchies for large matrices
    #[command(long_about = BUILD_ABOUT)]
    Build(BuildArgs),
    /// The best route between two places, with every leg, transfer and border crossing
    Route(RouteArgs),
    /// The best route overall, then the best route on each corridor (see --corridor), side
    /// by side, and why each other corridor cannot serve the pair
    Compare(RouteArgs),
    /// The k best routes that never visit a place twice, each with what sets it apart
    Alternatives(AlternativesArgs),
    /// All routes not beaten on every criterion at once (e.g. time and cost)
    Pareto(ParetoArgs),
    /// Best-route metrics between many origins and destinations, computed in parallel
    Matrix(MatrixArgs),
    /// Allocate freight demand over capacity-limited corridors: most volume first, then
    /// cheapest; shows saturated legs and places with their shadow prices
    Flow(FlowArgs),
    /// The best route without and with the --scenario files, side by side
    Diff(RouteArgs),
    /// A self-contained HTML report comparing the corridors between two places: map,
    /// comparison table, legs, transfers, bottlenecks, and reliability when the scenarios
    /// declare uncertainty
    Report(ReportArgs),
    /// Monte Carlo reliability: route many draws of the scenarios' uncertain quantities and
    /// report the spread of door-to-door time and cost
    Sweep(SweepArgs),
    /// Serve the network over HTTP: the JSON API v1 (the same JSON as --format json), its
    /// OpenAPI document at /openapi.json, and a planner's web page at /
    #[command(long_about = SERVE_ABOUT)]
    Serve(ServeArgs),
    /// Check the network against observed trips (engine versus observed days and USD, with
    /// a verdict per trip), then fit time and price scale factors per mode, corridor or
    /// country that reproduce them, written as a scenario file
    Calibrate(CalibrateArgs),
}

const BUILD_ABOUT: &str = "Compile the network (--data, --scenario) into a snapshot file that loads several times faster than CSV, optionally with compiled graphs and contraction hierarchies.

A snapshot holds the validated network (places, legs, corridors, network.toml's metadata and defaults) in a versioned binary file with a checksum; --data FILE loads it wherever --data DIR works (every command, serve, the Python package), recognised by its first bytes whatever its name. With --by it also holds the graph compiled for each objective listed (its default profile: every mode, nothing avoided), so commands by that objective start searching at once instead of compiling (other profiles are compiled as usual). With --ch it also holds the contraction hierarchy of each --by objective (default: time), so `matrix --by OBJECTIVE` on it needs no preprocessing: it uses the hierarchy from 16 origins on, or with --engine ch (routes with other constraints than the objective are computed as usual). A snapshot written by another format version, truncated or corrupt is refused with the byte offset and section; rebuild it from the network folder.

Never replaces an existing file unless --force; the file is written to a temporary name and renamed into place.";

/// `corridor build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The snapshot file to write (e.g. net.corridor)
    #[arg(long, short, value_name = "FILE")]
    pub output: PathBuf,
    /// Also store contraction hierarchies (one per --by objective; minutes on 10^6 places)
    #[arg(long)]
    pub ch: bool,
    /// Objectives to store the compiled graph for (commands by that objective then start
    /// without compiling), and with --ch a hierarchy, comma-separated [default with
    /// --ch: time; without: none]
    #[arg(long, value_enum, value_delimiter = ',')]
    pub by: Vec<By>,
    /// Replace the file if it exists
    #[arg(long)]
    pub force: bool,
}

/// `corridor calibrate`.
#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// CSV of observed trips with the columns of data/eurasia/validation.csv: origin,
    /// destination, corridor, constraints, days_low, days_high, usd_low, usd_high,
    /// usd_unit, teu_per_unit, kind, year, source, url, note (origin, destination and kind
    /// required)
    #[arg(long, value_name = "FILE")]
    pub trips: PathBuf,
    /// Fit one time factor and one price factor per mode, per corridor or per country
    #[arg(long, value_enum, default_value_t = GroupBy::Mode)]
    pub by_group: GroupBy,
    /// Write the fitted factors as a scenario file (TOML) to apply with --scenario
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Draw engine versus observed days and USD per trip, before and after fitting (SVG)
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
    /// Replace the --output and --plot files if they exist
    #[arg(long)]
    pub force: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
}

/// What `calibrate` fits factors per.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GroupBy {
    /// Per mode: rail, road, sea, ferry
    Mode,
    /// Per corridor tag
    Corridor,
    /// Per country (legs inside it and its border dwell)
    Country,
}

const SERVE_ABOUT: &str = "Serve the network over HTTP: the JSON API v1 (the same JSON as --format json), its OpenAPI document at /openapi.json, and a planner's web page at /.

Loads the network once (--data, --scenario) and answers GET/POST /v1/route, /v1/compare, /v1/alternatives, /v1/pareto, /v1/diff, /v1/matrix, /v1/sweep, POST /v1/flow, GET /v1/places, /v1/corridors, /v1/network, /v1/scenarios and /health. Errors are JSON {\"error\": {\"code\", \"message\", \"details\"}}. Requests never name files on the server; a request's scenario is its TOML text.

Computation runs on two pools of --threads workers: one for light requests (routes, comparisons, places), one for heavy ones (matrix, flow, sweep, and any request with a scenario, which copies the network), so heavy work does not starve light work. Beyond the limits below the server answers 413 (too large), 429 (too many heavy requests at once) or 503 (past the time limit). Stops on Ctrl-C or SIGTERM after finishing the requests in flight.";

/// `corridor serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (loopback by default; 0.0.0.0:8080 serves other machines;
    /// port 0 picks a free port)
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: String,
    /// Largest request body, bytes
    #[arg(long, default_value_t = 1_048_576, value_name = "BYTES")]
    pub max_body_bytes: usize,
    /// Largest matrix per request, origins × destinations
    #[arg(long, default_value_t = 250_000, value_name = "CELLS")]
    pub max_matrix_cells: usize,
    /// Largest k of /v1/alternatives
    #[arg(long, default_value_t = 20, value_name = "K")]
    pub max_k: usize,
    /// Most draws of one /v1/sweep
    #[arg(long, default_value_t = 100_000, value_name = "DRAWS")]
    pub max_samples: usize,
    /// Most demand rows of one /v1/flow
    #[arg(long, default_value_t = 10_000, value_name = "ROWS")]
    pub max_flow_rows: usize,
    /// Longest a request may take before it is answered 503, seconds
    #[arg(long, default_value_t = 30.0, value_name = "SECONDS")]
    pub time_limit: f64,
    /// Heavy requests (matrix, flow, sweep) admitted at once, running or queued; more are
    /// answered 429
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub max_heavy: usize,
    /// Let web pages from this origin call the API from browsers (CORS), e.g.
    /// https://planner.example, or * for any; repeat for several. Off by default
    #[arg(long, value_name = "ORIGIN")]
    pub allow_origin: Vec<String>,
}

/// `corridor sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Origin: id, name, alias or "lat,lon" (not with --hubs or --places)
    #[arg(
        required_unless_present_any = ["hubs", "places"],
        allow_hyphen_values = true,
        value_parser = place_value
    )]
    pub from: Option<String>,
    /// Destination: id, name, alias or "lat,lon"
    #[arg(
        required_unless_present_any = ["hubs", "places"],
        allow_hyphen_values = true,
        value_parser = place_value
    )]
    pub to: Option<String>,
    /// Sweep every ordered pair of hubs (cities, ports and dry ports) instead of one
    /// origin and destination: one matrix per draw, a row per pair
    #[arg(long, conflicts_with_all = ["from", "to", "places"])]
    pub hubs: bool,
    /// Sweep every ordered pair of these places (comma-separated ids, names or aliases)
    #[arg(long, value_delimiter = ',', value_name = "PLACES", conflicts_with_all = ["from", "to"])]
    pub places: Vec<String>,
    /// Number of draws
    #[arg(long, default_value_t = 1000)]
    pub samples: usize,
    /// Seed of the random draws (same seed, same output, whatever --threads)
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Objective and constraints.
    #[command(flatten)]
    pub routing: RoutingArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
}

/// `corridor flow`.
#[derive(Debug, Args)]
pub struct FlowArgs {
    /// CSV file with the columns from,to,volume_teu_per_year (places by id, name or alias)
    #[arg(long, value_name = "FILE")]
    pub demand: PathBuf,
    /// Allocate the demand scaled by each of these factors (e.g. 0.5,1,1.5,2) and report,
    /// per level, delivered and unmet volume and the legs and places that saturate, first
    /// to saturate first
    #[arg(long, value_name = "FACTORS", value_delimiter = ',')]
    pub scale_demand: Vec<f64>,
    /// Objective and constraints (--via and --volume are not used).
    #[command(flatten)]
    pub routing: RoutingArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
}

/// The objective a route minimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum By {
    /// Kilometres
    Distance,
    /// Door-to-door hours (transfers, border dwell and waits included)
    Time,
    /// USD per TEU (transfers and border fees included)
    Cost,
    /// kg CO2e per TEU
    Co2,
    /// USD + value of time x hours
    Generalized,
}

/// Objective and constraints shared by the routing commands.
#[derive(Debug, Args)]
pub struct RoutingArgs {
    /// What to minimise [default: time; cost for flow]. Among routes equal on it, routes
    /// take the fastest (by time: the cheapest)
    #[arg(long, value_enum)]
    pub by: Option<By>,
    /// Value of time in USD per TEU-hour for --by generalized [default: the network's]
    #[arg(long, value_name = "USD", allow_negative_numbers = true)]
    pub value_of_time: Option<f64>,
    /// Do not pass through this country (ISO code or name; repeat or separate with commas)
    #[arg(long, value_name = "CC", value_delimiter = ',')]
    pub avoid_country: Vec<String>,
    /// Do not pass through this place (repeat or separate with commas; a `lat,lon` value is
    /// one place)
    #[arg(long, value_name = "PLACE")]
    pub avoid: Vec<String>,
    /// Only use these modes (comma-separated: rail, road, sea, ferry)
    #[arg(long, value_name = "MODES", value_delimiter = ',')]
    pub modes: Vec<String>,
    /// Run on this corridor (tag or alias, any case: trans-caspian, "Middle Corridor",
    /// TITR, INSTC, CKU...; see `corridor corridors`). Every leg that crosses a border or
    /// a sea between countries must be the corridor's (or untagged); legs within one
    /// country may be any corridor's (first and last mile, domestic lines); the route
    /// must use at least one of the corridor's legs. Repeatable: any of the corridors
    #[arg(long, value_name = "TAG", value_delimiter = ',', verbatim_doc_comment)]
    pub corridor: Vec<String>,
    /// Do not use legs that belong only to this corridor (tag or alias; repeatable)
    #[arg(long, value_name = "TAG", value_delimiter = ',')]
    pub avoid_corridor: Vec<String>,
    /// Pass through this place (repeat for several, in order)
    #[arg(long, value_name = "PLACE")]
    pub via: Vec<String>,
    /// Also use legs that are planned or under construction
    #[arg(long)]
    pub include_planned: bool,
    /// The freight is booked on a departure from the origin: do not count the wait for
    /// the first service there (as liner and block-train transit times are quoted); later
    /// waits, transfers and border formalities are counted as usual
    #[arg(long)]
    pub booked: bool,
    /// Only use legs and places with capacity for this volume (TEU per year)
    #[arg(long, value_name = "TEU", allow_negative_numbers = true)]
    pub volume: Option<f64>,
}

/// Output formats for routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RouteFormat {
    /// Aligned text for people
    Table,
    /// JSON (the documented contract)
    Json,
    /// GeoJSON FeatureCollection of the legs and transfer points
    Geojson,
    /// An SVG map of the routes over country outlines
    Svg,
}

/// `corridor route` and `corridor compare`.
#[derive(Debug, Args)]
pub struct RouteArgs {
    /// Origin: id, name, alias or "lat,lon"
    #[arg(allow_hyphen_values = true, value_parser = place_value)]
    pub from: String,
    /// Destination: id, name, alias or "lat,lon"
    #[arg(allow_hyphen_values = true, value_parser = place_value)]
    pub to: String,
    /// Objective and constraints.
    #[command(flatten)]
    pub routing: RoutingArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = RouteFormat::Table)]
    pub format: RouteFormat,
    /// Write to this file instead of standard output
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace the --output file if it exists (a symbolic link is written through, a FIFO
    /// written into)
    #[arg(long)]
    pub force: bool,
}

/// `corridor alternatives`.
#[derive(Debug, Args)]
pub struct AlternativesArgs {
    /// Origin and destination, objective, constraints, format.
    #[command(flatten)]
    pub route: RouteArgs,
    /// How many routes
    #[arg(short, long, default_value_t = 3)]
    pub k: usize,
    /// Routes that differ: every two share at most this share (0 to below 1) of the
    /// kilometres of the shorter one, so they go by other crossings and corridors (found
    /// by penalising the legs of each route found). Without it: the k best routes that
    /// visit no place twice, however alike
    #[arg(long, value_name = "SHARE")]
    pub max_shared: Option<f64>,
}

/// `corridor pareto`.
#[derive(Debug, Args)]
pub struct ParetoArgs {
    /// Origin and destination, constraints, format (--by is ignored).
    #[command(flatten)]
    pub route: RouteArgs,
    /// The criteria, 2 to 4 of distance, time, cost, co2
    #[arg(long, value_delimiter = ',', default_value = "time,cost")]
    pub criteria: Vec<String>,
}

/// Output formats for matrices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MatrixFormat {
    /// CSV: from,to,distance_km,time_h,cost_usd,co2_kg (empty metrics: unreachable)
    Csv,
    /// JSON
    Json,
    /// Aligned text for people
    Table,
}

/// `corridor matrix`.
#[derive(Debug, Args)]
pub struct MatrixArgs {
    /// Origins, comma-separated (ids, names or aliases)
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "PLACES",
        required_unless_present = "from_file"
    )]
    pub from: Vec<String>,
    /// Destinations, comma-separated
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "PLACES",
        required_unless_present = "to_file"
    )]
    pub to: Vec<String>,
    /// Read more origins from a file, one per line (# starts a comment)
    #[arg(long, value_name = "FILE")]
    pub from_file: Option<PathBuf>,
    /// Read more destinations from a file, one per line
    #[arg(long, value_name = "FILE")]
    pub to_file: Option<PathBuf>,
    /// Objective and constraints (--via is not used).
    #[command(flatten)]
    pub routing: RoutingArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = MatrixFormat::Csv)]
    pub format: MatrixFormat,
    /// Search engine: one-to-all Dijkstra per origin, or contraction hierarchies
    /// (preprocessing, then bucket many-to-many); auto picks contraction hierarchies
    /// from 300 origins on, where their preprocessing pays off
    #[arg(long, value_enum, default_value_t = Engine::Auto)]
    pub engine: Engine,
}

/// How `corridor matrix` searches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Engine {
    /// Contraction hierarchies from 300 origins on (from 16 when the --data snapshot has one
    /// for the objective), else Dijkstra
    Auto,
    /// One-to-all Dijkstra per origin
    Dijkstra,
    /// Contraction hierarchies
    Ch,
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

/// `corridor corridors`.
#[derive(Debug, Args)]
pub struct CorridorsArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

/// `corridor nodes`.
#[derive(Debug, Args)]
pub struct NodesArgs {
    /// Text to look for in ids, names and aliases (case and diacritics ignored); all
    /// places if omitted
    pub query: Option<String>,
    /// Only places in this country (ISO 3166-1 alpha-2 code such as KZ, or a name)
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

/// `corridor report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Origin: id, name, alias or "lat,lon"
    #[arg(allow_hyphen_values = true, value_parser = place_value)]
    pub from: String,
    /// Destination: id, name, alias or "lat,lon"
    #[arg(allow_hyphen_values = true, value_parser = place_value)]
    pub to: String,
    /// Objective and constraints.
    #[command(flatten)]
    pub routing: RoutingArgs,
    /// The HTML file to write [default: corridor-report-FROM-TO.html]
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace the output file if it exists
    #[arg(long)]
    pub force: bool,
    /// Draws per corridor for the reliability section (with [[uncertain]] scenarios)
    #[arg(long, default_value_t = 1000)]
    pub samples: usize,
    /// Seed of the draws
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// `corridor generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Number of places (rounded up to a full grid row)
    #[arg(long, default_value_t = 10_000)]
    pub places: usize,
    /// Random seed (same seed, same network)
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Write places and legs in a random order with ids renamed in another random order
    /// (the same network), as a database export might: for benchmarks that must not
    /// profit from the generator's grid order
    #[arg(long)]
    pub shuffle: bool,
    /// The folder to write nodes.csv, legs.csv and network.toml into
    #[arg(long, short, value_name = "DIR")]
    pub output: PathBuf,
    /// Replace existing files
    #[arg(long)]
    pub force: bool,
}

/// A place as a positional argument: anything, and a value starting with `-` only if it
/// is a coordinate (`-33.9,18.4`), so a negative latitude needs no `--` while a mistyped
/// option is still an error.
fn place_value(value: &str) -> Result<String, String> {
    if value.starts_with('-') && corridor::Coord::parse(value).is_none() {
        Err(format!(
            "{value:?} is not an option of this command (a coordinate is written lat,lon, e.g. -33.9,18.4)"
        ))
    } else {
        Ok(value.to_owned())
    }
}
