//! What changed between two loaded catalogs: the parts added or removed,
//! the routes whose requirement clauses changed (old → new, field by
//! field), fees, step durations, sources and as-of dates, and every other
//! field. The typed parts (routes, clauses, fees, durations) are compared
//! as the engine reads them; everything else is compared in its serialized
//! form, so a field added to the catalog's schema later is reported without
//! a change here.

use labpath_engine::catalog::{Catalog, Fee, InForce, Route};
use labpath_engine::explain::describe_requirement;
use labpath_engine::requirement::Requirement;
use labpath_engine::step::Duration;
use labpath_views::catalog_diff::{
    CatalogDiff, ClauseChange, Days, DurationChange, FeeChange, FieldChange, ItemChange, Presence,
    RouteChange, RuleChange,
};
use serde::Serialize;
use serde_json::Value;

/// Every change from `old` to `new`.
pub fn diff(old: &Catalog, new: &Catalog) -> CatalogDiff {
    let mut d = Differ {
        old,
        new,
        out: CatalogDiff::default(),
    };
    let (o, n) = (old.credentials(), new.credentials());
    let ident =
        |c: &labpath_engine::catalog::Credential| (c.id.to_string(), c.abbreviation.clone());
    d.area("credential", o, n, ident, &["route", "fee"], |d, o, n| {
        d.routes(o, n);
        d.fees(
            "credential",
            &o.id.to_string(),
            &o.abbreviation,
            &o.fees,
            &n.fees,
        );
    });
    let ident = |s: &labpath_engine::step::Step| (s.id.to_string(), s.name.clone());
    let (o, n) = (old.steps(), new.steps());
    d.area("step", o, n, ident, &["fee", "duration"], |d, o, n| {
        let (id, name) = (o.id.to_string(), n.name.clone());
        d.fees("step", &id, &name, &o.fees, &n.fees);
        d.duration(&id, &name, &o.duration, &n.duration);
    });
    let ident = |r: &labpath_engine::maintenance::RuleSet| (r.id.to_string(), r.name.clone());
    let (o, n) = (old.maintenance(), new.maintenance());
    d.area("maintenance", o, n, ident, &["fee"], |d, o, n| {
        d.fees("maintenance", &o.id.to_string(), &n.name, &o.fees, &n.fees);
    });
    let ident = |e: &labpath_engine::catalog::Exam| (e.id.to_string(), e.name.clone());
    d.area("exam", old.exams(), new.exams(), ident, &[], nothing);
    let ident = |b: &labpath_engine::catalog::Body| (b.id.to_string(), b.name.clone());
    d.area("body", old.bodies(), new.bodies(), ident, &[], nothing);
    let ident = |j: &labpath_engine::catalog::Jurisdiction| (j.code.to_string(), j.name.clone());
    let (o, n) = (old.jurisdictions(), new.jurisdictions());
    d.area("jurisdiction", o, n, ident, &[], nothing);
    let ident = |g: &labpath_engine::step::Goal| (g.id.to_string(), g.name.clone());
    d.area("goal", old.goals(), new.goals(), ident, &[], nothing);
    let ident = |r: &labpath_engine::catalog::Restriction| (r.id.clone(), r.name.clone());
    let (o, n) = (old.restrictions(), new.restrictions());
    d.area("restriction", o, n, ident, &[], nothing);
    let ident = |t: &labpath_engine::catalog::GlossaryTerm| (t.term.clone(), t.term.clone());
    d.area("term", old.glossary(), new.glossary(), ident, &[], nothing);
    let ident = |s: &labpath_engine::provenance::Source| (s.id.to_string(), s.title.clone());
    d.area("source", old.sources(), new.sources(), ident, &[], nothing);
    d.out
}

/// For the parts whose every field is compared in serialized form.
fn nothing<T>(_: &mut Differ<'_>, _: &T, _: &T) {}

struct Differ<'c> {
    old: &'c Catalog,
    new: &'c Catalog,
    out: CatalogDiff,
}

