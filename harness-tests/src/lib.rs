//! No library: this package holds the model tests that run under model-check's own harness
//! (`harness = false`, feature `harness`), so that libtest-mimic and clap are built for these
//! tests only and not for the examples a new user runs first.
