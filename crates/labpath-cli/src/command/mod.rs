//! One module per subcommand, and what they share: loading the catalog,
//! reading dates and ids given on the command line, and reading a profile
//! from a file or from a person in the tracker.

pub mod app;
pub mod calendar;
pub mod catalog;
pub mod catalog_diff;
pub mod catalog_impact;
pub mod ce;
pub mod check;
pub mod contact;
pub mod credentials;
pub mod data;
pub mod doc;
pub mod explain;
pub mod goals;
pub mod interview;
pub mod parse;
pub mod person;
pub mod plan;
pub mod questions;
pub mod reminder;
pub mod serve;
pub mod status;
pub mod store;

use std::io::Write;

use labpath_catalog::diag::suggest;
use labpath_engine::catalog::{Catalog, Credential};
use labpath_engine::profile::Profile;
use labpath_engine::units::Date;

use crate::cli::{Cli, Command};
use crate::{Exit, Failure};

/// Runs the parsed command; with [`AtEnd::Exit`] the catalog is not freed
/// (the process ends next and its memory goes with it).
pub fn dispatch(cli: &Cli, out: &mut dyn Write, at_end: AtEnd) -> Result<Exit, Failure> {
    match &cli.command {
        Command::Catalog(sub) => return catalog::run(cli, sub, out),
        Command::Export(args) => return data::export(cli, args, out),
        Command::Import(args) => return data::import(cli, args, out),
        Command::Backup(args) => return data::backup(cli, args, out),
        Command::Org(sub) => return serve::run_org(cli, sub, out),
        Command::User(sub) => return serve::run_user(cli, sub, out),
        _ => {}
    }
    let catalog = load_catalog(cli)?;
    if let Command::Serve(args) = &cli.command {
        return serve::run(cli, catalog, args);
    }
    let result = match &cli.command {
        Command::Check(args) => check::run(cli, &catalog, args, out),
        Command::Explain(args) => explain::run(&catalog, args, out),
        Command::Credentials(args) => credentials::run(&catalog, args, out),
        Command::Goals(args) => goals::run(&catalog, args, out),
        Command::Parse(args) => parse::run(&catalog, args, out),
        Command::Plan(args) => plan::run(cli, &catalog, args, out),
        Command::Questions(args) => questions::run(cli, &catalog, args, out),
        Command::Interview(args) => interview::run(cli, &catalog, args, out),
        Command::Person(sub) => person::run(cli, &catalog, sub, out),
        Command::App(sub) => app::run(cli, &catalog, sub, out),
        Command::Contact(sub) => contact::run(cli, &catalog, sub, out),
        Command::Doc(sub) => doc::run(cli, &catalog, sub, out),
        Command::Reminder(sub) => reminder::run(cli, &catalog, sub, out),
        Command::Status(args) => status::run(cli, &catalog, args, out),
        Command::Calendar(args) => calendar::run(cli, &catalog, args, out),
        Command::Ce(sub) => ce::run(cli, &catalog, sub, out),
        Command::Serve(_)
        | Command::Catalog(_)
        | Command::Export(_)
        | Command::Import(_)
        | Command::Backup(_)
        | Command::Org(_)
        | Command::User(_) => Ok(Exit::Ok),
    };
    if at_end == AtEnd::Exit {
        // Freeing the catalog's thousands of values one by one takes a
        // noticeable share of a short command's run (`check` among them).
        std::mem::forget(catalog);
    }
    result
}

/// What becomes of the catalog when a command is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AtEnd {
    /// It is freed: the caller goes on (tests, benchmarks).
    Drop,
    /// It is left to the end of the process, which comes next (the binary).
    Exit,
}

/// The catalog named by `--catalog`, or the built-in one.
pub fn load_catalog(cli: &Cli) -> Result<Catalog, Failure> {
    match &cli.catalog {
        Some(dir) => Ok(labpath_catalog::catalog::from_dir(dir)?),
        None => Ok(labpath_shipped::catalog()?),
    }
}

