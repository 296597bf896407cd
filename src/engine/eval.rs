//! Evaluating one compiled condition against one resource.
//!
//! Every condition ends in [`Outcome::Pass`], [`Outcome::Fail`] or
//! [`Outcome::Unknown`], each carrying the [`Hit`]s that decided it: the
//! nodes that failed (a finding per node), passed (the evidence `not` turns
//! into a failure), or could not be settled. Unknown never becomes pass or
//! fail on its way up: `all` fails if any child fails, else is unknown if
//! any child is; `any` passes if any child passes, else is unknown if any is.

use chrono::NaiveDate;
use serde_json::Value as J;

mod resolve;

use super::project::{Project, ResRef};
use super::{detectors, duration};
use crate::policy::cond::{Cond, Iter, Missing, Op, Path, Related, Test};
use crate::source::Span;
use crate::tree::{Node, PathStep, Value};
use resolve::{Resolved, resolve};

/// A node that decided an outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// The resource it belongs to.
    pub at: ResRef,
    /// Where it stands.
    pub span: Span,
    /// The value found, as text (redacted later if secret-like).
    pub value: Option<String>,
    /// The element it concerns (an env var's name, a map key).
    pub subject: Option<String>,
    /// For an unknown hit, why it is unknown; for a failing hit, the labels
    /// of the conditions that failed there (`{{label}}` in messages), if any.
    pub reason: Option<String>,
}

/// The result of evaluating a condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// It holds; the hits are the evidence.
    Pass(Vec<Hit>),
    /// It does not; a finding per hit.
    Fail(Vec<Hit>),
    /// The files cannot settle it.
    Unknown(Vec<Hit>),
}

/// Where evaluation stands: a resource and the node within it.
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    /// The whole scan.
    pub project: &'a Project,
    /// The resource.
    pub at: ResRef,
    /// The node conditions are read against (the resource's body, or an element).
    pub node: &'a Node,
    /// The key of the current element, when iterating a mapping.
    pub key: Option<&'a str>,
    /// Where the current element stands, inside `each` and `some` (a mapping
    /// entry from its key on); `None` at the resource itself.
    pub element: Option<Span>,
    /// The date ages are measured from.
    pub now: NaiveDate,
}

impl<'a> Ctx<'a> {
    /// The context of a resource's body.
    pub fn resource(project: &'a Project, at: ResRef, now: NaiveDate) -> Self {
        Ctx {
            project,
            at,
            node: &project.resource(at).body,
            key: None,
            element: None,
            now,
        }
    }

    fn hit(&self, node: &Node) -> Hit {
        Hit {
            at: self.at,
            span: node.span,
            value: display_value(node),
            subject: self.key.map(str::to_string),
            reason: None,
        }
    }

    fn resource_hit(&self) -> Hit {
        Hit {
            at: self.at,
            span: self.project.resource(self.at).span,
            value: None,
            subject: self.key.map(str::to_string),
            reason: None,
        }
    }

    /// Where a failure that has no node of its own stands (a value that is
    /// missing, a related resource that does not exist): the current element
    /// inside `each` or `some`, so that two elements lacking a field are two
    /// findings at their own lines; the resource itself otherwise.
    fn here(&self) -> Hit {
        match self.element {
            Some(span) => Hit {
                span,
                ..self.resource_hit()
            },
            None => self.resource_hit(),
        }
    }

    fn unknown(&self, node: &Node, reason: String) -> Hit {
        Hit {
            reason: Some(reason),
            ..self.hit(node)
        }
    }
}

