//! `labpath interview [--person ID | --output FILE]`: the guided interview
//! in a terminal. It asks the questions `labpath questions` lists, one at a
//! time, most decisive first, and recomputes them after every answer, so an
//! answer that settles others spares them. Answers are written into the
//! profile by the web interview's own reader (`answer_questions`), and the
//! profile is saved as a TOML file or as a new version of a person's
//! profile. Stopping (Esc, Ctrl-C) saves what was answered so far.
//!
//! The loop ([`interview`]) talks to the person through [`Ask`], so it runs
//! the same with the terminal prompts (`terminal`) and with a script in tests.

mod terminal;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use labpath_engine::catalog::Catalog;
use labpath_engine::questions::{Answer, Question, Section};
use labpath_engine::units::Date;
use labpath_store::Store;
use labpath_store::ids::PersonId;
use labpath_store::ops;
use labpath_views::profile_form::{Kind, Values, answer_questions};
use serde_json::{Value, json};

use super::store::{actor, failure, with_store};
use super::{as_of, stored_profile};
use crate::cli::Cli;
use crate::{Exit, Failure};

/// Arguments of `labpath interview`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("save").required(true).args(["person", "output"])))]
pub struct Args {
    /// A person in the tracker: start from their latest profile and record
    /// the answers as a new profile version (only when something changed).
    #[arg(long, value_name = "ID", conflicts_with = "from")]
    pub person: Option<String>,
    /// Write the profile to this TOML file.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace --output if it exists.
    #[arg(long, requires = "output")]
    pub force: bool,
    /// Start from this profile file (default: a new profile, starting with
    /// your name and the state where you want to work).
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
    /// A named goal or credential ids; default: the goal of the work state,
    /// else every credential.
    #[arg(long, value_name = "GOAL")]
    pub goal: Option<String>,
    /// Read the rules in force on this day (YYYY-MM-DD); default today.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
}

/// The person chose to stop (Esc, Ctrl-C), or the terminal failed; what was
/// answered is kept either way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stop(pub String);

/// What the person answered to one question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// The answer as the web form sends it: choice values, a country's name
    /// or code, countries separated by commas, a day (YYYY-MM-DD), a number,
    /// `yes` or `no`.
    Values(Vec<String>),
    /// Not now: the question stays open.
    Skip,
}

/// Whoever answers the questions: the terminal, or a script in tests.
pub trait Ask {
    /// The name on a new profile.
    fn name(&mut self) -> Result<String, Stop>;
    /// The answer to `question`; `problem` says why the previous answer to
    /// it was refused.
    fn answer(&mut self, question: &Question, problem: Option<&str>) -> Result<Reply, Stop>;
    /// Something to tell the person (a question the terminal cannot ask).
    fn tell(&mut self, text: &str);
}

/// Where an interview ended.
#[derive(Debug, Clone)]
pub struct Session {
    /// The profile document, answers written in (the shape the store keeps).
    pub doc: Value,
    /// How many answers changed it.
    pub answered: usize,
    /// Why it ended early, if it did.
    pub stopped: Option<Stop>,
}

/// A new profile: the person's name and nothing else.
pub fn new_profile(name: &str) -> Value {
    json!({ "person": { "name": name } })
}

/// Where an interview starts.
#[derive(Debug, Clone)]
pub enum Start {
    /// Nothing yet: ask the name, then the state to work in.
    Blank,
    /// A new profile with this name: ask the state to work in first.
    Named(String),
    /// A profile document (a file's, or a person's latest version).
    Profile(Value),
}

