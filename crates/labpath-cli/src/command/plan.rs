//! `labpath plan PROFILE|--person ID --goal GOAL`: the best path to a goal, step by step,
//! with dates at the 50th, 80th and 90th percentile, documents and who sends
//! them, fees, and every alternative with the reason it was not chosen.

use std::io::Write;
use std::path::PathBuf;

use labpath_engine::catalog::Catalog;
use labpath_engine::plan::schedule::Schedule;
use labpath_engine::plan::{Kept, Notice, Optimize, Options, PlanReport};
use labpath_engine::profile::Profile;
use labpath_engine::units::Date;

use super::as_of;
use super::store::app_failure;
use crate::cli::{Cli, Format};
use crate::render::table;
use crate::{Exit, Failure};

/// Arguments of `labpath plan`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A profile file or `--person ID`.
    #[command(flatten)]
    pub source: super::ProfileSource,
    /// A named goal (`labpath goals` lists them), or credential ids joined
    /// by commas ("ny-clt-license,visascreen-mt").
    #[arg(long, value_name = "GOAL")]
    pub goal: String,
    /// The first day of the plan (YYYY-MM-DD); default today.
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Choose the plan by earliest completion or lowest fees.
    #[arg(long, value_enum, default_value_t = OptimizeArg::Time)]
    pub optimize: OptimizeArg,
    /// Simulation runs per plan.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub samples: u32,
    /// Simulation seed; the same seed gives the same dates.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Also write the chosen plan as an SVG Gantt chart to this file.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
}

/// `--optimize` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OptimizeArg {
    /// Earliest median completion.
    Time,
    /// Lowest known fees.
    Cost,
}

/// Runs `labpath plan`.
pub fn run(
    cli: &Cli,
    catalog: &Catalog,
    args: &Args,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    let from = as_of(args.from.as_deref()).map_err(|_| {
        Failure::BadInput(format!(
            "error: --from: `{}` is not a date: expected YYYY-MM-DD",
            args.from.as_deref().unwrap_or("")
        ))
    })?;
    let profile = args.source.read(cli, catalog)?;
    let options = Options {
        from,
        optimize: match args.optimize {
            OptimizeArg::Time => Optimize::Time,
            OptimizeArg::Cost => Optimize::Cost,
        },
        samples: args.samples,
        seed: args.seed,
    };
    let mut request = labpath_app::plan::request(catalog, profile, &args.goal, options)
        .map_err(|e| app_failure(e, |f| (f == "goal").then(|| "--goal".to_owned())))?;
    request.history = super::store::recorded_history(cli, catalog)?;
    let (profile, goal) = (&request.profile, &request.goal);
    let report = match request.plan(catalog) {
        Ok(r) => r,
        Err(unreachable) => {
            let mut text = format!("error: no plan reaches `{}` from {from}.", goal.name);
            // What would open one: the facts to tell first, as questions.
            let asked =
                labpath_app::eligibility::questions(catalog, profile, Some(&args.goal), from)
                    .map(|v| v.questions)
                    .unwrap_or_default();
            if !asked.is_empty() {
                text.push_str(
                    "
These answers would let labpath make one (`labpath questions` lists them all):",
                );
                for q in asked.iter().take(5) {
                    text.push_str(&format!(
                        "
  - {} (`{}`)",
                        q.ask, q.key
                    ));
                }
            }
            let blockers = labpath_views::goal::distinct_blockers(&unreachable.blockers);
            if !blockers.is_empty() {
                text.push_str(
                    "\nThese requirements cannot be met by any step in the catalog, under the \
                     route each blocks:",
                );
                for b in blockers.iter().take(SHOWN_BLOCKERS) {
                    text.push_str(&format!("\n  - {b}"));
                }
                if blockers.len() > SHOWN_BLOCKERS {
                    text.push_str(&format!(
                        "\n  ... and {} more (`labpath check` shows every route)",
                        blockers.len() - SHOWN_BLOCKERS
                    ));
                }
            }
            for r in unreachable.rejected.iter().take(10) {
                text.push_str(&format!("\n  - {}: {}", r.plan, r.reason));
            }
            return Err(Failure::Unreachable(text));
        }
    };
    if let Some(path) = &args.svg {
        if let Some(svg) = request.svg(&report) {
            std::fs::write(path, svg)
                .map_err(|e| Failure::cannot_write(Some("--svg"), path, &e))?;
        }
    }
    match args.format {
        Format::Json => crate::json::write(out, &request.view(catalog, &report))?,
        Format::Human => write_human(catalog, profile, &goal.name, &report, out)?,
    }
    Ok(Exit::Ok)
}

