//! Attached files on disk: `attachments/ab/abcdef...` under the data
//! directory, named by their SHA-256. A file is written to a temporary name,
//! synced, then renamed into place, so a crash leaves either the whole file
//! or none; an existing file with that name already holds the same bytes.

use std::io::Write;
use std::path::{Path, PathBuf};

use labpath_store::StoreError;
use labpath_store::attachment::{CheckedFile, hash, is_hash};

fn path_of(dir: &Path, hash: &str) -> Result<PathBuf, StoreError> {
    if !is_hash(hash) {
        return Err(StoreError::Invalid(format!("`{hash}` is not a file hash")));
    }
    Ok(dir.join("attachments").join(&hash[..2]).join(hash))
}

/// Stores a checked file.
pub fn put(dir: &Path, file: &CheckedFile) -> Result<(), StoreError> {
    put_bytes(dir, &file.hash, &file.bytes)
}

/// Stores bytes under their hash, after checking it.
pub fn put_bytes(dir: &Path, expected: &str, bytes: &[u8]) -> Result<(), StoreError> {
    if hash(bytes) != expected {
        return Err(StoreError::Invalid(format!(
            "file `{expected}` does not match its hash"
        )));
    }
    let target = path_of(dir, expected)?;
    if target.exists() {
        return Ok(());
    }
    let folder = target.parent().unwrap_or(dir);
    std::fs::create_dir_all(folder).map_err(|e| StoreError::from_io("create", folder, &e))?;
    let temp = folder.join(format!(".{expected}.{}.tmp", std::process::id()));
    let write = || -> std::io::Result<()> {
        let mut f = std::fs::File::create(&temp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&temp, &target)?;
        // Make the rename itself durable.
        std::fs::File::open(folder)?.sync_all()
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&temp);
        StoreError::from_io("store the file", &target, &e)
    })
}

/// Reads a stored file, checking its hash.
pub fn get(dir: &Path, expected: &str) -> Result<Vec<u8>, StoreError> {
    let path = path_of(dir, expected)?;
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(StoreError::not_found("file", expected));
        }
        Err(e) => return Err(StoreError::from_io("read", &path, &e)),
    };
    if hash(&bytes) != expected {
        return Err(StoreError::Corrupt(format!(
            "the stored file `{}` no longer matches its hash: it was damaged on disk",
            path.display()
        )));
    }
    Ok(bytes)
}
