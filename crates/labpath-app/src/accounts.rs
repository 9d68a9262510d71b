//! Organizations and their accounts (server mode): who may log in, to which
//! organization and with what role; the login check and its throttle; the
//! organization's users and audit log. Local mode has no accounts: its one
//! owner needs none, and every use case here refuses a local principal.
//!
//! Sessions (the cookie, its token and the CSRF token) are the web
//! server's: they are how a browser carries a principal, not something a
//! person does.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use labpath_store::StoreError;
use labpath_store::accounts::{
    Accounts, AuditEntry, AuditFilter, LinkPurpose, NewLink, NewUser, Organization, Role, User,
};
use labpath_store::ids::{OrgId, PersonId, UserId};
use labpath_store::model::{Paged, Scope, Window};
use labpath_store::time::Timestamp;

use crate::{App, AppError, Kind, Principal};

pub mod throttle;

pub use labpath_engine::limits::{MAX_EMAIL, MAX_NAME, MAX_PASSWORD, MIN_PASSWORD};

/// An email address a new account may have: one address as RFC 5322
/// writes it (no display name, no `[ip]` domain, a domain with a dot), at
/// most [`MAX_EMAIL`] characters; answered trimmed and lower-case. `@@@`, a
/// line break or two addresses are refused, so the mailer never meets one.
pub fn check_email(text: &str) -> Result<String, AppError> {
    let email = text.trim();
    let refuse = |why: String| Err(AppError::invalid(why).at("email"));
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

/// A password a new account may have: [`MIN_PASSWORD`] (besides spaces)
/// to [`MAX_PASSWORD`] characters,
/// and not easy to guess: zxcvbn's estimate must be at least 10^10 guesses
/// (score 3), which refuses common passwords, repeats and sequences, and
/// the account's own email or name.
pub fn check_new_password(password: &str, email: &str, name: &str) -> Result<(), AppError> {
    let refuse = |why: String| Err(AppError::invalid(why).at("password"));
    let chars = password.chars().count();
    if password.trim().chars().count() < MIN_PASSWORD {
        return refuse(format!(
            "a password needs at least {MIN_PASSWORD} characters besides spaces"
        ));
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

/// A user's or an organization's name (`what`, given as input `field`):
/// not blank, at most [`MAX_NAME`] characters; answered trimmed.
pub fn check_name(text: &str, field: &str, what: &str) -> Result<String, AppError> {
    let name = text.trim();
    if name.is_empty() {
        return Err(AppError::invalid(format!("{what} cannot be blank")).at(field));
    }
    let chars = name.chars().count();
    if chars > MAX_NAME {
        return Err(AppError::invalid(format!(
            "{what} has at most {MAX_NAME} characters, not {chars}"
        ))
        .at(field));
    }
    Ok(name.to_owned())
}

/// How long an invitation's link works (7 days): time for a candidate to
/// find the email and choose a password.
pub const INVITATION_SECONDS: i64 = 7 * 24 * 60 * 60;

/// How long a password reset's link works (1 hour): a reset is asked for
/// and used at once, and a link found later in a mailbox should not work.
pub const RESET_SECONDS: i64 = 60 * 60;

/// SHA-256 of a token, lower-case hex: what the store keeps of a session's
/// or a link's token.
pub fn token_hash(token: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A new random token: 32 bytes from the operating system, base64url.
pub fn random_token() -> Result<String, AppError> {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| AppError::backend(format!("random: {e}")))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// An email as an audit line records a failed login with it: trimmed,
/// lower-case, and cut at [`MAX_EMAIL`] characters, so a login attempt
/// cannot write more than that into the append-only log.
pub fn audited_email(email: &str) -> String {
    let email = email.trim().to_lowercase();
    if email.chars().count() <= MAX_EMAIL {
        return email;
    }
    let cut: String = email.chars().take(MAX_EMAIL).collect();
    format!("{cut}… (cut at {MAX_EMAIL} characters)")
}

/// Hashes a password with argon2id, on a blocking thread: it is slow on
/// purpose, and an async worker must not wait on it.
pub async fn hash_password(password: String) -> Result<String, AppError> {
    blocking(move || {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|e| AppError::backend(format!("random: {e}")))?;
        let salt = SaltString::encode_b64(&salt).map_err(|e| AppError::backend(e.to_string()))?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AppError::backend(e.to_string()))
    })
    .await
}

/// Checks a password against a stored hash, on a blocking thread.
pub async fn verify_password(password: String, hash: String) -> Result<bool, AppError> {
    blocking(move || {
        let parsed = PasswordHash::new(&hash).map_err(|e| AppError::backend(e.to_string()))?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| AppError::backend(format!("password hashing stopped: {e}")))?
}

/// An account to create in the principal's organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    /// Login email.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Its role.
    pub role: Role,
    /// Its password, as typed.
    pub password: String,
    /// For a candidate: their record in the organization.
    pub person: Option<PersonId>,
}

/// The first admin of a new organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirstAdmin {
    /// Login email.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Password, as typed.
    pub password: String,
}

/// The accounts store and the principal's organization, or the refusal
/// local mode answers with.
fn accounts<'a>(app: &App<'a>, who: &Principal) -> Result<(&'a dyn Accounts, OrgId), AppError> {
    match (who.org(), app.accounts) {
        (Some(org), Some(accounts)) => Ok((accounts, org)),
        _ => Err(AppError::invalid(
            "local mode has no accounts: its owner needs no login",
        )),
    }
}

