//! `labpath goals`: the catalog's named goals, what `plan --goal` and
//! `questions --goal` take, with the state each implies.

use std::io::Write;

use labpath_engine::catalog::Catalog;

use crate::cli::Format;
use crate::render::wrap;
use crate::{Exit, Failure};

/// Arguments of `labpath goals`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Runs `labpath goals`.
pub fn run(catalog: &Catalog, args: &Args, out: &mut dyn Write) -> Result<Exit, Failure> {
    let goals = catalog.goals();
    if args.format == Format::Json {
        crate::json::write(out, &goals)?;
        return Ok(Exit::Ok);
    }
    // The id on its line and the name under it: names are long, and the
    // list stays readable in a narrow terminal.
    for g in goals {
        match g.work_state {
            Some(state) => writeln!(out, "{} ({state})", g.id)?,
            None => writeln!(out, "{}", g.id)?,
        }
        for line in wrap(&g.name, 96) {
            writeln!(out, "    {line}")?;
        }
    }
    writeln!(
        out,
        "\n{} goals: `labpath plan PROFILE --goal GOAL` plans one (credential ids joined by\ncommas or `+` name a goal of your own)",
        goals.len()
    )?;
    Ok(Exit::Ok)
}
