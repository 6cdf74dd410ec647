//! `CORRIDOR_REQUIRE_BROWSER=1` at build time makes the browser test a plain test (it
//! runs, and fails without Chromium); without it the test is reported as ignored.

#![allow(clippy::print_stdout)] // a build script talks to cargo on stdout

fn main() {
    println!("cargo::rustc-check-cfg=cfg(require_browser)");
    println!("cargo::rerun-if-env-changed=CORRIDOR_REQUIRE_BROWSER");
    if std::env::var_os("CORRIDOR_REQUIRE_BROWSER").is_some_and(|v| !v.is_empty() && v != "0") {
        println!("cargo::rustc-cfg=require_browser");
    }
}
