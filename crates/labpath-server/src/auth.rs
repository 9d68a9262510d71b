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

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use base64::Engine;
use labpath_store::accounts::{Role, Session, User};
use labpath_store::ids::OrgId;
use labpath_store::model::Person;
use labpath_store::time::Timestamp;
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::state::{AppState, Mode};

/// The session cookie's name.
pub const COOKIE: &str = "labpath_session";

/// How long a session lasts (12 hours).
pub const SESSION_SECONDS: i64 = 12 * 60 * 60;

/// Failed logins allowed per account and client address in the window.
pub const MAX_FAILURES: u32 = 5;

/// The login throttling window (15 minutes).
pub const FAILURE_WINDOW_SECONDS: i64 = 15 * 60;

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
    /// What this principal sees.
    pub fn scope(&self) -> Scope {
        match &self.user {
            None => Scope::Local,
            Some(u) if u.role == Role::Candidate => Scope::Own(u.org, u.person),
            Some(u) => Scope::Org(u.org),
        }
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

    /// The principal the use cases take: the scope and the name recorded
    /// on events.
    pub fn app(&self) -> labpath_app::Principal {
        labpath_app::Principal {
            scope: self.scope(),
            actor: self.actor(),
        }
    }

    /// The name recorded on events: `user 3 (ana@example.org)`, or `local`.
    pub fn actor(&self) -> String {
        match &self.user {
            None => "local".to_owned(),
            Some(u) => format!("user {} ({})", u.id, u.email),
        }
    }

    /// Refuses unless the principal is staff or admin (or local).
    pub fn require_staff(&self) -> Result<(), ApiError> {
        match self.role() {
            None | Some(Role::Admin) | Some(Role::Staff) => Ok(()),
            Some(Role::Candidate) => Err(ApiError::forbidden(
                "only an organization's staff or admin may do this",
            )),
        }
    }

    /// Refuses unless the principal is an organization admin.
    pub fn require_admin(&self) -> Result<(), ApiError> {
        match self.role() {
            Some(Role::Admin) => Ok(()),
            _ => Err(ApiError::forbidden(
                "only an organization admin may do this",
            )),
        }
    }
}

/// SHA-256 of a token, lower-case hex.
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A new random token: 32 bytes from the operating system, base64url.
pub fn random_token() -> Result<String, ApiError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| ApiError::internal(format!("random: {e}")))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// Hashes a password with argon2id (on a blocking thread: it is slow on
/// purpose).
pub async fn hash_password(password: String) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|e| ApiError::internal(format!("random: {e}")))?;
        let salt = SaltString::encode_b64(&salt).map_err(ApiError::internal)?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(ApiError::internal)
    })
    .await
    .map_err(ApiError::internal)?
}

/// Checks a password against a stored hash (on a blocking thread).
pub async fn verify_password(password: String, hash: String) -> Result<bool, ApiError> {
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&hash).map_err(ApiError::internal)?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .map_err(ApiError::internal)?
}

/// An email address a new account may have: one address as RFC 5322
/// writes it (no display name, no `[ip]` domain, a domain with a dot), at
/// most `MAX_EMAIL` characters; answered trimmed and lower-case. `@@@`, a
/// line break or two addresses are refused, so the mailer never meets one.
pub fn check_email(text: &str) -> Result<String, ApiError> {
    let email = text.trim();
    let refuse = |why: String| Err(ApiError::invalid(why).at("email"));
    let chars = email.chars().count();
    if chars > MAX_EMAIL {
        return refuse(format!(
            "an email address has at most {MAX_EMAIL} characters, not {chars}"
        ));
    }
    let options = email_address::Options {
        minimum_sub_domains: 2,
        allow_domain_literal: false,
        allow_display_text: false,
    };
    match email_address::EmailAddress::parse_with_options(email, options) {
        Ok(_) => Ok(email.to_lowercase()),
        Err(e) => refuse(format!("`{email}` is not an email address ({e})")),
    }
}

/// The longest password taken: enough for any passphrase, and a bound on
/// the work of judging and hashing it.
pub const MAX_PASSWORD: usize = 128;

