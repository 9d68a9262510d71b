//! The account use cases on a real SQLite store: who may create which
//! account, in which organization, the login and its throttle, and who
//! may read the audit log.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at a broken fixture"
)]

use labpath_app::accounts::{self, FirstAdmin, NewAccount, throttle};
use labpath_app::{App, AppError, Kind, Principal};
use labpath_engine::catalog::Catalog;
use labpath_store::accounts::{Accounts, AuditFilter, LoginFailure, NewAudit, Role, User};
use labpath_store::model::Window;
use labpath_store::ops;
use labpath_store::time::Timestamp;
use labpath_store_sqlite::SqliteStore;

const PASSWORD: &str = "correct horse battery staple";

fn catalog() -> Catalog {
    labpath_shipped::catalog().expect("the shipped catalog reads")
}

struct Setup {
    _dir: tempfile::TempDir,
    store: SqliteStore,
    admin_a: User,
    admin_b: User,
}

/// Two organizations made as an operator makes them, each with its admin.
async fn setup() -> Setup {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = SqliteStore::open(dir.path()).await.expect("a new store");
    let first = |email: &str| FirstAdmin {
        email: email.to_owned(),
        name: "Admin".to_owned(),
        password: PASSWORD.to_owned(),
    };
    let (_, admin_a) = accounts::create_organization(&store, "Agency A", first("a@agency.example"))
        .await
        .unwrap();
    let (_, admin_b) = accounts::create_organization(&store, "Lab B", first("b@lab.example"))
        .await
        .unwrap();
    Setup {
        _dir: dir,
        store,
        admin_a,
        admin_b,
    }
}

fn account(email: &str, role: Role, person: Option<labpath_store::ids::PersonId>) -> NewAccount {
    NewAccount {
        email: email.to_owned(),
        name: "Someone".to_owned(),
        role,
        password: PASSWORD.to_owned(),
        person,
    }
}

fn refused<T: std::fmt::Debug>(result: Result<T, AppError>, kind: Kind, field: Option<&str>) {
    match result {
        Err(e) => assert_eq!((e.kind, e.field.as_deref()), (kind, field), "{e}"),
        Ok(v) => panic!("expected {kind:?} at {field:?}, got {v:?}"),
    }
}

#[tokio::test]
async fn staff_create_only_candidates_of_their_own_organization() {
    let t = setup().await;
    let catalog = catalog();
    let app = App::new(&catalog, &t.store).with_accounts(&t.store);
    let admin = Principal::user(&t.admin_a);
    let staff_user =
        accounts::create_user(&app, &admin, account("s@agency.example", Role::Staff, None))
            .await
            .unwrap();
    let staff = Principal::user(&staff_user);
    let ours = ops::add_person(&t.store, "t", "Maria", Some(t.admin_a.org))
        .await
        .unwrap()
        .id;
    let theirs = ops::add_person(&t.store, "t", "Ana", Some(t.admin_b.org))
        .await
        .unwrap()
        .id;

    refused(
        accounts::create_user(&app, &staff, account("x@agency.example", Role::Staff, None)).await,
        Kind::Forbidden,
        None,
    );
    refused(
        accounts::create_user(
            &app,
            &staff,
            account("x@agency.example", Role::Candidate, Some(theirs)),
        )
        .await,
        Kind::NotFound("person"),
        Some("person"),
    );
    refused(
        accounts::create_user(
            &app,
            &staff,
            account("x@agency.example", Role::Candidate, None),
        )
        .await,
        Kind::Invalid,
        Some("person"),
    );
    refused(
        accounts::create_user(
            &app,
            &staff,
            account("B@lab.example", Role::Candidate, Some(ours)),
        )
        .await,
        Kind::Conflict,
        Some("email"),
    );
    let mut weak = account("x@agency.example", Role::Candidate, Some(ours));
    weak.password = "password12".to_owned();
    refused(
        accounts::create_user(&app, &staff, weak).await,
        Kind::Invalid,
        Some("password"),
    );

    let candidate = accounts::create_user(
        &app,
        &staff,
        account("Maria@Agency.example ", Role::Candidate, Some(ours)),
    )
    .await
    .unwrap();
    assert_eq!(
        (candidate.email.as_str(), candidate.org, candidate.person),
        ("maria@agency.example", t.admin_a.org, Some(ours))
    );
    // A candidate lists no accounts and creates none.
    let as_candidate = Principal::user(&candidate);
    refused(
        accounts::users(&app, &as_candidate, Window::ALL).await,
        Kind::Forbidden,
        None,
    );
    // Staff see their organization's three accounts, paged by the store.
    let page = accounts::users(
        &app,
        &staff,
        Window {
            offset: 1,
            limit: 1,
        },
    )
    .await
    .unwrap();
    assert_eq!((page.items, page.total), (vec![staff_user], 3));
    // The other organization still has its admin alone.
    let b = accounts::users(&app, &Principal::user(&t.admin_b), Window::ALL)
        .await
        .unwrap();
    assert_eq!(b.items, std::slice::from_ref(&t.admin_b));
}