impl Differ<'_> {
    /// One part of the catalog: what was added or removed, and for what
    /// both have, the `typed` fields by `both` and the rest field by field.
    fn area<T: Serialize>(
        &mut self,
        area: &'static str,
        old: &[T],
        new: &[T],
        ident: impl Fn(&T) -> (String, String),
        typed: &[&str],
        mut both: impl FnMut(&mut Self, &T, &T),
    ) {
        for pair in pair_by(old, new, |t| ident(t).0) {
            let (o, n) = match pair {
                (Some(o), Some(n)) => (o, n),
                (o, n) => {
                    let (item, change) = match (o, n) {
                        (Some(o), _) => (o, Presence::Removed),
                        (_, Some(n)) => (n, Presence::Added),
                        _ => continue,
                    };
                    let (id, name) = ident(item);
                    self.out.items.push(ItemChange {
                        area,
                        id,
                        name,
                        change,
                    });
                    continue;
                }
            };
            both(self, o, n);
            let place = format!("{area} {}", ident(o).0);
            self.fields(
                &place,
                &without(o, typed),
                &without(n, typed),
                area == "source",
            );
        }
    }

    /// Field-by-field changes of two serialized values at `place`: those
    /// inside a provenance (or on the source list) are sources and dates,
    /// the rest are other changes.
    fn fields(&mut self, place: &str, old: &Value, new: &Value, all_sources: bool) {
        let mut changes = Vec::new();
        json_changes("", old, new, &mut changes);
        for c in changes {
            let sourcing = all_sources || c.at.split(['.', '[']).any(|s| s == "provenance");
            let change = FieldChange {
                at: format!("{place}: {}", c.at),
                ..c
            };
            if sourcing {
                self.out.sources.push(change);
            } else {
                self.out.other.push(change);
            }
        }
    }

    /// A credential's routes: added, removed, and the rules of those both
    /// catalogs have.
    fn routes(
        &mut self,
        old: &labpath_engine::catalog::Credential,
        new: &labpath_engine::catalog::Credential,
    ) {
        for pair in pair_by(&old.routes, &new.routes, |r| r.id.to_string()) {
            let (o, n) = match pair {
                (Some(o), Some(n)) => (o, n),
                (o, n) => {
                    let (route, change) = match (o, n) {
                        (Some(o), _) => (o, Presence::Removed),
                        (_, Some(n)) => (n, Presence::Added),
                        _ => continue,
                    };
                    self.out.routes.push(RouteChange {
                        credential: new.id.to_string(),
                        abbreviation: new.abbreviation.clone(),
                        route: route.id.to_string(),
                        name: route.name.clone(),
                        change,
                    });
                    continue;
                }
            };
            let clauses = self.rules(o, n);
            if !clauses.is_empty() {
                self.out.rules.push(RuleChange {
                    credential: new.id.to_string(),
                    abbreviation: new.abbreviation.clone(),
                    route: n.id.to_string(),
                    name: n.name.clone(),
                    clauses,
                });
            }
            let place = format!("credential {}: route[{}]", new.id, n.id);
            let typed = ["id", "requires", "in_force"];
            self.fields(&place, &without(o, &typed), &without(n, &typed), false);
        }
    }

    /// The clauses of a route that changed, and its days in force.
    fn rules(&self, old: &Route, new: &Route) -> Vec<ClauseChange> {
        let mut clauses = Vec::new();
        if old.in_force != new.in_force {
            let mut fields = Vec::new();
            json_changes(
                "",
                &value(&old.in_force),
                &value(&new.in_force),
                &mut fields,
            );
            clauses.push(ClauseChange {
                at: "in_force".to_owned(),
                kind: "in_force".to_owned(),
                fields,
                old: Some(in_force_text(old.in_force)),
                new: Some(in_force_text(new.in_force)),
            });
        }
        self.clause("", &old.requires, &new.requires, &mut clauses);
        clauses
    }

    /// The changes between two versions of a clause at `at`.
    fn clause(&self, at: &str, old: &Requirement, new: &Requirement, out: &mut Vec<ClauseChange>) {
        if old == new {
            return;
        }
        let describe_old = Some(describe_requirement(old, self.old));
        let describe_new = Some(describe_requirement(new, self.new));
        if old.kind() != new.kind() {
            out.push(ClauseChange {
                at: at.to_owned(),
                kind: format!("{} → {}", old.kind(), new.kind()),
                fields: Vec::new(),
                old: describe_old,
                new: describe_new,
            });
            return;
        }
        let combinator = matches!(
            old,
            Requirement::All(_) | Requirement::Any(_) | Requirement::AtLeast(_)
        );
        if !combinator {
            let mut fields = Vec::new();
            json_changes("", &leaf_fields(old), &leaf_fields(new), &mut fields);
            out.push(ClauseChange {
                at: at.to_owned(),
                kind: old.kind().to_owned(),
                fields,
                old: describe_old,
                new: describe_new,
            });
            return;
        }
        if let (Requirement::AtLeast(a), Requirement::AtLeast(b)) = (old, new)
            && a.n != b.n
        {
            out.push(ClauseChange {
                at: at.to_owned(),
                kind: "at_least".to_owned(),
                fields: vec![FieldChange {
                    at: "n".to_owned(),
                    old: a.n.to_string(),
                    new: b.n.to_string(),
                }],
                old: describe_old,
                new: describe_new,
            });
        }
        let child_at = |i: usize| match at {
            "" => format!("{}[{i}]", old.kind()),
            _ => format!("{at}.{}[{i}]", old.kind()),
        };
        for (o, n) in align(old.children(), new.children(), |r| r) {
            match (o, n) {
                (Some((_, o)), Some((i, n))) => self.clause(&child_at(i), o, n, out),
                (Some((i, o)), None) => out.push(ClauseChange {
                    at: child_at(i),
                    kind: o.kind().to_owned(),
                    fields: Vec::new(),
                    old: Some(describe_requirement(o, self.old)),
                    new: None,
                }),
                (None, Some((i, n))) => out.push(ClauseChange {
                    at: child_at(i),
                    kind: n.kind().to_owned(),
                    fields: Vec::new(),
                    old: None,
                    new: Some(describe_requirement(n, self.new)),
                }),
                (None, None) => {}
            }
        }
    }

    /// The fees of one part, paired by label: added, removed, amounts
    /// changed; their other fields field by field.
    fn fees(&mut self, area: &'static str, id: &str, name: &str, old: &[Fee], new: &[Fee]) {
        for pair in pair_by(old, new, |f| f.label.clone()) {
            let (change, label, o, n) = match pair {
                (Some(o), None) => (Some(Presence::Removed), &o.label, o.amount, None),
                (None, Some(n)) => (Some(Presence::Added), &n.label, None, n.amount),
                (Some(o), Some(n)) => {
                    let typed = ["label", "amount"];
                    let place = format!("{area} {id}: fee[{}]", o.label);
                    self.fields(&place, &without(o, &typed), &without(n, &typed), false);
                    if o.amount == n.amount {
                        continue;
                    }
                    (None, &n.label, o.amount, n.amount)
                }
                (None, None) => continue,
            };
            self.out.fees.push(FeeChange {
                area,
                id: id.to_owned(),
                name: name.to_owned(),
                fee: label.clone(),
                change,
                old: o,
                new: n,
            });
        }
    }

    /// A step's duration: the figures, then its sources.
    fn duration(&mut self, id: &str, name: &str, old: &Duration, new: &Duration) {
        let (o, n) = (days(old), days(new));
        if o != n {
            self.out.durations.push(DurationChange {
                step: id.to_owned(),
                name: name.to_owned(),
                old: o,
                new: n,
            });
        }
        let typed = ["min_days", "likely_days", "max_days", "basis", "reports"];
        let place = format!("step {id}: duration");
        self.fields(&place, &without(old, &typed), &without(new, &typed), false);
    }
}

