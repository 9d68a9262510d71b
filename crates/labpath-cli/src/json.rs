//! Writing JSON output. The views themselves are in `labpath_views::json`,
//! shared with the server.

use serde::Serialize;

pub use labpath_views::json::*;

/// Writes `value` as pretty JSON and a newline. Write errors stay I/O
/// errors, so a closed pipe is recognised as one.
pub fn write<T: Serialize + ?Sized>(
    out: &mut dyn std::io::Write,
    value: &T,
) -> Result<(), crate::Failure> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(|e| {
        if e.is_io() {
            crate::Failure::from(std::io::Error::from(e))
        } else {
            crate::Failure::Internal(e.into())
        }
    })?;
    writeln!(out)?;
    Ok(())
}
