//! One function per behaviour every store backend must have. Each takes
//! empty stores and panics (fails the test) when the backend misbehaves.

use labpath_engine::step::Sender;
use labpath_store::agenda::{self, Records};
use labpath_store::attachment;
use labpath_store::event::{Change, Channel, ContactEntry, Pending};
use labpath_store::ids::{ApplicationId, EventId, PersonId};
use labpath_store::model::{AppFilter, EventQuery};
use labpath_store::ops::{self, DocUpdate};
use labpath_store::stall::Urgency;
use labpath_store::state::replay;
use labpath_store::status::{AppStatus, DocStatus};
use labpath_store::{Store, StoreError};

use crate::support::{ACTOR, catalog, day, person, step};

async fn ny_application(store: &dyn Store, who: PersonId) -> ApplicationId {
    ops::new_application(store, ACTOR, who, step("ny-clt-apply"))
        .await
        .expect("new application")
        .application
        .id
}

async fn submit(store: &dyn Store, app: ApplicationId, on: &str) {
    ops::change_status(store, ACTOR, app, AppStatus::Submitted, day(on), None)
        .await
        .expect("submit");
}

fn doc(key: &str, to: DocStatus, on: &str) -> DocUpdate {
    DocUpdate {
        key: key.to_owned(),
        to,
        on: day(on),
        requested_from: None,
        method: None,
        tracking: None,
        reason: None,
        note: None,
    }
}

fn contact(on: &str, summary: &str) -> ContactEntry {
    ContactEntry {
        on: day(on),
        channel: Channel::Letter,
        with: Some("NYSED OP".to_owned()),
        summary: summary.to_owned(),
        promised: None,
    }
}

/// People are added with increasing ids, renamed, and listed in id order.
pub async fn people_are_added_renamed_and_listed(store: &dyn Store) {
    let a = person(store, "Maria Santos").await;
    let b = person(store, "  Jun Reyes ").await;
    assert!(b > a);
    let renamed = ops::rename_person(store, ACTOR, a, "Maria S. Cruz")
        .await
        .unwrap();
    assert_eq!(renamed.name, "Maria S. Cruz");
    let people = store.people(None).await.unwrap();
    let names: Vec<&str> = people.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Maria S. Cruz", "Jun Reyes"]);
    let e = ops::add_person(store, ACTOR, "  ", None).await.unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)), "{e}");
}

/// Every profile version is kept and can be read back.
pub async fn profiles_keep_every_version(store: &dyn Store) {
    let p = person(store, "Maria").await;
    assert_eq!(store.profile(p, None).await.unwrap(), None);
    let v1 = serde_json::json!({ "person": { "name": "Maria", "citizenship": ["PH"] } });
    let v2 = serde_json::json!({ "person": { "name": "Maria", "citizenship": ["PH"], "work_state": "NY" } });
    ops::record_profile(store, ACTOR, p, v1.clone())
        .await
        .unwrap();
    let second = ops::record_profile(store, ACTOR, p, v2.clone())
        .await
        .unwrap();
    assert_eq!(second.version, 2);
    assert_eq!(store.person(p).await.unwrap().profile_version, 2);
    assert_eq!(store.profile(p, None).await.unwrap().unwrap().profile, v2);
    assert_eq!(
        store.profile(p, Some(1)).await.unwrap().unwrap().profile,
        v1
    );
    assert_eq!(store.profile(p, Some(3)).await.unwrap(), None);
}

/// A new application is a draft whose checklist is the step's documents.
pub async fn an_application_starts_as_a_draft_with_the_steps_checklist(store: &dyn Store) {
    let p = person(store, "Maria").await;
    let state = ops::new_application(store, ACTOR, p, step("ny-clt-apply"))
        .await
        .unwrap();
    let app = &state.application;
    assert_eq!(app.status, AppStatus::Draft);
    assert_eq!(app.step, "ny-clt-apply");
    assert_eq!(app.body.as_deref(), Some("nysed-op"));
    let keys: Vec<&str> = state.checklist.iter().map(|i| i.key.as_str()).collect();
    let expected: Vec<&str> = step("ny-clt-apply")
        .documents
        .iter()
        .map(|d| d.key.as_str())
        .collect();
    assert_eq!(keys, expected);
    assert!(
        state
            .checklist
            .iter()
            .all(|i| i.status == DocStatus::Needed)
    );
    assert_eq!(state.item("form-2").unwrap().sender, Sender::School);
    let listed = store
        .applications(&AppFilter {
            person: Some(p),
            open_only: true,
            ..AppFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
}

/// Allowed moves are recorded with their day; forbidden ones are refused
/// with the reason, and reopening a decided application restarts the clock.
pub async fn status_changes_follow_the_state_machine(store: &dyn Store) {
    let p = person(store, "Maria").await;
    let app = ny_application(store, p).await;
    let e = ops::change_status(
        store,
        ACTOR,
        app,
        AppStatus::Approved,
        day("2025-01-02"),
        None,
    )
    .await
    .unwrap_err();
    assert!(matches!(e, StoreError::InvalidTransition(_)), "{e}");
    submit(store, app, "2025-01-02").await;
    let s = ops::change_status(
        store,
        ACTOR,
        app,
        AppStatus::Approved,
        day("2025-03-01"),
        None,
    )
    .await
    .unwrap();
    assert_eq!(s.application.status, AppStatus::Approved);
    assert_eq!(s.application.submitted_on, Some(day("2025-01-02")));
    assert_eq!(s.application.approved_on, Some(day("2025-03-01")));
    assert_eq!(s.application.waiting_since, None);
    let e = ops::change_status(store, ACTOR, app, AppStatus::Draft, day("2025-03-02"), None)
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "cannot change application {app} from approved to draft: a decided application can only be reopened as under_review"
        )
    );
    let s = ops::change_status(
        store,
        ACTOR,
        app,
        AppStatus::UnderReview,
        day("2025-04-01"),
        None,
    )
    .await
    .unwrap();
    assert_eq!(s.application.waiting_since, Some(day("2025-04-01")));
}

