//! `labpath catalog diff OLD_DIR NEW_DIR`: what changed between two catalog
//! folders (both loaded and checked by the catalog loader), from
//! `labpath_app::catalog_diff`: parts added or removed, requirement clauses
//! (old → new), fees, step durations, sources and as-of dates, and every
//! other field. Text within 100 columns, or `--format json`.

use std::io::Write;
use std::path::{Path, PathBuf};

use labpath_engine::units::Money;
use labpath_views::catalog_diff::{CatalogDiff, FieldChange, Presence};

use crate::cli::Format;
use crate::{Exit, Failure};

/// Arguments of `labpath catalog diff`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The catalog folder before the change.
    pub old: PathBuf,
    /// The catalog folder after it.
    pub new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Runs `labpath catalog diff`.
pub fn run(args: &Args, out: &mut dyn Write) -> Result<Exit, Failure> {
    let old = load(&args.old)?;
    let new = load(&args.new)?;
    let diff = labpath_app::catalog_diff::diff(&old, &new);
    if args.format == Format::Json {
        crate::json::write(out, &diff)?;
    } else {
        human(&args.old, &args.new, &diff, out)?;
    }
    Ok(Exit::Ok)
}

/// A catalog folder, or every problem the loader finds in it.
fn load(dir: &Path) -> Result<labpath_engine::catalog::Catalog, Failure> {
    Ok(labpath_catalog::catalog::from_dir(dir)?)
}

fn human(old: &Path, new: &Path, d: &CatalogDiff, out: &mut dyn Write) -> Result<(), Failure> {
    let (old, new) = (old.display(), new.display());
    if d.is_empty() {
        writeln!(out, "{old} and {new} say the same: no changes")?;
        return Ok(());
    }
    writeln!(out, "Changes from {old} to {new}:")?;
    let clauses: usize = d.rules.iter().map(|r| r.clauses.len()).sum();
    let changed = [
        count(clauses, "requirement clause", "requirement clauses"),
        count(d.fees.len(), "fee", "fees"),
        count(d.durations.len(), "step duration", "step durations"),
        count(d.sources.len(), "source or date", "sources or dates"),
        count(d.other.len(), "other field", "other fields"),
    ];
    block(out, "", "", &format!("changed: {}", changed.join(", ")))?;
    let added = [
        count(d.items.len(), "part", "parts"),
        count(d.routes.len(), "route", "routes"),
    ];
    writeln!(out, "added or removed: {}", added.join(", "))?;
    if !d.items.is_empty() {
        writeln!(out, "\nAdded or removed ({}):", d.items.len())?;
        for i in &d.items {
            let text = format!("{} {} {} ({})", i.change.label(), i.area, i.id, i.name);
            block(out, "  - ", "    ", &text)?;
        }
    }
    if !d.routes.is_empty() {
        writeln!(out, "\nRoutes added or removed ({}):", d.routes.len())?;
        for r in &d.routes {
            let text = format!(
                "{} {} ({}) {} ({})",
                r.change.label(),
                r.abbreviation,
                r.credential,
                r.name,
                r.route
            );
            block(out, "  - ", "    ", &text)?;
        }
    }
    rules(d, out)?;
    if !d.fees.is_empty() {
        writeln!(out, "\nFees ({}):", d.fees.len())?;
        for f in &d.fees {
            let change = match f.change {
                Some(Presence::Added) => format!("added: {}", amount(f.new)),
                Some(Presence::Removed) => format!("removed (was {})", amount(f.old)),
                None => format!("{} → {}", amount(f.old), amount(f.new)),
            };
            let text = format!("{} {} ({}), {}: {change}", f.area, f.name, f.id, f.fee);
            block(out, "  - ", "    ", &text)?;
        }
    }
    if !d.durations.is_empty() {
        writeln!(
            out,
            "\nStep durations, in days (shortest-likely-longest) ({}):",
            d.durations.len()
        )?;
        for c in &d.durations {
            let days = |d: &labpath_views::catalog_diff::Days| {
                format!("{}-{}-{} ({})", d.min, d.likely, d.max, d.basis)
            };
            let text = format!(
                "{} ({}): {} → {}",
                c.name,
                c.step,
                days(&c.old),
                days(&c.new)
            );
            block(out, "  - ", "    ", &text)?;
        }
    }
    fields("Sources and dates", &d.sources, out)?;
    fields("Other fields", &d.other, out)?;
    Ok(())
}

fn rules(d: &CatalogDiff, out: &mut dyn Write) -> Result<(), Failure> {
    if d.rules.is_empty() {
        return Ok(());
    }
    let clauses: usize = d.rules.iter().map(|r| r.clauses.len()).sum();
    let routes = count(d.rules.len(), "route", "routes");
    writeln!(out, "\nRequirement clauses ({clauses}, in {routes}):")?;
    for r in &d.rules {
        let route = format!(
            "{} ({}) {} ({}):",
            r.abbreviation, r.credential, r.name, r.route
        );
        block(out, "  - ", "    ", &route)?;
        for c in &r.clauses {
            let at = if c.at.is_empty() {
                "the top clause".to_owned()
            } else {
                c.at.clone()
            };
            let what = match (&c.old, &c.new, c.fields.is_empty()) {
                (None, Some(_), _) => format!("{at}: {} added", c.kind),
                (Some(_), None, _) => format!("{at}: {} removed", c.kind),
                (_, _, true) => format!("{at}: {}", c.kind),
                (_, _, false) => {
                    let fields: Vec<String> = c
                        .fields
                        .iter()
                        .map(|f| format!("{} {} → {}", f.at, f.old, f.new))
                        .collect();
                    format!("{at}: {} {}", c.kind, fields.join("; "))
                }
            };
            block(out, "      ", "        ", &what)?;
            if let Some(old) = &c.old {
                block(out, "        was: ", "             ", old)?;
            }
            if let Some(new) = &c.new {
                block(out, "        now: ", "             ", new)?;
            }
        }
    }
    Ok(())
}

fn fields(title: &str, changes: &[FieldChange], out: &mut dyn Write) -> Result<(), Failure> {
    if changes.is_empty() {
        return Ok(());
    }
    writeln!(out, "\n{title} ({}):", changes.len())?;
    for c in changes {
        block(out, "  - ", "    ", &format!("{}:", c.at))?;
        block(out, "      was: ", "           ", &c.old)?;
        block(out, "      now: ", "           ", &c.new)?;
    }
    Ok(())
}

/// `1 fee`, `2 fees`.
fn count(n: usize, one: &str, more: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { more })
}

fn amount(m: Option<Money>) -> String {
    m.map_or_else(|| "no amount".to_owned(), |m| m.to_string())
}

/// `text` wrapped within 100 columns, the first line after `first`, the
/// others after `rest` (as wide); a word longer than a line (a URL) is cut.
pub fn block(out: &mut dyn Write, first: &str, rest: &str, text: &str) -> Result<(), Failure> {
    let width = 100 - first.chars().count();
    let mut lines = Vec::new();
    for line in crate::render::wrap(text, width) {
        let chars: Vec<char> = line.chars().collect();
        lines.extend(chars.chunks(width).map(|c| c.iter().collect::<String>()));
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    for (i, line) in lines.iter().enumerate() {
        let lead = if i == 0 { first } else { rest };
        writeln!(out, "{lead}{line}")?;
    }
    Ok(())
}
