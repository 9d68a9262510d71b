//! The tracker through the `labpath` command line (in-process): a whole
//! story, the calendar parsed by an iCalendar parser, export/import round
//! trips, and bad input, which exits 2 with a clear message and loses
//! nothing already stored.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at a broken fixture"
)]

use std::path::Path;

/// Runs `labpath --data-dir DIR ARGS...`: (exit code, stdout, stderr).
fn labpath(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let mut out = Vec::new();
    let mut argv = vec!["labpath", "--data-dir", dir.to_str().unwrap()];
    argv.extend_from_slice(args);
    let result = labpath_cli::run(argv, &mut out);
    let stdout = String::from_utf8(out).unwrap();
    match result {
        Ok(exit) => (exit as i32, stdout, String::new()),
        Err(e) => (e.exit_code(), stdout, e.to_string()),
    }
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let (code, out, err) = labpath(dir, args);
    assert_eq!(code, 0, "labpath {args:?}: {err}");
    out
}

fn bad(dir: &Path, args: &[&str]) -> String {
    let (code, _, err) = labpath(dir, args);
    assert_eq!(code, 2, "labpath {args:?} should be refused: {err}");
    assert!(err.starts_with("error: "), "{err}");
    err
}

/// A person with a profile, a New York application submitted long ago with
/// a document sent and a status request logged, and a reminder.
fn story(dir: &Path) {
    let profile = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/profiles/ph-medtech-graduate.toml");
    ok(
        dir,
        &[
            "person",
            "add",
            "Maria Santos",
            "--profile",
            profile.to_str().unwrap(),
        ],
    );
    ok(
        dir,
        &[
            "app",
            "new",
            "--person",
            "1",
            "--step",
            "ny-clt-apply",
            "--reference",
            "CLT-77",
        ],
    );
    ok(
        dir,
        &[
            "app",
            "update",
            "1",
            "--status",
            "submitted",
            "--on",
            "2025-01-02",
        ],
    );
    ok(
        dir,
        &[
            "doc",
            "update",
            "1",
            "form-2",
            "--status",
            "sent",
            "--on",
            "2025-01-03",
            "--method",
            "courier",
            "--tracking",
            "1Z999",
        ],
    );
    ok(
        dir,
        &[
            "contact",
            "add",
            "1",
            "--channel",
            "letter",
            "--summary",
            "status request",
            "--on",
            "2025-03-01",
            "--with",
            "NYSED OP",
        ],
    );
    ok(
        dir,
        &[
            "reminder",
            "add",
            "--app",
            "1",
            "--on",
            "2025-06-01",
            "--what",
            "call the school",
        ],
    );
}

#[test]
fn the_story_is_shown_with_its_history_and_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    story(dir.path());
    let show = ok(dir.path(), &["app", "show", "1"]);
    assert!(show.contains("reference: CLT-77"), "{show}");
    assert!(show.contains("form-2"), "{show}");
    assert!(show.contains("tracking 1Z999"), "{show}");
    let history = ok(dir.path(), &["app", "history", "1"]);
    for line in [
        "created from step ny-clt-apply",
        "status draft -> submitted on 2025-01-02",
        "document `form-2` needed -> sent",
        "letter with NYSED OP",
    ] {
        assert!(history.contains(line), "missing {line}: {history}");
    }
    let status = ok(
        dir.path(),
        &["status", "--person", "1", "--as-of", "2025-06-15"],
    );
    assert!(status.contains("OVERDUE"), "{status}");
    assert!(status.contains("Send a written follow-up"), "{status}");
    // A reminder whose day has passed is lapsing, listed first, by name.
    assert!(
        status.contains("LAPSING (1)\n- urgent: Maria Santos: call the school (14 days ago)"),
        "{status}"
    );
    let json: serde_json::Value = serde_json::from_str(&ok(
        dir.path(),
        &[
            "status",
            "--person",
            "1",
            "--as-of",
            "2025-06-15",
            "--format",
            "json",
        ],
    ))
    .unwrap();
    assert_eq!(json["alerts"][0]["urgency"], "overdue");
    let people: serde_json::Value =
        serde_json::from_str(&ok(dir.path(), &["person", "list", "--format", "json"])).unwrap();
    assert_eq!(people[0]["profile_version"], 1);
}

#[test]
fn the_calendar_is_valid_icalendar() {
    let dir = tempfile::tempdir().unwrap();
    story(dir.path());
    ok(
        dir.path(),
        &["app", "new", "--person", "1", "--step", "ca-cls-apply"],
    );
    ok(
        dir.path(),
        &[
            "app",
            "update",
            "2",
            "--status",
            "submitted",
            "--on",
            "2025-02-01",
        ],
    );
    let ics = ok(dir.path(), &["calendar"]);
    assert!(ics.lines().all(|l| l.len() <= 76), "lines are folded");
    let reader = ical::IcalParser::new(std::io::BufReader::new(ics.as_bytes()));
    let calendars: Vec<_> = reader.collect::<Result<_, _>>().expect("the ICS parses");
    assert_eq!(calendars.len(), 1);
    let events = &calendars[0].events;
    let value = |e: &ical::parser::ical::component::IcalEvent, name: &str| {
        e.properties
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.value.clone())
            .unwrap_or_default()
    };
    let starts: Vec<String> = events.iter().map(|e| value(e, "DTSTART")).collect();
    assert!(
        starts.contains(&"20250601".to_owned()),
        "the reminder: {starts:?}"
    );
    assert!(
        starts.contains(&"20250701".to_owned()),
        "California's 150 days: {starts:?}"
    );
    let descriptions: String = events.iter().map(|e| value(e, "DESCRIPTION")).collect();
    assert!(
        descriptions.contains("abandons an incomplete application"),
        "{descriptions}"
    );
    assert!(
        events
            .iter()
            .all(|e| !value(e, "UID").is_empty() && e.alarms.len() == 1)
    );
}

