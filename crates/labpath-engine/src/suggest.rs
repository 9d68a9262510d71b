//! "Did you mean": the nearest known word to a mistyped one, for every
//! message that names an unknown id, category or goal.

/// Why `word` is not one of the `known` words of a vocabulary (`None` when
/// it is): "unknown category `hematolgy` (did you mean `hematology`?)",
/// or, with no near word, the list of known ones.
pub fn unknown_word(what: &str, word: &str, known: &[&str]) -> Option<String> {
    if known.contains(&word) {
        return None;
    }
    let hint = suggest(word, known.iter().copied())
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_else(|| format!(" (known: {})", known.join(", ")));
    Some(format!("unknown {what} `{word}`{hint}"))
}

/// The closest candidate to `word` by edit distance, when close enough to
/// be a likely typo.
///
/// Two texts whose lengths differ by more than the allowed distance are
/// never close, so they are not compared: the work stays bounded by the
/// candidates' lengths whatever the length of `word` (a megabyte of input
/// costs nothing).
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let allowed = |c: &str| (c.len().max(word.len()) / 3).max(2);
    // The distance is at least the difference in characters.
    let chars = word.chars().count();
    let mut word_l = None;
    candidates
        .into_iter()
        .filter(|c| c.chars().count().abs_diff(chars) <= allowed(c))
        .map(|c| {
            let w = word_l.get_or_insert_with(|| word.to_ascii_lowercase());
            (edit_distance(w, &c.to_ascii_lowercase()), c)
        })
        .filter(|(d, c)| *d <= allowed(c))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Edit distance where swapping two neighbouring letters counts as one edit
/// (optimal string alignment), so `ascp-msl` is closest to `ascp-mls`.
fn edit_distance(a: &str, b: &str) -> usize {
    strsim::osa_distance(a, b)
}
