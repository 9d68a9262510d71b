//! `labpath parse "MLS (ASCP)CM, NYS licensed"`: which catalog credentials a
//! credential string names.

use std::io::Write;

use labpath_engine::aliases::{self, MatchKind};
use labpath_engine::catalog::Catalog;

use crate::cli::Format;
use crate::{Exit, Failure};

/// Arguments of `labpath parse`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The credential string, as written after a name.
    pub text: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Runs `labpath parse`; a part that names nothing known is bad input.
pub fn run(catalog: &Catalog, args: &Args, out: &mut dyn Write) -> Result<Exit, Failure> {
    let parts = aliases::parse(catalog, &args.text);
    if parts.is_empty() {
        return Err(Failure::BadInput(
            "error: the credential string is empty".to_owned(),
        ));
    }
    if args.format == Format::Json {
        crate::json::write(out, &parts)?;
    } else {
        for part in &parts {
            writeln!(out, "`{}`", part.input)?;
            if part.matches.is_empty() {
                writeln!(out, "  not recognised")?;
            }
            for m in &part.matches {
                let how = match m.how {
                    MatchKind::Name => "name",
                    MatchKind::FormerName => "former name",
                    MatchKind::Term => "glossary term",
                    MatchKind::StateLicense => "state license",
                };
                writeln!(
                    out,
                    "  {} = {} ({}) [{how}]",
                    m.credential.id, m.credential.abbreviation, m.credential.name
                )?;
                if let Some(note) = &m.note {
                    writeln!(out, "    {note}")?;
                }
            }
            if part.maintenance_suffix {
                // The meaning of the suffix is a catalog fact, kept in the glossary.
                let term = catalog.glossary().iter().find(|t| {
                    t.term.eq_ignore_ascii_case("CM")
                        || t.aliases.iter().any(|a| a.eq_ignore_ascii_case("CM"))
                });
                match term {
                    Some(t) => writeln!(out, "  CM: {}", t.meaning)?,
                    None => writeln!(
                        out,
                        "  CM: a maintenance suffix (the catalog's glossary has no entry for it)"
                    )?,
                }
            }
        }
    }
    let unknown: Vec<&str> = parts
        .iter()
        .filter(|p| p.matches.is_empty())
        .map(|p| p.input.as_str())
        .collect();
    if unknown.is_empty() {
        Ok(Exit::Ok)
    } else {
        Err(Failure::BadInput(format!(
            "error: not recognised: {}; `labpath credentials` lists the known credentials",
            unknown
                .iter()
                .map(|u| format!("`{u}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )))
    }
}
