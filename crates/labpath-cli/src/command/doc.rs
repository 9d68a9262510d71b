//! `labpath doc update APP KEY --status S`: one checklist document moves
//! (requested of whom, sent how with which tracking number, received,
//! accepted, rejected with the reason), with files attached as proof.

use std::io::Write;
use std::path::PathBuf;

use labpath_app::{App, documents};
use labpath_catalog::file::{self, Limit};
use labpath_engine::catalog::Catalog;
use labpath_store::attachment::{self, CheckedFile};
use labpath_store::ids::ApplicationId;
use labpath_store::ops::DocUpdate;
use labpath_store::status::DocStatus;

use super::store::{app_failure, day, id, local, text, with_store};
use crate::cli::Cli;
use crate::{Exit, Failure};

/// Document subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum DocCommand {
    /// Record what happened to one checklist document.
    Update {
        /// The application's id.
        app: String,
        /// The document's key (`labpath app show APP` lists them).
        key: String,
        /// needed, not_needed, requested, sent, received, accepted or rejected.
        #[arg(long)]
        status: String,
        /// The day it happened (YYYY-MM-DD; default today).
        #[arg(long, value_name = "DATE")]
        on: Option<String>,
        /// Requested: of whom (registrar, employer, ASCP).
        #[arg(long, value_name = "WHO")]
        from: Option<String>,
        /// Sent: how (mail, courier, email, portal).
        #[arg(long)]
        method: Option<String>,
        /// Sent: the tracking number.
        #[arg(long)]
        tracking: Option<String>,
        /// Rejected: the reason the body gave.
        #[arg(long)]
        reason: Option<String>,
        /// A note.
        #[arg(long)]
        note: Option<String>,
        /// A file to attach as proof (receipt, scan); repeatable.
        #[arg(long, value_name = "FILE")]
        attach: Vec<PathBuf>,
    },
}

/// Reads and checks files to attach, before anything is written.
pub fn read_files(paths: &[PathBuf], flag: &str) -> Result<Vec<CheckedFile>, Failure> {
    paths
        .iter()
        .map(|path| {
            read_file(path, &path.display().to_string())
                .map_err(|why| Failure::BadInput(format!("error: {flag}: {why}")))
        })
        .collect()
}

/// How much of a file to attach is read: the tracker's limit for one
/// attachment.
const ATTACHMENT: Limit = Limit {
    bytes: attachment::MAX_BYTES as u64,
    advice: "scan it at a lower resolution, or split it",
};

/// Reads and checks one file to attach, kept under `name`; why not
/// otherwise (not a regular file, unreadable, too large, of a type the
/// tracker refuses).
pub fn read_file(path: &std::path::Path, name: &str) -> Result<CheckedFile, String> {
    let bytes = file::read(path, ATTACHMENT).map_err(|e| e.to_string())?;
    attachment::check(name, bytes).map_err(|e| e.to_string())
}

/// Runs a document subcommand.
pub fn run(
    cli: &Cli,
    catalog: &Catalog,
    sub: &DocCommand,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    let DocCommand::Update {
        app,
        key,
        status,
        on,
        from,
        method,
        tracking,
        reason,
        note,
        attach,
    } = sub;
    let id: ApplicationId = id("app", app)?;
    let to: DocStatus = status
        .parse()
        .map_err(|e| Failure::BadInput(format!("error: --status: {e}")))?;
    let change = DocUpdate {
        key: key.trim().to_owned(),
        to,
        on: day("--on", on.as_deref())?,
        requested_from: text(from.as_ref()),
        method: text(method.as_ref()),
        tracking: text(tracking.as_ref()),
        reason: text(reason.as_ref()),
        note: text(note.as_ref()),
    };
    let files = read_files(attach, "--attach")?;
    with_store(cli, async |store| {
        let app = App::new(catalog, store);
        let changed = documents::update(&app, &local(), id, change, &files)
            .await
            .map_err(|e| app_failure(e, |_| None))?;
        let item = &changed.item;
        writeln!(
            out,
            "application {id}: `{}` is now {}{}",
            item.key,
            item.status,
            item.status_on
                .map(|d| format!(" (since {d})"))
                .unwrap_or_default()
        )?;
        for a in &changed.attached {
            writeln!(out, "attached {} to `{}`", a.file.name, item.key)?;
        }
        Ok(Exit::Ok)
    })
}
