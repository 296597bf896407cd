//! The engine's view of the secret detectors: the one place that knows how
//! keys are found and redacted, so the evaluator and every renderer agree.
//!
//! The catalogue is the `detectors.secrets` data of the packs in force (the
//! built-in `policies/secrets.yaml` unless a pack brings its own), compiled
//! once per run. Beyond what the text alone shows ([`Secrets::text_spans`]),
//! this module reads the parsed structure: a value under a secret-like name
//! whose name stands on another line, a Terraform `default` below its
//! `variable "db_password"`, a Kubernetes Secret's `data`, a key folded over
//! two lines of a quoted YAML value. [`SecretsGlue::file_spans`] joins both
//! into the spans every snippet of a file is cut through.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use crate::inputs::yaml;
use crate::policy::PolicySet;
use crate::resource::Resource;
use crate::result::ScanResult;
use crate::secrets::{SecretCatalog, SecretSpans, Secrets};
use crate::source::Span;
use crate::tree::{Node, PathStep, Value};

use super::project::ScannedFile;

/// The built-in catalogue of key shapes, names and placeholders.
pub const BUILTIN_CATALOGUE: &str = include_str!("../../policies/secrets.yaml");

/// The kind of a Kubernetes Secret, whose `data` values are base64.
const K8S_SECRET: &str = "k8s/Secret";

/// A key found in text.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyFound {
    /// Byte range within the text searched.
    pub range: std::ops::Range<usize>,
    /// The provider (`openai`, `aws`).
    pub provider: String,
    /// The class (`project`, `admin`).
    pub class: String,
    /// The set it belongs to (`ai`, `cloud`).
    pub set: String,
    /// Its redacted form.
    pub redacted: String,
}

/// A string value and the name it is assigned to.
#[derive(Debug, Clone, Copy)]
pub struct Named<'a> {
    /// The name: a mapping key, the `name` of a `{name, value}` pair, or the
    /// resource's own name for a single-value resource (`tf/variable`, `env/variable`).
    pub name: &'a str,
    /// The value's node; always a string.
    pub node: &'a Node,
    /// The text of the value.
    pub value: &'a str,
}

/// `text` with every secret the built-in catalogue finds in it redacted: for
/// what vouch prints outside a scan's result (paths it was given, policy and
/// config files quoted in errors, log lines).
pub fn redact(text: &str) -> String {
    SecretsGlue::builtin().redact_text(text)
}

/// The compiled secret detectors.
#[derive(Debug, Clone)]
pub struct SecretsGlue {
    secrets: Secrets,
}

impl Default for SecretsGlue {
    fn default() -> Self {
        Self::from_json(builtin_json()).expect("the built-in secret catalogue compiles")
    }
}

/// The built-in catalogue as JSON: the `detectors.secrets` section of `policies/secrets.yaml`.
pub fn builtin_json() -> serde_json::Value {
    yaml::parse(BUILTIN_CATALOGUE)
        .ok()
        .and_then(|docs| docs.into_iter().next())
        .and_then(|d| {
            d.root
                .get("detectors")
                .and_then(|n| n.get("secrets"))
                .map(crate::tree::Node::to_json)
        })
        .unwrap_or_default()
}

impl SecretsGlue {
    /// The packs' merged `detectors.secrets` data; the built-in catalogue when
    /// no pack in force brings any (as with `--no-builtin`). Compiled once per
    /// policy digest and shared, since a run (or a test suite) scans many
    /// trees with the same policies.
    pub fn from_policies(policies: &PolicySet) -> Result<Arc<Self>, String> {
        static COMPILED: Mutex<Vec<(String, Arc<SecretsGlue>)>> = Mutex::new(Vec::new());
        let mut compiled = COMPILED
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((_, glue)) = compiled
            .iter()
            .find(|(digest, _)| *digest == policies.digest)
        {
            return Ok(Arc::clone(glue));
        }
        // TODO: a pack's `detectors.secrets` replaces the built-in catalogue
        // rather than extending it; extending needs a merge of the two lists
        // (patterns, names, placeholders) that the policy loader does not do yet.
        let glue = Arc::new(match policies.detectors.get("secrets") {
            Some(catalogue) => Self::from_json(catalogue.clone())?,
            None => Self::from_json(builtin_json())?,
        });
        compiled.push((policies.digest.clone(), Arc::clone(&glue)));
        Ok(glue)
    }

    /// The built-in catalogue, compiled once: for texts shown before any
    /// policy is loaded (a policy or config file quoted in an error).
    pub fn builtin() -> Arc<Self> {
        static BUILTIN: OnceLock<Arc<SecretsGlue>> = OnceLock::new();
        Arc::clone(BUILTIN.get_or_init(|| Arc::new(SecretsGlue::default())))
    }

