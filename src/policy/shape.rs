//! The first loading stage: a pack's shape against `schemas/policy.schema.json`.
//!
//! `jsonschema` says what is wrong in its own words ("… is not one of "path",
//! "op" or 17 other candidates"). This module says it in the user's: the
//! field at fault, every allowed name or value, the nearest one when it looks
//! like a typo, and an example of the expected form. Each problem points at
//! the key or value it is about, never at a whole rule.

use std::sync::OnceLock;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value as J;

use crate::schema::Spans;
use crate::source::Span;

/// The policy schema, compiled into the binary.
pub const SCHEMA: &str = include_str!("../../schemas/policy.schema.json");

/// The schema as JSON, to read the allowed names and values from.
pub fn schema_json() -> &'static J {
    static SCHEMA_JSON: OnceLock<J> = OnceLock::new();
    SCHEMA_JSON.get_or_init(|| {
        serde_json::from_str(SCHEMA).expect("the policy schema shipped in the binary is JSON")
    })
}

fn validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        jsonschema::validator_for(schema_json())
            .expect("the policy schema shipped in the binary is valid")
    })
}

/// One problem with a pack's shape.
#[derive(Debug)]
pub struct ShapeProblem {
    /// The JSON pointer of the value at fault.
    pub pointer: String,
    /// Where it stands.
    pub span: Span,
    /// What is wrong.
    pub message: String,
    /// What to write instead.
    pub help: Option<String>,
}

/// Every way `json` departs from the policy schema, located with `spans`.
pub fn check(json: &J, spans: &Spans) -> Vec<ShapeProblem> {
    validator()
        .iter_errors(json)
        .map(|error| {
            let pointer = error.instance_path().to_string();
            let schema_path = error.schema_path().to_string();
            describe(
                error.kind(),
                &pointer,
                &schema_path,
                error.instance(),
                spans,
            )
        })
        .collect()
}

/// The field a pointer ends in, for messages: `severity`, or `rules[2]`.
fn field(pointer: &str) -> String {
    let mut parts = pointer.rsplit('/');
    match (parts.next(), parts.next()) {
        (Some(last), Some(parent)) if last.parse::<usize>().is_ok() => format!("{parent}[{last}]"),
        (Some(""), _) | (None, _) => "the pack".into(),
        (Some(last), _) => last.to_string(),
    }
}

/// What kind of thing holds a pointer, for "a rule has: …" hints.
fn holder(pointer: &str) -> &'static str {
    let parts: Vec<&str> = pointer.split('/').skip(1).collect();
    match parts.as_slice() {
        [] => "a pack",
        ["metadata", ..] if parts.len() == 1 => "`metadata`",
        ["rules", _] => "a rule",
        ["rules", _, "target"] => "`target`",
        [.., "related"] => "`related`",
        [.., "project"] => "`project`",
        ["detectors", "secrets", "patterns", _] => "a key pattern",
        ["detectors", ..] => "this detector section",
        _ => "a condition",
    }
}

