//! vouch on real public infrastructure code: ../shared/corpus (read from
//! there, never copied in). Each folder must scan without a panic, exit 0
//! or 1, print valid JSON, and parse every file its upstream deploys (five
//! archived manifests with a key written twice are errors, as for kubectl); the
//! only files skipped are Helm chart templates, and every finding has a
//! place (line and column from 1, its end not before its start).

use std::path::Path;

use assert_cmd::Command;

#[test]
fn every_corpus_folder_scans_cleanly() {
    // VOUCH_CORPUS points elsewhere, for a checkout that has no ../shared beside it.
    let corpus = std::env::var_os("VOUCH_CORPUS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
        std::path::PathBuf::from,
    );
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
        // Five archived kubernetes-examples manifests write a key twice in one
        // mapping; kubectl refuses them (`key "selector" already set in map`),
        // so they are errors of those files, reported and still checked.
        let errors: Vec<(String, u64)> = v["errors"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| {
                !(e["message"]
                    .as_str()
                    .unwrap()
                    .starts_with("duplicate key `")
                    && e["file"].as_str().unwrap().contains("/_archived/"))
            })
            .map(|e| {
                (
                    e["file"].as_str().unwrap().to_string(),
                    e["line"].as_u64().unwrap(),
                )
            })
            .collect();
        assert!(
            errors.is_empty(),
            "{}: parse errors {errors:#?}",
            folder.display()
        );
        let duplicates = v["errors"].as_array().unwrap().len();
        let expected = if folder.ends_with("kubernetes-examples") {
            5
        } else {
            0
        };
        assert_eq!(
            duplicates,
            expected,
            "{}: {}",
            folder.display(),
            v["errors"]
        );
        assert!(v["scan"]["files_scanned"].as_u64().unwrap() > 0);
        for skipped in v["scan"]["skipped"].as_array().unwrap() {
            let reason = skipped["reason"].as_str().unwrap();
            assert!(
                reason.starts_with("Helm chart template"),
                "{}: {skipped}",
                folder.display()
            );
        }
        for f in v["findings"].as_array().unwrap() {
            let at = |k: &str| f[k].as_u64().unwrap();
            assert!(
                at("line") >= 1
                    && at("column") >= 1
                    && (at("end_line"), at("end_column")) >= (at("line"), at("column")),
                "{}: {f}",
                folder.display()
            );
        }
    }
}