/// A refused change writes nothing: no event, no state change.
pub async fn a_refused_change_leaves_no_trace(store: &dyn Store) {
    let p = person(store, "Maria").await;
    let app = ny_application(store, p).await;
    let before = store.counts().await.unwrap();
    let state_before = store.application(app).await.unwrap();
    let refusals = [
        ops::change_status(
            store,
            ACTOR,
            app,
            AppStatus::Denied,
            day("2025-01-01"),
            None,
        )
        .await
        .map(|_| ()),
        ops::update_document(
            store,
            ACTOR,
            app,
            doc("no-such-form", DocStatus::Sent, "2025-01-01"),
        )
        .await
        .map(|_| ()),
        ops::update_document(
            store,
            ACTOR,
            app,
            doc("form-2", DocStatus::Rejected, "2025-01-01"),
        )
        .await
        .map(|_| ()),
        ops::add_contact(store, ACTOR, app, contact("2025-01-01", " "))
            .await
            .map(|_| ()),
    ];
    for r in refusals {
        assert!(r.is_err());
    }
    assert_eq!(store.counts().await.unwrap(), before);
    assert_eq!(store.application(app).await.unwrap(), state_before);
}

/// A change made against a state someone else has since changed is refused.
pub async fn a_stale_change_is_a_conflict(store: &dyn Store) {
    let p = person(store, "Maria").await;
    let app = ny_application(store, p).await;
    submit(store, app, "2025-01-02").await;
    let stale = Pending {
        actor: ACTOR.to_owned(),
        person: Some(p),
        application: Some(app),
        change: Change::StatusChanged {
            from: AppStatus::Draft,
            to: AppStatus::Submitted,
            on: day("2025-01-03"),
            note: None,
        },
    };
    let e = store.append(stale).await.unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e}");
    let stale_profile = Pending {
        actor: ACTOR.to_owned(),
        person: Some(p),
        application: None,
        change: Change::ProfileRecorded {
            version: 2,
            profile: serde_json::json!({}),
        },
    };
    let e = store.append(stale_profile).await.unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e}");
}

/// A status is dated no earlier than the one before it, and not in the future.
pub async fn status_days_cannot_go_back_or_into_the_future(store: &dyn Store) {
    let p = person(store, "Maria").await;
    let app = ny_application(store, p).await;
    submit(store, app, "2025-02-10").await;
    let e = ops::change_status(
        store,
        ACTOR,
        app,
        AppStatus::UnderReview,
        day("2025-02-01"),
        None,
    )
    .await
    .unwrap_err();
    assert!(
        e.to_string().contains("became submitted on 2025-02-10"),
        "{e}"
    );
    let e = ops::change_status(
        store,
        ACTOR,
        app,
        AppStatus::UnderReview,
        day("2999-01-01"),
        None,
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("is in the future"), "{e}");
}

/// A document goes needed, requested (of whom), sent (how, tracking),
/// received, rejected (why) and sent again.
pub async fn documents_are_requested_sent_received_and_rejected(store: &dyn Store) {
    let p = person(store, "Maria").await;
    let app = ny_application(store, p).await;
    let mut requested = doc("form-2", DocStatus::Requested, "2025-01-05");
    requested.requested_from = Some("UST registrar".to_owned());
    ops::update_document(store, ACTOR, app, requested)
        .await
        .unwrap();
    let mut sent = doc("form-2", DocStatus::Sent, "2025-01-20");
    sent.method = Some("courier".to_owned());
    sent.tracking = Some("1Z999".to_owned());
    let item = ops::update_document(store, ACTOR, app, sent).await.unwrap();
    assert_eq!(item.requested_from.as_deref(), Some("UST registrar"));
    assert_eq!(item.tracking.as_deref(), Some("1Z999"));
    ops::update_document(
        store,
        ACTOR,
        app,
        doc("form-2", DocStatus::Received, "2025-02-01"),
    )
    .await
    .unwrap();
    let e = ops::update_document(
        store,
        ACTOR,
        app,
        doc("form-2", DocStatus::Requested, "2025-02-02"),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, StoreError::InvalidTransition(_)), "{e}");
    let mut rejected = doc("form-2", DocStatus::Rejected, "2025-02-15");
    rejected.reason = Some("transcript not sealed".to_owned());
    let item = ops::update_document(store, ACTOR, app, rejected)
        .await
        .unwrap();
    assert_eq!(item.reason.as_deref(), Some("transcript not sealed"));
    let item = ops::update_document(
        store,
        ACTOR,
        app,
        doc("form-2", DocStatus::Sent, "2025-02-20"),
    )
    .await
    .unwrap();
    assert_eq!(item.status, DocStatus::Sent);
    assert_eq!(item.reason, None);
    assert_eq!(item.status_on, Some(day("2025-02-20")));
}

