//! YAML to the spanned tree, through saphyr-parser's event stream.
//!
//! serde_yaml keeps no spans, so scanned YAML is read event by event and
//! built into [`Node`]s that remember where each value stood. Three things
//! are settled here, before any rule sees the tree:
//!
//! - anchors and aliases are resolved (an alias is a copy of the anchored
//!   node, spans included, so a finding points at the text that holds it);
//! - `<<` merge keys are applied, explicit keys winning over merged ones;
//! - plain scalars are typed as Kubernetes reads them (YAML 1.1 booleans, so
//!   `privileged: yes` is true), and CloudFormation short tags become the
//!   long form (`!Ref X` is `{Ref: X}`), so rules handle one shape.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Span as YSpan, Tag};

use super::ParseError;
use crate::source::Span;
use crate::tree::{Entry, Node, Value};

/// One document of a YAML stream.
#[derive(Debug, Clone)]
pub struct Document {
    /// The document's root.
    pub root: Node,
    /// The byte offset where the document's content starts.
    pub start: usize,
}

/// Parses every document of `text`.
pub fn parse(text: &str) -> Result<Vec<Document>, ParseError> {
    let offsets = CharOffsets::new(text);
    let mut builder = Builder {
        parser: Parser::new_from_str(text),
        offsets: &offsets,
        anchors: HashMap::new(),
        depth: 0,
    };
    builder.stream()
}

/// Maps saphyr's character indices to byte offsets.
struct CharOffsets {
    /// Byte offset of each character; empty when the text is ASCII.
    table: Vec<usize>,
    len: usize,
}

impl CharOffsets {
    fn new(text: &str) -> Self {
        let table = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices().map(|(i, _)| i).collect()
        };
        CharOffsets {
            table,
            len: text.len(),
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        if self.table.is_empty() {
            char_index.min(self.len)
        } else {
            self.table.get(char_index).copied().unwrap_or(self.len)
        }
    }

    fn span(&self, span: YSpan) -> Span {
        Span::new(self.byte(span.start.index()), self.byte(span.end.index()))
    }
}

/// The deepest nesting accepted; deeper input is refused rather than
/// risking the stack.
const MAX_DEPTH: usize = 256;

struct Builder<'a, 't> {
    parser: Parser<'t, saphyr_parser::StrInput<'t>>,
    offsets: &'a CharOffsets,
    anchors: HashMap<usize, Node>,
    depth: usize,
}

impl Builder<'_, '_> {
    fn next(&mut self) -> Result<(Event<'_>, YSpan), ParseError> {
        match self.parser.next_event() {
            Some(Ok(ev)) => Ok(ev),
            Some(Err(e)) => Err(self.scan_error(&e)),
            None => Err(ParseError::new(self.offsets.len, "unexpected end of YAML")),
        }
    }

    fn scan_error(&self, e: &ScanError) -> ParseError {
        ParseError::new(self.offsets.byte(e.marker().index()), e.info().to_string())
    }

    fn stream(&mut self) -> Result<Vec<Document>, ParseError> {
        let mut docs = Vec::new();
        loop {
            let (event, span) = self.next()?;
            match event {
                Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
                Event::StreamEnd => return Ok(docs),
                Event::DocumentStart(_) => {
                    self.anchors.clear();
                    let (event, span) = owned(self.next()?);
                    let start = self.offsets.byte(span.start.index());
                    let root = match event {
                        OwnedEvent::DocumentEnd => Node::new(Span::new(start, start), Value::Null),
                        other => self.node(other, span)?,
                    };
                    docs.push(Document { root, start });
                }
                _ => {
                    let offset = self.offsets.byte(span.start.index());
                    return Err(ParseError::new(offset, "unexpected YAML event"));
                }
            }
        }
    }

