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
