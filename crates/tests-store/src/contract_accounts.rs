//! The accounts half of the contract (`labpath_store::accounts`): one
//! function per behaviour, each taking fresh stores that keep both the
//! tracker and the accounts (`AccountsStore`), and panicking when the
//! backend misbehaves. What the database itself must refuse (an edit of the
//! audit log) is tried with SQL run past the store (`RawSql`).

use async_trait::async_trait;
use labpath_store::accounts::{
    Accounts, LinkPurpose, LoginFailure, LoginFailures, NewAudit, NewLink, NewUser, Organization,
    Role, Session, User,
};
use labpath_store::ids::{OrgId, PersonId, UserId};
use labpath_store::model::{AppFilter, EventQuery, PeopleFilter, Scope, Window};
use labpath_store::ops;
use labpath_store::time::Timestamp;
use labpath_store::{Store, StoreError};

use crate::support::{ACTOR, step};

/// A store with accounts, as server mode uses one.
pub trait AccountsStore: Store + Accounts {
    /// The same store as a tracker store (`ops` takes `&dyn Store`).
    fn tracker(&self) -> &dyn Store;
}

impl<T: Store + Accounts> AccountsStore for T {
    fn tracker(&self) -> &dyn Store {
        self
    }
}

/// SQL run on a store's database directly, past the store's checks.
#[async_trait]
pub trait RawSql: Send + Sync {
    /// Runs one statement; the rows it changed, or the database's refusal.
    async fn execute(&self, sql: &str) -> Result<u64, String>;
}

/// An instant, from RFC 3339 text.
fn at(text: &str) -> Timestamp {
    Timestamp::parse(text).unwrap_or_else(|e| panic!("{e}"))
}

pub(crate) async fn org(store: &dyn AccountsStore, name: &str) -> Organization {
    store.create_organization(name).await.unwrap()
}

pub(crate) fn new_user(org: OrgId, email: &str, role: Role, person: Option<PersonId>) -> NewUser {
    NewUser {
        org,
        email: email.to_owned(),
        name: email.split('@').next().unwrap_or(email).to_owned(),
        role,
        person,
        password_hash: format!("$argon2id$v=19$m=19456,t=2,p=1$hash-of-{email}"),
    }
}

async fn user(store: &dyn AccountsStore, org: OrgId, email: &str, role: Role) -> User {
    store
        .create_user(&new_user(org, email, role, None))
        .await
        .unwrap()
}

pub(crate) async fn member(store: &dyn AccountsStore, org: OrgId, name: &str) -> PersonId {
    ops::add_person(store.tracker(), ACTOR, name, Some(org))
        .await
        .unwrap()
        .id
}

fn session(token: &str, user: UserId, from: &str, until: &str) -> Session {
    Session {
        token_hash: format!("{token:0>64}"),
        user,
        csrf: format!("csrf-{token}"),
        created_at: at(from),
        expires_at: at(until),
    }
}

pub(crate) fn audit_line(org: Option<OrgId>, action: &str) -> NewAudit {
    NewAudit {
        org,
        user: None,
        action: action.to_owned(),
        target: Some("person 7".to_owned()),
        from: "203.0.113.9".to_owned(),
        status: 200,
    }
}

/// Organizations are listed by id; each has its own users, with their
/// roles, found by id or by email in any case.
pub async fn organizations_have_users_with_roles(store: &dyn AccountsStore) {
    let agency = org(store, "  Agency A ").await;
    let lab = org(store, "Lab B").await;
    assert_eq!(agency.name, "Agency A");
    assert_eq!(
        store.organizations().await.unwrap(),
        [agency.clone(), lab.clone()]
    );
    assert_eq!(store.organization(lab.id).await.unwrap(), lab);
    let e = store.organization(OrgId::from_raw(99)).await.unwrap_err();
    assert_eq!(e.to_string(), "organization `99` does not exist");
    let e = store.create_organization(" ").await.unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)), "{e}");

    let admin = user(store, agency.id, " Admin@Agency.example", Role::Admin).await;
    let staff = user(store, agency.id, "staff@agency.example", Role::Staff).await;
    assert_eq!(admin.email, "admin@agency.example");
    assert_eq!((admin.org, admin.role), (agency.id, Role::Admin));
    assert_eq!(staff.role, Role::Staff);
    assert_eq!(
        all_users(store, agency.id).await.unwrap(),
        [admin.clone(), staff.clone()]
    );
    // Paged by the store: the second user, and how many there are.
    let window = Window {
        offset: 1,
        limit: 1,
    };
    let page = store.users_in(agency.id, window).await.unwrap();
    assert_eq!((page.items, page.total), (vec![staff], 2));
    assert_eq!(all_users(store, lab.id).await.unwrap(), []);
    assert_eq!(store.user(admin.id).await.unwrap(), admin);
    let (found, hash) = store
        .user_by_email("ADMIN@agency.EXAMPLE ")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found, admin);
    assert_eq!(
        hash,
        new_user(agency.id, " Admin@Agency.example", Role::Admin, None).password_hash
    );
    assert_eq!(
        store.user_by_email("nobody@agency.example").await.unwrap(),
        None
    );
    let e = store.user(UserId::from_raw(99)).await.unwrap_err();
    assert_eq!(e.to_string(), "user `99` does not exist");
}

