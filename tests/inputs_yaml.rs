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

/// (line, column, end line, end column) of each finding of `rule`.
fn spans(result: &ScanResult, rule: &str) -> Vec<(usize, usize, usize, usize)> {
    result
        .findings
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| (f.line, f.column, f.end_line, f.end_column))
        .collect()
}

#[test]
fn one_broken_document_keeps_the_others() {
    let r = scan("partial.yaml");
    let errors: Vec<(&str, usize)> = r
        .errors
        .iter()
        .map(|e| (e.file.rsplit('/').next().unwrap(), e.line))
        .collect();
    // saphyr stops at the `---` that ends the broken flow mapping of line 11.
    assert_eq!(errors, [("partial.yaml", 12)]);
    assert!(
        r.errors[0].message.contains("flow mapping"),
        "{:?}",
        r.errors
    );
    assert_eq!(
        of(&r, "VCH-PRV-010")
            .into_iter()
            .filter(|(line, _, _)| *line == 7)
            .collect::<Vec<_>>(),
        [(7, 35, "k8s/Pod/good/containers/c".to_string())]
    );
    assert_eq!(
        of(&r, "VCH-PRV-011"),
        [(17, 12, "k8s/Pod/after".to_string())]
    );
}

#[test]
fn a_block_scalar_value_ends_on_its_own_line() {
    let r = scan("block-scalar.yaml");
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    // `        FAKE-folded-password-3kQ9zT` is 27 characters from column 9.
    assert_eq!(spans(&r, "VCH-ISO-005"), [(11, 9, 11, 36)]);
}

#[test]
fn an_alias_bomb_is_refused_and_the_other_files_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/inputs/yaml");
    std::fs::copy(fixtures.join("bomb.yaml"), dir.path().join("bomb.yaml")).unwrap();
    std::fs::copy(fixtures.join("list.yaml"), dir.path().join("list.yaml")).unwrap();
    let policies = load::load(&PackSource::builtin(), &Default::default()).unwrap();
    let options = ScanOptions {
        roots: vec![dir.path().to_path_buf()],
        ..ScanOptions::default()
    };
    let r = scan::run(&options, &policies).unwrap().result;
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert!(r.errors[0].file.ends_with("bomb.yaml"));
    // Level f is the first whose copy passes the budget: 9^5 strings and more.
    assert_eq!(r.errors[0].line, 6);
    assert!(
        r.errors[0].message.contains("too many alias expansions"),
        "{}",
        r.errors[0].message
    );
    assert_eq!(
        of(&r, "VCH-PRV-011"),
        [(8, 20, "k8s/Pod/listed".to_string())]
    );
}

#[test]
fn a_handwritten_document_after_helm_output_has_no_template() {
    let r = scan("rendered-then-handwritten.yaml");
    let got: Vec<(usize, usize, &str, Option<&str>)> = r
        .findings
        .iter()
        .filter(|f| f.rule == "VCH-PRV-011")
        .map(|f| (f.line, f.column, f.resource.as_str(), f.template.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            (8, 12, "k8s/Pod/rendered", Some("chat/templates/pod.yaml")),
            (16, 12, "k8s/Pod/handwritten", None),
        ]
    );
}

#[test]
fn empty_documents_are_no_objects_and_no_errors() {
    let r = scan("empty-documents.yaml");
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(
        of(&r, "VCH-PRV-011"),
        [(9, 12, "k8s/Pod/after-empty".to_string())]
    );
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/inputs/yaml/empty-documents.yaml"),
    )
    .unwrap();
    let docs = vouch::inputs::yaml::parse(&text).unwrap();
    let nulls: Vec<bool> = docs
        .iter()
        .map(|d| d.root.value == vouch::tree::Value::Null)
        .collect();
    assert_eq!(nulls, [true, true, false, true]);
}

#[test]
fn a_key_written_twice_is_an_error_at_its_line_and_the_first_value_is_checked() {
    let r = scan("duplicate");
    let errors: Vec<(usize, &str)> = r
        .errors
        .iter()
        .map(|e| (e.line, e.message.as_str()))
        .collect();
    assert_eq!(
        errors,
        [(
            11,
            "duplicate key `privileged` in one mapping (YAML allows each key once); kubectl and \
             docker compose refuse such a file; vouch checks the first value"
        )]
    );
    assert_eq!(
        of(&r, "VCH-PRV-010")
            .into_iter()
            .filter(|(line, ..)| *line == 10)
            .collect::<Vec<_>>(),
        [(10, 21, "k8s/Pod/twice/containers/app".to_string())]
    );
}