/// Reads `--as-of`, defaulting to today.
pub fn as_of(text: Option<&str>) -> Result<Date, Failure> {
    match text {
        None => Ok(Date::today()),
        Some(t) => Date::parse(t).map_err(|e| Failure::BadInput(format!("error: --as-of: {e}"))),
    }
}

/// A credential by id, or a bad-input error with a suggestion (none for
/// a text too long to be an id).
pub fn find_credential<'c>(
    catalog: &'c Catalog,
    id: &str,
    flag: &str,
) -> Result<&'c Credential, Failure> {
    labpath_engine::limits::id(flag, id)
        .map_err(|e| Failure::BadInput(format!("error: {flag}: {}", e.message)))?;
    catalog.credential(id).ok_or_else(|| {
        let ids = catalog.credentials().iter().map(|c| c.id.as_str());
        let hint = match suggest(id, ids) {
            Some(s) => format!(" (did you mean `{s}`?)"),
            None => " (run `labpath credentials` for the list)".to_owned(),
        };
        Failure::BadInput(format!("error: {flag}: unknown credential `{id}`{hint}"))
    })
}

/// Where a command reads its profile: `PROFILE` (a file) or `--person ID`
/// (their latest stored version), exactly one of them.
#[derive(Debug, clap::Args)]
pub struct ProfileSource {
    /// The profile file (TOML, or JSON when it ends in `.json`).
    #[arg(required_unless_present = "person", conflicts_with = "person")]
    pub profile: Option<std::path::PathBuf>,
    /// A person in the tracker: their latest profile version.
    #[arg(long, value_name = "ID")]
    pub person: Option<String>,
}

impl ProfileSource {
    /// The profile it names.
    pub fn read(&self, cli: &Cli, catalog: &Catalog) -> Result<Profile, Failure> {
        profile_of(
            cli,
            catalog,
            self.profile.as_deref(),
            self.person.as_deref(),
        )
    }

    /// How it was named on the command line, for a hint that repeats the
    /// command.
    pub fn as_written(&self) -> String {
        match (&self.profile, &self.person) {
            (Some(path), _) => path.display().to_string(),
            (None, Some(id)) => format!("--person {id}"),
            (None, None) => String::new(),
        }
    }
}

/// A profile from a file, or a person's latest stored version (`--person`).
pub fn profile_of(
    cli: &Cli,
    catalog: &Catalog,
    file: Option<&std::path::Path>,
    person: Option<&str>,
) -> Result<Profile, Failure> {
    match (file, person) {
        (Some(path), _) => Ok(labpath_catalog::profile::load(path, catalog)?),
        (None, Some(id)) => {
            let id = store::id("--person", id)?;
            store::with_store(cli, async |store| {
                latest_profile(store, catalog, id).await?.ok_or_else(|| {
                    Failure::BadInput(format!(
                        "error: --person: person {id} has no profile yet: labpath person edit {id} --profile FILE"
                    ))
                })
            })
        }
        (None, None) => Err(Failure::BadInput(
            "error: give a profile file or --person ID".to_owned(),
        )),
    }
}

/// A person's latest profile version, read and checked against the
/// catalog; `None` when they have none yet.
pub async fn latest_profile(
    store: &dyn labpath_store::Store,
    catalog: &Catalog,
    person: labpath_store::ids::PersonId,
) -> Result<Option<Profile>, Failure> {
    let Some(version) = store.profile(person, None).await.map_err(store::failure)? else {
        return Ok(None);
    };
    let name = format!("person {person}, profile version {}", version.version);
    stored_profile(catalog, &name, &version.profile).map(Some)
}

/// A profile document as the store keeps it (JSON), read and checked like
/// a file named `name`.
pub fn stored_profile(
    catalog: &Catalog,
    name: &str,
    doc: &serde_json::Value,
) -> Result<Profile, Failure> {
    Ok(labpath_catalog::profile::from_document(name, doc, catalog)?)
}
