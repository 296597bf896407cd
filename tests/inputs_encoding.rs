//! Text that is not UTF-8: Latin-1 and UTF-16 files are decoded and
//! scanned, with lines and columns counted in the decoded text; NUL bytes
//! without a UTF-16 byte order mark still mean binary.

use vouch::policy::load::{self, PackSource};
use vouch::result::ScanResult;
use vouch::scan::{self, ScanOptions};

const KEY: &str = "sk-proj-blATFP_ylIkWp3nFAKEl9P_Mh6Z9lYj681IBIbhMpv-GA8oOp1u-GIyIZyPdekT4WDtL4WXeV4T3BlbkFJw5LX_6UfvV08-syJstfOBWJyGJRXB9m-lOdogSrzoYwykoTtkwiPIf_bAXMTqswyGllWHvJtWq";

fn scan_files(files: &[(&str, Vec<u8>)]) -> ScanResult {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let policies = load::load(&PackSource::builtin(), &Default::default()).unwrap();
    let options = ScanOptions {
        roots: vec![dir.path().to_path_buf()],
        ..ScanOptions::default()
    };
    scan::run(&options, &policies).unwrap().result
}

/// (file name, rule, line, column, end line, end column) of each finding of `rules`.
fn found(r: &ScanResult, rules: &[&str]) -> Vec<(String, String, usize, usize, usize, usize)> {
    let mut out: Vec<_> = r
        .findings
        .iter()
        .filter(|f| rules.contains(&f.rule.as_str()))
        .map(|f| {
            (
                f.file.rsplit('/').next().unwrap().to_string(),
                f.rule.clone(),
                f.line,
                f.column,
                f.end_line,
                f.end_column,
            )
        })
        .collect();
    out.sort();
    out
}

fn utf16le(text: &str) -> Vec<u8> {
    [0xff, 0xfe]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect()
}

fn latin1(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap())
        .collect()
}

#[test]
fn latin1_and_utf16_files_are_decoded_and_scanned() {
    let env = format!("NAME=café\r\nOPENAI_API_KEY={KEY}\r\n");
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    env:\n    - {name: OPENAI_BASE_URL, note: \"Ünïcödé\", value: \"http://gw.example.com/v1\"}\n";
    let r = scan_files(&[
        ("latin1.env", latin1(&env)),
        ("utf16.env", utf16le(&env)),
        ("latin1.yaml", latin1(pod)),
        ("utf16.yaml", utf16le(pod)),
    ]);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.scan.files_skipped, 0, "{:?}", r.scan.skipped);
    // The key runs from column 16 for its 164 characters. The quoted URL
    // starts at character 55 of its line, after four non-ASCII letters (byte 59
    // in UTF-8): columns count the decoded characters.
    let key = (2, 16, 2, 180);
    let url = (8, 55, 8, 81);
    let expected: Vec<(String, String, usize, usize, usize, usize)> = [
        ("latin1.env", "VCH-ISO-001", key),
        ("latin1.yaml", "VCH-ENC-008", url),
        ("utf16.env", "VCH-ISO-001", key),
        ("utf16.yaml", "VCH-ENC-008", url),
    ]
    .into_iter()
    .map(|(file, rule, (l, c, el, ec))| (file.to_string(), rule.to_string(), l, c, el, ec))
    .collect();
    assert_eq!(found(&r, &["VCH-ISO-001", "VCH-ENC-008"]), expected);
}

#[test]
fn nul_bytes_without_a_utf16_bom_are_binary() {
    let env = format!("OPENAI_API_KEY={KEY}\n");
    let bom_less: Vec<u8> = env.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let r = scan_files(&[
        ("bomless.env", bom_less),
        ("ok.env", env.clone().into_bytes()),
    ]);
    let skipped: Vec<(&str, &str)> = r
        .scan
        .skipped
        .iter()
        .map(|s| (s.file.rsplit('/').next().unwrap(), s.reason.as_str()))
        .collect();
    assert_eq!(skipped, [("bomless.env", "binary file")]);
    assert_eq!(
        found(&r, &["VCH-ISO-001"]),
        [("ok.env".into(), "VCH-ISO-001".into(), 1, 16, 1, 180)]
    );
}
