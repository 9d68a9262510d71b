//! The catalog's health report on the shipped catalog: a credential or a
//! route that could pass must not silently stop being able to. The lists
//! below are what could not pass when they were written; the catalog may
//! leave them (an encoded rule), never join them without this file saying so.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests: a failed assumption is a failed test"
)]

use labpath_engine::units::Date;
use labpath_views::health::report;

/// Credentials that cannot be eligible on 2026-12-02: the audit's 15, less
/// BB, C and H(ASCP) (their Route 3 encoded), California's MLT license (LFS's
/// page and B&P Code 1260.3 encoded) and Montana's temporary permit (ARM
/// 24.129.612 encoded), plus `ri-cls-license`, whose routes ended when Rhode
/// Island stopped licensing on 2015-07-01.
const NEVER_ELIGIBLE: &[&str] = &[
    "fl-technician-license",
    "hi-mlt-license",
    "la-cls-technician",
    "nd-mlt-license",
    "nd-mt-license",
    "nv-clt-license",
    "nv-mlt-license",
    "ri-cls-license",
    "ri-clt-license",
    "tn-technician-license",
    "wv-clp-lab-technician",
    // Added with issue 15 (certification side): credentials whose routes no
    // source read gives, kept with an `unconfirmed` route that names the
    // page that would settle them.
    "aab-mlt",
    "ascp-sc",
    "ascp-sh",
    "ascp-sm",
    "ascpi-bb",
    "ascpi-c",
    "ascpi-h",
    "ascpi-m",
    "ascpi-mb",
    // Jamaica's CPSM registration: which qualification the Council accepts
    // for medical technologists was not in the sources read.
    "cpsm-mlt-jm",
    // Added 2026-12-03: DLM(ASCP), whose routes are past the part of
    // ascp.org's page that was stored.
    "ascp-dlm",
];

/// Routes in force that cannot pass on 2026-12-02: the audit's 48, less
/// California's 2025 CLS and trainee routes (physics, mathematics or
/// statistics encoded), Rhode Island's `federal-qualified` (not in force
/// after 2015-06-30), the ASCP categoricals' Route 3 (encoded) and
/// California's MLT route (its education encoded; the route is now
/// `education-training`), Montana's `endorsement` (MCA 37-1-304: the
/// applicant's own qualifications encoded), Puerto Rico's
/// `foreign-equivalent` (the Board's certification of equivalence asked as a
/// declaration) and six New York routes (issue 15: NYSED's acceptance of
/// another jurisdiction or certifier, and the provisional permit's training
/// and research service, asked as the law leaves them to NYSED).
const NEVER_PASS: &[&str] = &[
    // National licenses (issue 15, countries): Nigeria's steps after the
    // BMLS (whether graduates sit an MLSCN exam) and the qualification
    // Jamaica's CPSM accepts were not in the sources read.
    "mlscn-mls/nigerian-bmls",
    "cpsm-mlt-jm/registration",
    "amt-mlt/coursework",
    "ascp-bb/other-routes",
    "ascp-c/other-routes",
    "ascp-h/other-routes",
    "ascp-m/other-routes",
    "ascp-mls/route-5",
    "ascp-mls/route-6",
    "ascpi-mls/route-3",
    "ascpi-mlt/route-2",
    "ascpi-mlt/route-3",
    "ca-cls-trainee/statute-minimum",
    "clia-high-complexity/associate-equivalent",
    "clia-high-complexity/degree-equivalency",
    "clia-moderate-complexity/degree-equivalency",
    "fl-technician-license/clia-moderate",
    "fl-technologist-license/other-routes",
    "hi-mt-license/entry-level-mlt-year",
    "hi-mt-license/prc-mou",
    "nd-mlt-license/program-exam",
    "nd-mt-license/degree-program-exam",
    "nv-clt-license/hhs-exam",
    "nv-clt-license/mt-degree",
    "nv-clt-license/science-degree-experience",
    "ny-clt-license/bachelor-clinical-education",
    "ny-clt-license/bachelor-experience",
    "ny-cltech-license/science-associate",
    "ny-limited-permit/bachelor-clinical-education",
    "ny-limited-permit/bachelor-experience",
    "tn-technologist-license/mlt-program-experience",
    "tn-technologist-license/other-routes",
    "wv-clp-mls/clia-criterion",
    "wv-clp-mls/science-degree",
    // Added with issue 15 (certification side): the routes of the new
    // certifications that are cut off or not found in every source read.
    "aab-mlt/qualifications-not-read",
    "aab-mt/other-pathways",
    "abb-ts/other-routes",
    "ascp-cg/other-routes",
    "ascp-ct/other-routes",
    "ascp-ht/route-2",
    "ascp-htl/other-routes",
    "ascp-sbb/route-7",
    "ascp-sc/routes-not-read",
    "ascp-sh/routes-not-read",
    "ascp-sm/routes-not-read",
    "ascpi-bb/routes-not-read",
    "ascpi-c/routes-not-read",
    "ascpi-h/routes-not-read",
    "ascpi-m/routes-not-read",
    "ascpi-mb/routes-not-read",
    // Added 2026-12-03 with PBT(ASCP) and DLM(ASCP): routes no source read
    // gives.
    "ascp-dlm/routes-not-read",
    "ascp-pbt/other-routes",
];

fn day() -> Date {
    Date::parse("2026-12-02").unwrap()
}

#[test]
fn no_credential_that_could_be_eligible_stops_being_able_to() {
    let catalog = labpath_shipped::catalog().unwrap();
    let health = report(&catalog, day());
    let joined: Vec<String> = health
        .never_eligible
        .iter()
        .filter(|c| !NEVER_ELIGIBLE.contains(&c.credential.as_str()))
        .map(|c| format!("{}: {}", c.credential, c.why))
        .collect();
    assert!(
        joined.is_empty(),
        "these credentials can no longer be eligible:\n{}",
        joined.join("\n")
    );
    let blocked: Vec<String> = health
        .never_pass
        .iter()
        .map(|r| format!("{}/{}", r.credential, r.route))
        .filter(|r| !NEVER_PASS.contains(&r.as_str()))
        .collect();
    assert!(
        blocked.is_empty(),
        "these routes in force can no longer pass:\n{}",
        blocked.join("\n")
    );
}

/// The report reads the rules: a route is blocked only by an unconfirmed
/// rule on every branch, and says which; credentials with a passable route
/// are not listed.
#[test]
fn a_blocked_route_names_the_rules_that_block_it() {
    let catalog = labpath_shipped::catalog().unwrap();
    let health = report(&catalog, day());
    for r in &health.never_pass {
        assert!(
            !r.unconfirmed.is_empty(),
            "{}/{} is listed with no unconfirmed rule",
            r.credential,
            r.route
        );
    }
    for passable in ["ascp-mls", "ascpi-mls", "ny-clt-license", "ca-cls-license"] {
        assert!(
            !health
                .never_eligible
                .iter()
                .any(|c| c.credential == passable),
            "{passable} has a route that can pass"
        );
    }
    assert!(health.facts > 0);
    let counted: usize = health.by_confidence.values().sum();
    assert_eq!(counted, health.facts);
    let official = health.by_confidence["official"] as f64 / health.facts as f64;
    assert!((health.official_share - official).abs() < 1e-9);
}
