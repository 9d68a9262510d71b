//! `labpath contact add APP`: the contact log of an application: calls,
//! emails, letters, portal messages, with whom, what was said and any date
//! promised. Contacts since submission count as escalation steps taken.

use std::io::Write;
use std::path::PathBuf;

use labpath_store::event::{Channel, ContactEntry};
use labpath_store::ids::ApplicationId;
use labpath_store::ops;

use super::doc::read_files;
use super::store::{actor, day, failure, id, text, with_store};
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
pub fn run(cli: &Cli, sub: &ContactCommand, out: &mut dyn Write) -> Result<Exit, Failure> {
    let ContactCommand::Add {
        app,
        channel,
        summary,
        on,
        with,
        promised,
        attach,
    } = sub;
    let app: ApplicationId = id("app", app)?;
    let channel: Channel = channel
        .parse()
        .map_err(|e| Failure::BadInput(format!("error: --channel: {e}")))?;
    let promised = promised
        .as_deref()
        .map(|p| day("--promised", Some(p)))
        .transpose()?;
    let entry = ContactEntry {
        on: day("--on", on.as_deref())?,
        channel,
        with: text(with.as_ref()),
        summary: summary.trim().to_owned(),
        promised,
    };
    let files = read_files(attach, "--attach")?;
    with_store(cli, async |store| {
        let c = ops::add_contact(store, &actor(), app, entry)
            .await
            .map_err(failure)?;
        writeln!(out, "logged contact {} on application {app}", c.id)?;
        for f in &files {
            let a = ops::attach(store, &actor(), app, f, None, Some(c.id))
                .await
                .map_err(failure)?;
            writeln!(out, "attached {}", a.file.name)?;
        }
        Ok(Exit::Ok)
    })
}
