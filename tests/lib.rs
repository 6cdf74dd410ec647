//! Test-only package: see `e2e/`.
