//! Continuing education through the real binary: the example from the
//! issue (20 points, 10 chemistry and 10 general, is missing 16 including 1
//! safety and 2 each in blood banking, hematology and microbiology), one
//! activity counting for two credentials, bad input that stores nothing,
//! an all-or-nothing CSV import, the audit pack and the calendar.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at a broken fixture"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct World {
    dir: PathBuf,
}

impl World {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("labpath-ce-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let w = World { dir };
        w.write(
            "teacher.toml",
            "[person]\nname = \"MLS who now teaches\"\ncitizenship = [\"US\"]\n\n[[credential]]\nid = \"ascp-mls\"\nearned = 2015-06-30\nexpires = 2027-06-30\n\n[[credential]]\nid = \"ca-cls-license\"\nearned = 2016-01-15\nexpires = 2027-01-31\n",
        );
        let profile = w.path("teacher.toml");
        w.ok(&[
            "person",
            "add",
            "Teacher",
            "--profile",
            profile.to_str().unwrap(),
        ]);
        w
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_labpath"))
            .args(args)
            .arg("--data-dir")
            .arg(self.path("data"))
            .output()
            .expect("labpath runs")
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn bad(&self, args: &[&str], needle: &str) {
        let out = self.run(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains(needle),
            "{args:?}: stderr lacks `{needle}`: {stderr}"
        );
        assert!(!stderr.contains("panicked"));
    }

    fn count(&self) -> usize {
        let list: serde_json::Value =
            serde_json::from_str(&self.ok(&["ce", "list", "--person", "1", "--format", "json"]))
                .unwrap();
        list.as_array().unwrap().len()
    }
}

impl Drop for World {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn pdf(tag: &str) -> String {
    format!("%PDF-1.4\n% {tag}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
}

fn status(w: &World) -> serde_json::Value {
    serde_json::from_str(&w.ok(&[
        "ce",
        "status",
        "--person",
        "1",
        "--as-of",
        "2026-11-21",
        "--format",
        "json",
    ]))
    .unwrap()
}

fn standing<'a>(s: &'a serde_json::Value, credential: &str) -> &'a serde_json::Value {
    s["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["credential"]["id"] == credential)
        .unwrap()
}

#[test]
fn the_issue_example_and_one_activity_for_two_credentials() {
    let w = World::new("example");
    let cert = w.write("chem.pdf", &pdf("chem"));
    w.ok(&[
        "ce",
        "add",
        "--person",
        "1",
        "--title",
        "Clinical chemistry update",
        "--date",
        "2025-03-01",
        "--hours",
        "10",
        "--category",
        "chemistry",
        "--certificate",
        cert.to_str().unwrap(),
    ]);
    w.ok(&[
        "ce",
        "add",
        "--person",
        "1",
        "--title",
        "General topics",
        "--date",
        "2025-04-01",
        "--hours",
        "10",
        "--category",
        "general",
    ]);
    let s = status(&w);
    let mls = &standing(&s, "ascp-mls")["assessment"];
    assert_eq!(mls["earned"], 20.0);
    assert_eq!(mls["missing"], 16.0);
    let short = |cat: &str| {
        mls["categories"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["category"] == cat)
            .unwrap()["missing"]
            .as_f64()
            .unwrap()
    };
    assert_eq!(
        (
            short("safety"),
            short("blood_banking"),
            short("hematology"),
            short("microbiology"),
            short("chemistry")
        ),
        (1.0, 2.0, 2.0, 2.0, 0.0)
    );
    assert_eq!(
        mls["window"],
        serde_json::json!(["2027-04-01", "2027-05-31"])
    );
    // The same two activities count toward the California license too.
    let ca = &standing(&s, "ca-cls-license")["assessment"];
    assert_eq!(ca["earned"], 20.0);
    assert_eq!(ca["missing"], 4.0);
    let human = w.ok(&["ce", "status", "--person", "1", "--as-of", "2026-11-21"]);
    assert!(human.contains("missing 16 points"), "{human}");
    assert!(
        human.contains("declare between 2027-04-01 and 2027-05-31"),
        "{human}"
    );
}

#[test]
fn bad_input_is_refused_and_nothing_is_stored() {
    let w = World::new("bad");
    let cert = w.write("a.pdf", &pdf("a"));
    w.ok(&[
        "ce",
        "add",
        "--person",
        "1",
        "--title",
        "First",
        "--date",
        "2025-03-01",
        "--hours",
        "2",
        "--category",
        "safety",
        "--certificate",
        cert.to_str().unwrap(),
    ]);
    assert_eq!(w.count(), 1);
    w.bad(
        &[
            "ce",
            "add",
            "--person",
            "1",
            "--title",
            "Again",
            "--date",
            "2025-03-02",
            "--hours",
            "1",
            "--certificate",
            cert.to_str().unwrap(),
        ],
        "already attached to activity",
    );
    w.bad(
        &[
            "ce",
            "add",
            "--person",
            "1",
            "--title",
            "Old",
            "--date",
            "2019-03-02",
            "--hours",
            "1",
        ],
        "falls outside every renewal cycle",
    );
    w.bad(
        &[
            "ce",
            "add",
            "--person",
            "1",
            "--title",
            "Negative",
            "--date",
            "2025-03-02",
            "--hours",
            "-3",
        ],
        "more than zero, got `-3`",
    );
    w.bad(
        &[
            "ce",
            "add",
            "--person",
            "1",
            "--title",
            "Typo",
            "--date",
            "2025-03-02",
            "--hours",
            "1",
            "--category",
            "hematolgy",
        ],
        "did you mean `hematology`?",
    );
    let text = w.write("notes.exe", "MZ this is not a certificate");
    w.bad(
        &[
            "ce",
            "add",
            "--person",
            "1",
            "--title",
            "Wrong type",
            "--date",
            "2025-03-02",
            "--hours",
            "1",
            "--certificate",
            text.to_str().unwrap(),
        ],
        "notes.exe",
    );
    let big = w.path("big.pdf");
    let mut bytes = pdf("big").into_bytes();
    bytes.resize(21 * 1024 * 1024, b' ');
    std::fs::write(&big, bytes).unwrap();
    w.bad(
        &[
            "ce",
            "add",
            "--person",
            "1",
            "--title",
            "Too big",
            "--date",
            "2025-03-02",
            "--hours",
            "1",
            "--certificate",
            big.to_str().unwrap(),
        ],
        "big.pdf",
    );
    w.bad(
        &[
            "ce",
            "add",
            "--person",
            "9",
            "--title",
            "Nobody",
            "--date",
            "2025-03-02",
            "--hours",
            "1",
        ],
        "9",
    );
    assert_eq!(w.count(), 1, "a refused activity must not be stored");
}

#[test]
fn an_import_stores_every_row_or_none() {
    let w = World::new("import");
    w.write("c1.pdf", &pdf("c1"));
    let good = w.write(
        "good.csv",
        "title,provider,accreditation,date,unit,amount,categories,certificate\n\"Hemostasis, an update\",ASCLS,P.A.C.E.,2025-05-01,contact_hours,2,hematology,c1.pdf\nMicro webinar,,,2025-06-01,contact_hours,2,microbiology;general,\nCollege course,State U,,2025-09-01,semester_hours,1,chemistry,\n",
    );
    let bad = w.write(
        "bad.csv",
        "title,provider,accreditation,date,unit,amount,categories,certificate\nFine row,,,2025-05-01,contact_hours,2,safety,\nBroken row,,,2025-13-01,contact_hours,2,safety,\n",
    );
    w.bad(
        &["ce", "import", "--person", "1", bad.to_str().unwrap()],
        "bad.csv:3: field `date`",
    );
    assert_eq!(w.count(), 0, "a bad row stores nothing");
    let out = w.ok(&["ce", "import", "--person", "1", good.to_str().unwrap()]);
    assert!(out.contains("logged 3 activities"), "{out}");
    let s = status(&w);
    // 2 + 2 contact hours + 1 semester hour (15 points) = 19 ASCP points.
    assert_eq!(standing(&s, "ascp-mls")["assessment"]["earned"], 19.0);
    w.bad(
        &["ce", "import", "--person", "1", good.to_str().unwrap()],
        "already proves activity",
    );
    assert_eq!(w.count(), 3);
}

#[test]
fn an_import_refuses_one_certificate_for_two_lines() {
    let w = World::new("twice");
    w.write("c1.pdf", &pdf("c1"));
    let twice = w.write(
        "twice.csv",
        "title,date,unit,amount,certificate\nFirst,2025-05-01,contact_hours,1,c1.pdf\nSecond,2025-05-02,contact_hours,1,\nThird,2025-05-03,contact_hours,1,c1.pdf\n",
    );
    w.bad(
        &["ce", "import", "--person", "1", twice.to_str().unwrap()],
        "twice.csv:4: field `certificate`: the same file is the certificate of line 2 too",
    );
    assert_eq!(w.count(), 0, "nothing of the file is logged");
}

#[test]
fn an_import_reads_a_spreadsheets_csv_by_column_name() {
    // As a spreadsheet saves it: columns in its own order, optional ones
    // left out, a cell with a line break in it, quotes doubled.
    let w = World::new("spreadsheet");
    let sheet = w.write(
        "sheet.csv",
        "Date,Amount,Unit,Title,Categories\r\n2025-05-01,2,contact_hours,\"Quality control:\r\nthe \"\"Westgard\"\" rules\",chemistry\r\n2025-05-02,1,contact_hours,Safety refresher,safety\r\n",
    );
    let out = w.ok(&["ce", "import", "--person", "1", sheet.to_str().unwrap()]);
    assert!(out.contains("logged 2 activities"), "{out}");
    let list: serde_json::Value =
        serde_json::from_str(&w.ok(&["ce", "list", "--person", "1", "--format", "json"])).unwrap();
    let titles: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["activity"]["title"].as_str().unwrap())
        .collect();
    assert!(
        titles.contains(&"Quality control:\r\nthe \"Westgard\" rules"),
        "{titles:?}"
    );
    // Shown on one line where a line is all there is.
    let table = w.ok(&["ce", "list", "--person", "1"]);
    assert!(
        table.contains("Quality control: the \"Westgard\" rules"),
        "{table}"
    );
    // A problem after a two-line record names the line it is on.
    let broken = w.write(
        "broken.csv",
        "title,date,unit,amount\n\"Two\nlines\",2025-05-01,contact_hours,1\nBad day,2025-13-01,contact_hours,1\n",
    );
    w.bad(
        &["ce", "import", "--person", "1", broken.to_str().unwrap()],
        "broken.csv:4: field `date`",
    );
}

#[test]
fn the_audit_pack_holds_the_certificates_and_a_summary() {
    let w = World::new("audit");
    let cert = w.write("safety.pdf", &pdf("safety"));
    w.ok(&[
        "ce",
        "add",
        "--person",
        "1",
        "--title",
        "Lab safety",
        "--date",
        "2025-02-01",
        "--hours",
        "1",
        "--category",
        "safety",
        "--certificate",
        cert.to_str().unwrap(),
    ]);
    w.ok(&[
        "ce",
        "add",
        "--person",
        "1",
        "--title",
        "No certificate",
        "--date",
        "2025-02-02",
        "--hours",
        "3",
        "--category",
        "general",
    ]);
    let zip_path = w.path("pack.zip");
    w.ok(&[
        "ce",
        "audit-pack",
        "--person",
        "1",
        "ascp-mls",
        zip_path.to_str().unwrap(),
        "--as-of",
        "2026-11-21",
    ]);
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&zip_path).unwrap()).unwrap();
    let names: Vec<String> = archive
        .file_names()
        .map(|n| n.unwrap().into_owned())
        .collect();
    assert!(
        names.contains(&"summary.txt".to_owned()) && names.contains(&"summary.json".to_owned()),
        "{names:?}"
    );
    let certs: Vec<&String> = names
        .iter()
        .filter(|n| n.starts_with("certificates/"))
        .collect();
    assert_eq!(certs.len(), 1, "{names:?}");
    let mut stored = Vec::new();
    std::io::Read::read_to_end(&mut archive.by_name(certs[0]).unwrap(), &mut stored).unwrap();
    assert_eq!(
        stored,
        std::fs::read(&cert).unwrap(),
        "the certificate comes back byte for byte"
    );
    let mut summary = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("summary.txt").unwrap(), &mut summary)
        .unwrap();
    assert!(
        summary.contains("4 of 36 points") && summary.contains("no certificate on file"),
        "{summary}"
    );
    assert!(Path::new(&zip_path).exists());
}