/// Evaluates `cond` in `ctx`.
pub fn eval(cond: &Cond, ctx: &Ctx<'_>) -> Outcome {
    match cond {
        Cond::All(children) => all(children.iter().map(|c| eval(c, ctx))),
        Cond::Any(children) => any(children.iter().map(|c| eval(c, ctx)), ctx),
        Cond::Not(inner) => match eval(inner, ctx) {
            Outcome::Pass(hits) if hits.is_empty() => Outcome::Fail(vec![ctx.here()]),
            Outcome::Pass(hits) => Outcome::Fail(hits),
            Outcome::Fail(hits) => Outcome::Pass(hits),
            unknown => unknown,
        },
        Cond::Test(test) => eval_test(test, ctx),
        Cond::Each(it) => each(it, ctx, true),
        Cond::Some(it) => each(it, ctx, false),
        Cond::Related(rel) => related(rel, ctx),
        Cond::Parent(inner) => match ctx.project.resource(ctx.at).parent {
            Some(parent) => {
                let at = ResRef {
                    file: ctx.at.file,
                    res: parent,
                };
                eval(inner, &Ctx::resource(ctx.project, at, ctx.now))
            }
            None => Outcome::Unknown(vec![Hit {
                reason: Some("the resource has no parent".into()),
                ..ctx.resource_hit()
            }]),
        },
        Cond::Project { kinds, filter } => {
            let mut unknown = Vec::new();
            for at in ctx.project.of_kinds(kinds) {
                let inner = Ctx::resource(ctx.project, at, ctx.now);
                let outcome = filter
                    .as_ref()
                    .map_or(Outcome::Pass(vec![]), |f| eval(f, &inner));
                match outcome {
                    Outcome::Pass(_) => return Outcome::Pass(vec![inner.resource_hit()]),
                    Outcome::Unknown(h) => unknown.extend(h),
                    Outcome::Fail(_) => {}
                }
            }
            if unknown.is_empty() {
                Outcome::Fail(vec![ctx.resource_hit()])
            } else {
                Outcome::Unknown(unknown)
            }
        }
        Cond::Detector { name, params } => detectors::run(name, params, ctx),
        Cond::Labelled(label, inner) => match eval(inner, ctx) {
            Outcome::Fail(mut hits) => {
                for hit in &mut hits {
                    hit.reason.get_or_insert_with(|| label.clone());
                }
                Outcome::Fail(hits)
            }
            other => other,
        },
    }
}

fn all(outcomes: impl Iterator<Item = Outcome>) -> Outcome {
    let (mut passed, mut failed, mut unknown) = (Vec::new(), Vec::<Hit>::new(), Vec::new());
    for o in outcomes {
        match o {
            Outcome::Pass(h) => passed.extend(h),
            Outcome::Fail(h) => {
                for hit in h {
                    add_failure(&mut failed, hit);
                }
            }
            Outcome::Unknown(h) => unknown.extend(h),
        }
    }
    if !failed.is_empty() {
        Outcome::Fail(failed)
    } else if !unknown.is_empty() {
        Outcome::Unknown(unknown)
    } else {
        Outcome::Pass(passed)
    }
}

/// Adds a failure; several failures at one place are one finding, whose
/// labels are joined (`allows privilege escalation, may run as root`).
fn add_failure(failed: &mut Vec<Hit>, hit: Hit) {
    let same = failed
        .iter_mut()
        .find(|h| h.at == hit.at && h.span == hit.span && h.subject == hit.subject);
    match (same, hit.reason) {
        (None, reason) => failed.push(Hit { reason, ..hit }),
        (Some(h), Some(label)) => match &mut h.reason {
            Some(labels) if labels.split(", ").any(|l| l == label) => {}
            Some(labels) => {
                labels.push_str(", ");
                labels.push_str(&label);
            }
            None => h.reason = Some(label),
        },
        (Some(_), None) => {}
    }
}

fn any(outcomes: impl Iterator<Item = Outcome>, ctx: &Ctx<'_>) -> Outcome {
    let (mut failures, mut unknown) = (Vec::new(), Vec::new());
    for o in outcomes {
        match o {
            Outcome::Pass(h) => return Outcome::Pass(h),
            Outcome::Fail(h) => failures.push(h),
            Outcome::Unknown(h) => unknown.extend(h),
        }
    }
    if !unknown.is_empty() {
        return Outcome::Unknown(unknown);
    }
    // Branches often cover one format each (a Terraform path, then its
    // CloudFormation twin), and only one of them exists on a resource: show
    // the failure of a value that is there, not that of a path that is not.
    let fallback = ctx.here().span;
    // Only a value of this resource counts: one its parent holds (a pod's
    // `runAsUser: 0`) would be shown, and named, as the parent's finding.
    let at_value = failures.iter().position(|h| {
        h.iter().any(|hit| {
            hit.at == ctx.at
                && hit.span != fallback
                && hit.span != ctx.project.resource(hit.at).span
        })
    });
    let chosen = match at_value {
        Some(i) => failures.swap_remove(i),
        None => failures
            .into_iter()
            .find(|h| !h.is_empty())
            .unwrap_or_default(),
    };
    if chosen.is_empty() {
        Outcome::Fail(vec![ctx.here()])
    } else {
        Outcome::Fail(chosen)
    }
}