/// An email is one account whatever its case, across organizations; a
/// user needs an email, a name and an organization that exists.
pub async fn an_email_is_taken_in_any_case(store: &dyn AccountsStore) {
    let a = org(store, "Agency A").await;
    let b = org(store, "Lab B").await;
    user(store, a.id, "maria@agency.example", Role::Staff).await;
    let e = store
        .create_user(&new_user(b.id, "MARIA@Agency.example", Role::Admin, None))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e}");
    assert!(e.to_string().contains("`maria@agency.example`"), "{e}");
    // Nothing about the other organization's account.
    assert!(!e.to_string().contains("organization"), "{e}");
    assert!(!e.to_string().contains("password"), "{e}");
    let e = store
        .create_user(&new_user(a.id, "  ", Role::Staff, None))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)), "{e}");
    let mut nameless = new_user(a.id, "jun@agency.example", Role::Staff, None);
    nameless.name = " ".to_owned();
    let e = store.create_user(&nameless).await.unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)), "{e}");
    let e = store
        .create_user(&new_user(
            OrgId::from_raw(99),
            "x@y.example",
            Role::Staff,
            None,
        ))
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "organization `99` does not exist");
    assert_eq!(all_users(store, a.id).await.unwrap().len(), 1);
    assert_eq!(all_users(store, b.id).await.unwrap().len(), 0);
}

/// A candidate's account is linked to their own record, which must be one
/// of their organization's people.
pub async fn a_candidate_needs_a_person_of_their_own_organization(store: &dyn AccountsStore) {
    let a = org(store, "Agency A").await;
    let b = org(store, "Lab B").await;
    let own = member(store, a.id, "Maria").await;
    let other = member(store, b.id, "Jun").await;
    let local = crate::support::person(store.tracker(), "Ana").await;
    let candidate = |person| new_user(a.id, "maria@agency.example", Role::Candidate, person);
    for person in [None, Some(other), Some(local)] {
        let e = store.create_user(&candidate(person)).await.unwrap_err();
        assert!(matches!(e, StoreError::Invalid(_)), "{person:?}: {e}");
    }
    let e = store
        .create_user(&candidate(Some(PersonId::from_raw(99))))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound { .. }), "{e}");
    assert_eq!(all_users(store, a.id).await.unwrap(), []);
    let created = store.create_user(&candidate(Some(own))).await.unwrap();
    assert_eq!((created.role, created.person), (Role::Candidate, Some(own)));
    // A person's own accounts: the candidate's, no one else's.
    assert_eq!(store.users_of(own).await.unwrap(), [created]);
    assert_eq!(store.users_of(other).await.unwrap(), []);
}

fn link(tag: &str, purpose: LinkPurpose, created: &str, expires: &str) -> NewLink {
    NewLink {
        token_hash: tag.repeat(64 / tag.len()),
        purpose,
        created_at: at(created),
        expires_at: at(expires),
    }
}

