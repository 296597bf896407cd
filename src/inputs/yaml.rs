//! YAML to the spanned tree, through saphyr-parser's event stream.
//!
//! serde_yaml keeps no spans, so scanned YAML is read event by event and
//! built into [`Node`]s that remember where each value stood. Three things
//! are settled here, before any rule sees the tree:
//!
//! - anchors and aliases are resolved (an alias is a copy of the anchored
//!   node, spans included, so a finding points at the text that holds it),
//!   within a budget so that an alias bomb is refused instead of filling memory;
//! - `<<` merge keys are applied, explicit keys winning over merged ones;
//! - plain scalars are typed as Kubernetes reads them (YAML 1.1 booleans, so
//!   `privileged: yes` is true), and CloudFormation short tags become the
//!   long form (`!Ref X` is `{Ref: X}`), so rules handle one shape.
//!
//! [`parse_lenient`] also keeps the documents of a multi-document file that
//! parse when one of them does not.

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

/// How many nodes aliases may copy in one file, all aliases together.
///
/// Real files copy a few hundred (compose `<<: *defaults`, CI job templates);
/// a 300-byte "billion laughs" file asks for billions. Past the budget the
/// document is refused with an error, and the run goes on.
pub const MAX_ALIAS_NODES: usize = 100_000;

/// Parses every document of `text`; the first error stops it, and a key
/// written twice in one mapping is an error too (policies and config are read
/// with this: a second `fail_on:` must not quietly win).
pub fn parse(text: &str) -> Result<Vec<Document>, ParseError> {
    let (docs, mut duplicates) = parse_keeping_duplicates(text)?;
    match duplicates.is_empty() {
        true => Ok(docs),
        false => Err(duplicates.swap_remove(0)),
    }
}

/// Parses `text`; a key written twice keeps its first value, and each second
/// one comes back as a problem beside the documents.
fn parse_keeping_duplicates(text: &str) -> Result<(Vec<Document>, Vec<ParseError>), ParseError> {
    let mut budget = MAX_ALIAS_NODES;
    let mut builder = Builder::new(text, 0, text.len(), &mut budget);
    let docs = builder.stream()?;
    Ok((docs, builder.duplicates))
}

/// Parses every document of `text`, keeping the documents that parse when
/// another does not: the errors come back beside them.
///
/// saphyr-parser cannot resume after an error (it repeats the error on every
/// later event), so a file that fails is parsed again one document at a time,
/// cut at its `---` lines. That is sound because a `---` at the start of a
/// line always starts a document: YAML forbids it inside any scalar.
///
/// A key written twice in one mapping (kubectl and docker compose refuse such
/// a file) is reported as a problem, and its first value is read, so the rest
/// of the file is still checked.
pub fn parse_lenient(text: &str) -> (Vec<Document>, Vec<ParseError>) {
    let first = match parse_keeping_duplicates(text) {
        Ok((docs, duplicates)) => return (docs, checked_anyway(duplicates)),
        Err(e) => e,
    };
    let chunks = document_chunks(text);
    if chunks.len() < 2 {
        return (Vec::new(), vec![first]);
    }
    // One budget for the whole file, so many small bombs cost no more than one.
    let mut budget = MAX_ALIAS_NODES;
    let mut docs = Vec::new();
    let mut errors = Vec::new();
    for (start, end) in chunks {
        let mut builder = Builder::new(text, start, end, &mut budget);
        match builder.stream() {
            Ok(found) => docs.extend(found),
            Err(e) => errors.push(e),
        }
        errors.extend(checked_anyway(std::mem::take(&mut builder.duplicates)));
    }
    (docs, errors)
}

/// How many duplicate keys of one part of a file are reported one by one.
const MAX_DUPLICATES_SHOWN: usize = 10;

/// Duplicate keys of a scanned file, said to be checked with their first
/// value (kubectl and docker compose refuse such a file), at most
/// [`MAX_DUPLICATES_SHOWN`] of them and a count of the rest.
fn checked_anyway(duplicates: Vec<ParseError>) -> Vec<ParseError> {
    let more = duplicates.len().saturating_sub(MAX_DUPLICATES_SHOWN);
    let mut out: Vec<ParseError> = duplicates
        .into_iter()
        .take(MAX_DUPLICATES_SHOWN)
        .map(|mut e| {
            e.message.push_str(
                "; kubectl and docker compose refuse such a file; vouch checks the first value",
            );
            e
        })
        .collect();
    if more > 0 {
        let at = out.last().map_or(0, |e| e.offset);
        out.push(ParseError::new(
            at,
            format!("and {more} more duplicate keys"),
        ));
    }
    out
}

