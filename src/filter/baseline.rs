//! Baselines: today's findings, recorded so that only new ones fail.
//!
//! A baseline lists findings by fingerprint, with the rule, file and
//! resource for a reader; it holds no line numbers and no timestamps, and is
//! sorted, so that two branches that each rebaseline rarely conflict, and a
//! rebaseline with nothing new writes the same bytes.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::result::{Finding, SCHEMA_VERSION};

/// A baseline file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Baseline {
    /// Always [`SCHEMA_VERSION`].
    pub schema_version: String,
    /// `vouch`.
    pub tool: String,
    /// The findings accepted as they stand.
    pub findings: Vec<Entry>,
}

/// One accepted finding.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entry {
    /// The file, relative to its scan root (for a reader; matching is by fingerprint).
    pub file: String,
    /// The rule.
    pub rule: String,
    /// The resource.
    pub resource: String,
    /// The finding's fingerprint.
    pub fingerprint: String,
}

impl Baseline {
    /// The baseline of `findings`: those not already waived or suppressed.
    /// `relative` maps a finding's displayed file to its path below the scan root.
    pub fn of(findings: &[Finding], relative: &HashMap<String, String>) -> Baseline {
        let mut entries: Vec<Entry> = findings
            .iter()
            .filter(|f| f.suppressed.is_none())
            .map(|f| Entry {
                file: relative
                    .get(&f.file)
                    .cloned()
                    .unwrap_or_else(|| f.file.clone()),
                rule: f.rule.clone(),
                resource: f.resource.clone(),
                fingerprint: f.fingerprint.clone(),
            })
            .collect();
        entries.sort();
        entries.dedup();
        Baseline {
            schema_version: SCHEMA_VERSION.into(),
            tool: "vouch".into(),
            findings: entries,
        }
    }

    /// Reads a baseline; a file that is not one is an error naming the file and line.
    pub fn read(path: &Path) -> miette::Result<Baseline> {
        let shown = crate::engine::secrets::redact(&crate::source::display_path(path));
        let text = std::fs::read_to_string(path)
            .map_err(|e| miette::miette!("cannot read baseline {shown}: {e}"))?;
        let baseline: Baseline = serde_json::from_str(&text).map_err(|e| {
            miette::miette!(
                help = "write a baseline with `vouch baseline -o FILE`",
                "{shown}:{}:{}: not a vouch baseline: {e}",
                e.line(),
                e.column()
            )
        })?;
        if baseline.schema_version != SCHEMA_VERSION {
            miette::bail!(
                "{shown}: baseline schema_version `{}` is not `{SCHEMA_VERSION}`; write it again with `vouch baseline`",
                baseline.schema_version
            );
        }
        Ok(baseline)
    }

    /// The JSON text, one entry per line block, ending in a newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}
