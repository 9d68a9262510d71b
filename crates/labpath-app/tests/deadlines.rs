//! The deadline model (`labpath_app::deadlines`) on cases written from the
//! shipped catalog: ASCP's CMP for MLS(ASCP) (36 points in 3 years, 1 of
//! safety and 2 each of blood banking, chemistry, hematology and
//! microbiology, declared between 90 and 30 days before expiry),
//! California's license renewal (24 contact hours in 2 years, no window),
//! ASCP's 3-month examination period (89 days after approval, a limit that
//! lapses) and LFS's 150-day abandonment (one that stays). Each case names
//! the severity the thresholds give and the words a person reads.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests: a failed assumption is a failed test"
)]

use std::collections::HashMap;

use labpath_app::deadlines::{AMBER_DAYS, Holding, RED_DAYS, lapsing, model};
use labpath_engine::catalog::Catalog;
use labpath_engine::maintenance::{Activity, CategoryId, Credit};
use labpath_engine::units::Date;
use labpath_store::agenda::Records;
use labpath_store::ids::{ApplicationId, EventId, PersonId};
use labpath_store::model::{Application, Person};
use labpath_store::status::AppStatus;
use labpath_store::time::Timestamp;
use labpath_views::deadlines::{Deadline, DeadlineKind, Severity};

fn catalog() -> Catalog {
    labpath_shipped::catalog().expect("the shipped catalog reads")
}

fn today() -> Date {
    Date::parse("2027-07-15").unwrap()
}

fn maria() -> Person {
    Person {
        id: PersonId::from_raw(5),
        name: "Maria Santos".to_owned(),
        created_at: Timestamp::parse("2026-01-01T09:00:00Z").unwrap(),
        profile_version: 1,
        owner: None,
        organization: None,
    }
}

/// An activity of `hours` contact hours in one category, `days` after the
/// start of 2026 (inside the cycles below).
fn activity(hours: f64, category: &str, days: i64) -> Activity {
    Activity {
        title: format!("{hours} hours of {category}"),
        provider: None,
        accreditation: None,
        date: Date::parse("2026-01-01").unwrap().add_days(days),
        credit: Credit::ContactHours(hours),
        categories: vec![CategoryId::new(category).unwrap()],
        certificate: None,
    }
}

/// 20 points: 10 of chemistry and 10 general, the example: MLS(ASCP)
/// is 16 short (36 in all, 1 safety, 2 each of blood banking, hematology
/// and microbiology).
fn twenty_points() -> Vec<Activity> {
    vec![
        activity(10.0, "chemistry", 10),
        activity(10.0, "general", 40),
    ]
}

/// 36 points that meet every MLS(ASCP) minimum.
fn complete() -> Vec<Activity> {
    vec![
        activity(1.0, "safety", 1),
        activity(2.0, "blood_banking", 2),
        activity(2.0, "chemistry", 3),
        activity(2.0, "hematology", 4),
        activity(2.0, "microbiology", 5),
        activity(27.0, "general", 6),
    ]
}

/// Maria's holding: the credentials `(id, days from today to expiry)`.
fn holding(catalog: &Catalog, held: &[(&str, i64)], activities: Vec<Activity>) -> Holding {
    let credentials: Vec<serde_json::Value> = held
        .iter()
        .map(|(id, days)| {
            serde_json::json!({
                "id": id,
                "earned": "2021-01-01",
                "expires": today().add_days(*days).to_string(),
            })
        })
        .collect();
    let doc =
        serde_json::json!({ "person": { "name": "Maria Santos" }, "credential": credentials });
    Holding {
        profile: labpath_catalog::profile::from_document("maria", &doc, catalog).unwrap(),
        activities,
    }
}

/// Every deadline of Maria's holding and records, and those lapsing.
fn of(catalog: &Catalog, h: Holding, records: &Records) -> (Vec<Deadline>, Vec<Deadline>) {
    let holdings = HashMap::from([(maria().id, h)]);
    let all = model(catalog, &[maria()], records, &holdings, today());
    let lapsing = lapsing(&all);
    (all, lapsing)
}

