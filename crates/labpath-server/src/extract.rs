//! Reading requests into typed values, every failure in the one error
//! shape: a JSON body (with the path of the field at fault), path segments,
//! query strings and HTML form bodies.

use axum::Extension;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{Extensions, StatusCode, header};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// The body limit of a route that takes no profile and no file (64 KiB):
/// the default. A note at its longest is 8 KB of UTF-8.
pub const SMALL_BODY_LIMIT: usize = 64 * 1024;

/// The body limit of a route that takes a profile (1 MiB), and the most a
/// JSON body or a form without files may be on a route that takes files: a
/// profile at its limits (`labpath_engine::limits::MAX_LIST` entries in
/// each list) is a few hundred kilobytes.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// A route's body limit, kept in the request by the layer that sets it
/// ([`body_limit`]), so that a 413 says the number.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

/// The layer that gives a route (or, on the router, every route) a body
/// limit of `bytes`: axum's, and the number for messages.
pub fn body_limit(bytes: usize) -> (DefaultBodyLimit, Extension<BodyLimit>) {
    (DefaultBodyLimit::max(bytes), Extension(BodyLimit(bytes)))
}

/// The body limit of the route a request (its `extensions`) came to.
pub fn route_limit(extensions: &Extensions) -> usize {
    extensions
        .get::<BodyLimit>()
        .map_or(SMALL_BODY_LIMIT, |l| l.0)
}

/// What reading a body whose route allows `limit` bytes failed with: 413
/// saying the limit, or 400.
pub fn body_error(rejection: BytesRejection, limit: usize) -> ApiError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::too_large(limit)
    } else {
        ApiError::bad_request("the request body could not be read")
    }
}

fn content_type_is(req: &Request, expected: &str) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case(expected))
}

/// Reads JSON into `T`, naming the field at fault.
///
/// Text that is not JSON is a 400; JSON that does not fit `T` (a wrong
/// type, an unknown field, a missing one) is a 422 naming the field. The
/// two are told apart by reading the text as JSON first: serde_json calls
/// some wrong types syntax errors (a number where an enum's word is
/// expected reads as "expected value").
pub fn from_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    check_json_text(bytes)?;
    let mut de = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize::<_, T>(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let message = match inner.classify() {
            serde_json::error::Category::Data => clean(&inner.to_string()),
            _ => format!("`{path}` has a value of the wrong type"),
        };
        let error = ApiError::invalid(message);
        if path == "." || path.is_empty() {
            error
        } else {
            error.at(path)
        }
    })
}

/// Refuses a body that is not JSON (400), and one holding a NUL character
/// (422, naming where): PostgreSQL cannot store NUL in text or `jsonb`,
/// and no labpath field has a use for it.
pub fn check_json_text(bytes: &[u8]) -> Result<(), ApiError> {
    if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
        return Err(ApiError::bad_request(format!(
            "the body is not valid JSON: {} (line {}, column {})",
            clean(&e.to_string()),
            e.line(),
            e.column()
        )));
    }
    // JSON writes NUL only as the escape `\u0000`; most bodies lack even
    // the six bytes, so only those that have them are read whole. The
    // search is the standard library's substring search on text (a window
    // compared at every byte took 12 ms a megabyte in a debug build).
    let escaped = match std::str::from_utf8(bytes) {
        Ok(text) => text.contains("\\u0000"),
        Err(_) => bytes.windows(6).any(|w| w == b"\\u0000"),
    };
    if escaped {
        let value: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| ApiError::bad_request(e.to_string()))?;
        if let Some(path) = nul_at(&value, String::new()) {
            let error =
                ApiError::invalid("text cannot hold the NUL character (`\\u0000`): remove it");
            return Err(if path.is_empty() {
                error
            } else {
                error.at(path)
            });
        }
    }
    Ok(())
}

