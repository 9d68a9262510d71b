//! Lists read by scope, filter and window: what every backend must do when
//! a reader asks for one page of the applications, reminders, history,
//! latest profiles or audit lines it may reach. The scope is in the query: another
//! organization's records are never read, and a filter naming them finds
//! nothing.

use labpath_store::board::{BoardFilter, BoardLine, BoardSizes, LineSeverity};
use labpath_store::ids::{ApplicationId, PersonId};
use labpath_store::model::{
    ApplicationsFilter, EventFilter, Paged, ProfilesFilter, ReminderFilter, Scope, Window,
};
use labpath_store::ops;
use labpath_store::status::AppStatus;
use labpath_store::{Store, StoreError};

use crate::contract_accounts::{AccountsStore, audit_line, member, org};
use crate::support::{ACTOR, day, person, step};

fn window(offset: u64, limit: u64) -> Window {
    Window { offset, limit }
}

async fn application(store: &dyn Store, who: PersonId) -> ApplicationId {
    ops::new_application(store, ACTOR, who, step("ny-clt-apply"))
        .await
        .unwrap()
        .application
        .id
}

async fn move_to(store: &dyn Store, app: ApplicationId, to: AppStatus, on: &str) {
    ops::change_status(store, ACTOR, app, to, day(on), None)
        .await
        .unwrap();
}

fn ids<T, I: Copy>(page: &Paged<T>, id: impl Fn(&T) -> I) -> Vec<I> {
    page.items.iter().map(id).collect()
}

/// Applications are read a window at a time, of the scope's people only,
/// by person, status and openness, with the count of the whole list.
pub async fn applications_are_listed_by_scope_filter_and_window(store: &dyn AccountsStore) {
    let tracker = store.tracker();
    let a = org(store, "Agency A").await;
    let b = org(store, "Lab B").await;
    let maria = member(store, a.id, "Maria").await;
    let jun = member(store, a.id, "Jun").await;
    let ana = member(store, b.id, "Ana of B").await;
    let leo = person(tracker, "Leo, local").await;
    let m1 = application(tracker, maria).await;
    let m2 = application(tracker, maria).await;
    let j1 = application(tracker, jun).await;
    let b1 = application(tracker, ana).await;
    let l1 = application(tracker, leo).await;
    move_to(tracker, m2, AppStatus::Submitted, "2025-01-02").await;
    move_to(tracker, j1, AppStatus::Withdrawn, "2025-01-03").await;

    let all = ApplicationsFilter::default();
    let of = |scope, filter, w| tracker.applications_in(scope, filter, w);
    let first = of(Scope::Org(a.id), &all, window(0, 2)).await.unwrap();
    assert_eq!((ids(&first, |x| x.id), first.total), (vec![m1, m2], 3));
    let last = of(Scope::Org(a.id), &all, window(2, 2)).await.unwrap();
    assert_eq!((ids(&last, |x| x.id), last.total), (vec![j1], 3));
    let beyond = of(Scope::Org(a.id), &all, window(9, 2)).await.unwrap();
    assert_eq!((beyond.items.len(), beyond.total), (0, 3));

    let marias = ApplicationsFilter {
        person: Some(maria),
        ..all
    };
    let found = of(Scope::Org(a.id), &marias, Window::ALL).await.unwrap();
    assert_eq!(ids(&found, |x| x.id), [m1, m2]);
    let submitted = ApplicationsFilter {
        status: Some(AppStatus::Submitted),
        ..all
    };
    let found = of(Scope::Org(a.id), &submitted, Window::ALL).await.unwrap();
    assert_eq!((ids(&found, |x| x.id), found.total), (vec![m2], 1));
    let open = ApplicationsFilter {
        open_only: true,
        ..all
    };
    let found = of(Scope::Org(a.id), &open, Window::ALL).await.unwrap();
    assert_eq!((ids(&found, |x| x.id), found.total), (vec![m1, m2], 2));

    // Another organization's person, named in the filter, finds nothing.
    let anas = ApplicationsFilter {
        person: Some(ana),
        ..all
    };
    let none = of(Scope::Org(a.id), &anas, Window::ALL).await.unwrap();
    assert_eq!((none.items.len(), none.total), (0, 0));
    let theirs = of(Scope::Org(b.id), &all, Window::ALL).await.unwrap();
    assert_eq!(ids(&theirs, |x| x.id), [b1]);
    let local = of(Scope::Local, &all, Window::ALL).await.unwrap();
    assert_eq!(ids(&local, |x| x.id), [l1]);
    let own = of(Scope::Own(a.id, Some(jun)), &all, Window::ALL)
        .await
        .unwrap();
    assert_eq!((ids(&own, |x| x.id), own.total), (vec![j1], 1));
    let elsewhere = of(Scope::Own(a.id, Some(ana)), &all, Window::ALL)
        .await
        .unwrap();
    assert_eq!(elsewhere.total, 0);
    let unlinked = of(Scope::Own(a.id, None), &all, Window::ALL).await.unwrap();
    assert_eq!(unlinked.total, 0);
}