/// Whether `who` may make an account of `role` (admins any role, staff
/// candidates), and its email and name as kept.
fn check_member(
    who: &Principal,
    role: Role,
    email: &str,
    name: &str,
) -> Result<(String, String), AppError> {
    who.require_staff()?;
    if role != Role::Candidate {
        who.require_admin()?;
    }
    let email = check_email(email)?;
    let name = check_name(name, "name", "a user's name")?;
    Ok((email, name))
}

/// The record a new account is linked to: a candidate's must be given and
/// be one `who` sees; another role may name one.
async fn linked_person(
    app: &App<'_>,
    who: &Principal,
    role: Role,
    person: Option<PersonId>,
) -> Result<Option<PersonId>, AppError> {
    match (role, person) {
        (Role::Candidate, None) => {
            Err(AppError::invalid("a candidate's account needs their person id").at("person"))
        }
        (_, Some(id)) => Ok(Some(
            app.person(who, id).await.map_err(|e| e.at("person"))?.id,
        )),
        (_, None) => Ok(None),
    }
}

/// A store refusal of a new account: a taken email is the `email` field's.
fn email_conflict(e: StoreError) -> AppError {
    let e = AppError::from(e);
    if e.kind == Kind::Conflict {
        e.at("email")
    } else {
        e
    }
}

/// The organization's users, by id (staff and admins may list them).
pub async fn users(
    app: &App<'_>,
    who: &Principal,
    window: Window,
) -> Result<Paged<User>, AppError> {
    let (accounts, org) = accounts(app, who)?;
    who.require_staff()?;
    Ok(accounts.users_in(org, window).await?)
}

/// Creates an account in the principal's organization: admins create any
/// role, staff only candidates. A candidate's account is linked to their
/// record, which the principal must see.
pub async fn create_user(
    app: &App<'_>,
    who: &Principal,
    new: NewAccount,
) -> Result<User, AppError> {
    let (accounts, org) = accounts(app, who)?;
    let (email, name) = check_member(who, new.role, &new.email, &new.name)?;
    check_new_password(&new.password, &email, &name)?;
    let person = linked_person(app, who, new.role, new.person).await?;
    let password_hash = hash_password(new.password).await?;
    let created = accounts
        .create_user(&NewUser {
            org,
            email,
            name,
            role: new.role,
            person,
            password_hash,
        })
        .await;
    created.map_err(email_conflict)
}

/// Creates an organization with its first admin: what the operator of a
/// server runs before it accepts logins (there is no principal yet).
pub async fn create_organization(
    accounts: &dyn Accounts,
    name: &str,
    admin: FirstAdmin,
) -> Result<(Organization, User), AppError> {
    let name = check_name(name, "organization", "an organization's name")?;
    let email = check_email(&admin.email)?;
    let admin_name = check_name(&admin.name, "name", "a user's name")?;
    check_new_password(&admin.password, &email, &admin_name)?;
    let password_hash = hash_password(admin.password).await?;
    let organization = accounts.create_organization(&name).await?;
    let user = accounts
        .create_user(&NewUser {
            org: organization.id,
            email,
            name: admin_name,
            role: Role::Admin,
            person: None,
            password_hash,
        })
        .await?;
    Ok((organization, user))
}

