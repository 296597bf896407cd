//! `.vouch.yaml`: how a project runs vouch.
//!
//! The config is read in two stages, like a policy pack. First the YAML is
//! read with spans, checked against `schemas/config.schema.json` and typed;
//! dates, globs and severities are checked on the way. Then, once the policies
//! are loaded, [`Config::apply`] checks every rule id and param it names against
//! the rules in force, so a typo (`VCH-ENC-06`, `rotaton_max_days`) is an error
//! at its line rather than a setting that silently does nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono::NaiveDate;
use globset::{Glob, GlobMatcher, GlobSet, GlobSetBuilder};
use miette::{Diagnostic, SourceSpan};
use serde::Deserialize;
use serde_json::Value as J;
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::engine::env::EnvMap;
use crate::inputs::yaml;
use crate::policy::PolicySet;
use crate::policy::load::Overrides;
use crate::policy::problem::PolicyProblem;
use crate::resource::Environment;
use crate::result::Severity;
use crate::schema::Spans;
use crate::source::{Excerpt, SourceFile, Span, display_path};

/// The config schema, compiled into the binary.
pub const SCHEMA: &str = include_str!("../schemas/config.schema.json");

/// The names looked for in the first scan root.
pub const FILE_NAMES: [&str; 2] = [".vouch.yaml", ".vouch.yml"];

/// The config as written; every key is optional.
// Unknown keys are the schema's to report, with their line, before this is read.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ConfigFile {
    /// Extra policy files or folders, relative to the config file.
    pub policies: Vec<String>,
    /// Param overrides (`name` or `RULE-ID.name`).
    pub params: BTreeMap<String, J>,
    /// Severity per rule id.
    pub severity: BTreeMap<String, Severity>,
    /// Rule ids not to run.
    pub disable: Vec<String>,
    /// Globs of paths not to scan.
    pub exclude: Vec<String>,
    /// Environment name → globs and `namespace:NAME` entries.
    pub environments: BTreeMap<String, Vec<String>>,
    /// `critical` … `info`, or `never`.
    pub fail_on: Option<String>,
    /// Whether `vouch:ignore` comments count (default true).
    pub inline_suppressions: Option<bool>,
    /// Accepted risks.
    pub waivers: Vec<WaiverDef>,
}

/// A waiver as written. Every field defaults: the schema reports a missing
/// one at its line, and the rest of the file is still checked.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WaiverDef {
    /// The rule id.
    pub rule: String,
    /// Globs of files; all files when empty.
    #[serde(default)]
    pub paths: Vec<String>,
    /// A resource address or a glob of addresses.
    #[serde(default)]
    pub resource: Option<String>,
    /// Why the risk is accepted.
    pub reason: String,
    /// Who owns it.
    #[serde(default)]
    pub owner: Option<String>,
    /// The last day it applies.
    pub expires: String,
}

/// A waiver ready to match findings.
#[derive(Debug)]
pub struct Waiver {
    /// The rule id.
    pub rule: String,
    /// The globs as written.
    pub paths: Vec<String>,
    path_set: GlobSet,
    /// The resource pattern as written.
    pub resource: Option<String>,
    resource_glob: Option<GlobMatcher>,
    /// Why.
    pub reason: String,
    /// Who owns it.
    pub owner: Option<String>,
    /// The last day it applies.
    pub expires: NaiveDate,
    /// The line of the waiver in the config file.
    pub line: usize,
}

impl Waiver {
    /// Whether it covers a finding of `rule` in `paths` (any of the forms of
    /// one file's path) on `resource`, expired or not.
    pub fn covers(&self, rule: &str, paths: &[&str], resource: &str) -> bool {
        self.covers_rule_and_paths(rule, paths)
            && self
                .resource_glob
                .as_ref()
                .is_none_or(|g| g.is_match(resource) || self.resource.as_deref() == Some(resource))
    }

    /// Whether it names `rule` and one of `paths` (all paths when it names none).
    pub fn covers_rule_and_paths(&self, rule: &str, paths: &[&str]) -> bool {
        self.rule == rule
            && (self.paths.is_empty() || paths.iter().any(|p| self.path_set.is_match(p)))
    }
}

