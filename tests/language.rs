//! The policy language's semantics, each construct on a small tree: where a
//! finding stands, and what is settled, what is unknown.
//!
//! Each test writes its input files and, where it needs one, a pack into a
//! temporary folder, scans it as its own project and asserts the exact
//! `rule file:line:column` of every finding.

use std::path::Path;

use chrono::NaiveDate;
use vouch::policy::PolicySet;
use vouch::policy::load::{self, PackSource};
use vouch::result::ScanResult;
use vouch::scan::{self, ScanOptions};

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

fn builtin() -> PolicySet {
    load::load(&PackSource::builtin(), &Default::default()).unwrap()
}

/// A pack holding `rules` (YAML list items, indented by two).
fn pack(rules: &str) -> PolicySet {
    let text = format!(
        "apiVersion: vouch/v1\nkind: PolicyPack\nmetadata: {{name: t, version: '1'}}\nrules:\n{rules}"
    );
    let source = PackSource {
        name: "t.yaml".into(),
        text,
    };
    match load::load(&[source], &Default::default()) {
        Ok(set) => set,
        Err(e) => panic!("{:?}", e.problems),
    }
}

fn scan(policies: &PolicySet, files: &[(&str, &str)]) -> ScanResult {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), files);
    let options = ScanOptions {
        roots: vec![dir.path().to_path_buf()],
        now: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
        ..ScanOptions::default()
    };
    let mut result = scan::run(&options, policies).unwrap().result;
    let prefix = format!("{}/", vouch::source::display_path(dir.path()));
    for f in &mut result.findings {
        f.file = f.file.strip_prefix(&prefix).unwrap_or(&f.file).to_string();
    }
    for u in &mut result.unknown {
        u.file = u.file.strip_prefix(&prefix).unwrap_or(&u.file).to_string();
    }
    result
}

/// `RULE file:line:column` of every finding of `rule`.
fn places(result: &ScanResult, rule: &str) -> Vec<String> {
    result
        .findings
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| format!("{} {}:{}:{}", f.rule, f.file, f.line, f.column))
        .collect()
}

const EACH_ENV: &str = r#"  - id: T-ISO-001
    name: env-without-value-from
    title: t
    area: key-isolation
    severity: low
    description: d
    target: {kinds: [k8s/container]}
    assert:
      each: env
      assert: {path: valueFrom, op: exists}
    message: "{{subject}} of {{name}} has no valueFrom"
    remediation: r
"#;

const POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - name: c
      image: x
      env:
        - name: A
          value: \"1\"
        - name: B
          value: \"2\"
";

// See: /tmp/audit/issue3.md D4. Each element lacking a field is its own
// finding, at the element, not one finding at the container.
#[test]
fn each_reports_an_element_missing_a_field_at_that_element() {
    let result = scan(&pack(EACH_ENV), &[("pod.yaml", POD)]);
    assert_eq!(
        places(&result, "T-ISO-001"),
        ["T-ISO-001 pod.yaml:10:11", "T-ISO-001 pod.yaml:12:11"]
    );
    let messages: Vec<&str> = result.findings.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(
        messages,
        ["A of c has no valueFrom", "B of c has no valueFrom"]
    );
}

#[test]
fn two_unencrypted_ebs_blocks_are_two_findings_at_their_blocks() {
    let tf = r#"resource "aws_instance" "web" {
  ami           = "ami-123"
  instance_type = "t3.micro"

  ebs_block_device {
    device_name = "/dev/sdb"
    volume_size = 10
  }

  ebs_block_device {
    device_name = "/dev/sdc"
    volume_size = 20
  }
}
"#;
    let result = scan(&builtin(), &[("main.tf", tf)]);
    assert_eq!(
        places(&result, "VCH-ENC-003"),
        ["VCH-ENC-003 main.tf:5:3", "VCH-ENC-003 main.tf:10:3"]
    );
}

#[test]
fn an_element_under_a_key_is_shown_from_that_key() {
    let cfn = "AWSTemplateFormatVersion: \"2010-09-09\"
Resources:
  Workers:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        BlockDeviceMappings:
          - DeviceName: /dev/xvda
            Ebs:
              VolumeSize: 50
";
    let result = scan(&builtin(), &[("t.yaml", cfn)]);
    assert_eq!(places(&result, "VCH-ENC-003"), ["VCH-ENC-003 t.yaml:9:13"]);
}

// See: /tmp/audit/issue2.md #8. `any` lists the Terraform path first; on a
// CloudFormation key the failure shown is that of the value that is there.
#[test]
fn any_shows_the_failure_of_a_value_that_exists() {
    let cfn = "AWSTemplateFormatVersion: \"2010-09-09\"
Resources:
  Key2:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: false
";
    let json = r#"{"Resources": {"K": {"Type": "AWS::KMS::Key", "Properties": {"EnableKeyRotation": false}}}}"#;
    let result = scan(&builtin(), &[("t.yaml", cfn), ("u.json", json)]);
    assert_eq!(
        places(&result, "VCH-ROT-001"),
        ["VCH-ROT-001 t.yaml:6:26", "VCH-ROT-001 u.json:1:83"]
    );
}