fn days(d: &Duration) -> Days {
    Days {
        min: d.min_days,
        likely: d.likely_days,
        max: d.max_days,
        basis: d.source_label(),
    }
}

/// The days a route is in force, in words.
fn in_force_text(f: InForce) -> String {
    match (f.from, f.until) {
        (None, None) => "in force, with no start or end day".to_owned(),
        (Some(from), None) => format!("in force from {from}"),
        (None, Some(until)) => format!("in force until {until} (not on that day)"),
        (Some(from), Some(until)) => {
            format!("in force from {from} until {until} (not on that day)")
        }
    }
}

/// The items of two lists paired by key, old order first, then the new
/// ones in new order. A key repeated in a list is told apart by its
/// occurrence (the second fee with one label pairs with the second).
fn pair_by<'a, T>(
    old: &'a [T],
    new: &'a [T],
    key: impl Fn(&T) -> String,
) -> Vec<(Option<&'a T>, Option<&'a T>)> {
    let keyed = |items: &'a [T]| -> Vec<((String, usize), &'a T)> {
        let mut seen: Vec<String> = Vec::new();
        items
            .iter()
            .map(|t| {
                let k = key(t);
                let nth = seen.iter().filter(|s| **s == k).count();
                seen.push(k.clone());
                ((k, nth), t)
            })
            .collect()
    };
    let (old, new) = (keyed(old), keyed(new));
    let mut pairs: Vec<(Option<&T>, Option<&T>)> = old
        .iter()
        .map(|(k, o)| {
            (
                Some(*o),
                new.iter().find(|(nk, _)| nk == k).map(|(_, n)| *n),
            )
        })
        .collect();
    pairs.extend(
        new.iter()
            .filter(|(k, _)| !old.iter().any(|(ok, _)| ok == k))
            .map(|(_, n)| (None, Some(*n))),
    );
    pairs
}