/// Asks the open questions one at a time, most decisive first, recomputing
/// them after each answer, until none is left that the person has not
/// skipped, or the person stops. A new profile starts with the name and the
/// state to work in. `None` when the person stopped before giving a name.
/// The goal is `goal`, else the catalog's goal for the work state, as in
/// the web interview.
pub fn interview(
    catalog: &Catalog,
    start: Start,
    goal: Option<&str>,
    as_of: Date,
    ask: &mut dyn Ask,
) -> Result<Option<Session>, Failure> {
    let (mut doc, new) = match start {
        Start::Blank => match ask.name() {
            Ok(name) => (new_profile(&name), true),
            Err(_) => return Ok(None),
        },
        Start::Named(name) => (new_profile(&name), true),
        Start::Profile(doc) => (doc, false),
    };
    let mut session = Session {
        doc: Value::Null,
        answered: 0,
        stopped: None,
    };
    let mut passed: Vec<String> = Vec::new();
    let mut first = new.then(|| work_state_question(catalog)).flatten();
    loop {
        let question = match first.take() {
            Some(q) => q,
            None => match next_question(catalog, &doc, goal, as_of, &passed)? {
                Some(q) => q,
                None => break,
            },
        };
        if matches!(question.answer, Answer::Form) {
            ask.tell(&form_note(&question));
            passed.push(question.key.clone());
            continue;
        }
        match answer_one(catalog, &doc, &question, ask) {
            Ok(Some(next)) if next != doc => {
                doc = next;
                session.answered += 1;
            }
            Ok(_) => passed.push(question.key.clone()),
            Err(stop) => {
                session.stopped = Some(stop);
                break;
            }
        }
    }
    session.doc = doc;
    Ok(Some(session))
}

/// The most decisive open question the person has not passed over.
fn next_question(
    catalog: &Catalog,
    doc: &Value,
    goal: Option<&str>,
    as_of: Date,
    passed: &[String],
) -> Result<Option<Question>, Failure> {
    let profile = stored_profile(catalog, "the profile so far", doc)?;
    let goal = goal.map(str::to_owned).or_else(|| {
        let state = profile.person.work_state?;
        labpath_views::goal::for_work_state(catalog, state.as_str())
    });
    let open = labpath_views::questions::view(catalog, &profile, goal.as_deref(), as_of)
        .map_err(|why| Failure::BadInput(format!("error: --goal: {why}")))?
        .questions;
    Ok(open.into_iter().find(|q| !passed.contains(&q.key)))
}

/// "Where do you want to work?", asked of a new profile before anything
/// else since it picks the goal; the engine asks it only when it changes an
/// answer. Its choices are the web interview's field's.
fn work_state_question(catalog: &Catalog) -> Option<Question> {
    let about = labpath_views::profile_form::section(catalog, "about")?;
    let field = about.fields.into_iter().find(|f| f.name == "work_state")?;
    let Kind::Choice { choices } = field.kind else {
        return None;
    };
    Some(Question {
        key: "work_state".to_owned(),
        section: Section::AboutYou,
        ask: "Which US state do you want to work in?".to_owned(),
        help: "It picks your goal: that state's license, if it has one. Type to filter; the last entry is for not decided yet.".to_owned(),
        answer: Answer::Choice { choices },
        settles: 0,
        credentials: Vec::new(),
        sources: Vec::new(),
        assumable: false,
    })
}

/// Asks one question until the answer is taken (the new document) or the
/// person skips it (`None`).
fn answer_one(
    catalog: &Catalog,
    doc: &Value,
    question: &Question,
    ask: &mut dyn Ask,
) -> Result<Option<Value>, Stop> {
    let mut problem: Option<String> = None;
    loop {
        let values = match ask.answer(question, problem.as_deref())? {
            Reply::Skip => return Ok(None),
            Reply::Values(v) => v,
        };
        match apply(catalog, doc, question, values) {
            Ok(next) => return Ok(Some(next)),
            Err(why) => problem = Some(why),
        }
    }
}

/// Writes an answer into the profile document, through the reader the web
/// interview uses; the result must still load as a profile (a credential
/// earned after it expires is refused here).
pub fn apply(
    catalog: &Catalog,
    doc: &Value,
    question: &Question,
    values: Vec<String>,
) -> Result<Value, String> {
    let form: Values = [(format!("q.{}", question.key), values)].into();
    let next = answer_questions(std::slice::from_ref(question), &form, doc, Date::today())
        .map_err(|problems| problems.into_values().collect::<Vec<_>>().join("; "))?;
    stored_profile(catalog, "the answer", &next).map_err(|e| e.to_string())?;
    Ok(next)
}

