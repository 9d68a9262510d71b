//! `labpath explain ID`: a credential's routes in plain language, with their
//! sources and confidence, fees, renewal and open questions; or, given a
//! two-letter state code, whether that state licenses laboratory personnel.

use std::io::Write;

use labpath_engine::catalog::{Catalog, Credential};
use labpath_engine::requirement::Requirement;
use labpath_engine::units::Code;

use super::find_credential;
use crate::cli::Format;
use crate::render::provenance_lines;
use crate::{Exit, Failure};

/// Arguments of `labpath explain`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A credential id (see `labpath credentials`) or a state code such as TX.
    pub id: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Runs `labpath explain`.
pub fn run(catalog: &Catalog, args: &Args, out: &mut dyn Write) -> Result<Exit, Failure> {
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
                    writeln!(out, "  {}", j.summary)?;
                    for (label, id) in [
                        ("technologist", &j.technologist_license),
                        ("technician", &j.technician_license),
                    ] {
                        if let Some(id) = id {
                            writeln!(out, "  {label} license: {id} (labpath explain {id})")?;
                        }
                    }
                    write!(out, "{}", provenance_lines(&j.provenance, catalog, "  "))?;
                }
            }
            return Ok(Exit::Ok);
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
    let text = labpath_engine::explain::describe_requirement(r, catalog);
    match r {
        Requirement::Declared(d) => writeln!(out, "{pad}- {text} [declaration key: {}]", d.key)?,
        _ => writeln!(out, "{pad}- {text}")?,
    }
    for child in r.children() {
        write_requirement(child, catalog, depth + 1, out)?;
    }
    Ok(())
}

fn write_human(catalog: &Catalog, c: &Credential, out: &mut dyn Write) -> std::io::Result<()> {
    let body = catalog
        .body(c.body.as_str())
        .map_or(c.body.as_str(), |b| b.name.as_str());
    writeln!(out, "{} — {}", c.abbreviation, c.name)?;
    writeln!(
        out,
        "  id: {}; {} ({}); issued by {body}",
        c.id,
        c.kind.label(),
        c.level.label()
    )?;
    if let Some(j) = c.jurisdiction {
        writeln!(out, "  jurisdiction: {j}")?;
    }
    writeln!(out, "  {}", c.summary)?;
    if !c.aliases.is_empty() {
        writeln!(out, "  also written: {}", c.aliases.join(", "))?;
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
        writeln!(out, "\n  {}{period}: {}", route.name, route.summary)?;
        write_requirement(&route.requires, catalog, 0, out)?;
        write!(
            out,
            "{}",
            provenance_lines(&route.provenance, catalog, "    ")
        )?;
    }
    if !c.fees.is_empty() {
        writeln!(out, "\n  Fees")?;
        for fee in &c.fees {
            let amount = fee
                .amount
                .map_or_else(|| "amount unknown".to_owned(), |a| a.to_string());
            writeln!(
                out,
                "    {} [{}]: {amount} ({}, as of {})",
                fee.label,
                fee_kind(fee.kind),
                fee.provenance.confidence,
                fee.provenance.as_of
            )?;
            if let Some(note) = &fee.provenance.note {
                writeln!(out, "      note: {note}")?;
            }
            for other in &fee.disputed {
                writeln!(
                    out,
                    "      another source says {} ({}, as of {})",
                    other.amount, other.provenance.confidence, other.provenance.as_of
                )?;
            }
        }
    }
    if let Some(r) = &c.renewal {
        writeln!(out, "\n  Renewal: {}", r.summary)?;
        write!(out, "{}", provenance_lines(&r.provenance, catalog, "    "))?;
    }
    for rules in catalog.maintenance_of(c.id.as_str()) {
        write_maintenance(catalog, rules, out)?;
    }
    if !c.notes.is_empty() {
        writeln!(out, "\n  Open questions")?;
        for note in &c.notes {
            writeln!(out, "    - {note}")?;
        }
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
    writeln!(
        out,
        "\n  Keeping it: {} ({total} every {} years)",
        rules.name, rules.cycle_years
    )?;
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
        writeln!(
            out,
            "    {} [{}]: {amount} ({})",
            fee.label,
            fee_kind(fee.kind),
            fee.provenance.confidence
        )?;
    }
    if let Some(lapse) = &rules.lapse {
        writeln!(out, "    if it lapses: {lapse}")?;
    }
    for note in &rules.notes {
        writeln!(out, "    note: {note}")?;
    }
    write!(
        out,
        "{}",
        provenance_lines(&rules.provenance, catalog, "    ")
    )
}
