//! Loading a catalog: every `*.toml` file of a folder,
//! parsed into the on-disk schema, then checked as a whole: unique ids,
//! references that resolve, provenance on every fact. The result is either a
//! valid `Catalog` or the full list of problems with file, line and field.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use labpath_engine::catalog::{
    Body, Catalog, CatalogParts, Country, Credential, Exam, GlossaryTerm, Jurisdiction, Restriction,
};
use labpath_engine::maintenance::RuleSet;
use labpath_engine::provenance::{Confidence, Provenance, Source};
use labpath_engine::requirement::Requirement;
use labpath_engine::step::{DurationBasis, Goal, Grant, Step};
use serde::{Deserialize, Serialize};

use crate::diag::{Diagnostic, Diagnostics, Spans, suggest};
use crate::file::{self, Limit};
use crate::parse::{Format, parse};

/// One catalog file: any file may hold any of these sections.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    #[serde(default)]
    source: Vec<Source>,
    #[serde(default)]
    body: Vec<Body>,
    #[serde(default)]
    exam: Vec<Exam>,
    #[serde(default)]
    credential: Vec<Credential>,
    #[serde(default)]
    jurisdiction: Vec<Jurisdiction>,
    #[serde(default)]
    term: Vec<GlossaryTerm>,
    #[serde(default)]
    step: Vec<Step>,
    #[serde(default)]
    goal: Vec<Goal>,
    #[serde(default)]
    maintenance: Vec<RuleSet>,
    #[serde(default)]
    restriction: Vec<Restriction>,
    #[serde(default)]
    country: Vec<Country>,
}

/// A parsed file with its name and text, for locating later problems.
struct Parsed<'t> {
    name: String,
    text: &'t str,
    doc: CatalogFile,
}

/// The largest catalog file read (4 MiB; the shipped ones are under
/// 64 KiB).
pub const MAX_FILE: Limit = Limit {
    bytes: 4 * 1024 * 1024,
    advice: "split it into several files of the same folder",
};

/// The most a catalog folder's files hold together (64 MiB; the shipped
/// catalog is under 1 MiB).
pub const MAX_FOLDER_BYTES: u64 = 64 * 1024 * 1024;

/// Loads every `*.toml` file below `dir`.
pub fn from_dir(dir: &Path) -> Result<Catalog, Diagnostics> {
    let at_folder = |message: String| Diagnostic {
        file: dir.display().to_string(),
        line: None,
        field: None,
        message,
    };
    let mut paths = Vec::new();
    collect_toml(dir, &mut HashSet::new(), &mut paths)
        .map_err(|e| at_folder(format!("cannot read the catalog folder: {e}")))?;
    if paths.is_empty() {
        return Err(at_folder(
            "no `*.toml` files here: a catalog folder holds TOML files".to_owned(),
        )
        .into());
    }
    paths.sort();
    let mut files = Vec::new();
    let mut total = 0;
    for path in paths {
        let text = file::read_text(&path, MAX_FILE).map_err(|e| Diagnostic {
            file: path.display().to_string(),
            line: None,
            field: None,
            message: e.problem(),
        })?;
        total += text.len() as u64;
        if total > MAX_FOLDER_BYTES {
            return Err(at_folder(format!(
                "the catalog's files come to more than {}, the most labpath reads: check that this is a catalog folder",
                file::size(MAX_FOLDER_BYTES)
            ))
            .into());
        }
        files.push((path.display().to_string(), text));
    }
    from_files(files)
}

/// The shipped catalog (`catalog/` at the workspace root), read from its
/// files, for this crate's own unit tests; everything else uses the
/// compiled copy (`labpath-shipped`).
#[cfg(test)]
pub(crate) fn shipped() -> Catalog {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalog");
    from_dir(&dir).unwrap_or_else(|d| panic!("the shipped catalog: {d}"))
}

