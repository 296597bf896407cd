//! YAML-family hard cases end to end: anchors and merge keys, YAML 1.1
//! booleans, `List` objects, `helm template` output, CRLF line endings and
//! broken files, each asserted down to the finding's line and column.

use chrono::NaiveDate;
use vouch::policy::load::{self, PackSource};
use vouch::result::ScanResult;
use vouch::scan::{self, ScanOptions};

fn scan(path: &str) -> ScanResult {
    let policies = load::load(&PackSource::builtin(), &Default::default()).unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/inputs/yaml")
        .join(path);
    let options = ScanOptions {
        roots: vec![root],
        now: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
        ..ScanOptions::default()
    };
    scan::run(&options, &policies).unwrap().result
}

/// (rule, line, column, resource) of each finding of `rule`.
fn of(result: &ScanResult, rule: &str) -> Vec<(usize, usize, String)> {
    result
        .findings
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| (f.line, f.column, f.resource.clone()))
        .collect()
}

#[test]
fn merge_keys_apply_and_on_is_true() {
    let r = scan("anchors.yaml");
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    // Only `bad` fails: `privileged: on` is true in YAML 1.1, as Kubernetes reads it.
    assert_eq!(
        of(&r, "VCH-PRV-010"),
        [(19, 21, "k8s/Pod/merged/containers/bad".to_string())]
    );
    let bad = r.findings.iter().find(|f| f.rule == "VCH-PRV-010").unwrap();
    assert_eq!(bad.environment.as_deref(), Some("production"));
}

#[test]
fn list_items_are_objects() {
    let r = scan("list.yaml");
    assert_eq!(
        of(&r, "VCH-PRV-011"),
        [(8, 20, "k8s/Pod/listed".to_string())]
    );
}

#[test]
fn helm_output_keeps_its_template() {
    let r = scan("rendered.yaml");
    let f = r.findings.iter().find(|f| f.rule == "VCH-PRV-011").unwrap();
    assert_eq!((f.line, f.column), (8, 12));
    assert_eq!(f.template.as_deref(), Some("chat/templates/pod.yaml"));
}

#[test]
fn crlf_lines_count_the_same() {
    let r = scan("crlf.yaml");
    assert_eq!(of(&r, "VCH-PRV-011"), [(6, 12, "k8s/Pod/crlf".to_string())]);
}

#[test]
fn a_broken_file_is_an_error_and_the_rest_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("broken.yaml"),
        "apiVersion: v1\nkind: Pod\nspec: [unclosed\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("ok.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostPID: true\n",
    )
    .unwrap();
    let policies = load::load(&PackSource::builtin(), &Default::default()).unwrap();
    let options = ScanOptions {
        roots: vec![dir.path().to_path_buf()],
        ..ScanOptions::default()
    };
    let r = scan::run(&options, &policies).unwrap().result;
    assert_eq!(r.errors.len(), 1);
    assert!(r.errors[0].file.ends_with("broken.yaml"));
    assert_eq!(r.errors[0].line, 4);
    assert_eq!(of(&r, "VCH-PRV-011").len(), 1);
}
