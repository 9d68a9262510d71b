//! A CE CSV (`labpath ce import`, the CE import page and API): every
//! record is a row or problems on the file's own lines, in the file's
//! order, never a panic.

#![no_main]

use labpath_fuzz::assert_line_in;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (rows, problems) = labpath_app::ce_csv::read_partly(text);
    for row in &rows {
        assert_line_in(text, row.line, "a row");
    }
    for p in &problems {
        assert_line_in(text, p.line, &p.to_string());
    }
    assert!(
        problems.windows(2).all(|w| w[0].line <= w[1].line),
        "problems out of the file's order"
    );
});
