//! The OpenAPI 3.1 document served at `/api/openapi.json`, derived from the
//! code: each handler in `api` carries its `#[utoipa::path]` (parameters,
//! body, answers), each type it reads or answers derives `ToSchema`, and
//! `api::routes` registers a route and its documentation in one call
//! (utoipa-axum's `routes!`), so the router and the document cannot
//! disagree. This module holds what is common to every operation: the
//! document's head, the error answers, the session cookie, the CSRF header
//! of unsafe methods and the 500 and 503 answers.

use std::sync::OnceLock;

use axum::Json;
use labpath_engine::limits;
use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::openapi::{Content, Ref, RefOr, Required, Response, ResponseBuilder};
use utoipa::{Modify, OpenApi};

/// 429: too many failed logins, with the seconds to wait in `Retry-After`.
pub struct RateLimited;

impl<'s> utoipa::ToResponse<'s> for RateLimited {
    fn response() -> (&'s str, RefOr<Response>) {
        let seconds = utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::Integer)
            .minimum(Some(1));
        let retry_after = utoipa::openapi::HeaderBuilder::new()
            .schema(seconds)
            .description(Some("Seconds to wait before trying again."))
            .build();
        let answer = error_builder(
            "Too many failed logins, from the client's address or for the account: the login is refused, right password or not, until `Retry-After` seconds have passed.",
        )
        .header("Retry-After", retry_after);
        ("RateLimited", answer.into())
    }
}

/// The document's head and the parts every operation shares.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "labpath",
        description = "Credentialing paths for clinical laboratory professionals: eligibility, plans, the application tracker and continuing education. Every error has the shape of `Error`; lists are paged (`page`, `per_page`). In server mode every operation but the health check, the login, this document and the calendar feed needs the session cookie, and unsafe methods the session's CSRF token in `x-csrf-token` (GET /api/session gives it).",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    components(
        schemas(crate::error::Body),
        responses(
            BadRequest,
            Unauthorized,
            Forbidden,
            CrossSite,
            NotFound,
            Conflict,
            TooLarge,
            Unsupported,
            Invalid,
            RateLimited,
            Internal,
            Unavailable
        )
    ),
    security(("session" = []))
)]
pub struct ApiDoc;

/// An error answer: its description, with the `Error` body.
fn error_answer(description: &str) -> RefOr<Response> {
    error_builder(description).into()
}

/// An error answer's builder, for one that says more (a header).
fn error_builder(description: &str) -> ResponseBuilder {
    ResponseBuilder::new().description(description).content(
        "application/json",
        Content::new(Some(Ref::from_schema_name("Error"))),
    )
}

/// Declares a reusable error answer (`#/components/responses/<Name>`).
macro_rules! error_answers {
    ($($name:ident: $description:literal;)*) => {$(
        #[doc = $description]
        pub struct $name;

        impl<'s> utoipa::ToResponse<'s> for $name {
            fn response() -> (&'s str, RefOr<Response>) {
                (stringify!($name), error_answer($description))
            }
        }
    )*};
}

error_answers! {
    BadRequest: "The request could not be read (malformed JSON, a bad query).";
    Unauthorized: "No session, or it expired.";
    Forbidden: "The role does not allow it, or the CSRF token is missing.";
    CrossSite: "A page of another site sent the login: its `Origin` (or, without one, its `Referer`) is not this server (`code` is `csrf`).";
    NotFound: "No such record (or one the caller may not see).";
    Conflict: "The record changed meanwhile, or the value is taken.";
    TooLarge: "The body is over the operation's limit (`x-body-limit` on its request body, in bytes; docs/server.md lists them).";
    Unsupported: "The body is not of the media type the operation reads.";
    Invalid: "A value is not acceptable (`field` names it; `details` lists every problem).";
    Internal: "The server failed; the detail is in its log, never in the answer.";
    Unavailable: "The server's machine refused what the store needs (a full disk, a database file it may not write); nothing was changed: try again later. The detail is in the server's log.";
}

/// What every operation shares, added once here rather than on each
/// handler: the session cookie, the CSRF header of unsafe methods and the
/// 500 and 503 answers of the operations that reach the store.
struct Common;

/// Operations that need neither a session nor a CSRF token.
const OPEN: [&str; 3] = ["/api/health", "/api/openapi.json", "/api/login"];

