//! `labpath credentials`: the catalog's credentials, filtered by body, state
//! or kind. For a state that does not license laboratory personnel it says
//! so explicitly.

use std::io::Write;

use labpath_catalog::diag::suggest;
use labpath_engine::catalog::Catalog;
use labpath_engine::units::Code;

use crate::cli::Format;
use crate::render::table;
use crate::{Exit, Failure};

/// Arguments of `labpath credentials`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only credentials issued by this body (e.g. ascp-boc, cdph-lfs).
    #[arg(long, value_name = "BODY")]
    pub body: Option<String>,
    /// Only credentials of this state or territory (two-letter code).
    #[arg(long, value_name = "XX")]
    pub state: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Runs `labpath credentials`.
pub fn run(catalog: &Catalog, args: &Args, out: &mut dyn Write) -> Result<Exit, Failure> {
    if let Some(body) = &args.body {
        if catalog.body(body).is_none() {
            let hint = suggest(body, catalog.bodies().iter().map(|b| b.id.as_str()))
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            return Err(Failure::BadInput(format!(
                "error: --body: unknown body `{body}`{hint}"
            )));
        }
    }
    let state = match &args.state {
        None => None,
        Some(text) => {
            let code =
                Code::parse(text).map_err(|e| Failure::BadInput(format!("error: --state: {e}")))?;
            let Some(j) = catalog.jurisdiction(code) else {
                return Err(Failure::BadInput(format!(
                    "error: --state: `{code}` is not a US state or territory in the catalog"
                )));
            };
            Some(j)
        }
    };
    let chosen: Vec<_> = catalog
        .credentials()
        .iter()
        .filter(|c| args.body.as_deref().is_none_or(|b| c.body.as_str() == b))
        .filter(|c| state.is_none_or(|j| c.jurisdiction == Some(j.code)))
        .collect();
    if args.format == Format::Json {
        crate::json::write(
            out,
            &serde_json::json!({
                "jurisdiction": state,
                "credentials": chosen,
            }),
        )?;
        return Ok(Exit::Ok);
    }
    if let Some(j) = state {
        writeln!(out, "{} ({}): {}\n", j.name, j.code, j.summary)?;
        if !j.licenses_personnel {
            return Ok(Exit::Ok);
        }
    }
    let rows: Vec<Vec<String>> = chosen
        .iter()
        .map(|c| {
            vec![
                c.id.to_string(),
                c.abbreviation.clone(),
                c.kind.label().to_owned(),
                c.body.to_string(),
                c.routes.len().to_string(),
                c.name.clone(),
            ]
        })
        .collect();
    write!(
        out,
        "{}",
        table(
            &["ID", "ABBREVIATION", "KIND", "BODY", "ROUTES", "NAME"],
            &rows
        )
    )?;
    writeln!(
        out,
        "\n{} credentials. Details: labpath explain ID",
        chosen.len()
    )?;
    Ok(Exit::Ok)
}