/// The latest profiles of a scope's people are read a window at a time, by
/// person id, each with its person: only the latest version, only people
/// who have one, never another organization's (whose people sit between
/// this one's ids), and from where the previous page ended (`after`).
pub async fn latest_profiles_are_listed_by_scope_and_window(store: &dyn AccountsStore) {
    let tracker = store.tracker();
    let a = org(store, "Agency A").await;
    let b = org(store, "Lab B").await;
    let maria = member(store, a.id, "Maria").await;
    let ana = member(store, b.id, "Ana of B").await;
    let jun = member(store, a.id, "Jun, no profile").await;
    let rosa = member(store, a.id, "Rosa").await;
    let leo = person(tracker, "Leo, local").await;
    let profile = |who: PersonId, n: u32| async move {
        let value = serde_json::json!({ "person": { "name": "x", "work_state": "NY" }, "n": n });
        ops::record_profile(tracker, ACTOR, who, value)
            .await
            .unwrap()
    };
    profile(maria, 1).await;
    let anas = profile(ana, 1).await;
    let rosas = profile(rosa, 1).await;
    let leos = profile(leo, 1).await;
    let marias = profile(maria, 2).await;
    assert_eq!(marias.version, 2);

    let all = ProfilesFilter::default();
    let of = |scope, filter, w| async move { tracker.profiles_in(scope, &filter, w).await };
    let who = |page: &Paged<(
        labpath_store::model::Person,
        labpath_store::model::ProfileVersion,
    )>| { ids(page, |(p, v)| (p.id, v.person, v.version)) };
    let first = of(Scope::Org(a.id), all, window(0, 1)).await.unwrap();
    assert_eq!((who(&first), first.total), (vec![(maria, maria, 2)], 2));
    let (person, latest) = &first.items[0];
    assert_eq!((person.name.as_str(), person.profile_version), ("Maria", 2));
    assert_eq!(latest, &marias, "the latest version, as recorded");
    let second = of(Scope::Org(a.id), all, window(1, 1)).await.unwrap();
    assert_eq!(
        (second.items.clone(), second.total),
        (
            vec![(tracker.person(rosa).await.unwrap(), rosas.clone())],
            2
        )
    );
    let beyond = of(Scope::Org(a.id), all, window(2, 5)).await.unwrap();
    assert_eq!((beyond.items.len(), beyond.total), (0, 2));

    // Going on from the last person read: the count is of what is left.
    let after_maria = ProfilesFilter { after: Some(maria) };
    let rest = of(Scope::Org(a.id), after_maria, window(0, 5))
        .await
        .unwrap();
    assert_eq!((who(&rest), rest.total), (vec![(rosa, rosa, 1)], 1));
    let after_rosa = ProfilesFilter { after: Some(rosa) };
    let done = of(Scope::Org(a.id), after_rosa, window(0, 5))
        .await
        .unwrap();
    assert_eq!((done.items.len(), done.total), (0, 0));

    let theirs = of(Scope::Org(b.id), all, Window::ALL).await.unwrap();
    assert_eq!(theirs.items, [(tracker.person(ana).await.unwrap(), anas)]);
    let local = of(Scope::Local, all, Window::ALL).await.unwrap();
    assert_eq!(local.items, [(tracker.person(leo).await.unwrap(), leos)]);
    let own = of(Scope::Own(a.id, Some(rosa)), all, Window::ALL)
        .await
        .unwrap();
    assert_eq!((who(&own), own.total), (vec![(rosa, rosa, 1)], 1));
    for nobody in [
        Scope::Own(a.id, Some(ana)),
        Scope::Own(a.id, Some(jun)),
        Scope::Own(a.id, None),
    ] {
        let none = of(nobody, all, Window::ALL).await.unwrap();
        assert_eq!((none.items.len(), none.total), (0, 0), "{nobody:?}");
    }
}

