//! The SARIF log validates against the OASIS SARIF 2.1.0 schema and carries what code scanning needs.
//!
//! The schema is the copy in tests/fixtures/report (draft-04, validated with
//! the `jsonschema` crate's draft-04 support).

mod report_fixture;

use serde_json::Value;
use vouch::report::{Format, RenderOptions, ReportInput, render};
use vouch::result::ScanResult;

fn sarif_of(result: &ScanResult, rules: &[vouch::report::RuleInfo]) -> Value {
    sarif_with(result, rules, &RenderOptions::default())
}

fn sarif_with(
    result: &ScanResult,
    rules: &[vouch::report::RuleInfo],
    options: &RenderOptions,
) -> Value {
    let text = render(Format::Sarif, &ReportInput::new(result, rules), options).expect("renders");
    serde_json::from_str(&text).expect("SARIF is JSON")
}

fn assert_valid(log: &Value) {
    let text = std::fs::read_to_string(report_fixture::dir().join("sarif-schema-2.1.0.json"))
        .expect("read the SARIF schema");
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    let validator = jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema errors:\n{}",
        errors.join("\n")
    );
}

#[test]
fn fixture_log_is_valid_sarif() {
    assert_valid(&sarif_of(
        &report_fixture::result(),
        &report_fixture::rules(),
    ));
}

#[test]
fn hostile_log_and_a_log_without_rule_metadata_are_valid_sarif() {
    assert_valid(&sarif_of(
        &report_fixture::hostile(),
        &report_fixture::rules(),
    ));
    assert_valid(&sarif_of(&report_fixture::result(), &[]));
}

#[test]
fn the_validator_rejects_a_broken_log() {
    // Guards the test above: a validator that accepts anything proves nothing.
    let mut log = sarif_of(&report_fixture::result(), &report_fixture::rules());
    log["runs"][0]["results"][0]["level"] = Value::from("fatal");
    let text = std::fs::read_to_string(report_fixture::dir().join("sarif-schema-2.1.0.json"))
        .expect("read the SARIF schema");
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    assert!(!jsonschema::draft4::is_valid(&schema, &log));
}

