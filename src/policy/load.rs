//! Loading policy packs: YAML → schema check → typed rules → compiled conditions.
//!
//! Loading runs in two stages, as cargo-deny checks its config: first the
//! pack is read with spans and validated against `schemas/policy.schema.json`;
//! then each rule is compiled (conditions, regexes, kinds) and cross-checked
//! (duplicate ids and names). Every problem from every file is collected and
//! reported together, each pointing at its file and line.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::OnceLock;

use miette::{Diagnostic, NamedSource, SourceSpan};
use serde_json::Value as J;
use sha2::{Digest, Sha256};
use thiserror::Error;

use super::cond::{Compiler, CondError, KindSet};
use super::model::{PackFile, RuleDef};
use super::{PolicySet, Rule};
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

/// The policy schema, compiled into the binary.
pub const SCHEMA: &str = include_str!("../../schemas/policy.schema.json");

/// One problem in a policy file.
#[derive(Debug, Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(policy::invalid))]
pub struct PolicyProblem {
    /// What is wrong.
    pub message: String,
    /// The policy file.
    #[source_code]
    pub src: NamedSource<String>,
    /// Where.
    #[label("here")]
    pub span: SourceSpan,
    /// What to do about it.
    #[help]
    pub help: Option<String>,
    /// The file, for callers that print their own way.
    pub file: String,
    /// The 1-based line.
    pub line: usize,
}

/// Every problem found while loading policies.
#[derive(Debug, Error, Diagnostic)]
#[error("{} problem(s) in policy files; nothing was checked", problems.len())]
#[diagnostic(
    code(policy::load_failed),
    help("run `vouch validate FILE` to check a policy file on its own")
)]
pub struct PolicyErrors {
    /// The problems.
    #[related]
    pub problems: Vec<PolicyProblem>,
}

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

fn schema() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let schema: J =
            serde_json::from_str(SCHEMA).expect("the policy schema shipped in the binary is JSON");
        jsonschema::validator_for(&schema)
            .expect("the policy schema shipped in the binary is valid")
    })
}

/// One pack file, read and checked against the schema.
struct ReadPack<'a> {
    source: &'a PackSource,
    spans: Spans,
    pack: PackFile,
}

struct Loader {
    problems: Vec<PolicyProblem>,
}

impl Loader {
    fn problem(
        &mut self,
        source: &PackSource,
        spans: &Spans,
        pointer: &str,
        key: bool,
        message: String,
        help: Option<String>,
    ) {
        self.problem_at(source, spans.locate(pointer, key), message, help);
    }

    fn problem_at(
        &mut self,
        source: &PackSource,
        span: Span,
        message: String,
        help: Option<String>,
    ) {
        let file = crate::source::SourceFile::new(&source.name, &source.text);
        let (line, _) = file.line_col(span.start);
        // A condition reused through a YAML alias is compiled once per use; report it once.
        let repeated = self.problems.iter().any(|p| {
            p.file == source.name && p.span.offset() == span.start && p.message == message
        });
        if repeated {
            return;
        }
        // The file is quoted with its secrets hidden: it may be a scanned file given by mistake.
        let glue = crate::engine::secrets::SecretsGlue::builtin();
        let message = glue.redact_text(&message);
        let (shown, secrets) = glue.shown_source(&source.text);
        let (start, end) = (secrets.map_offset(span.start), secrets.map_offset(span.end));
        self.problems.push(PolicyProblem {
            message,
            src: NamedSource::new(&source.name, shown),
            span: (start, end.saturating_sub(start)).into(),
            help,
            file: source.name.clone(),
            line,
        });
    }

    fn read<'a>(&mut self, source: &'a PackSource) -> Option<ReadPack<'a>> {
        let docs = match yaml::parse(&source.text) {
            Ok(d) => d,
            Err(e) => {
                self.problem_at(
                    source,
                    Span::new(e.offset, e.offset),
                    format!("not valid YAML: {}", e.message),
                    None,
                );
                return None;
            }
        };
        let Some(doc) = docs.into_iter().next() else {
            self.problem_at(
                source,
                Span::default(),
                "the file is empty".into(),
                Some("a pack starts with `apiVersion: vouch/v1` and `kind: PolicyPack`".into()),
            );
            return None;
        };
        let json = doc.root.to_json();
        let spans = Spans::index(&doc.root);

        let before = self.problems.len();
        for v in crate::schema::violations(schema(), &json, &spans) {
            let help = schema_help(&v.pointer);
            self.problem_at(source, v.span, v.message, help);
        }
        if self.problems.len() > before {
            return None;
        }
        match serde_json::from_value::<PackFile>(json) {
            Ok(pack) => Some(ReadPack {
                source,
                spans,
                pack,
            }),
            Err(e) => {
                self.problem_at(
                    source,
                    doc.root.span,
                    format!("cannot read the pack: {e}"),
                    None,
                );
                None
            }
        }
    }
}

