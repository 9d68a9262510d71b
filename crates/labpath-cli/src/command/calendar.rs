//! `labpath calendar`: the catalog's deadlines, the routes that close, your
//! reminders and the next escalation steps, as an iCalendar (RFC 5545) file
//! that calendar programs import: all-day events, each with a reminder
//! alarm three days before.

use std::io::Write;
use std::path::PathBuf;

use labpath_engine::catalog::Catalog;
use labpath_engine::units::Date;
use labpath_store::ids::PersonId;
use labpath_store::time::Timestamp;

use super::store::{app_failure, id, local, with_store};
use crate::cli::Cli;
use crate::{Exit, Failure};

/// Arguments of `labpath calendar`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only this person (default: everyone).
    #[arg(long)]
    pub person: Option<String>,
    /// Write to this file instead of standard output (never overwrites).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Runs `labpath calendar`.
pub fn run(
    cli: &Cli,
    catalog: &Catalog,
    args: &Args,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    let person: Option<PersonId> = args
        .person
        .as_deref()
        .map(|p| id("--person", p))
        .transpose()?;
    if let Some(path) = &args.output {
        if path.exists() {
            return Err(Failure::BadInput(format!(
                "error: --output: `{}` already exists: choose a new name",
                path.display()
            )));
        }
    }
    let text = with_store(cli, async |store| {
        let app = labpath_app::App::new(catalog, store);
        let entries = labpath_app::calendar::calendar(&app, &local(), person, Date::today())
            .await
            .map_err(|e| app_failure(e, |_| None))?;
        Ok(labpath_views::calendar::ics(&entries, Timestamp::now()))
    })?;
    match &args.output {
        Some(path) => {
            std::fs::write(path, &text)
                .map_err(|e| Failure::cannot_write(Some("--output"), path, &e))?;
            writeln!(
                out,
                "wrote {} events to {}",
                text.matches("BEGIN:VEVENT").count(),
                path.display()
            )?;
        }
        None => write!(out, "{text}")?,
    }
    Ok(Exit::Ok)
}
