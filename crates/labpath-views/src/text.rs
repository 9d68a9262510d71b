//! Plain text for terminals and emails: words into lines that fit a width.

/// The width of plain-text output: a 100-column terminal.
pub const WIDTH: usize = 100;

/// Words into lines of at most `width` characters (a single longer word,
/// such as a path or an address, keeps a line of its own).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    // The line's length in characters, kept as words are added.
    let mut len = 0;
    for word in text.split_whitespace() {
        let word_len = word.chars().count();
        if !line.is_empty() && len + 1 + word_len > width {
            lines.push(std::mem::take(&mut line));
            len = 0;
        }
        if !line.is_empty() {
            line.push(' ');
            len += 1;
        }
        line.push_str(word);
        len += word_len;
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// `text` after `first` on its first line and after `rest` on the others,
/// every line within [`WIDTH`] and ending in a newline: a list item or a
/// labelled paragraph with a hanging indent.
pub fn hang(first: &str, rest: &str, text: &str) -> String {
    let width = WIDTH.saturating_sub(first.chars().count().max(rest.chars().count()));
    let mut out = String::with_capacity(text.len() + 16);
    for (i, line) in wrap(text, width.max(20)).iter().enumerate() {
        out.push_str(if i == 0 { first } else { rest });
        out.push_str(line);
        out.push('\n');
    }
    if out.is_empty() {
        out.push_str(first.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_lines_stay_within_the_width() {
        let text = "a b ccc dddd eeeee ffffff ggggggg";
        for line in wrap(text, 8) {
            assert!(line.chars().count() <= 8, "{line}");
        }
        assert_eq!(wrap(text, 8).join(" "), text);
    }

    #[test]
    fn a_hanging_paragraph_fits_the_terminal_and_keeps_every_word() {
        let text = "word ".repeat(60);
        let out = hang("    - ", "      ", &text);
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines.len() > 2, "{out}");
        assert!(lines[0].starts_with("    - word"), "{out}");
        assert!(
            lines[1..].iter().all(|l| l.starts_with("      word")),
            "{out}"
        );
        assert!(lines.iter().all(|l| l.chars().count() <= WIDTH), "{out}");
        assert_eq!(out.split_whitespace().filter(|w| *w == "word").count(), 60);
    }
}
