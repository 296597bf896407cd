//! Hostile and broken input: an alias bomb, deep nesting in every syntax,
//! NUL bytes, huge lines, empty files. Each file must end as a clean error
//! naming its line, or a skip with a reason, or a normal scan; never a panic,
//! and the run must still exit 0 or 1 with valid JSON.

use std::collections::BTreeMap;
use std::path::Path;

use assert_cmd::Command;
use vouch::inputs;
use vouch::source::SourceFile;

/// The nasty files, by name.
fn nasty_files() -> Vec<(&'static str, Vec<u8>)> {
    let bomb = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/inputs/yaml/bomb.yaml"),
    )
    .unwrap();
    let deep_block: String = (0..300)
        .map(|i| format!("{}k{i}:\n", "  ".repeat(i)))
        .collect();
    let mib = 1 << 20;
    let text = |s: String| s.into_bytes();
    vec![
        ("bomb.yaml", bomb),
        ("deep_flow.yaml", text("[".repeat(10_000))),
        (
            "deep_flow_closed.yaml",
            text(format!("{}{}", "[".repeat(10_000), "]".repeat(10_000))),
        ),
        ("deep_map.yaml", text("{a: ".repeat(10_000))),
        ("deep_block.yaml", text(deep_block)),
        (
            "deep.json",
            text(format!(
                "{{\"AWSTemplateFormatVersion\": \"x\", \"a\": {}{}}}",
                "[".repeat(10_000),
                "]".repeat(10_000)
            )),
        ),
        (
            "deep.tf",
            text(format!(
                "locals {{\n  x = {}1{}\n}}\n",
                "(".repeat(10_000),
                ")".repeat(10_000)
            )),
        ),
        (
            "deep.tfvars",
            text(format!("x = {}{}\n", "[".repeat(5_000), "]".repeat(5_000))),
        ),
        ("nul.yaml", b"apiVersion: v1\0\nkind: Pod\n".to_vec()),
        (
            "huge.yaml",
            text(format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: big}}\ndata: {{a: \"{}\"}}\n",
                "x".repeat(mib)
            )),
        ),
        ("huge.env", text(format!("FAKE_A={}\n", "y".repeat(mib)))),
        (
            "Dockerfile",
            text(format!("FROM alpine:3.20\nRUN {}\n", "a".repeat(mib))),
        ),
        ("empty.yaml", Vec::new()),
        ("empty.json", Vec::new()),
        ("empty.tf", Vec::new()),
        ("empty.env", Vec::new()),
        ("dashes.yaml", text("---\n---\n---\n".into())),
        (
            "only-comments.yaml",
            text("# nothing\n---\n# here\n".into()),
        ),
        (
            "unterminated-heredoc.tf",
            text("resource \"a\" \"b\" {\n  x = <<EOT\nabc\n".into()),
        ),
    ]
}

#[test]
fn nasty_files_end_in_clean_errors_or_skips() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in nasty_files() {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let out = Command::cargo_bin("vouch")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", ".", "--format", "json", "--now", "2026-12-01"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let result: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();

    let errors: BTreeMap<&str, (u64, &str)> = result["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["file"].as_str().unwrap(),
                (e["line"].as_u64().unwrap(), e["message"].as_str().unwrap()),
            )
        })
        .collect();
    let expected: BTreeMap<&str, (u64, &str)> = [
        ("bomb.yaml", (6, "too many alias expansions")),
        ("deep_flow.yaml", (1, "recursion limit exceeded")),
        ("deep_flow_closed.yaml", (1, "recursion limit exceeded")),
        ("deep_map.yaml", (1, "recursion limit exceeded")),
        ("deep_block.yaml", (257, "YAML nested too deeply")),
        ("deep.json", (1, "nesting depth")),
        ("deep.tf", (2, "nesting depth")),
        ("deep.tfvars", (1, "nesting depth")),
        ("unterminated-heredoc.tf", (3, "heredoc")),
    ]
    .into_iter()
    .collect();
    assert_eq!(
        errors.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>(),
        "{errors:#?}"
    );
    for (file, (line, words)) in &expected {
        let (got_line, message) = errors[file];
        assert_eq!(got_line, *line, "{file}: {message}");
        assert!(
            message.to_lowercase().contains(&words.to_lowercase()),
            "{file}: {message}"
        );
    }

    let skipped: Vec<(&str, &str)> = result["scan"]["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["file"].as_str().unwrap(), s["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(skipped, [("nul.yaml", "binary file")]);
    assert_eq!(
        result["scan"]["files_scanned"].as_u64().unwrap(),
        nasty_files().len() as u64 - 1
    );
}