fn date(from: Date, days: f64) -> Date {
    from.add_days(days.round() as i64)
}

fn fees_of_step(s: &Schedule<'_>, i: usize) -> String {
    let lines: Vec<String> = s
        .cost
        .lines
        .iter()
        .filter(|(k, _)| *k == i)
        .map(|(_, f)| match f.amount {
            Some(a)
                if !f.disputed.is_empty()
                    || f.provenance.confidence
                        >= labpath_engine::provenance::Confidence::ApplicantReport =>
            {
                format!("{a}?")
            }
            Some(a) => a.to_string(),
            None => "unknown".to_owned(),
        })
        .collect();
    let mut lines = lines;
    let employer: i64 = s
        .cost
        .employer_lines
        .iter()
        .filter(|(k, _)| *k == i)
        .filter_map(|(_, f)| f.amount.map(|a| a.cents()))
        .sum();
    if employer > 0 {
        lines.push(format!(
            "employer {}",
            labpath_engine::units::Money::from_cents(employer)
        ));
    }
    if lines.is_empty() {
        "-".to_owned()
    } else {
        lines.join(" + ")
    }
}

fn write_kept(
    catalog: &Catalog,
    profile: &Profile,
    from: Date,
    k: &Kept<'_>,
    title: &str,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let s = &k.schedule;
    writeln!(
        out,
        "{title}: {}",
        if s.choices.is_empty() {
            "no route choice".to_owned()
        } else {
            s.choices.join("; ")
        }
    )?;
    let sim = &k.simulation;
    let percentiles: Vec<String> = [(sim.p50, 50), (sim.p80, 80), (sim.p90, 90)]
        .iter()
        .filter_map(|&(p, n)| match p {
            Some(d) => Some(format!("{} ({n}%)", date(from, d))),
            None if sim.not_selected > 0.0 && sim.p50.is_some() => Some(format!(
                "not selected within {} tries ({n}%)",
                sim.max_tries
            )),
            None => None,
        })
        .collect();
    if percentiles.is_empty() {
        if sim.not_selected > 0.0 {
            writeln!(out, "  no date: most simulated runs are never selected")?;
        } else {
            writeln!(out, "  every simulated run missed a closing window")?;
        }
    } else {
        writeln!(
            out,
            "  done by {}; {} simulated runs, seed {}",
            percentiles.join(", "),
            sim.runs,
            sim.seed
        )?;
    }
    let mut warnings: Vec<String> = k
        .closing(from)
        .iter()
        .map(|c| {
            format!(
                "warning: start step {} ({}) by {}, or its route closes",
                c.step, c.name, c.start_by
            )
        })
        .collect();
    warnings.extend(
        k.notices(catalog, profile)
            .iter()
            .filter(|n| !matches!(n, Notice::Restricted { .. }))
            .map(|n| format!("note: {n}")),
    );
    for line in &warnings {
        for (i, l) in crate::render::wrap(line, 96).iter().enumerate() {
            let indent = if i == 0 { "  " } else { "    " };
            writeln!(out, "{indent}{l}")?;
        }
    }
    if sim.missed_window > 0.0 {
        writeln!(
            out,
            "  in {:.0}% of runs a step starts after its route closes",
            sim.missed_window * 100.0
        )?;
    }
    let mut fees = format!("  fees: {} known", s.cost.known);
    if s.cost.unknown > 0 {
        fees.push_str(&format!(", {} with no published amount", s.cost.unknown));
    }
    if s.cost.uncertain > 0 {
        fees.push_str(&format!(
            ", {} uncertain or disputed (marked ?)",
            s.cost.uncertain
        ));
    }
    writeln!(out, "{fees}")?;
    if !s.cost.employer_lines.is_empty() {
        let steps: std::collections::BTreeSet<usize> =
            s.cost.employer_lines.iter().map(|(i, _)| i + 1).collect();
        let steps: Vec<String> = steps.iter().map(usize::to_string).collect();
        writeln!(
            out,
            "  employer's fees: {} known (steps {})",
            s.cost.employer,
            steps.join(", ")
        )?;
    }
    for (key, ask) in &s.assumptions {
        writeln!(out, "  assumes: {ask} (declaration `{key}`)")?;
    }
    writeln!(out)?;
    let rows: Vec<Vec<String>> = s
        .steps
        .iter()
        .enumerate()
        .map(|(i, st)| {
            let after = if st.after.is_empty() {
                "-".to_owned()
            } else {
                let mut after = st.after.clone();
                after.sort_unstable();
                after
                    .iter()
                    .map(|a| (a + 1).to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            };
            let name = match &st.gap {
                Some(g) => format!("{}: {}", st.step.name, g.describe()),
                None => st.step.name.clone(),
            };
            vec![
                (i + 1).to_string(),
                name,
                after,
                date(from, st.start).to_string(),
                date(from, st.finish).to_string(),
                format!("{:.0}", st.days),
                duration_source(st),
                fees_of_step(s, i),
            ]
        })
        .collect();
    for line in table(
        &[
            "#",
            "STEP",
            "AFTER",
            "START",
            "FINISH",
            "DAYS",
            "DURATION FROM",
            "FEES",
        ],
        &rows,
    )
    .lines()
    {
        writeln!(out, "  {line}")?;
    }
    let path: Vec<String> = s
        .critical_path()
        .iter()
        .map(|i| (i + 1).to_string())
        .collect();
    writeln!(out, "  critical path: {}", path.join(" -> "))?;
    writeln!(out, "\n  Timeline (median durations)")?;
    write!(out, "{}", labpath_views::svg::text_timeline(from, s, sim))?;
    writeln!(out, "\n  What each step is")?;
    for (i, st) in s.steps.iter().enumerate() {
        let text = format!("{}. {}", i + 1, st.step.summary);
        for (j, line) in crate::render::wrap(&text, 96).iter().enumerate() {
            let indent = if j == 0 { "  " } else { "     " };
            writeln!(out, "{indent}{line}")?;
        }
    }
    writeln!(out, "\n  Documents")?;
    for (i, st) in s.steps.iter().enumerate() {
        for d in st
            .step
            .documents
            .iter()
            .filter(|d| d.applies(profile, catalog))
        {
            let note = d
                .note
                .as_deref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default();
            writeln!(
                out,
                "  {}. {}: sent by {}{note}",
                i + 1,
                d.name,
                d.sender.label()
            )?;
        }
        if let Some(r) = &st.step.retake {
            writeln!(out, "  {}. retakes: {}", i + 1, r.summary)?;
        }
        if let Some(a) = labpath_engine::plan::attempts(profile, st.step)
            && a.failed > 0
        {
            writeln!(
                out,
                "  {}. attempts: {} not passed on record; {} of {} left",
                i + 1,
                a.failed,
                a.left,
                a.allowed
            )?;
        }
    }
    writeln!(out, "\n  Where each duration comes from")?;
    for (i, st) in s.steps.iter().enumerate() {
        let p = &st.step.duration.provenance;
        let sources: Vec<String> = p
            .sources
            .iter()
            .map(|id| {
                catalog
                    .source(id.as_str())
                    .map_or(id.to_string(), |src| src.url.clone())
            })
            .collect();
        let note = p
            .note
            .as_deref()
            .map(|n| format!("; {n}"))
            .unwrap_or_default();
        let catalog_basis = st.step.duration.source_label();
        if let Some(r) = &st.recorded {
            writeln!(
                out,
                "  {}. {}: median {:.0} days, {:.0} to {:.0}; the catalog's figure, not used: \
                 {:.0} to {:.0} days, most likely {:.0}",
                i + 1,
                r.label(),
                r.quantile(0.5),
                r.days[0],
                r.days[r.days.len() - 1],
                st.step.duration.min_days,
                st.step.duration.max_days,
                st.step.duration.likely_days
            )?;
        }
        writeln!(
            out,
            "  {}. {} ({}, as of {}): {}{note}",
            i + 1,
            catalog_basis,
            p.confidence,
            p.as_of,
            sources.join(", ")
        )?;
    }
    writeln!(out)
}

/// Most blocked requirements a plan's text lists; the rest are counted.
const SHOWN_BLOCKERS: usize = 15;

fn duration_source(st: &labpath_engine::plan::schedule::ScheduledStep<'_>) -> String {
    match &st.recorded {
        Some(r) => format!("recorded here ({})", r.days.len()),
        None => st.step.duration.source_label(),
    }
}

fn write_human(
    catalog: &Catalog,
    profile: &Profile,
    goal: &str,
    report: &PlanReport<'_>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(
        out,
        "{}: plan for \"{goal}\" from {}\n",
        profile.person.name, report.from
    )?;
    for p in &report.pending {
        let credential = catalog
            .credential(p.credential.as_str())
            .map_or_else(|| p.credential.to_string(), |c| c.abbreviation.clone());
        let exam = catalog
            .exam(p.exam.as_str())
            .map_or_else(|| p.exam.to_string(), |e| e.name.clone());
        let line = format!(
            "{exam} passed on {}: counted as holding {credential} (add it to the profile when the \
             certificate arrives).",
            p.passed_on
        );
        for l in crate::render::wrap(&line, 100) {
            writeln!(out, "{l}")?;
        }
    }
    if !report.pending.is_empty() {
        writeln!(out)?;
    }
    if report.already_met {
        return writeln!(out, "The goal already holds: nothing to do.");
    }
    if let Some(k) = report.kept.get(report.chosen) {
        let restricted: Vec<Notice> = k
            .notices(catalog, profile)
            .into_iter()
            .filter(|n| matches!(n, Notice::Restricted { .. }))
            .collect();
        for n in &restricted {
            let mut line = format!("WARNING: {n}");
            if let Notice::Restricted {
                countries, status, ..
            } = n
            {
                let since = if status.is_some() {
                    ", what is known of it since"
                } else {
                    ""
                };
                let codes: Vec<&str> = countries.iter().map(|c| c.as_str()).collect();
                line.push_str(&format!(
                    " Exceptions{since} and sources: labpath explain {}.",
                    codes.join(", labpath explain ")
                ));
            }
            for (i, l) in crate::render::wrap(&line, 100).iter().enumerate() {
                let indent = if i == 0 { "" } else { "  " };
                writeln!(out, "{indent}{l}")?;
            }
        }
        if !restricted.is_empty() {
            writeln!(out)?;
        }
    }
    for (i, k) in report.kept.iter().enumerate() {
        let mut labels = Vec::new();
        if i == report.chosen {
            labels.push("chosen");
        }
        if k.fastest {
            labels.push("fastest");
        }
        if k.cheapest {
            labels.push("cheapest");
        }
        let title = if labels.is_empty() {
            "Alternative on the time/cost frontier".to_owned()
        } else {
            format!("Plan ({})", labels.join(", "))
        };
        if i == report.chosen || k.fastest || k.cheapest {
            write_kept(catalog, profile, report.from, k, &title, out)?;
        } else {
            writeln!(
                out,
                "{title}: {} (median {} days, fees {} known)\n",
                k.schedule.choices.join("; "),
                k.schedule.days.round(),
                k.schedule.cost.known
            )?;
        }
    }
    if !report.rejected.is_empty() {
        writeln!(
            out,
            "Alternatives not chosen ({} plans considered)",
            report.considered
        )?;
        for r in report.rejected.iter().take(12) {
            writeln!(out, "  - {}: {}", r.plan, r.reason)?;
        }
        if report.rejected.len() > 12 {
            writeln!(
                out,
                "  ... and {} more (--format json lists all)",
                report.rejected.len() - 12
            )?;
        }
    }
    let blockers = labpath_views::goal::distinct_blockers(&report.blockers);
    if !blockers.is_empty() {
        writeln!(out, "\nRoutes no step can open")?;
        for b in blockers.iter().take(SHOWN_BLOCKERS) {
            writeln!(out, "  - {b}")?;
        }
        if blockers.len() > SHOWN_BLOCKERS {
            writeln!(
                out,
                "  ... and {} more (--format json lists all, with the path to each)",
                blockers.len() - SHOWN_BLOCKERS
            )?;
        }
    }
    Ok(())
}
