//! `labpath status`: for one person or everyone, what is lapsing first (the
//! deadline model's red and amber deadlines: renewals and expiries of held
//! credentials, application limits, promises, reminders, each with what
//! clears it), then what is overdue, due soon and to do, most urgent first,
//! each with the numbers behind it and the next escalation step with its
//! source. People are named.

use std::collections::HashMap;
use std::io::Write;

use labpath_engine::catalog::Catalog;
use labpath_store::agenda::Alert;
use labpath_store::ids::PersonId;
use labpath_store::stall::Urgency;
use labpath_views::deadlines::{Deadline, days};

use super::store::{app_failure, id, local, with_store};
use crate::cli::{Cli, Format};
use crate::render::provenance_lines;
use crate::{Exit, Failure};

/// Arguments of `labpath status`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only this person (default: everyone).
    #[arg(long)]
    pub person: Option<String>,
    /// Judge as of this day (YYYY-MM-DD; default today).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Runs `labpath status`.
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
    let today = super::as_of(args.as_of.as_deref())?;
    with_store(cli, async |store| {
        let app = labpath_app::App::new(catalog, store);
        let agenda = labpath_app::agenda::status(&app, &local(), person, today)
            .await
            .map_err(|e| app_failure(e, |_| None))?;
        if args.format == Format::Json {
            crate::json::write(
                out,
                &serde_json::json!({
                    "as_of": today,
                    "lapsing": agenda.lapsing,
                    "alerts": agenda.alerts,
                }),
            )?;
            return Ok(Exit::Ok);
        }
        let names: HashMap<PersonId, &str> = agenda
            .people
            .iter()
            .map(|p| (p.id, p.name.as_str()))
            .collect();
        let lapsing = &agenda.lapsing;
        let alerts = agenda.other_alerts();
        let open = agenda.open_applications();
        if alerts.is_empty() && lapsing.is_empty() {
            writeln!(
                out,
                "as of {today}: nothing lapsing, nothing overdue, nothing due soon ({open} open application{} on track)",
                plural(open)
            )?;
            return Ok(Exit::Ok);
        }
        writeln!(
            out,
            "as of {today}: {open} open application{}",
            plural(open)
        )?;
        if !lapsing.is_empty() {
            writeln!(out, "\nLAPSING ({})", lapsing.len())?;
            for d in lapsing {
                write_lapse(catalog, d, out)?;
            }
        }
        for urgency in [Urgency::Overdue, Urgency::DueSoon, Urgency::ToDo] {
            let group: Vec<&&Alert> = alerts.iter().filter(|a| a.urgency == urgency).collect();
            if group.is_empty() {
                continue;
            }
            writeln!(
                out,
                "\n{} ({})",
                urgency.label().to_uppercase(),
                group.len()
            )?;
            for alert in group {
                let name = names.get(&alert.person).copied().unwrap_or("?");
                write_alert(catalog, name, alert, out)?;
            }
        }
        if alerts.iter().any(|a| a.urgency == Urgency::ToDo) {
            writeln!(
                out,
                "\na document that does not apply to you: labpath doc update APP KEY --status not_needed"
            )?;
        }
        Ok(Exit::Ok)
    })
}

/// One lapsing deadline: how urgent, whose, what, where it stands, what
/// clears it, what a lapse means and the rule's source.
fn write_lapse(catalog: &Catalog, d: &Deadline, out: &mut dyn Write) -> Result<(), Failure> {
    let label = d.severity.map_or("", |s| s.label());
    writeln!(
        out,
        "- {label}: {}: {} ({})",
        d.person_name,
        d.title,
        days(d.days_left)
    )?;
    writeln!(out, "  {}", d.what)?;
    writeln!(out, "  to do: {}", d.action)?;
    if let Some(lapse) = &d.lapse {
        writeln!(out, "  if it lapses: {lapse}")?;
    }
    if let Some(p) = &d.provenance {
        write!(out, "{}", provenance_lines(p, catalog, "  "))?;
    }
    Ok(())
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn write_alert(
    catalog: &Catalog,
    name: &str,
    alert: &Alert,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    if alert.urgency == Urgency::ToDo {
        // One line each: the document says what to get, from whom.
        writeln!(out, "- {name}, {}: {}", alert.subject, alert.what)?;
        return Ok(());
    }
    writeln!(out, "- {name}, {}", alert.subject)?;
    writeln!(out, "  {}", alert.what)?;
    if let Some(next) = &alert.next {
        writeln!(out, "  next (due {}): {}", next.due, next.action)?;
        if let Some(how) = &next.how {
            writeln!(out, "    how: {how}")?;
        }
        if let Some(p) = &next.provenance {
            write!(out, "{}", provenance_lines(p, catalog, "    "))?;
        }
    }
    Ok(())
}
