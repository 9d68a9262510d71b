//! Diagnostics: what is wrong with an input, and exactly where (file, line,
//! field), in words a person can act on.

use std::fmt;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

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

/// Where the values of one TOML text begin, from the parser's spans, found
/// by the field path a diagnostic names (`credential[2].route[0].requires`).
pub struct Spans<'t> {
    text: &'t str,
    root: Option<Spanned<DeTable<'t>>>,
}

impl<'t> Spans<'t> {
    /// Parses `text` with spans (a text that does not parse has none).
    pub fn parse(text: &'t str) -> Self {
        Spans {
            text,
            root: DeTable::parse(text).ok(),
        }
    }

    /// The line where the value at `path` begins: a path is keys joined by
    /// `.`, each followed by any number of `[index]`. Where the path names
    /// something the text does not hold (a missing key, an index past the
    /// end), the line of the last value it reached; `None` when it reaches
    /// none at all.
    pub fn line(&self, path: &str) -> Option<usize> {
        let root = self.root.as_ref()?;
        let mut table = Some(root.get_ref());
        let mut start = None;
        'path: for segment in path.split('.') {
            let (key, mut indexes) = match segment.find('[') {
                Some(at) => (&segment[..at], &segment[at..]),
                None => (segment, ""),
            };
            let Some(value) = table.and_then(|t| {
                t.iter()
                    .find(|(k, _)| k.get_ref().as_ref() == key)
                    .map(|(_, v)| v)
            }) else {
                break;
            };
            start = Some(value.span().start);
            let mut here = value.get_ref();
            while let Some(rest) = indexes.strip_prefix('[') {
                let Some((n, after)) = rest.split_once(']') else {
                    break 'path;
                };
                indexes = after;
                let element = match (here, n.parse::<usize>()) {
                    (DeValue::Array(items), Ok(n)) => items.get(n),
                    _ => None,
                };
                let Some(element) = element else {
                    break 'path;
                };
                start = Some(element.span().start);
                here = element.get_ref();
            }
            table = match here {
                DeValue::Table(t) => Some(t),
                _ => None,
            };
        }
        start.map(|offset| line_of(self.text, offset))
    }
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
    fn a_path_finds_its_value_or_the_last_value_it_reaches() {
        let text = "[[credential]]\nid = \"a\"\n\n[[credential]]\nid = \"b\"\nroutes = [\n  { id = \"r\" },\n]\n";
        let spans = Spans::parse(text);
        assert_eq!(spans.line("credential[1].id"), Some(5));
        assert_eq!(spans.line("credential[1].routes[0].id"), Some(7));
        // Past the end of a list, and a key the text lacks: where the path
        // stopped.
        assert_eq!(spans.line("credential[1].routes[4].id"), Some(6));
        assert_eq!(
            spans.line("credential[0].fee[0]"),
            spans.line("credential[0]")
        );
        assert_eq!(spans.line("goal[0]"), None);
        assert_eq!(
            Spans::parse("x = [").line("x"),
            None,
            "no spans without a parse"
        );
    }

    #[test]
    fn lines_count_from_one() {
        assert_eq!(line_of("a\nb\nc", 0), 1);
        assert_eq!(line_of("a\nb\nc", 2), 2);
        assert_eq!(locate_quoted("x = 1\ny = \"z\"\n", "z"), Some(2));
    }
}
