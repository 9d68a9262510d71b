//! Organization isolation on PostgreSQL (server mode), as a matrix: every
//! documented operation × every role of organization Alfa (admin, staff,
//! candidate).
//!
//! - An operation that names a record (a person, an application, a document
//!   key, a reminder, a user's calendar feed) is asked for organization
//!   Zulu's record and must answer 404, exactly as for a record that does
//!   not exist (so ids cannot be probed); a candidate is asked the same for
//!   another person of their own organization.
//! - Every answer (lists, the dashboard, users, audit, calendars, CE, and
//!   the answers about the caller's own records) must contain nothing of
//!   Zulu: none of its texts (each carries the word `Zulu` or `Xray`), none
//!   of its ids; a candidate's, nothing of the other person of Alfa
//!   (`Yankee`).
//! - Afterwards, everything stored for Zulu is as it was.
//!
//! Two more columns need no second organization: without a session
//! (every operation the OpenAPI document does not mark open answers 401)
//! and local mode (its one owner reaches every operation).
//!
//! The table of cases is keyed by (method, path) and checked against the
//! operations of the OpenAPI document, which is derived from the router
//! itself: a new route without a case fails the test.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests: a failed assumption is a failed test"
)]

mod common;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{
    Answer, Client, Org, PASSWORD, Part, STEP, activity, organization, pdf, profile, snapshot,
};
use labpath_server::serve::Database;
use labpath_server::testing::{Running, postgres_url, start};
use serde_json::{Value, json};

/// The roles of Alfa, in the order of `Case::open`'s statuses.
const ROLES: [&str; 3] = ["admin", "staff", "candidate"];

/// What a case's path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Names {
    /// No record: the answer is checked for leaks.
    Nothing,
    /// A record (its ids fill the path, and the body for `POST /api/users`).
    Record,
}

/// One documented operation's case.
struct Case {
    method: &'static str,
    path: &'static str,
    /// Appended to the path.
    query: &'static str,
    names: Names,
    /// A valid body (the request is refused for whose record it is, never
    /// for its body).
    body: fn(&Target) -> Option<Value>,
    /// A valid `multipart/form-data` body, sent instead of `body`.
    upload: Option<fn(&Target) -> Vec<Part>>,
    /// A valid `text/csv` body, sent instead of `body`.
    csv: Option<fn() -> String>,
    /// `Nothing`: the status each role gets (admin, staff, candidate).
    open: [u16; 3],
    /// `Record`: a candidate is refused by role (403) before any lookup.
    staff_only: bool,
    /// `Record`: staff and candidates are refused by role (403) before
    /// any lookup.
    admin_only: bool,
    /// Needs a session of its own (it ends the one it is sent with).
    own_session: bool,
}

/// The records a request names.
#[derive(Debug, Clone)]
struct Target {
    person: i64,
    app: i64,
    key: String,
    reminder: i64,
    activity: i64,
    attachment: i64,
    feed_user: i64,
    feed_token: String,
}

fn none(_: &Target) -> Option<Value> {
    None
}