/// An invitation makes the account and its link together; a link works
/// once, until it expires, and a newer link of the same user retires the
/// older one. Using one sets the password and ends the user's sessions.
pub async fn an_account_link_works_once_until_it_expires(store: &dyn AccountsStore) {
    let a = org(store, "Agency A").await;
    let invite = link(
        "a1",
        LinkPurpose::Invite,
        "2026-03-01T10:00:00.000Z",
        "2026-03-08T10:00:00.000Z",
    );
    let maria = store
        .invite_user(
            &new_user(a.id, "maria@agency.example", Role::Staff, None),
            &invite,
        )
        .await
        .unwrap();
    let during = at("2026-03-02T09:00:00.000Z");
    assert_eq!(
        store.link(&invite.token_hash, during).await.unwrap(),
        Some((LinkPurpose::Invite, maria.clone()))
    );
    assert_eq!(
        store
            .link(&invite.token_hash, at("2026-03-08T10:00:00.000Z"))
            .await
            .unwrap(),
        None,
        "expired at its end"
    );
    // A session under the unknown first password ends with the new one.
    let held = session(
        "c3",
        maria.id,
        "2026-03-02T08:00:00.000Z",
        "2026-03-02T20:00:00.000Z",
    );
    store.create_session(&held).await.unwrap();
    let new_hash = "$argon2id$v=19$m=19456,t=2,p=1$chosen-by-maria";
    let used = store
        .redeem_link(&invite.token_hash, during, new_hash)
        .await
        .unwrap();
    assert_eq!(used, Some((LinkPurpose::Invite, maria.clone())));
    let (_, hash) = store
        .user_by_email("maria@agency.example")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(hash, new_hash);
    assert_eq!(store.session(&held.token_hash, during).await.unwrap(), None);
    // Used once: never again.
    let again = "$argon2id$v=19$m=19456,t=2,p=1$someone-else";
    assert_eq!(
        store
            .redeem_link(&invite.token_hash, during, again)
            .await
            .unwrap(),
        None
    );
    // Two resets: only the newer works.
    let older = link(
        "d4",
        LinkPurpose::Reset,
        "2026-03-03T10:00:00.000Z",
        "2026-03-03T11:00:00.000Z",
    );
    let newer = link(
        "e5",
        LinkPurpose::Reset,
        "2026-03-03T10:10:00.000Z",
        "2026-03-03T11:10:00.000Z",
    );
    store.create_link(maria.id, &older).await.unwrap();
    store.create_link(maria.id, &newer).await.unwrap();
    let soon = at("2026-03-03T10:20:00.000Z");
    assert_eq!(
        store
            .redeem_link(&older.token_hash, soon, again)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .redeem_link(&newer.token_hash, soon, again)
            .await
            .unwrap(),
        Some((LinkPurpose::Reset, maria.clone()))
    );
    // An expired reset is refused and changes nothing.
    let late = link(
        "f6",
        LinkPurpose::Reset,
        "2026-03-04T10:00:00.000Z",
        "2026-03-04T11:00:00.000Z",
    );
    store.create_link(maria.id, &late).await.unwrap();
    assert_eq!(
        store
            .redeem_link(&late.token_hash, at("2026-03-04T11:00:01.000Z"), new_hash)
            .await
            .unwrap(),
        None
    );
    let (_, hash) = store
        .user_by_email("maria@agency.example")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(hash, again);
    // A link for nobody is refused; an invitation whose account is refused
    // leaves no link behind.
    let e = store
        .create_link(
            UserId::from_raw(99),
            &link(
                "a7",
                LinkPurpose::Reset,
                "2026-03-04T10:00:00.000Z",
                "2026-03-04T11:00:00.000Z",
            ),
        )
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound { .. }), "{e}");
    let taken = link(
        "b8",
        LinkPurpose::Invite,
        "2026-03-05T10:00:00.000Z",
        "2026-03-12T10:00:00.000Z",
    );
    let e = store
        .invite_user(
            &new_user(a.id, "MARIA@agency.example", Role::Staff, None),
            &taken,
        )
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e}");
    assert_eq!(
        store
            .link(&taken.token_hash, at("2026-03-06T10:00:00.000Z"))
            .await
            .unwrap(),
        None
    );
}