/// The schema node at a canonical schema path (`/$defs/rule/properties/area/enum`).
fn schema_at(path: &str) -> Option<&'static J> {
    let mut node = schema_json();
    for part in path.split('/').skip(1) {
        let part = part.replace("~1", "/").replace("~0", "~");
        node = match node {
            J::Object(map) => map.get(&part)?,
            J::Array(items) => items.get(part.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(node)
}

/// The names of the properties the schema object owning `keyword_path` allows.
fn allowed_names(keyword_path: &str) -> Vec<String> {
    let parent = keyword_path.rsplit_once('/').map_or("", |(p, _)| p);
    let Some(owner) = schema_at(parent) else {
        return Vec::new();
    };
    if let Some(props) = owner.get("properties").and_then(J::as_object) {
        return props.keys().cloned().collect();
    }
    owner
        .pointer("/propertyNames/enum")
        .and_then(J::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// `did you mean `x`?` when one candidate is a likely typo of `got`.
pub fn nearest<'a>(got: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(got, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 4) && *d < c.len().max(got.len()))
        .min()
        .map(|(_, c)| c)
}

fn one_of(got: &str, options: &[String]) -> String {
    let list = options.join(", ");
    match nearest(got, options.iter().map(String::as_str)) {
        Some(n) => format!("did you mean `{n}`? allowed: {list}"),
        None => format!("allowed: {list}"),
    }
}

fn show(value: &J) -> String {
    match value {
        J::String(s) => format!("`{s}`"),
        other => format!("`{other}`"),
    }
}

fn type_name(kind: &TypeKind) -> String {
    let name = |t: &jsonschema::JsonType| match t.to_string().as_str() {
        "array" => "a list".to_string(),
        "object" => "a mapping".to_string(),
        "string" => "a string".to_string(),
        "integer" => "a whole number".to_string(),
        "number" => "a number".to_string(),
        "boolean" => "true or false".to_string(),
        other => other.to_string(),
    };
    match kind {
        TypeKind::Single(t) => name(t),
        TypeKind::Multiple(set) => set
            .iter()
            .map(|t| name(&t))
            .collect::<Vec<_>>()
            .join(" or "),
    }
}

fn found_name(value: &J) -> &'static str {
    match value {
        J::Null => "nothing",
        J::Bool(_) => "true or false",
        J::Number(_) => "a number",
        J::String(_) => "a string",
        J::Array(_) => "a list",
        J::Object(_) => "a mapping",
    }
}

fn describe(
    kind: &ValidationErrorKind,
    pointer: &str,
    schema_path: &str,
    instance: &J,
    spans: &Spans,
) -> ShapeProblem {
    let at_value = |message: String, help: Option<String>| ShapeProblem {
        pointer: pointer.to_string(),
        span: spans.locate(pointer, false),
        message,
        help,
    };
    let name = field(pointer);
    match kind {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let key = unexpected.first().cloned().unwrap_or_default();
            let key_pointer = format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"));
            let allowed = allowed_names(schema_path);
            ShapeProblem {
                span: spans.locate(&key_pointer, true),
                pointer: key_pointer,
                message: format!("unknown field `{key}` in {}", holder(pointer)),
                help: Some(one_of(&key, &allowed)),
            }
        }
        ValidationErrorKind::PropertyNames { error } => {
            let key = error.instance().as_str().unwrap_or_default().to_string();
            let key_pointer = format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"));
            let allowed = allowed_names(&format!("{schema_path}/x"));
            ShapeProblem {
                span: spans.locate(&key_pointer, true),
                pointer: key_pointer,
                message: format!("unknown field `{key}` in {}", holder(pointer)),
                help: Some(one_of(&key, &allowed)),
            }
        }
        ValidationErrorKind::Required { property } => {
            let missing = property.as_str().unwrap_or_default();
            let required: Vec<String> = schema_at(schema_path)
                .and_then(J::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            at_value(
                format!("{} has no `{missing}`", holder(pointer)),
                Some(format!(
                    "{} needs: {}",
                    holder(pointer),
                    required.join(", ")
                )),
            )
        }
        ValidationErrorKind::Enum { options } => {
            let options: Vec<String> = options
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            let got = instance
                .as_str()
                .map_or_else(|| instance.to_string(), str::to_string);
            let what = match name.as_str() {
                "op" => "unknown operator".to_string(),
                "detector" => "unknown detector".to_string(),
                _ => format!("`{name}` cannot be"),
            };
            at_value(
                format!("{what} {}", show(instance)),
                Some(one_of(&got, &options)),
            )
        }
        ValidationErrorKind::Constant { expected_value } => at_value(
            format!("`{name}` must be {}", show(expected_value)),
            Some("a pack starts with `apiVersion: vouch/v1` and `kind: PolicyPack`".into()),
        ),
        ValidationErrorKind::Type { kind } => {
            let expected = type_name(kind);
            let example = match (name.as_str(), expected.as_str()) {
                ("controls", _) => " such as `controls: [\"nist-800-53:AC-6\"]`".to_string(),
                ("kinds", _) => " such as `kinds: [tf/resource/aws_s3_bucket]`".to_string(),
                (_, "a list") => format!(": `{name}: [...]`"),
                (_, "a mapping") => format!(": `{name}: {{...}}`"),
                _ => String::new(),
            };
            at_value(
                format!("`{name}` is {expected}, not {}", found_name(instance)),
                Some(format!("write {expected}{example}")),
            )
        }
        ValidationErrorKind::Pattern { pattern } => at_value(
            format!("{} is not a valid `{name}`", show(instance)),
            Some(pattern_help(&name, pattern)),
        ),
        ValidationErrorKind::MinItems { .. }
        | ValidationErrorKind::MinLength { .. }
        | ValidationErrorKind::MinProperties { .. } => at_value(
            format!("`{name}` is empty"),
            Some(format!("give `{name}` at least one entry or leave it out")),
        ),
        _ => at_value(format!("`{name}`: {kind:?}"), None),
    }
}

fn pattern_help(name: &str, pattern: &str) -> String {
    match name {
        "id" => "rule ids look like `VCH-ENC-001` (or your own prefix: `ACME-ISO-001`)".into(),
        "name" => {
            "names are kebab-case and name the pattern flagged, e.g. `s3-bucket-unencrypted`".into()
        }
        _ if pattern.contains("a-z0-9-]+:") => {
            "controls are `framework:id`, e.g. `nist-800-53:AC-6` (see CONTROLS.md)".into()
        }
        _ if pattern.starts_with("^[a-z][a-z0-9_]") => {
            "param names are snake_case, e.g. `max_days`".into()
        }
        _ => format!("it must match `{pattern}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_get_the_nearest_name() {
        let fields = ["severity", "id", "name", "title"];
        assert_eq!(nearest("severty", fields), Some("severity"));
        assert_eq!(nearest("colour", ["path", "op", "value"]), None);
        assert_eq!(
            nearest("matchs", ["matches", "not_matches"]),
            Some("matches")
        );
        assert_eq!(nearest("ab", ["id"]), None);
    }
}
