//! Terraform extraction on the fixtures in tests/fixtures/inputs/terraform:
//! kinds, addresses, reference names, typed bodies and exact positions.

use vouch::inputs::terraform;
use vouch::resource::Resource;
use vouch::source::{SourceFile, Span};
use vouch::tree::{Node, Value, parse_path};

fn fixture(name: &str) -> SourceFile {
    let path = format!("tests/fixtures/inputs/terraform/{name}");
    let text = std::fs::read_to_string(&path).expect("fixture exists");
    SourceFile::new(path, &text)
}

fn find<'a>(resources: &'a [Resource], address: &str) -> &'a Resource {
    resources
        .iter()
        .find(|r| r.address == address)
        .unwrap_or_else(|| panic!("no resource {address}"))
}

fn at<'a>(node: &'a Node, path: &str) -> &'a Node {
    let found = node.select(&parse_path(path).expect("valid path"));
    assert_eq!(found.len(), 1, "path {path} should reach one node");
    found[0]
}

/// Line and column where `span` starts.
fn pos(file: &SourceFile, span: Span) -> (usize, usize) {
    file.line_col(span.start)
}

#[test]
fn every_top_level_block_becomes_a_resource() {
    let file = fixture("main.tf");
    let resources = terraform::extract(&file).expect("main.tf parses");
    let summary: Vec<(&str, &str, &str)> = resources
        .iter()
        .map(|r| (r.kind.as_str(), r.name.as_str(), r.address.as_str()))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("tf/terraform", "terraform", "terraform"),
            ("tf/provider/aws", "aws", "provider.aws"),
            ("tf/provider/aws", "aws", "provider.aws.west"),
            ("tf/variable", "environment", "var.environment"),
            ("tf/resource/aws_s3_bucket", "logs", "aws_s3_bucket.logs"),
            ("tf/resource/aws_s3_bucket", "data", "aws_s3_bucket.data"),
            (
                "tf/resource/aws_s3_bucket_server_side_encryption_configuration",
                "data",
                "aws_s3_bucket_server_side_encryption_configuration.data"
            ),
            (
                "tf/resource/aws_s3_bucket_lifecycle_configuration",
                "data",
                "aws_s3_bucket_lifecycle_configuration.data"
            ),
            ("tf/resource/aws_kms_key", "logs", "aws_kms_key.logs"),
            (
                "tf/resource/aws_security_group",
                "api",
                "aws_security_group.api"
            ),
            (
                "tf/data/aws_iam_policy_document",
                "read",
                "data.aws_iam_policy_document.read"
            ),
            ("tf/local", "name_prefix", "local.name_prefix"),
            ("tf/local", "retention", "local.retention"),
            ("tf/module", "vpc", "module.vpc"),
            ("tf/output", "bucket_arn", "output.bucket_arn"),
        ]
    );
}

#[test]
fn reference_names_include_literal_bucket_names() {
    let resources = terraform::extract(&fixture("main.tf")).unwrap();
    let refs = |a: &str| find(&resources, a).ref_names.clone();
    assert_eq!(
        refs("aws_s3_bucket.data"),
        ["aws_s3_bucket.data", "acme-prompt-data"]
    );
    // An interpolated name is not known, so it is no reference name.
    assert_eq!(refs("aws_s3_bucket.logs"), ["aws_s3_bucket.logs"]);
    assert_eq!(
        refs("aws_security_group.api"),
        ["aws_security_group.api", "api"]
    );
    assert_eq!(
        refs("data.aws_iam_policy_document.read"),
        ["data.aws_iam_policy_document.read"]
    );
    assert_eq!(refs("var.environment"), ["var.environment"]);
    assert_eq!(refs("local.retention"), ["local.retention"]);
    assert_eq!(refs("module.vpc"), ["module.vpc"]);
    assert_eq!(refs("provider.aws.west"), ["aws.west"]);
}

