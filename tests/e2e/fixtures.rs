//! Loading the drawn fixture networks and running the CLI in-process.

use std::path::{Path, PathBuf};

use corridor::Network;
use corridor::io::{self, LoadError, Source, Sources};
use corridor_cli::Exit;

/// The folder of a fixture network under `tests/fixtures/`.
pub fn dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// Loads a fixture network, failing the test on any error.
pub fn network(name: &str) -> Network {
    match io::load_dir(&dir(name)) {
        Ok(loaded) => loaded.network,
        Err(error) => panic!("fixture {name} does not load:\n{error}"),
    }
}

/// Loads a network from inline file contents.
pub fn load_text(nodes: &str, legs: &str, toml: Option<&str>) -> Result<io::Loaded, LoadError> {
    io::load(Sources {
        nodes: Source {
            name: "nodes.csv",
            bytes: nodes.as_bytes(),
        },
        legs: Source {
            name: "legs.csv",
            bytes: legs.as_bytes(),
        },
        network_toml: toml.map(|text| Source {
            name: "network.toml",
            bytes: text.as_bytes(),
        }),
    })
}

/// What a CLI run produced.
pub struct Run {
    pub exit: Exit,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `corridor ARGS...` in-process.
pub fn run(args: &[&str]) -> Run {
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    let exit = corridor_cli::run(
        std::iter::once("corridor").chain(args.iter().copied()),
        &mut stdout,
        &mut stderr,
    );
    Run {
        exit,
        stdout: String::from_utf8(stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(stderr).expect("stderr is UTF-8"),
    }
}

/// Runs the CLI and fails the test unless it exits 0; returns stdout.
pub fn run_ok(args: &[&str]) -> String {
    let run = run(args);
    assert_eq!(
        run.exit,
        Exit::Ok,
        "corridor {} failed:\n{}",
        args.join(" "),
        run.stderr
    );
    run.stdout
}

/// `cases` proptest cases, or `PROPTEST_CASES` when set (for longer local runs).
pub fn proptest_config(cases: u32) -> proptest::test_runner::Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    proptest::test_runner::Config::with_cases(cases)
}

/// Compares `actual` with the golden file `path`, or rewrites it when CORRIDOR_BLESS=1.
pub fn golden(path: &Path, actual: &str) {
    if std::env::var("CORRIDOR_BLESS").is_ok_and(|v| v == "1") {
        std::fs::write(path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_else(|_| {
        panic!(
            "{} is missing: run the tests with CORRIDOR_BLESS=1 and review it",
            path.display()
        )
    });
    if expected != actual {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .map_or(
                expected.lines().count().min(actual.lines().count()) + 1,
                |i| i + 1,
            );
        panic!(
            "{} differs from the output (first difference on line {line}); if the change is intended, run the tests with CORRIDOR_BLESS=1 and review the diff",
            path.display()
        );
    }
}

/// Runs Debian's Chromium headless on `url` with `args` (a profile in `dir`), after the
/// page's scripts and requests have settled (virtual time), and returns its stdout.
/// Panics when Chromium is missing: callers are the browser tests, which run only when
/// CORRIDOR_REQUIRE_BROWSER=1 (tests/build.rs).
pub fn chromium(dir: &Path, args: &[String], url: &str) -> String {
    let browser = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .expect("Chromium is not installed (apt-get install chromium)");
    let output = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--virtual-time-budget=15000",
        ])
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .args(args)
        .arg(url)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A PNG's pixels as RGB triples, with its width and height.
pub fn png_rgb(path: &Path) -> (u32, u32, Vec<[u8; 3]>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    let channels = info.color_type.samples();
    let rgb = pixels[..info.buffer_size()]
        .chunks(channels)
        .map(|px| [px[0], px[1], px[2]])
        .collect();
    (info.width, info.height, rgb)
}

/// Fails if a screenshot is blank or nearly so (few colours, mostly white).
pub fn assert_not_blank(path: &Path) {
    let (_, _, pixels) = png_rgb(path);
    let colours: std::collections::HashSet<[u8; 3]> = pixels.iter().copied().collect();
    let not_white = pixels
        .iter()
        .filter(|px| px.iter().any(|&c| c < 235))
        .count();
    assert!(
        colours.len() > 50,
        "the screenshot has only {} colours",
        colours.len()
    );
    assert!(
        not_white * 10 > pixels.len(),
        "the screenshot is almost blank ({not_white} of {} pixels)",
        pixels.len()
    );
}
