//! The interview's prompts in a terminal (inquire, drawn on standard error):
//! a list to pick from for a choice, ticks for several, a line checked as it
//! is typed for a country, a day or a number, yes or no for a statement.
//! An empty line or the "not now" entry skips a question; Esc or Ctrl-C
//! stops the interview.

use inquire::error::CustomUserError;
use inquire::validator::Validation;
use inquire::{Confirm, InquireError, MultiSelect, Select, Text};
use labpath_engine::questions::{Answer, Choice, Question};
use labpath_engine::units::Date;
use labpath_views::profile_form::country;

use super::{Ask, Reply, Stop};
use crate::render::wrap;

/// The last entry of every list: leaves the question open.
const NOT_NOW: &str = "(not now: skip this question)";

/// How many entries a list shows at once.
const PAGE: usize = 12;

/// The terminal the person sits at.
pub struct Terminal;

impl Ask for Terminal {
    fn name(&mut self) -> Result<String, Stop> {
        self.tell("A new profile. Esc or Ctrl-C stops at any point and saves what you answered.");
        Text::new("Your name, or a label for this profile:")
            .with_validator(|text: &str| -> Result<Validation, CustomUserError> {
                Ok(if text.trim().is_empty() {
                    Validation::Invalid("a name or a label is needed".into())
                } else {
                    Validation::Valid
                })
            })
            .prompt()
            .map(|name| name.trim().to_owned())
            .map_err(stop)
    }

    fn answer(&mut self, question: &Question, problem: Option<&str>) -> Result<Reply, Stop> {
        if let Some(problem) = problem {
            self.tell(&format!("That answer was not taken: {problem}"));
        }
        let help = question.help.as_str();
        match &question.answer {
            Answer::Choice { choices } => pick_one(&question.ask, help, choices),
            Answer::Choices { choices } => pick_many(&question.ask, help, choices),
            Answer::Country => line(
                &question.ask,
                help,
                "a country's name or code",
                check_country,
            ),
            Answer::Countries => line(
                &question.ask,
                help,
                "country names or codes, separated by commas",
                check_countries,
            ),
            Answer::Date => line(&question.ask, help, "YYYY-MM-DD", check_date),
            Answer::Number { unit } => line(&question.ask, help, unit, check_number),
            Answer::YesNo => yes_no(&question.ask, help),
            Answer::Form => Ok(Reply::Skip),
        }
    }

    fn tell(&mut self, text: &str) {
        for line in wrap(text, 96) {
            eprintln!("{line}");
        }
    }
}

/// Esc and Ctrl-C stop by choice; anything else is the terminal failing.
fn stop(e: InquireError) -> Stop {
    match e {
        InquireError::OperationCanceled => Stop("stopped (Esc)".to_owned()),
        InquireError::OperationInterrupted => Stop("stopped (Ctrl-C)".to_owned()),
        other => Stop(format!("the terminal failed ({other})")),
    }
}

fn pick_one(ask: &str, help: &str, choices: &[Choice]) -> Result<Reply, Stop> {
    let mut labels: Vec<&str> = choices.iter().map(|c| c.label.as_str()).collect();
    labels.push(NOT_NOW);
    let picked = Select::new(ask, labels)
        .with_help_message(help)
        .with_page_size(PAGE)
        .raw_prompt()
        .map_err(stop)?;
    Ok(match choices.get(picked.index) {
        Some(choice) => Reply::Values(vec![choice.value.clone()]),
        None => Reply::Skip,
    })
}

fn pick_many(ask: &str, help: &str, choices: &[Choice]) -> Result<Reply, Stop> {
    let labels: Vec<&str> = choices.iter().map(|c| c.label.as_str()).collect();
    let help = format!("{help} (space ticks, enter confirms; none ticked skips)");
    let picked = MultiSelect::new(ask, labels)
        .with_help_message(&help)
        .with_page_size(PAGE)
        .raw_prompt()
        .map_err(stop)?;
    if picked.is_empty() {
        return Ok(Reply::Skip);
    }
    Ok(Reply::Values(
        picked
            .iter()
            .filter_map(|o| choices.get(o.index))
            .map(|c| c.value.clone())
            .collect(),
    ))
}

type Check = fn(&str) -> Result<(), String>;

/// A line of text, checked as typed; empty skips.
fn line(ask: &str, help: &str, placeholder: &str, check: Check) -> Result<Reply, Stop> {
    let help = format!("{help} (empty skips)");
    let text = Text::new(ask)
        .with_help_message(&help)
        .with_placeholder(placeholder)
        .with_validator(move |text: &str| -> Result<Validation, CustomUserError> {
            let text = text.trim();
            Ok(match check(text) {
                Err(why) if !text.is_empty() => Validation::Invalid(why.into()),
                _ => Validation::Valid,
            })
        })
        .prompt()
        .map_err(stop)?;
    let text = text.trim();
    Ok(if text.is_empty() {
        Reply::Skip
    } else {
        Reply::Values(vec![text.to_owned()])
    })
}

fn yes_no(ask: &str, help: &str) -> Result<Reply, Stop> {
    let ask = if ask.trim_end().ends_with('?') {
        ask.to_owned()
    } else {
        format!("{}: is this true of you?", ask.trim_end_matches('.'))
    };
    let help = format!("{help} (n: not true of you)");
    let yes = Confirm::new(&ask)
        .with_help_message(&help)
        .prompt()
        .map_err(stop)?;
    Ok(Reply::Values(vec![
        if yes { "yes" } else { "no" }.to_owned(),
    ]))
}

fn unknown_country(text: &str) -> String {
    format!("`{text}` is not a country we know: its name in English (Philippines) or its code (PH)")
}

fn check_country(text: &str) -> Result<(), String> {
    country(text)
        .map(|_| ())
        .ok_or_else(|| unknown_country(text))
}

fn check_countries(text: &str) -> Result<(), String> {
    text.split([',', ';'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .try_for_each(check_country)
}

fn check_date(text: &str) -> Result<(), String> {
    Date::parse(text).map(|_| ()).map_err(|e| e.to_string())
}

fn check_number(text: &str) -> Result<(), String> {
    match text.replace(',', ".").parse::<f64>() {
        Ok(n) if n.is_finite() && n >= 0.0 => Ok(()),
        _ => Err(format!(
            "`{text}` is not a number: digits only, such as 12 or 7.5"
        )),
    }
}