/// A value settled only at deploy time: an expression or a CloudFormation intrinsic.
pub fn deferred(node: &Node) -> Option<String> {
    match &node.value {
        Value::Expr(text) => Some(format!("`{}` is only known at deploy time", shorten(text))),
        Value::Map(entries)
            if entries.len() == 1
                && (entries[0].key == "Ref" || entries[0].key.starts_with("Fn::")) =>
        {
            Some(format!("`{}` is only known at deploy time", entries[0].key))
        }
        Value::Str(s) if s.contains("${") || s.contains("{{") => {
            Some(format!("`{}` is filled in at deploy time", shorten(s)))
        }
        _ => None,
    }
}

fn shorten(text: &str) -> String {
    let t: String = text.chars().take(60).collect();
    if t.len() < text.len() {
        format!("{t}…")
    } else {
        t
    }
}

/// A scalar's text for messages; collections have none.
pub fn display_value(node: &Node) -> Option<String> {
    match &node.value {
        Value::Expr(s) => Some(s.clone()),
        _ => node.scalar_text(),
    }
}

fn select<'a>(test_path: &Path, ctx: &Ctx<'a>) -> Vec<Selected<'a>> {
    let res = ctx.project.resource(ctx.at);
    let text = |s: String| vec![Selected::Text(s)];
    match test_path {
        Path::Steps(steps) => ctx
            .node
            .select(steps)
            .into_iter()
            .map(Selected::Node)
            .collect(),
        Path::Key => text(ctx.key.map_or_else(|| res.name.clone(), str::to_string)),
        Path::Name => text(res.name.clone()),
        Path::Env => text(res.env.to_string()),
        // TODO: the path as typed; a file given through a symlink root is
        // matched by the link's name (`envlink`), so name rules such as
        // VCH-ISO-013's miss the `.env.production` it points at.
        Path::File => text(ctx.project.file(ctx.at).source.display_path()),
        Path::Kind => text(res.kind.clone()),
    }
}

enum Selected<'a> {
    Node(&'a Node),
    Text(String),
}

fn eval_test(test: &Test, ctx: &Ctx<'_>) -> Outcome {
    let selected = select(&test.path, ctx);
    let present: Vec<&Selected<'_>> = selected
        .iter()
        .filter(|s| {
            !matches!(
                s,
                Selected::Node(Node {
                    value: Value::Null,
                    ..
                })
            )
        })
        .collect();
    match test.op {
        Op::Exists => {
            return if present.is_empty() {
                Outcome::Fail(vec![ctx.here()])
            } else {
                Outcome::Pass(hits(ctx, &present))
            };
        }
        Op::Absent => {
            return if present.is_empty() {
                Outcome::Pass(vec![])
            } else {
                Outcome::Fail(hits(ctx, &present))
            };
        }
        _ => {}
    }
    if present.is_empty() {
        return match test.missing {
            Missing::Pass => Outcome::Pass(vec![]),
            Missing::Fail => Outcome::Fail(vec![ctx.here()]),
            Missing::Unknown => Outcome::Unknown(vec![Hit {
                reason: Some("the value is not set".into()),
                ..ctx.here()
            }]),
        };
    }
    let outcomes = present.iter().map(|s| match s {
        Selected::Node(node) if test.base64 => test_node(&test.op, &decoded(node), ctx),
        Selected::Node(node) => test_node(&test.op, node, ctx),
        Selected::Text(text) => {
            let node = Node::new(ctx.here().span, Value::Str(text.clone()));
            test_node(&test.op, &node, ctx)
        }
    });
    if test.any {
        any(outcomes, ctx)
    } else {
        all(outcomes)
    }
}

