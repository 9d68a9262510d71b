//! Reading the tracker's records, once for both backends: each function
//! runs one of `query`'s statements on the connection it is given and maps
//! the rows through `rows`. `Tables` lends a connection to the write checks
//! of `labpath_store::port` as their read port.

use async_trait::async_trait;
use labpath_store::StoreError;
use labpath_store::accounts::Organization;
use labpath_store::event::Event;
use labpath_store::ids::{ApplicationId, EventId, OrgId, PersonId};
use labpath_store::model::{
    AppFilter, Application, ApplicationState, ApplicationsFilter, Attachment, ChecklistItem,
    Contact, Counts, EventFilter, EventQuery, Paged, PeopleFilter, Person, ProfileVersion,
    ProfilesFilter, Reminder, ReminderFilter, Scope, Window,
};
use labpath_store::port::ReadPort;

use crate::conn::{Conn, Param, Sql, fetch_one, fetch_row, fetch_rows};
use crate::query;
use crate::rows::{
    ApplicationRow, AttachmentRow, ContactRow, EventRow, ItemRow, PersonProfileRow, PersonRow,
    ProfileRow, ReminderRow,
};

/// A person, if there is one.
pub async fn person<C: Conn + ?Sized>(
    conn: &mut C,
    id: PersonId,
) -> Result<Option<Person>, StoreError> {
    let sql = Sql::new(query::PERSON, "reading a person").bind(id.get());
    let row: Option<PersonRow> = fetch_row(conn, sql).await?;
    row.map(PersonRow::into_person).transpose()
}

/// A person that must exist.
pub async fn existing_person<C: Conn + ?Sized>(
    conn: &mut C,
    id: PersonId,
) -> Result<Person, StoreError> {
    person(conn, id)
        .await?
        .ok_or_else(|| StoreError::not_found("person", id))
}

/// Every person (`None`), or an organization's people, by id.
pub async fn people<C: Conn + ?Sized>(
    conn: &mut C,
    org: Option<OrgId>,
) -> Result<Vec<Person>, StoreError> {
    // Two statements rather than `$1 IS NULL OR ...`, so that an
    // organization's people are read through its index.
    let sql = match org {
        Some(o) => Sql::new(query::PEOPLE_OF_ORGANIZATION, "reading people").bind(o.get()),
        None => Sql::new(query::PEOPLE, "reading people"),
    };
    let rows: Vec<PersonRow> = fetch_rows(conn, sql).await?;
    rows.into_iter().map(PersonRow::into_person).collect()
}

/// The people of a scope that pass the filter, by id: one window of them
/// and how many there are. Scope, filter and window are all in the
/// statements; a candidate whose account is linked to no record reaches
/// nobody, without a query.
pub async fn people_in<C: Conn + ?Sized>(
    conn: &mut C,
    scope: Scope,
    filter: &PeopleFilter,
    window: Window,
) -> Result<Paged<Person>, StoreError> {
    let condition = |sql: &mut Sql| -> bool {
        sql.push(" WHERE 1 = 1");
        let reaches = push_scope(sql, "", scope);
        if let Some(text) = filter.name_contains.as_deref().filter(|t| !t.is_empty()) {
            push_contains(sql, "name", text);
        }
        reaches
    };
    let mut count = Sql::new("SELECT COUNT(*) FROM people", "counting people");
    let reaches = condition(&mut count);
    let mut list = Sql::new("SELECT * FROM people", "reading people");
    condition(&mut list);
    list.push(" ORDER BY id");
    paged(conn, reaches, count, list, window, PersonRow::into_person).await
}

/// The latest profile of each of a scope's people who have one, with the
/// person, by person id: one window of them and how many there are (after
/// `filter.after`). A person's row names their latest version, so each
/// profile is found through the key of `profiles`, and a page is one
/// statement.
pub async fn profiles_in<C: Conn + ?Sized>(
    conn: &mut C,
    scope: Scope,
    filter: &ProfilesFilter,
    window: Window,
) -> Result<Paged<(Person, ProfileVersion)>, StoreError> {
    const FROM: &str = " FROM people p JOIN profiles f \
         ON f.person_id = p.id AND f.version = p.profile_version WHERE 1 = 1";
    let condition = |sql: &mut Sql| -> bool {
        sql.push(FROM);
        let reaches = push_scope(sql, "p.", scope);
        if let Some(after) = filter.after {
            sql.push(" AND p.id > ").push_bind(after.get());
        }
        reaches
    };
    let mut count = Sql::new("SELECT COUNT(*)", "counting profiles");
    let reaches = condition(&mut count);
    let mut list = Sql::new("SELECT p.*, f.*", "reading profiles");
    condition(&mut list);
    list.push(" ORDER BY p.id");
    paged(
        conn,
        reaches,
        count,
        list,
        window,
        PersonProfileRow::into_pair,
    )
    .await
}

