//! `labpath catalog check [DIR]`: validates a catalog folder (or the built-in
//! catalog) and reports every problem with file, line and field.
//! `labpath catalog stats [DIR]`: the catalog's health report (how its facts
//! are sourced, routes that can never pass, credentials never eligible, fees
//! without an amount, estimated durations, old facts).
//! `labpath catalog diff` and `labpath catalog impact` are in
//! `catalog_diff` and `catalog_impact`.

use std::io::Write;
use std::path::PathBuf;

use labpath_engine::catalog::Catalog;
use labpath_views::health::{Health, STALE_AFTER_YEARS};

use super::as_of;
use crate::cli::{Cli, Format};
use crate::render::wrap;
use crate::{Exit, Failure};

/// Catalog subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum CatalogCommand {
    /// Validate a catalog: schema errors, dangling references, facts without provenance.
    Check {
        /// The catalog folder; default: `--catalog`, else the built-in catalog.
        dir: Option<PathBuf>,
    },
    /// The catalog's health: facts by confidence and area, routes that can
    /// never pass and why, credentials never eligible, fees without an
    /// amount, estimated durations, old facts.
    Stats {
        /// The catalog folder; default: `--catalog`, else the built-in catalog.
        dir: Option<PathBuf>,
        /// Read routes in force on this day (YYYY-MM-DD); default today.
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// What changed between two catalog folders: parts added or removed,
    /// requirement clauses (old → new), fees, step durations, sources and
    /// as-of dates, other fields.
    Diff(super::catalog_diff::Args),
    /// Who a new catalog folder affects: every stored person evaluated
    /// under the current catalog and the new one; those whose status, what
    /// they miss or a closing day changes, with the route and the clause.
    Impact(super::catalog_impact::Args),
}

/// Runs a catalog subcommand.
pub fn run(cli: &Cli, sub: &CatalogCommand, out: &mut dyn Write) -> Result<Exit, Failure> {
    match sub {
        CatalogCommand::Check { dir } => {
            let (name, catalog) = load(cli, dir.as_ref())?;
            check(&name, &catalog, out)
        }
        CatalogCommand::Stats {
            dir,
            as_of: day,
            format,
        } => {
            let day = as_of(day.as_deref())?;
            let (_, catalog) = load(cli, dir.as_ref())?;
            let health = labpath_views::health::report(&catalog, day);
            if *format == Format::Json {
                crate::json::write(out, &health)?;
            } else {
                stats(&health, out)?;
            }
            Ok(Exit::Ok)
        }
        CatalogCommand::Diff(args) => super::catalog_diff::run(args, out),
        CatalogCommand::Impact(args) => {
            super::catalog_impact::run(cli, &super::load_catalog(cli)?, args, out)
        }
    }
}

/// The catalog named by `dir`, else `--catalog`, else the built-in one,
/// with the name messages give it.
fn load(cli: &Cli, dir: Option<&PathBuf>) -> Result<(String, Catalog), Failure> {
    let (name, result) = match dir.or(cli.catalog.as_ref()) {
        Some(d) => (
            d.display().to_string(),
            labpath_catalog::catalog::from_dir(d),
        ),
        None => (labpath_shipped::NAME.to_owned(), labpath_shipped::catalog()),
    };
    Ok((name, result?))
}

fn check(name: &str, catalog: &Catalog, out: &mut dyn Write) -> Result<Exit, Failure> {
    let routes: usize = catalog.credentials().iter().map(|c| c.routes.len()).sum();
    writeln!(
        out,
        "{name}: ok: {} credentials, {routes} routes, {} exams, {} steps, {} goals, {} maintenance rule sets, {} bodies, {} jurisdictions, {} glossary terms, {} sources",
        catalog.credentials().len(),
        catalog.exams().len(),
        catalog.steps().len(),
        catalog.goals().len(),
        catalog.maintenance().len(),
        catalog.bodies().len(),
        catalog.jurisdictions().len(),
        catalog.glossary().len(),
        catalog.sources().len()
    )?;
    Ok(Exit::Ok)
}

/// The health report as text, within 100 columns.
fn stats(h: &Health, out: &mut dyn Write) -> Result<(), Failure> {
    let percent = |n: usize, of: usize| {
        if of == 0 {
            0.0
        } else {
            100.0 * n as f64 / of as f64
        }
    };
    writeln!(
        out,
        "Catalog health on {}: {} credentials, {} routes in force, {} sourced facts",
        h.as_of, h.credentials, h.routes_in_force, h.facts
    )?;
    writeln!(
        out,
        "{:.0}% of facts official; {} routes in force can never pass; {} credentials can never be eligible",
        100.0 * h.official_share,
        h.never_pass.len(),
        h.never_eligible.len()
    )?;
    writeln!(out, "\nFacts by confidence:")?;
    for (confidence, n) in &h.by_confidence {
        writeln!(
            out,
            "  {confidence:<18} {n:>5}  {:>3.0}%",
            percent(*n, h.facts)
        )?;
    }
    writeln!(out, "\nFacts by area (official share):")?;
    for a in &h.by_area {
        writeln!(
            out,
            "  {:<18} {:>5}  {:>3.0}% official",
            a.area,
            a.facts,
            percent(a.official, a.facts)
        )?;
    }
    writeln!(
        out,
        "\nCredentials that can never be eligible ({}):",
        h.never_eligible.len()
    )?;
    for c in &h.never_eligible {
        item(
            out,
            &format!("{} ({}): {}", c.abbreviation, c.credential, c.why),
        )?;
    }
    writeln!(
        out,
        "\nRoutes in force that can never pass ({}), with the rules that stop them:",
        h.never_pass.len()
    )?;
    for r in &h.never_pass {
        item(
            out,
            &format!("{} route {} ({})", r.abbreviation, r.route, r.name),
        )?;
        for u in &r.unconfirmed {
            for (i, line) in wrap(u, 90).iter().enumerate() {
                let mark = if i == 0 { "- " } else { "  " };
                writeln!(out, "      {mark}{line}")?;
            }
        }
    }
    writeln!(
        out,
        "\nFees without an amount ({}):",
        h.fees_without_amount.len()
    )?;
    for g in &h.fees_without_amount {
        item(out, &format!("{}: {}", g.of, g.what))?;
    }
    writeln!(
        out,
        "\nStep durations that are estimates ({}):",
        h.estimated_durations.len()
    )?;
    for g in &h.estimated_durations {
        item(out, &format!("{}: {}", g.of, g.what))?;
    }
    writeln!(
        out,
        "\nFacts older than {STALE_AFTER_YEARS} years ({}), oldest first:",
        h.stale.len()
    )?;
    for d in h.stale.iter().take(20) {
        item(out, &format!("{}  {}", d.as_of, d.at))?;
    }
    if h.stale.len() > 20 {
        writeln!(
            out,
            "    ... and {} more (--format json lists them all)",
            h.stale.len() - 20
        )?;
    }
    writeln!(
        out,
        "\nFacts dated only by the day their sources were read: {}",
        h.dated_by_reading_only
    )?;
    Ok(())
}

/// A list item wrapped to 100 columns.
fn item(out: &mut dyn Write, text: &str) -> Result<(), Failure> {
    for (i, line) in wrap(text, 94).iter().enumerate() {
        let mark = if i == 0 { "  - " } else { "    " };
        writeln!(out, "{mark}{line}")?;
    }
    Ok(())
}
