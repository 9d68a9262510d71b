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
    /// A proxy in front of this server (an address, 10.0.0.5, or a network,
    /// 10.0.0.0/8; repeat it for several): the client is then the
    /// rightmost address of the proxy's X-Forwarded-For that is not a
    /// trusted proxy. Without it that header is ignored and the client is
    /// the TCP peer (behind a proxy, the proxy: login throttling then
    /// counts every client as one address).
    #[arg(long, value_name = "ADDR")]
    pub trusted_proxy: Vec<String>,
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
    /// The address users reach this server at (https://HOST[:PORT]):
    /// with --smtp, invitations and password resets are mailed as links
    /// on it; without it they are shown only to whoever made them.
    #[arg(long, value_name = "URL")]
    pub public_url: Option<String>,
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
    let trusted_proxies = labpath_server::client::TrustedProxies::parse(
        args.trusted_proxy.iter().map(String::as_str),
    )
    .map_err(|e| Failure::BadInput(format!("error: --trusted-proxy: {e}")))?;
    if args.public_url.is_some() && args.smtp.is_none() {
        return Err(Failure::BadInput(
            "error: --public-url is where mailed links point: give --smtp too".to_owned(),
        ));
    }
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
            let public_url = match &args.public_url {
                Some(url) => Some(
                    labpath_server::serve::check_public_url(url)
                        .map_err(|e| Failure::BadInput(format!("error: --public-url: {e}")))?,
                ),
                None => None,
            };
            Some(MailSettings {
                smtp: MailerConfig::new(host, port, &args.smtp_from),
                every: Duration::from_secs(args.mail_every),
                public_url,
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
        trusted_proxies,
        mail,
        worker,
    };
    runtime()?
        .block_on(labpath_server::run(config))
        .map_err(|e| match e {
            StartError::Refused(m) => Failure::BadInput(format!("error: {m}")),
            StartError::Database(e) => database_failure(e),
            StartError::Listen { addr, error } => {
                Failure::BadInput(format!("error: cannot listen on {addr}: {error}"))
            }
        })?;
    Ok(Exit::Ok)
}

/// A database that could not be opened: the machine's refusal (a full
/// disk, a directory that cannot be created) is exit 4, anything else the
/// setup's (exit 2).
fn database_failure(e: labpath_store::StoreError) -> Failure {
    let text = format!("error: the database: {e}");
    match e {
        labpath_store::StoreError::Environment(_) => Failure::Environment(text),
        _ => Failure::BadInput(text),
    }
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

/// A server-mode database named by --database-url or
/// $LABPATH_DATABASE_URL; `what` says what is only for server mode.
fn server_database(cli: &Cli, flag: Option<&str>, what: &str) -> Result<Database, Failure> {
    let database = database(cli, flag)?;
    if database == Database::Local(data_dir(cli.data_dir.as_ref(), |k| std::env::var_os(k))?)
        && flag.is_none()
        && std::env::var(DATABASE_VAR).is_err()
    {
        return Err(Failure::BadInput(format!(
            "error: {what} are for server mode: give --database-url (or $LABPATH_DATABASE_URL)"
        )));
    }
    Ok(database)
}

/// A password from the environment variable `var`, else the first line of
/// standard input (so it is never on the command line, where `ps` shows it).
fn password_from(var: &str) -> Result<String, Failure> {
    match std::env::var(var) {
        Ok(p) if !p.is_empty() => Ok(p),
        _ => {
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(|e| Failure::BadInput(format!("error: reading the password: {e}")))?;
            Ok(line.trim_end_matches(['\r', '\n']).to_owned())
        }
    }
}

/// `labpath user` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum UserCommand {
    /// Set an account's password (for an admin locked out, or when no
    /// email can be sent). The password is read from
    /// $LABPATH_NEW_PASSWORD, else from the first line of standard input;
    /// the account's sessions end.
    ResetPassword(ResetPasswordArgs),
}

/// Arguments of `labpath user reset-password`.
#[derive(Debug, clap::Args)]
pub struct ResetPasswordArgs {
    /// The account's login email.
    pub email: String,
    /// The database (as for `labpath serve`).
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
}

/// Runs `labpath user`.
pub fn run_user(cli: &Cli, command: &UserCommand, out: &mut dyn Write) -> Result<Exit, Failure> {
    let UserCommand::ResetPassword(args) = command;
    let database = server_database(cli, args.database_url.as_deref(), "accounts")?;
    let password = password_from("LABPATH_NEW_PASSWORD")?;
    let user = runtime()?.block_on(async {
        let opened = labpath_server::serve::open(&database)
            .await
            .map_err(database_failure)?;
        labpath_app::accounts::set_password(&*opened.db, &args.email, &password)
            .await
            .map_err(|e| super::store::app_failure(e, user_flag))
    })?;
    writeln!(
        out,
        "the password of user {} <{}> is set; their sessions ended",
        user.id, user.email
    )?;
    Ok(Exit::Ok)
}

/// The `labpath user reset-password` input of a refused field.
fn user_flag(field: &str) -> Option<String> {
    let flag = match field {
        "email" => "EMAIL",
        "password" => "the password ($LABPATH_NEW_PASSWORD)",
        _ => return None,
    };
    Some(flag.to_owned())
}

/// Runs `labpath org`.
pub fn run_org(cli: &Cli, command: &OrgCommand, out: &mut dyn Write) -> Result<Exit, Failure> {
    let OrgCommand::Add(args) = command;
    let database = server_database(cli, args.database_url.as_deref(), "organizations")?;
    let password = password_from("LABPATH_ADMIN_PASSWORD")?;
    let (org, user) = runtime()?.block_on(async {
        let opened = labpath_server::serve::open(&database)
            .await
            .map_err(database_failure)?;
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
