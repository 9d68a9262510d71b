//! Shared pieces of human output: aligned tables, wrapped and shortened
//! text, provenance lines and the outcome markers.

use labpath_engine::eval::{Outcome, Status};

/// Left-aligned columns separated by two spaces; the last column is not padded.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    // A cell with a line break (a title from a spreadsheet) stays on its row.
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|c| labpath_store::state::one_line(c))
                .collect()
        })
        .collect();
    let rows = &rows;
    let columns = header.len();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate().take(columns) {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let mut text = String::new();
    let mut line = |cells: Vec<&str>| {
        let mut l = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                l.push_str(cell);
            } else {
                l.push_str(cell);
                l.push_str(&" ".repeat(widths[i] - cell.chars().count() + 2));
            }
        }
        text.push_str(l.trim_end());
        text.push('\n');
    };
    line(header.to_vec());
    for row in rows {
        line(row.iter().map(String::as_str).collect());
    }
    text
}

/// A marker for a clause outcome.
pub fn mark(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Pass => "[ok]",
        Outcome::Fail => "[no]",
        Outcome::Unknown => "[? ]",
    }
}

/// The order statuses are listed in.
pub fn status_rank(status: Status) -> u8 {
    match status {
        Status::Held => 0,
        Status::Eligible => 1,
        Status::Unknown => 2,
        Status::NotYet => 3,
        Status::NoRoute => 4,
    }
}

/// "sources (confidence, as of DATE):", one line per source, and the note
/// (written once, in `labpath_views`, for the emails and calendar too).
pub use labpath_views::deadlines::provenance_lines;

/// Words into lines of at most a width (written once, in `labpath_views`).
pub use labpath_views::text::wrap;

/// `text` cut to at most `width` characters, ending in "..." when cut
/// (ASCII, so a byte count and a character count agree).
pub fn shorten(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_owned();
    }
    let kept: String = text.chars().take(width.saturating_sub(3)).collect();
    format!("{}...", kept.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortened_text_ends_in_dots_only_when_cut() {
        assert_eq!(shorten("abcdef", 6), "abcdef");
        assert_eq!(shorten("abcdefgh", 6), "abc...");
        assert_eq!(shorten("ab de fgh", 6), "ab...");
    }
}
