//! HCL expressions and bodies as spanned [`Node`]s.
//!
//! Literals become typed values; anything Terraform settles only at plan time
//! (references, calls, conditionals, interpolated strings) stays an
//! [`Value::Expr`] holding its exact source text, so a rule can say "unknown"
//! instead of guessing. Two shapes are opened up because policies live in
//! them: `jsonencode({...})` and a heredoc or string holding a JSON object,
//! which is how most IAM policy documents are written.

use hcl_edit::expr::{Expression, FuncCall, Object, ObjectKey};
use hcl_edit::structure::{Block, BlockLabel, Body, Structure};
use hcl_edit::template::{Element, HeredocTemplate};

use crate::inputs::json;
use crate::source::Span;
use crate::tree::{Entry, Node, Value};

/// The key under which a nested block keeps its labels (`dynamic "ingress"`).
pub const LABELS_KEY: &str = "_labels";

/// The span hcl-edit recorded, or an empty one at the start if it has none.
pub fn span_of(item: &impl hcl_edit::Span) -> Span {
    item.span()
        .map_or_else(Span::default, |r| Span::new(r.start, r.end))
}

/// A block or body as a map in source order. Nested blocks are keyed by
/// their type where the first one stands: one block gives a map, several
/// give a sequence of maps.
pub fn body_node(body: &Body, span: Span, text: &str) -> Node {
    let mut entries: Vec<Entry> = Vec::new();
    // Which entries are block groups, so an attribute of the same name (which
    // Terraform rejects anyway) is never mixed into one.
    let mut groups: Vec<usize> = Vec::new();
    for structure in body.iter() {
        match structure {
            Structure::Attribute(attr) => entries.push(Entry {
                key: attr.key.as_str().to_string(),
                key_span: span_of(&attr.key),
                value: expr_node(&attr.value, text),
            }),
            Structure::Block(block) => add_block(&mut entries, &mut groups, block, text),
        }
    }
    Node::new(span, Value::Map(entries))
}

/// Adds a nested block, turning an earlier block of its type into a sequence.
fn add_block(entries: &mut Vec<Entry>, groups: &mut Vec<usize>, block: &Block, text: &str) {
    let node = block_node(block, text);
    let ident = block.ident.as_str();
    let group = groups.iter().copied().find(|&i| entries[i].key == ident);
    let Some(entry) = group.map(|i| &mut entries[i]) else {
        groups.push(entries.len());
        entries.push(Entry {
            key: ident.to_string(),
            key_span: span_of(&block.ident),
            value: node,
        });
        return;
    };
    let span = entry.value.span.join(node.span);
    match &mut entry.value.value {
        Value::Seq(items) => items.push(node),
        _ => {
            let first = std::mem::replace(&mut entry.value, Node::new(span, Value::Null));
            entry.value.value = Value::Seq(vec![first, node]);
        }
    }
    entry.value.span = span;
}

/// A nested block: its body, with its labels (if any) under [`LABELS_KEY`].
fn block_node(block: &Block, text: &str) -> Node {
    let mut node = body_node(&block.body, span_of(block), text);
    if let (Some(first), Value::Map(entries)) = (block.labels.first(), &mut node.value) {
        let labels: Vec<Node> = block.labels.iter().map(label_node).collect();
        let span = labels.iter().fold(span_of(first), |s, l| s.join(l.span));
        entries.insert(
            0,
            Entry {
                key: LABELS_KEY.to_string(),
                key_span: span,
                value: Node::new(span, Value::Seq(labels)),
            },
        );
    }
    node
}

fn label_node(label: &BlockLabel) -> Node {
    Node::new(span_of(label), Value::Str(label.as_str().to_string()))
}

/// One expression as a node.
pub fn expr_node(expr: &Expression, text: &str) -> Node {
    let span = span_of(expr);
    let value = match expr {
        Expression::Null(_) => Value::Null,
        Expression::Bool(b) => Value::Bool(*b.value()),
        Expression::Number(n) => {
            let n = n.value();
            match (n.as_i64(), n.as_f64()) {
                (Some(i), _) => Value::Int(i),
                (None, Some(f)) => Value::Float(f),
                (None, None) => source_expr(text, span),
            }
        }
        Expression::String(s) => return string_node(s.value(), span, text),
        Expression::Array(items) => Value::Seq(items.iter().map(|e| expr_node(e, text)).collect()),
        Expression::Object(object) => object_value(object, text),
        Expression::HeredocTemplate(heredoc) => return heredoc_node(heredoc, span, text),
        Expression::FuncCall(call) => match jsonencode_argument(call) {
            Some(arg) => return expr_node(arg, text),
            None => source_expr(text, span),
        },
        // TODO: a quoted template holding JSON with interpolations
        // ("{\"Resource\": \"${aws_s3_bucket.b.arn}\"}") stays one expression;
        // opening it needs unescaping with a map back to source offsets.
        _ => source_expr(text, span),
    };
    Node::new(span, value)
}

