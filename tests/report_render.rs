//! `render`: format names, custom templates and the Markdown size budget.

mod report_fixture;

use vouch::report::{Format, RenderOptions, ReportError, ReportInput, Template, render};
use vouch::result::ScanResult;

fn render_with(
    format: Format,
    result: &ScanResult,
    options: &RenderOptions,
) -> Result<String, ReportError> {
    let rules = report_fixture::rules();
    render(format, &ReportInput::new(result, &rules), options)
}

/// Options with `source` as the custom template of `format`.
fn with_template(format: Format, source: &str) -> RenderOptions {
    let template = Some(Template {
        file: "team.hbs".into(),
        source: source.into(),
    });
    match format {
        Format::Html => RenderOptions {
            html_template: template,
            ..RenderOptions::default()
        },
        _ => RenderOptions {
            markdown_template: template,
            ..RenderOptions::default()
        },
    }
}

#[test]
fn format_names_parse_and_print() {
    for format in Format::ALL {
        assert_eq!(format.as_str().parse::<Format>().expect("parses"), format);
        assert_eq!(format.to_string(), format.as_str());
    }
    assert_eq!("md".parse::<Format>().expect("alias"), Format::Markdown);
    assert_eq!("HTML".parse::<Format>().expect("any case"), Format::Html);
    let err = "pdf".parse::<Format>().unwrap_err();
    assert_eq!(err.to_string(), "unknown report format `pdf`");
    assert_eq!(Format::Junit.extension(), "xml");
}

#[test]
fn text_is_left_to_the_terminal_printer() {
    let err = render_with(
        Format::Text,
        &report_fixture::result(),
        &RenderOptions::default(),
    );
    assert!(matches!(err, Err(ReportError::TextFormat)));
}

#[test]
fn a_custom_template_sees_the_documented_context() {
    let template = "{{result.tool.name}} {{totals.open}}/{{totals.passed}} worst={{totals.worst}}\n\
        {{#each findings}}{{rule}} {{severity_label}} {{location}} {{resource}}\n{{/each}}\
        {{#each frameworks}}{{key}}={{failing}} {{/each}}\n\
        {{#each passed}}{{rule}}:{{count}} {{/each}}";
    let options = with_template(Format::Markdown, template);
    let out = render_with(Format::Markdown, &report_fixture::hostile(), &options).expect("renders");
    assert_eq!(
        out,
        "vouch 1/7 worst=critical\n\
         VCH-ISO-001 Critical deploy/\"quoted\" &amp; 'single' &lt;file&gt;\\|.yaml:31:19 &lt;script&gt;alert(1)&lt;/script&gt;\n\
         cis-k8s=0 iso27001=0 nist-800-53=0 owasp-llm=0 soc2=1 \n\
         VCH-ENC-001:2 VCH-ISO-001:2 VCH-PRV-010:1 VCH-RET-001:1 VCH-ROT-004:1 "
    );
}

#[test]
fn a_custom_html_template_escapes_for_html() {
    let options = with_template(
        Format::Html,
        "{{#each findings}}<p title=\"{{resource}}\">{{message}}</p>{{/each}}",
    );
    let out = render_with(Format::Html, &report_fixture::hostile(), &options).expect("renders");
    assert!(
        out.starts_with("<p title=\"&lt;script&gt;alert(1)&lt;/script&gt;\">{{x}} and {{{y}}}"),
        "{out}"
    );
    // Missing fields render empty in a custom template rather than failing.
    let lenient = with_template(Format::Html, "[{{no.such.field}}]");
    assert_eq!(
        render_with(Format::Html, &report_fixture::result(), &lenient).expect("renders"),
        "[]"
    );
}

#[test]
fn a_broken_template_reports_line_and_column() {
    let options = with_template(Format::Html, "line one\n{{#each findings}}\n{{/if}}");
    let err = render_with(Format::Html, &report_fixture::result(), &options).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("team.hbs: the template does not parse at line 3, column 1"),
        "{err}"
    );
    match err {
        ReportError::Template { line, column, .. } => assert_eq!((line, column), (3, 1)),
        other => panic!("expected a template error, got {other:?}"),
    }
}

/// A result with `n` open findings copied from the fixture's first one.
fn many_findings(n: usize) -> ScanResult {
    let mut result = report_fixture::result();
    let template = result.findings[0].clone();
    result.findings = (0..n)
        .map(|i| {
            let mut f = template.clone();
            f.line = i + 1;
            f.fingerprint = format!("{i:016x}");
            f
        })
        .collect();
    result.recount();
    result
}

