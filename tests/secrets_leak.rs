//! No invented secret ever leaves vouch (issue 4, "never leak one ourselves").
//!
//! `tests/fixtures/secrets/leak/` holds invented keys and passwords in every
//! shape that once leaked (audit A1–A8): a Terraform default and a
//! CloudFormation `Default` on the line after their declaration, PEM blocks
//! in a file, a YAML block scalar and a heredoc, keys whose `near` words stand
//! on another line, a key split over a quoted two-line value, weak passwords
//! named on the line before, command-line and URL forms, broken files, and
//! keys where no key belongs: a waiver's and a comment's reason and owner, a
//! resource's name, a file's name (audit F1). One
//! run writes every report format and the `-vvv` log; further runs hit the
//! error paths that quote a file (a broken policy, a scanned file validated
//! as a policy, a bad config). No output may hold any secret of
//! `leak-secrets.json` in full, nor any 20 characters of it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixtures() -> PathBuf {
    root().join("tests/fixtures/secrets")
}

/// An invented secret, with the public parts redaction may show.
struct Invented {
    name: String,
    secret: String,
    prefix: String,
    suffix: String,
}

fn invented() -> Vec<Invented> {
    let text = std::fs::read_to_string(fixtures().join("leak-secrets.json")).unwrap();
    let json: Value = serde_json::from_str(&text).unwrap();
    let field = |v: &Value, k: &str| v[k].as_str().unwrap_or_default().to_string();
    json["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| Invented {
            name: field(v, "name"),
            secret: field(v, "secret"),
            prefix: field(v, "public_prefix"),
            suffix: field(v, "public_suffix"),
        })
        .collect()
}

fn vouch() -> Command {
    let mut cmd = Command::cargo_bin("vouch").unwrap();
    cmd.env("NO_COLOR", "1").current_dir(root());
    cmd
}

/// Every text file below `dir`, concatenated.
fn tree_text(dir: &Path) -> String {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect()
}

/// `text` and the forms a renderer's escaping could hide a secret in: JSON
/// escapes undone, HTML entities decoded, Markdown backslashes removed.
fn readings(text: &str) -> Vec<String> {
    let json = text
        .replace("\\/", "/")
        .replace("\\n", "\n")
        .replace("\\\"", "\"")
        .replace("\\u002b", "+")
        .replace("\\u003d", "=")
        .replace("\\u0026", "&");
    let mut html = json.clone();
    for (entity, c) in [
        ("&amp;", "&"),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", "\""),
        ("&#39;", "'"),
        ("&#x27;", "'"),
        ("&#x2F;", "/"),
        ("&#x2f;", "/"),
        ("&#43;", "+"),
        ("&#x2B;", "+"),
        ("&#61;", "="),
        ("&#x3D;", "="),
        ("&#96;", "`"),
        ("&#x60;", "`"),
    ] {
        html = html.replace(entity, c);
    }
    let plain = html.replace('\\', "");
    vec![text.to_string(), json, html, plain]
}

/// The first leak of `s` in `text`: the whole secret, or 20 characters of
/// its secret part (public prefix and suffix left out) from one line.
fn leak_of(s: &Invented, text: &str) -> Option<String> {
    if text.contains(&s.secret) {
        return Some("the whole secret".into());
    }
    let body = s.secret[s.prefix.len()..s.secret.len() - s.suffix.len()].to_string();
    let chars: Vec<char> = body.chars().collect();
    chars
        .windows(20)
        .map(|w| w.iter().collect::<String>())
        .filter(|w| !w.contains('\n'))
        .find(|w| text.contains(w.as_str()))
        .map(|w| {
            format!(
                "20 characters of it ({} chars in)",
                body.find(&w).unwrap_or(0)
            )
        })
}

/// What one vouch run printed and wrote.
struct Outputs {
    texts: Vec<(String, String)>,
}

impl Outputs {
    fn add(&mut self, name: &str, bytes: &[u8]) {
        self.texts.push((
            name.to_string(),
            String::from_utf8_lossy(bytes).into_owned(),
        ));
    }
}