const ROTATION: &str = r#"resource "aws_secretsmanager_secret_rotation" "r" {
  secret_id = "x"
  rotation_rules { automatically_after_days = var.days }
}
variable "days" { default = 120 }
"#;

// See: /tmp/audit/issue2.md #9. Unknown is for a variable with no default.
#[test]
fn a_terraform_variable_with_a_default_is_evaluated() {
    let result = scan(&builtin(), &[("main.tf", ROTATION)]);
    assert_eq!(places(&result, "VCH-ROT-004"), ["VCH-ROT-004 main.tf:3:47"]);
    let rot = result.findings.iter().find(|f| f.rule == "VCH-ROT-004");
    assert!(rot.unwrap().message.contains("`120`"));
}

#[test]
fn a_tfvars_value_in_the_module_wins_over_the_default() {
    let result = scan(
        &builtin(),
        &[("main.tf", ROTATION), ("terraform.tfvars", "days = 30\n")],
    );
    assert_eq!(places(&result, "VCH-ROT-004"), Vec::<String>::new());
    let passed: Vec<&str> = result.passed.iter().map(|p| p.rule.as_str()).collect();
    assert!(passed.contains(&"VCH-ROT-004"), "{passed:?}");

    let result = scan(
        &builtin(),
        &[("main.tf", ROTATION), ("terraform.tfvars", "days = 400\n")],
    );
    assert!(result.findings.iter().any(|f| f.message.contains("`400`")));
}

#[test]
fn a_variable_without_a_default_or_set_two_ways_is_unknown() {
    let no_default = ROTATION.replace("{ default = 120 }", "{}");
    let result = scan(&builtin(), &[("main.tf", &no_default)]);
    let unknown: Vec<(&str, usize)> = result
        .unknown
        .iter()
        .map(|u| (u.rule.as_str(), u.line))
        .collect();
    assert_eq!(unknown, [("VCH-ROT-004", 3)]);

    let result = scan(
        &builtin(),
        &[
            ("main.tf", ROTATION),
            ("a.tfvars", "days = 30\n"),
            ("b.tfvars", "days = 60\n"),
        ],
    );
    assert_eq!(result.unknown.len(), 1);
    assert!(
        result.unknown[0].reason.contains("set differently"),
        "{}",
        result.unknown[0].reason
    );
}

const IAM: &str = "AWSTemplateFormatVersion: \"2010-09-09\"
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
      ManagedPolicyArns:
        - !Sub arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess
        - !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/${PolicyName}
  Pol:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: !Sub \"kms:*\"
            Resource: \"*\"
";

// See: /tmp/audit/issue3.md D11 and issue2.md #14.
#[test]
fn a_sub_with_nothing_or_only_pseudo_parameters_to_substitute_is_read() {
    let result = scan(&builtin(), &[("t.yaml", IAM)]);
    assert_eq!(places(&result, "VCH-PRV-003"), ["VCH-PRV-003 t.yaml:8:11"]);
    assert_eq!(places(&result, "VCH-PRV-001"), ["VCH-PRV-001 t.yaml:16:21"]);
}

fn external_secret(interval: &str) -> String {
    format!(
        "apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata:
  name: es
spec:
  refreshInterval: \"{interval}\"
  secretStoreRef: {{name: vault, kind: ClusterSecretStore}}
"
    )
}

// See: /tmp/audit/issue3.md D10: Kubernetes writes `metav1.Duration` as Go does.
#[test]
fn go_and_iso_durations_compare() {
    for (interval, fails) in [
        ("168h0m0s", true),
        ("2d", true),
        ("P2D", true),
        ("1h30m", false),
        ("PT1H", false),
        ("15m", false),
    ] {
        let result = scan(
            &builtin(),
            &[("es.yaml", external_secret(interval).as_str())],
        );
        let found = places(&result, "VCH-ROT-006");
        let expected: Vec<String> = if fails {
            vec!["VCH-ROT-006 es.yaml:6:20".into()]
        } else {
            vec![]
        };
        assert_eq!(found, expected, "{interval}");
        let settled = fails || result.passed.iter().any(|p| p.rule == "VCH-ROT-006");
        assert!(settled, "{interval} was not settled");
    }
}

// See: /tmp/audit/issue2.md #14: one container, two findings, each saying what it is.
#[test]
fn labels_say_which_check_failed_and_join_at_one_place() {
    let pod = "apiVersion: v1
kind: Pod
metadata: {name: p1}
spec:
  containers:
    - name: c1
      image: x
      securityContext: {privileged: true}
";
    let result = scan(&builtin(), &[("pod.yaml", pod)]);
    let prv: Vec<String> = result
        .findings
        .iter()
        .filter(|f| f.rule == "VCH-PRV-010")
        .map(|f| format!("{}:{} {}", f.line, f.column, f.message))
        .collect();
    assert_eq!(
        prv,
        [
            "6:7 Container c1 allows privilege escalation, may run as root, keeps its Linux capabilities.",
            "8:37 Container c1 runs privileged (`true`)."
        ]
    );
}
