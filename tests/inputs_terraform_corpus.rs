//! Every Terraform file of the shared corpus (real public code: terragoat,
//! terraform-aws-s3-bucket) must parse. The corpus lives outside the project
//! in /work/shared/corpus; without it the test says so and passes.

use std::path::Path;

use vouch::inputs::terraform;
use vouch::source::SourceFile;

const CORPUS: &str = "/work/shared/corpus";

#[test]
fn every_terraform_file_in_the_corpus_parses() {
    let root = Path::new(CORPUS);
    if !root.is_dir() {
        println!("skipped: {CORPUS} is absent, so there is no real Terraform to parse");
        return;
    }
    let mut failures = Vec::new();
    let (mut files, mut resources) = (0, 0);
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.expect("corpus is readable");
        let name = entry.file_name().to_string_lossy().into_owned();
        let extract = if name.ends_with(".tf") {
            terraform::extract
        } else if name.ends_with(".tf.json") {
            terraform::extract_tf_json
        } else if name.ends_with(".tfvars") {
            terraform::extract_tfvars
        } else {
            continue;
        };
        let text = std::fs::read_to_string(entry.path()).expect("corpus file is UTF-8");
        let file = SourceFile::new(entry.path(), &text);
        files += 1;
        match extract(&file) {
            Ok(found) => resources += found.len(),
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
    println!("{files} Terraform files, {resources} resources");
    assert!(
        files >= 100,
        "expected the corpus to hold over 100 Terraform files, found {files}"
    );
    assert!(
        failures.is_empty(),
        "parse errors:\n{}",
        failures.join("\n")
    );
}
