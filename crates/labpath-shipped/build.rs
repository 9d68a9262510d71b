//! Compiles the shipped catalog (`catalog/` at the workspace root) when
//! labpath is built: the loader reads and checks it exactly as it reads a
//! `--catalog` folder, and the checked parts are stored in `OUT_DIR` for the
//! library to embed. A catalog with a problem stops the build with the
//! loader's diagnostics (file, line, field), so a binary never carries a
//! catalog that `labpath catalog check` would refuse.

use std::path::PathBuf;
use std::process::ExitCode;
use std::{env, fs};

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
    let compiled = match rmp_serde::to_vec_named(&catalog.into_parts()) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("the shipped catalog cannot be stored: {e}");
            return ExitCode::FAILURE;
        }
    };
    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap_or_default()).join("catalog.msgpack");
    if let Err(e) = fs::write(&out, compiled) {
        eprintln!("cannot write {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