/// A config read and checked on its own; [`Config::apply`] checks the rest.
#[derive(Debug)]
pub struct Config {
    /// The file, as displayed.
    pub path: String,
    /// The folder relative paths in it are resolved from.
    pub dir: PathBuf,
    /// What it says.
    pub file: ConfigFile,
    /// Its waivers, compiled.
    pub waivers: Vec<Waiver>,
    /// Its environment mapping, compiled.
    pub environments: EnvMap,
    /// `fail_on`, parsed: `Some(None)` is `never`.
    pub fail_on: Option<Option<Severity>>,
    text: String,
    spans: Spans,
    /// Problems found reading it, told together with those only the rules
    /// in force show (an unknown rule id, a mistyped param) by [`Config::apply`].
    pending: Vec<ConfigProblem>,
}

/// One problem in a config file.
#[derive(Debug, Clone, Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(config::invalid))]
pub struct ConfigProblem {
    /// What is wrong.
    pub message: String,
    /// The lines around the problem, redacted.
    #[source_code]
    pub src: Excerpt,
    /// Where.
    #[label("here")]
    pub span: SourceSpan,
    /// What to do about it.
    #[help]
    pub help: Option<String>,
    /// The 1-based line.
    pub line: usize,
}

/// Every problem found in a config file.
#[derive(Debug, Error, Diagnostic)]
#[error("{} problem(s) in {file}; nothing was checked", problems.len())]
#[diagnostic(
    code(config::load_failed),
    help("docs/config.md explains every key; schemas/config.schema.json describes them")
)]
pub struct ConfigErrors {
    /// The file.
    pub file: String,
    /// The problems.
    #[related]
    pub problems: Vec<ConfigProblem>,
}

fn schema() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let schema: J =
            serde_json::from_str(SCHEMA).expect("the config schema shipped in the binary is JSON");
        jsonschema::validator_for(&schema)
            .expect("the config schema shipped in the binary is valid")
    })
}

/// Collects problems against one file's text.
struct Problems<'a> {
    name: &'a str,
    text: &'a str,
    list: Vec<ConfigProblem>,
}

impl Problems<'_> {
    fn add(&mut self, span: Span, message: String, help: Option<String>) {
        // Quoted as policy problems are: a few lines around the span, their secrets
        // hidden (a config may hold one by mistake).
        let quoted = PolicyProblem::new(self.name, self.text, span, &message, help);
        self.list.push(ConfigProblem {
            message: quoted.message,
            src: quoted.src,
            span: quoted.span,
            help: quoted.help,
            line: quoted.line,
        });
    }

    fn finish<T>(self, value: T) -> Result<T, ConfigErrors> {
        if self.list.is_empty() {
            Ok(value)
        } else {
            Err(ConfigErrors {
                file: crate::engine::secrets::redact(self.name),
                problems: self.list,
            })
        }
    }
}

impl Config {
    /// The config file in `root`, if it has one (`root` may be a file: then its folder).
    pub fn find(root: &Path) -> Option<PathBuf> {
        let dir = if root.is_dir() { root } else { root.parent()? };
        FILE_NAMES
            .iter()
            .map(|name| dir.join(name))
            .find(|p| p.is_file())
    }