/// Checks an email and password from the client address `from`,
/// throttled by address and by account ([`throttle`] has the numbers; the
/// counts are in the database, so every replica applies the same limits).
/// While the throttle holds a login back it is refused (`Kind::Throttled`)
/// before the password is looked at, so the right one does not get
/// through either. Wrong and unknown are the same answer, spending the
/// same time, and count the same, so the answer does not tell which emails
/// have accounts; an email or password longer than any is wrong at once.
pub async fn login(
    accounts: &dyn Accounts,
    email: &str,
    password: &str,
    from: &str,
) -> Result<User, AppError> {
    let wrong = || AppError {
        kind: Kind::WrongLogin,
        message: "wrong email or password".to_owned(),
        field: None,
        problems: Vec::new(),
    };
    let attempt = throttle::Attempt::new(email, from);
    attempt.check(accounts).await?;
    attempt.record(accounts).await?;
    let email = email.trim().to_lowercase();
    if email.chars().count() > MAX_EMAIL || password.chars().count() > MAX_PASSWORD {
        return Err(wrong());
    }
    let found = accounts.user_by_email(&email).await?;
    let ok = match &found {
        Some((_, hash)) => verify_password(password.to_owned(), hash.clone()).await?,
        None => {
            // The same time as a real check.
            let _ = hash_password(password.to_owned()).await?;
            false
        }
    };
    match found {
        Some((user, _)) if ok => {
            attempt.succeeded(accounts).await?;
            Ok(user)
        }
        _ => Err(wrong()),
    }
}

/// A one-time link made for an account: its token goes into the link
/// (`/set-password/{token}`) and nowhere else; the store keeps its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountLink {
    /// Whose account.
    pub user: User,
    /// What it is for.
    pub purpose: LinkPurpose,
    /// The secret token.
    pub token: String,
    /// When it stops working.
    pub expires_at: Timestamp,
}

impl AccountLink {
    /// The link's path on the server.
    pub fn path(&self) -> String {
        format!("/set-password/{}", self.token)
    }
}

/// A person to invite: the account is made now, its password chosen by
/// its holder through the link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInvitation {
    /// Login email.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Its role.
    pub role: Role,
    /// For a candidate: their record in the organization.
    pub person: Option<PersonId>,
}

fn new_link(purpose: LinkPurpose, seconds: i64) -> Result<(String, NewLink), AppError> {
    let token = random_token()?;
    let now = Timestamp::now();
    let link = NewLink {
        token_hash: token_hash(&token),
        purpose,
        created_at: now,
        expires_at: now.plus_seconds(seconds),
    };
    Ok((token, link))
}

/// Invites someone into the principal's organization (admins any role,
/// staff candidates, as for [`create_user`]): the account is made with a
/// password no one knows, and a link that works once for
/// [`INVITATION_SECONDS`] lets its holder choose their own.
pub async fn invite(
    app: &App<'_>,
    who: &Principal,
    new: NewInvitation,
) -> Result<AccountLink, AppError> {
    let (accounts, org) = accounts(app, who)?;
    let (email, name) = check_member(who, new.role, &new.email, &new.name)?;
    let person = linked_person(app, who, new.role, new.person).await?;
    // A password no one knows (not even the inviter) until the link is used.
    let password_hash = hash_password(random_token()?).await?;
    let (token, link) = new_link(LinkPurpose::Invite, INVITATION_SECONDS)?;
    let user = NewUser {
        org,
        email,
        name,
        role: new.role,
        person,
        password_hash,
    };
    let user = accounts
        .invite_user(&user, &link)
        .await
        .map_err(email_conflict)?;
    Ok(AccountLink {
        user,
        purpose: LinkPurpose::Invite,
        token,
        expires_at: link.expires_at,
    })
}

/// A password reset link for a user of the principal's organization
/// (admins), working once for [`RESET_SECONDS`]; the user's earlier links
/// stop working. The user of another organization is "not found".
pub async fn reset_link(
    app: &App<'_>,
    who: &Principal,
    user: UserId,
) -> Result<AccountLink, AppError> {
    let (accounts, org) = accounts(app, who)?;
    who.require_admin()?;
    let found = match accounts.user(user).await {
        Ok(u) if u.org == org => u,
        Ok(_) | Err(StoreError::NotFound { .. }) => {
            return Err(AppError::not_found("user", user));
        }
        Err(e) => return Err(e.into()),
    };
    link_for(accounts, found, LinkPurpose::Reset, RESET_SECONDS).await
}

