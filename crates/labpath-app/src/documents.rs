//! The documents of an application's checklist: one requested (of whom),
//! sent (how, with which tracking number), received, accepted or rejected
//! (why), with files attached as proof.

use labpath_engine::units::Date;
use labpath_store::attachment::CheckedFile;
use labpath_store::ids::ApplicationId;
use labpath_store::model::{ApplicationState, Attachment, ChecklistItem};
use labpath_store::ops::{self, DocUpdate};
use labpath_store::status::DocStatus;

use crate::applications::attach_all;
use crate::{App, AppError, Kind, Principal};

/// What happened to one checklist document.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The document's key.
    pub key: String,
    /// Its new status.
    pub to: DocStatus,
    /// The day.
    pub on: Date,
    /// Requested: of whom.
    pub requested_from: Option<String>,
    /// Sent: how.
    pub method: Option<String>,
    /// Sent: the tracking number.
    pub tracking: Option<String>,
    /// Rejected: why.
    pub reason: Option<String>,
    /// A note.
    pub note: Option<String>,
    /// Files to attach to the document as proof, already checked.
    pub attach: Vec<CheckedFile>,
}

/// A document after its change.
#[derive(Debug, Clone, PartialEq)]
pub struct Changed {
    /// The application as it now is.
    pub state: ApplicationState,
    /// The document as it now is.
    pub item: ChecklistItem,
    /// The files attached to it, in order.
    pub attached: Vec<Attachment>,
}

/// Records what happened to a checklist document (checked against the
/// document's state machine; a refusal is at `status`), then attaches the
/// files to it. A key the checklist does not have is "not found", naming
/// the keys it has.
pub async fn update(
    app: &App<'_>,
    who: &Principal,
    id: ApplicationId,
    change: Change,
) -> Result<Changed, AppError> {
    let current = app.application(who, id).await?;
    current
        .item_or_not_found(&change.key)
        .map_err(|e| AppError {
            kind: Kind::NotFound("document"),
            ..e.into()
        })?;
    let update = DocUpdate {
        key: change.key,
        to: change.to,
        on: change.on,
        requested_from: change.requested_from,
        method: change.method,
        tracking: change.tracking,
        reason: change.reason,
        note: change.note,
    };
    let item = ops::update_document(app.store, &who.actor, id, update)
        .await
        .map_err(|e| AppError::from(e).at("status"))?;
    let attached = attach_all(app, who, id, &change.attach, Some(&item.key), None).await?;
    let state = app.store.application(id).await?;
    Ok(Changed {
        state,
        item,
        attached,
    })
}
