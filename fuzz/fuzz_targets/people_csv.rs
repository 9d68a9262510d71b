//! A people CSV as uploaded (`labpath person import`, the people page, the
//! API), from its bytes: text that is not UTF-8 is refused at its line;
//! every record is a person with a profile checked against the shipped
//! catalog, or problems on the file's own lines; never a panic.

#![no_main]

use labpath_fuzz::{CATALOG, assert_line_in, lines};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = match labpath_app::people_csv::text(data) {
        Ok(text) => text,
        Err(p) => {
            let whole = String::from_utf8_lossy(data);
            assert!(p.line <= lines(&whole), "{p} past the end");
            return;
        }
    };
    let (rows, problems) = labpath_app::people_csv::read(&CATALOG, text, &[]);
    for row in &rows {
        assert_line_in(text, row.line, "a person");
    }
    for p in &problems {
        assert_line_in(text, p.line, &p.to_string());
    }
});