fn renewal_of<'d>(all: &'d [Deadline], credential: &str) -> &'d Deadline {
    all.iter()
        .find(|d| {
            d.kind == DeadlineKind::Renewal
                && d.credential.as_ref().is_some_and(|c| c.id == credential)
        })
        .unwrap_or_else(|| panic!("no renewal of {credential}: {all:#?}"))
}

#[test]
fn the_thresholds_are_ninety_and_thirty_days() {
    assert_eq!((AMBER_DAYS, RED_DAYS), (90, 30));
}

#[test]
fn a_credential_twenty_days_from_expiry_and_sixteen_points_short_is_red() {
    let catalog = catalog();
    let h = holding(&catalog, &[("ascp-mls", 20)], twenty_points());
    let (all, lapsing) = of(&catalog, h, &Records::default());
    let d = renewal_of(&all, "ascp-mls");
    assert_eq!(d.severity, Some(Severity::Red), "{d:#?}");
    assert!(d.what.contains("16 points short"), "{}", d.what);
    // The window closed 30 days before expiry: 10 days ago.
    let expires = today().add_days(20);
    let closed = expires.add_days(-30);
    assert_eq!(
        d.what,
        format!(
            "Not compliant: 16 points short, declaration window closed on {closed}, expires {expires}"
        )
    );
    assert_eq!(d.title, format!("MLS(ASCP) expires on {expires}"));
    assert_eq!(d.due, expires);
    assert_eq!(d.days_left, 20);
    assert!(
        d.action.starts_with("log 16 more CMP points before"),
        "{}",
        d.action
    );
    assert!(
        d.lapse.as_deref().unwrap_or("").contains("reinstatement"),
        "the catalog's lapse"
    );
    let p = d.provenance.as_ref().expect("the rule's source");
    assert!(
        p.sources
            .iter()
            .any(|s| s.as_str() == "ce-ascp-enter-allocate")
    );
    assert_eq!(lapsing.first().map(|l| &l.key), Some(&d.key));
}

#[test]
fn a_declaration_window_closed_while_short_is_red_whatever_the_days_left() {
    // The shipped windows close 30 days before expiry, so a closed window
    // is within 30 days anyway; a window closing 60 days before shows that
    // the closing itself makes it red: here, the shipped catalog with every
    // declaration window closing 60 days before the cycle ends.
    let mut parts = catalog().into_parts();
    for rules in &mut parts.maintenance {
        if let Some(w) = &mut rules.declaration_window {
            w.closes_days_before = 60;
        }
    }
    let catalog = labpath_catalog::catalog::from_parts(parts)
        .expect("the changed catalog passes the loader's checks");
    let short = holding(&catalog, &[("ascp-mls", 45)], twenty_points());
    let (all, _) = of(&catalog, short, &Records::default());
    let d = renewal_of(&all, "ascp-mls");
    assert_eq!(d.days_left, 45);
    assert_eq!(d.severity, Some(Severity::Red), "{d:#?}");
    assert!(
        d.what.contains("declaration window closed on"),
        "{}",
        d.what
    );
    // The same window closed with everything met is amber by its days.
    let met = holding(&catalog, &[("ascp-mls", 45)], complete());
    let (all, _) = of(&catalog, met, &Records::default());
    assert_eq!(renewal_of(&all, "ascp-mls").severity, Some(Severity::Amber));
}

