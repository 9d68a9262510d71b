//! The renewal days of the credentials people hold: for each held
//! credential with renewal rules, the day its declaration window closes (if
//! the rules have one) and the day its cycle ends, with how much continuing
//! education is still missing. The same facts `labpath calendar` lists
//! (where the window's opening is also shown; an email is sent for the days
//! something must be done by).

use labpath_engine::catalog::Catalog;
use labpath_engine::compliance::compliance;
use labpath_engine::maintenance::Activity;
use labpath_engine::profile::Profile;
use labpath_engine::provenance::Provenance;
use labpath_engine::units::Date;
use labpath_store::ids::PersonId;
use labpath_store::model::Person;
use labpath_store::{Store, StoreError, ce};

/// Which renewal day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenewalDay {
    /// The last day to declare the renewal.
    WindowCloses,
    /// The last day of the cycle.
    Expires,
}

/// One renewal day of one person's credential.
#[derive(Debug, Clone, PartialEq)]
pub struct Renewal {
    /// Whose.
    pub person: PersonId,
    /// The credential's id (`ascp-mls`).
    pub credential: String,
    /// Its abbreviation (`MLS(ASCP)`).
    pub abbreviation: String,
    /// The rule set's id.
    pub rules: String,
    /// Its name ("ASCP Credential Maintenance Program, MLS").
    pub rules_name: String,
    /// Which day.
    pub kind: RenewalDay,
    /// The day.
    pub day: Date,
    /// The cycle: first and last day.
    pub cycle: (Date, Date),
    /// "continuing education complete" or "12 points still missing".
    pub standing: String,
    /// What a lapse means, in the catalog's words.
    pub lapse: Option<String>,
    /// Where the rules come from.
    pub provenance: Provenance,
}

/// The renewal days of everyone with a profile, as of `today`. A stored
/// profile the engine can no longer read is skipped, as the agenda does.
pub async fn renewals(
    store: &dyn Store,
    catalog: &Catalog,
    people: &[Person],
    today: Date,
) -> Result<Vec<Renewal>, StoreError> {
    let mut out = Vec::new();
    for person in people {
        let Some(version) = store.profile(person.id, None).await? else {
            continue;
        };
        let Ok(profile) = serde_json::from_value::<Profile>(version.profile) else {
            continue;
        };
        if profile.credentials.is_empty() {
            continue;
        }
        let log = ce::log(store, person.id).await?;
        let activities: Vec<Activity> = log.into_iter().map(|a| a.activity).collect();
        out.extend(of_person(catalog, person.id, &profile, &activities, today));
    }
    Ok(out)
}

/// One person's renewal days.
pub fn of_person(
    catalog: &Catalog,
    person: PersonId,
    profile: &Profile,
    activities: &[Activity],
    today: Date,
) -> Vec<Renewal> {
    let mut out = Vec::new();
    for c in compliance(catalog, profile, activities, today) {
        let Some(a) = &c.assessment else { continue };
        let standing = if a.met {
            "continuing education complete".to_owned()
        } else {
            format!("{} {} still missing", a.missing, c.rules.unit)
        };
        let days = a
            .window
            .map(|(_, closes)| (RenewalDay::WindowCloses, closes))
            .into_iter()
            .chain([(RenewalDay::Expires, a.end)]);
        for (kind, day) in days {
            out.push(Renewal {
                person,
                credential: c.credential.id.to_string(),
                abbreviation: c.credential.abbreviation.clone(),
                rules: c.rules.id.to_string(),
                rules_name: c.rules.name.clone(),
                kind,
                day,
                cycle: (a.start, a.end),
                standing: standing.clone(),
                lapse: c.rules.lapse.clone(),
                provenance: c.rules.provenance.clone(),
            });
        }
    }
    out
}