    fn node(&mut self, event: OwnedEvent, span: YSpan) -> Result<Node, ParseError> {
        let start = self.offsets.span(span);
        match event {
            OwnedEvent::Scalar(text, style, anchor, tag) => {
                let node = scalar(text, style, tag.as_ref(), start);
                self.remember(anchor, &node);
                Ok(node)
            }
            OwnedEvent::Alias(id) => match self.anchors.get(&id) {
                Some(node) => Ok(node.clone()),
                None => Err(ParseError::new(start.start, "alias to an unknown anchor")),
            },
            OwnedEvent::SequenceStart(anchor, tag) => {
                self.enter(start.start)?;
                let mut items = Vec::new();
                let end = loop {
                    let (ev, sp) = owned(self.next()?);
                    if let OwnedEvent::SequenceEnd = ev {
                        break self.offsets.byte(sp.end.index());
                    }
                    items.push(self.node(ev, sp)?);
                };
                self.depth -= 1;
                let node = wrap_tag(
                    tag.as_ref(),
                    Node::new(Span::new(start.start, end), Value::Seq(items)),
                );
                self.remember(anchor, &node);
                Ok(node)
            }
            OwnedEvent::MappingStart(anchor, tag) => {
                self.enter(start.start)?;
                let node = self.mapping(start.start)?;
                self.depth -= 1;
                let node = wrap_tag(tag.as_ref(), node);
                self.remember(anchor, &node);
                Ok(node)
            }
            OwnedEvent::Other => Err(ParseError::new(start.start, "unexpected YAML event")),
            OwnedEvent::SequenceEnd | OwnedEvent::MappingEnd | OwnedEvent::DocumentEnd => {
                Err(ParseError::new(start.start, "unbalanced YAML collection"))
            }
        }
    }

    fn enter(&mut self, offset: usize) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ParseError::new(offset, "YAML nested too deeply"));
        }
        Ok(())
    }

    fn mapping(&mut self, start: usize) -> Result<Node, ParseError> {
        let mut entries: Vec<Entry> = Vec::new();
        let mut merges: Vec<Node> = Vec::new();
        let end = loop {
            let (ev, sp) = owned(self.next()?);
            if let OwnedEvent::MappingEnd = ev {
                break self.offsets.byte(sp.end.index());
            }
            // Keys keep their text: `y:` and `on:` are keys, not booleans.
            let (key_text, key_span, plain) = match ev {
                OwnedEvent::Scalar(text, style, _, _) => {
                    (text, self.offsets.span(sp), style == ScalarStyle::Plain)
                }
                other => {
                    let key = self.node(other, sp)?;
                    (key_string(&key), key.span, false)
                }
            };
            let (ev, sp) = owned(self.next()?);
            let value = self.node(ev, sp)?;
            if key_text == "<<" && plain {
                merges.push(value);
                continue;
            }
            entries.push(Entry {
                key: key_text,
                key_span,
                value,
            });
        };
        for merged in merges {
            let sources: Vec<Node> = match merged.value {
                Value::Seq(items) => items,
                _ => vec![merged],
            };
            for source in sources {
                if let Value::Map(more) = source.value {
                    for entry in more {
                        if !entries.iter().any(|e| e.key == entry.key) {
                            entries.push(entry);
                        }
                    }
                }
            }
        }
        let end = end.max(entries.last().map_or(start, |e| e.value.span.end));
        Ok(Node::new(Span::new(start, end), Value::Map(entries)))
    }

    fn remember(&mut self, anchor: usize, node: &Node) {
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
    }
}

