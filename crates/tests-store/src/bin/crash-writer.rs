//! The crash test's writer: opens the store in DIR and appends changes in a
//! loop, printing `ack EVENT_ID` to stdout after each commit, until it has
//! written COUNT changes (or is killed). Every third change adds a person;
//! the others set a reminder for the last person this writer added, so the
//! writes touch the log and two derived tables.
//!
//! Usage: crash-writer DIR COUNT LABEL

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use labpath_engine::units::Date;
use labpath_store::event::{Change, Pending};
use labpath_store::{Store, ops};
use labpath_store_sqlite::SqliteStore;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let [_, dir, count, label] = args.as_slice() else {
        eprintln!("usage: crash-writer DIR COUNT LABEL");
        return ExitCode::from(2);
    };
    let Ok(count) = count.parse::<u32>() else {
        eprintln!("COUNT must be a whole number");
        return ExitCode::from(2);
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot start a runtime: {e}");
            return ExitCode::from(3);
        }
    };
    match runtime.block_on(write(PathBuf::from(dir), count, label)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("crash-writer: {e}");
            ExitCode::from(3)
        }
    }
}

async fn write(dir: PathBuf, count: u32, label: &str) -> Result<(), labpath_store::StoreError> {
    let store = SqliteStore::open(&dir).await?;
    let due = Date::from_ymd(2030, 1, 1).unwrap_or_else(Date::today);
    let stdout = std::io::stdout();
    let mut person = None;
    for i in 0..count {
        let id = match person {
            Some(p) if i % 3 != 0 => {
                ops::add_reminder(&store, label, p, None, due, &format!("{label} {i}"))
                    .await?
                    .id
            }
            _ => {
                let pending = Pending {
                    actor: label.to_owned(),
                    person: None,
                    application: None,
                    change: Change::PersonAdded {
                        name: format!("{label} {i}"),
                        organization: None,
                    },
                };
                let event = store.append(pending).await?;
                person = Some(event.person);
                event.id
            }
        };
        let mut out = stdout.lock();
        // Acknowledge only after the commit returned.
        if writeln!(out, "ack {id}")
            .and_then(|()| out.flush())
            .is_err()
        {
            return Ok(());
        }
    }
    Ok(())
}
