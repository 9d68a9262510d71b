//! `labpath explain ID`: a credential's routes in plain language, with their
//! sources and confidence, fees, renewal and open questions; a step's
//! calendar (its yearly window and draw), fees, duration and documents, each
//! with its source; or, given a two-letter code, whether that state licenses
//! laboratory personnel, or, for a country, how it educates and licenses
//! laboratory staff and the visa restrictions on its citizens.

use std::io::Write;

use labpath_engine::catalog::{Catalog, Country, Credential, Fee, Payer, Restriction};
use labpath_engine::requirement::Requirement;
use labpath_engine::step::Step;
use labpath_engine::units::Code;
use labpath_engine::vocab::CredentialKind;
use labpath_views::text::hang;

use super::find_credential;
use crate::cli::Format;
use crate::render::provenance_lines;
use crate::{Exit, Failure};

/// Arguments of `labpath explain`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A credential id (see `labpath credentials`), a step id (as a plan
    /// shows it), a state code such as TX, or a country as its code (NG), as
    /// `country:IN` (IN alone is Indiana) or by its name (India).
    pub id: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Runs `labpath explain`.
pub fn run(catalog: &Catalog, args: &Args, out: &mut dyn Write) -> Result<Exit, Failure> {
    if let Some(code) = country_named(catalog, &args.id) {
        return explain_country(catalog, code, args, out);
    }
    if catalog.credential(&args.id).is_none() {
        if let Some(j) = Code::parse(&args.id)
            .ok()
            .and_then(|c| catalog.jurisdiction(c))
        {
            match args.format {
                Format::Json => {
                    crate::json::write(out, j)?;
                }
                Format::Human => {
                    writeln!(out, "{} ({})", j.name, j.code)?;
                    write!(out, "{}", hang("  ", "  ", &j.summary))?;
                    for (label, id) in [
                        ("technologist", &j.technologist_license),
                        ("technician", &j.technician_license),
                    ] {
                        if let Some(id) = id {
                            writeln!(out, "  {label} license: {id} (labpath explain {id})")?;
                        }
                    }
                    write!(out, "{}", provenance_lines(&j.provenance, catalog, "  "))?;
                    if catalog.country(j.code).is_some() {
                        let name = labpath_engine::units::country_name(j.code.as_str());
                        writeln!(
                            out,
                            "  (for the country {name}: labpath explain country:{})",
                            j.code
                        )?;
                    }
                }
            }
            return Ok(Exit::Ok);
        }
    }
    if catalog.credential(&args.id).is_none() {
        if let Some(step) = catalog.step(&args.id) {
            match args.format {
                Format::Json => crate::json::write(out, step)?,
                Format::Human => write_step(catalog, step, out)?,
            }
            return Ok(Exit::Ok);
        }
        if let Ok(code) = Code::parse(&args.id) {
            let known = catalog.country(code).is_some()
                || catalog
                    .restrictions()
                    .iter()
                    .any(|r| r.countries.contains(&code));
            if known {
                return explain_country(catalog, code, args, out);
            }
        }
    }
    let credential = find_credential(catalog, &args.id, "ID")?;
    match args.format {
        Format::Json => {
            crate::json::write(
                out,
                &labpath_views::explain::credential(catalog, credential),
            )?;
        }
        Format::Human => write_human(catalog, credential, out)?,
    }
    Ok(Exit::Ok)
}

fn write_requirement(
    r: &Requirement,
    catalog: &Catalog,
    depth: usize,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let pad = "  ".repeat(depth + 2);
    let mut text = labpath_engine::explain::describe_requirement(r, catalog);
    if let Requirement::Declared(d) = r {
        text = format!("{text} [declaration key: {}]", d.key);
    }
    write!(
        out,
        "{}",
        hang(&format!("{pad}- "), &format!("{pad}  "), &text)
    )?;
    for child in r.children() {
        write_requirement(child, catalog, depth + 1, out)?;
    }
    Ok(())
}