/// ` AND` a condition that keeps the people of a scope, on `people`'s
/// columns (`alias` is the table's alias with its dot, or empty); `false`
/// when the scope reaches nobody (a candidate whose account is linked to
/// no record), and nothing need be read.
fn push_scope(sql: &mut Sql, alias: &str, scope: Scope) -> bool {
    match scope {
        Scope::Local => {
            sql.push(" AND ")
                .push(alias)
                .push("organization_id IS NULL");
        }
        Scope::Org(org) => {
            sql.push(" AND ")
                .push(alias)
                .push("organization_id = ")
                .push_bind(org.get());
        }
        Scope::Own(org, Some(own)) => {
            sql.push(" AND ")
                .push(alias)
                .push("organization_id = ")
                .push_bind(org.get())
                .push(" AND ")
                .push(alias)
                .push("id = ")
                .push_bind(own.get());
        }
        Scope::Own(_, None) => return false,
    }
    true
}

/// ` AND` a condition that keeps the rows whose `column` (a person id) is
/// one of the scope's people; `false` when the scope reaches nobody (a
/// candidate whose account is linked to no record), and nothing need be
/// read.
pub fn push_people_of(sql: &mut Sql, column: &str, scope: Scope) -> bool {
    sql.push(" AND ").push(column);
    match scope {
        Scope::Local => {
            sql.push(" IN (SELECT id FROM people WHERE organization_id IS NULL)");
        }
        Scope::Org(org) => {
            sql.push(" IN (SELECT id FROM people WHERE organization_id = ")
                .push_bind(org.get())
                .push(")");
        }
        Scope::Own(org, Some(own)) => {
            sql.push(" IN (SELECT id FROM people WHERE organization_id = ")
                .push_bind(org.get())
                .push(" AND id = ")
                .push_bind(own.get())
                .push(")");
        }
        Scope::Own(_, None) => return false,
    }
    true
}

/// A window of a list: `count` says how many rows the whole list holds,
/// `list` reads them in order; its `LIMIT` and `OFFSET` are added here.
/// `reaches` is `false` when the scope reaches nobody: then nothing is read.
pub async fn paged<T, R, C>(
    conn: &mut C,
    reaches: bool,
    count: Sql,
    mut list: Sql,
    window: Window,
    decode: impl Fn(R) -> Result<T, StoreError>,
) -> Result<Paged<T>, StoreError>
where
    C: Conn + ?Sized,
    C::Row: crate::conn::Decodes<R>,
{
    if !reaches {
        return Ok(Paged {
            items: Vec::new(),
            total: 0,
        });
    }
    let total = u64::try_from(scalar(conn, count).await?).unwrap_or(0);
    let limit = i64::try_from(window.limit).unwrap_or(i64::MAX);
    let offset = i64::try_from(window.offset).unwrap_or(i64::MAX);
    list.push(" LIMIT ")
        .push_bind(limit)
        .push(" OFFSET ")
        .push_bind(offset);
    let rows: Vec<R> = fetch_rows(conn, list).await?;
    let items = rows.into_iter().map(decode).collect::<Result<_, _>>()?;
    Ok(Paged { items, total })
}

/// `AND LOWER(column) LIKE '%text%'`, any case, where a `%` or `_` the
/// user typed is matched as itself.
pub fn push_contains(sql: &mut Sql, column: &str, text: &str) {
    let escaped = text
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    sql.push(" AND LOWER(")
        .push(column)
        .push(") LIKE ")
        .push_bind(format!("%{escaped}%").as_str())
        .push(" ESCAPE '\\'");
}

/// The applications of a scope's people that pass the filter, by id: one
/// window of them and how many there are.
pub async fn applications_in<C: Conn + ?Sized>(
    conn: &mut C,
    scope: Scope,
    filter: &ApplicationsFilter,
    window: Window,
) -> Result<Paged<Application>, StoreError> {
    let condition = |sql: &mut Sql| -> bool {
        sql.push(" WHERE 1 = 1");
        let reaches = push_people_of(sql, "a.person_id", scope);
        if let Some(p) = filter.person {
            sql.push(" AND a.person_id = ").push_bind(p.get());
        }
        if let Some(status) = filter.status {
            sql.push(" AND a.status = ").push_bind(status.as_str());
        }
        if filter.open_only {
            sql.push(" AND a.status IN ('draft', 'submitted', 'under_review')");
        }
        reaches
    };
    let mut count = Sql::new(
        "SELECT COUNT(*) FROM applications a",
        "counting applications",
    );
    let reaches = condition(&mut count);
    let mut list = Sql::new("SELECT a.* FROM applications a", "reading applications");
    condition(&mut list);
    list.push(" ORDER BY a.id");
    paged(
        conn,
        reaches,
        count,
        list,
        window,
        ApplicationRow::into_application,
    )
    .await
}

