//! Who is asking, and what they may see.
//!
//! - Local mode: nobody logs in; the principal is the machine's owner and
//!   sees the people who belong to no organization. Unsafe requests still
//!   need the process's CSRF token, so another web site open in the same
//!   browser cannot post to the local server.
//! - Server mode: a session cookie (`labpath_session`, HttpOnly,
//!   SameSite=Lax, Secure behind TLS) carries a random token; the database
//!   keeps only its SHA-256, with the user and the session's CSRF token.
//!   Unsafe requests must echo that token (`x-csrf-token` header for the
//!   API, the `csrf` field for forms).
//!
//! Visibility: an admin or staff member sees their organization's people;
//! a candidate sees only their own record. A record outside what one may
//! see answers 404, the same as a record that does not exist, so ids of
//! other organizations cannot be probed.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use labpath_store::accounts::{Role, Session, User};
use labpath_store::ids::OrgId;
use labpath_store::model::Person;
use labpath_store::time::Timestamp;

use crate::error::ApiError;
use crate::state::{AppState, Mode};

/// The session cookie's name.
pub const COOKIE: &str = "labpath_session";

/// How long a session lasts (12 hours).
pub const SESSION_SECONDS: i64 = 12 * 60 * 60;

/// Who is asking.
#[derive(Debug, Clone)]
pub struct Principal {
    /// The user (`None` in local mode).
    pub user: Option<User>,
    /// The CSRF token unsafe requests must echo.
    pub csrf: String,
}

pub use labpath_app::Scope;

impl Principal {
    /// The principal the use cases take: the scope, the role and the name
    /// recorded on events.
    pub fn app(&self) -> labpath_app::Principal {
        match &self.user {
            None => labpath_app::Principal::local("local"),
            Some(u) => labpath_app::Principal::user(u),
        }
    }

    /// What this principal sees.
    pub fn scope(&self) -> Scope {
        self.app().scope
    }

    /// The organization, if any.
    pub fn org(&self) -> Option<OrgId> {
        self.user.as_ref().map(|u| u.org)
    }

    /// The role (`None` in local mode, where the owner may do everything).
    pub fn role(&self) -> Option<Role> {
        self.user.as_ref().map(|u| u.role)
    }

    /// Whether this principal may see (and edit) the person's records.
    pub fn can_see(&self, person: &Person) -> bool {
        self.scope().can_see(person)
    }

    /// The name recorded on events: `user 3 (ana@example.org)`, or `local`.
    pub fn actor(&self) -> String {
        self.app().actor
    }

    /// Refuses unless the principal is staff or admin (or local).
    pub fn require_staff(&self) -> Result<(), ApiError> {
        Ok(self.app().require_staff()?)
    }

    /// Refuses unless the principal is an organization admin.
    pub fn require_admin(&self) -> Result<(), ApiError> {
        Ok(self.app().require_admin()?)
    }
}

pub use labpath_app::accounts::token_hash;

/// A new random token (see `labpath_app::accounts::random_token`).
pub fn random_token() -> Result<String, ApiError> {
    Ok(labpath_app::accounts::random_token()?)
}

fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_owned())
}

/// Why a request has no principal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoPrincipal {
    /// No session cookie.
    NotLoggedIn,
    /// A cookie whose session expired or was ended.
    Expired,
}

impl NoPrincipal {
    /// As an API error.
    pub fn api_error(&self) -> ApiError {
        match self {
            NoPrincipal::NotLoggedIn => {
                ApiError::unauthorized("log in first: POST /api/login with email and password")
            }
            NoPrincipal::Expired => {
                ApiError::unauthorized("your session expired or was ended: log in again")
            }
        }
    }
}

/// Finds the principal of a request.
pub async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Result<Principal, NoPrincipal>, ApiError> {
    if state.mode == Mode::Local {
        return Ok(Ok(Principal {
            user: None,
            csrf: state.local_csrf.clone(),
        }));
    }
    let Some(token) = cookie_token(headers) else {
        return Ok(Err(NoPrincipal::NotLoggedIn));
    };
    match state
        .accounts()
        .session(&token_hash(&token), Timestamp::now())
        .await?
    {
        Some((session, user)) => Ok(Ok(Principal {
            user: Some(user),
            csrf: session.csrf,
        })),
        None => Ok(Err(NoPrincipal::Expired)),
    }
}

