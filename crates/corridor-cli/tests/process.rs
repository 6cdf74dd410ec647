//! The few checks that need a real process: exit statuses and a closed output pipe.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

fn corridor() -> Command {
    Command::new(env!("CARGO_BIN_EXE_corridor"))
}

#[test]
fn exit_statuses_are_the_documented_ones() {
    let status = |args: &[&str]| corridor().args(args).output().unwrap().status.code();
    assert_eq!(status(&["--version"]), Some(0));
    assert_eq!(status(&["validate"]), Some(0));
    assert_eq!(status(&["route", "nowhere-at-all", "almaty"]), Some(2));
    assert_eq!(status(&["--bogus-flag"]), Some(2));
    assert_eq!(
        status(&["--data", "/nonexistent/corridor-net", "validate"]),
        Some(3)
    );
    assert_eq!(
        status(&[
            "route",
            "termez",
            "karachi",
            "--corridor",
            "trans-afghan",
            "--modes",
            "rail"
        ]),
        Some(4)
    );
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let mut child = corridor()
        .args(["export", "--format", "geojson"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // The reader is dropped here: the pipe closes while the tool is still writing.
    let output = child.wait_with_output().unwrap();
    assert!(first.starts_with("{\"type\":\"FeatureCollection\""));
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

/// With the pipe closed before the first write, every output path must end quietly.
#[test]
fn every_format_ends_quietly_on_a_closed_pipe() {
    for args in [
        &["route", "xian", "duisburg", "--format", "json"][..],
        &["route", "xian", "duisburg"],
        &["compare", "xian", "duisburg", "--format", "geojson"],
        &[
            "matrix",
            "--from",
            "xian,almaty",
            "--to",
            "duisburg,istanbul",
        ],
        &["nodes", "--format", "csv"],
        &["validate", "--format", "json"],
    ] {
        let mut child = corridor()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{args:?}");
        assert_eq!(String::from_utf8_lossy(&output.stderr), "", "{args:?}");
    }
}

/// On a terminal, long sweeps draw a progress bar on standard error from worker threads;
/// they must finish (they once deadlocked on a lock of standard error held by `main`).
/// `script` (util-linux, part of every Debian system) gives the run a pseudo-terminal.
#[test]
fn a_sweep_with_a_progress_bar_finishes_on_a_terminal() {
    let dir = std::env::temp_dir().join(format!("corridor-tty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("sweep.json");
    let scenario = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/scenarios/uncertainty.toml"
    );
    let command = format!(
        "{} sweep xian duisburg --samples 600 --scenario {scenario} --format json > {}",
        env!("CARGO_BIN_EXE_corridor"),
        out.display()
    );
    let mut child = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("util-linux `script` runs the sweep on a pseudo-terminal");
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > std::time::Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("the sweep did not finish in a minute on a terminal");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    let json = std::fs::read_to_string(&out).unwrap();
    assert!(json.contains("\"samples\": 600"), "{json}");
    std::fs::remove_dir_all(&dir).unwrap();
}
