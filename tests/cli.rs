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
    // The schema's complaint (line 9) does not hide the compiler's (line 12).
    vouch()
        .args(["check", "examples", "--policy"])
        .arg(&policy)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("2 problem(s)"))
        .stderr(predicate::str::contains("bad.yaml:9:15"))
        .stderr(predicate::str::contains("`severity` cannot be `severe`"))
        .stderr(predicate::str::contains("bad.yaml:12:27"))
        .stderr(predicate::str::contains("unknown operator `bigger`"));
    vouch()
        .args(["validate"])
        .arg(&policy)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.yaml:9:15"))
        .stderr(predicate::str::contains("bad.yaml:12:27"));
}

/// `vouch validate` on a pack written to a temporary folder: exit code and stderr.
fn validate(name: &str, text: &str) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    let out = vouch()
        .current_dir(dir.path())
        .args(["validate", name])
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const HEAD: &str = "apiVersion: vouch/v1\nkind: PolicyPack\nmetadata: {name: t, version: '1'}\n";

/// A rule with the given extra lines (already indented by four).
fn rule(id: &str, body: &str) -> String {
    format!(
        "  - id: {id}\n    name: {}\n    title: t\n    area: encryption\n    severity: high\n    description: d\n    target: {{kinds: [tf/resource/aws_s3_bucket]}}\n{body}",
        id.to_ascii_lowercase()
    )
}

// See: /tmp/audit/issue3.md D3: every problem at once, each at its line.
#[test]
fn validate_reports_every_problem_of_a_file_at_its_line() {
    let text = format!(
        "{HEAD}params: {{max_days: 90}}\nrules:\n{}{}{}{}",
        // An unknown rule field (line 16) and, in the same file, a bad regex (line 24).
        rule(
            "T-ENC-001",
            "    assert: {path: bucket, op: exists}\n    message: m\n    remediation: r\n    severty: low\n"
        ),
        rule(
            "T-ENC-002",
            "    assert: {path: bucket, op: matches, value: '(open'}\n    message: m\n    remediation: r\n"
        ),
        // A duplicate id (line 27) still gets its own errors: broken templates (35, 36).
        rule(
            "T-ENC-002",
            "    assert: {path: bucket, op: exists}\n    message: \"{{#if resource}}{{resource} x\"\n    remediation: \"{{/each}}\"\n"
        ),
        // Unknown params in a value (line 44) and in a message (45); an unknown field (45).
        rule(
            "T-ENC-004",
            "    assert: {path: days, op: le, value: \"{{params.max_dayz}}\"}\n    message: \"over {{params.max_dayz}} for {{resourse}}\"\n    remediation: r\n"
        ),
    );
    let (code, err) = validate("p.yaml", &text);
    assert_eq!(code, 2, "{err}");
    for needle in [
        "8 problem(s)",
        "[p.yaml:16:5]",
        "unknown field `severty` in a rule",
        "did you mean `severity`?",
        "[p.yaml:24:48]",
        "bad regex",
        "[p.yaml:27:9]",
        "duplicate rule id `T-ENC-002`",
        "[p.yaml:35:",
        "rule T-ENC-002: `message`: the template does not compile",
        "[p.yaml:36:",
        "rule T-ENC-002: `remediation`: the template does not compile",
        "[p.yaml:44:41]",
        "rule T-ENC-004: unknown param `max_dayz`",
        "did you mean `params.max_days`?",
        "[p.yaml:45:20]",
        "rule T-ENC-004: `message`: unknown param `max_dayz`",
        "unknown field `resourse` in the template",
    ] {
        assert!(err.contains(needle), "no `{needle}` in:\n{err}");
    }
}

#[test]
fn a_block_style_unknown_key_is_reported_at_its_own_line() {
    let text = format!(
        "{HEAD}rules:\n{}",
        rule(
            "T-ENC-001",
            "    assert:\n      all:\n        - path: bucket\n          opp: exists\n    message: m\n    remediation: r\n"
        )
    );
    let (code, err) = validate("p.yaml", &text);
    assert_eq!(code, 2);
    assert!(err.contains("[p.yaml:15:11]"), "{err}");
    assert!(err.contains("unknown field `opp`"), "{err}");
    assert!(err.contains("did you mean `op`?"), "{err}");
}

#[test]
fn an_unclosed_flow_mapping_is_reported_where_it_opens() {
    let text = format!(
        "{HEAD}rules:\n  - id: T-ENC-001\n    name: x\n    target: {{kinds: [a]\n    assert: {{path: b}}\n"
    );
    let (code, err) = validate("p.yaml", &text);
    assert_eq!(code, 2);
    assert!(err.contains("[p.yaml:7:13]"), "{err}");
    assert!(err.contains("is never closed"), "{err}");
}

// A compose file given as a policy: one problem at its first key, no secret shown.
#[test]
fn a_file_that_is_no_pack_is_named_at_its_first_line_only() {
    let compose = "services:\n  db:\n    image: mysql:8\n    environment:\n      MYSQL_ROOT_PASSWORD: supersecret\n      OPENAI_API_KEY: sk-proj-FAKEq7K2mX9pL4vR8tN3wY6zT3BlbkFJz1cD5hJ0sF2gA4kE7nQ9FAKE\n";
    let (code, err) = validate("compose.yaml", compose);
    assert_eq!(code, 2);
    assert!(err.contains("[compose.yaml:1:1]"), "{err}");
    assert!(err.contains("looks like a docker-compose file"), "{err}");
    assert!(!err.contains("supersecret"), "{err}");
    assert!(!err.contains("FAKEq7K2"), "{err}");
    assert!(!err.contains("MYSQL_ROOT_PASSWORD"), "{err}");
}