/// Whether a method changes something (and so needs the CSRF token).
pub fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Compares two tokens in constant time (for tokens of the same length:
/// the length of a CSRF token is no secret).
pub fn same_token(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// The API's principal: 401 without a session; an unsafe request without
/// the CSRF header is refused.
pub struct Api(pub Principal);

impl FromRequestParts<AppState> for Api {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let principal = authenticate(state, &parts.headers)
            .await?
            .map_err(|why| why.api_error())?;
        // Noted before the CSRF check, so a refused request is in the
        // audit log of the session's organization, with its user.
        if let Some(slot) = parts.extensions.get::<crate::audit::Audited>() {
            slot.principal(&principal);
        }
        if is_unsafe(&parts.method) {
            let sent = parts
                .headers
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !same_token(sent, &principal.csrf) {
                return Err(ApiError::csrf());
            }
        }
        Ok(Api(principal))
    }
}

/// Refuses a request that starts a session (a login, a password set
/// through a link) when a page of another site sent it: that page could
/// log the visitor's browser into an account of its choosing (login CSRF),
/// and there is no session yet whose CSRF token the request could carry.
///
/// Browsers name the page's origin in `Origin` on every POST, so it must
/// be this server's: its host and port those of the request's `Host` (a
/// proxy must pass `Host` on; the scheme is not compared, as a server
/// behind a TLS proxy does not see it). Without `Origin` a `Referer`, if
/// any, must be of this server. A request with neither comes from no
/// browser (a script, `curl`), which cannot carry a victim's cookies
/// anyway, and goes on. `Origin: null` (a sandboxed page, or one that
/// withholds its address) is another site. The pages' own forms send their
/// origin: they are served with `Referrer-Policy: same-origin`, under which
/// a browser names the origin to the same site.
pub fn same_origin(headers: &HeaderMap, what: &str) -> Result<(), ApiError> {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let (name, sent) = match (headers.get(header::ORIGIN), headers.get(header::REFERER)) {
        (Some(origin), _) => ("Origin", origin),
        (None, Some(referer)) => ("Referer", referer),
        (None, None) => return Ok(()),
    };
    let sent = sent.to_str().unwrap_or("(not text)");
    if !host.is_empty() && names_host(sent, host) {
        return Ok(());
    }
    Err(ApiError::cross_site(format!(
        "this {what} was sent from a page of another site (its `{name}` is `{sent}`, this server is `{host}`), so it is refused: open this server's own page and send it from there"
    )))
}

/// Whether a URL (`https://host:port/path`, or an origin) names the host
/// and port of a `Host` header, a scheme's default port written or not.
fn names_host(url: &str, host: &str) -> bool {
    let Some((scheme, rest)) = url.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let default = match scheme.to_ascii_lowercase().as_str() {
        "https" => ":443",
        "http" => ":80",
        _ => return false,
    };
    let plain = |a: &str| {
        let a = a.to_ascii_lowercase();
        match a.strip_suffix(default) {
            Some(bare) => bare.to_owned(),
            None => a,
        }
    };
    !authority.is_empty() && !authority.contains('@') && plain(authority) == plain(host)
}

/// Starts a session for a user; returns the cookie's token and the session.
pub async fn start_session(state: &AppState, user: &User) -> Result<(String, Session), ApiError> {
    let token = random_token()?;
    let now = Timestamp::now();
    let session = Session {
        token_hash: token_hash(&token),
        user: user.id,
        csrf: random_token()?,
        created_at: now,
        expires_at: now.plus_seconds(SESSION_SECONDS),
    };
    state.accounts().create_session(&session).await?;
    Ok((token, session))
}

/// The `Set-Cookie` value that carries a session token.
pub fn session_cookie(state: &AppState, token: &str) -> String {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={SESSION_SECONDS}{secure}")
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie(state: &AppState) -> String {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}")
}

/// Ends the request's session, if it has one.
pub async fn end_session(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    if let Some(token) = cookie_token(headers) {
        state.accounts().delete_session(&token_hash(&token)).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.insert(*name, value.parse().unwrap());
        }
        h
    }

    #[test]
    fn a_session_is_started_only_from_this_server_or_no_browser() {
        let host = ("host", "labpath.example:8443");
        for (sent, same) in [
            (vec![], true),
            (vec![("origin", "https://labpath.example:8443")], true),
            (vec![("origin", "HTTPS://LabPath.example:8443")], true),
            (vec![("origin", "http://labpath.example:8443")], true),
            (
                vec![("referer", "https://labpath.example:8443/login?next=/")],
                true,
            ),
            (vec![("origin", "https://evil.example")], false),
            (vec![("origin", "null")], false),
            (vec![("origin", "https://labpath.example")], false),
            (
                vec![("origin", "https://labpath.example:8443.evil.example")],
                false,
            ),
            (
                vec![("origin", "https://evil.example@labpath.example:8443")],
                false,
            ),
            (vec![("origin", "ftp://labpath.example:8443")], false),
            (
                vec![("referer", "https://evil.example/labpath.example:8443")],
                false,
            ),
            // Origin decides when both are sent.
            (
                vec![
                    ("origin", "https://evil.example"),
                    ("referer", "https://labpath.example:8443/login"),
                ],
                false,
            ),
        ] {
            let mut pairs = sent.clone();
            pairs.push(host);
            let checked = same_origin(&headers(&pairs), "login");
            assert_eq!(checked.is_ok(), same, "{sent:?}");
        }
        // A default port is the same written or not.
        for (origin, host) in [
            ("https://labpath.example", "labpath.example:443"),
            ("https://labpath.example:443", "labpath.example"),
            ("http://127.0.0.1", "127.0.0.1:80"),
            ("http://[::1]:8765", "[::1]:8765"),
        ] {
            let h = headers(&[("origin", origin), ("host", host)]);
            assert!(same_origin(&h, "login").is_ok(), "{origin} {host}");
        }
        // No Host to compare with: refused.
        let e = same_origin(&headers(&[("origin", "https://a.example")]), "login").unwrap_err();
        assert_eq!((e.status.as_u16(), e.code), (403, "csrf"));
        assert!(e.message.contains("`https://a.example`"), "{}", e.message);
    }
}
