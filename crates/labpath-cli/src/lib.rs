//! The `labpath` command line, as a library so tests can drive it.
//!
//! Each subcommand lives in its own module under `command/` with a clap
//! `Args` struct and a `run` function. Exit codes:
//!
//! | code | meaning |
//! |---|---|
//! | 0 | done (for `check --credential`: every named credential is held or eligible) |
//! | 1 | a domain "no": `check --credential` found a named credential not eligible (not yet, unknown or no route); `plan` found no plan that reaches the goal |
//! | 2 | bad input or usage: unreadable or invalid file, unknown id, bad flag, invalid catalog |
//! | 3 | an internal failure (for example, writing the output failed) |
//! | 4 | the machine refused: the disk is full, the data directory cannot be created or opened, permission denied; the message says what to do |

pub mod cli;
pub mod command;
pub mod json;
pub mod render;

use std::ffi::OsString;
use std::fmt;
use std::io::Write;

use clap::Parser;

pub use cli::{Cli, Command};

/// How a successful run ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Done.
    Ok = 0,
    /// A credential asked about is not eligible.
    NotEligible = 1,
}

/// Why a run failed.
#[derive(Debug)]
pub enum Failure {
    /// Bad input or usage (exit 2); the text says where and what.
    BadInput(String),
    /// A domain "no" that ends the command (exit 1): no plan reaches the goal.
    Unreachable(String),
    /// Something outside the user's input failed (exit 3).
    Internal(anyhow::Error),
    /// The machine refused what the command needs (exit 4): a full disk, a
    /// data directory that cannot be created or opened, permission denied.
    /// The text says what to do.
    Environment(String),
}

impl Failure {
    /// The process exit code.
    pub fn exit_code(&self) -> i32 {
        match self {
            Failure::BadInput(_) => 2,
            Failure::Unreachable(_) => 1,
            Failure::Internal(_) => 3,
            Failure::Environment(_) => 4,
        }
    }

    /// A file the user named (`flag`'s, when a flag names it) that could
    /// not be written: a full disk is the machine's (exit 4), anything else
    /// the path's (exit 2: a folder that does not exist, no permission).
    pub fn cannot_write(flag: Option<&str>, path: &std::path::Path, e: &std::io::Error) -> Self {
        let flag = flag.map(|f| format!("{f}: ")).unwrap_or_default();
        let text = format!("error: {flag}cannot write `{}`: {e}", path.display());
        if is_disk_full(e) {
            disk_full(text)
        } else {
            Failure::BadInput(text)
        }
    }
}

/// Whether a write failed for want of space (the disk, or the user's quota).
fn is_disk_full(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
    )
}

/// The machine's refusal of a write, `what` saying which, with what to do.
fn disk_full(what: String) -> Failure {
    Failure::Environment(format!(
        "{what}: the disk is full; free some space, then run the command again"
    ))
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::BadInput(text) | Failure::Unreachable(text) | Failure::Environment(text) => {
                write!(f, "{text}")
            }
            Failure::Internal(e) => write!(f, "error: {e:#}"),
        }
    }
}

impl From<std::io::Error> for Failure {
    /// Writing the output failed: on a full disk (standard output sent to
    /// a file) that is the machine's refusal, otherwise an internal failure.
    fn from(e: std::io::Error) -> Self {
        if is_disk_full(&e) {
            disk_full(format!("error: cannot write the output: {e}"))
        } else {
            Failure::Internal(e.into())
        }
    }
}

impl From<labpath_catalog::diag::Diagnostics> for Failure {
    fn from(d: labpath_catalog::diag::Diagnostics) -> Self {
        Failure::BadInput(format!(
            "error: {}",
            d.to_string().replace('\n', "\nerror: ")
        ))
    }
}

/// Runs `labpath` with `args` (the first is the program name), writing
/// results to `out`; errors are returned for the caller to print.
pub fn run<I, T>(args: I, out: &mut dyn Write) -> Result<Exit, Failure>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    run_with(args, out, command::AtEnd::Drop)
}

/// [`run`] for a process that ends when it returns (the `labpath`
/// binary): the catalog is left for the process's end to reclaim.
pub fn run_then_exit<I, T>(args: I, out: &mut dyn Write) -> Result<Exit, Failure>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    run_with(args, out, command::AtEnd::Exit)
}

fn run_with<I, T>(args: I, out: &mut dyn Write, at_end: command::AtEnd) -> Result<Exit, Failure>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e)
            if matches!(
                e.kind(),
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion
            ) =>
        {
            write!(out, "{e}")?;
            return Ok(Exit::Ok);
        }
        Err(e) => {
            return Err(Failure::BadInput(
                e.render().to_string().trim_end().to_owned(),
            ));
        }
    };
    let result = command::dispatch(&cli, out, at_end);
    match result {
        Err(Failure::Internal(e)) if is_broken_pipe(&e) => Ok(Exit::Ok),
        other => other,
    }
}

/// A closed pipe (`labpath credentials | head`) is not an error.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.downcast_ref::<std::io::Error>()
        .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}