/// A session is found by its token hash until it expires; an expired one
/// is not, is removed when a later session starts, and a deleted one is gone.
pub async fn sessions_expire_and_are_deleted(store: &dyn AccountsStore) {
    let a = org(store, "Agency A").await;
    let maria = user(store, a.id, "maria@agency.example", Role::Staff).await;
    let first = session(
        "a1",
        maria.id,
        "2026-03-01T10:00:00.000Z",
        "2026-03-01T11:00:00.000Z",
    );
    store.create_session(&first).await.unwrap();
    let (found, who) = store
        .session(&first.token_hash, at("2026-03-01T10:59:59.999Z"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((found, who), (first.clone(), maria.clone()));
    for later in ["2026-03-01T11:00:00.000Z", "2026-03-02T09:00:00.000Z"] {
        assert_eq!(
            store.session(&first.token_hash, at(later)).await.unwrap(),
            None
        );
    }
    assert_eq!(
        store
            .session(&"f".repeat(64), at("2026-03-01T10:30:00.000Z"))
            .await
            .unwrap(),
        None
    );

    let second = session(
        "b2",
        maria.id,
        "2026-03-01T12:00:00.000Z",
        "2026-03-01T20:00:00.000Z",
    );
    store.create_session(&second).await.unwrap();
    // The first had expired by then, so it was removed: not even a
    // clock set back finds it.
    let early = at("2026-03-01T10:30:00.000Z");
    assert_eq!(store.session(&first.token_hash, early).await.unwrap(), None);
    store.delete_session(&second.token_hash).await.unwrap();
    assert_eq!(
        store.session(&second.token_hash, early).await.unwrap(),
        None
    );
    store.delete_session(&second.token_hash).await.unwrap();

    let e = store
        .create_session(&session(
            "c3",
            UserId::from_raw(99),
            "2026-03-01T12:00:00.000Z",
            "2026-03-01T13:00:00.000Z",
        ))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound { .. }), "{e}");
    let e = store
        .create_session(&session(
            "d4",
            maria.id,
            "2026-03-01T12:00:00.000Z",
            "2026-03-01T12:00:00.000Z",
        ))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)), "{e}");
}

/// A new password ends every session of that user, and only theirs.
pub async fn a_new_password_ends_every_session(store: &dyn AccountsStore) {
    let a = org(store, "Agency A").await;
    let maria = user(store, a.id, "maria@agency.example", Role::Staff).await;
    let jun = user(store, a.id, "jun@agency.example", Role::Staff).await;
    let (from, until) = ("2026-03-01T10:00:00.000Z", "2026-03-01T18:00:00.000Z");
    let phone = session("m1", maria.id, from, until);
    let laptop = session("m2", maria.id, from, until);
    let juns = session("j1", jun.id, from, until);
    for s in [&phone, &laptop, &juns] {
        store.create_session(s).await.unwrap();
    }
    store.set_password(maria.id, "$argon2id$new").await.unwrap();
    let noon = at("2026-03-01T12:00:00.000Z");
    assert_eq!(store.session(&phone.token_hash, noon).await.unwrap(), None);
    assert_eq!(store.session(&laptop.token_hash, noon).await.unwrap(), None);
    assert!(
        store
            .session(&juns.token_hash, noon)
            .await
            .unwrap()
            .is_some()
    );
    let (_, hash) = store.user_by_email(&maria.email).await.unwrap().unwrap();
    assert_eq!(hash, "$argon2id$new");
    let e = store
        .set_password(UserId::from_raw(99), "$argon2id$x")
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound { .. }), "{e}");
    let e = store.set_password(jun.id, " ").await.unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)), "{e}");
}

/// Records a failed login of `email` from `address` at `t` (a time of
/// 2026-03-01), keeping those from 09:00 on.
async fn fail(store: &dyn AccountsStore, email: &str, address: &str, t: &str) {
    let failure = LoginFailure {
        email: email.to_owned(),
        address: address.to_owned(),
        at: day_at(t),
    };
    store
        .record_login_failure(&failure, day_at("09:00"))
        .await
        .unwrap();
}

/// An instant of 2026-03-01, `HH:MM`.
fn day_at(t: &str) -> Timestamp {
    at(&format!("2026-03-01T{t}:00.000Z"))
}

