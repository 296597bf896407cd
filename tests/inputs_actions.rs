//! GitHub Actions end to end: a workflow yields `gha/workflow`, `gha/job`
//! and `gha/step` resources with their places; `on:` stays a key (not the
//! YAML 1.1 boolean); env at each level is where rules find it.

use vouch::policy::load::{self, PackSource};
use vouch::scan::{self, Scan, ScanOptions};

fn scan() -> Scan {
    let policies = load::load(&PackSource::builtin(), &Default::default()).unwrap();
    let root =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/inputs/actions");
    let options = ScanOptions {
        roots: vec![root],
        ..ScanOptions::default()
    };
    scan::run(&options, &policies).unwrap()
}

/// A resource's kind, address, line and column, and parent.
type Placed<'a> = (&'a str, &'a str, (usize, usize), Option<usize>);

#[test]
fn workflow_jobs_and_steps_are_resources_with_places() {
    let scan = scan();
    assert!(scan.result.errors.is_empty(), "{:?}", scan.result.errors);
    let file = &scan.project.files[0];
    // Below the repository top: this fixture lives in vouch's own git work tree.
    assert_eq!(
        file.relative,
        "tests/fixtures/inputs/actions/.github/workflows/ci.yml"
    );
    assert_eq!(file.kind.as_str(), "gha");
    let got: Vec<Placed> = file
        .resources
        .iter()
        .filter(|r| r.kind != "file")
        .map(|r| {
            (
                r.kind.as_str(),
                r.address.as_str(),
                file.source.line_col(r.span.start),
                r.parent,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("gha/workflow", "gha/ci.yml", (1, 1), None),
            ("gha/job", "gha/ci.yml/jobs/test", (10, 3), Some(1)),
            ("gha/step", "gha/ci.yml/jobs/test/steps/1", (16, 9), Some(2)),
            ("gha/step", "gha/ci.yml/jobs/test/steps/2", (17, 9), Some(2)),
            ("gha/job", "gha/ci.yml/jobs/lint", (21, 3), Some(1)),
            ("gha/step", "gha/ci.yml/jobs/lint/steps/1", (24, 9), Some(5)),
        ]
    );
    let names: Vec<&str> = file.resources.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names[1..],
        [
            "ci.yml",
            "test",
            "actions/checkout@v4",
            "call the model",
            "lint",
            "step 1"
        ]
    );
    let workflow = &file.resources[1].body;
    assert!(workflow.get("on").unwrap().get("push").is_some());
}

#[test]
fn rules_see_each_level() {
    let scan = scan();
    let got: Vec<(&str, usize, usize, usize, usize, &str)> = scan
        .result
        .findings
        .iter()
        .filter(|f| matches!(f.rule.as_str(), "VCH-ENC-008" | "VCH-PRV-014"))
        .map(|f| {
            (
                f.rule.as_str(),
                f.line,
                f.column,
                f.end_line,
                f.end_column,
                f.resource.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("VCH-ENC-008", 8, 20, 8, 45, "gha/ci.yml"),
            ("VCH-PRV-014", 12, 18, 12, 27, "gha/ci.yml/jobs/test"),
            (
                "VCH-ENC-008",
                19,
                31,
                19,
                56,
                "gha/ci.yml/jobs/test/steps/2"
            ),
        ]
    );
}
