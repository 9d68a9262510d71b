//! Shared pieces of human output: aligned tables, wrapped and shortened
//! text, provenance lines and the outcome markers.

use std::borrow::Cow;

use labpath_engine::eval::{Outcome, Status};

/// Left-aligned columns separated by two spaces; the last column is not padded.
pub fn table<'a, S: AsRef<str>>(header: &[&'a str], rows: &'a [Vec<S>]) -> String {
    // A cell with a line break (a title from a spreadsheet) stays on its row.
    // Each cell with its width in characters, counted once.
    let cell = |c: Cow<'a, str>| {
        let width = c.chars().count();
        (c, width)
    };
    let rows: Vec<Vec<(Cow<'_, str>, usize)>> = rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|c| cell(labpath_store::state::one_line(c.as_ref())))
                .collect()
        })
        .collect();
    let header: Vec<(Cow<'_, str>, usize)> =
        header.iter().map(|h| cell(Cow::Borrowed(*h))).collect();
    let columns = header.len();
    let mut widths: Vec<usize> = header.iter().map(|(_, w)| *w).collect();
    for row in &rows {
        for (i, (_, width)) in row.iter().enumerate().take(columns) {
            widths[i] = widths[i].max(*width);
        }
    }
    let mut text = String::new();
    let mut line = |cells: &[(Cow<'_, str>, usize)]| {
        let start = text.len();
        let last = cells.len().saturating_sub(1);
        for (i, (cell, width)) in cells.iter().enumerate() {
            text.push_str(cell);
            if i < last {
                let pad = widths[i] - width + 2;
                text.extend(std::iter::repeat_n(' ', pad));
            }
        }
        let kept = text[start..].trim_end().len();
        text.truncate(start + kept);
        text.push('\n');
    };
    line(&header);
    for row in &rows {
        line(row);
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
/// (ASCII, so a byte count and a character count agree); lent when it fits.
pub fn shorten(text: &str, width: usize) -> Cow<'_, str> {
    // A text has at most as many characters as bytes.
    if text.len() <= width || text.chars().count() <= width {
        return Cow::Borrowed(text);
    }
    let end = text
        .char_indices()
        .nth(width.saturating_sub(3))
        .map_or(text.len(), |(at, _)| at);
    Cow::Owned(format!("{}...", text[..end].trim_end()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortened_text_ends_in_dots_only_when_cut() {
        assert_eq!(shorten("abcdef", 6), "abcdef");
        assert_eq!(shorten("abcdefgh", 6), "abc...");
        assert_eq!(shorten("ab de fgh", 6), "ab...");
        assert_eq!(shorten("été à la", 5), "ét...");
        assert_eq!(shorten("été", 3), "été");
    }
}
