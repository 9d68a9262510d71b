//! `labpath questions PROFILE | --person ID [--goal G]`: the facts a profile
//! does not give that would change an answer, most decisive first. The same
//! questions the web interview asks.

use std::io::Write;

use labpath_engine::catalog::Catalog;
use labpath_engine::questions::{Answer, Question};
use labpath_views::questions::QuestionsView;

use super::as_of;
use super::store::app_failure;
use crate::cli::{Cli, Format};
use crate::render::wrap;
use crate::{Exit, Failure};

/// Arguments of `labpath questions`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A profile file or `--person ID`.
    #[command(flatten)]
    pub source: super::ProfileSource,
    /// A named goal or credential ids; default: every credential.
    #[arg(long, value_name = "GOAL")]
    pub goal: Option<String>,
    /// Read the rules in force on this day (YYYY-MM-DD); default today.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Runs `labpath questions`.
pub fn run(
    cli: &Cli,
    catalog: &Catalog,
    args: &Args,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    let as_of = as_of(args.as_of.as_deref())?;
    let profile = args.source.read(cli, catalog)?;
    let questions =
        labpath_app::eligibility::questions(catalog, &profile, args.goal.as_deref(), as_of)
            .map_err(|e| app_failure(e, |f| (f == "goal").then(|| "--goal".to_owned())))?;
    match args.format {
        Format::Json => crate::json::write(out, &questions)?,
        Format::Human => write_human(catalog, &questions, out)?,
    }
    Ok(Exit::Ok)
}

fn write_human(
    catalog: &Catalog,
    view: &QuestionsView,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let goal = view.goal.as_deref().unwrap_or("every credential");
    if view.questions.is_empty() {
        writeln!(
            out,
            "No question left for {goal}: no fact you could add would change an answer."
        )?;
        return Ok(());
    }
    let n = view.questions.len();
    writeln!(
        out,
        "{n} {} would change an answer for {goal} (as of {}), most decisive first:",
        if n == 1 { "question" } else { "questions" },
        view.as_of
    )?;
    for (i, q) in view.questions.iter().enumerate() {
        writeln!(out)?;
        write_question(catalog, i + 1, q, out)?;
    }
    Ok(())
}

fn write_question(
    catalog: &Catalog,
    number: usize,
    q: &Question,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(out, "{number}. {}", q.ask)?;
    let names: Vec<&str> = q
        .credentials
        .iter()
        .filter_map(|id| catalog.credential(id.as_str()))
        .map(|c| c.abbreviation.as_str())
        .collect();
    let settles = match q.settles {
        0 => String::new(),
        1 => "settles 1 answer; ".to_owned(),
        n => format!("settles {n} answers; "),
    };
    writeln!(out, "   {settles}bears on {}", shorten(&names, 6))?;
    writeln!(
        out,
        "   answer: {}   (key: {})",
        answer_kind(&q.answer),
        q.key
    )?;
    for line in wrap(&q.help, 92) {
        writeln!(out, "   {line}")?;
    }
    Ok(())
}

fn shorten(names: &[&str], most: usize) -> String {
    if names.len() <= most {
        return names.join(", ");
    }
    format!(
        "{} and {} more",
        names[..most].join(", "),
        names.len() - most
    )
}

fn answer_kind(answer: &Answer) -> String {
    match answer {
        Answer::Choice { choices } => format!("one of {} choices", choices.len()),
        Answer::Choices { choices } => format!("any of {} choices", choices.len()),
        Answer::Country => "a country".to_owned(),
        Answer::Countries => "one or more countries".to_owned(),
        Answer::Date => "a date (YYYY-MM-DD)".to_owned(),
        Answer::Number { unit } => format!("a number of {unit}"),
        Answer::YesNo => "yes or no".to_owned(),
        Answer::Form => "a few details (a form)".to_owned(),
    }
}
