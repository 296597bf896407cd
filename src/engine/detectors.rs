//! Named detectors: checks a path test cannot express.
//!
//! Their patterns and thresholds are policy data (the `detectors.secrets`
//! section of a pack, and each rule's `params`); only the search itself lives
//! here. Each detector fails once per place it finds, and passes otherwise.
//!
//! - `secret_keys`: known key shapes in a file's text (and in the decoded
//!   strings of its resources), or in a resource's string values
//!   (`params: {sets: [ai], classes: [admin], within: {KIND: [PATH…]}}`).
//! - `secret_assignments`: high-entropy literals under secret-like names that
//!   are no key of a known shape (ISO-003; `within` as above).
//! - `secret_arguments`: secret-like command-line options given a literal
//!   value, or a key of a known shape, in command fields (`fields`, `option`).
//! - `key_reuse`: the same secret value in production and in another
//!   environment, compared by digest (a project-scope rule; `kinds`,
//!   `exclude_files`).
//! - `not_gitignored`: the file is not excluded by the `.gitignore` files
//!   between it and the top of its repository.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{OnceLock, PoisonError, RwLock};

use regex::Regex;
use serde_json::Value as J;

use super::eval::{Ctx, Hit, Outcome};
use super::project::ResRef;
use super::secrets::{Named, decoded_strings, named_strings, named_strings_within, secret_data};
use crate::resource::{Environment, Resource};
use crate::secrets::digest;
use crate::source::Span;
use crate::tree::{Node, PathStep, Value, parse_path};

/// The names of every detector, for the policy loader's check.
pub const NAMES: &[&str] = &[
    "secret_keys",
    "secret_assignments",
    "secret_arguments",
    "key_reuse",
    "not_gitignored",
];

/// Runs the detector `name`.
pub fn run(name: &str, params: &J, ctx: &Ctx<'_>) -> Outcome {
    let outcome = match name {
        "secret_keys" => secret_keys(params, ctx),
        "secret_assignments" => secret_assignments(params, ctx),
        "secret_arguments" => secret_arguments(params, ctx),
        "key_reuse" => key_reuse(params, ctx),
        "not_gitignored" => Ok(not_gitignored(ctx)),
        other => Err(format!("detector `{other}` is not available")),
    };
    outcome.unwrap_or_else(|reason| {
        Outcome::Unknown(vec![Hit {
            at: ctx.at,
            span: ctx.project.resource(ctx.at).span,
            value: None,
            subject: None,
            reason: Some(reason),
        }])
    })
}

