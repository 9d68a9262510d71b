//! `labpath reminder add|done|list`: reminders you set yourself, for a
//! person or one of their applications. They appear in `labpath status`
//! and `labpath calendar` beside the catalog's deadlines.

use std::io::Write;

use labpath_app::{App, reminders};
use labpath_engine::catalog::Catalog;
use labpath_store::ids::{EventId, PersonId};
use labpath_store::model::{Reminder, Window};

use super::store::{app_failure, day, id, local, with_store};
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
pub fn run(
    cli: &Cli,
    catalog: &Catalog,
    sub: &ReminderCommand,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    match sub {
        ReminderCommand::Add {
            person,
            app,
            on,
            what,
        } => {
            let new = reminders::NewReminder {
                person: person.as_deref().map(|p| id("--person", p)).transpose()?,
                application: app.as_deref().map(|a| id("--app", a)).transpose()?,
                due: day("--on", Some(on))?,
                what: what.clone(),
            };
            if new.person.is_none() && new.application.is_none() {
                return Err(Failure::BadInput(
                    "error: give --person ID or --app ID: whose reminder is it?".to_owned(),
                ));
            }
            with_store(cli, async |store| {
                let app = App::new(catalog, store);
                let r = reminders::add(&app, &local(), new, None)
                    .await
                    .and_then(labpath_app::once::Made::new_only)
                    .map_err(|e| app_failure(e, flag))?;
                writeln!(out, "reminder {} set for {}: {}", r.id, r.due, r.what)?;
                Ok(Exit::Ok)
            })
        }
        ReminderCommand::Done { id: r, on } => {
            let r: EventId = id("reminder", r)?;
            let on = day("--on", on.as_deref())?;
            with_store(cli, async |store| {
                let app = App::new(catalog, store);
                let done = reminders::done(&app, &local(), r, on)
                    .await
                    .map_err(|e| app_failure(e, |_| None))?;
                writeln!(out, "reminder {} done on {on}: {}", done.id, done.what)?;
                Ok(Exit::Ok)
            })
        }
        ReminderCommand::List { person, format } => {
            let person: Option<PersonId> =
                person.as_deref().map(|p| id("--person", p)).transpose()?;
            with_store(cli, async |store| {
                let app = App::new(catalog, store);
                let reminders = reminders::list(&app, &local(), person, Window::ALL)
                    .await
                    .map_err(|e| app_failure(e, |_| None))?;
                list(&reminders.items, *format, out)
            })
        }
    }
}

/// The flag of a use case's field, for `reminder add`.
fn flag(field: &str) -> Option<String> {
    let flag = match field {
        "what" => "--what",
        "application" => "--app",
        _ => return None,
    };
    Some(flag.to_owned())
}

fn list(reminders: &[Reminder], format: Format, out: &mut dyn Write) -> Result<Exit, Failure> {
    if format == Format::Json {
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
}
