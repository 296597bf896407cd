//! What findings show of a secret, exactly: snippets cut through the file's
//! secret spans (audit 4, A1–A4, A6, A8), values redacted before a message
//! template sees them (audit 3, D1), and rule text printed as written
//! (audit 2, defect 5). The fixtures are the leak tree of `secrets_leak.rs`
//! and `tests/fixtures/secrets/rule-text/`.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use regex::Regex;
use vouch::policy::load::{self, PackSource};
use vouch::result::Finding;
use vouch::scan::{self, ScanOptions};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/secrets")
}

/// The result of the built-in pack (and the leak test's pack) on `dir`.
fn scan_result(dir: &str) -> vouch::result::ScanResult {
    let mut packs = PackSource::builtin();
    packs.extend(PackSource::from_path(&fixtures().join("leak-policies/values.yaml")).unwrap());
    let policies = load::load(&packs, &Default::default()).expect("the packs load");
    let options = ScanOptions {
        roots: vec![fixtures().join(dir)],
        now: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
        ..ScanOptions::default()
    };
    scan::run(&options, &policies).unwrap().result
}

/// Its findings.
fn scan(dir: &str) -> Vec<Finding> {
    scan_result(dir).findings
}

/// The finding of `rule` in the file ending in `file` at `line`.
fn finding<'a>(findings: &'a [Finding], rule: &str, file: &str, line: usize) -> &'a Finding {
    findings
        .iter()
        .find(|f| f.rule == rule && f.file.ends_with(file) && f.line == line)
        .unwrap_or_else(|| panic!("no {rule} at {file}:{line}"))
}

/// The snippet as `line text` rows, with every key's fingerprint written `#…`.
fn snippet(f: &Finding) -> Vec<String> {
    let fp = Regex::new(r"#[0-9a-f]{6}\)").unwrap();
    f.snippet
        .iter()
        .map(|l| format!("{} {}", l.line, fp.replace_all(&l.text, "#…)")))
        .collect()
}

/// The redactions in `text`: `…(N chars, #xxxxxx)` for a key, `…(N chars)` for any other value.
fn fingerprints(text: &str) -> Vec<String> {
    Regex::new(r"…\(\d+ chars(, #[0-9a-f]{6})?\)")
        .unwrap()
        .find_iter(text)
        .map(|m| m.as_str().to_string())
        .collect()
}

#[test]
fn a_terraform_default_is_hidden_on_the_line_after_its_declaration() {
    let all = scan("leak");
    let f = finding(&all, "VCH-ISO-010", "terraform/main.tf", 2);
    assert_eq!(
        snippet(f),
        [
            "1 # A1: the default stands on the line after the declaration.",
            "2 variable \"db_password\" {",
            "3   default = \"…(22 chars)\"",
        ]
    );
    let f = finding(&all, "VCH-ISO-011", "cloudformation/template.yaml", 3);
    assert_eq!(
        snippet(f),
        ["2 Parameters:", "3   DbPassword:", "4     Type: String"]
    );
    let f = finding(&all, "VCH-ISO-011", "cloudformation/template.yaml", 5);
    assert_eq!(snippet(f)[1], "5     Default: …(20 chars)");
}

#[test]
fn a_pem_block_is_hidden_on_every_line_in_every_file_kind() {
    let all = scan("leak");
    let f = finding(&all, "VCH-ISO-002", "keys/server.pem", 1);
    let shown = snippet(f);
    assert_eq!(
        shown[0],
        "1 -----BEGIN RSA PRIVATE KEY-----…(1101 chars, #…)"
    );
    assert_eq!(
        shown[1..],
        ["2 …", "3 …", "4 …", "5 …", "6 …", "7 …", "8 …"]
    );

    let f = finding(&all, "VCH-ISO-002", "k8s/tls.yaml", 8);
    assert_eq!(
        snippet(f)[..3],
        [
            "7   tls.key: |",
            "8     -----BEGIN RSA PRIVATE KEY-----…(1101 chars, #…)",
            "9     …"
        ]
    );
    let f = finding(&all, "VCH-ISO-002", "terraform/main.tf", 13);
    assert_eq!(
        snippet(f)[..2],
        [
            "12   private_key_pem = <<-EOT",
            "13     -----BEGIN RSA PRIVATE KEY-----…(1101 chars, #…)"
        ]
    );

    // One key, one fingerprint, in the .pem file, the YAML scalar and the heredoc.
    let pem: Vec<String> = all
        .iter()
        .filter(|f| f.rule == "VCH-ISO-002" && f.message.starts_with("pem rsa"))
        .flat_map(|f| fingerprints(&f.message))
        .collect();
    assert_eq!(pem.len(), 3);
    assert!(pem.iter().all(|p| *p == pem[0]), "{pem:?}");
}