    fn from_json(catalogue: serde_json::Value) -> Result<Self, String> {
        let catalogue: SecretCatalog =
            serde_json::from_value(catalogue).map_err(|e| e.to_string())?;
        Ok(SecretsGlue {
            secrets: Secrets::compile(&catalogue)?,
        })
    }

    /// Whether secrets go under this name.
    pub fn is_secret_name(&self, name: &str) -> bool {
        self.secrets.is_secret_name(name)
    }

    /// Whether a literal looks like a real secret: a known key shape, or a
    /// high-entropy value that is no placeholder or reference.
    pub fn is_secret_literal(&self, value: &str) -> bool {
        !self.secrets.is_placeholder(value)
            && (self.secrets.looks_like_secret_value(value)
                || !self.secrets.find_keys(value).is_empty())
    }

    /// Whether a literal is high-entropy and no placeholder or reference (ISO-003's test).
    pub fn looks_like_secret_value(&self, value: &str) -> bool {
        self.secrets.looks_like_secret_value(value)
    }

    /// Whether a value is a placeholder or reference.
    pub fn is_placeholder(&self, value: &str) -> bool {
        self.secrets.is_placeholder(value)
    }

    /// Every key in `text`.
    pub fn find_keys(&self, text: &str) -> Vec<KeyFound> {
        self.secrets
            .find_keys(text)
            .into_iter()
            .map(|k| KeyFound {
                range: k.span.start..k.span.end,
                provider: k.provider,
                class: k.class,
                set: k.set.as_str().to_string(),
                redacted: k.redacted,
            })
            .collect()
    }

    /// The redacted form of one secret value: the key's own redaction when it
    /// has a known shape, else length and fingerprint of the unquoted value.
    pub fn redact_value(&self, value: &str) -> String {
        self.secrets.redact_value(value)
    }

    /// `text` with every secret the text alone reveals replaced by its redaction.
    pub fn redact_text(&self, text: &str) -> String {
        self.secrets.redact_text(text)
    }

    /// Redacts, in place, every text of `result` that came from the user
    /// rather than from a rule's own redacting message: file and resource
    /// names, waiver and comment reasons and owners, unknowns' reasons, error
    /// messages. A key in a file name, a resource name or a waiver's reason
    /// would otherwise reach every report whole. Messages and snippets are
    /// redacted where they are made; running them through again changes nothing.
    pub fn redact_result(&self, result: &mut ScanResult) {
        // The same names recur in thousands of entries: redact each once.
        let mut seen: HashMap<String, String> = HashMap::new();
        let mut fix = |text: &mut String| {
            if let Some(done) = seen.get(text.as_str()) {
                if done != text {
                    text.clone_from(done);
                }
                return;
            }
            let redacted = self.redact_text(text);
            seen.insert(std::mem::take(text), redacted.clone());
            *text = redacted;
        };
        fn fix_opt(text: &mut Option<String>, fix: &mut impl FnMut(&mut String)) {
            if let Some(t) = text.as_mut() {
                fix(t);
            }
        }
        result.scan.roots.iter_mut().for_each(&mut fix);
        // Paths the user gave and names of the repository can hold a key too.
        fix_opt(&mut result.scan.config, &mut fix);
        fix_opt(&mut result.scan.baseline, &mut fix);
        result.scan.merged_from.iter_mut().for_each(&mut fix);
        if let Some(git) = result.scan.git.as_mut() {
            fix_opt(&mut git.branch, &mut fix);
        }
        for s in &mut result.scan.skipped {
            fix(&mut s.file);
            fix(&mut s.reason);
        }
        for f in &mut result.findings {
            fix(&mut f.file);
            fix(&mut f.resource);
            fix(&mut f.name);
            fix_opt(&mut f.template, &mut fix);
            fix_opt(&mut f.origin, &mut fix);
            if let Some(s) = f.suppressed.as_mut() {
                fix_opt(&mut s.reason, &mut fix);
                fix_opt(&mut s.owner, &mut fix);
                fix_opt(&mut s.at, &mut fix);
            }
        }
        for c in &mut result.passed {
            fix(&mut c.file);
            fix(&mut c.resource);
            fix_opt(&mut c.origin, &mut fix);
        }
        for u in &mut result.unknown {
            fix(&mut u.file);
            fix(&mut u.resource);
            fix(&mut u.reason);
            fix_opt(&mut u.origin, &mut fix);
        }
        for e in &mut result.errors {
            fix(&mut e.file);
            fix(&mut e.message);
            fix_opt(&mut e.origin, &mut fix);
        }
        for x in &mut result.exceptions {
            fix(&mut x.file);
            fix_opt(&mut x.origin, &mut fix);
            x.paths.iter_mut().for_each(&mut fix);
            fix_opt(&mut x.resource, &mut fix);
            fix_opt(&mut x.reason, &mut fix);
            fix_opt(&mut x.owner, &mut fix);
            fix_opt(&mut x.problem, &mut fix);
        }
    }

