//! A credential string as written after a name (`labpath parse`, the
//! people CSV's `credentials` column, `POST /api/parse`): it splits into
//! parts, each matched or not against the shipped catalog, never a panic;
//! a text with something besides separators has parts.

#![no_main]

use labpath_fuzz::CATALOG;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match labpath_app::catalog::parse(&CATALOG, text) {
        Ok(parsed) => {
            assert!(!parsed.parts.is_empty(), "parsed into no part: {text:?}");
            let _ = parsed.unknown();
        }
        Err(e) => assert!(!e.message.is_empty()),
    }
});