/// Byte ranges of `text` cut before each line that starts a document (`---`),
/// with the directives (`%YAML`) just above such a line kept with it.
fn document_chunks(text: &str) -> Vec<(usize, usize)> {
    let mut cuts = vec![0];
    let mut directives_from = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with('%') {
            directives_from.get_or_insert(offset);
        } else {
            let starts_document = line
                .strip_prefix("---")
                .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\r', '\n']));
            if starts_document {
                let cut = directives_from.unwrap_or(offset);
                if cut > 0 {
                    cuts.push(cut);
                }
            }
            directives_from = None;
        }
        offset += line.len();
    }
    cuts.dedup();
    let ends = cuts.iter().skip(1).copied().chain([text.len()]);
    cuts.iter().copied().zip(ends).collect()
}

/// Maps saphyr's character indices to byte offsets in the whole file.
struct CharOffsets {
    /// Byte offset (in the part parsed) of each character; empty when that part is ASCII.
    table: Vec<usize>,
    /// Where the part parsed starts in the file.
    base: usize,
    /// The length of the part parsed.
    len: usize,
}

impl CharOffsets {
    fn new(part: &str, base: usize) -> Self {
        let table = if part.is_ascii() {
            Vec::new()
        } else {
            part.char_indices().map(|(i, _)| i).collect()
        };
        CharOffsets {
            table,
            base,
            len: part.len(),
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        let local = if self.table.is_empty() {
            char_index.min(self.len)
        } else {
            self.table.get(char_index).copied().unwrap_or(self.len)
        };
        self.base + local
    }

    fn end(&self) -> usize {
        self.base + self.len
    }

    fn span(&self, span: YSpan) -> Span {
        Span::new(self.byte(span.start.index()), self.byte(span.end.index()))
    }
}

/// The deepest nesting accepted; deeper input is refused rather than
/// risking the stack.
const MAX_DEPTH: usize = 256;

/// An anchored node and how many nodes it holds (what an alias to it costs).
struct Anchored {
    node: Node,
    size: usize,
}

struct Builder<'t, 'b> {
    parser: Parser<'t, saphyr_parser::StrInput<'t>>,
    /// The whole file, so spans can be read back.
    text: &'t str,
    offsets: CharOffsets,
    anchors: HashMap<usize, Anchored>,
    depth: usize,
    /// Nodes built so far, aliases' copies included.
    nodes: usize,
    /// Nodes aliases may still copy.
    budget: &'b mut usize,
    /// Keys written a second time in a mapping.
    duplicates: Vec<ParseError>,
}

impl<'t, 'b> Builder<'t, 'b> {
    /// A builder for the bytes `start..end` of `text`.
    fn new(text: &'t str, start: usize, end: usize, budget: &'b mut usize) -> Self {
        let part = &text[start..end];
        Builder {
            parser: Parser::new_from_str(part),
            text,
            offsets: CharOffsets::new(part, start),
            anchors: HashMap::new(),
            depth: 0,
            nodes: 0,
            budget,
            duplicates: Vec::new(),
        }
    }

    fn next(&mut self) -> Result<(Event<'_>, YSpan), ParseError> {
        match self.parser.next_event() {
            Some(Ok(ev)) => Ok(ev),
            Some(Err(e)) => Err(self.scan_error(&e)),
            None => Err(ParseError::new(
                self.offsets.end(),
                "unexpected end of YAML",
            )),
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
        let before = self.nodes;
        self.nodes += 1;
        match event {
            OwnedEvent::Scalar(text, style, anchor, tag) => {
                let span = match style {
                    ScalarStyle::Literal | ScalarStyle::Folded => self.block_span(start),
                    _ => start,
                };
                let node = scalar(text, style, tag.as_ref(), span);
                self.remember(anchor, &node, before);
                Ok(node)
            }
            OwnedEvent::Alias(id) => self.alias(id, start.start),
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
                self.remember(anchor, &node, before);
                Ok(node)
            }
            OwnedEvent::MappingStart(anchor, tag) => {
                self.enter(start.start)?;
                let node = self.mapping(start.start)?;
                self.depth -= 1;
                let node = wrap_tag(tag.as_ref(), node);
                self.remember(anchor, &node, before);
                Ok(node)
            }
            OwnedEvent::Other => Err(ParseError::new(start.start, "unexpected YAML event")),
            OwnedEvent::SequenceEnd | OwnedEvent::MappingEnd | OwnedEvent::DocumentEnd => {
                Err(ParseError::new(start.start, "unbalanced YAML collection"))
            }
        }
    }

    /// A copy of the node anchored as `id`, paid for from the alias budget.
    fn alias(&mut self, id: usize, offset: usize) -> Result<Node, ParseError> {
        let Some(anchored) = self.anchors.get(&id) else {
            return Err(ParseError::new(offset, "alias to an unknown anchor"));
        };
        if anchored.size > *self.budget {
            *self.budget = 0;
            return Err(ParseError::new(
                offset,
                format!(
                    "too many alias expansions: aliases would copy more than {MAX_ALIAS_NODES} \
                     nodes (an alias bomb?); the document is not read"
                ),
            ));
        }
        // TODO: share aliased nodes (an `Arc` in the tree) instead of copying
        // them. That needs the tree to hold shared children, and every parser
        // and the engine walk it; until then the budget bounds what copies cost.
        *self.budget -= anchored.size;
        // The alias itself was counted as one node; its copy counts as its size.
        self.nodes += anchored.size - 1;
        Ok(anchored.node.clone())
    }