/// Contacts are kept in order; those since submission count as escalation
/// steps taken, and a promised day is remembered.
pub async fn contacts_are_logged_and_count_as_escalation_steps(store: &dyn Store) {
    let p = person(store, "Maria").await;
    let app = ny_application(store, p).await;
    ops::add_contact(
        store,
        ACTOR,
        app,
        contact("2025-01-01", "asked what to send"),
    )
    .await
    .unwrap();
    submit(store, app, "2025-01-02").await;
    let mut promise = contact("2025-03-01", "status request");
    promise.promised = Some(day("2025-03-20"));
    ops::add_contact(store, ACTOR, app, promise).await.unwrap();
    let log = store.contacts(app).await.unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[1].entry.summary, "status request");
    let a = store.application(app).await.unwrap().application;
    assert_eq!(a.contacts_since_waiting, 1);
    assert_eq!(a.last_contact_on, Some(day("2025-03-01")));
    assert_eq!(a.promised, Some(day("2025-03-20")));
}

/// Files are stored once by content hash, linked to a document or a contact,
/// and read back intact; a link to a missing file is refused.
pub async fn attachments_are_stored_by_content_hash(store: &dyn Store) {
    let p = person(store, "Maria").await;
    let app = ny_application(store, p).await;
    let file = attachment::check("receipt.pdf", b"%PDF-1.4 receipt".to_vec()).unwrap();
    let a = ops::attach(store, ACTOR, app, &file, Some("form-1".to_owned()), None)
        .await
        .unwrap();
    assert_eq!(a.file.media_type, "application/pdf");
    let c = ops::add_contact(store, ACTOR, app, contact("2025-01-01", "letter"))
        .await
        .unwrap();
    ops::attach(store, ACTOR, app, &file, None, Some(c.id))
        .await
        .unwrap();
    assert_eq!(store.attachments(app).await.unwrap().len(), 2);
    assert_eq!(store.counts().await.unwrap().files, 1);
    assert_eq!(store.file(&file.hash).await.unwrap(), b"%PDF-1.4 receipt");
    let missing = Pending {
        actor: ACTOR.to_owned(),
        person: Some(p),
        application: Some(app),
        change: Change::AttachmentAdded(labpath_store::event::AttachmentRef {
            hash: attachment::hash(b"never stored"),
            name: "x.txt".to_owned(),
            media_type: "text/plain".to_owned(),
            size: 12,
            document: None,
            contact: None,
        }),
    };
    assert!(store.append(missing).await.is_err());
    let e = ops::attach(
        store,
        ACTOR,
        app,
        &file,
        None,
        Some(EventId::from_raw(9999)),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, StoreError::NotFound { .. }), "{e}");
}

/// Reminders are set for a person or an application and done once.
pub async fn reminders_are_set_and_done(store: &dyn Store) {
    let p = person(store, "Maria").await;
    let app = ny_application(store, p).await;
    let r1 = ops::add_reminder(store, ACTOR, p, None, day("2025-05-01"), "renew passport")
        .await
        .unwrap();
    let r2 = ops::add_reminder(store, ACTOR, p, Some(app), day("2025-04-01"), "call OP")
        .await
        .unwrap();
    let all = store.reminders(Some(p)).await.unwrap();
    assert_eq!(all.iter().map(|r| r.id).collect::<Vec<_>>(), [r2.id, r1.id]);
    let done = ops::complete_reminder(store, ACTOR, r2.id, day("2025-04-02"))
        .await
        .unwrap();
    assert_eq!(done.done_on, Some(day("2025-04-02")));
    let e = ops::complete_reminder(store, ACTOR, r2.id, day("2025-04-03"))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e}");
    // Done by an event of another person, or without the reminder's
    // application: refused; by the reminder's own person, done.
    let other = person(store, "Jun").await;
    let done_by = |who: PersonId, app: Option<ApplicationId>, reminder: EventId| Pending {
        actor: ACTOR.to_owned(),
        person: Some(who),
        application: app,
        change: Change::ReminderDone {
            reminder,
            on: day("2025-05-02"),
        },
    };
    for wrong in [done_by(other, None, r1.id), done_by(p, None, r2.id)] {
        let e = store.append(wrong).await.unwrap_err();
        assert!(e.to_string().contains("is for person"), "{e}");
    }
    assert_eq!(store.reminders(Some(p)).await.unwrap()[1].done_on, None);
    store.append(done_by(p, None, r1.id)).await.unwrap();
}

/// Unknown people, applications and reminders are `NotFound`, with the id.
pub async fn unknown_ids_are_not_found(store: &dyn Store) {
    let e = store
        .application(ApplicationId::from_raw(42))
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "application `42` does not exist");
    let e = store.person(PersonId::from_raw(7)).await.unwrap_err();
    assert_eq!(e.to_string(), "person `7` does not exist");
    let e = ops::change_status(
        store,
        ACTOR,
        ApplicationId::from_raw(42),
        AppStatus::Submitted,
        day("2025-01-01"),
        None,
    )
    .await
    .unwrap_err();
    assert!(matches!(e, StoreError::NotFound { .. }), "{e}");
    let e = ops::add_reminder(
        store,
        ACTOR,
        PersonId::from_raw(7),
        None,
        day("2025-01-01"),
        "x",
    )
    .await
    .unwrap_err();
    assert!(matches!(e, StoreError::NotFound { .. }), "{e}");
    let e = ops::complete_reminder(store, ACTOR, EventId::from_raw(5), day("2025-01-01"))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound { .. }), "{e}");
}

