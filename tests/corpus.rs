//! vouch on real public infrastructure code: ../shared/corpus (read from
//! there, never copied in). Each folder must scan without a panic, exit 0
//! or 1, print valid JSON, and parse every file its upstream deploys.

use std::path::Path;

use assert_cmd::Command;

#[test]
fn every_corpus_folder_scans_cleanly() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if !corpus.is_dir() {
        println!("skipped: {} is absent", corpus.display());
        return;
    }
    let mut folders: Vec<_> = std::fs::read_dir(&corpus)
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.path())
        .collect();
    folders.sort();
    assert!(folders.len() >= 6, "expected the six corpus folders");
    for folder in folders {
        let out = Command::cargo_bin("vouch")
            .unwrap()
            .args(["check", "--format", "json", "--now", "2026-12-01"])
            .arg(&folder)
            .output()
            .unwrap();
        let code = out.status.code();
        assert!(
            matches!(code, Some(0 | 1)),
            "{}: exit {code:?}\n{}",
            folder.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{}: not JSON: {e}", folder.display()));
        let errors = v["errors"].as_array().unwrap();
        assert!(
            errors.is_empty(),
            "{}: parse errors {errors:#?}",
            folder.display()
        );
        assert!(v["scan"]["files_scanned"].as_u64().unwrap() > 0);
    }
}