    /// A block scalar's span ends at its last character, not at the next
    /// token: saphyr counts the trailing line breaks and indentation in.
    fn block_span(&self, span: Span) -> Span {
        let Some(body) = self.text.get(span.start..span.end) else {
            return span;
        };
        Span::new(span.start, span.start + body.trim_end().len())
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
        let mut seen = Keys::default();
        let mut merges: Vec<Node> = Vec::new();
        let end = loop {
            let (ev, sp) = owned(self.next()?);
            if let OwnedEvent::MappingEnd = ev {
                break self.offsets.byte(sp.end.index());
            }
            // Keys keep their text: `y:` and `on:` are keys, not booleans.
            let (key_text, key_span, plain, scalar) = match ev {
                OwnedEvent::Scalar(text, style, _, _) => (
                    text,
                    self.offsets.span(sp),
                    style == ScalarStyle::Plain,
                    true,
                ),
                other => {
                    let key = self.node(other, sp)?;
                    let scalar = !matches!(key.value, Value::Seq(_) | Value::Map(_));
                    (key_string(&key), key.span, false, scalar)
                }
            };
            let (ev, sp) = owned(self.next()?);
            let value = self.node(ev, sp)?;
            if key_text == "<<" && plain {
                merges.push(value);
                continue;
            }
            // YAML allows a key once in a mapping, and kubectl and docker
            // compose refuse a file with one twice; the first value is kept.
            if scalar && seen.contains(&key_text) {
                self.duplicates.push(ParseError::new(
                    key_span.start,
                    format!(
                        "duplicate key `{key_text}` in one mapping (YAML allows each key once)"
                    ),
                ));
                continue;
            }
            seen.add(&key_text);
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

    /// Keeps `node` for later aliases; `before` is the node count before it was built.
    fn remember(&mut self, anchor: usize, node: &Node, before: usize) {
        if anchor > 0 {
            let size = self.nodes - before;
            self.anchors.insert(
                anchor,
                Anchored {
                    node: node.clone(),
                    size,
                },
            );
        }
    }
}

/// The keys of one mapping so far, to refuse a duplicate: a list while the
/// mapping is small (most are), a hash set once it is not.
#[derive(Default)]
struct Keys {
    few: Vec<String>,
    many: std::collections::HashSet<String>,
}

impl Keys {
    const FEW: usize = 32;

    fn contains(&self, key: &str) -> bool {
        if self.many.is_empty() {
            self.few.iter().any(|k| k == key)
        } else {
            self.many.contains(key)
        }
    }

    fn add(&mut self, key: &str) {
        if self.many.is_empty() && self.few.len() < Self::FEW {
            self.few.push(key.to_string());
        } else {
            if self.many.is_empty() {
                self.many.extend(self.few.drain(..));
            }
            self.many.insert(key.to_string());
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

    #[test]
    fn documents_are_cut_at_their_start_lines() {
        let text = "a: 1\n--- # c\nb: [\n%YAML 1.2\n---\nc: 3\n  ---\n";
        assert_eq!(document_chunks(text), [(0, 5), (5, 18), (18, text.len())]);
        assert_eq!(document_chunks("---\na: 1\n"), [(0, 9)]);
    }

    #[test]
    fn lenient_parse_keeps_the_documents_that_parse() {
        let text = "a: 1\n---\nb: [1\n---\nc: é\n";
        let (docs, errors) = parse_lenient(text);
        assert_eq!(docs.len(), 2);
        let c = docs[1].root.get("c").unwrap();
        assert_eq!(&text[c.span.start..c.span.end], "é");
        assert_eq!(errors.len(), 1);
        // At the `---` that ends the broken document.
        assert_eq!(errors[0].offset, 15, "{errors:?}");
    }

    #[test]
    fn aliases_are_paid_for_from_a_budget() {
        // Nine copies of a 10-node list, nine times over, is within it.
        let ok = "a: &a [1,2,3,4,5,6,7,8,9]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b]\n";
        let c = one(ok);
        assert_eq!(c.get("c").unwrap().items()[2].items()[8].items().len(), 9);
        // Merge keys copy through aliases too.
        let mut bomb = String::from("l0: &l0 {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8}\n");
        for i in 1..8 {
            let p = i - 1;
            bomb.push_str(&format!(
                "l{i}: &l{i} {{x: {{<<: *l{p}}}, y: {{<<: *l{p}}}, z: [*l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}]}}\n"
            ));
        }
        let err = parse(&bomb).unwrap_err();
        assert!(err.message.contains("too many alias expansions"), "{err:?}");
    }
}