/// Builds a small but varied history: two people, three applications.
async fn story(store: &dyn Store) -> (PersonId, ApplicationId) {
    let maria = person(store, "Maria").await;
    let jun = person(store, "Jun").await;
    ops::record_profile(
        store,
        ACTOR,
        maria,
        serde_json::json!({ "person": { "name": "Maria" } }),
    )
    .await
    .unwrap();
    let ny = ny_application(store, maria).await;
    submit(store, ny, "2025-01-02").await;
    ops::set_reference(store, ACTOR, ny, "CLT-12345")
        .await
        .unwrap();
    let mut sent = doc("form-2", DocStatus::Sent, "2025-01-03");
    sent.tracking = Some("1Z".to_owned());
    ops::update_document(store, ACTOR, ny, sent).await.unwrap();
    ops::add_contact(store, ACTOR, ny, contact("2025-03-01", "status request"))
        .await
        .unwrap();
    let file = attachment::check("letter.txt", b"Dear OP".to_vec()).unwrap();
    ops::attach(store, ACTOR, ny, &file, Some("form-1".to_owned()), None)
        .await
        .unwrap();
    let ca = ops::new_application(store, ACTOR, jun, step("ca-cls-apply"))
        .await
        .unwrap();
    submit(store, ca.application.id, "2025-02-01").await;
    ops::change_status(
        store,
        ACTOR,
        ca.application.id,
        AppStatus::Denied,
        day("2025-05-01"),
        None,
    )
    .await
    .unwrap();
    ops::new_application(store, ACTOR, jun, step("ascp-mls-sit"))
        .await
        .unwrap();
    let r = ops::add_reminder(store, ACTOR, jun, None, day("2025-06-01"), "study")
        .await
        .unwrap();
    ops::complete_reminder(store, ACTOR, r.id, day("2025-06-01"))
        .await
        .unwrap();
    (maria, ny)
}

/// Replaying the log gives exactly what the backend's tables hold.
pub async fn the_tables_equal_a_replay_of_the_log(store: &dyn Store) {
    story(store).await;
    let events = store.events(&EventQuery::default()).await.unwrap();
    let derived = replay(&events).unwrap();
    let people = store.people(None).await.unwrap();
    assert_eq!(people, derived.people.values().cloned().collect::<Vec<_>>());
    for (id, state) in &derived.applications {
        assert_eq!(&store.application(*id).await.unwrap(), state);
    }
    assert_eq!(store.reminders(None).await.unwrap(), {
        let mut r: Vec<_> = derived.reminders.values().cloned().collect();
        r.sort_by_key(|r| (r.due, r.id));
        r
    });
}

