//! Shared pieces of human output: aligned tables, wrapped and shortened
//! text, provenance lines and the outcome markers.

use std::borrow::Cow;

use labpath_engine::eval::{Outcome, Status};

/// Left-aligned columns separated by two spaces; the last column is not padded.
pub fn table<'a, S: AsRef<str>>(header: &[&'a str], rows: &'a [Vec<S>]) -> String {
    // A cell with a line break (a title from a spreadsheet) stays on its row.
    // Every cell, header first, row after row, with its width in
    // characters, counted once. The text is sized for the widest line of
    // single-byte characters.
    let lines = std::iter::once(header.len()).chain(rows.iter().map(Vec::len));
    let cells: Vec<(Cow<'a, str>, usize)> = header
        .iter()
        .map(|h| Cow::Borrowed(*h))
        .chain(
            rows.iter()
                .flatten()
                .map(|c| labpath_store::state::one_line(c.as_ref())),
        )
        .map(|c| {
            // Counting bytes is enough for ASCII, most cells.
            let width = if c.is_ascii() {
                c.len()
            } else {
                c.chars().count()
            };
            (c, width)
        })
        .collect();
    let columns = header.len();
    let mut widths = vec![0; columns];
    let mut at = 0;
    for len in lines.clone() {
        for (column, (_, width)) in widths.iter_mut().zip(&cells[at..at + len]) {
            *column = (*column).max(*width);
        }
        at += len;
    }
    let longest = widths.iter().map(|w| w + 2).sum::<usize>() + 1;
    let mut text = String::with_capacity(longest * (rows.len() + 1));
    let mut at = 0;
    for len in lines {
        let start = text.len();
        for (i, (cell, width)) in cells[at..at + len].iter().enumerate() {
            text.push_str(cell);
            if i + 1 < len {
                // A cell past the header's columns is set off by two spaces.
                let column = widths.get(i).copied().unwrap_or(*width);
                pad(&mut text, column.saturating_sub(*width) + 2);
            }
        }
        let kept = text[start..].trim_end().len();
        text.truncate(start + kept);
        text.push('\n');
        at += len;
    }
    text
}

/// Appends `n` spaces.
fn pad(text: &mut String, mut n: usize) {
    const SPACES: &str = "                                ";
    while n > 0 {
        let step = n.min(SPACES.len());
        text.push_str(&SPACES[..step]);
        n -= step;
    }
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
    let kept = text[..end].trim_end();
    let mut cut = String::with_capacity(kept.len() + 3);
    cut.push_str(kept);
    cut.push_str("...");
    Cow::Owned(cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_aligns_its_columns_whatever_the_rows_length() {
        let rows = vec![
            vec!["x", "y", "z"],
            vec!["long", "q"],
            vec!["s"],
            vec!["été", "two\nlines"],
        ];
        let text = table(&["A", "B"], &rows);
        assert_eq!(
            text,
            "A     B\nx     y          z\nlong  q\ns\nété   two lines\n"
        );
    }

    #[test]
    fn shortened_text_ends_in_dots_only_when_cut() {
        assert_eq!(shorten("abcdef", 6), "abcdef");
        assert_eq!(shorten("abcdefgh", 6), "abc...");
        assert_eq!(shorten("ab de fgh", 6), "ab...");
        assert_eq!(shorten("été à la", 5), "ét...");
        assert_eq!(shorten("été", 3), "été");
    }
}
