//! `vouch check`: scan, print, write the requested reports, decide the exit code.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use miette::{IntoDiagnostic, WrapErr};

use crate::app::Outcome;
use crate::cli::{CheckArgs, ScanArgs};
use crate::config::Config;
use crate::filter::{self, baseline::Baseline, changed::Changed};
use crate::policy::PolicySet;
use crate::report::{self, Format, RenderOptions, ReportInput, RuleInfo};
use crate::result::{ScanResult, Severity};
use crate::scan::{self, ScanOptions};
use crate::source::display_path;

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

/// A scan with the config applied and the filter step run.
pub struct Checked {
    /// The result, suppressions marked.
    pub result: ScanResult,
    /// The rules in force.
    pub policies: PolicySet,
    /// The config used.
    pub config: Option<Config>,
    /// Each scanned file's displayed path → its path below the scan root.
    pub relative: HashMap<String, String>,
}

/// Loads config and policies, scans, and applies waivers, inline comments,
/// the baseline and the changed-files limit: everything `check` and
/// `baseline` share.
pub fn scan_and_filter(
    args: &ScanArgs,
    baseline: Option<&Path>,
    changed_since: Option<&str>,
) -> miette::Result<Checked> {
    let first_root = args.paths.first().map_or(Path::new("."), PathBuf::as_path);
    let mut config = super::find_config(&args.policy, first_root)?;
    let now = parse_now(args.now.as_deref())?;
    let policies = super::load_policies(&args.policy, config.as_ref())?;
    let baseline = baseline
        .map(|p| Ok::<_, miette::Report>((display_path(p), Baseline::read(p)?)))
        .transpose()?;
    let changed = changed_since
        .map(|r| Changed::since(first_root, r).map_err(|e| miette::miette!("{e}")))
        .transpose()?;

    let mut excludes = args.exclude.clone();
    if let Some(c) = &config {
        excludes.extend(c.file.exclude.iter().cloned());
    }
    let scan_options = ScanOptions {
        roots: args.paths.clone(),
        excludes,
        max_bytes: args.max_file_size,
        now,
        environments: config
            .as_mut()
            .map(|c| std::mem::take(&mut c.environments))
            .unwrap_or_default(),
    };
    let scan = scan::run(&scan_options, &policies).map_err(|e| miette::miette!("{e}"))?;
    let mut result = scan.result;
    let options = filter::Options {
        now,
        waivers: config.as_ref().map_or(&[][..], |c| c.waivers.as_slice()),
        config: config.as_ref().map(|c| c.path.as_str()),
        config_dir: config.as_ref().and_then(|c| c.dir.canonicalize().ok()),
        inline: config.as_ref().is_none_or(Config::inline_suppressions),
        baseline: baseline.as_ref().map(|(name, b)| (name.as_str(), b)),
        changed: changed.as_ref(),
    };
    filter::apply(&mut result, &scan.project, &policies, &options);
    result.scan.config = config.as_ref().map(|c| c.path.clone());
    result.scan.baseline = baseline.map(|(name, _)| name);
    let relative = scan
        .project
        .files
        .iter()
        .map(|f| (f.source.display_path(), f.relative.clone()))
        .collect();
    Ok(Checked {
        result,
        policies,
        config,
        relative,
    })
}

/// Runs the check.
pub fn run(args: &CheckArgs, color: bool) -> miette::Result<Outcome> {
    let outputs = parse_outputs(&args.outputs)?;
    let stdout_format: Format = args.format.parse()?;
    let template = read_template(args.template.as_deref())?;
    let checked = scan_and_filter(
        &args.scan,
        args.baseline.as_deref(),
        args.changed_since.as_deref(),
    )?;
    let fail_on = match (
        &args.fail_on,
        checked.config.as_ref().and_then(|c| c.fail_on),
    ) {
        (Some(flag), _) => parse_fail_on(flag)?,
        (None, Some(from_config)) => from_config,
        (None, None) => Some(Severity::Low),
    };
    let result = &checked.result;

    let rules = rule_infos(&checked.policies);
    let options = RenderOptions {
        template,
        ..RenderOptions::default()
    };
    let stdout = render(stdout_format, result, &rules, &options, color)?;
    let mut out = std::io::stdout().lock();
    out.write_all(stdout.as_bytes()).into_diagnostic()?;
    out.flush().into_diagnostic()?;
    write_outputs(&outputs, result, &rules, &options)?;
    Ok(verdict(result, fail_on, args.strict))
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

/// Whether the result fails the run at `fail_on`; with `strict`, files that
/// could not be parsed, unsettled checks and malformed or disallowed
/// suppressions fail it too.
pub fn verdict(result: &ScanResult, fail_on: Option<Severity>, strict: bool) -> Outcome {
    let findings = matches!(
        (result.worst(), fail_on),
        (Some(worst), Some(threshold)) if worst >= threshold
    );
    let unsettled = !result.errors.is_empty()
        || !result.unknown.is_empty()
        || result
            .exceptions
            .iter()
            .any(|x| matches!(x.status.as_str(), "invalid" | "disallowed"));
    if strict && unsettled {
        log::warn!(
            "--strict: {} file(s) with errors, {} unsettled check(s), {} malformed or disallowed suppression(s)",
            result.errors.len(),
            result.unknown.len(),
            result
                .exceptions
                .iter()
                .filter(|x| matches!(x.status.as_str(), "invalid" | "disallowed"))
                .count()
        );
    }
    if findings || (strict && unsettled) {
        Outcome::Findings
    } else {
        Outcome::Clean
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
