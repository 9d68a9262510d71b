//! The continuing-education audit pack: one zip an auditor can read, for
//! one held credential. It holds `summary.txt` (the cycle, the points, each
//! category minimum, the deadline, the fees, and every activity that
//! counted with its certificate's file name), `summary.json` (the same as
//! data) and `certificates/`, each certificate as stored. The use case
//! (`labpath_app::ce::audit_pack`) reads the log and the files; the CLI
//! writes the pack to a file, the server answers it as a download.

use std::collections::HashMap;
use std::io::Write;

use labpath_engine::catalog::Credential;
use labpath_engine::compliance::{Assessment, CredentialCompliance};
use labpath_engine::profile::Profile;
use labpath_engine::units::Date;
use labpath_store::attachment;
use labpath_store::ce::LoggedActivity;
use labpath_store::ids::{EventId, PersonId};

/// A built audit pack.
#[derive(Debug, Clone)]
pub struct AuditPack {
    /// The zip file's bytes.
    pub zip: Vec<u8>,
    /// How many certificates it holds.
    pub certificates: usize,
}

/// The certificates of the activities that count in the cycles assessed
/// (`result`), each once, in the log's order: the activity and the hash of
/// its certificate.
pub fn counted<'l>(
    log: &'l [LoggedActivity],
    result: &[CredentialCompliance<'_>],
) -> Vec<(EventId, &'l str)> {
    let mut out: Vec<(EventId, &str)> = Vec::new();
    for c in result {
        let Some(a) = &c.assessment else { continue };
        for (i, x) in log.iter().enumerate() {
            let Some(hash) = &x.activity.certificate else {
                continue;
            };
            if a.points[i] <= 0.0 || out.iter().any(|(id, _)| *id == x.id) {
                continue;
            }
            out.push((x.id, hash));
        }
    }
    out
}

/// What a pack is about: whose, which credential, on which day.
pub struct Subject<'a> {
    /// The person.
    pub person: PersonId,
    /// Their profile.
    pub profile: &'a Profile,
    /// The held credential.
    pub credential: &'a Credential,
    /// The day assessed.
    pub as_of: Date,
}

/// Writes the pack: the summaries and each certificate (`files`: the
/// activity, its certificate's hash and bytes, as [`counted`] lists them),
/// named for its activity, its hash and its type.
pub fn write(
    subject: &Subject<'_>,
    log: &[LoggedActivity],
    result: &[CredentialCompliance<'_>],
    files: Vec<(EventId, &str, Vec<u8>)>,
) -> Result<AuditPack, String> {
    let mut names: HashMap<EventId, String> = HashMap::new();
    let mut named = Vec::with_capacity(files.len());
    for (id, hash, bytes) in files {
        let extension = attachment::sniff(&bytes).map_or_else(String::new, attachment::extension);
        let name = format!(
            "certificates/{id}-{}{extension}",
            &hash[..12.min(hash.len())]
        );
        names.insert(id, name.clone());
        named.push((name, bytes));
    }
    let mut summary = Vec::new();
    write_summary(subject, log, result, &names, &mut summary)
        .map_err(|e| format!("writing the audit summary: {e}"))?;
    let json = serde_json::to_vec_pretty(&serde_json::json!({
        "person": subject.person,
        "credential": subject.credential.id,
        "as_of": subject.as_of,
        "activities": log,
        "compliance": result,
    }))
    .map_err(|e| format!("writing the audit summary: {e}"))?;
    let zip =
        write_zip(&summary, &json, &named).map_err(|e| format!("writing the audit pack: {e}"))?;
    Ok(AuditPack {
        zip,
        certificates: named.len(),
    })
}

/// The text summary, each counted activity with its certificate's name in
/// the zip.
fn write_summary(
    subject: &Subject<'_>,
    log: &[LoggedActivity],
    result: &[CredentialCompliance<'_>],
    names: &HashMap<EventId, String>,
    summary: &mut Vec<u8>,
) -> std::io::Result<()> {
    writeln!(
        summary,
        "Continuing-education audit pack: person {} ({}), {}",
        subject.person, subject.profile.person.name, subject.credential.name
    )?;
    writeln!(summary, "Prepared by labpath on {}.\n", subject.as_of)?;
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
                labpath_store::state::one_line(&x.activity.title),
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
                labpath_store::state::one_line(&x.activity.title),
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