/// An application's history and a person's reminders are read a window at
/// a time, of the scope's people only.
pub async fn history_and_reminders_are_listed_by_scope_filter_and_window(
    store: &dyn AccountsStore,
) {
    let tracker = store.tracker();
    let a = org(store, "Agency A").await;
    let b = org(store, "Lab B").await;
    let maria = member(store, a.id, "Maria").await;
    let ana = member(store, b.id, "Ana of B").await;
    let leo = person(tracker, "Leo, local").await;
    let m1 = application(tracker, maria).await;
    move_to(tracker, m1, AppStatus::Submitted, "2025-01-02").await;
    ops::set_reference(tracker, ACTOR, m1, "R-1").await.unwrap();
    let b1 = application(tracker, ana).await;

    let of_m1 = EventFilter {
        application: Some(m1),
        after: None,
    };
    let history = tracker
        .events_in(Scope::Org(a.id), &of_m1, Window::ALL)
        .await
        .unwrap();
    let kinds: Vec<&str> = history.items.iter().map(|e| e.change.kind()).collect();
    assert_eq!(
        kinds,
        ["application_created", "status_changed", "reference_set"]
    );
    assert_eq!(history.total, 3);
    let second = tracker
        .events_in(Scope::Org(a.id), &of_m1, window(1, 1))
        .await
        .unwrap();
    assert_eq!(
        (second.items, second.total),
        (vec![history.items[1].clone()], 3)
    );
    let after = EventFilter {
        after: Some(history.items[0].id),
        ..of_m1
    };
    let later = tracker
        .events_in(Scope::Org(a.id), &after, window(0, 1))
        .await
        .unwrap();
    assert_eq!(
        (later.items, later.total),
        (vec![history.items[1].clone()], 2)
    );
    // Another organization's application: nothing, not even a count.
    let of_b1 = EventFilter {
        application: Some(b1),
        after: None,
    };
    let none = tracker
        .events_in(Scope::Org(a.id), &of_b1, Window::ALL)
        .await
        .unwrap();
    assert_eq!((none.items.len(), none.total), (0, 0));
    let local = tracker
        .events_in(Scope::Local, &EventFilter::default(), Window::ALL)
        .await
        .unwrap();
    assert!(local.items.iter().all(|e| e.person == leo));
    assert_eq!(local.total, 1);

    let remind = |who, due: &'static str| async move {
        ops::add_reminder(tracker, ACTOR, who, None, day(due), "call")
            .await
            .unwrap()
    };
    let late = remind(maria, "2030-03-01").await;
    let soon = remind(maria, "2030-01-01").await;
    let theirs = remind(ana, "2030-01-01").await;
    let mine = remind(leo, "2030-02-01").await;
    let all = ReminderFilter::default();
    let page = tracker
        .reminders_in(Scope::Org(a.id), &all, window(0, 1))
        .await
        .unwrap();
    assert_eq!((page.items, page.total), (vec![soon.clone()], 2));
    let rest = tracker
        .reminders_in(Scope::Org(a.id), &all, window(1, 5))
        .await
        .unwrap();
    assert_eq!(rest.items, [late]);
    let anas = ReminderFilter { person: Some(ana) };
    let none = tracker
        .reminders_in(Scope::Org(a.id), &anas, Window::ALL)
        .await
        .unwrap();
    assert_eq!(none.total, 0);
    let local = tracker
        .reminders_in(Scope::Local, &all, Window::ALL)
        .await
        .unwrap();
    assert_eq!(local.items, [mine]);
    let unlinked = tracker
        .reminders_in(Scope::Own(a.id, None), &all, Window::ALL)
        .await
        .unwrap();
    assert_eq!(unlinked.total, 0);
    assert_eq!(tracker.reminder(theirs.id).await.unwrap(), theirs);
    let missing = tracker.reminder(labpath_store::ids::EventId::from_raw(999_999));
    assert!(matches!(
        missing.await,
        Err(StoreError::NotFound {
            what: "reminder",
            ..
        })
    ));
}

