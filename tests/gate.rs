//! The CI gate through the binary: config, waivers, inline suppressions,
//! baselines, `--changed-since`, `--strict`, `--now`, exit codes and `init`.
//!
//! Each test writes a small tree of its own into a temporary folder and runs
//! vouch there, so paths in the assertions are the paths a user would see.
//! The tree holds one finding of each severity:
//!
//! | rule        | severity | where                      |
//! | ----------- | -------- | -------------------------- |
//! | VCH-ISO-001 | critical | `.env.development:1`       |
//! | VCH-PRV-010 | high     | `k8s/app.yaml:13`          |
//! | VCH-ENC-009 | medium   | `.env.production:1`        |
//! | VCH-MON-008 | low      | `k8s/app.yaml:10`          |
//!
//! and a KMS key in `infra/main.tf`, which brings the project-wide AWS rules.

use std::path::PathBuf;
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

/// An invented key in the shape of an OpenAI project key.
const FAKE_KEY: &str = "sk-proj-JCNVTVGoaJ9Guoegz2yLFAKE2eVNpTpgnJvcCc3nhCgAqgMVU5qSTYSdEIT3BlbkFJ9eNI2V3GsWMU2U4shtCEq7BjdIGvAQFAKErcj6JQdbtsMjz1VnPEMCpJMy";

const POD: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: app
  namespace: prod
spec:
  automountServiceAccountToken: false
  serviceAccountName: app
  containers:
    - name: app
      image: acme/app:1.0
      securityContext:
        privileged: true
        allowPrivilegeEscalation: false
        runAsNonRoot: true
        capabilities: {drop: [ALL]}
";

struct Tree {
    dir: tempfile::TempDir,
}

impl Tree {
    /// The standard tree described at the top of this file.
    fn new() -> Tree {
        let tree = Tree {
            dir: tempfile::tempdir().unwrap(),
        };
        tree.write("k8s/app.yaml", POD);
        tree.write(
            ".env.production",
            "DATABASE_URL=postgres://db.internal/app?sslmode=disable\n",
        );
        tree.write(".env.development", &format!("OPENAI_API_KEY={FAKE_KEY}\n"));
        tree.write(".gitignore", ".env.development\n");
        tree.write(
            "infra/main.tf",
            "resource \"aws_kms_key\" \"main\" {\n  description         = \"main\"\n  enable_key_rotation = true\n}\n",
        );
        tree
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap()
    }

    fn vouch(&self) -> Command {
        let mut cmd = Command::cargo_bin("vouch").unwrap();
        cmd.env("NO_COLOR", "1").current_dir(self.dir.path());
        cmd
    }

    /// `vouch check . --format json` plus `args`, on 2026-12-04 unless `args` say otherwise.
    fn check(&self, args: &[&str]) -> (Output, Value) {
        let mut cmd = self.vouch();
        cmd.args(["check", ".", "--format", "json"]).args(args);
        if !args.contains(&"--now") {
            cmd.args(["--now", "2026-12-04"]);
        }
        let out = cmd.output().unwrap();
        let json = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        if json.is_null() && out.status.code() != Some(2) {
            panic!("no JSON on stdout; stderr:\n{}", stderr(&out));
        }
        (out, json)
    }

    fn git(&self, args: &[&str]) {
        let ok = std::process::Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.invalid"])
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .unwrap()
            .status
            .success();
        assert!(ok, "git {args:?}");
    }
}

/// `rule file:line` of every finding, suppressed ones marked with their kind.
fn findings(json: &Value) -> Vec<String> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let mark = match f["suppressed"]["kind"].as_str() {
                Some(kind) => format!(" [{kind}]"),
                None => String::new(),
            };
            format!(
                "{} {}:{}{mark}",
                f["rule"].as_str().unwrap(),
                f["file"].as_str().unwrap(),
                f["line"]
            )
        })
        .collect()
}

/// `kind rule status matched` of every exception.
fn exceptions(json: &Value) -> Vec<String> {
    json["exceptions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            format!(
                "{} {} {}:{} {} {}",
                x["kind"].as_str().unwrap(),
                x["rule"].as_str().unwrap(),
                x["file"].as_str().unwrap(),
                x["line"],
                x["status"].as_str().unwrap(),
                x["matched"]
            )
        })
        .collect()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The standard tree without the AWS project rules, whose findings every test would repeat.