#[rustfmt::skip]
fn cases() -> Vec<Case> {
    let open = |method, path, query, body, statuses| Case { method, path, query, names: Names::Nothing, body, upload: None, csv: None, open: statuses, staff_only: false, admin_only: false, own_session: false };
    let named = |method, path, query, body| Case { method, path, query, names: Names::Record, body, upload: None, csv: None, open: [0; 3], staff_only: false, admin_only: false, own_session: false };
    let all_ok = [200, 200, 200];
    vec![
        open("get", "/api/health", "", none, all_ok),
        open("get", "/api/session", "", none, all_ok),
        open("post", "/api/login", "", |_| Some(json!({ "email": "admin@zulu.example", "password": "not the password" })), [401, 401, 401]),
        Case { own_session: true, ..open("post", "/api/logout", "", none, [204, 204, 204]) },
        open("get", "/api/users", "?per_page=200", none, [200, 200, 403]),
        Case {
            staff_only: true,
            ..named("post", "/api/users", "", |t| Some(json!({ "email": format!("new-{}@alfa.example", t.person), "name": "Alfa New", "role": "candidate", "password": PASSWORD, "person": t.person.to_string() })))
        },
        Case {
            staff_only: true,
            ..named("post", "/api/invitations", "", |t| Some(json!({ "email": format!("invited-{}@alfa.example", t.person), "name": "Alfa Invited", "role": "candidate", "person": t.person.to_string() })))
        },
        Case { admin_only: true, ..named("post", "/api/users/{user}/reset-link", "", none) },
        open("get", "/api/audit", "?limit=500", none, [200, 403, 403]),
        open("get", "/api/calendar-feed", "", none, all_ok),
        open("get", "/api/openapi.json", "", none, all_ok),
        open("get", "/api/credentials", "?per_page=200", none, all_ok),
        open("get", "/api/credentials/{credential}", "", none, all_ok),
        open("get", "/api/jurisdictions/{code}", "", none, all_ok),
        open("get", "/api/parse", "?text=MLS%20(ASCP)CM%2C%20NYS%20licensed", none, all_ok),
        open("get", "/api/goals", "?per_page=200", none, all_ok),
        open("get", "/api/catalog/clauses", "", none, all_ok),
        open("post", "/api/eligibility", "?credential=ascp-mls", |_| Some(profile()), all_ok),
        open("post", "/api/plan", "", |_| Some(json!({ "profile": profile(), "goal": "ascp-mls", "samples": 20 })), all_ok),
        open("get", "/api/people", "?per_page=200", none, all_ok),
        open("post", "/api/people", "", |_| Some(json!({ "name": "Alfa Added" })), [201, 201, 403]),
        Case { csv: Some(people_csv), ..open("post", "/api/people/import", "", none, [201, 201, 403]) },
        named("get", "/api/people/{person}", "", none),
        named("patch", "/api/people/{person}", "", |_| Some(json!({ "name": "Renamed by Alfa" }))),
        Case { staff_only: true, ..named("put", "/api/people/{person}/owner", "", |_| Some(json!({ "owner": null }))) },
        named("get", "/api/people/{person}/profile", "", none),
        named("put", "/api/people/{person}/profile", "", |_| Some(profile())),
        named("get", "/api/people/{person}/eligibility", "?credential=ascp-mls", none),
        named("get", "/api/people/{person}/plan", "?goal=ascp-mls&samples=20", none),
        named("get", "/api/people/{person}/questions", "?goal=work-mls-ny", none),
        named("get", "/api/people/{person}/status", "", none),
        named("get", "/api/people/{person}/applications", "?per_page=200", none),
        named("post", "/api/people/{person}/applications", "", |_| Some(json!({ "step": STEP }))),
        named("get", "/api/people/{person}/reminders", "?per_page=200", none),
        named("post", "/api/people/{person}/reminders", "", |_| Some(json!({ "due": "2031-02-03", "what": "set by Alfa" }))),
        named("get", "/api/people/{person}/calendar.ics", "", none),
        named("get", "/api/people/{person}/ce", "?per_page=200", none),
        named("post", "/api/people/{person}/ce", "", |_| Some(activity("logged by Alfa"))),
        named("get", "/api/people/{person}/ce/status", "", none),
        named("get", "/api/people/{person}/ce/audit-pack", "?credential=ascp-mlt", none),
        Case {
            upload: Some(|_| vec![Part::file("activities", "alfa.csv", b"title,provider,accreditation,date,unit,amount,categories,certificate\nImported by Alfa,,,2026-03-01,contact_hours,1,,\n")]),
            ..named("post", "/api/people/{person}/ce/import", "", none)
        },
        named("post", "/api/people/{person}/ce/{activity}/withdraw", "", |_| Some(json!({ "reason": "withdrawn by Alfa" }))),
        named("get", "/api/people/{person}/ce/{activity}/certificate", "", none),
        open("get", "/api/applications", "?per_page=200", none, all_ok),
        named("get", "/api/applications/{app}", "", none),
        named("patch", "/api/applications/{app}", "", |_| Some(json!({ "status": "submitted", "reference": "SET-BY-ALFA" }))),
        named("get", "/api/applications/{app}/history", "", none),
        named("get", "/api/applications/{app}/attachments", "", none),
        Case {
            upload: Some(|_| vec![Part::file("file", "sent by Alfa.pdf", &pdf("sent by Alfa"))]),
            ..named("post", "/api/applications/{app}/attachments", "", none)
        },
        named("get", "/api/applications/{app}/attachments/{attachment}", "", none),
        named("patch", "/api/applications/{app}/documents/{key}", "", |_| Some(json!({ "status": "requested", "requested_from": "Alfa" }))),
        named("get", "/api/applications/{app}/contacts", "?per_page=200", none),
        named("post", "/api/applications/{app}/contacts", "", |_| Some(json!({ "channel": "email", "summary": "logged by Alfa" }))),
        named("post", "/api/reminders/{reminder}/done", "", |_| Some(json!({ "on": "2026-01-02" }))),
        open("get", "/api/dashboard", "?per_page=200", none, [200, 200, 403]),
        open("get", "/api/export", "", none, [200, 403, 200]),
        named("get", "/feed/{user}/{token}", "", none),
    ]
}