/// `history` of an application is its events in order; the log pages.
pub async fn history_is_filtered_and_paged(store: &dyn Store) {
    let (maria, ny) = story(store).await;
    let history = store
        .events(&EventQuery {
            application: Some(ny),
            ..EventQuery::default()
        })
        .await
        .unwrap();
    let kinds: Vec<&str> = history.iter().map(|e| e.change.kind()).collect();
    assert_eq!(
        kinds,
        [
            "application_created",
            "status_changed",
            "reference_set",
            "document_changed",
            "contact_logged",
            "attachment_added"
        ]
    );
    assert!(
        history
            .iter()
            .all(|e| e.person == maria && e.actor == ACTOR)
    );
    let all = store.events(&EventQuery::default()).await.unwrap();
    let page = store
        .events(&EventQuery {
            after: Some(all[2].id),
            limit: Some(3),
            ..EventQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(page, all[3..6].to_vec());
    assert_eq!(store.last_event().await.unwrap(), all.last().map(|e| e.id));
}

/// Several writers at once (one application each, and one shared) lose nothing.
pub async fn writers_at_once_lose_nothing(store: &dyn Store) {
    let p = person(store, "Maria").await;
    let shared = ny_application(store, p).await;
    submit(store, shared, "2025-01-02").await;
    let writer = |n: usize| async move {
        for i in 0..10 {
            let entry = contact("2025-02-01", &format!("writer {n} contact {i}"));
            ops::add_contact(store, ACTOR, shared, entry).await.unwrap();
        }
    };
    tokio::join!(writer(0), writer(1), writer(2), writer(3));
    let log = store.contacts(shared).await.unwrap();
    assert_eq!(log.len(), 40);
    let a = store.application(shared).await.unwrap().application;
    assert_eq!(a.contacts_since_waiting, 40);
}

/// An application past the 80th percentile is overdue, and the next step
/// is the body's playbook step for the contacts logged so far.
pub async fn an_overdue_application_gets_the_next_playbook_step(store: &dyn Store) {
    let p = person(store, "Maria").await;
    let app = ny_application(store, p).await;
    submit(store, app, "2025-01-02").await;
    let today = day("2025-04-15"); // 103 days: past the 80th percentile (about 89 days)
    let records = agenda::load(store, Some(p)).await.unwrap();
    let alerts = agenda::alerts(catalog(), &records, today);
    let first = &alerts[0];
    assert_eq!(first.urgency, Urgency::Overdue);
    assert_eq!(first.application, Some(app));
    let next = first.next.as_ref().unwrap();
    assert!(next.action.contains("status request"), "{}", next.action);
    assert_eq!(next.due, day("2025-02-13")); // 42 days after submission
    ops::add_contact(
        store,
        ACTOR,
        app,
        contact("2025-04-15", "status request sent"),
    )
    .await
    .unwrap();
    let records: Records = agenda::load(store, Some(p)).await.unwrap();
    let alerts = agenda::alerts(catalog(), &records, today);
    let next = alerts[0].next.as_ref().unwrap();
    assert!(next.action.contains("written follow-up"), "{}", next.action);
    assert_eq!(next.due, day("2025-05-15"));
}

/// Export everything, import into an empty store: the same records, and
/// exporting again gives the same log and files.
pub async fn an_export_imports_into_an_empty_store_unchanged(a: &dyn Store, b: &dyn Store) {
    let (maria, ny) = story(a).await;
    let certificate = ce_with_certificate(a, maria).await;
    let exported = export(a).await;
    let json = serde_json::to_string(&exported).unwrap();
    let read: labpath_views::export::Export = serde_json::from_str(&json).unwrap();
    let files = read.files().unwrap();
    let counts = b.import(&read.events, &files).await.unwrap();
    assert_eq!(counts, a.counts().await.unwrap());
    let again = export(b).await;
    assert_eq!(again.events, exported.events);
    assert_eq!(again.files, exported.files);
    assert_eq!(
        b.application(ny).await.unwrap(),
        a.application(ny).await.unwrap()
    );
    assert_eq!(
        b.profile(maria, None).await.unwrap(),
        a.profile(maria, None).await.unwrap()
    );
    // The CE certificate came along with its activity.
    assert_eq!(b.file(&certificate.hash).await.unwrap(), certificate.bytes);
    // New writes continue the numbering.
    let next = person(b, "after import").await;
    assert!(next.get() > maria.get() + 1);
}

/// Everything in a store, as `labpath export` writes it.
pub async fn export(store: &dyn Store) -> labpath_views::export::Export {
    labpath_app::data::export(store, &labpath_app::Principal::local(ACTOR))
        .await
        .unwrap()
}

/// Logs a CE activity with a certificate for `who`; the certificate.
async fn ce_with_certificate(store: &dyn Store, who: PersonId) -> attachment::CheckedFile {
    use labpath_engine::maintenance::{Activity, Credit};
    let mut pdf = b"%PDF-1.4\n".to_vec();
    pdf.extend_from_slice(b"certificate: coagulation update, 1 contact hour\n%%EOF\n");
    let file = attachment::check("coagulation.pdf", pdf).unwrap();
    let activity = Activity {
        title: "Coagulation update".to_owned(),
        provider: None,
        accreditation: None,
        date: day("2025-05-01"),
        credit: Credit::ContactHours(1.0),
        categories: Vec::new(),
        certificate: None,
    };
    labpath_store::ce::log_activity(store, ACTOR, who, activity, Some(&file))
        .await
        .unwrap();
    file
}

/// An import of a log that could not have been written, or into a store
/// that holds data, is refused and changes nothing.
pub async fn an_import_never_overwrites_data(a: &dyn Store, b: &dyn Store) {
    let (maria, _) = story(a).await;
    let certificate = ce_with_certificate(a, maria).await;
    let exported = export(a).await;
    let files = exported.files().unwrap();
    // An export without the certificate's file would lose it.
    let without: Vec<_> = files
        .iter()
        .filter(|f| f.hash != certificate.hash)
        .cloned()
        .collect();
    assert_eq!(
        without.len() + 1,
        files.len(),
        "the export holds the certificate"
    );
    let e = b.import(&exported.events, &without).await.unwrap_err();
    assert!(e.to_string().contains("lacks the file"), "{e}");
    assert!(b.counts().await.unwrap().is_empty());
    // So would an export from before certificates were exported: it is
    // refused, saying why and what to do.
    let mut old = exported.clone();
    old.version = 1;
    old.files.retain(|f| f.hash != certificate.hash);
    let e = old.files().unwrap_err();
    assert!(e.to_string().contains("format version 1"), "{e}");
    let mut broken = exported.events.clone();
    broken.remove(0); // the first person is never added
    let e = b.import(&broken, &files).await.unwrap_err();
    assert!(
        matches!(e, StoreError::NotFound { .. } | StoreError::Invalid(_)),
        "{e}"
    );
    assert!(b.counts().await.unwrap().is_empty());
    // An application created without its id, and a reminder done by an
    // event of another person: neither could have been written.
    let mut no_id = exported.events.clone();
    let created = no_id
        .iter_mut()
        .find(|e| matches!(e.change, Change::ApplicationCreated(_)))
        .expect("the story creates an application");
    created.application = None;
    let e = b.import(&no_id, &files).await.unwrap_err();
    assert!(e.to_string().contains("needs the id"), "{e}");
    let people: Vec<PersonId> = exported
        .events
        .iter()
        .filter(|e| matches!(e.change, Change::PersonAdded { .. }))
        .map(|e| e.person)
        .collect();
    let mut elsewhere = exported.events.clone();
    let done = elsewhere
        .iter_mut()
        .find(|e| matches!(e.change, Change::ReminderDone { .. }))
        .expect("the story completes a reminder");
    done.person = *people
        .iter()
        .find(|p| **p != done.person)
        .expect("the story has two people");
    let e = b.import(&elsewhere, &files).await.unwrap_err();
    assert!(e.to_string().contains("is for person"), "{e}");
    assert!(b.counts().await.unwrap().is_empty());
    person(b, "already here").await;
    let before = b.counts().await.unwrap();
    let e = b.import(&exported.events, &files).await.unwrap_err();
    assert!(e.to_string().contains("already holds"), "{e}");
    assert_eq!(b.counts().await.unwrap(), before);
}

/// An export of some people holds every event about them, in order, and
/// the files those name, and nothing of anyone else, whether they are a few
/// (read one by one) or many (read in one pass).
pub async fn an_export_of_some_people_holds_their_events_and_files_only(store: &dyn Store) {
    let mut people = Vec::new();
    for i in 0..20 {
        let p = person(store, &format!("Person {i}")).await;
        ops::add_reminder(store, ACTOR, p, None, day("2026-05-01"), "renew")
            .await
            .unwrap();
        people.push(p);
    }
    let certificate = ce_with_certificate(store, people[3]).await;
    let whole = export(store).await;
    for chosen in [&people[2..4], &people[1..19]] {
        let set: std::collections::BTreeSet<PersonId> = chosen.iter().copied().collect();
        let events = labpath_app::data::events_of(store, &set).await.unwrap();
        let expected: Vec<_> = whole
            .events
            .iter()
            .filter(|e| set.contains(&e.person))
            .cloned()
            .collect();
        assert_eq!(events, expected, "{} people", set.len());
        assert_eq!(
            labpath_store::store::referenced(&events),
            [certificate.hash.as_str()],
            "{} people",
            set.len()
        );
    }
    let none = labpath_app::data::events_of(store, &[people[0]].into_iter().collect())
        .await
        .unwrap();
    assert!(labpath_store::store::referenced(&none).is_empty());
    assert!(!none.is_empty() && none.iter().all(|e| e.person == people[0]));
}

/// Several changes written as one: when one is refused (here a certificate
/// that already proves an activity, met inside the batch), none is
/// recorded; otherwise all are, in order.
pub async fn a_batch_of_changes_is_recorded_whole_or_not_at_all(store: &dyn Store) {
    use labpath_engine::maintenance::{Activity, Credit};
    use labpath_store::ce;
    let p = person(store, "Maria").await;
    let mut pdf = b"%PDF-1.4\n".to_vec();
    pdf.extend_from_slice(b"one certificate\n%%EOF\n");
    let file = attachment::check("one.pdf", pdf).unwrap();
    let activity = |title: &str| Activity {
        title: title.to_owned(),
        provider: None,
        accreditation: None,
        date: day("2025-05-01"),
        credit: Credit::ContactHours(1.0),
        categories: Vec::new(),
        certificate: None,
    };
    store.put_file(&file).await.unwrap();
    let logged = |title: &str, certificate: bool| Pending {
        actor: ACTOR.to_owned(),
        person: Some(p),
        application: None,
        change: Change::CeActivityLogged(Activity {
            certificate: certificate.then(|| file.hash.clone()),
            ..activity(title)
        }),
    };
    let before = store.counts().await.unwrap();
    let e = store
        .append_all(vec![
            logged("first", false),
            logged("second", true),
            logged("third", true),
        ])
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e}");
    assert_eq!(store.counts().await.unwrap().events, before.events);
    assert!(ce::log(store, p).await.unwrap().is_empty());
    let recorded = store
        .append_all(vec![logged("first", false), logged("second", true)])
        .await
        .unwrap();
    let titles = |log: Vec<ce::LoggedActivity>| {
        log.into_iter()
            .map(|l| l.activity.title)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        titles(ce::log(store, p).await.unwrap()),
        ["first", "second"]
    );
    assert_eq!(
        ce::log(store, p).await.unwrap()[1].id,
        recorded[1].id,
        "each activity is known by the event that logged it"
    );
}

/// A CE import is written in batches (`ce::IMPORT_BATCH` activities a
/// transaction) and joins the log whole or not at all: a refused line
/// abandons it, an import cut short before its last write (the process
/// killed) never joins, and a certificate another write attached while
/// the import was open stops it at completion. Withdrawing an activity of
/// an import that did not complete finds nothing.
pub async fn a_ce_import_joins_the_log_whole_or_not_at_all(store: &dyn Store) {
    use labpath_engine::maintenance::{Activity, Credit};
    use labpath_store::ce;
    let p = person(store, "Maria").await;
    let pdf = |text: &str| {
        let mut bytes = b"%PDF-1.4\n".to_vec();
        bytes.extend_from_slice(text.as_bytes());
        bytes.extend_from_slice(b"\n%%EOF\n");
        attachment::check("certificate.pdf", bytes).unwrap()
    };
    let (one, two) = (pdf("first certificate"), pdf("second certificate"));
    let activity = |n: usize| Activity {
        title: format!("session {n}"),
        provider: None,
        accreditation: None,
        date: day("2025-05-01"),
        credit: Credit::ContactHours(0.5),
        categories: Vec::new(),
        certificate: None,
    };
    let lines = 2 * ce::IMPORT_BATCH + 1;
    let titles = |log: &[ce::LoggedActivity]| {
        log.iter()
            .map(|l| l.activity.title.clone())
            .collect::<Vec<_>>()
    };

    // The last line repeats the first line's certificate: the refusal
    // comes in the third batch, after two were written, and logs nothing.
    let mut batch: Vec<_> = (0..lines).map(|n| (activity(n), None)).collect();
    batch[0].1 = Some(&one);
    batch[lines - 1].1 = Some(&one);
    let refused = ce::import_activities(store, ACTOR, p, "twice.csv", batch)
        .await
        .unwrap_err();
    assert!(matches!(refused, StoreError::Conflict(_)), "{refused}");
    assert!(ce::log(store, p).await.unwrap().is_empty());
    let history = store.events(&EventQuery::default()).await.unwrap();
    assert!(
        history.iter().any(|e| matches!(
            &e.change,
            Change::CeImportEnded { abandoned: Some(why), .. } if why.contains("already attached")
        )),
        "the history says the import was abandoned, and why"
    );

    // The same file without the repeat: three batches, every line logged
    // in the file's order, the certificate with its line.
    let mut batch: Vec<_> = (0..lines).map(|n| (activity(n), None)).collect();
    batch[lines - 1].1 = Some(&one);
    let imported = ce::import_activities(store, ACTOR, p, "fixed.csv", batch)
        .await
        .unwrap();
    let log = ce::log(store, p).await.unwrap();
    assert_eq!(log, imported);
    assert_eq!(
        titles(&log),
        (0..lines)
            .map(|n| format!("session {n}"))
            .collect::<Vec<_>>()
    );
    assert_eq!(
        log[lines - 1].activity.certificate.as_deref(),
        Some(one.hash.as_str())
    );

    // An import cut short: opened, one batch written, never ended. None of
    // it is in the log, its activity cannot be withdrawn, and its
    // certificate is free for an activity logged afterwards.
    store.put_file(&two).await.unwrap();
    let pending = |change: Change| Pending {
        actor: ACTOR.to_owned(),
        person: Some(p),
        application: None,
        change,
    };
    let started = store
        .append(pending(Change::CeImportStarted {
            file: "cut.csv".to_owned(),
            activities: 2,
        }))
        .await
        .unwrap();
    let cut = store
        .append(pending(Change::CeActivityImported {
            import: started.id,
            activity: Activity {
                certificate: Some(two.hash.clone()),
                ..activity(900)
            },
        }))
        .await
        .unwrap();
    assert_eq!(ce::log(store, p).await.unwrap().len(), lines);
    let e = ce::remove_activity(store, ACTOR, p, cut.id, "never there")
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound { .. }), "{e}");
    let single = ce::log_activity(store, ACTOR, p, activity(901), Some(&two))
        .await
        .unwrap();

    // The cut import, ended now, meets that activity's certificate: it is
    // refused at completion and stays out of the log.
    let e = store
        .append(pending(Change::CeImportEnded {
            import: started.id,
            abandoned: None,
        }))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e}");
    let log = ce::log(store, p).await.unwrap();
    assert_eq!(log.len(), lines + 1);
    assert_eq!(log[lines], single);

    // An ended import takes no more activities and cannot end again.
    let ended = store
        .append(pending(Change::CeImportEnded {
            import: started.id,
            abandoned: Some("cut short".to_owned()),
        }))
        .await
        .unwrap();
    for change in [
        Change::CeActivityImported {
            import: started.id,
            activity: activity(902),
        },
        Change::CeImportEnded {
            import: started.id,
            abandoned: None,
        },
    ] {
        let e = store.append(pending(change)).await.unwrap_err();
        assert!(matches!(e, StoreError::Invalid(_)), "{e}");
    }
    assert!(ended.id > cut.id);
    assert_eq!(ce::log(store, p).await.unwrap().len(), lines + 1);

    // Withdrawing an imported activity that did join the log works.
    ce::remove_activity(store, ACTOR, p, log[0].id, "entered twice")
        .await
        .unwrap();
    assert_eq!(ce::log(store, p).await.unwrap().len(), lines);
}

