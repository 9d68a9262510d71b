//! Reading a CSV of CE activities (a provider's transcript, a spreadsheet
//! kept by hand): one activity a record, its columns found by their names
//! in the header, in any order. `title`, `date`, `unit` and `amount` are
//! needed; `provider`, `accreditation`, `categories` (separated by `;`) and
//! `certificate` (a file: next to the CSV for the CLI, an uploaded file's
//! name for the server) may be left out. Fields are read as spreadsheets
//! write them: quoted, with commas, doubled quotes and line breaks inside.
//! Every record's problems are reported with the line it starts on and
//! its column, so a file can be fixed in one pass.

use labpath_engine::maintenance::{Activity, CategoryId, Credit};
use labpath_engine::units::Date;

pub use crate::csv_table::Problem;
use crate::csv_table::{Layout, Record};

/// The columns a CE CSV may have, in the order the CLI's help gives them.
pub const COLUMNS: [&str; 8] = [
    "title",
    "provider",
    "accreditation",
    "date",
    "unit",
    "amount",
    "categories",
    "certificate",
];

pub use labpath_engine::limits::MAX_ACTIVITIES;

/// The columns a CE CSV must have.
pub const REQUIRED: [&str; 4] = ["title", "date", "unit", "amount"];

/// The largest CE CSV read from a file (16 MiB: tens of thousands of
/// activities of a few hundred characters each).
pub const MAX_BYTES: usize = 16 * 1024 * 1024;

/// One activity read from a record.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The line the record starts on (1-based, the header being line 1
    /// when first).
    pub line: usize,
    /// The activity, without its certificate.
    pub activity: Activity,
    /// The certificate's file name, as written.
    pub certificate: Option<String>,
}

/// A CE CSV's columns, and how messages name it.
const LAYOUT: Layout = Layout {
    what: "a CE CSV",
    record: "activity",
    records: "activities",
    most: MAX_ACTIVITIES,
    columns: &COLUMNS,
    required: &REQUIRED,
};

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

/// Reads what it can of a CE CSV: the records that read well as rows, and
/// the problems of the others (or of the header, with no row), so a caller
/// can check the good rows further and list every problem of the file at
/// once.
pub fn read_partly(text: &str) -> (Vec<Row>, Vec<Problem>) {
    let (records, mut problems) = crate::csv_table::read(text, &LAYOUT);
    let mut rows = Vec::new();
    for record in &records {
        match row(record) {
            Ok(r) => rows.push(r),
            Err(mut p) => problems.append(&mut p),
        }
    }
    // In the order of the file: a record of the wrong shape among them.
    problems.sort_by_key(|p| p.line);
    (rows, problems)
}

fn row(record: &Record) -> Result<Row, Vec<Problem>> {
    let line = record.line;
    let mut problems = Vec::new();
    let mut at = |field: &'static str, message: String| {
        problems.push(Problem {
            line,
            field: Some(field),
            message,
        });
    };
    let field = |name: &str| record.get(name);
    let title = field("title");
    if title.is_empty() {
        at("title", "an activity needs a title".to_owned());
    }
    let date = Date::parse(field("date"))
        .map_err(|e| at("date", e.to_string()))
        .ok();
    let amount = match field("amount").parse::<f64>() {
        Ok(a) if a.is_finite() && a > 0.0 => Some(a),
        Ok(_) => {
            at(
                "amount",
                format!("`{}` is not more than zero", field("amount")),
            );
            None
        }
        Err(_) => {
            at("amount", format!("`{}` is not a number", field("amount")));
            None
        }
    };
    let unit: Option<fn(f64) -> Credit> = match field("unit") {
        "contact_hours" => Some(Credit::ContactHours),
        "semester_hours" => Some(Credit::SemesterHours),
        "quarter_hours" => Some(Credit::QuarterHours),
        other => {
            at(
                "unit",
                format!("`{other}` is not contact_hours, semester_hours or quarter_hours"),
            );
            None
        }
    };
    let mut categories = Vec::new();
    for name in field("categories")
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        match CategoryId::new(name) {
            Ok(c) => categories.push(c),
            Err(e) => at("categories", e.to_string()),
        }
    }
    let text = |name: &str| record.text(name);
    match (date, amount, unit) {
        (Some(date), Some(amount), Some(unit)) if problems.is_empty() => Ok(Row {
            line,
            activity: Activity {
                title: title.to_owned(),
                provider: text("provider"),
                accreditation: text("accreditation"),
                date,
                credit: unit(amount),
                categories,
                certificate: None,
            },
            certificate: text("certificate"),
        }),
        _ => Err(problems),
    }
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
    fn a_quoted_field_may_hold_line_breaks_and_quotes() {
        // As a spreadsheet saves a cell with a line break in it.
        let text = format!(
            "{HEAD}\"Quality control:\nWestgard rules\",\"The \"\"Lab\"\" Academy\",,2026-03-02,contact_hours,1.5,,\nNext,,,2026-03-03,contact_hours,1,,\n"
        );
        let rows = read(&text).unwrap();
        assert_eq!(rows[0].activity.title, "Quality control:\nWestgard rules");
        assert_eq!(
            rows[0].activity.provider.as_deref(),
            Some("The \"Lab\" Academy")
        );
        assert_eq!(
            rows[1].line, 4,
            "the record after a two-line one starts on line 4"
        );
    }

    #[test]
    fn columns_are_found_by_name_in_any_order_and_optional_ones_may_be_left_out() {
        let text = "Amount,Date,Title,Unit\n2,2026-03-02,Blood bank update,contact_hours\n";
        let rows = read(text).unwrap();
        assert_eq!(rows[0].activity.title, "Blood bank update");
        assert_eq!(rows[0].activity.credit, Credit::ContactHours(2.0));
        assert_eq!(rows[0].certificate, None);
        let missing = read("title,date,amount\nA,2026-03-02,1\n").unwrap_err();
        assert!(
            missing[0].message.contains("no `unit` column"),
            "{missing:?}"
        );
        let unknown =
            read("title,date,unit,amount,hours\nA,2026-03-02,contact_hours,1,1\n").unwrap_err();
        assert!(
            unknown[0]
                .message
                .contains("`hours`, which is not a column"),
            "{unknown:?}"
        );
        let twice = read("title,date,unit,amount,date\nA,2026-03-02,contact_hours,1,2026-03-02\n")
            .unwrap_err();
        assert!(twice[0].message.contains("`date` twice"), "{twice:?}");
    }

    #[test]
    fn every_problem_of_every_line_is_listed() {
        let text =
            format!("{HEAD}A,,,2026-02-30,contact_hours,two,,\nB,,,2026-03-01,hours,-1,,\nD,,\n");
        let problems = read(&text).unwrap_err();
        let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(shown.len(), 5, "{shown:#?}");
        assert!(shown[0].starts_with("line 2: field `date`"), "{shown:?}");
        assert!(
            shown[1].starts_with("line 2: field `amount`: `two` is not a number"),
            "{shown:?}"
        );
        assert!(shown[2].starts_with("line 3: field `amount`"), "{shown:?}");
        assert!(shown[3].starts_with("line 3: field `unit`"), "{shown:?}");
        assert_eq!(
            shown[4],
            "line 4: expected 8 fields, as in the header, found 3"
        );
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
        assert!(
            wrong[0].message.contains("no `unit`, `amount` column"),
            "{wrong:?}"
        );
        assert!(read(HEAD).unwrap_err()[0].message.contains("no activity"));
    }
}
