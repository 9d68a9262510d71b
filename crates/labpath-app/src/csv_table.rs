//! Reading a CSV whose header names its columns, as spreadsheets save one:
//! quoted fields with commas, doubled quotes and line breaks inside, a
//! byte-order mark first, blank lines between records. Each record comes
//! with the line it starts on and its fields found by column name, in any
//! order; what a field holds is the caller's to read. The problems of the
//! file's shape (its header, a record with too few or too many fields) are
//! reported with their line, so a file can be fixed in one pass.

/// The columns of one kind of CSV, and how messages name it.
#[derive(Debug)]
pub struct Layout {
    /// What a file of this kind is, in messages (`a CE CSV`).
    pub what: &'static str,
    /// What one record holds, in messages (`activity`).
    pub record: &'static str,
    /// What many records hold, in messages (`activities`).
    pub records: &'static str,
    /// The most records one file may hold: a longer file is refused whole,
    /// at the first record over, without reading further.
    pub most: usize,
    /// Every column it may have, in the order help texts give them.
    pub columns: &'static [&'static str],
    /// The columns it must have.
    pub required: &'static [&'static str],
}

/// A problem on a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The line (1-based).
    pub line: usize,
    /// The column at fault, if one is.
    pub field: Option<&'static str>,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.field {
            Some(field) => write!(f, "line {}: field `{field}`: {}", self.line, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

impl From<Problem> for crate::Problem {
    fn from(p: Problem) -> Self {
        crate::Problem {
            field: p.field.map(str::to_owned),
            line: Some(p.line),
            message: p.message,
        }
    }
}

/// One record, its fields by column.
#[derive(Debug, Clone)]
pub struct Record {
    /// The line it starts on (1-based, the header being line 1 when
    /// first).
    pub line: usize,
    /// Its fields, trimmed, in the layout's column order; empty for a
    /// column the file does not have.
    fields: Vec<String>,
    columns: &'static [&'static str],
}

impl Record {
    /// The field in `column`, trimmed; empty when the file has no such
    /// column.
    pub fn get(&self, column: &str) -> &str {
        self.columns
            .iter()
            .position(|c| *c == column)
            .and_then(|i| self.fields.get(i))
            .map_or("", String::as_str)
    }

    /// The field in `column`, or `None` when it is empty.
    pub fn text(&self, column: &str) -> Option<String> {
        Some(self.get(column).to_owned()).filter(|s| !s.is_empty())
    }
}

/// Where each of the layout's columns is in the records.
struct Columns(Vec<Option<usize>>);

impl Columns {
    /// Reads the header: every column known, none twice, the required ones
    /// present.
    fn of(layout: &Layout, header: &csv::StringRecord, line: usize) -> Result<Columns, Problem> {
        let mut at = vec![None; layout.columns.len()];
        let problem = |message: String| Problem {
            line,
            field: None,
            message,
        };
        for (i, name) in header.iter().enumerate() {
            let name = name.trim().to_ascii_lowercase();
            let Some(c) = layout.columns.iter().position(|k| *k == name) else {
                return Err(problem(format!(
                    "the header names `{name}`, which is not a column of {} ({})",
                    layout.what,
                    layout.columns.join(", ")
                )));
            };
            if at[c].replace(i).is_some() {
                return Err(problem(format!("the header names `{name}` twice")));
            }
        }
        let missing: Vec<&str> = layout
            .required
            .iter()
            .filter(|k| {
                let c = layout.columns.iter().position(|c| c == *k);
                c.is_none_or(|c| at[c].is_none())
            })
            .copied()
            .collect();
        if !missing.is_empty() {
            return Err(problem(format!(
                "the header has no `{}` column: {} starts with a header such as `{}`",
                missing.join("`, `"),
                layout.what,
                layout.columns.join(",")
            )));
        }
        Ok(Columns(at))
    }

    /// The record's fields in the layout's column order, trimmed.
    fn fields(&self, record: &csv::StringRecord) -> Vec<String> {
        self.0
            .iter()
            .map(|i| {
                i.and_then(|i| record.get(i))
                    .map_or("", str::trim)
                    .to_owned()
            })
            .collect()
    }
}