/// A password reset asked for by the account's holder, who gives their
/// email: the link to mail them, or `None` when no account has that email
/// (the page answers the same either way, so it tells no one who has an
/// account).
pub async fn forgotten_password(
    accounts: &dyn Accounts,
    email: &str,
) -> Result<Option<AccountLink>, AppError> {
    let email = email.trim().to_lowercase();
    if email.chars().count() > MAX_EMAIL {
        return Ok(None);
    }
    match accounts.user_by_email(&email).await? {
        Some((user, _)) => Ok(Some(
            link_for(accounts, user, LinkPurpose::Reset, RESET_SECONDS).await?,
        )),
        None => Ok(None),
    }
}

async fn link_for(
    accounts: &dyn Accounts,
    user: User,
    purpose: LinkPurpose,
    seconds: i64,
) -> Result<AccountLink, AppError> {
    let (token, link) = new_link(purpose, seconds)?;
    accounts.create_link(user.id, &link).await?;
    Ok(AccountLink {
        user,
        purpose,
        token,
        expires_at: link.expires_at,
    })
}

/// The refusal of a link that is unknown, used or expired.
fn dead_link() -> AppError {
    AppError::missing(
        "link",
        "this link has expired or was already used: ask for a new one (an admin of your organization can send it, or use \"Forgot your password?\" on the login page)",
    )
}

/// What a link is for and whose account it opens, while it works.
pub async fn open_link(
    accounts: &dyn Accounts,
    token: &str,
) -> Result<(LinkPurpose, User), AppError> {
    accounts
        .link(&token_hash(token), Timestamp::now())
        .await?
        .ok_or_else(dead_link)
}

/// Uses a link: the password is checked as a new account's is, then set;
/// the link stops working and the account's sessions end. Returns the
/// account, whose holder may now log in.
pub async fn use_link(
    accounts: &dyn Accounts,
    token: &str,
    password: &str,
) -> Result<User, AppError> {
    let (_, user) = open_link(accounts, token).await?;
    check_new_password(password, &user.email, &user.name)?;
    let password_hash = hash_password(password.to_owned()).await?;
    let used = accounts
        .redeem_link(&token_hash(token), Timestamp::now(), &password_hash)
        .await?;
    used.map(|(_, user)| user).ok_or_else(dead_link)
}

/// Sets an account's password from the operator's command line (no
/// principal: whoever runs it holds the database).
pub async fn set_password(
    accounts: &dyn Accounts,
    email: &str,
    password: &str,
) -> Result<User, AppError> {
    let Some((user, _)) = accounts.user_by_email(email).await? else {
        return Err(AppError::missing(
            "user",
            format!("no account has the email `{}`", email.trim()),
        )
        .at("email"));
    };
    check_new_password(password, &user.email, &user.name)?;
    let password_hash = hash_password(password.to_owned()).await?;
    accounts.set_password(user.id, &password_hash).await?;
    Ok(user)
}

/// The organization whose account a failed login named, so its admins
/// see the attempt in their audit log; `None` for an email no account has
/// (that attempt is in no organization's log).
pub async fn targeted_organization(
    accounts: &dyn Accounts,
    email: &str,
) -> Result<Option<OrgId>, AppError> {
    let email = email.trim();
    if email.chars().count() > MAX_EMAIL {
        return Ok(None);
    }
    Ok(accounts.user_by_email(email).await?.map(|(u, _)| u.org))
}

/// The organization's audit log, newest first, the lines that pass
/// `filter`, a window of them and how many there are (admins; in local
/// mode, the owner sees the directory's).
pub async fn audit(
    app: &App<'_>,
    who: &Principal,
    filter: &AuditFilter,
    window: Window,
) -> Result<Paged<AuditEntry>, AppError> {
    let Some(accounts) = app.accounts else {
        return Err(AppError::invalid("this store keeps no audit log"));
    };
    if who.scope != Scope::Local {
        who.require_admin()?;
    }
    Ok(accounts.audit_in(who.scope, filter, window).await?)
}
