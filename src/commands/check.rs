//! `vouch check`: scan, print, write the requested reports, decide the exit code.

use std::io::Write;
use std::path::PathBuf;

use chrono::NaiveDate;
use miette::{IntoDiagnostic, WrapErr};

use crate::app::Outcome;
use crate::cli::CheckArgs;
use crate::policy::PolicySet;
use crate::report::{self, Format, RenderOptions, ReportInput, RuleInfo};
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
    let scan_options = ScanOptions {
        roots: args.paths.clone(),
        excludes: args.exclude.clone(),
        max_bytes: args.max_file_size,
        now,
        ..ScanOptions::default()
    };
    let scan = scan::run(&scan_options, &policies).map_err(|e| miette::miette!("{e}"))?;
    let result = &scan.result;

    let stdout_format: Format = args.format.parse()?;
    let rules = rule_infos(&policies);
    let options = RenderOptions {
        template: read_template(args.template.as_deref())?,
        ..RenderOptions::default()
    };
    let stdout = render(stdout_format, result, &rules, &options, color)?;
    let mut out = std::io::stdout().lock();
    out.write_all(stdout.as_bytes()).into_diagnostic()?;
    out.flush().into_diagnostic()?;
    for (format, path) in outputs {
        let text = render(format, result, &rules, &options, false)?;
        std::fs::write(&path, text)
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot write {}", path.display()))?;
        log::info!("wrote {format} report to {}", path.display());
    }
    Ok(verdict(result, fail_on))
}

/// Writes each `-o FORMAT=FILE`.
pub fn write_outputs(
    outputs: &[(Format, PathBuf)],
    result: &ScanResult,
    rules: &[RuleInfo],
    options: &RenderOptions,
) -> miette::Result<()> {
    for (format, path) in outputs {
        let text = render(*format, result, rules, options, false)?;
        std::fs::write(path, text)
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot write {}", path.display()))?;
        log::info!("wrote {format} report to {}", path.display());
    }
    Ok(())
}

/// Reads `--template FILE`.
pub fn read_template(path: Option<&std::path::Path>) -> miette::Result<Option<String>> {
    path.map(|p| {
        std::fs::read_to_string(p)
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot read template {}", p.display()))
    })
    .transpose()
}

/// Whether the result fails the run at `fail_on`.
pub fn verdict(result: &ScanResult, fail_on: Option<Severity>) -> Outcome {
    match (result.worst(), fail_on) {
        (Some(worst), Some(threshold)) if worst >= threshold => Outcome::Findings,
        _ => Outcome::Clean,
    }
}

pub fn parse_outputs(specs: &[String]) -> miette::Result<Vec<(Format, PathBuf)>> {
    specs
        .iter()
        .map(|spec| {
            let (format, path) = spec.split_once('=').ok_or_else(|| {
                miette::miette!(
                    help = "e.g. `-o sarif=vouch.sarif`",
                    "-o {spec}: expected FORMAT=FILE"
                )
            })?;
            Ok((format.parse::<Format>()?, PathBuf::from(path)))
        })
        .collect()
}

/// The metadata of the rules in force, for reports.
pub fn rule_infos(policies: &PolicySet) -> Vec<RuleInfo> {
    policies
        .rules
        .iter()
        .map(|r| RuleInfo {
            id: r.def.id.clone(),
            name: r.def.name.clone(),
            title: r.def.title.clone(),
            area: r.def.area.clone(),
            severity: r.severity,
            description: r.def.description.clone(),
            remediation: r.def.remediation.clone(),
            controls: r.def.controls.clone(),
        })
        .collect()
}

/// Renders `result` in `format`.
pub fn render(
    format: Format,
    result: &ScanResult,
    rules: &[RuleInfo],
    options: &RenderOptions,
    color: bool,
) -> miette::Result<String> {
    match format {
        Format::Text => Ok(crate::report::text::render(result, color)),
        other => Ok(report::render(
            other,
            &ReportInput::new(result, rules),
            options,
        )?),
    }
}
