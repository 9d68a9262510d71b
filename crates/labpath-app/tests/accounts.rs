//! The account use cases on a real SQLite store: who may create which
//! account, in which organization, the login and its throttle, and who
//! may read the audit log.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at a broken fixture"
)]

use labpath_app::accounts::{self, FirstAdmin, NewAccount};
use labpath_app::{App, AppError, Kind, Principal};
use labpath_engine::catalog::Catalog;
use labpath_store::accounts::{Accounts, AuditFilter, NewAudit, Role, User};
use labpath_store::model::Window;
use labpath_store::ops;
use labpath_store_sqlite::SqliteStore;

const PASSWORD: &str = "correct horse battery staple";

fn catalog() -> Catalog {
    labpath_catalog::catalog::embedded().expect("the shipped catalog reads")
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

#[tokio::test]
async fn a_login_is_throttled_after_five_failures_from_one_address() {
    let t = setup().await;
    let user = accounts::login(&t.store, " A@agency.example", PASSWORD, "10.0.0.1")
        .await
        .unwrap();
    assert_eq!(user, t.admin_a);
    for _ in 0..accounts::MAX_FAILURES {
        refused(
            accounts::login(&t.store, "a@agency.example", "wrong password", "10.0.0.1").await,
            Kind::WrongLogin,
            None,
        );
    }
    // Even the right password waits now, from that address.
    refused(
        accounts::login(&t.store, "a@agency.example", PASSWORD, "10.0.0.1").await,
        Kind::Throttled(accounts::FAILURE_WINDOW_SECONDS as u64),
        None,
    );
    // An unknown email is the same answer as a wrong password.
    refused(
        accounts::login(&t.store, "nobody@agency.example", PASSWORD, "10.0.0.2").await,
        Kind::WrongLogin,
        None,
    );
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