/// Lists the `*.toml` paths below `dir`, each folder once (a link back to a
/// folder above is not followed round).
fn collect_toml(
    dir: &Path,
    seen: &mut HashSet<std::path::PathBuf>,
    out: &mut Vec<std::path::PathBuf>,
) -> std::io::Result<()> {
    if !seen.insert(std::fs::canonicalize(dir)?) {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_toml(&path, seen, out)?;
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
    Ok(())
}

/// Loads a catalog from (name, text) pairs.
pub fn from_files(
    files: impl IntoIterator<Item = (String, String)>,
) -> Result<Catalog, Diagnostics> {
    let files: Vec<(String, String)> = files.into_iter().collect();
    let mut problems = Vec::new();
    let mut parsed = Vec::new();
    for (name, text) in &files {
        match parse::<CatalogFile>(name, text, Format::Toml) {
            Ok(doc) => parsed.push(Parsed {
                name: name.clone(),
                text,
                doc,
            }),
            Err(d) => problems.push(d),
        }
    }
    checked(parsed, problems)
}

/// Checks a catalog given as parts (a catalog changed in code, as the tests
/// make them) with every check [`from_files`] makes: the parts are written
/// out in a catalog file's shape (as JSON) and read back, so that each
/// value meets its own checks as it is read (no negative fee, no empty
/// citizenship list), then the whole-catalog checks run. Its problems name
/// the file `catalog parts` and no line.
pub fn from_parts(parts: CatalogParts) -> Result<Catalog, Diagnostics> {
    const NAME: &str = "catalog parts";
    let doc = CatalogFile {
        source: parts.sources,
        body: parts.bodies,
        exam: parts.exams,
        credential: parts.credentials,
        jurisdiction: parts.jurisdictions,
        term: parts.glossary,
        step: parts.steps,
        goal: parts.goals,
        maintenance: parts.maintenance,
        restriction: parts.restrictions,
        country: parts.countries,
    };
    let text = serde_json::to_string(&doc).map_err(|e| Diagnostic {
        file: NAME.to_owned(),
        line: None,
        field: None,
        message: format!("the parts cannot be written out as a catalog file: {e}"),
    })?;
    // The text is one line written here: a line in it would tell nothing.
    let doc = parse::<CatalogFile>(NAME, &text, Format::Json)
        .map_err(|d| Diagnostic { line: None, ..d })?;
    let parsed = vec![Parsed {
        name: NAME.to_owned(),
        text: "",
        doc,
    }];
    checked(parsed, Vec::new())
}

/// The whole-catalog checks over every file parsed, then the catalog: the
/// one place a `Catalog` is made from what was read.
fn checked(parsed: Vec<Parsed<'_>>, mut problems: Vec<Diagnostic>) -> Result<Catalog, Diagnostics> {
    problems.extend(Checker::new(&parsed).run());
    if !problems.is_empty() {
        return Err(Diagnostics(problems));
    }
    let mut parts = CatalogParts::default();
    for p in parsed {
        parts.sources.extend(p.doc.source);
        parts.bodies.extend(p.doc.body);
        parts.exams.extend(p.doc.exam);
        parts.credentials.extend(p.doc.credential);
        parts.jurisdictions.extend(p.doc.jurisdiction);
        parts.glossary.extend(p.doc.term);
        parts.steps.extend(p.doc.step);
        parts.goals.extend(p.doc.goal);
        parts.maintenance.extend(p.doc.maintenance);
        parts.restrictions.extend(p.doc.restriction);
        parts.countries.extend(p.doc.country);
    }
    #[expect(
        clippy::disallowed_methods,
        reason = "the loader is the one caller: every part was checked just above"
    )]
    let catalog = Catalog::from_checked_parts(parts);
    Ok(catalog)
}

/// The key that holds the id of a kind of entry: `code` for jurisdictions
/// and countries, `id` for the rest.
fn id_key(kind: &str) -> &'static str {
    match kind {
        "jurisdiction" | "country" => "code",
        _ => "id",
    }
}

/// Whole-catalog checks, run after every file parsed.
struct Checker<'a, 't> {
    files: &'a [Parsed<'t>],
    sources: HashSet<&'a str>,
    bodies: HashSet<&'a str>,
    exams: HashSet<&'a str>,
    credentials: HashSet<&'a str>,
    steps: HashSet<&'a str>,
    /// Each problem with its file; lines are found at the end.
    problems: Vec<(&'a Parsed<'t>, Diagnostic)>,
}