    /// As [`SecretsGlue::redact_result`], for a result read from a file: its
    /// messages and snippets were not made by this run, so they are redacted
    /// too (a result written by hand, or by an older vouch).
    pub fn redact_saved(&self, result: &mut ScanResult) {
        self.redact_result(result);
        for f in &mut result.findings {
            f.message = self.redact_text(&f.message);
            for line in &mut f.snippet {
                line.text = self.redact_text(&line.text);
            }
        }
    }

    /// The secret spans of `text` that the text alone reveals.
    pub fn text_spans(&self, text: &str) -> SecretSpans {
        self.secrets.text_spans(text)
    }

    /// Every secret span of a scanned file: those its text reveals, and those
    /// only its structure does — a non-placeholder value under a secret-like
    /// name wherever the name stands, every value of a Kubernetes Secret, and
    /// any string whose decoded text (escapes resolved, lines joined, base64
    /// decoded) holds a key. Quotes around a value stay visible.
    pub fn file_spans(&self, file: &ScannedFile) -> SecretSpans {
        let text = &file.source.text;
        let mut spans = self.text_spans(text);
        let add = |spans: &mut SecretSpans, node: &Node, plain: &str| {
            let inner = inner_span(text, node.span);
            let range = inner.start..inner.end;
            let key = self.secrets.key_redaction(plain);
            // The text already hides this value, and more precisely (the key
            // inside a heredoc without its `<<EOT` markers, a key known only from
            // its context on another line): keep that, unless the structure
            // knows the value as a key the text does not show (base64 data).
            let already = match &key {
                Some(k) => spans.overlapping(&range).any(|s| &s.shown == k),
                None => spans
                    .overlapping(&range)
                    .any(|s| s.range.start <= range.start && range.end <= s.range.end),
            };
            if already {
                return;
            }
            let shown = key.unwrap_or_else(|| self.redact_value(plain));
            spans.prefer(text, range, shown);
        };
        for res in &file.resources {
            for named in named_strings(res) {
                if self.is_secret_name(named.name) && !self.is_placeholder(named.value) {
                    add(&mut spans, named.node, named.value);
                }
            }
            if res.kind == K8S_SECRET {
                for (_, node, plain) in secret_data(res) {
                    if !self.is_placeholder(&plain) {
                        add(&mut spans, node, &plain);
                    }
                }
            }
        }
        for (node, plain) in decoded_strings(file) {
            let keys = self.secrets.find_keys(&plain);
            if keys.is_empty() {
                continue;
            }
            // A string that holds keys among other text (a heredoc script) needs
            // no blanket over it when the text already hides each of its keys
            // as itself; only keys the text does not show (escaped, encoded)
            // make the whole value hidden.
            let inner = inner_span(text, node.span);
            let range = inner.start..inner.end;
            let shown_by_text = keys
                .iter()
                .all(|k| spans.overlapping(&range).any(|s| s.shown == k.redacted));
            if !shown_by_text {
                add(&mut spans, node, &plain);
            }
        }
        // Last, so that a token already hidden by name keeps that redaction.
        for s in self.secrets.standalone_spans(text).iter() {
            if !spans.overlaps(&s.range) {
                spans.add(text, s.range.clone(), s.shown.clone());
            }
        }
        spans
    }

    /// `text` (a policy or config file quoted in an error) with its secrets
    /// hidden, and the spans that map the original offsets into it.
    pub fn shown_source(&self, text: &str) -> (String, SecretSpans) {
        let mut spans = self.text_spans(text);
        for s in self.secrets.standalone_spans(text).iter() {
            if !spans.overlaps(&s.range) {
                spans.add(text, s.range.clone(), s.shown.clone());
            }
        }
        (spans.show_all(text), spans)
    }
}