/// A string node with its text base64-decoded, at the same span; a value
/// that is not base64 of UTF-8 text is compared as written.
fn decoded(node: &Node) -> Node {
    use base64::Engine as _;
    let Value::Str(text) = &node.value else {
        return node.clone();
    };
    let compact: String = text.split_whitespace().collect();
    match base64::engine::general_purpose::STANDARD
        .decode(compact)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
    {
        Some(plain) => Node::new(node.span, Value::Str(plain)),
        None => node.clone(),
    }
}

fn hits(ctx: &Ctx<'_>, selected: &[&Selected<'_>]) -> Vec<Hit> {
    selected
        .iter()
        .map(|s| match s {
            Selected::Node(n) => ctx.hit(n),
            Selected::Text(t) => Hit {
                value: Some(t.clone()),
                ..ctx.here()
            },
        })
        .collect()
}

/// Tests one node; sequences are tested element by element, except by the
/// operators that look at the sequence itself.
fn test_node(op: &Op, node: &Node, ctx: &Ctx<'_>) -> Outcome {
    // The operators about how a value is written read it as written; the
    // others compare what a reference the files settle comes down to.
    let as_written = matches!(op, Op::Placeholder | Op::SecretLiteral | Op::Reference);
    let settled;
    let resolved = if as_written {
        Resolved::AsWritten
    } else {
        resolve(node, ctx)
    };
    let node = match resolved {
        Resolved::AsWritten => node,
        Resolved::Value(n) => {
            settled = n;
            &settled
        }
        Resolved::Ambiguous(reason) => return Outcome::Unknown(vec![ctx.unknown(node, reason)]),
    };
    let whole = matches!(
        op,
        Op::Contains(_) | Op::NotContains(_) | Op::Empty | Op::NotEmpty
    );
    if let (Value::Seq(items), false) = (&node.value, whole) {
        if items.is_empty() {
            return Outcome::Pass(vec![]);
        }
        return all(items.iter().map(|i| test_node(op, i, ctx)));
    }
    // A regex reads a plain string as written: an interpolation in it is part
    // of the text (`http://${HOST}` is plain HTTP whatever HOST holds, and
    // `${KEY}` is no literal key), so only other comparisons wait for deploy time.
    let written =
        matches!(op, Op::Matches(_) | Op::NotMatches(_)) && matches!(node.value, Value::Str(_));
    if !as_written && !written {
        if let Some(reason) = deferred(node) {
            return Outcome::Unknown(vec![ctx.unknown(node, reason)]);
        }
    }
    let hit = ctx.hit(node);
    let verdict = match check(op, node, ctx) {
        Some(v) => v,
        None => {
            let reason = format!(
                "`{}` cannot be compared this way",
                display_value(node).unwrap_or_else(|| "this value".into())
            );
            return Outcome::Unknown(vec![Hit {
                reason: Some(reason),
                ..hit
            }]);
        }
    };
    if verdict {
        Outcome::Pass(vec![hit])
    } else {
        Outcome::Fail(vec![hit])
    }
}

/// The verdict of one comparison; `None` when the value cannot be compared.
fn check(op: &Op, node: &Node, ctx: &Ctx<'_>) -> Option<bool> {
    let text = || display_value(node);
    let secrets = ctx.project.secrets();
    Some(match op {
        // Settled in `eval_test` before any node is compared.
        Op::Exists | Op::Absent => true,
        Op::Equals(v) => equals(node, v),
        Op::NotEquals(v) => !equals(node, v),
        Op::In(list) => list.iter().any(|v| equals(node, v)),
        Op::NotIn(list) => !list.iter().any(|v| equals(node, v)),
        Op::Matches(re) => re.is_match(&text()?),
        Op::NotMatches(re) => !re.is_match(&text()?),
        Op::Contains(v) => contains(node, v),
        Op::NotContains(v) => !contains(node, v),
        Op::Gt(n) => number(node)? > *n,
        Op::Ge(n) => number(node)? >= *n,
        Op::Lt(n) => number(node)? < *n,
        Op::Le(n) => number(node)? <= *n,
        Op::DaysLe(n) => duration::days(node)? <= *n,
        Op::DaysGe(n) => duration::days(node)? >= *n,
        Op::OlderThanDays(n) => {
            let date = duration::date(&text()?)?;
            (ctx.now - date).num_days() as f64 > *n
        }
        Op::Empty => is_empty(node),
        Op::NotEmpty => !is_empty(node),
        Op::SecretName => secrets.is_secret_name(&text()?),
        Op::SecretLiteral => match &node.value {
            Value::Str(s) => secrets.is_secret_literal(s),
            _ => false,
        },
        Op::Reference => deferred(node).is_some(),
        Op::Placeholder => match &node.value {
            Value::Str(s) => secrets.is_placeholder(s),
            Value::Expr(_) => true,
            _ => false,
        },
    })
}