fn strings(params: &J, key: &str) -> Vec<String> {
    params
        .get(key)
        .and_then(J::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn verdict(hits: Vec<Hit>) -> Outcome {
    if hits.is_empty() {
        Outcome::Pass(vec![])
    } else {
        Outcome::Fail(hits)
    }
}

/// The paths `params.within` gives for `kind` (an exact kind, or a prefix
/// ending in `*`); `None` when it names none, meaning the whole body.
fn within(params: &J, kind: &str) -> Result<Option<Vec<Vec<PathStep>>>, String> {
    let Some(map) = params.get("within").and_then(J::as_object) else {
        return Ok(None);
    };
    let listed = map.iter().find(|(k, _)| match k.strip_suffix('*') {
        Some(prefix) => kind.starts_with(prefix),
        None => kind == k.as_str(),
    });
    let Some((_, paths)) = listed else {
        return Ok(None);
    };
    let paths = paths.as_array().map(Vec::as_slice).unwrap_or_default();
    paths
        .iter()
        .map(|p| {
            let p = p.as_str().ok_or("`within` paths must be strings")?;
            parse_path(p).map_err(|e| format!("`within`: {e}"))
        })
        .collect::<Result<Vec<_>, String>>()
        .map(Some)
}

// TODO: files the scanner skips before parsing because they are not text it
// can decode never reach this detector, so keys in them are missed; Helm chart
// templates do reach it, as text (scan.rs).
fn secret_keys(params: &J, ctx: &Ctx<'_>) -> Result<Outcome, String> {
    let sets = strings(params, "sets");
    let classes = strings(params, "classes");
    let secrets = ctx.project.secrets();
    let file = ctx.project.file(ctx.at);
    let resource = ctx.project.resource(ctx.at);
    // A `file` resource is searched whole, then its resources' decoded
    // strings; others through their string values.
    let mut regions: Vec<(Span, Option<String>)> = Vec::new();
    if resource.kind == "file" {
        regions.push((Span::new(0, file.source.text.len()), None));
        for (node, plain) in decoded_strings(file) {
            regions.push((node.span, Some(plain)));
        }
    } else {
        let mut spans = Vec::new();
        match within(params, &resource.kind)? {
            Some(paths) => paths
                .iter()
                .flat_map(|p| ctx.node.select(p))
                .for_each(|n| collect_string_spans(n, &mut spans)),
            None => collect_string_spans(ctx.node, &mut spans),
        }
        regions.extend(spans.into_iter().map(|s| (s, None)));
    }

    let mut hits: Vec<Hit> = Vec::new();
    let mut taken = crate::secrets::Disjoint::default();
    for (region, decoded) in regions {
        // A decoded string is read after the text before it on its line (its
        // name), which a key that needs context may need: `azurestorageaccountkey:`.
        let text = match &decoded {
            Some(plain) => {
                let source = &file.source.text;
                let line_start = source[..region.start].rfind('\n').map_or(0, |i| i + 1);
                format!("{}{plain}", &source[line_start..region.start])
            }
            None => file.source.slice(region).to_string(),
        };
        for key in secrets.find_keys(&text) {
            let wanted = (sets.is_empty() || sets.contains(&key.set))
                && (classes.is_empty() || classes.contains(&key.class));
            // A key in decoded text is reported at its whole string, unless
            // the raw text already gave it there.
            let span = match decoded {
                Some(_) => region,
                None => Span::new(region.start + key.range.start, region.start + key.range.end),
            };
            if !wanted || taken.overlaps(&(span.start..span.end)) {
                continue;
            }
            taken.insert(span.start..span.end);
            hits.push(Hit {
                at: ctx.at,
                span,
                value: Some(key.redacted),
                subject: Some(format!("{} {}", key.provider, key.class)),
                reason: None,
            });
        }
    }
    Ok(verdict(hits))
}

fn overlap(a: Span, b: Span) -> bool {
    a.start < b.end && b.start < a.end
}

fn collect_string_spans(node: &Node, out: &mut Vec<Span>) {
    match &node.value {
        Value::Str(_) => out.push(node.span),
        Value::Seq(items) => items.iter().for_each(|i| collect_string_spans(i, out)),
        Value::Map(entries) => entries
            .iter()
            .for_each(|e| collect_string_spans(&e.value, out)),
        _ => {}
    }
}

/// ISO-003: a literal under a secret-like name that looks like a secret and
/// is no key of a known shape (those are ISO-001 and ISO-002's to report).
fn secret_assignments(params: &J, ctx: &Ctx<'_>) -> Result<Outcome, String> {
    let secrets = ctx.project.secrets();
    let res = ctx.project.resource(ctx.at);
    let named = match within(params, &res.kind)? {
        Some(paths) => named_strings_within(res, &paths),
        None => named_strings(res),
    };
    let text = &ctx.project.file(ctx.at).source.text;
    let mut hits: Vec<Hit> = Vec::new();
    for Named { name, node, value } in named {
        let secret = secrets.is_secret_name(name)
            && secrets.looks_like_secret_value(value)
            && secrets.find_keys(value).is_empty()
            && !key_in_context(ctx, text, node.span);
        if secret && !hits.iter().any(|h| h.span == node.span) {
            hits.push(Hit {
                at: ctx.at,
                span: node.span,
                value: Some(secrets.redact_value(value)),
                subject: Some(name.to_string()),
                reason: None,
            });
        }
    }
    Ok(verdict(hits))
}

/// Whether a key of a known shape stands in `span` when the lines around it
/// are read too: a Mistral or AWS secret key is one only beside its name.
fn key_in_context(ctx: &Ctx<'_>, text: &str, span: Span) -> bool {
    const LINES: usize = 3;
    let from = text[..span.start.min(text.len())]
        .rmatch_indices('\n')
        .nth(LINES)
        .map_or(0, |(i, _)| i + 1);
    let end = span.end.min(text.len());
    let to = text[end..]
        .match_indices('\n')
        .nth(LINES)
        .map_or(text.len(), |(i, _)| end + i);
    let Some(window) = text.get(from..to) else {
        return false;
    };
    ctx.project
        .secrets()
        .find_keys(window)
        .iter()
        .any(|k| overlap(Span::new(from + k.range.start, from + k.range.end), span))
}

/// The regex of a detector param, compiled once per run and shared: a
/// detector runs once per resource, and compiling costs far more than matching.
fn compiled(source: &str) -> Result<Regex, regex::Error> {
    static CACHE: OnceLock<RwLock<HashMap<String, Regex>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let read = cache.read().unwrap_or_else(PoisonError::into_inner);
    if let Some(regex) = read.get(source) {
        return Ok(regex.clone());
    }
    drop(read);
    let regex = Regex::new(source)?;
    cache
        .write()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(source.to_string(), regex.clone());
    Ok(regex)
}

/// ISO-015: command fields that pass a secret-like option a literal value
/// (`--api-key=…`, `--password …`, in one string or as the next list item),
/// or hold a key of a known shape. One finding per string.
fn secret_arguments(params: &J, ctx: &Ctx<'_>) -> Result<Outcome, String> {
    let source = params
        .get("option")
        .and_then(J::as_str)
        .ok_or("`option` (a regex with `name` and `value` groups) is required")?;
    let option = compiled(source).map_err(|e| format!("`option`: {e}"))?;
    let args = Arguments { ctx, option };

    let mut hits = Vec::new();
    for field in strings(params, "fields") {
        let Some(node) = ctx.node.get(&field) else {
            continue;
        };
        match &node.value {
            Value::Str(s) => hits.extend(args.check(node, s, None)),
            Value::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    let Some(text) = item.as_str() else { continue };
                    let next = items.get(i + 1).and_then(|n| Some((n, n.as_str()?)));
                    hits.extend(args.check(item, text, next));
                }
            }
            _ => {}
        }
    }
    hits.dedup_by(|a, b| a.span == b.span);
    Ok(verdict(hits))
}