/// Complex keys (a mapping as a key) are rare; they get a marker text.
fn key_string(key: &Node) -> String {
    match &key.value {
        Value::Null => String::new(),
        Value::Str(s) | Value::Expr(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Seq(_) | Value::Map(_) => "<complex key>".to_string(),
    }
}

/// Events with owned data, so the builder can recurse while holding one.
enum OwnedEvent {
    Scalar(String, ScalarStyle, usize, Option<Tag>),
    Alias(usize),
    SequenceStart(usize, Option<Tag>),
    SequenceEnd,
    MappingStart(usize, Option<Tag>),
    MappingEnd,
    DocumentEnd,
    Other,
}

fn owned((event, span): (Event<'_>, YSpan)) -> (OwnedEvent, YSpan) {
    let ev = match event {
        Event::Scalar(text, style, anchor, tag) => OwnedEvent::Scalar(
            text.into_owned(),
            style,
            anchor,
            tag.map(|t| t.into_owned()),
        ),
        Event::Alias(id) => OwnedEvent::Alias(id),
        Event::SequenceStart(anchor, tag) => {
            OwnedEvent::SequenceStart(anchor, tag.map(|t| t.into_owned()))
        }
        Event::SequenceEnd => OwnedEvent::SequenceEnd,
        Event::MappingStart(anchor, tag) => {
            OwnedEvent::MappingStart(anchor, tag.map(|t| t.into_owned()))
        }
        Event::MappingEnd => OwnedEvent::MappingEnd,
        Event::DocumentEnd => OwnedEvent::DocumentEnd,
        _ => OwnedEvent::Other,
    };
    (ev, span)
}

/// CloudFormation's short-form intrinsic functions, by tag suffix.
const CFN_FUNCTIONS: [&str; 17] = [
    "Base64",
    "Cidr",
    "FindInMap",
    "GetAtt",
    "GetAZs",
    "ImportValue",
    "Join",
    "Select",
    "Split",
    "Sub",
    "Transform",
    "And",
    "Equals",
    "If",
    "Not",
    "Or",
    "Length",
];

/// The long-form key of a local tag: `!Ref` → `Ref`, `!Sub` → `Fn::Sub`.
fn cfn_key(tag: &Tag) -> Option<String> {
    if tag.handle != "!" {
        return None;
    }
    match tag.suffix.as_str() {
        "Ref" | "Condition" => Some(tag.suffix.clone()),
        s if CFN_FUNCTIONS.contains(&s) || s.starts_with("ToJsonString") => {
            Some(format!("Fn::{s}"))
        }
        _ => None,
    }
}

fn wrap_tag(tag: Option<&Tag>, node: Node) -> Node {
    let Some(key) = tag.and_then(cfn_key) else {
        return node;
    };
    let span = node.span;
    Node::new(
        span,
        Value::Map(vec![Entry {
            key,
            key_span: span,
            value: node,
        }]),
    )
}

fn scalar(text: String, style: ScalarStyle, tag: Option<&Tag>, span: Span) -> Node {
    if let Some(tag) = tag {
        if tag.handle == "!" && tag.suffix == "GetAtt" && style == ScalarStyle::Plain {
            // `!GetAtt Bucket.Arn` is the long form `Fn::GetAtt: [Bucket, Arn]`.
            let parts = match text.split_once('.') {
                Some((a, b)) => vec![a.to_string(), b.to_string()],
                None => vec![text],
            };
            let seq = parts
                .into_iter()
                .map(|p| Node::new(span, Value::Str(p)))
                .collect();
            return wrap_tag(Some(tag), Node::new(span, Value::Seq(seq)));
        }
        if cfn_key(tag).is_some() {
            return wrap_tag(Some(tag), Node::new(span, Value::Str(text)));
        }
        if (tag.handle == "tag:yaml.org,2002:" || tag.handle == "!!") && tag.suffix == "str" {
            return Node::new(span, Value::Str(text));
        }
    }
    let value = if style == ScalarStyle::Plain {
        plain_value(text)
    } else {
        Value::Str(text)
    };
    Node::new(span, value)
}

/// Types a plain scalar the way Kubernetes' YAML reader (YAML 1.1) does.
fn plain_value(text: String) -> Value {
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Value::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Value::Bool(false);
        }
        _ => {}
    }
    if let Some(i) = parse_int(&text) {
        return Value::Int(i);
    }
    if looks_like_float(&text) {
        if let Ok(f) = text.replace('_', "").parse::<f64>() {
            return Value::Float(f);
        }
    }
    Value::Str(text)
}

