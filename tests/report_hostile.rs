//! Scanned content that tries to break out of a report is shown as text, in every format.
//!
//! The hostile fixture (tests/report_fixture) puts script tags, template
//! syntax, table pipes, backticks, a bidi override, zero-width and tag
//! characters, control characters and a 20,000-character line into the
//! strings a scanned file controls.

mod report_fixture;

use vouch::report::{Format, RenderOptions, ReportInput, render};

fn rendered(format: Format) -> String {
    let result = report_fixture::hostile();
    let rules = report_fixture::rules();
    render(
        format,
        &ReportInput::new(&result, &rules),
        &RenderOptions::default(),
    )
    .expect("renders")
}

#[test]
fn html_shows_markup_and_template_syntax_as_text() {
    let html = rendered(Format::Html);

    // Only the report's own script element exists; every injected tag is escaped.
    assert_eq!(html.matches("<script").count(), 1, "one script element");
    assert!(html.contains("<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>"));
    assert!(html.contains("&lt;/title&gt;&lt;script&gt;alert(3)&lt;/script&gt;"));
    assert!(html.contains("&lt;/pre&gt;&lt;/code&gt;&lt;script&gt;alert(4)&lt;/script&gt;"));
    assert!(!html.contains("<img"));
    assert!(!html.contains("<iframe"));
    assert!(!html.contains("<b>"));
    assert!(!html.contains("<x>"));

    // An area cannot close its attribute and add an event handler.
    assert!(html.contains("data-area=\"key-isolation&quot; onmouseover=&quot;alert(5)\""));
    assert!(!html.contains("onmouseover=\""));

    // Handlebars syntax in data is not evaluated.
    assert!(html.contains("{{x}} and {{{y}}} | pipe ``backticks`` **bold**"));
    assert!(html.contains("by {{owner}}"));
}

#[test]
fn html_makes_hidden_characters_visible() {
    let html = rendered(Format::Html);
    for hidden in [
        '\u{202E}',
        '\u{202C}',
        '\u{200B}',
        '\u{E0041}',
        '\u{1b}',
        '\u{0}',
        '\u{7}',
    ] {
        assert!(
            !html.contains(hidden),
            "raw U+{:04X} in the HTML",
            u32::from(hidden)
        );
    }
    assert!(html.contains("user⟨U+202E⟩nimda⟨U+202C⟩"));
    assert!(html.contains("api⟨U+200B⟩key tag⟨U+E0041⟩"));
    assert!(html.contains("&lt;x&gt; ⟨U+001B⟩[31m red"));
    assert!(html.contains("&lt;script&gt; ⟨U+0000⟩⟨U+0007⟩"));
}

#[test]
fn html_shortens_a_very_long_line_and_says_so() {
    let html = rendered(Format::Html);
    let long = report_fixture::long_line();
    assert!(
        !html.contains(&long[..1000]),
        "the 20,000-character line is not shown whole"
    );
    assert!(html.contains(&format!("{}<span class=\"cut\">", &long[..400])));
    assert!(html.contains("line shortened, 20005 characters in all"));
}

/// Cells of a GFM table row: split at pipes that no backslash escapes.
fn cells(row: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut escaped = false;
    for c in row.chars() {
        match c {
            '|' if !escaped => cells.push(String::new()),
            _ => cells.last_mut().expect("one cell").push(c),
        }
        escaped = c == '\\' && !escaped;
    }
    cells
}

#[test]
fn markdown_tables_keep_their_columns() {
    let md = rendered(Format::Markdown);
    let findings = md
        .lines()
        .find(|l| l.starts_with("| Critical | VCH-ISO-001 |"))
        .expect("the finding's table row");
    // Five columns plus the empty text outside the outer pipes.
    assert_eq!(cells(findings).len(), 7, "{findings}");
    assert!(findings.contains(
        "\\{\\{x\\}\\} and \\{\\{\\{y\\}\\}\\} \\| pipe \\`\\`backticks\\`\\` \\*\\*bold\\*\\*"
    ));
    assert!(findings.contains("&lt;img src=x onerror=alert(2)&gt; @\u{200B}octocat"));
    // A resource name is shown as code, where GitHub reads nothing as markup.
    assert!(
        findings.contains("| `<script>alert(1)</script>` |"),
        "{findings}"
    );

    let waived = md
        .lines()
        .find(|l| l.contains("archive.tf"))
        .expect("the waived row");
    // Seven columns; a name with a pipe cannot be a code span in a table, so it is escaped text.
    assert_eq!(cells(waived).len(), 9, "{waived}");
    assert!(waived.contains("&lt;b&gt;bold&lt;/b&gt;\\|\\`tick\\`"));
    assert!(waived.contains("@\u{200B}security-team"));
}

