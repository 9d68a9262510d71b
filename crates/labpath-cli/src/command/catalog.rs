//! `labpath catalog check [DIR]`: validates a catalog folder (or the built-in
//! catalog) and reports every problem with file, line and field.

use std::io::Write;
use std::path::PathBuf;

use crate::cli::Cli;
use crate::{Exit, Failure};

/// Catalog subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum CatalogCommand {
    /// Validate a catalog: schema errors, dangling references, facts without provenance.
    Check {
        /// The catalog folder; default: `--catalog`, else the built-in catalog.
        dir: Option<PathBuf>,
    },
}

/// Runs a catalog subcommand.
pub fn run(cli: &Cli, sub: &CatalogCommand, out: &mut dyn Write) -> Result<Exit, Failure> {
    let CatalogCommand::Check { dir } = sub;
    let (name, result) = match dir.as_ref().or(cli.catalog.as_ref()) {
        Some(d) => (
            d.display().to_string(),
            labpath_catalog::catalog::from_dir(d),
        ),
        None => (
            "built-in catalog".to_owned(),
            labpath_catalog::catalog::embedded(),
        ),
    };
    let catalog = result?;
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