/// One side of a pair of clauses: its index in its list, and the clause.
pub(crate) type Side<'a, T> = Option<(usize, &'a T)>;

/// Two lists of clauses (requirements, or clauses evaluated from them)
/// matched up: equal requirements pair first, then the rest by kind in
/// order; what is left is removed (old only) or added (new only). In the
/// new list's order, the removed ones last.
pub(crate) fn align<'a, T>(
    old: &'a [T],
    new: &'a [T],
    requirement: impl Fn(&T) -> &Requirement,
) -> Vec<(Side<'a, T>, Side<'a, T>)> {
    let mut old_used = vec![false; old.len()];
    let mut match_of: Vec<Option<usize>> = vec![None; new.len()];
    for (j, n) in new.iter().enumerate() {
        let equal =
            (0..old.len()).find(|&i| !old_used[i] && requirement(&old[i]) == requirement(n));
        if let Some(i) = equal {
            old_used[i] = true;
            match_of[j] = Some(i);
        }
    }
    for (j, n) in new.iter().enumerate() {
        if match_of[j].is_some() {
            continue;
        }
        let kind = requirement(n).kind();
        let same_kind =
            (0..old.len()).find(|&i| !old_used[i] && requirement(&old[i]).kind() == kind);
        if let Some(i) = same_kind {
            old_used[i] = true;
            match_of[j] = Some(i);
        }
    }
    let mut pairs: Vec<(Side<'a, T>, Side<'a, T>)> = new
        .iter()
        .enumerate()
        .map(|(j, n)| (match_of[j].map(|i| (i, &old[i])), Some((j, n))))
        .collect();
    pairs.extend(
        old.iter()
            .enumerate()
            .filter(|(i, _)| !old_used[*i])
            .map(|(i, o)| (Some((i, o)), None)),
    );
    pairs
}

/// A leaf clause's own fields (`{ months = 24, ... }` of `experience`).
fn leaf_fields(leaf: &Requirement) -> Value {
    match value(leaf) {
        Value::Object(mut one) if one.len() == 1 => {
            one.values_mut().next().map(Value::take).unwrap_or_default()
        }
        other => other,
    }
}

fn value<T: Serialize + ?Sized>(t: &T) -> Value {
    // The catalog's types serialize to JSON without fail (no maps with
    // non-string keys); a failure would compare as null on both sides.
    serde_json::to_value(t).unwrap_or_default()
}

/// `t` serialized, without the fields compared by their types.
fn without<T: Serialize>(t: &T, keys: &[&str]) -> Value {
    let mut v = value(t);
    if let Value::Object(fields) = &mut v {
        for k in keys {
            fields.remove(*k);
        }
    }
    v
}

/// The identity field of a list of objects, where every item has one as a
/// string: such lists pair by it (`document[transcript]`), not by position.
fn identity(old: &[Value], new: &[Value]) -> Option<&'static str> {
    ["id", "key", "label", "code", "term", "name"]
        .into_iter()
        .find(|k| {
            let has = |v: &Value| v.get(*k).is_some_and(Value::is_string);
            !old.is_empty() && !new.is_empty() && old.iter().chain(new).all(has)
        })
}

/// Pushes every leaf value that differs between `old` and `new`, with its
/// path below `at`.
fn json_changes(at: &str, old: &Value, new: &Value, out: &mut Vec<FieldChange>) {
    if old == new {
        return;
    }
    let join = |key: &str| match at {
        "" => key.to_owned(),
        _ => format!("{at}.{key}"),
    };
    match (old, new) {
        (Value::Object(o), Value::Object(n)) => {
            for (k, ov) in o {
                json_changes(&join(k), ov, n.get(k).unwrap_or(&Value::Null), out);
            }
            for (k, nv) in n.iter().filter(|(k, _)| !o.contains_key(*k)) {
                json_changes(&join(k), &Value::Null, nv, out);
            }
        }
        (Value::Array(o), Value::Array(n)) => {
            if let Some(id) = identity(o, n) {
                let key = |v: &Value| v.get(id).and_then(Value::as_str).unwrap_or("").to_owned();
                for (ov, nv) in pair_by(o, n, key) {
                    let item = ov.or(nv).map(key).unwrap_or_default();
                    let null = Value::Null;
                    let (ov, nv) = (ov.unwrap_or(&null), nv.unwrap_or(&null));
                    json_changes(&format!("{at}[{item}]"), ov, nv, out);
                }
            } else if o.len() == n.len() && o.iter().chain(n).any(|v| v.is_object()) {
                for (i, (ov, nv)) in o.iter().zip(n).enumerate() {
                    json_changes(&format!("{at}[{i}]"), ov, nv, out);
                }
            } else {
                out.push(leaf_change(at, old, new));
            }
        }
        _ => out.push(leaf_change(at, old, new)),
    }
}

