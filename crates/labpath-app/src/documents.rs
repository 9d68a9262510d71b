//! The documents of an application's checklist: one requested (of whom),
//! sent (how, with which tracking number), received, accepted or rejected
//! (why), with files attached as proof.

use labpath_store::attachment::CheckedFile;
use labpath_store::ids::ApplicationId;
use labpath_store::model::{ApplicationState, Attachment, ChecklistItem};
use labpath_store::ops::{self, DocUpdate};

use crate::applications::attach_all;
use crate::{App, AppError, Kind, Principal};

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
/// files (already checked) to it. A key the checklist does not have is "not found", naming
/// the keys it has.
pub async fn update(
    app: &App<'_>,
    who: &Principal,
    id: ApplicationId,
    change: DocUpdate,
    attach: &[CheckedFile],
) -> Result<Changed, AppError> {
    let current = app.application(who, id).await?;
    current
        .item_or_not_found(&change.key)
        .map_err(|e| AppError {
            kind: Kind::NotFound("document"),
            ..e.into()
        })?;
    crate::error::happened_on(change.on, "on", "the day")?;
    let item = ops::update_document(app.store, &who.actor, id, change)
        .await
        .map_err(|e| AppError::from(e).or_at("status"))?;
    let attached = attach_all(app, who, id, attach, Some(&item.key), None).await?;
    let state = app.store.application(id).await?;
    Ok(Changed {
        state,
        item,
        attached,
    })
}
