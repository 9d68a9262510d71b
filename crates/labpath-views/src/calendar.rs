//! The tracker's calendar: the catalog's deadlines, the routes that close,
//! reminders, the next escalation steps and credential renewals, as
//! iCalendar (RFC 5545) text that calendar programs import: all-day
//! events, each with a reminder alarm three days before. Pure: the use case
//! (`labpath_app::calendar`) reads the records; `labpath calendar` writes
//! the text to a file, the server serves it per person and as a feed.

use labpath_engine::catalog::Catalog;
use labpath_engine::compliance::CredentialCompliance;
use labpath_engine::units::Date;
use labpath_store::agenda::{self, Records};
use labpath_store::ids::PersonId;
use labpath_store::stall::next_action;
use labpath_store::time::Timestamp;

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

/// Calendar entries for one person's renewals, from their compliance on
/// a day: the opening and closing of each declaration window and each
/// cycle's deadline, with what is still missing.
pub fn renewals(p: PersonId, compliance: &[CredentialCompliance<'_>]) -> Vec<Entry> {
    let mut out = Vec::new();
    for c in compliance {
        let Some(a) = &c.assessment else { continue };
        let standing = if a.met {
            "continuing education complete".to_owned()
        } else {
            format!("{} {} still missing", a.missing, c.rules.unit)
        };
        let uid = format!("person{p}-ce-{}-{}-{}", c.credential.id, c.rules.id, a.end);
        if let Some((opens, closes)) = a.window {
            out.push(Entry {
                uid: format!("{uid}-window-opens"),
                day: opens,
                summary: format!(
                    "labpath: {} renewal declaration opens",
                    c.credential.abbreviation
                ),
                description: format!(
                    "{}: declare between {opens} and {closes}; {standing}.",
                    c.rules.name
                ),
            });
            out.push(Entry {
                uid: format!("{uid}-window-closes"),
                day: closes,
                summary: format!(
                    "labpath: {} renewal declaration closes",
                    c.credential.abbreviation
                ),
                description: format!(
                    "{}: last day of the declaration window; {standing}.",
                    c.rules.name
                ),
            });
        }
        out.push(Entry {
            uid: format!("{uid}-expires"),
            day: a.end,
            summary: format!("labpath: {} expires", c.credential.abbreviation),
            description: format!(
                "{}: end of the cycle {} to {}; {standing}.",
                c.rules.name, a.start, a.end
            ),
        });
    }
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