/// Failed logins are counted by address over every email (an account's or
/// not), and by email over every address, from a time on (that instant
/// included), with the first and the last.
pub async fn failed_logins_are_counted_by_address_and_by_email(store: &dyn AccountsStore) {
    let (proxy, home) = ("203.0.113.9", "198.51.100.4");
    for (email, t) in [
        ("maria@agency.example", "10:00"),
        ("nobody@agency.example", "10:05"),
        ("maria@agency.example", "10:10"),
    ] {
        fail(store, email, proxy, t).await;
    }
    fail(store, "maria@agency.example", home, "10:07").await;
    let failures = |count, first: &str, last: &str| LoginFailures {
        count,
        first: Some(day_at(first)),
        last: Some(day_at(last)),
    };
    let from = |address: &'static str, t: &'static str| async move {
        store.login_failures_from(address, day_at(t)).await.unwrap()
    };
    assert_eq!(from(proxy, "09:00").await, failures(3, "10:00", "10:10"));
    assert_eq!(from(proxy, "10:05").await, failures(2, "10:05", "10:10"));
    assert_eq!(from(home, "09:00").await, failures(1, "10:07", "10:07"));
    assert_eq!(from(proxy, "10:11").await, LoginFailures::default());
    assert_eq!(from("192.0.2.1", "09:00").await, LoginFailures::default());

    let of = |email: &'static str, t: &'static str| async move {
        store.login_failures_of(email, day_at(t), 10).await.unwrap()
    };
    assert_eq!(
        of("maria@agency.example", "09:00").await,
        failures(3, "10:00", "10:10")
    );
    assert_eq!(
        of("maria@agency.example", "10:01").await,
        failures(2, "10:07", "10:10")
    );
    assert_eq!(
        of("nobody@agency.example", "09:00").await,
        failures(1, "10:05", "10:05")
    );
    assert_eq!(
        of("jun@agency.example", "09:00").await,
        LoginFailures::default()
    );
}

/// An address counts for at most `per_address` of an email's failed
/// logins, however many it made; the first and the last are over all.
pub async fn one_address_counts_for_a_few_of_an_accounts_failures(store: &dyn AccountsStore) {
    let maria = "maria@agency.example";
    for t in [
        "10:00", "10:01", "10:02", "10:03", "10:04", "10:05", "10:06",
    ] {
        fail(store, maria, "203.0.113.9", t).await;
    }
    fail(store, maria, "198.51.100.4", "10:08").await;
    fail(store, maria, "198.51.100.5", "10:09").await;
    let of = |per_address: u32| async move {
        store
            .login_failures_of(maria, day_at("09:00"), per_address)
            .await
            .unwrap()
    };
    for (per_address, count) in [(5, 7), (7, 9), (100, 9), (1, 3), (0, 0)] {
        let counted = of(per_address).await;
        assert_eq!(counted.count, count, "{per_address} per address");
        assert_eq!(counted.first, Some(day_at("10:00")));
        assert_eq!(counted.last, Some(day_at("10:09")));
    }
    // The address's own count is not capped.
    let from = store
        .login_failures_from("203.0.113.9", day_at("09:00"))
        .await
        .unwrap();
    assert_eq!(from.count, 7);
}

/// Recording a failed login forgets every failure (of any email and
/// address) before the time given, and keeps that instant's; a login's
/// success forgets its email's failures from its address, and only those.
pub async fn failed_logins_are_forgotten_after_the_window_or_a_login(store: &dyn AccountsStore) {
    let (maria, jun) = ("maria@agency.example", "jun@agency.example");
    let (proxy, home) = ("203.0.113.9", "198.51.100.4");
    for t in ["10:00", "10:05", "10:10"] {
        fail(store, maria, proxy, t).await;
    }
    fail(store, jun, proxy, "10:06").await;
    fail(store, jun, home, "10:07").await;
    // A failure at 10:30 keeping those from 10:06 forgets maria's 10:00
    // and 10:05, and keeps jun's 10:06 (the instant included).
    let late = LoginFailure {
        email: maria.to_owned(),
        address: home.to_owned(),
        at: day_at("10:30"),
    };
    store
        .record_login_failure(&late, day_at("10:06"))
        .await
        .unwrap();
    let all = day_at("00:00");
    let count = |email: &'static str| async move {
        store
            .login_failures_of(email, all, 100)
            .await
            .unwrap()
            .count
    };
    let from = |address: &'static str| async move {
        store.login_failures_from(address, all).await.unwrap().count
    };
    assert_eq!(count(maria).await, 2, "10:10 and 10:30 are kept");
    assert_eq!(count(jun).await, 2);
    assert_eq!(from(proxy).await, 2, "maria's 10:10 and jun's 10:06");
    assert_eq!(from(home).await, 2, "jun's 10:07 and maria's 10:30");

    // Maria logs in from home: her failure from there is forgotten, her
    // failure from the proxy and jun's from home are not.
    store.forget_login_failures(maria, home).await.unwrap();
    assert_eq!(count(maria).await, 1);
    assert_eq!(count(jun).await, 2, "another email's are kept");
    assert_eq!(from(home).await, 1, "jun's 10:07 only");
    assert_eq!(from(proxy).await, 2);
    store
        .forget_login_failures("nobody@agency.example", home)
        .await
        .unwrap();
    assert_eq!(from(home).await, 1);
}

