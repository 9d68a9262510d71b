//! Reading a file the user named (a profile, a catalog file, a CSV, an
//! attachment, an export): only a regular file, and never more than a
//! limit, counted while reading.
//!
//! The size a file's metadata reports is not trusted: `/dev/zero` reports
//! none and a file still being written grows past it. So the kind of file
//! is checked before opening (opening a named pipe would wait for a
//! writer), checked again on the opened handle (the path may have been
//! replaced meanwhile), and at most one byte past the limit is read.

use std::fmt;
use std::fs::{File, Metadata};
use std::io::Read;
use std::path::{Path, PathBuf};

/// How much of one kind of file labpath reads, and what to do with a
/// larger one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// The most bytes read.
    pub bytes: u64,
    /// What to do with a larger file, in the user's words.
    pub advice: &'static str,
}

/// Why a file was not read.
#[derive(Debug)]
pub enum FileError {
    /// Opening or reading failed (no such file, permission denied).
    Io {
        /// The file as named.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// A folder, a named pipe, a device or a socket.
    NotAFile {
        /// The path as named.
        path: PathBuf,
        /// What it is instead, in words ("a named pipe (FIFO)").
        kind: &'static str,
    },
    /// Longer than the limit.
    TooLarge {
        /// The file as named.
        path: PathBuf,
        /// The limit it passed.
        limit: Limit,
    },
    /// Not UTF-8 text (only from [`read_text`]).
    NotUtf8 {
        /// The file as named.
        path: PathBuf,
        /// The 1-based line the first bad byte is on.
        line: usize,
    },
}

impl FileError {
    /// The path the error is about.
    pub fn path(&self) -> &Path {
        match self {
            FileError::Io { path, .. }
            | FileError::NotAFile { path, .. }
            | FileError::TooLarge { path, .. }
            | FileError::NotUtf8 { path, .. } => path,
        }
    }

    /// What is wrong, without the path (for a message that names the file
    /// already, as a diagnostic does).
    pub fn problem(&self) -> String {
        match self {
            FileError::Io { source, .. } => format!("cannot read: {source}"),
            FileError::NotAFile { kind, .. } => format!(
                "this is {kind}, not a regular file: labpath reads only regular files (not folders, pipes or devices)"
            ),
            FileError::TooLarge { limit, .. } => format!(
                "the file is larger than {}, the most labpath reads here: {}",
                size(limit.bytes),
                limit.advice
            ),
            FileError::NotUtf8 { line, .. } => {
                format!("the file is not UTF-8 text from line {line} on: save it as UTF-8")
            }
        }
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path().display(), self.problem())
    }
}

impl std::error::Error for FileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            FileError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// A byte count as a person reads it: `20 MiB`, `512 KiB`, `100 bytes`.
pub fn size(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * KIB;
    const GIB: u64 = 1024 * MIB;
    match bytes {
        b if b >= GIB && b % GIB == 0 => format!("{} GiB", b / GIB),
        b if b >= MIB && b % MIB == 0 => format!("{} MiB", b / MIB),
        b if b >= KIB && b % KIB == 0 => format!("{} KiB", b / KIB),
        b => format!("{b} bytes"),
    }
}

/// Reads the regular file at `path`, at most `limit.bytes` of it; a longer
/// one is refused without reading past one byte more.
pub fn read(path: &Path, limit: Limit) -> Result<Vec<u8>, FileError> {
    let io = |source| FileError::Io {
        path: path.to_owned(),
        source,
    };
    // Before opening: opening a named pipe for reading would wait for a
    // writer.
    only_regular(path, &std::fs::metadata(path).map_err(io)?)?;
    let file = open(path).map_err(io)?;
    // And after: the path may name another file by now.
    only_regular(path, &file.metadata().map_err(io)?)?;
    let mut bytes = Vec::new();
    file.take(limit.bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > limit.bytes {
        return Err(FileError::TooLarge {
            path: path.to_owned(),
            limit,
        });
    }
    Ok(bytes)
}

/// [`read`], as UTF-8 text.
pub fn read_text(path: &Path, limit: Limit) -> Result<String, FileError> {
    String::from_utf8(read(path, limit)?).map_err(|e| {
        let bytes = e.as_bytes();
        let valid = e.utf8_error().valid_up_to();
        FileError::NotUtf8 {
            path: path.to_owned(),
            line: bytes[..valid].iter().filter(|b| **b == b'\n').count() + 1,
        }
    })
}

/// Refuses anything but a regular file, saying what it is.
fn only_regular(path: &Path, meta: &Metadata) -> Result<(), FileError> {
    if meta.is_file() {
        return Ok(());
    }
    Err(FileError::NotAFile {
        path: path.to_owned(),
        kind: kind(meta),
    })
}

/// What a path that is not a regular file is, in words.
fn kind(meta: &Metadata) -> &'static str {
    if meta.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "not a regular file"
}

/// Opens for reading without waiting: were the path swapped for a named
/// pipe after the first check, the open returns at once (and the second
/// check refuses it). A regular file reads the same either way.
#[cfg(unix)]
fn open(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open(path: &Path) -> std::io::Result<File> {
    File::open(path)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "a test stops at a broken fixture")]

    use super::*;

    const SMALL: Limit = Limit {
        bytes: 8,
        advice: "keep it short",
    };

    fn scratch(bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, bytes).unwrap();
        (dir, path)
    }

    #[test]
    fn a_file_at_the_limit_is_read_whole() {
        let (_dir, path) = scratch(b"12345678");
        assert_eq!(read(&path, SMALL).unwrap(), b"12345678");
    }

    #[test]
    fn a_file_one_byte_over_the_limit_is_refused_with_the_advice() {
        let (_dir, path) = scratch(b"123456789");
        let e = read(&path, SMALL).unwrap_err();
        assert!(matches!(e, FileError::TooLarge { .. }), "{e}");
        let text = e.to_string();
        assert!(text.contains("larger than 8 bytes"), "{text}");
        assert!(text.contains("keep it short"), "{text}");
    }

    #[test]
    fn a_folder_is_named_as_one() {
        let dir = tempfile::tempdir().unwrap();
        let e = read(dir.path(), SMALL).unwrap_err();
        assert!(e.to_string().contains("this is a folder"), "{e}");
        assert!(
            e.to_string().contains(&dir.path().display().to_string()),
            "{e}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_device_is_refused_before_any_read() {
        let e = read(Path::new("/dev/zero"), SMALL).unwrap_err();
        assert!(e.to_string().contains("a character device"), "{e}");
    }

    #[test]
    fn a_missing_file_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let e = read(&dir.path().join("nope.toml"), SMALL).unwrap_err();
        assert!(matches!(e, FileError::Io { .. }), "{e}");
        assert!(e.to_string().contains("nope.toml: cannot read"), "{e}");
    }

    #[test]
    fn text_that_is_not_utf8_names_its_line() {
        let (_dir, path) = scratch(b"ok\nok\n\xff\n");
        let e = read_text(&path, SMALL).unwrap_err();
        assert!(e.to_string().contains("from line 3 on"), "{e}");
    }

    #[test]
    fn sizes_read_in_the_largest_whole_unit() {
        assert_eq!(size(20 * 1024 * 1024), "20 MiB");
        assert_eq!(size(4 * 1024 * 1024 * 1024), "4 GiB");
        assert_eq!(size(2048), "2 KiB");
        assert_eq!(size(1536), "1536 bytes");
    }
}