impl Modify for Common {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::auth::COOKIE,
                "The session cookie `POST /api/login` sets (server mode; local mode has no sessions).",
            ))),
        );
        for (path, item) in doc.paths.paths.iter_mut() {
            for (method, op) in [
                ("get", &mut item.get),
                ("post", &mut item.post),
                ("put", &mut item.put),
                ("patch", &mut item.patch),
                ("delete", &mut item.delete),
            ] {
                if let Some(op) = op {
                    op.operation_id = Some(operation_id(method, path));
                    bad_query(op);
                    body_limit(op, path);
                }
            }
            let open = OPEN.contains(&path.as_str()) || !path.starts_with("/api/");
            let safe = [&mut item.get];
            let unsafe_ = [
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ];
            for op in safe.into_iter().flatten() {
                if !open {
                    internal(op);
                }
            }
            for op in unsafe_.into_iter().flatten() {
                if !open {
                    internal(op);
                    csrf(op);
                }
            }
            if let Some(op) = item
                .post
                .as_mut()
                .filter(|_| crate::once::KEYED.contains(&path.as_str()))
            {
                idempotency_key(op);
            }
        }
    }
}

/// An operation's id from its method and path (`get_api_people_person`):
/// unique, where the handlers' names repeat across modules.
fn operation_id(method: &str, path: &str) -> String {
    let words: Vec<&str> = path
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    format!("{method}_{}", words.join("_"))
}

/// Adds the 400 and 422 answers to an operation that reads a query: a
/// query that cannot be read (a NUL in a value) is refused alike
/// everywhere, and so is a value over its limit (`extract::QueryParams`).
fn bad_query(op: &mut Operation) {
    let reads_query = op
        .parameters
        .iter()
        .flatten()
        .any(|p| p.parameter_in == ParameterIn::Query);
    if reads_query {
        for (status, name) in [("400", "BadRequest"), ("422", "Invalid")] {
            op.responses
                .responses
                .entry(status.to_owned())
                .or_insert_with(|| RefOr::Ref(Ref::from_response_name(name)));
        }
    }
}

/// Says the body limit of an operation that reads a body (`x-body-limit`,
/// in bytes, on its request body: [`crate::api::body_limit`], the limit
/// its route has), with the 413 answer a longer body gets.
fn body_limit(op: &mut Operation, path: &str) {
    let Some(body) = op.request_body.as_mut() else {
        return;
    };
    let bytes = crate::api::body_limit(path);
    body.extensions
        .get_or_insert_with(Default::default)
        .insert("x-body-limit".to_owned(), serde_json::json!(bytes));
    let said = format!("At most {bytes} bytes.");
    body.description = Some(match body.description.take() {
        Some(d) => format!("{d} {said}"),
        None => said,
    });
    op.responses
        .responses
        .entry("413".to_owned())
        .or_insert_with(|| RefOr::Ref(Ref::from_response_name("TooLarge")));
}

/// Adds the 500 and 503 answers to an operation.
fn internal(op: &mut Operation) {
    op.responses.responses.insert(
        "500".to_owned(),
        RefOr::Ref(Ref::from_response_name("Internal")),
    );
    op.responses.responses.insert(
        "503".to_owned(),
        RefOr::Ref(Ref::from_response_name("Unavailable")),
    );
}

/// Adds the CSRF header an unsafe method needs.
fn csrf(op: &mut Operation) {
    let header = ParameterBuilder::new()
        .name("x-csrf-token")
        .parameter_in(ParameterIn::Header)
        .required(Required::True)
        .description(Some(
            "The session's CSRF token (`csrf` in GET /api/session's answer; local mode has one too).",
        ))
        .schema(Some(
            // 32 random bytes in URL-safe base64 (`accounts::random_token`).
            utoipa::openapi::ObjectBuilder::new()
                .schema_type(utoipa::openapi::schema::Type::String)
                .pattern(Some("^[A-Za-z0-9_-]{43}$")),
        ))
        .build();
    op.parameters.get_or_insert_with(Vec::new).push(header);
}

/// Adds the `Idempotency-Key` header a creating write reads, the header
/// that marks a repeated answer, and the 400 and 422 a key can meet (see
/// `crate::once`).
fn idempotency_key(op: &mut Operation) {
    let text =
        || utoipa::openapi::ObjectBuilder::new().schema_type(utoipa::openapi::schema::Type::String);
    let header = ParameterBuilder::new()
        .name(crate::once::HEADER)
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "A key of the client's choosing (1 to 255 visible ASCII characters, a UUID for instance) that makes a repeat of this request safe: the same request sent again with the same key within 24 hours records nothing and gets the first answer again, with `Idempotent-Replayed: true`. Keys are apart for each user (and local mode). The same key with another request (another path or body) is a 422 naming the header; a malformed key is a 400. A refused request keeps no key.",
        ))
        .schema(Some(text().min_length(Some(1)).max_length(Some(crate::once::MAX_KEY)).pattern(Some("^[!-~]+$"))))
        .build();
    op.parameters.get_or_insert_with(Vec::new).push(header);
    let replayed = utoipa::openapi::HeaderBuilder::new()
        .schema(text().enum_values(Some(["true"])))
        .description(Some(
            "`true` when this is the first answer to an earlier request with the same `Idempotency-Key`, sent again; absent on a first answer.",
        ))
        .build();
    if let Some(RefOr::T(created)) = op.responses.responses.get_mut("201") {
        created
            .headers
            .insert(crate::once::REPLAYED.to_owned(), replayed);
    }
    for (status, name) in [("400", "BadRequest"), ("422", "Invalid")] {
        op.responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| RefOr::Ref(Ref::from_response_name(name)));
    }
}

