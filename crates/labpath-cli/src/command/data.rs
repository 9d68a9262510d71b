//! `labpath export`, `labpath import FILE`, `labpath backup FILE`: all the
//! tracker's data as one JSON document (the event log and every attached
//! file), loaded back only into an empty data directory; and a consistent
//! copy of the database file. None of them ever overwrites anything.

use std::io::Write;
use std::path::PathBuf;

use labpath_catalog::parse::{Format as Syntax, parse};
use labpath_store::Store;
use labpath_views::export::Export;

use super::store::{app_failure, failure, local, with_store};
use crate::cli::Cli;
use crate::{Exit, Failure};

/// Arguments of `labpath export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// Write to this file instead of standard output (never overwrites).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Arguments of `labpath import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// A file written by `labpath export`.
    pub file: PathBuf,
}

/// Arguments of `labpath backup`.
#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    /// Where to write the copy (must not exist yet).
    pub file: PathBuf,
}

fn refuse_existing(path: &std::path::Path, flag: &str) -> Result<(), Failure> {
    if path.exists() {
        return Err(Failure::BadInput(format!(
            "error: {flag}`{}` already exists: labpath never overwrites a file; choose a new name",
            path.display()
        )));
    }
    Ok(())
}

/// Runs `labpath export`.
pub fn export(cli: &Cli, args: &ExportArgs, out: &mut dyn Write) -> Result<Exit, Failure> {
    if let Some(path) = &args.output {
        refuse_existing(path, "--output: ")?;
    }
    let document = with_store(cli, async |store| {
        labpath_app::data::export(store, &local())
            .await
            .map_err(|e| app_failure(e, |_| None))
    })?;
    let text = serde_json::to_string_pretty(&document).map_err(|e| Failure::Internal(e.into()))?;
    match &args.output {
        Some(path) => {
            std::fs::write(path, format!("{text}\n"))
                .map_err(|e| Failure::cannot_write(Some("--output"), path, &e))?;
            writeln!(
                out,
                "exported {} events and {} files to {}",
                document.events.len(),
                document.files.len(),
                path.display()
            )?;
        }
        None => writeln!(out, "{text}")?,
    }
    Ok(Exit::Ok)
}

/// The largest export `labpath import` reads (4 GiB: every attached file
/// is inside it, as base64). The limit is there for a file that never
/// ends (`/dev/zero` behind a link, a file still growing), not for real
/// exports.
const EXPORT: labpath_catalog::file::Limit = labpath_catalog::file::Limit {
    bytes: 4 * 1024 * 1024 * 1024,
    advice: "an export this large is best moved as a copy of the whole data directory, made while no labpath command runs",
};

/// Runs `labpath import`.
pub fn import(cli: &Cli, args: &ImportArgs, out: &mut dyn Write) -> Result<Exit, Failure> {
    let name = args.file.display().to_string();
    let text = labpath_catalog::file::read_text(&args.file, EXPORT)
        .map_err(|e| Failure::BadInput(format!("error: {e}")))?;
    let document: Export =
        parse(&name, &text, Syntax::Json).map_err(|d| Failure::BadInput(format!("error: {d}")))?;
    with_store(cli, async |store| {
        let counts = labpath_app::data::import(store, &local(), &document)
            .await
            .map_err(|e| {
                let in_file = e.field.is_some();
                match app_failure(e, |_| Some(name.clone())) {
                    Failure::BadInput(m) if !in_file => Failure::BadInput(format!(
                        "{m}\nnothing was imported; the data directory is `{}`",
                        store.dir().display()
                    )),
                    other => other,
                }
            })?;
        writeln!(
            out,
            "imported {} events: {} people, {} applications, {} files",
            counts.events, counts.people, counts.applications, counts.files
        )?;
        Ok(Exit::Ok)
    })
}

/// Runs `labpath backup`.
pub fn backup(cli: &Cli, args: &BackupArgs, out: &mut dyn Write) -> Result<Exit, Failure> {
    refuse_existing(&args.file, "")?;
    with_store(cli, async |store| {
        store.backup(&args.file).await.map_err(failure)?;
        let counts = store.counts().await.map_err(failure)?;
        writeln!(
            out,
            "wrote a consistent copy of {} ({} events) to {}; attached files stay in {} (`labpath export` includes them)",
            store.db_path().display(),
            counts.events,
            args.file.display(),
            store.dir().join("attachments").display()
        )?;
        Ok(Exit::Ok)
    })
}
