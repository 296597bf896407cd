//! Real output of `vouch check examples` in every format at once, checked
//! against the published schemas, and `vouch report` merging saved results.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn vouch() -> Command {
    let mut cmd = Command::cargo_bin("vouch").unwrap();
    cmd.env("NO_COLOR", "1").current_dir(root());
    cmd
}

fn schema_errors(schema: &Path, instance: &Value, draft4: bool) -> Vec<String> {
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(schema).unwrap()).unwrap();
    let validator = if draft4 {
        jsonschema::draft4::options().build(&schema)
    } else {
        jsonschema::options().build(&schema)
    }
    .unwrap();
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn every_format_in_one_run_and_each_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    let out = |name: &str| dir.path().join(name);
    let run = vouch()
        .args([
            "check",
            "examples",
            "--now",
            "2026-12-01",
            "--fail-on",
            "never",
            "--format",
            "json",
        ])
        .arg("-o")
        .arg(format!("sarif={}", out("r.sarif").display()))
        .arg("-o")
        .arg(format!("html={}", out("r.html").display()))
        .arg("-o")
        .arg(format!("markdown={}", out("r.md").display()))
        .arg("-o")
        .arg(format!("junit={}", out("r.xml").display()))
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0));
    let json: Value = serde_json::from_slice(&run.stdout).unwrap();
    let errors = schema_errors(&root().join("schemas/report.schema.json"), &json, false);
    assert!(errors.is_empty(), "report schema: {errors:#?}");
    assert!(json["summary"]["findings"].as_u64().unwrap() > 0);

    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(out("r.sarif")).unwrap()).unwrap();
    let errors = schema_errors(
        &root().join("tests/fixtures/report/sarif-schema-2.1.0.json"),
        &sarif,
        true,
    );
    assert!(errors.is_empty(), "SARIF schema: {errors:#?}");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(
        results.len() as u64,
        json["summary"]["findings"].as_u64().unwrap()
    );

    let html = std::fs::read_to_string(out("r.html")).unwrap();
    assert!(
        html.contains("VCH-PRV-001") && !html.contains("src=\"http"),
        "self-contained HTML with the findings"
    );
    let md = std::fs::read_to_string(out("r.md")).unwrap();
    assert!(md.contains("VCH-PRV-001"));
    let xml = std::fs::read_to_string(out("r.xml")).unwrap();
    assert!(xml.starts_with("<?xml") && xml.contains("<failure"));
}

#[test]
fn report_merges_saved_results_and_keeps_their_origin() {
    let dir = tempfile::tempdir().unwrap();
    let save = |root: &str, name: &str| {
        let out = vouch()
            .args(["check", root, "--format", "json", "--fail-on", "never"])
            .output()
            .unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, out.stdout).unwrap();
        path
    };
    let a = save("examples/ai-service/terraform", "a.json");
    let b = save("examples/ai-service/k8s", "b.json");
    let out = vouch()
        .args(["report", "--format", "json"])
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let merged: Value = serde_json::from_slice(&out.stdout).unwrap();
    let origins: std::collections::BTreeSet<String> = merged["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            f["origin"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        origins.into_iter().collect::<Vec<_>>(),
        ["a.json", "b.json"]
    );
    assert!(
        merged["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "VCH-PRV-001")
    );
    assert!(
        merged["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "VCH-PRV-010")
    );

    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{\"schema_version\": \"1\",").unwrap();
    vouch()
        .args(["report"])
        .arg(&broken)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("broken.json"));
}