const NO_AWS: &str = "disable: [VCH-MON-001, VCH-MON-003, VCH-MON-004, VCH-MON-006, VCH-ROT-002]\n";

#[test]
fn exit_code_follows_each_fail_on_level() {
    let tree = Tree::new();
    let (_, json) = tree.check(&[]);
    let shown = findings(&json);
    for expected in [
        "VCH-ISO-001 .env.development:1",
        "VCH-ENC-009 .env.production:1",
        "VCH-MON-008 k8s/app.yaml:10",
        "VCH-PRV-010 k8s/app.yaml:13",
    ] {
        assert!(
            shown.contains(&expected.to_string()),
            "{expected} in {shown:?}"
        );
    }
    for (level, code) in [
        ("critical", 1),
        ("high", 1),
        ("medium", 1),
        ("low", 1),
        ("info", 1),
        ("never", 0),
    ] {
        let (out, _) = tree.check(&["--fail-on", level]);
        assert_eq!(out.status.code(), Some(code), "--fail-on {level}");
    }
    // Without the critical key, `critical` passes and `high` still fails.
    tree.write(".env.development", "OPENAI_API_KEY=${OPENAI_API_KEY}\n");
    let (out, _) = tree.check(&["--fail-on", "critical"]);
    assert_eq!(out.status.code(), Some(0));
    let (out, _) = tree.check(&["--fail-on", "high"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn config_sets_severity_disables_rules_and_maps_environments() {
    let tree = Tree::new();
    tree.write(
        ".vouch.yaml",
        "disable: [VCH-MON-001, VCH-MON-003, VCH-MON-004, VCH-MON-006, VCH-ROT-002, VCH-MON-008]
severity: {VCH-PRV-010: low}
fail_on: medium
environments:
  staging: [\"k8s/**\"]
",
    );
    let (out, json) = tree.check(&[]);
    assert_eq!(
        findings(&json),
        [
            "VCH-ISO-001 .env.development:1",
            "VCH-ENC-009 .env.production:1",
            "VCH-PRV-010 k8s/app.yaml:13",
        ]
    );
    let prv = &json["findings"][2];
    assert_eq!(prv["severity"], "low");
    assert_eq!(
        prv["environment"], "staging",
        "config wins over the namespace"
    );
    assert_eq!(json["scan"]["config"], ".vouch.yaml");
    assert_eq!(
        out.status.code(),
        Some(1),
        "critical and medium fail at fail_on: medium"
    );

    // The command line wins over the config's fail_on.
    let (out, _) = tree.check(&["--fail-on", "never"]);
    assert_eq!(out.status.code(), Some(0));
    // --no-config leaves it all out.
    let (_, json) = tree.check(&["--no-config"]);
    assert!(findings(&json).contains(&"VCH-MON-008 k8s/app.yaml:10".to_string()));
}

#[test]
fn config_params_and_excludes_apply() {
    let tree = Tree::new();
    tree.write(
        "infra/rotation.tf",
        "resource \"aws_secretsmanager_secret_rotation\" \"r\" {\n  secret_id = \"x\"\n  rotation_rules {\n    automatically_after_days = 80\n  }\n}\n",
    );
    let rot = |json: &Value| {
        findings(json)
            .into_iter()
            .filter(|f| f.starts_with("VCH-ROT-004"))
            .collect::<Vec<_>>()
    };
    let (_, json) = tree.check(&[]);
    assert!(rot(&json).is_empty(), "80 days is within the default 90");
    tree.write(
        ".vouch.yaml",
        "params: {rotation_max_days: 60}\nexclude: [\"k8s/**\"]\n",
    );
    let (_, json) = tree.check(&[]);
    assert_eq!(rot(&json), ["VCH-ROT-004 infra/rotation.tf:4"]);
    assert!(
        findings(&json).iter().all(|f| !f.contains("k8s/")),
        "k8s/ is excluded"
    );
}

#[test]
fn a_broken_config_is_an_error_at_its_line() {
    let tree = Tree::new();
    tree.write(
        ".vouch.yaml",
        "fail_on: high\nseverity:\n  VCH-PRV-999: low\nparams:\n  rotaton_max_days: 60\n",
    );
    let (out, _) = tree.check(&[]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("2 problem(s) in .vouch.yaml"), "{err}");
    assert!(err.contains("no rule `VCH-PRV-999` is in force"), "{err}");
    assert!(err.contains("[.vouch.yaml:3:3]"), "{err}");
    assert!(
        err.contains("no rule in force has a param `rotaton_max_days`"),
        "{err}"
    );
    assert!(err.contains("[.vouch.yaml:5:3]"), "{err}");

    tree.write(
        ".vouch.yaml",
        "waivers:\n  - rule: VCH-PRV-010\n    reason: x\n    expires: 2027-02-30\n",
    );
    let out = tree
        .vouch()
        .args(["validate", ".vouch.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("`2027-02-30` is not a date"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("[.vouch.yaml:4:14]"),
        "{}",
        stderr(&out)
    );

    let out = tree
        .vouch()
        .args(["check", ".", "--config", "missing.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot read config missing.yaml"));
}

#[test]
fn every_problem_of_a_config_is_told_at_once_at_its_line() {
    let tree = Tree::new();
    tree.write(
        ".vouch.yaml",
        "fail_on: hihg\n\
         params:\n  VCH-ROT-004.rotation_max_days: \"ninety\"\n\
         disable: [VCH-MON-099]\n\
         environments:\n  production: [\"[unclosed\"]\n\
         waivers:\n  - rule: VCH-ENC-006\n    paths: [\"infra/{legacy\"]\n    reason: Legacy\n    expires: 2027-13-45\n\
         unknown_key: 1\n",
    );
    let out = tree
        .vouch()
        .args(["validate", ".vouch.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("7 problem(s) in .vouch.yaml"), "{err}");
    for (problem, at) in [
        ("\"hihg\" is not one of", "[.vouch.yaml:1:10]"),
        (
            "`VCH-ROT-004.rotation_max_days` must be a number like the value it replaces (`90` in VCH-ROT-004), not a string",
            "[.vouch.yaml:3:34]",
        ),
        ("no rule `VCH-MON-099` is in force", "[.vouch.yaml:4:11]"),
        ("error parsing glob '[unclosed'", "[.vouch.yaml:6:16]"),
        ("error parsing glob 'infra/{legacy'", "[.vouch.yaml:9:13]"),
        ("`2027-13-45` is not a date", "[.vouch.yaml:11:14]"),
        ("'unknown_key' was unexpected", "[.vouch.yaml:12:1]"),
    ] {
        assert!(err.contains(problem), "{problem}: {err}");
        assert!(err.contains(at), "{problem} at {at}: {err}");
    }
    // The built-in pack is not blamed for a mistyped override.
    assert!(!err.contains("rotation.yaml"), "{err}");

    // A value of the wrong type inside a waiver hides nothing else.
    tree.write(
        ".vouch.yaml",
        "waivers:\n  - {rule: VCH-PRV-010, reason: x, owner: 12, expires: 2099-01-01}\n\
         \x20 - {rule: VCH-PRV-010, reason: x, paths: [\"[x\"], expires: 2026-02-30}\n\
         \x20 - {rule: VCH-PRV-010, owner: y}\n\
         disable: [VCH-ISO-999]\n",
    );
    let out = tree
        .vouch()
        .args(["validate", ".vouch.yaml"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(err.contains("7 problem(s) in .vouch.yaml"), "{err}");
    for (problem, at) in [
        ("12 is not of type \"string\"", "[.vouch.yaml:2:43]"),
        ("`2026-02-30` is not a date", "[.vouch.yaml:3:60]"),
        ("error parsing glob '[x'", "[.vouch.yaml:3:44]"),
        ("\"reason\" is a required property", "[.vouch.yaml:4:5]"),
        ("\"expires\" is a required property", "[.vouch.yaml:4:5]"),
        ("true is not of type \"string\"", "[.vouch.yaml:4:32]"),
        ("no rule `VCH-ISO-999` is in force", "[.vouch.yaml:5:11]"),
    ] {
        assert!(err.contains(problem), "{problem}: {err}");
        assert!(err.contains(at), "{problem} at {at}: {err}");
    }
    assert!(err.contains("quote the value"), "{err}");

    // A bad key name is shown at that key, not at the first key of its mapping.
    tree.write(
        ".vouch.yaml",
        "environments:\n  production: [\"a\"]\n  qa: [\"x\"]\n",
    );
    let (out, _) = tree.check(&[]);
    let err = stderr(&out);
    assert!(err.contains("\"qa\" is not one of"), "{err}");
    assert!(err.contains("[.vouch.yaml:3:3]"), "{err}");

    // A param that breaks the rule using it is the config's problem, at its line.
    tree.write(
        ".vouch.yaml",
        "params:\n  sensitive_bucket_pattern: \"([\"\n",
    );
    let (out, _) = tree.check(&[]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(
            "`sensitive_bucket_pattern` breaks a rule that uses it: rule VCH-MON-007: bad regex"
        ),
        "{err}"
    );
    assert!(err.contains("[.vouch.yaml:2:29]"), "{err}");
    assert!(!err.contains("monitoring.yaml"), "{err}");
}

#[test]
fn a_config_key_written_twice_is_refused() {
    let tree = Tree::new();
    // An appended line must not quietly switch the gate off.
    tree.write(".vouch.yaml", "fail_on: low\nfail_on: never\n");
    let (out, _) = tree.check(&[]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("duplicate key `fail_on`"), "{err}");
    assert!(err.contains("[.vouch.yaml:2:1]"), "{err}");
}

#[test]
fn waivers_without_reason_or_expiry_are_refused() {
    let tree = Tree::new();
    for (waiver, problem) in [
        (
            "  - rule: VCH-PRV-010\n    expires: 2027-01-01\n",
            "\"reason\" is a required property",
        ),
        (
            "  - rule: VCH-PRV-010\n    reason: ok\n",
            "\"expires\" is a required property",
        ),
        (
            "  - rule: VCH-PRV-010\n    reason: \"\"\n    expires: 2027-01-01\n",
            "is shorter than 1 character",
        ),
    ] {
        tree.write(".vouch.yaml", &format!("waivers:\n{waiver}"));
        let (out, _) = tree.check(&[]);
        assert_eq!(out.status.code(), Some(2), "{waiver}");
        assert!(stderr(&out).contains(problem), "{waiver}: {}", stderr(&out));
        assert!(stderr(&out).contains("[.vouch.yaml:"), "points at the file");
    }
}

#[test]
fn waivers_waive_until_they_expire_and_unused_ones_are_reported() {
    let tree = Tree::new();
    tree.write(
        ".vouch.yaml",
        &format!(
            "{NO_AWS}fail_on: high
waivers:
  - rule: VCH-PRV-010
    paths: [\"k8s/**\"]
    reason: The CNI plugin needs it.
    owner: net-team
    expires: 2026-12-31
  - rule: VCH-ISO-001
    resource: \".env.development\"
    reason: Invented key in a demo.
    expires: 2026-12-31
  - rule: VCH-ENC-009
    paths: [\"nowhere/**\"]
    reason: Stale.
    expires: 2027-06-30
"
        ),
    );
    let (out, json) = tree.check(&[]);
    assert_eq!(
        findings(&json),
        [
            "VCH-ISO-001 .env.development:1 [waiver]",
            "VCH-ENC-009 .env.production:1",
            "VCH-MON-008 k8s/app.yaml:10",
            "VCH-PRV-010 k8s/app.yaml:13 [waiver]",
        ]
    );
    let waived = &json["findings"][3]["suppressed"];
    assert_eq!(waived["reason"], "The CNI plugin needs it.");
    assert_eq!(waived["owner"], "net-team");
    assert_eq!(waived["expires"], "2026-12-31");
    assert_eq!(waived["at"], ".vouch.yaml:4");
    assert_eq!(
        exceptions(&json),
        [
            "waiver VCH-PRV-010 .vouch.yaml:4 active 1",
            "waiver VCH-ISO-001 .vouch.yaml:9 active 1",
            "waiver VCH-ENC-009 .vouch.yaml:13 unused 0",
        ]
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "only medium and low findings are left open"
    );
    assert!(stderr(&out).contains("waiver of VCH-ENC-009 at .vouch.yaml:13 matched no finding"));
    assert_eq!(json["summary"]["suppressed"], 2);

    // The day after the expiry, measured from --now, the waivers no longer waive.
    let (out, json) = tree.check(&["--now", "2027-01-01"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["suppressed"].is_null())
    );
    assert_eq!(
        exceptions(&json)[..2],
        [
            "waiver VCH-PRV-010 .vouch.yaml:4 expired 1",
            "waiver VCH-ISO-001 .vouch.yaml:9 expired 1",
        ]
    );
    assert!(
        stderr(&out).contains("waiver of VCH-PRV-010 at .vouch.yaml:4 expired on 2026-12-31: it no longer waives its 1 finding(s)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn inline_comments_suppress_in_each_comment_syntax() {
    let tree = Tree::new();
    tree.write(".vouch.yaml", NO_AWS);
    // A trailing comment in YAML; a comment on the line before in an env file.
    tree.write(
        "k8s/app.yaml",
        &POD.replace(
            "privileged: true",
            "privileged: true  # vouch:ignore VCH-PRV-010 reason=\"CNI plugin\" until=2027-03-31 owner=net",
        ),
    );
    tree.write(
        ".env.production",
        "# vouch:ignore VCH-ENC-009 reason=\"TLS at the sidecar\"\nDATABASE_URL=postgres://db.internal/app?sslmode=disable\n",
    );
    // Terraform's `//` comment, on a rule that finds nothing here: unused.
    tree.write(
        "infra/main.tf",
        "resource \"aws_kms_key\" \"main\" { // vouch:ignore VCH-ROT-001 reason=\"rotates\"\n  enable_key_rotation = true\n}\n",
    );
    let (out, json) = tree.check(&[]);
    assert_eq!(
        findings(&json),
        [
            "VCH-ISO-001 .env.development:1",
            "VCH-ENC-009 .env.production:2 [inline]",
            "VCH-MON-008 k8s/app.yaml:10",
            "VCH-PRV-010 k8s/app.yaml:13 [inline]",
        ]
    );
    let prv = &json["findings"][3]["suppressed"];
    assert_eq!(prv["reason"], "CNI plugin");
    assert_eq!(prv["owner"], "net");
    assert_eq!(prv["expires"], "2027-03-31");
    assert_eq!(prv["at"], "k8s/app.yaml:13");
    assert_eq!(
        exceptions(&json),
        [
            "inline VCH-ENC-009 .env.production:1 active 1",
            "inline VCH-ROT-001 infra/main.tf:1 unused 0",
            "inline VCH-PRV-010 k8s/app.yaml:13 active 1",
        ]
    );
    assert!(
        stderr(&out).contains("vouch:ignore VCH-ROT-001 at infra/main.tf:1 matched no finding")
    );

    // Past its `until`, the comment no longer suppresses.
    let (_, json) = tree.check(&["--now", "2027-04-01"]);
    assert!(findings(&json).contains(&"VCH-PRV-010 k8s/app.yaml:13".to_string()));
    assert!(
        exceptions(&json).contains(&"inline VCH-PRV-010 k8s/app.yaml:13 expired 1".to_string())
    );
}

#[test]
fn malformed_and_disallowed_comments_suppress_nothing_and_are_reported() {
    let tree = Tree::new();
    tree.write(".vouch.yaml", NO_AWS);
    tree.write(
        "k8s/app.yaml",
        &POD.replace(
            "privileged: true",
            "privileged: true  # vouch:ignore VCH-PRV-010",
        ),
    );
    tree.write(
        ".env.production",
        "# vouch:ignore VCH-ENC-999 reason=\"no such rule\"\nDATABASE_URL=postgres://db.internal/app?sslmode=disable\n",
    );
    let (out, json) = tree.check(&["--fail-on", "never"]);
    assert!(findings(&json).contains(&"VCH-PRV-010 k8s/app.yaml:13".to_string()));
    assert!(findings(&json).contains(&"VCH-ENC-009 .env.production:2".to_string()));
    let x = &json["exceptions"];
    assert_eq!(x[0]["status"], "invalid");
    assert_eq!(x[0]["problem"], "no rule `VCH-ENC-999` is in force");
    assert_eq!(x[1]["status"], "invalid");
    assert!(x[1]["problem"].as_str().unwrap().contains("has no reason"));
    assert_eq!(out.status.code(), Some(0));
    // --strict fails on them.
    let (out, _) = tree.check(&["--fail-on", "never", "--strict"]);
    assert_eq!(out.status.code(), Some(1));

    // With inline suppressions turned off, a well-formed comment is disallowed.
    tree.write(
        ".vouch.yaml",
        &format!("{NO_AWS}inline_suppressions: false\n"),
    );
    tree.write(
        "k8s/app.yaml",
        &POD.replace(
            "privileged: true",
            "privileged: true  # vouch:ignore VCH-PRV-010 reason=x",
        ),
    );
    let (_, json) = tree.check(&["--fail-on", "never"]);
    assert!(findings(&json).contains(&"VCH-PRV-010 k8s/app.yaml:13".to_string()));
    assert!(
        exceptions(&json).contains(&"inline VCH-PRV-010 k8s/app.yaml:13 disallowed 0".to_string())
    );
}

#[test]
fn json_files_have_no_comments() {
    let tree = Tree::new();
    tree.write(".vouch.yaml", NO_AWS);
    tree.write(
        "k8s/app.json",
        r##"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "j", "annotations": {"note": "# vouch:ignore VCH-PRV-011 reason=x"}},
 "spec": {"hostNetwork": true, "automountServiceAccountToken": false, "serviceAccountName": "j", "containers": []}}
"##,
    );
    let (_, json) = tree.check(&[]);
    assert!(
        findings(&json).contains(&"VCH-PRV-011 k8s/app.json:2".to_string()),
        "{:?}",
        findings(&json)
    );
    assert!(exceptions(&json).is_empty());
}

#[test]
fn a_baseline_fails_only_on_new_findings_and_survives_moved_lines() {
    let tree = Tree::new();
    let out = tree
        .vouch()
        .args(["baseline", "--now", "2026-12-04"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let first = tree.read(".vouch-baseline.json");
    assert!(!first.contains("2026"), "no timestamps: {first}");
    assert!(!first.contains("\"line\""), "no line numbers");
    assert!(!first.contains(FAKE_KEY), "no secrets");

    let (out, json) = tree.check(&["--baseline", ".vouch-baseline.json"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json["summary"]["findings"], 0);
    assert_eq!(json["scan"]["baseline"], ".vouch-baseline.json");
    assert!(findings(&json).iter().all(|f| f.ends_with("[baseline]")));

    // Unrelated edits move every line; the baseline still holds.
    tree.write("k8s/app.yaml", &format!("# the app\n\n{POD}"));
    tree.write(
        ".env.production",
        "# settings\nLOG_LEVEL=info\nDATABASE_URL=postgres://db.internal/app?sslmode=disable\n",
    );
    let (out, json) = tree.check(&["--baseline", ".vouch-baseline.json"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", findings(&json));
    assert!(findings(&json).contains(&"VCH-PRV-010 k8s/app.yaml:15 [baseline]".to_string()));

    // The same tree scanned as `./` from the parent folder agrees.
    let dir = tree.dir.path();
    let parent = dir.parent().unwrap();
    let name = dir.file_name().unwrap().to_str().unwrap();
    let out = Command::cargo_bin("vouch")
        .unwrap()
        .current_dir(parent)
        .args(["check", &format!("./{name}/"), "--now", "2026-12-04", "-q"])
        .args(["--baseline", &format!("{name}/.vouch-baseline.json")])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // A new finding fails.
    tree.write(
        "infra/keys.tf",
        "resource \"aws_kms_key\" \"new\" {\n  description = \"new\"\n}\n",
    );
    let (out, json) = tree.check(&["--baseline", ".vouch-baseline.json"]);
    assert_eq!(out.status.code(), Some(1));
    let open: Vec<String> = findings(&json)
        .into_iter()
        .filter(|f| !f.ends_with("[baseline]"))
        .collect();
    assert_eq!(
        open,
        ["VCH-ROT-001 infra/keys.tf:1"],
        "the project-wide rules were already in the baseline"
    );
}

#[test]
fn baseline_refuses_to_overwrite_and_writes_the_same_bytes_again() {
    let tree = Tree::new();
    let run = |extra: &[&str]| {
        tree.vouch()
            .args(["baseline", "-o", "b.json", "--now", "2026-12-04"])
            .args(extra)
            .output()
            .unwrap()
    };
    assert_eq!(run(&[]).status.code(), Some(0));
    let first = tree.read("b.json");
    let again = run(&[]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("b.json exists; not overwritten"));
    assert_eq!(run(&["--force"]).status.code(), Some(0));
    assert_eq!(
        tree.read("b.json"),
        first,
        "a rebaseline of the same tree is identical"
    );

    tree.write("broken.json", "{\"findings\": [}\n");
    let (out, _) = tree.check(&["--baseline", "broken.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("broken.json:1:15: not a vouch baseline"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn changed_since_reports_only_changed_files_and_project_rules() {
    let tree = Tree::new();
    tree.write(
        ".vouch.yaml",
        "disable: [VCH-MON-003, VCH-MON-004, VCH-MON-006, VCH-ROT-002]\n",
    );
    tree.git(&["init", "-q", "-b", "main"]);
    tree.git(&["add", "-A"]);
    tree.git(&["commit", "-q", "-m", "start"]);
    tree.git(&["checkout", "-q", "-b", "feature"]);
    tree.write(
        "infra/keys.tf",
        "resource \"aws_kms_key\" \"new\" {\n  description = \"new\"\n}\n",
    );
    tree.git(&["add", "-A"]);
    tree.git(&["commit", "-q", "-m", "a key"]);
    // An untracked file counts too: it is about to be committed.
    tree.write(
        "k8s/job.yaml",
        &POD.replace("name: app\n  namespace", "name: job\n  namespace"),
    );

    let (out, json) = tree.check(&["--changed-since", "main"]);
    assert_eq!(
        findings(&json),
        [
            "VCH-MON-001 infra/keys.tf:1",
            "VCH-ROT-001 infra/keys.tf:1",
            "VCH-MON-008 k8s/job.yaml:10",
            "VCH-PRV-010 k8s/job.yaml:13",
        ],
        "nothing from the unchanged .env files or k8s/app.yaml"
    );
    assert_eq!(json["scan"]["changed_since"]["ref"], "main");
    assert_eq!(json["scan"]["changed_since"]["files"], 2);
    assert_eq!(out.status.code(), Some(1));

    let (out, _) = tree.check(&["--changed-since", "no-such-ref"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--changed-since no-such-ref"));
}

#[test]
fn strict_fails_on_parse_errors_and_unknowns() {
    let tree = Tree::new();
    tree.write(".vouch.yaml", NO_AWS);
    tree.write(
        "k8s/broken.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: [\n",
    );
    let (out, json) = tree.check(&["--fail-on", "never"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json["errors"][0]["file"], "k8s/broken.yaml");
    let (out, _) = tree.check(&["--fail-on", "never", "--strict"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("--strict: 1 file(s) with errors"),
        "{}",
        stderr(&out)
    );

    // An unknown: a KMS key whose rotation is a variable without a default.
    let tree = Tree::new();
    tree.write(".vouch.yaml", NO_AWS);
    tree.write(
        "infra/main.tf",
        "variable \"rotate\" {}\nresource \"aws_kms_key\" \"main\" {\n  enable_key_rotation = var.rotate\n}\n",
    );
    let (out, json) = tree.check(&["--fail-on", "never"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json["unknown"][0]["rule"], "VCH-ROT-001");
    let (out, _) = tree.check(&["--fail-on", "never", "--strict"]);
    assert_eq!(out.status.code(), Some(1));
    // The terminal says which check it could not settle.
    let out = tree
        .vouch()
        .args([
            "check",
            ".",
            "--fail-on",
            "never",
            "--strict",
            "--color",
            "never",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "not settled: [VCH-ROT-001] infra/main.tf:3 aws_kms_key.main: `var.rotate` is only known at deploy time"
        ),
        "{text}"
    );
}

#[test]
fn init_writes_a_valid_starter_and_refuses_to_overwrite() {
    let tree = Tree::new();
    let out = tree.vouch().arg("init").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = tree.read(".vouch.yaml");
    assert!(text.contains("# vouch configuration"));
    let out = tree
        .vouch()
        .args(["validate", ".vouch.yaml"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "the starter validates: {}",
        stderr(&out)
    );
    // It is the config `check` now uses: fail_on high.
    let (out, json) = tree.check(&[]);
    assert_eq!(json["scan"]["config"], ".vouch.yaml");
    assert_eq!(out.status.code(), Some(1));

    tree.write(".vouch.yaml", "fail_on: never\n");
    let out = tree.vouch().arg("init").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains(".vouch.yaml exists; not overwritten"));
    assert_eq!(
        tree.read(".vouch.yaml"),
        "fail_on: never\n",
        "left as it was"
    );
    let out = tree.vouch().args(["init", "--force"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(tree.read(".vouch.yaml").contains("# vouch configuration"));
}