/// The audit log gives an organization's lines (or those of none), newest
/// first, a page at a time, each as it was appended.
pub async fn the_audit_log_pages_newest_first_per_organization(store: &dyn AccountsStore) {
    let a = org(store, "Agency A").await;
    let b = org(store, "Lab B").await;
    let mut written = Vec::new();
    for i in 0..5 {
        written.push(
            store
                .audit(&audit_line(Some(a.id), &format!("a{i}")))
                .await
                .unwrap(),
        );
        store
            .audit(&audit_line(Some(b.id), &format!("b{i}")))
            .await
            .unwrap();
    }
    let failed = store
        .audit(&audit_line(None, "login-failed"))
        .await
        .unwrap();
    assert_eq!((failed.org, failed.user, failed.status), (None, None, 200));
    assert!(
        written
            .windows(2)
            .all(|w| w[0].id < w[1].id && w[0].at <= w[1].at)
    );

    let mut pages = Vec::new();
    let mut before = None;
    loop {
        let page = store.audit_log(Some(a.id), before, 2).await.unwrap();
        let Some(last) = page.last() else { break };
        before = Some(last.id);
        pages.push(page);
    }
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [2, 2, 1]);
    let read: Vec<_> = pages.concat();
    written.reverse();
    assert_eq!(read, written);
    assert_eq!(store.audit_log(None, None, 10).await.unwrap(), [failed]);
    let bs = store.audit_log(Some(b.id), None, 10).await.unwrap();
    assert!(
        bs.iter()
            .all(|l| l.org == Some(b.id) && l.action.starts_with('b'))
    );
    assert_eq!(bs.len(), 5);
}

/// The database itself refuses to change or remove an audit line.
pub async fn audit_lines_cannot_be_changed(store: &dyn AccountsStore, sql: &dyn RawSql) {
    let a = org(store, "Agency A").await;
    let line = store.audit(&audit_line(Some(a.id), "login")).await.unwrap();
    for statement in [
        "UPDATE audit_log SET action = 'nothing happened'",
        "DELETE FROM audit_log",
    ] {
        let e = sql.execute(statement).await.unwrap_err();
        assert!(e.contains("append-only"), "{statement}: {e}");
    }
    assert_eq!(store.audit_log(Some(a.id), None, 10).await.unwrap(), [line]);
}

/// A write that would duplicate a unique row is a `Conflict` (a 409 for
/// the API, not a 500) on every backend, whichever unique index refuses
/// it: an email, a session's token, or a derived row that is already there
/// (planted here past the store, as a hand-edited database would hold it).
/// Regression: SQLite called the last one a backend failure (`Other`),
/// where PostgreSQL called it a conflict.
pub async fn a_duplicate_row_is_a_conflict_on_every_backend(
    store: &dyn AccountsStore,
    sql: &dyn RawSql,
) {
    let a = org(store, "Agency A").await;
    let maria = user(store, a.id, "maria@agency.example", Role::Staff).await;
    let e = store
        .create_user(&new_user(a.id, "Maria@Agency.example", Role::Staff, None))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e}");
    let token = session(
        "t1",
        maria.id,
        "2026-03-01T09:00:00Z",
        "2026-03-01T17:00:00Z",
    );
    store.create_session(&token).await.unwrap();
    let e = store.create_session(&token).await.unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e}");

    let tracker = store.tracker();
    let person = crate::support::person(tracker, "Ana").await;
    let planted = format!(
        "INSERT INTO profiles (person_id, version, event_id, recorded_at, profile) \
         VALUES ({person}, 1, (SELECT MAX(id) FROM events), '2026-03-01T09:00:00.000Z', '{{}}')"
    );
    assert_eq!(sql.execute(&planted).await.unwrap(), 1);
    let e = ops::record_profile(tracker, ACTOR, person, serde_json::json!({"state": "NY"}))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e}");
    assert!(e.is_bad_input(), "{e}");
    assert_eq!(tracker.person(person).await.unwrap().profile_version, 0);
    assert_eq!(
        tracker.events(&EventQuery::default()).await.unwrap().len(),
        1
    );
}