fn write_human(catalog: &Catalog, c: &Credential, out: &mut dyn Write) -> std::io::Result<()> {
    let body = catalog
        .body(c.body.as_str())
        .map_or(c.body.as_str(), |b| b.name.as_str());
    let title = format!("{} — {}", c.abbreviation, c.name);
    write!(out, "{}", hang("", "  ", &title))?;
    let about = format!(
        "{}; {} ({}); issued by {body}",
        c.id,
        c.kind.label(),
        c.level.label()
    );
    write!(out, "{}", hang("  id: ", "    ", &about))?;
    if let Some(j) = c.jurisdiction {
        writeln!(out, "  jurisdiction: {j}")?;
    }
    write!(out, "{}", hang("  ", "  ", &c.summary))?;
    if !c.aliases.is_empty() {
        let aliases = c.aliases.join(", ");
        write!(out, "{}", hang("  also written: ", "    ", &aliases))?;
    }
    for former in &c.former_names {
        let until = former
            .until
            .map(|d| format!(" until {d}"))
            .unwrap_or_default();
        writeln!(
            out,
            "  former name: {}{until} ({})",
            former.name, former.provenance.confidence
        )?;
    }
    write!(out, "{}", provenance_lines(&c.provenance, catalog, "  "))?;
    for route in &c.routes {
        let period = match (route.in_force.from, route.in_force.until) {
            (Some(f), Some(u)) => format!(" [in force {f} to {u}]"),
            (Some(f), None) => format!(" [in force from {f}]"),
            (None, Some(u)) => format!(" [ended {u}]"),
            (None, None) => String::new(),
        };
        let head = format!("{}{period}: {}", route.name, route.summary);
        write!(out, "\n{}", hang("  ", "    ", &head))?;
        write_requirement(&route.requires, catalog, 0, out)?;
        write!(
            out,
            "{}",
            provenance_lines(&route.provenance, catalog, "    ")
        )?;
    }
    write_fees(&c.fees, out)?;
    let steps: Vec<&str> = catalog
        .steps()
        .iter()
        .filter(|st| {
            st.grants
                .iter()
                .any(|g| matches!(g, labpath_engine::step::Grant::Credential(id) if id == &c.id))
        })
        .map(|st| st.id.as_str())
        .collect();
    if !steps.is_empty() {
        let line = format!(
            "Steps that lead to it (labpath explain STEP): {}",
            steps.join(", ")
        );
        write!(out, "\n{}", hang("  ", "    ", &line))?;
    }
    if let Some(r) = &c.renewal {
        write!(out, "\n{}", hang("  Renewal: ", "    ", &r.summary))?;
        write!(out, "{}", provenance_lines(&r.provenance, catalog, "    "))?;
    }
    for rules in catalog.maintenance_of(c.id.as_str()) {
        write_maintenance(catalog, rules, out)?;
    }
    if !c.notes.is_empty() {
        writeln!(out, "\n  Open questions")?;
        for note in &c.notes {
            write!(out, "{}", hang("    - ", "      ", note))?;
        }
    }
    Ok(())
}

/// Fees with their kind, payer, dates and sources.
fn write_fees(fees: &[Fee], out: &mut dyn Write) -> std::io::Result<()> {
    if fees.is_empty() {
        return Ok(());
    }
    writeln!(out, "\n  Fees")?;
    for fee in fees {
        let amount = fee
            .amount
            .map_or_else(|| "amount unknown".to_owned(), |a| a.to_string());
        let payer = if fee.payer == Payer::Employer {
            ", paid by the employer"
        } else {
            ""
        };
        let line = format!(
            "{} [{}{payer}]: {amount} ({}, as of {})",
            fee.label,
            fee_kind(fee.kind),
            fee.provenance.confidence,
            fee.provenance.as_of
        );
        write!(out, "{}", hang("    ", "      ", &line))?;
        if let Some(f) = fee.in_force {
            let from = f.from.map(|d| format!(" from {d}")).unwrap_or_default();
            let until = f.until.map(|d| format!(" until {d}")).unwrap_or_default();
            writeln!(out, "      charged{from}{until}")?;
        }
        if let Some(after) = &fee.after_until {
            write!(out, "{}", hang("      after that: ", "        ", after))?;
        }
        if let Some(w) = fee.only_if_living {
            let whom = match w {
                labpath_engine::catalog::LivesIn::Abroad => "a worker outside the US",
                labpath_engine::catalog::LivesIn::Us => "a worker in the US",
            };
            writeln!(out, "      only for {whom}")?;
        }
        if let Some(note) = &fee.provenance.note {
            write!(out, "{}", hang("      note: ", "        ", note))?;
        }
        for other in &fee.disputed {
            writeln!(
                out,
                "      another source says {} ({}, as of {})",
                other.amount, other.provenance.confidence, other.provenance.as_of
            )?;
        }
    }
    Ok(())
}