#[test]
fn rules_carry_descriptions_help_and_security_severity() {
    let log = sarif_of(&report_fixture::result(), &report_fixture::rules());
    let driver = &log["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "vouch");
    assert_eq!(driver["version"], "0.1.0");
    let rules = driver["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), 8);

    let iso = rules
        .iter()
        .find(|r| r["id"] == "VCH-ISO-001")
        .expect("VCH-ISO-001");
    assert_eq!(iso["name"], "literal-key-in-manifest");
    assert_eq!(
        iso["shortDescription"]["text"],
        "API key stored as a literal in a manifest"
    );
    assert!(
        iso["fullDescription"]["text"]
            .as_str()
            .unwrap()
            .starts_with("Flags an environment")
    );
    assert_eq!(
        iso["help"]["text"],
        "Move the key into a Secret and reference it with valueFrom.secretKeyRef.\n\n\
         Controls: nist-800-53:IA-5(7), soc2:CC6.1, owasp-llm:LLM02:2025"
    );
    assert!(
        iso["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("**Remediation:** Move the key")
    );
    assert_eq!(iso["defaultConfiguration"]["level"], "error");
    assert_eq!(iso["properties"]["security-severity"], "9.5");
    assert_eq!(
        iso["properties"]["tags"],
        serde_json::json!([
            "security",
            "key-isolation",
            "nist-800-53:IA-5(7)",
            "soc2:CC6.1",
            "owasp-llm:LLM02:2025"
        ])
    );
    let scores: Vec<&str> = rules
        .iter()
        .map(|r| r["properties"]["security-severity"].as_str().unwrap())
        .collect();
    // rules.json order: ISO-001 critical, ENC-001 high, ENC-002 medium, ENC-006 high, MON-002 low, ...
    assert_eq!(&scores[..5], ["9.5", "8.0", "5.5", "8.0", "3.0"]);
}

#[test]
fn results_point_at_their_rule_region_and_fingerprint() {
    let log = sarif_of(&report_fixture::result(), &report_fixture::rules());
    let run = &log["runs"][0];
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 8, "open and suppressed findings");

    let first = &results[0];
    assert_eq!(first["ruleId"], "VCH-ISO-001");
    let index = first["ruleIndex"].as_u64().expect("ruleIndex") as usize;
    assert_eq!(run["tool"]["driver"]["rules"][index]["id"], "VCH-ISO-001");
    assert_eq!(first["level"], "error");
    assert_eq!(
        first["message"]["text"],
        "OPENAI_API_KEY holds a literal key (sk-proj-…, 164 chars, fp 3f9a2c) instead of a secretKeyRef."
    );
    let location = &first["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"],
        serde_json::json!({"uri": "deploy/api.yaml", "uriBaseId": "%SRCROOT%"})
    );
    assert_eq!(
        location["region"],
        serde_json::json!({"startLine": 31, "startColumn": 19, "endLine": 31, "endColumn": 70})
    );
    assert_eq!(location["contextRegion"]["startLine"], 29);
    assert_eq!(location["contextRegion"]["endLine"], 32);
    assert_eq!(first["partialFingerprints"]["vouch/v1"], "a1f3c9e07d2b4f68");
    assert_eq!(first["suppressions"], serde_json::json!([]));

    let levels: Vec<&str> = results
        .iter()
        .map(|r| r["level"].as_str().unwrap())
        .collect();
    assert_eq!(
        levels,
        [
            "error", "error", "error", "warning", "note", "error", "error", "warning"
        ]
    );
}

#[test]
fn suppressed_findings_carry_their_suppression() {
    let log = sarif_of(&report_fixture::result(), &report_fixture::rules());
    let results = log["runs"][0]["results"].as_array().expect("results");
    let waived = &results[5]["suppressions"][0];
    assert_eq!(waived["kind"], "external");
    assert_eq!(waived["status"], "accepted");
    assert_eq!(
        waived["justification"],
        "Legacy bucket; replaced when the data migration finishes."
    );
    assert_eq!(waived["properties"]["owner"], "platform-team");
    assert_eq!(waived["properties"]["expires"], "2027-03-31");
    assert_eq!(
        waived["location"]["physicalLocation"],
        serde_json::json!({
            "artifactLocation": {"uri": ".vouch.yaml", "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": 14}
        })
    );
    let inline = &results[6]["suppressions"][0];
    assert_eq!(inline["kind"], "inSource");
    assert_eq!(inline["status"], "accepted");
    assert_eq!(inline["justification"], "needs host networking for the CNI");
    assert_eq!(
        inline["location"]["physicalLocation"]["artifactLocation"]["uri"],
        "deploy/cni.yaml"
    );
    assert_eq!(
        inline["location"]["physicalLocation"]["region"]["startLine"],
        39
    );
    let baselined = &results[7]["suppressions"][0];
    assert_eq!(baselined["kind"], "external");
    assert_eq!(baselined["justification"], "recorded in the baseline");
    assert_eq!(
        baselined["location"]["physicalLocation"],
        serde_json::json!({"artifactLocation": {"uri": ".vouch-baseline.json", "uriBaseId": "%SRCROOT%"}})
    );
}

#[test]
fn sarif_open_leaves_suppressed_findings_out() {
    let options = RenderOptions {
        sarif_open_only: true,
        ..RenderOptions::default()
    };
    let log = sarif_with(
        &report_fixture::result(),
        &report_fixture::rules(),
        &options,
    );
    assert_valid(&log);
    let results = log["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 5, "the open findings only");
    assert!(
        results
            .iter()
            .all(|r| r["suppressions"] == serde_json::json!([]))
    );
}

#[test]
fn exceptions_that_need_attention_become_warnings() {
    let log = sarif_of(&report_fixture::result(), &report_fixture::rules());
    let notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .expect("notifications");
    let ids: Vec<&str> = notes
        .iter()
        .map(|n| n["descriptor"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "parse-error",
            "exception-expired",
            "exception-unused",
            "exception-invalid",
            "exception-disallowed"
        ]
    );
    assert_eq!(notes[1]["level"], "warning");
    assert_eq!(
        notes[1]["message"]["text"],
        "waiver of VCH-ROT-004 at .vouch.yaml:20 expired on 2026-11-30: it no longer waives its 1 finding(s)"
    );
    assert_eq!(
        notes[1]["locations"][0]["physicalLocation"]["region"]["startLine"],
        20
    );
    let ledger = &log["runs"][0]["properties"]["exceptions"];
    assert_eq!(ledger.as_array().map(Vec::len), Some(6));
}

#[test]
fn a_helm_template_is_named_and_a_long_value_is_cut() {
    let mut result = report_fixture::result();
    result.findings[3].message = format!("Rotation runs every `{}` days.", "9".repeat(5_000));
    let log = sarif_of(&result, &report_fixture::rules());
    let results = log["runs"][0]["results"].as_array().expect("results");
    let worker = results
        .iter()
        .find(|r| r["properties"]["template"].is_string())
        .expect("the finding from a Helm template");
    assert_eq!(
        worker["properties"]["template"],
        "worker/templates/deployment.yaml"
    );
    assert!(
        worker["message"]["text"]
            .as_str()
            .unwrap()
            .ends_with(" (rendered from the Helm template worker/templates/deployment.yaml)")
    );
    let long = results[3]["message"]["text"].as_str().unwrap();
    assert!(long.len() < 300, "{} bytes", long.len());
    assert!(long.ends_with("…` (5000 characters) days."), "{long}");
}

#[test]
fn merged_logs_keep_two_origins_with_the_same_paths_apart() {
    let a = report_fixture::result();
    let merged = vouch::report::merge(vec![("r1.json".into(), a.clone()), ("r2.json".into(), a)])
        .expect("merges");
    let log = sarif_of(&merged, &report_fixture::rules());
    assert_valid(&log);
    let run = &log["runs"][0];
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 16);
    let keys: std::collections::BTreeSet<(String, String, String)> = results
        .iter()
        .map(|r| {
            let at = &r["locations"][0]["physicalLocation"]["artifactLocation"];
            (
                r["ruleId"].to_string(),
                r["partialFingerprints"]["vouch/v1"].to_string(),
                format!("{}{}", at["uriBaseId"], at["uri"]),
            )
        })
        .collect();
    assert_eq!(keys.len(), 16, "every result is distinct");
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"],
        serde_json::json!({"uri": "deploy/api.yaml", "uriBaseId": "ORIGIN1"})
    );
    assert_eq!(
        results[0]["partialFingerprints"]["vouch/v1"],
        "a1f3c9e07d2b4f68@r1.json"
    );
    assert!(
        run["originalUriBaseIds"]["ORIGIN2"]["description"]["text"]
            .as_str()
            .unwrap()
            .contains("r2.json")
    );
}

#[test]
fn parse_errors_become_notifications() {
    let log = sarif_of(&report_fixture::result(), &report_fixture::rules());
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true);
    assert_eq!(invocation["startTimeUtc"], "2026-12-03T10:00:00Z");
    let note = &invocation["toolExecutionNotifications"][0];
    assert_eq!(note["level"], "error");
    assert_eq!(
        note["message"]["text"],
        "mapping values are not allowed in this context"
    );
    let location = &note["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        "deploy/compose.override.yml"
    );
    assert_eq!(location["region"]["startLine"], 7);
}
