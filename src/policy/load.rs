//! Loading policy packs: YAML → schema check → typed rules → compiled conditions.
//!
//! Loading runs in two stages, as cargo-deny checks its config: first the
//! pack is read with spans and checked against `schemas/policy.schema.json`
//! ([`super::shape`]); then every rule is compiled (conditions, regexes,
//! kinds, templates) and cross-checked (duplicate ids and names), and the
//! packs' detector data is added to the built-in catalogue. A problem in the
//! first stage does not stop the second: a rule the schema faults is still
//! compiled for what else is wrong with it, and a rule with a duplicate id
//! still gets its own errors. Every problem from every file is reported
//! together, each at its file and line.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde_json::Value as J;
use sha2::{Digest, Sha256};

use super::cond::Compiler;
use super::model::{Metadata, RuleDef};
use super::problem::{Problems, unclosed_flow};
use super::{PolicySet, Rule, detectors, shape, templates};
use crate::inputs::yaml;
use crate::resource::Environment;
use crate::result::PackInfo;
use crate::schema::Spans;
use crate::source::Span;

/// The built-in packs, compiled into the binary.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "policies/key-isolation.yaml",
        include_str!("../../policies/key-isolation.yaml"),
    ),
    (
        "policies/least-privilege.yaml",
        include_str!("../../policies/least-privilege.yaml"),
    ),
    (
        "policies/rotation.yaml",
        include_str!("../../policies/rotation.yaml"),
    ),
    (
        "policies/encryption.yaml",
        include_str!("../../policies/encryption.yaml"),
    ),
    (
        "policies/retention.yaml",
        include_str!("../../policies/retention.yaml"),
    ),
    (
        "policies/monitoring.yaml",
        include_str!("../../policies/monitoring.yaml"),
    ),
];

pub use super::problem::{PolicyErrors, PolicyProblem};
pub use super::shape::SCHEMA;

/// A pack's text and where it came from.
pub struct PackSource {
    /// The path shown in errors.
    pub name: String,
    /// The YAML text.
    pub text: String,
}

impl PackSource {
    /// The built-in packs.
    pub fn builtin() -> Vec<PackSource> {
        BUILTIN
            .iter()
            .map(|(name, text)| PackSource {
                name: (*name).to_string(),
                text: (*text).to_string(),
            })
            .collect()
    }

    /// Every `.yaml`/`.yml` file at `path` (a file or a folder), sorted.
    pub fn from_path(path: &Path) -> std::io::Result<Vec<PackSource>> {
        let mut files = Vec::new();
        if path.is_dir() {
            for entry in walkdir::WalkDir::new(path).sort_by_file_name() {
                let entry = entry.map_err(std::io::Error::other)?;
                let p = entry.path();
                if entry.file_type().is_file()
                    && matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"))
                {
                    files.push(p.to_path_buf());
                }
            }
        } else {
            files.push(path.to_path_buf());
        }
        files
            .into_iter()
            .map(|p| {
                let text = std::fs::read_to_string(&p)?;
                Ok(PackSource {
                    name: crate::source::display_path(&p),
                    text,
                })
            })
            .collect()
    }
}

/// One pack file, read as far as it could be.
struct ReadPack<'a> {
    source: &'a PackSource,
    spans: Spans,
    metadata: Metadata,
    params: BTreeMap<String, J>,
    detectors: BTreeMap<String, J>,
    detector_faults: Vec<String>,
    rules: Vec<RawRule>,
}

/// A rule as written, typed when its shape allowed it.
struct RawRule {
    json: J,
    def: Option<RuleDef>,
    /// Whether the schema found a problem in it.
    faulted: bool,
}

/// Collects problems against the packs being loaded.
struct Loader {
    problems: Problems,
}

impl Loader {
    fn at(&mut self, source: &PackSource, span: Span, message: &str, help: Option<String>) {
        self.problems
            .add(&source.name, &source.text, span, message, help);
    }

    fn at_pointer(
        &mut self,
        rp: &ReadPack<'_>,
        pointer: &str,
        key: bool,
        message: &str,
        help: Option<String>,
    ) {
        let span = rp.spans.locate(pointer, key);
        self.at(rp.source, span, message, help);
    }

