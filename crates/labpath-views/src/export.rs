//! The export format: the whole event log and every attached file, as one
//! JSON document. Importing it into an empty store rebuilds everything with
//! the same ids; exporting again gives the same document (but for
//! `exported_at`). The use cases (`labpath_app::data`) read what goes in
//! and load it back; this is the document.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use labpath_store::attachment::{hash, is_hash};
use labpath_store::event::Event;
use labpath_store::store::{StoredFile, referenced};
use labpath_store::time::Timestamp;
use serde::{Deserialize, Serialize};

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

/// One file as an export holds it.
pub fn exported_file(hash: &str, bytes: &[u8]) -> ExportedFile {
    ExportedFile {
        hash: hash.to_owned(),
        base64: STANDARD.encode(bytes),
    }
}

impl Export {
    /// An export of `events` and their `files`, made now.
    pub fn new(events: Vec<Event>, files: Vec<ExportedFile>) -> Export {
        Export {
            format: FORMAT.to_owned(),
            version: VERSION,
            exported_at: Timestamp::now(),
            events,
            files,
        }
    }

    /// Checks the header and decodes the files, verifying each hash; why
    /// not, when the document is not a whole export.
    pub fn files(&self) -> Result<Vec<StoredFile>, String> {
        if self.format != FORMAT || !(1..=VERSION).contains(&self.version) {
            return Err(format!(
                "this is not a labpath tracker export of version 1 to {VERSION} (format `{}`, version {})",
                self.format, self.version
            ));
        }
        let files: Vec<StoredFile> = self
            .files
            .iter()
            .map(|f| {
                let bytes = STANDARD
                    .decode(&f.base64)
                    .map_err(|e| format!("file `{}` is not valid base64: {e}", f.hash))?;
                if !is_hash(&f.hash) || hash(&bytes) != f.hash {
                    return Err(format!(
                        "file `{}` does not match its hash: the export is damaged",
                        f.hash
                    ));
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
                return Err(format!(
                    "this export was written by an earlier labpath (format version 1) that left CE certificates out, and {missing} of them are not in it: export again from the original data directory, then import that"
                ));
            }
        }
        Ok(files)
    }
}