fn fill(path: &str, t: &Target) -> String {
    path.replace("{person}", &t.person.to_string())
        .replace("{app}", &t.app.to_string())
        .replace("{key}", &t.key)
        .replace("{reminder}", &t.reminder.to_string())
        .replace("{activity}", &t.activity.to_string())
        // The catalog's, the same for every organization.
        .replace("{credential}", "ascp-mls")
        .replace("{code}", "ny")
        .replace("{attachment}", &t.attachment.to_string())
        .replace("{user}", &t.feed_user.to_string())
        .replace("{token}", &t.feed_token)
}

/// What a role must never see.
#[derive(Debug, Default)]
struct Forbidden {
    /// Lower-case words.
    words: Vec<&'static str>,
    people: BTreeSet<i64>,
    apps: BTreeSet<i64>,
    reminders: BTreeSet<i64>,
    users: BTreeSet<i64>,
    org: i64,
}

impl Forbidden {
    fn of(org: &Org, words: &[&'static str]) -> Forbidden {
        let mut f = Forbidden {
            words: words.to_vec(),
            org: org.id,
            ..Forbidden::default()
        };
        for r in [&org.mine, &org.other] {
            f.people.insert(r.person);
            f.apps.insert(r.app);
            f.reminders.insert(r.reminder);
        }
        for u in [&org.admin, &org.staff, &org.candidate] {
            f.users.insert(u.id());
        }
        f
    }

    /// Asserts the answer shows none of it.
    fn check(&self, a: &Answer, what: &str) {
        let lower = a.text.to_lowercase();
        for word in &self.words {
            assert!(
                !lower.contains(word),
                "{what}: the answer shows `{word}`: {}",
                a.text
            );
        }
        if a.media_type() == "application/json" {
            self.walk(&a.json(), what);
        }
    }

    fn walk(&self, v: &Value, what: &str) {
        match v {
            Value::Array(items) => items.iter().for_each(|i| self.walk(i, what)),
            Value::Object(map) => {
                let has = |k: &str| map.contains_key(k);
                for (k, v) in map {
                    let Some(n) = v.as_i64() else {
                        self.walk(v, what);
                        continue;
                    };
                    let set = match k.as_str() {
                        "person" => Some(&self.people),
                        "application" => Some(&self.apps),
                        "user" => Some(&self.users),
                        "org" | "organization" if n == self.org => {
                            panic!("{what}: `{k}` is the other organization's: {v}")
                        }
                        "id" if has("profile_version") => Some(&self.people),
                        "id" if has("step") && has("status_on") => Some(&self.apps),
                        "id" if has("due") && has("what") => Some(&self.reminders),
                        "id" if has("role") && has("email") => Some(&self.users),
                        _ => None,
                    };
                    if let Some(set) = set {
                        assert!(!set.contains(&n), "{what}: `{k}: {n}` is not theirs to see");
                    }
                }
            }
            _ => {}
        }
    }
}

/// A feed path's (user, token), from `GET /api/calendar-feed`.
async fn feed(client: &Client) -> (i64, String) {
    let path = client.get("/api/calendar-feed").await["path"]
        .as_str()
        .unwrap()
        .to_owned();
    let parts: Vec<&str> = path.trim_start_matches("/feed/").split('/').collect();
    (parts[0].parse().unwrap(), parts[1].to_owned())
}

/// Digits are ids; the rest of an error must not tell a record of another
/// organization from one that does not exist.
fn without_ids(error: &Value) -> String {
    error
        .to_string()
        .chars()
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .collect::<String>()
        .split('#')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("#")
}

/// Counts what the server answered, check by check.
#[derive(Debug, Default)]
struct Tally {
    /// (operation, role) cells in which at least one answer was checked.
    cells: usize,
    denials: usize,
    checked_answers: usize,
    /// Every answer checked, whatever its status.
    answers: usize,
}

struct Role<'a> {
    name: &'static str,
    index: usize,
    client: &'a Client,
    own: Target,
    /// Records this role must be refused: Zulu's, and for a candidate the
    /// other person of Alfa.
    refused: Vec<(&'static str, Target)>,
    forbidden: Forbidden,
}

async fn denied(case: &Case, role: &Role<'_>, tally: &mut Tally) {
    let missing = Target {
        person: 999_999,
        app: 999_999,
        key: "no-such-document".to_owned(),
        reminder: 999_999,
        activity: 999_999,
        attachment: 999_999,
        feed_user: 999_999,
        feed_token: role.own.feed_token.clone(),
    };
    let by_role =
        (case.staff_only && role.name == "candidate") || (case.admin_only && role.name != "admin");
    let expected = if by_role { 403 } else { 404 };
    for (whose, target) in &role.refused {
        let path = format!("{}{}", fill(case.path, target), case.query);
        let what = format!(
            "{} {} {path} naming {whose}'s record",
            role.name,
            case.method.to_uppercase()
        );
        let a = send(role.client, case, &path, target).await;
        let error = common::assert_error(&a, expected, error_code(expected), &what);
        role.forbidden.check(&a, &what);
        // The same request for records that do not exist answers alike.
        let path = format!("{}{}", fill(case.path, &missing), case.query);
        let b = send(role.client, case, &path, &missing).await;
        tally.answers += 2;
        assert_eq!(
            b.status, expected,
            "{what}, for a missing record: {}",
            b.text
        );
        assert_eq!(
            without_ids(&error),
            without_ids(&b.json()["error"]),
            "{what}: the refusal tells another organization's record from a missing one"
        );
        tally.denials += 1;
    }
}

async fn own_answer(case: &Case, role: &Role<'_>, tally: &mut Tally) {
    let path = format!("{}{}", fill(case.path, &role.own), case.query);
    let what = format!("{} GET {path} (their own)", role.name);
    let a = role.client.send("GET", &path, None).await;
    a.expect(200, &what);
    role.forbidden.check(&a, &what);
    tally.checked_answers += 1;
    tally.answers += 1;
}

async fn open_answer(case: &Case, role: &Role<'_>, server: &Running, tally: &mut Tally) {
    let path = format!("{}{}", fill(case.path, &role.own), case.query);
    let what = format!("{} {} {path}", role.name, case.method.to_uppercase());
    let fresh;
    let client = if case.own_session {
        let email = role.client.user["email"].as_str().unwrap().to_owned();
        fresh = Client::login(server, &email, PASSWORD).await;
        &fresh
    } else {
        role.client
    };
    let a = send(client, case, &path, &role.own).await;
    let status = case.open[role.index];
    if status >= 400 {
        common::assert_error(&a, status, error_code(status), &what);
    } else {
        a.expect(status, &what);
    }
    role.forbidden.check(&a, &what);
    tally.checked_answers += 1;
    tally.answers += 1;
}

/// Sends a case's request with its body for `target`.
async fn send(client: &Client, case: &Case, path: &str, target: &Target) -> Answer {
    match (case.upload, case.csv) {
        (Some(parts), _) => client.upload(case.method, path, &parts(target)).await,
        (None, Some(csv)) => client.send_csv(path, csv().as_bytes()).await,
        (None, None) => {
            client
                .send(case.method, path, (case.body)(target).as_ref())
                .await
        }
    }
}

/// A people CSV of one candidate whose name no import has used yet (each
/// role's import must be refused or added for whose it is, never as a
/// name already in the list).
fn people_csv() -> String {
    static SENT: AtomicUsize = AtomicUsize::new(0);
    let n = SENT.fetch_add(1, Ordering::Relaxed) + 1;
    format!(
        "name,email,credentials,work_state\nAlfa Imported {n},imported-{n}@alfa.example,MLT(ASCP),NY\n"
    )
}

fn error_code(status: u16) -> &'static str {
    match status {
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        _ => panic!("no code for {status}"),
    }
}

