//! Continuing education: the log, one activity or a CSV of them (with their
//! certificates), withdrawals, and compliance against every held
//! credential's renewal rules.

use std::collections::HashMap;

use labpath_catalog::diag::unknown_word;
use labpath_engine::catalog::Credential;
use labpath_engine::compliance::{
    CredentialCompliance, check_in_some_cycle, compliance, known_categories,
};
use labpath_engine::maintenance::Activity;
use labpath_engine::units::Date;
use labpath_store::attachment::CheckedFile;
use labpath_store::ce::{self, LoggedActivity};
use labpath_store::event::Event;
use labpath_store::ids::{EventId, PersonId};
use labpath_store::once::Write;
use labpath_views::audit_pack;
use labpath_views::deadlines::Deadline;

use crate::attachments::Download;
use crate::error::first_of;
use crate::once::{Made, RequestKey, one, record};
use crate::{App, AppError, Kind, Principal, Problem};

/// The person's log (withdrawn activities left out).
pub async fn log(
    app: &App<'_>,
    who: &Principal,
    person: PersonId,
) -> Result<Vec<LoggedActivity>, AppError> {
    app.person(who, person).await?;
    Ok(ce::log(app.store, person).await?)
}

/// The categories of an activity, each known to the catalog; the first
/// unknown one is refused at `categories[i]`, with the nearest known word.
fn check_categories(app: &App<'_>, activity: &Activity) -> Result<(), AppError> {
    let known = known_categories(app.catalog);
    for (i, c) in activity.categories.iter().enumerate() {
        if let Some(why) = unknown_word("category", c.as_str(), &known) {
            return Err(AppError::invalid(why).at(format!("categories[{i}]")));
        }
    }
    Ok(())
}

/// Logs an activity after every check: known categories, a positive
/// credit, a certificate that is a document or an image and proves no
/// other activity, and a day inside a renewal cycle of a credential the
/// person holds. Nothing is stored when a check fails.
pub async fn add(
    app: &App<'_>,
    who: &Principal,
    person: PersonId,
    activity: Activity,
    certificate: Option<CheckedFile>,
    key: Option<&RequestKey>,
) -> Result<Made<LoggedActivity>, AppError> {
    app.person(who, person).await?;
    if activity.certificate.is_some() {
        return Err(AppError::invalid(
            "a certificate is sent as a file, not named in the activity",
        )
        .at("certificate"));
    }
    // Its own bounds first (the number of categories among them), then
    // each category against the catalog.
    ce::check_activity(&activity)?;
    check_categories(app, &activity)?;
    if let Some(file) = &certificate {
        ce::check_certificate(file).map_err(|e| AppError::from(e).at("certificate"))?;
    }
    let profile = app.require_profile(person).await?;
    check_in_some_cycle(app.catalog, &profile, activity.date)
        .map_err(|why| AppError::invalid(why).at("date"))?;
    let batch = vec![(activity, certificate.as_ref())];
    let pending = ce::logging(app.store, &who.actor, person, batch).await?;
    let made = |events: &[Event]| one(ce::logged(events), "activity");
    record(app, key, Write::Append(pending), made)
        .await
        .map_err(|e| match e.kind {
            // The one conflict an activity meets: its certificate already
            // proves another.
            Kind::Conflict if certificate.is_some() => e.at("certificate"),
            _ => e,
        })
}

/// Where an import's certificates come from: the files uploaded with the
/// CSV (server), or the files next to it (CLI).
pub trait Certificates: Send {
    /// The file a line names, read and checked as an attachment; why not
    /// otherwise (not sent, unreadable, too large).
    fn take(&mut self, name: &str) -> Result<CheckedFile, String>;

    /// Files sent that no line named: each is refused rather than dropped.
    fn unnamed(&self) -> Vec<String>;
}

/// A line of an import, read and checked: its line, activity and
/// certificate.
type ImportLine = (usize, Activity, Option<CheckedFile>);