fn schema_help(pointer: &str) -> Option<String> {
    let last = pointer.rsplit('/').next().unwrap_or_default();
    Some(match last {
        "id" => "rule ids look like `VCH-ENC-001` (or your own prefix: `ACME-ISO-001`)".into(),
        "name" => {
            "names are kebab-case and name the pattern flagged, e.g. `s3-bucket-unencrypted`".into()
        }
        "severity" => "severities: critical, high, medium, low, info".into(),
        "area" => {
            "areas: key-isolation, least-privilege, rotation, encryption, retention, monitoring"
                .into()
        }
        _ => return None,
    })
}

/// Params that config overrides: by name for every rule, or `RULE-ID.name` for one.
pub type Overrides = BTreeMap<String, J>;

/// Loads and compiles packs; all problems are returned together.
pub fn load(sources: &[PackSource], overrides: &Overrides) -> Result<PolicySet, PolicyErrors> {
    let mut loader = Loader {
        problems: Vec::new(),
    };
    let read: Vec<ReadPack<'_>> = sources.iter().filter_map(|s| loader.read(s)).collect();

    let mut set = PolicySet::default();
    let mut ids: HashMap<String, String> = HashMap::new();
    let mut names: HashMap<String, String> = HashMap::new();
    let mut hasher = Sha256::new();

    for rp in &read {
        hasher.update(rp.source.name.as_bytes());
        hasher.update(rp.source.text.as_bytes());
        for (family, data) in &rp.pack.detectors {
            merge_json(
                set.detectors.entry(family.clone()).or_insert(J::Null),
                data.clone(),
            );
        }
        let mut count = 0;
        for (i, def) in rp.pack.rules.iter().enumerate() {
            let pointer = format!("/rules/{i}");
            if let Some(first) = ids.insert(def.id.clone(), rp.source.name.clone()) {
                loader.problem(
                    rp.source,
                    &rp.spans,
                    &format!("{pointer}/id"),
                    false,
                    format!("duplicate rule id `{}` (also in {first})", def.id),
                    Some("every rule needs its own id".into()),
                );
                continue;
            }
            if let Some(first) = names.insert(def.name.clone(), def.id.clone()) {
                loader.problem(
                    rp.source,
                    &rp.spans,
                    &format!("{pointer}/name"),
                    false,
                    format!("duplicate rule name `{}` (also {first})", def.name),
                    None,
                );
            }
            if let Some(rule) = compile_rule(&mut loader, rp, def, &pointer, overrides) {
                set.rules.push(rule);
                count += 1;
            }
        }
        set.packs.push(PackInfo {
            name: rp.pack.metadata.name.clone(),
            version: rp.pack.metadata.version.clone(),
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
            problems: loader.problems,
        })
    }
}

fn compile_rule(
    loader: &mut Loader,
    rp: &ReadPack<'_>,
    def: &RuleDef,
    pointer: &str,
    overrides: &Overrides,
) -> Option<Rule> {
    let mut params = rp.pack.params.clone();
    params.extend(def.params.clone());
    for (k, v) in overrides {
        match k.split_once('.') {
            Some((rule, name)) if rule == def.id && params.contains_key(name) => {
                params.insert(name.to_string(), v.clone());
            }
            Some(_) => {}
            None if params.contains_key(k) => {
                params.insert(k.clone(), v.clone());
            }
            None => {}
        }
    }
    let mut compiler = Compiler {
        params: &params,
        errors: Vec::new(),
    };
    let assert = compiler.compile(&def.assert, &format!("{pointer}/assert"));
    let filter = def
        .target
        .filter
        .as_ref()
        .and_then(|f| compiler.compile(f, &format!("{pointer}/target/where")));
    let kinds = KindSet::new(&def.target.kinds).map_err(|e| {
        compiler.errors.push(CondError {
            pointer: format!("{pointer}/target/kinds"),
            message: e,
            help: None,
        })
    });
    let environments: Vec<Environment> = def
        .target
        .environments
        .iter()
        .filter_map(|e| Environment::from_name(e))
        .collect();
    let errors = std::mem::take(&mut compiler.errors);
    let failed = !errors.is_empty();
    for e in errors {
        loader.problem(
            rp.source,
            &rp.spans,
            &e.pointer,
            e.message.starts_with("unknown field"),
            format!("rule {}: {}", def.id, e.message),
            e.help,
        );
    }
    if failed {
        return None;
    }
    Some(Rule {
        def: def.clone(),
        severity: def.severity,
        kinds: kinds.ok()?,
        filter,
        environments,
        assert: assert?,
        params,
        pack: rp.pack.metadata.name.clone(),
    })
}

/// Deep merge: mappings merge, lists concatenate, anything else is replaced.
fn merge_json(into: &mut J, from: J) {
    match (into, from) {
        (J::Object(a), J::Object(b)) => {
            for (k, v) in b {
                merge_json(a.entry(k).or_insert(J::Null), v);
            }
        }
        (J::Array(a), J::Array(b)) => a.extend(b),
        (slot, v) => *slot = v,
    }
}
