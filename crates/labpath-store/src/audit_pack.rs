//! The continuing-education audit pack: one zip an auditor can read, for
//! one held credential. It holds `summary.txt` (the cycle, the points, each
//! category minimum, the deadline, the fees, and every activity that
//! counted with its certificate's file name), `summary.json` (the same as
//! data) and `certificates/`, each certificate as stored. The CLI writes it
//! to a file; the server answers it as a download.

use std::collections::HashMap;
use std::io::Write;

use labpath_engine::catalog::{Catalog, Credential};
use labpath_engine::compliance::{Assessment, CredentialCompliance, compliance};
use labpath_engine::maintenance::Activity;
use labpath_engine::profile::Profile;
use labpath_engine::units::Date;

use crate::attachment;
use crate::ce::{self, LoggedActivity};
use crate::error::StoreError;
use crate::ids::{EventId, PersonId};
use crate::store::Store;

/// A built audit pack.
#[derive(Debug, Clone)]
pub struct AuditPack {
    /// The zip file's bytes.
    pub zip: Vec<u8>,
    /// How many certificates it holds.
    pub certificates: usize,
}

/// Builds the audit pack of `credential` for a person on `as_of`. The
/// profile must hold the credential and the catalog must have its renewal
/// rules (`Invalid` otherwise, saying which). The certificates may come to
/// at most `max_bytes` (the pack is built in memory; `Invalid` past it).
pub async fn build(
    store: &dyn Store,
    catalog: &Catalog,
    person: PersonId,
    profile: &Profile,
    credential: &Credential,
    as_of: Date,
    max_bytes: usize,
) -> Result<AuditPack, StoreError> {
    if !profile.credentials.iter().any(|h| h.id == credential.id) {
        return Err(StoreError::Invalid(format!(
            "person {person}'s profile does not hold `{}`",
            credential.id
        )));
    }
    let log = ce::log(store, person).await?;
    let activities: Vec<Activity> = log.iter().map(|a| a.activity.clone()).collect();
    let result: Vec<CredentialCompliance<'_>> = compliance(catalog, profile, &activities, as_of)
        .into_iter()
        .filter(|c| c.credential.id == credential.id)
        .collect();
    if result.is_empty() {
        return Err(StoreError::Invalid(format!(
            "the catalog has no renewal rules for `{}`",
            credential.id
        )));
    }
    // The certificates of the activities that count, read first, each
    // named once in the zip.
    let mut names: HashMap<EventId, String> = HashMap::new();
    let mut files = Vec::new();
    let mut total = 0usize;
    for c in &result {
        let Some(a) = &c.assessment else { continue };
        for (i, x) in log.iter().enumerate() {
            let Some(hash) = &x.activity.certificate else {
                continue;
            };
            if a.points[i] <= 0.0 || names.contains_key(&x.id) {
                continue;
            }
            let bytes = store.file(hash).await?;
            total += bytes.len();
            if total > max_bytes {
                return Err(StoreError::Invalid(format!(
                    "the certificates of this cycle come to more than {} MiB, the most one download holds: `labpath ce audit-pack` writes the whole pack to a file",
                    max_bytes / 1_048_576
                )));
            }
            let extension =
                attachment::sniff(&bytes).map_or_else(String::new, attachment::extension);
            let name = format!(
                "certificates/{}-{}{extension}",
                x.id,
                &hash[..12.min(hash.len())]
            );
            names.insert(x.id, name.clone());
            files.push((name, bytes));
        }
    }
    let mut summary = Vec::new();
    write_summary(
        person,
        profile,
        credential,
        as_of,
        &log,
        &result,
        &names,
        &mut summary,
    )
    .map_err(|e| StoreError::Other(format!("writing the audit summary: {e}")))?;
    let json = serde_json::to_vec_pretty(&serde_json::json!({
        "person": person,
        "credential": credential.id,
        "as_of": as_of,
        "activities": log,
        "compliance": result,
    }))
    .map_err(|e| StoreError::Other(format!("writing the audit summary: {e}")))?;
    let zip = write_zip(&summary, &json, &files)
        .map_err(|e| StoreError::Other(format!("writing the audit pack: {e}")))?;
    Ok(AuditPack {
        zip,
        certificates: files.len(),
    })
}

