//! `labpath contact add APP`: the contact log of an application: calls,
//! emails, letters, portal messages, with whom, what was said and any date
//! promised. Contacts since submission count as escalation steps taken.

use std::io::Write;
use std::path::PathBuf;

use labpath_app::{App, contacts};
use labpath_engine::catalog::Catalog;
use labpath_store::event::Channel;
use labpath_store::ids::ApplicationId;

use super::doc::read_files;
use super::store::{app_failure, day, id, local, text, with_store};
use crate::cli::Cli;
use crate::{Exit, Failure};

/// Contact subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum ContactCommand {
    /// Log a call, email, letter or portal message about an application.
    Add {
        /// The application's id.
        app: String,
        /// call, email, letter, portal or visit.
        #[arg(long)]
        channel: String,
        /// What was said or asked.
        #[arg(long)]
        summary: String,
        /// The day (YYYY-MM-DD; default today).
        #[arg(long, value_name = "DATE")]
        on: Option<String>,
        /// Whom you reached (name, office).
        #[arg(long, value_name = "WHO")]
        with: Option<String>,
        /// A day they promised an answer or action by (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        promised: Option<String>,
        /// A file to attach (the letter, the email); repeatable.
        #[arg(long, value_name = "FILE")]
        attach: Vec<PathBuf>,
    },
}

/// Runs a contact subcommand.
pub fn run(
    cli: &Cli,
    catalog: &Catalog,
    sub: &ContactCommand,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    let ContactCommand::Add {
        app,
        channel,
        summary,
        on,
        with,
        promised,
        attach,
    } = sub;
    let id: ApplicationId = id("app", app)?;
    let channel: Channel = channel
        .parse()
        .map_err(|e| Failure::BadInput(format!("error: --channel: {e}")))?;
    let promised = promised
        .as_deref()
        .map(|p| day("--promised", Some(p)))
        .transpose()?;
    let new = contacts::NewContact {
        on: day("--on", on.as_deref())?,
        channel,
        with: text(with.as_ref()),
        summary: summary.trim().to_owned(),
        promised,
        attach: read_files(attach, "--attach")?,
    };
    with_store(cli, async |store| {
        let app = App::new(catalog, store);
        let logged = contacts::add(&app, &local(), id, new)
            .await
            .map_err(|e| app_failure(e, flag))?;
        writeln!(
            out,
            "logged contact {} on application {id}",
            logged.contact.id
        )?;
        for a in &logged.attached {
            writeln!(out, "attached {}", a.file.name)?;
        }
        Ok(Exit::Ok)
    })
}

/// The flag of a use case's field, for `contact add`.
fn flag(field: &str) -> Option<String> {
    match field {
        "summary" => Some("--summary".to_owned()),
        _ => None,
    }
}