    fn read<'a>(&mut self, source: &'a PackSource) -> Option<ReadPack<'a>> {
        let docs = match yaml::parse(&source.text) {
            Ok(d) => d,
            Err(e) => {
                self.yaml_error(source, e.offset, &e.message);
                return None;
            }
        };
        let Some(doc) = docs.into_iter().next() else {
            self.at(
                source,
                Span::default(),
                "the file is empty",
                Some("a pack starts with `apiVersion: vouch/v1` and `kind: PolicyPack`".into()),
            );
            return None;
        };
        if let Some((span, looks_like)) = not_a_pack(&doc.root) {
            let message = format!("{} is not a vouch policy pack: {looks_like}", source.name);
            self.at(source, span, &message, Some(NOT_A_PACK_HELP.into()));
            return None;
        }
        let json = doc.root.to_json();
        let spans = Spans::index(&doc.root);

        let mut faulted = Vec::new();
        let mut detector_faults = Vec::new();
        for p in shape::check(&json, &spans) {
            if p.pointer.starts_with("/detectors") {
                detector_faults.push(p.pointer.clone());
            }
            if let Some(i) = rule_index(&p.pointer) {
                faulted.push(i);
            }
            self.problems
                .add_schema(&source.name, &source.text, p.span, &p.message, p.help);
        }
        let typed = |key: &str| json.get(key).cloned().unwrap_or(J::Null);
        let metadata = serde_json::from_value(typed("metadata")).unwrap_or_else(|_| Metadata {
            name: source.name.clone(),
            version: String::new(),
            description: String::new(),
        });
        let rules = typed("rules")
            .as_array()
            .map(|rules| {
                rules
                    .iter()
                    .enumerate()
                    .map(|(i, rule)| RawRule {
                        def: serde_json::from_value(rule.clone()).ok(),
                        json: rule.clone(),
                        faulted: faulted.contains(&i),
                    })
                    .collect()
            })
            .unwrap_or_default();
        Some(ReadPack {
            source,
            spans,
            metadata,
            params: serde_json::from_value(typed("params")).unwrap_or_default(),
            detectors: serde_json::from_value(typed("detectors")).unwrap_or_default(),
            detector_faults,
            rules,
        })
    }

    /// A YAML error, at the flow collection left open when that is the cause.
    fn yaml_error(&mut self, source: &PackSource, offset: usize, message: &str) {
        let text = &source.text;
        let error_line = text[..offset.min(text.len())].matches('\n').count();
        match unclosed_flow(text, offset) {
            Some(open) if text[..open].matches('\n').count() < error_line => {
                let bracket = &text[open..=open];
                let close = if bracket == "{" { "}" } else { "]" };
                self.at(
                    source,
                    Span::new(open, open + 1),
                    &format!(
                        "not valid YAML: this `{bracket}` is never closed (the parser stopped {} line(s) later: {message})",
                        error_line - text[..open].matches('\n').count()
                    ),
                    Some(format!("add the missing `{close}`")),
                );
            }
            _ => self.at(
                source,
                Span::new(offset, offset),
                &format!("not valid YAML: {message}"),
                Some("check the indentation and quoting on this line and the one before".into()),
            ),
        }
    }
}

const NOT_A_PACK_HELP: &str = "a pack starts with `apiVersion: vouch/v1` and `kind: PolicyPack` (docs/policy-language.md); a file to scan is given to `vouch check PATH`, not to `--policy` or `vouch validate`";