/// The option test of [`secret_arguments`].
struct Arguments<'c, 'p> {
    ctx: &'c Ctx<'p>,
    option: Regex,
}

impl Arguments<'_, '_> {
    /// The finding for one command string, if it passes a secret: at this
    /// string, or at `next` when a bare option takes its value from there.
    fn check(&self, node: &Node, text: &str, next: Option<(&Node, &str)>) -> Option<Hit> {
        let secrets = self.ctx.project.secrets();
        let words: Vec<&str> = text.split_whitespace().collect();
        for (i, word) in words.iter().enumerate() {
            let Some(caps) = self.option.captures(word) else {
                continue;
            };
            let Some(name) = caps.name("name").map(|m| m.as_str()) else {
                continue;
            };
            if !secrets.is_secret_name(name) {
                continue;
            }
            let (value, at) = match caps.name("value") {
                Some(v) => (v.as_str(), node),
                None => match (words.get(i + 1), next) {
                    (Some(w), _) => (*w, node),
                    (None, Some((n, t))) if words.len() == 1 => (t, n),
                    _ => continue,
                },
            };
            if !value.starts_with('-') && !secrets.is_placeholder(value) {
                return Some(self.hit(at, Some(name), value));
            }
        }
        let key = secrets.find_keys(text).into_iter().next()?;
        Some(Hit {
            value: Some(key.redacted),
            ..self.hit(node, None, "")
        })
    }

    fn hit(&self, node: &Node, name: Option<&str>, value: &str) -> Hit {
        let secrets = self.ctx.project.secrets();
        Hit {
            at: self.ctx.at,
            span: node.span,
            value: Some(secrets.redact_value(value)),
            subject: name.map(str::to_string),
            reason: None,
        }
    }
}

/// Where one secret value stands: (file, start of its span) → its environment and place.
type Places = BTreeMap<(usize, usize), (Environment, Candidate)>;

/// A secret value and where it stands, for [`key_reuse`]. Holds no value, only its redaction.
struct Candidate {
    at: ResRef,
    span: Span,
    name: String,
    redacted: String,
    /// Length of the resource's span: of two resources holding one value
    /// (a Pod and its container), the smaller names it.
    scope: usize,
}

