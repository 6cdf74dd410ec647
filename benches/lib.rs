//! Benchmark-only package: see the `[[bench]]` targets.