#[test]
fn keys_are_hidden_on_the_context_lines_of_other_findings() {
    let all = scan("leak");
    // A3: the Azure OpenAI key is a key only beside its endpoint on line 7.
    let f = finding(&all, "VCH-ISO-002", "k8s/app.yaml", 9);
    assert_eq!(
        snippet(f),
        [
            "8   AZURE_OPENAI_API_KEY: …(32 chars, #…)",
            "9   GITHUB_TOKEN: ghp_…(40 chars, #…)",
            "10   MISTRAL_MODEL: mistral-large-latest",
        ]
    );
    // A6: the weak password's name is on the line before its value.
    let f = finding(&all, "VCH-ISO-015", "k8s/pod.yaml", 10);
    assert!(snippet(f).contains(
        &"10       args: [\"--password\", \"…(24 chars)\", \"--token=…(40 chars)\"]".to_string()
    ));
    let f = finding(&all, "VCH-ISO-005", "k8s/pod.yaml", 14);
    assert_eq!(
        snippet(f),
        [
            "13         - name: DB_PASSWORD",
            "14           value: \"…(12 chars)\"",
            "15         # A4: a key split over a quoted two-line value.",
        ]
    );
}

#[test]
fn a_key_split_over_a_quoted_value_is_found_and_hidden() {
    let all = scan("leak");
    // B8 and A4: found in the decoded value, reported on the line it starts.
    let f = finding(&all, "VCH-ISO-001", "k8s/pod.yaml", 17);
    assert!(
        f.message
            .starts_with("openai service-account key sk-svcacct-…(167 chars, #")
    );
    assert_eq!(
        snippet(f),
        [
            "16         - name: OPENAI_API_KEY",
            "17           value: \"sk-svcacct-…(167 chars, #…)",
            "18             …\"",
            "19         - name: REDIS_URL",
        ]
    );
    // B7: a key in a Secret's base64 `data` is found on the encoded line.
    let f = finding(&all, "VCH-ISO-001", "k8s/secret.yaml", 7);
    assert!(
        f.message
            .starts_with("anthropic api key sk-ant-api03-…(108 chars, #")
    );
    assert_eq!(snippet(f)[1], "7   api-key: sk-ant-api03-…(108 chars, #…)");
}

#[test]
fn one_value_has_one_fingerprint_quoted_or_not() {
    let all = scan("leak");
    // A8: `"P"` in compose, `P` in .env, and P after `--password` in a list.
    let compose = finding(&all, "VCH-ISO-008", "leak/compose.yaml", 6);
    let env = finding(&all, "VCH-ISO-013", "leak/.env.production", 1);
    let pod = finding(&all, "VCH-ISO-015", "k8s/pod.yaml", 10);
    let a = fingerprints(&compose.snippet[1].text);
    let b = fingerprints(&env.snippet[0].text);
    let c = fingerprints(&pod.snippet[1].text);
    assert_eq!(a.len(), 1);
    assert_eq!((&a, &a), (&b, &c[..1].to_vec()));
}

