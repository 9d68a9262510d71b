//! Compiles the shipped catalog (`catalog/` at the workspace root) when
//! labpath is built: the loader reads and checks it exactly as it reads a
//! `--catalog` folder, and the checked parts are stored in `OUT_DIR` for the
//! library to embed. A catalog with a problem stops the build with the
//! loader's diagnostics (file, line, field), so a binary never carries a
//! catalog that `labpath catalog check` would refuse.
//!
//! The parts every evaluation reads (`core.msgpack`) and each part read
//! only when a command looks at it (`sources.msgpack`, `steps.msgpack`...)
//! are stored apart. Each stored part is read back here and must equal
//! what was stored: the library reads the later parts on first use, when
//! there is no one to report a failure to, and these bytes are the ones it
//! embeds.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::{env, fs};

#[path = "build/indexed.rs"]
mod indexed;

use serde::Serialize;
use serde::de::DeserializeOwned;

fn main() -> ExitCode {
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let root = manifest.join("../../catalog");
    let root = fs::canonicalize(&root).unwrap_or(root);
    // A folder is watched whole: any file added, removed or changed below
    // it compiles the catalog again.
    println!("cargo:rerun-if-changed={}", root.display());
    let catalog = match labpath_catalog::catalog::from_dir(&root) {
        Ok(catalog) => catalog,
        Err(diagnostics) => {
            eprintln!(
                "the shipped catalog has problems; `labpath catalog check catalog` says the same:"
            );
            eprintln!("{diagnostics}");
            return ExitCode::FAILURE;
        }
    };
    let mut parts = catalog.into_parts();
    let core = parts.take_core();
    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap_or_default());
    let stored = store(&out, "core", &core)
        .and_then(|()| store(&out, "sources", &parts.sources))
        .and_then(|()| store(&out, "glossary", &parts.glossary))
        .and_then(|()| store(&out, "steps", &parts.steps))
        .and_then(|()| store(&out, "goals", &parts.goals))
        .and_then(|()| store(&out, "maintenance", &parts.maintenance))
        .and_then(|()| store(&out, "restrictions", &parts.restrictions));
    match stored {
        Ok(()) => ExitCode::SUCCESS,
        Err(problem) => {
            eprintln!("the shipped catalog cannot be stored: {problem}");
            ExitCode::FAILURE
        }
    }
}

/// Writes `part` to `<out>/<name>.msgpack` after checking that the bytes
/// read back to an equal part.
fn store<T>(out: &Path, name: &str, part: &T) -> Result<(), String>
where
    T: Serialize + DeserializeOwned + PartialEq,
{
    let bytes = indexed::to_vec(part).map_err(|e| format!("{name}: {e}"))?;
    match rmp_serde::from_slice::<T>(&bytes) {
        Ok(read) if read == *part => {}
        Ok(_) => return Err(format!("{name} reads back different from what was stored")),
        Err(e) => return Err(format!("{name} does not read back: {e}")),
    }
    let path = out.join(format!("{name}.msgpack"));
    fs::write(&path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
