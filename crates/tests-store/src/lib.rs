//! The contract every labpath store backend must meet, written once.
//!
//! `contract` holds one async function per behaviour, each taking fresh
//! stores as `&dyn Store`. A backend runs the whole suite with one macro in
//! one small test file (see `tests/sqlite.rs`):
//!
//! ```ignore
//! async fn fresh() -> (tempfile::TempDir, SqliteStore) { ... }
//! tests_store::contract_suite!(fresh);
//! ```
//!
//! `fresh` returns a guard (kept alive for the test) and an empty store;
//! `tests/postgres.rs` runs the same suite on PostgreSQL, one new database
//! per store.
//! The crate also holds the crash-test writer (`src/bin/crash-writer.rs`),
//! the crash and concurrency tests and the tracker benchmark.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "test support: a failed assumption is a failed test"
)]

pub mod contract;
pub mod support;

/// Runs every contract behaviour against the backend `fresh` opens.
/// `contract_suite!(optional fresh)` is for a backend on a server that may
/// be absent: `fresh` returns `Option<(guard, store)>`, and `None` skips the
/// test (its helper decides when that is allowed, see
/// `labpath_store_postgres::testing`).
#[macro_export]
macro_rules! contract_suite {
    (optional $fresh:path) => {
        $crate::contract_suite!(@all $fresh, optional);
    };
    ($fresh:path) => {
        $crate::contract_suite!(@all $fresh, required);
    };
    (@all $fresh:path, $mode:ident) => {
        $crate::contract_suite!(@one $fresh, $mode;
            people_are_added_renamed_and_listed,
            profiles_keep_every_version,
            an_application_starts_as_a_draft_with_the_steps_checklist,
            status_changes_follow_the_state_machine,
            a_refused_change_leaves_no_trace,
            a_stale_change_is_a_conflict,
            status_days_cannot_go_back_or_into_the_future,
            documents_are_requested_sent_received_and_rejected,
            contacts_are_logged_and_count_as_escalation_steps,
            attachments_are_stored_by_content_hash,
            reminders_are_set_and_done,
            unknown_ids_are_not_found,
            the_tables_equal_a_replay_of_the_log,
            history_is_filtered_and_paged,
            writers_at_once_lose_nothing,
            an_overdue_application_gets_the_next_playbook_step
        );
        $crate::contract_suite!(@two $fresh, $mode;
            an_export_imports_into_an_empty_store_unchanged,
            an_import_never_overwrites_data
        );
    };
    (@one $fresh:path, $mode:ident; $($name:ident),+) => {
        $(
            #[tokio::test]
            async fn $name() {
                let Some((_guard, store)) = $crate::contract_suite!(@open $mode $fresh) else {
                    return;
                };
                $crate::contract::$name(&store).await;
            }
        )+
    };
    (@two $fresh:path, $mode:ident; $($name:ident),+) => {
        $(
            #[tokio::test]
            async fn $name() {
                let Some((_guard_a, a)) = $crate::contract_suite!(@open $mode $fresh) else {
                    return;
                };
                let Some((_guard_b, b)) = $crate::contract_suite!(@open $mode $fresh) else {
                    return;
                };
                $crate::contract::$name(&a, &b).await;
            }
        )+
    };
    (@open required $fresh:path) => {
        Some($fresh().await)
    };
    (@open optional $fresh:path) => {
        $fresh().await
    };
}