/// A list of people is read for one scope, one filter and one window: the
/// store never hands over another organization's people, a candidate
/// reaches only their own record, and the count is the scope's.
pub async fn people_are_listed_by_scope_filter_and_window(store: &dyn AccountsStore) {
    let tracker = store.tracker();
    let a = org(store, "Agency A").await;
    let b = org(store, "Lab B").await;
    let mut in_a = Vec::new();
    for name in [
        "Maria Santos",
        "Jun Reyes",
        "Ana 50%_off",
        "Leo Santos",
        "Rosa",
    ] {
        in_a.push(member(store, a.id, name).await);
    }
    let in_b = member(store, b.id, "Maria Santos of B").await;
    let local = crate::support::person(tracker, "Local Santos").await;
    let names = |page: &labpath_store::model::Paged<labpath_store::model::Person>| {
        page.items
            .iter()
            .map(|p| p.name.clone())
            .collect::<Vec<_>>()
    };
    let all = PeopleFilter::default();
    let window = |offset, limit| Window { offset, limit };
    let first = tracker
        .people_in(Scope::Org(a.id), &all, window(0, 2))
        .await
        .unwrap();
    assert_eq!(names(&first), ["Maria Santos", "Jun Reyes"]);
    assert_eq!(first.total, 5);
    let last = tracker
        .people_in(Scope::Org(a.id), &all, window(4, 2))
        .await
        .unwrap();
    assert_eq!(names(&last), ["Rosa"]);
    let beyond = tracker
        .people_in(Scope::Org(a.id), &all, window(10, 2))
        .await
        .unwrap();
    assert!(beyond.items.is_empty());
    assert_eq!(beyond.total, 5);
    let santos = PeopleFilter {
        name_contains: Some("SANTOS".to_owned()),
    };
    let found = tracker
        .people_in(Scope::Org(a.id), &santos, Window::ALL)
        .await
        .unwrap();
    assert_eq!(names(&found), ["Maria Santos", "Leo Santos"]);
    assert_eq!(found.total, 2);
    // `%` and `_` are matched as themselves, not as patterns.
    let percent = PeopleFilter {
        name_contains: Some("50%_".to_owned()),
    };
    let literal = tracker
        .people_in(Scope::Org(a.id), &percent, Window::ALL)
        .await
        .unwrap();
    assert_eq!(names(&literal), ["Ana 50%_off"]);
    let wildcard = PeopleFilter {
        name_contains: Some("%".to_owned()),
    };
    let only_percent = tracker
        .people_in(Scope::Org(a.id), &wildcard, Window::ALL)
        .await
        .unwrap();
    assert_eq!(only_percent.total, 1);
    let local_people = tracker
        .people_in(Scope::Local, &santos, Window::ALL)
        .await
        .unwrap();
    assert_eq!(names(&local_people), ["Local Santos"]);
    assert_eq!(local_people.items[0].id, local);
    let own = tracker
        .people_in(Scope::Own(a.id, Some(in_a[1])), &all, Window::ALL)
        .await
        .unwrap();
    assert_eq!(names(&own), ["Jun Reyes"]);
    // A candidate's own id in another organization's scope reaches nobody.
    let elsewhere = tracker
        .people_in(Scope::Own(a.id, Some(in_b)), &all, Window::ALL)
        .await
        .unwrap();
    assert_eq!((elsewhere.items.len(), elsewhere.total), (0, 0));
    let unlinked = tracker
        .people_in(Scope::Own(a.id, None), &all, Window::ALL)
        .await
        .unwrap();
    assert_eq!(unlinked.total, 0);
}

