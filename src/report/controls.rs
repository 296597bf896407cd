//! Control coverage: which rules serve each control of each framework, and how they fared.
//!
//! Controls are strings `framework:control` (`nist-800-53:IA-5(7)`,
//! `owasp-llm:LLM02:2025`); the framework is everything before the first
//! colon. An auditor reads one table per framework, so the grouping, the
//! framework's proper name and a natural sort order (`IA-5(2)` before
//! `IA-5(10)`) are settled here rather than in the templates.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::RuleInfo;
use crate::result::ScanResult;

/// The controls of one framework.
#[derive(Debug, Serialize)]
pub struct Framework {
    /// The prefix, `nist-800-53`.
    pub key: String,
    /// Its proper name, `NIST SP 800-53`.
    pub label: String,
    /// Its controls in natural order.
    pub controls: Vec<ControlRow>,
    /// How many of them have an open finding.
    pub failing: usize,
}

/// One control and the checks that bear on it.
#[derive(Debug, Default, Serialize)]
pub struct ControlRow {
    /// The control within the framework, `IA-5(7)`.
    pub id: String,
    /// The full string, `nist-800-53:IA-5(7)`.
    pub control: String,
    /// The official title, from `data/controls.yaml`, when the control is listed there.
    pub title: Option<String>,
    /// Ids of the rules that serve it.
    pub rules: Vec<String>,
    /// Passed checks of those rules.
    pub passed: usize,
    /// Open findings of those rules.
    pub failed: usize,
    /// Suppressed findings of those rules.
    pub suppressed: usize,
    /// Checks of those rules the files could not settle.
    pub unknown: usize,
    /// `failing`, `unsettled`, `passing`, `waived` or `untested`.
    pub status: &'static str,
}

/// The control catalogue: frameworks with their pinned versions and the
/// official titles of the controls the built-in pack may cite.
pub const CATALOGUE: &str = include_str!("../../data/controls.yaml");

/// A framework of the catalogue.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueFramework {
    /// Its name with the version, `NIST SP 800-53 Rev. 5`.
    pub name: String,
    /// Control id → official title.
    pub controls: BTreeMap<String, String>,
}

/// The catalogue, by framework prefix (`nist-800-53`).
pub fn catalogue() -> &'static BTreeMap<String, CatalogueFramework> {
    static CATALOGUE_DATA: std::sync::OnceLock<BTreeMap<String, CatalogueFramework>> =
        std::sync::OnceLock::new();
    CATALOGUE_DATA.get_or_init(|| {
        let root = crate::inputs::yaml::parse(CATALOGUE)
            .ok()
            .and_then(|d| d.into_iter().next())
            .map(|d| d.root.to_json());
        root.and_then(|r| r.get("frameworks").cloned())
            .and_then(|f| serde_json::from_value(f).ok())
            .unwrap_or_default()
    })
}

/// The official title of `framework:id`, if the catalogue lists it.
pub fn control_title(control: &str) -> Option<&'static str> {
    let (key, id) = control.split_once(':')?;
    catalogue().get(key)?.controls.get(id).map(String::as_str)
}

/// The proper name of a framework prefix, with its version where the
/// catalogue pins one; unknown prefixes are shown as written.
pub(crate) fn framework_label(key: &str) -> String {
    if let Some(f) = catalogue().get(key) {
        return f.name.clone();
    }
    match key {
        "nist-800-53" => "NIST SP 800-53",
        "nist-csf" => "NIST Cybersecurity Framework",
        "soc2" => "SOC 2",
        "iso27001" => "ISO/IEC 27001",
        "iso42001" => "ISO/IEC 42001",
        "cis-k8s" => "CIS Kubernetes Benchmark",
        "cis-aws" => "CIS AWS Foundations Benchmark",
        "cis-docker" => "CIS Docker Benchmark",
        "owasp-llm" => "OWASP Top 10 for LLM Applications",
        "owasp-asvs" => "OWASP ASVS",
        "pci-dss" => "PCI DSS",
        "hipaa" => "HIPAA",
        "gdpr" => "GDPR",
        "tw-pdpa" => "Taiwan Personal Data Protection Act",
        "" => "Other",
        other => other,
    }
    .to_string()
}

