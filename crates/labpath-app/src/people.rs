//! People: the ones a principal reaches, a page at a time.

use labpath_store::model::{Paged, PeopleFilter, Person, Window};

use crate::{App, AppError, Principal};

/// The people `who` reaches that pass the filter, by id: the window asked
/// for and how many there are. The store reads only that scope and that
/// window.
pub async fn list(
    app: &App<'_>,
    who: &Principal,
    filter: &PeopleFilter,
    window: Window,
) -> Result<Paged<Person>, AppError> {
    Ok(app.store.people_in(who.scope, filter, window).await?)
}
