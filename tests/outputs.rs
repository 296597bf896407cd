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
    // Every finding is a result; the waived one (examples/.vouch.yaml) carries its suppression.
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), json["findings"].as_array().unwrap().len());
    let suppressed: Vec<&Value> = results
        .iter()
        .filter(|r| r["suppressions"].as_array().is_some_and(|s| !s.is_empty()))
        .collect();
    assert_eq!(
        suppressed.len() as u64,
        json["summary"]["suppressed"].as_u64().unwrap()
    );
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0]["ruleId"], "VCH-MON-008");

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

/// `vouch check examples` with the given extra arguments, from the crate root.
fn check_examples(extra: &[&str]) -> std::process::Output {
    vouch()
        .args([
            "check",
            "examples",
            "--now",
            "2026-12-01",
            "--fail-on",
            "never",
        ])
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn output_targets_are_checked_before_the_scan() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.html");
    let missing = dir.path().join("no/such/dir/b.sarif");
    let run = check_examples(&[
        "-o",
        &format!("html={}", a.display()),
        "-o",
        &format!("sarif={}", missing.display()),
    ]);
    assert_eq!(run.status.code(), Some(2));
    assert!(run.stdout.is_empty(), "no scan ran, so nothing was printed");
    assert!(!a.exists(), "no report was written");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("does not exist"), "{stderr}");

    let same = dir.path().join("same.out");
    let run = check_examples(&[
        "-o",
        &format!("html={}", same.display()),
        "-o",
        &format!("markdown={}", same.display()),
    ]);
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("is already the target of"));

    let run = check_examples(&["-o", "html="]);
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("no file name after `=`"));
}

#[test]
fn one_output_that_cannot_be_written_does_not_stop_the_others() {
    use vouch::commands::check::{Output, write_outputs};
    use vouch::report::{FormatSpec, RenderOptions};
    let dir = tempfile::tempdir().unwrap();
    let spec = |s: &str| s.parse::<FormatSpec>().unwrap();
    let outputs = [
        Output {
            spec: spec("json"),
            path: dir.path().join("gone/first.json"),
        },
        Output {
            spec: spec("markdown"),
            path: dir.path().join("second.md"),
        },
    ];
    let result: vouch::result::ScanResult = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/fixtures/report/scan.json")).unwrap(),
    )
    .unwrap();
    let err = write_outputs(&outputs, &result, &[], &RenderOptions::default()).unwrap_err();
    assert!(
        err.to_string()
            .contains("1 of 2 report file(s) could not be written"),
        "{err}"
    );
    assert!(
        dir.path().join("second.md").is_file(),
        "the second report was still written"
    );
}

#[test]
fn a_template_replaces_only_its_own_format() {
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("team.md.hbs");
    std::fs::write(
        &template,
        "# My team report\n{{#each findings}}- {{rule}}\n{{/each}}",
    )
    .unwrap();
    let html = dir.path().join("both.html");
    let md = dir.path().join("both.md");
    let run = check_examples(&[
        "--template",
        template.to_str().unwrap(),
        "-o",
        &format!("html={}", html.display()),
        "-o",
        &format!("markdown={}", md.display()),
    ]);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        std::fs::read_to_string(&md)
            .unwrap()
            .starts_with("# My team report\n- VCH-")
    );
    assert!(
        std::fs::read_to_string(&html)
            .unwrap()
            .starts_with("<!DOCTYPE html>")
    );

    let unclear = dir.path().join("team.hbs");
    std::fs::write(&unclear, "x").unwrap();
    let run = check_examples(&["--template", unclear.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("cannot tell from the name"));
    let run = check_examples(&["--template", &format!("html={}", unclear.display())]);
    assert_eq!(run.status.code(), Some(0), "html=FILE says the format");
}

