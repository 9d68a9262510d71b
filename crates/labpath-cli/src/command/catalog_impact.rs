//! `labpath catalog impact NEW_DIR`: who a new catalog affects. Every
//! stored person with a profile is evaluated under the current catalog
//! (`--catalog`, else the built-in one) and under NEW_DIR, and those whose
//! answers change are listed with the credential, the route and the clause
//! (`labpath_app::impact`). On the local data directory by default; with
//! `--database-url URL --org ID`, on a server's database as that
//! organization's staff see it (the server itself cannot take a catalog
//! folder in a request, so the operator runs this beside it).

use std::io::Write;
use std::path::PathBuf;

use labpath_engine::catalog::Catalog;
use labpath_engine::eval::Outcome;
use labpath_server::serve::Database;
use labpath_store::accounts::Role;
use labpath_store::ids::{OrgId, PersonId};
use labpath_views::impact::{ClauseImpact, CredentialImpact, ImpactView, PersonImpact};

use super::catalog_diff::block;
use super::store::{app_failure, block_on, failure, id};
use crate::cli::{Cli, Format};
use crate::render::mark;
use crate::{Exit, Failure};

/// Arguments of `labpath catalog impact`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The new catalog folder.
    pub new: PathBuf,
    /// Only this person.
    #[arg(long, value_name = "ID")]
    pub person: Option<String>,
    /// Read both catalogs and the profiles as of this day (YYYY-MM-DD);
    /// default today.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// A server's database (postgres://... or sqlite:DIR; default:
    /// $LABPATH_DATABASE_URL; without either, the local data directory).
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// With a server's database: the organization whose people to evaluate.
    #[arg(long, value_name = "ID")]
    pub org: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Runs `labpath catalog impact` with `current`, the catalog in use.
pub fn run(
    cli: &Cli,
    current: &Catalog,
    args: &Args,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    let as_of = super::as_of(args.as_of.as_deref())?;
    let person: Option<PersonId> = args
        .person
        .as_deref()
        .map(|p| id("--person", p))
        .transpose()?;
    let org: Option<OrgId> = args.org.as_deref().map(|o| id("--org", o)).transpose()?;
    let database = super::serve::database(cli, args.database_url.as_deref())?;
    let org = match (&database, org) {
        (Database::Local(dir), None) => {
            if !dir.join(labpath_store_sqlite::DB_FILE).is_file() {
                return Err(Failure::BadInput(format!(
                    "error: no records in {}: nothing to evaluate (give --data-dir DIR, or --database-url URL --org ID for a server's)",
                    dir.display()
                )));
            }
            None
        }
        (Database::Local(_), Some(_)) => {
            return Err(Failure::BadInput(
                "error: --org: organizations are for server mode: give --database-url too"
                    .to_owned(),
            ));
        }
        (_, None) => {
            return Err(Failure::BadInput(
                "error: --org: a server's database holds organizations: say whose people to evaluate with --org ID".to_owned(),
            ));
        }
        (_, Some(org)) => Some(org),
    };
    let new = labpath_catalog::catalog::from_dir(&args.new)?;
    let view = block_on(async {
        let opened = labpath_server::serve::open(&database)
            .await
            .map_err(failure)?;
        let app = labpath_app::App::new(current, &*opened.db).with_accounts(&*opened.db);
        let who = match org {
            None => super::store::local(),
            Some(org) => {
                let flag = |f: &str| (f == "org").then(|| "--org".to_owned());
                labpath_store::Accounts::organization(&*opened.db, org)
                    .await
                    .map_err(|e| app_failure(labpath_app::AppError::from(e).at("org"), flag))?;
                labpath_app::Principal {
                    scope: labpath_app::Scope::Org(org),
                    role: Some(Role::Staff),
                    actor: format!("operator {}", super::store::actor()),
                }
            }
        };
        labpath_app::impact::report(&app, &new, &who, person, as_of)
            .await
            .map_err(|e| app_failure(e, |_| None))
    })?;
    if args.format == Format::Json {
        crate::json::write(out, &view)?;
    } else {
        let current = match &cli.catalog {
            Some(dir) => dir.display().to_string(),
            None => "the built-in catalog".to_owned(),
        };
        human(&view, &current, &args.new.display().to_string(), out)?;
    }
    Ok(Exit::Ok)
}

