//! The OpenAPI document at `/api/openapi.json` against the server itself:
//!
//! (a) it lists every route registered in `src/api/mod.rs` (read from the
//!     source's `.route("...", get(..).post(..))` calls, methods included)
//!     and nothing else;
//! (b) every documented operation, called validly in a realistic flow,
//!     answers with a status it documents (never "there is nothing at" nor
//!     405);
//! (c) every JSON answer validates against the documented schema, with
//!     `#/components/schemas` refs resolved inside the document.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests: a failed assumption is a failed test"
)]

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{Answer, Client, PASSWORD, Part, STEP, activity, organization, pdf, profile};
use labpath_server::serve::Database;
use labpath_server::testing::start;
use serde_json::{Value, json};

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// The (method, path) pairs of the `.route(...)` calls in `source`.
fn routes_in_source(source: &str) -> BTreeSet<(String, String)> {
    let mut found = BTreeSet::new();
    let mut rest = source;
    while let Some(at) = rest.find(".route(") {
        let call = &rest[at + ".route(".len()..];
        let end = closing_paren(call);
        let args = &call[..end];
        let path = args
            .split('"')
            .nth(1)
            .unwrap_or_else(|| panic!("a route without a path literal: {args}"));
        let handlers = &args[args.find(path).unwrap() + path.len() + 1..];
        let mut methods = 0;
        for (i, _) in handlers.match_indices('(') {
            let before = &handlers[..i];
            let word_start = before
                .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .map_or(0, |j| j + 1);
            let word = &before[word_start..];
            let prefix = before[..word_start].chars().last();
            if METHODS.contains(&word) && prefix != Some(':') {
                found.insert((word.to_owned(), path.to_owned()));
                methods += 1;
            }
        }
        assert!(methods > 0, "route `{path}` has no method: {args}");
        rest = &call[end..];
    }
    found
}

/// The index of the `)` closing a call whose `(` was just before `text`.
fn closing_paren(text: &str) -> usize {
    let mut depth = 1;
    let mut in_string = false;
    for (i, c) in text.char_indices() {
        match c {
            '"' => in_string = !in_string,
            '(' if !in_string => depth += 1,
            ')' if !in_string => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    panic!("unbalanced parentheses: {text}")
}

fn documented(doc: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            out.insert((method.clone(), path.clone()));
        }
    }
    out
}

#[tokio::test]
async fn the_document_lists_exactly_the_routes_of_the_api_module() {
    let source =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/api/mod.rs")).unwrap();
    let in_source = routes_in_source(&source);
    assert!(
        in_source.len() >= 30,
        "the scan found too few: {in_source:?}"
    );
    let doc = labpath_server::openapi::build();
    let in_doc = documented(&doc);
    let undocumented: Vec<_> = in_source.difference(&in_doc).collect();
    let unrouted: Vec<_> = in_doc.difference(&in_source).collect();
    assert!(
        undocumented.is_empty(),
        "routes not documented: {undocumented:?}"
    );
    assert!(
        unrouted.is_empty(),
        "documented but not routed: {unrouted:?}"
    );
    let listed: BTreeSet<(String, String)> = labpath_server::openapi::operations()
        .into_iter()
        .map(|(m, p)| (m.to_owned(), p.to_owned()))
        .collect();
    assert_eq!(listed, in_doc, "operations() and the document agree");

    // The served document is the built one.
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Sqlite(dir.path().to_path_buf())).await;
    let served = Client::anonymous(&server)
        .send("GET", "/api/openapi.json", None)
        .await;
    served.expect(200, "the document");
    assert_eq!(served.json(), doc);
}

#[test]
fn the_route_scan_reads_methods_and_paths() {
    let source = r#"
        .route("/a", get(x::list).post(x::create))
        .route(
            "/a/{id}",
            get(x::show).patch(x::get_more),
        )
        .route("/b", post(tracker::done))
    "#;
    let found = routes_in_source(source);
    let expect: BTreeSet<(String, String)> = [
        ("get", "/a"),
        ("post", "/a"),
        ("get", "/a/{id}"),
        ("patch", "/a/{id}"),
        ("post", "/b"),
    ]
    .iter()
    .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
    .collect();
    assert_eq!(found, expect);
}

/// Checks answers against the document and notes which operations had a
/// valid (2xx) call.
struct Checker {
    doc: Value,
    succeeded: BTreeSet<(String, String)>,
    answers: usize,
    validated: usize,
    problems: Vec<String>,
}