#[test]
fn a_markdown_budget_for_a_pull_request_comment() {
    let dir = tempfile::tempdir().unwrap();
    let md = dir.path().join("pr.md");
    let run = check_examples(&["-o", &format!("markdown:20000={}", md.display())]);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(text.len() <= 20_000, "{}", text.len());
    assert!(text.contains("> [!NOTE]\n> This report is summarised"));

    let run = check_examples(&["-o", &format!("markdown:comment={}", md.display())]);
    assert_eq!(run.status.code(), Some(0));
    assert!(std::fs::read_to_string(&md).unwrap().len() <= 65_000);

    let run = check_examples(&["-o", "sarif:comment=x.sarif"]);
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("this format has no such option"));
}

#[test]
fn sarif_uris_are_relative_to_the_work_tree_however_the_root_is_typed() {
    let uris = |dir: &Path, root: &str| {
        let mut cmd = Command::cargo_bin("vouch").unwrap();
        let out = cmd
            .env("NO_COLOR", "1")
            .current_dir(dir)
            .args(["check", root, "--fail-on", "never", "--format", "sarif"])
            .output()
            .unwrap();
        let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut uris: Vec<String> = sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let at = &r["locations"][0]["physicalLocation"]["artifactLocation"];
                assert_eq!(at["uriBaseId"], "%SRCROOT%");
                at["uri"].as_str().unwrap().to_string()
            })
            .collect();
        uris.sort();
        uris.dedup();
        uris
    };
    let k8s = root().join("examples/ai-service/k8s");
    let from_k8s = uris(&k8s, "..");
    let absolute = uris(root(), root().join("examples/ai-service").to_str().unwrap());
    let relative = uris(root(), "examples/ai-service");
    assert_eq!(from_k8s, relative);
    assert_eq!(absolute, relative);
    assert!(
        relative
            .iter()
            .all(|u| u.starts_with("examples/ai-service/")),
        "{relative:?}"
    );
}

#[test]
fn a_report_written_into_the_scanned_tree_is_not_scanned_next_time() {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("svc");
    std::fs::create_dir(&tree).unwrap();
    std::fs::copy(
        root().join("examples/ai-service/compose.yaml"),
        tree.join("compose.yaml"),
    )
    .unwrap();
    let run = |args: &[&str]| {
        let mut cmd = Command::cargo_bin("vouch").unwrap();
        cmd.env("NO_COLOR", "1")
            .current_dir(dir.path())
            .args(["check", "svc", "--fail-on", "never"])
            .args(args)
            .output()
            .unwrap()
    };
    run(&["-o", "json=svc/vouch.json", "-o", "sarif=svc/vouch.sarif"]);
    let again = run(&[
        "--format",
        "json",
        "-o",
        "json=svc/vouch.json",
        "-o",
        "sarif=svc/vouch.sarif",
    ]);
    let json: Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(
        json["scan"]["files_scanned"], 1,
        "only compose.yaml is scanned"
    );
    let files: Vec<&str> = json["passed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["file"].as_str().unwrap())
        .collect();
    assert!(
        files.iter().all(|f| f.ends_with("compose.yaml")),
        "{files:?}"
    );
}

#[test]
fn a_dirty_work_tree_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .current_dir(dir.path())
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .output()
            .is_ok_and(|o| o.status.success());
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    std::fs::write(
        dir.path().join(".env"),
        "OPENAI_BASE_URL=https://api.example.com/v1\n",
    )
    .unwrap();
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "first"]);
    let dirty = || {
        let mut cmd = Command::cargo_bin("vouch").unwrap();
        let out = cmd
            .current_dir(dir.path())
            .args(["check", ".", "--format", "json", "--fail-on", "never"])
            .output()
            .unwrap();
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        json["scan"]["git"]["dirty"].as_bool().unwrap_or(false)
    };
    assert!(!dirty(), "a clean tree");
    std::fs::write(dir.path().join("new.yaml"), "a: 1\n").unwrap();
    assert!(dirty(), "an untracked file");
}

