//! docker-compose files to `compose/service` resources.
//!
//! The list form of `environment` (`- KEY=value`) is rewritten into the
//! mapping form, with the key and value spans split at `=`, so rules read
//! one shape and findings underline just the value. A top-level `services:`
//! alone does not make a compose file (Helm values and CircleCI configs have
//! one too); see [`is_compose`].

use crate::resource::Resource;
use crate::source::{SourceFile, Span};
use crate::tree::{Entry, Node, Value};

/// The top-level keys the compose specification allows, besides `x-` extensions.
const TOP_LEVEL: [&str; 9] = [
    "version", "name", "services", "networks", "volumes", "configs", "secrets", "include", "models",
];

/// Whether a document is a compose file: a `services` mapping, and either a
/// compose file name (`named`) or the compose shape — only the top-level keys
/// the specification allows, and a service with an `image` or a `build`.
pub fn is_compose(root: &Node, named: bool) -> bool {
    let Some(Value::Map(services)) = root.get("services").map(|s| &s.value) else {
        return false;
    };
    if named {
        return true;
    }
    let only_compose_keys = root
        .entries()
        .iter()
        .all(|e| e.key.starts_with("x-") || TOP_LEVEL.contains(&e.key.as_str()));
    let has_a_service = services.iter().any(|s| {
        s.value.get("image").is_some_and(|i| i.as_str().is_some())
            || s.value
                .get("build")
                .is_some_and(|b| matches!(b.value, Value::Str(_) | Value::Map(_)))
    });
    only_compose_keys && has_a_service
}

/// One `compose/service` per service of a compose document.
pub fn extract(file: &SourceFile, root: &Node) -> Vec<Resource> {
    let Some(services) = root.get("services") else {
        return Vec::new();
    };
    services
        .entries()
        .iter()
        .map(|e| {
            let body = normalise(file, &e.value);
            let span = e.key_span;
            let mut r = Resource::new("compose/service", e.key.clone(), span, body)
                .with_address(format!("compose/service/{}", e.key));
            r.ref_names = vec![e.key.clone()];
            r
        })
        .collect()
}

fn normalise(file: &SourceFile, service: &Node) -> Node {
    let mut service = service.clone();
    if let Value::Map(entries) = &mut service.value {
        for e in entries.iter_mut() {
            if e.key == "environment" || e.key == "args" {
                e.value = list_to_map(file, &e.value);
            }
            if e.key == "build" {
                if let Value::Map(build) = &mut e.value.value {
                    for b in build.iter_mut().filter(|b| b.key == "args") {
                        b.value = list_to_map(file, &b.value);
                    }
                }
            }
        }
    }
    service
}

/// `[KEY=value, OTHER]` → `{KEY: value, OTHER: null}`.
fn list_to_map(file: &SourceFile, node: &Node) -> Node {
    let Value::Seq(items) = &node.value else {
        return node.clone();
    };
    let entries = items
        .iter()
        .filter_map(|item| {
            let text = item.as_str()?;
            let raw = file.slice(item.span);
            let quote = usize::from(raw.starts_with(['"', '\'']));
            // Spans split at `=` only when the item is written as it reads;
            // with escapes (`"A=\u00e9"`) the value gets the item's whole span.
            let as_written = raw.get(quote..raw.len() - quote) == Some(text);
            match text.split_once('=') {
                Some((k, v)) if !as_written => Some(Entry {
                    key: k.trim().to_string(),
                    key_span: item.span,
                    value: Node::new(item.span, Value::Str(v.to_string())),
                }),
                Some((k, v)) => {
                    let key_start = item.span.start + quote;
                    let value_start = key_start + k.len() + 1;
                    Some(Entry {
                        key: k.trim().to_string(),
                        key_span: Span::new(key_start, key_start + k.len()),
                        value: Node::new(
                            Span::new(value_start, (item.span.end - quote).max(value_start)),
                            Value::Str(v.to_string()),
                        ),
                    })
                }
                None => Some(Entry {
                    key: text.trim().to_string(),
                    key_span: item.span,
                    value: Node::new(item.span, Value::Null),
                }),
            }
        })
        .collect();
    Node::new(node.span, Value::Map(entries))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::yaml;

    #[test]
    fn environment_list_becomes_a_map_with_value_spans() {
        let text = "services:\n  api:\n    environment:\n      - OPENAI_BASE_URL=http://x\n      - \"DEBUG=1\"\n";
        let file = SourceFile::new("compose.yaml", text);
        let root = yaml::parse(text).unwrap().remove(0).root;
        let res = extract(&file, &root);
        let env = res[0].body.get("environment").unwrap();
        let url = env.get("OPENAI_BASE_URL").unwrap();
        assert_eq!(file.slice(url.span), "http://x");
        assert_eq!(file.slice(env.get("DEBUG").unwrap().span), "1");
    }

    #[test]
    fn an_escaped_item_keeps_its_whole_span() {
        let text = "services:\n  api:\n    environment:\n      - \"A=caf\\u00e9\"\n";
        let file = SourceFile::new("compose.yaml", text);
        let root = yaml::parse(text).unwrap().remove(0).root;
        let res = extract(&file, &root);
        let a = res[0].body.get("environment").unwrap().get("A").unwrap();
        assert_eq!(a.as_str(), Some("café"));
        assert_eq!(file.slice(a.span), "\"A=caf\\u00e9\"");
    }
}