/// A batch of people (a CSV import) is added whole, each followed by their
/// first profile when they have one, or not at all: a refused person (an
/// empty name, an organization that does not exist) adds no one.
pub async fn a_batch_of_people_is_added_whole_or_not_at_all(store: &dyn Store) {
    use labpath_store::ids::OrgId;
    use labpath_store::model::NewPerson;
    let profile =
        |name: &str| serde_json::json!({ "person": { "name": name, "work_state": "NY" } });
    let new = |name: &str, with_profile: bool, organization: Option<OrgId>| NewPerson {
        name: name.to_owned(),
        organization,
        profile: with_profile.then(|| profile(name.trim())),
    };
    let before = store.counts().await.unwrap();
    let batches = [
        vec![
            new("Ana", true, None),
            new("Ben", false, None),
            new("  ", true, None),
        ],
        vec![
            new("Ana", true, None),
            new("Ben", true, Some(OrgId::from_raw(999))),
        ],
    ];
    for batch in batches {
        let e = store.add_people(ACTOR, batch).await.unwrap_err();
        assert!(
            matches!(e, StoreError::Invalid(_) | StoreError::NotFound { .. }),
            "{e}"
        );
        assert_eq!(
            store.counts().await.unwrap(),
            before,
            "a refused batch left a trace"
        );
        assert!(store.people(None).await.unwrap().is_empty());
    }
    let added = store
        .add_people(
            ACTOR,
            vec![
                new("Ana", true, None),
                new("Ben", false, None),
                new(" Carla ", true, None),
            ],
        )
        .await
        .unwrap();
    let shown: Vec<(&str, u32)> = added
        .iter()
        .map(|p| (p.name.as_str(), p.profile_version))
        .collect();
    assert_eq!(shown, [("Ana", 1), ("Ben", 0), ("Carla", 1)]);
    assert_eq!(store.people(None).await.unwrap(), added, "as recorded");
    let carla = store.profile(added[2].id, None).await.unwrap().unwrap();
    assert_eq!((carla.version, carla.profile), (1, profile("Carla")));
    assert_eq!(store.profile(added[1].id, None).await.unwrap(), None);
    // One person's events after another's, each profile after its person.
    let events = store.events(&EventQuery::default()).await.unwrap();
    let log: Vec<(&str, PersonId)> = events.iter().map(|e| (e.change.kind(), e.person)).collect();
    let (a, b, c) = (added[0].id, added[1].id, added[2].id);
    assert_eq!(
        log,
        [
            ("person_added", a),
            ("profile_recorded", a),
            ("person_added", b),
            ("person_added", c),
            ("profile_recorded", c),
        ]
    );
    let replayed: Vec<_> = replay(&events).unwrap().people.into_values().collect();
    assert_eq!(replayed, added, "the tables equal a replay of the log");
}

