//! People: the ones a principal reaches, a page at a time, adding one
//! (with a first profile, in one write), and adding many at once from a
//! CSV.

use labpath_store::accounts::{Role, User};
use labpath_store::ids::{PersonId, UserId};
use labpath_store::model::{NewPerson, Paged, PeopleFilter, Person, Window};
use labpath_store::once::{Write, people_added};

use crate::error::first_of;
use crate::once::{Made, RequestKey, one, record};
use crate::{App, AppError, Kind, Principal, Problem, people_csv};

/// The people `who` reaches that pass the filter, by id: the window asked
/// for and how many there are. The store reads only that scope and that
/// window. A name to search over `labpath_engine::limits::MAX_TEXT`
/// characters is refused at `q`.
pub async fn list(
    app: &App<'_>,
    who: &Principal,
    filter: &PeopleFilter,
    window: Window,
) -> Result<Paged<Person>, AppError> {
    if let Some(text) = &filter.name_contains {
        labpath_engine::limits::text("q", text, labpath_engine::limits::MAX_TEXT)?;
    }
    Ok(app.store.people_in(who.scope, filter, window).await?)
}

/// Adds a person to the principal's organization (or the local data
/// directory), with their first profile when `profile` is given (the
/// documented profile format, already read against the catalog by the
/// caller, which says where a problem is in its own input); staff and
/// admins only. The person and the profile are one write: a crash leaves
/// both or neither. With a request key, a repeat of the same request
/// answers the first answer (see [`crate::once`]).
pub async fn add(
    app: &App<'_>,
    who: &Principal,
    name: &str,
    profile: Option<serde_json::Value>,
    key: Option<&RequestKey>,
) -> Result<Made<Person>, AppError> {
    who.require_staff()?;
    if name.trim().is_empty() {
        return Err(AppError::invalid("a person needs a name").at("name"));
    }
    let write = Write::AddPeople {
        actor: who.actor.clone(),
        people: vec![NewPerson {
            name: name.to_owned(),
            organization: who.org(),
            profile,
        }],
    };
    record(app, key, write, |events| {
        one(people_added(events), "person")
    })
    .await
}

/// Adds every person of a people CSV (see [`crate::people_csv`]), each
/// with the profile their line gives, to the principal's organization (or
/// the local data directory); staff and admins only. All or no one: every
/// line is read and checked, and every problem listed with its line and
/// column, before anyone is added, in one write. Answers the people added,
/// in the order of the file.
pub async fn import(app: &App<'_>, who: &Principal, bytes: &[u8]) -> Result<Vec<Person>, AppError> {
    who.require_staff()?;
    let refused = |problems: Vec<Problem>| AppError {
        kind: Kind::Invalid,
        message: format!(
            "{}; no one was added",
            first_of(&problems).unwrap_or_else(|| "the file cannot be read".to_owned())
        ),
        field: None,
        problems,
    };
    let text = people_csv::text(bytes).map_err(|p| refused(vec![p.into()]))?;
    let known = app
        .store
        .people_in(who.scope, &PeopleFilter::default(), Window::ALL)
        .await?
        .items;
    let (rows, problems) = people_csv::read(app.catalog, text, &known);
    if !problems.is_empty() {
        return Err(refused(problems.into_iter().map(Problem::from).collect()));
    }
    let mut batch = Vec::with_capacity(rows.len());
    for row in rows {
        let profile = serde_json::to_value(&row.profile)
            .map_err(|e| AppError::backend(format!("a profile cannot be written: {e}")))?;
        batch.push(NewPerson {
            name: row.profile.person.name,
            organization: who.org(),
            profile: Some(profile),
        });
    }
    Ok(app.store.add_people(&who.actor, batch).await?)
}

/// The accounts that may be made responsible for a person of `who`'s
/// organization: its staff and admins, by id. Local mode has none.
pub async fn owners(app: &App<'_>, who: &Principal) -> Result<Vec<User>, AppError> {
    who.require_staff()?;
    let (Some(org), Some(accounts)) = (who.org(), app.accounts) else {
        return Ok(Vec::new());
    };
    let page = accounts.users_in(org, OWNERS_READ).await?;
    Ok(page
        .items
        .into_iter()
        .filter(|u| matches!(u.role, Role::Staff | Role::Admin))
        .collect())
}

/// The accounts [`owners`] looks through: an organization's first
/// thousand.
const OWNERS_READ: Window = Window {
    offset: 0,
    limit: 1000,
};

/// Makes `owner` (a staff member or admin of the person's organization)
/// responsible for `person`, or no one with `None`; staff and admins only,
/// in server mode (local mode has no staff accounts).
pub async fn set_owner(
    app: &App<'_>,
    who: &Principal,
    person: PersonId,
    owner: Option<UserId>,
) -> Result<Person, AppError> {
    who.require_staff()?;
    app.person(who, person).await?;
    if who.org().is_none() {
        return Err(AppError::invalid(
            "local mode has no staff accounts: no one can be made responsible",
        )
        .at("owner"));
    }
    let staff = |u: &User| Some(u.org) == who.org() && matches!(u.role, Role::Staff | Role::Admin);
    if let (Some(id), Some(accounts)) = (owner, app.accounts)
        && !accounts.user(id).await.is_ok_and(|u| staff(&u))
    {
        return Err(AppError::invalid(format!(
            "user {id} is not a staff member or admin of this organization"
        ))
        .at("owner"));
    }
    Ok(labpath_store::ops::set_owner(app.store, &who.actor, person, owner).await?)
}
