//! Files of an application (receipts, letters, scans): attached to it, to
//! one of its checklist documents or to a logged contact, listed, and read
//! back as stored, with the type checked when they were.

use labpath_store::attachment::CheckedFile;
use labpath_store::ids::{ApplicationId, EventId};
use labpath_store::model::Attachment;
use labpath_store::ops;

use crate::{App, AppError, Principal};

/// What in the application a file is attached to, as the user named it:
/// the application itself (neither), a checklist document (its key) or a
/// logged contact (its id).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AttachTo {
    /// A checklist document's key.
    pub document: Option<String>,
    /// A logged contact's id.
    pub contact: Option<String>,
}

/// Attaches a checked file to the application, or to the document or
/// contact named; a name the application does not have is refused at its
/// field, before the file is stored.
pub async fn add(
    app: &App<'_>,
    who: &Principal,
    id: ApplicationId,
    file: CheckedFile,
    to: AttachTo,
) -> Result<Attachment, AppError> {
    let state = app.application(who, id).await?;
    let document = match &to.document {
        None => None,
        Some(key) => Some(
            state
                .item_or_not_found(key)
                .map_err(|e| AppError::from(e).at("document"))?
                .key
                .clone(),
        ),
    };
    let contact = match &to.contact {
        None => None,
        Some(text) => {
            let not_logged = || {
                AppError::invalid(format!(
                    "application {id} has no logged contact `{}`",
                    labpath_engine::limits::quote(text)
                ))
                .at("contact")
            };
            let contact: EventId = text.trim().parse().map_err(|_| not_logged())?;
            let contacts = app.store.contacts(id).await?;
            if !contacts.iter().any(|c| c.id == contact) {
                return Err(not_logged());
            }
            Some(contact)
        }
    };
    Ok(ops::attach(app.store, &who.actor, id, &file, document, contact).await?)
}

/// The application's files, oldest first.
pub async fn list(
    app: &App<'_>,
    who: &Principal,
    id: ApplicationId,
) -> Result<Vec<Attachment>, AppError> {
    app.application(who, id).await?;
    Ok(app.store.attachments(id).await?)
}

/// A stored file to hand back: its name, its type checked when it was
/// stored (or read from its content), and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Download {
    /// The name it is offered under.
    pub name: String,
    /// Its media type.
    pub media_type: String,
    /// The content.
    pub bytes: Vec<u8>,
}

/// One file of the application, as stored; "not found" when the
/// application has no attachment `attachment` (an id).
pub async fn file(
    app: &App<'_>,
    who: &Principal,
    id: ApplicationId,
    attachment: &str,
) -> Result<Download, AppError> {
    app.application(who, id).await?;
    let missing = || {
        AppError::missing(
            "attachment",
            format!("application {id} has no attachment `{attachment}`"),
        )
    };
    let wanted: EventId = attachment.trim().parse().map_err(|_| missing())?;
    let found = app
        .store
        .attachments(id)
        .await?
        .into_iter()
        .find(|a| a.id == wanted)
        .ok_or_else(missing)?;
    let bytes = app.store.file(&found.file.hash).await?;
    Ok(Download {
        name: found.file.name,
        media_type: found.file.media_type,
        bytes,
    })
}