fn human(v: &ImpactView, current: &str, new: &str, out: &mut dyn Write) -> Result<(), Failure> {
    let heading = format!(
        "{new} against {current}, as of {}: {} of {} people with a profile affected{}",
        v.as_of,
        v.affected.len(),
        v.evaluated,
        match v.without_profile {
            0 => String::new(),
            n => format!(" ({n} without a profile)"),
        }
    );
    block(out, "", "", &heading)?;
    for p in &v.affected {
        person(p, out)?;
    }
    if !v.unreadable.is_empty() {
        let names: Vec<String> = v
            .unreadable
            .iter()
            .map(|p| format!("{} (person {})", p.name, p.person))
            .collect();
        writeln!(out)?;
        let text = format!(
            "Stored profiles the current catalog no longer reads, not evaluated (record corrected ones): {}",
            names.join(", ")
        );
        block(out, "", "", &text)?;
    }
    Ok(())
}

fn person(p: &PersonImpact, out: &mut dyn Write) -> Result<(), Failure> {
    writeln!(out)?;
    block(out, "", "  ", &format!("{} (person {}):", p.name, p.person))?;
    if let Some(refused) = &p.refused {
        let text = format!("the new catalog does not read the stored profile: {refused}");
        block(out, "  ", "  ", &text)?;
    }
    for c in &p.credentials {
        credential(c, out)?;
    }
    Ok(())
}

fn credential(c: &CredentialImpact, out: &mut dyn Write) -> Result<(), Failure> {
    let status = |s: Option<labpath_engine::eval::Status>| {
        s.map_or("not in that catalog", labpath_engine::eval::Status::label)
    };
    let mut text = if c.old == c.new {
        format!(
            "{} ({}): {} (still {})",
            c.abbreviation,
            c.credential,
            c.change.label(),
            status(c.new)
        )
    } else {
        format!(
            "{} ({}): {}: {} → {}",
            c.abbreviation,
            c.credential,
            c.change.label(),
            status(c.old),
            status(c.new)
        )
    };
    if c.old_open_until.is_some() || c.new_open_until.is_some() {
        let day = |d: Option<labpath_engine::units::Date>| {
            d.map_or_else(|| "no closing day".to_owned(), |d| d.to_string())
        };
        text.push_str(&format!(
            "; open until {} → {}",
            day(c.old_open_until),
            day(c.new_open_until)
        ));
    }
    block(out, "  - ", "    ", &text)?;
    for r in &c.routes {
        let text = format!(
            "{} ({}): {} → {}",
            r.name,
            r.route,
            r.old.label(),
            r.new.label()
        );
        block(out, "      ", "        ", &text)?;
        for clause in &r.clauses {
            clause_lines(clause, out)?;
        }
    }
    Ok(())
}

fn clause_lines(c: &ClauseImpact, out: &mut dyn Write) -> Result<(), Failure> {
    let had = |outcome: Option<Outcome>, have: &Option<String>| match (outcome, have) {
        (Some(o), Some(h)) => format!("{} {h}", mark(o)),
        _ => "-".to_owned(),
    };
    match (&c.old_need, &c.new_need) {
        (Some(old), Some(new)) if old == new => block(out, "        - ", "          ", old)?,
        (Some(old), Some(new)) => {
            block(out, "        - was: ", "               ", old)?;
            block(out, "          now: ", "               ", new)?;
        }
        (None, Some(new)) => block(out, "        - new clause: ", "          ", new)?,
        (Some(old), None) => block(out, "        - clause gone: ", "          ", old)?,
        (None, None) => {}
    }
    let have = format!(
        "{} → {}",
        had(c.old_outcome, &c.old_have),
        had(c.new_outcome, &c.new_have)
    );
    block(out, "          ", "          ", &have)
}