/// The operations of the document derived from the router, as (method,
/// path).
fn documented() -> BTreeSet<(String, String)> {
    labpath_server::openapi::operations().into_iter().collect()
}

/// The operations the document marks open (`security: [{}]`: no session
/// needed).
fn open_operations() -> BTreeSet<(String, String)> {
    let doc = labpath_server::openapi::build();
    documented()
        .into_iter()
        .filter(|(m, p)| {
            doc["paths"][p][m]["security"].as_array().is_some_and(|s| {
                s.iter()
                    .any(|r| r.as_object().is_some_and(|r| r.is_empty()))
            })
        })
        .collect()
}

#[test]
fn every_documented_operation_has_an_isolation_case() {
    let documented = documented();
    let covered: BTreeSet<(String, String)> = cases()
        .iter()
        .map(|c| (c.method.to_owned(), c.path.to_owned()))
        .collect();
    let missing: Vec<_> = documented.difference(&covered).collect();
    let stale: Vec<_> = covered.difference(&documented).collect();
    assert!(
        missing.is_empty(),
        "documented operations without an isolation case: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "cases of no documented operation: {stale:?}"
    );
    assert_eq!(cases().len(), covered.len(), "one case per operation");
}

/// Records that do not exist, for requests refused before any lookup.
fn nothing() -> Target {
    Target {
        person: 999_999,
        app: 999_999,
        key: "no-such-document".to_owned(),
        reminder: 999_999,
        activity: 999_999,
        attachment: 999_999,
        feed_user: 999_999,
        feed_token: "0".repeat(64),
    }
}

