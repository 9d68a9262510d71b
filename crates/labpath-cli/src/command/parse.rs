//! `labpath parse "MLS (ASCP)CM, NYS licensed"`: which catalog credentials a
//! credential string names.

use std::io::Write;

use labpath_engine::aliases::MatchKind;
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
    let parsed = labpath_app::catalog::parse(catalog, &args.text)
        .map_err(|e| Failure::BadInput(format!("error: {}", e.message)))?;
    if args.format == Format::Json {
        crate::json::write(out, &parsed.parts)?;
    } else {
        for part in &parsed.parts {
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
            if let (true, Some(meaning)) = (part.maintenance_suffix, parsed.suffix_meaning) {
                writeln!(out, "  CM: {meaning}")?;
            }
        }
    }
    let unknown = parsed.unknown();
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
