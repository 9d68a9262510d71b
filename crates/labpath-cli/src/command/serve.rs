//! `labpath serve`: the web app. With no arguments it runs in local mode:
//! 127.0.0.1, the SQLite store in the data directory, no login. With
//! `--database-url` it runs in server mode for an organization: accounts
//! required, PostgreSQL (or SQLite) shared by any number of replicas.
//!
//! `labpath org add` creates an organization and its first admin, which
//! server mode needs before it accepts logins.

use std::io::{BufRead, Write};
use std::net::SocketAddr;
use std::time::Duration;

use labpath_engine::catalog::Catalog;
use labpath_notify::MailerConfig;
use labpath_server::serve::{Config, Database, MailSettings, StartError};

use super::store::data_dir;
use crate::cli::Cli;
use crate::{Exit, Failure};

/// The environment variable that carries the database URL.
pub const DATABASE_VAR: &str = "LABPATH_DATABASE_URL";

/// Arguments of `labpath serve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to listen.
    #[arg(long, default_value = "127.0.0.1:8765", value_name = "ADDR:PORT")]
    pub bind: String,
    /// Server mode: postgres://USER@HOST:PORT/DATABASE, or sqlite:DIR
    /// (default: $LABPATH_DATABASE_URL; without either, local mode).
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// Mark session cookies Secure (set it when users reach the server over
    /// HTTPS, e.g. behind a TLS proxy).
    #[arg(long)]
    pub secure_cookies: bool,
    /// Send reminder emails through this SMTP server (HOST:PORT; server
    /// mode, on PostgreSQL or SQLite).
    #[arg(long, value_name = "HOST:PORT")]
    pub smtp: Option<String>,
    /// The sender address of reminder emails.
    #[arg(long, value_name = "EMAIL", default_value = "labpath@localhost")]
    pub smtp_from: String,
    /// How often (seconds) the reminder worker schedules and sends.
    #[arg(long, value_name = "SECONDS", default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub mail_every: u64,
}

/// The database `--database-url` (else `$LABPATH_DATABASE_URL`) names,
/// else the local data directory.
pub fn database(cli: &Cli, flag: Option<&str>) -> Result<Database, Failure> {
    let url = flag.map(str::to_owned).or_else(|| {
        std::env::var(DATABASE_VAR)
            .ok()
            .filter(|s| !s.trim().is_empty())
    });
    match url {
        Some(url) => Database::from_url(&url)
            .map_err(|e| Failure::BadInput(format!("error: --database-url: {e}"))),
        None => Ok(Database::Local(data_dir(cli.data_dir.as_ref(), |k| {
            std::env::var_os(k)
        })?)),
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Internal(e.into()))
}

/// Runs `labpath serve`.
pub fn run(cli: &Cli, catalog: Catalog, args: &Args) -> Result<Exit, Failure> {
    let bind: SocketAddr = args.bind.parse().map_err(|_| {
        Failure::BadInput(format!(
            "error: --bind: `{}` is not an address and port, e.g. 127.0.0.1:8765",
            args.bind
        ))
    })?;
    let database = database(cli, args.database_url.as_deref())?;
    let mail = match &args.smtp {
        None => None,
        Some(server) => {
            let (host, port) = server
                .rsplit_once(':')
                .and_then(|(h, p)| p.parse::<u16>().ok().map(|p| (h, p)))
                .ok_or_else(|| {
                    Failure::BadInput(format!(
                        "error: --smtp: `{server}` is not HOST:PORT, e.g. mail.example.org:25"
                    ))
                })?;
            Some(MailSettings {
                smtp: MailerConfig::new(host, port, &args.smtp_from),
                every: Duration::from_secs(args.mail_every),
            })
        }
    };
    let worker = format!(
        "{}-{}",
        std::env::var("HOSTNAME").unwrap_or_else(|_| "labpath".to_owned()),
        std::process::id()
    );
    let config = Config {
        bind,
        database,
        catalog,
        secure_cookies: args.secure_cookies,
        mail,
        worker,
    };
    runtime()?
        .block_on(labpath_server::run(config))
        .map_err(|e| match e {
            StartError::Refused(m) => Failure::BadInput(format!("error: {m}")),
            StartError::Database(e) => Failure::BadInput(format!("error: the database: {e}")),
            StartError::Listen { addr, error } => {
                Failure::BadInput(format!("error: cannot listen on {addr}: {error}"))
            }
        })?;
    Ok(Exit::Ok)
}

/// `labpath org` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum OrgCommand {
    /// Create an organization and its first admin. The password is read
    /// from $LABPATH_ADMIN_PASSWORD, else from the first line of standard
    /// input.
    Add(OrgAddArgs),
}

/// Arguments of `labpath org add`.
#[derive(Debug, clap::Args)]
pub struct OrgAddArgs {
    /// The organization's name.
    pub name: String,
    /// The admin's login email.
    #[arg(long, value_name = "EMAIL")]
    pub admin_email: String,
    /// The admin's display name.
    #[arg(long, value_name = "NAME", default_value = "Administrator")]
    pub admin_name: String,
    /// The database (as for `labpath serve`).
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
}

/// The `labpath org add` flag of a refused field.
fn org_flag(field: &str) -> Option<String> {
    let flag = match field {
        "organization" => "NAME",
        "email" => "--admin-email",
        "name" => "--admin-name",
        "password" => "the password ($LABPATH_ADMIN_PASSWORD)",
        _ => return None,
    };
    Some(flag.to_owned())
}

/// Runs `labpath org`.
pub fn run_org(cli: &Cli, command: &OrgCommand, out: &mut dyn Write) -> Result<Exit, Failure> {
    let OrgCommand::Add(args) = command;
    let database = database(cli, args.database_url.as_deref())?;
    if database == Database::Local(data_dir(cli.data_dir.as_ref(), |k| std::env::var_os(k))?)
        && args.database_url.is_none()
        && std::env::var(DATABASE_VAR).is_err()
    {
        return Err(Failure::BadInput(
            "error: organizations are for server mode: give --database-url (or $LABPATH_DATABASE_URL)".to_owned(),
        ));
    }
    let password = match std::env::var("LABPATH_ADMIN_PASSWORD") {
        Ok(p) if !p.is_empty() => p,
        _ => {
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(|e| Failure::BadInput(format!("error: reading the password: {e}")))?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    let (org, user) = runtime()?.block_on(async {
        let opened = labpath_server::serve::open(&database)
            .await
            .map_err(|e| Failure::BadInput(format!("error: the database: {e}")))?;
        let admin = labpath_app::accounts::FirstAdmin {
            email: args.admin_email.clone(),
            name: args.admin_name.clone(),
            password,
        };
        labpath_app::accounts::create_organization(&*opened.db, &args.name, admin)
            .await
            .map_err(|e| super::store::app_failure(e, org_flag))
    })?;
    writeln!(
        out,
        "organization {} `{}` created; admin {} <{}> can log in",
        org.id, org.name, user.id, user.email
    )?;
    Ok(Exit::Ok)
}