/// The reminders of a scope's people that pass the filter, by due day: one
/// window of them and how many there are.
pub async fn reminders_in<C: Conn + ?Sized>(
    conn: &mut C,
    scope: Scope,
    filter: &ReminderFilter,
    window: Window,
) -> Result<Paged<Reminder>, StoreError> {
    let condition = |sql: &mut Sql| -> bool {
        sql.push(" WHERE 1 = 1");
        let reaches = push_people_of(sql, "person_id", scope);
        if let Some(p) = filter.person {
            sql.push(" AND person_id = ").push_bind(p.get());
        }
        reaches
    };
    let mut count = Sql::new("SELECT COUNT(*) FROM reminders", "counting reminders");
    let reaches = condition(&mut count);
    let mut list = Sql::new("SELECT * FROM reminders", "reading reminders");
    condition(&mut list);
    list.push(" ORDER BY due, event_id");
    paged(
        conn,
        reaches,
        count,
        list,
        window,
        ReminderRow::into_reminder,
    )
    .await
}

/// The events of a scope's people that pass the filter, oldest first: one
/// window of them and how many there are.
pub async fn events_in<C: Conn + ?Sized>(
    conn: &mut C,
    scope: Scope,
    filter: &EventFilter,
    window: Window,
) -> Result<Paged<Event>, StoreError> {
    let condition = |sql: &mut Sql| -> bool {
        sql.push(" WHERE 1 = 1");
        let reaches = push_people_of(sql, "person_id", scope);
        if let Some(a) = filter.application {
            sql.push(" AND application_id = ").push_bind(a.get());
        }
        if let Some(after) = filter.after {
            sql.push(" AND id > ").push_bind(after.get());
        }
        reaches
    };
    let mut count = Sql::new("SELECT COUNT(*) FROM events", "counting events");
    let reaches = condition(&mut count);
    let mut list = Sql::new("SELECT * FROM events", "reading the log");
    condition(&mut list);
    list.push(" ORDER BY id");
    paged(conn, reaches, count, list, window, |row: EventRow| {
        Ok(row.into_event())
    })
    .await
}

/// A reminder, if there is one.
pub async fn reminder<C: Conn + ?Sized>(
    conn: &mut C,
    id: EventId,
) -> Result<Option<Reminder>, StoreError> {
    let sql = Sql::new(query::REMINDER, "reading a reminder").bind(id.get());
    let row: Option<ReminderRow> = fetch_row(conn, sql).await?;
    row.map(ReminderRow::into_reminder).transpose()
}

/// A person's profile: the latest version, or the one asked for. The
/// person must exist.
pub async fn profile<C: Conn + ?Sized>(
    conn: &mut C,
    person: PersonId,
    version: Option<u32>,
) -> Result<Option<ProfileVersion>, StoreError> {
    existing_person(conn, person).await?;
    let version = match version {
        Some(v) => Param::small("profile version", v)?,
        None => Param::Small(None),
    };
    let sql = Sql::new(query::PROFILE, "reading a profile")
        .bind(person.get())
        .bind(version);
    let row: Option<ProfileRow> = fetch_row(conn, sql).await?;
    row.map(ProfileRow::into_profile).transpose()
}

/// An application with its checklist, if there is one.
pub async fn application_state<C: Conn + ?Sized>(
    conn: &mut C,
    id: ApplicationId,
) -> Result<Option<ApplicationState>, StoreError> {
    let sql = Sql::new(query::APPLICATION, "reading an application").bind(id.get());
    let Some(row) = fetch_row::<ApplicationRow, _>(conn, sql).await? else {
        return Ok(None);
    };
    let sql = Sql::new(query::CHECKLIST, "reading a checklist").bind(id.get());
    let items: Vec<ItemRow> = fetch_rows(conn, sql).await?;
    Ok(Some(ApplicationState {
        application: row.into_application()?,
        checklist: items
            .into_iter()
            .map(ItemRow::into_item)
            .collect::<Result<_, _>>()?,
    }))
}

