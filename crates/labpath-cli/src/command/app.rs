//! `labpath app new|list|show|update|history`: applications created from a
//! catalog step, their status (draft, submitted, under review, decided),
//! the body's reference number, and the whole story from the event log.

use std::io::Write;
use std::path::PathBuf;

use labpath_app::App;
use labpath_app::applications::{self, ApplicationView};
use labpath_engine::catalog::Catalog;
use labpath_store::event::{Change, Event};
use labpath_store::ids::{ApplicationId, PersonId};
use labpath_store::model::{Application, ApplicationsFilter, Window};
use labpath_store::status::AppStatus;

use super::store::{app_failure, day, id, local, text, with_store};
use crate::cli::{Cli, Format};
use crate::render::table;
use crate::{Exit, Failure};

/// Application subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum AppCommand {
    /// Create an application from a catalog step, with the step's documents as its checklist.
    New {
        /// The person's id.
        #[arg(long)]
        person: String,
        /// The catalog step, e.g. ny-clt-apply.
        #[arg(long)]
        step: String,
        /// The body's reference number, if you have one.
        #[arg(long)]
        reference: Option<String>,
    },
    /// List applications.
    List {
        /// Only this person's.
        #[arg(long)]
        person: Option<String>,
        /// Only those not decided.
        #[arg(long)]
        open: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Show an application: status, checklist, contacts, attachments.
    Show {
        /// The application's id.
        id: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Change an application's status or reference, or attach files.
    Update {
        /// The application's id.
        id: String,
        /// The new status: draft, submitted, under_review, approved, denied, withdrawn, abandoned.
        #[arg(long)]
        status: Option<String>,
        /// The day it happened (YYYY-MM-DD; default today).
        #[arg(long, value_name = "DATE")]
        on: Option<String>,
        /// A note on the change.
        #[arg(long)]
        note: Option<String>,
        /// The body's reference number.
        #[arg(long)]
        reference: Option<String>,
        /// A file to attach (receipt, letter, certificate); repeatable.
        #[arg(long, value_name = "FILE")]
        attach: Vec<PathBuf>,
    },
    /// The whole story of an application: every change, who made it and when.
    History {
        /// The application's id.
        id: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
}

/// Runs an application subcommand.
pub fn run(
    cli: &Cli,
    catalog: &Catalog,
    sub: &AppCommand,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    match sub {
        AppCommand::New {
            person,
            step,
            reference,
        } => {
            let person: PersonId = id("--person", person)?;
            with_store(cli, async |store| {
                let app = App::new(catalog, store);
                let reference = text(reference.as_ref());
                let state =
                    applications::open(&app, &local(), person, step, reference.as_deref(), None)
                        .await
                        .and_then(labpath_app::once::Made::new_only)
                        .map_err(|e| app_failure(e, flag))?;
                let id = state.application.id;
                writeln!(
                    out,
                    "created application {id}: {} ({} documents on the checklist)",
                    state.application.title,
                    state.checklist.len()
                )?;
                writeln!(
                    out,
                    "next: labpath app update {id} --status submitted --on YYYY-MM-DD"
                )?;
                Ok(Exit::Ok)
            })
        }
        AppCommand::List {
            person,
            open,
            format,
        } => {
            let filter = ApplicationsFilter {
                person: person.as_deref().map(|p| id("--person", p)).transpose()?,
                open_only: *open,
                ..ApplicationsFilter::default()
            };
            with_store(cli, async |store| {
                let app = App::new(catalog, store);
                let apps = applications::list(&app, &local(), &filter, Window::ALL)
                    .await
                    .map_err(|e| app_failure(e, |_| None))?;
                list(&apps.items, *format, out)
            })
        }
        AppCommand::Show { id: app, format } => {
            let id: ApplicationId = id("app", app)?;
            with_store(cli, async |store| {
                let app = App::new(catalog, store);
                let view = applications::show(&app, &local(), id)
                    .await
                    .map_err(|e| app_failure(e, |_| None))?;
                show(&view, catalog, *format, out)
            })
        }
        AppCommand::Update {
            id: app,
            status,
            on,
            note,
            reference,
            attach,
        } => update(cli, catalog, app, status, on, note, reference, attach, out),
        AppCommand::History { id: app, format } => {
            let id: ApplicationId = id("app", app)?;
            with_store(cli, async |store| {
                let app = App::new(catalog, store);
                let events = applications::history(&app, &local(), id, None, Window::ALL)
                    .await
                    .map_err(|e| app_failure(e, |_| None))?;
                history(&events.items, *format, out)
            })
        }
    }
}

/// The flag of a use case's field, for `app new`.
fn flag(field: &str) -> Option<String> {
    match field {
        "step" => Some("--step".to_owned()),
        _ => None,
    }
}

#[allow(
    clippy::too_many_arguments,
    reason = "the flags of `app update`, each read here"
)]
fn update(
    cli: &Cli,
    catalog: &Catalog,
    app: &str,
    status: &Option<String>,
    on: &Option<String>,
    note: &Option<String>,
    reference: &Option<String>,
    attach: &[PathBuf],
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    let id: ApplicationId = id("app", app)?;
    let status: Option<AppStatus> = status
        .as_deref()
        .map(|s| {
            s.parse()
                .map_err(|e| Failure::BadInput(format!("error: --status: {e}")))
        })
        .transpose()?;
    let on = day("--on", on.as_deref())?;
    let files = super::doc::read_files(attach, "--attach")?;
    if status.is_none() && reference.is_none() && files.is_empty() {
        return Err(Failure::BadInput(
            "error: nothing to change: give --status, --reference and/or --attach".to_owned(),
        ));
    }
    let change = applications::Change {
        status,
        on,
        note: text(note.as_ref()),
        reference: text(reference.as_ref()),
        attach: files,
    };
    with_store(cli, async |store| {
        let app = App::new(catalog, store);
        let changed = applications::update(&app, &local(), id, change)
            .await
            .map_err(|e| app_failure(e, |_| None))?;
        let a = &changed.state.application;
        if status.is_some() {
            writeln!(
                out,
                "application {id} is now {} (since {})",
                a.status, a.status_on
            )?;
        }
        if let Some(r) = text(reference.as_ref()) {
            writeln!(out, "application {id} reference: {r}")?;
        }
        for f in &changed.attached {
            writeln!(
                out,
                "attached {} ({}, {} bytes)",
                f.file.name, f.file.media_type, f.file.size
            )?;
        }
        Ok(Exit::Ok)
    })
}