#[tokio::test]
async fn local_mode_has_no_accounts() {
    let t = setup().await;
    let catalog = catalog();
    let app = App::new(&catalog, &t.store).with_accounts(&t.store);
    let local = Principal::local("me");
    refused(
        accounts::users(&app, &local, Window::ALL).await,
        Kind::Invalid,
        None,
    );
    refused(
        accounts::create_user(&app, &local, account("x@agency.example", Role::Staff, None)).await,
        Kind::Invalid,
        None,
    );
    // Nor does an application without the accounts store.
    let bare = App::new(&catalog, &t.store);
    refused(
        accounts::users(&bare, &Principal::user(&t.admin_a), Window::ALL).await,
        Kind::Invalid,
        None,
    );
}

/// The seconds a refused login says to wait (panics unless throttled).
fn throttled(result: Result<User, AppError>, says: &str) -> u64 {
    match result {
        Err(AppError {
            kind: Kind::Throttled(seconds),
            message,
            ..
        }) => {
            assert!(message.contains(says), "{message}");
            seconds
        }
        other => panic!("expected a throttled login, got {other:?}"),
    }
}

/// Failed logins of `email` from `address`, `ago` seconds back each, as
/// the throttle records them (the store's own table: the waits they make
/// are checked without waiting them out).
async fn failed_before(store: &SqliteStore, email: &str, address: &str, ago: &[i64]) {
    let now = Timestamp::now();
    for seconds in ago {
        let failure = LoginFailure {
            email: email.to_owned(),
            address: address.to_owned(),
            at: now.plus_seconds(-seconds),
        };
        store
            .record_login_failure(&failure, now.plus_seconds(-2 * 86_400))
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn after_five_failures_even_the_right_password_waits_from_any_address() {
    let t = setup().await;
    let user = accounts::login(&t.store, " A@agency.example", PASSWORD, "10.0.0.1")
        .await
        .unwrap();
    assert_eq!(user, t.admin_a);
    for _ in 0..throttle::ACCOUNT_FAILURES {
        refused(
            accounts::login(&t.store, "a@agency.example", "wrong password", "10.0.0.1").await,
            Kind::WrongLogin,
            None,
        );
    }
    for from in ["10.0.0.1", "10.0.0.2"] {
        let wait = throttled(
            accounts::login(&t.store, "a@agency.example", PASSWORD, from).await,
            "for this account: try again in",
        );
        assert!(
            (1..=throttle::FIRST_WAIT_SECONDS).contains(&wait),
            "{from}: {wait}"
        );
    }
    // Another account is not held back.
    accounts::login(&t.store, "b@lab.example", PASSWORD, "10.0.0.1")
        .await
        .unwrap();
}

#[tokio::test]
async fn one_address_alone_makes_an_account_wait_the_first_wait_at_most() {
    let t = setup().await;
    // Nine failures from one address in the last 14 minutes, the latest
    // just over the first wait ago: counted as five, so the wait is over.
    let ago = [840, 700, 600, 500, 400, 300, 200, 100, 6];
    failed_before(&t.store, "a@agency.example", "10.0.0.1", &ago).await;
    accounts::login(&t.store, "a@agency.example", PASSWORD, "10.0.0.2")
        .await
        .unwrap();
    // Its tenth failure, as many as an address may make, makes the
    // account wait the first wait again, not the tenth failure's.
    refused(
        accounts::login(&t.store, "a@agency.example", "wrong", "10.0.0.1").await,
        Kind::WrongLogin,
        None,
    );
    let wait = throttled(
        accounts::login(&t.store, "a@agency.example", PASSWORD, "10.0.0.2").await,
        "for this account",
    );
    assert!((1..=throttle::FIRST_WAIT_SECONDS).contains(&wait), "{wait}");
}

#[tokio::test]
async fn failures_from_many_addresses_double_the_wait_up_to_its_cap() {
    let t = setup().await;
    // Five addresses, two failures each, the latest 6 s ago: ten failures,
    // a wait of 160 s from the latest.
    for address in ["10.0.1.1", "10.0.1.2", "10.0.1.3", "10.0.1.4", "10.0.1.5"] {
        failed_before(&t.store, "a@agency.example", address, &[600, 6]).await;
    }
    let wait = throttled(
        accounts::login(&t.store, "a@agency.example", PASSWORD, "10.0.0.9").await,
        "for this account",
    );
    assert!((150..=154).contains(&wait), "{wait}");
    // Twenty more from twenty addresses: the cap.
    for i in 0..20 {
        let address = format!("10.0.2.{i}");
        failed_before(&t.store, "a@agency.example", &address, &[1]).await;
    }
    let wait = throttled(
        accounts::login(&t.store, "a@agency.example", PASSWORD, "10.0.0.9").await,
        "try again in 15 minutes",
    );
    assert!(
        (throttle::MAX_WAIT_SECONDS - 2..=throttle::MAX_WAIT_SECONDS).contains(&wait),
        "{wait}"
    );
    // Failures older than the account's hour count no more: with twenty
    // of them, one a second ago would make it wait 15 minutes.
    for i in 0..20 {
        let address = format!("10.0.3.{i}");
        failed_before(&t.store, "b@lab.example", &address, &[3601]).await;
    }
    failed_before(&t.store, "b@lab.example", "10.0.3.99", &[1]).await;
    accounts::login(&t.store, "b@lab.example", PASSWORD, "10.0.0.9")
        .await
        .unwrap();
}

#[tokio::test]
async fn an_address_is_stopped_after_ten_failures_over_any_emails() {
    let t = setup().await;
    // A spray: one guess at each of ten emails, none of them an account.
    for i in 0..throttle::ADDRESS_FAILURES {
        let email = format!("nobody{i}@agency.example");
        refused(
            accounts::login(&t.store, &email, "Spring2026!", "10.0.0.1").await,
            Kind::WrongLogin,
            None,
        );
    }
    let wait = throttled(
        accounts::login(&t.store, "a@agency.example", PASSWORD, "10.0.0.1").await,
        "from your address: try again in 15 minutes",
    );
    assert!(wait > 14 * 60 && wait <= 15 * 60, "{wait}");
    // Another address, and the accounts themselves, are not held back.
    accounts::login(&t.store, "a@agency.example", PASSWORD, "10.0.0.2")
        .await
        .unwrap();
    // An IPv6 client is one address with its whole /64.
    for i in 0..throttle::ADDRESS_FAILURES {
        let (email, from) = (
            format!("nobody{i}@lab.example"),
            format!("2001:db8:5:6::{i:x}"),
        );
        refused(
            accounts::login(&t.store, &email, "wrong", &from).await,
            Kind::WrongLogin,
            None,
        );
    }
    throttled(
        accounts::login(&t.store, "b@lab.example", PASSWORD, "2001:db8:5:6:ffff::1").await,
        "from your address",
    );
    accounts::login(&t.store, "b@lab.example", PASSWORD, "2001:db8:5:7::1")
        .await
        .unwrap();
    // Failures older than the address's 15 minutes count no more.
    failed_before(&t.store, "c@lab.example", "10.0.0.3", &[901; 12]).await;
    accounts::login(&t.store, "b@lab.example", PASSWORD, "10.0.0.3")
        .await
        .unwrap();
}

#[tokio::test]
async fn a_right_password_forgets_the_failures_from_its_address_only() {
    let t = setup().await;
    for _ in 0..2 {
        for _ in 0..throttle::ACCOUNT_FAILURES - 1 {
            refused(
                accounts::login(&t.store, "a@agency.example", "wrong", "10.0.0.1").await,
                Kind::WrongLogin,
                None,
            );
        }
        accounts::login(&t.store, "a@agency.example", PASSWORD, "10.0.0.1")
            .await
            .unwrap();
    }
    // Four failures from elsewhere are not forgotten by a login from here:
    // the fifth makes the account wait.
    for _ in 0..throttle::ACCOUNT_FAILURES - 1 {
        refused(
            accounts::login(&t.store, "a@agency.example", "wrong", "10.0.0.7").await,
            Kind::WrongLogin,
            None,
        );
    }
    accounts::login(&t.store, "a@agency.example", PASSWORD, "10.0.0.1")
        .await
        .unwrap();
    refused(
        accounts::login(&t.store, "a@agency.example", "wrong", "10.0.0.7").await,
        Kind::WrongLogin,
        None,
    );
    throttled(
        accounts::login(&t.store, "a@agency.example", PASSWORD, "10.0.0.1").await,
        "for this account",
    );
}

#[tokio::test]
async fn an_unknown_email_is_answered_and_counted_as_a_wrong_password() {
    let t = setup().await;
    for email in ["a@agency.example", "nobody@agency.example"] {
        for _ in 0..throttle::ACCOUNT_FAILURES {
            refused(
                accounts::login(&t.store, email, "wrong password", "10.0.0.1").await,
                Kind::WrongLogin,
                None,
            );
        }
        throttled(
            accounts::login(&t.store, email, "wrong password", "10.0.0.2").await,
            "for this account",
        );
    }
}

#[tokio::test]
async fn only_an_admin_reads_the_organizations_audit_log() {
    let t = setup().await;
    let catalog = catalog();
    let app = App::new(&catalog, &t.store).with_accounts(&t.store);
    for (org, what) in [(t.admin_a.org, "ours"), (t.admin_b.org, "theirs")] {
        t.store
            .audit(&NewAudit {
                org: Some(org),
                user: None,
                action: what.to_owned(),
                target: None,
                from: "10.0.0.1".to_owned(),
                status: 201,
            })
            .await
            .unwrap();
    }
    let admin = Principal::user(&t.admin_a);
    let all = AuditFilter::default();
    let lines = accounts::audit(&app, &admin, &all, Window::ALL)
        .await
        .unwrap()
        .items;
    let details: Vec<_> = lines.iter().map(|l| l.action.as_str()).collect();
    assert_eq!(details, ["ours"]);
    let staff_user =
        accounts::create_user(&app, &admin, account("s@agency.example", Role::Staff, None))
            .await
            .unwrap();
    refused(
        accounts::audit(&app, &Principal::user(&staff_user), &all, Window::ALL).await,
        Kind::Forbidden,
        None,
    );
}