/// The anonymous column of the matrix: without a session, every operation
/// the document does not mark open is refused with 401 before it looks
/// anything up, and the open ones are exactly the four that need none.
#[tokio::test]
async fn without_a_session_only_the_open_operations_answer() {
    let open = open_operations();
    let expected: BTreeSet<(String, String)> = [
        ("get", "/api/health"),
        ("post", "/api/login"),
        ("get", "/api/openapi.json"),
        ("get", "/feed/{user}/{token}"),
    ]
    .iter()
    .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
    .collect();
    assert_eq!(open, expected, "the operations open without a session");
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Sqlite(dir.path().to_path_buf())).await;
    organization(&server, "Alfa", "Yankee").await;
    let anonymous = Client::anonymous(&server);
    let target = nothing();
    let mut refused = 0;
    for case in cases() {
        let key = (case.method.to_owned(), case.path.to_owned());
        if open.contains(&key) {
            continue;
        }
        let path = format!("{}{}", fill(case.path, &target), case.query);
        let what = format!("anonymous {} {path}", case.method.to_uppercase());
        let a = send(&anonymous, &case, &path, &target).await;
        common::assert_error(&a, 401, "unauthorized", &what);
        refused += 1;
    }
    assert_eq!(refused, documented().len() - open.len());
    eprintln!(
        "anonymous: {refused} operations refused, {} open",
        open.len()
    );
}

/// The local column: local mode's one owner reaches every operation
/// without logging in; none answers 401, 403 or a 5xx (the records named
/// do not exist, so those answer 404; the account operations, which local
/// mode has not, answer 422).
#[tokio::test]
async fn in_local_mode_the_owner_reaches_every_operation() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Local(dir.path().to_path_buf())).await;
    let local = Client::local(&server).await;
    let target = nothing();
    let mut answered = 0;
    for case in cases() {
        let path = format!("{}{}", fill(case.path, &target), case.query);
        let what = format!("local {} {path}", case.method.to_uppercase());
        let a = send(&local, &case, &path, &target).await;
        assert!(
            !matches!(a.status, 401 | 403) && a.status < 500,
            "{what}: {} {}",
            a.status,
            a.text
        );
        answered += 1;
    }
    assert_eq!(answered, documented().len());
    eprintln!("local: {answered} operations answered the owner");
}

fn target(r: &common::Records, feed: &(i64, String)) -> Target {
    Target {
        person: r.person,
        app: r.app,
        key: r.key.clone(),
        reminder: r.reminder,
        activity: r.activity,
        attachment: r.attachment,
        feed_user: feed.0,
        feed_token: feed.1.clone(),
    }
}