#[test]
fn markdown_summarises_to_stay_within_its_budget() {
    let result = many_findings(300);
    let full = render_with(Format::Markdown, &result, &RenderOptions::default()).expect("renders");
    assert!(!full.contains("[!NOTE]"), "the full report fits 1 MiB");

    let budget = full.len() / 3;
    let options = RenderOptions {
        markdown_max_bytes: Some(budget),
        ..RenderOptions::default()
    };
    let short = render_with(Format::Markdown, &result, &options).expect("renders");
    assert!(short.len() <= budget, "{} > {budget}", short.len());
    assert!(short.contains(
        "> This report is summarised to stay within its size limit: it leaves out the 7 individual passed checks and "
    ), "{}", &short[..600]);
    assert!(short.contains(" of 300 open findings are listed; see the per-rule counts below."));
    assert!(short.contains(
        "| VCH-ISO-001 | API key stored as a literal in a manifest | critical | 300 | 0 |"
    ));
    assert!(short.contains("## Findings (300)"), "counts stay complete");
    assert!(short.contains("The individual passed checks are left out"));
    assert!(!short.contains("Every passed check"));
}

#[test]
fn markdown_cut_off_as_a_last_resort_says_so() {
    let options = RenderOptions {
        markdown_max_bytes: Some(2_500),
        ..RenderOptions::default()
    };
    let out = render_with(Format::Markdown, &many_findings(50), &options).expect("renders");
    assert!(out.len() <= 2_500, "{}", out.len());
    assert!(
        out.ends_with("\n> [!WARNING]\n> This report was cut off at its size limit in the section \"Control coverage\"; what follows it is missing. The JSON report lists everything.\n"),
        "{out}"
    );
    assert!(out.starts_with("# vouch compliance report\n"));
    assert_eq!(
        out.matches("<details>").count(),
        out.matches("</details>").count(),
        "the cut closes the block it stopped in, so the warning shows"
    );
}

#[test]
fn markdown_shortens_parse_errors_and_skipped_files_too() {
    let mut result = report_fixture::result();
    result.scan.skipped = (0..5_000)
        .map(|i| vouch::result::Skipped {
            file: format!("skips/{i:05}.env"),
            reason: "larger than the 10-byte size cap".into(),
        })
        .collect();
    result.scan.files_skipped = 5_000;
    result.errors = (0..5_000)
        .map(|i| vouch::result::FileError {
            file: format!("errs/{i:05}.yaml"),
            line: 3,
            message: "mapping values are not allowed in this context".into(),
            origin: None,
        })
        .collect();
    result.recount();
    let options = RenderOptions {
        markdown_max_bytes: Some(100_000),
        ..RenderOptions::default()
    };
    let out = render_with(Format::Markdown, &result, &options).expect("renders");
    assert!(out.len() <= 100_000, "{}", out.len());
    assert!(!out.contains("[!WARNING]"), "summarised, not cut off");
    // As many of each list as fit: 500 (the step after 1000, which does not fit).
    assert!(out.contains(
        "it leaves out the 7 individual passed checks, 4500 of 5000 parse errors and 4500 of 5000 skipped files."
    ), "{}", &out[..800]);
    assert!(out.contains("\n500 of 5000 parse errors are listed.\n"));
    assert!(out.contains("\n500 of 5000 skipped files are listed.\n"));
    assert!(out.contains("| `errs/00499.yaml` |") && !out.contains("| `errs/00500.yaml` |"));
    assert!(out.contains("<summary>5000 skipped files</summary>"));
    assert!(out.contains("## Passed checks (7)"));
    assert!(out.trim_end().ends_with("</sub>"), "the footer is there");
    assert_eq!(
        out.matches("<details>").count(),
        out.matches("</details>").count()
    );
}

#[test]
fn findings_without_rule_metadata_still_render() {
    let result = report_fixture::result();
    let options = RenderOptions::default();
    let html = render(Format::Html, &ReportInput::new(&result, &[]), &options).expect("renders");
    assert!(html.contains("<code>VCH-ISO-001</code>"));
    assert!(html.contains("API key stored as a literal in a manifest"));
    let md = render(Format::Markdown, &ReportInput::new(&result, &[]), &options).expect("renders");
    assert!(
        md.contains("| VCH-ENC-001 |  | Unclassified | 2 |"),
        "a passed rule with no metadata"
    );
}