#[test]
fn no_invented_secret_appears_in_any_output_log_or_error() {
    let secrets = invented();
    let leak_dir = fixtures().join("leak");
    let policies = fixtures().join("leak-policies");

    // The test means nothing unless every secret really is in the inputs.
    let inputs = format!("{}{}", tree_text(&leak_dir), tree_text(&policies));
    for s in &secrets {
        use base64::Engine as _;
        let encoded = base64::engine::general_purpose::STANDARD.encode(&s.secret);
        assert!(
            inputs.contains(&s.secret) || inputs.contains(&encoded),
            "{} is in no fixture",
            s.name
        );
    }

    let dir = tempfile::tempdir().unwrap();
    let out = |name: &str| dir.path().join(name);
    let mut outputs = Outputs { texts: Vec::new() };

    let mut check = vouch();
    check
        .args(["check", "tests/fixtures/secrets/leak", "--color", "never"])
        .args([
            "--policy",
            "tests/fixtures/secrets/leak-policies/values.yaml",
        ])
        .args(["--format", "text", "-vvv"]);
    for (format, file) in [
        ("json", "r.json"),
        ("sarif", "r.sarif"),
        ("junit", "r.xml"),
        ("markdown", "r.md"),
        ("html", "r.html"),
    ] {
        check
            .arg("-o")
            .arg(format!("{format}={}", out(file).display()));
    }
    let run = check.output().unwrap();
    assert_eq!(
        run.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    outputs.add("text report", &run.stdout);
    outputs.add("-vvv log", &run.stderr);
    for file in ["r.json", "r.sarif", "r.xml", "r.md", "r.html"] {
        outputs.add(file, &std::fs::read(out(file)).unwrap());
    }
    // The baseline, which teams commit.
    let baseline = vouch()
        .args(["baseline", "tests/fixtures/secrets/leak", "-o"])
        .arg(out("baseline.json"))
        .args([
            "--policy",
            "tests/fixtures/secrets/leak-policies/values.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(
        baseline.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&baseline.stderr)
    );
    outputs.add("baseline", &std::fs::read(out("baseline.json")).unwrap());

    // A key in the path of the config and of the baseline (a folder named
    // after one): stderr, the summary and the result show them redacted.
    let github = &secrets.iter().find(|s| s.name == "github").unwrap().secret;
    let keyed = dir.path().join(format!("cfg-{github}"));
    std::fs::create_dir(&keyed).unwrap();
    std::fs::write(keyed.join("vouch.yaml"), "fail_on: never\n").unwrap();
    let keyed_run = |args: &[&str], extra: &[std::ffi::OsString]| {
        vouch()
            .args(args)
            .args(extra)
            .arg("--config")
            .arg(keyed.join("vouch.yaml"))
            .args(["-v", "--color", "never"])
            .output()
            .unwrap()
    };
    let made = keyed_run(
        &["baseline", "tests/fixtures/secrets/leak", "-o"],
        &[keyed.join("b.json").into_os_string()],
    );
    assert_eq!(
        made.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    outputs.add("baseline with a keyed path", &made.stderr);
    let checked = keyed_run(
        &["check", "tests/fixtures/secrets/leak", "--baseline"],
        &[
            keyed.join("b.json").into_os_string(),
            "-o".into(),
            format!("json={}", out("keyed.json").display()).into(),
        ],
    );
    assert_eq!(
        checked.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&checked.stderr)
    );
    outputs.add("keyed paths: text", &checked.stdout);
    outputs.add("keyed paths: stderr", &checked.stderr);
    outputs.add(
        "keyed paths: json",
        &std::fs::read(out("keyed.json")).unwrap(),
    );

    // The report really shows snippets of every fixture, redacted.
    let json: Value = serde_json::from_slice(&std::fs::read(out("r.json")).unwrap()).unwrap();
    // Both waivers matched, the one naming a resource by its key among them.
    let statuses: Vec<(&str, &str)> = json["exceptions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["kind"] == "waiver")
        .map(|x| (x["rule"].as_str().unwrap(), x["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        statuses,
        [("VCH-MON-008", "active"), ("VCH-PRV-009", "active")]
    );
    let files: BTreeSet<String> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["snippet"].as_array().is_some_and(|s| !s.is_empty()))
        .map(|f| f["file"].as_str().unwrap_or_default().to_string())
        .collect();
    for fixture in walkdir::WalkDir::new(&leak_dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
    {
        // A file named after a key is shown under its redacted name.
        let shown = vouch::engine::secrets::SecretsGlue::builtin().redact_text(
            &vouch::source::display_path(
                fixture
                    .path()
                    .strip_prefix(root())
                    .unwrap_or(fixture.path()),
            ),
        );
        assert!(
            files.contains(&shown),
            "no finding with a snippet in {shown}: {files:?}"
        );
    }
    assert!(
        outputs.texts[0].1.contains("chars, #"),
        "no redaction in the text report"
    );

    // Error paths that quote the file they complain about.
    let broken = vouch()
        .args(["check", "tests/fixtures/secrets/leak"])
        .args([
            "--policy",
            "tests/fixtures/secrets/leak-policies/broken.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(broken.status.code(), Some(2));
    outputs.add("broken policy", &broken.stderr);
    let validate = vouch()
        .args([
            "validate",
            "tests/fixtures/secrets/leak-policies/not-a-policy.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(validate.status.code(), Some(2));
    outputs.add("validate", &[validate.stdout, validate.stderr].concat());
    let config = vouch()
        .args(["check", "tests/fixtures/secrets/leak"])
        .args([
            "--config",
            "tests/fixtures/secrets/leak-policies/config.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(config.status.code(), Some(2));
    outputs.add("bad config", &config.stderr);
    for (name, text) in &outputs.texts[outputs.texts.len() - 3..] {
        assert!(text.contains(" │ "), "{name} quotes no line:\n{text}");
    }

    let mut leaks = Vec::new();
    for (name, text) in &outputs.texts {
        for reading in readings(text) {
            for s in &secrets {
                if let Some(what) = leak_of(s, &reading) {
                    leaks.push(format!("{name}: {what} of {}", s.name));
                }
            }
        }
    }
    leaks.dedup();
    assert!(
        leaks.is_empty(),
        "{} leak(s):\n{}",
        leaks.len(),
        leaks.join("\n")
    );
}

#[test]
fn the_leak_check_finds_a_leak() {
    // The check itself must be able to fail: a secret, 20 characters of it,
    // or either behind JSON, HTML or Markdown escaping is found.
    let all = invented();
    let s = all.iter().find(|s| s.name == "db_password").unwrap();
    let found = |text: &str| readings(text).iter().any(|r| leak_of(s, r).is_some());
    assert!(found(&format!("x {} y", s.secret)));
    let piece: String = s.secret.chars().skip(2).take(20).collect();
    assert!(found(&format!("… {piece} …")));
    assert!(found(&s.secret.replace('+', "&#43;")));
    assert!(found(&s.secret.replace('+', "\\u002b")));
    assert!(found(&format!("\\{}", s.secret)));
    let short: String = s.secret.chars().skip(2).take(19).collect();
    assert!(!found(&short));
    let pem = all.iter().find(|s| s.name == "pem_rsa").unwrap();
    assert!(leak_of(pem, "-----BEGIN RSA PRIVATE KEY-----…(1101 chars, #abcdef)").is_none());
}