/// The text summary, each counted activity with its certificate's name in
/// the zip.
#[allow(
    clippy::too_many_arguments,
    reason = "one call site, each argument a different part of the pack"
)]
fn write_summary(
    person: PersonId,
    profile: &Profile,
    credential: &Credential,
    as_of: Date,
    log: &[LoggedActivity],
    result: &[CredentialCompliance<'_>],
    names: &HashMap<EventId, String>,
    summary: &mut Vec<u8>,
) -> std::io::Result<()> {
    writeln!(
        summary,
        "Continuing-education audit pack: person {person} ({}), {}",
        profile.person.name, credential.name
    )?;
    writeln!(summary, "Prepared by labpath on {as_of}.\n")?;
    for c in result {
        write_assessment(c, log, summary)?;
        writeln!(summary)?;
        let Some(a) = &c.assessment else { continue };
        writeln!(summary, "Activities in the cycle:")?;
        for (i, x) in log.iter().enumerate() {
            if a.points[i] <= 0.0 {
                continue;
            }
            writeln!(
                summary,
                "  {} {} | {} | {} points | {} | {}",
                x.id,
                x.activity.date,
                x.activity.title,
                a.points[i],
                x.activity
                    .provider
                    .as_deref()
                    .unwrap_or("provider not recorded"),
                names
                    .get(&x.id)
                    .map_or("no certificate on file", String::as_str)
            )?;
        }
    }
    Ok(())
}

fn write_zip(
    summary: &[u8],
    json: &[u8],
    files: &[(String, Vec<u8>)],
) -> zip::result::ZipResult<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("summary.txt", options)?;
    zip.write_all(summary)?;
    zip.start_file("summary.json", options)?;
    zip.write_all(json)?;
    for (name, bytes) in files {
        zip.start_file(name.as_str(), options)?;
        zip.write_all(bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}

/// One credential's standing as text: the cycle, points, category
/// minimums, splits, activities not counted, deadline, declaration window,
/// fees and what a lapse means.
pub fn write_assessment(
    c: &CredentialCompliance<'_>,
    log: &[LoggedActivity],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(
        out,
        "{} ({}) under {}",
        c.credential.abbreviation, c.credential.id, c.rules.name
    )?;
    let Some(a) = &c.assessment else {
        return writeln!(out, "  {}", c.unknown.unwrap_or("unknown cycle"));
    };
    write_cycle(c, a, log, out)
}

fn write_cycle(
    c: &CredentialCompliance<'_>,
    a: &Assessment,
    log: &[LoggedActivity],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let total = a.total.map_or_else(
        || "total not known".to_owned(),
        |t| format!("{t} {}", c.rules.unit),
    );
    writeln!(
        out,
        "  cycle {} to {}: {} of {total}",
        a.start, a.end, a.earned
    )?;
    if a.met {
        writeln!(out, "  met")?;
    } else {
        writeln!(out, "  missing {} {}", a.missing, c.rules.unit)?;
    }
    for cat in &a.categories {
        let state = if cat.missing > 1e-9 {
            format!("{} short", cat.missing)
        } else {
            "met".to_owned()
        };
        writeln!(
            out,
            "    {}: {} of {} ({state})",
            cat.name, cat.allocated, cat.min
        )?;
    }
    for al in &a.allocation {
        if let Some(x) = log.get(al.activity) {
            writeln!(
                out,
                "    split: {} gives {} to {}",
                crate::state::one_line(&x.activity.title),
                al.points,
                al.category
            )?;
        }
    }
    for (i, why) in &a.excluded {
        if let Some(x) = log.get(*i) {
            writeln!(
                out,
                "    not counted: {} ({}): {}",
                crate::state::one_line(&x.activity.title),
                x.activity.date,
                why.label()
            )?;
        }
    }
    writeln!(out, "  deadline: {}", a.end)?;
    if let Some((opens, closes)) = a.window {
        writeln!(out, "  declare between {opens} and {closes}")?;
    }
    for fee in &c.rules.fees {
        let amount = fee
            .amount
            .map_or_else(|| "amount unknown".to_owned(), |m| m.to_string());
        writeln!(
            out,
            "  fee: {}: {amount} ({})",
            fee.label, fee.provenance.confidence
        )?;
    }
    if let Some(l) = &c.rules.lapse {
        writeln!(out, "  if it lapses: {l}")?;
    }
    Ok(())
}
