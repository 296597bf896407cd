//! Terraform's JSON syntax (`.tf.json`) as the same resources HCL gives.
//!
//! In JSON, block labels are nested object keys (`resource.TYPE.NAME`) and
//! any level may be an array of objects instead of one object. Strings are
//! templates, so `"${var.x}"` becomes an expression as in HCL, and a string
//! holding a JSON object (an inline IAM policy) is opened up. The declaration
//! head of a resource is the key holding its name, the nearest thing JSON has.

use crate::inputs::json;
use crate::inputs::terraform::{Head, block_resource, expr, local};
use crate::inputs::{Extracted, ParseError};
use crate::resource::Resource;
use crate::source::{SourceFile, Span};
use crate::tree::{Node, Value};

/// Extracts the resources of a `.tf.json` file.
pub fn extract_tf_json(file: &SourceFile) -> Extracted {
    let mut root = json::parse(file)?;
    if !matches!(root.value, Value::Map(_)) {
        return Err(ParseError::new(
            root.span.start,
            "a .tf.json file must hold one JSON object",
        ));
    }
    prepare(&mut root, &file.text);

    let mut out = Vec::new();
    for entry in root.entries() {
        let keyword = entry.key.as_str();
        for group in objects(&entry.value) {
            match keyword {
                "resource" | "data" => labelled_twice(keyword, group, &mut out),
                "variable" | "output" | "module" | "provider" => {
                    labelled_once(keyword, group, &mut out);
                }
                "locals" => out.extend(
                    group
                        .entries()
                        .iter()
                        .map(|e| local(&e.key, e.key_span, e.value.clone())),
                ),
                "terraform" => push(keyword, &[], entry.key_span, group, &mut out),
                _ => {}
            }
        }
    }
    Ok(out)
}

/// `resource.TYPE.NAME` and `data.TYPE.NAME`.
fn labelled_twice(keyword: &str, group: &Node, out: &mut Vec<Resource>) {
    for kind in group.entries() {
        for names in objects(&kind.value) {
            for name in names.entries() {
                for body in objects(&name.value) {
                    let labels = [kind.key.as_str(), name.key.as_str()];
                    push(keyword, &labels, name.key_span, body, out);
                }
            }
        }
    }
}

/// `variable.NAME`, `output.NAME`, `module.NAME`, `provider.NAME`.
fn labelled_once(keyword: &str, group: &Node, out: &mut Vec<Resource>) {
    for name in group.entries() {
        for body in objects(&name.value) {
            push(keyword, &[name.key.as_str()], name.key_span, body, out);
        }
    }
}

fn push(keyword: &str, labels: &[&str], span: Span, body: &Node, out: &mut Vec<Resource>) {
    let head = Head {
        keyword,
        labels,
        span,
    };
    out.extend(block_resource(&head, body.clone()));
}

/// The objects a JSON block level holds: itself, or the objects of its array.
fn objects(node: &Node) -> Vec<&Node> {
    match &node.value {
        Value::Map(_) => vec![node],
        Value::Seq(items) => items
            .iter()
            .filter(|n| matches!(n.value, Value::Map(_)))
            .collect(),
        _ => Vec::new(),
    }
}

/// Reads strings as Terraform does: templates become expressions, JSON
/// object strings are opened up, and `"//"` comment properties are dropped.
fn prepare(node: &mut Node, text: &str) {
    match &mut node.value {
        Value::Str(s) => {
            if let Some(inner) = json_in_string(s, node.span) {
                *node = inner;
            } else if expr::has_interpolation(s) {
                let source = text.get(node.span.start..node.span.end).unwrap_or(s);
                node.value = Value::Expr(source.to_string());
            }
        }
        Value::Seq(items) => items.iter_mut().for_each(|n| prepare(n, text)),
        Value::Map(entries) => {
            entries.retain(|e| e.key != "//");
            entries.iter_mut().for_each(|e| prepare(&mut e.value, text));
        }
        _ => {}
    }
}

/// The JSON object a string holds, every span set to the string's own: the
/// JSON was escaped inside a JSON string, so its offsets do not match the file.
fn json_in_string(s: &str, span: Span) -> Option<Node> {
    if !expr::looks_like_json_object(s) {
        return None;
    }
    let mut inner = json::parse_str_at(s, 0).ok()?;
    expr::flatten_spans(&mut inner, span);
    // No source text fits these spans, so templates keep their value as text.
    expr::mark_templates(&mut inner, "");
    Some(inner)
}