/// A password a new account may have: 10 to 128 characters, and not easy
/// to guess: zxcvbn's estimate must be at least 10^10 guesses (score 3),
/// which refuses common passwords, repeats and sequences, and the account's
/// own email or name.
pub fn check_new_password(password: &str, email: &str, name: &str) -> Result<(), ApiError> {
    let refuse = |why: String| Err(ApiError::invalid(why).at("password"));
    let chars = password.chars().count();
    if password.trim().chars().count() < 10 {
        return refuse("a password needs at least 10 characters besides spaces".to_owned());
    }
    if chars > MAX_PASSWORD {
        return refuse(format!(
            "a password has at most {MAX_PASSWORD} characters, not {chars}"
        ));
    }
    let local = email.split('@').next().unwrap_or("");
    let estimate = zxcvbn::zxcvbn(password, &[email, local, name]);
    if estimate.score() < zxcvbn::Score::Three {
        let hint = estimate
            .feedback()
            .and_then(|f| f.warning())
            .map(|w| format!(" ({w})"))
            .unwrap_or_default();
        return refuse(format!(
            "this password is too easy to guess{hint}: use a few unrelated words or more varied characters"
        ));
    }
    Ok(())
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
        if let Some(slot) = parts.extensions.get::<crate::audit::Audited>() {
            slot.principal(&principal);
        }
        Ok(Api(principal))
    }
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

/// Why a login failed.
#[derive(Debug)]
pub enum LoginError {
    /// Wrong email or password (which, is not said).
    Wrong,
    /// Too many failures: wait this many seconds.
    Throttled(u64),
    /// The server failed.
    Server(ApiError),
}

impl From<ApiError> for LoginError {
    fn from(e: ApiError) -> Self {
        LoginError::Server(e)
    }
}

impl From<labpath_store::StoreError> for LoginError {
    fn from(e: labpath_store::StoreError) -> Self {
        LoginError::Server(e.into())
    }
}

impl LoginError {
    /// As an API error.
    pub fn api_error(self) -> ApiError {
        match self {
            LoginError::Wrong => ApiError::unauthorized("wrong email or password"),
            LoginError::Throttled(s) => ApiError::rate_limited(
                format!(
                    "too many failed logins for this account from this address: try again in {} minutes",
                    s.div_ceil(60)
                ),
                s,
            ),
            LoginError::Server(e) => e,
        }
    }
}

/// The longest email address (RFC 5321's path limit): a longer one names
/// no account.
pub const MAX_EMAIL: usize = 254;

/// An email as an audit line records a failed login with it: trimmed,
/// lower-case, and cut at `MAX_EMAIL` characters, so a login attempt cannot
/// write more than that into the append-only log.
pub fn audited_email(email: &str) -> String {
    let email = email.trim().to_lowercase();
    if email.chars().count() <= MAX_EMAIL {
        return email;
    }
    let cut: String = email.chars().take(MAX_EMAIL).collect();
    format!("{cut}… (cut at {MAX_EMAIL} characters)")
}

/// Checks an email and password, throttled per account and client address
/// (the count is in the database, so every replica applies the same limit).
/// An email longer than any address can be is wrong at once, with no work
/// in the store.
pub async fn login(
    state: &AppState,
    email: &str,
    password: &str,
    from: &str,
) -> Result<User, LoginError> {
    let email = email.trim().to_lowercase();
    if email.chars().count() > MAX_EMAIL {
        return Err(LoginError::Wrong);
    }
    let key = format!("{email}|{from}");
    let now = Timestamp::now();
    let window_start = now.plus_seconds(-FAILURE_WINDOW_SECONDS);
    let failures = state
        .accounts()
        .login_failures_since(&key, window_start)
        .await?;
    if failures >= MAX_FAILURES {
        return Err(LoginError::Throttled(FAILURE_WINDOW_SECONDS as u64));
    }
    let found = state.accounts().user_by_email(&email).await?;
    let ok = match &found {
        Some((_, hash)) => verify_password(password.to_owned(), hash.clone()).await?,
        None => {
            // Spend the same time as a real check, so timing does not tell
            // which emails have accounts.
            let _ = hash_password(password.to_owned()).await?;
            false
        }
    };
    match found {
        Some((user, _)) if ok => Ok(user),
        _ => {
            state
                .accounts()
                .record_login_failure(&key, now, window_start)
                .await?;
            Err(LoginError::Wrong)
        }
    }
}
