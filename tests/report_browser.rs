//! Opens the HTML report in headless Chromium (tests/browser/check_report.mjs).
//!
//! Needs node, Chromium (`apt-get install chromium`) and playwright-core
//! (`npm ci` in tests/browser). When one is missing the test fails if `CI` is
//! set and otherwise skips with the reason printed. It writes a screenshot of
//! the fixture report to target/report-screenshot.png and its printed form
//! (the print stylesheet) to target/report-print.pdf for a person to look
//! at; `VOUCH_REPORT_KEEP=DIR` keeps the rendered pages in DIR.

mod report_fixture;

use std::path::{Path, PathBuf};
use std::process::Command;

use vouch::report::{Format, RenderOptions, ReportInput, render};
use vouch::result::ScanResult;

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

fn chromium() -> PathBuf {
    std::env::var_os("CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from)
}

/// Why the browser check cannot run here, if it cannot.
fn missing_tool() -> Option<String> {
    let node = Command::new("node").arg("--version").output();
    if !node.is_ok_and(|o| o.status.success()) {
        return Some("node is not installed".into());
    }
    if !chromium().exists() {
        return Some(format!(
            "{} does not exist (apt-get install chromium)",
            chromium().display()
        ));
    }
    if !browser_dir().join("node_modules/playwright-core").is_dir() {
        return Some("playwright-core is not installed (npm ci in tests/browser)".into());
    }
    None
}

fn write_report(result: &ScanResult, path: &Path) {
    let rules = report_fixture::rules();
    let html = render(
        Format::Html,
        &ReportInput::new(result, &rules),
        &RenderOptions::default(),
    )
    .expect("renders");
    std::fs::write(path, html).expect("write report");
}

fn check(report: &Path, extra: &[&str]) {
    let out = Command::new("node")
        .current_dir(browser_dir())
        .arg("check_report.mjs")
        .arg(report)
        .args(extra)
        .env("CHROMIUM", chromium())
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    assert!(
        out.status.success(),
        "browser check failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("all checks passed"), "{stdout}");
}

#[test]
fn html_report_works_offline_in_chromium() {
    if let Some(reason) = missing_tool() {
        assert!(
            std::env::var_os("CI").is_none(),
            "browser test cannot run in CI: {reason}"
        );
        eprintln!("skipped: {reason}");
        return;
    }
    let temp = tempfile::tempdir().expect("temp dir");
    // VOUCH_REPORT_KEEP=DIR keeps the rendered pages there, to open them by hand.
    let dir = std::env::var_os("VOUCH_REPORT_KEEP")
        .map_or_else(|| temp.path().to_path_buf(), PathBuf::from);
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target dir");
    let screenshot = target.join("report-screenshot.png");
    let pdf = target.join("report-print.pdf");
    let _ = std::fs::remove_file(&screenshot);
    let _ = std::fs::remove_file(&pdf);

    let report = dir.join("report.html");
    write_report(&report_fixture::result(), &report);
    check(
        &report,
        &[
            "--filter",
            "--screenshot",
            screenshot.to_str().expect("utf-8 path"),
            "--pdf",
            pdf.to_str().expect("utf-8 path"),
            "--expect-text",
            "Rotation stays manual until the vault migration lands.",
            "--expect-text",
            "expired on 2026-11-30; no longer waives the finding",
        ],
    );
    for artefact in [&screenshot, &pdf] {
        let size = std::fs::metadata(artefact).map_or(0, |m| m.len());
        assert!(size > 10_000, "no real artefact at {}", artefact.display());
    }
    // A phone-sized window: the page itself never scrolls sideways.
    check(&report, &["--width", "390", "--filter"]);

    let hostile = dir.join("hostile.html");
    write_report(&report_fixture::hostile(), &hostile);
    check(
        &hostile,
        &[
            "--expect-text",
            "<script>alert(1)</script>",
            "--expect-text",
            "{{x}} and {{{y}}}",
            "--expect-text",
            "<script>alert(7)</script>",
            "--expect-text",
            "user⟨U+202E⟩nimda⟨U+202C⟩",
        ],
    );
}