/// Valid files of each syntax, mutated at random (tokens inserted, bytes
/// cut, lines doubled) and run through every parser: no panic, and every
/// span stays inside the text.
#[test]
fn mutated_files_never_panic() {
    let seeds: [(&str, &str, &[&str]); 6] = [
        (
            "x.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: prod}\nspec:\n  containers:\n  - name: c\n    image: x\n    env:\n    - name: A\n      value: >-\n        folded\n    securityContext: &s {privileged: yes}\n  initContainers: [{name: i, securityContext: *s}]\n---\n# Source: c/templates/x.yaml\napiVersion: v1\nkind: List\nitems: [{kind: Pod, metadata: {name: q}}]\n",
            &[
                "&x ", "*x", "<<: *s\n", "|", ">-", "\"", "'", "#", "---\n", "!Ref ", "é", "  ",
                "- ", ": ", "[", "}", "\t",
            ],
        ),
        (
            "compose.yaml",
            "x-common: &c {restart: always}\nservices:\n  api:\n    <<: *c\n    image: x\n    environment:\n      - \"A=1\"\n      - B\n    build: {args: [C=2]}\n",
            &["=", "\"", "- ", ": ", "*c", "[", "é", "\n"],
        ),
        (
            "t.yaml",
            "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Sub '${AWS::StackName}-b'\n      KmsKeyId: !GetAtt K.Arn\n      Tags: !If [C, [], !Ref AWS::NoValue]\n",
            &[
                "!Ref ", "!GetAtt ", "!Sub ", "!If ", "[", "]", ".", "é", "\n",
            ],
        ),
        (
            "x.json",
            "{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {\"K\": {\"Type\": \"AWS::KMS::Key\", \"Properties\": {\"EnableKeyRotation\": false}}}}\n",
            &["{", "}", "[", "]", ",", ":", "\"", "null", "/*", "é"],
        ),
        (
            "x.tf",
            "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"${var.x}-b\"\n  policy = <<EOT\n{\"a\": 1}\nEOT\n  tags = { a = jsonencode([1]) }\n}\nvariable \"x\" { default = 1 }\n",
            &[
                "{", "}", "[", "]", "(", ")", "${", "<<EOT\n", "EOT\n", "\"", "#", "é", "=",
            ],
        ),
        (
            "Dockerfile",
            "FROM alpine:3.20 AS base\nARG A=1\nENV B=\"two words\" C=3\nRUN apk add \\\n  curl\nRUN <<EOF\necho hi\nEOF\nUSER root\n",
            &[
                "\\\n", "<<EOF\n", "EOF\n", "\"", "=", "#", "é", "[", "]", "\n",
            ],
        ),
    ];
    let mut seed: u64 = 0x00C0_FFEE;
    for (name, original, tokens) in seeds {
        let (mut failed, mut extracted) = (0, 0);
        for _ in 0..300 {
            seed = next(seed);
            let mut text = original.to_string();
            for _ in 0..(seed >> 60) % 4 {
                seed = next(seed);
                mutate(&mut text, tokens, &mut seed);
            }
            let file = SourceFile::new(name, &text);
            let parsed = inputs::parse(&file, Path::new(name));
            for r in &parsed.resources {
                assert!(r.span.end <= file.text.len(), "{name}: {text:?}");
                check_spans(&r.body, file.text.len(), name, &text);
            }
            for e in &parsed.errors {
                assert!(e.offset <= file.text.len(), "{name}: {text:?}");
            }
            failed += usize::from(!parsed.errors.is_empty());
            extracted += usize::from(parsed.resources.len() > 1);
        }
        // The mutations must reach both the error paths and the extractors.
        assert!(
            failed > 0 && extracted > 0,
            "{name}: {failed} failed, {extracted} extracted"
        );
    }
}