const GATEWAY_PACK: &str = "apiVersion: vouch/v1
kind: PolicyPack
metadata: {name: acme, version: 1.0.0}
detectors:
  secrets:
    patterns:
      - id: acme-gateway-key
        provider: acme
        class: gateway
        set: ai
        regex: 'acme_gw_[A-Za-z0-9]{40}'
        public_prefix: 'acme_gw_'
";

// See: /tmp/audit/issue3.md D2: a pack's patterns are added to the built-in ones.
#[test]
fn a_pack_adds_key_patterns_to_the_built_in_catalogue() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("acme.yaml"), GATEWAY_PACK).unwrap();
    std::fs::create_dir(dir.path().join("app")).unwrap();
    std::fs::write(
        dir.path().join("app/.env"),
        "GATEWAY=acme_gw_Q7fK2mX9pL4vR8tN3wY6zB1cD5hJ0sFAKEaaaaaa\nOPENAI_API_KEY=sk-proj-FAKEq7K2mX9pL4vR8tN3wY6zT3BlbkFJz1cD5hJ0sF2gA4kE7nQ9FAKE\n",
    )
    .unwrap();
    let out = vouch()
        .current_dir(dir.path())
        .args(["check", "app", "--policy", "acme.yaml", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let iso1: Vec<(u64, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "VCH-ISO-001")
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(iso1.len(), 2, "{iso1:?}");
    assert_eq!(iso1[0].0, 1);
    assert!(
        iso1[0].1.starts_with("acme gateway key acme_gw_…"),
        "{iso1:?}"
    );
    assert!(iso1[1].1.starts_with("openai project key"), "{iso1:?}");
}

#[test]
fn detector_data_problems_are_errors_at_the_pack_line() {
    let text = GATEWAY_PACK.replace("set: ai", "set: acme")
        + "      - id: openai-project-key\n        provider: x\n        class: gw\n        set: ai\n        regex: 'x_(y'\n";
    let (code, err) = validate("acme.yaml", &text);
    assert_eq!(code, 2);
    for needle in [
        "[acme.yaml:10:14]",
        "`set` cannot be `acme`",
        "allowed: ai, cloud",
        "[acme.yaml:13:13]",
        "pattern openai-project-key: id used twice",
    ] {
        assert!(err.contains(needle), "no `{needle}` in:\n{err}");
    }
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

#[test]
fn a_mistyped_rule_or_severity_is_answered_at_once() {
    vouch()
        .args(["explain", "VCH-ROT-04"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `VCH-ROT-004`?"));
    // Refused before any file is read: no scan output at all.
    vouch()
        .args(["check", "examples", "--fail-on", "bogus"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("unknown severity `bogus`"));
}

#[test]
fn the_terminal_names_the_config_in_force_and_each_findings_origin() {
    vouch()
        .args([
            "check",
            "examples",
            "--fail-on",
            "never",
            "--color",
            "never",
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("  config: examples/.vouch.yaml\n"));
    vouch()
        .args([
            "check",
            "examples/ai-service",
            "--fail-on",
            "never",
            "--color",
            "never",
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "  config: none (no .vouch.yaml in the first scan root",
        ));
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("ai.json");
    let out = vouch()
        .args([
            "check",
            "examples",
            "--format",
            "json",
            "--fail-on",
            "never",
        ])
        .output()
        .unwrap();
    std::fs::write(&saved, &out.stdout).unwrap();
    let other = dir.path().join("other.json");
    std::fs::write(&other, &out.stdout).unwrap();
    vouch()
        .args(["report", "--format", "text", "--color", "never"])
        .arg(&saved)
        .arg(&other)
        .assert()
        .code(0)
        .stdout(predicate::str::contains(format!(
            "(from {})",
            vouch::source::display_path(&saved)
        )));
}

#[test]
fn validate_knows_a_config_under_another_name_by_its_keys() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("ci-vouch.yaml");
    std::fs::write(&config, "fail_on: hihg\n").unwrap();
    vouch()
        .arg("validate")
        .arg(&config)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("1 problem(s) in"))
        .stderr(predicate::str::contains("\"hihg\" is not one of"));
    std::fs::write(&config, "fail_on: high\nexclude: [\"vendor/**\"]\n").unwrap();
    vouch().arg("validate").arg(&config).assert().code(0);
    // Misspelt keys are the config's problems, not a sign of a policy pack.
    std::fs::write(&config, "failon: hihg\nexlcude: [x]\n").unwrap();
    vouch()
        .arg("validate")
        .arg(&config)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("1 problem(s) in"))
        .stderr(predicate::str::contains(
            "('failon', 'exlcude' were unexpected)",
        ));
}

#[test]
fn fail_on_takes_any_case_and_verbose_logs_are_vouchs_own() {
    vouch()
        .args([
            "check",
            "examples",
            "--fail-on",
            "NEVER",
            "--format",
            "json",
        ])
        .assert()
        .code(0);
    vouch()
        .args([
            "check",
            "examples",
            "--fail-on",
            "Critical",
            "--format",
            "json",
        ])
        .assert()
        .code(1);
    let dir = tempfile::tempdir().unwrap();
    let out = vouch()
        .args(["check", "examples", "--fail-on", "never", "-vvv", "-o"])
        .arg(format!("html={}", dir.path().join("r.html").display()))
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(log.contains("vouch: trace: VCH-"), "{log}");
    // handlebars logs every value it renders at debug level.
    assert!(
        !log.contains("Rendering"),
        "{}",
        &log[..log.len().min(2000)]
    );
}
