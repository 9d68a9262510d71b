//! `labpath credentials`: the catalog's credentials, filtered by body, state
//! or kind. For a state that does not license laboratory personnel it says
//! so explicitly.

use std::io::Write;

use labpath_app::catalog::{CredentialFilter, Credentials};
use labpath_engine::catalog::Catalog;

use crate::cli::Format;
use crate::command::store::app_failure;
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
    let filter = CredentialFilter {
        body: args.body.as_deref(),
        state: args.state.as_deref(),
    };
    let Credentials {
        jurisdiction: state,
        credentials: chosen,
    } = labpath_app::catalog::credentials(catalog, &filter).map_err(|e| {
        let flag = |field: &str| Some(format!("--{field}"));
        app_failure(e, flag)
    })?;
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
