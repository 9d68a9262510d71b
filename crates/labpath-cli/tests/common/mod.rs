//! What the command-line tests share: running the built `labpath` binary.

use std::process::{Command, Output, Stdio};

/// Runs `labpath ARGS` with no standard input and no backtraces, to its end.
/// Its default data directory is one no test creates, so a command's answer
/// never depends on records kept on the machine (`--data-dir` overrides it).
pub fn labpath(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_labpath"))
        .args(args)
        .stdin(Stdio::null())
        .env("RUST_BACKTRACE", "0")
        .env(
            "LABPATH_DATA_DIR",
            std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("no-data-dir"),
        )
        .output()
        .expect("the labpath binary runs")
}