/// An application that must exist.
pub async fn existing_application<C: Conn + ?Sized>(
    conn: &mut C,
    id: ApplicationId,
) -> Result<ApplicationState, StoreError> {
    application_state(conn, id)
        .await?
        .ok_or_else(|| StoreError::not_found("application", id))
}

/// `WHERE` clauses for an application filter on the table aliased `a`.
pub fn push_filter(sql: &mut Sql, filter: &AppFilter) {
    sql.push(" WHERE 1 = 1");
    if let Some(p) = filter.person {
        sql.push(" AND a.person_id = ").push_bind(p.get());
    }
    if let Some(o) = filter.organization {
        sql.push(" AND a.person_id IN (SELECT id FROM people WHERE organization_id = ")
            .push_bind(o.get())
            .push(")");
    }
    if filter.open_only {
        sql.push(" AND a.status IN ('draft', 'submitted', 'under_review')");
    }
}

/// Applications, by id (row by row: SQLite reads them in bulk instead).
pub async fn applications<C: Conn + ?Sized>(
    conn: &mut C,
    filter: &AppFilter,
) -> Result<Vec<Application>, StoreError> {
    let mut sql = Sql::new("SELECT a.* FROM applications a", "reading applications");
    push_filter(&mut sql, filter);
    sql.push(" ORDER BY a.id");
    let rows: Vec<ApplicationRow> = fetch_rows(conn, sql).await?;
    rows.into_iter()
        .map(ApplicationRow::into_application)
        .collect()
}

/// The checklist items of the applications the filter selects, by
/// application then position.
pub async fn checklists<C: Conn + ?Sized>(
    conn: &mut C,
    filter: &AppFilter,
) -> Result<Vec<ChecklistItem>, StoreError> {
    let mut sql = Sql::new(
        "SELECT c.* FROM checklist c JOIN applications a ON a.id = c.application_id",
        "reading checklists",
    );
    push_filter(&mut sql, filter);
    sql.push(" ORDER BY c.application_id, c.position");
    let rows: Vec<ItemRow> = fetch_rows(conn, sql).await?;
    rows.into_iter().map(ItemRow::into_item).collect()
}

/// An application's contact log, oldest first; the application must exist.
pub async fn contacts<C: Conn + ?Sized>(
    conn: &mut C,
    app: ApplicationId,
) -> Result<Vec<Contact>, StoreError> {
    existing_application(conn, app).await?;
    let sql = Sql::new(query::CONTACTS, "reading contacts").bind(app.get());
    let rows: Vec<ContactRow> = fetch_rows(conn, sql).await?;
    Ok(rows.into_iter().map(ContactRow::into_contact).collect())
}

/// An application's attachments, oldest first; the application must exist.
pub async fn attachments<C: Conn + ?Sized>(
    conn: &mut C,
    app: ApplicationId,
) -> Result<Vec<Attachment>, StoreError> {
    existing_application(conn, app).await?;
    let sql = Sql::new(query::ATTACHMENTS, "reading attachments").bind(app.get());
    let rows: Vec<AttachmentRow> = fetch_rows(conn, sql).await?;
    Ok(rows
        .into_iter()
        .map(AttachmentRow::into_attachment)
        .collect())
}

/// Reminders (of one person, or everyone's), by due day.
pub async fn reminders<C: Conn + ?Sized>(
    conn: &mut C,
    person: Option<PersonId>,
) -> Result<Vec<Reminder>, StoreError> {
    let sql = Sql::new(query::REMINDERS, "reading reminders").bind(person.map(PersonId::get));
    let rows: Vec<ReminderRow> = fetch_rows(conn, sql).await?;
    rows.into_iter().map(ReminderRow::into_reminder).collect()
}

/// Events, oldest first.
pub async fn events<C: Conn + ?Sized>(
    conn: &mut C,
    query: &EventQuery,
) -> Result<Vec<Event>, StoreError> {
    let mut sql = Sql::new("SELECT * FROM events WHERE 1 = 1", "reading the log");
    if let Some(p) = query.person {
        sql.push(" AND person_id = ").push_bind(p.get());
    }
    if let Some(a) = query.application {
        sql.push(" AND application_id = ").push_bind(a.get());
    }
    if let Some(after) = query.after {
        sql.push(" AND id > ").push_bind(after.get());
    }
    sql.push(" ORDER BY id");
    if let Some(limit) = query.limit {
        sql.push(" LIMIT ").push_bind(i64::from(limit));
    }
    let rows: Vec<EventRow> = fetch_rows(conn, sql).await?;
    Ok(rows.into_iter().map(EventRow::into_event).collect())
}

