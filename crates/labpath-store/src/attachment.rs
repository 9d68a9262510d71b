//! Files attached to applications (receipts, letters, certificates): which
//! are accepted, how big, and their content hash. The type is read from the
//! content, never trusted from the name, and a name that claims another type
//! is refused: a `.pdf` that is not a PDF is a mistake worth hearing about.

use labpath_engine::limits::MAX_TEXT;
use sha2::{Digest, Sha256};

use crate::error::StoreError;

/// The largest file accepted: 20 MiB, enough for a scanned multi-page letter.
pub use labpath_engine::limits::MAX_FILE_BYTES as MAX_BYTES;

/// The types accepted: (media type, file extensions).
const TYPES: &[(&str, &[&str])] = &[
    ("application/pdf", &["pdf"]),
    ("image/png", &["png"]),
    ("image/jpeg", &["jpg", "jpeg"]),
    ("image/tiff", &["tif", "tiff"]),
    ("image/heic", &["heic", "heif"]),
    ("text/plain", &["txt", "eml", "text"]),
];

/// A file that passed the checks, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedFile {
    /// The name as given (no folders).
    pub name: String,
    /// The media type read from the content.
    pub media_type: &'static str,
    /// SHA-256 of the content, lower-case hex.
    pub hash: String,
    /// The content.
    pub bytes: Vec<u8>,
}

/// The media type a file's first bytes show, if it is one labpath accepts.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(b"%PDF-") {
        Some("application/pdf")
    } else if starts(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if starts(b"\xff\xd8\xff") {
        Some("image/jpeg")
    } else if starts(b"II*\0") || starts(b"MM\0*") {
        Some("image/tiff")
    } else if bytes.len() >= 12
        && &bytes[4..8] == b"ftyp"
        && matches!(&bytes[8..12], b"heic" | b"heix" | b"mif1" | b"heif")
    {
        Some("image/heic")
    } else if is_text(bytes) {
        Some("text/plain")
    } else {
        None
    }
}

/// UTF-8 without control characters other than tabs, line and page breaks:
/// a saved email or a note, not a binary file that happens to decode.
fn is_text(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok_and(|t| {
        t.chars()
            .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\x0c'))
    })
}

/// Checks a file's size and type and hashes it. `name` may be a path; only
/// its last part is kept.
pub fn check(name: &str, bytes: Vec<u8>) -> Result<CheckedFile, StoreError> {
    let name = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(name)
        .trim()
        .to_owned();
    if labpath_engine::limits::text("file", &name, MAX_TEXT).is_err() {
        return Err(StoreError::invalid_at(
            "file",
            format!(
                "`{}` is a file name of more than {MAX_TEXT} characters: rename the file",
                labpath_engine::limits::quote(&name)
            ),
        ));
    }
    if bytes.len() > MAX_BYTES {
        return Err(StoreError::Invalid(format!(
            "`{name}` is {:.1} MiB: attachments are limited to {} MiB (scan at a lower resolution, or split it)",
            bytes.len() as f64 / 1_048_576.0,
            MAX_BYTES / 1_048_576
        )));
    }
    if bytes.is_empty() {
        return Err(StoreError::Invalid(format!("`{name}` is empty")));
    }
    let accepted = "PDF, PNG, JPEG, TIFF, HEIC or plain text";
    let Some(media_type) = sniff(&bytes) else {
        return Err(StoreError::Invalid(format!(
            "`{name}` is not a file type labpath keeps: attach a {accepted} file"
        )));
    };
    if let Some((_, ext)) = name.rsplit_once('.') {
        let ext = ext.to_ascii_lowercase();
        let claimed = TYPES.iter().find(|(_, exts)| exts.contains(&ext.as_str()));
        if let Some((claimed, _)) = claimed {
            if *claimed != media_type {
                return Err(StoreError::Invalid(format!(
                    "`{name}` is named as {claimed} but its content is {media_type}: check that this is the file you meant"
                )));
            }
        }
    }
    Ok(CheckedFile {
        name,
        media_type,
        hash: hash(&bytes),
        bytes,
    })
}

/// The usual file extension of an accepted media type (the first its
/// entry in `TYPES` lists), with its dot (`.pdf`); empty for a type labpath
/// does not keep.
pub fn extension(media_type: &str) -> String {
    TYPES
        .iter()
        .find(|(t, _)| *t == media_type)
        .and_then(|(_, exts)| exts.first())
        .map(|e| format!(".{e}"))
        .unwrap_or_default()
}

/// The name to give a stored file when it is handed back: its own name when
/// that ends in an extension of its type, else with the type's extension
/// added (`receipt.hta`, kept as plain text, comes back as
/// `receipt.hta.txt`), so that no file opens as something it is not.
pub fn download_name(name: &str, media_type: &str) -> String {
    let matches = name.rsplit_once('.').is_some_and(|(_, ext)| {
        let ext = ext.to_ascii_lowercase();
        TYPES
            .iter()
            .any(|(t, exts)| *t == media_type && exts.contains(&ext.as_str()))
    });
    if matches {
        name.to_owned()
    } else {
        name.to_owned() + &extension(media_type)
    }
}

/// SHA-256 of `bytes`, lower-case hex.
pub fn hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether `text` looks like a hash this module produced.
pub fn is_hash(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_download_is_named_for_its_type() {
        assert_eq!(
            super::download_name("receipt.PDF", "application/pdf"),
            "receipt.PDF"
        );
        assert_eq!(super::download_name("scan.jpeg", "image/jpeg"), "scan.jpeg");
        assert_eq!(
            super::download_name("receipt.hta", "text/plain"),
            "receipt.hta.txt"
        );
        assert_eq!(super::download_name("notes", "text/plain"), "notes.txt");
        assert_eq!(
            super::download_name("letter.html", "text/plain"),
            "letter.html.txt"
        );
        assert_eq!(super::download_name("mail.eml", "text/plain"), "mail.eml");
    }

    use super::*;

    #[test]
    fn types_are_read_from_the_content() {
        assert_eq!(
            check("r.pdf", b"%PDF-1.7 ...".to_vec()).unwrap().media_type,
            "application/pdf"
        );
        assert_eq!(
            check("notes", b"called NYSED".to_vec()).unwrap().media_type,
            "text/plain"
        );
        let e = check("receipt.pdf", b"\x89PNG\r\n\x1a\nrest".to_vec()).unwrap_err();
        assert!(
            e.to_string()
                .contains("named as application/pdf but its content is image/png"),
            "{e}"
        );
        let e = check("virus.exe", b"MZ\x90\0\x03\0".to_vec()).unwrap_err();
        assert!(
            e.to_string().contains("not a file type labpath keeps"),
            "{e}"
        );
    }

    #[test]
    fn oversized_files_are_refused() {
        let e = check("big.txt", vec![b'a'; MAX_BYTES + 1]).unwrap_err();
        assert!(e.to_string().contains("limited to 20 MiB"), "{e}");
    }

    #[test]
    fn the_hash_is_sha256_hex() {
        assert_eq!(
            hash(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(is_hash(&hash(b"")));
        assert!(!is_hash("../etc/passwd"));
    }
}
