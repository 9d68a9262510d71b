//! The plan's SVG chart escapes every text it places: the shipped catalog
//! with markup, ampersands and both quotes in every step's name, planned
//! for a real profile, and a goal named alike. The names must come out as
//! entities, and the only tags in the picture are the chart's own.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at a broken fixture"
)]

use labpath_engine::catalog::{Catalog, CatalogParts};
use labpath_engine::ids::CredentialId;
use labpath_engine::plan::{Optimize, Options, plan};
use labpath_engine::requirement::{CredentialReq, Requirement};
use labpath_engine::units::Date;

/// Every character the chart must escape, in a name.
const AWKWARD: &str = r#"<b>Fees & "forms"</b> 'now'"#;
const ESCAPED: &str = "&lt;b&gt;Fees &amp; &quot;forms&quot;&lt;/b&gt; &apos;now&apos;";

/// The tags `gantt` writes; anything else after a `<` is text let through.
const TAGS: &[&str] = &["svg", "title", "text", "rect", "line"];

/// The shipped catalog with `AWKWARD` before every step's name.
fn awkward_catalog() -> Catalog {
    let shipped = labpath_shipped::catalog().unwrap();
    let parts = CatalogParts {
        sources: shipped.sources().to_vec(),
        bodies: shipped.bodies().to_vec(),
        exams: shipped.exams().to_vec(),
        credentials: shipped.credentials().to_vec(),
        jurisdictions: shipped.jurisdictions().to_vec(),
        glossary: shipped.glossary().to_vec(),
        steps: shipped
            .steps()
            .iter()
            .cloned()
            .map(|mut s| {
                s.name = format!("{AWKWARD} {}", s.name);
                s
            })
            .collect(),
        goals: shipped.goals().to_vec(),
        maintenance: shipped.maintenance().to_vec(),
        restrictions: shipped.restrictions().to_vec(),
        countries: shipped.countries().to_vec(),
    };
    labpath_catalog::catalog::from_parts(parts)
        .expect("the changed catalog passes the loader's checks")
}

#[test]
fn every_text_in_the_svg_chart_is_escaped() {
    let catalog = awkward_catalog();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/profiles/ca-applicant-missing-physics.toml");
    let profile = labpath_catalog::profile::load(&path, &catalog).unwrap();
    let goal = Requirement::Credential(CredentialReq {
        any_of: vec![CredentialId::new("ca-cls-license").unwrap()],
        current: true,
    });
    let from = Date::parse("2026-11-21").unwrap();
    let options = Options {
        from,
        optimize: Optimize::Time,
        samples: 200,
        seed: 7,
    };
    let report = plan(&catalog, &profile, &goal, options).unwrap();
    let kept = &report.kept[report.chosen];
    let steps = kept.schedule.steps.len();
    assert!(steps > 0, "the plan has steps to draw");

    let svg = labpath_views::svg::gantt(&format!("{AWKWARD} CLS"), from, kept);

    // Each step's label and bar title, and the goal in the aria-label, the
    // title and the heading.
    assert_eq!(svg.matches(ESCAPED).count(), 2 * steps + 3, "{svg}");
    for raw in [AWKWARD, "<b>", "</b>", "& ", "\"forms\"", "'now'"] {
        assert!(
            !svg.contains(raw),
            "`{raw}` is in the chart unescaped:\n{svg}"
        );
    }
    for (at, _) in svg.match_indices('&') {
        let rest = &svg[at..];
        assert!(
            ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"]
                .iter()
                .any(|e| rest.starts_with(e)),
            "a bare `&`: {}",
            &rest[..rest.len().min(30)]
        );
    }
    for (at, _) in svg.match_indices('<') {
        let name: String = svg[at + 1..]
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        assert!(
            TAGS.contains(&name.as_str()),
            "`<{name}` is not a tag of the chart:\n{svg}"
        );
    }
}