fn leaf_change(at: &str, old: &Value, new: &Value) -> FieldChange {
    FieldChange {
        at: at.to_owned(),
        old: text(old),
        new: text(new),
    }
}

/// A value in words: text as it is, lists joined by commas, `(none)` for
/// nothing, anything nested as compact JSON.
fn text(v: &Value) -> String {
    match v {
        Value::Null => "(none)".to_owned(),
        Value::String(s) => s.clone(),
        Value::Array(items) if items.is_empty() => "(none)".to_owned(),
        Value::Array(items) if items.iter().all(|i| !i.is_object() && !i.is_array()) => {
            items.iter().map(text).collect::<Vec<_>>().join(", ")
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;

    fn req(json: serde_json::Value) -> Requirement {
        serde_json::from_value(json).unwrap()
    }

    fn clauses(old: &Requirement, new: &Requirement) -> Vec<ClauseChange> {
        let catalog = Catalog::default();
        let d = Differ {
            old: &catalog,
            new: &catalog,
            out: CatalogDiff::default(),
        };
        let mut out = Vec::new();
        d.clause("", old, new, &mut out);
        out
    }

    #[test]
    fn a_changed_leaf_is_named_at_its_place_with_its_old_and_new_value() {
        let degree = serde_json::json!({ "degree": { "min_level": "bachelor" } });
        let old = req(serde_json::json!({ "all": [degree, { "experience": { "months": 36 } }] }));
        let new = req(serde_json::json!({ "all": [degree, { "experience": { "months": 48 } }] }));
        let changes = clauses(&old, &new);
        assert_eq!(changes.len(), 1, "{changes:?}");
        let c = &changes[0];
        assert_eq!((c.at.as_str(), c.kind.as_str()), ("all[1]", "experience"));
        assert_eq!(
            c.fields,
            vec![FieldChange {
                at: "months".to_owned(),
                old: "36".to_owned(),
                new: "48".to_owned()
            }]
        );
        assert!(c.old.as_deref().unwrap().starts_with("36 months"), "{c:?}");
        assert!(c.new.as_deref().unwrap().starts_with("48 months"), "{c:?}");
    }

    #[test]
    fn clauses_added_or_removed_are_told_apart_from_moved_ones() {
        let a = serde_json::json!({ "declared": { "key": "a", "ask": "A?" } });
        let b = serde_json::json!({ "declared": { "key": "b", "ask": "B?" } });
        let c = serde_json::json!({ "experience": { "months": 12 } });
        // b moves before a (no change), c is removed.
        let old = req(serde_json::json!({ "any": [a, b, c] }));
        let new = req(serde_json::json!({ "any": [b, a] }));
        let changes = clauses(&old, &new);
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert_eq!(changes[0].at, "any[2]");
        assert!(changes[0].new.is_none() && changes[0].old.is_some());
    }

    #[test]
    fn keyed_lists_pair_by_their_id_and_repeated_keys_by_occurrence() {
        let old = serde_json::json!([{ "id": "r1", "n": 1 }, { "id": "r2", "n": 2 }]);
        let new = serde_json::json!([{ "id": "r2", "n": 3 }, { "id": "r3", "n": 4 }]);
        let mut out = Vec::new();
        json_changes("route", &old, &new, &mut out);
        let at: Vec<&str> = out.iter().map(|c| c.at.as_str()).collect();
        assert_eq!(at, ["route[r1]", "route[r2].n", "route[r3]"], "{out:?}");
        assert_eq!((out[1].old.as_str(), out[1].new.as_str()), ("2", "3"));
        assert_eq!(out[0].new, "(none)");

        let fees = ["x", "y", "x"];
        let later = ["x", "x"];
        let pairs = pair_by(&fees, &later, |s| (*s).to_owned());
        let both = pairs.iter().filter(|(o, n)| o.is_some() && n.is_some());
        assert_eq!(both.count(), 2, "both `x` fees pair: {pairs:?}");
        assert_eq!(pairs.len(), 3);
    }
}