fn is_empty(node: &Node) -> bool {
    match &node.value {
        Value::Null => true,
        Value::Str(s) => s.is_empty(),
        Value::Seq(items) => items.is_empty(),
        Value::Map(entries) => entries.is_empty(),
        _ => false,
    }
}

fn number(node: &Node) -> Option<f64> {
    match &node.value {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        Value::Str(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Equality as a reader means it: `"true"` equals true, `"90"` equals 90.
fn equals(node: &Node, expected: &J) -> bool {
    match expected {
        J::Bool(b) => match &node.value {
            Value::Bool(v) => v == b,
            Value::Str(s) => s.eq_ignore_ascii_case(if *b { "true" } else { "false" }),
            _ => false,
        },
        J::Number(n) => number(node)
            .zip(n.as_f64())
            .is_some_and(|(a, b)| (a - b).abs() < 1e-9),
        J::String(s) => display_value(node).is_some_and(|v| &v == s),
        J::Null => matches!(node.value, Value::Null),
        J::Array(_) | J::Object(_) => node.to_json() == *expected,
    }
}

fn contains(node: &Node, expected: &J) -> bool {
    match &node.value {
        Value::Seq(items) => items.iter().any(|i| equals(i, expected)),
        Value::Str(s) => expected.as_str().is_some_and(|e| s.contains(e)),
        Value::Map(entries) => expected
            .as_str()
            .is_some_and(|e| entries.iter().any(|en| en.key == e)),
        _ => false,
    }
}

fn each(it: &Iter, ctx: &Ctx<'_>, every: bool) -> Outcome {
    let mut elements: Vec<(&Node, Option<&str>, Span)> = Vec::new();
    for (node, key_span) in select_with_keys(ctx.node, &it.path) {
        let whole = key_span.map_or(node.span, |k| k.join(node.span));
        match &node.value {
            Value::Seq(items) => elements.extend(items.iter().map(|i| (i, None, i.span))),
            Value::Map(entries) if !it.as_list => elements.extend(entries.iter().map(|e| {
                (
                    &e.value,
                    Some(e.key.as_str()),
                    e.key_span.join(e.value.span),
                )
            })),
            Value::Null => {}
            _ => elements.push((node, None, whole)),
        }
    }
    let mut outcomes = Vec::new();
    for (node, key, span) in elements {
        let subject = key.or_else(|| node.get("name").and_then(Node::as_str));
        let inner = Ctx {
            node,
            key: subject,
            element: Some(span),
            ..*ctx
        };
        if let Some(filter) = &it.filter {
            match eval(filter, &inner) {
                Outcome::Pass(_) => {}
                Outcome::Fail(_) => continue,
                unknown => {
                    outcomes.push(unknown);
                    continue;
                }
            }
        }
        outcomes.push(eval(&it.assert, &inner));
    }
    if every {
        all(outcomes.into_iter())
    } else if outcomes.is_empty() {
        Outcome::Fail(vec![ctx.here()])
    } else {
        any(outcomes.into_iter(), ctx)
    }
}

/// [`Node::select`], keeping for each node the span of the key that led to
/// it, so that an element found under `Ebs:` is shown from that key on.
fn select_with_keys<'a>(root: &'a Node, path: &[PathStep]) -> Vec<(&'a Node, Option<Span>)> {
    fn step<'a>(node: &'a Node, s: &PathStep, out: &mut Vec<(&'a Node, Option<Span>)>) {
        match (&node.value, s) {
            (Value::Seq(items), PathStep::Index(i)) => out.extend(items.get(*i).map(|n| (n, None))),
            (Value::Seq(items), PathStep::Any) => out.extend(items.iter().map(|n| (n, None))),
            (Value::Seq(items), PathStep::Key(_)) => {
                for item in items {
                    step(item, s, out);
                }
            }
            (Value::Map(entries), PathStep::Key(k)) => out.extend(
                entries
                    .iter()
                    .filter(|e| &e.key == k)
                    .map(|e| (&e.value, Some(e.key_span))),
            ),
            (Value::Map(entries), PathStep::Any) => {
                out.extend(entries.iter().map(|e| (&e.value, Some(e.key_span))));
            }
            _ => {}
        }
    }
    let mut current = vec![(root, None)];
    for s in path {
        let mut next = Vec::new();
        for (node, _) in current {
            step(node, s, &mut next);
        }
        current = next;
    }
    current
}

fn related(rel: &Related, ctx: &Ctx<'_>) -> Outcome {
    let me = ctx.project.resource(ctx.at);
    let mine: Vec<&Node> = rel
        .refs
        .as_ref()
        .map(|p| ctx.node.select(p))
        .unwrap_or_default();
    let mut unknown = Vec::new();
    for at in ctx.project.in_unit(ctx.at, &rel.kinds) {
        let other = ctx.project.resource(at);
        let linked = rel.via.as_ref().is_some_and(|via| {
            other
                .body
                .select(via)
                .iter()
                .any(|n| refers_to(n, &me.ref_names))
        }) || mine.iter().any(|n| refers_to(n, &other.ref_names));
        if !linked {
            continue;
        }
        let inner = Ctx::resource(ctx.project, at, ctx.now);
        match rel
            .filter
            .as_ref()
            .map_or(Outcome::Pass(vec![]), |f| eval(f, &inner))
        {
            Outcome::Pass(_) => return Outcome::Pass(vec![inner.resource_hit()]),
            Outcome::Unknown(h) => unknown.extend(h),
            Outcome::Fail(_) => {}
        }
    }
    if unknown.is_empty() {
        Outcome::Fail(vec![ctx.here()])
    } else {
        Outcome::Unknown(unknown)
    }
}

/// Whether a value refers to a resource known by one of `names`: a Terraform
/// expression naming it (`aws_s3_bucket.b.id`), a CloudFormation `Ref` or
/// `Fn::GetAtt`, or a literal equal to one of the names.
pub fn refers_to(node: &Node, names: &[String]) -> bool {
    match &node.value {
        Value::Expr(text) | Value::Str(text) => names.iter().any(|n| mentions(text, n)),
        Value::Map(entries) => entries.iter().any(|e| match e.key.as_str() {
            "Ref" => e
                .value
                .as_str()
                .is_some_and(|s| names.iter().any(|n| n == s)),
            "Fn::GetAtt" => e
                .value
                .items()
                .first()
                .and_then(Node::as_str)
                .is_some_and(|s| names.iter().any(|n| n == s)),
            "Fn::Sub" => refers_to(&e.value, names),
            _ => false,
        }),
        Value::Seq(items) => items.iter().any(|i| refers_to(i, names)),
        _ => false,
    }
}

/// `name` stands in `text` as a whole reference: not inside a longer identifier.
fn mentions(text: &str, name: &str) -> bool {
    if name.is_empty() {
        return false;
    }
    if text == name {
        return true;
    }
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    text.match_indices(name).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + name.len()..].chars().next();
        !before.is_some_and(|c| ident(c) || c == '.') && !after.is_some_and(ident)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_match_whole_names() {
        let expr = |s: &str| Node::new(Span::default(), Value::Expr(s.into()));
        let names = vec!["aws_s3_bucket.b".to_string()];
        assert!(refers_to(&expr("aws_s3_bucket.b.id"), &names));
        assert!(refers_to(&expr("${aws_s3_bucket.b.bucket}"), &names));
        assert!(!refers_to(&expr("aws_s3_bucket.bb.id"), &names));
        assert!(!refers_to(&expr("data.aws_s3_bucket.b.id"), &names));
    }
}