/// The audit pack holds the summary and the certificate of each activity
/// that counts in the cycle, as stored, and the summary names it; a
/// credential the profile does not hold is refused.
pub async fn the_audit_pack_holds_the_counted_certificates_as_stored(store: &dyn Store) {
    use labpath_engine::maintenance::{Activity, Credit};
    use labpath_store::ce;
    let catalog = crate::support::catalog();
    let app = labpath_app::App::new(catalog, store);
    let me = labpath_app::Principal::local(ACTOR);
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/profiles/mlt-ascp-bachelor.toml"
    ))
    .unwrap();
    let profile = labpath_catalog::profile::from_text(
        "mlt-ascp-bachelor.toml",
        &text,
        labpath_catalog::parse::Format::Toml,
        catalog,
    )
    .unwrap();
    let credential = catalog.credential("ascp-mlt").unwrap();
    let p = person(store, "Luis").await;
    ops::record_profile(store, ACTOR, p, serde_json::to_value(&profile).unwrap())
        .await
        .unwrap();
    let mut pdf = b"%PDF-1.4\n".to_vec();
    pdf.extend_from_slice(b"hemostasis update, 2 contact hours\n%%EOF\n");
    let file = attachment::check("hemostasis.pdf", pdf.clone()).unwrap();
    let activity = Activity {
        title: "Hemostasis update".to_owned(),
        provider: Some("ASCP".to_owned()),
        accreditation: None,
        date: day("2026-03-02"),
        credit: Credit::ContactHours(2.0),
        categories: Vec::new(),
        certificate: None,
    };
    let logged = ce::log_activity(store, ACTOR, p, activity, Some(&file))
        .await
        .unwrap();
    let as_of = day("2026-06-01");
    let zip = std::io::Cursor::new(Vec::new());
    let (zip, certificates) = labpath_app::ce::audit_pack(&app, &me, p, credential, as_of, zip)
        .await
        .unwrap();
    assert_eq!(certificates, 1);
    let mut pack = zip::ZipArchive::new(zip).unwrap();
    let name = format!("certificates/{}-{}.pdf", logged.id, &file.hash[..12]);
    let mut stored = Vec::new();
    std::io::Read::read_to_end(&mut pack.by_name(&name).unwrap(), &mut stored).unwrap();
    assert_eq!(
        stored, pdf,
        "the zip holds the certificate as stored, as {name}"
    );
    let mut summary = String::new();
    std::io::Read::read_to_string(&mut pack.by_name("summary.txt").unwrap(), &mut summary).unwrap();
    assert!(
        summary.contains(&name),
        "the summary names {name}: {summary}"
    );
    let other = catalog.credential("ascp-mls").unwrap();
    let e =
        labpath_app::ce::audit_pack(&app, &me, p, other, as_of, std::io::Cursor::new(Vec::new()))
            .await
            .unwrap_err();
    assert!(e.to_string().contains("does not hold `ascp-mls`"), "{e}");
}

