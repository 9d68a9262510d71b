//! The one error shape every API endpoint answers with:
//!
//! ```json
//! { "error": { "status": 404, "code": "not_found",
//!              "message": "application `7` does not exist" } }
//! ```
//!
//! plus `"field"` (a JSON path or form field) when one input is at fault.
//! A 500 or 503 never carries internals: its message points at the server
//! log, where the detail is written.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use labpath_store::StoreError;
use serde::Serialize;

/// An error an API request ends with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// A stable word programs can match on.
    pub code: &'static str,
    /// What went wrong and, where it helps, what to do.
    pub message: String,
    /// The input at fault: a JSON path (`person.born`) or a form field.
    pub field: Option<String>,
    /// Seconds to wait before retrying (rate limits).
    pub retry_after: Option<u64>,
    /// Every problem, when one input has several (a profile).
    pub details: Vec<Detail>,
}

/// One problem of an input with several.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Detail {
    /// The field (`education[0].degree`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The line of the submitted text, when it has lines.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

/// The message of an error with several problems: the first, and how many
/// more `details` lists; `None` when there are none.
pub fn first_of(details: &[Detail]) -> Option<String> {
    match details {
        [] => None,
        [one] => Some(one.message.clone()),
        [first, rest @ ..] => Some(format!(
            "{} (and {} more problems: see `details`)",
            first.message,
            rest.len()
        )),
    }
}

/// A profile's (or catalog's) diagnostics as one 422 listing each problem.
pub fn from_diagnostics(d: labpath_catalog::diag::Diagnostics) -> ApiError {
    let details: Vec<Detail> =
        d.0.into_iter()
            .map(|p| Detail {
                field: p.field,
                line: p.line,
                message: p.message,
            })
            .collect();
    let mut error = ApiError::invalid(
        first_of(&details).unwrap_or_else(|| "the input is not valid".to_owned()),
    );
    error.field = details.first().and_then(|f| f.field.clone());
    error.details = details;
    error
}

impl ApiError {
    /// An error with its status, code word and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            field: None,
            retry_after: None,
            details: Vec::new(),
        }
    }

    /// 400: the request could not be read (malformed JSON, a bad query).
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// 422: the request was read, but a value is not acceptable.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message)
    }

    /// 404: no such record (or one the caller may not see: the two are
    /// indistinguishable on purpose).
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// 409: the record changed meanwhile, or the value is taken.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", message)
    }

    /// 401: no session, or it expired.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    /// 403: logged in, but the role does not allow it.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    /// 403: an unsafe request without the session's CSRF token.
    pub fn csrf() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "csrf",
            "this request needs the session's CSRF token (the `x-csrf-token` header, or the form's `csrf` field); GET /api/session gives it",
        )
    }

    /// 403: a request that starts a session, sent by a page of another
    /// site (`auth::same_origin`).
    pub fn cross_site(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "csrf", message)
    }

    /// 413: the body is larger than the limit.
    pub fn too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("the request body is over the limit of {limit} bytes"),
        )
    }

    /// 421: the request names a host this server does not answer for.
    pub fn misdirected(message: impl Into<String>) -> Self {
        Self::new(StatusCode::MISDIRECTED_REQUEST, "misdirected", message)
    }

    /// 415: the body is not of the type the endpoint reads.
    pub fn media_type(expected: &str) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            format!("send the body as {expected} (with that Content-Type)"),
        )
    }

    /// 405: the path exists, but not with this method (the `Allow` header
    /// lists those it answers).
    pub fn method_not_allowed(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            message,
        )
    }

    /// 429: too many attempts.
    pub fn rate_limited(message: impl Into<String>, retry_after: u64) -> Self {
        let mut e = Self::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", message);
        e.retry_after = Some(retry_after);
        e
    }

    /// 503: the machine refused the store what it needs (a full disk, a
    /// database file it may not write). Logs `detail` (which says what to
    /// do, for the operator) and answers without it.
    pub fn unavailable(detail: impl std::fmt::Display) -> Self {
        tracing::error!("storage unavailable: {detail}");
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "the server cannot store anything right now; nothing was changed: try again later (the detail is in its log)",
        )
    }

    /// 500: logs `detail` and answers without it.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!("internal error: {detail}");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the server failed to answer; the detail is in its log",
        )
    }

    /// The same error, listing every problem of the input.
    pub fn with_details(mut self, details: Vec<Detail>) -> Self {
        self.details = details;
        self
    }

    /// The same error, naming the input at fault.
    pub fn at(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}

