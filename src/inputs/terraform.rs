//! Terraform: `.tf`, `.tfvars`, `.tfvars.json` and `.tf.json` files as resources.
//!
//! Every top-level block becomes one [`Resource`] whose kind names what it is
//! (`tf/resource/aws_s3_bucket`, `tf/data/…`, `tf/variable`, `tf/local`…) and
//! whose address is the one Terraform itself uses, so findings read like a
//! plan. A resource's span is its declaration head (`resource "t" "n"`), the
//! text the engine underlines when a required attribute is missing. Nothing
//! is evaluated here: `var.x` stays an expression; a later pass may resolve it.

mod expr;
mod tf_json;

use hcl_edit::parser::parse_body;
use hcl_edit::structure::{Block, Structure};

use crate::inputs::{Extracted, ParseError, json};
use crate::resource::Resource;
use crate::source::{SourceFile, Span};
use crate::tree::{Entry, Node, Value};

pub use expr::LABELS_KEY;
pub use tf_json::extract_tf_json;

/// Extracts the resources of a `.tf` file.
pub fn extract(file: &SourceFile) -> Extracted {
    let body = parse(file)?;
    let text = &*file.text;
    let mut out = Vec::new();
    for structure in body.iter() {
        let Structure::Block(block) = structure else {
            // A top-level attribute is not valid Terraform; there is nothing
            // to attach it to, and Terraform itself would reject the file.
            continue;
        };
        let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
        let span = head_span(block);
        let head = Head {
            keyword: block.ident.as_str(),
            labels: &labels,
            span,
        };
        if head.keyword == "locals" {
            out.extend(locals(block, text));
        } else {
            let node = expr::body_node(&block.body, expr::span_of(block), text);
            out.extend(block_resource(&head, node));
        }
    }
    Ok(out)
}

/// Extracts one `tf/tfvar` resource per assignment of a `.tfvars` file.
///
/// The body is a map with the single key `value`; `ref_names` holds
/// `var.NAME`, the variable the assignment sets.
pub fn extract_tfvars(file: &SourceFile) -> Extracted {
    let body = parse(file)?;
    let text = &*file.text;
    Ok(body
        .attributes()
        .map(|attr| {
            let name = attr.key.as_str();
            let key_span = expr::span_of(&attr.key);
            let value = expr::expr_node(&attr.value, text);
            single_value("tf/tfvar", name, name, key_span, value)
                .with_refs(vec![format!("var.{name}")])
        })
        .collect())
}

/// Extracts one `tf/tfvar` resource per key of a `.tfvars.json` file, in the
/// same shape as [`extract_tfvars`]. Terraform reads these values literally
/// (no `${}` templates), so they stay plain values.
pub fn extract_tfvars_json(file: &SourceFile) -> Extracted {
    let root = json::parse(file)?;
    match root.value {
        Value::Map(entries) => Ok(entries
            .into_iter()
            .map(|e| {
                single_value("tf/tfvar", &e.key, &e.key, e.key_span, e.value)
                    .with_refs(vec![format!("var.{}", e.key)])
            })
            .collect()),
        Value::Null if root.span.is_empty() => Ok(Vec::new()),
        _ => Err(ParseError::new(
            root.span.start,
            "a .tfvars.json file must hold one JSON object",
        )),
    }
}

fn parse(file: &SourceFile) -> Result<hcl_edit::structure::Body, ParseError> {
    parse_body(&file.text)
        .map_err(|e| ParseError::new(e.location().offset(), e.message().to_string()))
}

/// From the block keyword to the end of its last label.
fn head_span(block: &Block) -> Span {
    let ident = expr::span_of(&block.ident);
    block
        .labels
        .last()
        .map_or(ident, |label| ident.join(expr::span_of(label)))
}

/// The declaration of a top-level block, in either syntax.
pub(crate) struct Head<'a> {
    /// `resource`, `data`, `variable`…
    pub keyword: &'a str,
    /// The block labels, in order.
    pub labels: &'a [&'a str],
    /// Where the declaration stands.
    pub span: Span,
}

/// The resource a top-level block declares, if it is a kind Terraform has.
/// `locals` is handled apart since it declares one resource per attribute.
pub(crate) fn block_resource(head: &Head<'_>, body: Node) -> Option<Resource> {
    let span = head.span;
    let resource = match (head.keyword, head.labels) {
        ("resource", [kind, name]) => {
            let address = format!("{kind}.{name}");
            let mut refs = vec![address.clone()];
            refs.extend(literal_names(&body));
            Resource::new(format!("tf/resource/{kind}"), *name, span, body)
                .with_address(address)
                .with_refs(refs)
        }
        ("data", [kind, name]) => {
            let address = format!("data.{kind}.{name}");
            Resource::new(format!("tf/data/{kind}"), *name, span, body)
                .with_address(address.clone())
                .with_refs(vec![address])
        }
        ("variable", [name]) => named("tf/variable", name, "var", span, body),
        ("output", [name]) => named("tf/output", name, "output", span, body),
        ("module", [name]) => named("tf/module", name, "module", span, body),
        ("provider", [name]) => {
            // Resources pick a provider configuration as `aws` or `aws.west`.
            let reference = match body.get("alias").and_then(Node::as_str) {
                Some(alias) => format!("{name}.{alias}"),
                None => (*name).to_string(),
            };
            Resource::new(format!("tf/provider/{name}"), *name, span, body)
                .with_address(format!("provider.{reference}"))
                .with_refs(vec![reference])
        }
        ("terraform", []) => {
            Resource::new("tf/terraform", "terraform", span, body).with_address("terraform")
        }
        // TODO: `moved`, `import`, `check` and `removed` blocks carry no
        // settings the policies look at yet; they are skipped.
        _ => return None,
    };
    Some(resource)
}

fn named(kind: &str, name: &str, prefix: &str, span: Span, body: Node) -> Resource {
    let address = format!("{prefix}.{name}");
    Resource::new(kind, name, span, body)
        .with_address(address.clone())
        .with_refs(vec![address])
}

/// One `tf/local` per attribute of a `locals` block.
fn locals(block: &Block, text: &str) -> Vec<Resource> {
    block
        .body
        .attributes()
        .map(|attr| {
            let name = attr.key.as_str();
            let value = expr::expr_node(&attr.value, text);
            local(name, expr::span_of(&attr.key), value)
        })
        .collect()
}

/// A `tf/local`: its body is a map with the single key `value`.
pub(crate) fn local(name: &str, key_span: Span, value: Node) -> Resource {
    let address = format!("local.{name}");
    single_value("tf/local", name, &address, key_span, value).with_refs(vec![address])
}

/// A resource whose body is `{value: …}`, spanned by the key that names it.
fn single_value(kind: &str, name: &str, address: &str, key_span: Span, value: Node) -> Resource {
    let body = Node::new(
        key_span.join(value.span),
        Value::Map(vec![Entry {
            key: "value".to_string(),
            key_span,
            value,
        }]),
    );
    Resource::new(kind, name, key_span, body).with_address(address)
}

/// Literal `bucket` and `name` values: other resources may name the
/// resource by them instead of by its address.
fn literal_names(body: &Node) -> Vec<String> {
    ["bucket", "name"]
        .iter()
        .filter_map(|key| body.get(key).and_then(Node::as_str))
        .map(str::to_string)
        .collect()
}

/// Sets the reference names; kept here so [`Resource`] stays unchanged.
trait WithRefs {
    fn with_refs(self, refs: Vec<String>) -> Self;
}

impl WithRefs for Resource {
    fn with_refs(mut self, refs: Vec<String>) -> Self {
        self.ref_names = refs;
        self
    }
}