#[test]
fn the_span_is_the_declaration_head() {
    let file = fixture("main.tf");
    let resources = terraform::extract(&file).unwrap();
    let bucket = find(&resources, "aws_s3_bucket.data");
    assert_eq!(
        file.slice(bucket.span),
        r#"resource "aws_s3_bucket" "data""#
    );
    let loc = file.location(bucket.span);
    assert_eq!(
        (loc.line, loc.column, loc.end_line, loc.end_column),
        (33, 1, 33, 32)
    );

    let terraform_block = find(&resources, "terraform");
    assert_eq!(file.slice(terraform_block.span), "terraform");

    let local = find(&resources, "local.retention");
    assert_eq!(file.slice(local.span), "retention");
    assert_eq!(pos(&file, local.span), (99, 3));
}

#[test]
fn literals_are_typed_and_spanned() {
    let file = fixture("main.tf");
    let resources = terraform::extract(&file).unwrap();
    let key = &find(&resources, "aws_kms_key.logs").body;

    assert_eq!(at(key, "deletion_window_in_days").value, Value::Int(10));
    assert_eq!(at(key, "enable_key_rotation").value, Value::Bool(true));
    assert_eq!(at(key, "rotation_ratio").value, Value::Float(0.5));
    assert_eq!(at(key, "retired").value, Value::Null);
    assert_eq!(at(key, "aliases[1]").as_str(), Some("logs"));

    let days = at(key, "deletion_window_in_days");
    assert_eq!(pos(&file, days.span), (71, 29));
    assert_eq!(file.slice(days.span), "10");
    let entry = key.entry("enable_key_rotation").unwrap();
    assert_eq!(pos(&file, entry.key_span), (72, 3));
    assert_eq!(file.slice(entry.key_span), "enable_key_rotation");
    assert_eq!(pos(&file, at(key, "aliases[1]").span), (75, 45));
}

