//! The OpenAPI document at `/api/openapi.json` against the server itself.
//! The document is derived from the router (`api::routes` registers each
//! handler with its `#[utoipa::path]`), so the two list the same routes by
//! construction; these tests check the rest:
//!
//! (a) the served document is the derived one, and it is well formed:
//!     references resolve, operations have unique ids, path parameters and
//!     the CSRF header are declared, every object schema has properties;
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

/// The operations of the document as (method, path).
fn documented(doc: &Value) -> BTreeSet<(String, String)> {
    labpath_server::openapi::operations()
        .into_iter()
        .inspect(|(m, p)| assert!(doc["paths"][p][m].is_object()))
        .collect()
}

#[tokio::test]
async fn the_served_document_is_the_one_derived_from_the_router() {
    let doc = labpath_server::openapi::build();
    let ops = documented(doc);
    assert!(ops.len() >= 50, "too few operations: {ops:?}");
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Sqlite(dir.path().to_path_buf())).await;
    let served = Client::anonymous(&server)
        .send("GET", "/api/openapi.json", None)
        .await;
    served.expect(200, "the document");
    assert_eq!(&served.json(), doc);
}

/// Every `$ref` in `value`, with where it is.
fn refs<'v>(value: &'v Value, at: &str, out: &mut Vec<(String, &'v str)>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("$ref", Value::String(target)) => out.push((at.to_owned(), target)),
                    _ => refs(v, &format!("{at}/{k}"), out),
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                refs(v, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// Every object schema without `properties` (nor a composition, nor
/// `additionalProperties` saying what its values are), and every empty
/// schema, with where it is; a free-form object must say so in its
/// description.
fn bare_objects(value: &Value, at: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            let is_object = map.get("type").is_some_and(|t| {
                t == "object"
                    || t.as_array()
                        .is_some_and(|a| a.iter().any(|t| t == "object"))
            });
            let shaped = ["properties", "allOf", "oneOf", "anyOf", "$ref"]
                .iter()
                .any(|k| map.contains_key(*k))
                || map
                    .get("additionalProperties")
                    .is_some_and(Value::is_object);
            let free_form = map
                .get("description")
                .and_then(Value::as_str)
                .is_some_and(|d| d.to_lowercase().contains("free-form"));
            // A schema that says nothing at all (`{}`, what a
            // `serde_json::Value` derives), where a schema is expected.
            let said = map.keys().any(|k| {
                !["description", "title", "example", "examples", "default"].contains(&k.as_str())
            });
            let in_place = at.ends_with("/schema")
                || at.ends_with("/items")
                || at.rsplit('/').nth(1) == Some("properties");
            if (is_object && !shaped && !free_form) || (in_place && !said) {
                out.push(at.to_owned());
            }
            for (k, v) in map {
                bare_objects(v, &format!("{at}/{k}"), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                bare_objects(v, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn the_document_is_well_formed_openapi_3_1() {
    let doc = labpath_server::openapi::build();
    if let Ok(path) = std::env::var("LABPATH_OPENAPI_DUMP") {
        std::fs::write(path, serde_json::to_string_pretty(doc).unwrap()).unwrap();
    }
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1."),
        "{}",
        doc["openapi"]
    );
    assert_eq!(doc["info"]["title"], "labpath");
    assert!(doc["info"]["version"].is_string());
    // Every reference resolves inside the document.
    let mut found = Vec::new();
    refs(doc, "#", &mut found);
    assert!(found.len() > 100, "too few references: {}", found.len());
    for (at, target) in &found {
        let pointer = target
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("{at}: a reference outside the document: {target}"));
        assert!(
            doc.pointer(pointer).is_some(),
            "{at}: `{target}` does not resolve"
        );
    }
    // Each operation: an id of its own, a success answer, its path's
    // parameters declared, the CSRF header on unsafe methods of the API.
    let mut ids = BTreeSet::new();
    for (method, path) in documented(doc) {
        let op = &doc["paths"][&path][&method];
        let what = format!("{} {path}", method.to_uppercase());
        let id = op["operationId"].as_str().unwrap_or_default();
        assert!(
            ids.insert(id.to_owned()),
            "{what}: operationId `{id}` twice"
        );
        let responses = op["responses"].as_object().unwrap();
        assert!(
            responses.keys().any(|k| k.starts_with('2')),
            "{what}: no success answer"
        );
        let params = op["parameters"].as_array().cloned().unwrap_or_default();
        let named =
            |name: &str, place: &str| params.iter().any(|p| p["name"] == name && p["in"] == place);
        for segment in path.split('/') {
            if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                assert!(
                    named(name, "path"),
                    "{what}: path parameter `{name}` undeclared"
                );
            }
        }
        let unsafe_method = method != "get";
        let needs_csrf = unsafe_method && path.starts_with("/api/") && path != "/api/login";
        assert_eq!(
            named("x-csrf-token", "header"),
            needs_csrf,
            "{what}: the CSRF header"
        );
        if path.starts_with("/api/")
            && !["/api/health", "/api/openapi.json", "/api/login"].contains(&path.as_str())
        {
            assert!(responses.contains_key("500"), "{what}: no 500 answer");
        }
    }
    // Every schema says what it holds: an object lists its properties,
    // unless it is free-form and says so.
    let mut bare = Vec::new();
    bare_objects(&doc["components"], "#/components", &mut bare);
    bare_objects(&doc["paths"], "#/paths", &mut bare);
    assert!(
        bare.is_empty(),
        "object schemas without properties: {bare:#?}"
    );
}

/// What a request may send without a limit of its own in the document,
/// and why: each is bounded by its operation's body limit
/// (`x-body-limit`), and read by a reader with limits of its own.
const UNBOUNDED: [(&str, &str); 2] = [
    // The people CSV: at most 2 MiB and 5,000 people (people_csv), each
    // cell read with the profile's limits.
    ("POST /api/people/import [text/csv]", "string"),
    // The certificates sent with a CE CSV: files, each at most 20 MiB,
    // as many as the file's lines name.
    ("ImportForm.certificates", "array"),
];

/// A pattern that bounds a text's length by itself: anchored at both ends,
/// with no unbounded repetition.
fn bounded_pattern(pattern: &str) -> bool {
    pattern.starts_with('^')
        && pattern.ends_with('$')
        && !pattern.contains('+')
        && !pattern.contains('*')
        && !pattern.contains(",}")
}

/// Every text (`string`) and list (`array`) a request can send, with where
/// it is, that the document gives no limit: a text needs `maxLength` (or a
/// bounded pattern, a list of values, or a date or file format), a list
/// `maxItems`. `$ref`s are followed once each.
fn unbounded<'d>(
    doc: &'d Value,
    schema: &'d Value,
    at: String,
    seen: &mut BTreeSet<&'d str>,
    out: &mut Vec<(String, &'static str)>,
) {
    let Some(map) = schema.as_object() else {
        return;
    };
    if let Some(target) = map.get("$ref").and_then(Value::as_str) {
        if seen.insert(target) {
            let name = target.rsplit('/').next().unwrap_or(target);
            let resolved = doc.pointer(target.trim_start_matches('#')).unwrap();
            unbounded(doc, resolved, name.to_owned(), seen, out);
        }
        return;
    }
    let is = |t: &str| {
        map.get("type")
            .is_some_and(|ty| ty == t || ty.as_array().is_some_and(|a| a.iter().any(|x| x == t)))
    };
    let said = |k: &str| map.contains_key(k);
    let pattern = map.get("pattern").and_then(Value::as_str);
    let format = map.get("format").and_then(Value::as_str);
    let text_bounded = said("maxLength")
        || said("enum")
        || said("const")
        || pattern.is_some_and(bounded_pattern)
        || format.is_some_and(|f| ["date", "date-time", "binary"].contains(&f));
    if is("string") && !text_bounded {
        out.push((at.clone(), "string"));
    }
    if is("array") && !said("maxItems") {
        out.push((at.clone(), "array"));
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        for part in map.get(key).and_then(Value::as_array).into_iter().flatten() {
            unbounded(doc, part, at.clone(), seen, out);
        }
    }
    if let Some(items) = map.get("items") {
        unbounded(doc, items, format!("{at}[]"), seen, out);
    }
    for (name, property) in map
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        unbounded(doc, property, format!("{at}.{name}"), seen, out);
    }
    if let Some(values) = map.get("additionalProperties").filter(|v| v.is_object()) {
        unbounded(doc, values, format!("{at}{{}}"), seen, out);
    }
}

#[test]
fn every_text_and_list_a_request_sends_has_its_limit_in_the_document() {
    let doc = labpath_server::openapi::build();
    let mut seen = BTreeSet::new();
    let mut found = Vec::new();
    for (method, path) in documented(doc) {
        let op = &doc["paths"][&path][&method];
        let what = format!("{} {path}", method.to_uppercase());
        for p in op["parameters"].as_array().into_iter().flatten() {
            let at = format!(
                "{what} {}:{}",
                p["in"].as_str().unwrap(),
                p["name"].as_str().unwrap()
            );
            unbounded(doc, &p["schema"], at, &mut seen, &mut found);
        }
        for (media_type, content) in op["requestBody"]["content"]
            .as_object()
            .into_iter()
            .flatten()
        {
            unbounded(
                doc,
                &content["schema"],
                format!("{what} [{media_type}]"),
                &mut seen,
                &mut found,
            );
        }
    }
    let found: Vec<(String, &str)> = found
        .into_iter()
        .filter(|(at, kind)| !UNBOUNDED.contains(&(at.as_str(), *kind)))
        .collect();
    assert!(
        found.is_empty(),
        "without a limit in the document: {found:#?}"
    );
    // The limits are the constants the readers check.
    let schemas = &doc["components"]["schemas"];
    assert_eq!(
        schemas["ShortText"]["maxLength"],
        labpath_engine::limits::MAX_TEXT
    );
    assert_eq!(
        schemas["Note"]["maxLength"],
        labpath_engine::limits::MAX_NOTE
    );
    assert_eq!(
        schemas["CredentialId"]["maxLength"],
        labpath_engine::limits::MAX_ID
    );
    assert_eq!(
        schemas["Profile"]["properties"]["education"]["maxItems"],
        labpath_engine::limits::MAX_LIST
    );
    assert_eq!(
        schemas["Education"]["properties"]["title"]["maxLength"],
        labpath_engine::limits::MAX_TEXT
    );
    assert_eq!(
        schemas["Activity"]["properties"]["categories"]["maxItems"],
        labpath_engine::limits::MAX_CATEGORIES
    );
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
        let Some(response) = op["responses"].get(a.status.to_string()).cloned() else {
            self.problems
                .push(format!("{what}: status not documented: {}", a.text));
            return;
        };
        // A shared answer (`#/components/responses/NotFound`).
        let response = match response["$ref"].as_str() {
            Some(target) => self.doc.pointer(&target[1..]).unwrap().clone(),
            None => response,
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

    /// As `call`, with a `text/csv` body (no path parameters).
    async fn csv(&mut self, template: &str, csv: &str) -> Answer {
        let a = self.client.send_csv(template, csv.as_bytes()).await;
        self.checker.check("post", template, &a);
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
    let people = "name,email,credentials,work_state\nFlow Imported,flow.imported@alfa.example,MLS(ASCP)CM,NY\n";
    let imported = f.csv("/api/people/import", people).await.json();
    assert_eq!(imported["added"][0]["name"], "Flow Imported", "{imported}");
    f.csv("/api/people/import", "name,work_state\nFlow Refused,NYC\n")
        .await;
    let eligibility = Some(profile());
    f.call(
        "post",
        "/api/eligibility",
        &[],
        "?credential=ascp-mls,ascp-mlt",
        eligibility,
    )
    .await;
    f.call("get", "/api/catalog/clauses", &[], "", None).await;
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
    let nobody = json!({ "owner": null });
    f.call("put", "/api/people/{person}/owner", &[p], "", Some(nobody))
        .await;
    f.call(
        "get",
        "/api/dashboard",
        &[],
        "?severity=amber&state=NY&owner=none",
        None,
    )
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
    let made = f
        .call("post", "/api/users", &[], "", Some(user))
        .await
        .json();
    let made_id = made["id"].to_string();
    f.call("get", "/api/users", &[], "", None).await;
    let invitation = json!({ "email": "invited@alfa.example", "name": "Flow Invited", "role": "candidate", "person": person });
    f.call("post", "/api/invitations", &[], "", Some(invitation))
        .await;
    f.call(
        "post",
        "/api/users/{user}/reset-link",
        &[&made_id],
        "",
        None,
    )
    .await;
    f.call(
        "get",
        "/api/audit",
        &[],
        "?action=login&from=2026-01-01",
        None,
    )
    .await;
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
    let doc = labpath_server::openapi::build().clone();
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
