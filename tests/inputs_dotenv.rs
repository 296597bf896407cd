//! `.env` extraction: names, values and the exact place of every value.

use std::path::Path;

use vouch::inputs::ParseError;
use vouch::inputs::dotenv::{self, KIND};
use vouch::resource::Resource;
use vouch::source::{Location, SourceFile};
use vouch::tree::Value;

fn fixture(name: &str) -> SourceFile {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/inputs/dotenv")
        .join(name);
    let bytes = std::fs::read(&path).unwrap();
    SourceFile::new(path, std::str::from_utf8(&bytes).unwrap())
}

/// Parses a fixture that must have no problem at all.
fn clean(file: &SourceFile) -> Vec<Resource> {
    let (resources, skipped) = dotenv::parse(file);
    assert_eq!(skipped, vec![]);
    resources
}

/// A variable's value and the location of the value text.
fn value(file: &SourceFile, resources: &[Resource], key: &str) -> (String, Location) {
    let r = resources
        .iter()
        .find(|r| r.name == key)
        .unwrap_or_else(|| panic!("no variable {key}"));
    let Value::Str(s) = &r.body.value else {
        panic!("{key} is not a string")
    };
    (s.clone(), file.location(r.body.span))
}

fn loc(line: usize, column: usize, end_line: usize, end_column: usize) -> Location {
    Location {
        line,
        column,
        end_line,
        end_column,
    }
}

fn names(resources: &[Resource]) -> Vec<&str> {
    resources.iter().map(|r| r.name.as_str()).collect()
}

#[test]
fn plain_values_comments_export_and_blanks() {
    let file = fixture("basic.env");
    let vars = clean(&file);
    assert_eq!(
        names(&vars),
        [
            "FAKE_PLAIN",
            "FAKE_EXPORTED",
            "FAKE_SPACED",
            "FAKE_EMPTY",
            "FAKE_EMPTY_COMMENT",
            "FAKE_TRAILING",
            "FAKE_HASH",
            "FAKE_REF",
            "fake.dotted-key",
            "OPENAI_API_KEY",
        ]
    );
    let v = |k| value(&file, &vars, k);
    assert_eq!(v("FAKE_PLAIN"), ("plain-value".into(), loc(2, 12, 2, 23)));
    assert_eq!(
        v("FAKE_EXPORTED"),
        ("exported-value".into(), loc(3, 22, 3, 36))
    );
    assert_eq!(v("FAKE_SPACED"), ("spaced value".into(), loc(4, 21, 4, 33)));
    assert_eq!(v("FAKE_EMPTY"), (String::new(), loc(5, 12, 5, 12)));
    assert_eq!(v("FAKE_EMPTY_COMMENT"), (String::new(), loc(6, 21, 6, 21)));
    assert_eq!(v("FAKE_TRAILING"), ("kept".into(), loc(7, 15, 7, 19)));
    assert_eq!(v("FAKE_HASH"), ("abc#def".into(), loc(8, 11, 8, 18)));
    assert_eq!(
        v("FAKE_REF"),
        ("${FAKE_PLAIN}/suffix".into(), loc(9, 10, 9, 30))
    );
    assert_eq!(v("fake.dotted-key"), ("dotted".into(), loc(10, 17, 10, 23)));
    assert_eq!(
        v("OPENAI_API_KEY"),
        (
            "sk-proj-FAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE".into(),
            loc(12, 16, 12, 56)
        )
    );
}

#[test]
fn resources_have_kind_address_and_assignment_span() {
    let file = fixture("basic.env");
    let vars = dotenv::extract(&file);
    let exported = &vars[1];
    assert_eq!(exported.kind, KIND);
    assert_eq!(exported.kind, "env/variable");
    assert_eq!(exported.address, "FAKE_EXPORTED");
    assert_eq!(exported.parent, None);
    // The span runs from the key (after `export `) to the end of the value.
    assert_eq!(file.location(exported.span), loc(3, 8, 3, 36));
    assert_eq!(file.slice(exported.span), "FAKE_EXPORTED=exported-value");
    assert_eq!(file.slice(vars[2].span), "FAKE_SPACED   =   spaced value");
}

