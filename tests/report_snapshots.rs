//! Snapshots of the Markdown and HTML reports of the fixed fixture (version and time pinned).
//!
//! Review changed snapshots by eye (`cargo insta review`): they are what an
//! auditor or a PR reviewer reads.

mod report_fixture;

use vouch::report::{Format, RenderOptions, ReportInput, render};

fn rendered(format: Format) -> String {
    let result = report_fixture::result();
    let rules = report_fixture::rules();
    render(
        format,
        &ReportInput::new(&result, &rules),
        &RenderOptions::default(),
    )
    .expect("renders")
}

#[test]
fn markdown_report_of_the_fixture() {
    insta::assert_snapshot!("markdown", rendered(Format::Markdown));
}

#[test]
fn html_report_of_the_fixture() {
    insta::assert_snapshot!("html", rendered(Format::Html));
}