/// Logs every activity of a CE CSV (`file` names it in messages), with the
/// certificates its lines name, or none. Every line is checked (the CSV
/// itself, known categories, a renewal cycle, plain text, each
/// certificate's type, a certificate proving one activity only) and every
/// problem listed, with its line, before any activity is logged.
pub async fn import(
    app: &App<'_>,
    who: &Principal,
    person: PersonId,
    file: &str,
    text: &str,
    certificates: &mut dyn Certificates,
) -> Result<Vec<LoggedActivity>, AppError> {
    app.person(who, person).await?;
    // The lines that read well are checked further even when others did
    // not, so every problem of the file is listed at once.
    let (rows, unread) = crate::ce_csv::read_partly(text);
    let mut problems: Vec<Problem> = unread.into_iter().map(Problem::from).collect();
    let profile = app.require_profile(person).await?;
    let log = ce::log(app.store, person).await?;
    // The certificates already proving an activity, and those of the lines
    // read so far, by hash: each line is checked in one lookup, whatever
    // the size of the log or of the file.
    let mut proving: HashMap<String, String> = log
        .iter()
        .filter_map(|a| {
            let hash = a.activity.certificate.clone()?;
            Some((
                hash,
                format!(
                    "this certificate already proves activity {} (`{}`)",
                    a.id, a.activity.title
                ),
            ))
        })
        .collect();
    let known = known_categories(app.catalog);
    let mut ready: Vec<ImportLine> = Vec::new();
    for row in rows {
        let line = row.line;
        let mut problem = |field: &str, message: String| {
            problems.push(Problem {
                field: Some(field.to_owned()),
                line: Some(line),
                message,
            });
        };
        // The line's own bounds (its texts, credit and number of
        // categories), at its column; its categories are looked up in the
        // catalog only when there are not too many.
        if let Err(e) = ce::check_activity(&row.activity) {
            let e = AppError::from(e);
            let column = match e.field.as_deref().unwrap_or("title") {
                "credit" => "amount",
                field => field.split('[').next().unwrap_or(field),
            };
            problem(column, e.message);
        }
        if row.activity.categories.len() <= labpath_engine::limits::MAX_CATEGORIES {
            for c in &row.activity.categories {
                if let Some(why) = unknown_word("category", c.as_str(), &known) {
                    problem("categories", why);
                }
            }
        }
        if let Err(why) = check_in_some_cycle(app.catalog, &profile, row.activity.date) {
            problem("date", why);
        }
        let texts = [
            ("title", Some(&row.activity.title)),
            ("provider", row.activity.provider.as_ref()),
            ("accreditation", row.activity.accreditation.as_ref()),
        ];
        for (field, text) in texts {
            if let Some(Err(e)) = text.map(|t| labpath_store::state::check_plain_text(t)) {
                problem(field, e.to_string());
            }
        }
        let certificate = match &row.certificate {
            None => None,
            Some(name) => match line_certificate(name, certificates, &mut proving, line) {
                Ok(file) => Some(file),
                Err(why) => {
                    problem("certificate", why);
                    None
                }
            },
        };
        ready.push((line, row.activity, certificate));
    }
    for name in certificates.unnamed() {
        problems.push(Problem {
            field: Some("certificates".to_owned()),
            line: None,
            message: format!(
                "`{name}` is the certificate of no line: name it in a line's `certificate` \
                 column, or leave it out"
            ),
        });
    }
    if !problems.is_empty() {
        // In the order of the file; problems of no line (files sent but not
        // named) last.
        problems.sort_by_key(|p| p.line.unwrap_or(usize::MAX));
        let message = match first_of(&problems) {
            Some(first) => format!("`{file}`: {first}; nothing was logged"),
            None => format!("`{file}` could not be read; nothing was logged"),
        };
        return Err(AppError {
            kind: Kind::Invalid,
            message,
            field: None,
            problems,
        });
    }
    let batch = ready
        .iter()
        .map(|(_, activity, certificate)| (activity.clone(), certificate.as_ref()))
        .collect();
    // All or nothing: written in batches, the activities join the log
    // together when the last one is in; a refusal on the way (the same
    // certificate attached meanwhile) logs none.
    Ok(ce::import_activities(app.store, &who.actor, person, file, batch).await?)
}

/// The certificate an import's line names, checked: a document or an
/// image, proving no other activity, logged or earlier in the file
/// (`proving` holds those, and takes this one for the lines after).
fn line_certificate(
    name: &str,
    certificates: &mut dyn Certificates,
    proving: &mut HashMap<String, String>,
    line: usize,
) -> Result<CheckedFile, String> {
    let file = certificates.take(name)?;
    ce::check_certificate(&file).map_err(|e| e.to_string())?;
    if let Some(twin) = proving.get(&file.hash) {
        return Err(twin.clone());
    }
    proving.insert(
        file.hash.clone(),
        format!("the same file is the certificate of line {line} too"),
    );
    Ok(file)
}

/// A logged activity of the person; "not found" when the log has none such.
pub async fn activity(
    app: &App<'_>,
    who: &Principal,
    person: PersonId,
    activity: EventId,
) -> Result<LoggedActivity, AppError> {
    log(app, who, person)
        .await?
        .into_iter()
        .find(|a| a.id == activity)
        .ok_or_else(|| {
            AppError::missing(
                "activity",
                format!("person {person} has no logged activity `{activity}`"),
            )
        })
}

/// The certificate of a logged activity of the person, as stored, with
/// the type read from its content; "not found" when it has none.
pub async fn certificate(
    app: &App<'_>,
    who: &Principal,
    person: PersonId,
    id: EventId,
) -> Result<Download, AppError> {
    let logged = activity(app, who, person, id).await?;
    let hash = logged.activity.certificate.ok_or_else(|| {
        AppError::missing(
            "certificate",
            format!(
                "activity {} of person {person} has no certificate",
                logged.id
            ),
        )
    })?;
    let bytes = app.store.file(&hash).await?;
    let media_type = labpath_store::attachment::sniff(&bytes).unwrap_or("application/octet-stream");
    Ok(Download {
        // Named for its type when it is downloaded (`certificate-12.pdf`).
        name: format!("certificate-{}", logged.id),
        media_type: media_type.to_owned(),
        bytes,
    })
}