/// The document, built once from the router (`api::routes`).
pub fn build() -> &'static serde_json::Value {
    static DOCUMENT: OnceLock<serde_json::Value> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let (_, mut doc) = crate::api::routes().split_for_parts();
        Common.modify(&mut doc);
        // A document that does not serialize is a bug in this crate's
        // derives, found by the first test that builds it.
        let mut doc = serde_json::to_value(&doc).unwrap_or_default();
        open_composed_parts(&mut doc);
        for (root, text, list) in CHECKED_WHOLE {
            bound_within(&mut doc, root, text, list);
        }
        doc
    })
}

/// The documents whose reader bounds every text and every list alike
/// rather than field by field, with those bounds: a profile
/// (`labpath_catalog::profile`: any text at most `MAX_TEXT` characters,
/// any list at most `MAX_LIST` entries) and a CE activity
/// (`labpath_store::ce::check_activity`: its texts at most `MAX_TEXT`, its
/// one list, the categories, at most `MAX_CATEGORIES`).
const CHECKED_WHOLE: [(&str, usize, usize); 2] = [
    ("Profile", limits::MAX_TEXT, limits::MAX_LIST),
    ("Activity", limits::MAX_TEXT, limits::MAX_CATEGORIES),
];

/// Writes a document's bounds into the schema `root` and every schema it
/// refers to: `maxLength` on each free text (a string with no limit,
/// pattern, format or list of values), `maxItems` on each list.
fn bound_within(doc: &mut serde_json::Value, root: &str, text: usize, list: usize) {
    fn walk(schema: &mut serde_json::Value, text: usize, list: usize, refs: &mut Vec<String>) {
        match schema {
            serde_json::Value::Object(map) => {
                if let Some(target) = map.get("$ref").and_then(|r| r.as_str()) {
                    if let Some(name) = target.strip_prefix("#/components/schemas/") {
                        refs.push(name.to_owned());
                    }
                }
                let is = |t: &str| {
                    map.get("type").is_some_and(|ty| {
                        ty == t || ty.as_array().is_some_and(|a| a.iter().any(|x| x == t))
                    })
                };
                let bounded = ["maxLength", "pattern", "format", "enum", "const"]
                    .iter()
                    .any(|k| map.contains_key(*k));
                let free_text = is("string") && !bounded;
                let open_list = is("array") && !map.contains_key("maxItems");
                if free_text {
                    map.insert("maxLength".to_owned(), text.into());
                }
                if open_list {
                    map.insert("maxItems".to_owned(), list.into());
                }
                map.values_mut().for_each(|v| walk(v, text, list, refs));
            }
            serde_json::Value::Array(items) => {
                items.iter_mut().for_each(|v| walk(v, text, list, refs));
            }
            _ => {}
        }
    }
    let mut pending = vec![root.to_owned()];
    let mut seen = std::collections::BTreeSet::new();
    while let Some(name) = pending.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(schema) = doc["components"]["schemas"].get_mut(&name) {
            walk(schema, text, list, &mut pending);
        }
    }
}

/// An event's change is tagged inside its object (`"type":
/// "application_created"` beside the fields), which the document says as
/// `allOf: [the fields' schema, the tag]`; a fields' schema closed with
/// `additionalProperties: false` (its type refuses unknown fields) would
/// then refuse the tag, and every such event. The schemas composed that
/// way are left open; the loader still refuses unknown fields.
fn open_composed_parts(doc: &mut serde_json::Value) {
    fn composed(value: &serde_json::Value, out: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(parts) = map.get("allOf").and_then(|a| a.as_array()) {
                    out.extend(
                        parts
                            .iter()
                            .filter_map(|p| p["$ref"].as_str())
                            .filter_map(|r| r.strip_prefix("#/components/schemas/"))
                            .map(str::to_owned),
                    );
                }
                map.values().for_each(|v| composed(v, out));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| composed(v, out)),
            _ => {}
        }
    }
    let mut names = Vec::new();
    composed(doc, &mut names);
    for name in names {
        if let Some(schema) = doc["components"]["schemas"]
            .get_mut(&name)
            .and_then(|s| s.as_object_mut())
        {
            schema.remove("additionalProperties");
        }
    }
}