#[test]
fn references_and_templates_stay_expressions() {
    let file = fixture("main.tf");
    let resources = terraform::extract(&file).unwrap();
    let logs = &find(&resources, "aws_s3_bucket.logs").body;
    let bucket = at(logs, "bucket");
    assert_eq!(
        bucket.value,
        Value::Expr(r#""${var.environment}-prompt-logs""#.into())
    );
    assert_eq!(pos(&file, bucket.span), (25, 19));
    assert_eq!(
        at(logs, "tags.Owner").value,
        Value::Expr("var.owner".into())
    );
    assert_eq!(at(logs, "tags.Team").as_str(), Some("ml-platform"));
    assert_eq!(pos(&file, logs.entry("tags").unwrap().key_span), (27, 3));

    let variable = &find(&resources, "var.environment").body;
    assert_eq!(at(variable, "type").value, Value::Expr("string".into()));

    let retention = &find(&resources, "local.retention").body;
    assert_eq!(
        at(retention, "value").value,
        Value::Expr(r#"var.environment == "production" ? 90 : 7"#.into())
    );
    let prefix = &find(&resources, "local.name_prefix").body;
    assert_eq!(at(prefix, "value").as_str(), Some("assistant"));
}

#[test]
fn nested_blocks_become_maps_and_repeated_ones_sequences() {
    let file = fixture("main.tf");
    let resources = terraform::extract(&file).unwrap();
    let sse = &find(
        &resources,
        "aws_s3_bucket_server_side_encryption_configuration.data",
    )
    .body;
    let algorithm = at(
        sse,
        "rule.apply_server_side_encryption_by_default.sse_algorithm",
    );
    assert_eq!(algorithm.as_str(), Some("aws:kms"));
    assert_eq!(pos(&file, algorithm.span), (42, 27));
    let keys: Vec<&str> = at(sse, "rule")
        .entries()
        .iter()
        .map(|e| e.key.as_str())
        .collect();
    assert_eq!(
        keys,
        [
            "apply_server_side_encryption_by_default",
            "bucket_key_enabled"
        ]
    );

    let lifecycle = &find(&resources, "aws_s3_bucket_lifecycle_configuration.data").body;
    let rules = at(lifecycle, "rule");
    assert_eq!(rules.items().len(), 2);
    assert_eq!(
        at(lifecycle, "rule[0].expiration.days").value,
        Value::Int(30)
    );
    assert_eq!(at(lifecycle, "rule[1].id").as_str(), Some("expire-uploads"));
    assert_eq!(
        file.location(rules.span),
        vouch::source::Location {
            line: 52,
            column: 3,
            end_line: 66,
            end_column: 4
        }
    );

    let group = &find(&resources, "aws_security_group.api").body;
    assert_eq!(at(group, "dynamic._labels[0]").as_str(), Some("ingress"));
    assert_eq!(pos(&file, at(group, "dynamic._labels[0]").span), (81, 11));
    assert_eq!(
        at(group, "dynamic.content.from_port").value,
        Value::Expr("ingress.value".into())
    );

    let backend = &find(&resources, "terraform").body;
    assert_eq!(at(backend, "backend._labels[0]").as_str(), Some("s3"));
    assert_eq!(at(backend, "backend.encrypt").value, Value::Bool(true));
}

#[test]
fn jsonencode_gives_its_object() {
    let file = fixture("policies.tf");
    let resources = terraform::extract(&file).unwrap();
    let policy = at(&find(&resources, "aws_iam_policy.encoded").body, "policy");
    assert_eq!(at(policy, "Version").as_str(), Some("2012-10-17"));
    let action = at(policy, "Statement[0].Action[0]");
    assert_eq!(action.as_str(), Some("secretsmanager:GetSecretValue"));
    assert_eq!(pos(&file, action.span), (8, 21));
    assert_eq!(
        at(policy, "Statement[0].Resource").value,
        Value::Expr("aws_secretsmanager_secret.openai.arn".into())
    );
    let statement = policy.entry("Statement").unwrap();
    assert_eq!(pos(&file, statement.key_span), (5, 5));

    // Only a literal argument can be walked.
    let computed = &find(&resources, "aws_iam_policy.computed").body;
    assert_eq!(
        at(computed, "policy").value,
        Value::Expr("jsonencode(var.policy)".into())
    );
}

#[test]
fn heredoc_json_is_parsed_with_spans_into_the_heredoc() {
    let file = fixture("policies.tf");
    let resources = terraform::extract(&file).unwrap();
    let policy = at(
        &find(&resources, "aws_iam_role_policy.heredoc").body,
        "policy",
    );
    assert_eq!(pos(&file, policy.span), (20, 1));
    let action = at(policy, "Statement[0].Action");
    assert_eq!(action.as_str(), Some("secretsmanager:*"));
    assert_eq!(file.slice(action.span), r#""secretsmanager:*""#);
    assert_eq!(pos(&file, action.span), (25, 17));
    let effect = at(policy, "Statement[0]").entry("Effect").unwrap();
    assert_eq!(pos(&file, effect.key_span), (24, 7));
    // An interpolated JSON string is not known until apply.
    assert_eq!(
        at(policy, "Statement[0].Resource").value,
        Value::Expr(r#""arn:aws:secretsmanager:*:*:secret:${var.secret_prefix}*""#.into())
    );

    let indented = at(
        &find(&resources, "aws_iam_user_policy.indented").body,
        "policy",
    );
    let deny = at(indented, "Statement[0].Effect");
    assert_eq!(deny.as_str(), Some("Deny"));
    assert_eq!(pos(&file, deny.span), (38, 32));
}

#[test]
fn quoted_json_strings_are_opened_with_the_string_span() {
    let file = fixture("policies.tf");
    let resources = terraform::extract(&file).unwrap();
    let policy = at(
        &find(&resources, "aws_iam_group_policy.quoted").body,
        "policy",
    );
    let action = at(policy, "Statement[0].Action");
    assert_eq!(action.as_str(), Some("s3:List*"));
    // The escapes make offsets inside the string meaningless.
    assert_eq!(action.span, policy.span);
    assert_eq!(pos(&file, action.span), (46, 12));
}

#[test]
fn other_heredocs_are_text_or_expressions() {
    let file = fixture("policies.tf");
    let resources = terraform::extract(&file).unwrap();
    let computed = &find(&resources, "aws_iam_policy.computed").body;
    assert_eq!(at(computed, "notes").as_str(), Some("plain text\n"));
    let script = at(computed, "script");
    assert!(
        matches!(&script.value, Value::Expr(s) if s.starts_with("<<-EOT") && s.ends_with("EOT")),
        "got {:?}",
        script.value
    );
    assert_eq!(pos(&file, script.span), (52, 12));
}

#[test]
fn tfvars_assignments_are_resources() {
    let file = fixture("prod.tfvars");
    let resources = terraform::extract_tfvars(&file).unwrap();
    let names: Vec<&str> = resources.iter().map(|r| r.address.as_str()).collect();
    assert_eq!(
        names,
        [
            "environment",
            "replica_count",
            "openai_api_key",
            "allowed_cidrs",
            "tags"
        ]
    );
    assert!(resources.iter().all(|r| r.kind == "tf/tfvar"));

    let key = find(&resources, "openai_api_key");
    assert_eq!(key.ref_names, ["var.openai_api_key"]);
    assert_eq!(file.slice(key.span), "openai_api_key");
    let value = at(&key.body, "value");
    assert_eq!(pos(&file, value.span), (3, 18));
    assert!(value.as_str().is_some_and(|s| s.starts_with("sk-proj-")));

    let count = find(&resources, "replica_count");
    assert_eq!(at(&count.body, "value").value, Value::Int(3));
    assert_eq!(
        at(&find(&resources, "tags").body, "value.Team").as_str(),
        Some("ml")
    );
    assert_eq!(pos(&file, find(&resources, "tags").span), (5, 1));
}

#[test]
fn a_syntax_error_reports_its_line() {
    let file = fixture("broken.tf");
    let err = terraform::extract(&file).unwrap_err();
    assert_eq!(file.line_col(err.offset), (6, 12));
    assert!(
        err.message.contains("expression"),
        "message: {}",
        err.message
    );
}

#[test]
fn tf_json_gives_the_same_resources_as_hcl() {
    let hcl = terraform::extract(&fixture("twin.tf")).unwrap();
    let json_file = fixture("twin.tf.json");
    let json = terraform::extract_tf_json(&json_file).unwrap();

    let shape = |rs: &[Resource]| {
        let mut v: Vec<_> = rs
            .iter()
            .map(|r| {
                let body = serde_json::to_string(&r.body.to_json()).unwrap();
                (
                    r.kind.clone(),
                    r.name.clone(),
                    r.address.clone(),
                    r.ref_names.clone(),
                    body,
                )
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(shape(&hcl).len(), 9);
    assert_eq!(shape(&hcl), shape(&json));

    let versioning = find(&json, "aws_s3_bucket_versioning.cache");
    assert_eq!(json_file.slice(versioning.span), r#""cache""#);
    assert_eq!(pos(&json_file, versioning.span), (18, 7));
    assert_eq!(
        at(&versioning.body, "bucket").value,
        Value::Expr(r#""${aws_s3_bucket.cache.id}""#.into())
    );
    let port = at(
        &find(&json, "aws_security_group.api").body,
        "ingress[1].from_port",
    );
    assert_eq!(port.value, Value::Int(80));
    assert_eq!(pos(&json_file, port.span), (30, 25));
}

#[test]
fn tf_json_policy_strings_are_opened() {
    let file = fixture("iam.tf.json");
    let resources = terraform::extract_tf_json(&file).unwrap();
    let policy = at(&find(&resources, "aws_iam_policy.gateway").body, "policy");
    assert_eq!(
        at(policy, "Statement[0].Action").as_str(),
        Some("secretsmanager:GetSecretValue")
    );
    assert!(matches!(
        at(policy, "Statement[0].Resource").value,
        Value::Expr(_)
    ));
    assert_eq!(pos(&file, policy.span), (6, 19));
}

#[test]
fn tf_json_errors_point_at_the_text() {
    let file = SourceFile::new("bad.tf.json", "{\n  \"resource\": {\n    \"x\": ]\n}\n");
    let err = terraform::extract_tf_json(&file).unwrap_err();
    assert_eq!(file.line_col(err.offset), (3, 10));
    let file = SourceFile::new("list.tf.json", "[1, 2]");
    assert_eq!(terraform::extract_tf_json(&file).unwrap_err().offset, 0);
}
