//! What a file is, from its name and content: compose only when it looks
//! like compose, `.template` sniffed for JSON or YAML, and the real-world
//! names of tfvars and Dockerfiles.

use chrono::NaiveDate;
use vouch::engine::project::ScannedFile;
use vouch::policy::load::{self, PackSource};
use vouch::scan::{self, Scan, ScanOptions};

fn scan() -> Scan {
    let policies = load::load(&PackSource::builtin(), &Default::default()).unwrap();
    let root =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/inputs/classify");
    let options = ScanOptions {
        roots: vec![root],
        now: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
        ..ScanOptions::default()
    };
    scan::run(&options, &policies).unwrap()
}

/// A file's path below the fixture folder (`relative` is below the repository top).
fn below(file: &ScannedFile) -> &str {
    file.relative
        .strip_prefix("tests/fixtures/inputs/classify/")
        .unwrap_or(&file.relative)
}

#[test]
fn every_fixture_gets_its_kind() {
    let scan = scan();
    assert!(scan.result.errors.is_empty(), "{:?}", scan.result.errors);
    let mut kinds: Vec<(&str, &str)> = scan
        .project
        .files
        .iter()
        .map(|f| (below(f), f.kind.as_str()))
        .collect();
    kinds.sort_unstable();
    assert_eq!(
        kinds,
        [
            (".circleci/config.yml", "yaml"),
            ("Containerfile.dev", "docker"),
            ("Dockerfile-lint.json", "text"),
            ("Dockerfile-prod", "docker"),
            ("Dockerfile.dev", "docker"),
            ("compose.yaml", "compose"),
            ("json.template", "cfn"),
            ("nginx.conf.template", "text"),
            ("stack.template", "cfn"),
            ("stack.yml", "compose"),
            ("terraform.tfvars.json", "tfvars"),
            ("values.yaml", "yaml"),
        ]
    );
}

/// The resources of `relative`, as (kind, name, line, column).
fn resources(scan: &Scan, relative: &str) -> Vec<(String, String, usize, usize)> {
    let file = scan
        .project
        .files
        .iter()
        .find(|f| below(f) == relative)
        .unwrap();
    file.resources
        .iter()
        .filter(|r| r.kind != "file")
        .map(|r| {
            let (line, column) = file.source.line_col(r.span.start);
            (r.kind.clone(), r.name.clone(), line, column)
        })
        .collect()
}

#[test]
fn a_services_map_alone_is_not_compose() {
    let scan = scan();
    assert_eq!(resources(&scan, "values.yaml"), []);
    assert_eq!(resources(&scan, ".circleci/config.yml"), []);
    assert_eq!(
        resources(&scan, "compose.yaml"),
        [("compose/service".into(), "cache".into(), 2, 3)]
    );
    assert_eq!(
        resources(&scan, "stack.yml"),
        [("compose/service".into(), "api".into(), 5, 3)]
    );
    let mon: Vec<&str> = scan
        .result
        .findings
        .iter()
        .filter(|f| f.rule == "VCH-MON-008")
        .map(|f| f.file.rsplit('/').next().unwrap())
        .collect();
    assert!(
        !mon.contains(&"values.yaml") && !mon.contains(&"config.yml"),
        "{mon:?}"
    );
}

#[test]
fn a_yaml_template_is_read_as_yaml() {
    let scan = scan();
    assert_eq!(
        resources(&scan, "stack.template"),
        [("cfn/AWS::KMS::Key".into(), "Key".into(), 3, 3)]
    );
    assert_eq!(
        resources(&scan, "json.template"),
        [("cfn/AWS::KMS::Key".into(), "Key".into(), 3, 17)]
    );
    // Which line ROT-001 underlines is the rule's business (the key or the
    // value); that the YAML template is evaluated at all is this module's.
    let rot: Vec<(&str, &str)> = scan
        .result
        .findings
        .iter()
        .filter(|f| f.rule == "VCH-ROT-001")
        .map(|f| (f.file.rsplit('/').next().unwrap(), f.resource.as_str()))
        .collect();
    assert_eq!(
        rot,
        [
            ("json.template", "AWS::KMS::Key/Key"),
            ("stack.template", "AWS::KMS::Key/Key")
        ]
    );
}

#[test]
fn tfvars_json_sets_variables() {
    let scan = scan();
    assert_eq!(
        resources(&scan, "terraform.tfvars.json"),
        [
            ("tf/tfvar".into(), "days".into(), 1, 2),
            ("tf/tfvar".into(), "name".into(), 1, 15),
        ]
    );
}

#[test]
fn dockerfile_variants_are_dockerfiles() {
    let scan = scan();
    let prv: Vec<(&str, usize, usize)> = {
        let mut v: Vec<_> = scan
            .result
            .findings
            .iter()
            .filter(|f| f.rule == "VCH-PRV-013")
            .map(|f| (f.file.rsplit('/').next().unwrap(), f.line, f.column))
            .collect();
        v.sort_unstable();
        v
    };
    assert_eq!(
        prv,
        [
            ("Containerfile.dev", 2, 6),
            ("Dockerfile-prod", 2, 6),
            ("Dockerfile.dev", 2, 6)
        ]
    );
}