impl Checker {
    fn new(doc: Value) -> Checker {
        Checker {
            doc,
            succeeded: BTreeSet::new(),
            answers: 0,
            validated: 0,
            problems: Vec::new(),
        }
    }

    /// Checks one answer to `method` on the documented `template`.
    fn check(&mut self, method: &str, template: &str, a: &Answer) {
        self.answers += 1;
        let what = format!("{} {template} -> {}", method.to_uppercase(), a.status);
        let op = self.doc["paths"][template][method].clone();
        assert!(op.is_object(), "{what}: not documented");
        assert!(
            a.status != 405 && !a.text.contains("there is nothing at"),
            "{what}: the operation does not answer: {}",
            a.text
        );
        let Some(response) = op["responses"].get(a.status.to_string()) else {
            self.problems
                .push(format!("{what}: status not documented: {}", a.text));
            return;
        };
        if (200..300).contains(&a.status) {
            self.succeeded
                .insert((method.to_owned(), template.to_owned()));
        }
        let Some(content) = response.get("content").and_then(Value::as_object) else {
            if !a.text.is_empty() {
                self.problems
                    .push(format!("{what}: documented without a body, got {}", a.text));
            }
            return;
        };
        let media = a.media_type();
        let Some(entry) = content.get(&media) else {
            self.problems.push(format!(
                "{what}: answered {media}, documented {:?}",
                content.keys().collect::<Vec<_>>()
            ));
            return;
        };
        if media == "application/json" {
            self.validate(&what, &entry["schema"], &a.json());
        }
    }

    fn validate(&mut self, what: &str, schema: &Value, instance: &Value) {
        // The schema with the document's components beside it, so
        // `#/components/schemas/...` resolves against this root.
        let root = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "components": self.doc["components"],
            "allOf": [schema],
        });
        let validator = jsonschema::draft202012::new(&root)
            .unwrap_or_else(|e| panic!("{what}: the documented schema does not compile: {e}"));
        let errors: Vec<String> = validator
            .iter_errors(instance)
            .map(|e| format!("at `{}`: {e}", e.instance_path()))
            .collect();
        if errors.is_empty() {
            self.validated += 1;
        } else {
            let shown = instance.to_string();
            let shown = &shown[..shown.len().min(600)];
            self.problems.push(format!(
                "{what}: does not match the documented schema: {}; answer: {shown}",
                errors.join("; ")
            ));
        }
    }
}

/// A client that checks each of its answers.
struct Flow<'a> {
    client: &'a Client,
    checker: &'a mut Checker,
}

impl Flow<'_> {
    /// Sends `method` to `template` filled with `args` (in order of the
    /// template's `{...}`), with `query` appended; checks and returns the
    /// answer.
    async fn call(
        &mut self,
        method: &str,
        template: &str,
        args: &[&str],
        query: &str,
        body: Option<Value>,
    ) -> Answer {
        let mut path = template.to_owned();
        for arg in args {
            let start = path.find('{').unwrap();
            let end = path[start..].find('}').unwrap() + start;
            path.replace_range(start..=end, arg);
        }
        let a = self
            .client
            .send(method, &format!("{path}{query}"), body.as_ref())
            .await;
        self.checker.check(method, template, &a);
        a
    }

    /// As `call`, with a `multipart/form-data` body.
    async fn upload(&mut self, template: &str, args: &[&str], parts: &[Part]) -> Answer {
        let mut path = template.to_owned();
        for arg in args {
            let start = path.find('{').unwrap();
            let end = path[start..].find('}').unwrap() + start;
            path.replace_range(start..=end, arg);
        }
        let a = self.client.upload("post", &path, parts).await;
        self.checker.check("post", template, &a);
        a
    }
}

