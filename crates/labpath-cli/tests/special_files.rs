//! Files the user names that are not regular files, or never end: a named
//! pipe with no writer, `/dev/zero`, a folder, a file past its limit. Each
//! is refused at once (well under a second, reading nothing without
//! bound) with exit 2 and a message naming the path and what it is.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at a broken fixture"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// How long a refusal may take.
const AT_ONCE: Duration = Duration::from_secs(1);

/// After this long the command is taken to be stuck, and killed.
const STUCK: Duration = Duration::from_secs(10);

/// Runs `labpath --data-dir DATA ARGS`, killing it if it runs past
/// [`STUCK`] (a read that waits for a pipe's writer never ends); its output
/// and how long it took.
fn run(data: &Path, args: &[&str]) -> (Output, Duration) {
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_labpath"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("RUST_BACKTRACE", "0")
        .spawn()
        .expect("labpath runs");
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > STUCK {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("labpath {args:?} was still running after {STUCK:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let took = start.elapsed();
    (child.wait_with_output().unwrap(), took)
}

/// Asserts a refusal: exit 2, at once, naming `path` and `what` it is.
fn assert_refused((out, took): (Output, Duration), path: &str, what: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr:\n{stderr}");
    assert!(!stderr.contains("panicked"), "panic:\n{stderr}");
    assert!(stderr.contains(path), "stderr lacks `{path}`:\n{stderr}");
    assert!(stderr.contains(what), "stderr lacks `{what}`:\n{stderr}");
    assert!(took < AT_ONCE, "took {took:?}:\n{stderr}");
}

/// A scratch folder with a data directory and a named pipe no one writes to.
struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Self {
        Scratch {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// A named pipe called `name`, with no writer.
    fn fifo(&self, name: &str) -> String {
        let path = self.path(name);
        let made = Command::new("mkfifo").arg(&path).status().unwrap();
        assert!(made.success(), "mkfifo {}", path.display());
        path.to_str().unwrap().to_owned()
    }
}

const PIPE: &str = "a named pipe (FIFO)";
const DEVICE: &str = "a character device";

#[test]
fn check_refuses_a_named_pipe_without_waiting_for_a_writer() {
    let s = Scratch::new();
    let fifo = s.fifo("profile.toml");
    assert_refused(run(&s.data(), &["check", &fifo]), &fifo, PIPE);
}

#[test]
fn check_refuses_dev_zero_without_reading_it() {
    let s = Scratch::new();
    assert_refused(run(&s.data(), &["check", "/dev/zero"]), "/dev/zero", DEVICE);
}

#[test]
fn check_refuses_a_folder() {
    let s = Scratch::new();
    let folder = s.dir.path().to_str().unwrap();
    assert_refused(run(&s.data(), &["check", folder]), folder, "a folder");
}

#[test]
fn an_attachment_from_dev_zero_or_a_pipe_is_refused() {
    let s = Scratch::new();
    let args = |file: &str| ["app", "update", "1", "--attach", file].map(str::to_owned);
    let run_with = |file: &str| {
        let args = args(file);
        run(&s.data(), &args.each_ref().map(String::as_str))
    };
    assert_refused(run_with("/dev/zero"), "/dev/zero", DEVICE);
    let fifo = s.fifo("receipt.pdf");
    assert_refused(run_with(&fifo), &fifo, PIPE);
}

#[test]
fn csv_imports_and_data_imports_refuse_a_named_pipe() {
    let s = Scratch::new();
    let people = s.fifo("people.csv");
    assert_refused(
        run(&s.data(), &["person", "import", &people]),
        &people,
        PIPE,
    );
    let ce = s.fifo("ce.csv");
    assert_refused(
        run(&s.data(), &["ce", "import", "--person", "1", &ce]),
        &ce,
        PIPE,
    );
    let export = s.fifo("export.json");
    assert_refused(run(&s.data(), &["import", &export]), &export, PIPE);
}

#[test]
fn a_certificate_named_in_a_ce_csv_may_not_be_a_device() {
    let s = Scratch::new();
    let profile = s.path("p.toml");
    std::fs::write(&profile, "[person]\nname = \"Maria Santos\"\n").unwrap();
    let (out, _) = run(
        &s.data(),
        &[
            "person",
            "add",
            "Maria Santos",
            "--profile",
            profile.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let csv = s.path("ce.csv");
    std::fs::write(
        &csv,
        "title,date,unit,amount,certificate\nSafety,2026-01-10,contact_hours,1,/dev/zero\n",
    )
    .unwrap();
    let (out, took) = run(
        &s.data(),
        &["ce", "import", "--person", "1", csv.to_str().unwrap()],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("ce.csv:2"), "{stderr}");
    assert!(stderr.contains(DEVICE), "{stderr}");
    assert!(took < AT_ONCE * 5, "took {took:?}");
}

#[test]
fn a_catalog_folder_holding_a_named_pipe_names_it() {
    let s = Scratch::new();
    let catalog = s.path("catalog");
    std::fs::create_dir(&catalog).unwrap();
    let fifo = s.fifo("catalog/extra.toml");
    let profile = s.path("p.toml");
    std::fs::write(&profile, "[person]\nname = \"test\"\n").unwrap();
    assert_refused(
        run(
            &s.data(),
            &[
                "--catalog",
                catalog.to_str().unwrap(),
                "check",
                profile.to_str().unwrap(),
            ],
        ),
        &fifo,
        PIPE,
    );
}

#[test]
fn a_profile_over_its_limit_is_refused_after_reading_one_byte_more() {
    let s = Scratch::new();
    let profile = s.path("huge.toml");
    let limit = labpath_catalog::profile::MAX_FILE.bytes as usize;
    let mut text = "[person]\nname = \"test\"\n".to_owned();
    while text.len() <= limit {
        text.push_str("# a comment line that makes the file larger and larger\n");
    }
    std::fs::write(&profile, text).unwrap();
    let path = profile.to_str().unwrap();
    assert_refused(run(&s.data(), &["check", path]), path, "larger than 1 MiB");
}

#[test]
fn an_attachment_over_20_mib_is_refused_with_what_to_do() {
    let s = Scratch::new();
    let big = s.path("scan.pdf");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(labpath_store::attachment::MAX_BYTES as u64 + 1)
        .unwrap();
    let path = big.to_str().unwrap();
    let (out, took) = run(&s.data(), &["app", "update", "1", "--attach", path]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(path), "{stderr}");
    assert!(stderr.contains("larger than 20 MiB"), "{stderr}");
    assert!(stderr.contains("scan it at a lower resolution"), "{stderr}");
    assert!(took < AT_ONCE * 5, "took {took:?}");
}
