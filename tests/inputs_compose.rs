//! docker-compose end to end: list-form `environment` rewritten into a map
//! whose values keep their exact spans (quoted or not), map form, and `<<`
//! merges from an `x-` extension.

use chrono::NaiveDate;
use vouch::policy::load::{self, PackSource};
use vouch::scan::{self, Scan, ScanOptions};
use vouch::tree::Value;

fn scan() -> Scan {
    let policies = load::load(&PackSource::builtin(), &Default::default()).unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/inputs/compose/compose.yaml");
    let options = ScanOptions {
        roots: vec![root],
        now: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
        ..ScanOptions::default()
    };
    scan::run(&options, &policies).unwrap()
}

/// A variable's name, value, and the line and column of both ends of the value.
type Var<'a> = (&'a str, Option<&'a str>, (usize, usize), (usize, usize));

#[test]
fn list_form_environment_values_keep_their_spans() {
    let scan = scan();
    assert!(scan.result.errors.is_empty(), "{:?}", scan.result.errors);
    let file = &scan.project.files[0];
    assert_eq!(file.kind.as_str(), "compose");
    let api = file.resources.iter().find(|r| r.name == "api").unwrap();
    let env = api.body.get("environment").unwrap();
    let got: Vec<Var> = env
        .entries()
        .iter()
        .map(|e| {
            (
                e.key.as_str(),
                e.value.as_str(),
                file.source.line_col(e.value.span.start),
                file.source.line_col(e.value.span.end),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "OPENAI_BASE_URL",
                Some("http://gw.example.com/v1"),
                (10, 25),
                (10, 49)
            ),
            (
                "AZURE_OPENAI_ENDPOINT",
                Some("http://aoai.example.com"),
                (11, 32),
                (11, 55)
            ),
            (
                "MISTRAL_BASE_URL",
                Some("http://mistral.example.com"),
                (12, 27),
                (12, 53)
            ),
            ("DEBUG", None, (13, 9), (13, 14)),
        ]
    );
    assert_eq!(env.get("DEBUG").unwrap().value, Value::Null);
    // `<<: *common` brings `restart`, but the service's own environment wins whole.
    assert_eq!(api.body.get("restart").unwrap().as_str(), Some("always"));
    assert!(env.get("LOG_LEVEL").is_none());
}

#[test]
fn findings_underline_the_value_in_both_forms() {
    let scan = scan();
    let got: Vec<(usize, usize, usize, usize, &str)> = scan
        .result
        .findings
        .iter()
        .filter(|f| f.rule == "VCH-ENC-008")
        .map(|f| {
            (
                f.line,
                f.column,
                f.end_line,
                f.end_column,
                f.resource.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (10, 25, 10, 49, "compose/service/api"),
            (11, 32, 11, 55, "compose/service/api"),
            (12, 27, 12, 53, "compose/service/api"),
            (17, 24, 17, 47, "compose/service/worker"),
        ]
    );
}