/// The documented operations as (method, path), in the document's order.
pub fn operations() -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(paths) = build()["paths"].as_object() {
        for (path, item) in paths {
            if let Some(item) = item.as_object() {
                for method in item.keys() {
                    out.push((method.clone(), path.clone()));
                }
            }
        }
    }
    out
}

/// The answer of `GET /api/openapi.json`.
pub struct OpenApiDocument;

impl utoipa::PartialSchema for OpenApiDocument {
    fn schema() -> RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::Object)
            .description(Some(
                "An OpenAPI 3.1 document; free-form here (the OpenAPI specification is its schema).",
            ))
            .into()
    }
}

impl utoipa::ToSchema for OpenApiDocument {}

/// `GET /api/openapi.json`: this document.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "meta",
    security(()),
    responses((status = 200, description = "The OpenAPI 3.1 document of this API.", body = OpenApiDocument))
)]
pub async fn document() -> Json<&'static serde_json::Value> {
    Json(build())
}

/// A profile in the documented format (docs/profile.md), as JSON: the
/// engine's own serde form, so its schema is the one the loader reads
/// (unknown fields refused). The catalog's checks (known credentials,
/// exams, topics) come after, each problem listed in a 422's `details`.
pub type ProfileDocument = labpath_engine::profile::Profile;

/// An eligibility answer: the compact view (the default, read with `GET
/// /api/catalog/clauses`), the full one (`view=full`) or the summary
/// (`view=summary`).
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum EvaluationAnswer<'a> {
    /// Every route's clauses with have/need and sources.
    Full(labpath_views::json::EvaluationView<'a>),
    /// Statuses, outcomes and findings, read with the clause table.
    Compact(labpath_views::json::EvaluationCompactView<'a>),
    /// Each credential's status and its routes' outcomes only.
    Summary(labpath_views::json::EvaluationSummaryView<'a>),
}

/// `POST /api/people/{person}/ce` as `multipart/form-data`.
#[derive(utoipa::ToSchema)]
pub struct ActivityForm {
    /// The activity as JSON (the `Activity` schema).
    #[schema(value_type = ActivityJson)]
    pub activity: String,
    /// The certificate: PDF, PNG, JPEG, TIFF or HEIC, at most 20 MiB; a
    /// file already proving another activity is a 409.
    #[schema(value_type = Option<String>, format = Binary, content_media_type = "application/octet-stream")]
    pub certificate: Option<Vec<u8>>,
}

/// The form field that holds an activity as JSON: as long as a JSON body
/// of the activity may be ([`crate::extract::SMALL_BODY_LIMIT`]).
pub struct ActivityJson;

impl utoipa::PartialSchema for ActivityJson {
    fn schema() -> RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .content_media_type("application/json")
            .max_length(Some(crate::extract::SMALL_BODY_LIMIT))
            .description(Some("An activity as JSON (the `Activity` schema)."))
            .into()
    }
}

impl utoipa::ToSchema for ActivityJson {}

/// `POST /api/people/{person}/ce/import` as `multipart/form-data`.
#[derive(utoipa::ToSchema)]
pub struct ImportForm {
    /// The CSV, UTF-8, with a header naming its columns (`title`, `date`,
    /// `unit`, `amount`; optionally `provider`, `accreditation`,
    /// `categories`, `certificate`) in any order.
    #[schema(value_type = String, format = Binary, content_media_type = "text/csv")]
    pub activities: Vec<u8>,
    /// The certificates the lines' `certificate` column names.
    #[schema(value_type = Option<Vec<String>>, format = Binary)]
    pub certificates: Option<Vec<Vec<u8>>>,
}

/// `POST /api/applications/{app}/attachments` as `multipart/form-data`.
#[derive(utoipa::ToSchema)]
pub struct AttachmentForm {
    /// The file: PDF, PNG, JPEG, TIFF, HEIC or plain text, at most 20 MiB
    /// (the type is read from the content).
    #[schema(value_type = String, format = Binary, content_media_type = "application/octet-stream")]
    pub file: Vec<u8>,
    /// A checklist document's key, to attach the file to it.
    #[schema(value_type = Option<labpath_engine::limits::schema::CatalogKey>)]
    pub document: Option<String>,
    /// A logged contact's id, to attach the file to it.
    #[schema(value_type = Option<labpath_engine::limits::schema::RecordIdText>)]
    pub contact: Option<String>,
}
