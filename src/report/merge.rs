//! Merging saved results into one, for `vouch report a.json b.json …`.
//!
//! Organisations run one `vouch check` per repository or shard and merge the
//! JSON afterwards, so the merge must keep where each entry came from: every
//! finding, passed check, unknown and error gets an `origin` (the name of the
//! file it was read from), unless it already has one from an earlier merge.

use super::ReportError;
use crate::result::{PackInfo, RuleInfo, SCHEMA_VERSION, ScanInfo, ScanResult, Tool};

/// Merges `results`, each paired with the name of the file it was read from.
///
/// Lists are concatenated in input order and the summary recounted. Roots
/// and policy packs are combined without repeats; `started_at` is the
/// earliest; file counts are added. `policy_digest`, `now` and `git` are
/// kept when every input agrees (`git.dirty` when any input was dirty);
/// otherwise the digest becomes `mixed` and `now` and `git` are dropped.
/// `tool.version` is that of the inputs (several, comma-separated, when they differ). `merged_from` lists the inputs (an input
/// that was itself a merge contributes its own `merged_from`).
pub fn merge(results: Vec<(String, ScanResult)>) -> Result<ScanResult, ReportError> {
    let Some(first) = results.first() else {
        return Err(ReportError::InvalidResult {
            file: String::new(),
            line: 0,
            column: 0,
            message: "nothing to merge: give at least one result file".into(),
        });
    };
    let mut scan = ScanInfo {
        started_at: first.1.scan.started_at.clone(),
        policy_digest: first.1.scan.policy_digest.clone(),
        now: first.1.scan.now.clone(),
        git: first.1.scan.git.clone(),
        ..ScanInfo::default()
    };
    // The version of the vouch that checked the files, not of the one merging them.
    let mut versions: Vec<&str> = results
        .iter()
        .map(|(_, r)| r.tool.version.as_str())
        .collect();
    versions.sort_unstable();
    versions.dedup();
    let tool = Tool {
        version: versions.join(", "),
        ..Tool::default()
    };
    let mut merged = ScanResult {
        tool,
        ..ScanResult::default()
    };

    for (name, result) in results {
        if result.schema_version != SCHEMA_VERSION {
            return Err(ReportError::InvalidResult {
                file: name,
                line: 0,
                column: 0,
                message: format!("schema_version is `{}`", result.schema_version),
            });
        }
        merge_scan(&mut scan, &name, result.scan);
        let origin = |o: Option<String>| o.or_else(|| Some(name.clone()));
        merged
            .findings
            .extend(result.findings.into_iter().map(|mut f| {
                f.origin = origin(f.origin.take());
                f
            }));
        merged.passed.extend(result.passed.into_iter().map(|mut c| {
            c.origin = origin(c.origin.take());
            c
        }));
        merged
            .unknown
            .extend(result.unknown.into_iter().map(|mut u| {
                u.origin = origin(u.origin.take());
                u
            }));
        merged.errors.extend(result.errors.into_iter().map(|mut e| {
            e.origin = origin(e.origin.take());
            e
        }));
        merged
            .exceptions
            .extend(result.exceptions.into_iter().map(|mut x| {
                x.origin = origin(x.origin.take());
                x
            }));
        merge_rules(&mut merged.rules, &name, result.rules);
    }
    merged.scan = scan;
    merged.recount();
    Ok(merged)
}

/// Adds the rules one input describes; a rule id already known keeps its
/// first description, and a different title, area or controls is worth a
/// warning (two shards checked with two versions of a pack).
fn merge_rules(into: &mut Vec<RuleInfo>, name: &str, rules: Vec<RuleInfo>) {
    for rule in rules {
        match into.iter().find(|r| r.id == rule.id) {
            None => into.push(rule),
            Some(known)
                if (&known.title, &known.area, &known.controls)
                    != (&rule.title, &rule.area, &rule.controls) =>
            {
                log::warn!(
                    "{name} describes {} differently from an earlier result; the report uses the first description",
                    rule.id
                );
            }
            // A severity changed by one repository's config is not a conflict.
            Some(_) => {}
        }
    }
}

/// Folds one input's scan facts into the merged ones.
fn merge_scan(into: &mut ScanInfo, name: &str, scan: ScanInfo) {
    for root in scan.roots {
        if !into.roots.contains(&root) {
            into.roots.push(root);
        }
    }
    for pack in scan.policies {
        if !into.policies.iter().any(|p: &PackInfo| p == &pack) {
            into.policies.push(pack);
        }
    }
    // RFC 3339 times in UTC compare correctly as text; the earliest start is the merged start.
    if scan.started_at < into.started_at {
        into.started_at = scan.started_at;
    }
    if scan.policy_digest != into.policy_digest {
        into.policy_digest = "mixed".into();
    }
    if scan.now != into.now {
        into.now = None;
    }
    let same_git = match (&scan.git, &into.git) {
        (Some(a), Some(b)) => a.commit == b.commit && a.branch == b.branch,
        _ => false,
    };
    if !same_git {
        into.git = None;
    } else if let (Some(a), Some(b)) = (&scan.git, &mut into.git) {
        b.dirty |= a.dirty;
    }
    into.files_scanned += scan.files_scanned;
    into.files_skipped += scan.files_skipped;
    // TODO: `Skipped` has no `origin`, so a merged list cannot say which input skipped a file;
    // add the field to result.rs when someone needs it.
    into.skipped.extend(scan.skipped);
    if scan.merged_from.is_empty() {
        into.merged_from.push(name.to_string());
    } else {
        into.merged_from.extend(scan.merged_from);
    }
}
