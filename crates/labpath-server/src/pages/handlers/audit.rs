//! The audit log as a page (admins): who did what, when and from where,
//! filtered by user, action and days, newest first, a page at a time.

use axum::extract::State;
use axum::response::Response;
use labpath_app::accounts;
use labpath_store::accounts::{AuditEntry, User};
use labpath_store::model::Window;
use serde::Serialize;

use crate::api::account::AuditQuery;
use crate::pages::{Caller, Frame, encode, html, respond};
use crate::state::AppState;

use super::{Q, q};

/// Lines shown per page.
const PER_PAGE: u64 = 50;

/// What the audit page shows.
#[derive(Serialize)]
struct AuditPage {
    frame: Frame,
    /// The filter as typed, to fill the form again.
    user: String,
    action: String,
    from: String,
    until: String,
    /// The organization's accounts, to choose whose lines.
    users: Vec<User>,
    lines: Vec<AuditLine>,
    total: u64,
    /// The query of the next (older) page, when there is one.
    older: Option<String>,
}

/// One line, with the user's name when the line names an account.
#[derive(Serialize)]
struct AuditLine {
    #[serde(flatten)]
    entry: AuditEntry,
    /// `2026-12-02 21:40:05 UTC`.
    when: String,
    who: Option<String>,
}

/// `GET /audit`: the organization's audit log (admins; in local mode the
/// data directory's).
pub async fn audit(State(state): State<AppState>, Caller(me): Caller, query: Q) -> Response {
    let result = async {
        let text = |name| q(&query, name).unwrap_or("").to_owned();
        let asked = AuditQuery {
            before: q(&query, "before").map(str::to_owned),
            limit: None,
            user: q(&query, "user").map(str::to_owned),
            action: q(&query, "action").map(str::to_owned),
            from: q(&query, "from").map(str::to_owned),
            until: q(&query, "until").map(str::to_owned),
        };
        let filter = asked.filter()?;
        let window = Window {
            offset: 0,
            limit: PER_PAGE,
        };
        let found = accounts::audit(&state.app(), &me.app(), &filter, window).await?;
        let users = match me.org() {
            Some(_) => {
                let all = Window {
                    offset: 0,
                    limit: 500,
                };
                accounts::users(&state.app(), &me.app(), all).await?.items
            }
            None => Vec::new(),
        };
        let name_of = |id| users.iter().find(|u| u.id == id).map(|u| u.name.clone());
        let older = match found.items.last() {
            Some(last) if found.total > found.items.len() as u64 => Some(format!(
                "user={}&action={}&from={}&until={}&before={}",
                encode(&text("user")),
                encode(&text("action")),
                encode(&text("from")),
                encode(&text("until")),
                last.id
            )),
            _ => None,
        };
        let lines = found
            .items
            .into_iter()
            .map(|entry| {
                let at = entry.at.to_string();
                let when = match (at.get(..10), at.get(11..19)) {
                    (Some(day), Some(time)) => format!("{day} {time} UTC"),
                    _ => at,
                };
                AuditLine {
                    when,
                    who: entry.user.and_then(name_of),
                    entry,
                }
            })
            .collect();
        html(
            &state,
            "audit.html",
            AuditPage {
                frame: Frame::of(&state, &me),
                user: text("user"),
                action: text("action"),
                from: text("from"),
                until: text("until"),
                users,
                lines,
                total: found.total,
                older,
            },
        )
    }
    .await;
    respond(&state, result)
}