#[test]
fn renewals_appear_in_the_calendar() {
    let w = World::new("calendar");
    let ics = w.ok(&["calendar"]);
    // Titled with what happens, and for a calendar of everyone, whose.
    assert!(
        ics.contains("SUMMARY:Teacher: Declare CMP for MLS(ASCP): window opens"),
        "{ics}"
    );
    assert!(ics.contains("DTSTART;VALUE=DATE:20270401"), "{ics}");
    assert!(
        ics.contains("SUMMARY:Teacher: Declare CMP for MLS(ASCP): window closes"),
        "{ics}"
    );
    assert!(ics.contains("SUMMARY:Teacher: MLS(ASCP) expires"), "{ics}");
    let parsed = ical::IcalParser::new(std::io::BufReader::new(ics.as_bytes()))
        .next()
        .unwrap()
        .unwrap();
    assert!(parsed.events.len() >= 3);
    // One person's calendar needs no name.
    let mine = w.ok(&["calendar", "--person", "1"]);
    assert!(
        mine.contains("SUMMARY:Declare CMP for MLS(ASCP): window closes"),
        "{mine}"
    );
}

/// The issue's case in `labpath status`: MLS(ASCP) 16 points short, its
/// declaration window closed two weeks ago, expiring in 16 days, reads as
/// lapsing, first, by the person's name, with what clears it; the
/// California license that expired is there too. Before, status said
/// "nothing overdue, nothing due soon".
#[test]
fn status_lists_a_lapsing_credential_first_by_name() {
    let w = World::new("lapsing");
    for (title, date, category) in [
        ("Clinical chemistry update", "2025-03-01", "chemistry"),
        ("General topics", "2025-04-01", "general"),
    ] {
        w.ok(&[
            "ce",
            "add",
            "--person",
            "1",
            "--title",
            title,
            "--date",
            date,
            "--hours",
            "10",
            "--category",
            category,
        ]);
    }
    // MLS(ASCP) expires 2027-06-30; the window closed on 2027-05-31.
    let out = w.ok(&["status", "--as-of", "2027-06-14"]);
    let lapsing = out
        .split("\nLAPSING (2)\n")
        .nth(1)
        .unwrap_or_else(|| panic!("no LAPSING section first: {out}"));
    // Both are red, the earlier day first: the license that expired.
    let heads: Vec<&str> = lapsing.lines().filter(|l| l.starts_with("- ")).collect();
    assert_eq!(
        heads,
        [
            "- urgent: Teacher: CLS (California) expired on 2027-01-31 (134 days ago)",
            "- urgent: Teacher: MLS(ASCP) expires on 2027-06-30 (in 16 days)",
        ]
    );
    assert!(
        lapsing.contains(
            "  Not compliant: 16 points short, declaration window closed on 2027-05-31, expires 2027-06-30\n"
        ),
        "{out}"
    );
    assert!(
        lapsing.contains("  to do: log 16 more CMP points before 2027-06-30"),
        "{out}"
    );
    assert!(
        lapsing.contains("<https://www.ascp.org/"),
        "the rule's source: {out}"
    );
    assert!(!out.contains("person 1"), "people by name: {out}");
    assert!(!out.contains("nothing overdue"), "{out}");
    // The CE status says the same.
    let ce = w.ok(&["ce", "status", "--person", "1", "--as-of", "2027-06-14"]);
    assert!(
        ce.contains(
            "  verdict: Not compliant: 16 points short, declaration window closed on 2027-05-31, expires 2027-06-30 (urgent)"
        ),
        "{ce}"
    );
    // As JSON, for programs.
    let json: serde_json::Value =
        serde_json::from_str(&w.ok(&["status", "--as-of", "2027-06-14", "--format", "json"]))
            .unwrap();
    assert_eq!(json["lapsing"][0]["severity"], "red");
    assert_eq!(json["lapsing"][0]["person_name"], "Teacher");
}