    /// Reads `path`; an unreadable file is an error naming it.
    pub fn load(path: &Path) -> miette::Result<Config> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            let shown = crate::engine::secrets::redact(&display_path(path));
            miette::miette!("cannot read config {shown}: {e}")
        })?;
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        Ok(Config::parse(&display_path(path), &text, dir)?)
    }

    /// Reads a config from `text`, reporting every problem at once.
    pub fn parse(name: &str, text: &str, dir: PathBuf) -> Result<Config, ConfigErrors> {
        let mut problems = Problems {
            name,
            text,
            list: Vec::new(),
        };
        let docs = match yaml::parse(text) {
            Ok(docs) => docs,
            Err(e) => {
                problems.add(
                    Span::new(e.offset, e.offset),
                    format!("not valid YAML: {}", e.message),
                    None,
                );
                return Err(problems.finish(()).unwrap_err());
            }
        };
        // An empty file is a config that sets nothing.
        let Some(doc) = docs.into_iter().next() else {
            return Ok(Config::empty(name, text, dir));
        };
        let json = match doc.root.to_json() {
            J::Null => J::Object(Default::default()),
            other => other,
        };
        let spans = Spans::index(&doc.root);
        let mut json = json;
        let mut flagged = Vec::new();
        for v in crate::schema::violations(schema(), &json, &spans) {
            let help = config_help(&v.pointer, &v.message);
            flagged.push(v.pointer.clone());
            problems.add(v.span, v.message, help);
        }
        // Each value the schema refused is dropped before the config is read,
        // so that one wrong type (`owner: 12`) does not hide the other problems.
        for pointer in &flagged {
            prune(&mut json, pointer);
        }
        drop_pruned(&mut json);
        // The rest is checked too whenever the file still reads as a config,
        // so that every problem is told at once.
        let file: ConfigFile = match serde_json::from_value(json) {
            Ok(f) => f,
            Err(e) => {
                if problems.list.is_empty() {
                    problems.add(doc.root.span, format!("cannot read the config: {e}"), None);
                }
                return Err(problems.finish(()).unwrap_err());
            }
        };

        let fail_on = file
            .fail_on
            .as_deref()
            .map(|f| crate::commands::check::parse_fail_on(f).unwrap_or(Some(Severity::Low)));
        for (i, g) in file.exclude.iter().enumerate() {
            if let Err(e) = Glob::new(g) {
                problems.add(
                    spans.locate(&format!("/exclude/{i}"), false),
                    e.to_string(),
                    None,
                );
            }
        }
        let waivers = compile_waivers(&file, &spans, &mut problems);
        let mut env_config = Vec::new();
        for (env, patterns) in &file.environments {
            let env = Environment::from_name(env).unwrap_or(Environment::Unknown);
            env_config.push((env, patterns.clone()));
        }
        // Each pattern on its own first, so that a bad one is shown at its line.
        let mut bad_pattern = false;
        for (env, patterns) in &file.environments {
            for (i, p) in patterns.iter().enumerate() {
                if p.starts_with("namespace:") {
                    continue;
                }
                if let Err(e) = Glob::new(p) {
                    bad_pattern = true;
                    problems.add(
                        spans.locate(&format!("/environments/{env}/{i}"), false),
                        e.to_string(),
                        None,
                    );
                }
            }
        }
        let environments = EnvMap::new(&env_config).unwrap_or_else(|e| {
            if !bad_pattern {
                problems.add(spans.locate("/environments", true), e, None);
            }
            EnvMap::default()
        });
        Ok(Config {
            path: name.to_string(),
            dir,
            file,
            waivers,
            environments,
            fail_on,
            text: text.to_string(),
            spans,
            pending: problems.list,
        })
    }

    fn empty(name: &str, text: &str, dir: PathBuf) -> Config {
        Config {
            path: name.to_string(),
            dir,
            file: ConfigFile::default(),
            waivers: Vec::new(),
            environments: EnvMap::default(),
            fail_on: None,
            text: text.to_string(),
            spans: Spans::default(),
            pending: Vec::new(),
        }
    }

    /// Param overrides that break the rules using them, each with what the
    /// rule said, reported at the override's line.
    pub fn param_problems(&self, bad: &[(String, String)]) -> Result<(), ConfigErrors> {
        let mut problems = Problems {
            name: &self.path,
            text: &self.text,
            list: Vec::new(),
        };
        for (key, message) in bad {
            problems.add(
                self.spans.locate(&format!("/params/{key}"), false),
                format!("`{key}` breaks a rule that uses it: {message}"),
                None,
            );
        }
        problems.finish(())
    }

    /// The problems found reading the file, as an error, if there are any:
    /// for when the rules in force cannot be had to check the rest.
    pub fn problems(&self) -> Result<(), ConfigErrors> {
        Problems {
            name: &self.path,
            text: &self.text,
            list: self.pending.clone(),
        }
        .finish(())
    }

    /// The extra policy paths, resolved from the config's folder.
    pub fn policy_paths(&self) -> Vec<PathBuf> {
        self.file
            .policies
            .iter()
            .map(|p| self.dir.join(p.strip_prefix("./").unwrap_or(p)))
            .collect()
    }

    /// The param overrides for the policy loader.
    pub fn overrides(&self) -> Overrides {
        self.file.params.clone()
    }

    /// Whether inline `vouch:ignore` comments may suppress findings.
    pub fn inline_suppressions(&self) -> bool {
        self.file.inline_suppressions.unwrap_or(true)
    }

    /// Checks every rule id and param the config names against `set`, then
    /// applies the severity overrides and disabled rules to it.
    pub fn apply(&self, set: &mut PolicySet) -> Result<(), ConfigErrors> {
        let mut problems = Problems {
            name: &self.path,
            text: &self.text,
            list: self.pending.clone(),
        };
        let known = |id: &str| set.rule(id).is_some();
        let unknown_rule = |id: &str| {
            (
                format!("no rule `{id}` is in force"),
                Some(format!(
                    "`vouch policies` lists the rules; {}",
                    nearest_id(set, id).map_or_else(
                        || "check the id".to_string(),
                        |n| format!("did you mean `{n}`?")
                    )
                )),
            )
        };
        for id in self.file.severity.keys() {
            if !known(id) {
                let (m, h) = unknown_rule(id);
                problems.add(self.spans.locate(&format!("/severity/{id}"), true), m, h);
            }
        }
        for (i, id) in self.file.disable.iter().enumerate() {
            if !known(id) {
                let (m, h) = unknown_rule(id);
                problems.add(self.spans.locate(&format!("/disable/{i}"), false), m, h);
            }
        }
        for (i, w) in self.file.waivers.iter().enumerate() {
            if !known(&w.rule) {
                let (m, h) = unknown_rule(&w.rule);
                problems.add(
                    self.spans.locate(&format!("/waivers/{i}/rule"), false),
                    m,
                    h,
                );
            }
        }
        for (key, value) in &self.file.params {
            if let Some(message) = unused_param(set, key) {
                problems.add(
                    self.spans.locate(&format!("/params/{key}"), true),
                    message,
                    Some(format!("params in force: {}", param_names(set).join(", "))),
                );
            } else if let Some(message) = mistyped_param(set, key, value) {
                problems.add(
                    self.spans.locate(&format!("/params/{key}"), false),
                    message,
                    None,
                );
            }
        }
        if !problems.list.is_empty() {
            return problems.finish(());
        }

        for rule in &mut set.rules {
            if let Some(severity) = self.file.severity.get(&rule.def.id) {
                rule.severity = *severity;
            }
        }
        set.rules.retain(|r| !self.file.disable.contains(&r.def.id));
        // The digest names the effective policies, so severity and disable count too.
        let mut hasher = Sha256::new();
        hasher.update(set.digest.as_bytes());
        hasher.update(format!("{:?}{:?}", self.file.severity, self.file.disable).as_bytes());
        set.digest = format!("sha256:{:x}", hasher.finalize());
        Ok(())
    }
}