/// Lines counted through a text as the CSV reader goes forward: the line a
/// record starts on, from its byte offset, counting only the newlines since
/// the last record (a file of any length is counted once). The CSV
/// reader's own line count passes over blank lines, and its offset is
/// where it started reading: before the empty lines it skipped.
struct Lines<'t> {
    text: &'t str,
    /// A byte offset already counted, and the newlines before it.
    byte: usize,
    newlines: usize,
}

impl<'t> Lines<'t> {
    fn new(text: &'t str) -> Self {
        Lines {
            text,
            byte: 0,
            newlines: 0,
        }
    }

    fn line_of(&mut self, position: Option<&csv::Position>, fallback: usize) -> usize {
        let Some(byte) = position.and_then(|p| usize::try_from(p.byte()).ok()) else {
            return fallback;
        };
        let (Some(after), true) = (self.text.get(byte..), byte >= self.byte) else {
            return fallback;
        };
        let Some(since) = self.text.get(self.byte..byte) else {
            return fallback;
        };
        self.newlines += since.matches('\n').count();
        self.byte = byte;
        let skipped = after.len() - after.trim_start_matches(['\r', '\n']).len();
        let blank = &after[..skipped];
        self.newlines + blank.matches('\n').count() + 1
    }
}

/// Reads the records of a CSV of `layout`: those of the right shape, and
/// the problems of the others (or of the header, with no record). Blank
/// records are passed over, keeping the lines of the others.
pub fn read(text: &str, layout: &Layout) -> (Vec<Record>, Vec<Problem>) {
    // Spreadsheets save "CSV UTF-8" with a byte-order mark first.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = Lines::new(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let blank = |r: &csv::StringRecord| r.iter().all(|f| f.trim().is_empty());
    let header = loop {
        match records.next() {
            None => {
                let message = format!(
                    "the file is empty: it starts with a header such as `{}`",
                    layout.columns.join(",")
                );
                let empty = Problem {
                    line: 1,
                    field: None,
                    message,
                };
                return (Vec::new(), vec![empty]);
            }
            Some(Err(e)) => return (Vec::new(), vec![unreadable(&mut lines, &e, 1)]),
            Some(Ok(r)) if blank(&r) => {}
            Some(Ok(r)) => break r,
        }
    };
    let first = lines.line_of(header.position(), 1);
    let columns = match Columns::of(layout, &header, first) {
        Ok(c) => c,
        Err(p) => return (Vec::new(), vec![p]),
    };
    let mut read = Vec::new();
    let mut problems = Vec::new();
    let mut last = first;
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(unreadable(&mut lines, &e, last + 1));
                break;
            }
        };
        last = lines.line_of(record.position(), last + 1);
        if blank(&record) {
            continue;
        }
        if read.len() + problems.len() == layout.most {
            let too_many = Problem {
                line: last,
                field: None,
                message: format!(
                    "an import takes at most {} {}, and this is {} {} of the file: split it into smaller files",
                    layout.most,
                    layout.records,
                    layout.record,
                    layout.most + 1
                ),
            };
            return (Vec::new(), vec![too_many]);
        }
        if record.len() != header.len() {
            problems.push(Problem {
                line: last,
                field: None,
                message: format!(
                    "expected {} fields, as in the header, found {}",
                    header.len(),
                    record.len()
                ),
            });
            continue;
        }
        read.push(Record {
            line: last,
            fields: columns.fields(&record),
            columns: layout.columns,
        });
    }
    if read.is_empty() && problems.is_empty() {
        problems.push(Problem {
            line: first,
            field: None,
            message: format!("the file has no {} under its header", layout.record),
        });
    }
    (read, problems)
}

/// A record the CSV reader could not read. The text is UTF-8 already (the
/// callers refuse other files), so this is not expected; it is still said
/// where, rather than dropped.
fn unreadable(lines: &mut Lines<'_>, e: &csv::Error, fallback: usize) -> Problem {
    Problem {
        line: lines.line_of(e.position(), fallback),
        field: None,
        message: format!("the CSV cannot be read from here on: {e}"),
    }
}