impl<'a, 't> Checker<'a, 't> {
    fn new(files: &'a [Parsed<'t>]) -> Self {
        let all = |f: fn(&'a CatalogFile) -> Vec<&'a str>| -> HashSet<&'a str> {
            files.iter().flat_map(|p| f(&p.doc)).collect()
        };
        Checker {
            files,
            sources: all(|d| d.source.iter().map(|s| s.id.as_str()).collect()),
            bodies: all(|d| d.body.iter().map(|s| s.id.as_str()).collect()),
            exams: all(|d| d.exam.iter().map(|s| s.id.as_str()).collect()),
            credentials: all(|d| d.credential.iter().map(|s| s.id.as_str()).collect()),
            steps: all(|d| d.step.iter().map(|s| s.id.as_str()).collect()),
            problems: Vec::new(),
        }
    }

    fn run(mut self) -> Vec<Diagnostic> {
        self.check_unique();
        for file in self.files {
            self.check_file(file);
        }
        // Each file with a problem is parsed again, once, for the spans of
        // its values: the line of a problem is where the parser read the
        // value its field names. The catalog's files parse without spans,
        // so a catalog without problems pays nothing for them.
        let mut spans: HashMap<&str, Spans<'t>> = HashMap::new();
        self.problems
            .into_iter()
            .map(|(file, mut problem)| {
                let spans = spans
                    .entry(file.name.as_str())
                    .or_insert_with(|| Spans::parse(file.text));
                problem.line = problem.field.as_deref().and_then(|f| spans.line(f));
                problem
            })
            .collect()
    }

    fn report(&mut self, file: &'a Parsed<'t>, field: String, message: String) {
        let problem = Diagnostic {
            file: file.name.clone(),
            line: None,
            field: Some(field),
            message,
        };
        self.problems.push((file, problem));
    }

    fn check_unique(&mut self) {
        let mut seen: HashMap<(&str, &str), &str> = HashMap::new();
        for file in self.files {
            let d = &file.doc;
            // Each kind's ids in the order of its table; a duplicate's field
            // is built only when there is one.
            let tables: [(&str, Vec<&str>); 9] = [
                ("source", d.source.iter().map(|x| x.id.as_str()).collect()),
                ("body", d.body.iter().map(|x| x.id.as_str()).collect()),
                ("exam", d.exam.iter().map(|x| x.id.as_str()).collect()),
                (
                    "credential",
                    d.credential.iter().map(|x| x.id.as_str()).collect(),
                ),
                (
                    "jurisdiction",
                    d.jurisdiction.iter().map(|x| x.code.as_str()).collect(),
                ),
                ("step", d.step.iter().map(|x| x.id.as_str()).collect()),
                ("goal", d.goal.iter().map(|x| x.id.as_str()).collect()),
                (
                    "maintenance",
                    d.maintenance.iter().map(|x| x.id.as_str()).collect(),
                ),
                (
                    "country",
                    d.country.iter().map(|x| x.code.as_str()).collect(),
                ),
            ];
            for (kind, ids) in tables {
                for (i, id) in ids.into_iter().enumerate() {
                    if let Some(first) = seen.insert((kind, id), &file.name) {
                        let field = format!("{kind}[{i}].{}", id_key(kind));
                        self.report_duplicate(file, field, kind, id, first);
                    }
                }
            }
            for (i, c) in d.country.iter().enumerate() {
                for (k, degree) in c.degrees.iter().enumerate() {
                    let kind = "country degree";
                    if let Some(first) = seen.insert((kind, degree.id.as_str()), &file.name) {
                        let field = format!("country[{i}].degree[{k}].id");
                        self.report_duplicate(file, field, kind, &degree.id, first);
                    }
                }
            }
        }
    }

    fn report_duplicate(
        &mut self,
        file: &'a Parsed<'t>,
        field: String,
        kind: &str,
        id: &str,
        first: &str,
    ) {
        let message = format!("duplicate {kind} id `{id}`: it is already defined in {first}");
        self.report(file, field, message);
    }

    fn check_ref(&mut self, file: &'a Parsed<'t>, field: String, kind: &str, id: &str) {
        let known = match kind {
            "source" => &self.sources,
            "body" => &self.bodies,
            "exam" => &self.exams,
            "step" => &self.steps,
            _ => &self.credentials,
        };
        if known.contains(id) {
            return;
        }
        let hint = suggest(id, known.iter().copied())
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        self.report(file, field, format!("unknown {kind} `{id}`{hint}"));
    }

    fn check_provenance(&mut self, file: &'a Parsed<'t>, field: &str, p: &Provenance) {
        if p.sources.is_empty() {
            self.report(
                file,
                format!("{field}.provenance.sources"),
                "a fact needs at least one source: add the id of a `[[source]]`".to_owned(),
            );
        }
        for (i, s) in p.sources.iter().enumerate() {
            self.check_ref(
                file,
                format!("{field}.provenance.sources[{i}]"),
                "source",
                s.as_str(),
            );
        }
    }

    fn check_file(&mut self, file: &'a Parsed<'t>) {
        let d = &file.doc;
        for (i, b) in d.body.iter().enumerate() {
            self.check_provenance(file, &format!("body[{i}]"), &b.provenance);
            for (k, step) in b.escalation.iter().enumerate() {
                let field = format!("body[{i}].escalation[{k}]");
                self.check_provenance(file, &field, &step.provenance);
                if step.action.trim().is_empty() {
                    self.report(
                        file,
                        format!("{field}.action"),
                        "an escalation step needs an `action`".to_owned(),
                    );
                }
            }
        }
        for (i, e) in d.exam.iter().enumerate() {
            let field = format!("exam[{i}]");
            self.check_provenance(file, &field, &e.provenance);
            self.check_ref(file, format!("{field}.body"), "body", e.body.as_str());
            if let Some(c) = &e.confers {
                self.check_ref(file, format!("{field}.confers"), "credential", c.as_str());
            }
        }
        for (i, c) in d.credential.iter().enumerate() {
            self.check_credential(file, i, c);
        }
        for (i, j) in d.jurisdiction.iter().enumerate() {
            let field = format!("jurisdiction[{i}]");
            self.check_provenance(file, &field, &j.provenance);
            for (key, id) in [
                ("technologist_license", &j.technologist_license),
                ("technician_license", &j.technician_license),
            ] {
                if let Some(id) = id {
                    self.check_ref(file, format!("{field}.{key}"), "credential", id.as_str());
                }
            }
        }
        for (i, step) in d.step.iter().enumerate() {
            self.check_step(file, i, step);
        }
        for (i, rules) in d.maintenance.iter().enumerate() {
            self.check_rule_set(file, i, rules);
        }
        for (i, r) in d.restriction.iter().enumerate() {
            let field = format!("restriction[{i}]");
            self.check_provenance(file, &field, &r.provenance);
            if r.countries.is_empty() || r.visas.is_empty() {
                self.report(
                    file,
                    field,
                    "a restriction names at least one country and one visa class".to_owned(),
                );
            }
        }
        for (i, c) in d.country.iter().enumerate() {
            let field = format!("country[{i}]");
            self.check_provenance(file, &field, &c.provenance);
            for (k, degree) in c.degrees.iter().enumerate() {
                let field = format!("{field}.degree[{k}]");
                self.check_provenance(file, &field, &degree.provenance);
                if degree.years.is_some_and(|y| !(0.5..=10.0).contains(&y)) {
                    self.report(
                        file,
                        format!("{field}.years"),
                        "a degree's length is given in years, from 0.5 to 10".to_owned(),
                    );
                }
            }
        }
        for (i, goal) in d.goal.iter().enumerate() {
            let field = format!("goal[{i}]");
            self.check_provenance(file, &field, &goal.provenance);
            self.check_requirement(file, &format!("{field}.requires"), &goal.requires);
        }
        for (i, t) in d.term.iter().enumerate() {
            let field = format!("term[{i}]");
            self.check_provenance(file, &field, &t.provenance);
            for (k, id) in t.credentials.iter().enumerate() {
                self.check_ref(
                    file,
                    format!("{field}.credentials[{k}]"),
                    "credential",
                    id.as_str(),
                );
            }
        }
    }

    fn check_credential(&mut self, file: &'a Parsed<'t>, i: usize, c: &Credential) {
        let field = format!("credential[{i}]");
        self.check_provenance(file, &field, &c.provenance);
        self.check_ref(file, format!("{field}.body"), "body", c.body.as_str());
        if let Some(e) = &c.exam {
            self.check_ref(file, format!("{field}.exam"), "exam", e.as_str());
        }
        if c.routes.is_empty() && c.notes.is_empty() {
            self.report(
                file,
                format!("{field}.route"),
                format!("credential `{}` has no route and no note saying why", c.id),
            );
        }
        for (k, fee) in c.fees.iter().enumerate() {
            self.check_provenance(file, &format!("{field}.fee[{k}]"), &fee.provenance);
            for (n, other) in fee.disputed.iter().enumerate() {
                self.check_provenance(
                    file,
                    &format!("{field}.fee[{k}].disputed[{n}]"),
                    &other.provenance,
                );
            }
        }
        if let Some(r) = &c.renewal {
            self.check_provenance(file, &format!("{field}.renewal"), &r.provenance);
        }
        for (k, n) in c.former_names.iter().enumerate() {
            self.check_provenance(file, &format!("{field}.former_names[{k}]"), &n.provenance);
        }
        let mut route_ids = HashSet::new();
        for (k, route) in c.routes.iter().enumerate() {
            let rfield = format!("{field}.route[{k}]");
            if !route_ids.insert(route.id.as_str()) {
                self.report(
                    file,
                    format!("{rfield}.id"),
                    format!("duplicate route id `{}` in `{}`", route.id, c.id),
                );
            }
            self.check_provenance(file, &rfield, &route.provenance);
            if let (Some(from), Some(until)) = (route.in_force.from, route.in_force.until) {
                if until <= from {
                    self.report(
                        file,
                        format!("{rfield}.in_force"),
                        format!("`until` ({until}) must come after `from` ({from})"),
                    );
                }
            }
            self.check_requirement(file, &format!("{rfield}.requires"), &route.requires);
        }
    }

    fn check_rule_set(&mut self, file: &'a Parsed<'t>, i: usize, rules: &RuleSet) {
        let field = format!("maintenance[{i}]");
        self.check_provenance(file, &field, &rules.provenance);
        if rules.credentials.is_empty() {
            self.report(
                file,
                format!("{field}.credentials"),
                "a rule set must name the credentials it keeps alive".to_owned(),
            );
        }
        for (k, id) in rules.credentials.iter().enumerate() {
            self.check_ref(
                file,
                format!("{field}.credentials[{k}]"),
                "credential",
                id.as_str(),
            );
        }
        if rules.cycle_years == 0 {
            self.report(
                file,
                format!("{field}.cycle_years"),
                "a cycle lasts at least one year".to_owned(),
            );
        }
        let mut seen = HashSet::new();
        for (k, c) in rules.categories.iter().enumerate() {
            if !seen.insert(c.category.as_str()) {
                self.report(
                    file,
                    format!("{field}.category[{k}]"),
                    format!("category `{}` is listed twice", c.category),
                );
            }
            if !(c.min.is_finite() && c.min >= 0.0) {
                self.report(
                    file,
                    format!("{field}.category[{k}].min"),
                    format!("a minimum must be zero or more, got `{}`", c.min),
                );
            }
            if let Some(p) = &c.provenance {
                self.check_provenance(file, &format!("{field}.category[{k}]"), p);
            }
        }
        let sum: f64 = rules.categories.iter().map(|c| c.min).sum();
        if let Some(total) = rules.total {
            if sum > total + 1e-9 {
                self.report(
                    file,
                    format!("{field}.category"),
                    format!("the category minimums add up to {sum}, more than the total {total}"),
                );
            }
        }
        if let Some(w) = rules.declaration_window {
            if w.opens_days_before <= w.closes_days_before {
                self.report(file, format!("{field}.declaration_window"), "the window must open before it closes (`opens_days_before` > `closes_days_before`)".to_owned());
            }
        }
        for (k, fee) in rules.fees.iter().enumerate() {
            self.check_provenance(file, &format!("{field}.fee[{k}]"), &fee.provenance);
            for (n, other) in fee.disputed.iter().enumerate() {
                self.check_provenance(
                    file,
                    &format!("{field}.fee[{k}].disputed[{n}]"),
                    &other.provenance,
                );
            }
        }
    }

    fn check_step(&mut self, file: &'a Parsed<'t>, i: usize, step: &Step) {
        let field = format!("step[{i}]");
        self.check_provenance(file, &field, &step.provenance);
        self.check_provenance(
            file,
            &format!("{field}.duration"),
            &step.duration.provenance,
        );
        let d = &step.duration;
        if !(0.0 <= d.min_days && d.min_days <= d.likely_days && d.likely_days <= d.max_days) {
            self.report(
                file,
                format!("{field}.duration"),
                format!(
                    "durations must satisfy 0 <= min_days <= likely_days <= max_days, got {} / {} / {}",
                    d.min_days, d.likely_days, d.max_days
                ),
            );
        }
        if d.basis == DurationBasis::Estimate && d.provenance.confidence == Confidence::Official {
            self.report(
                file,
                format!("{field}.duration.provenance.confidence"),
                "an estimate is labpath's, not the body's: its confidence cannot be `official` \
                 (use `uncertain`, and say in the note how it was reached)"
                    .to_owned(),
            );
        }
        if let Some(body) = &step.body {
            self.check_ref(file, format!("{field}.body"), "body", body.as_str());
        }
        for (key, id) in [
            ("eligibility_for", &step.eligibility_for),
            ("fees_of", &step.fees_of),
        ] {
            if let Some(id) = id {
                self.check_ref(file, format!("{field}.{key}"), "credential", id.as_str());
            }
        }
        if let Some(r) = &step.requires {
            self.check_requirement(file, &format!("{field}.requires"), r);
        }
        if step.grants.is_empty() {
            self.report(
                file,
                format!("{field}.grants"),
                "a step must grant something".to_owned(),
            );
        }
        for (k, grant) in step.grants.iter().enumerate() {
            match grant {
                Grant::Credential(id) => self.check_ref(
                    file,
                    format!("{field}.grants[{k}].credential"),
                    "credential",
                    id.as_str(),
                ),
                Grant::Exam(id) => self.check_ref(
                    file,
                    format!("{field}.grants[{k}].exam"),
                    "exam",
                    id.as_str(),
                ),
                _ => {}
            }
        }
        for (k, fee) in step.fees.iter().enumerate() {
            self.check_provenance(file, &format!("{field}.fee[{k}]"), &fee.provenance);
        }
        if let Some(r) = &step.retake {
            self.check_provenance(file, &format!("{field}.retake"), &r.provenance);
        }
        if let Some(w) = &step.window {
            self.check_provenance(file, &format!("{field}.window"), &w.provenance);
            if let Some(id) = &w.cycle_of {
                self.check_ref(
                    file,
                    format!("{field}.window.cycle_of"),
                    "step",
                    id.as_str(),
                );
            }
        }
        if let Some(l) = &step.lottery {
            let lfield = format!("{field}.lottery");
            self.check_provenance(file, &lfield, &l.provenance);
            let chances = std::iter::once(l.chance).chain(l.by_wage_level.into_iter().flatten());
            if chances.into_iter().any(|p| !(p > 0.0 && p <= 1.0)) {
                self.report(
                    file,
                    lfield,
                    "a chance of selection lies above 0 and at most 1 (0.2959 for 29.59%)"
                        .to_owned(),
                );
            }
            if step.window.is_none() {
                self.report(
                    file,
                    format!("{field}.window"),
                    "a step with a lottery needs the yearly window it tries again in".to_owned(),
                );
            }
        }
        for (k, deadline) in step.deadlines.iter().enumerate() {
            let dfield = format!("{field}.deadline[{k}]");
            self.check_provenance(file, &dfield, &deadline.provenance);
            if deadline.after_days == 0 {
                self.report(
                    file,
                    format!("{dfield}.after_days"),
                    "a deadline needs `after_days` above 0".to_owned(),
                );
            }
        }
    }

    fn check_requirement(&mut self, file: &'a Parsed<'t>, field: &str, r: &Requirement) {
        let bad = |this: &mut Self, msg: &str| this.report(file, field.to_owned(), msg.to_owned());
        match r {
            Requirement::All(of) | Requirement::Any(of) if of.is_empty() => {
                bad(self, "an `all` or `any` needs at least one requirement");
            }
            Requirement::AtLeast(a) if a.n == 0 || a.n as usize > a.of.len() => {
                bad(
                    self,
                    &format!("`at_least` asks for {} of {} requirements", a.n, a.of.len()),
                );
            }
            Requirement::Coursework(c) if c.subjects.is_empty() => {
                bad(self, "coursework needs at least one subject")
            }
            Requirement::Program(p) if p.kinds.is_empty() => {
                bad(self, "a program requirement needs at least one kind")
            }
            Requirement::Experience(e) if e.months == 0 && e.each_of.is_empty() => {
                bad(self, "an experience requirement needs `months` above 0");
            }
            Requirement::Experience(e) if !e.each_of.is_empty() && e.min_months_each.is_none() => {
                bad(self, "`each_of` needs `min_months_each`");
            }
            Requirement::Credential(c) => {
                if c.any_of.is_empty() {
                    bad(
                        self,
                        "a credential requirement needs at least one id in `any_of`",
                    );
                }
                for (i, id) in c.any_of.iter().enumerate() {
                    self.check_ref(
                        file,
                        format!("{field}.credential.any_of[{i}]"),
                        "credential",
                        id.as_str(),
                    );
                }
            }
            Requirement::Eligible(e) => {
                self.check_ref(
                    file,
                    format!("{field}.eligible.credential"),
                    "credential",
                    e.credential.as_str(),
                );
            }
            Requirement::Exam(e) => {
                if e.accepted.is_empty() {
                    bad(self, "an exam requirement needs at least one accepted exam");
                }
                for (i, a) in e.accepted.iter().enumerate() {
                    self.check_ref(
                        file,
                        format!("{field}.exam.accepted[{i}].exam"),
                        "exam",
                        a.exam.as_str(),
                    );
                }
            }
            _ => {}
        }
        let kind = r.kind();
        for (i, child) in r.children().iter().enumerate() {
            let child_field = match r {
                Requirement::AtLeast(_) => format!("{field}.at_least.of[{i}]"),
                _ => format!("{field}.{kind}[{i}]"),
            };
            self.check_requirement(file, &child_field, child);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{from_files, from_parts, shipped};

    #[test]
    fn parts_changed_in_code_pass_the_same_checks_as_files() {
        let parts = shipped().into_parts();
        let credentials = parts.credentials.len();
        let whole = from_parts(parts.clone()).expect("the shipped parts pass");
        assert_eq!(whole.credentials().len(), credentials);
        // Without its exams, every credential that names one is refused,
        // with the field that names it.
        let mut no_exams = parts.clone();
        no_exams.exams.clear();
        let problems = from_parts(no_exams).unwrap_err();
        let text = problems.to_string();
        assert!(text.contains("unknown exam `ascp-mls-exam`"), "{text}");
        assert!(
            problems
                .0
                .iter()
                .all(|d| d.file == "catalog parts" && d.line.is_none()),
            "{problems:?}"
        );
        // A value's own check, which a file meets as it is read: a fee
        // below zero.
        let mut negative = parts;
        let (at, credential) = negative
            .credentials
            .iter_mut()
            .enumerate()
            .find(|(_, c)| !c.fees.is_empty())
            .expect("a credential with a fee");
        credential.fees[0].amount = Some(labpath_engine::units::Money::from_cents(-1));
        let problems = from_parts(negative).unwrap_err();
        assert_eq!(
            problems.0[0].field.as_deref(),
            Some(format!("credential[{at}].fee[0].amount").as_str()),
            "{problems:?}"
        );
        assert_eq!(problems.0[0].line, None);
    }

    const SOURCE: &str = r#"
[[source]]
id = "S-1"
url = "https://example.org"
title = "t"
read_on = 2026-11-21
"#;

    #[test]
    fn escalation_steps_and_deadlines_need_known_sources() {
        let body = r#"
[[body]]
id = "b"
name = "B"
provenance = { sources = ["S-1"], as_of = 2026-11-21, confidence = "official" }

[[body.escalation]]
after_days = 42
action = "Send a status request"
how = "In writing."
provenance = { sources = ["S-9"], as_of = 2026-11-21, confidence = "official" }

[[step]]
id = "apply"
name = "Apply"
kind = "apply"
body = "b"
summary = "s"
grants = [ "evaluation" ]
provenance = { sources = ["S-1"], as_of = 2026-11-21, confidence = "official" }
duration = { min_days = 1, likely_days = 2, max_days = 3, basis = "agency", provenance = { sources = ["S-1"], as_of = 2026-11-21, confidence = "official" } }

[[step.deadline]]
after_days = 0
what = "Finish"
provenance = { sources = ["S-8"], as_of = 2026-11-21, confidence = "official" }
"#;
        let text = format!("{SOURCE}{body}");
        let problems = from_files([("c.toml".to_owned(), text)])
            .unwrap_err()
            .to_string();
        assert!(
            problems.contains("body[0].escalation[0].provenance.sources[0]"),
            "{problems}"
        );
        assert!(problems.contains("unknown source `S-9`"), "{problems}");
        assert!(
            problems.contains("step[0].deadline[0].provenance.sources[0]"),
            "{problems}"
        );
        assert!(
            problems.contains("a deadline needs `after_days` above 0"),
            "{problems}"
        );
    }

    #[test]
    fn an_estimated_duration_cannot_be_official() {
        let step = |confidence: &str| {
            format!(
                r#"{SOURCE}
[[step]]
id = "apply"
name = "Apply"
kind = "apply"
summary = "s"
grants = [ "evaluation" ]
provenance = {{ sources = ["S-1"], as_of = 2026-11-21, confidence = "official" }}
duration = {{ min_days = 1, likely_days = 2, max_days = 3, basis = "estimate", provenance = {{ sources = ["S-1"], as_of = 2026-11-21, confidence = "{confidence}" }} }}
"#
            )
        };
        let problems = from_files([("c.toml".to_owned(), step("official"))])
            .unwrap_err()
            .to_string();
        assert!(
            problems.contains("step[0].duration.provenance.confidence"),
            "{problems}"
        );
        assert!(from_files([("c.toml".to_owned(), step("uncertain"))]).is_ok());
    }

    /// The lines of a catalog's problems, by message.
    fn lines_of(files: &[(&str, &str)]) -> Vec<(String, Option<usize>, String)> {
        let files = files
            .iter()
            .map(|(n, t)| ((*n).to_owned(), (*t).to_owned()));
        from_files(files)
            .unwrap_err()
            .0
            .into_iter()
            .map(|d| (d.file, d.line, d.message))
            .collect()
    }

    #[test]
    fn a_problem_is_placed_on_the_line_the_parser_read_its_value_from() {
        // The unknown source is named twice before the line that cites it
        // (in a comment and in a title), and cited on the second line of a
        // list; the duplicate exam id is the second of two.
        let text = format!(
            r#"{SOURCE}
# "S-9" was withdrawn; see the note below.
[[source]]
id = "S-2"
url = "https://example.org/2"
title = "Replaces \"S-9\""
read_on = 2026-11-21

[[body]]
id = "b"
name = "B"
provenance = {{ sources = ["S-1"], as_of = 2026-11-21, confidence = "official" }}

[[body.escalation]]
after_days = 42
action = "Ask"
how = "In writing."
provenance = {{ sources = ["S-1",
  "S-9"], as_of = 2026-11-21, confidence = "official" }}
"#
        );
        let exams = r#"
[[exam]]
id = "e"
name = "E"
body = "b"
provenance = { sources = ["S-1"], as_of = 2026-11-21, confidence = "official" }

[[exam]]
id = "e"
name = "E again"
body = "b"
provenance = { sources = ["S-1"], as_of = 2026-11-21, confidence = "official" }
"#;
        let problems = lines_of(&[("a.toml", &text), ("b.toml", exams)]);
        let line = |file: &str, message: &str| {
            problems
                .iter()
                .find(|(f, _, m)| f == file && m.contains(message))
                .unwrap_or_else(|| panic!("no `{message}` in {problems:?}"))
                .1
        };
        assert_eq!(line("a.toml", "unknown source `S-9`"), Some(25), "{text}");
        assert_eq!(line("b.toml", "duplicate exam id `e`"), Some(9), "{exams}");
    }

    #[test]
    fn the_shipped_playbooks_and_deadlines_load() {
        let catalog = crate::catalog::shipped();
        let ny = catalog.body("nysed-op").unwrap();
        assert_eq!(ny.escalation.len(), 3);
        assert_eq!(ny.escalation[0].after_days, 42);
        assert_eq!(catalog.body("cdph-lfs").unwrap().escalation.len(), 2);
        let ca = catalog.step("ca-cls-apply").unwrap();
        assert_eq!(ca.deadlines[0].after_days, 150);
        assert_eq!(catalog.step("ascp-mls-sit").unwrap().deadlines.len(), 1);
    }
}