fn list(apps: &[Application], format: Format, out: &mut dyn Write) -> Result<Exit, Failure> {
    if format == Format::Json {
        crate::json::write(out, &apps)?;
        return Ok(Exit::Ok);
    }
    let rows: Vec<Vec<String>> = apps
        .iter()
        .map(|a| {
            vec![
                a.id.to_string(),
                a.person.to_string(),
                a.step.clone(),
                a.status.to_string(),
                a.status_on.to_string(),
                a.reference.clone().unwrap_or_default(),
            ]
        })
        .collect();
    write!(
        out,
        "{}",
        table(
            &["ID", "PERSON", "STEP", "STATUS", "SINCE", "REFERENCE"],
            &rows
        )
    )?;
    Ok(Exit::Ok)
}

fn show(
    view: &ApplicationView,
    catalog: &Catalog,
    format: Format,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    if format == Format::Json {
        crate::json::write(out, view)?;
        return Ok(Exit::Ok);
    }
    let contacts = &view.contacts;
    let attachments = &view.attachments;
    let a = &view.application;
    writeln!(out, "application {}: {}", a.id, a.title)?;
    writeln!(out, "person {}, step {}", a.person, a.step)?;
    if let Some(body) = a.body.as_deref().and_then(|b| catalog.body(b)) {
        writeln!(out, "body: {}", body.name)?;
    }
    writeln!(out, "status: {} since {}", a.status, a.status_on)?;
    if let Some(r) = &a.reference {
        writeln!(out, "reference: {r}")?;
    }
    if let Some(s) = a.waiting_since {
        writeln!(
            out,
            "waiting since {s} ({} contacts since)",
            a.contacts_since_waiting
        )?;
    }
    writeln!(out, "\nchecklist:")?;
    let rows: Vec<Vec<String>> = view
        .checklist
        .iter()
        .map(|i| {
            let detail = [
                i.requested_from.as_ref().map(|w| format!("from {w}")),
                i.method.as_ref().map(|m| format!("by {m}")),
                i.tracking.as_ref().map(|t| format!("tracking {t}")),
                i.reason.as_ref().map(|r| format!("reason: {r}")),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ");
            vec![
                i.key.clone(),
                i.status.to_string(),
                i.status_on.map(|d| d.to_string()).unwrap_or_default(),
                i.sender.label().to_owned(),
                if detail.is_empty() {
                    i.name.clone()
                } else {
                    format!("{} ({detail})", i.name)
                },
            ]
        })
        .collect();
    write!(
        out,
        "{}",
        table(&["DOCUMENT", "STATUS", "SINCE", "SENT BY", "WHAT"], &rows)
    )?;
    if !contacts.is_empty() {
        writeln!(out, "\ncontacts:")?;
        for c in contacts {
            let e = &c.entry;
            writeln!(
                out,
                "  {} {} {}: {}{}",
                e.on,
                e.channel.as_str(),
                e.with.as_deref().unwrap_or(""),
                e.summary,
                e.promised
                    .map(|p| format!(" (promised by {p})"))
                    .unwrap_or_default()
            )?;
        }
    }
    if !attachments.is_empty() {
        writeln!(out, "\nattachments:")?;
        for f in attachments {
            writeln!(
                out,
                "  {} {} ({}, {} bytes){}",
                f.recorded_at.date(),
                f.file.name,
                f.file.media_type,
                f.file.size,
                f.file
                    .document
                    .as_ref()
                    .map(|d| format!(" for `{d}`"))
                    .unwrap_or_default()
            )?;
        }
    }
    Ok(Exit::Ok)
}

/// One line of history in plain words.
pub fn describe(event: &Event) -> String {
    match &event.change {
        Change::PersonAdded { name, .. } => format!("person added: {name}"),
        Change::PersonRenamed { name } => format!("renamed to {name}"),
        Change::OwnerSet { owner: Some(user) } => format!("made user {user} responsible"),
        Change::OwnerSet { owner: None } => "no one responsible any more".to_owned(),
        Change::ProfileRecorded { version, .. } => format!("profile version {version} recorded"),
        Change::ApplicationCreated(d) => format!(
            "created from step {} ({} documents)",
            d.step,
            d.checklist.len()
        ),
        Change::StatusChanged { from, to, on, note } => format!(
            "status {from} -> {to} on {on}{}",
            note.as_ref().map(|n| format!(": {n}")).unwrap_or_default()
        ),
        Change::ReferenceSet { reference } => format!("reference set to {reference}"),
        Change::DocumentChanged(d) => {
            let extra = [
                d.requested_from.as_ref().map(|w| format!("from {w}")),
                d.method.as_ref().map(|m| format!("by {m}")),
                d.tracking.as_ref().map(|t| format!("tracking {t}")),
                d.reason.as_ref().map(|r| format!("reason: {r}")),
                d.note.clone(),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>();
            format!(
                "document `{}` {} -> {} on {}{}",
                d.key,
                d.from,
                d.to,
                d.on,
                if extra.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", extra.join(", "))
                }
            )
        }
        Change::ContactLogged(c) => format!(
            "{} {} on {}{}: {}",
            c.channel.as_str(),
            c.with
                .as_deref()
                .map(|w| format!("with {w}"))
                .unwrap_or_else(|| "logged".to_owned()),
            c.on,
            c.promised
                .map(|p| format!(", promised by {p}"))
                .unwrap_or_default(),
            c.summary
        ),
        Change::AttachmentAdded(a) => {
            format!("attached {} ({}, {} bytes)", a.name, a.media_type, a.size)
        }
        Change::ReminderSet { due, what } => format!("reminder for {due}: {what}"),
        Change::ReminderDone { reminder, on } => format!("reminder {reminder} done on {on}"),
        Change::CeActivityLogged(a) => format!("CE activity logged: {} on {}", a.title, a.date),
        Change::CeActivityRemoved { activity, reason } => {
            format!("CE activity {activity} withdrawn: {reason}")
        }
        Change::CeImportStarted { file, activities } => {
            format!("CE import of {activities} activities from {file} started")
        }
        Change::CeActivityImported { import, activity } => format!(
            "CE activity imported (import {import}): {} on {}",
            activity.title, activity.date
        ),
        Change::CeImportEnded {
            import,
            abandoned: None,
        } => format!("CE import {import} completed"),
        Change::CeImportEnded {
            import,
            abandoned: Some(why),
        } => format!("CE import {import} abandoned, nothing logged: {why}"),
    }
}

fn history(events: &[Event], format: Format, out: &mut dyn Write) -> Result<Exit, Failure> {
    if format == Format::Json {
        crate::json::write(out, &events)?;
        return Ok(Exit::Ok);
    }
    let rows: Vec<Vec<String>> = events
        .iter()
        .map(|e| {
            vec![
                e.id.to_string(),
                e.at.to_string(),
                e.actor.clone(),
                describe(e),
            ]
        })
        .collect();
    write!(
        out,
        "{}",
        table(&["EVENT", "RECORDED", "BY", "WHAT"], &rows)
    )?;
    Ok(Exit::Ok)
}