/// Two writers attaching one certificate to two activities at once: the
/// store lets exactly one through (the check runs inside the write), and
/// removing an activity twice at once removes it once.
pub async fn one_certificate_proves_one_activity_even_when_raced(store: &dyn Store) {
    use labpath_engine::maintenance::{Activity, Credit};
    use labpath_store::ce;
    let p = person(store, "Maria").await;
    let mut pdf = b"%PDF-1.4\n".to_vec();
    pdf.extend_from_slice(b"certificate of completion, hemostasis update\n%%EOF\n");
    let file = attachment::check("cert.pdf", pdf).unwrap();
    let activity = |title: &str| Activity {
        title: title.to_owned(),
        provider: None,
        accreditation: None,
        date: day("2025-05-01"),
        credit: Credit::ContactHours(2.0),
        categories: Vec::new(),
        certificate: None,
    };
    let (a, b) = tokio::join!(
        ce::log_activity(store, ACTOR, p, activity("first"), Some(&file)),
        ce::log_activity(store, ACTOR, p, activity("second"), Some(&file)),
    );
    let outcomes = [a.is_ok(), b.is_ok()];
    assert_eq!(outcomes.iter().filter(|ok| **ok).count(), 1, "{a:?} {b:?}");
    let refused = if a.is_ok() { b } else { a }.unwrap_err();
    assert!(matches!(refused, StoreError::Conflict(_)), "{refused}");
    let log = ce::log(store, p).await.unwrap();
    assert_eq!(log.len(), 1);
    let id = log[0].id;
    let (x, y) = tokio::join!(
        ce::remove_activity(store, ACTOR, p, id, "entered twice"),
        ce::remove_activity(store, ACTOR, p, id, "entered twice"),
    );
    assert_eq!([x.is_ok(), y.is_ok()].iter().filter(|ok| **ok).count(), 1);
    assert!(ce::log(store, p).await.unwrap().is_empty());
}

/// A control character (a NUL pasted into a name) is refused as bad input
/// on every backend, before anything is written.
pub async fn control_characters_are_refused_before_anything_is_written(store: &dyn Store) {
    let before = store.counts().await.unwrap();
    let refused = ops::add_person(store, ACTOR, "Ana\u{0}Lopez", None)
        .await
        .unwrap_err();
    assert!(matches!(refused, StoreError::Invalid(_)), "{refused}");
    assert_eq!(store.counts().await.unwrap(), before);
    let p = person(store, "Maria").await;
    let refused = ops::rename_person(store, ACTOR, p, "Maria\u{0}")
        .await
        .unwrap_err();
    assert!(matches!(refused, StoreError::Invalid(_)), "{refused}");
    assert_eq!(store.person(p).await.unwrap().name, "Maria");
}
