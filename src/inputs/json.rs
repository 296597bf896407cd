//! JSON documents as spanned trees.
//!
//! CloudFormation templates, Kubernetes manifests written as JSON, Terraform's
//! `.tf.json` files and the IAM policies embedded in Terraform heredocs all
//! pass through here, so this module knows nothing about any of them: it only
//! turns JSON text into a [`Node`] tree whose every value and key keeps its
//! exact byte span. `jsonc-parser` is used because it reports byte ranges for
//! every value. Comments and trailing commas are accepted, since people put
//! them in hand-written JSON and they change no value; the other JSON5
//! liberties (missing commas, single quotes, hex numbers…) are refused, as
//! the tools that read these files would refuse them.

use jsonc_parser::ast;
use jsonc_parser::common::Ranged;
use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};

use crate::inputs::ParseError;
use crate::source::SourceFile;
use crate::source::Span;
use crate::tree::{Entry, Node, Value};

/// Parses a whole JSON file into a spanned tree.
///
/// A file with no value at all (empty, or only whitespace and comments)
/// gives a `Null` node with an empty span, so the caller decides whether
/// that is worth a note.
// TODO: a key written twice in one object is not reported, as it is in YAML
// (inputs/yaml.rs); the last value is read, so a second `"privileged": false`
// hides the first.
pub fn parse(file: &SourceFile) -> Result<Node, ParseError> {
    parse_str_at(&file.text, 0)
}

/// Parses JSON `text` that sits at byte `base_offset` of a larger file, so
/// every span (and an error's offset) points into that file.
pub fn parse_str_at(text: &str, base_offset: usize) -> Result<Node, ParseError> {
    let parsed = parse_to_ast(text, &CollectOptions::default(), &options())
        .map_err(|e| ParseError::new(base_offset + e.range().start, e.kind().to_string()))?;
    Ok(match parsed.value {
        Some(value) => convert(&value, base_offset),
        None => Node::new(Span::new(base_offset, base_offset), Value::Null),
    })
}

/// JSON with comments and trailing commas, nothing looser.
fn options() -> ParseOptions {
    ParseOptions {
        allow_comments: true,
        allow_trailing_commas: true,
        allow_loose_object_property_names: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}

/// Converts one parsed value, shifting its ranges by `base`.
fn convert(value: &ast::Value<'_>, base: usize) -> Node {
    let span = shifted(value.range(), base);
    let value = match value {
        ast::Value::StringLit(s) => Value::Str(s.value.to_string()),
        ast::Value::NumberLit(n) => number(n.value),
        ast::Value::BooleanLit(b) => Value::Bool(b.value),
        ast::Value::NullKeyword(_) => Value::Null,
        ast::Value::Array(a) => Value::Seq(a.elements.iter().map(|v| convert(v, base)).collect()),
        ast::Value::Object(o) => Value::Map(
            o.properties
                .iter()
                .map(|p| Entry {
                    key: p.name.as_str().to_string(),
                    key_span: shifted(p.name.range(), base),
                    value: convert(&p.value, base),
                })
                .collect(),
        ),
    };
    Node::new(span, value)
}

fn shifted(range: jsonc_parser::common::Range, base: usize) -> Span {
    Span::new(base + range.start, base + range.end)
}

/// A number as written: integers that fit in `i64` stay integers, anything
/// else (fractions, exponents, integers too big for `i64`) becomes a float.
fn number(raw: &str) -> Value {
    if let Ok(n) = raw.parse::<i64>() {
        return Value::Int(n);
    }
    match raw.parse::<f64>() {
        Ok(f) => Value::Float(f),
        // The parser accepted it, so this cannot happen with the options
        // above; keeping the text is better than inventing a number.
        Err(_) => Value::Str(raw.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_their_kind() {
        assert_eq!(number("42"), Value::Int(42));
        assert_eq!(number("-7"), Value::Int(-7));
        assert_eq!(number("1.5"), Value::Float(1.5));
        assert_eq!(number("1e3"), Value::Float(1000.0));
        assert_eq!(number("99999999999999999999"), Value::Float(1e20));
    }

    #[test]
    fn offsets_are_shifted() {
        let node = parse_str_at(r#"{"a": 1}"#, 100).unwrap();
        assert_eq!(node.span, Span::new(100, 108));
        let entry = node.entry("a").unwrap();
        assert_eq!(entry.key_span, Span::new(101, 104));
        assert_eq!(entry.value.span, Span::new(106, 107));
    }

    #[test]
    fn errors_point_into_the_file() {
        let err = parse_str_at(r#"{"a": }"#, 10).unwrap_err();
        assert_eq!(err.offset, 16);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(10_000);
        assert!(parse_str_at(&deep, 0).is_err());
    }

    #[test]
    fn json5_liberties_are_refused() {
        for text in [r#"{"a": 1 "b": 2}"#, "{'a': 1}", "{a: 1}", r#"{"a": 0x1F}"#] {
            assert!(parse_str_at(text, 0).is_err(), "{text} should not parse");
        }
        assert!(parse_str_at("{\"a\": [1, 2,], /* note */}", 0).is_ok());
    }
}
