//! Continuing education: each held credential's verdict (its renewal
//! deadline: where it stands, the declaration window, the expiry, what
//! clears it) with bars per category and in total, the log, adding,
//! importing and withdrawing activities.

use axum::extract::State;
use axum::response::Response;
use labpath_engine::maintenance::{Activity, CategoryId, Credit};
use labpath_engine::units::Date;
use labpath_store::ce::LoggedActivity;
use labpath_store::model::Person;
use labpath_views::compliance::CredentialView;
use serde::Serialize;

use crate::api::people::{activity_id, import_upload};
use crate::api::visible_person;
use crate::error::ApiError;
use crate::extract::{FormBody, PathParams, Upload};
use crate::pages::{Caller, Frame, PageResult, Posted, Refill, html_status, respond, see_other};
use crate::state::AppState;

/// CE: compliance of every held credential, the log, and the form to add
/// an activity.
pub async fn ce(
    State(state): State<AppState>,
    Caller(me): Caller,
    PathParams(id): PathParams<String>,
) -> Response {
    let result = async {
        let person = visible_person(&state, &me, &id).await?;
        ce_page(&state, &me, person, None).await
    }
    .await;
    respond(&state, result)
}

/// The fields of the form to log an activity a problem can stand beside;
/// one of another field (or of none) stands beside the title.
const ADD_FIELDS: [&str; 8] = [
    "title",
    "provider",
    "accreditation",
    "date",
    "amount",
    "unit",
    "categories",
    "certificate",
];

/// The units an activity's credit is given in, and their words.
const UNITS: [(&str, &str); 3] = [
    ("contact_hours", "contact hours"),
    ("semester_hours", "academic semester hours"),
    ("quarter_hours", "academic quarter hours"),
];

/// The field of `fields` a refusal is about (a file or boxes none of which
/// was ticked are not among what was sent, so `Refill` is told), else the
/// first.
fn at<'f>(e: &ApiError, fields: &[&'f str]) -> &'f str {
    fields
        .iter()
        .copied()
        .find(|f| e.field.as_deref() == Some(*f))
        .unwrap_or(fields[0])
}

/// What the CE page shows: each held credential's verdict (its renewal
/// deadline), bars, rules and sources; the log; and the forms, one of them
/// refilled when it was refused, with the problem next to its field.
#[derive(Serialize)]
struct CePage<'a> {
    frame: Frame,
    person: &'a Person,
    credentials: Vec<CredentialView<'a>>,
    log: &'a [LoggedActivity],
    /// The categories an activity may be tagged with.
    categories: Vec<&'a str>,
    /// The units of credit: value and words.
    units: &'static [(&'static str, &'static str)],
    /// A refused form (`add-form`, `import-form`, `withdraw-ID`).
    refill: Option<Refill>,
}

async fn ce_page(
    state: &AppState,
    me: &crate::auth::Principal,
    person: Person,
    refill: Option<Refill>,
) -> PageResult {
    let status = labpath_app::ce::status(&state.app(), &me.app(), person.id, Date::today()).await?;
    let view = status.view(&state.catalog);
    html_status(
        state,
        Refill::status(refill.as_ref()),
        "ce.html",
        CePage {
            frame: Frame::of(state, me),
            person: &person,
            credentials: view.credentials,
            log: view.activities,
            categories: labpath_engine::compliance::known_categories(&state.catalog),
            units: &UNITS,
            refill,
        },
    )
}

/// Imports a CSV of CE activities with their certificates: all or none.
pub async fn ce_import(
    State(state): State<AppState>,
    PathParams(id): PathParams<String>,
    Posted { me, form: upload }: Posted<Upload>,
) -> Response {
    let result = async {
        let person = visible_person(&state, &me, &id).await?;
        match import_upload(&state, &me, person.id, upload).await {
            Ok(_) => see_other(&format!("/people/{}/ce#log", person.id)),
            Err(e) => {
                let at = at(&e, &["activities", "certificates"]);
                // A browser cannot fill a file input again: nothing to keep.
                let refill = Refill::of("import-form", &FormBody(Vec::new()), at, e)?;
                ce_page(&state, &me, person, Some(refill)).await
            }
        }
    }
    .await;
    respond(&state, result)
}

