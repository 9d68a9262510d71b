//! A refused form as its page shows it again: what was sent in each field,
//! exactly as typed, and each problem beside the field it is about. Every
//! page form goes through [`Refill::of`], so which errors are refusals (the
//! page again, 422 or 409) and which are not (the error page), where a
//! problem without a field of the form goes, and what is kept, are decided
//! here once; the templates read it with the `m.invalid`, `m.problems`,
//! `m.value` and `m.refused` macros of `macros.html`.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use serde::Serialize;

use super::PageError;
use crate::error::{ApiError, Detail};
use crate::extract::FormBody;

/// A refused form: its values and its problems, by field.
#[derive(Debug, Clone, Serialize)]
pub struct Refill {
    /// The refused form's element id on its page (`contact-form`,
    /// `doc-form-1`): on a page with several forms, only that one is shown
    /// filled in and with problems; the summary links to it.
    pub form: String,
    /// What was sent in each field (its first value, as typed; not the
    /// CSRF token).
    pub values: BTreeMap<String, String>,
    /// Every value of each field, for boxes and lists where several may be
    /// chosen.
    pub all: BTreeMap<String, Vec<String>>,
    /// The problems, by the form field they are about. A problem inside a
    /// field (a profile's `education[0].completed`, at a line) keeps that
    /// path and line; one about the field as a whole has neither.
    pub problems: BTreeMap<String, Vec<Detail>>,
    /// How many problems in all.
    pub count: usize,
    /// 422, or 409 when the input conflicts with what is stored.
    #[serde(skip)]
    pub status: StatusCode,
}

impl Refill {
    /// The form `form` refused by `e`, with what was `sent`: each problem at
    /// the field it names when the form sent that field, else at `at` (the
    /// field the form is mostly about). An error that is not a refusal of
    /// the input (not found, forbidden, a failure) is the error page's.
    pub fn of(
        form: impl Into<String>,
        sent: &FormBody,
        at: &str,
        e: ApiError,
    ) -> Result<Refill, PageError> {
        let status = match e.status {
            StatusCode::CONFLICT => StatusCode::CONFLICT,
            StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            _ => return Err(PageError::Api(e)),
        };
        let mut values = BTreeMap::new();
        let mut all: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (name, value) in sent.0.iter().filter(|(name, _)| name != "csrf") {
            values.entry(name.clone()).or_insert_with(|| value.clone());
            all.entry(name.clone()).or_default().push(value.clone());
        }
        let field_of = |named: Option<&String>| match named {
            Some(f) if values.contains_key(f) || f == at => f.clone(),
            _ => at.to_owned(),
        };
        let mut problems: BTreeMap<String, Vec<Detail>> = BTreeMap::new();
        if e.details.is_empty() {
            let whole = Detail {
                field: None,
                line: None,
                message: e.message,
            };
            problems
                .entry(field_of(e.field.as_ref()))
                .or_default()
                .push(whole);
        } else {
            for mut d in e.details {
                let field = field_of(d.field.as_ref());
                if d.field.as_ref() == Some(&field) {
                    d.field = None;
                }
                problems.entry(field).or_default().push(d);
            }
        }
        let count = problems.values().map(Vec::len).sum();
        Ok(Refill {
            form: form.into(),
            values,
            all,
            problems,
            count,
            status,
        })
    }

    /// The status a page answers with: 200 when `refill` is `None`.
    pub fn status(refill: Option<&Refill>) -> StatusCode {
        refill.map_or(StatusCode::OK, |r| r.status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(fields: &[(&str, &str)]) -> FormBody {
        FormBody(
            fields
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn a_problem_goes_to_the_field_it_names_when_the_form_has_it_else_to_the_default() {
        let form = sent(&[("csrf", "t"), ("on", "2099-01-01"), ("note", " kept ")]);
        let at_on = Refill::of("f", &form, "status", ApiError::invalid("later").at("on"))
            .expect("a refusal");
        assert_eq!(at_on.problems["on"][0].message, "later");
        assert_eq!(at_on.values["note"], " kept ", "kept as typed");
        assert!(!at_on.values.contains_key("csrf"), "no token in the refill");
        let elsewhere = Refill::of(
            "f",
            &form,
            "status",
            ApiError::invalid("no").at("application"),
        )
        .expect("a refusal");
        assert_eq!(elsewhere.problems["status"][0].message, "no");
        assert_eq!(elsewhere.status, StatusCode::UNPROCESSABLE_ENTITY);
    }

    #[test]
    fn a_conflict_is_409_and_not_found_or_a_failure_is_the_error_page() {
        let form = sent(&[("name", "x")]);
        let conflict = Refill::of("f", &form, "name", ApiError::conflict("taken"))
            .expect("a conflict is a refusal");
        assert_eq!(conflict.status, StatusCode::CONFLICT);
        for e in [
            ApiError::not_found("gone"),
            ApiError::forbidden("no"),
            ApiError::internal("broke"),
        ] {
            assert!(Refill::of("f", &form, "name", e).is_err());
        }
    }

    #[test]
    fn each_detail_is_kept_with_its_inner_path_and_line() {
        let form = sent(&[("profile", "[person]")]);
        let e = ApiError::invalid("two problems").with_details(vec![
            Detail {
                field: Some("education[0].completed".into()),
                line: Some(10),
                message: "not a day".into(),
            },
            Detail {
                field: None,
                line: Some(2),
                message: "unknown key".into(),
            },
        ]);
        let r = Refill::of("f", &form, "profile", e).expect("a refusal");
        assert_eq!(r.count, 2);
        let at = &r.problems["profile"];
        assert_eq!(at[0].field.as_deref(), Some("education[0].completed"));
        assert_eq!(at[0].line, Some(10));
        assert_eq!(at[1].line, Some(2));
    }
}