/// The Markdown without its fenced code blocks and code spans, where raw text is shown as code.
fn outside_fences(md: &str) -> String {
    let mut out = String::new();
    let mut fence: Option<&str> = None;
    for line in md.lines() {
        let ticks = &line[..line.len() - line.trim_start_matches('`').len()];
        match fence {
            Some(f) if line == f => fence = None,
            Some(_) => {}
            None if ticks.len() >= 3 => fence = Some(ticks),
            None => {
                out.push_str(&outside_code_spans(line));
                out.push('\n');
            }
        }
    }
    out
}

/// `line` without its code spans: a run of N backticks up to the next run of
/// exactly N (CommonMark); a run with no partner is text. A backslash does
/// not escape inside a span, but outside one it makes a backtick text.
fn outside_code_spans(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let run_at = |i: usize| chars[i..].iter().take_while(|&&c| c == '`').count();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '\\' && i + 1 < chars.len() {
            out.push(chars[i]);
            out.push(chars[i + 1]);
            i += 2;
            continue;
        }
        if chars[i] != '`' {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let n = run_at(i);
        let mut j = i + n;
        let mut close = None;
        while j < chars.len() {
            if chars[j] == '`' {
                let m = run_at(j);
                if m == n {
                    close = Some(j + m);
                    break;
                }
                j += m;
            } else {
                j += 1;
            }
        }
        match close {
            Some(end) => {
                out.push_str("<code-span>");
                i = end;
            }
            None => {
                out.push_str(&"`".repeat(n));
                i += n;
            }
        }
    }
    out
}

#[test]
fn markdown_has_no_raw_markup_or_hidden_characters() {
    let full = rendered(Format::Markdown);
    let md = outside_fences(&full);
    assert!(
        md.len() < full.len(),
        "the snippet fence was found and left out"
    );
    for tag in ["<script", "<img", "<iframe", "<b>", "<x>", "</title>"] {
        assert!(!md.contains(tag), "raw {tag} in the Markdown");
    }
    for hidden in ['\u{202E}', '\u{E0041}', '\u{1b}', '\u{0}'] {
        assert!(
            !full.contains(hidden),
            "raw U+{:04X} in the Markdown",
            u32::from(hidden)
        );
    }
    // The summary line is HTML, so its text is entity-escaped, not backslash-escaped.
    assert!(md.contains(
        "<summary>Critical · VCH-ISO-001 · &lt;/title&gt;&lt;script&gt;alert(3)&lt;/script&gt; · "
    ));
}

#[test]
fn markdown_snippet_fence_outlasts_backticks_in_the_code() {
    let md = rendered(Format::Markdown);
    // The snippet holds a run of four backticks, so the fence needs five.
    let open = md.find("`````text\n").expect("a five-backtick fence");
    let close = md[open + 10..]
        .find("\n`````\n")
        .expect("the closing fence")
        + open
        + 10;
    let code = &md[open..close];
    assert!(code.contains(">   31 | access = \"user⟨U+202E⟩nimda⟨U+202C⟩\" # api⟨U+200B⟩key"));
    assert!(code.contains("    33 | ```` fence and | pipe"));
    assert!(code.contains("[line shortened, 20005 characters in all]"));
    assert!(code.contains("    30 | value: \"</pre></code><script>alert(4)</script>\""));
}

#[test]
fn junit_and_sarif_stay_well_formed() {
    let xml = rendered(Format::Junit);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let failure = doc
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .expect("a failure");
    assert!(
        failure
            .text()
            .unwrap_or("")
            .contains("]]></failure><x> ⟨U+001B⟩[31m red")
    );

    let sarif: serde_json::Value = serde_json::from_str(&rendered(Format::Sarif)).expect("JSON");
    let message = &sarif["runs"][0]["results"][0]["message"]["text"];
    assert_eq!(
        message,
        "{{x}} and {{{y}}} | pipe ``backticks`` **bold** <img src=x onerror=alert(2)> @octocat \
         (rendered from the Helm template <b>chart</b>/templates/{{x}}.yaml)"
    );
}

