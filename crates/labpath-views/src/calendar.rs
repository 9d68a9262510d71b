//! The tracker's calendar: every deadline of the deadline model (renewals
//! with their declaration windows, expiries, application limits, routes
//! that close, promises, reminders) and the next escalation steps, as
//! iCalendar (RFC 5545) text that calendar programs import: all-day
//! events, each with a reminder alarm three days before. Pure: the use case
//! (`labpath_app::calendar`) reads the records and makes the deadlines;
//! `labpath calendar` writes the text to a file, the server serves it per
//! person and as a feed.

use labpath_engine::catalog::Catalog;
use labpath_engine::units::Date;
use labpath_store::agenda::Records;
use labpath_store::stall::next_action;
use labpath_store::time::Timestamp;

use crate::deadlines::{Deadline, provenance_lines};

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

/// The entries of the deadlines (`labpath_app::deadlines`): one per day
/// of each (a renewal's window opening and closing and its expiry), titled
/// with what happens, described with where it stands, what to do and the
/// source of the rule. `named` puts the person's name first, for a
/// calendar of several people.
pub fn deadline_entries(catalog: &Catalog, deadlines: &[Deadline], named: bool) -> Vec<Entry> {
    let mut out = Vec::new();
    for d in deadlines {
        let mut description = format!("{}.\nWhat to do: {}.", d.what, d.action);
        if let Some(lapse) = &d.lapse {
            description.push_str(&format!("\nIf it lapses: {lapse}"));
        }
        if let Some(p) = &d.provenance {
            description.push('\n');
            description.push_str(&provenance_lines(p, catalog, ""));
        }
        for m in &d.milestones {
            out.push(Entry {
                uid: if m.id.is_empty() {
                    d.key.clone()
                } else {
                    format!("{}-{}", d.key, m.id)
                },
                day: m.day,
                summary: if named {
                    format!("{}: {}", d.person_name, m.title)
                } else {
                    m.title.clone()
                },
                description: description.trim_end().to_owned(),
            });
        }
    }
    out
}

/// The next escalation step of each application that waits on its body.
pub fn next_steps(catalog: &Catalog, records: &Records) -> Vec<Entry> {
    let mut out = Vec::new();
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
