//! The continuing-education audit pack: one zip an auditor can read, for
//! one held credential. It holds `summary.txt` (the cycle, the points, each
//! category minimum, the deadline, the fees, and every activity that
//! counted with its certificate's file name), `summary.json` (the same as
//! data) and `certificates/`, each certificate as stored. The use case
//! (`labpath_app::ce::audit_pack`) reads the log and the files and writes
//! the pack through a [`Writer`], one certificate at a time, into a file:
//! the CLI's output, or a temporary file the server streams as a download.
//! A pack of any size then needs the memory of one certificate.

use std::collections::HashMap;
use std::io::{Seek, Write};

use labpath_engine::catalog::Credential;
use labpath_engine::compliance::{Assessment, CredentialCompliance};
use labpath_engine::profile::Profile;
use labpath_engine::units::Date;
use labpath_store::attachment;
use labpath_store::ce::LoggedActivity;
use labpath_store::ids::{EventId, PersonId};

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

/// An audit pack being written into `W`: the certificates one by one,
/// then the summaries, which name them.
pub struct Writer<W: Write + Seek> {
    zip: zip::ZipWriter<W>,
    names: HashMap<EventId, String>,
}

impl<W: Write + Seek> Writer<W> {
    /// A pack written into `out` (a file, from its start).
    pub fn new(out: W) -> Self {
        Writer {
            zip: zip::ZipWriter::new(out),
            names: HashMap::new(),
        }
    }

    /// Adds the certificate of activity `id` (its hash and content, as
    /// [`counted`] lists them), named for the activity, the hash and its
    /// type. It is stored as it is: certificates are PDFs and images,
    /// compressed already.
    pub fn certificate(&mut self, id: EventId, hash: &str, bytes: &[u8]) -> Result<(), String> {
        let extension = attachment::sniff(bytes).map_or_else(String::new, attachment::extension);
        let name = format!(
            "certificates/{id}-{}{extension}",
            &hash[..12.min(hash.len())]
        );
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .large_file(bytes.len() >= u32::MAX as usize);
        let written = self
            .zip
            .start_file(name.as_str(), stored)
            .and_then(|()| self.zip.write_all(bytes).map_err(Into::into));
        written.map_err(|e| format!("writing the audit pack: {e}"))?;
        self.names.insert(id, name);
        Ok(())
    }

    /// Adds the summaries (text and JSON) and finishes the zip: the output,
    /// and how many certificates it holds.
    pub fn finish(
        mut self,
        subject: &Subject<'_>,
        log: &[LoggedActivity],
        result: &[CredentialCompliance<'_>],
    ) -> Result<(W, usize), String> {
        let mut summary = Vec::new();
        write_summary(subject, log, result, &self.names, &mut summary)
            .map_err(|e| format!("writing the audit summary: {e}"))?;
        let json = serde_json::to_vec_pretty(&serde_json::json!({
            "person": subject.person,
            "credential": subject.credential.id,
            "as_of": subject.as_of,
            "activities": log,
            "compliance": result,
        }))
        .map_err(|e| format!("writing the audit summary: {e}"))?;
        let deflated = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let write = || -> zip::result::ZipResult<W> {
            self.zip.start_file("summary.txt", deflated)?;
            self.zip.write_all(&summary)?;
            self.zip.start_file("summary.json", deflated)?;
            self.zip.write_all(&json)?;
            self.zip.finish()
        };
        let out = write().map_err(|e| format!("writing the audit pack: {e}"))?;
        Ok((out, self.names.len()))
    }
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