/// Withdraws a logged activity, saying why; the history keeps it.
pub async fn withdraw(
    app: &App<'_>,
    who: &Principal,
    person: PersonId,
    id: EventId,
    reason: &str,
) -> Result<LoggedActivity, AppError> {
    let logged = activity(app, who, person, id).await?;
    if reason.trim().is_empty() {
        return Err(AppError::invalid("say why the activity is withdrawn").at("reason"));
    }
    ce::remove_activity(app.store, &who.actor, person, logged.id, reason).await?;
    Ok(logged)
}

/// A person's compliance on a day: the log and each held credential's
/// assessment, with its renewal deadline.
pub struct Compliance<'c> {
    /// The day assessed.
    pub as_of: Date,
    /// The activities logged.
    pub log: Vec<LoggedActivity>,
    /// Each held credential with renewal rules.
    pub credentials: Vec<CredentialCompliance<'c>>,
    /// The renewal deadline of each (`crate::deadlines::renewal`: the
    /// verdict, its severity and what clears it), in the same order; `None`
    /// where the cycle cannot be placed.
    pub renewals: Vec<Option<Deadline>>,
}

impl Compliance<'_> {
    /// As every front end shows it.
    pub fn view<'a>(
        &'a self,
        catalog: &'a labpath_engine::catalog::Catalog,
    ) -> labpath_views::compliance::ComplianceView<'a> {
        labpath_views::compliance::view(
            catalog,
            self.as_of,
            &self.log,
            &self.credentials,
            &self.renewals,
        )
    }
}

/// Compliance of every held credential with renewal rules on `as_of`:
/// cycle, points, categories, deadline, declaration window, fees.
pub async fn status<'c>(
    app: &App<'c>,
    who: &Principal,
    person: PersonId,
    as_of: Date,
) -> Result<Compliance<'c>, AppError> {
    let someone = app.person(who, person).await?;
    let profile = app.require_profile(person).await?;
    let log = ce::log(app.store, person).await?;
    let activities: Vec<Activity> = log.iter().map(|a| a.activity.clone()).collect();
    let credentials = compliance(app.catalog, &profile, &activities, as_of);
    let renewals = credentials
        .iter()
        .map(|c| crate::deadlines::renewal(&someone, c, as_of))
        .collect();
    Ok(Compliance {
        as_of,
        log,
        credentials,
        renewals,
    })
}

/// The audit pack of a held credential on `as_of`, written into `out` (a
/// file): the summary and the certificates of the activities that count in
/// its cycle. Returns the output and how many certificates it holds. The
/// profile must hold the credential and the catalog must have its renewal
/// rules (refused at `credential` otherwise). The certificates are read
/// and written one at a time, the writing on a blocking thread, so a pack
/// of any size takes the memory of its largest certificate and keeps no
/// async worker busy.
pub async fn audit_pack<W>(
    app: &App<'_>,
    who: &Principal,
    person: PersonId,
    credential: &Credential,
    as_of: Date,
    out: W,
) -> Result<(W, usize), AppError>
where
    W: std::io::Write + std::io::Seek + Send + 'static,
{
    app.person(who, person).await?;
    let profile = app.require_profile(person).await?;
    let refuse = |why: String| AppError::invalid(why).at("credential");
    if !profile.credentials.iter().any(|h| h.id == credential.id) {
        return Err(refuse(format!(
            "person {person}'s profile does not hold `{}`",
            credential.id
        )));
    }
    let log = ce::log(app.store, person).await?;
    let activities: Vec<Activity> = log.iter().map(|a| a.activity.clone()).collect();
    let result: Vec<CredentialCompliance<'_>> =
        compliance(app.catalog, &profile, &activities, as_of)
            .into_iter()
            .filter(|c| c.credential.id == credential.id)
            .collect();
    if result.is_empty() {
        return Err(refuse(format!(
            "the catalog has no renewal rules for `{}`",
            credential.id
        )));
    }
    let failed = |why: String| AppError {
        kind: Kind::Backend,
        message: why,
        field: None,
        problems: Vec::new(),
    };
    let mut pack = audit_pack::Writer::new(out);
    for (id, hash) in audit_pack::counted(&log, &result) {
        let bytes = app.store.file(hash).await?;
        let hash = hash.to_owned();
        pack =
            tokio::task::spawn_blocking(move || pack.certificate(id, &hash, &bytes).map(|()| pack))
                .await
                .map_err(|e| failed(format!("writing the audit pack: {e}")))?
                .map_err(failed)?;
    }
    let subject = audit_pack::Subject {
        person,
        profile: &profile,
        credential,
        as_of,
    };
    pack.finish(&subject, &log, &result).map_err(failed)
}