#[test]
fn export_and_import_round_trip_and_import_never_overwrites() {
    let a = tempfile::tempdir().unwrap();
    story(a.path());
    let receipt = a.path().join("receipt.pdf");
    std::fs::write(&receipt, b"%PDF-1.4 courier receipt").unwrap();
    ok(
        a.path(),
        &[
            "doc",
            "update",
            "1",
            "form-2",
            "--status",
            "received",
            "--on",
            "2025-01-20",
            "--attach",
            receipt.to_str().unwrap(),
        ],
    );
    let file = a.path().join("export.json");
    ok(a.path(), &["export", "--output", file.to_str().unwrap()]);
    let err = bad(a.path(), &["export", "--output", file.to_str().unwrap()]);
    assert!(err.contains("never overwrites"), "{err}");
    let b = tempfile::tempdir().unwrap();
    let imported = ok(b.path(), &["import", file.to_str().unwrap()]);
    assert!(
        imported.contains("1 people, 1 applications, 1 files"),
        "{imported}"
    );
    let first: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let second: serde_json::Value = serde_json::from_str(&ok(b.path(), &["export"])).unwrap();
    assert_eq!(first["events"], second["events"]);
    assert_eq!(first["files"], second["files"]);
    let err = bad(b.path(), &["import", file.to_str().unwrap()]);
    assert!(err.contains("already holds"), "{err}");
    assert!(err.contains("nothing was imported"), "{err}");
    let backup = b.path().join("copy.db");
    ok(b.path(), &["backup", backup.to_str().unwrap()]);
    assert!(bad(b.path(), &["backup", backup.to_str().unwrap()]).contains("never overwrites"));
}

#[test]
fn bad_input_exits_2_with_a_clear_message_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    story(dir.path());
    ok(
        dir.path(),
        &[
            "app",
            "update",
            "1",
            "--status",
            "approved",
            "--on",
            "2025-04-01",
        ],
    );
    let before = ok(dir.path(), &["export"]);
    let cases: &[(&[&str], &str)] = &[
        (
            &["app", "show", "42"],
            "error: application `42` does not exist (run `labpath app list`)",
        ),
        (
            &["app", "update", "1", "--status", "draft"],
            "error: cannot change application 1 from approved to draft: a decided application can only be reopened as under_review",
        ),
        (
            &[
                "app",
                "update",
                "1",
                "--status",
                "under_review",
                "--on",
                "2025/05/01",
            ],
            "error: --on: `2025/05/01` is not a date: expected YYYY-MM-DD",
        ),
        (
            &["app", "update", "1", "--status", "done"],
            "error: --status: `done` is not an application status",
        ),
        (
            &["app", "new", "--person", "1", "--step", "ny-clt-aply"],
            "error: --step: unknown step `ny-clt-aply` (did you mean `ny-clt-apply`?)",
        ),
        (
            &["app", "new", "--person", "9", "--step", "ny-clt-apply"],
            "error: person `9` does not exist (run `labpath person list`)",
        ),
        (
            &["app", "history", "abc"],
            "error: app: `abc` is not an application id",
        ),
        (
            &["doc", "update", "1", "form-9", "--status", "sent"],
            "error: application 1 has no document `form-9`: its checklist has form-1, form-2",
        ),
        (
            &["doc", "update", "1", "form-2", "--status", "requested"],
            "error: cannot change document `form-2` of application 1 from sent to requested",
        ),
        (
            &["contact", "add", "1", "--channel", "fax", "--summary", "x"],
            "error: --channel: `fax` is not a channel",
        ),
        (
            &["reminder", "done", "77"],
            "error: reminder `77` does not exist",
        ),
    ];
    for (args, expected) in cases {
        let err = bad(dir.path(), args);
        assert!(
            err.starts_with(expected),
            "labpath {args:?}\n  got: {err}\n want: {expected}"
        );
    }
    let big = dir.path().join("scan.pdf");
    let mut content = b"%PDF-1.7\n".to_vec();
    content.resize(21 * 1024 * 1024, b'x');
    std::fs::write(&big, content).unwrap();
    let err = bad(
        dir.path(),
        &["app", "update", "1", "--attach", big.to_str().unwrap()],
    );
    assert!(err.contains("larger than 20 MiB"), "{err}");
    assert!(err.contains("scan it at a lower resolution"), "{err}");
    let fake = dir.path().join("receipt.pdf");
    std::fs::write(&fake, b"PK\x03\x04 a zip archive").unwrap();
    let err = bad(
        dir.path(),
        &[
            "contact",
            "add",
            "1",
            "--channel",
            "email",
            "--summary",
            "x",
            "--attach",
            fake.to_str().unwrap(),
        ],
    );
    assert!(err.contains("not a file type labpath keeps"), "{err}");
    let after = ok(dir.path(), &["export"]);
    let events = |t: &str| serde_json::from_str::<serde_json::Value>(t).unwrap()["events"].clone();
    assert_eq!(
        events(&before),
        events(&after),
        "a refused command changed the store"
    );
}

#[test]
fn a_corrupt_database_file_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("labpath.db");
    std::fs::write(&db, b"not a database at all, but someone's notes").unwrap();
    let err = bad(dir.path(), &["status"]);
    assert!(err.contains("is not a labpath database"), "{err}");
    assert!(err.contains("left untouched"), "{err}");
    assert_eq!(
        std::fs::read(&db).unwrap(),
        b"not a database at all, but someone's notes"
    );
}
