//! Every JSON file of the shared corpus (real public code: CloudFormation
//! templates, Kubernetes examples, compose projects) must parse. The corpus
//! lives outside the project in /work/shared/corpus; without it the test says
//! so and passes.

use std::path::Path;

use vouch::inputs::json;
use vouch::source::SourceFile;
use vouch::tree::{Node, Value};

const CORPUS: &str = "/work/shared/corpus";

#[test]
fn every_json_file_in_the_corpus_parses() {
    let root = Path::new(CORPUS);
    if !root.is_dir() {
        println!("skipped: {CORPUS} is absent, so there is no real JSON to parse");
        return;
    }
    let mut failures = Vec::new();
    let mut files = 0;
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.expect("corpus is readable");
        if !entry.file_name().to_string_lossy().ends_with(".json") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).expect("corpus file is UTF-8");
        let file = SourceFile::new(entry.path(), &text);
        files += 1;
        match json::parse(&file) {
            Ok(node) => check_spans(&node, &file, &mut failures),
            Err(e) => {
                let (line, column) = file.line_col(e.offset);
                failures.push(format!(
                    "{}:{line}:{column}: {}",
                    file.display_path(),
                    e.message
                ));
            }
        }
    }
    println!("{files} JSON files");
    assert!(
        files >= 100,
        "expected the corpus to hold over 100 JSON files, found {files}"
    );
    assert!(failures.is_empty(), "failures:\n{}", failures.join("\n"));
}

/// Spans must cover the text they claim: a key's span is the key as written, a
/// string's span starts with a quote, and containers start with `{` or `[`.
fn check_spans(node: &Node, file: &SourceFile, failures: &mut Vec<String>) {
    let text = file.slice(node.span);
    let ok = match &node.value {
        Value::Map(entries) => {
            for e in entries {
                let key = file.slice(e.key_span);
                let decoded = serde_json::from_str::<String>(key).unwrap_or_else(|_| key.into());
                if decoded != e.key {
                    failures.push(format!(
                        "{}: key {:?} spans {key:?}",
                        file.display_path(),
                        e.key
                    ));
                }
                check_spans(&e.value, file, failures);
            }
            text.starts_with('{') && text.ends_with('}')
        }
        Value::Seq(items) => {
            items.iter().for_each(|n| check_spans(n, file, failures));
            text.starts_with('[') && text.ends_with(']')
        }
        Value::Str(_) => text.starts_with(['"', '\'']),
        _ => !text.is_empty(),
    };
    if !ok {
        let (line, column) = file.line_col(node.span.start);
        failures.push(format!(
            "{}:{line}:{column}: span covers {text:?}",
            file.display_path()
        ));
    }
}
