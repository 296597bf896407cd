//! CloudFormation templates to resources.
//!
//! Each entry of `Resources` becomes `cfn/<Type>` (e.g. `cfn/AWS::S3::Bucket`)
//! named by its logical id, which is also how `Ref` and `Fn::GetAtt` refer to
//! it. Parameters become `cfn/parameter` and outputs `cfn/output`. Short-form
//! tags were already turned into the long form by the YAML reader.

use crate::resource::Resource;
use crate::tree::{Node, Value};

/// Whether a document is a CloudFormation template.
pub fn is_template(root: &Node) -> bool {
    root.get("AWSTemplateFormatVersion").is_some()
        || root.get("Resources").is_some_and(|r| {
            r.entries().iter().any(|e| {
                e.value
                    .get("Type")
                    .and_then(Node::as_str)
                    .is_some_and(|t| t.starts_with("AWS::"))
            })
        })
}

/// The resources, parameters and outputs of a template.
pub fn extract(root: &Node) -> Vec<Resource> {
    let mut out = Vec::new();
    for e in root.get("Resources").map_or(&[][..], Node::entries) {
        let Some(kind) = e.value.get("Type").and_then(Node::as_str) else {
            continue;
        };
        let mut r = Resource::new(
            format!("cfn/{kind}"),
            e.key.clone(),
            e.key_span,
            e.value.clone(),
        )
        .with_address(format!("{kind}/{}", e.key));
        r.ref_names = vec![e.key.clone()];
        if let Some(Value::Str(name)) = e
            .value
            .get("Properties")
            .and_then(|p| p.get("BucketName"))
            .map(|n| &n.value)
        {
            r.ref_names.push(name.clone());
        }
        out.push(r);
    }
    for (section, kind) in [("Parameters", "cfn/parameter"), ("Outputs", "cfn/output")] {
        for e in root.get(section).map_or(&[][..], Node::entries) {
            let mut r = Resource::new(kind, e.key.clone(), e.key_span, e.value.clone())
                .with_address(format!("{}/{}", section, e.key));
            r.ref_names = vec![e.key.clone()];
            out.push(r);
        }
    }
    out
}
