//! `vouch check`: scan, print, write the requested reports, decide the exit code.

use std::io::Write;
use std::path::PathBuf;

use chrono::NaiveDate;
use miette::{IntoDiagnostic, WrapErr};

use crate::app::Outcome;
use crate::cli::CheckArgs;
use crate::result::{ScanResult, Severity};
use crate::scan::{self, ScanOptions};

/// The threshold of `--fail-on`: a severity, or never.
pub fn parse_fail_on(text: &str) -> miette::Result<Option<Severity>> {
    if text == "never" {
        return Ok(None);
    }
    text.parse::<Severity>().map(Some).map_err(|e| {
        miette::miette!(
            help = "use critical, high, medium, low, info or never",
            "--fail-on: {e}"
        )
    })
}

/// Parses `--now`.
pub fn parse_now(text: Option<&str>) -> miette::Result<NaiveDate> {
    match text {
        None => Ok(chrono::Utc::now().date_naive()),
        Some(t) => NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map_err(|e| miette::miette!(help = "write the date as YYYY-MM-DD", "--now {t}: {e}")),
    }
}

/// Runs the check.
pub fn run(args: &CheckArgs, color: bool) -> miette::Result<Outcome> {
    let fail_on = parse_fail_on(args.fail_on.as_deref().unwrap_or("low"))?;
    let now = parse_now(args.now.as_deref())?;
    let outputs = parse_outputs(&args.outputs)?;
    let policies = super::load_policies(&args.policy, &Default::default())?;
    let options = ScanOptions {
        roots: args.paths.clone(),
        excludes: args.exclude.clone(),
        max_bytes: args.max_file_size,
        now,
        ..ScanOptions::default()
    };
    let scan = scan::run(&options, &policies).map_err(|e| miette::miette!("{e}"))?;
    let result = &scan.result;

    let stdout = render(&args.format, result, &policies, color)?;
    let mut out = std::io::stdout().lock();
    out.write_all(stdout.as_bytes()).into_diagnostic()?;
    out.flush().into_diagnostic()?;
    for (format, path) in outputs {
        let text = render(&format, result, &policies, false)?;
        std::fs::write(&path, text)
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot write {}", path.display()))?;
        log::info!("wrote {format} report to {}", path.display());
    }
    Ok(verdict(result, fail_on))
}

/// Whether the result fails the run at `fail_on`.
pub fn verdict(result: &ScanResult, fail_on: Option<Severity>) -> Outcome {
    match (result.worst(), fail_on) {
        (Some(worst), Some(threshold)) if worst >= threshold => Outcome::Findings,
        _ => Outcome::Clean,
    }
}

fn parse_outputs(specs: &[String]) -> miette::Result<Vec<(String, PathBuf)>> {
    specs
        .iter()
        .map(|spec| {
            let (format, path) = spec.split_once('=').ok_or_else(|| {
                miette::miette!(
                    help = "e.g. `-o sarif=vouch.sarif`",
                    "-o {spec}: expected FORMAT=FILE"
                )
            })?;
            check_format(format)?;
            Ok((format.to_string(), PathBuf::from(path)))
        })
        .collect()
}

const FORMATS: [&str; 6] = ["text", "json", "sarif", "junit", "markdown", "html"];

fn check_format(format: &str) -> miette::Result<()> {
    if FORMATS.contains(&format) {
        Ok(())
    } else {
        Err(miette::miette!(
            help = format!("formats: {}", FORMATS.join(", ")),
            "unknown format `{format}`"
        ))
    }
}

fn render(
    format: &str,
    result: &ScanResult,
    policies: &crate::policy::PolicySet,
    color: bool,
) -> miette::Result<String> {
    check_format(format)?;
    match format {
        "text" => Ok(crate::report::text::render(result, color)),
        "json" => serde_json::to_string_pretty(result)
            .map(|s| s + "\n")
            .into_diagnostic(),
        other => {
            let _ = policies;
            // TODO: the other formats arrive with the report module.
            Err(miette::miette!("format `{other}` is not available yet"))
        }
    }
}