fn key_reuse(params: &J, ctx: &Ctx<'_>) -> Result<Outcome, String> {
    let project = ctx.project;
    let kinds = strings(params, "kinds");
    let exclude = match params.get("exclude_files").and_then(J::as_str) {
        Some(r) => Some(compiled(r).map_err(|e| format!("`exclude_files`: {e}"))?),
        None => None,
    };

    let mut by_value: BTreeMap<String, Places> = BTreeMap::new();
    for at in project.all() {
        let res = project.resource(at);
        let path = project.file(at).source.display_path();
        let skip = res.env == Environment::Unknown
            || (!kinds.is_empty() && !kinds.iter().any(|k| res.kind.starts_with(k.as_str())))
            || exclude.as_ref().is_some_and(|re| re.is_match(&path));
        if skip {
            continue;
        }
        for (value, c) in candidates(ctx, at, res) {
            let places = by_value.entry(digest(&value)).or_default();
            let place = (at.file, c.span.start);
            match places.get(&place) {
                Some((_, old)) if old.scope <= c.scope => {}
                _ => {
                    places.insert(place, (res.env, c));
                }
            }
        }
    }

    let mut hits = Vec::new();
    for places in by_value.into_values() {
        let prod = places.values().any(|(e, _)| *e == Environment::Production);
        let other = places.values().any(|(e, _)| *e != Environment::Production);
        if !(prod && other) {
            continue;
        }
        let mut envs: Vec<&str> = places.values().map(|(e, _)| e.as_str()).collect();
        envs.sort_unstable();
        envs.dedup();
        let envs = envs.join(", ");
        for (_, c) in places.into_values() {
            hits.push(Hit {
                at: c.at,
                span: c.span,
                value: Some(c.redacted),
                subject: Some(format!("{} ({envs})", c.name)),
                reason: None,
            });
        }
    }
    Ok(verdict(hits))
}

/// The secret values of a resource: every key of a known shape in any of its
/// strings, whatever the name, and high-entropy literals under secret-like
/// names; a Secret's `data` decoded first.
fn candidates(ctx: &Ctx<'_>, at: ResRef, res: &Resource) -> Vec<(String, Candidate)> {
    let secrets = ctx.project.secrets();
    let values: Vec<(&str, &Node, String)> = if res.kind == "k8s/Secret" {
        secret_data(res)
    } else {
        named_strings(res)
            .into_iter()
            .map(|n| (n.name, n.node, n.value.to_string()))
            .collect()
    };

    let mut out = Vec::new();
    for (name, node, value) in values {
        let candidate = |redacted: String| Candidate {
            at,
            span: node.span,
            name: name.to_string(),
            redacted,
            scope: res.span.len().max(res.body.span.len()),
        };
        let keys = secrets.find_keys(&value);
        if keys.is_empty() {
            if secrets.is_secret_name(name) && secrets.is_secret_literal(&value) {
                let redacted = secrets.redact_value(&value);
                out.push((value, candidate(redacted)));
            }
            continue;
        }
        for key in keys {
            let text = value[key.range.clone()].to_string();
            out.push((text, candidate(key.redacted)));
        }
    }
    out
}

fn not_gitignored(ctx: &Ctx<'_>) -> Outcome {
    let file = ctx.project.file(ctx.at);
    let hit = Hit {
        at: ctx.at,
        span: ctx.project.resource(ctx.at).span,
        value: None,
        subject: None,
        reason: None,
    };
    if is_gitignored(&file.source.path) {
        Outcome::Pass(vec![hit])
    } else {
        Outcome::Fail(vec![hit])
    }
}

/// Whether the `.gitignore` files between the file and the folder holding
/// `.git` exclude it, as git decides: a folder excluded anywhere above stays
/// excluded, and otherwise the deepest `.gitignore` with a matching pattern
/// wins, so a nested `!.env` re-includes what a higher `.env` excluded.
pub fn is_gitignored(path: &Path) -> bool {
    let Ok(abs) = std::path::absolute(path) else {
        return false;
    };
    let Some(parent) = abs.parent() else {
        return false;
    };
    let mut verdict = None;
    let mut dir = Some(parent);
    while let Some(d) = dir {
        if let Some(gi) = gitignore_in(d) {
            if d != parent && gi.matched_path_or_any_parents(parent, true).is_ignore() {
                return true;
            }
            if verdict.is_none() {
                let m = gi.matched(&abs, false);
                if !m.is_none() {
                    verdict = Some(m.is_ignore());
                }
            }
        }
        if d.join(".git").exists() {
            break;
        }
        dir = d.parent();
    }
    verdict.unwrap_or(false)
}

/// The `.gitignore` of folder `d`, if it has a readable one.
fn gitignore_in(d: &Path) -> Option<ignore::gitignore::Gitignore> {
    let file = d.join(".gitignore");
    if !file.is_file() {
        return None;
    }
    let mut builder = ignore::gitignore::GitignoreBuilder::new(d);
    if builder.add(&file).is_some() {
        return None;
    }
    builder.build().ok()
}