/// Where to point, and what the file looks like, when a YAML document is no
/// pack at all (a compose file given to `--policy`). A document that says it
/// is a pack, or has `rules`, is read as one and its problems listed.
fn not_a_pack(root: &crate::tree::Node) -> Option<(Span, &'static str)> {
    use crate::tree::Value;
    let Value::Map(entries) = &root.value else {
        let span = Span::new(root.span.start, root.span.start);
        return Some((span, "its top level is not a mapping"));
    };
    let text = |k: &str| root.get(k).and_then(crate::tree::Node::as_str);
    let says_pack = text("kind") == Some("PolicyPack")
        || text("apiVersion").is_some_and(|v| v.starts_with("vouch/"))
        || root.get("rules").is_some();
    if says_pack {
        return None;
    }
    let first = entries.first().map_or(Span::default(), |e| e.key_span);
    let looks_like = if root.get("services").is_some() {
        "it looks like a docker-compose file"
    } else if root.get("Resources").is_some() || root.get("AWSTemplateFormatVersion").is_some() {
        "it looks like a CloudFormation template"
    } else if text("apiVersion").is_some() && text("kind").is_some() {
        "it looks like a Kubernetes manifest"
    } else if root.get("jobs").is_some() {
        "it looks like a CI workflow"
    } else {
        "it has no `apiVersion: vouch/v1` and `kind: PolicyPack`"
    };
    Some((first, looks_like))
}

/// `3` for `/rules/3/…`.
fn rule_index(pointer: &str) -> Option<usize> {
    pointer
        .strip_prefix("/rules/")?
        .split('/')
        .next()?
        .parse()
        .ok()
}

/// Params that config overrides: by name for every rule, or `RULE-ID.name` for one.
pub type Overrides = BTreeMap<String, J>;

/// Loads and compiles packs; all problems are returned together.
pub fn load(sources: &[PackSource], overrides: &Overrides) -> Result<PolicySet, PolicyErrors> {
    let mut loader = Loader {
        problems: Problems::default(),
    };
    let read: Vec<ReadPack<'_>> = sources.iter().filter_map(|s| loader.read(s)).collect();

    let mut set = PolicySet {
        detectors: detectors::builtin(),
        ..PolicySet::default()
    };
    let mut ids: HashMap<String, String> = HashMap::new();
    let mut names: HashMap<String, String> = HashMap::new();
    let mut hasher = Sha256::new();

    for rp in &read {
        hasher.update(rp.source.name.as_bytes());
        hasher.update(rp.source.text.as_bytes());
        // The built-in catalogue is the base already. What the schema said of a
        // pack's data is not said again by the compiler.
        let builtin = rp.source.text == crate::engine::secrets::BUILTIN_CATALOGUE;
        if !builtin {
            for p in detectors::add(&mut set.detectors, &rp.detectors) {
                let said =
                    |f: &String| p.pointer.starts_with(f.as_str()) || f.starts_with(&p.pointer);
                if !rp.detector_faults.iter().any(said) {
                    loader.at_pointer(rp, &p.pointer, false, &p.message, p.help);
                }
            }
        }
        let mut count = 0;
        for (i, raw) in rp.rules.iter().enumerate() {
            let pointer = format!("/rules/{i}");
            let before = loader.problems.len();
            let mut clash = false;
            if let Some(id) = raw.json.get("id").and_then(J::as_str) {
                if let Some(first) = ids.insert(id.to_string(), rp.source.name.clone()) {
                    loader.at_pointer(
                        rp,
                        &format!("{pointer}/id"),
                        false,
                        &format!("duplicate rule id `{id}` (also in {first})"),
                        Some("every rule needs its own id, across the built-in pack and every pack in force".into()),
                    );
                    ids.insert(id.to_string(), first);
                    clash = true;
                }
            }
            if let Some(name) = raw.json.get("name").and_then(J::as_str) {
                let id = raw.json["id"].as_str().unwrap_or("?").to_string();
                if let Some(first) = names.insert(name.to_string(), id.clone()) {
                    if first != id {
                        loader.at_pointer(
                            rp,
                            &format!("{pointer}/name"),
                            false,
                            &format!("duplicate rule name `{name}` (also {first})"),
                            Some(
                                "names are unique too: `vouch explain NAME` finds a rule by it"
                                    .into(),
                            ),
                        );
                        clash = true;
                    }
                    names.insert(name.to_string(), first);
                }
            }
            let rule = compile_rule(&mut loader, rp, raw, &pointer, overrides);
            let clean = loader.problems.len() == before && !raw.faulted && !clash;
            if let (Some(rule), true) = (rule, clean) {
                set.rules.push(rule);
                count += 1;
            }
        }
        set.packs.push(PackInfo {
            name: rp.metadata.name.clone(),
            version: rp.metadata.version.clone(),
            rules: count,
        });
    }
    hasher.update(
        serde_json::to_string(overrides)
            .unwrap_or_default()
            .as_bytes(),
    );
    set.digest = format!("sha256:{:x}", hasher.finalize());

    if loader.problems.is_empty() {
        Ok(set)
    } else {
        Err(PolicyErrors {
            problems: loader.problems.list,
        })
    }
}