#[test]
fn an_open_window_says_what_clears_it() {
    let catalog = catalog();
    // Expiry in 50 days: the window opened 40 days ago, closes in 20.
    let h = holding(&catalog, &[("ascp-mls", 50)], twenty_points());
    let (all, _) = of(&catalog, h, &Records::default());
    let d = renewal_of(&all, "ascp-mls");
    let closes = today().add_days(20);
    assert_eq!(d.due, closes);
    assert_eq!(d.severity, Some(Severity::Red));
    assert_eq!(d.title, format!("Declare CMP for MLS(ASCP) by {closes}"));
    assert_eq!(
        d.action,
        format!("log 16 more CMP points and declare by {closes}")
    );
    let titles: Vec<&str> = d.milestones.iter().map(|m| m.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Declare CMP for MLS(ASCP): window opens",
            "Declare CMP for MLS(ASCP): window closes",
            "MLS(ASCP) expires"
        ]
    );
}

#[test]
fn an_expiry_a_hundred_days_out_with_everything_met_is_not_listed() {
    let catalog = catalog();
    // The 36 contact hours count for California's license (24) too.
    let h = holding(
        &catalog,
        &[("ascp-mls", 100), ("ca-cls-license", 100)],
        complete(),
    );
    let (all, lapsing) = of(&catalog, h, &Records::default());
    let mls = renewal_of(&all, "ascp-mls");
    assert!(
        mls.what.starts_with("Compliant: 36 of 36 points"),
        "{}",
        mls.what
    );
    assert_eq!(mls.severity, None);
    assert_eq!(renewal_of(&all, "ca-cls-license").severity, None);
    assert!(lapsing.is_empty(), "{lapsing:#?}");
}

#[test]
fn a_short_renewal_is_amber_ninety_days_before_its_window_closes() {
    let catalog = catalog();
    // Expiry in 100 days: the window closes in 70, 16 points short.
    let h = holding(&catalog, &[("ascp-mls", 100)], twenty_points());
    let (all, _) = of(&catalog, h, &Records::default());
    let d = renewal_of(&all, "ascp-mls");
    assert_eq!((d.days_left, d.severity), (70, Some(Severity::Amber)));
    // 150 days out, the window closes in 120: not yet.
    let h = holding(&catalog, &[("ascp-mls", 150)], twenty_points());
    let (all, _) = of(&catalog, h, &Records::default());
    assert_eq!(renewal_of(&all, "ascp-mls").severity, None);
}

#[test]
fn a_license_without_a_window_is_renewed_by_its_expiry_and_an_expired_one_stays_red() {
    let catalog = catalog();
    let h = holding(&catalog, &[("ca-cls-license", 60)], twenty_points());
    let (all, _) = of(&catalog, h, &Records::default());
    let d = renewal_of(&all, "ca-cls-license");
    let expires = today().add_days(60);
    assert_eq!(d.severity, Some(Severity::Amber));
    assert_eq!(
        d.what,
        format!("Not compliant: 4 contact hours short, expires {expires}")
    );
    assert_eq!(
        d.action,
        format!("log 4 more contact hours and renew by {expires}")
    );

    let h = holding(&catalog, &[("ascp-mls", -10)], complete());
    let (all, _) = of(&catalog, h, &Records::default());
    let d = renewal_of(&all, "ascp-mls");
    assert_eq!(d.severity, Some(Severity::Red));
    assert_eq!(d.days_left, -10);
    assert!(d.title.contains("expired on"), "{}", d.title);
}

#[test]
fn a_credential_without_renewal_rules_expires_on_the_day_the_profile_gives() {
    let catalog = catalog();
    let h = holding(&catalog, &[("visascreen-mt", 60)], Vec::new());
    let (all, lapsing) = of(&catalog, h, &Records::default());
    let d = all
        .iter()
        .find(|d| d.kind == DeadlineKind::Expiry)
        .expect("an expiry");
    assert_eq!(d.severity, Some(Severity::Amber));
    assert_eq!(
        d.title,
        format!("VisaScreen (MT/CLS) expires on {}", today().add_days(60))
    );
    assert_eq!(lapsing.len(), 1);
}