fn parse_int(text: &str) -> Option<i64> {
    let (negative, digits) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() {
        return None;
    }
    let value = if let Some(hex) = digits.strip_prefix("0x") {
        i64::from_str_radix(hex, 16).ok()?
    } else if let Some(oct) = digits.strip_prefix("0o") {
        i64::from_str_radix(oct, 8).ok()?
    } else if digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse().ok()?
    } else {
        return None;
    };
    Some(if negative { -value } else { value })
}

fn looks_like_float(text: &str) -> bool {
    let t = text.trim_start_matches(['-', '+']);
    let mut seen_digit = false;
    let mut seen_dot = false;
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '0'..='9' => seen_digit = true,
            '.' if !seen_dot => seen_dot = true,
            'e' | 'E' if seen_digit => {
                let rest: String = chars.collect();
                let rest = rest.trim_start_matches(['-', '+']);
                return !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit());
            }
            _ => return false,
        }
    }
    seen_digit && seen_dot
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn one(text: &str) -> Node {
        parse(text).unwrap().remove(0).root
    }

    #[test]
    fn kubernetes_booleans_and_numbers() {
        let n = one("a: yes\nb: 'yes'\nc: 3\nd: 1.5\ne: ~\nf: 0x1F\ng: 1.2.3\n");
        assert_eq!(n.get("a").unwrap().value, Value::Bool(true));
        assert_eq!(n.get("b").unwrap().value, Value::Str("yes".into()));
        assert_eq!(n.get("c").unwrap().value, Value::Int(3));
        assert_eq!(n.get("d").unwrap().value, Value::Float(1.5));
        assert_eq!(n.get("e").unwrap().value, Value::Null);
        assert_eq!(n.get("f").unwrap().value, Value::Int(31));
        assert_eq!(n.get("g").unwrap().value, Value::Str("1.2.3".into()));
    }

    #[test]
    fn merge_keys_and_aliases_keep_anchor_spans() {
        let text = "base: &b\n  x: 1\n  y: 2\nuse:\n  <<: *b\n  y: 3\n";
        let n = one(text);
        let used = n.get("use").unwrap();
        assert_eq!(used.get("y").unwrap().value, Value::Int(3));
        let x = used.get("x").unwrap();
        assert_eq!(x.value, Value::Int(1));
        let f = SourceFile::new("t.yaml", text);
        assert_eq!(f.line_col(x.span.start), (2, 6));
    }

    #[test]
    fn cloudformation_short_tags() {
        let n = one("a: !Ref Bucket\nb: !GetAtt Key.Arn\nc: !Sub '${AWS::Region}'\n");
        assert_eq!(
            n.get("a").unwrap().get("Ref").unwrap().as_str(),
            Some("Bucket")
        );
        let att = n.get("b").unwrap().get("Fn::GetAtt").unwrap();
        assert_eq!(att.items()[1].as_str(), Some("Arn"));
        assert!(n.get("c").unwrap().get("Fn::Sub").is_some());
    }

    #[test]
    fn spans_are_bytes_after_unicode() {
        let text = "é: ünï\nkey: value\n";
        let n = one(text);
        let v = n.get("key").unwrap();
        assert_eq!(&text[v.span.start..v.span.end], "value");
    }

    #[test]
    fn multi_document_and_empty_documents() {
        let docs = parse("a: 1\n---\n---\nb: 2\n").unwrap();
        assert_eq!(docs.len(), 3);
        assert_eq!(docs[1].root.value, Value::Null);
    }

    #[test]
    fn errors_carry_an_offset() {
        let err = parse("a: 1\nb: [1, 2\nc: 3\n").unwrap_err();
        assert!(err.offset > 4, "{err:?}");
    }

    #[test]
    fn unknown_alias_is_an_error() {
        assert!(parse("a: *nope\n").is_err());
    }
}
