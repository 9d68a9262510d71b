//! The command-line grammar: global options and one variant per subcommand.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// labpath: where you stand on every clinical laboratory credential, with
/// what is missing in numbers and the source of every rule.
#[derive(Debug, Parser)]
#[command(name = "labpath", version, about, long_about = None)]
pub struct Cli {
    /// Use the catalog in this folder instead of the one built in.
    #[arg(long, global = true, value_name = "DIR")]
    pub catalog: Option<PathBuf>,
    /// The tracker's data directory (default: $LABPATH_DATA_DIR, else the
    /// platform's data directory + `labpath`).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Format {
    /// Tables and text for people.
    #[default]
    Human,
    /// Complete JSON for programs.
    Json,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Evaluate a profile against the catalog: eligible, not yet or unknown,
    /// with every clause's have/need and its sources.
    Check(crate::command::check::Args),
    /// Plan the best path to a goal: steps, order, documents, fees, and
    /// percentile dates from a simulation.
    Plan(crate::command::plan::Args),
    /// The questions whose answers would change an answer for a goal, most
    /// decisive first (what the web interview asks).
    Questions(crate::command::questions::Args),
    /// Answer those questions in the terminal, one at a time, and save the
    /// profile to a file or as a new version of a person's profile.
    Interview(crate::command::interview::Args),
    /// Explain a credential's routes (or a state's licensing) in plain
    /// language, with sources and confidence.
    Explain(crate::command::explain::Args),
    /// List the credentials in the catalog.
    Credentials(crate::command::credentials::Args),
    /// List the named goals `plan --goal` takes, with the state each implies.
    Goals(crate::command::goals::Args),
    /// Catalog maintenance.
    #[command(subcommand)]
    Catalog(crate::command::catalog::CatalogCommand),
    /// Turn a credential string such as "MLS (ASCP)CM, NYS licensed" into
    /// catalog credentials.
    Parse(crate::command::parse::Args),
    /// Tracker: people and their profiles (every version kept).
    #[command(subcommand)]
    Person(crate::command::person::PersonCommand),
    /// Tracker: applications, their status and history.
    #[command(subcommand)]
    App(crate::command::app::AppCommand),
    /// Tracker: an application's checklist documents.
    #[command(subcommand)]
    Doc(crate::command::doc::DocCommand),
    /// Tracker: the contact log (calls, emails, letters, portal messages).
    #[command(subcommand)]
    Contact(crate::command::contact::ContactCommand),
    /// Tracker: reminders you set.
    #[command(subcommand)]
    Reminder(crate::command::reminder::ReminderCommand),
    /// Tracker: what is overdue, what is due soon and what to do, most urgent first.
    Status(crate::command::status::Args),
    /// Tracker: deadlines and reminders as an ICS calendar file.
    Calendar(crate::command::calendar::Args),
    /// Continuing education: log activities with their certificates, see
    /// compliance for every held credential, write an audit pack.
    #[command(subcommand)]
    Ce(crate::command::ce::CeCommand),
    /// Tracker: write all data as JSON.
    Export(crate::command::data::ExportArgs),
    /// Tracker: load a JSON export into an empty data directory.
    Import(crate::command::data::ImportArgs),
    /// Tracker: write a consistent copy of the database.
    Backup(crate::command::data::BackupArgs),
    /// The web app: local mode (no arguments: 127.0.0.1, your data, no
    /// login) or server mode for an organization (--database-url).
    Serve(crate::command::serve::Args),
    /// Server mode: organizations and their first admin.
    #[command(subcommand)]
    Org(crate::command::serve::OrgCommand),
    /// Server mode: an operator's account commands.
    #[command(subcommand)]
    User(crate::command::serve::UserCommand),
}
