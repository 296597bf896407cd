//! CloudFormation YAML end to end: short tags (`!Ref`, `!Sub`, `!GetAtt` in
//! both forms, `!If`, `!Equals`) become the long form, and every value keeps
//! the line and column of the text it came from.

use vouch::policy::load::{self, PackSource};
use vouch::scan::{self, Scan, ScanOptions};
use vouch::source::SourceFile;
use vouch::tree::{Node, Value, parse_path};

fn scan() -> Scan {
    let policies = load::load(&PackSource::builtin(), &Default::default()).unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/inputs/cloudformation/short-tags.yaml");
    let options = ScanOptions {
        roots: vec![root],
        ..ScanOptions::default()
    };
    scan::run(&options, &policies).unwrap()
}

/// The node at `path` below `node`.
fn at<'a>(node: &'a Node, path: &str) -> &'a Node {
    let found = node.select(&parse_path(path).unwrap());
    assert_eq!(found.len(), 1, "{path}");
    found[0]
}

/// Line and column of both ends of `node`.
fn place(file: &SourceFile, node: &Node) -> (usize, usize, usize, usize) {
    let l = file.location(node.span);
    (l.line, l.column, l.end_line, l.end_column)
}

fn strs(node: &Node) -> Vec<Option<&str>> {
    node.items().iter().map(Node::as_str).collect()
}

#[test]
fn short_tags_become_the_long_form_with_exact_places() {
    let scan = scan();
    assert!(scan.result.errors.is_empty(), "{:?}", scan.result.errors);
    let file = &scan.project.files[0];
    assert_eq!(file.kind.as_str(), "cfn");
    let src = &file.source;
    let key = file.resources.iter().find(|r| r.name == "Key").unwrap();
    let bucket = file.resources.iter().find(|r| r.name == "Bucket").unwrap();
    assert_eq!(key.kind, "cfn/AWS::KMS::Key");
    assert_eq!(src.line_col(key.span.start), (5, 3));
    assert_eq!(src.line_col(bucket.span.start), (9, 3));

    let rotation = at(&key.body, r#"Properties.EnableKeyRotation["Fn::If"]"#);
    assert_eq!(place(src, rotation), (8, 26, 8, 51));
    let branches: Vec<&Value> = rotation.items().iter().map(|n| &n.value).collect();
    assert_eq!(
        branches,
        [
            &Value::Str("IsProd".into()),
            &Value::Bool(true),
            &Value::Bool(false)
        ]
    );
    assert_eq!(place(src, &rotation.items()[2]), (8, 45, 8, 50));

    let name = at(&bucket.body, r#"Properties.BucketName["Fn::Sub"]"#);
    assert_eq!(name.as_str(), Some("${AWS::StackName}-data"));
    assert_eq!(place(src, name), (12, 19, 12, 48));

    // A tagged scalar's span starts at its tag. `!GetAtt Key.Arn` is split at
    // the dot, and both parts point at the whole scalar.
    let kms = at(
        &bucket.body,
        r#"Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.KMSMasterKeyID["Fn::GetAtt"]"#,
    );
    assert_eq!(strs(kms), [Some("Key"), Some("Arn")]);
    assert_eq!(place(src, &kms.items()[1]), (17, 31, 17, 46));

    let log = at(
        &bucket.body,
        "Properties.LoggingConfiguration.DestinationBucketName.Ref",
    );
    assert_eq!(log.as_str(), Some("LogBucket"));
    assert_eq!(place(src, log), (19, 32, 19, 46));

    let tag = at(&bucket.body, r#"Properties.Tags[0].Value["Fn::GetAtt"]"#);
    assert_eq!(strs(tag), [Some("Key"), Some("Arn")]);
    assert_eq!(place(src, &tag.items()[0]), (22, 27, 22, 30));
    assert_eq!(place(src, &tag.items()[1]), (22, 32, 22, 35));
}