/// The newest event's id, if any.
pub async fn last_event<C: Conn + ?Sized>(conn: &mut C) -> Result<Option<EventId>, StoreError> {
    let sql = Sql::new(query::LAST_EVENT, "reading the log");
    let row: Option<(Option<i64>,)> = fetch_row(conn, sql).await?;
    Ok(row.and_then(|r| r.0).map(EventId::from_raw))
}

/// How many events the log holds.
pub async fn event_count<C: Conn + ?Sized>(conn: &mut C) -> Result<i64, StoreError> {
    let sql = Sql::new(query::EVENT_COUNT, "counting events");
    scalar(conn, sql).await
}

/// How much the store holds.
pub async fn counts<C: Conn + ?Sized>(conn: &mut C) -> Result<Counts, StoreError> {
    let sql = Sql::new(query::COUNTS, "counting");
    let doing = sql.doing();
    let row = fetch_one(conn, sql).await?;
    let (people, applications, events, files): (i64, i64, i64, i64) =
        crate::conn::decode(&row, doing)?;
    let n = |v: i64| u64::try_from(v).unwrap_or(0);
    Ok(Counts {
        people: n(people),
        applications: n(applications),
        events: n(events),
        files: n(files),
    })
}

/// The one number a query returns (a count, a new id).
pub async fn scalar<C: Conn + ?Sized>(conn: &mut C, sql: Sql) -> Result<i64, StoreError> {
    let doing = sql.doing();
    let row = fetch_one(conn, sql).await?;
    let (n,): (i64,) = crate::conn::decode(&row, doing)?;
    Ok(n)
}

/// A connection lent to the write checks of `labpath_store::port`.
pub struct Tables<'c, C: ?Sized>(pub &'c mut C);

#[async_trait]
impl<C: Conn + ?Sized> ReadPort for Tables<'_, C> {
    async fn person(&mut self, id: PersonId) -> Result<Option<Person>, StoreError> {
        person(self.0, id).await
    }

    async fn application(
        &mut self,
        id: ApplicationId,
    ) -> Result<Option<ApplicationState>, StoreError> {
        application_state(self.0, id).await
    }

    async fn reminder(&mut self, id: EventId) -> Result<Option<Reminder>, StoreError> {
        reminder(self.0, id).await
    }

    async fn organization(&mut self, id: OrgId) -> Result<Option<Organization>, StoreError> {
        crate::accounts::organization(self.0, id).await
    }

    async fn file_stored(&mut self, hash: &str) -> Result<bool, StoreError> {
        let sql = Sql::new(query::FILE_STORED, "finding a file").bind(hash);
        Ok(scalar(self.0, sql).await? > 0)
    }

    async fn has_contact(
        &mut self,
        contact: EventId,
        application: ApplicationId,
    ) -> Result<bool, StoreError> {
        let sql = Sql::new(query::HAS_CONTACT, "finding a contact")
            .bind(contact.get())
            .bind(application.get());
        Ok(scalar(self.0, sql).await? > 0)
    }

    async fn ce_certificate(
        &mut self,
        person: PersonId,
        hash: &str,
        import: Option<EventId>,
    ) -> Result<Option<Event>, StoreError> {
        let sql = Sql::new(query::CE_CERTIFICATE, "finding a CE certificate")
            .bind(person.get())
            .bind(hash)
            .bind(import.map(EventId::get));
        let row: Option<EventRow> = fetch_row(self.0, sql).await?;
        Ok(row.map(EventRow::into_event))
    }

    async fn ce_in_log(&mut self, person: PersonId, activity: EventId) -> Result<bool, StoreError> {
        let sql = Sql::new(query::CE_IN_LOG, "finding a CE activity")
            .bind(activity.get())
            .bind(person.get());
        Ok(scalar(self.0, sql).await? > 0)
    }

    async fn ce_import_open(
        &mut self,
        person: PersonId,
        import: EventId,
    ) -> Result<bool, StoreError> {
        let sql = Sql::new(query::CE_IMPORT_OPEN, "finding a CE import")
            .bind(import.get())
            .bind(person.get());
        Ok(scalar(self.0, sql).await? > 0)
    }

    async fn ce_import_clash(&mut self, import: EventId) -> Result<Option<Event>, StoreError> {
        let sql = Sql::new(
            query::CE_IMPORT_CLASH,
            "checking a CE import's certificates",
        )
        .bind(import.get());
        let row: Option<EventRow> = fetch_row(self.0, sql).await?;
        Ok(row.map(EventRow::into_event))
    }
}