#[test]
fn hostile_exceptions_stay_text_in_html_and_markdown() {
    let html = rendered(Format::Html);
    assert!(html.contains("&lt;script&gt;alert(7)&lt;/script&gt; <code>{{reason}}</code>"));
    assert!(html.contains("<code>x\n::error title=Forged::all good\n.yaml:14</code>"));
    assert!(html.contains("paths &lt;img src=x&gt;|**"));
    assert!(html.contains("<code>&lt;b&gt;chart&lt;/b&gt;/templates/{{x}}.yaml</code>"));

    let md = rendered(Format::Markdown);
    let row = md
        .lines()
        .find(|l| l.starts_with("| Active | Waiver |"))
        .expect("the hostile waiver's row, on one line");
    assert_eq!(cells(row).len(), 11, "{row}");
    // The line breaks of the file name became spaces, so no line of the report starts with it.
    assert!(
        row.contains("x ::error title=Forged::all good .yaml:14"),
        "{row}"
    );
    assert!(!md.lines().any(|l| l.starts_with("::")));
    assert!(row.contains(
        "&lt;script&gt;alert(7)&lt;/script&gt; `{{reason}}` :\u{200B}warning: www\\.evil.example"
    ));
    assert!(row.contains("| @\u{200B}octocat |"));
    assert!(row.contains("paths &lt;img src=x&gt;\\|\\*\\*"));
}

#[test]
fn terminal_text_cannot_drive_the_terminal_or_the_ci_log() {
    let mut result = report_fixture::hostile();
    result.findings[0].message =
        "\u{1b}]0;PWNED\u{7}\u{1b}[2J\u{1b}[31mFAKE: 0 findings\u{1b}[0m".into();
    result.findings[0].file = "g2/x\n::error title=Forged::all good\n.yaml".into();
    result.errors[0].file = "x\n::add-mask::secret\n.yaml".into();
    result.scan.skipped[0].file = "skip\n::stop-commands::x".into();
    result.exceptions[1].file = "w\n::error title=Forged::all good\n.yaml".into();
    for color in [false, true] {
        let text = vouch::report::text::render(&result, color);
        let escapes = text.matches('\u{1b}').count();
        if !color {
            assert_eq!(escapes, 0, "no escape sequence without colour:\n{text}");
        }
        for line in text.lines() {
            let visible = line.trim_start();
            assert!(
                !visible.starts_with("::"),
                "a line starts a workflow command: {line:?}"
            );
            assert!(
                !line.contains("\u{1b}]"),
                "an OSC sequence reached the terminal: {line:?}"
            );
            assert!(
                !line.contains("\u{1b}[2J"),
                "a screen clear reached the terminal: {line:?}"
            );
        }
        for hidden in ['\u{7}', '\u{202E}', '\u{200B}', '\u{E0041}'] {
            assert!(!text.contains(hidden), "raw U+{:04X}", u32::from(hidden));
        }
        assert!(text.contains("⟨U+001B⟩]0;PWNED⟨U+0007⟩⟨U+001B⟩[2J⟨U+001B⟩[31mFAKE: 0 findings"));
        assert!(text.contains("x⟨U+000A⟩::add-mask::secret⟨U+000A⟩.yaml"));
        assert!(text.contains("skip⟨U+000A⟩::stop-commands::x"));
        assert!(text.contains("w⟨U+000A⟩::error title=Forged::all good⟨U+000A⟩.yaml:20 expired"));
        assert!(
            text.contains("(rendered from the Helm template <b>chart</b>/templates/{{x}}.yaml)")
        );
        assert!(
            text.contains("user⟨U+202E⟩nimda⟨U+202C⟩"),
            "the snippet is shown, bidi revealed"
        );
    }
    // With colour on, miette still draws its colours.
    assert!(vouch::report::text::render(&result, true).contains("\u{1b}["));
}