/// The path of the first string (or key) holding NUL, as `a.b[2]`.
fn nul_at(value: &serde_json::Value, path: String) -> Option<String> {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        serde_json::Value::String(s) => s.contains('\0').then_some(path),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| nul_at(v, format!("{path}[{i}]"))),
        serde_json::Value::Object(map) => map.iter().find_map(|(k, v)| {
            if k.contains('\0') {
                Some(join(k))
            } else {
                nul_at(v, join(k))
            }
        }),
        _ => None,
    }
}

/// serde's messages end with " at line 1 column 40": the field path says
/// where, so the position is dropped.
fn clean(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// A JSON body (`Content-Type: application/json`).
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !content_type_is(&req, "application/json") {
            return Err(ApiError::media_type("application/json"));
        }
        let bytes = small_body(req, state).await?;
        from_json(&bytes).map(JsonBody)
    }
}

/// The body, at most `BODY_LIMIT` long even on a route whose limit is
/// raised for files (a JSON body or a form without files is small there
/// too).
async fn small_body<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, ApiError> {
    let limit = route_limit(req.extensions());
    let bytes = Bytes::from_request(req, state)
        .await
        .map_err(|e| body_error(e, limit))?;
    if bytes.len() > BODY_LIMIT {
        return Err(ApiError::too_large(BODY_LIMIT));
    }
    Ok(bytes)
}

/// An HTML form body (`application/x-www-form-urlencoded`), as the list of
/// its fields: pages read it with their own validation, field by field, so
/// every message can name its field and the form can be shown again with
/// what was entered.
pub struct FormBody(pub Vec<(String, String)>);

impl FormBody {
    /// The first value of a field, trimmed; `None` when absent or empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// The first value of a field exactly as sent (passwords, text areas);
    /// empty when absent.
    pub fn raw(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Every value of a field (checkboxes, repeated fields).
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

impl<S: Send + Sync> FromRequest<S> for FormBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !content_type_is(&req, "application/x-www-form-urlencoded") {
            return Err(ApiError::media_type("application/x-www-form-urlencoded"));
        }
        let bytes = small_body(req, state).await?;
        let fields: Vec<(String, String)> = serde_urlencoded_pairs(&bytes)?;
        Ok(FormBody(fields))
    }
}

fn serde_urlencoded_pairs(bytes: &[u8]) -> Result<Vec<(String, String)>, ApiError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| ApiError::bad_request("the form body is not UTF-8"))?;
    let mut out = Vec::new();
    for pair in text.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        out.push((decode(k)?, decode(v)?));
    }
    Ok(out)
}

/// Decodes one `application/x-www-form-urlencoded` component.
fn decode(text: &str) -> Result<String, ApiError> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| ApiError::bad_request("the form body has a bad %-escape"))?;
                out.push(hex);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| ApiError::bad_request("the form body is not UTF-8"))
}

/// Path segments, e.g. `Path<(String, String)>`; ids are parsed by the
/// handler so the message can say which kind of id was expected.
pub struct PathParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for PathParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| PathParams(p.0))
            .map_err(|e| ApiError::bad_request(format!("the path is not valid: {e}")))
    }
}

/// The longest value of any query parameter: the longest a parameter
/// takes (a list of catalog ids); the API document gives a shorter limit
/// where a parameter has one, which the use case checks.
pub const MAX_QUERY_VALUE: usize = labpath_engine::limits::MAX_ID_LIST;

/// A query string read into `T`. A value over [`MAX_QUERY_VALUE`]
/// characters is refused (422, naming its parameter) before anything reads
/// it, so that no message quotes it whole.
pub struct QueryParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for QueryParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        let pairs = serde_urlencoded_pairs(query.as_bytes())?;
        for (name, value) in &pairs {
            let name = labpath_engine::limits::quote(name);
            labpath_engine::limits::text(&name, value, MAX_QUERY_VALUE)
                .map_err(|e| ApiError::invalid(format!("query: {}", e.message)).at(e.field))?;
        }
        // Re-encode as a JSON object of strings, then read `T` from it with
        // field paths; numbers are parsed by `T`'s own helpers.
        let object: serde_json::Map<String, serde_json::Value> = pairs
            .into_iter()
            .map(|(k, v)| (k, serde_json::Value::String(v)))
            .collect();
        let text = serde_json::Value::Object(object).to_string();
        from_json(text.as_bytes())
            .map(QueryParams)
            .map_err(|mut e| {
                // A query that cannot be read (a NUL in a value) is a bad
                // request, like every other unreadable query (400), not a
                // refused value.
                e.status = StatusCode::BAD_REQUEST;
                e.code = "bad_request";
                e.message = format!("query: {}", e.message);
                e
            })
    }
}