#[tokio::test]
async fn every_operation_answers_a_valid_call_as_documented() {
    let started = std::time::Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Sqlite(dir.path().to_path_buf())).await;
    let org = organization(&server, "Alfa", "Yankee").await;
    let doc = Client::anonymous(&server)
        .send("GET", "/api/openapi.json", None)
        .await
        .json();
    let mut checker = Checker::new(doc.clone());

    // Without a session.
    let anonymous = Client::anonymous(&server);
    let mut f = Flow {
        client: &anonymous,
        checker: &mut checker,
    };
    f.call("get", "/api/health", &[], "", None).await;
    f.call("get", "/api/openapi.json", &[], "", None).await;
    f.call("get", "/api/session", &[], "", None).await;
    f.call("get", "/api/people", &[], "", None).await;
    let bad_login = json!({ "email": "admin@alfa.example", "password": "not it at all" });
    f.call("post", "/api/login", &[], "", Some(bad_login)).await;
    let login = json!({ "email": "admin@alfa.example", "password": PASSWORD });
    f.call("post", "/api/login", &[], "", Some(login)).await;

    let admin = &org.admin;
    let mut f = Flow {
        client: admin,
        checker: &mut checker,
    };
    f.call("get", "/api/session", &[], "", None).await;
    f.call("get", "/api/credentials", &[], "?per_page=5&state=NY", None)
        .await;
    f.call("get", "/api/goals", &[], "", None).await;
    let explained = f
        .call(
            "get",
            "/api/credentials/{credential}",
            &["ny-clt-license"],
            "",
            None,
        )
        .await
        .json();
    assert!(
        explained["routes"][0]["requirements"][0]["text"]
            .as_str()
            .is_some_and(|t| !t.is_empty()),
        "{explained}"
    );
    f.call(
        "get",
        "/api/credentials/{credential}",
        &["ny-clt-licence"],
        "",
        None,
    )
    .await;
    f.call("get", "/api/jurisdictions/{code}", &["TX"], "", None)
        .await;
    f.call("get", "/api/jurisdictions/{code}", &["ZZ"], "", None)
        .await;
    let parsed = f
        .call(
            "get",
            "/api/parse",
            &[],
            "?text=MLS%20(ASCP)CM%2C%20NYS%20licensed",
            None,
        )
        .await
        .json();
    assert!(
        parsed["parts"][0]["matches"].as_array().is_some_and(|m| m
            .iter()
            .any(|m| m["credential"] == "ascp-mls" || m["credential"]["id"] == "ascp-mls")),
        "{parsed}"
    );
    f.call("get", "/api/parse", &[], "", None).await;
    let eligibility = Some(profile());
    f.call(
        "post",
        "/api/eligibility",
        &[],
        "?credential=ascp-mls,ascp-mlt",
        eligibility,
    )
    .await;
    let plan =
        json!({ "profile": profile(), "goal": "ascp-mls", "samples": 50, "optimize": "cost" });
    f.call("post", "/api/plan", &[], "", Some(plan)).await;

    // A person through their whole file.
    let new = json!({ "name": "Flow Person", "profile": profile() });
    let person = f
        .call("post", "/api/people", &[], "", Some(new))
        .await
        .json()["id"]
        .to_string();
    let p = person.as_str();
    f.call("get", "/api/people", &[], "?q=flow", None).await;
    f.call("get", "/api/people/{person}", &[p], "", None).await;
    let rename = json!({ "name": "Flow Person Renamed" });
    f.call("patch", "/api/people/{person}", &[p], "", Some(rename))
        .await;
    f.call("get", "/api/people/{person}/profile", &[p], "", None)
        .await;
    f.call(
        "put",
        "/api/people/{person}/profile",
        &[p],
        "",
        Some(profile()),
    )
    .await;
    f.call(
        "get",
        "/api/people/{person}/profile",
        &[p],
        "?version=1",
        None,
    )
    .await;
    f.call(
        "get",
        "/api/people/{person}/eligibility",
        &[p],
        "?as_of=2026-01-01",
        None,
    )
    .await;
    f.call(
        "get",
        "/api/people/{person}/plan",
        &[p],
        "?goal=ascp-mls&samples=50&seed=7",
        None,
    )
    .await;
    f.call(
        "get",
        "/api/people/{person}/questions",
        &[p],
        "?goal=work-mls-ny",
        None,
    )
    .await;
    let open = json!({ "step": STEP, "reference": "FLOW-1" });
    let app = f
        .call(
            "post",
            "/api/people/{person}/applications",
            &[p],
            "",
            Some(open),
        )
        .await
        .json();
    let app_id = app["application"]["id"].to_string();
    let a = app_id.as_str();
    let key = app["checklist"][0]["key"].as_str().unwrap().to_owned();
    f.call("get", "/api/people/{person}/applications", &[p], "", None)
        .await;
    f.call("get", "/api/applications", &[], "?open=true", None)
        .await;
    f.call("get", "/api/applications/{app}", &[a], "", None)
        .await;
    let submit = json!({ "status": "submitted", "on": "2026-01-05", "note": "mailed" });
    f.call("patch", "/api/applications/{app}", &[a], "", Some(submit))
        .await;
    let back = json!({ "status": "draft" });
    f.call("patch", "/api/applications/{app}", &[a], "", Some(back))
        .await;
    let sent =
        json!({ "status": "sent", "on": "2026-01-06", "method": "courier", "tracking": "EE1" });
    f.call(
        "patch",
        "/api/applications/{app}/documents/{key}",
        &[a, &key],
        "",
        Some(sent),
    )
    .await;
    let contact = json!({ "channel": "call", "with": "the board", "summary": "they have it", "promised": "2026-02-01" });
    f.call(
        "post",
        "/api/applications/{app}/contacts",
        &[a],
        "",
        Some(contact),
    )
    .await;
    f.call("get", "/api/applications/{app}/contacts", &[a], "", None)
        .await;
    f.call(
        "get",
        "/api/applications/{app}/history",
        &[a],
        "?limit=10",
        None,
    )
    .await;
    let remind = json!({ "due": "2026-03-01", "what": "call the board", "application": app_id });
    let reminder = f
        .call(
            "post",
            "/api/people/{person}/reminders",
            &[p],
            "",
            Some(remind),
        )
        .await
        .json()["id"]
        .to_string();
    f.call("get", "/api/people/{person}/reminders", &[p], "", None)
        .await;
    f.call("get", "/api/people/{person}/status", &[p], "", None)
        .await;
    f.call("get", "/api/people/{person}/calendar.ics", &[p], "", None)
        .await;
    let done = json!({ "on": "2026-02-20" });
    f.call(
        "post",
        "/api/reminders/{reminder}/done",
        &[&reminder],
        "",
        Some(done),
    )
    .await;
    f.call(
        "post",
        "/api/people/{person}/ce",
        &[p],
        "",
        Some(activity("Flow course")),
    )
    .await;
    f.call("get", "/api/people/{person}/ce", &[p], "", None)
        .await;
    let with_certificate = f
        .upload(
            "/api/people/{person}/ce",
            &[p],
            &[
                Part::text(
                    "activity",
                    &activity("Flow course with a certificate").to_string(),
                ),
                Part::file("certificate", "flow.pdf", &pdf("flow certificate")),
            ],
        )
        .await
        .json()["id"]
        .to_string();
    f.call(
        "get",
        "/api/people/{person}/ce/{activity}/certificate",
        &[p, &with_certificate],
        "",
        None,
    )
    .await;
    f.call(
        "get",
        "/api/people/{person}/ce/audit-pack",
        &[p],
        "?credential=ascp-mlt&as_of=2026-06-01",
        None,
    )
    .await;
    f.call(
        "post",
        "/api/people/{person}/ce/{activity}/withdraw",
        &[p, &with_certificate],
        "",
        Some(json!({ "reason": "logged twice" })),
    )
    .await;
    let csv = "title,provider,accreditation,date,unit,amount,categories,certificate\nImported course,ASCP,,2026-04-01,contact_hours,1.5,chemistry,imported.pdf\n";
    f.upload(
        "/api/people/{person}/ce/import",
        &[p],
        &[
            Part::file("activities", "ce.csv", csv.as_bytes()),
            Part::file("certificates", "imported.pdf", &pdf("imported")),
        ],
    )
    .await;
    f.upload(
        "/api/people/{person}/ce/import",
        &[p],
        &[Part::file("activities", "ce.csv", b"title,date\n")],
    )
    .await;
    let attached = f
        .upload(
            "/api/applications/{app}/attachments",
            &[a],
            &[
                Part::file("file", "receipt.pdf", &pdf("flow receipt")),
                Part::text("document", &key),
            ],
        )
        .await
        .json()["id"]
        .to_string();
    f.call("get", "/api/applications/{app}/attachments", &[a], "", None)
        .await;
    f.call(
        "get",
        "/api/applications/{app}/attachments/{attachment}",
        &[a, &attached],
        "",
        None,
    )
    .await;
    f.call(
        "get",
        "/api/people/{person}/ce/status",
        &[p],
        "?as_of=2026-06-01",
        None,
    )
    .await;
    f.call("get", "/api/people/{person}/ce/status", &[p], "", None)
        .await;

    // Records that do not exist, and bad input: documented errors too.
    f.call("get", "/api/people/{person}", &["999999"], "", None)
        .await;
    f.call("get", "/api/applications/{app}", &["0"], "", None)
        .await;
    let bad_date = json!({ "due": "2026-02-30", "what": "x" });
    f.call(
        "post",
        "/api/people/{person}/reminders",
        &[p],
        "",
        Some(bad_date),
    )
    .await;
    f.call("get", "/api/people", &[], "?page=0", None).await;
    let bad_profile = json!({ "person": { "name": 5 }, "education": "none" });
    f.call(
        "put",
        "/api/people/{person}/profile",
        &[p],
        "",
        Some(bad_profile),
    )
    .await;

    // The organization.
    let user = json!({ "email": "flow@alfa.example", "name": "Flow Candidate", "role": "candidate", "password": PASSWORD, "person": person });
    f.call("post", "/api/users", &[], "", Some(user)).await;
    f.call("get", "/api/users", &[], "", None).await;
    f.call("get", "/api/dashboard", &[], "?overdue=false", None)
        .await;
    f.call("get", "/api/audit", &[], "?limit=20", None).await;
    f.call("get", "/api/export", &[], "", None).await;
    let feed = f
        .call("get", "/api/calendar-feed", &[], "", None)
        .await
        .json();
    let feed_path = feed["path"].as_str().unwrap().to_owned();
    let parts: Vec<&str> = feed_path.trim_start_matches("/feed/").split('/').collect();
    f.call(
        "get",
        "/feed/{user}/{token}",
        &[parts[0], parts[1]],
        "",
        None,
    )
    .await;
    f.call(
        "get",
        "/feed/{user}/{token}",
        &[parts[0], "wrong"],
        "",
        None,
    )
    .await;

    // A candidate's view, and the end of a session.
    let candidate = &org.candidate;
    let mut f = Flow {
        client: candidate,
        checker: &mut checker,
    };
    f.call("get", "/api/dashboard", &[], "", None).await;
    let mine = org.mine.person.to_string();
    f.call("get", "/api/people/{person}", &[&mine], "", None)
        .await;
    let staff_again = Client::login(&server, "staff@alfa.example", PASSWORD).await;
    let mut f = Flow {
        client: &staff_again,
        checker: &mut checker,
    };
    f.call("post", "/api/logout", &[], "", None).await;
    f.call("get", "/api/session", &[], "", None).await;

    let all = documented(&doc);
    let never: Vec<_> = all.difference(&checker.succeeded).collect();
    assert!(
        checker.problems.is_empty(),
        "{} answers disagree with the document:\n{}",
        checker.problems.len(),
        checker.problems.join("\n")
    );
    assert!(
        never.is_empty(),
        "operations never answered a valid call: {never:?}"
    );
    eprintln!(
        "openapi: {} operations, {} answers checked, {} validated against schemas, in {:.1?}",
        all.len(),
        checker.answers,
        checker.validated,
        started.elapsed()
    );
}

/// Every schema in the document compiles, and each has an example that
/// passes (so a schema cannot reject everything without notice).
#[test]
fn the_documented_schemas_compile() {
    let doc = labpath_server::openapi::build();
    let mut checker = Checker::new(doc.clone());
    let schemas: BTreeMap<String, Value> =
        serde_json::from_value(doc["components"]["schemas"].clone()).unwrap();
    for (name, _) in schemas {
        let root = json!({
            "components": doc["components"],
            "$ref": format!("#/components/schemas/{name}"),
        });
        jsonschema::draft202012::new(&root)
            .unwrap_or_else(|e| panic!("schema {name} does not compile: {e}"));
    }
    let error = json!({ "error": { "status": 404, "code": "not_found", "message": "x" } });
    checker.validate(
        "Error",
        &json!({ "$ref": "#/components/schemas/Error" }),
        &error,
    );
    let wrong = json!({ "error": { "status": 404, "code": "not_found" } });
    checker.validate(
        "Error",
        &json!({ "$ref": "#/components/schemas/Error" }),
        &wrong,
    );
    assert_eq!(checker.validated, 1, "{:?}", checker.problems);
    assert_eq!(checker.problems.len(), 1, "a message is required");
}