fn compile_waivers(file: &ConfigFile, spans: &Spans, problems: &mut Problems<'_>) -> Vec<Waiver> {
    let mut waivers = Vec::new();
    for (i, def) in file.waivers.iter().enumerate() {
        let at = |field: &str| spans.locate(&format!("/waivers/{i}/{field}"), false);
        // A bad date spoils the waiver, but its other fields are still checked;
        // a missing one is the schema's to report.
        let expires = match NaiveDate::parse_from_str(&def.expires, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) if def.expires.is_empty() => None,
            Err(e) => {
                problems.add(
                    at("expires"),
                    format!("`{}` is not a date: {e}", def.expires),
                    Some("write the last day the waiver applies as YYYY-MM-DD".into()),
                );
                None
            }
        };
        // An empty or missing reason is the schema's to report.
        if !def.reason.is_empty() && def.reason.trim().is_empty() {
            problems.add(
                at("reason"),
                "a waiver needs a reason".into(),
                Some("say why the risk is accepted; every report shows it".into()),
            );
        }
        let mut builder = GlobSetBuilder::new();
        for (j, g) in def.paths.iter().enumerate() {
            match Glob::new(g) {
                Ok(glob) => {
                    builder.add(glob);
                }
                Err(e) => problems.add(at(&format!("paths/{j}")), e.to_string(), None),
            }
        }
        let resource_glob = match def.resource.as_deref().map(Glob::new).transpose() {
            Ok(g) => g.map(|g| g.compile_matcher()),
            Err(e) => {
                problems.add(at("resource"), e.to_string(), None);
                None
            }
        };
        let Some(expires) = expires else {
            continue;
        };
        let line = SourceFile::new(problems.name, problems.text)
            .line_col(spans.locate(&format!("/waivers/{i}"), false).start)
            .0;
        waivers.push(Waiver {
            rule: def.rule.clone(),
            paths: def.paths.clone(),
            path_set: builder.build().unwrap_or_else(|_| GlobSet::empty()),
            resource: def.resource.clone(),
            resource_glob,
            reason: def.reason.clone(),
            owner: def.owner.clone(),
            expires,
            line,
        });
    }
    waivers
}

/// Replaces the value at `pointer` with a marker that [`drop_pruned`] removes
/// (the document's root is kept: an error about the whole file prunes nothing).
fn prune(json: &mut J, pointer: &str) {
    if pointer.is_empty() {
        return;
    }
    if let Some(value) = json.pointer_mut(pointer) {
        *value = J::String(PRUNED.into());
    }
}

