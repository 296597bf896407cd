//! Values that are written as references but settled by the files anyway.
//!
//! DESIGN keeps "unknown" for what the files cannot settle: a Terraform
//! variable with no default, a module output, a value computed at deploy
//! time. A variable with a default, or set in a `.tfvars` file of the same
//! module, is settled; so is a local that comes down to one; and so is a
//! CloudFormation `Fn::Sub` whose text has nothing to substitute, or only
//! pseudo-parameters (`${AWS::Partition}`), which a regex can read as written.
//! Comparisons see the settled value, at the place the reference is written.

use std::sync::OnceLock;

use super::Ctx;
use crate::policy::cond::KindSet;
use crate::tree::{Node, Value};

/// How far a chain of locals is followed before the value counts as unknown.
const MAX_DEPTH: usize = 8;

/// What a reference comes down to.
pub enum Resolved {
    /// The node is not a reference this module settles; compare it as it is.
    AsWritten,
    /// The settled value, placed at the reference's span.
    Value(Node),
    /// A reference the files settle in more than one way.
    Ambiguous(String),
}

/// Settles `node` if it is a Terraform `var.`/`local.` reference with a value
/// in its module, or an `Fn::Sub` that needs no deploy-time input.
// TODO: only a whole value is settled. A path that walks into a reference
// (`rotation_rules = var.rules`, then `rotation_rules.days`), an `Fn::Join` of
// literals, or `var.NAME` in a longer template stays unknown; settling them
// needs the path walk in `Node::select` to go through references.
pub fn resolve(node: &Node, ctx: &Ctx<'_>) -> Resolved {
    resolve_at(node, ctx, 0)
}

fn resolve_at(node: &Node, ctx: &Ctx<'_>, depth: usize) -> Resolved {
    match &node.value {
        Value::Map(entries) if entries.len() == 1 && entries[0].key == "Fn::Sub" => {
            match sub_text(&entries[0].value) {
                Some(text) => Resolved::Value(Node::new(node.span, Value::Str(text))),
                None => Resolved::AsWritten,
            }
        }
        Value::Expr(text) if depth < MAX_DEPTH => match terraform_reference(text) {
            Some((prefix, name)) => settle(prefix, name, node, ctx, depth),
            None => Resolved::AsWritten,
        },
        _ => Resolved::AsWritten,
    }
}

/// The text of an `Fn::Sub` when only pseudo-parameters (or nothing) are
/// substituted in it; a `${Param}` or `${Res.Attr}` leaves it to deploy time.
fn sub_text(arg: &Node) -> Option<String> {
    // `Fn::Sub: [text, {vars}]` substitutes the vars, which are deploy-time values.
    let text = match &arg.value {
        Value::Str(s) => s,
        _ => return None,
    };
    let mut rest = text.as_str();
    while let Some(i) = rest.find("${") {
        let after = &rest[i + 2..];
        let end = after.find('}')?;
        let name = &after[..end];
        if !(name.starts_with('!') || name.starts_with("AWS::")) {
            return None;
        }
        rest = &after[end + 1..];
    }
    Some(text.clone())
}

/// `var.NAME` or `local.NAME`, alone or as the whole of `"${…}"`.
fn terraform_reference(text: &str) -> Option<(&str, &str)> {
    let t = text.trim();
    let t = t
        .strip_prefix("\"${")
        .and_then(|r| r.strip_suffix("}\""))
        .map_or(t, str::trim);
    let (prefix, name) = t.split_once('.')?;
    let ident = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    (matches!(prefix, "var" | "local") && ident).then_some((prefix, name))
}

fn kinds(which: &str) -> &'static KindSet {
    static TFVAR: OnceLock<KindSet> = OnceLock::new();
    static VARIABLE: OnceLock<KindSet> = OnceLock::new();
    static LOCAL: OnceLock<KindSet> = OnceLock::new();
    let (cell, kind) = match which {
        "tfvar" => (&TFVAR, "tf/tfvar"),
        "variable" => (&VARIABLE, "tf/variable"),
        _ => (&LOCAL, "tf/local"),
    };
    cell.get_or_init(|| KindSet::new(&[kind.to_string()]).expect("a literal kind compiles"))
}

/// The value of `var.NAME` (a `.tfvars` assignment in the module, else the
/// variable's default) or `local.NAME`, at the reference's span.
fn settle(prefix: &str, name: &str, at: &Node, ctx: &Ctx<'_>, depth: usize) -> Resolved {
    let project = ctx.project;
    let named = |which: &str, field: &str| -> Vec<(&Node, String)> {
        project
            .in_unit(ctx.at, kinds(which))
            .into_iter()
            .filter(|r| project.resource(*r).name == name)
            .filter_map(|r| {
                let value = project.resource(r).body.get(field)?;
                let file = project.file(r).source.display_path();
                (!matches!(value.value, Value::Null)).then_some((value, file))
            })
            .collect()
    };
    let found = if prefix == "var" {
        let set = named("tfvar", "value");
        if set.is_empty() {
            named("variable", "default")
        } else {
            set
        }
    } else {
        named("local", "value")
    };
    let Some((first, _)) = found.first() else {
        return Resolved::AsWritten;
    };
    if found.iter().any(|(v, _)| v.to_json() != first.to_json()) {
        let files: Vec<&str> = found.iter().map(|(_, f)| f.as_str()).collect();
        return Resolved::Ambiguous(format!(
            "`{prefix}.{name}` is set differently in {}",
            files.join(", ")
        ));
    }
    let placed = Node::new(at.span, first.value.clone());
    match resolve_at(&placed, ctx, depth + 1) {
        Resolved::AsWritten => Resolved::Value(placed),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    fn sub(text: &str) -> Option<String> {
        sub_text(&Node::new(Span::default(), Value::Str(text.into())))
    }

    #[test]
    fn a_sub_with_only_pseudo_parameters_reads_as_written() {
        assert_eq!(sub("kms:*").as_deref(), Some("kms:*"));
        assert_eq!(
            sub("arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess").as_deref(),
            Some("arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess")
        );
        assert_eq!(sub("arn:aws:s3:::${Bucket}/*"), None);
        assert_eq!(sub("${Key.Arn}"), None);
    }

    #[test]
    fn terraform_references_alone_or_interpolated() {
        assert_eq!(terraform_reference("var.days"), Some(("var", "days")));
        assert_eq!(
            terraform_reference("\"${local.max}\""),
            Some(("local", "max"))
        );
        assert_eq!(terraform_reference("var.days + 1"), None);
        assert_eq!(terraform_reference("aws_kms_key.k.arn"), None);
        assert_eq!(terraform_reference("\"${var.a}-${var.b}\""), None);
    }
}