/// What to do about a question that takes a whole form: which part of the
/// profile file to fill in.
pub fn form_note(question: &Question) -> String {
    format!(
        "Not asked here, as it takes several details at once: \"{}\" In a profile file (docs/profile.md) that is {}.",
        question.ask,
        file_field(&question.key)
    )
}

/// Where a question's fact goes in the profile file, in its TOML words.
fn file_field(key: &str) -> String {
    let (head, field) = match key.split_once('.') {
        Some((head, field)) => (head, Some(field)),
        None => (key, None),
    };
    let (table, index) = match head.split_once('[') {
        Some((t, rest)) => (t, rest.trim_end_matches(']').parse::<usize>().ok()),
        None => (head, None),
    };
    match (table, index, field) {
        ("work_state" | "citizenship" | "residence", _, _) => format!("`{key}` under `[person]`"),
        (t, Some(i), Some(f)) => format!("`{f}` in the `[[{t}]]` table number {}", i + 1),
        (t, _, _) => format!("a `[[{t}]]` table for each one"),
    }
}

/// Runs `labpath interview`.
pub fn run(
    cli: &Cli,
    catalog: &Catalog,
    args: &Args,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    let as_of = as_of(args.as_of.as_deref())?;
    before_asking(catalog, args)?;
    let person = args
        .person
        .as_deref()
        .map(|text| super::store::id::<PersonId>("--person", text))
        .transpose()?;
    let (start, before) = match (person, &args.from) {
        (Some(id), _) => start_of_person(cli, id)?,
        (None, Some(path)) => {
            let doc = document_of_file(catalog, path)?;
            (Start::Profile(doc.clone()), doc)
        }
        (None, None) => (Start::Blank, Value::Null),
    };
    let mut ask = terminal::Terminal;
    let Some(session) = interview(catalog, start, args.goal.as_deref(), as_of, &mut ask)? else {
        writeln!(out, "stopped before a name was given: nothing saved")?;
        return Ok(Exit::Ok);
    };
    if let Some(Stop(why)) = &session.stopped {
        writeln!(
            out,
            "{why}: saving {} given so far",
            answers(session.answered)
        )?;
    }
    match (person, &args.output) {
        (Some(id), _) => save_to_person(cli, id, &before, &session, out),
        (None, Some(path)) => save_to_file(catalog, path, args.force, &session, out),
        (None, None) => Err(Failure::BadInput(
            "error: give --output FILE or --person ID".to_owned(),
        )),
    }
}

/// What can be refused before a question is asked, so that no answer is
/// typed in vain: a goal that does not exist, an output file in the way, no
/// terminal to ask in.
fn before_asking(catalog: &Catalog, args: &Args) -> Result<(), Failure> {
    if let Some(goal) = &args.goal {
        labpath_views::goal::resolve(catalog, goal)
            .map_err(|why| Failure::BadInput(format!("error: --goal: {why}")))?;
    }
    if let Some(path) = &args.output {
        if path.exists() && !args.force {
            return Err(exists(path));
        }
    }
    if !std::io::stdin().is_terminal() {
        return Err(Failure::BadInput(
            "error: labpath interview asks its questions in a terminal, and standard input is not one: run it in a terminal, or see the questions with `labpath questions` and write the answers in the profile file".to_owned(),
        ));
    }
    Ok(())
}

fn exists(path: &Path) -> Failure {
    Failure::BadInput(format!(
        "error: --output: `{}` exists: give --force to replace it, or another file",
        path.display()
    ))
}

fn save_to_file(
    catalog: &Catalog,
    path: &Path,
    force: bool,
    session: &Session,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    let text = profile_toml(catalog, &session.doc)?;
    write_file(path, &text, force).inspect_err(|_| {
        // Nothing typed is lost: the profile goes to standard output.
        let _ = write!(out, "{text}");
    })?;
    writeln!(
        out,
        "wrote {} ({}); `labpath check {0}` says where you stand",
        path.display(),
        answers(session.answered)
    )?;
    Ok(Exit::Ok)
}

