//! One catalog file (a folder given with `--catalog`, `catalog check`,
//! `catalog diff`): parsed and checked as a whole catalog, it is a catalog
//! or diagnostics on the file's own lines, never a panic or a loop.

#![no_main]

use labpath_fuzz::assert_diagnostics;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = ("catalog/fuzz.toml".to_owned(), text.to_owned());
    if let Err(d) = labpath_catalog::catalog::from_files([file]) {
        assert_diagnostics(text, &d);
    }
});
