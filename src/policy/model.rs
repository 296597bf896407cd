//! The policy file as written: serde types for packs and rules.
//!
//! These mirror `schemas/policy.schema.json`. Conditions (`assert`, `where`)
//! stay as JSON here and are compiled by [`super::cond`], which can point at
//! the exact sub-condition that is wrong.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::result::Severity;

/// A policy pack file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackFile {
    /// Always `vouch/v1`.
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    /// Always `PolicyPack`.
    pub kind: String,
    /// Name, version, description.
    pub metadata: Metadata,
    /// Defaults for params the rules use; config may override them by name.
    #[serde(default)]
    pub params: BTreeMap<String, serde_json::Value>,
    /// Data for named detectors (e.g. `secrets`).
    #[serde(default)]
    pub detectors: BTreeMap<String, serde_json::Value>,
    /// The rules.
    #[serde(default)]
    pub rules: Vec<RuleDef>,
}

/// A pack's metadata.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Metadata {
    /// The pack's name.
    pub name: String,
    /// Its version.
    pub version: String,
    /// What it is for.
    #[serde(default)]
    pub description: String,
}

/// Whether a rule looks at one resource at a time or at the whole scan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Evaluated once per matching resource.
    #[default]
    Resource,
    /// Evaluated once per scan, over all resources.
    Project,
}

/// A rule as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    /// `VCH-AREA-NNN`.
    pub id: String,
    /// Kebab-case name of the pattern it flags.
    pub name: String,
    /// One-line title.
    pub title: String,
    /// One of the six areas.
    pub area: String,
    /// Default severity.
    pub severity: Severity,
    /// Controls served, `framework:id`.
    #[serde(default)]
    pub controls: Vec<String>,
    /// What it checks.
    pub description: String,
    /// Why it matters.
    #[serde(default)]
    pub rationale: String,
    /// A failing example, in the file's own syntax.
    #[serde(default)]
    pub example: String,
    /// The example, fixed.
    #[serde(default)]
    pub fix: String,
    /// Links or citations.
    #[serde(default)]
    pub references: Vec<String>,
    /// What it applies to.
    pub target: TargetDef,
    /// Resource (default) or project.
    #[serde(default)]
    pub scope: Scope,
    /// The condition that must hold.
    pub assert: serde_json::Value,
    /// The message of a finding (handlebars: `{{value}}`, `{{subject}}`, `{{params.x}}`…).
    pub message: String,
    /// What to change.
    pub remediation: String,
    /// Params (override pack params; config overrides both).
    #[serde(default)]
    pub params: BTreeMap<String, serde_json::Value>,
}

/// The resources a rule applies to.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetDef {
    /// Resource kinds; `*` matches any run of characters.
    pub kinds: Vec<String>,
    /// Only resources for which this condition holds.
    #[serde(default, rename = "where")]
    pub filter: Option<serde_json::Value>,
    /// Only resources in these environments.
    #[serde(default)]
    pub environments: Vec<String>,
}
