//! Reading a CSV of CE activities (a provider's transcript, a spreadsheet
//! kept by hand): one activity a line under the header
//! `title,provider,accreditation,date,unit,amount,categories,certificate`.
//! Categories are separated by `;`; `certificate` names a file (a path next
//! to the CSV for the CLI, an uploaded file's name for the server), which
//! the caller reads. Every line's problems are reported, each with its line
//! and field, so a file can be fixed in one pass.

use labpath_engine::maintenance::{Activity, CategoryId, Credit};
use labpath_engine::units::Date;

/// The header a CE CSV starts with.
pub const HEADER: [&str; 8] = [
    "title",
    "provider",
    "accreditation",
    "date",
    "unit",
    "amount",
    "categories",
    "certificate",
];

/// One activity read from a line.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The line it was on (1-based, the header being line 1 when first).
    pub line: usize,
    /// The activity, without its certificate.
    pub activity: Activity,
    /// The certificate's file name, as written.
    pub certificate: Option<String>,
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

/// Reads every activity of a CE CSV; every problem is listed (none is
/// read into a row then).
pub fn read(text: &str) -> Result<Vec<Row>, Vec<Problem>> {
    let (rows, problems) = read_partly(text);
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

/// Reads what it can of a CE CSV: the lines that read well as rows, and the
/// problems of the others (or of the header, with no row), so a caller can
/// check the good rows further and list every problem of the file at once.
pub fn read_partly(text: &str) -> (Vec<Row>, Vec<Problem>) {
    // Spreadsheets save "CSV UTF-8" with a byte-order mark first.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let problem = |line: usize, field: Option<&'static str>, message: String| Problem {
        line,
        field,
        message,
    };
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((first, header)) = lines.next() else {
        return (
            Vec::new(),
            vec![problem(
                1,
                None,
                format!(
                    "the file is empty: it starts with the header `{}`",
                    HEADER.join(",")
                ),
            )],
        );
    };
    let header_ok = fields(header).is_ok_and(|h| {
        h.iter()
            .map(|f| f.to_ascii_lowercase())
            .eq(HEADER.iter().map(|s| (*s).to_owned()))
    });
    if !header_ok {
        return (
            Vec::new(),
            vec![problem(
                first,
                None,
                format!("the header must be `{}`", HEADER.join(",")),
            )],
        );
    }
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for (line, text) in lines {
        match row(line, text) {
            Ok(r) => rows.push(r),
            Err(mut p) => problems.append(&mut p),
        }
    }
    if rows.is_empty() && problems.is_empty() {
        problems.push(problem(
            first,
            None,
            "the file has no activity under its header".to_owned(),
        ));
    }
    (rows, problems)
}

fn row(line: usize, text: &str) -> Result<Row, Vec<Problem>> {
    let at = |field: &'static str, message: String| Problem {
        line,
        field: Some(field),
        message,
    };
    let f = fields(text).map_err(|e| {
        vec![Problem {
            line,
            field: None,
            message: e,
        }]
    })?;
    if f.len() != HEADER.len() {
        return Err(vec![Problem {
            line,
            field: None,
            message: format!("expected {} fields, found {}", HEADER.len(), f.len()),
        }]);
    }
    let mut problems = Vec::new();
    if f[0].is_empty() {
        problems.push(at("title", "an activity needs a title".to_owned()));
    }
    let date = Date::parse(&f[3])
        .map_err(|e| problems.push(at("date", e.to_string())))
        .ok();
    let amount = match f[5].parse::<f64>() {
        Ok(a) if a.is_finite() && a > 0.0 => Some(a),
        Ok(_) => {
            problems.push(at("amount", format!("`{}` is not more than zero", f[5])));
            None
        }
        Err(_) => {
            problems.push(at("amount", format!("`{}` is not a number", f[5])));
            None
        }
    };
    let unit: Option<fn(f64) -> Credit> = match f[4].as_str() {
        "contact_hours" => Some(Credit::ContactHours),
        "semester_hours" => Some(Credit::SemesterHours),
        "quarter_hours" => Some(Credit::QuarterHours),
        other => {
            problems.push(at(
                "unit",
                format!("`{other}` is not contact_hours, semester_hours or quarter_hours"),
            ));
            None
        }
    };
    let mut categories = Vec::new();
    for name in f[6].split(';').map(str::trim).filter(|s| !s.is_empty()) {
        match CategoryId::new(name) {
            Ok(c) => categories.push(c),
            Err(e) => problems.push(at("categories", e.to_string())),
        }
    }
    match (date, amount, unit) {
        (Some(date), Some(amount), Some(unit)) if problems.is_empty() => Ok(Row {
            line,
            activity: Activity {
                title: f[0].clone(),
                provider: Some(f[1].clone()).filter(|s| !s.is_empty()),
                accreditation: Some(f[2].clone()).filter(|s| !s.is_empty()),
                date,
                credit: unit(amount),
                categories,
                certificate: None,
            },
            certificate: Some(f[7].clone()).filter(|s| !s.is_empty()),
        }),
        _ => Err(problems),
    }
}

