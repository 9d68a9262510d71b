//! The export format: the whole event log and every attached file, as one
//! JSON document. Importing it into an empty store rebuilds everything with
//! the same ids; exporting again gives the same document (but for
//! `exported_at`).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

use crate::attachment::{hash, is_hash};
use crate::error::StoreError;
use crate::event::{Change, Event};
use crate::model::EventQuery;
use crate::store::{Store, StoredFile};
use crate::time::Timestamp;

/// The value of `format` in every export.
pub const FORMAT: &str = "labpath-tracker-export";

/// The version of the export format: 2 holds CE certificates as well as
/// attachments (version 1 left certificates out).
pub const VERSION: u32 = 2;

/// A whole export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Export {
    /// Always `labpath-tracker-export`.
    pub format: String,
    /// The format version.
    pub version: u32,
    /// When it was made.
    pub exported_at: Timestamp,
    /// The log, oldest first.
    pub events: Vec<Event>,
    /// Every attached file.
    pub files: Vec<ExportedFile>,
}

/// A file in an export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ExportedFile {
    /// SHA-256, lower-case hex.
    pub hash: String,
    /// The content, base64.
    pub base64: String,
}

/// The files a log refers to, by hash, each once, in order: attachments
/// and CE certificates.
pub fn referenced(events: &[Event]) -> Vec<&str> {
    let mut hashes: Vec<&str> = events
        .iter()
        .filter_map(|e| match &e.change {
            Change::AttachmentAdded(a) => Some(a.hash.as_str()),
            Change::CeActivityLogged(a) => a.certificate.as_deref(),
            _ => None,
        })
        .collect();
    hashes.sort_unstable();
    hashes.dedup();
    hashes
}

/// Checks that an import brings every file its log refers to: a log whose
/// attachment or certificate has no file would lose it.
pub fn check_complete(events: &[Event], files: &[StoredFile]) -> Result<(), StoreError> {
    let missing: Vec<&str> = referenced(events)
        .into_iter()
        .filter(|h| !files.iter().any(|f| f.hash == *h))
        .collect();
    match missing.first() {
        None => Ok(()),
        Some(first) => Err(StoreError::Invalid(format!(
            "the export lacks the file `{first}`{} that its events refer to: it is incomplete, so nothing was imported",
            if missing.len() > 1 {
                format!(" and {} more", missing.len() - 1)
            } else {
                String::new()
            }
        ))),
    }
}

/// Reads everything from a store.
pub async fn export(store: &dyn Store) -> Result<Export, StoreError> {
    let events = store.events(&EventQuery::default()).await?;
    let hashes = referenced(&events);
    let mut files = Vec::with_capacity(hashes.len());
    for h in hashes {
        files.push(exported_file(h, &store.file(h).await?));
    }
    Ok(Export {
        format: FORMAT.to_owned(),
        version: VERSION,
        exported_at: Timestamp::now(),
        events,
        files,
    })
}

/// Every event about some people, oldest first: with the files
/// `referenced` names, an export of theirs that imports into an empty store
/// like a whole one (the server's export download writes it).
pub async fn events_of(
    store: &dyn Store,
    people: &std::collections::BTreeSet<crate::ids::PersonId>,
) -> Result<Vec<Event>, StoreError> {
    // A few people are read one by one; many (an organization) in one
    // pass over the log.
    if people.len() <= 16 {
        let mut events = Vec::new();
        for p in people {
            let query = EventQuery {
                person: Some(*p),
                ..EventQuery::default()
            };
            events.extend(store.events(&query).await?);
        }
        events.sort_by_key(|e| e.id);
        Ok(events)
    } else {
        Ok(store
            .events(&EventQuery::default())
            .await?
            .into_iter()
            .filter(|e| people.contains(&e.person))
            .collect())
    }
}

/// One file as an export holds it.
pub fn exported_file(hash: &str, bytes: &[u8]) -> ExportedFile {
    ExportedFile {
        hash: hash.to_owned(),
        base64: STANDARD.encode(bytes),
    }
}

impl Export {
    /// Checks the header and decodes the files, verifying each hash.
    pub fn files(&self) -> Result<Vec<StoredFile>, StoreError> {
        if self.format != FORMAT || !(1..=VERSION).contains(&self.version) {
            return Err(StoreError::Invalid(format!(
                "this is not a labpath tracker export of version 1 to {VERSION} (format `{}`, version {})",
                self.format, self.version
            )));
        }
        let files: Vec<StoredFile> = self
            .files
            .iter()
            .map(|f| {
                let bytes = STANDARD.decode(&f.base64).map_err(|e| {
                    StoreError::Invalid(format!("file `{}` is not valid base64: {e}", f.hash))
                })?;
                if !is_hash(&f.hash) || hash(&bytes) != f.hash {
                    return Err(StoreError::Invalid(format!(
                        "file `{}` does not match its hash: the export is damaged",
                        f.hash
                    )));
                }
                Ok(StoredFile {
                    hash: f.hash.clone(),
                    bytes,
                })
            })
            .collect::<Result<_, _>>()?;
        if self.version == 1 {
            let missing = referenced(&self.events)
                .into_iter()
                .filter(|h| !files.iter().any(|f| f.hash == *h))
                .count();
            if missing > 0 {
                return Err(StoreError::Invalid(format!(
                    "this export was written by an earlier labpath (format version 1) that left CE certificates out, and {missing} of them are not in it: export again from the original data directory, then import that"
                )));
            }
        }
        Ok(files)
    }
}
