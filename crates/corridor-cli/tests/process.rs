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

/// The entries of a folder, sorted.
fn entries(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Issue 15: a network folder whose writing fails (here legs.csv is larger than the
/// per-file size limit `ulimit -f`, as on a full disk) leaves nothing behind: no new
/// folder (nor the parents created for it), no staging folder, and an existing folder
/// as it was. Bash sets the limit and ignores SIGXFSZ, so the write fails with EFBIG.
#[cfg(unix)]
#[test]
fn issue15_a_failed_folder_write_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let bin = env!("CARGO_BIN_EXE_corridor");
    let reference = root.join("reference");
    let ok = corridor()
        .args(["generate", "--places", "2000", "--output"])
        .arg(&reference)
        .output()
        .unwrap();
    assert!(ok.status.success(), "{ok:?}");
    let size = |name: &str| std::fs::metadata(reference.join(name)).unwrap().len();
    // A limit (in KiB) that nodes.csv fits in and legs.csv does not.
    let limit = (size("nodes.csv") + size("legs.csv")) / 2 / 1024;
    assert!(size("nodes.csv") < limit * 1024 && limit * 1024 < size("legs.csv"));
    let limited = |args: &str| {
        Command::new("bash")
            .arg("-c")
            .arg(format!(
                "trap '' XFSZ; ulimit -f {limit}; exec {bin} {args}"
            ))
            .current_dir(root)
            .output()
            .expect("bash runs the tool with a file size limit")
    };
    let before = entries(root);
    let output = limited("generate --places 2000 --output new/sub/net");
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot write new/sub/net/legs.csv"),
        "{stderr}"
    );
    assert_eq!(entries(root), before);
    // Replacing an existing export: it stays whole, with the user's other files.
    let existing = root.join("existing");
    let ok = corridor()
        .args(["export", "--format", "csv", "--output"])
        .arg(&existing)
        .output()
        .unwrap();
    assert!(ok.status.success(), "{ok:?}");
    std::fs::write(existing.join("README"), "keep\n").unwrap();
    let read = |name: &str| std::fs::read(existing.join(name)).unwrap();
    let (nodes, legs) = (read("nodes.csv"), read("legs.csv"));
    let before = entries(&existing);
    let output = limited("--data reference export --format csv --output existing --force");
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(entries(&existing), before);
    assert_eq!(read("nodes.csv"), nodes);
    assert_eq!(read("legs.csv"), legs);
}