/// Splits one CSV line into fields (double quotes may enclose commas; `""`
/// is a quote inside a quoted field), each trimmed.
fn fields(line: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if field.trim().is_empty() => {
                field.clear();
                quoted = true;
            }
            (',', false) => fields.push(std::mem::take(&mut field)),
            (c, _) => field.push(c),
        }
    }
    if quoted {
        return Err("a quoted field is not closed".to_owned());
    }
    fields.push(field);
    Ok(fields.into_iter().map(|f| f.trim().to_owned()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "title,provider,accreditation,date,unit,amount,categories,certificate\n";

    #[test]
    fn rows_are_read_with_quotes_units_and_categories() {
        let text = format!(
            "{HEAD}\"Hemostasis, an update\",ASCP,P.A.C.E.,2026-03-02,contact_hours,2,hematology; chemistry,hemo.pdf\n\nLab safety,,,2026-04-01,semester_hours,1,,\n"
        );
        let rows = read(&text).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].activity.title, "Hemostasis, an update");
        assert_eq!(rows[0].activity.credit, Credit::ContactHours(2.0));
        assert_eq!(rows[0].activity.categories.len(), 2);
        assert_eq!(rows[0].certificate.as_deref(), Some("hemo.pdf"));
        assert_eq!(rows[1].line, 4, "blank lines keep their numbers");
        assert_eq!(rows[1].activity.provider, None);
        assert_eq!(rows[1].activity.credit, Credit::SemesterHours(1.0));
        assert_eq!(rows[1].certificate, None);
    }

    #[test]
    fn every_problem_of_every_line_is_listed() {
        let text = format!(
            "{HEAD}A,,,2026-02-30,contact_hours,two,,\nB,,,2026-03-01,hours,-1,,\n\"C,,,2026-03-01,contact_hours,1,,\nD,,\n"
        );
        let problems = read(&text).unwrap_err();
        let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(shown.len(), 6, "{shown:#?}");
        assert!(shown[0].starts_with("line 2: field `date`"), "{shown:?}");
        assert!(
            shown[1].starts_with("line 2: field `amount`: `two` is not a number"),
            "{shown:?}"
        );
        assert!(shown[2].starts_with("line 3: field `amount`"), "{shown:?}");
        assert!(shown[3].starts_with("line 3: field `unit`"), "{shown:?}");
        assert_eq!(shown[4], "line 4: a quoted field is not closed");
        assert_eq!(shown[5], "line 5: expected 8 fields, found 3");
    }

    #[test]
    fn a_partial_reading_keeps_the_good_lines_beside_the_problems() {
        let text = format!(
            "{HEAD}Good,,,2026-03-02,contact_hours,1,,\nBad,,,2026-02-30,contact_hours,1,,\nAlso good,,,2026-03-03,quarter_hours,2,,\n"
        );
        let (rows, problems) = read_partly(&text);
        let lines: Vec<usize> = rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 4]);
        assert_eq!(problems.len(), 1);
        assert_eq!((problems[0].line, problems[0].field), (3, Some("date")));
        let (rows, problems) = read_partly("title\nx\n");
        assert!(rows.is_empty());
        assert!(problems[0].message.starts_with("the header must be"));
    }

    #[test]
    fn a_spreadsheets_byte_order_mark_is_skipped() {
        let text = format!("\u{feff}{HEAD}A,,,2026-03-02,contact_hours,1,,\n");
        assert_eq!(read(&text).unwrap().len(), 1);
    }

    #[test]
    fn a_wrong_header_or_an_empty_file_is_refused() {
        assert!(read("").unwrap_err()[0].message.contains("empty"));
        let wrong = read("title,date\nA,2026-01-01\n").unwrap_err();
        assert_eq!(wrong[0].line, 1);
        assert!(wrong[0].message.starts_with("the header must be"));
        assert!(read(HEAD).unwrap_err()[0].message.contains("no activity"));
    }
}