/// A step: what it is, its calendar, fees, duration and documents.
fn write_step(catalog: &Catalog, st: &Step, out: &mut dyn Write) -> std::io::Result<()> {
    write!(out, "{}", hang("", "  ", &st.name))?;
    writeln!(out, "  id: {} (a step of a plan)", st.id)?;
    for line in crate::render::wrap(&st.summary, 96) {
        writeln!(out, "  {line}")?;
    }
    write!(out, "{}", provenance_lines(&st.provenance, catalog, "  "))?;
    if let Some(w) = &st.window {
        let tied = w
            .cycle_of
            .as_ref()
            .map(|c| format!(", in the year of {c}"))
            .unwrap_or_default();
        let line = format!(
            "Starts only in {}: {} to {} each year{tied}",
            w.what, w.opens, w.closes
        );
        write!(out, "\n{}", hang("  ", "    ", &line))?;
        write!(out, "{}", provenance_lines(&w.provenance, catalog, "    "))?;
    }
    if let Some(l) = &st.lottery {
        let line = format!(
            "A yearly draw, {}: {:.2}% chance when the wage level is not known",
            l.what,
            l.chance * 100.0
        );
        write!(out, "\n{}", hang("  ", "    ", &line))?;
        if let Some(by) = l.by_wage_level {
            let levels: Vec<String> = ["I", "II", "III", "IV"]
                .iter()
                .zip(by)
                .map(|(n, p)| format!("level {n} {:.2}%", p * 100.0))
                .collect();
            writeln!(out, "    by wage level: {}", levels.join(", "))?;
        }
        write!(out, "{}", provenance_lines(&l.provenance, catalog, "    "))?;
    }
    let d = &st.duration;
    writeln!(
        out,
        "\n  Duration: {} to {} days, most likely {} ({})",
        d.min_days,
        d.max_days,
        d.likely_days,
        d.source_label()
    )?;
    write!(out, "{}", provenance_lines(&d.provenance, catalog, "    "))?;
    write_fees(&st.fees, out)?;
    if !st.documents.is_empty() {
        writeln!(out, "\n  Documents")?;
        for doc in &st.documents {
            let line = format!("{} (sent by {})", doc.name, doc.sender.label());
            write!(out, "{}", hang("    - ", "      ", &line))?;
        }
    }
    Ok(())
}

/// The visa restrictions on a country's citizens.
/// The country `id` names: `country:PH`, or a country's English name
/// ("Philippines", "india") among those the catalog describes or restricts.
/// A bare code is a state first (IN is Indiana), so it is not read here.
fn country_named(catalog: &Catalog, id: &str) -> Option<Code> {
    if let Some(code) = id.strip_prefix("country:") {
        return Code::parse(code.trim()).ok();
    }
    let wanted = id.trim().to_lowercase();
    catalog
        .countries()
        .iter()
        .map(|c| c.code)
        .chain(
            catalog
                .restrictions()
                .iter()
                .flat_map(|r| r.countries.iter().copied()),
        )
        .find(|code| labpath_engine::units::country_name(code.as_str()).to_lowercase() == wanted)
}

/// A country's education, national licenses and visa restrictions, as far
/// as the catalog has them.
fn explain_country(
    catalog: &Catalog,
    code: Code,
    args: &Args,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    let restrictions: Vec<&Restriction> = catalog
        .restrictions()
        .iter()
        .filter(|r| r.countries.contains(&code))
        .collect();
    let country = catalog.country(code);
    let licenses: Vec<&Credential> = catalog
        .credentials()
        .iter()
        .filter(|c| c.kind == CredentialKind::NationalLicense && c.jurisdiction == Some(code))
        .collect();
    match args.format {
        Format::Json => crate::json::write(
            out,
            &serde_json::json!({
                "code": code,
                "education": country,
                "national_licenses": licenses.iter().map(|c| &c.id).collect::<Vec<_>>(),
                "restrictions": restrictions,
            }),
        )?,
        Format::Human => {
            let name = labpath_engine::units::country_name(code.as_str());
            match country {
                Some(country) => write_country(catalog, country, &licenses, out)?,
                None => writeln!(
                    out,
                    "{name} ({code}): the catalog does not describe its laboratory education"
                )?,
            }
            if !restrictions.is_empty() {
                writeln!(out)?;
                write_restrictions(catalog, code, &restrictions, out)?;
            }
        }
    }
    Ok(Exit::Ok)
}