#[test]
fn quoted_values_escapes_and_multiple_lines() {
    let file = fixture("quotes.env");
    let vars = clean(&file);
    let v = |k| value(&file, &vars, k);
    assert_eq!(
        v("FAKE_SINGLE"),
        (r"single $NOT_A_REF \n kept".into(), loc(1, 14, 1, 39))
    );
    assert_eq!(
        v("FAKE_DOUBLE"),
        (
            "tab\there \"quoted\" back\\slash $HOME new\nline".into(),
            loc(2, 14, 2, 63)
        )
    );
    assert_eq!(
        v("FAKE_BACK"),
        (r#"back 'quoted' "value""#.into(), loc(3, 12, 3, 33))
    );
    assert_eq!(
        v("FAKE_HASH_IN_QUOTES"),
        ("value # not a comment".into(), loc(4, 22, 4, 43))
    );
    assert_eq!(
        v("FAKE_CONTINUED"),
        ("first second".into(), loc(5, 17, 6, 7))
    );
    assert_eq!(
        v("FAKE_MULTI"),
        ("line one\nline two\nline three".into(), loc(7, 13, 9, 11))
    );
    assert_eq!(
        v("FAKE_MULTI_SINGLE"),
        ("alpha\nbeta".into(), loc(10, 20, 11, 5))
    );
    // The line after a multi-line value is read as its own assignment.
    assert_eq!(v("FAKE_AFTER"), ("after".into(), loc(12, 12, 12, 17)));
    assert_eq!(v("FAKE_EMPTY_QUOTED"), (String::new(), loc(13, 20, 13, 20)));
    let last = vars.last().unwrap();
    assert_eq!(file.slice(last.span), r#"FAKE_EMPTY_QUOTED="""#);
    assert_eq!(vars.len(), 9);
}

#[test]
fn crlf_line_endings_are_not_part_of_values() {
    let file = fixture("crlf.env");
    assert!(file.text.contains("\r\n"), "the fixture must keep CRLF");
    let vars = clean(&file);
    let v = |k| value(&file, &vars, k);
    assert_eq!(v("FAKE_CRLF"), ("value".into(), loc(1, 11, 1, 16)));
    assert_eq!(v("FAKE_CRLF_QUOTED"), ("a\nb".into(), loc(2, 19, 3, 2)));
    assert_eq!(v("FAKE_CRLF_CONT"), ("x y".into(), loc(4, 17, 5, 2)));
    assert_eq!(v("FAKE_CRLF_LAST"), ("last".into(), loc(7, 16, 7, 20)));
    assert_eq!(vars.len(), 4);
}

#[test]
fn a_byte_order_mark_does_not_touch_the_first_key() {
    let file = fixture("bom.env");
    assert!(file.had_bom());
    let vars = clean(&file);
    assert_eq!(names(&vars), ["FAKE_BOM", "FAKE_SECOND"]);
    assert_eq!(file.location(vars[0].span), loc(1, 1, 1, 15));
    assert_eq!(
        value(&file, &vars, "FAKE_BOM"),
        ("first".into(), loc(1, 10, 1, 15))
    );
}

#[test]
fn bad_lines_are_skipped_and_reported() {
    let file = fixture("malformed.env");
    let (vars, skipped) = dotenv::parse(&file);
    assert_eq!(
        names(&vars),
        ["FAKE_GOOD_ONE", "FAKE_GOOD_TWO", "FAKE_GOOD_THREE"]
    );
    assert_eq!(value(&file, &vars, "FAKE_GOOD_TWO").0, "two");
    let at: Vec<_> = skipped.iter().map(|e| file.line_col(e.offset)).collect();
    assert_eq!(at, [(2, 1), (3, 1), (4, 21)]);
    assert!(
        skipped[0].message.contains("no `=`"),
        "{}",
        skipped[0].message
    );
    assert!(
        skipped.iter().all(|e| !e.message.contains("BAD KEY")),
        "messages must not quote the line"
    );
    // `extract` keeps the readable variables too.
    assert_eq!(dotenv::extract(&file).len(), 3);
}

#[test]
fn an_unterminated_quote_stops_the_parse_and_keeps_what_came_before() {
    let file = fixture("unterminated.env");
    let (vars, problems) = dotenv::parse(&file);
    // The quote swallows FAKE_AFTER; FAKE_BEFORE is still checked.
    assert_eq!(names(&vars), ["FAKE_BEFORE"]);
    assert_eq!(
        value(&file, &vars, "FAKE_BEFORE"),
        ("1".into(), loc(1, 13, 1, 14))
    );
    let [err]: [ParseError; 1] = problems.try_into().unwrap();
    assert_eq!(file.line_col(err.offset), (2, 11));
    assert!(err.message.contains("unterminated"), "{}", err.message);
    assert_eq!(names(&dotenv::extract(&file)), ["FAKE_BEFORE"]);
}

#[test]
fn an_empty_file_has_no_variables() {
    let file = SourceFile::new("empty.env", "");
    assert_eq!(dotenv::parse(&file).0.len(), 0);
    let file = SourceFile::new("comments.env", "# only\n\n   # comments\n");
    assert_eq!(dotenv::parse(&file).0.len(), 0);
}

/// Reads every `.env*` and `*.env` file of the shared corpus of real
/// public infrastructure code (/work/shared/corpus); skipped when it is absent.
#[test]
fn every_env_file_of_the_corpus_parses_cleanly() {
    let root = Path::new("/work/shared/corpus");
    if !root.is_dir() {
        println!("skipped: {} is absent", root.display());
        return;
    }
    let mut count = 0;
    for entry in walkdir::WalkDir::new(root).into_iter().flatten() {
        let name = entry.file_name().to_string_lossy();
        if !entry.file_type().is_file() || !(name.starts_with(".env") || name.ends_with(".env")) {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let file = SourceFile::new(entry.path(), &text);
        let (vars, skipped) = dotenv::parse(&file);
        assert_eq!(skipped, vec![], "{}", entry.path().display());
        assert!(!vars.is_empty(), "{}", entry.path().display());
        count += 1;
    }
    println!("{count} corpus .env files parsed");
    assert!(count > 0);
}

/// Any text at all gives resources or an error, never a panic.
#[test]
fn arbitrary_text_never_panics() {
    let alphabet = [
        "FAKE_A", "=", "=", " ", "\t", "\n", "\r\n", "#", "\"", "'", "`", "\\", "$", "{", "}",
        "é€", "export ", "value",
    ];
    let mut seed: u64 = 0x5eed;
    for _ in 0..3000 {
        seed = next(seed);
        let len = (seed >> 40) as usize % 40;
        let text: String = (0..len)
            .map(|_| {
                seed = next(seed);
                alphabet[(seed >> 33) as usize % alphabet.len()]
            })
            .collect();
        let file = SourceFile::new("fuzz.env", &text);
        let (vars, skipped) = dotenv::parse(&file);
        for r in &vars {
            assert!(
                r.span.end <= text.len() && r.body.span.end <= r.span.end,
                "{text:?}"
            );
        }
        assert!(skipped.iter().all(|e| e.offset <= text.len()));
    }
}

/// A linear congruential step; only the high bits are used, the low ones cycle fast.
fn next(seed: u64) -> u64 {
    seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1)
}

/// End to end: the error names the quote's line, and the rules still see
/// the variables above it.
#[test]
fn a_scan_reports_the_quote_and_the_findings_before_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".env.production"),
        "OPENAI_BASE_URL=http://gw.example.com/v1\nA=1\nB=\"unterminated\nC=3\n",
    )
    .unwrap();
    let policies = vouch::policy::load::load(
        &vouch::policy::load::PackSource::builtin(),
        &Default::default(),
    )
    .unwrap();
    let options = vouch::scan::ScanOptions {
        roots: vec![dir.path().to_path_buf()],
        ..Default::default()
    };
    let r = vouch::scan::run(&options, &policies).unwrap().result;
    let errors: Vec<(usize, bool)> = r
        .errors
        .iter()
        .map(|e| (e.line, e.message.contains("unterminated")))
        .collect();
    assert_eq!(errors, [(3, true)]);
    let enc: Vec<(usize, usize, &str)> = r
        .findings
        .iter()
        .filter(|f| f.rule == "VCH-ENC-008")
        .map(|f| (f.line, f.column, f.resource.as_str()))
        .collect();
    assert_eq!(enc, [(1, 17, "OPENAI_BASE_URL")]);
}
