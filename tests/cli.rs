//! The binary as users run it: exit codes, formats, policy errors.

use assert_cmd::Command;
use predicates::prelude::*;

fn vouch() -> Command {
    let mut cmd = Command::cargo_bin("vouch").unwrap();
    cmd.env("NO_COLOR", "1")
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

fn json_of(args: &[&str]) -> serde_json::Value {
    let out = vouch()
        .args(args)
        .args(["--format", "json", "--now", "2026-12-01"])
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn findings_at_or_above_fail_on_exit_1() {
    vouch()
        .args(["check", "examples", "--now", "2026-12-01"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("VCH-PRV-001"));
}

#[test]
fn fail_on_never_and_above_the_worst_exit_0() {
    vouch()
        .args(["check", "examples", "--fail-on", "never"])
        .assert()
        .code(0);
    // The PRV-010 fixture's worst finding is high.
    vouch()
        .args([
            "check",
            "tests/fixtures/rules/VCH-PRV-010/fail",
            "--no-builtin",
            "--policy",
            "policies/least-privilege.yaml",
            "--fail-on",
            "critical",
        ])
        .assert()
        .code(0);
    vouch()
        .args([
            "check",
            "tests/fixtures/rules/VCH-PRV-010/fail",
            "--no-builtin",
            "--policy",
            "policies/least-privilege.yaml",
            "--fail-on",
            "high",
        ])
        .assert()
        .code(1);
}

#[test]
fn bad_arguments_exit_2() {
    vouch()
        .args(["check", "examples", "--fail-on", "severe"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--fail-on"));
    vouch()
        .args(["check", "no/such/dir"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no such file or folder"));
    vouch()
        .args(["check", "examples", "-o", "pdf=x.pdf"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown report format `pdf`"));
}

#[test]
fn an_invalid_policy_exits_2_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("bad.yaml");
    std::fs::write(&policy, "apiVersion: vouch/v1\nkind: PolicyPack\nmetadata: {name: bad, version: '1'}\nrules:\n  - id: ACME-ENC-001\n    name: thing\n    title: T\n    area: encryption\n    severity: severe\n    description: D\n    target: {kinds: [file]}\n    assert: {path: x, op: bigger, value: 1}\n    message: M\n    remediation: R\n").unwrap();
    vouch()
        .args(["check", "examples", "--policy"])
        .arg(&policy)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.yaml:9:"))
        .stderr(predicate::str::contains("severe"));
    vouch()
        .args(["validate"])
        .arg(&policy)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.yaml"));
}

#[test]
fn json_output_has_the_contract_fields() {
    let v = json_of(&["check", "examples"]);
    for key in [
        "schema_version",
        "tool",
        "scan",
        "summary",
        "findings",
        "passed",
        "unknown",
        "errors",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "VCH-PRV-001")
        .unwrap();
    assert_eq!(f["file"], "examples/ai-service/terraform/main.tf");
    assert_eq!(f["line"], 36);
    assert_eq!(f["column"], 18);
    assert_eq!(f["resource"], "aws_iam_role_policy.chat");
    assert_eq!(f["severity"], "high");
    assert_eq!(f["fingerprint"].as_str().unwrap().len(), 32);
}

#[test]
fn every_area_has_a_finding_on_the_example() {
    let v = json_of(&["check", "examples"]);
    for area in [
        "key-isolation",
        "least-privilege",
        "rotation",
        "encryption",
        "retention",
        "monitoring",
    ] {
        assert!(
            v["summary"]["by_area"][area].as_u64().unwrap_or(0) > 0,
            "no {area} finding on examples/"
        );
    }
}

#[test]
fn policies_and_explain() {
    vouch()
        .args(["policies"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("VCH-ENC-001"));
    vouch()
        .args(["explain", "VCH-ENC-001"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("## Why it matters"));
    vouch()
        .args(["explain", "s3-bucket-unencrypted"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("VCH-ENC-001"));
    vouch().args(["explain", "VCH-XXX-999"]).assert().code(2);
}