#[test]
fn report_warns_about_rules_it_has_no_metadata_for() {
    let dir = tempfile::tempdir().unwrap();
    let mut result: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/fixtures/report/scan.json")).unwrap(),
    )
    .unwrap();
    result["passed"][0]["rule"] = Value::from("ACME-001");
    let path = dir.path().join("acme.json");
    std::fs::write(&path, result.to_string()).unwrap();
    let out = vouch()
        .args(["report", "--format", "json"])
        .arg(&path)
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("do not define ACME-001"), "{stderr}");
    assert!(
        stderr.contains("is given twice; it is merged once"),
        "{stderr}"
    );
    let merged: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        merged["passed"].as_array().unwrap().len(),
        7,
        "not counted twice"
    );
}

#[test]
fn a_saved_result_describes_its_own_rules_to_vouch_report() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("acme.yaml");
    std::fs::write(
        &pack,
        r#"apiVersion: vouch/v1
kind: PolicyPack
metadata: {name: acme, version: 1.0.0}
rules:
  - id: ACME-ISO-001
    name: model-url-bypasses-gateway
    title: OpenAI base URL does not go through the ACME gateway
    area: key-isolation
    severity: high
    controls: ["iso27001:A.8.31"]
    description: Reports `OPENAI_BASE_URL` values that do not point at the ACME gateway.
    target:
      kinds: [env/variable]
      where: {path: "@name", op: equals, value: OPENAI_BASE_URL}
    assert: {path: "", op: matches, value: "^https://llm-gateway\\.acme\\.internal/"}
    message: "{{name}} points elsewhere."
    remediation: Point it at the gateway.
"#,
    )
    .unwrap();
    let tree = dir.path().join("tree");
    std::fs::create_dir(&tree).unwrap();
    std::fs::write(
        tree.join(".env"),
        "OPENAI_BASE_URL=https://llm-gateway.acme.internal/v1\n",
    )
    .unwrap();
    let saved = dir.path().join("result.json");
    let out = vouch()
        .args(["check", "--no-builtin", "--no-config", "--policy"])
        .arg(&pack)
        .arg(&tree)
        .args(["--format", "json", "--fail-on", "never"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    std::fs::write(&saved, &out.stdout).unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["passed"][0]["rule"], "ACME-ISO-001");
    assert_eq!(json["rules"].as_array().unwrap().len(), 1);
    assert_eq!(
        json["rules"][0]["title"],
        "OpenAI base URL does not go through the ACME gateway"
    );

    // Rendered elsewhere, without the pack: the one passed check keeps its
    // control, and nothing is said to be missing.
    let out = vouch()
        .current_dir(dir.path())
        .args(["report", "--format", "markdown"])
        .arg(&saved)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("do not define"), "{stderr}");
    let markdown = String::from_utf8_lossy(&out.stdout);
    assert!(markdown.contains("A.8.31"), "{markdown}");
    assert!(
        markdown.contains("OpenAI base URL does not go through the ACME gateway"),
        "{markdown}"
    );
}

#[test]
fn report_redacts_a_saved_result_it_did_not_make() {
    // A result written by hand (or by an older vouch) with an invented key in
    // a message and a snippet line.
    let key = "ghp_FzSMu6SWoUnvNPsJZKDIerMwFAKEDz1KVBz8";
    let dir = tempfile::tempdir().unwrap();
    let mut result: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/fixtures/report/scan.json")).unwrap(),
    )
    .unwrap();
    result["findings"][0]["message"] = Value::from(format!("token {key} in the file"));
    result["findings"][0]["snippet"] = serde_json::json!([{"line": 1, "text": format!("T={key}")}]);
    let path = dir.path().join("forged.json");
    std::fs::write(&path, result.to_string()).unwrap();
    for format in ["json", "markdown", "text"] {
        let out = vouch()
            .args(["report", "--format", format])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{format}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!text.contains(key), "{format}: {text}");
        assert!(text.contains("ghp_…(40 chars, #"), "{format}");
    }
}