/// The params in force for a rule: the pack's, the rule's own, then config's.
fn effective_params(
    pack: &BTreeMap<String, J>,
    rule: &J,
    overrides: &Overrides,
) -> BTreeMap<String, J> {
    let mut params = pack.clone();
    if let Some(own) = rule.get("params").and_then(J::as_object) {
        params.extend(own.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    let id = rule.get("id").and_then(J::as_str).unwrap_or_default();
    for (k, v) in overrides {
        let name = match k.split_once('.') {
            Some((rule, name)) if rule == id => name,
            Some(_) => continue,
            None => k.as_str(),
        };
        // An override of another type than the pack's value is kept out here,
        // and reported at its line in the config (`Config::apply`).
        if params.get(name).is_some_and(|old| same_type(old, v)) {
            params.insert(name.to_string(), v.clone());
        }
    }
    params
}

/// Whether a param override has the type of the value it replaces.
pub fn same_type(old: &J, new: &J) -> bool {
    std::mem::discriminant(old) == std::mem::discriminant(new)
}

/// Compiles one rule as far as its shape allows, reporting every problem;
/// the rule itself only when it could be typed.
fn compile_rule(
    loader: &mut Loader,
    rp: &ReadPack<'_>,
    raw: &RawRule,
    pointer: &str,
    overrides: &Overrides,
) -> Option<Rule> {
    let json = &raw.json;
    json.as_object()?;
    let id = json.get("id").and_then(J::as_str).unwrap_or("?");
    let params = effective_params(&rp.params, json, overrides);
    let mut compiler = Compiler {
        params: &params,
        errors: Vec::new(),
    };
    let assert = json
        .get("assert")
        .and_then(|a| compiler.compile(a, &format!("{pointer}/assert")));
    let target = json.get("target");
    let filter = target
        .and_then(|t| t.get("where"))
        .and_then(|f| compiler.compile(f, &format!("{pointer}/target/where")));
    let kinds = target
        .and_then(|t| t.get("kinds"))
        .and_then(|k| compiler.kind_list(k, &format!("{pointer}/target/kinds")));
    for e in std::mem::take(&mut compiler.errors) {
        let key = e.message.starts_with("unknown field");
        let message = format!("rule {id}: {}", e.message);
        loader.at_pointer(rp, &e.pointer, key, &message, e.help);
    }
    check_texts(loader, rp, json, pointer, id, &params);

    let def = raw.def.as_ref()?;
    let environments: Vec<Environment> = def
        .target
        .environments
        .iter()
        .filter_map(|e| Environment::from_name(e))
        .collect();
    Some(Rule {
        def: def.clone(),
        severity: def.severity,
        kinds: kinds?,
        filter,
        environments,
        assert: assert?,
        params,
        pack: rp.metadata.name.clone(),
    })
}

/// The message and remediation templates, and `{{params.X}}` in the texts
/// `vouch explain` renders.
fn check_texts(
    loader: &mut Loader,
    rp: &ReadPack<'_>,
    json: &J,
    pointer: &str,
    id: &str,
    params: &BTreeMap<String, J>,
) {
    let fields = [
        ("message", true),
        ("remediation", true),
        ("title", false),
        ("description", false),
        ("rationale", false),
        ("fix", false),
    ];
    for (field, template) in fields {
        let Some(text) = json.get(field).and_then(J::as_str) else {
            continue;
        };
        let problems = if template {
            templates::check(text, params)
        } else {
            templates::unknown_params(text, params)
        };
        let value = rp.spans.locate(&format!("{pointer}/{field}"), false);
        for p in problems {
            let span = templates::place(&rp.source.text, value, text, p.at);
            let message = format!("rule {id}: `{field}`: {}", p.message);
            loader.at(rp.source, span, &message, p.help);
        }
    }
}
