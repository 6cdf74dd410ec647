//! End-to-end tests of the corridor library and CLI, one module per topic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod builder;
mod builtin;
mod calibrate;
mod capacity;
mod cli;
mod contract;
mod engine;
mod fast;
mod fixtures;
mod fuzz;
mod load;
mod lookup;
mod maps;
mod oracle;
mod properties;
mod random;
mod regions;
mod route;
mod scenario;
mod semantics;
mod serve;
mod snapshot;
mod validation;
