//! The JSON result matches schemas/report.schema.json, loads back unchanged, and merges.

mod report_fixture;

use serde_json::Value;
use vouch::report::{Format, RenderOptions, ReportError, ReportInput, load_result, merge, render};
use vouch::result::{RuleInfo, ScanInfo, ScanResult, Severity};

fn schema_errors(instance: &Value) -> Vec<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/report.schema.json");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("read schema")).expect("JSON");
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the report schema compiles");
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn json_of(result: &ScanResult) -> Value {
    let text = render(
        Format::Json,
        &ReportInput::new(result, &[]),
        &RenderOptions::default(),
    )
    .expect("renders");
    assert!(text.ends_with("}\n"), "pretty JSON with a final newline");
    serde_json::from_str(&text).expect("JSON")
}

/// A result built in code, as the engine will build one: empty lists and optional fields unset.
fn minimal() -> ScanResult {
    let mut result = ScanResult {
        scan: ScanInfo {
            roots: vec![".".into()],
            started_at: "2026-12-03T10:00:00Z".into(),
            policy_digest: format!("sha256:{}", "0".repeat(64)),
            ..ScanInfo::default()
        },
        ..ScanResult::default()
    };
    result.recount();
    result
}

#[test]
fn serialised_results_match_the_schema() {
    for (name, result) in [
        ("fixture", report_fixture::result()),
        ("hostile", report_fixture::hostile()),
        ("minimal", minimal()),
    ] {
        let errors = schema_errors(&json_of(&result));
        assert!(errors.is_empty(), "{name}: {}", errors.join("\n"));
    }
}

#[test]
fn the_schema_rejects_what_the_contract_forbids() {
    let good = json_of(&report_fixture::result());
    let broken = [
        ("/findings/0/line", Value::from(0)),
        ("/findings/0/severity", Value::from("severe")),
        ("/scan/policy_digest", Value::from("md5:abc")),
        ("/scan/started_at", Value::from("yesterday")),
        (
            "/findings/0/suppressed",
            serde_json::json!({"kind": "forgotten"}),
        ),
        ("/schema_version", Value::from("2")),
    ];
    for (pointer, value) in broken {
        let mut bad = good.clone();
        *bad.pointer_mut(pointer).expect("field exists") = value;
        assert!(
            !schema_errors(&bad).is_empty(),
            "{pointer} should be rejected"
        );
    }
    let mut missing = good.clone();
    missing["findings"][0]
        .as_object_mut()
        .expect("object")
        .remove("fingerprint");
    let errors = schema_errors(&missing);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].starts_with("/findings/0: "), "{}", errors[0]);
}

#[test]
fn a_saved_result_loads_back_unchanged() {
    let original = report_fixture::result();
    let text = render(
        Format::Json,
        &ReportInput::new(&original, &[]),
        &RenderOptions::default(),
    )
    .expect("renders");
    let loaded = load_result("saved.json", &text).expect("loads");
    assert_eq!(json_of(&loaded), json_of(&original));
}

#[test]
fn the_fixture_summary_is_what_recount_gives() {
    let result = report_fixture::result();
    let mut recounted = result.clone();
    recounted.recount();
    assert_eq!(json_of(&result)["summary"], json_of(&recounted)["summary"]);
}

#[test]
fn load_errors_name_the_file_and_the_place() {
    let err = load_result("a.json", "{\"schema_version\": \"1\",\n  oops}").unwrap_err();
    assert!(
        matches!(&err, ReportError::InvalidResult { file, line: 2, column: 3, .. } if file == "a.json"),
        "{err:?}"
    );

    let mut value = json_of(&report_fixture::result());
    value["passed"][2]["line"] = Value::from("three");
    let text = serde_json::to_string_pretty(&value).unwrap();
    let err = load_result("b.json", &text).unwrap_err();
    assert!(err.to_string().contains("at /passed/2/line"), "{err}");
    // The error names the line of the bad value, found from its JSON pointer.
    let line = text.lines().position(|l| l.contains("\"three\"")).unwrap() + 1;
    assert!(
        err.to_string().starts_with(&format!("b.json:{line}:")),
        "{err} (the value is on line {line})"
    );
}

