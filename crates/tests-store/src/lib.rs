//! The contract every labpath store backend must meet, written once.
//!
//! `contract` holds one async function per behaviour of the tracker, each
//! taking fresh stores as `&dyn Store`; `contract_accounts` does the same for
//! server mode's accounts, taking `&dyn AccountsStore` (a store that is
//! also `Accounts`), and `contract_scoped` the lists read a scope and a
//! window at a time. A backend runs the whole suite with one macro in one
//! small test file (see `tests/sqlite.rs`):
//!
//! ```ignore
//! async fn fresh() -> (tempfile::TempDir, SqliteStore) { ... }
//! async fn sql(guard: &tempfile::TempDir, store: &SqliteStore) -> impl RawSql { ... }
//! tests_store::contract_suite!(fresh, sql);
//! ```
//!
//! `fresh` returns a guard (kept alive for the test) and an empty store;
//! `sql` gives the few tests of what the database itself refuses a way to
//! run SQL on that store's database. `tests/postgres.rs` runs the same
//! suite on PostgreSQL, one new database per store.
//!
//! `contract_jobs` holds the job queue's behaviours, run by
//! `queue_suite!(fresh, replicas)`: `replicas(&guard, &store)` returns a
//! `contract_jobs::Replicas`, which opens queues on that store's database
//! through pools of their own, as a server's replicas do.
//! The crate also holds the crash-test writer (`src/bin/crash-writer.rs`),
//! the crash and concurrency tests and the tracker benchmark.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "test support: a failed assumption is a failed test"
)]

pub mod contract;
pub mod contract_accounts;
pub mod contract_jobs;
pub mod contract_once;
pub mod contract_scoped;
pub mod support;

