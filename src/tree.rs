//! The spanned document tree every parser produces.
//!
//! YAML, JSON, HCL, `.env` files and Dockerfiles all become [`Node`]s, so the
//! engine walks one shape whatever the input was. Each node keeps the byte span
//! of the text it came from; that is what gives every finding its line.
//! Values the files cannot settle (a Terraform reference, a function call) are
//! kept as [`Value::Expr`] with their source text, so rules can report them as
//! unknown rather than guess.

use crate::source::Span;

/// One value and where it stands in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The text the value came from.
    pub span: Span,
    /// The value itself.
    pub value: Value,
}

/// A key and its value in a mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key, as text.
    pub key: String,
    /// Where the key stands.
    pub key_span: Span,
    /// The value.
    pub value: Node,
}

/// The value of a node.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// An explicit or implied null.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// A string.
    Str(String),
    /// An expression settled only at deploy time, kept as its source text.
    Expr(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in source order.
    Map(Vec<Entry>),
}

impl Node {
    /// A node of `value` at `span`.
    pub fn new(span: Span, value: Value) -> Self {
        Node { span, value }
    }

    /// The value of `key` when this node is a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// The entry of `key` when this node is a mapping.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    /// The entries when this node is a mapping, else none.
    pub fn entries(&self) -> &[Entry] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    /// The items when this node is a sequence, else none.
    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(items) => items,
            _ => &[],
        }
    }

    /// The string when this node is a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A scalar as text (strings, numbers, booleans); `None` for the rest.
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::Str(s) => Some(s.clone()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            _ => None,
        }
    }

    /// Follows a dotted path (see [`parse_path`]); sequences are walked
    /// element by element, so `containers.image` reaches every image.
    pub fn select<'a>(&'a self, path: &[PathStep]) -> Vec<&'a Node> {
        let mut current = vec![self];
        for step in path {
            let mut next = Vec::new();
            for node in current {
                step_into(node, step, &mut next);
            }
            current = next;
        }
        current
    }

    /// The JSON form of the tree (expressions become their text).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            Value::Str(s) | Value::Expr(s) => J::String(s.clone()),
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => J::Object(
                entries
                    .iter()
                    .map(|e| (e.key.clone(), e.value.to_json()))
                    .collect(),
            ),
        }
    }
}

fn step_into<'a>(node: &'a Node, step: &PathStep, out: &mut Vec<&'a Node>) {
    match (&node.value, step) {
        (Value::Seq(items), PathStep::Index(i)) => out.extend(items.get(*i)),
        (Value::Seq(items), PathStep::Any) => out.extend(items.iter()),
        (Value::Seq(items), PathStep::Key(_)) => {
            for item in items {
                step_into(item, step, out);
            }
        }
        (Value::Map(entries), PathStep::Key(k)) => {
            out.extend(entries.iter().filter(|e| &e.key == k).map(|e| &e.value));
        }
        (Value::Map(entries), PathStep::Any) => out.extend(entries.iter().map(|e| &e.value)),
        _ => {}
    }
}

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathStep {
    /// A mapping key.
    Key(String),
    /// A sequence index.
    Index(usize),
    /// Every value of a mapping or every item of a sequence (`*`).
    Any,
}

/// Parses a path such as `spec.template.spec.containers[0].env` or
/// `Properties["Fn::GetAtt"]`. `*` matches any key or item; an empty path
/// is the node itself.
pub fn parse_path(path: &str) -> Result<Vec<PathStep>, String> {
    let mut steps = Vec::new();
    let mut rest = path.trim();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('[') {
            let close = after
                .find(']')
                .ok_or_else(|| format!("unclosed `[` in path `{path}`"))?;
            let inner = after[..close].trim();
            let step = if inner == "*" {
                PathStep::Any
            } else if let Ok(i) = inner.parse::<usize>() {
                PathStep::Index(i)
            } else {
                let unquoted = inner
                    .strip_prefix('"')
                    .and_then(|s| s.strip_suffix('"'))
                    .or_else(|| inner.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')))
                    .ok_or_else(|| {
                        format!("`[{inner}]` in path `{path}` is not an index, `*` or a quoted key")
                    })?;
                PathStep::Key(unquoted.to_string())
            };
            steps.push(step);
            rest = &after[close + 1..];
        } else {
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            let key = &rest[..end];
            if key.is_empty() {
                return Err(format!("empty step in path `{path}`"));
            }
            steps.push(if key == "*" {
                PathStep::Any
            } else {
                PathStep::Key(key.to_string())
            });
            rest = &rest[end..];
        }
        if let Some(after) = rest.strip_prefix('.') {
            if after.is_empty() {
                return Err(format!("path `{path}` ends with `.`"));
            }
            rest = after;
        }
    }
    Ok(steps)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Node {
        Node::new(Span::default(), Value::Str(v.into()))
    }

    fn map(entries: Vec<(&str, Node)>) -> Node {
        Node::new(
            Span::default(),
            Value::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| Entry {
                        key: k.into(),
                        key_span: Span::default(),
                        value: v,
                    })
                    .collect(),
            ),
        )
    }

    #[test]
    fn paths_walk_sequences() {
        let c1 = map(vec![("image", s("a"))]);
        let c2 = map(vec![("image", s("b"))]);
        let root = map(vec![(
            "containers",
            Node::new(Span::default(), Value::Seq(vec![c1, c2])),
        )]);
        let got = root.select(&parse_path("containers.image").unwrap());
        assert_eq!(got.len(), 2);
        let got = root.select(&parse_path("containers[1].image").unwrap());
        assert_eq!(got[0].as_str(), Some("b"));
    }

    #[test]
    fn quoted_keys_and_errors() {
        assert_eq!(
            parse_path(r#"a["Fn::GetAtt"][0]"#).unwrap(),
            vec![
                PathStep::Key("a".into()),
                PathStep::Key("Fn::GetAtt".into()),
                PathStep::Index(0)
            ]
        );
        assert!(parse_path("a..b").is_err());
        assert!(parse_path("a[").is_err());
        assert_eq!(parse_path("").unwrap(), vec![]);
    }
}
