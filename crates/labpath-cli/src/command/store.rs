//! What the tracker commands share: finding the data directory, opening the
//! store on a small single-threaded runtime, who is recording, reading days
//! and ids from the command line, and turning store errors into exit codes.

use std::ffi::OsString;
use std::future::Future;
use std::path::PathBuf;

use labpath_engine::units::Date;
use labpath_store::StoreError;
use labpath_store_sqlite::SqliteStore;

use crate::Failure;
use crate::cli::Cli;

/// The environment variable that names the data directory.
pub const DATA_DIR_VAR: &str = "LABPATH_DATA_DIR";

/// The environment variable that names who records changes.
pub const ACTOR_VAR: &str = "LABPATH_ACTOR";

/// The data directory: `--data-dir`, else `$LABPATH_DATA_DIR`, else the
/// platform's data directory plus `labpath`.
pub fn data_dir(
    flag: Option<&PathBuf>,
    env: impl Fn(&str) -> Option<OsString>,
) -> Result<PathBuf, Failure> {
    if let Some(dir) = flag {
        return Ok(dir.clone());
    }
    if let Some(dir) = env(DATA_DIR_VAR).filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    dirs::data_dir()
        .map(|d| d.join("labpath"))
        .ok_or_else(|| {
            Failure::BadInput(format!(
                "error: this system has no standard data directory: give one with --data-dir DIR or {DATA_DIR_VAR}"
            ))
        })
}

/// Who records a change: `$LABPATH_ACTOR`, else the login name, else `local`.
pub fn actor() -> String {
    [ACTOR_VAR, "USER", "USERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.trim().is_empty()))
        .unwrap_or_else(|| "local".to_owned())
}

/// Runs `work` against the store in the data directory.
pub fn with_store<T>(
    cli: &Cli,
    work: impl AsyncFnOnce(&SqliteStore) -> Result<T, Failure>,
) -> Result<T, Failure> {
    let dir = data_dir(cli.data_dir.as_ref(), |k| std::env::var_os(k))?;
    block_on(async {
        let store = SqliteStore::open(&dir).await.map_err(failure)?;
        let result = work(&store).await;
        store.close().await;
        result
    })
}

/// The durations of the decided applications in the data directory, for
/// the planner; none when the directory holds no store yet (a plan never
/// creates one).
pub fn recorded_history(
    cli: &Cli,
    catalog: &labpath_engine::catalog::Catalog,
) -> Result<labpath_engine::plan::History, Failure> {
    let Ok(dir) = data_dir(cli.data_dir.as_ref(), |k| std::env::var_os(k)) else {
        return Ok(labpath_engine::plan::History::default());
    };
    if !dir.join(labpath_store_sqlite::DB_FILE).is_file() {
        return Ok(labpath_engine::plan::History::default());
    }
    with_store(cli, async |store| {
        labpath_app::plan::history(&labpath_app::App::new(catalog, store), &local())
            .await
            .map_err(|e| app_failure(e, |_| None))
    })
}

/// The principal of the local data directory: its owner, recorded under
/// the name [`actor`] gives.
pub fn local() -> labpath_app::Principal {
    labpath_app::Principal::local(actor())
}

/// A use case's refusal as the CLI reports it: bad input (exit 2) led by
/// the flag at fault (`flag` names the flag of a use case's field), with a
/// hint where one helps; the machine's refusal (a full disk, a data
/// directory that cannot be opened) is exit 4, its message saying what to
/// do; a store failure is internal (exit 3).
pub fn app_failure(e: labpath_app::AppError, flag: impl Fn(&str) -> Option<String>) -> Failure {
    use labpath_app::Kind;
    if e.kind == Kind::Environment {
        return Failure::Environment(format!("error: {}", e.message));
    }
    if !e.is_bad_input() {
        return Failure::Internal(anyhow::anyhow!(e.message));
    }
    let hint = match e.kind {
        Kind::NotFound("person") => " (run `labpath person list`)",
        Kind::NotFound("application") => " (run `labpath app list`)",
        Kind::NotFound("reminder") => " (run `labpath reminder list`)",
        Kind::NotFound("activity") => " (run `labpath ce list`)",
        Kind::NoProfile => " (`labpath person edit ID --profile FILE`)",
        _ => "",
    };
    let place = e
        .field
        .as_deref()
        .and_then(flag)
        .map(|f| format!("{f}: "))
        .unwrap_or_default();
    Failure::BadInput(format!("error: {place}{}{hint}", e.message))
}

/// A refused file (a CSV import) as the CLI reports it: every problem on
/// its own line as `error: FILE:LINE: field `COLUMN`: ...`, then what was
/// not done (`nothing was logged`); a refusal without problems (one not
/// about the file's lines) as [`app_failure`] reports it.
pub fn file_failure(file: &str, e: labpath_app::AppError, not_done: &str) -> Failure {
    if e.problems.is_empty() {
        return app_failure(e, |_| None);
    }
    let lines: Vec<String> = e
        .problems
        .iter()
        .map(|p| {
            let at = p.line.map_or(file.to_owned(), |l| format!("{file}:{l}"));
            match &p.field {
                Some(f) => format!("error: {at}: field `{f}`: {}", p.message),
                None => format!("error: {at}: {}", p.message),
            }
        })
        .collect();
    Failure::BadInput(format!("{}\n{not_done}", lines.join("\n")))
}

/// Runs a future on a current-thread runtime (the CLI does one thing at a
/// time), with timers and I/O (a command may reach a server's PostgreSQL).
pub fn block_on<T>(future: impl Future<Output = Result<T, Failure>>) -> Result<T, Failure> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Internal(e.into()))?;
    runtime.block_on(future)
}

/// A store error as the CLI reports it: bad input (exit 2) with a hint,
/// the machine's refusal (exit 4), or an internal failure (exit 3).
pub fn failure(e: StoreError) -> Failure {
    app_failure(e.into(), |_| None)
}

/// Reads a day given with `flag`, defaulting to today.
pub fn day(flag: &str, text: Option<&str>) -> Result<Date, Failure> {
    match text {
        None => Ok(Date::today()),
        Some(t) => Date::parse(t).map_err(|e| Failure::BadInput(format!("error: {flag}: {e}"))),
    }
}

/// Reads an id given as `what` (e.g. "app").
pub fn id<T: std::str::FromStr<Err = labpath_store::ids::IdParseError>>(
    what: &str,
    text: &str,
) -> Result<T, Failure> {
    text.parse()
        .map_err(|e| Failure::BadInput(format!("error: {what}: {e}")))
}

/// An optional text, trimmed; empty counts as absent.
pub fn text(value: Option<&String>) -> Option<String> {
    value.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flag_beats_the_variable_which_beats_the_platform() {
        let flag = PathBuf::from("/flag");
        let env = |k: &str| (k == DATA_DIR_VAR).then(|| OsString::from("/env"));
        assert_eq!(data_dir(Some(&flag), env).unwrap(), flag);
        assert_eq!(data_dir(None, env).unwrap(), PathBuf::from("/env"));
        let none = |_: &str| None;
        if let Ok(d) = data_dir(None, none) {
            assert!(d.ends_with("labpath"));
        }
    }
}
