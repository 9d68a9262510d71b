//! The OpenAPI 3.1 document served at `/api/openapi.json`. It is written
//! here by hand, next to the routes; the server's tests check that every
//! route in `api::routes` is documented, that every documented operation
//! answers, and that the answers match the documented schemas.

use axum::Json;
use serde_json::{Value, json};

fn error_responses(codes: &[u16]) -> serde_json::Map<String, Value> {
    codes
        .iter()
        .map(|c| {
            (
                c.to_string(),
                json!({ "description": describe(*c), "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }),
            )
        })
        .collect()
}

fn describe(code: u16) -> &'static str {
    match code {
        400 => "The request could not be read (malformed JSON, a bad query).",
        401 => "No session, or it expired.",
        403 => "The role does not allow it, or the CSRF token is missing.",
        404 => "No such record (or one the caller may not see).",
        409 => "The record changed meanwhile, or the value is taken.",
        413 => "The body is over the limit (1 MiB).",
        415 => "The body is not JSON.",
        422 => "A value is not acceptable.",
        429 => "Too many failed logins.",
        _ => "Error.",
    }
}

struct Op {
    method: &'static str,
    path: &'static str,
    summary: &'static str,
    /// The JSON body's schema; or, made by `bodies`, the request body's
    /// `content` by media type.
    body: Option<Value>,
    ok: u16,
    /// The answer: a JSON schema, a media type (a string), or the media
    /// types of a file (an array).
    response: Value,
    errors: &'static [u16],
    query: &'static [(&'static str, &'static str)],
}

fn schema(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn page_of(name: &str) -> Value {
    json!({ "allOf": [ schema("Page"), { "type": "object", "properties": { "items": { "type": "array", "items": schema(name) } } } ] })
}

/// A request body read in several media types: `content` by media type.
fn bodies(content: &[(&str, Value)]) -> Value {
    let content: serde_json::Map<String, Value> = content
        .iter()
        .map(|(media, schema)| ((*media).to_owned(), json!({ "schema": schema })))
        .collect();
    json!({ "content": content })
}

/// A `multipart/form-data` field holding a file.
fn file_field(about: &str) -> Value {
    json!({ "type": "string", "contentMediaType": "application/octet-stream", "description": about })
}

/// A stored file's answer: one of the types labpath keeps.
fn file_answer() -> Value {
    json!([
        "application/pdf",
        "image/png",
        "image/jpeg",
        "image/tiff",
        "image/heic",
        "text/plain"
    ])
}

/// The `view` query parameter of the eligibility routes.
const VIEW: &str = "full (default): every route's clauses with have/need and sources; summary: each credential's status and its routes' outcomes only (`EvaluationSummary`)";

/// An eligibility answer: the full view, or the summary when asked.
fn evaluation() -> Value {
    json!({ "oneOf": [schema("Evaluation"), schema("EvaluationSummary")] })
}

fn ops() -> Vec<Op> {
    let text = |s: &'static str| json!({ "type": "string", "description": s });
    let page_q: &'static [(&str, &str)] = &[
        ("page", "1-based page"),
        ("per_page", "1 to 200 (default 50)"),
    ];
    vec![
        Op {
            method: "get",
            path: "/api/health",
            summary: "The server answers and reaches its database.",
            body: None,
            ok: 200,
            response: json!({ "type": "object", "required": ["status"] }),
            errors: &[],
            query: &[],
        },
        Op {
            method: "get",
            path: "/api/session",
            summary: "The mode, the user and the CSRF token.",
            body: None,
            ok: 200,
            response: schema("Session"),
            errors: &[401],
            query: &[],
        },
        Op {
            method: "post",
            path: "/api/login",
            summary: "Starts a session (cookie); failures are throttled.",
            body: Some(schema("Login")),
            ok: 200,
            response: schema("Session"),
            errors: &[400, 401, 415, 422, 429],
            query: &[],
        },
        Op {
            method: "post",
            path: "/api/logout",
            summary: "Ends the session.",
            body: None,
            ok: 204,
            response: Value::Null,
            errors: &[401, 403],
            query: &[],
        },
        Op {
            method: "get",
            path: "/api/users",
            summary: "The organization's users (staff, admins).",
            body: None,
            ok: 200,
            response: page_of("User"),
            errors: &[401, 403, 422],
            query: page_q,
        },
        Op {
            method: "post",
            path: "/api/users",
            summary: "Creates a user (admins: any role; staff: candidates).",
            body: Some(schema("NewUser")),
            ok: 201,
            response: schema("User"),
            errors: &[400, 401, 403, 404, 409, 415, 422],
            query: &[],
        },
        Op {
            method: "get",
            path: "/api/audit",
            summary: "The organization's audit log, newest first (admins).",
            body: None,
            ok: 200,
            response: json!({ "type": "array", "items": schema("AuditEntry") }),
            errors: &[400, 401, 403],
            query: &[
                ("before", "only lines older than this id"),
                ("limit", "1 to 500 (default 100)"),
            ],
        },
        Op {
            method: "get",
            path: "/api/calendar-feed",
            summary: "The caller's calendar feed address (server mode).",
            body: None,
            ok: 200,
            response: json!({ "type": "object", "required": ["path"] }),
            errors: &[401, 422],
            query: &[],
        },
        Op {
            method: "get",
            path: "/api/openapi.json",
            summary: "This document.",
            body: None,
            ok: 200,
            response: json!({ "type": "object" }),
            errors: &[],
            query: &[],
        },
        Op {
            method: "get",
            path: "/api/credentials",
            summary: "The catalog's credentials with their sources.",
            body: None,
            ok: 200,
            response: page_of("CatalogEntry"),
            errors: &[400, 401],
            query: &[
                ("page", "1-based page"),
                ("per_page", "1 to 200"),
                ("body", "issuing body id"),
                ("state", "jurisdiction code"),
            ],
        },
        Op {
            method: "get",
            path: "/api/credentials/{credential}",
            summary: "A credential explained: its body, each route's requirements in plain language, fees, renewal and the rules for keeping it, with sources.",
            body: None,
            ok: 200,
            response: schema("CredentialExplained"),
            errors: &[401, 404],
            query: &[],
        },
        Op {
            method: "get",
            path: "/api/jurisdictions/{code}",
            summary: "Whether a state licenses laboratory personnel, and its licenses, with sources.",
            body: None,
            ok: 200,
            response: json!({ "type": "object", "required": ["jurisdiction", "provenance"], "properties": { "jurisdiction": { "type": "object", "required": ["code", "name", "summary"] }, "provenance": schema("Provenance") } }),
            errors: &[401, 404],
            query: &[],
        },
        Op {
            method: "get",
            path: "/api/parse",
            summary: "Which catalog credentials each part of a credential string (`MLS (ASCP)CM, NYS licensed`) names; a part naming none has no matches.",
            body: None,
            ok: 200,
            response: json!({ "type": "object", "required": ["text", "parts"], "properties": { "text": { "type": "string" }, "parts": { "type": "array", "items": { "type": "object", "required": ["input", "matches"], "properties": { "input": { "type": "string" }, "matches": { "type": "array" } } } } } }),
            errors: &[400, 401],
            query: &[("text", "the credential string (required)")],
        },
        Op {
            method: "get",
            path: "/api/goals",
            summary: "The named goals a plan can aim at.",
            body: None,
            ok: 200,
            response: page_of("CatalogEntry"),
            errors: &[400, 401],
            query: page_q,
        },
        Op {
            method: "post",
            path: "/api/eligibility",
            summary: "Eligibility of the profile in the body for every credential (or those named), each clause with have/need and sources (`view=summary`: statuses and route outcomes only).",
            body: Some(schema("Profile")),
            ok: 200,
            response: evaluation(),
            errors: &[400, 401, 403, 404, 413, 415, 422],
            query: &[
                ("as_of", "YYYY-MM-DD (default today)"),
                ("credential", "credential ids, comma-separated"),
                ("view", VIEW),
            ],
        },
        Op {
            method: "post",
            path: "/api/plan",
            summary: "The best plan to a goal, the alternatives and percentile dates.",
            body: Some(schema("PlanRequest")),
            ok: 200,
            response: schema("Plan"),
            errors: &[400, 401, 403, 413, 415, 422],
            query: &[],
        },
        Op {
            method: "get",
            path: "/api/people",
            summary: "The people the caller sees.",
            body: None,
            ok: 200,
            response: page_of("Person"),
            errors: &[400, 401],
            query: &[
                ("page", "1-based page"),
                ("per_page", "1 to 200"),
                ("q", "name contains"),
            ],
        },
        Op {
            method: "post",
            path: "/api/people",
            summary: "Adds a person (with a first profile if given).",
            body: Some(schema("NewPerson")),
            ok: 201,
            response: schema("Person"),
            errors: &[400, 401, 403, 415, 422],
            query: &[],
        },
        Op {
            method: "get",
            path: "/api/people/{person}",
            summary: "A person.",
            body: None,
            ok: 200,
            response: schema("Person"),
            errors: &[401, 404],
            query: &[],
        },
        Op {
            method: "patch",
            path: "/api/people/{person}",
            summary: "Renames a person.",
            body: Some(
                json!({ "type": "object", "required": ["name"], "properties": { "name": text("the new name") }, "additionalProperties": false }),
            ),
            ok: 200,
            response: schema("Person"),
            errors: &[400, 401, 403, 404, 415, 422],
            query: &[],
        },
        Op {
            method: "get",
            path: "/api/people/{person}/profile",
            summary: "The latest profile, or a version.",
            body: None,
            ok: 200,
            response: schema("ProfileVersion"),
            errors: &[400, 401, 404],
            query: &[("version", "a version number")],
        },
        Op {
            method: "put",
            path: "/api/people/{person}/profile",
            summary: "Records a new profile version (every problem listed in `details`).",
            body: Some(schema("Profile")),
            ok: 200,
            response: schema("ProfileVersion"),
            errors: &[400, 401, 403, 404, 413, 415, 422],
            query: &[],
        },
        Op {
            method: "get",
            path: "/api/people/{person}/eligibility",
            summary: "The stored profile's eligibility.",
            body: None,
            ok: 200,
            response: evaluation(),
            errors: &[401, 404, 422],
            query: &[
                ("as_of", "YYYY-MM-DD"),
                ("credential", "credential ids, comma-separated"),
                ("view", VIEW),
            ],
        },
        Op {
            method: "get",
            path: "/api/people/{person}/questions",
            summary: "The facts the stored profile leaves open that would change an answer for a goal, most decisive first.",
            body: None,
            ok: 200,
            response: schema("Questions"),
            errors: &[401, 404, 422],
            query: &[
                (
                    "goal",
                    "a named goal or credential ids; default every credential",
                ),
                ("as_of", "YYYY-MM-DD"),
            ],
        },
        Op {
            method: "get",
            path: "/api/people/{person}/plan",
            summary: "A plan from the stored profile.",
            body: None,
            ok: 200,
            response: schema("Plan"),
            errors: &[400, 401, 404, 422],
            query: &[
                ("goal", "a named goal or credential ids (required)"),
                ("from", "YYYY-MM-DD"),
                ("optimize", "time or cost"),
                ("samples", "1 to 100000"),
                ("seed", "a whole number"),
            ],
        },
        Op {
            method: "get",
            path: "/api/people/{person}/status",
            summary: "What is overdue, due soon and to do, with what to do.",
            body: None,
            ok: 200,
            response: json!({ "type": "object", "required": ["as_of", "alerts", "deadlines"] }),
            errors: &[401, 404],
            query: &[],
        },
        Op {
            method: "get",
            path: "/api/people/{person}/applications",
            summary: "A person's applications.",
            body: None,
            ok: 200,
            response: page_of("Application"),
            errors: &[400, 401, 404],
            query: page_q,
        },
        Op {
            method: "post",
            path: "/api/people/{person}/applications",
            summary: "Opens an application from a catalog step.",
            body: Some(
                json!({ "type": "object", "required": ["step"], "properties": { "step": text("catalog step id"), "reference": text("the body's reference number") }, "additionalProperties": false }),
            ),
            ok: 201,
            response: schema("ApplicationState"),
            errors: &[400, 401, 403, 404, 415, 422],
            query: &[],
        },
        Op {
            method: "get",
            path: "/api/people/{person}/reminders",
            summary: "A person's reminders.",
            body: None,
            ok: 200,
            response: page_of("Reminder"),
            errors: &[400, 401, 404],
            query: page_q,
        },
        Op {
            method: "post",
            path: "/api/people/{person}/reminders",
            summary: "Sets a reminder.",
            body: Some(
                json!({ "type": "object", "required": ["due", "what"], "properties": { "due": text("YYYY-MM-DD"), "what": text("what to do"), "application": text("application id") }, "additionalProperties": false }),
            ),
            ok: 201,
            response: schema("Reminder"),
            errors: &[400, 401, 403, 404, 415, 422],
            query: &[],
        },
        Op {
            method: "get",
            path: "/api/people/{person}/calendar.ics",
            summary: "Deadlines, reminders, next steps and renewals as iCalendar.",
            body: None,
            ok: 200,
            response: Value::String("text/calendar".to_owned()),
            errors: &[401, 404],
            query: &[],
        },
        Op {
            method: "get",
            path: "/api/people/{person}/ce",
            summary: "The continuing-education log.",
            body: None,
            ok: 200,
            response: page_of("CeActivity"),
            errors: &[400, 401, 404],
            query: page_q,
        },
        Op {
            method: "post",
            path: "/api/people/{person}/ce",
            summary: "Logs a CE activity (it must fall in a renewal cycle); as multipart/form-data, with its certificate (a PDF or an image; a file already proving another activity is a 409).",
            body: Some(bodies(&[
                ("application/json", schema("Activity")),
                (
                    "multipart/form-data",
                    json!({ "type": "object", "required": ["activity"], "properties": { "activity": { "type": "string", "contentMediaType": "application/json", "contentSchema": schema("Activity"), "description": "the activity as JSON" }, "certificate": file_field("the certificate: PDF, PNG, JPEG, TIFF or HEIC, at most 20 MiB") } }),
                ),
            ])),
            ok: 201,
            response: schema("CeActivity"),
            errors: &[400, 401, 403, 404, 409, 413, 415, 422],
            query: &[],
        },
        Op {
            method: "post",
            path: "/api/people/{person}/ce/import",
            summary: "Logs every activity of a CSV (header `title,provider,accreditation,date,unit,amount,categories,certificate`) with the certificates its lines name, or none: every problem is listed in `details` with its line.",
            body: Some(bodies(&[(
                "multipart/form-data",
                json!({ "type": "object", "required": ["activities"], "properties": { "activities": file_field("the CSV, UTF-8"), "certificates": { "type": "array", "items": file_field("a certificate named in a line's `certificate` column") } } }),
            )])),
            ok: 201,
            response: json!({ "type": "object", "required": ["logged"], "properties": { "logged": { "type": "array", "items": schema("CeActivity") } } }),
            errors: &[400, 401, 403, 404, 409, 413, 415, 422],
            query: &[],
        },
        Op {
            method: "post",
            path: "/api/people/{person}/ce/{activity}/withdraw",
            summary: "Withdraws an activity logged by mistake (the history keeps it); answers with the activity withdrawn.",
            body: Some(
                json!({ "type": "object", "required": ["reason"], "properties": { "reason": text("why") }, "additionalProperties": false }),
            ),
            ok: 200,
            response: schema("CeActivity"),
            errors: &[400, 401, 403, 404, 409, 415, 422],
            query: &[],
        },
        Op {
            method: "get",
            path: "/api/people/{person}/ce/audit-pack",
            summary: "The audit pack of one held credential: a zip with the summary (text and JSON) and the certificates of the activities that count.",
            body: None,
            ok: 200,
            response: Value::String("application/zip".to_owned()),
            errors: &[400, 401, 404, 422],
            query: &[
                ("credential", "a held credential's id (required)"),
                ("as_of", "YYYY-MM-DD"),
            ],
        },
        Op {
            method: "get",
            path: "/api/people/{person}/ce/{activity}/certificate",
            summary: "The certificate of a logged activity, as stored.",
            body: None,
            ok: 200,
            response: file_answer(),
            errors: &[401, 404],
            query: &[],
        },
        Op {
            method: "get",
            path: "/api/people/{person}/ce/status",
            summary: "Compliance of every held credential with renewal rules.",
            body: None,
            ok: 200,
            response: json!({ "type": "object", "required": ["as_of", "activities", "credentials"] }),
            errors: &[401, 404, 422],
            query: &[("as_of", "YYYY-MM-DD")],
        },
        Op {
            method: "get",
            path: "/api/applications",
            summary: "Every application the caller sees.",
            body: None,
            ok: 200,
            response: page_of("Application"),
            errors: &[400, 401],
            query: &[
                ("page", "1-based page"),
                ("per_page", "1 to 200"),
                ("status", "an application status"),
                ("open", "true: only those not decided"),
            ],
        },
        Op {
            method: "get",
            path: "/api/applications/{app}",
            summary: "An application with its checklist.",
            body: None,
            ok: 200,
            response: schema("ApplicationState"),
            errors: &[401, 404],
            query: &[],
        },
        Op {
            method: "patch",
            path: "/api/applications/{app}",
            summary: "A status change (checked against the state machine) and/or the reference.",
            body: Some(
                json!({ "type": "object", "properties": { "status": text("draft, submitted, under_review, approved, denied, withdrawn, abandoned"), "on": text("YYYY-MM-DD"), "note": text("a note"), "reference": text("reference number") }, "additionalProperties": false }),
            ),
            ok: 200,
            response: schema("ApplicationState"),
            errors: &[400, 401, 403, 404, 409, 415, 422],
            query: &[],
        },
        Op {
            method: "get",
            path: "/api/applications/{app}/history",
            summary: "Every event of the application, oldest first.",
            body: None,
            ok: 200,
            response: json!({ "type": "array", "items": schema("Event") }),
            errors: &[400, 401, 404],
            query: &[
                ("after", "only events after this id"),
                ("limit", "1 to 1000 (default 200)"),
            ],
        },
        Op {
            method: "get",
            path: "/api/applications/{app}/attachments",
            summary: "The application's files, oldest first.",
            body: None,
            ok: 200,
            response: json!({ "type": "array", "items": schema("Attachment") }),
            errors: &[401, 404],
            query: &[],
        },
        Op {
            method: "post",
            path: "/api/applications/{app}/attachments",
            summary: "Attaches a file (receipt, letter, scan), to a checklist document or a logged contact if named. The type is read from the content.",
            body: Some(bodies(&[(
                "multipart/form-data",
                json!({ "type": "object", "required": ["file"], "properties": { "file": file_field("PDF, PNG, JPEG, TIFF, HEIC or plain text, at most 20 MiB"), "document": text("a checklist document's key"), "contact": text("a logged contact's id") } }),
            )])),
            ok: 201,
            response: schema("Attachment"),
            errors: &[400, 401, 403, 404, 413, 415, 422],
            query: &[],
        },
        Op {
            method: "get",
            path: "/api/applications/{app}/attachments/{attachment}",
            summary: "An attached file, as stored (`Content-Disposition` gives its name).",
            body: None,
            ok: 200,
            response: file_answer(),
            errors: &[401, 404],
            query: &[],
        },
        Op {
            method: "patch",
            path: "/api/applications/{app}/documents/{key}",
            summary: "A checklist document requested, sent, received, accepted or rejected.",
            body: Some(
                json!({ "type": "object", "required": ["status"], "properties": { "status": text("needed, not_needed, requested, sent, received, accepted, rejected"), "on": text("YYYY-MM-DD"), "requested_from": text("of whom"), "method": text("how it was sent"), "tracking": text("tracking number"), "reason": text("why rejected"), "note": text("a note") }, "additionalProperties": false }),
            ),
            ok: 200,
            response: schema("ApplicationState"),
            errors: &[400, 401, 403, 404, 409, 415, 422],
            query: &[],
        },
        Op {
            method: "get",
            path: "/api/applications/{app}/contacts",
            summary: "The contact log, oldest first.",
            body: None,
            ok: 200,
            response: page_of("Contact"),
            errors: &[400, 401, 404],
            query: page_q,
        },
        Op {
            method: "post",
            path: "/api/applications/{app}/contacts",
            summary: "Logs a call, email, letter or portal message.",
            body: Some(
                json!({ "type": "object", "required": ["channel", "summary"], "properties": { "channel": text("call, email, letter, portal, in_person"), "on": text("YYYY-MM-DD"), "with": text("whom"), "summary": text("what was said"), "promised": text("YYYY-MM-DD") }, "additionalProperties": false }),
            ),
            ok: 201,
            response: schema("Contact"),
            errors: &[400, 401, 403, 404, 415, 422],
            query: &[],
        },
        Op {
            method: "post",
            path: "/api/reminders/{reminder}/done",
            summary: "Marks a reminder done.",
            body: Some(
                json!({ "type": "object", "properties": { "on": text("YYYY-MM-DD") }, "additionalProperties": false }),
            ),
            ok: 200,
            response: schema("Reminder"),
            errors: &[400, 401, 403, 404, 415, 422],
            query: &[],
        },
        Op {
            method: "get",
            path: "/api/dashboard",
            summary: "Candidates by stage, overdue first, upcoming deadlines (staff).",
            body: None,
            ok: 200,
            response: json!({ "type": "object", "required": ["as_of", "stages", "overdue", "upcoming", "candidates"] }),
            errors: &[400, 401, 403],
            query: &[
                ("page", "1-based page"),
                ("per_page", "1 to 200"),
                ("stage", "a stage"),
                ("q", "name contains"),
                ("overdue", "true: only with overdue items"),
            ],
        },
        Op {
            method: "get",
            path: "/api/export",
            summary: "Every record the caller may take away, files included, as the JSON `labpath import` reads: all in local mode, the organization's for an admin, their own for a candidate (staff: 403).",
            body: None,
            ok: 200,
            response: schema("Export"),
            errors: &[401, 403],
            query: &[],
        },
        Op {
            method: "get",
            path: "/feed/{user}/{token}",
            summary: "A user's calendar feed (no session; the token is the secret).",
            body: None,
            ok: 200,
            response: Value::String("text/calendar".to_owned()),
            errors: &[404],
            query: &[],
        },
    ]
}

/// The documented operations as (method, path), for the tests.
pub fn operations() -> Vec<(&'static str, &'static str)> {
    ops().iter().map(|o| (o.method, o.path)).collect()
}

fn path_params(path: &str) -> Vec<Value> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(|name| json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" } }))
        .collect()
}

/// The whole document.
pub fn build() -> Value {
    let mut paths = serde_json::Map::new();
    for op in ops() {
        let mut responses = error_responses(op.errors);
        let ok = match &op.response {
            Value::Null => json!({ "description": "Done." }),
            Value::String(media) => {
                json!({ "description": "OK.", "content": { media.as_str(): { "schema": { "type": "string" } } } })
            }
            Value::Array(media) => {
                let content: serde_json::Map<String, Value> = media
                    .iter()
                    .filter_map(Value::as_str)
                    .map(|m| (m.to_owned(), json!({ "schema": { "type": "string" } })))
                    .collect();
                json!({ "description": "The file.", "content": content })
            }
            schema => {
                json!({ "description": "OK.", "content": { "application/json": { "schema": schema } } })
            }
        };
        responses.insert(op.ok.to_string(), ok);
        if op.path.starts_with("/api/")
            && !matches!(op.path, "/api/health" | "/api/openapi.json" | "/api/login")
        {
            responses.insert("500".to_owned(), json!({ "description": "The server failed; the detail is in its log.", "content": { "application/json": { "schema": schema("Error") } } }));
        }
        let mut parameters = path_params(op.path);
        parameters.extend(op.query.iter().map(|(name, about)| json!({ "name": name, "in": "query", "required": false, "description": about, "schema": { "type": "string" } })));
        if op.method != "get" && op.path != "/api/login" {
            parameters.push(json!({ "name": "x-csrf-token", "in": "header", "required": true, "description": "the session's CSRF token (GET /api/session)", "schema": { "type": "string" } }));
        }
        let mut operation = json!({
            "summary": op.summary,
            "operationId": format!("{}{}", op.method, op.path.replace(['/', '{', '}', '.', '-'], "_")),
            "parameters": parameters,
            "responses": responses,
        });
        if let Some(body) = op.body {
            let content = match body.get("content") {
                Some(content) => content.clone(),
                None => json!({ "application/json": { "schema": body } }),
            };
            operation["requestBody"] = json!({ "required": true, "content": content });
        }
        let entry = paths.entry(op.path.to_owned()).or_insert_with(|| json!({}));
        entry[op.method] = operation;
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "labpath",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Credentialing paths for clinical laboratory professionals: eligibility, plans, the application tracker and continuing education. Every error has the shape of `Error`; lists are paged (`page`, `per_page`). Unsafe methods need the session's CSRF token in `x-csrf-token`.",
        },
        "paths": paths,
        "components": {
            "securitySchemes": { "session": { "type": "apiKey", "in": "cookie", "name": crate::auth::COOKIE } },
            "schemas": {
                "Error": {
                    "type": "object", "required": ["error"], "additionalProperties": false,
                    "properties": { "error": {
                        "type": "object", "required": ["status", "code", "message"], "additionalProperties": false,
                        "properties": {
                            "status": { "type": "integer" },
                            "code": { "type": "string", "enum": ["bad_request", "invalid", "not_found", "conflict", "unauthorized", "forbidden", "csrf", "payload_too_large", "unsupported_media_type", "method_not_allowed", "misdirected", "rate_limited", "internal", "unreachable"] },
                            "message": { "type": "string" },
                            "field": { "type": "string" },
                            "details": { "type": "array", "items": { "type": "object", "required": ["message"], "properties": { "field": { "type": "string" }, "line": { "type": "integer" }, "message": { "type": "string" } } } }
                        }
                    } }
                },
                "Page": { "type": "object", "required": ["items", "page", "per_page", "total", "has_more"], "properties": { "items": { "type": "array" }, "page": { "type": "integer", "minimum": 1 }, "per_page": { "type": "integer", "minimum": 1 }, "total": { "type": "integer", "minimum": 0 }, "has_more": { "type": "boolean" } } },
                "Session": { "type": "object", "required": ["mode", "csrf"], "properties": { "mode": { "enum": ["local", "server"] }, "user": { "oneOf": [{ "type": "null" }, schema("User")] }, "csrf": { "type": "string" } } },
                "Login": { "type": "object", "required": ["email", "password"], "additionalProperties": false, "properties": { "email": { "type": "string" }, "password": { "type": "string" } } },
                "User": { "type": "object", "required": ["id", "org", "email", "name", "role", "created_at"], "properties": { "id": { "type": "integer" }, "org": { "type": "integer" }, "email": { "type": "string" }, "name": { "type": "string" }, "role": { "enum": ["admin", "staff", "candidate"] }, "person": { "type": ["integer", "null"] }, "created_at": { "type": "string" } } },
                "NewUser": { "type": "object", "required": ["email", "name", "role", "password"], "additionalProperties": false, "properties": { "email": { "type": "string" }, "name": { "type": "string" }, "role": { "enum": ["admin", "staff", "candidate"] }, "password": { "type": "string", "minLength": 10 }, "person": { "type": "string" } } },
                "AuditEntry": { "type": "object", "required": ["id", "at", "action", "from", "status"], "properties": { "id": { "type": "integer" }, "at": { "type": "string" }, "org": { "type": ["integer", "null"] }, "user": { "type": ["integer", "null"] }, "action": { "type": "string" }, "target": { "type": ["string", "null"] }, "from": { "type": "string" }, "status": { "type": "integer" } } },
                "CatalogEntry": { "type": "object", "required": ["id", "name", "provenance"] },
                "Provenance": { "type": "object", "required": ["confidence", "as_of", "sources"], "properties": { "confidence": { "type": "string" }, "as_of": { "type": "string" }, "note": { "type": "string" }, "sources": { "type": "array", "items": { "type": "object", "required": ["id", "title", "url"] } } } },
                "CredentialExplained": { "type": "object", "required": ["credential", "body", "provenance", "routes", "maintenance"], "properties": { "credential": { "type": "object", "required": ["id", "name", "abbreviation"] }, "body": { "type": "string" }, "provenance": schema("Provenance"), "routes": { "type": "array", "items": { "type": "object", "required": ["id", "name", "summary", "requirements", "provenance"], "properties": { "requirements": { "type": "array", "minItems": 1, "items": { "type": "object", "required": ["depth", "text"], "properties": { "depth": { "type": "integer", "minimum": 0 }, "text": { "type": "string", "minLength": 1 }, "declaration_key": { "type": "string" } } } }, "provenance": schema("Provenance") } } }, "maintenance": { "type": "array", "items": { "type": "object", "required": ["rules", "provenance"] } } } },
                "Profile": { "type": "object", "required": ["person"], "description": "The documented profile format (docs/profile.md) as JSON." },
                "Evaluation": { "type": "object", "required": ["person", "as_of", "credentials"], "properties": { "credentials": { "type": "array", "items": { "type": "object", "required": ["id", "status", "routes", "provenance"] } } } },
                "EvaluationSummary": { "type": "object", "required": ["person", "as_of", "view", "credentials"], "properties": { "view": { "const": "summary" }, "credentials": { "type": "array", "items": { "type": "object", "required": ["id", "abbreviation", "name", "status", "routes"], "additionalProperties": false, "properties": { "id": { "type": "string" }, "abbreviation": { "type": "string" }, "name": { "type": "string" }, "kind": { "type": "string" }, "level": { "type": "string" }, "jurisdiction": { "type": "string" }, "status": { "enum": ["held", "eligible", "unknown", "not_yet", "no_route"] }, "best_route": { "type": "string" }, "routes": { "type": "array", "items": { "type": "object", "required": ["id", "name", "in_force", "outcome"], "additionalProperties": false, "properties": { "id": { "type": "string" }, "name": { "type": "string" }, "in_force": { "type": "boolean" }, "outcome": { "enum": ["pass", "unknown", "fail"] }, "open_until": { "type": "string" } } } } } } } } },
                "PlanRequest": { "type": "object", "required": ["profile", "goal"], "additionalProperties": false, "properties": { "profile": schema("Profile"), "goal": { "type": "string" }, "from": { "type": "string" }, "optimize": { "enum": ["time", "cost"] }, "samples": { "type": "integer", "minimum": 1, "maximum": 100000 }, "seed": { "type": "integer", "minimum": 0 } } },
                "Questions": { "type": "object", "required": ["as_of", "questions"], "properties": { "as_of": { "type": "string" }, "goal": { "type": "string" }, "questions": { "type": "array", "items": { "type": "object", "required": ["key", "section", "ask", "help", "answer", "settles", "credentials", "sources", "assumable"], "properties": { "key": { "type": "string" }, "section": { "type": "string", "enum": ["about_you", "education", "coursework", "experience", "credentials", "english", "statements"] }, "ask": { "type": "string" }, "help": { "type": "string" }, "answer": { "type": "object", "required": ["type"], "properties": { "type": { "type": "string", "enum": ["choice", "choices", "country", "countries", "date", "number", "yes_no", "form"] }, "choices": { "type": "array", "items": { "type": "object", "required": ["value", "label"] } }, "unit": { "type": "string" } } }, "settles": { "type": "integer", "minimum": 0 }, "credentials": { "type": "array", "items": { "type": "string" } }, "sources": { "type": "array", "items": { "type": "string" } }, "assumable": { "type": "boolean" } } } } } },
                "Plan": { "type": "object", "required": ["goal", "from", "chosen", "plans"], "properties": { "plans": { "type": "array", "items": { "type": "object", "required": ["p50", "p80", "p90", "steps", "fees"] } } } },
                "NewPerson": { "type": "object", "required": ["name"], "additionalProperties": false, "properties": { "name": { "type": "string" }, "profile": schema("Profile") } },
                "Person": { "type": "object", "required": ["id", "name", "created_at", "profile_version"], "properties": { "id": { "type": "integer" }, "name": { "type": "string" }, "created_at": { "type": "string" }, "profile_version": { "type": "integer" }, "organization": { "type": ["integer", "null"] } } },
                "ProfileVersion": { "type": "object", "required": ["person", "version", "event", "recorded_at", "profile"] },
                "Application": { "type": "object", "required": ["id", "person", "step", "title", "status", "status_on", "created_at"], "properties": { "status": { "enum": ["draft", "submitted", "under_review", "approved", "denied", "withdrawn", "abandoned"] } } },
                "ChecklistItem": { "type": "object", "required": ["application", "position", "key", "name", "sender", "status"] },
                "ApplicationState": { "type": "object", "required": ["application", "checklist"], "properties": { "application": schema("Application"), "checklist": { "type": "array", "items": schema("ChecklistItem") } } },
                "Contact": { "type": "object", "required": ["id", "application", "recorded_at", "entry"] },
                "Reminder": { "type": "object", "required": ["id", "person", "due", "what"] },
                "Event": { "type": "object", "required": ["id", "at", "actor", "change"] },
                "Activity": { "type": "object", "required": ["title", "date", "credit"], "properties": { "title": { "type": "string" }, "provider": { "type": "string" }, "accreditation": { "type": "string" }, "date": { "type": "string" }, "credit": { "type": "object", "required": ["unit", "amount"], "properties": { "unit": { "enum": ["contact_hours", "semester_hours", "quarter_hours"] }, "amount": { "type": "number", "exclusiveMinimum": 0 } } }, "categories": { "type": "array", "items": { "type": "string" } } } },
                "CeActivity": { "type": "object", "required": ["id", "activity"] },
                "Export": { "type": "object", "required": ["format", "version", "exported_at", "events", "files"], "additionalProperties": false, "properties": { "format": { "const": "labpath-tracker-export" }, "version": { "const": 2 }, "exported_at": { "type": "string" }, "events": { "type": "array", "items": schema("Event") }, "files": { "type": "array", "items": { "type": "object", "required": ["hash", "base64"], "additionalProperties": false, "properties": { "hash": { "type": "string", "pattern": "^[0-9a-f]{64}$" }, "base64": { "type": "string" } } } } } },
                "Attachment": { "type": "object", "required": ["id", "application", "recorded_at", "file"], "properties": { "id": { "type": "integer" }, "application": { "type": "integer" }, "recorded_at": { "type": "string" }, "file": { "type": "object", "required": ["hash", "name", "media_type", "size"], "properties": { "hash": { "type": "string" }, "name": { "type": "string" }, "media_type": { "enum": ["application/pdf", "image/png", "image/jpeg", "image/tiff", "image/heic", "text/plain"] }, "size": { "type": "integer", "minimum": 1 }, "document": { "type": "string" }, "contact": { "type": "integer" } } } } },
            }
        },
        "security": [{ "session": [] }],
    })
}

/// `GET /api/openapi.json`.
pub async fn document() -> Json<Value> {
    Json(build())
}
