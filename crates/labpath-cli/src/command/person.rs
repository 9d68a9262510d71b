//! `labpath person add|import|edit|show|list`: the people the tracker
//! follows, each with a profile (the documented profile format) whose every
//! version is kept; `import` adds an agency's CSV of them at once.

use std::io::Write;
use std::path::PathBuf;

use labpath_engine::catalog::Catalog;
use labpath_store::Store;
use labpath_store::ids::PersonId;
use labpath_store::ops;

use super::store::{actor, app_failure, failure, file_failure, id, local, with_store};
use crate::cli::{Cli, Format};
use crate::render::table;
use crate::{Exit, Failure};

/// Person subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum PersonCommand {
    /// Add a person, optionally with a profile file.
    Add {
        /// Name or label.
        name: String,
        /// A profile file (TOML or JSON); checked against the catalog.
        #[arg(long, value_name = "FILE")]
        profile: Option<PathBuf>,
    },
    /// Add every person of a CSV file, each with a profile, or no one: a header row names its columns, in any order (name; optional: email, credentials such as "MLS(ASCP)CM, NYS licensed", work_state, citizenship, degree, degree_level, degree_field, degree_country, degree_completed). Every problem is listed with its line and column.
    Import {
        /// The CSV file (UTF-8, at most 5,000 people).
        file: PathBuf,
    },
    /// Rename a person or record a new version of their profile.
    Edit {
        /// The person's id.
        id: String,
        /// The new name.
        #[arg(long)]
        name: Option<String>,
        /// The new profile file (the previous versions are kept).
        #[arg(long, value_name = "FILE")]
        profile: Option<PathBuf>,
    },
    /// Show a person and their profile.
    Show {
        /// The person's id.
        id: String,
        /// A past profile version (default: the latest).
        #[arg(long, value_name = "N")]
        version: Option<u32>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// List people.
    List {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
}

/// Reads and checks a profile file, as JSON for the store.
fn profile_json(path: &std::path::Path, catalog: &Catalog) -> Result<serde_json::Value, Failure> {
    let profile = labpath_catalog::profile::load(path, catalog)?;
    serde_json::to_value(&profile).map_err(|e| Failure::Internal(e.into()))
}

/// Runs a person subcommand.
pub fn run(
    cli: &Cli,
    catalog: &Catalog,
    sub: &PersonCommand,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    match sub {
        PersonCommand::Add { name, profile } => {
            // Read the profile first: a bad file adds nobody.
            let profile = profile
                .as_ref()
                .map(|p| profile_json(p, catalog))
                .transpose()?;
            with_store(cli, async |store| {
                // The person and the profile are one write: a crash leaves
                // both or neither.
                let app = labpath_app::App::new(catalog, store);
                let has_profile = profile.is_some();
                let person = labpath_app::people::add(&app, &local(), name, profile, None)
                    .await
                    .and_then(labpath_app::once::Made::new_only)
                    .map_err(|e| app_failure(e, |_| None))?;
                writeln!(out, "added person {}: {}", person.id, person.name)?;
                if has_profile {
                    writeln!(out, "recorded profile version {}", person.profile_version)?;
                }
                Ok(Exit::Ok)
            })
        }
        PersonCommand::Import { file } => import(cli, catalog, file, out),
        PersonCommand::Edit {
            id: text,
            name,
            profile,
        } => {
            let person: PersonId = id("person", text)?;
            if name.is_none() && profile.is_none() {
                return Err(Failure::BadInput(
                    "error: nothing to change: give --name and/or --profile".to_owned(),
                ));
            }
            let profile = profile
                .as_ref()
                .map(|p| profile_json(p, catalog))
                .transpose()?;
            with_store(cli, async |store| {
                store.person(person).await.map_err(failure)?;
                if let Some(n) = name {
                    let p = ops::rename_person(store, &actor(), person, n)
                        .await
                        .map_err(failure)?;
                    writeln!(out, "person {} is now {}", p.id, p.name)?;
                }
                if let Some(p) = profile {
                    let v = ops::record_profile(store, &actor(), person, p)
                        .await
                        .map_err(failure)?;
                    writeln!(
                        out,
                        "recorded profile version {} of person {person}",
                        v.version
                    )?;
                }
                Ok(Exit::Ok)
            })
        }
        PersonCommand::Show {
            id: text,
            version,
            format,
        } => {
            let person: PersonId = id("person", text)?;
            with_store(cli, async |store| {
                show(store, person, *version, *format, out).await
            })
        }
        PersonCommand::List { format } => with_store(cli, async |store| {
            let people = store.people(None).await.map_err(failure)?;
            if *format == Format::Json {
                crate::json::write(out, &people)?;
                return Ok(Exit::Ok);
            }
            let rows: Vec<Vec<String>> = people
                .iter()
                .map(|p| {
                    vec![
                        p.id.to_string(),
                        p.name.clone(),
                        p.profile_version.to_string(),
                        p.created_at.date().to_string(),
                    ]
                })
                .collect();
            write!(
                out,
                "{}",
                table(&["ID", "NAME", "PROFILE VERSION", "ADDED"], &rows)
            )?;
            Ok(Exit::Ok)
        }),
    }
}

/// Adds the people of a CSV file, all or none, and lists them.
fn import(
    cli: &Cli,
    catalog: &Catalog,
    file: &std::path::Path,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    let name = file.display().to_string();
    // The use case says where the text is not UTF-8, on the line of the
    // file as the other problems are.
    let limit = labpath_catalog::file::Limit {
        bytes: labpath_app::people_csv::MAX_BYTES as u64,
        advice: "split it into smaller files",
    };
    let bytes = labpath_catalog::file::read(file, limit)
        .map_err(|e| Failure::BadInput(format!("error: {e}")))?;
    with_store(cli, async |store| {
        let app = labpath_app::App::new(catalog, store);
        let added = labpath_app::people::import(&app, &local(), &bytes)
            .await
            .map_err(|e| file_failure(&name, e, "no one was added"))?;
        writeln!(
            out,
            "added {} people from {name}, each with a profile:",
            added.len()
        )?;
        let rows: Vec<Vec<String>> = added
            .iter()
            .map(|p| vec![p.id.to_string(), p.name.clone()])
            .collect();
        write!(out, "{}", table(&["ID", "NAME"], &rows))?;
        Ok(Exit::Ok)
    })
}

async fn show(
    store: &dyn Store,
    person: PersonId,
    version: Option<u32>,
    format: Format,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    let p = store.person(person).await.map_err(failure)?;
    let profile = store.profile(person, version).await.map_err(failure)?;
    if let (Some(v), None) = (version, &profile) {
        return Err(Failure::BadInput(format!(
            "error: person {person} has no profile version {v}: the latest is {}",
            p.profile_version
        )));
    }
    if format == Format::Json {
        crate::json::write(out, &serde_json::json!({ "person": p, "profile": profile }))?;
        return Ok(Exit::Ok);
    }
    writeln!(
        out,
        "person {}: {} (added {})",
        p.id,
        p.name,
        p.created_at.date()
    )?;
    match profile {
        None => writeln!(
            out,
            "no profile yet: labpath person edit {} --profile FILE",
            p.id
        )?,
        Some(v) => {
            writeln!(
                out,
                "profile version {} of {}, recorded {}:",
                v.version,
                p.profile_version,
                v.recorded_at.date()
            )?;
            let text = serde_json::to_string_pretty(&v.profile)
                .map_err(|e| Failure::Internal(e.into()))?;
            writeln!(out, "{text}")?;
        }
    }
    Ok(Exit::Ok)
}