impl From<labpath_engine::limits::OverLimit> for ApiError {
    /// A value over its limit: 422 at its field.
    fn from(e: labpath_engine::limits::OverLimit) -> Self {
        ApiError::invalid(e.message).at(e.field)
    }
}

impl From<labpath_app::AppError> for ApiError {
    fn from(e: labpath_app::AppError) -> Self {
        use labpath_app::Kind;
        let mut out = match e.kind {
            Kind::Invalid | Kind::NoProfile => ApiError::invalid(e.message),
            Kind::Unreachable => {
                let mut out = ApiError::invalid(e.message);
                out.code = "unreachable";
                out
            }
            Kind::NotFound(_) => ApiError::not_found(e.message),
            Kind::Conflict => ApiError::conflict(e.message),
            Kind::Forbidden => ApiError::forbidden(e.message),
            Kind::WrongLogin => ApiError::unauthorized(e.message),
            Kind::Throttled(seconds) => ApiError::rate_limited(e.message, seconds),
            Kind::Environment => ApiError::unavailable(e.message),
            Kind::Corrupt | Kind::Backend => ApiError::internal(e.message),
        };
        out.field = e.field;
        // Each detail's line and field stand beside its message, as a
        // profile's do (`from_diagnostics`), so a page can show them
        // without saying them twice.
        out.details = e
            .problems
            .into_iter()
            .map(|p| Detail {
                field: p.field,
                line: p.line,
                message: p.message,
            })
            .collect();
        out
    }
}

impl From<StoreError> for ApiError {
    /// Through the use cases' kinds, so a store error answers the same
    /// status whichever layer passes it on.
    fn from(e: StoreError) -> Self {
        labpath_app::AppError::from(e).into()
    }
}

/// The body of every error answer (the `Error` schema of the API's
/// document).
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Error)]
pub struct Body<'a> {
    error: Inner<'a>,
}

/// What went wrong.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = ErrorDetail)]
struct Inner<'a> {
    /// The HTTP status, repeated.
    status: u16,
    /// A stable word programs can match on.
    #[schema(value_type = String, pattern = "^(bad_request|invalid|not_found|conflict|unauthorized|forbidden|csrf|payload_too_large|unsupported_media_type|method_not_allowed|misdirected|rate_limited|internal|unavailable|unreachable)$")]
    code: &'a str,
    /// What went wrong and, where it helps, what to do.
    message: &'a str,
    /// The input at fault: a JSON path (`person.born`) or a form field.
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
    /// Every problem, when one input has several.
    #[serde(skip_serializing_if = "<[Detail]>::is_empty")]
    #[schema(value_type = Vec<Detail>)]
    details: &'a [Detail],
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body {
            error: Inner {
                status: self.status.as_u16(),
                code: self.code,
                message: &self.message,
                field: self.field.as_deref(),
                details: &self.details,
            },
        };
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// An API handler's result.
pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_machines_refusal_is_a_503_that_keeps_its_detail_in_the_log() {
        let refused = StoreError::Environment(
            "the disk is full while adding a person (database or disk is full): free some space"
                .to_owned(),
        );
        let answer = ApiError::from(refused);
        assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(answer.code, "unavailable");
        assert!(!answer.message.contains("disk"), "{}", answer.message);
        assert!(
            answer.message.contains("try again later"),
            "{}",
            answer.message
        );
    }
}