/// An application of `step` for Maria, approved or submitted `days` ago.
fn application(step: &str, status: AppStatus, days: i64) -> Application {
    let catalog = catalog();
    let step = catalog.step(step).unwrap();
    let on = today().add_days(-days);
    Application {
        id: ApplicationId::from_raw(3),
        person: maria().id,
        step: step.id.as_str().to_owned(),
        title: step.name.clone(),
        body: None,
        reference: None,
        status,
        status_on: on,
        waiting_since: (status != AppStatus::Approved).then_some(on),
        submitted_on: Some(on.add_days(-30)),
        approved_on: (status == AppStatus::Approved).then_some(on),
        contacts_since_waiting: 0,
        last_contact_on: None,
        promised: None,
        created_at: Timestamp::parse("2026-01-01T09:00:00Z").unwrap(),
        last_event: EventId::from_raw(9),
    }
}

fn records(applications: Vec<Application>) -> Records {
    Records {
        applications,
        ..Records::default()
    }
}

fn application_deadline(catalog: &Catalog, app: Application) -> Deadline {
    let (all, _) = of(
        catalog,
        holding(catalog, &[], Vec::new()),
        &records(vec![app]),
    );
    all.into_iter()
        .find(|d| d.kind == DeadlineKind::Application)
        .expect("the application's limit")
}

#[test]
fn an_exam_window_closing_in_forty_five_days_is_amber_and_gone_once_past() {
    let catalog = catalog();
    // ASCP's examination period: 89 days after approval.
    let d = application_deadline(
        &catalog,
        application("ascp-mls-sit", AppStatus::Approved, 44),
    );
    assert_eq!((d.days_left, d.severity), (45, Some(Severity::Amber)));
    assert!(
        d.title
            .starts_with("Sit the exam within the 3-month examination period"),
        "{}",
        d.title
    );
    assert!(d.provenance.is_some(), "the catalog's source");
    let d = application_deadline(
        &catalog,
        application("ascp-mls-sit", AppStatus::Approved, 80),
    );
    assert_eq!(d.severity, Some(Severity::Red));
    let d = application_deadline(
        &catalog,
        application("ascp-mls-sit", AppStatus::Approved, 95),
    );
    assert_eq!(d.severity, None, "a missed exam window lapses: {d:#?}");
}

#[test]
fn californias_abandonment_stays_red_once_past() {
    let catalog = catalog();
    // Submitted 130 days ago (the record puts submission 30 days before
    // the status day): 150 days after it is in 20 days.
    let d = application_deadline(
        &catalog,
        application("ca-cls-apply", AppStatus::Submitted, 100),
    );
    assert_eq!((d.days_left, d.severity), (20, Some(Severity::Red)));
    assert!(
        d.action.starts_with("Complete the application by"),
        "{}",
        d.action
    );
    let d = application_deadline(
        &catalog,
        application("ca-cls-apply", AppStatus::Submitted, 150),
    );
    assert_eq!(d.severity, Some(Severity::Red), "past, still to do");
    assert!(d.action.contains("the limit passed on"), "{}", d.action);
}

#[test]
fn a_promise_is_red_once_its_day_has_passed() {
    let catalog = catalog();
    let mut app = application("ca-cls-apply", AppStatus::UnderReview, 20);
    app.promised = Some(today().add_days(-3));
    let (all, lapsing) = of(
        &catalog,
        holding(&catalog, &[], Vec::new()),
        &records(vec![app.clone()]),
    );
    let d = all
        .iter()
        .find(|d| d.kind == DeadlineKind::Promise)
        .expect("the promise");
    assert_eq!(d.severity, Some(Severity::Red));
    assert!(d.title.starts_with("CDPH LFS promised by"), "{}", d.title);
    assert!(lapsing.iter().any(|l| l.key == d.key));
    app.promised = Some(today().add_days(3));
    let (all, _) = of(
        &catalog,
        holding(&catalog, &[], Vec::new()),
        &records(vec![app]),
    );
    let d = all
        .iter()
        .find(|d| d.kind == DeadlineKind::Promise)
        .expect("the promise");
    assert_eq!(d.severity, None, "not yet passed");
}
