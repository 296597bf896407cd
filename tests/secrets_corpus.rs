//! Runs the key detectors and redaction over the real-world corpus in
//! /work/shared/corpus (read-only, public infrastructure code) and prints
//! every match as `file:line provider/class redacted`, for review with
//! `--nocapture`. Skips with a printed reason when the corpus is absent. The
//! assertions pin the reviewed verdicts, so a new false positive, or a lost
//! true positive, fails the test.

#[path = "support/secrets.rs"]
mod support;

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

const CORPUS: &str = "/work/shared/corpus";

/// The corpus files (relative path, text) in path order, or `None` when the corpus is absent.
fn corpus_files() -> Option<Vec<(PathBuf, String)>> {
    let corpus = Path::new(CORPUS);
    if !corpus.is_dir() {
        println!("skipped: {CORPUS} is absent");
        return None;
    }
    let walk = WalkDir::new(corpus).sort_by_file_name().into_iter();
    let files = walk
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let text = std::fs::read_to_string(e.path()).ok()?;
            let rel = e.path().strip_prefix(corpus).ok()?.to_path_buf();
            Some((rel, text))
        })
        .collect();
    Some(files)
}

#[test]
fn corpus_matches_are_the_reviewed_ones() {
    let Some(files) = corpus_files() else {
        return;
    };
    let secrets = support::secrets();
    let started = std::time::Instant::now();
    let (mut lines, mut located) = (Vec::new(), Vec::new());
    for (rel, text) in &files {
        for m in secrets.find_keys(text) {
            let line = text[..m.span.start].matches('\n').count() + 1;
            let place = format!("{}:{line} {}/{}", rel.display(), m.provider, m.class);
            lines.push(format!("{place} {}", m.redacted));
            located.push(place);
        }
    }
    println!(
        "{} matches in {} files ({:?}):",
        lines.len(),
        files.len(),
        started.elapsed()
    );
    for line in &lines {
        println!("{line}");
    }
    assert!(files.len() > 800, "only {} corpus files read", files.len());

    // Reviewed: both are the credential pair terragoat plants in EC2 user data
    // (a near-copy of the AWS documentation pair, altered so that scanners
    // cannot allow-list it): true positives. The exact AWS documentation keys
    // elsewhere in terragoat are placeholders and must stay unreported.
    assert_eq!(
        located,
        [
            "terragoat/terraform/aws/ec2.tf:15 aws/access-key-id",
            "terragoat/terraform/aws/ec2.tf:16 aws/secret-access-key",
        ]
    );
}

/// Prints every corpus line that `redact_text` changes, in its redacted form,
/// and checks that no detected key survives the redaction of a whole file.
#[test]
fn corpus_lines_changed_by_redact_text() {
    let Some(files) = corpus_files() else {
        return;
    };
    let secrets = support::secrets();
    let mut changed = Vec::new();
    for (rel, text) in &files {
        let redacted = secrets.redact_text(text);
        assert!(secrets.find_keys(&redacted).is_empty(), "{}", rel.display());
        if redacted == *text {
            continue;
        }
        for (i, line) in text.lines().enumerate() {
            let red = secrets.redact_text(line);
            if red != line {
                changed.push(format!("{}:{} {}", rel.display(), i + 1, red.trim()));
            }
        }
    }
    println!("{} lines redacted:", changed.len());
    for c in &changed {
        println!("{c}");
    }
    // Reviewed: literal passwords in compose files, Kubernetes Secrets,
    // Cassandra configs and Terraform; database URLs with passwords; the planted
    // AWS pair; the kubernetes-goat API key. References and templates stay visible.
    assert_eq!(changed.len(), 41);
}

/// Every finding of a key-isolation rule and of VCH-PRV-015 on the corpus, as
/// `RULE file:line`, against the reviewed list (all true positives; the
/// verdicts and the false positives mended on the way are in the issue note).
/// A new false positive, or a lost true positive, fails here.
#[test]
fn corpus_secret_findings_are_the_reviewed_ones() {
    use vouch::policy::load::{self, PackSource};
    use vouch::scan::{self, ScanOptions};

    if !Path::new(CORPUS).is_dir() {
        println!("skipped: {CORPUS} is absent");
        return;
    }
    let policies = load::load(&PackSource::builtin(), &Default::default()).unwrap();
    let options = ScanOptions {
        roots: vec![PathBuf::from(CORPUS)],
        ..ScanOptions::default()
    };
    let result = scan::run(&options, &policies).unwrap().result;
    let prefix = format!("{CORPUS}/");
    let mut got: Vec<String> = result
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("VCH-ISO-") || f.rule == "VCH-PRV-015")
        .map(|f| {
            let file = f.file.strip_prefix(&prefix).unwrap_or(&f.file);
            format!("{} {file}:{}", f.rule, f.line)
        })
        .collect();
    got.sort();
    let reviewed = std::fs::read_to_string(
        support::root().join("tests/fixtures/secrets/corpus-secret-findings.txt"),
    )
    .unwrap();
    let mut expected: Vec<&str> = reviewed
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    expected.sort_unstable();
    assert_eq!(got, expected);
}