/// Logs a CE activity from the form, with its certificate if one was
/// chosen.
pub async fn ce_add(
    State(state): State<AppState>,
    PathParams(id): PathParams<String>,
    Posted {
        me,
        form: mut upload,
    }: Posted<Upload>,
) -> Response {
    let result = async {
        let person = visible_person(&state, &me, &id).await?;
        let certificate = upload.take_file("certificate");
        let others = upload.no_other_files();
        let attempt = async {
            let activity = read_activity(&upload.fields)?;
            let certificate = certificate?
                .map(crate::api::files::check_file)
                .transpose()?;
            others?;
            labpath_app::ce::add(
                &state.app(),
                &me.app(),
                person.id,
                activity,
                certificate,
                None,
            )
            .await
            .and_then(labpath_app::once::Made::new_only)
            .map_err(ApiError::from)
            .map_err(|e| match e.field.as_deref() {
                Some("credit") => e.at("amount"),
                Some(f) if f.starts_with("categories") => e.at("categories"),
                _ => e,
            })
        }
        .await;
        match attempt {
            Ok(_) => see_other(&format!("/people/{}/ce", person.id)),
            Err(e) => {
                let at = at(&e, &ADD_FIELDS);
                let refill = Refill::of("add-form", &upload.fields, at, e)?;
                ce_page(&state, &me, person, Some(refill)).await
            }
        }
    }
    .await;
    respond(&state, result)
}

/// The activity the form describes; a missing or unreadable field is
/// refused at that field.
fn read_activity(form: &FormBody) -> Result<Activity, ApiError> {
    let title = form
        .get("title")
        .ok_or_else(|| ApiError::invalid("an activity needs a title").at("title"))?;
    let date = form
        .get("date")
        .ok_or_else(|| ApiError::invalid("give the day it was completed").at("date"))
        .and_then(|t| Date::parse(t).map_err(|e| ApiError::invalid(e.to_string()).at("date")))?;
    let amount: f64 = form
        .get("amount")
        .ok_or_else(|| ApiError::invalid("give the hours").at("amount"))?
        .parse()
        .map_err(|_| ApiError::invalid("hours are a number, such as 1.5").at("amount"))?;
    let credit = match form.get("unit").unwrap_or("contact_hours") {
        "contact_hours" => Credit::ContactHours(amount),
        "semester_hours" => Credit::SemesterHours(amount),
        "quarter_hours" => Credit::QuarterHours(amount),
        other => {
            return Err(ApiError::invalid(format!("unknown unit `{other}`")).at("unit"));
        }
    };
    let categories = form
        .all("categories")
        .into_iter()
        .map(|c| CategoryId::new(c).map_err(|e| ApiError::invalid(e.to_string()).at("categories")))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Activity {
        title: title.to_owned(),
        provider: form.get("provider").map(str::to_owned),
        accreditation: form.get("accreditation").map(str::to_owned),
        date,
        credit,
        categories,
        certificate: None,
    })
}

/// Withdraws a CE activity logged by mistake, saying why.
pub async fn ce_withdraw(
    State(state): State<AppState>,
    PathParams((id, activity)): PathParams<(String, String)>,
    Posted { me, form }: Posted<FormBody>,
) -> Response {
    let result = async {
        let person = visible_person(&state, &me, &id).await?;
        let reason = form.get("reason").unwrap_or("");
        let withdrawn = async {
            let id = activity_id(&activity)?;
            labpath_app::ce::withdraw(&state.app(), &me.app(), person.id, id, reason)
                .await
                .map_err(ApiError::from)
        };
        match withdrawn.await {
            Ok(_) => see_other(&format!("/people/{}/ce", person.id)),
            Err(e) => {
                let refill = Refill::of(format!("withdraw-{activity}"), &form, "reason", e)?;
                ce_page(&state, &me, person, Some(refill)).await
            }
        }
    }
    .await;
    respond(&state, result)
}