/// The audit log is read newest first, a window at a time, of the scope's
/// organization only (a candidate reaches none), with the count.
pub async fn the_audit_log_is_listed_by_scope_filter_and_window(store: &dyn AccountsStore) {
    let a = org(store, "Agency A").await;
    let b = org(store, "Lab B").await;
    let mut written = Vec::new();
    for i in 0..5 {
        let line = audit_line(Some(a.id), &format!("a{i}"));
        written.push(store.audit(&line).await.unwrap());
        let other = audit_line(Some(b.id), &format!("b{i}"));
        store.audit(&other).await.unwrap();
    }
    let nobodys = store
        .audit(&audit_line(None, "login-failed"))
        .await
        .unwrap();
    written.reverse();
    let all = labpath_store::accounts::AuditFilter::default();
    let first = store
        .audit_in(Scope::Org(a.id), &all, window(0, 2))
        .await
        .unwrap();
    assert_eq!((first.items.as_slice(), first.total), (&written[..2], 5));
    let next = store
        .audit_in(Scope::Org(a.id), &all, window(2, 2))
        .await
        .unwrap();
    assert_eq!(next.items, written[2..4]);
    let before = labpath_store::accounts::AuditFilter {
        before: Some(written[2].id),
        ..Default::default()
    };
    let older = store
        .audit_in(Scope::Org(a.id), &before, Window::ALL)
        .await
        .unwrap();
    assert_eq!((older.items.as_slice(), older.total), (&written[3..], 2));
    let local = store
        .audit_in(Scope::Local, &all, Window::ALL)
        .await
        .unwrap();
    assert_eq!((local.items, local.total), (vec![nobodys], 1));
    // Filtered by what (any case, `%` as itself), who and when.
    let with = |filter: labpath_store::accounts::AuditFilter| async move {
        store.audit_in(Scope::Org(a.id), &filter, Window::ALL).await
    };
    let what = |text: &str| labpath_store::accounts::AuditFilter {
        action: Some(text.to_owned()),
        ..Default::default()
    };
    assert_eq!(with(what("A3")).await.unwrap().items, [written[1].clone()]);
    assert_eq!(with(what("a%")).await.unwrap().total, 0);
    let maria = store
        .create_user(&crate::contract_accounts::new_user(
            a.id,
            "maria@agency.example",
            labpath_store::accounts::Role::Staff,
            None,
        ))
        .await
        .unwrap();
    let mut hers = audit_line(Some(a.id), "POST /api/people");
    hers.user = Some(maria.id);
    let hers = store.audit(&hers).await.unwrap();
    let by = labpath_store::accounts::AuditFilter {
        user: Some(maria.id),
        ..Default::default()
    };
    assert_eq!(with(by).await.unwrap().items, std::slice::from_ref(&hers));
    let later = labpath_store::accounts::AuditFilter {
        from: Some(hers.at.plus_seconds(3600)),
        ..Default::default()
    };
    assert_eq!(with(later).await.unwrap().total, 0);
    let until_then = labpath_store::accounts::AuditFilter {
        until: Some(hers.at.plus_seconds(3600)),
        ..Default::default()
    };
    assert_eq!(with(until_then).await.unwrap().total, 6);
    let candidate = store
        .audit_in(
            Scope::Own(a.id, Some(PersonId::from_raw(1))),
            &all,
            Window::ALL,
        )
        .await
        .unwrap();
    assert_eq!((candidate.items.len(), candidate.total), (0, 0));
}

/// A dashboard line of a scope's person, of `stage` and `severity`.
fn board_line(
    person: PersonId,
    org: labpath_store::ids::OrgId,
    on: &str,
    stage: &str,
    severity: LineSeverity,
) -> BoardLine {
    BoardLine {
        person,
        organization: Some(org),
        day: day(on),
        name: format!("person {person}"),
        stage: stage.to_owned(),
        owner: None,
        work_state: Some("NY".to_owned()),
        severity,
        lapse_due: (severity != LineSeverity::None).then(|| day("2026-03-01")),
        lapsing: u32::from(severity != LineSeverity::None),
        overdue: 0,
        oldest_overdue: None,
        due_soon: 0,
        next_deadline: None,
        data: serde_json::json!({ "person": person.get() }),
    }
}

