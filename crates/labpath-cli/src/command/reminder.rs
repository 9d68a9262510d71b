//! `labpath reminder add|done|list`: reminders you set yourself, for a
//! person or one of their applications. They appear in `labpath status`
//! and `labpath calendar` beside the catalog's deadlines.

use std::io::Write;

use labpath_store::Store;
use labpath_store::ids::{ApplicationId, EventId, PersonId};
use labpath_store::ops;

use super::store::{actor, day, failure, id, with_store};
use crate::cli::{Cli, Format};
use crate::render::table;
use crate::{Exit, Failure};

/// Reminder subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum ReminderCommand {
    /// Set a reminder.
    Add {
        /// The person's id (or give --app).
        #[arg(long)]
        person: Option<String>,
        /// The application's id.
        #[arg(long)]
        app: Option<String>,
        /// The day (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        on: String,
        /// What to do.
        #[arg(long)]
        what: String,
    },
    /// Mark a reminder done.
    Done {
        /// The reminder's id.
        id: String,
        /// The day (default today).
        #[arg(long, value_name = "DATE")]
        on: Option<String>,
    },
    /// List reminders.
    List {
        /// Only this person's.
        #[arg(long)]
        person: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
}

/// Runs a reminder subcommand.
pub fn run(cli: &Cli, sub: &ReminderCommand, out: &mut dyn Write) -> Result<Exit, Failure> {
    match sub {
        ReminderCommand::Add {
            person,
            app,
            on,
            what,
        } => {
            let person: Option<PersonId> =
                person.as_deref().map(|p| id("--person", p)).transpose()?;
            let app: Option<ApplicationId> = app.as_deref().map(|a| id("--app", a)).transpose()?;
            let due = day("--on", Some(on))?;
            with_store(cli, async |store| {
                let person = match (person, app) {
                    (_, Some(a)) => {
                        store
                            .application(a)
                            .await
                            .map_err(failure)?
                            .application
                            .person
                    }
                    (Some(p), None) => p,
                    (None, None) => {
                        return Err(Failure::BadInput(
                            "error: give --person ID or --app ID: whose reminder is it?".to_owned(),
                        ));
                    }
                };
                let r = ops::add_reminder(store, &actor(), person, app, due, what)
                    .await
                    .map_err(failure)?;
                writeln!(out, "reminder {} set for {}: {}", r.id, r.due, r.what)?;
                Ok(Exit::Ok)
            })
        }
        ReminderCommand::Done { id: r, on } => {
            let r: EventId = id("reminder", r)?;
            let on = day("--on", on.as_deref())?;
            with_store(cli, async |store| {
                let done = ops::complete_reminder(store, &actor(), r, on)
                    .await
                    .map_err(failure)?;
                writeln!(out, "reminder {} done on {on}: {}", done.id, done.what)?;
                Ok(Exit::Ok)
            })
        }
        ReminderCommand::List { person, format } => {
            let person: Option<PersonId> =
                person.as_deref().map(|p| id("--person", p)).transpose()?;
            with_store(cli, async |store| {
                if let Some(p) = person {
                    store.person(p).await.map_err(failure)?;
                }
                let reminders = store.reminders(person).await.map_err(failure)?;
                if *format == Format::Json {
                    crate::json::write(out, &reminders)?;
                    return Ok(Exit::Ok);
                }
                let rows: Vec<Vec<String>> = reminders
                    .iter()
                    .map(|r| {
                        vec![
                            r.id.to_string(),
                            r.due.to_string(),
                            r.person.to_string(),
                            r.application.map(|a| a.to_string()).unwrap_or_default(),
                            r.done_on.map(|d| format!("done {d}")).unwrap_or_default(),
                            r.what.clone(),
                        ]
                    })
                    .collect();
                write!(
                    out,
                    "{}",
                    table(&["ID", "DUE", "PERSON", "APP", "DONE", "WHAT"], &rows)
                )?;
                Ok(Exit::Ok)
            })
        }
    }
}
