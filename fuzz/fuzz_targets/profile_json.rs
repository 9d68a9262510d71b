//! A profile as JSON (a `.json` file, an API body, a stored version):
//! parsed and checked against the shipped catalog, it is a profile or
//! diagnostics whose lines are the text's, never a panic.

#![no_main]

use labpath_catalog::parse::Format;
use labpath_fuzz::{CATALOG, assert_diagnostics};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(d) = labpath_catalog::profile::from_text("fuzz.json", text, Format::Json, &CATALOG) {
        assert_diagnostics(text, &d);
    }
});