/// The source text of `span` as an expression.
fn source_expr(text: &str, span: Span) -> Value {
    Value::Expr(text.get(span.start..span.end).unwrap_or("").to_string())
}

fn object_value(object: &Object, text: &str) -> Value {
    let entries = object.iter().map(|(key, value)| {
        let (key, key_span) = match key {
            ObjectKey::Ident(ident) => (ident.as_str().to_string(), span_of(ident)),
            ObjectKey::Expression(Expression::String(s)) => (s.value().clone(), span_of(s)),
            ObjectKey::Expression(e) => {
                let span = span_of(e);
                (
                    text.get(span.start..span.end).unwrap_or("").to_string(),
                    span,
                )
            }
        };
        Entry {
            key,
            key_span,
            value: expr_node(value.expr(), text),
        }
    });
    Value::Map(entries.collect())
}

/// The literal collection handed to `jsonencode`, if that is what `call` is.
/// `jsonencode(var.policy)` stays an expression: there is nothing to walk.
fn jsonencode_argument(call: &FuncCall) -> Option<&Expression> {
    if call.name.is_namespaced() || call.name.name.as_str() != "jsonencode" || call.args.len() != 1
    {
        return None;
    }
    call.args
        .iter()
        .next()
        .filter(|arg| matches!(arg, Expression::Object(_) | Expression::Array(_)))
}

/// A quoted string without interpolation; one holding a JSON object is opened up.
fn string_node(value: &str, span: Span, text: &str) -> Node {
    if looks_like_json_object(value) {
        // Without escapes the quoted text is the value, so spans can point
        // inside it; with escapes they cannot, and the whole string is used.
        let inner = Span::new(span.start + 1, span.end.saturating_sub(1));
        if text.get(inner.start..inner.end) == Some(value) {
            if let Ok(node) = json::parse_str_at(value, inner.start) {
                return node;
            }
        } else if let Ok(mut node) = json::parse_str_at(value, 0) {
            flatten_spans(&mut node, span);
            return node;
        }
    }
    Node::new(span, Value::Str(value.to_string()))
}

/// A heredoc: its JSON object when it holds one, its text when it is plain,
/// an expression when it interpolates anything else.
fn heredoc_node(heredoc: &HeredocTemplate, span: Span, text: &str) -> Node {
    let body = span_of(&heredoc.template);
    let raw = text.get(body.start..body.end).unwrap_or("");
    if looks_like_json_object(raw) {
        // The raw source is parsed rather than the dedented value: JSON
        // ignores the indentation, and the spans then match the file.
        // TODO: `$${` escapes in the raw text are kept doubled in string
        // values; rare in policies, but the value is then not Terraform's.
        if let Ok(mut node) = json::parse_str_at(raw, body.start) {
            mark_templates(&mut node, text);
            return node;
        }
    }
    let mut literal = String::new();
    for element in heredoc.template.iter() {
        match element {
            Element::Literal(s) => literal.push_str(s.value()),
            _ => return Node::new(span, source_expr(text, span)),
        }
    }
    Node::new(span, Value::Str(literal))
}

/// Whether `s` is, at a glance, a JSON object worth trying to parse.
pub fn looks_like_json_object(s: &str) -> bool {
    let s = s.trim();
    s.starts_with('{') && s.ends_with('}')
}

/// Turns strings that interpolate (`"arn:aws:s3:::${var.bucket}/*"`) into
/// expressions with their source text, since their value is not known.
pub fn mark_templates(node: &mut Node, text: &str) {
    match &mut node.value {
        Value::Str(s) if has_interpolation(s) => {
            let source = text.get(node.span.start..node.span.end).unwrap_or(s);
            node.value = Value::Expr(source.to_string());
        }
        Value::Seq(items) => items.iter_mut().for_each(|n| mark_templates(n, text)),
        Value::Map(entries) => entries
            .iter_mut()
            .for_each(|e| mark_templates(&mut e.value, text)),
        _ => {}
    }
}

/// Whether a string holds `${` or `%{` that is not escaped as `$${` / `%%{`.
pub fn has_interpolation(s: &str) -> bool {
    let bytes = s.as_bytes();
    bytes
        .windows(2)
        .enumerate()
        .any(|(i, w)| (w == b"${" || w == b"%{") && (i == 0 || bytes[i - 1] != w[0]))
}

/// Points every span of `node` at `span`, for trees parsed from an unescaped
/// copy whose offsets no longer match the file.
pub fn flatten_spans(node: &mut Node, span: Span) {
    node.span = span;
    match &mut node.value {
        Value::Seq(items) => items.iter_mut().for_each(|n| flatten_spans(n, span)),
        Value::Map(entries) => {
            for entry in entries {
                entry.key_span = span;
                flatten_spans(&mut entry.value, span);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_interpolation_is_literal() {
        assert!(has_interpolation("${var.x}"));
        assert!(has_interpolation("a-%{ if x }b%{ endif }"));
        assert!(!has_interpolation("$${literal}"));
        assert!(!has_interpolation("%%{literal}"));
        assert!(!has_interpolation("plain $ and { text"));
    }
}
