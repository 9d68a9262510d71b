//! `labpath ce`: the continuing-education log and compliance.
//!
//! - `ce add` logs one activity (with its certificate, stored by content
//!   hash; a duplicate certificate is refused);
//! - `ce import` logs a CSV of activities, all checked before any is stored;
//! - `ce list` shows the log; `ce remove` withdraws an entry (the history
//!   keeps it);
//! - `ce status` shows every held credential's cycle: points earned, each
//!   category minimum met or short by how much, the deadline, the
//!   declaration window and the renewal fees;
//! - `ce audit-pack` writes a zip with the certificates and a summary an
//!   auditor can read.

use std::io::Write;
use std::path::PathBuf;

use labpath_app::App;
use labpath_engine::catalog::Catalog;
use labpath_engine::maintenance::{Activity, CategoryId, Credit};
use labpath_store::attachment::CheckedFile;
use labpath_store::ce::LoggedActivity;
use labpath_store::ids::{EventId, PersonId};
use labpath_views::audit_pack::write_assessment;

use super::doc::read_files;
use super::store::{app_failure, day, file_failure, id, local, with_store};
use crate::cli::{Cli, Format};
use crate::render::table;
use crate::{Exit, Failure};

/// CE subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum CeCommand {
    /// Log one activity.
    Add(AddArgs),
    /// Log every activity of a CSV file: a header row names its columns, in any order (title, date, unit, amount; optional: provider, accreditation, categories, certificate, a file next to the CSV).
    Import {
        /// The person's id.
        #[arg(long)]
        person: String,
        /// The CSV file.
        file: PathBuf,
    },
    /// List a person's activities.
    List {
        /// The person's id.
        #[arg(long)]
        person: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Withdraw an activity logged by mistake (the history keeps it).
    Remove {
        /// The person's id.
        #[arg(long)]
        person: String,
        /// The activity's id (`labpath ce list`).
        activity: String,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// Compliance of every held credential that has renewal rules.
    Status {
        /// The person's id.
        #[arg(long)]
        person: String,
        /// Assess as of this day (default today).
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Write a zip with the certificates and a summary for one credential.
    AuditPack {
        /// The person's id.
        #[arg(long)]
        person: String,
        /// The credential id.
        credential: String,
        /// The zip file to write.
        file: PathBuf,
        /// The cycle containing this day (default today).
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
    },
}

/// Arguments of `labpath ce add`.
#[derive(Debug, clap::Args)]
#[command(allow_negative_numbers = true)]
pub struct AddArgs {
    /// The person's id.
    #[arg(long)]
    pub person: String,
    /// Title of the activity.
    #[arg(long)]
    pub title: String,
    /// Day completed (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub date: String,
    /// Contact hours.
    #[arg(long, group = "credit", value_name = "N")]
    pub hours: Option<f64>,
    /// Academic semester hours.
    #[arg(long, group = "credit", value_name = "N")]
    pub semester_hours: Option<f64>,
    /// Academic quarter hours.
    #[arg(long, group = "credit", value_name = "N")]
    pub quarter_hours: Option<f64>,
    /// A category it covers (repeatable): safety, blood_banking, chemistry, ...
    #[arg(long = "category", value_name = "CATEGORY")]
    pub categories: Vec<String>,
    /// Provider.
    #[arg(long)]
    pub provider: Option<String>,
    /// Accreditation (e.g. P.A.C.E.).
    #[arg(long)]
    pub accreditation: Option<String>,
    /// The certificate file (PDF, PNG or JPEG).
    #[arg(long, value_name = "FILE")]
    pub certificate: Option<PathBuf>,
}

/// Runs a CE subcommand.
pub fn run(
    cli: &Cli,
    catalog: &Catalog,
    sub: &CeCommand,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    match sub {
        CeCommand::Add(args) => add(cli, catalog, args, out),
        CeCommand::Import { person, file } => import(cli, catalog, person, file, out),
        CeCommand::List { person, format } => list(cli, catalog, person, *format, out),
        CeCommand::Remove {
            person,
            activity,
            reason,
        } => {
            let person: PersonId = id("person", person)?;
            let activity: EventId = id("activity", activity)?;
            with_store(cli, async |store| {
                let app = App::new(catalog, store);
                labpath_app::ce::withdraw(&app, &local(), person, activity, reason)
                    .await
                    .map_err(|e| app_failure(e, flag))?;
                writeln!(out, "withdrew activity {activity} (the history keeps it)")?;
                Ok(Exit::Ok)
            })
        }
        CeCommand::Status {
            person,
            as_of,
            format,
        } => status(cli, catalog, person, as_of.as_deref(), *format, out),
        CeCommand::AuditPack {
            person,
            credential,
            file,
            as_of,
        } => audit_pack(
            cli,
            catalog,
            person,
            credential,
            file,
            as_of.as_deref(),
            out,
        ),
    }
}

/// The flag of a use case's field, for `ce add`.
fn flag(field: &str) -> Option<String> {
    let flag = match field {
        "date" => "--date",
        "credit" => "--hours",
        "certificate" => "--certificate",
        "reason" => "--reason",
        f if f.starts_with("categories") => "--category",
        _ => return None,
    };
    Some(flag.to_owned())
}

fn categories(names: &[String], flag: &str) -> Result<Vec<CategoryId>, Failure> {
    names
        .iter()
        .map(|n| {
            CategoryId::new(n.trim()).map_err(|e| Failure::BadInput(format!("error: {flag}: {e}")))
        })
        .collect()
}

fn credit(
    hours: Option<f64>,
    semester: Option<f64>,
    quarter: Option<f64>,
    place: &str,
) -> Result<Credit, Failure> {
    let c = match (hours, semester, quarter) {
        (Some(h), None, None) => Credit::ContactHours(h),
        (None, Some(h), None) => Credit::SemesterHours(h),
        (None, None, Some(h)) => Credit::QuarterHours(h),
        _ => {
            return Err(Failure::BadInput(format!(
                "error: {place}: give the credit as one of --hours, --semester-hours or --quarter-hours"
            )));
        }
    };
    if !(c.amount().is_finite() && c.amount() > 0.0) {
        return Err(Failure::BadInput(format!(
            "error: {place}: hours must be more than zero, got `{}`",
            c.amount()
        )));
    }
    Ok(c)
}

/// Reads certificate files: the tracker's size and type checks, and a
/// certificate must be a document or an image, not plain text.
fn certificates(paths: &[PathBuf]) -> Result<Vec<CheckedFile>, Failure> {
    let files = read_files(paths, "--certificate")?;
    for f in &files {
        labpath_store::ce::check_certificate(f)
            .map_err(|e| Failure::BadInput(format!("error: --certificate: {e}")))?;
    }
    Ok(files)
}

fn add(cli: &Cli, catalog: &Catalog, args: &AddArgs, out: &mut dyn Write) -> Result<Exit, Failure> {
    let person: PersonId = id("person", &args.person)?;
    let activity = Activity {
        title: args.title.trim().to_owned(),
        provider: args.provider.clone(),
        accreditation: args.accreditation.clone(),
        date: day("--date", Some(&args.date))?,
        credit: credit(
            args.hours,
            args.semester_hours,
            args.quarter_hours,
            "the activity",
        )?,
        categories: categories(&args.categories, "--category")?,
        certificate: None,
    };
    let file = certificates(args.certificate.as_slice())?
        .into_iter()
        .next();
    with_store(cli, async |store| {
        let app = App::new(catalog, store);
        let logged = labpath_app::ce::add(&app, &local(), person, activity, file, None)
            .await
            .and_then(labpath_app::once::Made::new_only)
            .map_err(|e| app_failure(e, flag))?;
        writeln!(
            out,
            "logged activity {}: {} on {}",
            logged.id, logged.activity.title, logged.activity.date
        )?;
        Ok(Exit::Ok)
    })
}

/// An import's certificates: the files next to the CSV, by the names its
/// lines give.
struct NextTo(PathBuf);

impl labpath_app::ce::Certificates for NextTo {
    fn take(&mut self, name: &str) -> Result<CheckedFile, String> {
        super::doc::read_file(&self.0.join(name), name)
    }

    fn unnamed(&self) -> Vec<String> {
        Vec::new()
    }
}

fn import(
    cli: &Cli,
    catalog: &Catalog,
    person: &str,
    file: &PathBuf,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    let person: PersonId = id("person", person)?;
    let name = file.display().to_string();
    let bytes = std::fs::read(file)
        .map_err(|e| Failure::BadInput(format!("error: {name}: cannot read: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        Failure::BadInput(format!(
            "error: {name}: the file is not UTF-8 text: save it as CSV (UTF-8)"
        ))
    })?;
    let mut next_to = NextTo(file.parent().map(PathBuf::from).unwrap_or_default());
    with_store(cli, async |store| {
        let app = App::new(catalog, store);
        let logged = labpath_app::ce::import(&app, &local(), person, &name, &text, &mut next_to)
            .await
            .map_err(|e| file_failure(&name, e, "nothing was logged"))?;
        writeln!(
            out,
            "logged {} activities for person {person}",
            logged.len()
        )?;
        Ok(Exit::Ok)
    })
}

fn credit_text(c: Credit) -> String {
    match c {
        Credit::ContactHours(h) => format!("{h} contact h"),
        Credit::SemesterHours(h) => format!("{h} semester h"),
        Credit::QuarterHours(h) => format!("{h} quarter h"),
    }
}

fn list(
    cli: &Cli,
    catalog: &Catalog,
    person: &str,
    format: Format,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    let person: PersonId = id("person", person)?;
    with_store(cli, async |store| {
        let app = App::new(catalog, store);
        let log = labpath_app::ce::log(&app, &local(), person)
            .await
            .map_err(|e| app_failure(e, flag))?;
        if format == Format::Json {
            crate::json::write(out, &log)?;
            return Ok(Exit::Ok);
        }
        let rows: Vec<Vec<String>> = log
            .iter()
            .map(|a: &LoggedActivity| {
                let x = &a.activity;
                vec![
                    a.id.to_string(),
                    x.date.to_string(),
                    credit_text(x.credit),
                    x.categories
                        .iter()
                        .map(CategoryId::as_str)
                        .collect::<Vec<_>>()
                        .join(", "),
                    if x.certificate.is_some() { "yes" } else { "no" }.to_owned(),
                    x.title.clone(),
                ]
            })
            .collect();
        write!(
            out,
            "{}",
            table(
                &["ID", "DATE", "CREDIT", "CATEGORIES", "CERTIFICATE", "TITLE"],
                &rows
            )
        )?;
        writeln!(out, "\n{} activities", log.len())?;
        Ok(Exit::Ok)
    })
}

fn status(
    cli: &Cli,
    catalog: &Catalog,
    person: &str,
    as_of: Option<&str>,
    format: Format,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    let person: PersonId = id("person", person)?;
    let as_of = super::as_of(as_of)?;
    with_store(cli, async |store| {
        let app = App::new(catalog, store);
        let status = labpath_app::ce::status(&app, &local(), person, as_of)
            .await
            .map_err(|e| app_failure(e, flag))?;
        if format == Format::Json {
            crate::json::write(out, &status.view(catalog))?;
            return Ok(Exit::Ok);
        }
        let (result, log) = (&status.credentials, &status.log);
        if result.is_empty() {
            writeln!(
                out,
                "person {person} holds no credential with renewal rules in the catalog"
            )?;
        }
        for (c, renewal) in result.iter().zip(&status.renewals) {
            write_assessment(c, log, out)?;
            if let Some(d) = renewal {
                let urgency = d.severity.map(|s| format!(" ({})", s.label()));
                writeln!(out, "  verdict: {}{}", d.what, urgency.unwrap_or_default())?;
                writeln!(out, "  to do: {}", d.action)?;
            }
            writeln!(out)?;
        }
        Ok(Exit::Ok)
    })
}

fn audit_pack(
    cli: &Cli,
    catalog: &Catalog,
    person: &str,
    credential: &str,
    file: &PathBuf,
    as_of: Option<&str>,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    let person: PersonId = id("person", person)?;
    let credential = super::find_credential(catalog, credential, "CREDENTIAL")?;
    let as_of = super::as_of(as_of)?;
    with_store(cli, async |store| {
        let app = App::new(catalog, store);
        // Written beside the target and moved over it when whole: a pack
        // that fails half-way leaves no half file, and no earlier pack lost.
        let cannot = |e: &dyn std::fmt::Display| {
            Failure::BadInput(format!("error: cannot write `{}`: {e}", file.display()))
        };
        let dir = match file.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => std::path::Path::new("."),
        };
        let partial = tempfile::NamedTempFile::new_in(dir).map_err(|e| cannot(&e))?;
        let (partial, certificates) =
            labpath_app::ce::audit_pack(&app, &local(), person, credential, as_of, partial)
                .await
                .map_err(|e| app_failure(e, |_| None))?;
        partial.persist(file).map_err(|e| cannot(&e.error))?;
        writeln!(
            out,
            "wrote {} ({certificates} certificates)",
            file.display()
        )?;
        Ok(Exit::Ok)
    })
}
