//! Test support: loads `policies/secrets.yaml` the way the policy loader will,
//! YAML → `serde_json::Value` → `SecretCatalog`, with a small event-based
//! converter over saphyr-parser (the crate has no serde YAML loader).
//! Other secret tests include this file with `#[path]`.

use std::path::{Path, PathBuf};

use saphyr_parser::{Event, Parser, ScalarStyle};
use serde_json::{Map, Number, Value};
use vouch::secrets::{SecretCatalog, Secrets};

/// The crate root, where `policies/` and `tests/fixtures/` live.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The built-in catalogue, compiled.
pub fn secrets() -> Secrets {
    let catalog = catalog();
    match Secrets::compile(&catalog) {
        Ok(s) => s,
        Err(e) => panic!("policies/secrets.yaml does not compile: {e}"),
    }
}

/// The built-in catalogue, deserialized.
pub fn catalog() -> SecretCatalog {
    let value = yaml_file(&root().join("policies/secrets.yaml"));
    match serde_json::from_value(value) {
        Ok(c) => c,
        Err(e) => panic!("policies/secrets.yaml does not deserialize: {e}"),
    }
}

/// A YAML file as JSON.
pub fn yaml_file(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    yaml_to_json(&text)
}

/// One YAML document as JSON: plain scalars resolve to null, booleans and numbers.
pub fn yaml_to_json(text: &str) -> Value {
    enum Frame {
        Seq(Vec<Value>),
        Map(Map<String, Value>, Option<String>),
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut done: Option<Value> = None;

    for event in Parser::new_from_str(text) {
        let (event, _span) = event.unwrap_or_else(|e| panic!("YAML: {e}"));
        let value = match event {
            Event::SequenceStart(..) => {
                stack.push(Frame::Seq(Vec::new()));
                continue;
            }
            Event::MappingStart(..) => {
                stack.push(Frame::Map(Map::new(), None));
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Frame::Seq(items)) => Value::Array(items),
                Some(Frame::Map(map, _)) => Value::Object(map),
                None => panic!("YAML: unbalanced collection"),
            },
            Event::Scalar(text, style, _, _) => scalar(&text, style),
            Event::Alias(_) => panic!("YAML: aliases are not supported here"),
            _ => continue,
        };
        match stack.last_mut() {
            Some(Frame::Seq(items)) => items.push(value),
            Some(Frame::Map(map, key)) => match key.take() {
                Some(k) => {
                    map.insert(k, value);
                }
                None => match value {
                    Value::String(k) => *key = Some(k),
                    other => *key = Some(other.to_string()),
                },
            },
            None => done = Some(value),
        }
    }
    done.unwrap_or(Value::Null)
}

/// A scalar as JSON, resolving plain scalars as the YAML core schema does.
fn scalar(text: &str, style: ScalarStyle) -> Value {
    if style != ScalarStyle::Plain {
        return Value::String(text.to_string());
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ => {
            if let Ok(i) = text.parse::<i64>() {
                Value::Number(i.into())
            } else if let Some(n) = text.parse::<f64>().ok().and_then(Number::from_f64) {
                Value::Number(n)
            } else {
                Value::String(text.to_string())
            }
        }
    }
}

#[test]
fn yaml_converter_resolves_scalars_and_nesting() {
    let v = yaml_to_json("a: 1\nb: [x, 'true', true, 2.5, ~]\nc: {d: \"e\"}\n");
    assert_eq!(
        v,
        serde_json::json!({"a": 1, "b": ["x", "true", true, 2.5, null], "c": {"d": "e"}})
    );
}

#[test]
fn builtin_catalogue_loads_and_compiles() {
    let c = catalog();
    assert_eq!(c.kind.as_deref(), Some("SecretCatalog"));
    assert_eq!(secrets().pattern_count(), c.patterns.len());
}
