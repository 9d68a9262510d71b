//! A credential explained: what it is, who issues it, each route's
//! requirements in plain language (one line per clause, nested as the rule
//! is), fees, renewal and the rules for keeping it, with the sources of
//! each. `labpath explain` prints it as text; the server answers it as JSON
//! and renders the credential's page from it.

use labpath_engine::catalog::{Catalog, Credential};
use labpath_engine::explain::describe_requirement;
use labpath_engine::maintenance::RuleSet;
use labpath_engine::requirement::Requirement;
use serde::Serialize;

use crate::json::{ProvenanceView, provenance};

/// A credential explained.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = CredentialExplained))]
pub struct CredentialView<'a> {
    /// The credential as the catalog has it (ids of sources, the rule
    /// trees as data).
    pub credential: &'a Credential,
    /// The issuing body's name.
    pub body: &'a str,
    /// The credential's sources.
    pub provenance: ProvenanceView<'a>,
    /// Each route in plain language.
    pub routes: Vec<RouteView<'a>>,
    /// The rules for keeping it (continuing education), if the catalog has
    /// any.
    pub maintenance: Vec<MaintenanceView<'a>>,
}

/// A route in plain language.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = RouteExplained))]
pub struct RouteView<'a> {
    /// The route's id.
    pub id: &'a str,
    /// Its name.
    pub name: &'a str,
    /// Its summary.
    pub summary: &'a str,
    /// Each clause of its rule, in order, nested by `depth`.
    pub requirements: Vec<RequirementLine<'a>>,
    /// The route's sources.
    pub provenance: ProvenanceView<'a>,
}

/// One clause of a route's rule.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequirementLine<'a> {
    /// 0 for the route's top clause.
    pub depth: usize,
    /// The clause in plain language.
    pub text: String,
    /// For a question the person answers, the key to declare it under in a
    /// profile.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declaration_key: Option<&'a str>,
}

/// A rule set for keeping a credential.
#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MaintenanceView<'a> {
    /// The rules.
    pub rules: &'a RuleSet,
    /// Their sources.
    pub provenance: ProvenanceView<'a>,
}

/// Explains a credential.
pub fn credential<'a>(catalog: &'a Catalog, c: &'a Credential) -> CredentialView<'a> {
    CredentialView {
        credential: c,
        body: catalog
            .body(c.body.as_str())
            .map_or(c.body.as_str(), |b| b.name.as_str()),
        provenance: provenance(&c.provenance, catalog),
        routes: c
            .routes
            .iter()
            .map(|r| {
                let mut requirements = Vec::new();
                lines(&r.requires, catalog, 0, &mut requirements);
                RouteView {
                    id: r.id.as_str(),
                    name: &r.name,
                    summary: &r.summary,
                    requirements,
                    provenance: provenance(&r.provenance, catalog),
                }
            })
            .collect(),
        maintenance: catalog
            .maintenance_of(c.id.as_str())
            .map(|rules| MaintenanceView {
                rules,
                provenance: provenance(&rules.provenance, catalog),
            })
            .collect(),
    }
}

fn lines<'a>(
    r: &'a Requirement,
    catalog: &Catalog,
    depth: usize,
    out: &mut Vec<RequirementLine<'a>>,
) {
    out.push(RequirementLine {
        depth,
        text: describe_requirement(r, catalog),
        declaration_key: match r {
            Requirement::Declared(d) => Some(d.key.as_str()),
            _ => None,
        },
    });
    for child in r.children() {
        lines(child, catalog, depth + 1, out);
    }
}
