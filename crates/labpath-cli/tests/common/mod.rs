//! What the command-line tests share: running the built `labpath` binary.

use std::process::{Command, Output, Stdio};

/// Runs `labpath ARGS` with no standard input and no backtraces, to its end.
pub fn labpath(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_labpath"))
        .args(args)
        .stdin(Stdio::null())
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("the labpath binary runs")
}
