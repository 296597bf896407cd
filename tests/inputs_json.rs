//! JSON parsing on the fixtures in tests/fixtures/inputs/json: typed values,
//! exact spans (lines and character columns), errors and embedded documents.

use vouch::inputs::json;
use vouch::source::{Location, SourceFile, Span};
use vouch::tree::{Node, Value, parse_path};

fn fixture(name: &str) -> SourceFile {
    let path = format!("tests/fixtures/inputs/json/{name}");
    let text = std::fs::read_to_string(&path).expect("fixture exists");
    SourceFile::new(path, &text)
}

fn at<'a>(node: &'a Node, path: &str) -> &'a Node {
    let found = node.select(&parse_path(path).expect("valid path"));
    assert_eq!(found.len(), 1, "path {path} should reach one node");
    found[0]
}

#[test]
fn values_are_typed() {
    let file = fixture("template.json");
    let root = json::parse(&file).unwrap();
    let secret = at(&root, "Resources.ApiKeySecret.Properties");
    assert_eq!(at(secret, "RotationWindow").value, Value::Float(15.0));
    assert_eq!(at(secret, "Replicas").value, Value::Null);
    assert_eq!(
        at(secret, "Huge").value,
        Value::Float(12_345_678_901_234_567_890.0)
    );
    assert_eq!(at(secret, "Negative").value, Value::Int(-3));
    assert_eq!(at(secret, "Enabled").value, Value::Bool(false));
    let rule = at(
        &root,
        "Resources.PromptBucket.Properties.LifecycleConfiguration.Rules[0]",
    );
    assert_eq!(at(rule, "ExpirationInDays").value, Value::Int(30));
    // Intrinsic functions are plain data to JSON; CloudFormation reads them.
    assert_eq!(
        at(
            &root,
            r#"Resources.PromptBucket.Properties.BucketName["Fn::Sub"]"#
        )
        .as_str(),
        Some("${AWS::StackName}-prompts")
    );
    let keys: Vec<&str> = root.entries().iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["AWSTemplateFormatVersion", "Resources"]);
}

#[test]
fn spans_give_exact_lines_and_columns() {
    let file = fixture("template.json");
    let root = json::parse(&file).unwrap();
    let rule = at(
        &root,
        "Resources.PromptBucket.Properties.LifecycleConfiguration.Rules[0]",
    );
    let days = rule.entry("ExpirationInDays").unwrap();
    assert_eq!(file.line_col(days.key_span.start), (11, 51));
    assert_eq!(file.slice(days.key_span), r#""ExpirationInDays""#);
    assert_eq!(file.line_col(days.value.span.start), (11, 71));
    assert_eq!(
        file.slice(rule.span),
        r#"{"Id": "expire", "Status": "Enabled", "ExpirationInDays": 30}"#
    );

    // Columns count characters: `é` is two bytes but one column.
    let description = at(&root, "Resources.ApiKeySecret.Properties.Description");
    assert_eq!(description.span.len(), 24);
    assert_eq!(
        file.location(description.span),
        Location {
            line: 19,
            column: 24,
            end_line: 19,
            end_column: 47
        }
    );
    assert_eq!(root.span, Span::new(0, file.text.trim_end().len()));
}

#[test]
fn kubernetes_json_is_walkable() {
    let file = fixture("deployment.json");
    let root = json::parse(&file).unwrap();
    let env = at(&root, "spec.template.spec.containers[0].env[0]");
    assert_eq!(at(env, "name").as_str(), Some("OPENAI_API_KEY"));
    assert_eq!(file.line_col(at(env, "name").span.start), (5, 22));
    assert_eq!(
        at(env, "valueFrom.secretKeyRef.key").as_str(),
        Some("api-key")
    );
}

#[test]
fn comments_and_trailing_commas_are_tolerated_and_escapes_decoded() {
    let file = fixture("commented.json");
    let root = json::parse(&file).unwrap();
    assert_eq!(at(&root, "retention_days").value, Value::Int(7));
    assert_eq!(
        file.line_col(at(&root, "retention_days").span.start),
        (3, 21)
    );
    assert_eq!(
        at(&root, "escaped").as_str(),
        Some("tab\there \"quoted\" \u{e9}")
    );
}

#[test]
fn a_syntax_error_reports_its_line() {
    let file = fixture("broken.json");
    let err = json::parse(&file).unwrap_err();
    // Just after `"AWS::S3::Bucket"`, where the comma belongs.
    assert_eq!(file.line_col(err.offset), (4, 32));
    assert_eq!(err.message, "Expected comma");
}

#[test]
fn an_empty_document_is_null() {
    let root = json::parse(&fixture("empty.json")).unwrap();
    assert_eq!(root.value, Value::Null);
    assert!(root.span.is_empty());
}

#[test]
fn embedded_json_is_spanned_in_its_host_file() {
    let host = "policy = <<EOF\n{\"Effect\": \"Allow\"}\nEOF\n";
    let file = SourceFile::new("host.tf", host);
    let start = host.find('{').unwrap();
    let end = host.find("\nEOF").unwrap();
    let node = json::parse_str_at(&host[start..end], start).unwrap();
    let effect = node.entry("Effect").unwrap();
    assert_eq!(file.line_col(effect.key_span.start), (2, 2));
    assert_eq!(file.slice(effect.value.span), r#""Allow""#);

    let err = json::parse_str_at("{\n  \"a\": ,\n}", 40).unwrap_err();
    assert_eq!(err.offset, 40 + 9);
}