/// An organization's people, applications and checklists never include
/// another organization's (or anyone's outside an organization).
pub async fn an_organizations_records_stay_its_own(store: &dyn AccountsStore) {
    let tracker = store.tracker();
    let a = org(store, "Agency A").await;
    let b = org(store, "Lab B").await;
    let maria = member(store, a.id, "Maria").await;
    let jun = member(store, b.id, "Jun").await;
    let ana = crate::support::person(tracker, "Ana").await;
    let leo = member(store, a.id, "Leo").await;
    let mut apps = Vec::new();
    for who in [maria, jun, ana, leo] {
        let state = ops::new_application(tracker, ACTOR, who, step("ny-clt-apply"))
            .await
            .unwrap();
        apps.push(state.application.id);
    }
    let ids = |people: Vec<labpath_store::model::Person>| -> Vec<PersonId> {
        people.iter().map(|p| p.id).collect()
    };
    assert_eq!(ids(store.people(Some(a.id)).await.unwrap()), [maria, leo]);
    assert_eq!(ids(store.people(Some(b.id)).await.unwrap()), [jun]);
    assert_eq!(
        ids(store.people(None).await.unwrap()),
        [maria, jun, ana, leo]
    );
    assert_eq!(store.person(maria).await.unwrap().organization, Some(a.id));
    assert_eq!(store.person(ana).await.unwrap().organization, None);

    let of_a = AppFilter {
        organization: Some(a.id),
        ..AppFilter::default()
    };
    let listed: Vec<_> = store
        .applications(&of_a)
        .await
        .unwrap()
        .iter()
        .map(|x| x.id)
        .collect();
    assert_eq!(listed, [apps[0], apps[3]]);
    let items = store.checklists(&of_a).await.unwrap();
    assert!(!items.is_empty());
    assert!(
        items
            .iter()
            .all(|i| i.application == apps[0] || i.application == apps[3])
    );
    let open_of_b = AppFilter {
        organization: Some(b.id),
        open_only: true,
        ..AppFilter::default()
    };
    let listed: Vec<_> = store
        .applications(&open_of_b)
        .await
        .unwrap()
        .iter()
        .map(|x| x.id)
        .collect();
    assert_eq!(listed, [apps[1]]);
    // Someone else's person under this organization's filter: nothing.
    let crossed = AppFilter {
        person: Some(jun),
        organization: Some(a.id),
        ..AppFilter::default()
    };
    assert_eq!(store.applications(&crossed).await.unwrap(), []);
    assert_eq!(store.checklists(&crossed).await.unwrap(), []);
}

/// A person added to an organization that does not exist is refused
/// (`NotFound`), and nothing is recorded: no event, no person, no id used.
pub async fn a_person_in_an_unknown_organization_is_refused_and_leaves_no_trace(
    store: &dyn AccountsStore,
) {
    let tracker = store.tracker();
    let e = ops::add_person(tracker, ACTOR, "Maria", Some(OrgId::from_raw(99)))
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "organization `99` does not exist");
    assert!(store.counts().await.unwrap().is_empty());
    assert_eq!(store.events(&EventQuery::default()).await.unwrap(), []);
    assert_eq!(store.people(None).await.unwrap(), []);
    let a = org(store, "Agency A").await;
    let maria = member(store, a.id, "Maria").await;
    assert_eq!(maria, PersonId::from_raw(1));
    let events = store.events(&EventQuery::default()).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].id.get(), 1);
}

/// An export keeps each person's organization. It does not carry the
/// organizations themselves: an import into a store without them is
/// refused, naming the first, and changes nothing; once they exist with
/// the same ids, the import keeps every person in theirs.
pub async fn an_import_keeps_each_persons_organization(
    a: &dyn AccountsStore,
    b: &dyn AccountsStore,
) {
    let agency = org(a, "Agency A").await;
    let maria = member(a, agency.id, "Maria").await;
    let ana = crate::support::person(a.tracker(), "Ana").await;
    ops::new_application(a.tracker(), ACTOR, maria, step("ny-clt-apply"))
        .await
        .unwrap();
    let exported = crate::contract::export(a.tracker()).await;
    let files = exported.files().unwrap();

    let e = b.import(&exported.events, &files).await.unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)), "{e}");
    assert!(
        e.to_string()
            .contains(&format!("organization `{}`", agency.id)),
        "{e}"
    );
    assert!(b.counts().await.unwrap().is_empty());

    let again = org(b, "Agency A").await;
    assert_eq!(again.id, agency.id);
    b.import(&exported.events, &files).await.unwrap();
    assert_eq!(b.person(maria).await.unwrap().organization, Some(agency.id));
    assert_eq!(b.person(ana).await.unwrap().organization, None);
    assert_eq!(
        b.people(Some(agency.id)).await.unwrap(),
        a.people(Some(agency.id)).await.unwrap()
    );
}

/// Every user of an organization, through the paged read.
async fn all_users(store: &dyn AccountsStore, org: OrgId) -> Result<Vec<User>, StoreError> {
    Ok(store.users_in(org, Window::ALL).await?.items)
}