fn write_country(
    catalog: &Catalog,
    country: &Country,
    licenses: &[&Credential],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let name = labpath_engine::units::country_name(country.code.as_str());
    writeln!(out, "Laboratory education in {name} ({})", country.code)?;
    for line in crate::render::wrap(&country.summary, 96) {
        writeln!(out, "  {line}")?;
    }
    write!(
        out,
        "{}",
        provenance_lines(&country.provenance, catalog, "  ")
    )?;
    for d in &country.degrees {
        let years = d.years.map(|y| format!(", {y} years")).unwrap_or_default();
        writeln!(out, "\n  {} ({}{years})", d.title, d.level.label())?;
        if !d.aliases.is_empty() {
            let aliases = format!("also written: {}", d.aliases.join(", "));
            for line in crate::render::wrap(&aliases, 94) {
                writeln!(out, "    {line}")?;
            }
        }
        writeln!(out, "    usual US equivalent: {}", d.us_equivalent.label())?;
        for line in crate::render::wrap(&d.summary, 94) {
            writeln!(out, "    {line}")?;
        }
        write!(out, "{}", provenance_lines(&d.provenance, catalog, "    "))?;
    }
    if !licenses.is_empty() {
        writeln!(out, "\n  National licenses:")?;
        for c in licenses {
            let line = format!("{} — {} (labpath explain {})", c.abbreviation, c.name, c.id);
            write!(out, "{}", hang("    ", "      ", &line))?;
        }
    }
    Ok(())
}

fn write_restrictions(
    catalog: &Catalog,
    code: Code,
    restrictions: &[&Restriction],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(
        out,
        "Visa restrictions for citizens of {} ({code})",
        labpath_engine::units::country_name(code.as_str())
    )?;
    for r in restrictions {
        let from = r
            .in_force
            .from
            .map(|d| format!(" from {d}"))
            .unwrap_or_default();
        let until = r
            .in_force
            .until
            .map(|d| format!(" until {d}"))
            .unwrap_or_default();
        let visas: Vec<&str> = r.visas.iter().map(|v| v.label()).collect();
        let line = format!("{}{from}{until}: {}", r.name, visas.join(", "));
        write!(out, "\n{}", hang("  ", "    ", &line))?;
        for line in crate::render::wrap(&r.summary, 96) {
            writeln!(out, "    {line}")?;
        }
        if let Some(status) = &r.status {
            for line in crate::render::wrap(&format!("Since: {status}"), 96) {
                writeln!(out, "    {line}")?;
            }
        }
        write!(out, "{}", provenance_lines(&r.provenance, catalog, "    "))?;
    }
    Ok(())
}

fn fee_kind(kind: labpath_engine::catalog::FeeKind) -> &'static str {
    use labpath_engine::catalog::FeeKind;
    match kind {
        FeeKind::Initial => "to obtain",
        FeeKind::Renewal => "to renew",
        FeeKind::Optional => "optional",
        FeeKind::Conditional => "in some cases",
    }
}

fn write_maintenance(
    catalog: &Catalog,
    rules: &labpath_engine::maintenance::RuleSet,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let total = rules.total.map_or_else(
        || "total not known".to_owned(),
        |t| format!("{t} {}", rules.unit),
    );
    let keeping = format!("{} ({total} every {} years)", rules.name, rules.cycle_years);
    write!(out, "\n{}", hang("  Keeping it: ", "    ", &keeping))?;
    for c in &rules.categories {
        writeln!(out, "    at least {} in {}", c.min, c.name)?;
    }
    let p = &rules.points;
    let mut values = match p.contact_hour {
        Some(v) => format!("    1 contact hour = {v} point(s)"),
        None => "    contact hours: no point value in the catalog (not published)".to_owned(),
    };
    if let Some(v) = p.semester_hour {
        values.push_str(&format!("; 1 semester hour = {v}"));
    }
    if let Some(v) = p.quarter_hour {
        values.push_str(&format!("; 1 quarter hour = {v}"));
    }
    writeln!(out, "{values}")?;
    if let Some(w) = rules.declaration_window {
        writeln!(
            out,
            "    declare between {} and {} days before expiry",
            w.opens_days_before, w.closes_days_before
        )?;
    }
    for fee in &rules.fees {
        let amount = fee
            .amount
            .map_or_else(|| "amount unknown".to_owned(), |a| a.to_string());
        let line = format!(
            "{} [{}]: {amount} ({})",
            fee.label,
            fee_kind(fee.kind),
            fee.provenance.confidence
        );
        write!(out, "{}", hang("    ", "      ", &line))?;
    }
    if let Some(lapse) = &rules.lapse {
        write!(out, "{}", hang("    if it lapses: ", "      ", lapse))?;
    }
    for note in &rules.notes {
        write!(out, "{}", hang("    note: ", "      ", note))?;
    }
    write!(
        out,
        "{}",
        provenance_lines(&rules.provenance, catalog, "    ")
    )
}
