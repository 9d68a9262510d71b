//! The machine's refusals, through the real binary: a data directory that
//! cannot be created or opened ends with exit code 4 (not 3, an internal
//! failure) and a message that says what to do.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at a broken fixture"
)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Runs `labpath ARGS` with `LABPATH_DATA_DIR` set to `data`.
fn labpath(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_labpath"))
        .args(args)
        .stdin(Stdio::null())
        .env("RUST_BACKTRACE", "0")
        .env("LABPATH_DATA_DIR", data)
        .output()
        .expect("labpath runs")
}

/// Asserts exit 4, no panic, and that stderr names each of `needles`.
fn assert_environment(out: &Output, needles: &[&str]) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "stderr:\n{stderr}");
    assert!(!stderr.contains("panicked"), "panic:\n{stderr}");
    for needle in needles {
        assert!(
            stderr.contains(needle),
            "stderr lacks `{needle}`:\n{stderr}"
        );
    }
}

#[test]
fn a_data_directory_inside_a_file_exits_4_and_says_to_choose_another() {
    // No user, root included, can create a folder inside a file.
    let file = tempfile::NamedTempFile::new().unwrap();
    let data = file.path().join("data");
    let out = labpath(&data, &["person", "list"]);
    assert_environment(
        &out,
        &[
            &data.display().to_string(),
            "cannot create the data directory",
            "choose another data directory",
        ],
    );
}

#[test]
fn a_data_directory_that_is_a_file_exits_4() {
    let file = tempfile::NamedTempFile::new().unwrap();
    let out = labpath(file.path(), &["person", "add", "Maria Santos"]);
    assert_environment(
        &out,
        &["a file stands where a folder is needed", "LABPATH_DATA_DIR"],
    );
}

#[test]
fn a_folder_where_the_database_goes_exits_4() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("labpath.db")).unwrap();
    let out = labpath(dir.path(), &["person", "list"]);
    assert_environment(
        &out,
        &["labpath.db", "a folder stands where a file is needed"],
    );
}

#[test]
fn a_data_directory_this_user_may_not_write_exits_4() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    // Root writes anywhere: then there is nothing to see here.
    if std::fs::write(locked.join("probe"), b"").is_ok() {
        return;
    }
    let out = labpath(&locked.join("data"), &["person", "list"]);
    assert_environment(&out, &["Permission denied", "writable by this user"]);
    let out = labpath(&locked, &["person", "list"]);
    assert_environment(&out, &["cannot be opened", "choose another data directory"]);
}

#[test]
fn the_server_exits_4_on_a_data_directory_it_cannot_create() {
    let file = tempfile::NamedTempFile::new().unwrap();
    let data = file.path().join("data");
    let out = labpath(&data, &["serve", "--bind", "127.0.0.1:0"]);
    assert_environment(&out, &["cannot create the data directory"]);
}

/// `/dev/full`, opened for writing: every write fails for want of space.
fn dev_full() -> std::fs::File {
    std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap()
}

#[test]
fn output_to_a_full_disk_exits_4_and_says_to_free_space() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_labpath"))
        .arg("credentials")
        .stdin(Stdio::null())
        .stdout(dev_full())
        .stderr(Stdio::piped())
        .env("RUST_BACKTRACE", "0")
        .env("LABPATH_DATA_DIR", dir.path())
        .output()
        .unwrap();
    assert_environment(&out, &["cannot write the output", "free some space"]);
}

#[test]
fn a_chart_written_to_a_full_disk_exits_4() {
    let dir = tempfile::tempdir().unwrap();
    let profile = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/profiles/ph-medtech-graduate.toml"
    );
    let out = labpath(
        dir.path(),
        &[
            "plan",
            profile,
            "--goal",
            "work-mls-ny",
            "--samples",
            "100",
            "--svg",
            "/dev/full",
        ],
    );
    assert_environment(
        &out,
        &["--svg: cannot write `/dev/full`", "free some space"],
    );
}
