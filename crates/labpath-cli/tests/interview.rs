//! `labpath interview`: without a terminal it refuses at once (exit 2)
//! rather than hang; an output file in the way is refused before anything
//! is asked; and the interview itself, driven by a script in place of the
//! terminal, writes every answer into a profile file that loads back.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at a broken fixture"
)]

mod common;

use common::labpath;

use std::collections::HashMap;
use std::path::PathBuf;

use labpath_cli::command::interview::{
    Ask, Reply, Session, Start, Stop, interview, profile_toml, write_file,
};
use labpath_engine::catalog::Catalog;
use labpath_engine::profile::Profile;
use labpath_engine::questions::Question;
use labpath_engine::units::{Code, Date};
use serde_json::json;

struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("labpath-interview-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The binary with no terminal on standard input (as in CI, or a pipe).

#[test]
fn without_a_terminal_the_interview_fails_with_exit_2_and_says_why() {
    let s = Scratch::new("no-tty");
    let output = s.path("new.toml");
    let data = s.path("data");
    for args in [
        vec!["interview", "--output", output.to_str().unwrap()],
        vec![
            "--data-dir",
            data.to_str().unwrap(),
            "interview",
            "--person",
            "1",
        ],
    ] {
        let out = labpath(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("not one"), "{args:?}: {stderr}");
        assert!(stderr.contains("terminal"), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    assert!(!output.exists(), "nothing answered, nothing written");
}

#[test]
fn an_existing_output_file_is_refused_before_anything_is_asked() {
    let s = Scratch::new("exists");
    let output = s.path("mine.toml");
    std::fs::write(&output, "# mine\n").unwrap();
    let out = labpath(&["interview", "--output", output.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("exists") && stderr.contains("--force"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&output).unwrap(), "# mine\n");
}

#[test]
fn the_interview_needs_somewhere_to_save() {
    let out = labpath(&["interview"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--person") && stderr.contains("--output"),
        "{stderr}"
    );
}

/// Answers from a script: by question key, in order (the last one repeats);
/// a key not in the script is skipped. Keeps what was asked and told.
#[derive(Default)]
struct Script {
    name: String,
    replies: HashMap<String, Vec<Reply>>,
    /// Stop (as Esc does) when asked this many questions.
    stop_at: Option<usize>,
    /// Each question asked, with the problem shown with it.
    asked: Vec<(String, Option<String>)>,
    told: Vec<String>,
}

impl Script {
    fn reply(mut self, key: &str, values: &[&str]) -> Self {
        self.replies
            .entry(key.to_owned())
            .or_default()
            .push(Reply::Values(
                values.iter().map(|v| (*v).to_owned()).collect(),
            ));
        self
    }

    /// The statements asked, in order (the first was answered yes).
    fn statements(&self) -> Vec<String> {
        self.asked
            .iter()
            .filter_map(|(k, _)| k.strip_prefix("declarations.").map(str::to_owned))
            .collect()
    }

    fn asked(&self, key: &str) -> Vec<Option<String>> {
        self.asked
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, p)| p.clone())
            .collect()
    }
}

impl Ask for Script {
    fn name(&mut self) -> Result<String, Stop> {
        Ok(self.name.clone())
    }

    fn answer(&mut self, question: &Question, problem: Option<&str>) -> Result<Reply, Stop> {
        if self.stop_at == Some(self.asked.len()) {
            return Err(Stop("stopped (Esc)".to_owned()));
        }
        let n = self.asked(&question.key).len();
        self.asked
            .push((question.key.clone(), problem.map(str::to_owned)));
        if question.key.starts_with("declarations.") {
            // The first statement is true, the others are not.
            let first = self
                .asked
                .iter()
                .find(|(k, _)| k.starts_with("declarations."));
            let yes = first.is_some_and(|(k, _)| *k == question.key);
            return Ok(Reply::Values(vec![
                if yes { "yes" } else { "no" }.to_owned(),
            ]));
        }
        Ok(match self.replies.get(&question.key) {
            Some(list) => list[n.min(list.len() - 1)].clone(),
            None => Reply::Skip,
        })
    }

    fn tell(&mut self, text: &str) {
        self.told.push(text.to_owned());
    }
}

fn catalog() -> Catalog {
    labpath_shipped::catalog().expect("the built-in catalog loads")
}

fn day(text: &str) -> Date {
    Date::parse(text).unwrap()
}

/// Writes the session's profile as the command does, and loads it back
/// with the profile loader every command uses.
fn written(catalog: &Catalog, session: &Session, s: &Scratch) -> Profile {
    let path = s.path("profile.toml");
    let text = profile_toml(catalog, &session.doc).expect("a valid profile");
    write_file(&path, &text, false).expect("written");
    labpath_catalog::profile::load(&path, catalog).expect("the written file loads back")
}

#[test]
fn a_new_profile_asks_the_name_and_work_state_first_and_writes_every_answer() {
    let catalog = catalog();
    let s = Scratch::new("new");
    let mut script = Script {
        name: "Maria Santos".to_owned(),
        ..Script::default()
    }
    .reply("work_state", &["NY"]);
    let session = interview(&catalog, Start::Blank, None, day("2026-11-21"), &mut script)
        .unwrap()
        .expect("a name was given");
    assert_eq!(script.asked[0].0, "work_state", "{:?}", script.asked);
    assert!(session.stopped.is_none());
    let statements = script.statements();
    assert!(
        !statements.is_empty(),
        "the New York goal asks a statement: {:?}",
        script.asked
    );
    assert_eq!(session.answered, 1 + statements.len());
    // Questions that take a whole form are passed over, saying where the
    // profile file takes them.
    assert!(
        script.told.iter().any(|t| t.contains("[[education]]")),
        "{:?}",
        script.told
    );

    let profile = written(&catalog, &session, &s);
    assert_eq!(profile.person.name, "Maria Santos");
    assert_eq!(profile.person.work_state, Code::parse("NY").ok());
    assert_eq!(profile.declarations, statements[..1].to_vec());
    assert_eq!(profile.declined, statements[1..].to_vec());
}

/// A US bachelor's in biology and a held MLT(ASCP) without the day earned,
/// who has stated good moral character and age 18 (New York asks both of a
/// technician, so the day earned still decides its certification route).
fn graduate() -> serde_json::Value {
    json!({
        "person": { "name": "Biology graduate" },
        "declarations": ["good_moral_character", "age_18_or_over"],
        "education": [{
            "title": "BS Biology", "level": "bachelor", "field": "biology",
            "country": "US", "completed": "2018-05-01"
        }],
        "credential": [{ "id": "ascp-mlt" }]
    })
}

#[test]
fn a_choice_a_number_and_a_day_are_written_and_a_refused_day_is_asked_again() {
    let catalog = catalog();
    let s = Scratch::new("kinds");
    let mut script = Script::default()
        .reply("education[0].accreditation", &["regional"])
        .reply("education[0].semester_hours", &["120"])
        .reply("credential[0].earned", &["2019-02-30"])
        .reply("credential[0].earned", &["2019-06-01"]);
    let start = Start::Profile(graduate());
    let session = interview(&catalog, start, None, day("2026-11-21"), &mut script)
        .unwrap()
        .unwrap();
    assert_eq!(script.asked("education[0].accreditation"), [None]);
    assert_eq!(script.asked("education[0].semester_hours"), [None]);
    let earned = script.asked("credential[0].earned");
    assert_eq!(
        earned.len(),
        2,
        "a refused day is asked again: {earned:?} {:?}",
        script.asked
    );
    assert!(
        earned[1]
            .as_deref()
            .is_some_and(|p| p.contains("2019-02-30")),
        "{earned:?}"
    );
    // Every credential is in scope: statements are asked too, the first
    // answered yes and the others no.
    let statements = script.statements();
    assert!(statements.len() >= 2, "{:?}", script.asked);
    assert_eq!(session.answered, 3 + statements.len());

    let profile = written(&catalog, &session, &s);
    let degree = &profile.education[0];
    assert_eq!(
        degree.accreditation.map(|a| a.word()),
        Some("regional".to_owned())
    );
    assert_eq!(degree.semester_hours.map(|h| h.value()), Some(120.0));
    assert_eq!(profile.credentials[0].earned, Some(day("2019-06-01")));
    let mut stated = vec![
        "good_moral_character".to_owned(),
        "age_18_or_over".to_owned(),
    ];
    stated.extend_from_slice(&statements[..1]);
    assert_eq!(profile.declarations, stated);
    assert_eq!(profile.declined, statements[1..].to_vec());
}

#[test]
fn stopping_keeps_the_answers_given_so_far() {
    let catalog = catalog();
    let s = Scratch::new("stop");
    let mut script = Script {
        stop_at: Some(1),
        ..Script::default()
    }
    .reply("education[0].accreditation", &["regional"])
    .reply("education[0].semester_hours", &["120"])
    .reply("credential[0].earned", &["2019-06-01"]);
    let start = Start::Profile(graduate());
    let session = interview(&catalog, start, None, day("2026-11-21"), &mut script)
        .unwrap()
        .unwrap();
    assert!(session.stopped.is_some());
    assert_eq!(session.answered, 1);
    let first = script.asked[0].0.clone();
    let profile = written(&catalog, &session, &s);
    let set = [
        profile.education[0].accreditation.is_some(),
        profile.education[0].semester_hours.is_some(),
        profile.credentials[0].earned.is_some(),
    ];
    assert_eq!(set.iter().filter(|b| **b).count(), 1, "{first}: {set:?}");
}

#[test]
fn a_profile_file_is_replaced_only_when_forced() {
    let s = Scratch::new("force");
    let path = s.path("p.toml");
    write_file(&path, "one\n", false).unwrap();
    assert!(write_file(&path, "two\n", false).is_err());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "one\n");
    write_file(&path, "two\n", true).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "two\n");
    let left: Vec<_> = std::fs::read_dir(&s.0).unwrap().collect();
    assert_eq!(left.len(), 1, "no temporary file is left behind");
}
