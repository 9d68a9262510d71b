//! What the fuzz targets share: the shipped catalog, loaded once, and the
//! checks every parser's answer must pass besides not panicking.

use std::sync::LazyLock;

use labpath_engine::catalog::Catalog;

/// The catalog shipped inside labpath, loaded once per fuzzing process.
pub static CATALOG: LazyLock<Catalog> = LazyLock::new(|| {
    labpath_catalog::catalog::embedded()
        .unwrap_or_else(|d| panic!("the shipped catalog does not load:\n{d}"))
});

/// How many lines `text` has, as a message counts them (1-based; a last
/// line without a line break counts, and so does an empty text's one).
pub fn lines(text: &str) -> usize {
    text.bytes().filter(|b| *b == b'\n').count() + 1
}

/// A problem's line must be one of the text's: a message that points past
/// the end sends the user looking for nothing.
pub fn assert_line_in(text: &str, line: usize, what: &str) {
    assert!(
        (1..=lines(text)).contains(&line),
        "{what} points at line {line} of a text of {} lines",
        lines(text)
    );
}

/// A diagnostic names a file and says something.
pub fn assert_diagnostics(text: &str, d: &labpath_catalog::diag::Diagnostics) {
    assert!(!d.0.is_empty(), "a refusal without a diagnostic");
    for one in &d.0 {
        assert!(!one.message.trim().is_empty(), "an empty message: {one:?}");
        if let Some(line) = one.line {
            assert_line_in(text, line, &one.to_string());
        }
    }
}