/// Dashboard lines are kept for their day until an event about the person
/// drops them, never written over a newer event, and read by scope,
/// filter and window with the stage counts and each stage's first cards.
pub async fn dashboard_lines_are_kept_until_a_change_and_read_by_scope_filter_and_window(
    store: &dyn AccountsStore,
) {
    let a = org(store, "Agency A").await.id;
    let b = org(store, "Agency B").await.id;
    let mut ours = Vec::new();
    for name in ["Ana", "Ben", "Cy", "Dee"] {
        ours.push(member(store, a, name).await);
    }
    let theirs = member(store, b, "Eve").await;
    let tracker = store.tracker();
    let today = "2026-02-01";
    let stale = tracker
        .board_stale(Scope::Org(a), day(today))
        .await
        .unwrap();
    assert_eq!(stale, ours, "no line yet: every person of the scope, by id");

    let mark = tracker.last_event().await.unwrap();
    let stages = [
        ("planning", LineSeverity::Red),
        ("draft", LineSeverity::None),
        ("draft", LineSeverity::Amber),
        ("draft", LineSeverity::None),
    ];
    let mut lines: Vec<BoardLine> = ours
        .iter()
        .zip(stages)
        .map(|(p, (stage, severity))| board_line(*p, a, today, stage, severity))
        .collect();
    lines.push(board_line(theirs, b, today, "done", LineSeverity::Red));
    assert_eq!(tracker.put_board(&lines, mark).await.unwrap(), 5);
    assert!(
        tracker
            .board_stale(Scope::Org(a), day(today))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        tracker
            .board_stale(Scope::Org(a), day("2026-02-02"))
            .await
            .unwrap(),
        ours,
        "a line of another day is stale"
    );

    // An event about Ben drops his line, and a line worked out before it
    // is not kept.
    ops::rename_person(tracker, ACTOR, ours[1], "Ben B")
        .await
        .unwrap();
    assert_eq!(
        tracker
            .board_stale(Scope::Org(a), day(today))
            .await
            .unwrap(),
        [ours[1]]
    );
    assert_eq!(tracker.put_board(&lines[1..2], mark).await.unwrap(), 0);
    assert_eq!(
        tracker
            .board_stale(Scope::Org(a), day(today))
            .await
            .unwrap(),
        [ours[1]]
    );
    let now = tracker.last_event().await.unwrap();
    assert_eq!(tracker.put_board(&lines[1..2], now).await.unwrap(), 1);

    let sizes = BoardSizes {
        per_column: 2,
        listed: 1,
    };
    let all = BoardFilter::default();
    let read = tracker
        .board(Scope::Org(a), day(today), &all, sizes, window(1, 2))
        .await
        .unwrap();
    let mut stages = read.stages.clone();
    stages.sort();
    assert_eq!(
        stages,
        [("draft".to_owned(), 3), ("planning".to_owned(), 1)],
        "another organization's line is not counted"
    );
    assert_eq!(read.lines.total, 4);
    assert_eq!(read.lines.items.len(), 2, "the window");
    let cards: Vec<(&str, PersonId)> = read
        .columns
        .iter()
        .map(|l| (l.stage.as_str(), l.person))
        .collect();
    assert_eq!(
        cards,
        [
            ("draft", ours[1]),
            ("draft", ours[2]),
            ("planning", ours[0])
        ],
        "at most two cards a stage, in list order"
    );
    assert_eq!(read.lapsing_total, 2);
    let severe: Vec<PersonId> = read.most_severe.iter().map(|l| l.person).collect();
    assert_eq!(severe, [ours[0]], "red first, as many as asked");

    let amber = BoardFilter {
        severity: Some(LineSeverity::Amber),
        stage: Some("draft".to_owned()),
        ..BoardFilter::default()
    };
    let read = tracker
        .board(Scope::Org(a), day(today), &amber, sizes, Window::ALL)
        .await
        .unwrap();
    let kept: Vec<PersonId> = read.lines.items.iter().map(|l| l.person).collect();
    assert_eq!(kept, [ours[2]], "amber or worse, at the draft stage");
    assert_eq!(
        read.stages.len(),
        2,
        "the counts leave the stage filter out"
    );
    let nobody = BoardFilter {
        owner: Some(Some(labpath_store::ids::UserId::from_raw(999))),
        ..BoardFilter::default()
    };
    let read = tracker
        .board(Scope::Org(a), day(today), &nobody, sizes, Window::ALL)
        .await
        .unwrap();
    assert_eq!(read.lines.total, 0);
    let read = tracker
        .board(Scope::Org(b), day(today), &all, sizes, Window::ALL)
        .await
        .unwrap();
    let kept: Vec<PersonId> = read.lines.items.iter().map(|l| l.person).collect();
    assert_eq!(kept, [theirs]);
    assert_eq!(read.lines.items[0].data["person"], theirs.get());
}