/// Runs every contract behaviour against the backend `fresh` opens; `sql`
/// runs SQL on a store's database (`contract_accounts::RawSql`).
/// `contract_suite!(optional fresh, sql)` is for a backend on a server that
/// may be absent: `fresh` returns `Option<(guard, store)>`, and `None` skips
/// the test (its helper decides when that is allowed, see
/// `labpath_store_postgres::testing`).
#[macro_export]
macro_rules! contract_suite {
    (optional $fresh:path, $sql:path) => {
        $crate::contract_suite!(@all $fresh, $sql, optional);
    };
    ($fresh:path, $sql:path) => {
        $crate::contract_suite!(@all $fresh, $sql, required);
    };
    (@all $fresh:path, $sql:path, $mode:ident) => {
        $crate::contract_suite!(@one $fresh, $mode, contract;
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
            an_overdue_application_gets_the_next_playbook_step,
            one_certificate_proves_one_activity_even_when_raced,
            the_audit_pack_holds_the_counted_certificates_as_stored,
            a_batch_of_changes_is_recorded_whole_or_not_at_all,
            a_ce_import_joins_the_log_whole_or_not_at_all,
            a_batch_of_people_is_added_whole_or_not_at_all,
            an_export_of_some_people_holds_their_events_and_files_only,
            control_characters_are_refused_before_anything_is_written
        );
        $crate::contract_suite!(@two $fresh, $mode, contract;
            an_export_imports_into_an_empty_store_unchanged,
            an_import_never_overwrites_data
        );
        $crate::contract_suite!(@one $fresh, $mode, contract_accounts;
            organizations_have_users_with_roles,
            an_email_is_taken_in_any_case,
            a_candidate_needs_a_person_of_their_own_organization,
            sessions_expire_and_are_deleted,
            an_account_link_works_once_until_it_expires,
            a_new_password_ends_every_session,
            failed_logins_are_counted_by_address_and_by_email,
            one_address_counts_for_a_few_of_an_accounts_failures,
            failed_logins_are_forgotten_after_the_window_or_a_login,
            the_audit_log_pages_newest_first_per_organization,
            an_organizations_records_stay_its_own,
            people_are_listed_by_scope_filter_and_window,
            a_person_in_an_unknown_organization_is_refused_and_leaves_no_trace
        );
        $crate::contract_suite!(@one $fresh, $mode, contract_scoped;
            applications_are_listed_by_scope_filter_and_window,
            latest_profiles_are_listed_by_scope_and_window,
            history_and_reminders_are_listed_by_scope_filter_and_window,
            the_audit_log_is_listed_by_scope_filter_and_window,
            dashboard_lines_are_kept_until_a_change_and_read_by_scope_filter_and_window
        );
        $crate::contract_suite!(@two $fresh, $mode, contract_accounts;
            an_import_keeps_each_persons_organization
        );
        $crate::contract_suite!(@one $fresh, $mode, contract_once;
            a_keyed_write_is_recorded_once_and_answered_again,
            a_refused_keyed_write_keeps_no_key
        );
        $crate::contract_suite!(@sql $fresh, $sql, $mode, contract_accounts;
            audit_lines_cannot_be_changed,
            a_duplicate_row_is_a_conflict_on_every_backend
        );
        $crate::contract_suite!(@sql $fresh, $sql, $mode, contract_once;
            keys_older_than_a_day_are_forgotten
        );
    };
    (@one $fresh:path, $mode:ident, $module:ident; $($name:ident),+) => {
        $(
            #[tokio::test]
            async fn $name() {
                let Some((_guard, store)) = $crate::contract_suite!(@open $mode $fresh) else {
                    return;
                };
                $crate::$module::$name(&store).await;
            }
        )+
    };
    (@two $fresh:path, $mode:ident, $module:ident; $($name:ident),+) => {
        $(
            #[tokio::test]
            async fn $name() {
                let Some((_guard_a, a)) = $crate::contract_suite!(@open $mode $fresh) else {
                    return;
                };
                let Some((_guard_b, b)) = $crate::contract_suite!(@open $mode $fresh) else {
                    return;
                };
                $crate::$module::$name(&a, &b).await;
            }
        )+
    };
    (@sql $fresh:path, $sql:path, $mode:ident, $module:ident; $($name:ident),+) => {
        $(
            #[tokio::test]
            async fn $name() {
                let Some((guard, store)) = $crate::contract_suite!(@open $mode $fresh) else {
                    return;
                };
                let sql = $sql(&guard, &store).await;
                $crate::$module::$name(&store, &sql).await;
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

/// Runs every job queue behaviour (`contract_jobs`) against the backend
/// `fresh` opens, with queues `replicas` opens on each fresh store's
/// database; `optional` as for `contract_suite!`. The tests run on two
/// threads, so two workers' claims truly overlap.
#[macro_export]
macro_rules! queue_suite {
    (optional $fresh:path, $replicas:path) => {
        $crate::queue_suite!(@all $fresh, $replicas, optional);
    };
    ($fresh:path, $replicas:path) => {
        $crate::queue_suite!(@all $fresh, $replicas, required);
    };
    (@all $fresh:path, $replicas:path, $mode:ident) => {
        $crate::queue_suite!(@each $fresh, $replicas, $mode;
            two_workers_claiming_at_once_finish_every_job_exactly_once,
            a_dead_workers_lease_runs_out_and_another_worker_takes_the_job,
            a_lease_that_runs_out_on_the_last_attempt_gives_the_job_up,
            a_failed_job_is_retried_after_a_backoff_then_given_up,
            a_dedupe_key_is_enqueued_once_ever,
            a_job_is_not_claimed_before_it_is_due,
            a_worker_of_one_kind_leaves_the_other_kinds_alone,
            a_nameless_job_or_worker_is_refused
        );
    };
    (@each $fresh:path, $replicas:path, $mode:ident; $($name:ident),+) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let Some((guard, store)) = $crate::contract_suite!(@open $mode $fresh) else {
                    return;
                };
                let replicas = $replicas(&guard, &store).await;
                $crate::contract_jobs::$name(&replicas).await;
            }
        )+
    };
}