#[test]
fn merge_keeps_origins_and_recounts() {
    let a = report_fixture::result();
    let mut b = minimal();
    b.scan.roots = vec![".".into(), "services/chat".into()];
    b.scan.started_at = "2026-12-02T08:00:00Z".into();
    b.scan.files_scanned = 3;
    b.findings.push(a.findings[0].clone());
    b.passed.push(a.passed[0].clone());
    b.recount();

    let merged = merge(vec![
        ("repo-a.json".into(), a.clone()),
        ("repo-b.json".into(), b),
    ])
    .expect("merges");
    assert_eq!(merged.scan.merged_from, ["repo-a.json", "repo-b.json"]);
    assert_eq!(merged.scan.roots, [".", "services/chat"]);
    assert_eq!(merged.scan.started_at, "2026-12-02T08:00:00Z");
    assert_eq!(merged.scan.files_scanned, 17);
    assert_eq!(merged.scan.policy_digest, "mixed");
    assert_eq!(merged.scan.now, None, "the inputs disagree on --now");
    assert!(merged.scan.git.is_none());
    assert_eq!(merged.findings.len(), 9);
    assert_eq!(merged.summary.findings, 6);
    assert_eq!(merged.summary.by_severity.get("critical"), Some(&2));
    assert_eq!(merged.summary.passed, 8);
    assert_eq!(merged.findings[0].origin.as_deref(), Some("repo-a.json"));
    assert_eq!(merged.findings[8].origin.as_deref(), Some("repo-b.json"));
    assert_eq!(merged.exceptions[0].origin.as_deref(), Some("repo-a.json"));
    assert_eq!(merged.passed[7].origin.as_deref(), Some("repo-b.json"));
    assert_eq!(merged.errors[0].origin.as_deref(), Some("repo-a.json"));
    assert!(schema_errors(&json_of(&merged)).is_empty());

    // Merging a merge keeps where each entry first came from.
    let again =
        merge(vec![("all.json".into(), merged), ("repo-c.json".into(), a)]).expect("merges");
    assert_eq!(
        again.scan.merged_from,
        ["repo-a.json", "repo-b.json", "repo-c.json"]
    );
    assert_eq!(again.findings[0].origin.as_deref(), Some("repo-a.json"));
    assert_eq!(again.findings[9].origin.as_deref(), Some("repo-c.json"));
}

#[test]
fn merge_of_agreeing_results_keeps_their_facts() {
    let a = report_fixture::result();
    let merged = merge(vec![
        ("x.json".into(), a.clone()),
        ("y.json".into(), a.clone()),
    ])
    .expect("merges");
    assert_eq!(merged.scan.policy_digest, a.scan.policy_digest);
    assert_eq!(merged.scan.now.as_deref(), Some("2026-12-03"));
    assert_eq!(
        merged.scan.git.as_ref().map(|g| g.commit.as_str()),
        Some("4b825dc642cb6eb9a060e54bf8d69288fbee4904")
    );
    assert_eq!(merged.scan.policies.len(), 2, "packs are not repeated");
    assert_eq!(merged.summary.suppressed, 6);
    assert!(merged.scan.git.as_ref().is_some_and(|g| g.dirty));
}

#[test]
fn merge_keeps_the_version_that_checked_the_files() {
    let a = report_fixture::result();
    let mut b = report_fixture::result();
    b.tool.version = "0.0.9".into();
    let same = merge(vec![
        ("x.json".into(), a.clone()),
        ("y.json".into(), a.clone()),
    ])
    .expect("merges");
    assert_eq!(same.tool.version, "0.1.0");
    let mixed = merge(vec![("x.json".into(), a), ("y.json".into(), b)]).expect("merges");
    assert_eq!(mixed.tool.version, "0.0.9, 0.1.0");
}

#[test]
fn merge_refuses_nothing_and_other_schema_versions() {
    assert!(merge(Vec::new()).is_err());
    let mut old = minimal();
    old.schema_version = "0".into();
    let err = merge(vec![("old.json".into(), old)]).unwrap_err();
    assert!(err.to_string().contains("old.json"), "{err}");
}

#[test]
fn merge_keeps_every_rule_once_and_its_first_description() {
    let rule = |id: &str, title: &str| RuleInfo {
        id: id.into(),
        name: "r".into(),
        title: title.into(),
        area: "rotation".into(),
        severity: Severity::Medium,
        description: String::new(),
        remediation: String::new(),
        controls: vec!["soc2:CC6.1".into()],
    };
    let mut a = minimal();
    a.rules = vec![rule("ACME-ROT-001", "first"), rule("VCH-ROT-001", "kms")];
    let mut b = minimal();
    b.rules = vec![
        rule("VCH-ROT-001", "kms"),
        rule("ACME-ROT-001", "second"),
        rule("OTHER-001", "other"),
    ];
    let merged = merge(vec![("a.json".into(), a), ("b.json".into(), b)]).expect("merges");
    let got: Vec<(&str, &str)> = merged
        .rules
        .iter()
        .map(|r| (r.id.as_str(), r.title.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("ACME-ROT-001", "first"),
            ("VCH-ROT-001", "kms"),
            ("OTHER-001", "other")
        ]
    );
    assert!(schema_errors(&json_of(&merged)).is_empty());
}