#[test]
fn template_values_are_redacted_and_only_their_secret_part() {
    let all = scan("leak");
    // Audit 3, D1: a rule quoting {{value}} in its message and remediation.
    let f = finding(&all, "LEAK-MSG-001", "k8s/pod.yaml", 14);
    let fp = Regex::new(r"#[0-9a-f]{6}\)").unwrap();
    assert_eq!(
        fp.replace_all(&f.message, "#…)"),
        "the value `…(12 chars)` is set for DB_PASSWORD"
    );
    assert_eq!(fp.replace_all(&f.remediation, "#…)"), "remove …(12 chars)");
    // A URL with an empty user: only the password is hidden.
    let f = finding(&all, "VCH-ENC-009", "leak/.env.production", 3);
    assert_eq!(
        fp.replace_all(&f.message, "#…)"),
        "REDIS_URL turns database TLS off (`redis://:…(18 chars)@cache:6379/0?ssl=false`)."
    );
}

#[test]
fn rule_text_and_values_that_are_no_secrets_are_printed_as_written() {
    // Audit 2, defect 5.
    let all = scan("rule-text");
    let actions: Vec<&str> = all
        .iter()
        .filter(|f| f.rule == "VCH-PRV-001")
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(
        actions,
        [
            "aws_iam_user_policy.u allows action `cloudwatch:*`.",
            "aws_iam_user_policy.u allows action `ec2:*`.",
            "aws_iam_user_policy.u allows action `cloudformation:*`.",
        ]
    );
    let f = finding(&all, "VCH-PRV-012", "rule-text/compose.yaml", 5);
    assert!(
        f.message
            .ends_with("(`/var/run/docker.sock:/var/run/docker.sock`)."),
        "{}",
        f.message
    );
    let f = finding(&all, "VCH-PRV-009", "rule-text/pod.yaml", 4);
    assert!(
        f.remediation
            .contains("`automountServiceAccountToken: false`"),
        "{}",
        f.remediation
    );
    assert!(
        all.iter()
            .all(|f| !f.message.contains("chars, #") && !f.remediation.contains("chars, #"))
    );
}

#[test]
fn a_key_in_a_heredoc_hides_the_key_not_the_script() {
    let all = scan("heredoc");
    let id = finding(&all, "VCH-ISO-002", "main.tf", 7);
    assert_eq!(id.column, 26);
    assert_eq!(
        snippet(id),
        [
            "6 apt-get install -y nginx",
            "7 export AWS_ACCESS_KEY_ID=AKIA…(20 chars, #…)",
            "8 export AWS_SECRET_ACCESS_KEY=…(40 chars, #…)",
        ]
    );
    let secret = finding(&all, "VCH-ISO-002", "main.tf", 8);
    assert_eq!(secret.column, 30);
    assert_eq!(
        snippet(secret)[2],
        "9 systemctl start nginx",
        "the line after the key is shown as written"
    );
}

#[test]
fn an_unsettled_checks_reason_hides_the_key_and_keeps_the_expression() {
    let result = scan_result("unsettled");
    let reasons: Vec<String> = result
        .unknown
        .iter()
        .filter(|u| u.rule == "VCH-ROT-001")
        .map(|u| {
            Regex::new(r"#[0-9a-f]{6}")
                .unwrap()
                .replace(&u.reason, "#…")
                .into_owned()
        })
        .collect();
    assert_eq!(
        reasons,
        [
            // Secrets known only from context, and a key the 60-character cut
            // leaves in part: the whole quote goes (cut.tf).
            "`f(\"token=…(8 chars)\",\"…(40 chars, #…)…` is only known at deploy time",
            "`AKIA…(20 chars, #…)` is only known at deploy time",
            // The reason quotes the expression cut at 60 characters, as it quotes every one.
            "`lookup(var.flags, \"ghp_…(40 chars, #…)\"…` is only known at deploy time",
        ]
    );
    let all = reasons.join("\n");
    for key in [
        "+zNtTKjCSFAKERCIe2GWM1wYovdzuMobWRv3Dr05",
        "sk-ant-api03-2hpChYgCfrL1spFAKEvdhZ7Jk1-mBw3ydR_pH2NhzDp0bwpKRkAXBhY3u8XfJwtYAcoN4w1kxnMGgIvVI_HZcE6EJlGPeAA",
    ] {
        for piece in key.as_bytes().windows(12) {
            let piece = std::str::from_utf8(piece).unwrap();
            assert!(!all.contains(piece), "{piece} of a key in {all}");
        }
    }
}
