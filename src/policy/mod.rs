//! Policies: packs of rules, loaded from YAML and compiled for the engine.
//!
//! `model` is the pack as written, `shape` checks it against the schema,
//! `cond` compiles conditions, `templates` checks messages, `detectors`
//! merges detector data, `problem` turns every problem into a diagnostic and
//! `load` runs them in order.

pub mod cond;
pub mod detectors;
pub mod load;
pub mod model;
pub mod ops;
pub mod problem;
pub mod shape;
pub mod templates;

use std::collections::BTreeMap;

use serde_json::Value as J;

use crate::resource::Environment;
use crate::result::{PackInfo, Severity};
use cond::{Cond, KindSet};
use model::RuleDef;

/// A compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The rule as written (id, texts, controls).
    pub def: RuleDef,
    /// The effective severity (config may override the default).
    pub severity: Severity,
    /// The kinds it targets.
    pub kinds: KindSet,
    /// Only resources for which this holds.
    pub filter: Option<Cond>,
    /// Only resources in these environments (empty: all).
    pub environments: Vec<Environment>,
    /// What must hold.
    pub assert: Cond,
    /// The effective params.
    pub params: BTreeMap<String, J>,
    /// The pack it came from.
    pub pack: String,
}

/// Every rule in force, with the detector data of their packs.
#[derive(Debug, Clone, Default)]
pub struct PolicySet {
    /// The rules, in pack order.
    pub rules: Vec<Rule>,
    /// The packs.
    pub packs: Vec<PackInfo>,
    /// Detector data by family (`secrets`), merged across packs.
    pub detectors: BTreeMap<String, J>,
    /// `sha256:` over the packs' texts and the param overrides.
    pub digest: String,
}

impl Rule {
    /// Whether the rule says one thing of the whole project (see [`Cond::is_about_project`]).
    pub fn is_about_project(&self) -> bool {
        self.def.scope == model::Scope::Project && self.assert.is_about_project()
    }
}

impl PolicySet {
    /// The rule with this id.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.def.id == id)
    }
}