/// Alfa's staff imports a CSV naming Zulu's two people: neither is in
/// Alfa's list, so both are added (a name of another organization is no
/// duplicate, and the answer names no record of Zulu), to Alfa, and Alfa's
/// list shows them; whether Zulu's records are unchanged is the caller's
/// snapshot to check.
async fn importing_adds_only_to_the_callers_organization(alfa: &Org, zulu: &Org) {
    let zulu_names: Vec<String> = zulu.admin.get("/api/people?per_page=200").await["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(zulu_names, ["Zulu Person", "Xray Person"]);
    let csv = format!("name\n{}\n", zulu_names.join("\n"));
    let a = alfa
        .staff
        .send_csv("/api/people/import", csv.as_bytes())
        .await;
    a.expect(201, "Alfa imports the names of Zulu's people");
    let added = a.json()["added"].as_array().unwrap().clone();
    assert_eq!(added.len(), 2, "{}", a.text);
    let zulu_ids: BTreeSet<i64> = [zulu.mine.person, zulu.other.person].into();
    for p in &added {
        assert_eq!(p["organization"], alfa.id, "added to Alfa: {p}");
        assert!(!zulu_ids.contains(&p["id"].as_i64().unwrap()), "{p}");
    }
    let listed = alfa.admin.get("/api/people?q=Person&per_page=200").await;
    let names: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["Alfa Person", "Yankee Person", "Zulu Person", "Xray Person"],
        "Alfa's list"
    );
}

#[tokio::test]
async fn no_role_of_one_organization_reaches_anything_of_another() {
    let Some(db) = labpath_store_postgres::testing::TestDatabase::create()
        .await
        .unwrap()
    else {
        return;
    };
    let started = std::time::Instant::now();
    let server = start(Database::Postgres(postgres_url(&db))).await;
    let alfa = organization(&server, "Alfa", "Yankee").await;
    let zulu = organization(&server, "Zulu", "Xray").await;
    let zulu_before = snapshot(&zulu.admin).await;
    let health_before = Client::anonymous(&server)
        .send("GET", "/api/health", None)
        .await;

    let zulu_words = ["zulu", "xray"];
    let clients = [&alfa.admin, &alfa.staff, &alfa.candidate];
    let mut roles = Vec::new();
    for (index, name) in ROLES.iter().enumerate() {
        let client = clients[index];
        let own_feed = feed(client).await;
        // Zulu's admin's feed, asked with this caller's own (valid) token.
        let zulu_feed = (zulu.admin.id(), own_feed.1.clone());
        let mut refused = vec![("Zulu", target(&zulu.mine, &zulu_feed))];
        let mut forbidden = Forbidden::of(&zulu, &zulu_words);
        if *name == "candidate" {
            let other_feed = (alfa.admin.id(), own_feed.1.clone());
            refused.push(("Yankee", target(&alfa.other, &other_feed)));
            forbidden.words.push("yankee");
            forbidden.people.insert(alfa.other.person);
            forbidden.apps.insert(alfa.other.app);
            forbidden.reminders.insert(alfa.other.reminder);
        }
        roles.push(Role {
            name,
            index,
            client,
            own: target(&alfa.mine, &own_feed),
            refused,
            forbidden,
        });
    }

    let mut tally = Tally::default();
    for case in cases() {
        for role in &roles {
            let answered = tally.answers;
            match case.names {
                Names::Record => {
                    denied(&case, role, &mut tally).await;
                    if case.method == "get" {
                        own_answer(&case, role, &mut tally).await;
                    }
                }
                Names::Nothing => open_answer(&case, role, &server, &mut tally).await,
            }
            if tally.answers > answered {
                tally.cells += 1;
            }
        }
    }

    // An import names people of Zulu: they are no one Alfa has, so all are
    // added, to Alfa only (no problem gives away a person of Zulu).
    importing_adds_only_to_the_callers_organization(&alfa, &zulu).await;

    // Zulu's records are as they were, and nothing in the health answer
    // (the one answer without a session) depends on Zulu's records.
    assert_eq!(
        snapshot(&zulu.admin).await,
        zulu_before,
        "a request of Alfa changed Zulu's records"
    );
    zulu.admin
        .ok("POST", "/api/people", json!({ "name": "Zulu Late" }), 201)
        .await;
    let health_after = Client::anonymous(&server)
        .send("GET", "/api/health", None)
        .await;
    assert_eq!(
        health_before.text, health_after.text,
        "the health answer shows another organization's records"
    );
    eprintln!(
        "isolation matrix: {} operations x {} roles = {} cells; {} denials, {} answers checked for leaks, in {:.1?}",
        cases().len(),
        ROLES.len(),
        tally.cells,
        tally.denials,
        tally.checked_answers,
        started.elapsed()
    );
    assert_eq!(
        tally.cells,
        cases().len() * ROLES.len(),
        "cells of the matrix in which no answer was checked"
    );
}