/// Groups every control of `rules` and of the findings by framework.
pub(crate) fn frameworks(result: &ScanResult, rules: &[RuleInfo]) -> Vec<Framework> {
    let mut rows: BTreeMap<String, ControlRow> = BTreeMap::new();
    let mut rules_of: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for rule in rules {
        for control in &rule.controls {
            rules_of.entry(control).or_default().insert(&rule.id);
        }
    }
    let controls_of: BTreeMap<&str, &[String]> = rules
        .iter()
        .map(|r| (r.id.as_str(), r.controls.as_slice()))
        .collect();
    let controls = |rule: &str| controls_of.get(rule).copied().unwrap_or_default();

    for f in &result.findings {
        for control in &f.controls {
            rules_of.entry(control).or_default().insert(&f.rule);
            let row = rows.entry(control.clone()).or_default();
            match f.suppressed {
                None => row.failed += 1,
                Some(_) => row.suppressed += 1,
            }
        }
    }
    for c in &result.passed {
        for control in controls(&c.rule) {
            rows.entry(control.clone()).or_default().passed += 1;
        }
    }
    for u in &result.unknown {
        for control in controls(&u.rule) {
            rows.entry(control.clone()).or_default().unknown += 1;
        }
    }
    for (control, ids) in rules_of {
        let row = rows.entry(control.to_string()).or_default();
        row.rules = ids.into_iter().map(str::to_string).collect();
    }
    group(rows)
}

fn group(rows: BTreeMap<String, ControlRow>) -> Vec<Framework> {
    let mut by_framework: BTreeMap<String, Vec<ControlRow>> = BTreeMap::new();
    for (control, mut row) in rows {
        let (key, id) = control.split_once(':').unwrap_or(("", control.as_str()));
        row.id = id.to_string();
        row.status = status(&row);
        by_framework
            .entry(key.to_string())
            .or_default()
            .push(ControlRow {
                // The catalogue marks articles that have no official heading; show no title for them.
                title: control_title(&control)
                    .filter(|t| *t != "(no heading)")
                    .map(str::to_string),
                control: control.clone(),
                ..row
            });
    }
    by_framework
        .into_iter()
        .map(|(key, mut controls)| {
            controls.sort_by(|a, b| natural_cmp(&a.id, &b.id));
            Framework {
                label: framework_label(&key),
                failing: controls.iter().filter(|c| c.failed > 0).count(),
                key,
                controls,
            }
        })
        .collect()
}

fn status(row: &ControlRow) -> &'static str {
    if row.failed > 0 {
        "failing"
    } else if row.unknown > 0 {
        "unsettled"
    } else if row.passed > 0 {
        "passing"
    } else if row.suppressed > 0 {
        "waived"
    } else {
        "untested"
    }
}

/// Compares control ids with digit runs as numbers: `A.8.9` < `A.8.24`, `IA-5(2)` < `IA-5(10)`.
pub(crate) fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a, b);
    loop {
        let (Some(ca), Some(cb)) = (a.chars().next(), b.chars().next()) else {
            return a.len().cmp(&b.len());
        };
        if ca.is_ascii_digit() && cb.is_ascii_digit() {
            let na = a.len() - a.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            let nb = b.len() - b.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            let (da, db) = (
                a[..na].trim_start_matches('0'),
                b[..nb].trim_start_matches('0'),
            );
            let ord = da.len().cmp(&db.len()).then_with(|| da.cmp(db));
            if ord != Ordering::Equal {
                return ord;
            }
            (a, b) = (&a[na..], &b[nb..]);
        } else {
            if ca != cb {
                return ca.cmp(&cb);
            }
            (a, b) = (&a[ca.len_utf8()..], &b[cb.len_utf8()..]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order_reads_numbers_as_numbers() {
        let mut ids = vec![
            "IA-5(10)", "IA-5(2)", "A.8.24", "A.8.9", "CC6.1", "CC10.1", "AC-2",
        ];
        ids.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            ids,
            [
                "A.8.9", "A.8.24", "AC-2", "CC6.1", "CC10.1", "IA-5(2)", "IA-5(10)"
            ]
        );
    }

    #[test]
    fn framework_is_the_prefix_before_the_first_colon() {
        let rows = BTreeMap::from([(
            "owasp-llm:LLM02:2025".to_string(),
            ControlRow {
                passed: 1,
                ..ControlRow::default()
            },
        )]);
        let frameworks = group(rows);
        assert_eq!(frameworks.len(), 1);
        assert_eq!(
            frameworks[0].label,
            "OWASP Top 10 for LLM Applications 2025"
        );
        assert_eq!(frameworks[0].controls[0].id, "LLM02:2025");
        assert_eq!(frameworks[0].controls[0].status, "passing");
    }
}