/// Parses an id from a path segment or field; a malformed id is a 404 for
/// the kind of record asked for (it cannot exist).
pub fn id<T: std::str::FromStr<Err = labpath_store::ids::IdParseError>>(
    text: &str,
) -> Result<T, ApiError> {
    text.parse::<T>()
        .map_err(|e| ApiError::not_found(e.to_string()))
}

/// A JSON body kept as text (`Content-Type: application/json`), for inputs
/// read by their own parser (a profile, read against the catalog); it is
/// checked to be JSON without NUL first, like every JSON body.
pub struct JsonText(pub String);

impl<S: Send + Sync> FromRequest<S> for JsonText {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !content_type_is(&req, "application/json") {
            return Err(ApiError::media_type("application/json"));
        }
        let bytes = small_body(req, state).await?;
        let text = String::from_utf8(bytes.to_vec())
            .map_err(|_| ApiError::bad_request("the body is not UTF-8 text"))?;
        check_json_text(text.as_bytes())?;
        Ok(JsonText(text))
    }
}

/// The largest people CSV `POST /api/people/import` reads: the use case's
/// own limit (2 MiB, about 5,000 people).
pub const PEOPLE_CSV_LIMIT: usize = labpath_app::people_csv::MAX_BYTES;

/// The largest body of the people page's import form: the CSV and the
/// form's framing and CSRF token.
pub const PEOPLE_FORM_LIMIT: usize = PEOPLE_CSV_LIMIT + 64 * 1024;

/// 413 for a people CSV over [`PEOPLE_CSV_LIMIT`]: what the limit is and
/// what to do.
pub fn people_csv_too_large() -> ApiError {
    let mut e = ApiError::too_large(PEOPLE_CSV_LIMIT);
    e.message = format!(
        "the file is over {} MiB, the most one import reads (at most {} people a file): split it into smaller files",
        PEOPLE_CSV_LIMIT / 1_048_576,
        labpath_app::people_csv::MAX_PEOPLE
    );
    e
}

/// A people CSV sent as the body (`Content-Type: text/csv`), as bytes: the
/// use case reads them as UTF-8 text and says where they are not. A body
/// over [`PEOPLE_CSV_LIMIT`] (the route's limit) is a 413 that says so.
pub struct PeopleCsv(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for PeopleCsv {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !content_type_is(&req, "text/csv") {
            return Err(ApiError::media_type("text/csv"));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                people_csv_too_large()
            } else {
                ApiError::bad_request("the request body could not be read")
            }
        })?;
        if bytes.len() > PEOPLE_CSV_LIMIT {
            return Err(people_csv_too_large());
        }
        Ok(PeopleCsv(bytes))
    }
}

/// What a form route that takes files answers for a body over its limit,
/// when that limit is not the attachments' (its layer adds this to the
/// request); without it, [`Upload`] speaks of the attachment limit.
#[derive(Clone, Copy)]
pub struct OverLimit(pub fn() -> ApiError);

/// The largest upload body: one file at the attachment limit, plus room
/// for the form's other fields and the multipart framing.
pub const UPLOAD_LIMIT: usize = labpath_store::attachment::MAX_BYTES + 256 * 1024;

/// The largest CE import body: a CSV and the certificates its lines name,
/// a few attachments' worth.
pub const IMPORT_LIMIT: usize = 4 * UPLOAD_LIMIT;

/// A file sent in a form.
pub struct FilePart {
    /// The form field it came in.
    pub field: String,
    /// The file's name as the client gave it.
    pub name: String,
    /// The content.
    pub bytes: Vec<u8>,
}

