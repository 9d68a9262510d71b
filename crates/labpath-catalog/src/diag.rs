//! Diagnostics: what is wrong with an input, and exactly where (file, line,
//! field), in words a person can act on.

use std::fmt;

/// One problem found in an input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file, as the user named it (or its path inside the catalog).
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// The field path, e.g. `credential[2].route[0].requires`.
    pub field: Option<String>,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(field) = self.field.as_deref().filter(|p| !p.is_empty() && *p != ".") {
            write!(f, ": field `{field}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Every problem found in one load; never empty.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

/// The 1-based line of a byte offset.
pub fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The line of the first occurrence of `value` written as a quoted string
/// (`"value"`), for errors found after parsing, such as a dangling id.
pub fn locate_quoted(text: &str, value: &str) -> Option<usize> {
    let quoted = format!("\"{value}\"");
    text.find(&quoted).map(|offset| line_of(text, offset))
}

/// The line of the first occurrence of a TOML key set to `value`, e.g.
/// `id = "route-1"`, searched from `after` (a line) onward.
pub fn locate_key_value(text: &str, key: &str, value: &str, after: usize) -> Option<usize> {
    text.lines()
        .enumerate()
        .skip(after.saturating_sub(1))
        .find_map(|(i, line)| {
            let t = line.trim_start();
            let rest = t.strip_prefix(key)?.trim_start().strip_prefix('=')?.trim();
            (rest.trim_matches('"') == value).then_some(i + 1)
        })
}

pub use labpath_engine::suggest::{suggest, unknown_word};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_megabyte_of_input_is_not_compared() {
        let ids: Vec<String> = (0..500).map(|i| format!("credential-{i}")).collect();
        let word = "x".repeat(1024 * 1024);
        let started = std::time::Instant::now();
        assert_eq!(suggest(&word, ids.iter().map(String::as_str)), None);
        // Comparing it with 500 ids would take minutes; skipped, it takes
        // well under a second even unoptimised on a busy machine.
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        assert_eq!(
            suggest("credential-4l", ids.iter().map(String::as_str)),
            Some("credential-4")
        );
    }

    #[test]
    fn suggests_a_near_id() {
        let ids = ["ascp-mls", "ascp-mlt", "amt-mls"];
        assert_eq!(suggest("ascp-msl", ids), Some("ascp-mls"));
        assert_eq!(
            suggest("ascp-msl", ["ascp-m", "ascp-mls"]),
            Some("ascp-mls")
        );
        assert_eq!(suggest("florida", ids), None);
    }

    #[test]
    fn lines_count_from_one() {
        assert_eq!(line_of("a\nb\nc", 0), 1);
        assert_eq!(line_of("a\nb\nc", 2), 2);
        assert_eq!(locate_quoted("x = 1\ny = \"z\"\n", "z"), Some(2));
    }
}
