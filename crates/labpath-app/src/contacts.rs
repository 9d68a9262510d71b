//! The contact log of an application: calls, emails, letters and portal
//! messages, with whom, what was said and any day promised, with files
//! attached (the letter, the email). Contacts since submission count as
//! escalation steps taken.

use labpath_engine::units::Date;
use labpath_store::attachment::CheckedFile;
use labpath_store::event::{Channel, ContactEntry};
use labpath_store::ids::ApplicationId;
use labpath_store::model::{Attachment, Contact};
use labpath_store::ops;

use crate::applications::attach_all;
use crate::{App, AppError, Principal};

/// The application's contact log, oldest first.
pub async fn list(
    app: &App<'_>,
    who: &Principal,
    id: ApplicationId,
) -> Result<Vec<Contact>, AppError> {
    app.application(who, id).await?;
    Ok(app.store.contacts(id).await?)
}

/// A contact to log.
#[derive(Debug, Clone, PartialEq)]
pub struct NewContact {
    /// The day.
    pub on: Date,
    /// How.
    pub channel: Channel,
    /// Whom they reached (empty: not said).
    pub with: Option<String>,
    /// What was said.
    pub summary: String,
    /// A day the body promised something by.
    pub promised: Option<Date>,
    /// Files to attach to the contact, already checked.
    pub attach: Vec<CheckedFile>,
}

/// A contact as logged, with its files.
#[derive(Debug, Clone, PartialEq)]
pub struct Logged {
    /// The contact.
    pub contact: Contact,
    /// The files attached to it, in order.
    pub attached: Vec<Attachment>,
}

/// Logs a contact on the application, then attaches the files to it.
pub async fn add(
    app: &App<'_>,
    who: &Principal,
    id: ApplicationId,
    new: NewContact,
) -> Result<Logged, AppError> {
    app.application(who, id).await?;
    if new.summary.trim().is_empty() {
        return Err(AppError::invalid("say what was said: `summary` is empty").at("summary"));
    }
    crate::error::happened_on(new.on, "on", "the contact day")?;
    let entry = ContactEntry {
        on: new.on,
        channel: new.channel,
        with: new.with.filter(|w| !w.trim().is_empty()),
        summary: new.summary,
        promised: new.promised,
    };
    let contact = ops::add_contact(app.store, &who.actor, id, entry).await?;
    let attached = attach_all(app, who, id, &new.attach, None, Some(contact.id)).await?;
    Ok(Logged { contact, attached })
}