/// One random change at a character boundary: a token in, a few bytes out,
/// or a line doubled.
fn mutate(text: &mut String, tokens: &[&str], seed: &mut u64) {
    let at = |text: &str, r: u64| {
        let mut i = (r as usize) % (text.len() + 1);
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    *seed = next(*seed);
    let i = at(text, *seed >> 33);
    match (*seed >> 20) % 3 {
        0 => text.insert_str(i, tokens[(*seed >> 40) as usize % tokens.len()]),
        1 => {
            let end = at(text, (i + ((*seed >> 45) as usize % 6)) as u64);
            if end > i {
                text.replace_range(i..end, "");
            }
        }
        _ => {
            let start = text[..i].rfind('\n').map_or(0, |n| n + 1);
            let end = text[i..].find('\n').map_or(text.len(), |n| i + n + 1);
            let line = text[start..end].to_string();
            text.insert_str(start, &line);
        }
    }
}

fn check_spans(node: &vouch::tree::Node, len: usize, name: &str, text: &str) {
    assert!(
        node.span.start <= node.span.end && node.span.end <= len,
        "{name}: {text:?}"
    );
    for item in node.items() {
        check_spans(item, len, name, text);
    }
    for entry in node.entries() {
        assert!(entry.key_span.end <= len, "{name}: {text:?}");
        check_spans(&entry.value, len, name, text);
    }
}

/// A linear congruential step; only the high bits are used.
fn next(seed: u64) -> u64 {
    seed.wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407)
}

/// A finding on a minified line keeps a window of it, not the megabytes:
/// in the JSON, and in the terminal, with the underline still on the value.
#[test]
fn a_finding_on_a_huge_line_shows_a_window_of_it() {
    let dir = tempfile::tempdir().unwrap();
    let padding = "a".repeat(300_000);
    std::fs::write(
        dir.path().join(".env"),
        format!("X={padding}\nOPENAI_BASE_URL=http://llm.internal/v1\n"),
    )
    .unwrap();
    // A plain-HTTP URL 200,000 characters into one line of JSON.
    std::fs::write(
        dir.path().join("bundle.env"),
        format!("OPENAI_BASE_URL=http://llm.internal/v1 {padding}\n"),
    )
    .unwrap();
    let run = |format: &str| {
        Command::cargo_bin("vouch")
            .unwrap()
            .current_dir(dir.path())
            .args([
                "check",
                ".",
                "--no-config",
                "--color",
                "never",
                "--format",
                format,
            ])
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };
    let out = run("json");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stdout.len() < 100_000,
        "{} bytes of JSON",
        out.stdout.len()
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let finding = |file: &str| {
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == "VCH-ENC-008" && f["file"] == file)
            .unwrap_or_else(|| panic!("no VCH-ENC-008 in {file}"))
            .clone()
    };
    let env = finding(".env");
    assert_eq!(env["line"], 2);
    assert_eq!(env["snippet"][0]["line"], 1);
    assert_eq!(
        env["snippet"][0]["text"].as_str().unwrap().chars().count(),
        400
    );
    assert_eq!(env["snippet"][0]["from_column"], 1);
    assert_eq!(env["snippet"][0]["line_chars"], 300_002);
    assert_eq!(
        env["snippet"][1]["text"],
        "OPENAI_BASE_URL=http://llm.internal/v1"
    );
    let bundle = finding("bundle.env");
    assert_eq!(bundle["column"], 17);
    let line = &bundle["snippet"][0];
    assert!(
        line["text"]
            .as_str()
            .unwrap()
            .starts_with("OPENAI_BASE_URL=http://")
    );
    assert_eq!(line["line_chars"], 300_039);

    // A key 200,000 characters into a minified bundle: the window holds its
    // redaction, and says where on the line it starts.
    let key = "sk-proj-JCNVTVGoaJ9Guoegz2yLFAKE2eVNpTpgnJvcCc3nhCgAqgMVU5qSTYSdEIT3BlbkFJ9eNI2V3GsWMU2U4shtCEq7BjdIGvAQFAKErcj6JQdbtsMjz1VnPEMCpJMy";
    std::fs::write(
        dir.path().join("app.min.js"),
        format!(
            "{}const k=\"{key}\";{}\n",
            "var a=1;".repeat(25_000),
            "var b=2;".repeat(25_000)
        ),
    )
    .unwrap();
    let out = run("json");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let bundle = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "VCH-ISO-001")
        .expect("the key in the bundle");
    assert_eq!(bundle["column"], 200_010);
    let line = &bundle["snippet"][0];
    assert_eq!(line["from_column"], 200_010 - 160);
    assert_eq!(line["line_chars"], 200_000 + 9 + key.len() + 2 + 200_000);
    let text = line["text"].as_str().unwrap();
    assert!(text.contains("const k=\"sk-proj-…(132 chars, #"), "{text}");
    assert!(!text.contains("T3BlbkFJ"), "{text}");

    let out = run("text");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.len() < 20_000, "{} bytes of text", text.len());
    assert!(text.contains("X=aaaa"), "{text}");
    assert!(text.contains("aaa…\n"), "a cut line ends in …:\n{text}");
}