fn answers(n: usize) -> String {
    match n {
        1 => "1 answer".to_owned(),
        n => format!("{n} answers"),
    }
}

/// Where a person's interview starts: their latest profile document, or a
/// new one with their name; and the document as stored (null if none).
fn start_of_person(cli: &Cli, id: PersonId) -> Result<(Start, Value), Failure> {
    with_store(cli, async |store| {
        let person = store.person(id).await.map_err(failure)?;
        Ok(match store.profile(id, None).await.map_err(failure)? {
            Some(version) => (Start::Profile(version.profile.clone()), version.profile),
            None => (Start::Named(person.name), Value::Null),
        })
    })
}

/// A profile file, read and checked, as a document.
fn document_of_file(catalog: &Catalog, path: &Path) -> Result<Value, Failure> {
    let profile = labpath_catalog::profile::load(path, catalog)?;
    serde_json::to_value(&profile).map_err(|e| Failure::Internal(e.into()))
}

fn save_to_person(
    cli: &Cli,
    id: PersonId,
    before: &Value,
    session: &Session,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    if session.doc == *before || session.answered == 0 {
        writeln!(
            out,
            "nothing changed: person {id}'s profile stays as it was"
        )?;
        return Ok(Exit::Ok);
    }
    let saved = with_store(cli, async |store| {
        ops::record_profile(store, &actor(), id, session.doc.clone())
            .await
            .map_err(failure)
    });
    match saved {
        Ok(v) => {
            writeln!(
                out,
                "recorded profile version {} of person {id} ({})",
                v.version,
                answers(session.answered)
            )?;
            Ok(Exit::Ok)
        }
        Err(e) => {
            // Nothing typed is lost: the profile goes to standard output.
            let text = serde_json::to_string_pretty(&session.doc)
                .map_err(|e| Failure::Internal(e.into()))?;
            writeln!(out, "{text}")?;
            Err(e)
        }
    }
}

/// The profile document as a TOML profile file, checked to load back.
pub fn profile_toml(catalog: &Catalog, doc: &Value) -> Result<String, Failure> {
    let profile = stored_profile(catalog, "the profile", doc)?;
    let body = toml::to_string(&profile).map_err(|e| Failure::Internal(e.into()))?;
    let text =
        format!("# A labpath profile (docs/profile.md), written by `labpath interview`.\n\n{body}");
    labpath_catalog::profile::from_text(
        "the written profile",
        &text,
        labpath_catalog::parse::Format::Toml,
        catalog,
    )?;
    Ok(text)
}

/// Writes `text` to `path` whole or not at all: a temporary file beside it,
/// then a rename. An existing file is replaced only with `force`.
pub fn write_file(path: &Path, text: &str, force: bool) -> Result<(), Failure> {
    let cannot = |e: std::io::Error| Failure::cannot_write(Some("--output"), path, &e);
    if path.exists() && !force {
        return Err(exists(path));
    }
    let name = path.file_name().ok_or_else(|| {
        Failure::BadInput(format!(
            "error: --output: `{}` is not a file name",
            path.display()
        ))
    })?;
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(name);
    temp_name.push(format!(".{}.tmp", std::process::id()));
    let temp = path.with_file_name(temp_name);
    let written = std::fs::File::create(&temp).and_then(|mut f| {
        f.write_all(text.as_bytes())?;
        f.sync_all()
    });
    if let Err(e) = written.and_then(|()| std::fs::rename(&temp, path)) {
        let _ = std::fs::remove_file(&temp);
        return Err(cannot(e));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_fields_name_the_toml_table() {
        assert_eq!(file_field("residence"), "`residence` under `[person]`");
        assert_eq!(
            file_field("education"),
            "a `[[education]]` table for each one"
        );
        assert_eq!(
            file_field("education[0].evaluation"),
            "`evaluation` in the `[[education]]` table number 1"
        );
    }
}
