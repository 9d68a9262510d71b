//! The `Idempotency-Key` header of the creating API writes
//! ([`KEYED`]): a client that lost an answer (a cut connection, a timeout)
//! sends the request again with the same key and gets the first answer,
//! with `Idempotent-Replayed: true`, instead of a second record. The key is
//! kept a day for its principal (a user, or local mode), in the
//! transaction of the write (`labpath_app::once`). The same key with
//! another request (another method, path or body) is a 422 naming the
//! header; a key that is empty, longer than [`MAX_KEY`] or not visible
//! ASCII is a 400. A refused write keeps no key: it may be sent again.

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use labpath_app::once::{Answer, Made, RequestKey};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};

/// The request header that carries a key.
pub const HEADER: &str = "Idempotency-Key";

/// The answer header that says an answer is a repeat of the first one.
pub const REPLAYED: &str = "Idempotent-Replayed";

pub use labpath_engine::limits::MAX_KEY;

/// The operations that read a key: `POST` on these paths.
pub const KEYED: [&str; 4] = [
    "/api/people",
    "/api/people/{person}/applications",
    "/api/people/{person}/reminders",
    "/api/people/{person}/ce",
];

/// A creating request: the key it was sent with, if any, and what `E`
/// reads of it (its body). The body is read once, for the fingerprint and
/// for `E`.
pub struct Keyed<E> {
    /// The key and the request's fingerprint.
    pub key: Option<SentKey>,
    /// The request as `E` reads it.
    pub inner: E,
}

/// A key as sent, with the fingerprint of the request it came with.
pub struct SentKey {
    key: String,
    fingerprint: String,
}

impl SentKey {
    /// The key as the store keeps it for `me`, with the status of a first
    /// answer.
    pub fn of(&self, me: &Principal, status: StatusCode) -> RequestKey {
        RequestKey {
            principal: match &me.user {
                Some(u) => format!("user {}", u.id),
                None => "local".to_owned(),
            },
            key: self.key.clone(),
            fingerprint: self.fingerprint.clone(),
            status: status.as_u16(),
        }
    }
}

impl<S, E> FromRequest<S> for Keyed<E>
where
    S: Send + Sync,
    E: FromRequest<S, Rejection = ApiError>,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let Some(value) = req.headers().get(HEADER) else {
            return Ok(Keyed {
                key: None,
                inner: E::from_request(req, state).await?,
            });
        };
        let key = check_key(value)?;
        // The route's body limit holds here as in `E`.
        let limit = crate::extract::route_limit(req.extensions());
        let (parts, body) = req.into_parts();
        let whole = Request::from_parts(parts.clone(), body);
        let bytes = Bytes::from_request(whole, state)
            .await
            .map_err(|e| crate::extract::body_error(e, limit))?;
        let fingerprint = fingerprint(&parts, &bytes);
        let req = Request::from_parts(parts, Body::from(bytes));
        Ok(Keyed {
            key: Some(SentKey { key, fingerprint }),
            inner: E::from_request(req, state).await?,
        })
    }
}

/// The key as sent: 1 to [`MAX_KEY`] visible ASCII characters.
fn check_key(value: &HeaderValue) -> Result<String, ApiError> {
    let bytes = value.as_bytes();
    let refuse = |why: &str| {
        Err(ApiError::bad_request(format!(
            "the `{HEADER}` header {why}: send 1 to {MAX_KEY} visible ASCII characters (a UUID, for instance)"
        ))
        .at(HEADER))
    };
    if bytes.is_empty() {
        return refuse("is empty");
    }
    if bytes.len() > MAX_KEY {
        return refuse(&format!("has {} characters", bytes.len()));
    }
    if !bytes.iter().all(u8::is_ascii_graphic) {
        return refuse("holds a space, a control or a non-ASCII character");
    }
    Ok(String::from_utf8_lossy(bytes).into_owned())
}

/// What a request asks, as a SHA-256 (hex): its method, path and query,
/// media type and body. A multipart body's boundary is left out, as a
/// client draws a new one for each send of the same form.
fn fingerprint(parts: &axum::http::request::Parts, body: &[u8]) -> String {
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let media_type = content_type.split(';').next().unwrap_or("").trim();
    let boundary = content_type
        .split(';')
        .filter_map(|p| p.trim().strip_prefix("boundary="))
        .map(|b| b.trim_matches('"'))
        .find(|b| !b.is_empty());
    let mut hash = Sha256::new();
    for part in [
        parts.method.as_str(),
        parts.uri.path(),
        parts.uri.query().unwrap_or(""),
        &media_type.to_ascii_lowercase(),
    ] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    match boundary {
        Some(b) => {
            for piece in split_on(body, b.as_bytes()) {
                hash.update(piece);
                hash.update([0]);
            }
        }
        None => hash.update(body),
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// `bytes` cut at every `separator`.
fn split_on<'b>(bytes: &'b [u8], separator: &[u8]) -> Vec<&'b [u8]> {
    let mut pieces = Vec::new();
    let mut rest = bytes;
    while let Some(at) = rest.windows(separator.len()).position(|w| w == separator) {
        pieces.push(&rest[..at]);
        rest = &rest[at + separator.len()..];
    }
    pieces.push(rest);
    pieces
}

/// A creating write's answer: what it made, as JSON with `status`, or the
/// first answer, as it was, marked `Idempotent-Replayed: true`.
pub fn answer<T: Serialize>(made: Made<T>, status: StatusCode) -> ApiResult<Response> {
    match made {
        Made::New(value) => Ok((status, axum::Json(value)).into_response()),
        Made::Replayed(Answer { status, body }) => {
            let status = StatusCode::from_u16(status).map_err(ApiError::internal)?;
            Ok((
                status,
                [
                    (
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("application/json"),
                    ),
                    (
                        header::HeaderName::from_static("idempotent-replayed"),
                        HeaderValue::from_static("true"),
                    ),
                ],
                body,
            )
                .into_response())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_visible_ascii_of_bounded_length() {
        let ok = |k: &str| check_key(&HeaderValue::from_str(k).unwrap());
        assert_eq!(ok("a1-B2_c3").unwrap(), "a1-B2_c3");
        assert!(ok(&"k".repeat(MAX_KEY)).is_ok());
        for bad in ["", "two words", "tab\there"] {
            let e = ok(bad).unwrap_err();
            assert_eq!(e.status, StatusCode::BAD_REQUEST, "{bad:?}");
            assert!(e.message.contains("Idempotency-Key"), "{}", e.message);
        }
        assert!(ok(&"k".repeat(MAX_KEY + 1)).is_err());
        let latin = HeaderValue::from_bytes(b"caf\xe9").unwrap();
        assert!(check_key(&latin).is_err());
    }

    #[test]
    fn a_form_sent_again_with_a_new_boundary_is_the_same_request() {
        let form = |boundary: &str, title: &str| {
            let req = Request::builder()
                .method("POST")
                .uri("/api/people/1/ce")
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(())
                .unwrap();
            let body = format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"activity\"\r\n\r\n{title}\r\n--{boundary}--\r\n"
            );
            fingerprint(&req.into_parts().0, body.as_bytes())
        };
        assert_eq!(form("aaaa", "x"), form("bbbbbb", "x"));
        assert_ne!(form("aaaa", "x"), form("aaaa", "y"));
    }
}