/// The string values of a resource under the names they are assigned to:
/// mapping entries (`KEY: value`), `{name: KEY, value: …}` pairs as in
/// Kubernetes env lists, and the `value`/`default`/`Default` of a resource
/// named for its one value (a Terraform variable, a `.tfvars` entry, a
/// CloudFormation parameter) or a bare string body (an env-file variable).
pub fn named_strings(res: &Resource) -> Vec<Named<'_>> {
    let mut out = Vec::new();
    if let Value::Str(s) = &res.body.value {
        out.push(Named {
            name: &res.name,
            node: &res.body,
            value: s,
        });
    }
    for e in res.body.entries() {
        if let (true, Value::Str(s)) = (
            matches!(e.key.as_str(), "value" | "default" | "Default"),
            &e.value.value,
        ) {
            out.push(Named {
                name: &res.name,
                node: &e.value,
                value: s,
            });
        }
    }
    walk_named(&res.body, &mut out);
    out
}

/// As [`named_strings`], only below the nodes `paths` select in the body.
pub fn named_strings_within<'a>(res: &'a Resource, paths: &[Vec<PathStep>]) -> Vec<Named<'a>> {
    let mut out = Vec::new();
    for path in paths {
        for node in res.body.select(path) {
            walk_named(node, &mut out);
        }
    }
    out
}

fn walk_named<'a>(node: &'a Node, out: &mut Vec<Named<'a>>) {
    match &node.value {
        Value::Map(entries) => {
            if let (Some(name), Some(v)) =
                (node.get("name").and_then(Node::as_str), node.get("value"))
            {
                if let Value::Str(s) = &v.value {
                    out.push(Named {
                        name,
                        node: v,
                        value: s,
                    });
                }
            }
            for e in entries {
                if let Value::Str(s) = &e.value.value {
                    out.push(Named {
                        name: &e.key,
                        node: &e.value,
                        value: s,
                    });
                }
                walk_named(&e.value, out);
            }
        }
        Value::Seq(items) => items.iter().for_each(|i| walk_named(i, out)),
        _ => {}
    }
}

/// The `data` (base64-decoded) and `stringData` entries of a Kubernetes
/// Secret: key, value node and plain value; a `data` value that does not
/// decode to text is given as written. Empty for any other kind.
pub fn secret_data(res: &Resource) -> Vec<(&str, &Node, String)> {
    if res.kind != K8S_SECRET {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (section, base64) in [("data", true), ("stringData", false)] {
        for e in res.body.get(section).map_or(&[][..], Node::entries) {
            if let Value::Str(s) = &e.value.value {
                let plain = if base64 { decode_base64(s) } else { None };
                out.push((e.key.as_str(), &e.value, plain.unwrap_or_else(|| s.clone())));
            }
        }
    }
    out
}

/// Every string of the file's resources whose value differs from what its
/// source text shows — escapes resolved, folded lines joined, block
/// indentation removed, a Secret's `data` decoded — with its node, once per
/// node. The raw text is searched anyway; these are what a search of the raw
/// text cannot see (a key split over a quoted multi-line value, a key in base64).
pub fn decoded_strings(file: &ScannedFile) -> Vec<(&Node, String)> {
    let text = &file.source.text;
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for res in &file.resources {
        for (_, node, plain) in secret_data(res) {
            if seen.insert(node.span) && plain != raw_inner(text, node.span) {
                out.push((node, plain));
            }
        }
        let mut strings = Vec::new();
        collect_strings(&res.body, &mut strings);
        for node in strings {
            let Value::Str(s) = &node.value else { continue };
            if s != raw_inner(text, node.span) && seen.insert(node.span) {
                out.push((node, s.clone()));
            }
        }
    }
    out
}

fn collect_strings<'a>(node: &'a Node, out: &mut Vec<&'a Node>) {
    match &node.value {
        Value::Str(_) => out.push(node),
        Value::Seq(items) => items.iter().for_each(|i| collect_strings(i, out)),
        Value::Map(entries) => entries.iter().for_each(|e| collect_strings(&e.value, out)),
        _ => {}
    }
}

/// The text of `span` without one pair of surrounding quotes.
fn raw_inner(text: &str, span: Span) -> &str {
    let span = inner_span(text, span);
    text.get(span.start..span.end).unwrap_or_default()
}

/// `span` without one pair of surrounding quotes, so that redaction leaves them visible.
pub fn inner_span(text: &str, span: Span) -> Span {
    let raw = text.get(span.start..span.end).unwrap_or_default();
    let quoted = raw.len() >= 2
        && ["\"", "'"]
            .iter()
            .any(|q| raw.starts_with(q) && raw.ends_with(q));
    if quoted {
        Span::new(span.start + 1, span.end - 1)
    } else {
        span
    }
}

/// `text` base64-decoded (white space ignored), if it is base64 of UTF-8 text.
pub fn decode_base64(text: &str) -> Option<String> {
    use base64::Engine as _;
    let compact: String = text.split_whitespace().collect();
    base64::engine::general_purpose::STANDARD
        .decode(compact)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
}