/// A form that may carry files: `multipart/form-data` (text fields and
/// files) or `application/x-www-form-urlencoded` (text fields only, for a
/// client that has no file to send). A browser's empty file input (no name,
/// no content) is not a file.
pub struct Upload {
    /// The text fields.
    pub fields: FormBody,
    /// The files, in the order sent.
    pub files: Vec<FilePart>,
}

impl Upload {
    /// Takes the one file sent in `field`: none is `Ok(None)`, two are
    /// refused (422, naming the field).
    pub fn take_file(&mut self, field: &str) -> Result<Option<FilePart>, ApiError> {
        let count = self.files.iter().filter(|f| f.field == field).count();
        if count > 1 {
            return Err(
                ApiError::invalid(format!("send one file in `{field}`, not {count}")).at(field),
            );
        }
        Ok(self
            .files
            .iter()
            .position(|f| f.field == field)
            .map(|i| self.files.remove(i)))
    }

    /// Refuses files in fields the endpoint does not read, so that none is
    /// dropped without a word.
    pub fn no_other_files(&self) -> Result<(), ApiError> {
        match self.files.first() {
            None => Ok(()),
            Some(f) => Err(ApiError::invalid(format!(
                "`{}` is not a file field here: the file `{}` was not stored",
                f.field, f.name
            ))
            .at(f.field.clone())),
        }
    }
}

fn multipart_error(
    status: StatusCode,
    text: String,
    over: Option<OverLimit>,
    limit: usize,
) -> ApiError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        if let Some(OverLimit(answer)) = over {
            return answer();
        }
        let mut e = ApiError::too_large(limit);
        e.message = format!(
            "the files sent are over this form's limit of {limit} bytes ({} MiB for one file)",
            labpath_store::attachment::MAX_BYTES / 1_048_576
        );
        e
    } else {
        ApiError::bad_request(format!("the multipart body could not be read: {text}"))
    }
}

impl<S: Send + Sync> FromRequest<S> for Upload {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if content_type_is(&req, "application/x-www-form-urlencoded") {
            let FormBody(fields) = FormBody::from_request(req, state).await?;
            return Ok(Upload {
                fields: FormBody(fields),
                files: Vec::new(),
            });
        }
        if !content_type_is(&req, "multipart/form-data") {
            return Err(ApiError::media_type("multipart/form-data"));
        }
        let over = req.extensions().get::<OverLimit>().copied();
        let limit = route_limit(req.extensions());
        let mut multipart = axum::extract::Multipart::from_request(req, state)
            .await
            .map_err(|e| multipart_error(e.status(), e.body_text(), over, limit))?;
        let mut fields = Vec::new();
        let mut files = Vec::new();
        loop {
            let part = match multipart.next_field().await {
                Ok(Some(part)) => part,
                Ok(None) => break,
                Err(e) => return Err(multipart_error(e.status(), e.body_text(), over, limit)),
            };
            let field = part.name().unwrap_or("").to_owned();
            let file_name = part.file_name().map(str::to_owned);
            let bytes = part
                .bytes()
                .await
                .map_err(|e| multipart_error(e.status(), e.body_text(), over, limit))?;
            match file_name {
                Some(name) if name.is_empty() && bytes.is_empty() => {}
                Some(name) => files.push(FilePart {
                    field,
                    name,
                    bytes: bytes.to_vec(),
                }),
                None => {
                    let text = String::from_utf8(bytes.to_vec()).map_err(|_| {
                        ApiError::bad_request(format!("the form field `{field}` is not UTF-8 text"))
                            .at(field.clone())
                    })?;
                    fields.push((field, text));
                }
            }
        }
        Ok(Upload {
            fields: FormBody(fields),
            files,
        })
    }
}

/// Percent-encodes text: letters, digits, `-._~` and the bytes of `keep`
/// stay, every other byte is `%XX` (with no `keep`, what a header parameter
/// such as `filename*=UTF-8''...` needs, RFC 8187).
pub fn percent_encode(text: &str, keep: &[u8]) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') || keep.contains(&b)
        {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
