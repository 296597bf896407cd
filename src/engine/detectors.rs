//! Named detectors: checks a path test cannot express.
//!
//! Their patterns and thresholds are policy data (the `detectors.secrets`
//! section of a pack); only the search itself lives here.
//!
//! - `secret_keys`: known key shapes in a file's text or in a resource's
//!   string values (`params: {sets: [ai], classes: [admin]}`).
//! - `key_reuse`: the same secret value in production and in another
//!   environment, compared by fingerprint (a project-scope rule).
//! - `not_gitignored`: the file is not excluded by any `.gitignore` between it
//!   and the top of its repository.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value as J;

use super::eval::{Ctx, Hit, Outcome};
use super::project::ResRef;
use crate::resource::Environment;
use crate::source::Span;
use crate::tree::{Node, Value};

/// Runs the detector `name`.
pub fn run(name: &str, params: &J, ctx: &Ctx<'_>) -> Outcome {
    match name {
        "secret_keys" => secret_keys(params, ctx),
        "key_reuse" => key_reuse(params, ctx),
        "not_gitignored" => not_gitignored(ctx),
        other => Outcome::Unknown(vec![Hit {
            at: ctx.at,
            span: ctx.project.resource(ctx.at).span,
            value: None,
            subject: None,
            reason: Some(format!("detector `{other}` is not available")),
        }]),
    }
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

fn secret_keys(params: &J, ctx: &Ctx<'_>) -> Outcome {
    let sets = strings(params, "sets");
    let classes = strings(params, "classes");
    let file = ctx.project.file(ctx.at);
    let resource = ctx.project.resource(ctx.at);
    // A `file` resource is searched whole; others through their string values.
    let regions: Vec<Span> = if resource.kind == "file" {
        vec![Span::new(0, file.source.text.len())]
    } else {
        let mut spans = Vec::new();
        collect_strings(ctx.node, &mut spans);
        spans
    };
    let mut hits = Vec::new();
    for region in regions {
        let text = file.source.slice(region);
        for key in ctx.project.secrets().find_keys(text) {
            let wanted = (sets.is_empty() || sets.contains(&key.set))
                && (classes.is_empty() || classes.contains(&key.class));
            if !wanted {
                continue;
            }
            hits.push(Hit {
                at: ctx.at,
                span: Span::new(region.start + key.range.start, region.start + key.range.end),
                value: Some(key.redacted),
                subject: Some(format!("{} {}", key.provider, key.class)),
                reason: None,
            });
        }
    }
    hits.dedup_by(|a, b| a.span == b.span);
    if hits.is_empty() {
        Outcome::Pass(vec![])
    } else {
        Outcome::Fail(hits)
    }
}

fn collect_strings(node: &Node, out: &mut Vec<Span>) {
    match &node.value {
        Value::Str(_) => out.push(node.span),
        Value::Seq(items) => items.iter().for_each(|i| collect_strings(i, out)),
        Value::Map(entries) => entries.iter().for_each(|e| collect_strings(&e.value, out)),
        _ => {}
    }
}

/// A secret-looking literal under a secret-like name, and where it stands.
struct Candidate {
    at: ResRef,
    span: Span,
    name: String,
    value: String,
}

fn key_reuse(params: &J, ctx: &Ctx<'_>) -> Outcome {
    let project = ctx.project;
    let secrets = project.secrets();
    let kinds = strings(params, "kinds");
    let mut by_value: BTreeMap<String, Vec<(Environment, Candidate)>> = BTreeMap::new();
    for at in project.all() {
        let res = project.resource(at);
        if res.env == Environment::Unknown
            || (!kinds.is_empty() && !kinds.iter().any(|k| res.kind.starts_with(k.as_str())))
        {
            continue;
        }
        let mut found = Vec::new();
        if let Value::Str(v) = &res.body.value {
            found.push(Candidate {
                at,
                span: res.body.span,
                name: res.name.clone(),
                value: v.clone(),
            });
        }
        named_strings(&res.body, at, &mut found);
        for c in found {
            if secrets.is_secret_name(&c.name) && secrets.is_secret_literal(&c.value) {
                by_value
                    .entry(c.value.clone())
                    .or_default()
                    .push((res.env, c));
            }
        }
    }
    let mut hits = Vec::new();
    for (value, places) in by_value {
        let prod = places.iter().any(|(e, _)| *e == Environment::Production);
        let other = places.iter().any(|(e, _)| *e != Environment::Production);
        if !(prod && other) {
            continue;
        }
        let envs: Vec<&str> = {
            let mut e: Vec<&str> = places.iter().map(|(e, _)| e.as_str()).collect();
            e.sort_unstable();
            e.dedup();
            e
        };
        let redacted = secrets.redact_value(&value);
        for (_, c) in places {
            hits.push(Hit {
                at: c.at,
                span: c.span,
                value: Some(redacted.clone()),
                subject: Some(format!("{} ({})", c.name, envs.join(", "))),
                reason: None,
            });
        }
    }
    if hits.is_empty() {
        Outcome::Pass(vec![])
    } else {
        Outcome::Fail(hits)
    }
}

/// String values found under a name: mapping entries (`KEY: value`) and
/// `{name: KEY, value: …}` pairs as in Kubernetes env lists.
fn named_strings(node: &Node, at: ResRef, out: &mut Vec<Candidate>) {
    match &node.value {
        Value::Map(entries) => {
            if let (Some(name), Some(v)) =
                (node.get("name").and_then(Node::as_str), node.get("value"))
            {
                if let Value::Str(s) = &v.value {
                    out.push(Candidate {
                        at,
                        span: v.span,
                        name: name.to_string(),
                        value: s.clone(),
                    });
                }
            }
            for e in entries {
                if let Value::Str(s) = &e.value.value {
                    out.push(Candidate {
                        at,
                        span: e.value.span,
                        name: e.key.clone(),
                        value: s.clone(),
                    });
                }
                named_strings(&e.value, at, out);
            }
        }
        Value::Seq(items) => items.iter().for_each(|i| named_strings(i, at, out)),
        _ => {}
    }
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

/// Whether a `.gitignore` in the file's folder or above (up to the folder
/// holding `.git`) excludes it.
pub fn is_gitignored(path: &Path) -> bool {
    let Ok(abs) = std::path::absolute(path) else {
        return false;
    };
    let mut dir = abs.parent();
    while let Some(d) = dir {
        let gitignore = d.join(".gitignore");
        if gitignore.is_file() {
            let mut builder = ignore::gitignore::GitignoreBuilder::new(d);
            if builder.add(&gitignore).is_none() {
                if let Ok(gi) = builder.build() {
                    if gi.matched_path_or_any_parents(&abs, false).is_ignore() {
                        return true;
                    }
                }
            }
        }
        if d.join(".git").exists() {
            break;
        }
        dir = d.parent();
    }
    false
}
