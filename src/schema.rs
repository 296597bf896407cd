//! JSON-schema checks of YAML read with spans, each problem pointed at a line.
//!
//! Policy packs and `.vouch.yaml` are both YAML validated against a schema
//! shipped in the binary. `jsonschema` reports problems by JSON pointer; this
//! module keeps where each pointer stands in the file, so that a problem is
//! shown at the key or value it is about rather than at the top of the file.

use std::collections::HashMap;

use crate::source::Span;
use crate::tree::{Node, Value};

/// Where each JSON pointer of a document stands: (key span, value span).
#[derive(Debug, Default, Clone)]
pub struct Spans(HashMap<String, (Span, Span)>);

impl Spans {
    /// Indexes every key and item under `root`.
    pub fn index(root: &Node) -> Spans {
        let mut spans = Spans::default();
        spans.0.insert(String::new(), (root.span, root.span));
        spans.walk(root, "");
        spans
    }

    fn walk(&mut self, node: &Node, pointer: &str) {
        match &node.value {
            Value::Map(entries) => {
                for e in entries {
                    let p = format!("{pointer}/{}", e.key.replace('~', "~0").replace('/', "~1"));
                    self.0.insert(p.clone(), (e.key_span, e.value.span));
                    self.walk(&e.value, &p);
                }
            }
            Value::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    let p = format!("{pointer}/{i}");
                    self.0.insert(p.clone(), (item.span, item.span));
                    self.walk(item, &p);
                }
            }
            _ => {}
        }
    }

    /// The span of `pointer`'s key (or value), or of its nearest indexed parent.
    pub fn locate(&self, pointer: &str, key: bool) -> Span {
        let mut p = pointer.to_string();
        loop {
            if let Some((k, v)) = self.0.get(&p) {
                return if key { *k } else { *v };
            }
            match p.rfind('/') {
                Some(i) => p.truncate(i),
                None => return Span::new(0, 0),
            }
        }
    }
}

/// One schema violation: the pointer it concerns, where it stands, and the message.
#[derive(Debug)]
pub struct Violation {
    /// The JSON pointer of the offending value (of the unexpected key, for extra keys).
    pub pointer: String,
    /// Where to point.
    pub span: Span,
    /// What `jsonschema` said.
    pub message: String,
}

/// Every violation of `validator` by `json`, located with `spans`.
pub fn violations(
    validator: &jsonschema::Validator,
    json: &serde_json::Value,
    spans: &Spans,
) -> Vec<Violation> {
    validator
        .iter_errors(json)
        .map(|error| {
            let pointer = error.instance_path().to_string();
            // An unexpected key is shown at the key itself, not at its parent mapping.
            let (pointer, key) = match error.kind() {
                jsonschema::error::ValidationErrorKind::AdditionalProperties { unexpected } => (
                    format!(
                        "{pointer}/{}",
                        unexpected.first().map_or("", String::as_str)
                    ),
                    true,
                ),
                // A bad key name (`qa:` under `environments`) is shown at that key.
                jsonschema::error::ValidationErrorKind::PropertyNames { error } => {
                    match error.instance().as_str() {
                        Some(name) => (format!("{pointer}/{}", escape_pointer(name)), true),
                        None => (pointer, false),
                    }
                }
                _ => (pointer, false),
            };
            Violation {
                span: spans.locate(&pointer, key),
                message: error.to_string(),
                pointer,
            }
        })
        .collect()
}

/// `name` as one JSON pointer segment (`~` and `/` escaped).
fn escape_pointer(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}
