//! The fixed scan result and rule metadata shared by the report tests.

#![allow(dead_code)] // each test crate uses a different part

use std::path::{Path, PathBuf};

use vouch::report::{RuleInfo, load_result};
use vouch::result::{ScanResult, SnippetLine};

/// The folder of the report fixtures.
pub fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/report")
}

/// `scan.json`, loaded through the schema-checking loader.
pub fn result() -> ScanResult {
    let text = std::fs::read_to_string(dir().join("scan.json")).expect("read scan.json");
    load_result("scan.json", &text).expect("scan.json is a valid result")
}

/// `rules.json`.
pub fn rules() -> Vec<RuleInfo> {
    let text = std::fs::read_to_string(dir().join("rules.json")).expect("read rules.json");
    serde_json::from_str(&text).expect("rules.json parses")
}

/// A long line of the hostile fixture: 20,000 characters without a space.
pub fn long_line() -> String {
    format!("key: {}", "A".repeat(20_000))
}

/// A result whose every scanned string tries to break out of its format.
///
/// Markup, template syntax, table pipes, backticks, a Trojan-Source bidi
/// override, zero-width and tag characters, a terminal escape, a very long
/// line, and a waiver whose file name holds line breaks and a GitHub
/// workflow command. Renderers must show all of it as text.
pub fn hostile() -> ScanResult {
    let mut result = result();
    result.scan.roots = vec!["<root>&".to_string()];
    let mut f = result.findings[0].clone();
    f.title = "</title><script>alert(3)</script>".into();
    f.area = "key-isolation\" onmouseover=\"alert(5)".into();
    f.file = "deploy/\"quoted\" & 'single' <file>|.yaml".into();
    f.resource = "<script>alert(1)</script>".into();
    f.message =
        "{{x}} and {{{y}}} | pipe ``backticks`` **bold** <img src=x onerror=alert(2)> @octocat"
            .into();
    f.remediation = "]]></failure><x> \u{1b}[31m red".into();
    f.controls = vec!["soc2:CC6.1|<b>".into()];
    f.snippet = vec![
        SnippetLine::whole(
            30,
            "value: \"</pre></code><script>alert(4)</script>\"".into(),
        ),
        SnippetLine::whole(
            31,
            "access = \"user\u{202E}nimda\u{202C}\" # api\u{200B}key tag\u{E0041}".into(),
        ),
        SnippetLine::whole(32, long_line()),
        SnippetLine::whole(33, "```` fence and | pipe".into()),
    ];
    let mut waived = result.findings[5].clone();
    waived.resource = "<b>bold</b>|`tick`".into();
    if let Some(s) = waived.suppressed.as_mut() {
        s.reason = Some("<b>waived</b> | by {{owner}}".into());
        s.owner = Some("@security-team".into());
    }
    f.template = Some("<b>chart</b>/templates/{{x}}.yaml".into());
    result.findings = vec![f, waived];
    let x = &mut result.exceptions[0];
    x.file = "x\n::error title=Forged::all good\n.yaml".into();
    x.reason = Some("<script>alert(7)</script> `{{reason}}` :warning: www.evil.example".into());
    x.owner = Some("@octocat".into());
    x.paths = vec!["<img src=x>|**".into()];
    result.passed[0].resource = "javascript:alert(6)".into();
    result.unknown[0].reason = "<iframe src=\"https://example.com\"></iframe>".into();
    result.errors[0].message = "unexpected '<' at <script> \u{0}\u{7}".into();
    result.recount();
    result
}
