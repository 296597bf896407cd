//! Every built-in rule against its fixtures.
//!
//! Each rule has `tests/fixtures/rules/<RULE-ID>/fail/` and `.../pass/`. The
//! `fail` folder holds `expected.txt`: one `path:line` per finding the rule
//! must report there (paths relative to the folder), nothing more. The `pass`
//! folder must give no finding of that rule and at least one passed check of
//! it, so that a folder holding nothing the rule looks at (or only what it
//! cannot settle) cannot pass for a test. Each folder is scanned as its own
//! project, with `--now 2026-12-01`, so project-wide rules can be tested. A
//! fixture folder named after no rule is an error too.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use vouch::policy::PolicySet;
use vouch::policy::load::{self, PackSource};
use vouch::scan::{self, ScanOptions};

fn builtin() -> PolicySet {
    load::load(&PackSource::builtin(), &Default::default()).expect("the built-in pack loads")
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules")
}

/// `path:line` of every finding of `rule` in `dir`, paths relative to `dir`,
/// and how many checks of `rule` passed there.
fn findings(policies: &PolicySet, dir: &Path, rule: &str) -> (Vec<String>, usize) {
    let options = ScanOptions {
        roots: vec![dir.to_path_buf()],
        now: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
        ..ScanOptions::default()
    };
    let scan = scan::run(&options, policies).unwrap();
    assert!(
        scan.result.errors.is_empty(),
        "{}: parse errors {:?}",
        dir.display(),
        scan.result.errors
    );
    let prefix = format!("{}/", vouch::source::display_path(dir));
    let mut out: Vec<String> = scan
        .result
        .findings
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| {
            format!(
                "{}:{}",
                f.file.strip_prefix(&prefix).unwrap_or(&f.file),
                f.line
            )
        })
        .collect();
    out.sort();
    let passed = scan.result.passed.iter().filter(|p| p.rule == rule).count();
    (out, passed)
}

#[test]
fn every_rule_fires_on_its_failing_fixture_and_not_on_its_passing_one() {
    let policies = builtin();
    let mut problems = Vec::new();
    for rule in &policies.rules {
        let id = &rule.def.id;
        let dir = fixtures().join(id);
        let (fail, pass) = (dir.join("fail"), dir.join("pass"));
        if !fail.is_dir() || !pass.is_dir() {
            problems.push(format!(
                "{id}: no fail/ and pass/ fixtures under {}",
                dir.display()
            ));
            continue;
        }
        let expected_text = std::fs::read_to_string(fail.join("expected.txt")).unwrap_or_default();
        let mut expected: Vec<String> = expected_text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .collect();
        expected.sort();
        if expected.is_empty() {
            problems.push(format!("{id}: fail/expected.txt lists no finding"));
        }
        let (got, _) = findings(&policies, &fail, id);
        if got != expected {
            problems.push(format!("{id} fail/: expected {expected:?}, got {got:?}"));
        }
        let (got, passed) = findings(&policies, &pass, id);
        if !got.is_empty() {
            problems.push(format!("{id} pass/: expected no finding, got {got:?}"));
        }
        if passed == 0 {
            problems.push(format!(
                "{id} pass/: no check of the rule passed there (nothing it targets, or only unknowns)"
            ));
        }
    }
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if policies.rule(&name).is_none() {
            problems.push(format!("tests/fixtures/rules/{name}: no rule has this id"));
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn rule_ids_and_names_are_unique() {
    let policies = builtin();
    let mut ids: Vec<&str> = policies.rules.iter().map(|r| r.def.id.as_str()).collect();
    let mut names: Vec<&str> = policies.rules.iter().map(|r| r.def.name.as_str()).collect();
    let (n_ids, n_names) = (ids.len(), names.len());
    ids.sort_unstable();
    ids.dedup();
    names.sort_unstable();
    names.dedup();
    assert_eq!(ids.len(), n_ids, "duplicate rule ids");
    assert_eq!(names.len(), n_names, "duplicate rule names");
}
