//! `labpath calendar`: the catalog's deadlines, the routes that close, your
//! reminders and the next escalation steps, as an iCalendar (RFC 5545) file
//! that calendar programs import: all-day events, each with a reminder
//! alarm three days before.

use std::io::Write;
use std::path::PathBuf;

use labpath_engine::catalog::Catalog;
use labpath_engine::units::Date;
use labpath_store::Store;
use labpath_store::agenda::{self, Records};
use labpath_store::ids::PersonId;
use labpath_store::stall::next_action;
use labpath_store::time::Timestamp;

use super::store::{failure, id, with_store};
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

/// One all-day calendar entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Stable across runs, so a re-import updates instead of duplicating.
    pub uid: String,
    /// The day.
    pub day: Date,
    /// The title.
    pub summary: String,
    /// Details.
    pub description: String,
}

/// The entries of a set of records.
pub fn entries(catalog: &Catalog, records: &Records, today: Date) -> Vec<Entry> {
    let mut out: Vec<Entry> = agenda::deadlines(catalog, records, today)
        .into_iter()
        .map(|d| Entry {
            uid: format!("person{}-{}", d.person, d.uid()),
            day: d.due,
            summary: match d.application {
                Some(a) => format!("labpath: application {a}: deadline"),
                None => "labpath: reminder".to_owned(),
            },
            description: d.what,
        })
        .collect();
    for app in records
        .applications
        .iter()
        .filter(|a| a.status.is_waiting())
    {
        let Some(step) = catalog.step(&app.step) else {
            continue;
        };
        if let Some(next) = next_action(app, step, catalog) {
            out.push(Entry {
                uid: format!(
                    "person{}-app{}-next-{}",
                    app.person, app.id, app.contacts_since_waiting
                ),
                day: next.due,
                summary: format!("labpath: application {}: next step", app.id),
                description: match next.how {
                    Some(how) => format!("{}. {how}", next.action),
                    None => next.action,
                },
            });
        }
    }
    out.sort_by(|a, b| (a.day, &a.uid).cmp(&(b.day, &b.uid)));
    out
}

/// Escapes text for an iCalendar value.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets (continuations start with a space),
/// never inside a UTF-8 character, and ends it with CRLF.
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

fn compact(day: Date) -> String {
    day.to_string().replace('-', "")
}

/// The whole calendar file.
pub fn ics(entries: &[Entry], stamp: Timestamp) -> String {
    let stamp = stamp
        .to_string()
        .replace(['-', ':'], "")
        .split('.')
        .next()
        .map(|s| format!("{s}Z"))
        .unwrap_or_default();
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//labpath//tracker//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:labpath",
    ] {
        fold(line, &mut out);
    }
    for e in entries {
        let lines = [
            "BEGIN:VEVENT".to_owned(),
            format!("UID:{}@labpath", escape(&e.uid)),
            format!("DTSTAMP:{stamp}"),
            format!("DTSTART;VALUE=DATE:{}", compact(e.day)),
            format!("DTEND;VALUE=DATE:{}", compact(e.day.succ())),
            format!("SUMMARY:{}", escape(&e.summary)),
            format!("DESCRIPTION:{}", escape(&e.description)),
            "TRANSP:TRANSPARENT".to_owned(),
            "BEGIN:VALARM".to_owned(),
            "ACTION:DISPLAY".to_owned(),
            format!("DESCRIPTION:{}", escape(&e.summary)),
            "TRIGGER:-P3D".to_owned(),
            "END:VALARM".to_owned(),
            "END:VEVENT".to_owned(),
        ];
        for line in &lines {
            fold(line, &mut out);
        }
    }
    fold("END:VCALENDAR", &mut out);
    out
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
        if let Some(p) = person {
            store.person(p).await.map_err(failure)?;
        }
        let records = agenda::load(store, person).await.map_err(failure)?;
        let today = Date::today();
        let mut list = entries(catalog, &records, today);
        list.extend(super::ce::calendar_entries(store, catalog, person, today).await?);
        list.sort_by(|a, b| (a.day, &a.uid).cmp(&(b.day, &b.uid)));
        Ok(ics(&list, Timestamp::now()))
    })?;
    match &args.output {
        Some(path) => {
            std::fs::write(path, &text).map_err(|e| {
                Failure::BadInput(format!(
                    "error: --output: cannot write `{}`: {e}",
                    path.display()
                ))
            })?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_at_75_octets_and_text_is_escaped() {
        let mut out = String::new();
        fold(
            &format!("DESCRIPTION:{}", escape(&"é, x; y\n".repeat(20))),
            &mut out,
        );
        for line in out.split("\r\n") {
            assert!(line.len() <= 75, "{line}");
        }
        assert!(out.contains("\\,") && out.contains("\\;") && out.contains("\\n"));
        let unfolded = out.replace("\r\n ", "");
        assert!(unfolded.starts_with("DESCRIPTION:é\\, x\\; y\\n"));
    }
}