/// What [`prune`] leaves; no config value can be this (it holds a NUL).
const PRUNED: &str = "\0vouch:pruned";

/// Removes what [`prune`] marked: map entries and list items alike.
fn drop_pruned(json: &mut J) {
    let pruned = |v: &J| v.as_str() == Some(PRUNED);
    match json {
        J::Object(map) => {
            map.retain(|_, v| !pruned(v));
            map.values_mut().for_each(drop_pruned);
        }
        J::Array(items) => {
            items.retain(|v| !pruned(v));
            items.iter_mut().for_each(drop_pruned);
        }
        _ => {}
    }
}

/// Why a param override is used by no rule, if it is not.
fn unused_param(set: &PolicySet, key: &str) -> Option<String> {
    match key.split_once('.') {
        Some((id, name)) => match set.rule(id) {
            None => Some(format!("no rule `{id}` is in force")),
            Some(rule) if !rule.params.contains_key(name) => {
                let own: Vec<&str> = rule.params.keys().map(String::as_str).collect();
                Some(format!(
                    "rule `{id}` has no param `{name}` (its params: {})",
                    if own.is_empty() {
                        "none".to_string()
                    } else {
                        own.join(", ")
                    }
                ))
            }
            Some(_) => None,
        },
        None => (!set.rules.iter().any(|r| r.params.contains_key(key)))
            .then(|| format!("no rule in force has a param `{key}`")),
    }
}

/// Why a param override cannot replace the packs' value, if its type differs.
// TODO: only the type is checked; a number out of range (`rotation_max_days:
// -5`) is taken, which a param's own bounds in the pack would catch.
fn mistyped_param(set: &PolicySet, key: &str, value: &serde_json::Value) -> Option<String> {
    let (rule, name) = match key.split_once('.') {
        Some((id, name)) => (Some(id), name),
        None => (None, key),
    };
    let kind = |v: &serde_json::Value| match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "a list",
        serde_json::Value::Object(_) => "a mapping",
    };
    set.rules
        .iter()
        .filter(|r| rule.is_none_or(|id| r.def.id == id))
        .find_map(|r| {
            r.params
                .get(name)
                .filter(|old| !crate::policy::load::same_type(old, value))
                .map(|old| {
                    format!(
                        "`{key}` must be {} like the value it replaces (`{old}` in {}), not {}",
                        kind(old),
                        r.def.id,
                        kind(value)
                    )
                })
        })
}

fn param_names(set: &PolicySet) -> Vec<String> {
    let mut names: Vec<String> = set
        .rules
        .iter()
        .flat_map(|r| r.params.keys().cloned())
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The rule id closest to `id`, for a "did you mean" hint.
fn nearest_id<'a>(set: &'a PolicySet, id: &str) -> Option<&'a str> {
    set.rules
        .iter()
        .map(|r| r.def.id.as_str())
        .map(|candidate| (strsim::levenshtein(candidate, id), candidate))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, c)| c)
}

fn config_help(pointer: &str, message: &str) -> Option<String> {
    let mut parts = pointer.split('/').skip(1);
    let first = parts.next().unwrap_or_default();
    let last = pointer.rsplit('/').next().unwrap_or_default();
    let bad_key = message.contains("does not match");
    if message.starts_with("true is not of type") || message.starts_with("false is not of type") {
        return Some(
            "YAML reads y, yes, on, n, no and off as true or false: quote the value (`\"y\"`)"
                .into(),
        );
    }
    Some(match (first, last) {
        ("severity" | "disable", _) | ("waivers", "rule") if bad_key => {
            "rule ids look like `VCH-ENC-001`; `vouch policies` lists them".into()
        }
        ("params", _) if bad_key => {
            "param names are snake_case (`rotation_max_days`), or `RULE-ID.name` for one rule".into()
        }
        ("waivers", "reason") => "say why the risk is accepted; every report shows it".into(),
        ("waivers", "expires") => "write the last day the waiver applies as YYYY-MM-DD".into(),
        ("waivers", _) => {
            "a waiver has rule, reason and expires, and may have paths, resource and owner".into()
        }
        ("severity", _) => "severities: critical, high, medium, low, info".into(),
        ("fail_on", _) => "critical, high, medium, low, info or never".into(),
        ("environments", _) => {
            "environments: production, staging, development, test; each a list of globs or `namespace:NAME`".into()
        }
        ("disable", _) => "rule ids look like `VCH-ENC-001`".into(),
        _ => "keys: policies, params, severity, disable, exclude, environments, fail_on, inline_suppressions, waivers".into(),
    })
}
